"""What every collector shares: the context it runs in and its protocol."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Protocol

from ..porto import PortoClient
from ..samples import Batch, Labels, LabelSet, Sample

__all__ = ["Batch", "CollectContext", "Collector", "LabelSet", "Labels", "Sample"]


@dataclass
class CollectContext:
    """Per-cycle inputs: the client and the process-lifetime skip counters collectors add to."""

    client: PortoClient
    property_errors: Counter[tuple[str, str]] = field(default_factory=Counter)
    parse_errors: Counter[str] = field(default_factory=Counter)


class Collector(Protocol):
    name: str

    async def collect(self, ctx: CollectContext) -> Batch:
        """Read from portod and return this cycle's samples; raise on failure."""
        ...
