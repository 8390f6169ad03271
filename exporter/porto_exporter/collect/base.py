"""What every collector shares: the context it runs in and its protocol."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import ClassVar, Protocol

from ..porto import PortoClient
from ..samples import Batch, Labels, LabelSet, Sample

__all__ = ["Batch", "CollectContext", "Collector", "Degraded", "LabelSet", "Labels", "Sample"]


@dataclass
class CollectContext:
    """Per-cycle inputs: the client and the process-lifetime skip counters collectors add to."""

    client: PortoClient
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
    defaults (asks portod, keeps nothing open).
    """

    name: ClassVar[str]
    asks_portod: ClassVar[bool] = True

    async def collect(self, ctx: CollectContext) -> Batch:
        """Read from portod and return this cycle's samples; raise on failure."""
        ...

    async def close(self) -> None:
        """Release what the collector keeps open between cycles (called once, on shutdown)."""
        return None
