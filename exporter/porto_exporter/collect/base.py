"""What every collector shares: the immutable Sample, the context it runs in, its protocol."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Protocol

from ..porto import PortoClient

Labels = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Sample:
    """One value of one metric family; ``labels`` is ordered as the family declares them."""

    name: str
    labels: Labels
    value: float


@dataclass
class CollectContext:
    """Per-cycle inputs: the client and the process-lifetime skip counters collectors add to."""

    client: PortoClient
    property_errors: Counter[tuple[str, str]] = field(default_factory=Counter)
    parse_errors: Counter[str] = field(default_factory=Counter)
    timeout: float | None = None


class Collector(Protocol):
    name: str

    async def collect(self, ctx: CollectContext) -> list[Sample]:
        """Read from portod and return this cycle's samples; raise on failure."""
        ...
