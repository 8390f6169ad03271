"""The exporter's table of container metrics (``catalog.CONTAINER_METRICS``) against the simulator's own knowledge
of Porto and the captures from the real portod: two tables written apart, so a wrong property name, unit, scale,
parse or v5 field in the exporter fails here instead of being made twice.

- ``catalog_problems``: each entry's property exists (the simulator answers it; the captured portod lists it or
  refuses it as unsupported), the catalog's parse reads the form the simulator's table gives, its scale and its
  metric name fit the unit, and its v5 field is where the simulator (over its socket) puts the value.
- ``value_problems``: the v4 string the simulator serves for each entry, read with the exporter's parsers
  (``porto.values``), equals the typed v5 value the simulator serves for it, container by container.

Each check is shown to fail on a catalog with one entry made wrong, and the parsers' check on a broken parser.
"""

from __future__ import annotations

import asyncio
import dataclasses
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from google.protobuf.message import Message

from porto_exporter import catalog
from porto_exporter.porto import PortoClient, values
from porto_exporter.porto import rpc_pb2 as pb
from porto_exporter.porto.client import GetEntry
from porto_exporter.simulator import Simulator, build_host
from porto_exporter.simulator.properties import PROPERTIES, UNSUPPORTED
from porto_exporter.simulator.quantities import QUANTITIES

from .conftest import CAPTURES, FakeClock

# The simulator's forms a catalog parse can read (the exporter's "int" takes plain decimals too: cpu_weight)
READS = {
    "int": {"int", "float"},
    "cores": {"cores"},
    "bool": {"bool"},
    "map": {"map"},
    "raw_time": {"time"},
    "optional_int": {"optional_int", "int"},
}
DECIMALS = {"nanoseconds": 9, "microseconds": 6}  # the exporter writes seconds: Porto's ns and µs, shifted
PLAIN = {"count", "flag", "weight", "code", "pid"}  # numbers exported as they are


def units_for_name(metric: str) -> set[str]:
    """The units a metric's name promises (Prometheus' base units in the name's suffix)."""
    base = metric.removesuffix("_total")
    if base.endswith("_bytes_per_second"):
        return {"bytes_per_second"}
    if base.endswith("_per_second"):
        return {"ops_per_second"}
    for suffix, units in (
        ("_bytes", {"bytes"}),
        ("_cores", {"cores"}),
        ("_seconds", {"nanoseconds", "microseconds", "seconds", "unix_seconds"}),
    ):
        if base.endswith(suffix):
            return units
    return PLAIN


def captured(name: str) -> pb.TPortoResponse:
    rsp = pb.TPortoResponse()
    rsp.ParseFromString((CAPTURES / f"{name}.rsp.bin").read_bytes())
    return rsp


LISTED = {p.name for p in captured("07_list_properties").ListProperties.list}
REFUSED = {
    kv.variable for e in captured("12_get_all_vars_full").Get.list for kv in e.keyval if kv.error == pb.NotSupported
}
# v5 fields in the captured full dump, by part: some properties portod answers but does not list (dirty_limit)
DUMPED = {
    (where, f.name)
    for ct in captured("27_lcb_all").ListContainersBy.containers
    for where in ("spec", "status")
    for f, _ in getattr(ct, where).ListFields()
}


def variable(cm: catalog.ContainerMetric) -> str:
    return f"{cm.prop}[raw]" if cm.parse == "raw_time" else cm.prop


@dataclasses.dataclass
class Served:
    """One Get and one ListContainersBy of every catalog property, at the same simulated instant."""

    get: list[GetEntry]
    lcb: pb.TPortoResponse


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    host = build_host(seed=1, containers=4, clock=FakeClock())  # every state, the root, nested limits

    async def ask(path: str) -> Served:
        props = sorted({cm.prop for cm in catalog.CONTAINER_METRICS} & set(PROPERTIES))
        variables = sorted({variable(cm) for cm in catalog.CONTAINER_METRICS if cm.prop in PROPERTIES})
        async with Simulator(host, path), PortoClient(path) as client:
            get = await client.get(["***", "/"], variables)
            lcb = await client.list_containers_by(["***"], props)
        return Served(get.containers, lcb)

    with tempfile.TemporaryDirectory(prefix="pe-cat-") as d:
        yield asyncio.run(ask(str(Path(d) / "portod.socket")))


def field_set(part: Message, field: str) -> bool:
    """Whether a v5 message carries ``field``."""
    fd = part.DESCRIPTOR.fields_by_name.get(field)
    if fd is None:
        return False
    return len(getattr(part, field)) > 0 if fd.is_repeated else part.HasField(field)


