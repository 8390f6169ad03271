"""Every container's counters at one instant, with subtree sums: what one read request sees.

Hierarchical cgroup accounting is modelled: a cgroup's usage is the sum over
its subtree, and a container that does not own a controller reports its
nearest owning ancestor's value for it, as real portod does. A frame needs
of the host only its root container and its boot time (``Tree``), so the
host can build frames without this module knowing the host.
"""

from __future__ import annotations

import math
from typing import Protocol

from .accounting import COUNTERS, GAUGES, KEYS
from .container import Container


class Tree(Protocol):
    """What a frame reads of the host: the container tree's root and when the machine booted."""

    root: Container
    boot_time: float


class Frame:
    """Every container's counters at one instant, with subtree sums; built once per request."""

    def __init__(self, host: Tree, now: float, subtree: Container | None = None) -> None:
        """The whole host, or only ``subtree`` (enough for that container's own sums)."""
        self.host = host
        self.now = now
        self._tree: dict[int, dict[str, float]] = {}
        self._compute(subtree or host.root)

    def _compute(self, root: Container) -> None:
        # Iterative post-order so 16-level trees of 10,000 nodes cannot hit the recursion limit.
        stack: list[tuple[Container, bool]] = [(root, False)]
        now = self.now
        while stack:
            node, done = stack.pop()
            if not done:
                stack.append((node, True))
                stack.extend((child, False) for child in node.children.values() if child.has_stats)
                continue
            total = node.own_values(now, node.run_seconds(now))
            for key, value in node.retired.items():
                total[key] += value
            for child in node.children.values():
                if child.has_stats:
                    sub = self._tree[child.id]
                    for key in KEYS:
                        total[key] += sub[key]
            if node.is_root:
                self._add_host_overhead(total)
                total["cpu_throttled"] = 0.0  # the root cgroup has no CPU limit: real portod reports 0 for /
            self._tree[node.id] = total

    def _add_host_overhead(self, total: dict[str, float]) -> None:
        """The root also counts processes outside Porto (sshd, portod itself...)."""
        up = self.now - self.host.boot_time
        total["cpu_usage"] += up * 0.15e9
        total["cpu_usage_system"] += math.floor(up * 0.05e9 / 1e7) * 1e7
        total["memory_usage"] += 400 << 20
        total["anon_usage"] += 250 << 20
        total["cache_usage"] += 120 << 20
        total["process_count"] += 120
        total["thread_count"] += 300
        total["net_bytes"] += up * 2000
        total["net_packets"] += up * 10
        total["net_rx_bytes"] += up * 800
        total["net_tx_bytes"] += up * 1200
        total["net_rx_packets"] += up * 4
        total["net_tx_packets"] += up * 6

    @classmethod
    def empty(cls, host: Tree, now: float) -> Frame:
        """For requests that read no statistics: skips summing the whole tree."""
        frame = cls.__new__(cls)
        frame.host, frame.now, frame._tree = host, now, {}
        return frame

    def tree(self, container: Container) -> dict[str, float]:
        return self._tree.get(container.id) or dict.fromkeys(KEYS, 0.0)

    def value(self, container: Container, key: str) -> int:
        """What portod reports for one counter: the owning cgroup's subtree total."""
        controller = COUNTERS.get(key) if key in COUNTERS else GAUGES[key]
        owner = container.owner_of(controller or "")
        return int(self.tree(owner)[key])
