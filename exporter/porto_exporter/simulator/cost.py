"""What real portod would spend answering a request: the simulator's cost model and request log.

How portod spends (its src/rpc.cpp, PROTOCOL-NOTES §9): ListContainersBy takes
every container in turn (the root first, then by name) and tries the
request's filters on it one after another, each try a copy of the filter and
a ``StringMatch`` of its name (and, if the name matches, of its labels),
until one matches; then it dumps the properties asked for. Get looks plain
names up one by one and matches each mask against every container. Dumping a
property costs, per running container, what portod 5.3 was measured to spend
on it (``Prop.cost_ms`` per 1,000 running containers, in the property
tables); a stopped container costs a little per property.

The constants, each from a measurement of portod 5.3.59 on the 2-CPU VM of
the captures (the simulator's own: the exporter's read planner keeps its
own figures in ``porto.cost``):

- ``FILTER_TRY_SECONDS``: 90 ns. ``bench/calib.py`` (bench/calib-results-2.json,
  ``named_state``): ListContainersBy of ``state`` naming 100, 300 and 1,000
  running containers, one filter each, on a host of 2,901 with names of
  27-33 characters took 25.7, 74.6 and 237 ms, i.e. 82-88 ns for each of the
  (containers x filters) tries. PROTOCOL-NOTES §9 measured about 45 ns with
  8-character names.
- ``NAME_LOOKUP_SECONDS``: 0.25 µs. PROTOCOL-NOTES §9: Get naming each of
  2,009 stopped containers took 3.1 ms against 2.6 ms for Get ``***``, so a
  lookup is at most (3.1 - 2.6) ms / 2,009.
- ``STOPPED_BASE_SECONDS`` + ``STOPPED_PER_PROPERTY_SECONDS``: 0.75 µs each.
  PROTOCOL-NOTES §9: ListContainersBy ``***`` of ``state`` on 2,009 stopped
  containers, 3.1 ms (1.5 µs a container, one property); §7: Get ``***`` of
  40 variables on 1,000 stopped containers, 26 ms above the 16-container
  baseline (about 0.65 µs a property).

``--sleep-cost`` makes the simulator sleep for what a request is charged.
The log keeps what each recent request asked for (filters, names) and cost,
for tests and benchmarks.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from heapq import merge

from .masks import matcher
from .properties import PROPERTIES

FILTER_TRY_SECONDS = 90e-9
NAME_LOOKUP_SECONDS = 0.25e-6
STOPPED_BASE_SECONDS = 0.75e-6
STOPPED_PER_PROPERTY_SECONDS = 0.75e-6
UNKNOWN_COST_MS = 2.0
LOG_LENGTH = 10_000


@dataclass(frozen=True, slots=True)
class Filter:
    """One ListContainersBy filter as portod tries it: a name (or mask) and the labels the container must have."""

    name: str
    labels: Mapping[str, str] = field(default_factory=dict)


def filter_tries(filters: Sequence[Filter], containers: Sequence[tuple[str, Mapping[str, str]]]) -> int:
    """How many filter tries portod makes for a ListContainersBy: ``containers`` are (name, own labels) in
    portod's order; each tries the filters in the request's order until one matches name and labels.

    The same count as that loop, without running it: a container's candidates are the filters naming it
    exactly and the filters that can match more than one name, in request order.
    """
    if filters and filters[0].name == "***" and not filters[0].labels:
        return len(containers)  # every container matches the first filter at its first try
    exact: dict[str, list[int]] = {}
    patterns: list[int] = []
    for i, flt in enumerate(filters):
        if any(ch in flt.name for ch in "*?[\\"):
            patterns.append(i)
        else:
            exact.setdefault(flt.name, []).append(i)
    tests: dict[int, Callable[[str], bool]] = {i: matcher(filters[i].name) for i in patterns}
    count = len(filters)
    tries = 0
    for name, labels in containers:
        named = exact.get(name)
        candidates: Iterable[int] = patterns if named is None else merge(named, patterns) if patterns else named
        for i in candidates:
            test, wanted = tests.get(i), filters[i].labels
            if (test is None or test(name)) and (not wanted or all(labels.get(k) == v for k, v in wanted.items())):
                tries += i + 1
                break
        else:
            tries += count
    return tries


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
        self,
        method: str,
        running: int,
        stopped: int,
        props: list[str],
        *,
        filters: int = 0,
        tries: int = 0,
        lookups: int = 0,
    ) -> float:
        """Record one request; returns its modelled seconds."""
        cost = RequestCost(
            method,
            filters,
            tries,
            lookups,
            running + stopped,
            tries * FILTER_TRY_SECONDS + lookups * NAME_LOOKUP_SECONDS,
            self.dump_seconds(running, stopped, props),
        )
        self.seconds += cost.seconds
        self.requests += 1
        self.log.append(cost)
        return cost.seconds
