"""The differential test's machinery: raw exchanges, replies flattened to ``{path: value}``, what is compared how,
and the table of known differences (``docs/simulator-vs-portod.md``), which is the test's list of them.

A reply is flattened field by field (only fields present, so presence is compared); repeated messages that have a
natural key (a container's name, a property, a map key, a volume's path) become ``field{key}`` entries plus one
``field@order`` entry with the keys in the order received (so ordering is compared apart from content). Values
that differ between any two hosts by nature (times, ids, counters, the root's host-wide figures) are compared by
form: numbers by type, strings with their digits masked. Session-specific names are replaced by fixed tokens
before anything is compared, so differences read the same on every run.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from google.protobuf import text_format
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import DecodeError, Message

from porto_exporter.collect.parse import unknown_fields_of
from porto_exporter.porto import rpc_pb2 as pb
from porto_exporter.porto.framing import FrameDecoder, encode_frame

TABLE = Path(__file__).resolve().parents[2] / "docs" / "simulator-vs-portod.md"


def _by(field: str) -> Callable[[Message], str]:
    """An element's key: one of its fields, as text."""
    return lambda m: str(getattr(m, field))


def _container_name(m: Message) -> str:
    assert isinstance(m, pb.TContainer)
    return m.spec.name


# Repeated messages compared as maps: the field that names an element.
KEYS: dict[str, Callable[[Message], str]] = {
    "TContainer": _container_name,
    **{
        name: _by(field)
        for name, field in (
            ("TContainerGetListResponse", "name"),
            ("TContainerGetValueResponse", "variable"),
            ("TStringMapEntry", "key"),
            ("TUintMapEntry", "key"),
            ("TContainerEnvVar", "name"),
            ("TContainerUlimit", "type"),
            ("TContainerCgroup", "controller"),
            ("TVolumeDescription", "path"),
            ("TVolumeSpec", "path"),
            ("TVolumeLink", "container"),
            ("TLayer", "name"),
            ("TStorage", "name"),
            ("TMetaStorage", "name"),
            ("TContainerPropertyListEntry", "name"),
            ("TContainerVolumeLink", "volume"),
            ("TContainerPlace", "place"),
            ("TContainerDevice", "device"),
            ("TContainerNetOption", "opt"),
            ("TVolumePropertyDescription", "name"),
        )
    },
}
# What a host holds for everyone (containers, volumes, layers, storages): only this test's own are compared.
HOST_WIDE = {
    "TContainer",
    "TContainerGetListResponse",
    "TVolumeDescription",
    "TVolumeSpec",
    "TLayer",
    "TStorage",
    "TMetaStorage",
}
# Repeated strings naming containers or volumes (the field path's end), and v4 variables listing them.
HOST_WIDE_NAMES = ("List.name", "volumes_owned.volume")
HOST_WIDE_VARIABLES = {"volumes_owned"}

# Values that differ between any two hosts by nature: compared by form only. Field names, property names (a Get
# variable's base), and whole requests (GetSystem: daemon-wide counters).
VOLATILE = frozenset(
    {
        "timestamp",
        "when",
        "GetSystem",
        # identity and times
        "id",
        "creation_time",
        "start_time",
        "change_time",
        "death_time",
        "dead_time",
        "time",
        "build_time",
        "last_usage",
        "root_pid",
        "net_class_id",
        # counters and gauges read from cgroups and /proc
        "cpu_usage",
        "cpu_usage_system",
        "cpu_throttled",
        "cpu_wait",
        "cpu_pressure",
        "memory_pressure",
        "io_pressure",
        "memory_usage",
        "anon_usage",
        "cache_usage",
        "shmem_usage",
        "mlock_usage",
        "hugetlb_usage",
        "minor_faults",
        "major_faults",
        "memory_reclaimed",
        "virtual_memory",
        "process_count",
        "thread_count",
        "oom_kills_total",
        "io_read",
        "io_write",
        "io_ops",
        "io_read_ops",
        "io_write_ops",
        "io_time",
        "net_bytes",
        "net_packets",
        "net_tx_bytes",
        "net_tx_packets",
        "net_rx_bytes",
        "net_rx_packets",
        "net_drops",
        "net_overlimits",
        "net_rx_drops",
        "net_tx_drops",
        "stdout_offset",
        "stderr_offset",
        # the machine's size: what a hierarchy's totals inherit from the host
        "memory_limit_total",
        "cpu_limit_total",
        "cpu_limit_bound",
        "cpu_guarantee_total",
        "cpu_guarantee_bound",
        # volume usage
        "space",
        "inodes",
        "space_used",
        "space_available",
        "inode_used",
        "inode_available",
        "device_index",
    }
)
KEY = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True)
class Names:
    """Session-specific strings and the fixed tokens they are compared as (longest first)."""

    tokens: tuple[tuple[str, str], ...]
    keep: Callable[[str], bool]  # a host-wide element (container, volume ...) this test made, or the root

    def sub(self, text: str) -> str:
        for real, token in self.tokens:
            text = text.replace(real, token)
        return text

    def expand(self, text: str) -> str:
        """The inverse: a request written with the tokens, for this session."""
        for real, token in self.tokens:
            text = text.replace(token, real)
        return text


