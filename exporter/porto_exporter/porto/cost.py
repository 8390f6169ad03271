"""What a request costs portod 5.3, from its source and measurements (PROTOCOL-NOTES §7, §9).

The simulator charges requests with these numbers and the exporter's read
planner compares its options with them, so both agree on what is cheap.

- ListContainersBy: for every container portod tries the request's filters one
  after another (copy + fnmatch each) until one matches: containers x filters
  tried, about 45 ns a try (97.8 ms for 2,000 name filters on 2,009 containers).
- Get: a plain name is one hash lookup; a mask is matched against every
  container (containers x masks). The root is never matched by a mask.
- Dumping properties: per running container the property's measured cost;
  per stopped container about 0.75 µs per property plus 0.75 µs.
"""

from __future__ import annotations

from collections.abc import Sequence

from .masks import is_mask, mask_regex

FILTER_TRY_SECONDS = 45e-9
NAME_LOOKUP_SECONDS = 0.25e-6
STOPPED_BASE_SECONDS = 0.75e-6
STOPPED_PER_PROPERTY_SECONDS = 0.75e-6
# Per running container, for properties read from portod's own state (labels, limits, times, state ...):
# "about 2-3 ms per 1,000 entries" (§7). Cgroup statistics cost more; the simulator knows each one's price.
CHEAP_PROPERTY_SECONDS = 2.5e-6


def filter_tries(filters: Sequence[str], containers: Sequence[str]) -> tuple[int, list[str]]:
    """(filter tries portod makes, the containers matched) for a ListContainersBy, in portod's order.

    Each container tries the filters in the request's order and stops at the first that matches;
    one that matches none tried them all. Computed without the N x F loop: plain names through a
    dict of their first position, masks tried in order only while they could come first.
    """
    first_name: dict[str, int] = {}
    masks: list[tuple[int, str]] = []
    for i, name in enumerate(filters):
        if name == "***" or is_mask(name):
            masks.append((i, name))
        else:
            first_name.setdefault(name, i)
    count = len(filters)
    tries = 0
    matched: list[str] = []
    for container in containers:
        first = first_name.get(container, count)
        for i, mask in masks:
            if i >= first:
                break
            if mask == "***" or (container != "/" and mask_regex(mask).match(container)):
                first = i
                break
        if first < count:
            tries += first + 1
            matched.append(container)
        else:
            tries += count
    return tries, matched
