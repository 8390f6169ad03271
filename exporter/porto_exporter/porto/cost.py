"""What a request costs portod 5.3, from its source and measurements (PROTOCOL-NOTES §7, §9; bench/calib.py).

The exporter's read planner compares its options with these numbers. The simulator charges requests with its
own (``simulator/cost.py``, from the same calibration), so a wrong figure here is not made twice: a test holds
the two within tolerance of each other.
Calibrated on portod 5.3.59 at 2,901 containers (bench/calib-results-2.json,
docs/performance.md "Real portod").

- ListContainersBy: for every container portod tries the request's filters one
  after another (copy + fnmatch each) until one matches: containers x filters
  tried, about 90 ns a try with names of 27-33 characters (100, 300 and 1,000
  names on 2,901 containers: 25.7, 74.6 and 237 ms); with 8-character names
  PROTOCOL-NOTES §9 measured about 45 ns.
- Get: a plain name is one hash lookup; a mask is matched against every
  container (containers x masks). The root is never matched by a mask.
- Dumping properties: per running container about 2.7 µs (carried by
  ``state``, which every read asks for), plus the property's measured cost:
  0.3 µs for one read from portod's own state (limits, labels, times), more
  for cgroup statistics; per stopped container about 0.75 µs per property
  plus 0.75 µs.
"""

from __future__ import annotations

from collections.abc import Sequence

from .masks import is_mask, mask_regex

FILTER_TRY_SECONDS = 90e-9
NAME_LOOKUP_SECONDS = 0.25e-6
STOPPED_BASE_SECONDS = 0.75e-6
STOPPED_PER_PROPERTY_SECONDS = 0.75e-6
# Per running container dumped: a `***` read of `state` alone on 2,901 containers took 9-10 ms.
CONTAINER_DUMP_SECONDS = 2.7e-6
# Per running container, for each property read from portod's own state (labels, limits, times ...): the spec
# read's 31 properties took 32-37 ms on 2,901 containers, `state` alone 9-10 ms. Cgroup statistics cost more;
# the simulator knows each one's price.
CHEAP_PROPERTY_SECONDS = 0.3e-6


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
