"""Readings -> columns of container samples, with what is kept per container between cycles.

Each container keeps its label sets (text escaped once), and its spec-tier,
slow-tier and state samples as kept pieces (``samples.Kept``/``KeptMap``):
they are handed over again every cycle until the container's change_time moves
(spec), the slow interval comes round (slow) or its state changes, and the
renderer writes each piece's text once. Fast values are appended straight from
the reply into columns; families the catalog gives decimals (ns/us counters)
go into scaled columns as Porto's integer counts. Which values a container has
is ``container_values``'. No text is written here.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ..catalog import (
    CONTAINER_INFO,
    CONTAINER_LABELS,
    CONTAINER_STATE,
    DAEMON_CONTAINERS,
    INFO_LABEL_PROPS,
    KUBERNETES_INFO,
    LISTED_STATES,
    STATES,
    ContainerMetric,
)
from ..samples import (
    Batch,
    Column,
    EncodingMismatch,
    Kept,
    KeptInfo,
    KeptMap,
    LabelSet,
    Piece,
    Scaled,
    ScaledColumn,
    ScaledKept,
    ScaledKeptMap,
    Value,
)
from .container_reads import CycleRead, Reading
from .container_values import Plan, plan_values
from .kubernetes import Kubernetes
from .labels import LabelAllowlist
from .read_plan import slow_parts
from .selection import ROOT, Selection
from .steps import SLICE, Steps

# A tier's samples for one container kept between cycles. Replaying them is one append per family.
Pieces = tuple[Piece, ...]
NOTHING: Pieces = ()
STATE_LABEL = CONTAINER_STATE.labels[-1]
# info labels whose values repeat from container to container (interned: one string for all of them);
# id and absolute_name are each container's own, and interning those would only grow the interned table
SHARED_INFO = tuple(label not in ("id", "absolute_name") for label in INFO_LABEL_PROPS)


@dataclass(slots=True)
class Cached:
    """What is kept between cycles for one container: its label sets and its spec/slow-tier/state samples."""

    change_time: int
    read_at: int  # the timestamp of the reply the spec was read from
    key: LabelSet  # {container="..."}
    owned: frozenset[str] | None  # None for the root: it owns every controller
    spec: Pieces  # info, labels, limits: replayed every cycle until change_time moves
    state: KeptMap  # porto_container_state, remade when the state changes (its values say which state it is)
    keyed: dict[tuple[str, str], LabelSet] = field(default_factory=dict)  # (label, map key) -> label set
    slow: tuple[Pieces, ...] = ()  # the slow tier's last values, part by part (``read_plan.slow_parts``)

    def keyed_set(self, label: str, key: str) -> LabelSet:
        """The label set {container, label=key} of a fast-tier map entry, kept: its values come every cycle.

        The spec and slow tiers keep KeptMap pieces and no label set per entry.
        """
        pair = (label, key)
        ls = self.keyed.get(pair)
        if ls is None:
            ls = self.keyed[pair] = LabelSet((self.key.labels[0], pair))  # tuples shared, not copied
        return ls


class Columns:
    """One batch's container families, split by encoding so each append is typed."""

    __slots__ = ("batch", "kept", "plain", "scaled")

    def __init__(self, batch: Batch, metrics: Sequence[ContainerMetric] = ()) -> None:
        """``metrics``: families to make up front (in catalog order), so replayed pieces find theirs."""
        self.batch = batch
        self.kept = batch.kept
        self.plain: dict[str, Column] = {}
        self.scaled: dict[str, ScaledColumn] = {}
        if metrics:
            for m in (CONTAINER_INFO, CONTAINER_LABELS, CONTAINER_STATE, KUBERNETES_INFO):
                batch.kept[m.name] = []
            for cm in metrics:
                if cm.tier != "fast":
                    batch.kept[cm.metric.name] = []
        for cm in metrics:
            if cm.tier != "fast":
                continue  # kept pieces
            if cm.metric.decimals:
                self.scaled_column(cm.metric.name, cm.metric.decimals)
            else:
                self.plain_column(cm.metric.name)

    def plain_column(self, name: str) -> Column:
        col = self.plain.get(name)
        if col is None:
            col = self.plain[name] = self.batch.column(name)
        return col

    def scaled_column(self, name: str, decimals: int) -> ScaledColumn:
        col = self.scaled.get(name)
        if col is None:
            col = self.scaled[name] = self.batch.scaled(name, decimals)
        return col

    def replay(self, pieces: Pieces) -> None:
        """Hand a container's kept pieces over to their families."""
        kept = self.kept
        for p in pieces:
            kept[p.name].append(p)


def not_a_count(name: str, value: Value) -> EncodingMismatch:
    """A float where the catalog declares integer counts (ns/us): never written as a count."""
    return EncodingMismatch(f"{name}: a scaled value must be an integer count, got {value!r}")


