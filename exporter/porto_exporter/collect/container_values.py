"""Which value each catalog entry has for one container: read straight from the reply, once per plan.

Shared by the two ways a container's samples leave the collector: appended to
columns (the fast tier, every cycle) and written as exposition lines (the spec
and slow tiers, kept between cycles). Both see the same filtered values, so a
metric cannot be emitted one way and skipped the other.

A container that does not own a cgroup controller reports its nearest
ancestor's counters for it (PROTOCOL-NOTES), so such metrics yield nothing for
it: summing a metric over containers of one level never counts a cgroup twice.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from google.protobuf.message import Message

from ..catalog import ContainerMetric
from ..porto import rpc_pb2 as pb
from .container_reads import Reading
from .parse import Convert, Value, uint_map, unknown_maps, v5_converter


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
    entries: bool  # the v5 field is a TUintMap of plain values, read entry by entry (no dict in between)
    pick: str | None  # the one map key that is the value (no label)

    @classmethod
    def of(cls, cm: ContainerMetric) -> Plan:
        convert = None if cm.field.startswith("#") else v5_converter(cm)
        return cls(cm.metric.name, cm.prop, cm.field, cm.where == "spec", convert, cm.key_label,
                   cm.skip_keys, cm.controller, cm.skip_zero, cm.parse == "optional_int",
                   int(cm.field[1:]) if cm.field.startswith("#") else 0, cm.metric.decimals,
                   convert is uint_map and cm.key_label is not None and not cm.metric.decimals, cm.pick)  # fmt: skip


def plan_values(plans: Sequence[Plan], r: Reading, owned: frozenset[str] | None) -> Iterator[tuple[Plan, object]]:
    """(plan, value) for every plan this container has a sample of.

    The value is a number, a dict (map key -> number; only for plans with a key label), or, for
    ``plan.entries`` on a v5 reply, the TUintMap message itself (a v4 reply gives a dict).
    Zeros of skip_zero plans and the negative "unset" of optional ones are left out here.
    """
    ct = r.typed
    values = r.values
    status: pb.TContainerStatus | None = ct.status if ct is not None else None
    spec: pb.TContainerSpec | None = None
    unknown: dict[int, dict[str, int]] | None = None
    value: Value | Message
    part: Message
    for plan in plans:
        controller = plan.controller
        if controller and owned is not None and controller not in owned:
            continue  # inherited from an ancestor: that ancestor's series already has it
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
            if plan.entries:
                yield plan, value
                continue
            if plan.pick is not None and plan.convert is uint_map:  # one key of a TUintMap: no dict in between
                for e in value.map:  # type: ignore[union-attr]
                    if e.key == plan.pick:
                        yield plan, e.val
                        break
                continue
            if plan.convert is not None:
                value = plan.convert(value)
        if value is None:
            continue
        if type(value) is dict:
            if plan.pick is not None:
                value = value.get(plan.pick)  # type: ignore[union-attr]
                if value is not None:
                    yield plan, value
            elif plan.key_label is not None:
                yield plan, value
        elif not (plan.skip_zero and value == 0) and not (plan.optional and value < 0):  # type: ignore[operator]
            yield plan, value
