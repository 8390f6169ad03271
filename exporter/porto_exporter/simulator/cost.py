"""What real portod would spend answering a request: the simulator's cost model and request log.

Matching follows portod's source (``porto.cost``): ListContainersBy tries its
filters per container in order until one matches; Get looks plain names up
and matches masks against every container. Dumping a property costs, per
running container, what portod 5.3 was measured to spend on it (``Prop.cost_ms``
per 1,000 running containers, bulk_per_property_cost_1000running.json); a
stopped container costs a little per property. ``--sleep-cost`` makes the
simulator sleep for what a request is charged. The log keeps what each recent
request asked for (filters, names) and cost, for tests and benchmarks.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from ..porto.cost import FILTER_TRY_SECONDS, NAME_LOOKUP_SECONDS, STOPPED_BASE_SECONDS, STOPPED_PER_PROPERTY_SECONDS
from .properties import PROPERTIES

UNKNOWN_COST_MS = 2.0
LOG_LENGTH = 10_000


@dataclass(frozen=True, slots=True)
class RequestCost:
    """One request as portod would have spent on it."""

    method: str
    filters: int  # ListContainersBy filters / Get names and masks
    tries: int  # filter tries (LCB) or mask matches (Get)
    lookups: int  # plain names looked up (Get)
    containers: int  # containers whose properties were dumped
    match_seconds: float
    dump_seconds: float

    @property
    def seconds(self) -> float:
        return self.match_seconds + self.dump_seconds


@dataclass
class CostModel:
    """Accounts what real portod would spend; ``seconds`` is the running total."""

    seconds: float = 0.0
    requests: int = 0
    log: deque[RequestCost] = field(default_factory=lambda: deque(maxlen=LOG_LENGTH))

    @staticmethod
    def dump_seconds(running: int, stopped: int, props: list[str]) -> float:
        per_running = sum(PROPERTIES[p].cost_ms if p in PROPERTIES else UNKNOWN_COST_MS for p in props) / 1e6
        return running * per_running + stopped * (STOPPED_BASE_SECONDS + len(props) * STOPPED_PER_PROPERTY_SECONDS)

    def charge(
        self, method: str, running: int, stopped: int, props: list[str], *, filters: int = 0, tries: int = 0,
        lookups: int = 0,
    ) -> float:  # fmt: skip
        """Record one request; returns its modelled seconds."""
        cost = RequestCost(method, filters, tries, lookups, running + stopped,
                           tries * FILTER_TRY_SECONDS + lookups * NAME_LOOKUP_SECONDS,
                           self.dump_seconds(running, stopped, props))  # fmt: skip
        self.seconds += cost.seconds
        self.requests += 1
        self.log.append(cost)
        return cost.seconds
