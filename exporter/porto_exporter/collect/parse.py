"""Turning one property value, v4 string or v5 typed field, into what a metric needs."""

from __future__ import annotations

from google.protobuf import unknown_fields
from google.protobuf.message import Message

from ..catalog import ContainerMetric, Parse
from ..porto import rpc_pb2 as pb
from ..porto.values import ValueFormatError, parse_bool, parse_cores, parse_ns, parse_uint_map

Value = float | dict[str, int] | None  # None: no sample (unset, unlimited, empty)


def v4_variable(cm: ContainerMetric) -> str:
    """The Get variable for a metric: dates are read as unix seconds through ``[raw]``."""
    return f"{cm.prop}[raw]" if cm.parse == "raw_time" else cm.prop


def parse_v4(kind: Parse, text: str) -> Value:
    """Parse a v4 Get string; raises ValueFormatError on a malformed value."""
    if kind == "map":
        return parse_uint_map(text)
    if kind == "cores":
        return parse_cores(text)
    if kind == "bool":
        return 1.0 if parse_bool(text) else 0.0
    if kind == "ns":
        return float(parse_ns(text))
    if kind == "optional_int" and text == "":
        return None
    try:
        return float(int(text))
    except ValueError:
        try:
            return float(text)  # cpu_weight and friends print as plain decimals
        except ValueError as exc:
            raise ValueFormatError(f"not a number: {text!r}") from exc


def _unknown_map(msg: Message, number: int) -> dict[str, int] | None:
    """Maps portod sends under field numbers rpc.proto lacks (cpu_pressure=76, memory_pressure=83)."""
    for item in unknown_fields.UnknownFieldSet(msg):  # type: ignore[attr-defined]
        if item.field_number == number and item.wire_type == 2:
            m = pb.TUintMap()
            m.ParseFromString(bytes(item.data))
            return {e.key: e.val for e in m.map}
    return None


def read_v5(cm: ContainerMetric, container: pb.TContainer) -> Value:
    """The typed value of a metric's field, or None when portod did not fill it."""
    part = container.spec if cm.where == "spec" else container.status
    if cm.field.startswith("#"):
        return _unknown_map(part, int(cm.field[1:]))
    if not part.HasField(cm.field):
        return None
    raw = getattr(part, cm.field)
    if cm.parse == "map":
        if isinstance(raw, pb.TUintMap):
            return {e.key: e.val for e in raw.map}
        return {f.name: int(v) for f, v in raw.ListFields()}  # TVmStat: one field per type
    if isinstance(raw, bool):
        return 1.0 if raw else 0.0
    return float(raw)
