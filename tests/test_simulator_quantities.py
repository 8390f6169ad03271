"""The simulator's own table of units and forms (``simulator.quantities``) against portod's words, the captures,
what the simulator serves over its socket, and what its workloads do. Nothing of the exporter is used here but
the client and the proto: the table must stand on Porto's evidence alone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from porto_exporter.porto import PortoClient
from porto_exporter.porto import rpc_pb2 as pb
from porto_exporter.simulator import BUSY_CONTAINER, BUSY_CPU_CORES, Simulator, build_host
from porto_exporter.simulator.accounting import HOST_CORES
from porto_exporter.simulator.properties import PROPERTIES, UNSUPPORTED
from porto_exporter.simulator.quantities import FORMS, QUANTITIES, UNITS
from porto_exporter.simulator.values import (
    BadValue,
    string_to_bool,
    string_to_cpu_power,
    string_to_nsec,
    string_to_uint_map,
)

from .conftest import CAPTURES, FakeClock, texts

# The words portod's descriptions put a unit in ("[nanoseconds]", "<bytes>", "<bytes/s>") and what they mean.
UNIT_WORDS = {
    "nanoseconds": "nanoseconds",
    "bytes": "bytes",
    "cores": "cores",
    "seconds": "seconds",
    "ops": "count",
    "packets": "count",
    "bytes/s": "bytes_per_second",
    "Bps": "bytes_per_second",
    "iops": "ops_per_second",
}
TIME = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\Z")


def read(form: str, text: str) -> object:
    """A v4 string in one of the table's forms, read with the simulator's own parsers (portod's rules)."""
    if form == "int":
        return int(text)
    if form == "float":
        return float(text)
    if form == "optional_int":
        return None if text == "" else int(text)
    if form == "cores":
        if not text.endswith("c"):
            raise BadValue(f"no 'c': {text!r}")
        return string_to_cpu_power(text, HOST_CORES)
    if form == "bool":
        return string_to_bool(text)
    if form == "map":
        return string_to_uint_map(text)
    if form == "nsec":
        if not text.endswith("ns"):
            raise BadValue(f"no 'ns': {text!r}")
        return string_to_nsec(text)
    if form == "time":
        if text and not TIME.match(text):
            raise BadValue(f"not a date: {text!r}")
        return text
    raise AssertionError(form)


def captured(name: str) -> pb.TPortoResponse:
    rsp = pb.TPortoResponse()
    rsp.ParseFromString((CAPTURES / f"{name}.rsp.bin").read_bytes())
    return rsp


def described_units() -> dict[str, str]:
    """Property -> the unit portod's own ListProperties description names (capture 07), where it names one."""
    out = {}
    for prop in captured("07_list_properties").ListProperties.list:
        words = {UNIT_WORDS[w] for w in re.findall(r"[\[<]([A-Za-z/]+)[\]>]", prop.desc) if w in UNIT_WORDS}
        assert len(words) <= 1, (prop.name, prop.desc)
        if words:
            out[prop.name] = words.pop()
    return out


def test_the_table_is_well_formed() -> None:
    assert {q.form for q in QUANTITIES.values()} <= set(FORMS)
    assert {q.unit for q in QUANTITIES.values()} <= set(UNITS)
    assert set(QUANTITIES) <= set(PROPERTIES)  # every entry is a property the simulator answers


def test_units_are_the_ones_portod_names() -> None:
    described = described_units()
    assert len(described) > 40
    wrong = {
        p: (QUANTITIES[p].unit, unit) for p, unit in described.items() if p in QUANTITIES and QUANTITIES[p].unit != unit
    }
    assert wrong == {}
    # every property portod gives a unit is in the table (a count or a flag has no unit in its description)
    assert set(described) - set(QUANTITIES) == set()


def test_what_portod_does_not_describe_comes_from_the_captures() -> None:
    """PSI totals are the kernel's microseconds (PROTOCOL-NOTES §4); what this kernel lacks, portod refuses."""
    notes = (CAPTURES / "PROTOCOL-NOTES.md").read_text()
    assert "(PSI totals, µs)" in notes
    assert {QUANTITIES[p].unit for p in ("cpu_pressure", "memory_pressure", "io_pressure")} == {"microseconds"}
    refused = {
        kv.variable for e in captured("12_get_all_vars_full").Get.list for kv in e.keyval if kv.error == pb.NotSupported
    }
    unsupported = {p for p, prop in PROPERTIES.items() if prop.when == UNSUPPORTED}
    assert refused <= unsupported and refused <= set(QUANTITIES)


def captured_values() -> list[tuple[str, str, str]]:
    """(capture, property, value) of every plain numeric value portod returned in the captured Gets."""
    out = []
    for path in sorted(CAPTURES.glob("*.rsp.bin")):
        rsp = pb.TPortoResponse()
        rsp.ParseFromString(path.read_bytes())
        if not rsp.HasField("Get"):
            continue
        for entry in rsp.Get.list:
            for kv in entry.keyval:
                if not kv.error and kv.variable in QUANTITIES:
                    out.append((path.name, kv.variable, kv.value))
    return out


def test_captured_values_have_the_tables_forms() -> None:
    values = captured_values()
    assert len({prop for _, prop, _ in values}) > 60
    bad = []
    for capture, prop, text in values:
        try:
            read(QUANTITIES[prop].form, text)
        except (ValueError, BadValue) as exc:
            bad.append(f"{capture}: {prop}={text!r}: {exc}")
    assert bad == []


async def test_served_values_have_the_tables_forms(socket_dir: Path) -> None:
    """Every numeric property of every container (the root too, and each state), as the simulator prints it."""
    host = build_host(seed=1, containers=3, clock=FakeClock())
    props = sorted(QUANTITIES)
    async with Simulator(host, str(socket_dir / "q.sock")) as sim, PortoClient(sim.socket_path) as client:
        rsp = await client.get(["***", "/"], props)
    bad, read_ok = [], 0
    for entry in rsp.containers:
        for prop, value in entry.values.items():
            if isinstance(value, str):
                try:
                    read(QUANTITIES[prop].form, value)
                    read_ok += 1
                except (ValueError, BadValue) as exc:
                    bad.append(f"{entry.name}: {prop}={value!r}: {exc}")
    assert bad == []
    assert read_ok > len(rsp.containers) * 40


async def test_units_are_what_the_workloads_do(socket_dir: Path) -> None:
    """The numbers move in the table's units: the burner's CPU in ns (0.2 cores), its stall in µs, running time
    in seconds, dates in unix seconds, a small sleeper's memory (its own cgroup: it has a limit) in bytes."""
    clock = FakeClock()
    host = build_host(seed=1, clock=clock)
    props = ["cpu_usage", "cpu_pressure", "time", "start_time[raw]"]
    async with Simulator(host, str(socket_dir / "u.sock")) as sim, PortoClient(sim.socket_path) as client:
        before = texts((await client.get([BUSY_CONTAINER], props)).containers[0])
        clock.now += 100
        after = texts((await client.get([BUSY_CONTAINER], props)).containers[0])
        memory = texts((await client.get(["a/b/c"], ["memory_usage"])).containers[0])["memory_usage"]
    assert QUANTITIES["cpu_usage"].unit == "nanoseconds"
    assert int(after["cpu_usage"]) - int(before["cpu_usage"]) == pytest.approx(BUSY_CPU_CORES * 100 * 1e9, rel=1e-6)
    assert QUANTITIES["cpu_pressure"].unit == "microseconds"  # a throttled burner stalls most of each second
    pressure_before, pressure_after = read("map", before["cpu_pressure"]), read("map", after["cpu_pressure"])
    assert isinstance(pressure_before, dict) and isinstance(pressure_after, dict)
    stalled = pressure_after["some"] - pressure_before["some"]
    assert 0.5 * 100e6 < stalled <= 100e6
    assert QUANTITIES["time"].unit == "seconds" and int(after["time"]) - int(before["time"]) == 100
    assert QUANTITIES["start_time"].unit == "unix_seconds" and 0 < clock.now - int(after["start_time[raw]"]) < 1e6
    assert QUANTITIES["memory_usage"].unit == "bytes"
    assert int(memory) == pytest.approx(host.by_name["a/b/c"].behaviour.memory_bytes, rel=0.05)
