"""Readings -> columns of container samples, with what is kept per container between cycles.

Each container keeps its label sets (text escaped once), and its spec-tier,
slow-tier and state samples written as exposition lines (kube-state-metrics
style): they are replayed as text every cycle until the container's
change_time moves (spec), the slow interval comes round (slow) or its state
changes. Fast values are appended straight from the reply into columns;
families the catalog gives decimals (ns/us counters) go into scaled columns as
Porto's integer counts. Which values a container has is ``container_values``'.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ..catalog import (
    CONTAINER_INFO,
    CONTAINER_LABELS,
    CONTAINER_STATE,
    DAEMON_CONTAINERS,
    KUBERNETES_INFO,
    LISTED_STATES,
    STATES,
    ContainerMetric,
)
from ..lines import fixed_point
from ..samples import Batch, Column, EncodingMismatch, LabelSet, Scaled, ScaledColumn, Value, escape_label_value
from .container_reads import SLICE, CycleRead, Reading, Steps
from .container_values import Plan, plan_values
from .kubernetes import Kubernetes
from .labels import LabelAllowlist
from .read_plan import slow_parts
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
    slow: tuple[Written, ...] = ()  # the slow tier's last values, part by part (``read_plan.slow_parts``)
    state: str = ""  # the state state_lines were written for
    state_lines: str = ""

    def keyed_set(self, label: str, key: str) -> LabelSet:
        """The label set {container, label=key} of a fast-tier map entry, kept: its values come every cycle.

        The spec and slow tiers are written as lines (LineWriter) and keep no label sets.
        """
        pair = (label, key)
        ls = self.keyed.get(pair)
        if ls is None:
            ls = self.keyed[pair] = LabelSet((self.key.labels[0], pair))  # tuples shared, not copied
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
            for m in (CONTAINER_INFO, CONTAINER_LABELS, CONTAINER_STATE, KUBERNETES_INFO):
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


def state_lines(key: LabelSet, state: str) -> str:
    """A container's porto_container_state lines: 1 for its state, 0 for the others."""
    head = f'{CONTAINER_STATE.name}{key.text[:-1]},state="'
    return "".join(f'{head}{s}"}} {1 if s == state else 0}\n' for s in LISTED_STATES)


class ContainerEmitter:
    """Turns a cycle's readings into a Batch, keeping each container's label sets and tiers between cycles."""

    def __init__(self, selection: Selection, allowlist: LabelAllowlist, metrics: Sequence[ContainerMetric],
                 kubernetes: Kubernetes | None = None) -> None:  # fmt: skip
        self.selection = selection
        self.kubernetes = kubernetes or Kubernetes()
        self.allowlist = allowlist
        self.metrics = tuple(metrics)
        self.fast = [Plan.of(cm) for cm in metrics if cm.tier == "fast"]
        self.slow = [[Plan.of(cm) for cm in part] for part in slow_parts([cm for cm in metrics if cm.tier == "slow"])]
        self.spec = [Plan.of(cm) for cm in metrics if cm.tier == "spec"]
        self.cache: dict[str, Cached] = {}
        self.writer = LineWriter()
        self.display: Callable[[str], str] | None = None  # portod's name -> the `container` label (``namespace``)

    def emit(self, read: CycleRead, slow: Sequence[int] = ()) -> Steps[Batch]:
        """The cycle's Batch, made in slices: it yields every ``SLICE`` containers (see ``container_reads.Steps``).

        ``slow``: the slow tier's parts (indexes into ``read_plan.slow_parts``) read this cycle; the
        others' last values are served.

        Each container's cache entry is updated whole within a slice, so a cycle stopped between
        slices leaves every entry consistent with the readings it was made from.
        """
        readings, changed = read.readings, read.changed
        batch = Batch()
        columns = Columns(batch, self.metrics)
        state_text = batch.lines[CONTAINER_STATE.name]
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
                    cached = cache[name] = Cached(r.change_time, fresh.read_at, key, fresh.owned, NOTHING)
                cached.change_time = r.change_time
                cached.read_at = fresh.read_at
                cached.owned = fresh.owned
                cached.spec = self._spec_samples(fresh, cached)
            if cached is None:
                continue  # listed after the spec read: picked up next cycle
            if slow:
                parts = list(cached.slow) or [NOTHING] * len(self.slow)
                for part in slow:
                    parts[part] = self.writer.write(self.slow[part], r, cached)
                cached.slow = tuple(parts)
            columns.replay(cached.spec)
            for written in cached.slow:
                columns.replay(written)
            if cached.state != r.state:
                cached.state, cached.state_lines = r.state, state_lines(cached.key, r.state)
            state_text.append(cached.state_lines)
            _emit(columns, self.fast, r, cached)
        for gone in cache.keys() - alive:  # missing from the full listing: drop its series now
            del cache[gone]
        if read.states is not None:  # the readings cover only the included containers
            states = read.states
        for s in STATES:
            batch.add(DAEMON_CONTAINERS.name, (("state", s),), states[s])
        return batch

    def _spec_samples(self, r: Reading, cached: Cached) -> Written:
        info = r.info
        labels = cached.key.labels
        info_set = LabelSet((*labels, *((k, info.get(k, "")) for k in CONTAINER_INFO.labels[1:])))
        head: Written = ((CONTAINER_INFO.name, f"{CONTAINER_INFO.name}{info_set.text} 1\n"),)
        if self.allowlist.patterns:  # no allowlist: no porto_container_labels at all (it would carry nothing)
            label_set = LabelSet((*labels, *self.allowlist.select(r.labels)))
            head += ((CONTAINER_LABELS.name, f"{CONTAINER_LABELS.name}{label_set.text} 1\n"),)
        if kube := self.kubernetes.info_labels(r.name, r.labels):  # portoshim's pods: their Kubernetes identity
            head += ((KUBERNETES_INFO.name, f"{KUBERNETES_INFO.name}{LabelSet((*labels, *kube)).text} 1\n"),)
        return self.writer.write(self.spec, r, cached, head)


