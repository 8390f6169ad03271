"""The simulator answers every captured read request with the shape real portod gave.

For each ``NN_name.req.bin`` recorded from portod 5.3.59 the same bytes are
sent to the simulator over a real unix socket, and the reply is compared with
the captured one: the same top-level error and fields, and per container (the
simulator's scenario uses the captured container names) the same v4 value
formats and per-value error codes, or the same v5 spec/status fields.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from google.protobuf.message import DecodeError, Message

from porto_exporter.collect.parse import unknown_fields_of
from porto_exporter.porto import rpc_pb2 as pb
from porto_exporter.simulator import Simulator

from .conftest import CAPTURES, exchange

ALL_REQUESTS = sorted(p.name[: -len(".req.bin")] for p in CAPTURES.glob("*.req.bin"))
WRITES = {"01_create_weak", "02_set_command_weak", "03_set_labels_weak", "04_start_weak", "15_set_label"}
READS = [n for n in ALL_REQUESTS if n[:2].isdigit() and n not in WRITES]
# Containers created by the capture session's own connection (weak) or by the bulk runs.
NOT_IN_SCENARIO = {"weakling", "self"}


def load(name: str, kind: str) -> bytes | None:
    path = CAPTURES / f"{name}.{kind}.bin"
    return path.read_bytes() if path.exists() else None


GARBAGE = "58_err_garbage"


@pytest.mark.parametrize("name", ALL_REQUESTS)
def test_every_capture_decodes(name: str) -> None:
    req = pb.TPortoRequest()
    if name == GARBAGE:  # recorded on purpose: bytes that are not a request
        with pytest.raises(DecodeError):
            req.ParseFromString(load(name, "req") or b"")
        return
    req.ParseFromString(load(name, "req") or b"")
    body = load(name, "rsp")
    if body is not None:
        rsp = pb.TPortoResponse()
        rsp.ParseFromString(body)
        assert rsp.HasField("error")


def fields(msg: Message) -> set[str]:
    names = {f.name for f, _ in msg.ListFields()}
    names |= {f"#{u.field_number}" for u in unknown_fields_of(msg)}
    return names


_INT = re.compile(r"^-?\d+$")
_CORES = re.compile(r"^\d+(\.\d+)?c$")
_DATE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")
_NS = re.compile(r"^\d+ns$")
_MAP = re.compile(r"^[^:;]+: [^;]*(; [^:;]+: [^;]*)*$")


def value_class(variable: str, text: str) -> str:
    if text == "":
        return "empty"
    if "\n" in text:
        return "text"
    if _INT.match(text):
        return "int"
    if _CORES.match(text):
        return "cores"
    if _DATE.match(text):
        return "date"
    if _NS.match(text):
        return "ns"
    if text in ("true", "false"):
        return "bool"
    if _MAP.match(text):
        items = dict(item.split(": ", 1) for item in text.split("; "))
        if all(_INT.match(v) for v in items.values()):
            # numeric maps: the keys matter too (hw + disks, Latency/Uplink, full/some ...)
            return "map:" + ",".join(sorted(items))
        return "map"
    return "text"


# Nested messages deeper than this are compared by presence only: devices, cpu_set, capabilities ... are
# configuration the exporter never reads; the formats it parses sit at the top of spec and status.
MAX_DEPTH = 0


def shape(msg: Message, prefix: str = "", depth: int = 0) -> dict[str, str]:
    """Every set field of a message with the class of its value: formats, not just names.

    Strings get ``value_class`` (cores, dates, maps and their keys ...), numbers their kind and sign,
    nested messages are walked, repeated fields give the set of their elements' shapes.
    """
    out: dict[str, str] = {}
    for fd, value in msg.ListFields():
        path = prefix + fd.name
        if fd.message_type is not None:
            items = list(value) if fd.is_repeated else [value]
            if fd.message_type.GetOptions().map_entry:
                out[path] = "map:" + ",".join(sorted(value))
                continue
            if fd.message_type.name in ("TUintMap", "TStringMap"):  # Porto's maps: the keys are the format
                keys = sorted({e.key for item in items for e in item.map})
                out[path] = "map:" + ",".join(keys) if fd.message_type.name == "TUintMap" else "strmap"
                continue
            if depth >= MAX_DEPTH:
                out[path] = "message"
                continue
            merged: dict[str, set[str]] = {}
            for item in items:
                for k, v in shape(item, path + ".", depth + 1).items():
                    merged.setdefault(k, set()).add(v)
            out.update({k: "|".join(sorted(v)) for k, v in merged.items()})
            if not items:
                out[path] = "empty"
        else:
            items = list(value) if fd.is_repeated else [value]
            out[path] = "|".join(sorted({_scalar_class(fd.name, v) for v in items})) or "empty"
    for u in unknown_fields_of(msg):
        out[f"{prefix}#{u.field_number}"] = f"wire{u.wire_type}"
    return out


def _scalar_class(name: str, value: object) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, str):
        return value_class(name, value)
    if isinstance(value, float):
        return "float"
    assert isinstance(value, int)
    return "int<0" if value < 0 else "int"


def compare_shapes(where: str, real: Message, sim: Message) -> list[str]:
    want, have = shape(real), shape(sim)
    problems = []
    for key in sorted(want.keys() | have.keys()):
        if want.get(key) != have.get(key):
            problems.append(f"{where}.{key}: {want.get(key, 'missing')} vs {have.get(key, 'missing')}")
    return problems


def compare_get(real: pb.TPortoResponse, sim: pb.TPortoResponse) -> list[str]:
    problems = []
    sim_by_name = {c.name: c for c in sim.Get.list}
    for c in real.Get.list:
        if c.name in NOT_IN_SCENARIO or c.name not in sim_by_name:
            if c.name not in NOT_IN_SCENARIO:
                problems.append(f"{c.name}: missing from the simulator's reply")
            continue
        s = sim_by_name[c.name]
        if c.no_changes != s.no_changes:
            problems.append(f"{c.name}: no_changes {c.no_changes} != {s.no_changes}")
        if c.HasField("change_time") != s.HasField("change_time"):
            problems.append(f"{c.name}: change_time presence differs")
        sim_kv = {kv.variable: kv for kv in s.keyval}
        for kv in c.keyval:
            got = sim_kv.get(kv.variable)
            if got is None:
                problems.append(f"{c.name}.{kv.variable}: missing")
                continue
            if kv.error != got.error:
                problems.append(f"{c.name}.{kv.variable}: error {kv.error} != {got.error} ({got.errorMsg})")
            elif kv.error:
                if kv.errorMsg.split(" ")[-1] != got.errorMsg.split(" ")[-1]:
                    problems.append(f"{c.name}.{kv.variable}: message {kv.errorMsg!r} vs {got.errorMsg!r}")
            else:
                want, have = value_class(kv.variable, kv.value), value_class(kv.variable, got.value)
                if want != have:
                    problems.append(
                        f"{c.name}.{kv.variable}: {want} ({kv.value[:40]!r}) vs {have} ({got.value[:40]!r})"
                    )
    return problems


def compare_lcb(real: pb.TPortoResponse, sim: pb.TPortoResponse) -> list[str]:
    problems = []
    sim_by_name = {c.spec.name: c for c in sim.ListContainersBy.containers}
    real_names = [c.spec.name for c in real.ListContainersBy.containers if c.spec.name not in NOT_IN_SCENARIO]
    sim_names = [n for n in sim_by_name if n in real_names]
    if real_names != sim_names:
        problems.append(f"order/containers differ: {real_names} vs {sim_names}")
    for c in real.ListContainersBy.containers:
        if c.spec.name in NOT_IN_SCENARIO or c.spec.name not in sim_by_name:
            continue
        s = sim_by_name[c.spec.name]
        for part in ("spec", "status", "error"):
            if c.HasField(part) != s.HasField(part):
                problems.append(f"{c.spec.name}.{part}: present {c.HasField(part)} vs {s.HasField(part)}")
            problems += compare_shapes(f"{c.spec.name}.{part}", getattr(c, part), getattr(s, part))
        for err_real, err_sim in zip(c.status.error, s.status.error, strict=False):
            if err_real.error != err_sim.error:
                problems.append(f"{c.spec.name}: status error {err_real.error} != {err_sim.error}")
    return problems


def compare(name: str, real: pb.TPortoResponse, sim: pb.TPortoResponse) -> list[str]:
    problems = []
    if real.error != sim.error:
        problems.append(f"error {pb.EError.Name(real.error)} != {pb.EError.Name(sim.error)} ({sim.errorMsg})")
    want, have = fields(real), fields(sim)
    if want != have:
        problems.append(f"top-level fields: missing {sorted(want - have)} extra {sorted(have - want)}")
    if real.HasField("Get"):
        problems += compare_get(real, sim)
    elif real.HasField("ListContainersBy"):
        problems += compare_lcb(real, sim)
    elif real.HasField("GetSystem"):
        problems += compare_shapes("GetSystem", real.GetSystem, sim.GetSystem)
    elif real.HasField("ListVolumes"):
        real_v = {v.path: v for v in real.ListVolumes.volumes}
        for v in sim.ListVolumes.volumes:
            if v.path in real_v:
                r = real_v[v.path]
                problems += compare_shapes(f"volume {v.path}", r, v)
                rvals = {k: value_class(k, x) for k, x in r.properties.items()}
                svals = {k: value_class(k, x) for k, x in v.properties.items()}
                problems += [
                    f"volume {v.path}.{k}: {rvals.get(k)} vs {svals.get(k)}"
                    for k in sorted(rvals.keys() | svals.keys())
                    if rvals.get(k) != svals.get(k)
                ]
        if set(real_v) != {v.path for v in sim.ListVolumes.volumes}:
            problems.append("volume paths differ")
    elif real.HasField("GetVolume"):
        sim_v = {sv.path: sv for sv in sim.GetVolume.volume}
        for rv in real.GetVolume.volume:
            found = sim_v.get(rv.path)
            if found is None:
                problems.append(f"GetVolume {rv.path}: missing")
            else:
                problems += compare_shapes(f"GetVolume {rv.path}", rv, found)
    elif real.HasField("ListLayers") or real.HasField("ListStorages"):
        part = "ListLayers" if real.HasField("ListLayers") else "ListStorages"
        r, s = getattr(real, part), getattr(sim, part)
        for field in ("layers", "storages"):  # no captured host had a meta storage to compare with
            if hasattr(r, field):
                rr, ss = list(getattr(r, field)), list(getattr(s, field))
                if [x.name for x in rr] != [x.name for x in ss]:
                    problems.append(f"{part}.{field} names differ")
                for a, b in zip(rr, ss, strict=False):
                    problems += compare_shapes(f"{part}.{field} {a.name}", a, b)
    elif real.HasField("List"):
        if not set(real.List.name) - NOT_IN_SCENARIO <= set(sim.List.name):
            problems.append("List names differ")
    elif real.HasField("FindLabel"):
        real_found = [(e.name, e.label) for e in real.FindLabel.list if e.name not in NOT_IN_SCENARIO]
        sim_found = [(e.name, e.label) for e in sim.FindLabel.list]
        if real_found != sim_found:
            problems.append(f"FindLabel {real_found} vs {sim_found}")
    elif real.HasField("GetProperty") and value_class("", real.GetProperty.value) != value_class(
        "", sim.GetProperty.value
    ):
        problems.append("GetProperty value format differs")
    return problems


def shift_changed_since(request: bytes, captured: bytes, now: int) -> bytes:
    """Replay a changed_since cursor relative to the simulator's clock, as it was to portod's."""
    req = pb.TPortoRequest()
    req.ParseFromString(request)
    rsp = pb.TPortoResponse()
    rsp.ParseFromString(captured)
    for part in (req.Get, req.GetVolume):
        if part.HasField("changed_since"):
            part.changed_since = now + (part.changed_since - rsp.timestamp)
    return req.SerializeToString() if req.ListFields() or not request else request


@pytest.mark.parametrize("name", READS)
async def test_simulator_reply_has_the_captured_shape(name: str, sim: Simulator) -> None:
    request = load(name, "req")
    assert request is not None
    captured = load(name, "rsp")
    if name == "16_get_all_changed_since_after_setlabel":  # it follows the SetLabel of capture 15
        assert await exchange(sim.socket_path, load("15_set_label", "req") or b"")
    if captured is not None:
        request = shift_changed_since(request, captured, int(sim.host.clock()))
    reply = await exchange(sim.socket_path, request)
    if captured is None:
        assert reply is None, "portod closed the connection without replying; the simulator must too"
        return
    assert reply is not None
    real = pb.TPortoResponse()
    real.ParseFromString(captured)
    problems = compare(name, real, reply)
    assert not problems, "\n".join(problems[:40])


def test_reads_cover_the_listed_methods() -> None:
    methods = set()
    for name in READS:
        if name == GARBAGE:
            continue
        req = pb.TPortoRequest()
        req.ParseFromString(load(name, "req") or b"")
        methods |= {f.name for f, _ in req.ListFields()}
    assert {
        "Version",
        "GetSystem",
        "List",
        "Get",
        "ListContainersBy",
        "ListVolumes",
        "GetVolume",
        "ListLayers",
        "ListStorages",
        "GetProperty",
    } <= methods


def test_capture_dir_is_complete() -> None:
    assert len(READS) >= 55, READS
    assert Path(CAPTURES / "PROTOCOL-NOTES.md").exists()
