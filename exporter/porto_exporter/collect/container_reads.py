"""Reading containers from portod: the v5 ListContainersBy path and the v4 Get path, one ``Reading`` each.

Both paths read the fast properties (counters, state, change_time) of every
container each cycle, then the spec tier (limits, labels, info, owned
controllers) of the containers that changed and of their relatives, whose
hierarchical totals a change moves. What "changed" means is decided against
what the emitter has cached (``Known``). v5 values stay in the typed reply and
are read from it while emitting; v4 strings are parsed here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Protocol

from ..catalog import INFO_PROPS, ContainerMetric
from ..porto import GetEntry, errors
from ..porto import rpc_pb2 as pb
from ..porto.values import ValueFormatError, parse_controllers, parse_str_map
from .base import CollectContext
from .parse import Value, parse_v4, v4_variable
from .read_plan import chunks, plan_spec_read
from .selection import ROOT, Selection, ancestors

FAST_ALWAYS = ("state", "change_time")


NONE: Mapping[str, Any] = MappingProxyType({})  # shared by every v5 fast reading: no dicts per container


def _none() -> Mapping[str, Any]:
    return NONE


@dataclass(slots=True)
class Reading:
    """One container's values from one reply, whatever the API."""

    name: str
    state: str
    change_time: int
    values: Mapping[str, Value] = field(default_factory=_none)  # v4 only: parsed strings
    info: Mapping[str, str] = field(default_factory=_none)  # spec readings only
    labels: Mapping[str, str] = field(default_factory=_none)  # spec readings only
    owned: frozenset[str] | None = None
    typed: pb.TContainer | None = None  # v5: values are read from it while emitting (no copy)
    read_at: int = 0  # the spec reply's timestamp: a change in that same second may not show yet


class Known(Protocol):
    """What the reader needs of a cached container: the change_time its spec was read at, and when."""

    change_time: int
    read_at: int


@dataclass
class CycleRead:
    """One cycle's reading: every wanted container's fast values, and the spec of those re-read."""

    readings: list[Reading]
    changed: dict[str, Reading]
    states: Counter[str] | None = None  # every container's state, when the readings cover only some
    cursor: int | None = None  # v4: the spec reply's timestamp, the next cursor once these readings are taken


