"""Turning one property value, v4 string or v5 typed field, into what a metric needs."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from google.protobuf import unknown_fields
from google.protobuf.message import Message

from ..catalog import ContainerMetric, Parse
from ..porto import rpc_pb2 as pb
from ..porto.values import ValueFormatError, parse_bool, parse_cores, parse_uint_map

# None: no sample (unset, unlimited, empty). Numbers stay ints where Porto's are.
Value = int | float | dict[str, int] | None


def v4_variable(cm: ContainerMetric) -> str:
    """The Get variable for a metric: dates are read as unix seconds through ``[raw]``."""
    return f"{cm.prop}[raw]" if cm.parse == "raw_time" else cm.prop


def parse_v4(kind: Parse, text: str) -> Value:
    """Parse a v4 Get string; raises ValueFormatError on a malformed value."""
    if kind == "map":
        if text.isdigit():  # portod prints an io limit whose one key is `fs` as the bare number ("fs: 100" -> "100")
            return {"fs": int(text)}
        return parse_uint_map(text)
    if kind == "cores":
        return parse_cores(text)
    if kind == "bool":
        return 1 if parse_bool(text) else 0
    if kind == "optional_int" and text == "":
        return None
    try:
        return int(text)
    except ValueError:
        try:
            value = float(text)  # cpu_weight and friends print as plain decimals
        except ValueError as exc:
            raise ValueFormatError(f"not a number: {text!r}") from exc
        if not math.isfinite(value):
            raise ValueFormatError(f"not a finite number: {text!r}") from None
        return value


# A typed field's value (read by name with getattr, so Any) -> Value. None: the value is used as it is.
Convert = Callable[[Any], Value] | None


def uint_map(raw: pb.TUintMap) -> Value:
    return {e.key: e.val for e in raw.map}


def _fields_map(raw: Message) -> Value:
    return {f.name: int(v) for f, v in raw.ListFields()}


def _bool(raw: bool) -> Value:
    return 1 if raw else 0


def _finite(raw: float) -> Value:
    return raw if math.isfinite(raw) else None


def v5_converter(cm: ContainerMetric) -> Convert:
    """How a typed field's value becomes a Value, chosen once from the field's descriptor."""
    message = pb.TContainerSpec if cm.where == "spec" else pb.TContainerStatus
    fd = message.DESCRIPTOR.fields_by_name[cm.field]
    if fd.message_type is not None:
        return uint_map if fd.message_type.name == "TUintMap" else _fields_map
    if fd.type == fd.TYPE_BOOL:
        return _bool
    if fd.type in (fd.TYPE_DOUBLE, fd.TYPE_FLOAT):
        return _finite
    return None


def unknown_fields_of(msg: Message) -> list[Any]:
    """The fields of ``msg`` rpc.proto lacks (``field_number``, ``wire_type``, ``data``). Indexed: protobuf's
    UnknownFieldSet has ``__getitem__`` and ``__len__`` but no ``__iter__``, which type checkers need."""
    found = unknown_fields.UnknownFieldSet(msg)
    return [found[i] for i in range(len(found))]
