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
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Protocol

from ..catalog import INFO_LABEL_PROPS, INFO_PROPS, ContainerMetric
from ..porto import errors
from ..porto import rpc_pb2 as pb
from ..porto.values import ValueFormatError, parse_controllers, parse_str_map
from .base import CollectContext
from .parse import Value, parse_v4, v4_variable
from .read_plan import chunks, plan_spec_read
from .selection import ROOT, Selection, ancestors
from .steps import SLICE, Runner, Steps, at_once

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
    reply: Sequence[pb.TContainer] | None = None  # v5: the reply's containers; this one is reply[at]
    at: int = 0
    read_at: int = 0  # the spec reply's timestamp: a change in that same second may not show yet

    @property
    def typed(self) -> pb.TContainer | None:
        """v5: this container in the reply, whose values are read while emitting (no copy).

        Looked up when asked rather than kept: an object kept per container for the whole cycle
        is one more for the garbage collector to walk at every full collection (100,000 at 50,000).
        """
        return None if self.reply is None else self.reply[self.at]


class Known(Protocol):
    """What the reader needs of a cached container: the change_time its spec was read at, and when."""

    change_time: int
    read_at: int


@dataclass
class Tally:
    """What a cycle's reading skipped; added to ``CollectContext`` once its samples are made.

    A cycle that breaks before is read again by the next: counted then, not twice.
    """

    property_errors: Counter[tuple[str, str]] = field(default_factory=Counter)
    parse_errors: Counter[str] = field(default_factory=Counter)

    def add_to(self, ctx: CollectContext) -> None:
        ctx.property_errors.update(self.property_errors)
        ctx.parse_errors.update(self.parse_errors)


@dataclass
class CycleRead:
    """One cycle's reading: every wanted container's fast values, and the spec of those re-read."""

    readings: list[Reading] = field(default_factory=list)
    changed: dict[str, Reading] = field(default_factory=dict)
    states: Counter[str] | None = None  # every container's state, when the readings cover only some
    cursor: int | None = None  # v4: the spec reply's timestamp, the next cursor once these readings are taken
    tally: Tally = field(default_factory=Tally)