class ContainerEmitter:
    """Turns a cycle's readings into a Batch, keeping each container's label sets and tiers between cycles."""

    MAX_KEY_TUPLES = 100_000  # past this (map keys nobody expects) the shared key tuples start over

    def __init__(
        self,
        selection: Selection,
        allowlist: LabelAllowlist,
        metrics: Sequence[ContainerMetric],
        kubernetes: Kubernetes | None = None,
    ) -> None:
        self.selection = selection
        self.kubernetes = kubernetes or Kubernetes()
        self.allowlist = allowlist
        self.metrics = tuple(metrics)
        self.fast = [Plan.of(cm) for cm in metrics if cm.tier == "fast"]
        self.slow = [[Plan.of(cm) for cm in part] for part in slow_parts([cm for cm in metrics if cm.tier == "slow"])]
        self.spec = [Plan.of(cm) for cm in metrics if cm.tier == "spec"]
        self.cache: dict[str, Cached] = {}
        # A map's keys are mostly the same tuple from container to container (disks, memory types, pressure
        # kinds): kept pieces share one tuple (and its strings) per distinct key set for the whole host.
        self.key_tuples: dict[tuple[str, ...], tuple[str, ...]] = {}
        self.state_values = {s: tuple(int(s == listed) for listed in LISTED_STATES) for s in LISTED_STATES}
        self.no_state = (0,) * len(LISTED_STATES)  # a state the state set does not list: all zeros
        self.display: Callable[[str], str] | None = None  # portod's name -> the `container` label (``namespace``)

    def emit(self, read: CycleRead, slow: Sequence[int] = ()) -> Steps[Batch]:
        """The cycle's Batch, made in slices: it yields every ``SLICE`` containers (see ``steps.Steps``).

        ``slow``: the slow tier's parts (indexes into ``read_plan.slow_parts``) read this cycle; the
        others' last values are served.

        Each container's cache entry is updated whole within a slice, so a cycle stopped between
        slices leaves every entry consistent with the readings it was made from.
        """
        readings, changed = read.readings, read.changed
        batch = Batch()
        columns = Columns(batch, self.metrics)
        state_pieces = batch.kept[CONTAINER_STATE.name]
        state_values, no_state = self.state_values, self.no_state
        states: Counter[str] = Counter()
        alive: set[str] = set()
        cache = self.cache
        for i, r in enumerate(readings):
            if not i % SLICE:
                yield
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
                    key = LabelSet((("container", name if self.display is None else self.display(name)),))
                    cached = cache[name] = Cached(
                        r.change_time, fresh.read_at, key, fresh.owned, NOTHING, self._state(key, r.state)
                    )
                cached.change_time = r.change_time
                cached.read_at = fresh.read_at
                cached.owned = fresh.owned
                cached.spec = self._spec_pieces(fresh, cached)
            if cached is None:
                continue  # listed after the spec read: picked up next cycle
            if slow:
                parts = list(cached.slow) or [NOTHING] * len(self.slow)
                for part in slow:
                    parts[part] = self.pieces(self.slow[part], r, cached.key, cached.owned, previous=parts[part])
                cached.slow = tuple(parts)
            columns.replay(cached.spec)
            for kept in cached.slow:
                columns.replay(kept)
            if cached.state.values is not state_values.get(r.state, no_state):  # the value tuples are shared
                cached.state = self._state(cached.key, r.state)
            state_pieces.append(cached.state)
            _emit(columns, self.fast, r, cached)
        for gone in cache.keys() - alive:  # missing from the full listing: drop its series now
            del cache[gone]
        if read.states is not None:  # the readings cover only the included containers
            states = read.states
        for s in STATES:
            batch.add(DAEMON_CONTAINERS.name, (("state", s),), states[s])
        return batch

    def _state(self, key: LabelSet, state: str) -> KeptMap:
        """A container's porto_container_state: 1 for its state, 0 for the others."""
        values = self.state_values.get(state, self.no_state)
        return KeptMap(CONTAINER_STATE.name, key, STATE_LABEL, LISTED_STATES, values)

    def _spec_pieces(self, r: Reading, cached: Cached) -> Pieces:
        """info, labels and the spec tier. Label values that repeat from container to container (owners, virt
        modes, parents, allowlisted labels) are interned: the pieces keep them while the spec does not change."""
        info = r.info
        intern = sys.intern
        before = {p.name: p for p in cached.spec}
        values = tuple(
            [
                intern(info.get(k, "")) if shared else info.get(k, "")
                for k, shared in zip(INFO_LABEL_PROPS, SHARED_INFO, strict=True)
            ]
        )
        head: Pieces = (_same_info(before, KeptInfo(CONTAINER_INFO.name, cached.key, INFO_LABEL_PROPS, values)),)
        if self.allowlist.patterns:  # no allowlist: no porto_container_labels at all (it would carry nothing)
            allowed = self.allowlist.select(r.labels)
            names, values = tuple([intern(k) for k, _ in allowed]), tuple([intern(v) for _, v in allowed])
            head += (_same_info(before, KeptInfo(CONTAINER_LABELS.name, cached.key, names, values)),)
        if kube := self.kubernetes.info_labels(r.name, r.labels):  # portoshim's pods: their Kubernetes identity
            names, values = tuple([k for k, _ in kube]), tuple([intern(v) for _, v in kube])
            head += (_same_info(before, KeptInfo(KUBERNETES_INFO.name, cached.key, names, values)),)
        return self.pieces(self.spec, r, cached.key, cached.owned, head, cached.spec)

    def pieces(
        self,
        plans: Sequence[Plan],
        r: Reading,
        key: LabelSet,
        owned: frozenset[str] | None,
        head: Pieces = NOTHING,
        previous: Pieces = NOTHING,
    ) -> Pieces:
        """The plans' samples for one container (``key``: its label set) as kept pieces, after ``head``.

        A value equal to the one a ``previous`` piece of this container holds keeps that piece (and the
        text written for it): a slow-tier refresh or a spec change moves only some of the values, and
        what did not move is neither made nor written again.
        """
        out = list(head)
        before = {p.name: p for p in previous} if previous else None
        for plan, value in plan_values(plans, r, owned):
            if isinstance(value, int | float):
                if before is not None:  # same family, same container: same plan, so the same decimals
                    old = before.get(plan.name)
                    if isinstance(old, Kept) and old.value == value and type(old.value) is type(value):
                        out.append(old)
                        continue
                if not plan.decimals:
                    out.append(Kept(plan.name, key, value))
                elif isinstance(value, int):
                    out.append(ScaledKept(plan.name, plan.decimals, key, value))
                else:
                    raise not_a_count(plan.name, value)
                continue
            skip = plan.skip_keys
            if isinstance(value, dict):
                keys = tuple([k for k in value if k not in skip])
                values = tuple([value[k] for k in keys])
            else:  # a TUintMap from a v5 reply
                entries = [e for e in value.map if e.key not in skip]
                keys = tuple([e.key for e in entries])
                values = tuple([e.val for e in entries])
            if keys:
                if before is not None:  # map values are ints (Porto's uint maps): equal values, equal text
                    old = before.get(plan.name)
                    if isinstance(old, KeptMap) and old.values == values and old.keys == keys:
                        out.append(old)
                        continue
                shared = self._shared(keys)
                out.append(
                    ScaledKeptMap(plan.name, plan.decimals, key, plan.key_label, shared, values)
                    if plan.decimals
                    else KeptMap(plan.name, key, plan.key_label, shared, values)
                )
        return tuple(out)

    def _shared(self, keys: tuple[str, ...]) -> tuple[str, ...]:
        kept = self.key_tuples.get(keys)
        if kept is None:
            if len(self.key_tuples) >= self.MAX_KEY_TUPLES:
                self.key_tuples.clear()
            kept = self.key_tuples[keys] = keys
        return kept