def _emit(columns: Columns, plans: Sequence[Plan], r: Reading, cached: Cached) -> None:
    """Append the fast tier's samples for one container to the cycle's columns."""
    key = cached.key
    plain, scaled = columns.plain, columns.scaled
    for plan, value in plan_values(plans, r, cached.owned):
        if type(value) is dict:
            label, skip = plan.key_label, plan.skip_keys
            if plan.decimals:
                sc = scaled.get(plan.name) or columns.scaled_column(plan.name, plan.decimals)
                for k, v in value.items():
                    if k not in skip:
                        sc.keys.append(cached.keyed_set(label, k))  # type: ignore[arg-type]
                        sc.values.append(Scaled(v))
            else:
                col = plain.get(plan.name) or columns.plain_column(plan.name)
                for k, v in value.items():
                    if k not in skip:
                        col.keys.append(cached.keyed_set(label, k))  # type: ignore[arg-type]
                        col.values.append(v)
        elif plan.entries:  # a TUintMap (io, net maps) from a v5 reply: entry by entry
            col = plain.get(plan.name) or columns.plain_column(plan.name)
            label, skip = plan.key_label, plan.skip_keys
            for e in value.map:  # type: ignore[attr-defined]
                k = e.key
                if k not in skip:
                    col.keys.append(cached.keyed_set(label, k))  # type: ignore[arg-type]
                    col.values.append(e.val)
        elif plan.decimals:
            sc = scaled.get(plan.name) or columns.scaled_column(plan.name, plan.decimals)
            sc.keys.append(key)
            sc.values.append(Scaled(value))  # type: ignore[arg-type]  # Porto's ns/us counts are ints
        else:
            col = plain.get(plan.name) or columns.plain_column(plan.name)
            col.keys.append(key)
            col.values.append(value)  # type: ignore[arg-type]


class LineWriter:
    """Writes the spec and slow tiers of a container straight as exposition lines.

    No label set is made per sample: a map entry's line is the container's label text with the
    entry's ``,label="key"`` appended, and those fragments are escaped once per distinct
    (label, key) for the whole host (device names, memory types, pressure kinds: a few dozen).
    """

    MAX_FRAGMENTS = 100_000  # past this (map keys nobody expects) the cache starts over

    def __init__(self) -> None:
        self.fragments: dict[tuple[str, str], str] = {}

    def fragment(self, label: str, key: str) -> str:
        pair = (label, key)
        text = self.fragments.get(pair)
        if text is None:
            if len(self.fragments) >= self.MAX_FRAGMENTS:
                self.fragments.clear()
            text = self.fragments[pair] = f',{label}="{escape_label_value(key)}"}}'
        return text

    def write(self, plans: Sequence[Plan], r: Reading, cached: Cached, head: Written = NOTHING) -> Written:
        """The plans' samples for one container as (family, lines) pairs, after ``head``."""
        out = list(head)
        full = cached.key.text
        prefix = full[:-1]
        fragment = self.fragment
        for plan, value in plan_values(plans, r, cached.owned):
            name = plan.name
            decimals = plan.decimals
            if type(value) is dict or plan.entries:
                pairs = value.items() if type(value) is dict else [(e.key, e.val) for e in value.map]  # type: ignore[attr-defined]
                label, skip = plan.key_label, plan.skip_keys
                if decimals:
                    lines = [f"{name}{prefix}{fragment(label, k)} {_number(name, v, decimals)}\n"  # type: ignore[arg-type]
                             for k, v in pairs if k not in skip]  # fmt: skip
                else:
                    lines = [f"{name}{prefix}{fragment(label, k)} {v}\n" for k, v in pairs if k not in skip]  # type: ignore[arg-type]
                if lines:
                    out.append((name, "".join(lines)))
            else:
                out.append((name, f"{name}{full} {_number(name, value, decimals) if decimals else value}\n"))  # type: ignore[arg-type]
        return tuple(out)


def _number(name: str, value: Value, decimals: int) -> str:
    """A scaled count as the renderer writes it: fixed point."""
    try:
        return fixed_point(value, decimals)  # type: ignore[arg-type]
    except EncodingMismatch as exc:
        raise EncodingMismatch(f"{name}: {exc}") from None
