"""Which request reads the spec tier: the changed containers by name, or one masked read, by portod's cost.

portod answers ListContainersBy by trying every filter on every container
(``porto.cost``): naming k changed containers on a host of N costs about
N x k filter tries, while one ``***`` (or ``--containers.include`` masks) read
costs N tries but dumps every container's spec. The planner prices both with
portod's own numbers and picks the cheaper; it never names more than
``MAX_NAME_FILTERS`` containers in one request. On portod 5.3.59 with 2,901
containers naming beat ``***`` up to about 120 names (bench/calib.py: 100
names 26-29 ms, ``***`` 29-37 ms, 300 names 75-78 ms); the model's crossover
is about 128.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..catalog import ContainerMetric
from ..porto.cost import CHEAP_PROPERTY_SECONDS, CONTAINER_DUMP_SECONDS, FILTER_TRY_SECONDS

MAX_NAME_FILTERS = 1_000


@dataclass(frozen=True, slots=True)
class SpecRead:
    """One planned spec read: its filters, whether they name containers, and its modelled portod seconds."""

    filters: tuple[str, ...]
    by_name: bool
    seconds: float


def name_filter_tries(named: int, containers: int) -> int:
    """Tries portod makes when ``named`` of ``containers`` are asked for by name, one filter each.

    The j-th named container matches at its filter (j tries); every other container tries them all.
    """
    return named * (named + 1) // 2 + max(0, containers - named) * named


def plan_spec_read(
    stale: Sequence[str], *, containers: int, wanted: int, properties: int, masks: Sequence[str] = ()
) -> SpecRead:
    """The cheaper of naming ``stale`` and reading everything ``masks`` (default ``***``) match.

    ``containers``: how many portod holds (every filter is tried on each); ``wanted``: how many the
    masks match (each has its spec dumped); ``properties``: how many spec properties are read.
    """
    masks = tuple(masks) or ("***",)
    per_container = CONTAINER_DUMP_SECONDS + properties * CHEAP_PROPERTY_SECONDS
    masked = SpecRead(masks, False, containers * len(masks) * FILTER_TRY_SECONDS + wanted * per_container)
    if len(stale) > MAX_NAME_FILTERS:
        return masked
    tries = name_filter_tries(len(stale), containers)
    named = SpecRead(tuple(stale), True, tries * FILTER_TRY_SECONDS + len(stale) * per_container)
    return named if named.seconds <= masked.seconds else masked


def chunks(names: Sequence[str], size: int = MAX_NAME_FILTERS) -> list[Sequence[str]]:
    """Names split into requests of at most ``size`` each (v4 Get by name: cheap, but bounded)."""
    return [names[i : i + size] for i in range(0, len(names), size)]


def slow_parts(slow: Sequence[ContainerMetric]) -> tuple[tuple[ContainerMetric, ...], ...]:
    """The slow tier split by property group (memory, pressure, io, processes, ...), in catalog order.

    Each part has its own turn within the slow interval (``ContainersCollector``), so no cycle asks
    portod for the whole slow tier: on portod 5.3.59 with 2,900 containers one ``***`` read of the whole
    default slow tier costs portod about as much as 3 fast cycles (docs/performance.md, "Real portod"),
    and on older or busier daemons it ran past the cycle deadline by itself (issue 20).
    """
    groups: dict[str, list[ContainerMetric]] = {}
    for cm in slow:
        groups.setdefault(cm.group, []).append(cm)
    return tuple(tuple(part) for part in groups.values())