def placed(lcb: pb.TPortoResponse, field: str) -> set[str]:
    """Where (spec, status) any container of the reply carries ``field``."""
    return {
        where
        for ct in lcb.ListContainersBy.containers
        for where in ("spec", "status")
        if field_set(getattr(ct, where), field)
    }


def catalog_problems(served: Served) -> list[str]:
    problems = []
    for cm in catalog.CONTAINER_METRICS:
        name, quantity = cm.metric.name, QUANTITIES.get(cm.prop)
        if cm.prop not in PROPERTIES or quantity is None:
            problems.append(f"{name}: portod has no numeric property {cm.prop!r}")
            continue
        if cm.prop not in LISTED and cm.prop not in REFUSED and (cm.where, cm.field) not in DUMPED:
            problems.append(f"{name}: the captured portod neither lists, refuses nor dumps {cm.prop!r}")
        if quantity.form not in READS[cm.parse]:
            problems.append(f"{name}: parse {cm.parse!r} cannot read {cm.prop}, written as {quantity.form!r}")
        if cm.metric.decimals != DECIMALS.get(quantity.unit, 0):
            problems.append(f"{name}: {cm.prop} counts {quantity.unit}, not 10**-{cm.metric.decimals} of the unit")
        if quantity.unit not in units_for_name(name):
            problems.append(f"{name}: the name does not fit {cm.prop}'s unit, {quantity.unit}")
        where = placed(served.lcb, cm.field)
        if PROPERTIES[cm.prop].when == UNSUPPORTED:  # never served here: the field must at least be Porto's
            part = pb.TContainerSpec if cm.where == "spec" else pb.TContainerStatus
            if cm.field not in part.DESCRIPTOR.fields_by_name:
                problems.append(f"{name}: TContainer{cm.where.title()} has no field {cm.field!r}")
        elif where != {cm.where}:
            problems.append(f"{name}: v5 {cm.where}.{cm.field}, but the simulator fills it in {sorted(where)}")
    return problems


def exporter_reads(parse: str, text: str) -> object:
    """A v4 string read as the catalog's parse says, with the exporter's parsers."""
    if parse == "map":
        return values.parse_uint_map(text)
    if parse == "cores":
        return values.parse_cores(text)
    if parse == "bool":
        return values.parse_bool(text)
    if parse == "optional_int" and text == "":
        return None
    try:
        return int(text)
    except ValueError:
        return float(text)


def typed(ct: pb.TContainer, cm: catalog.ContainerMetric) -> object:
    """The v5 value of a catalog entry in one container (None when the field is absent)."""
    part = getattr(ct, cm.where)
    if cm.field not in part.DESCRIPTOR.fields_by_name or not part.HasField(cm.field):
        return None
    value = getattr(part, cm.field)
    if isinstance(value, pb.TUintMap):
        return {e.key: e.val for e in value.map}
    if isinstance(value, Message):  # a message of named counters (virtual_memory)
        return {f.name: v for f, v in value.ListFields()}
    return value


def exported(cm: catalog.ContainerMetric, value: object) -> object:
    """What of a map the metric exports: the picked key, or the keys not skipped."""
    if not isinstance(value, dict):
        return value
    if cm.pick is not None:
        return value.get(cm.pick)
    return {k: v for k, v in value.items() if k not in cm.skip_keys}


def same(cm: catalog.ContainerMetric, got: object, want: object) -> bool:
    if cm.parse == "optional_int" and got is None:
        return want is None or (isinstance(want, int) and want < 0)  # unset / unlimited (-1)
    if want is None:  # v5 leaves the field out where v4 prints the zero value
        want = {} if cm.parse == "map" else 0
    got, want = exported(cm, got), exported(cm, want)
    if isinstance(got, float) or isinstance(want, float):
        return isinstance(got, (int, float)) and isinstance(want, (int, float)) and got == pytest.approx(want, 1e-5)
    return got == want


