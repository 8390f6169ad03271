"""Readings -> columns of container samples, with what is kept per container between cycles.

Each container keeps its label sets (text escaped once), and its spec-tier,
slow-tier and state samples written as exposition lines (kube-state-metrics
style): they are replayed as text every cycle until the container's
change_time moves (spec), the slow interval comes round (slow) or its state
changes. Fast values are appended straight from the reply into columns;
families the catalog gives decimals (ns/us counters) go into scaled columns as
Porto's integer counts.

A container that does not own a cgroup controller reports its nearest
ancestor's counters for it (PROTOCOL-NOTES), so such metrics get no series for
it: summing a metric over containers of one level never counts a cgroup twice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from google.protobuf.message import Message

from ..catalog import CONTAINER_INFO, CONTAINER_LABELS, CONTAINER_STATE, DAEMON_CONTAINERS, STATES, ContainerMetric
from ..lines import fixed_lines, plain_lines
from ..porto import rpc_pb2 as pb
from ..samples import Batch, Column, LabelSet, Scaled, ScaledColumn
from .container_reads import CycleRead, Reading
from .labels import LabelAllowlist
from .parse import Convert, Value, uint_map, unknown_maps, v5_converter
from .selection import ROOT, Selection

# A tier's samples for one container kept between cycles, already written as exposition lines:
# (family, its lines) pairs. Replaying them is one append per family, and the renderer copies the text.
Written = tuple[tuple[str, str], ...]
NOTHING: Written = ()


@dataclass(slots=True)
class Cached:
    """What is kept between cycles for one container: its label sets and its spec/slow-tier samples."""

    change_time: int
    read_at: int  # the timestamp of the reply the spec was read from
    key: LabelSet  # {container="..."}
    owned: frozenset[str] | None  # None for the root: it owns every controller
    spec: Written  # info, labels, limits: replayed every cycle until change_time moves
    keyed: dict[tuple[str, str], LabelSet] = field(default_factory=dict)  # (label, map key) -> label set
    slow: Written = NOTHING  # the slow tier's last values
    state: str = ""  # the state state_lines were written for
    state_lines: str = ""

    def keyed_set(self, label: str, key: str, keep: bool = True) -> LabelSet:
        """The label set {container, label=key}; kept for the fast tier, whose values come every cycle.

        The spec and slow tiers are written as lines once, so their sets are not kept (a container's
        virtual_memory{type} alone would keep 14).
        """
        pair = (label, key)
        ls = self.keyed.get(pair)
        if ls is None:
            ls = LabelSet((self.key.labels[0], pair))  # tuples shared, not copied
            if keep:
                self.keyed[pair] = ls
        return ls


class Columns:
    """One batch's container families, split by encoding so each append is typed."""

    __slots__ = ("batch", "plain", "scaled")

    def __init__(self, batch: Batch, metrics: Sequence[ContainerMetric] = ()) -> None:
        """``metrics``: families to make up front (in catalog order), so replayed samples find theirs."""
        self.batch = batch
        self.plain: dict[str, Column] = {}
        self.scaled: dict[str, ScaledColumn] = {}
        if metrics:
            for m in (CONTAINER_INFO, CONTAINER_LABELS, CONTAINER_STATE):
                batch.lines[m.name] = []
            for cm in metrics:
                if cm.tier != "fast":
                    batch.lines[cm.metric.name] = []
        for cm in metrics:
            if cm.tier != "fast":
                continue  # written once as lines
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

    def replay(self, written: Written) -> None:
        """Append a container's kept lines to their families."""
        lines = self.batch.lines
        for family, text in written:
            lines[family].append(text)


def write(batch: Batch) -> Written:
    """A container's samples of one tier as exposition lines, family by family."""
    out = []
    for name, col in batch.columns.items():
        if col.values:
            if isinstance(col, ScaledColumn):
                out.append((name, "".join(fixed_lines(name, col.keys, col.values, col.decimals))))
            else:
                out.append((name, "".join(plain_lines(name, col.keys, col.values))))
    return tuple(out)


def state_lines(key: LabelSet, state: str) -> str:
    """A container's porto_container_state lines: 1 for its state, 0 for the others."""
    head = f'{CONTAINER_STATE.name}{key.text[:-1]},state="'
    return "".join(f'{head}{s}"}} {1 if s == state else 0}\n' for s in STATES)


@dataclass(frozen=True, slots=True)
class Plan:
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
    decimals: int  # > 0: values are integer counts of 10**-decimals of the unit (scaled columns)
    uint_map: bool  # the v5 field is a TUintMap

    @classmethod
    def of(cls, cm: ContainerMetric) -> Plan:
        convert = None if cm.field.startswith("#") else v5_converter(cm)
        return cls(cm.metric.name, cm.prop, cm.field, cm.where == "spec", convert, cm.key_label,
                   cm.skip_keys, cm.controller, cm.skip_zero, cm.parse == "optional_int",
                   int(cm.field[1:]) if cm.field.startswith("#") else 0, cm.metric.decimals,
                   convert is uint_map)  # fmt: skip


