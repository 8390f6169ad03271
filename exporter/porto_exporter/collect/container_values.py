"""Which value each catalog entry has for one container: read straight from the reply, once per plan.

Shared by the two ways a container's samples leave the collector: appended to
columns (the fast tier, every cycle) and made into kept pieces (the spec and
slow tiers, kept between cycles). Both see the same filtered values, so a
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
from .parse import Convert, Value, uint_map, v5_converter


@dataclass(frozen=True, slots=True)
class Plan:
    """A catalog entry prepared for the per-container loop."""

    name: str
    prop: str
    field: str  # the v5 field
    in_spec: bool
    convert: Convert
    key_label: str  # the label a map key becomes; "" for plain values
    skip_keys: frozenset[str]
    controller: str | None
    skip_zero: bool
    optional: bool
    decimals: int  # > 0: values are integer counts of 10**-decimals of the unit (scaled columns)
    entries: bool  # the v5 field is a TUintMap of plain values, read entry by entry (no dict in between)
    pick: str | None  # the one map key that is the value (no label)

    @classmethod
    def of(cls, cm: ContainerMetric) -> Plan:
        convert = v5_converter(cm)
        return cls(
            cm.metric.name,
            cm.prop,
            cm.field,
            cm.where == "spec",
            convert,
            cm.key_label or "",
            cm.skip_keys,
            cm.controller,
            cm.skip_zero,
            cm.parse == "optional_int",
            cm.metric.decimals,
            convert is uint_map and cm.key_label is not None and not cm.metric.decimals,
            cm.pick,
        )


# What a plan yields for one container: a number; a map key -> number (plans with a key label); or, for
# ``plan.entries`` on a v5 reply, the TUintMap message itself, read entry by entry (a v4 reply gives a dict).
Reported = int | float | dict[str, int] | pb.TUintMap


def plan_values(plans: Sequence[Plan], r: Reading, owned: frozenset[str] | None) -> Iterator[tuple[Plan, Reported]]:
    """(plan, value) for every plan this container has a sample of.

    Zeros of skip_zero plans and the negative "unset" of optional ones are left out here.
    """
    ct = r.typed
    values = r.values
    status: pb.TContainerStatus | None = None
    spec: pb.TContainerSpec | None = None
    value: Value
    part: Message
    for plan in plans:
        controller = plan.controller
        if controller and owned is not None and controller not in owned:
            continue  # inherited from an ancestor: that ancestor's series already has it
        if ct is None:
            value = values.get(plan.prop)
        else:
            if plan.in_spec:
                part = spec = spec or ct.spec
            else:
                part = status = status or ct.status
            if not part.HasField(plan.field):
                continue
            raw = getattr(part, plan.field)  # the field's value (a number or a message), per the descriptor
            if plan.entries:
                yield plan, raw
                continue
            if plan.pick is not None and plan.convert is uint_map:  # one key of a TUintMap: no dict in between
                for e in raw.map:
                    if e.key == plan.pick:
                        yield plan, e.val
                        break
                continue
            value = raw if plan.convert is None else plan.convert(raw)
        if value is None:
            continue
        if isinstance(value, dict):
            if plan.pick is not None:
                picked = value.get(plan.pick)
                if picked is not None:
                    yield plan, picked
            elif plan.key_label:
                yield plan, value
        elif not (plan.skip_zero and value == 0) and not (plan.optional and value < 0):
            yield plan, value