def value_problems(served: Served) -> list[str]:
    problems = []
    containers = {ct.spec.name: ct for ct in served.lcb.ListContainersBy.containers}
    for cm in catalog.CONTAINER_METRICS:
        if cm.prop not in PROPERTIES or PROPERTIES[cm.prop].when == UNSUPPORTED:
            continue
        compared = 0
        for entry in served.get:
            text = entry.values.get(variable(cm))
            if not isinstance(text, str):  # refused in this container's state (or not asked for)
                continue
            try:
                got = exporter_reads(cm.parse, text)
            except ValueError as exc:
                problems.append(f"{cm.metric.name}: {entry.name}: {variable(cm)}={text!r} unreadable: {exc}")
                continue
            want = typed(containers[entry.name], cm)
            if not same(cm, got, want):
                problems.append(
                    f"{cm.metric.name}: {entry.name}: Get {variable(cm)}={text!r} reads {got!r}, "
                    f"ListContainersBy {cm.where}.{cm.field} is {want!r}"
                )
            compared += 1
        if not compared:
            problems.append(f"{cm.metric.name}: no container served {variable(cm)}")
    return problems


def test_the_catalog_names_portods_properties_units_and_fields(served: Served) -> None:
    assert len(catalog.CONTAINER_METRICS) > 50
    assert catalog_problems(served) == []


def test_the_exporters_parsers_read_what_the_simulator_serves(served: Served) -> None:
    assert value_problems(served) == []


def test_the_exporters_parsers_read_what_portod_served() -> None:
    """Every catalog property in the captured Gets (the real portod 5.3.59), with the catalog's parse."""
    wrong, read = [], set()
    by_prop = {variable(cm): cm for cm in catalog.CONTAINER_METRICS}
    for path in sorted(CAPTURES.glob("*.rsp.bin")):
        rsp = pb.TPortoResponse.FromString(path.read_bytes())
        for kv in (kv for e in rsp.Get.list for kv in e.keyval if not kv.error and kv.variable in by_prop):
            try:
                exporter_reads(by_prop[kv.variable].parse, kv.value)
                read.add(kv.variable)
            except ValueError as exc:
                wrong.append(f"{path.name}: {kv.variable}={kv.value!r}: {exc}")
    assert wrong == []
    assert len(read) > 40


def _replace(metric: str, **changes: Any) -> tuple[str, Callable[[catalog.ContainerMetric], object]]:
    def change(cm: catalog.ContainerMetric) -> object:
        own = {k: v for k, v in changes.items() if k in ("name", "decimals")}
        rest = {k: v for k, v in changes.items() if k not in own}
        return dataclasses.replace(cm, metric=dataclasses.replace(cm.metric, **own), **rest)

    return metric, change


MUTATIONS = {
    "property misnamed": _replace("porto_container_cpu_usage_seconds_total", prop="cpu_usages"),
    "ns read as seconds": _replace("porto_container_cpu_usage_seconds_total", decimals=0),
    "PSI µs read as ns": _replace("porto_container_cpu_pressure_seconds_total", decimals=9),
    "bytes parsed as cores": _replace("porto_container_memory_usage_bytes", parse="cores"),
    "a date read without [raw]": _replace("porto_container_start_time_seconds", parse="int"),
    "a spec field looked for in status": _replace("porto_container_memory_limit_bytes", where="status"),
    "another property's v5 field": _replace("porto_container_memory_anon_bytes", field="cache_usage"),
    "bytes named seconds": _replace("porto_container_memory_usage_bytes", name="porto_container_memory_usage_seconds"),
}


@pytest.mark.parametrize("mutation", MUTATIONS, ids=list(MUTATIONS))
def test_a_wrong_catalog_entry_fails_the_checks(mutation: str, served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    metric, change = MUTATIONS[mutation]
    assert any(cm.metric.name == metric for cm in catalog.CONTAINER_METRICS)
    wrong = tuple(change(cm) if cm.metric.name == metric else cm for cm in catalog.CONTAINER_METRICS)
    monkeypatch.setattr(catalog, "CONTAINER_METRICS", wrong)
    found = catalog_problems(served) + value_problems(served)
    assert any(metric.rsplit("_", 1)[0] in p for p in found), found


_parse_uint_map = values.parse_uint_map
BROKEN_PARSERS: dict[str, tuple[str, Callable[..., object]]] = {
    "a map loses its last key": ("parse_uint_map", lambda text: dict(list(_parse_uint_map(text).items())[:-1])),
    "cores read as percent": ("parse_cores", lambda text: float(text.removesuffix("c")) / 100),
    "booleans inverted": ("parse_bool", lambda text: text != "true"),
}


@pytest.mark.parametrize("broken", BROKEN_PARSERS, ids=list(BROKEN_PARSERS))
def test_a_wrong_parser_fails_the_check(broken: str, served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    name, wrong = BROKEN_PARSERS[broken]
    monkeypatch.setattr(values, name, wrong)
    assert value_problems(served) != []