def flatten(msg: Message, names: Names, path: str = "") -> dict[str, object]:
    """``{path: value}`` for every field present in ``msg`` (see the module's docstring)."""
    out: dict[str, object] = {}
    _walk(msg, names, path, out)
    return out


def _key(desc: Descriptor) -> Callable[[Message], str] | None:
    if desc.GetOptions().map_entry:
        return _by("key")
    return KEYS.get(desc.name)


def _walk(msg: Message, names: Names, path: str, out: dict[str, object]) -> None:
    for fd, value in msg.ListFields():
        p = f"{path}.{fd.name}" if path else fd.name
        if fd.is_repeated and fd.message_type is not None:
            if fd.message_type.GetOptions().map_entry:  # a proto map (ListVolumes properties): unordered
                for k in sorted(value):
                    out[f"{p}{{{names.sub(k)}}}"] = _scalar(value[k], fd.message_type.fields_by_name["value"], names)
                continue
            keyer = _key(fd.message_type)
            if keyer is None:
                out[p + "@len"] = len(value)
                for i, item in enumerate(value):
                    _walk(item, names, f"{p}{{{i}}}", out)
                continue
            order: list[str] = []
            for item in value:
                k = keyer(item)
                if fd.message_type.name in HOST_WIDE and not names.keep(k):
                    continue
                k = names.sub(k)
                seen = sum(1 for o in order if o == k or o.startswith(k + "#"))
                k = f"{k}#{seen + 1}" if seen else k  # a repeated key: kept apart, numbered
                order.append(k)
                _walk(item, names, f"{p}{{{k}}}", out)
            out[p + "@order"] = order
        elif fd.is_repeated:
            items = [v for v in value if names.keep(v)] if p.endswith(HOST_WIDE_NAMES) else list(value)
            out[p] = [_scalar(v, fd, names) for v in items]
        elif fd.message_type is not None:
            out[p] = "{...}"  # present (an empty message is still sent)
            _walk(value, names, p, out)
        else:
            out[p] = _scalar(value, fd, names)
            if fd.name == "value" and getattr(msg, "variable", None) in HOST_WIDE_VARIABLES:
                out[p] = names.sub(";".join(v for v in value.split(";") if names.keep(v)))
    for item in unknown_fields_of(msg):
        out[f"{path}.#{item.field_number}"] = _unknown(item.wire_type, item.data)


def _unknown(wire_type: int, data: int | bytes) -> tuple[str, object]:
    """A field rpc.proto lacks: a number as it is; bytes as the keys of the TUintMap they hold (the values move)."""
    if isinstance(data, int):
        return f"wire{wire_type}", data
    body = bytes(data)
    m = pb.TUintMap()
    try:
        m.ParseFromString(body)
    except DecodeError:
        return f"wire{wire_type}", f"{len(body)} bytes"
    return f"wire{wire_type}", [e.key for e in m.map]


def _scalar(value: object, fd: FieldDescriptor, names: Names) -> object:
    if fd.enum_type is not None:
        assert isinstance(value, int)  # an enum field's value is its number
        return fd.enum_type.values_by_number[value].name
    if isinstance(value, str):
        return names.sub(value)
    return value


