"""What real portod would spend answering a request: the simulator's cost model.

Per-property costs per 1,000 running containers come from the captures
(bulk_per_property_cost_1000running.json, ``Prop.cost_ms``); a stopped
container costs a flat ``STOPPED_COST_MS`` whatever is asked. ``--sleep-cost``
makes the simulator sleep for what a request is charged.
"""

from __future__ import annotations

from dataclasses import dataclass

from .properties import PROPERTIES

STOPPED_COST_MS = 0.03  # portod's per-container cost for a stopped container, any property
UNKNOWN_COST_MS = 2.0


@dataclass
class CostModel:
    """Accounts what real portod would spend answering (per-property costs from the captures)."""

    seconds: float = 0.0
    requests: int = 0

    def charge(self, running: int, stopped: int, props: list[str]) -> float:
        per_running = sum(PROPERTIES[p].cost_ms if p in PROPERTIES else UNKNOWN_COST_MS for p in props) / 1000.0
        cost = (running * per_running + stopped * STOPPED_COST_MS) / 1000.0
        self.seconds += cost
        self.requests += 1
        return cost
