"""Containers -> porto_container_* (and porto_daemon_containers{state}).

Every cycle reads the fast properties (counters, state, change_time) of every
container; the spec tier (limits, labels, info, owned controllers) is re-read
only for containers whose change_time moved, and the expensive tier
(process/thread counts, virtual memory) only every ``expensive_interval``. The
typed v5 ListContainersBy is preferred; when portod answers InvalidMethod (or
``api="v4"``) the v4 Get with string parsing gives the same samples.

A container that does not own a cgroup controller reports its nearest
ancestor's counters for it (PROTOCOL-NOTES), so such metrics get no series for
it: summing a metric over containers of one level never counts a cgroup twice.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from ..catalog import (
    CONTAINER_INFO,
    CONTAINER_LABELS,
    CONTAINER_METRICS,
    CONTAINER_STATE,
    DAEMON_CONTAINERS,
    INFO_PROPS,
    STATES,
    ContainerMetric,
)
from ..porto import errors
from ..porto.masks import mask_regex
from ..porto.values import ValueFormatError, parse_controllers, parse_str_map
from .base import CollectContext, Sample
from .labels import LabelAllowlist
from .parse import Value, parse_v4, read_v5, v4_variable

Api = Literal["auto", "v5", "v4"]
ROOT = "/"
FAST_ALWAYS = ("state", "change_time")


@dataclass(frozen=True)
class Selection:
    """Which containers to export: Porto masks and a depth limit (the root's level is 0)."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    max_depth: int | None = None

    def wants(self, name: str) -> bool:
        level = 0 if name == ROOT else name.count("/") + 1
        if self.max_depth is not None and level > self.max_depth:
            return False
        if self.include and not any(mask_regex(m).match(name) or m == name for m in self.include):
            return False
        return not any(mask_regex(m).match(name) or m == name for m in self.exclude)


@dataclass
class _Cached:
    """What is kept between cycles for one container."""

    change_time: int
    spec_samples: tuple[Sample, ...]
    owned: frozenset[str] | None  # None for the root: it owns every controller
    expensive: tuple[Sample, ...] = ()


@dataclass
class _Reading:
    """One container's values from one reply, whatever the API."""

    name: str
    state: str
    change_time: int
    values: dict[str, Value] = field(default_factory=dict)
    info: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    owned: frozenset[str] | None = None


class ContainersCollector:
    name = "containers"

    def __init__(
        self,
        *,
        selection: Selection | None = None,
        allowlist: LabelAllowlist | None = None,
        disabled_groups: Iterable[str] = (),
        api: Api = "auto",
        expensive_interval: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.selection = selection or Selection()
        self.allowlist = allowlist or LabelAllowlist()
        disabled = set(disabled_groups)
        self.metrics = tuple(cm for cm in CONTAINER_METRICS if cm.group not in disabled)
        self.fast = tuple(cm for cm in self.metrics if cm.tier == "fast")
        self.expensive = tuple(cm for cm in self.metrics if cm.tier == "expensive")
        self.spec = tuple(cm for cm in self.metrics if cm.tier == "spec")
        self.api: Api = api
        self.expensive_interval = expensive_interval
        self._clock = clock
        self._expensive_due = 0.0
        self._cache: dict[str, _Cached] = {}
        self._cursor: int | None = None  # v4: the previous spec reply's timestamp

    # --- reading ----------------------------------------------------------

    async def collect(self, ctx: CollectContext) -> list[Sample]:
        now = self._clock()
        with_expensive = now >= self._expensive_due
        fast = self.fast + (self.expensive if with_expensive else ())
        if self.api != "v4":
            try:
                readings, changed = await self._read_v5(ctx, fast)
                self.api = "v5"
            except errors.InvalidMethod:
                if self.api == "v5":
                    raise
                self.api = "v4"
                self._cursor = None
        if self.api == "v4":
            readings, changed = await self._read_v4(ctx, fast)
        if with_expensive:
            self._expensive_due = now + self.expensive_interval
        return self._samples(ctx, readings, changed, with_expensive)

    def _wanted(self, names: Iterable[str]) -> list[str]:
        return [n for n in names if self.selection.wants(n)]

    async def _read_v5(
        self, ctx: CollectContext, fast: Sequence[ContainerMetric]
    ) -> tuple[list[_Reading], dict[str, _Reading]]:
        client = ctx.client
        props = list(dict.fromkeys([*FAST_ALWAYS, *(cm.prop for cm in fast)]))
        rsp = await client.list_containers_by(["***"], props, timeout=ctx.timeout)
        readings = []
        for ct in rsp.ListContainersBy.containers:
            if ct.HasField("error"):
                continue
            r = _Reading(ct.spec.name, ct.status.state, ct.status.change_time)
            for cm in fast:
                r.values[cm.prop] = read_v5(cm, ct)
            readings.append(r)
        stale = [r.name for r in readings if self._needs_spec(r) and self.selection.wants(r.name)]
        changed: dict[str, _Reading] = {}
        if stale:
            spec_props = list(dict.fromkeys([*FAST_ALWAYS, *INFO_PROPS, *(cm.prop for cm in self.spec)]))
            rsp = await client.list_containers_by(stale, spec_props, timeout=ctx.timeout)
            for ct in rsp.ListContainersBy.containers:
                if ct.HasField("error"):
                    continue
                r = _Reading(ct.spec.name, ct.status.state, ct.status.change_time)
                for cm in self.spec:
                    r.values[cm.prop] = read_v5(cm, ct)
                st, sp = ct.status, ct.spec
                r.info = {
                    "id": str(st.id), "level": str(st.level), "parent": st.parent,
                    "absolute_name": st.absolute_name, "owner_user": sp.owner_user,
                    "owner_group": sp.owner_group, "virt_mode": sp.virt_mode,
                }  # fmt: skip
                r.labels = {e.key: e.val for e in sp.labels.map}
                r.owned = None if r.name == ROOT else frozenset(sp.controllers.controller)
                changed[r.name] = r
        return readings, changed

    def _needs_spec(self, r: _Reading) -> bool:
        cached = self._cache.get(r.name)
        return cached is None or cached.change_time != r.change_time

    async def _read_v4(
        self, ctx: CollectContext, fast: Sequence[ContainerMetric]
    ) -> tuple[list[_Reading], dict[str, _Reading]]:
        client = ctx.client
        variables = list(dict.fromkeys([*FAST_ALWAYS[:1], "change_time[raw]", *(v4_variable(cm) for cm in fast)]))
        result = await client.get([ROOT, "***"], variables, timeout=ctx.timeout)
        readings = []
        for entry in result.containers:
            state = entry.values.get("state")
            if not isinstance(state, str):
                continue  # the container vanished between listing and reading
            r = _Reading(entry.name, state, _int(entry.values.get("change_time[raw]")))
            for cm in fast:
                r.values[cm.prop] = self._v4_value(ctx, cm, entry.values.get(v4_variable(cm)))
            readings.append(r)
        # The spec tier: Get with changed_since answers no_changes for containers whose
        # change_time is older than the cursor; at-least-once (same-second changes repeat).
        known = {r.name for r in readings}
        missing_spec = any(name not in self._cache for name in known if self.selection.wants(name))
        since = None if missing_spec else self._cursor
        spec_vars = list(dict.fromkeys(["state", "change_time[raw]", *INFO_PROPS,
                                        *(v4_variable(cm) for cm in self.spec)]))  # fmt: skip
        spec = await client.get([ROOT, "***"], spec_vars, changed_since=since, timeout=ctx.timeout)
        self._cursor = spec.timestamp
        changed: dict[str, _Reading] = {}
        for entry in spec.containers:
            if entry.no_changes or not self.selection.wants(entry.name):
                continue
            vals = entry.values
            state = vals.get("state")
            if not isinstance(state, str):
                continue
            r = _Reading(entry.name, state, _int(vals.get("change_time[raw]")))
            for cm in self.spec:
                r.values[cm.prop] = self._v4_value(ctx, cm, vals.get(v4_variable(cm)))
            r.info = {k: v for k in INFO_PROPS[:7] if isinstance(v := vals.get(k), str)}
            labels = vals.get("labels")
            r.labels = parse_str_map(labels) if isinstance(labels, str) else {}
            ctl = vals.get("controllers")
            r.owned = None if r.name == ROOT else frozenset(parse_controllers(ctl) if isinstance(ctl, str) else ())
            changed[r.name] = r
        return readings, changed

    def _v4_value(self, ctx: CollectContext, cm: ContainerMetric, raw: str | errors.PortoError | None) -> Value:
        if raw is None:
            return None
        if isinstance(raw, errors.PortoError):
            ctx.property_errors[(cm.prop, raw.name)] += 1
            return None
        try:
            return parse_v4(cm.parse, raw)
        except ValueFormatError:
            ctx.parse_errors[cm.prop] += 1
            return None

    # --- converting ---------------------------------------------------------

    def _samples(
        self, ctx: CollectContext, readings: list[_Reading], changed: dict[str, _Reading], with_expensive: bool
    ) -> list[Sample]:
        out: list[Sample] = []
        states: Counter[str] = Counter()
        alive: set[str] = set()
        for r in readings:
            if r.name != ROOT:
                states[r.state] += 1
            if not self.selection.wants(r.name):
                continue
            alive.add(r.name)
            fresh = changed.get(r.name)
            cached = self._cache.get(r.name)
            if fresh is not None:
                spec_samples = self._spec_samples(fresh)
                cached = _Cached(r.change_time, spec_samples, fresh.owned, cached.expensive if cached else ())
                self._cache[r.name] = cached
            if cached is None:
                continue  # listed after the spec read: picked up next cycle
            c = (("container", r.name),)
            out.extend(cached.spec_samples)
            out.extend(Sample(CONTAINER_STATE.name, (*c, ("state", s)), 1.0 if s == r.state else 0.0) for s in STATES)
            self._metric_samples(out, self.fast, r, cached.owned)
            if with_expensive:
                expensive: list[Sample] = []
                self._metric_samples(expensive, self.expensive, r, cached.owned)
                cached.expensive = tuple(expensive)
            out.extend(cached.expensive)
        for gone in set(self._cache) - alive:  # missing from the full listing: drop its series now
            del self._cache[gone]
        out.extend(Sample(DAEMON_CONTAINERS.name, (("state", s),), float(states[s])) for s in STATES)
        return out

    def _metric_samples(
        self, out: list[Sample], metrics: Sequence[ContainerMetric], r: _Reading, owned: frozenset[str] | None
    ) -> None:
        name = r.name
        for cm in metrics:
            value = r.values.get(cm.prop)
            if value is None:
                continue
            if cm.controller and owned is not None and cm.controller not in owned:
                continue  # inherited from an ancestor: that ancestor's series already has it
            metric = cm.metric.name
            if isinstance(value, dict):
                for key, v in value.items():
                    if key not in cm.skip_keys and cm.key_label:
                        out.append(Sample(metric, (("container", name), (cm.key_label, key)), v * cm.scale))
            elif not (cm.skip_zero and value == 0) and not (cm.parse == "optional_int" and value < 0):
                out.append(Sample(metric, (("container", name),), value * cm.scale))

    def _spec_samples(self, r: _Reading) -> tuple[Sample, ...]:
        out: list[Sample] = []
        info = r.info
        labels = (("container", r.name), *((k, info.get(k, "")) for k in CONTAINER_INFO.labels[1:]))
        out.append(Sample(CONTAINER_INFO.name, labels, 1.0))
        out.append(Sample(CONTAINER_LABELS.name, (("container", r.name), *self.allowlist.select(r.labels)), 1.0))
        self._metric_samples(out, self.spec, r, r.owned)
        return tuple(out)


def _int(value: str | errors.PortoError | None) -> int:
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return 0