def form(value: object) -> object:
    """What is compared of a volatile value: its type, or a string's shape with digits masked."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return type(value).__name__
    if isinstance(value, str):
        return re.sub(r"\d+", "N", value)
    if isinstance(value, list):
        return [form(v) for v in value]
    if isinstance(value, tuple):
        return (value[0], form(value[1]))  # an unknown field: (wire type, value)
    return value


def volatile(path: str) -> bool:
    """A path through a volatile field, a volatile property, or the root container (host-wide figures)."""
    if "{/}" in path:
        return True
    keys = KEY.findall(path)
    fields = re.split(r"[.@]", KEY.sub("", path))
    return any(f in VOLATILE for f in fields) or any(k.split("[", 1)[0] in VOLATILE for k in keys)


# Disk I/O maps: which disks a container has touched (beyond ``hw``, their sum) depends on the page cache (a sleep
# whose binary was evicted reads it from disk), so only the aggregate keys are compared.
DISK_MAPS = ("io_read", "io_write", "io_ops", "io_read_ops", "io_write_ops", "io_time")
AGGREGATE_KEYS = ("hw", "total_writeback")
_DISK_ENTRY = re.compile(r"\.(?:" + "|".join(DISK_MAPS) + r")\.map\{(?P<key>[^{}]*)\}")
_DISK_ORDER = re.compile(r"\.(?:" + "|".join(DISK_MAPS) + r")\.map@order$")
_DISK_V4 = re.compile(r"\.keyval\{(?:" + "|".join(DISK_MAPS) + r")\}\.value$")


def without_disks(path: str, value: object) -> tuple[bool, object]:
    """(keep the path, its value) with the disks of an I/O map left out."""
    entry = _DISK_ENTRY.search(path)
    if entry:
        return entry["key"] in AGGREGATE_KEYS, value
    if _DISK_ORDER.search(path) and isinstance(value, list):
        return True, [k for k in value if k in AGGREGATE_KEYS]
    if _DISK_V4.search(path) and isinstance(value, str):
        return True, "; ".join(kv for kv in value.split("; ") if kv.split(":", 1)[0] in AGGREGATE_KEYS)
    return True, value


def comparable(flat: Mapping[str, object]) -> dict[str, object]:
    out = {}
    for p, v in flat.items():
        keep, v = without_disks(p, v)
        if keep:
            out[p] = form(v) if volatile(p) else v
    return out


ABSENT = "<absent>"


@dataclass(frozen=True)
class Diff:
    probe: str
    path: str
    real: object
    sim: object

    @property
    def id(self) -> str:
        return f"{self.probe}: {self.path}"

    def __str__(self) -> str:
        return f"{self.id}\n    portod:    {self.real!r}\n    simulator: {self.sim!r}"


def differences(probe: str, real: Mapping[str, object], sim: Mapping[str, object]) -> list[Diff]:
    r, s = comparable(real), comparable(sim)
    return [
        Diff(probe, p, r.get(p, ABSENT), s.get(p, ABSENT))
        for p in sorted(r.keys() | s.keys())
        if r.get(p, ABSENT) != s.get(p, ABSENT)
    ]


# --- the raw wire ----------------------------------------------------------------------------------------------


def request(text: str) -> pb.TPortoRequest:
    """A request written in protobuf text format (``Get { name: "a" variable: "state" }``)."""
    return text_format.Parse(text, pb.TPortoRequest())


class Subscriber:
    """A connection with an AsyncWait subscription: every frame it receives, pushes and replies, in order."""

    def __init__(self, socket: str) -> None:
        self.socket = socket
        self.frames: list[pb.TPortoResponse] = []
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._task: asyncio.Task[None] | None = None
        self._arrived = asyncio.Event()

    async def __aenter__(self) -> Subscriber:
        self._reader, self._writer = await asyncio.open_unix_connection(self.socket)
        self._task = asyncio.create_task(self._read())
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._task is not None and self._writer is not None
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)
        self._writer.close()
        await self._writer.wait_closed()

    async def _read(self) -> None:
        assert self._reader is not None
        decoder = FrameDecoder(1 << 28)
        while chunk := await self._reader.read(1 << 16):
            for body in decoder.feed(chunk):
                rsp = pb.TPortoResponse()
                rsp.ParseFromString(body)
                self.frames.append(rsp)
                self._arrived.set()

    def send(self, req: pb.TPortoRequest) -> None:
        assert self._writer is not None
        self._writer.write(encode_frame(req.SerializeToString()))

    async def until(self, done: Callable[[list[pb.TPortoResponse]], bool], what: str, seconds: float = 15.0) -> None:
        """Wait for the frames received to satisfy ``done``; fail naming ``what`` after ``seconds``."""
        try:
            async with asyncio.timeout(seconds):
                while not done(self.frames):
                    self._arrived.clear()
                    await self._arrived.wait()
        except TimeoutError:
            raise AssertionError(f"{self.socket}: no {what} within {seconds:g} s; got {self.frames}") from None


def replies(frames: Iterable[pb.TPortoResponse]) -> int:
    """How many of ``frames`` are replies (not pushes)."""
    return sum(1 for f in frames if not f.HasField("AsyncWait"))


# --- the table -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Known:
    """One row of the table: the differences it covers (a pattern of ids, ``*`` any text) and why they stay."""

    pattern: str
    reason: str

    def covers(self, diff_id: str) -> bool:
        regex = "^" + ".*".join(re.escape(part) for part in self.pattern.split("*")) + "$"
        return re.match(regex, diff_id) is not None


def known_differences(table: Path = TABLE) -> list[Known]:
    """The rows of the one table in the doc whose first cell is a backquoted pattern."""
    rows = []
    for line in table.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) >= 2 and re.fullmatch(r"`[^`]+`", cells[0]):
            rows.append(Known(cells[0].strip("`"), cells[-1]))
    return rows
