"""Every container property the simulator answers: its v4 string, its v5 field, its cost.

One table keyed by property name (``PROPERTIES``), filled by ``props_stats``
and ``props_spec``. Each entry says when the value exists (always, only with
statistics, only when dead, never on this kernel), how to format it for v4
``Get`` and how to fill it into ``TContainerSpec`` / ``TContainerStatus`` for
v5 ``ListContainersBy``, and what real portod 5.3 spends on it per 1,000
running containers (bulk_per_property_cost_1000running.json).
"""

from __future__ import annotations

from . import cgroup2, props_rest, props_stats  # noqa: F401  (fill PROPERTIES)
from .propbase import ALWAYS, DEAD, PROPERTIES, STAT, UNSUPPORTED, Prop, View
from .props_spec import V5_ONLY

__all__ = ["ALWAYS", "DEAD", "PROPERTIES", "STAT", "UNSUPPORTED", "V5_ONLY", "Prop", "View"]