class ContainerEmitter:
    """Turns a cycle's readings into a Batch, keeping each container's label sets and tiers between cycles."""

    def __init__(self, selection: Selection, allowlist: LabelAllowlist, metrics: Sequence[ContainerMetric]) -> None:
        self.selection = selection
        self.allowlist = allowlist
        self.metrics = tuple(metrics)
        self.fast = [Plan.of(cm) for cm in metrics if cm.tier == "fast"]
        self.slow = [Plan.of(cm) for cm in metrics if cm.tier == "slow"]
        self.spec = [Plan.of(cm) for cm in metrics if cm.tier == "spec"]
        self.cache: dict[str, Cached] = {}

    def samples(self, read: CycleRead, with_slow: bool) -> Batch:
        readings, changed = read.readings, read.changed
        batch = Batch()
        columns = Columns(batch, self.metrics)
        state_text = batch.lines[CONTAINER_STATE.name]
        states: Counter[str] = Counter()
        alive: set[str] = set()
        cache = self.cache
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
                    key = LabelSet((("container", name),))
                    cached = cache[name] = Cached(r.change_time, fresh.read_at, key, fresh.owned, NOTHING)
                cached.change_time = r.change_time
                cached.read_at = fresh.read_at
                cached.owned = fresh.owned
                cached.spec = self._spec_samples(fresh, cached)
            if cached is None:
                continue  # listed after the spec read: picked up next cycle
            if with_slow:
                slow = Batch()
                _emit(Columns(slow), self.slow, r, cached)
                cached.slow = write(slow)
            columns.replay(cached.spec)
            columns.replay(cached.slow)
            if cached.state != r.state:
                cached.state, cached.state_lines = r.state, state_lines(cached.key, r.state)
            state_text.append(cached.state_lines)
            _emit(columns, self.fast, r, cached, keep=True)
        for gone in cache.keys() - alive:  # missing from the full listing: drop its series now
            del cache[gone]
        if read.states is not None:  # the readings cover only the included containers
            states = read.states
        for s in STATES:
            batch.add(DAEMON_CONTAINERS.name, (("state", s),), states[s])
        return batch

    def _spec_samples(self, r: Reading, cached: Cached) -> Written:
        info = r.info
        key = cached.key
        out = Batch()
        info_set = LabelSet((*key.labels, *((k, info.get(k, "")) for k in CONTAINER_INFO.labels[1:])))
        out.add(CONTAINER_INFO.name, info_set, 1)
        out.add(CONTAINER_LABELS.name, LabelSet((*key.labels, *self.allowlist.select(r.labels))), 1)
        _emit(Columns(out), self.spec, r, cached)
        return write(out)


def _emit(columns: Columns, plans: Sequence[Plan], r: Reading, cached: Cached, keep: bool = False) -> None:
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
    plain, scaled = columns.plain, columns.scaled
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
            if plan.uint_map and plan.key_label is not None and not plan.decimals:
                # a TUintMap read entry by entry: the common map (io, net), no dict in between
                entries: pb.TUintMap = getattr(part, plan.field)
                col = plain.get(plan.name) or columns.plain_column(plan.name)
                map_label, skip = plan.key_label, plan.skip_keys
                for e in entries.map:
                    k = e.key
                    if k not in skip:
                        col.keys.append(cached.keyed_set(map_label, k, keep))
                        col.values.append(e.val)
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
            if plan.decimals:
                sc = scaled.get(plan.name) or columns.scaled_column(plan.name, plan.decimals)
                for k, v in value.items():
                    if k not in skip:
                        sc.keys.append(cached.keyed_set(label, k, keep))
                        sc.values.append(Scaled(v))
            else:
                col = plain.get(plan.name) or columns.plain_column(plan.name)
                for k, v in value.items():
                    if k not in skip:
                        col.keys.append(cached.keyed_set(label, k, keep))
                        col.values.append(v)
        elif not (plan.skip_zero and value == 0) and not (plan.optional and value < 0):  # type: ignore[operator]
            if plan.decimals:
                sc = scaled.get(plan.name) or columns.scaled_column(plan.name, plan.decimals)
                sc.keys.append(key)
                sc.values.append(Scaled(value))  # type: ignore[arg-type]  # Porto's ns/us counts are ints
            else:
                col = plain.get(plan.name) or columns.plain_column(plan.name)
                col.keys.append(key)
                col.values.append(value)  # type: ignore[arg-type]

