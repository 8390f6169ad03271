"""Values as portod prints them: v4 Get strings (with portod's per-value errors) and volume descriptions."""

from __future__ import annotations

from ..porto import rpc_pb2 as pb
from .container import Container
from .delimited import varint
from .propbase import Refused
from .properties import DEAD, PROPERTIES, STAT, UNSUPPORTED, Prop, View
from .records import Volume
from .values import bool_to_string, format_time


def tag(number: int, wire_type: int) -> bytes:
    """A protobuf field key, for fields rpc.proto lacks."""
    return varint((number << 3) | wire_type)


def base_property(variable: str) -> str:
    """``io_read[vda]`` -> ``io_read``."""
    return variable.split("[", 1)[0]


def available(prop: Prop, c: Container) -> bool:
    """Whether portod fills the property's v5 field for a container in its current state."""
    when = prop.when
    if when == UNSUPPORTED:
        return False
    if when == STAT and not c.has_stats:
        return False
    return not (when == DEAD and c.state != "dead")


def read_v4(view: View, variable: str) -> tuple[pb.EError, str]:
    """One Get value: (Success, text) or (EError code, portod's message)."""
    base, _, rest = variable.partition("[")
    key = rest[:-1] if rest.endswith("]") else None
    prop = PROPERTIES.get(base)
    c = view.c
    if prop is None or base in view.host.unknown_properties:
        if "." in variable and variable[:1].isupper() and key is None:
            return _read_label(view, variable)
        return pb.InvalidProperty, f"Unknown container property: {variable}"
    if prop.when == UNSUPPORTED:
        return pb.NotSupported, f"{base} is not supported"
    if prop.when == STAT and not c.has_stats:
        return pb.InvalidState, f"{base} is not available in {c.state} state"
    if prop.when == DEAD and c.state != "dead":
        return pb.InvalidState, f"{base} available only in dead state"
    if base in ("stdout", "stderr") and c.is_root:  # the host's own has no log file
        return pb.InvalidData, "File not found"
    if key is not None:
        if prop.subscript is None:
            return pb.InvalidValue, "Invalid subscript for property"
        try:
            return pb.Success, prop.subscript(view, key)
        except Refused as exc:
            return exc.code, exc.message
        except KeyError as exc:
            return pb.InvalidValue, str(exc.args[0])
        except LookupError as exc:
            return pb.LabelNotFound, str(exc.args[0])
    if base == "root_pid" and c.state == "dead":
        return pb.InvalidState, "container isn't running"
    if base in ("stdout", "stderr") and c.state == "stopped":
        return pb.InvalidState, f"{base} is not available in stopped state"
    assert prop.v4 is not None
    return pb.Success, prop.v4(view)


def _read_label(view: View, label: str) -> tuple[pb.EError, str]:
    value = view.c.labels.get(label)
    if value is None:
        return pb.LabelNotFound, f"Label {label} is not set"
    return pb.Success, value


def volume_properties(v: Volume) -> dict[str, str]:
    props = {
        "backend": v.backend,
        "build_time": format_time(v.build_time),
        "change_time": format_time(v.build_time),
        "creator": "/ root root",
        "group": "root",
        "id": str(v.id),
        "image": "",
        "inode_available": str(v.inode_available),
        "inode_guarantee": "0",
        "inode_limit": str(v.inode_limit),
        "inode_used": str(v.inode_used),
        "owner_container": v.owner_container,
        "owner_group": "root",
        "owner_user": "root",
        "permissions": "0775",
        "place": v.place,
        "private": v.private,
        "read_only": bool_to_string(v.read_only),
        "ready": bool_to_string(v.state == "ready"),
        "space_available": str(v.space_available),
        "space_guarantee": "0",
        "space_limit": str(v.space_limit),
        "space_used": str(v.space_used),
        "state": v.state,
        "storage": v.storage,
        "user": "root",
    }
    if v.device_name:
        props["device_name"] = v.device_name
    if v.layers:
        props["layers"] = ";".join(v.layers)
    return props


def fill_volume_spec(v: Volume, spec: pb.TVolumeSpec) -> None:
    for link in v.links:
        spec.links.add(container=link)
    spec.id = str(v.id)
    spec.state = v.state
    if v.device_name:
        spec.device_name = v.device_name
        if v.backend == "loop":
            spec.device_index = int(v.device_name.removeprefix("loop") or 0)
    if v.layers:
        spec.layers.extend(v.layers)
    spec.backend = v.backend
    spec.place = v.place
    if v.storage:
        spec.storage = v.storage
    spec.read_only = v.read_only
    spec.cred.CopyFrom(pb.TCred(user="root", uid=0, group="root", gid=0))
    spec.permissions = 0o775
    if v.space_limit:  # none: no limit field (a native volume)
        spec.space.limit = v.space_limit
    spec.space.usage = v.space_used
    spec.space.available = v.space_available
    if v.inode_limit:
        spec.inodes.limit = v.inode_limit
    spec.inodes.usage = v.inode_used
    spec.inodes.available = v.inode_available
    spec.owner.CopyFrom(pb.TCred(user="root", uid=0, group="root", gid=0, grp=[0]))
    spec.owner_container = v.owner_container
    spec.creator = "/ root root"
    if v.private:
        spec.private_value = v.private
    if v.auto_path:
        spec.auto_path = True
    spec.build_time = v.build_time