class ContainerReader:
    """Reads the fast tier of every container and the spec tier of what changed, over v5 or v4."""

    def __init__(self, selection: Selection, spec: Sequence[ContainerMetric]) -> None:
        self.selection = selection
        self.spec = tuple(spec)
        # v4: the spec reply's timestamp of the last cycle whose readings were taken. Moved by ``commit``
        # only then: a cycle that breaks after its spec read would otherwise skip its changes for good.
        self.cursor: int | None = None
        self._owned_sets: dict[frozenset[str], frozenset[str]] = {}

    def _intern(self, owned: frozenset[str]) -> frozenset[str]:
        """One object per distinct controller set (a few, shared by thousands of containers)."""
        return self._owned_sets.setdefault(owned, owned)

    # --- v5 -------------------------------------------------------------------

    async def read_v5(
        self, ctx: CollectContext, fast: Sequence[ContainerMetric], cache: Mapping[str, Known]
    ) -> CycleRead:
        client = ctx.client
        props = list(dict.fromkeys([*FAST_ALWAYS, *(cm.prop for cm in fast)]))
        include = self.selection.include
        states: Counter[str] | None = None
        total: int | None = None
        if include:  # portod matches the include masks: only those containers' counters are dumped
            listing = await client.list_containers_by(["***"], ["state"])
            states = Counter(ct.status.state for ct in listing.ListContainersBy.containers
                             if not ct.HasField("error") and ct.spec.name != ROOT)  # fmt: skip
            total = len(listing.ListContainersBy.containers)
        rsp = await client.list_containers_by(include or ["***"], props)
        readings = []
        for ct in rsp.ListContainersBy.containers:
            if ct.HasField("error"):  # an include naming a container that does not exist (yet)
                continue
            status = ct.status
            readings.append(Reading(ct.spec.name, status.state, status.change_time, typed=ct))
        known = {r.name for r in readings}
        wants = self.selection.wants
        changed_names = {r.name for r in readings if _needs_spec(cache, r) and wants(r.name)}
        stale = sorted(self.with_relatives(changed_names, cache.keys() - known, known))
        changed: dict[str, Reading] = {}
        if stale:
            spec_props = list(dict.fromkeys([*FAST_ALWAYS, *INFO_PROPS, *(cm.prop for cm in self.spec)]))
            plan = plan_spec_read(stale, containers=total if total is not None else len(readings),
                                  wanted=len(readings), properties=len(spec_props), masks=include)  # fmt: skip
            rsp = await client.list_containers_by(plan.filters, spec_props)
            keep = set(stale)
            for ct in rsp.ListContainersBy.containers:
                if ct.HasField("error"):  # named, and gone between the two reads: dropped now, counted
                    if plan.by_name:
                        _count_vanished(ctx, ct.error.error)
                    continue
                if ct.spec.name not in keep:
                    continue  # a masked read answers for every container: keep what changed
                r = Reading(ct.spec.name, ct.status.state, ct.status.change_time, typed=ct, read_at=rsp.timestamp)
                st, sp = ct.status, ct.spec
                r.info = {
                    "id": str(st.id), "level": str(st.level), "parent": st.parent,
                    "absolute_name": st.absolute_name, "owner_user": sp.owner_user,
                    "owner_group": sp.owner_group, "virt_mode": sp.virt_mode,
                }  # fmt: skip
                r.labels = {e.key: e.val for e in sp.labels.map}
                r.owned = None if r.name == ROOT else self._intern(frozenset(sp.controllers.controller))
                changed[r.name] = r
        return CycleRead(readings, changed, states)

    def with_relatives(self, changed: set[str], removed: Iterable[str], known: set[str]) -> set[str]:
        """Containers whose spec must be read: the changed ones and those whose totals they move.

        A limit caps every descendant's ``*_limit_total`` and ``*_bound``; a guarantee adds
        to every ancestor's ``*_guarantee_total``; a removal takes from its ancestors'. Only
        the changed container's own change_time moves, so its relatives are re-read with it.
        """
        out = set(changed)
        for name in changed | set(removed):
            out.update(ancestors(name))
        if changed:
            out.update(n for n in known if any(a in changed for a in ancestors(n)))
        return {n for n in out if n in known and self.selection.wants(n)}

    # --- v4 -------------------------------------------------------------------

    async def read_v4(
        self, ctx: CollectContext, fast: Sequence[ContainerMetric], cache: Mapping[str, Known]
    ) -> CycleRead:
        client = ctx.client
        include = self.selection.include
        targets = [*([ROOT] if self.selection.wants(ROOT) else []), *include] if include else [ROOT, "***"]
        states: Counter[str] | None = None
        if include:  # Get matches the include masks; every container's state comes from a cheap listing
            listing = await client.get(["***"], ["state"])
            states = Counter(v for e in listing.containers if isinstance(v := e.values.get("state"), str))
        variables = list(dict.fromkeys([*FAST_ALWAYS[:1], "change_time[raw]", *(v4_variable(cm) for cm in fast)]))
        result = await client.get(targets, variables)
        readings = []
        for entry in result.containers:
            state = entry.values.get("state")
            if not isinstance(state, str):  # an include naming a container that does not exist (yet)
                continue
            values = {cm.prop: v4_value(ctx, cm, entry.values.get(v4_variable(cm))) for cm in fast}
            readings.append(Reading(entry.name, state, _int(entry.values.get("change_time[raw]")), values))
        # The spec tier: Get with changed_since answers no_changes for containers whose
        # change_time is older than the cursor; at-least-once (same-second changes repeat).
        known = {r.name for r in readings}
        missing_spec = any(name not in cache for name in known if self.selection.wants(name))
        since = None if missing_spec else self.cursor
        spec_vars = list(dict.fromkeys(["state", "change_time[raw]", *INFO_PROPS,
                                        *(v4_variable(cm) for cm in self.spec)]))  # fmt: skip
        spec = await client.get(targets, spec_vars, changed_since=since)
        changed: dict[str, Reading] = {}
        for entry in spec.containers:
            if not entry.no_changes:
                self._v4_spec_reading(ctx, entry, changed)
        extra = self.with_relatives(set(changed), cache.keys() - known, known) - changed.keys()
        for names in chunks(sorted(extra)):  # relatives of what changed: no change_time of their own moved
            more = await client.get(names, spec_vars)
            for entry in more.containers:
                self._v4_spec_reading(ctx, entry, changed)
        return CycleRead(readings, changed, states, cursor=spec.timestamp)

    def commit(self, read: CycleRead) -> None:
        """``read``'s samples are made: the next v4 spec read asks only for what changed after it."""
        if read.cursor is not None:
            self.cursor = read.cursor

    def _v4_spec_reading(self, ctx: CollectContext, entry: GetEntry, changed: dict[str, Reading]) -> None:
        if not self.selection.wants(entry.name):
            return
        vals = entry.values
        state = vals.get("state")
        if not isinstance(state, str):
            if isinstance(state, errors.PortoError):
                _count_vanished(ctx, state.code)
            return
        values = {cm.prop: v4_value(ctx, cm, vals.get(v4_variable(cm))) for cm in self.spec}
        r = Reading(entry.name, state, _int(vals.get("change_time[raw]")), values)
        r.info = {k: v for k in INFO_PROPS[:7] if isinstance(v := vals.get(k), str)}
        labels = vals.get("labels")
        r.labels = parse_str_map(labels) if isinstance(labels, str) else {}
        ctl = vals.get("controllers")
        r.owned = None if r.name == ROOT else self._intern(frozenset(parse_controllers(ctl) if isinstance(ctl, str)
                                                                       else ()))  # fmt: skip
        changed[r.name] = r


def v4_value(ctx: CollectContext, cm: ContainerMetric, raw: str | errors.PortoError | None) -> Value:
    """A v4 string parsed for its metric; a per-value error or a malformed string is counted, not raised."""
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


def _count_vanished(ctx: CollectContext, code: int) -> None:
    """A container portod could not read (usually destroyed mid-cycle): its samples are skipped, counted."""
    ctx.property_errors[("state", errors.error_for(code).name)] += 1


def _needs_spec(cache: Mapping[str, Known], r: Reading) -> bool:
    """Never read, changed since, or changed in the very second its spec was read (change_time has one-second
    resolution: a second change in that second would look unchanged)."""
    cached = cache.get(r.name)
    return cached is None or cached.change_time != r.change_time or r.change_time >= cached.read_at


def _int(value: str | errors.PortoError | None) -> int:
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return 0