class ContainerReader:
    """Reads the fast tier of every container and the spec tier of what changed, over v5 or v4.

    Only the requests are made here: turning each reply into readings (work in proportion to the
    host's containers) is handed to ``run`` as ``Steps``.
    """

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

    def commit(self, read: CycleRead) -> None:
        """``read``'s samples are made: the next v4 spec read asks only for what changed after it."""
        if read.cursor is not None:
            self.cursor = read.cursor

    # --- v5 -------------------------------------------------------------------

    async def read_v5(
        self, ctx: CollectContext, fast: Sequence[ContainerMetric], cache: Mapping[str, Known], run: Runner = at_once
    ) -> CycleRead:
        client = ctx.client
        props = list(dict.fromkeys([*FAST_ALWAYS, *(cm.prop for cm in fast)]))
        include = self.selection.include
        read = CycleRead()
        total: int | None = None
        if include:  # portod matches the include masks: only those containers' counters are dumped
            listing = await client.list_containers_by(["***"], ["state"])
            read.states, total = await run(_v5_states(listing))
        rsp = await client.list_containers_by(include or ["***"], props)
        stale = await run(self._v5_fast(rsp, cache, read))
        if stale:
            spec_props = list(dict.fromkeys([*FAST_ALWAYS, *INFO_PROPS, *(cm.prop for cm in self.spec)]))
            plan = plan_spec_read(
                stale,
                containers=total if total is not None else len(read.readings),
                wanted=len(read.readings),
                properties=len(spec_props),
                masks=include,
            )
            rsp = await client.list_containers_by(plan.filters, spec_props)
            await run(self._v5_spec(rsp, set(stale), plan.by_name, read))
        return read

    def _v5_fast(self, rsp: pb.TPortoResponse, cache: Mapping[str, Known], read: CycleRead) -> Steps[list[str]]:
        """The fast readings into ``read``; the containers whose spec is to be read, sorted."""
        readings = read.readings
        wants = self.selection.wants
        known: set[str] = set()
        changed: set[str] = set()
        containers = rsp.ListContainersBy.containers
        for i, ct in enumerate(containers):
            if not i % SLICE:
                yield
            if ct.HasField("error"):  # an include naming a container that does not exist (yet)
                continue
            status = ct.status
            r = Reading(ct.spec.name, status.state, status.change_time, reply=containers, at=i)
            readings.append(r)
            known.add(r.name)
            if _needs_spec(cache, r) and wants(r.name):
                changed.add(r.name)
        stale = yield from self.with_relatives(changed, cache.keys() - known, known)
        return sorted(stale)

    def _v5_spec(self, rsp: pb.TPortoResponse, keep: set[str], by_name: bool, read: CycleRead) -> Steps[None]:
        """The spec readings of ``keep`` into ``read.changed``."""
        changed = read.changed
        containers = rsp.ListContainersBy.containers
        for i, ct in enumerate(containers):
            if not i % SLICE:
                yield
            if ct.HasField("error"):  # named, and gone between the two reads: dropped now, counted
                if by_name:
                    _count_vanished(read.tally, ct.error.error)
                continue
            if ct.spec.name not in keep:
                continue  # a masked read answers for every container: keep what changed
            r = Reading(
                ct.spec.name, ct.status.state, ct.status.change_time, reply=containers, at=i, read_at=rsp.timestamp
            )
            st, sp = ct.status, ct.spec
            r.info = {  # catalog.INFO_LABEL_PROPS, read from the typed fields (test_collect checks they agree)
                "id": str(st.id),
                "level": str(st.level),
                "parent": st.parent,
                "absolute_name": st.absolute_name,
                "owner_user": sp.owner_user,
                "owner_group": sp.owner_group,
                "virt_mode": sp.virt_mode,
            }
            r.labels = {e.key: e.val for e in sp.labels.map}
            r.owned = None if r.name == ROOT else self._intern(frozenset(sp.controllers.controller))
            changed[r.name] = r

    def with_relatives(self, changed: set[str], removed: Iterable[str], known: set[str]) -> Steps[set[str]]:
        """Containers whose spec must be read: the changed ones and those whose totals they move.

        A limit caps every descendant's ``*_limit_total`` and ``*_bound``; a guarantee adds
        to every ancestor's ``*_guarantee_total``; a removal takes from its ancestors'. Only
        the changed container's own change_time moves, so its relatives are re-read with it.
        """
        out = set(changed)
        for i, name in enumerate(changed | set(removed)):
            if not i % SLICE:
                yield
            out.update(ancestors(name))
        if changed:
            for i, name in enumerate(known):
                if not i % SLICE:
                    yield
                if name not in out and any(a in changed for a in ancestors(name)):
                    out.add(name)
        wants = self.selection.wants
        relatives: set[str] = set()
        for i, name in enumerate(out):
            if not i % SLICE:
                yield
            if name in known and wants(name):
                relatives.add(name)
        return relatives

    # --- v4 -------------------------------------------------------------------

    async def read_v4(
        self, ctx: CollectContext, fast: Sequence[ContainerMetric], cache: Mapping[str, Known], run: Runner = at_once
    ) -> CycleRead:
        client = ctx.client
        include = self.selection.include
        targets = [*([ROOT] if self.selection.wants(ROOT) else []), *include] if include else [ROOT, "***"]
        read = CycleRead()
        if include:  # Get matches the include masks; every container's state comes from a cheap listing
            listing = await client.get_raw(["***"], ["state"])
            read.states = await run(_v4_states(listing))
        variables = list(dict.fromkeys([*FAST_ALWAYS[:1], "change_time[raw]", *(v4_variable(cm) for cm in fast)]))
        rsp = await client.get_raw(targets, variables)
        missing_spec = await run(self._v4_fast(rsp, fast, cache, read))
        # The spec tier: Get with changed_since answers no_changes for containers whose
        # change_time is older than the cursor; at-least-once (same-second changes repeat).
        since = None if missing_spec else self.cursor
        spec_vars = list(
            dict.fromkeys(["state", "change_time[raw]", *INFO_PROPS, *(v4_variable(cm) for cm in self.spec)])
        )
        rsp = await client.get_raw(targets, spec_vars, changed_since=since)
        read.cursor = rsp.timestamp
        extra = await run(self._v4_spec(rsp, cache, read))
        for names in chunks(extra):  # relatives of what changed: no change_time of their own moved
            rsp = await client.get_raw(names, spec_vars)
            await run(self._v4_spec(rsp, None, read))
        return read

    def _v4_fast(
        self, rsp: pb.TPortoResponse, fast: Sequence[ContainerMetric], cache: Mapping[str, Known], read: CycleRead
    ) -> Steps[bool]:
        """The fast readings into ``read``; whether a wanted container has no spec cached (read them all)."""
        readings = read.readings
        tally = read.tally
        missing = False
        for i, (name, _, vals, errs) in enumerate(v4_items(rsp)):
            if not i % SLICE:
                yield
            state = vals.get("state")
            if state is None:  # an include naming a container that does not exist (yet)
                continue
            values = v4_values(tally, fast, vals, errs)
            readings.append(Reading(name, state, _int(vals.get("change_time[raw]")), values))
            missing = missing or (name not in cache and self.selection.wants(name))
        return missing

    def _v4_spec(self, rsp: pb.TPortoResponse, cache: Mapping[str, Known] | None, read: CycleRead) -> Steps[list[str]]:
        """The spec readings of a reply into ``read.changed``; with ``cache``, the relatives to read next, sorted."""
        changed = read.changed
        for i, (name, no_changes, vals, errs) in enumerate(v4_items(rsp)):
            if not i % SLICE:
                yield
            if not no_changes:
                self._v4_spec_reading(read.tally, name, vals, errs, changed)
        if cache is None:
            return []
        known = {r.name for r in read.readings}
        relatives = yield from self.with_relatives(set(changed), cache.keys() - known, known)
        return sorted(relatives - changed.keys())

    def _v4_spec_reading(
        self, tally: Tally, name: str, vals: dict[str, str], errs: dict[str, int] | None, changed: dict[str, Reading]
    ) -> None:
        if not self.selection.wants(name):
            return
        state = vals.get("state")
        if state is None:
            if errs and "state" in errs:
                _count_vanished(tally, errs["state"])
            return
        r = Reading(name, state, _int(vals.get("change_time[raw]")), v4_values(tally, self.spec, vals, errs))
        r.info = {k: v for k in INFO_LABEL_PROPS if (v := vals.get(k)) is not None}
        labels = vals.get("labels")
        r.labels = parse_str_map(labels) if labels is not None else {}
        ctl = vals.get("controllers")
        r.owned = None if name == ROOT else self._intern(frozenset(parse_controllers(ctl) if ctl is not None else ()))
        changed[name] = r


