"""SetProperty: parse a v4 string value into the model, with portod's errors."""

from __future__ import annotations

from ..porto import rpc_pb2 as pb
from . import names
from .accounting import HOST_CORES
from .container import Container
from .host import ROOT_READ_ONLY, Host, HostError
from .properties import PROPERTIES
from .values import (
    BadValue,
    string_to_bool,
    string_to_cpu_power,
    string_to_nsec,
    string_to_size,
    string_to_string_map,
    string_to_uint_map,
)

READ_ONLY_HINT = "is read-only"
# Properties that can only change while the container is stopped.
STOPPED_ONLY = {"command", "virt_mode", "isolate", "owner_user", "owner_group"}


def _size(text: str) -> int:
    """A size limit; '' clears it."""
    return string_to_size(text) if text else 0


def _cores(text: str) -> float:
    """A CPU limit or guarantee in cores; '' clears it."""
    return string_to_cpu_power(text, HOST_CORES) if text else 0.0


def _number(text: str, kind: type[int] | type[float]) -> int | float:
    try:
        return kind(text)
    except ValueError:
        raise BadValue(f"Bad {kind.__name__} value: {text}") from None


def set_property(host: Host, c: Container, prop: str, value: str) -> None:
    if c.is_root:
        raise HostError(pb.Permission, ROOT_READ_ONLY)
    try:
        _apply(c, prop, value)
    except BadValue as exc:
        raise HostError(pb.InvalidValue, str(exc)) from exc
    except names.NameError_ as exc:
        raise HostError(pb.InvalidLabel, str(exc)) from exc


def _apply(c: Container, prop: str, value: str) -> None:
    if prop in STOPPED_ONLY and c.state not in ("stopped",):
        raise HostError(pb.InvalidState, f"{prop} could be set only in stopped state")
    if prop == "command":
        c.command = value
    elif prop == "memory_limit":
        c.memory_limit = _size(value)
    elif prop == "dirty_limit":
        c.dirty_limit = _size(value)
    elif prop == "hugetlb_limit":
        c.hugetlb_limit = _size(value)
    elif prop == "cpu_limit":
        c.cpu_limit = _cores(value)
    elif prop == "cpu_guarantee":
        c.cpu_guarantee = _cores(value)
    elif prop == "cpu_weight":
        c.cpu_weight = float(_number(value, float))
    elif prop == "cpu_policy":
        if value not in ("normal", "idle", "batch", "high", "rt", "iso"):
            raise BadValue(f"invalid cpu_policy: {value}")
        c.cpu_policy = value
    elif prop == "thread_limit":
        c.thread_limit = int(_number(value, int)) if value else 0
    elif prop == "io_limit":
        c.io_limit = string_to_uint_map(value)
    elif prop == "io_ops_limit":
        c.io_ops_limit = string_to_uint_map(value)
    elif prop == "net_limit":
        c.net_limit = string_to_uint_map(value)
    elif prop == "net_guarantee":
        c.net_guarantee = string_to_uint_map(value)
    elif prop == "respawn":
        c.respawn = string_to_bool(value)
    elif prop == "max_respawns":
        c.max_respawns = int(_number(value, int)) if value else -1
    elif prop == "respawn_delay":
        c.respawn_delay_ns = string_to_nsec(value)
    elif prop == "virt_mode":
        if value not in ("app", "os", "job", "host"):
            raise BadValue(f"invalid virt_mode: {value}")
        c.virt_mode = value
    elif prop == "isolate":
        c.isolate = string_to_bool(value)
    elif prop == "oom_is_fatal":
        c.oom_is_fatal = string_to_bool(value)
    elif prop in ("owner_user", "user"):
        c.owner_user = value
    elif prop in ("owner_group", "group"):
        c.owner_group = value
    elif prop == "private":
        c.private = value
    elif prop == "labels":
        labels = string_to_string_map(value)
        for key, val in labels.items():
            names.check_label(key, val)
        c.labels = labels
    elif "." in prop and prop[:1].isupper():
        names.check_label(prop, value)
        if value:
            c.labels[prop] = value
        else:
            c.labels.pop(prop, None)
    elif prop in ("memory_guarantee", "anon_limit", "cpu_wait"):
        raise HostError(pb.NotSupported, f"{prop} is not supported")
    elif prop in PROPERTIES:
        raise HostError(pb.InvalidValue, f"{prop} {READ_ONLY_HINT}")
    else:
        raise HostError(pb.InvalidProperty, f"Invalid property {prop}")
