"""Containers -> porto_container_* (and porto_daemon_containers{state}).

Every cycle reads the fast properties (counters, state, change_time) of every
container; the spec tier (limits, labels, info, owned controllers) is re-read
only for containers whose change_time moved (and their relatives, whose
hierarchical totals they move), and the slow tier (the properties that cost
portod most: process/thread counts, virtual memory, ...) only every
``slow_interval``, its last values served in between. The typed v5
ListContainersBy is preferred; when portod answers InvalidMethod (or
``api="v4"``) the v4 Get with string parsing gives the same samples.

v5 values are read straight from the reply into columns; each container keeps
its label sets (text escaped once) and its spec/slow samples between cycles.

A container that does not own a cgroup controller reports its nearest
ancestor's counters for it (PROTOCOL-NOTES), so such metrics get no series for
it: summing a metric over containers of one level never counts a cgroup twice.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from google.protobuf.message import Message

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
from ..porto import GetEntry, errors
from ..porto import rpc_pb2 as pb
from ..porto.masks import mask_regex
from ..porto.values import ValueFormatError, parse_controllers, parse_str_map
from ..samples import Batch, Column, LabelSet
from ..samples import Value as SampleValue
from .base import CollectContext
from .labels import LabelAllowlist
from .parse import Convert, Value, parse_v4, unknown_maps, v4_variable, v5_converter

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


@dataclass(slots=True)
class _Cached:
    """What is kept between cycles for one container: its label sets and its slow-tier samples."""

    change_time: int
    key: LabelSet  # {container="..."}
    owned: frozenset[str] | None  # None for the root: it owns every controller
    spec: _Frozen  # info, labels, limits: replayed every cycle until change_time moves
    state_keys: tuple[LabelSet, ...]
    keyed: dict[tuple[str, str], LabelSet] = field(default_factory=dict)  # (label, map key) -> label set
    slow: _Frozen = ((), (), ())  # the slow tier's last values

    def keyed_set(self, label: str, key: str) -> LabelSet:
        pair = (label, key)
        ls = self.keyed.get(pair)
        if ls is None:
            ls = self.keyed[pair] = LabelSet((self.key.labels[0], pair))  # tuples shared, not copied
        return ls


# A tier's samples for one container kept between cycles, flat: (family names, label sets, values).
# Three tuples per container instead of a pair of lists per family: a third of the memory.
_Frozen = tuple[tuple[str, ...], tuple[LabelSet, ...], tuple[SampleValue, ...]]


_STATE_PAIRS = tuple(("state", s) for s in STATES)  # shared by every container's state label sets


def _columns() -> defaultdict[str, Column]:
    return defaultdict(lambda: ([], []))


def _freeze(columns: dict[str, Column]) -> _Frozen:
    names = tuple(name for name, (keys, _) in columns.items() for _ in keys)
    sets = tuple(k for keys, _ in columns.values() for k in keys)
    values = tuple(v for _, values in columns.values() for v in values)
    return names, sets, values


@dataclass(frozen=True, slots=True)
class _Plan:
    """A catalog entry prepared for the per-container loop."""

    name: str
    prop: str
    field: str  # the v5 field, or "#N" for a field number rpc.proto lacks
    in_spec: bool
    convert: Convert
    key_label: str | None
    skip_keys: frozenset[str]
    controller: str | None
    skip_zero: bool
    optional: bool
    number: int  # the field number for "#N" fields, else 0

    @classmethod
    def of(cls, cm: ContainerMetric) -> _Plan:
        convert = None if cm.field.startswith("#") else v5_converter(cm)
        return cls(cm.metric.name, cm.prop, cm.field, cm.where == "spec", convert, cm.key_label,
                   cm.skip_keys, cm.controller, cm.skip_zero, cm.parse == "optional_int",
                   int(cm.field[1:]) if cm.field.startswith("#") else 0)  # fmt: skip


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
    typed: pb.TContainer | None = None  # v5: values are read from it while emitting (no copy)


class ContainersCollector:
    name = "containers"

    def __init__(
        self,
        *,
        selection: Selection | None = None,
        allowlist: LabelAllowlist | None = None,
        disabled_groups: Iterable[str] = (),
        api: Api = "auto",
        slow_interval: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.selection = selection or Selection()
        self.allowlist = allowlist or LabelAllowlist()
        disabled = set(disabled_groups)
        self.metrics = tuple(cm for cm in CONTAINER_METRICS if cm.group not in disabled)
        self.fast = tuple(cm for cm in self.metrics if cm.tier == "fast")
        self.slow = tuple(cm for cm in self.metrics if cm.tier == "slow")
        self.spec = tuple(cm for cm in self.metrics if cm.tier == "spec")
        self._plans = {cm.prop: _Plan.of(cm) for cm in self.metrics}
        self.api: Api = api
        self.slow_interval = slow_interval
        self._clock = clock
        self._slow_due = 0.0
        self._cache: dict[str, _Cached] = {}
        self._cursor: int | None = None  # v4: the previous spec reply's timestamp
        self._owned_sets: dict[frozenset[str], frozenset[str]] = {}

    # --- reading ----------------------------------------------------------

    async def collect(self, ctx: CollectContext) -> Batch:
        now = self._clock()
        with_slow = now >= self._slow_due
        fast = self.fast + (self.slow if with_slow else ())
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
        if with_slow:
            self._slow_due = now + self.slow_interval
        return self._samples(ctx, readings, changed, with_slow)

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
            status = ct.status
            readings.append(_Reading(ct.spec.name, status.state, status.change_time, typed=ct))
        known = {r.name for r in readings}
        changed_names = {r.name for r in readings if self._needs_spec(r)}
        stale = sorted(self._with_relatives(changed_names, self._removed(known), known))
        changed: dict[str, _Reading] = {}
        if stale:
            spec_props = list(dict.fromkeys([*FAST_ALWAYS, *INFO_PROPS, *(cm.prop for cm in self.spec)]))
            rsp = await client.list_containers_by(stale, spec_props, timeout=ctx.timeout)
            for ct in rsp.ListContainersBy.containers:
                if ct.HasField("error"):
                    continue
                r = _Reading(ct.spec.name, ct.status.state, ct.status.change_time, typed=ct)
                st, sp = ct.status, ct.spec
                r.info = {
                    "id": str(st.id), "level": str(st.level), "parent": st.parent,
                    "absolute_name": st.absolute_name, "owner_user": sp.owner_user,
                    "owner_group": sp.owner_group, "virt_mode": sp.virt_mode,
                }  # fmt: skip
                r.labels = {e.key: e.val for e in sp.labels.map}
                r.owned = None if r.name == ROOT else self._intern(frozenset(sp.controllers.controller))
                changed[r.name] = r
        return readings, changed

    def _intern(self, owned: frozenset[str]) -> frozenset[str]:
        """One object per distinct controller set (a few, shared by thousands of containers)."""
        return self._owned_sets.setdefault(owned, owned)

    def _removed(self, known: set[str]) -> set[str]:
        """Containers gone since the last cycle."""
        return self._cache.keys() - known

    def _with_relatives(self, changed: set[str], removed: set[str], known: set[str]) -> set[str]:
        """Containers whose spec must be read: the changed ones and those whose totals they move.

        A limit caps every descendant's ``*_limit_total`` and ``*_bound``; a guarantee adds
        to every ancestor's ``*_guarantee_total``; a removal takes from its ancestors'. Only
        the changed container's own change_time moves, so its relatives are re-read with it.
        """
        out = set(changed)
        for name in changed | removed:
            out.update(_ancestors(name))
        if changed:
            out.update(n for n in known if any(a in changed for a in _ancestors(n)))
        return {n for n in out if n in known and self.selection.wants(n)}

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
            if not entry.no_changes:
                self._v4_spec_reading(ctx, entry, changed)
        extra = self._with_relatives(set(changed), self._removed(known), known) - changed.keys()
        if extra:  # ancestors of what changed: no change_time of their own moved
            more = await client.get(sorted(extra), spec_vars, timeout=ctx.timeout)
            for entry in more.containers:
                self._v4_spec_reading(ctx, entry, changed)
        return readings, changed

    def _v4_spec_reading(self, ctx: CollectContext, entry: GetEntry, changed: dict[str, _Reading]) -> None:
        if not self.selection.wants(entry.name):
            return
        vals = entry.values
        state = vals.get("state")
        if not isinstance(state, str):
            return
        r = _Reading(entry.name, state, _int(vals.get("change_time[raw]")))
        for cm in self.spec:
            r.values[cm.prop] = self._v4_value(ctx, cm, vals.get(v4_variable(cm)))
        r.info = {k: v for k in INFO_PROPS[:7] if isinstance(v := vals.get(k), str)}
        labels = vals.get("labels")
        r.labels = parse_str_map(labels) if isinstance(labels, str) else {}
        ctl = vals.get("controllers")
        r.owned = None if r.name == ROOT else self._intern(frozenset(parse_controllers(ctl) if isinstance(ctl, str)
                                                                       else ()))  # fmt: skip
        changed[r.name] = r

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
        self, ctx: CollectContext, readings: list[_Reading], changed: dict[str, _Reading], with_slow: bool
    ) -> Batch:
        batch = Batch()
        columns = {m.name: batch.column(m.name) for m in (CONTAINER_INFO, CONTAINER_LABELS, CONTAINER_STATE)}
        columns.update((cm.metric.name, batch.column(cm.metric.name)) for cm in self.metrics)
        state_keys, state_values = columns[CONTAINER_STATE.name]
        fast = [self._plans[cm.prop] for cm in self.fast]
        slow = [self._plans[cm.prop] for cm in self.slow]
        states: Counter[str] = Counter()
        alive: set[str] = set()
        cache = self._cache
        for r in readings:
            name = r.name
            if name != ROOT:
                states[r.state] += 1
            if not self.selection.wants(name):
                continue
            alive.add(name)
            fresh = changed.get(name)
            cached = cache.get(name)
            if fresh is not None:
                if cached is None:
                    pair = ("container", name)
                    key = LabelSet((pair,))
                    state_sets = tuple(LabelSet((pair, state_pair)) for state_pair in _STATE_PAIRS)
                    cached = cache[name] = _Cached(r.change_time, key, fresh.owned, ((), (), ()), state_sets)
                cached.change_time = r.change_time
                cached.owned = fresh.owned
                cached.spec = self._spec_samples(fresh, cached)
            if cached is None:
                continue  # listed after the spec read: picked up next cycle
            if with_slow:
                slow_columns = _columns()
                self._emit(slow_columns, slow, r, cached)
                cached.slow = _freeze(slow_columns)
            for names, sets, values in (cached.spec, cached.slow):
                for metric, ls, v in zip(names, sets, values, strict=True):
                    col = columns[metric]
                    col[0].append(ls)
                    col[1].append(v)
            state_keys.extend(cached.state_keys)
            state = r.state
            state_values.extend([1 if s == state else 0 for s in STATES])
            self._emit(columns, fast, r, cached)
        for gone in cache.keys() - alive:  # missing from the full listing: drop its series now
            del cache[gone]
        for s in STATES:
            batch.add(DAEMON_CONTAINERS.name, (("state", s),), states[s])
        return batch

    @staticmethod
    def _emit(columns: dict[str, Column], plans: Sequence[_Plan], r: _Reading, cached: _Cached) -> None:
        """Append the plans' samples for one container; v5 values are read straight from the reply."""
        owned = cached.owned
        key = cached.key
        ct = r.typed
        status: pb.TContainerStatus | None = None
        spec: pb.TContainerSpec | None = None
        unknown: dict[int, dict[str, int]] | None = None
        if ct is not None:
            status = ct.status
        values = r.values
        for plan in plans:
            controller = plan.controller
            if controller and owned is not None and controller not in owned:
                continue  # inherited from an ancestor: that ancestor's series already has it
            value: Value
            part: Message
            if ct is None:
                value = values.get(plan.prop)
            elif plan.number:
                if unknown is None:
                    unknown = unknown_maps(status)  # type: ignore[arg-type]
                value = unknown.get(plan.number)
            else:
                if plan.in_spec:
                    part = spec = spec or ct.spec
                else:
                    part = status  # type: ignore[assignment]  # set whenever ct is
                if not part.HasField(plan.field):
                    continue
                value = getattr(part, plan.field)
                if plan.convert is not None:
                    value = plan.convert(value)
            if value is None:
                continue
            if type(value) is dict:
                label = plan.key_label
                if label is None:
                    continue
                skip = plan.skip_keys
                keys, vals = columns[plan.name]
                for k, v in value.items():
                    if k not in skip:
                        keys.append(cached.keyed_set(label, k))
                        vals.append(v)
            elif not (plan.skip_zero and value == 0) and not (plan.optional and value < 0):  # type: ignore[operator]
                keys, vals = columns[plan.name]
                keys.append(key)
                vals.append(value)  # type: ignore[arg-type]

    def _spec_samples(self, r: _Reading, cached: _Cached) -> _Frozen:
        info = r.info
        key = cached.key
        out = _columns()
        for metric, ls in (
            (CONTAINER_INFO.name, LabelSet((*key.labels, *((k, info.get(k, "")) for k in CONTAINER_INFO.labels[1:])))),
            (CONTAINER_LABELS.name, LabelSet((*key.labels, *self.allowlist.select(r.labels)))),
        ):
            out[metric][0].append(ls)
            out[metric][1].append(1)
        self._emit(out, [self._plans[cm.prop] for cm in self.spec], r, cached)
        return _freeze(out)


def _ancestors(name: str) -> list[str]:
    """``a/b/c`` -> ``a/b``, ``a``, ``/``."""
    if name == ROOT:
        return []
    parts = name.split("/")
    return ["/".join(parts[:i]) for i in range(len(parts) - 1, 0, -1)] + [ROOT]


def _int(value: str | errors.PortoError | None) -> int:
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return 0
