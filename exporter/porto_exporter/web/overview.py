"""The landing page's data: portod, the exporter and one row per container, as JSON.

Built from the batches the current snapshot was rendered from (their columns
and kept pieces, never the exposition text), so opening the page never sends
portod a request; built at most once per snapshot and cached.
CPU is a rate, so each cycle hands over its per-container CPU counters (one
column, cheap) and the page shows cores used between the last two cycles.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .. import __version__
from ..catalog import (
    COLLECTOR_DURATION,
    COLLECTOR_SUCCESS,
    CONTAINER_METRICS,
    CONTAINER_STATE,
    DAEMON_CONTAINERS,
    SYSTEM_FIELDS,
)
from ..catalog import DAEMON_INFO as DAEMON_INFO_METRIC
from ..samples import Batch

SYSTEM = {fld: name for fld, name, *_ in SYSTEM_FIELDS}  # GetSystem field -> metric
_BY_PROP = {cm.prop: cm.metric.name for cm in CONTAINER_METRICS}
CPU = _BY_PROP["cpu_usage"]
MEMORY = _BY_PROP["memory_usage"]
MEMORY_LIMIT = _BY_PROP["memory_limit"]
OOM_KILLS = _BY_PROP["oom_kills"]
RESPAWNS = _BY_PROP["respawn_count"]
CREATED = _BY_PROP["creation_time"]
COLUMNS = ("name", "state", "cpu_cores", "memory_bytes", "memory_limit_bytes", "oom_kills", "restarts", "age_seconds")


def family(batches: Sequence[Batch], name: str, only_ones: bool = False) -> Iterator[tuple[dict[str, str], float]]:
    """Every sample of one family, from columns and kept pieces alike, value in the metric's unit.

    ``only_ones``: only the samples whose value is 1 (a state set's current state).
    """
    for batch in batches:
        for s in batch.samples(name):
            if not only_ones or s.value == 1:
                yield dict(s.labels), s.value


def per_container(batches: Sequence[Batch], name: str) -> dict[str, float]:
    return {labels["container"]: value for labels, value in family(batches, name) if len(labels) == 1}


@dataclass
class _CpuReading:
    at: float
    seconds: dict[str, float]


class Overview:
    """Keeps the last two cycles' CPU counters and the JSON of the current snapshot."""

    def __init__(self) -> None:
        self._cpu: list[_CpuReading] = []  # the last two
        self._cached_for: object = None
        self._cached: bytes = b""

    def observe(self, batches: Sequence[Batch], at: float) -> None:
        """Called after every cycle: remember the CPU counters (the rate needs two readings)."""
        self._cpu = [*self._cpu[-1:], _CpuReading(at, per_container(batches, CPU))]

    def cpu_cores(self) -> dict[str, float]:
        if len(self._cpu) < 2 or self._cpu[1].at <= self._cpu[0].at:
            return {}
        before, now = self._cpu
        span = now.at - before.at
        return {n: max(0.0, (s - before.seconds[n]) / span) for n, s in now.seconds.items() if n in before.seconds}

    def document(self, snapshot: object, batches: Sequence[Batch], scraper_state: dict[str, object]) -> bytes:
        """The JSON for ``snapshot`` (built once per snapshot)."""
        if snapshot is not None and snapshot is self._cached_for:
            return self._cached
        doc = self._build(batches, scraper_state)
        self._cached_for, self._cached = snapshot, json.dumps(doc, separators=(",", ":")).encode()
        return self._cached

    def _build(self, batches: Sequence[Batch], scraper_state: dict[str, object]) -> dict[str, object]:
        now = time.time()
        info = next((labels for labels, _ in family(batches, DAEMON_INFO_METRIC.name)), {})
        uptime, errors, warnings = (
            next((v for _, v in family(batches, SYSTEM[f])), None) for f in ("porto_uptime", "errors", "warnings")
        )
        states = {labels["state"]: v for labels, v in family(batches, DAEMON_CONTAINERS.name)}
        collectors: dict[str, dict[str, object]] = {
            labels["collector"]: {"success": v == 1} for labels, v in family(batches, COLLECTOR_SUCCESS.name)
        }
        for labels, v in family(batches, COLLECTOR_DURATION.name):
            collectors.setdefault(labels["collector"], {})["duration_seconds"] = v
        state = {
            labels["container"]: labels["state"] for labels, _ in family(batches, CONTAINER_STATE.name, only_ones=True)
        }
        cpu = self.cpu_cores()
        memory, limit = per_container(batches, MEMORY), per_container(batches, MEMORY_LIMIT)
        ooms, respawns, created = (per_container(batches, f) for f in (OOM_KILLS, RESPAWNS, CREATED))
        rows = [
            [
                name,
                st,
                _round(cpu.get(name)),
                memory.get(name),
                limit.get(name),
                ooms.get(name),
                respawns.get(name),
                _round(now - created[name]) if name in created else None,
            ]
            for name, st in sorted(state.items())
        ]
        return {
            "portod": {
                "version": info.get("version"),
                "uptime_seconds": uptime,
                "errors": errors,
                "warnings": warnings,
                "containers_by_state": states,
            },
            "exporter": {"version": __version__, **scraper_state, "collectors": collectors},
            "containers": {"columns": COLUMNS, "rows": rows},
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)