def _same_info(before: dict[str, Piece], new: KeptInfo) -> KeptInfo:
    """The container's previous info-style piece when it carries the same labels, else ``new``."""
    old = before.get(new.name)
    return old if type(old) is KeptInfo and old.names == new.names and old.values == new.values else new


def _emit(columns: Columns, plans: Sequence[Plan], r: Reading, cached: Cached) -> None:
    """Append the fast tier's samples for one container to the cycle's columns."""
    key = cached.key
    plain, scaled = columns.plain, columns.scaled
    for plan, value in plan_values(plans, r, cached.owned):
        if isinstance(value, int):  # the common case: counters, bytes
            if plan.decimals:
                sc = scaled.get(plan.name) or columns.scaled_column(plan.name, plan.decimals)
                sc.keys.append(key)
                sc.values.append(Scaled(value))
            else:
                col = plain.get(plan.name) or columns.plain_column(plan.name)
                col.keys.append(key)
                col.values.append(value)
        elif isinstance(value, float):
            if plan.decimals:
                raise not_a_count(plan.name, value)
            col = plain.get(plan.name) or columns.plain_column(plan.name)
            col.keys.append(key)
            col.values.append(value)
        elif isinstance(value, dict):
            label, skip = plan.key_label, plan.skip_keys
            if plan.decimals:
                sc = scaled.get(plan.name) or columns.scaled_column(plan.name, plan.decimals)
                for k, v in value.items():
                    if k not in skip:
                        sc.keys.append(cached.keyed_set(label, k))
                        sc.values.append(Scaled(v))
            else:
                col = plain.get(plan.name) or columns.plain_column(plan.name)
                for k, v in value.items():
                    if k not in skip:
                        col.keys.append(cached.keyed_set(label, k))
                        col.values.append(v)
        else:  # a TUintMap (io, net maps) from a v5 reply: entry by entry
            col = plain.get(plan.name) or columns.plain_column(plan.name)
            label, skip = plan.key_label, plan.skip_keys
            for e in value.map:
                k = e.key
                if k not in skip:
                    col.keys.append(cached.keyed_set(label, k))
                    col.values.append(e.val)