def v4_items(rsp: pb.TPortoResponse) -> Iterator[tuple[str, bool, dict[str, str], dict[str, int] | None]]:
    """Each container of a Get reply: (name, no_changes, values, error codes of the values portod could not give).

    Plain strings and ints, no object per value: a reply of 10,000 containers has hundreds of thousands.
    """
    for item in rsp.Get.list:
        vals: dict[str, str] = {}
        errs: dict[str, int] | None = None
        for kv in item.keyval:
            if kv.error:
                if errs is None:
                    errs = {}
                errs[kv.variable] = kv.error
            else:
                vals[kv.variable] = kv.value
        yield item.name, item.no_changes, vals, errs


def _v5_states(listing: pb.TPortoResponse) -> Steps[tuple[Counter[str], int]]:
    """Every container's state (the root left out) and how many portod holds, from a ``***`` listing."""
    containers = listing.ListContainersBy.containers
    states: Counter[str] = Counter()
    for i, ct in enumerate(containers):
        if not i % SLICE:
            yield
        if not ct.HasField("error") and ct.spec.name != ROOT:
            states[ct.status.state] += 1
    return states, len(containers)


def _v4_states(listing: pb.TPortoResponse) -> Steps[Counter[str]]:
    """Every container's state from a v4 ``***`` listing."""
    states: Counter[str] = Counter()
    for i, (_, _, vals, _) in enumerate(v4_items(listing)):
        if not i % SLICE:
            yield
        if (state := vals.get("state")) is not None:
            states[state] += 1
    return states


def v4_values(
    tally: Tally, metrics: Sequence[ContainerMetric], vals: Mapping[str, str], errs: Mapping[str, int] | None
) -> dict[str, Value]:
    """Each metric's v4 string parsed; a per-value error or a malformed string is counted, not raised."""
    out: dict[str, Value] = {}
    for cm in metrics:
        variable = v4_variable(cm)
        raw = vals.get(variable)
        value: Value = None
        if raw is not None:
            try:
                value = parse_v4(cm.parse, raw)
            except ValueFormatError:
                tally.parse_errors[cm.prop] += 1
        elif errs and (code := errs.get(variable)):
            tally.property_errors[(cm.prop, errors.error_for(code).name)] += 1
        out[cm.prop] = value
    return out


def _count_vanished(tally: Tally, code: int) -> None:
    """A container portod could not read (usually destroyed mid-cycle): its samples are skipped, counted."""
    tally.property_errors[("state", errors.error_for(code).name)] += 1


def _needs_spec(cache: Mapping[str, Known], r: Reading) -> bool:
    """Never read, changed since, or changed in the very second its spec was read (change_time has one-second
    resolution: a second change in that second would look unchanged)."""
    cached = cache.get(r.name)
    return cached is None or cached.change_time != r.change_time or r.change_time >= cached.read_at


def _int(value: str | None) -> int:
    """A v4 integer string (change_time[raw]); 0 when absent or not a number."""
    return int(value) if value is not None and value.lstrip("-").isdigit() else 0
