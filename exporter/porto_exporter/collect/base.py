"""What every collector shares: the context it runs in and its protocol."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import ClassVar, Protocol

from ..porto import PortoClient
from ..samples import Batch, Labels, LabelSet, Sample

__all__ = ["Batch", "CollectContext", "Collector", "Degraded", "LabelSet", "Labels", "Progress", "Sample"]


class Progress:
    """Which of the cycle's collectors are still running (the scraper says when each ends): a collector reading in
    the background (portod_metrics) waits for its read no longer than the rest of the cycle runs anyway."""

    def __init__(self, running: Iterable[str] = ()) -> None:
        self.running = set(running)
        self._waiters: list[tuple[str, asyncio.Future[None]]] = []

    def finished(self, name: str) -> None:
        self.running.discard(name)
        waiting = []
        for who, done in self._waiters:
            if self.running <= {who}:
                if not done.done():
                    done.set_result(None)
            else:
                waiting.append((who, done))
        self._waiters = waiting

    async def others_done(self, name: str) -> None:
        """Return once every collector of the cycle but ``name`` has ended (at once outside a cycle)."""
        if self.running <= {name}:
            return
        done = asyncio.get_running_loop().create_future()
        self._waiters.append((name, done))
        await done


@dataclass
class CollectContext:
    """Per-cycle inputs: the client, the process-lifetime skip counters collectors add to, the cycle's progress."""

    client: PortoClient
    progress: Progress = field(default_factory=Progress)
    property_errors: Counter[tuple[str, str]] = field(default_factory=Counter)
    parse_errors: Counter[str] = field(default_factory=Counter)
    label_conflicts: Counter[str] = field(default_factory=Counter)  # by allowlist: labels, kubernetes


class Degraded(Exception):
    """A collector failed, yet what it holds is current: the scraper reports the failure and serves ``samples``.

    The events collector while its subscription is down: its counters are still right (and must not go stale
    as last-good data would), but events are being missed, so its success gauge must say 0. ``since`` (a
    ``time.time()``) is the last moment the samples were known complete: the data age grows from it, so that a
    stale-data alert sees the outage, while the samples themselves are served however long it lasts.
    """

    def __init__(self, reason: str, samples: Batch, since: float) -> None:
        super().__init__(reason)
        self.samples = samples
        self.since = since


class Collector(Protocol):
    """What the scraper runs each cycle, with every capability it asks of a collector.

    ``name`` is the collector's in ``--collector.<name>`` and in the ``collector`` label. ``asks_portod``: its
    success means portod answered (``porto_up``); a collector serving what it holds (events) says False.
    ``close`` releases what it keeps open between cycles. A collector subclassing this protocol takes the
    defaults (asks portod, keeps nothing open, reads within the cycle).
    """

    name: ClassVar[str]
    asks_portod: ClassVar[bool] = True

    async def collect(self, ctx: CollectContext) -> Batch:
        """Read from portod and return this cycle's samples; raise on failure."""
        ...

    async def close(self) -> None:
        """Release what the collector keeps open between cycles (called once, on shutdown)."""
        return None

    def read_at(self) -> float | None:
        """When what ``collect`` last returned was read (``time.time()``), if before its cycle: a collector serving
        a read made in the background (portod_metrics) says so, for its data age. None: read by that cycle."""
        return None
