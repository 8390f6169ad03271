"""Collectors against the simulator: the right samples, the same from v4 and v5, right on real data."""

from __future__ import annotations

import asyncio
import importlib.util
import logging
from collections.abc import Iterable
from pathlib import Path

import pytest

from porto_exporter.catalog import CONTAINER_METRICS, INFO_LABEL_PROPS, STATES
from porto_exporter.collect import (
    CollectContext,
    ContainersCollector,
    LabelAllowlist,
    Sample,
    Selection,
    StorageCollector,
    SystemCollector,
    VolumesCollector,
)
from porto_exporter.collect.container_reads import ContainerReader
from porto_exporter.collect.containers import Api
from porto_exporter.collect.labels import sanitize
from porto_exporter.collect.parse import parse_v4
from porto_exporter.porto import PortoClient
from porto_exporter.porto import rpc_pb2 as pb
from porto_exporter.porto.values import parse_uint_map
from porto_exporter.samples import Batch, LabelSet
from porto_exporter.simulator import Simulator

from .conftest import CAPTURES, FakeClock, answer_with, before_each_request

ROOT = Path(__file__).resolve().parent.parent


def by_key(samples: Iterable[Sample]) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {(s.name, s.labels): s.value for s in samples}


def series(samples: Iterable[Sample], name: str, container: str | None = None) -> list[Sample]:
    return [s for s in samples if s.name == name and (container is None or ("container", container) in s.labels)]


async def test_v4_and_v5_give_the_same_metrics(client: PortoClient) -> None:
    ctx = CollectContext(client)
    v5 = await ContainersCollector(api="v5", allowlist=LabelAllowlist(["*"])).collect(ctx)
    v4 = await ContainersCollector(api="v4", allowlist=LabelAllowlist(["*"])).collect(ctx)
    a, b = by_key(v5), by_key(v4)
    assert set(a) == set(b), sorted(set(a) ^ set(b))[:10]
    counters = {cm.metric.name for cm in CONTAINER_METRICS if cm.tier != "spec" and cm.metric.type == "counter"}
    for key, value in a.items():
        if key[0] not in counters and "memory" not in key[0] and "running_seconds" not in key[0]:
            assert b[key] == pytest.approx(value), key  # static values must agree exactly


async def test_both_apis_read_the_info_labels_the_catalog_names(client: PortoClient) -> None:
    """v5 reads porto_container_info's labels from typed fields by hand, v4 by the catalog's names: the same keys."""
    ctx = CollectContext(client)
    v5 = await ContainerReader(Selection(), ()).read_v5(ctx, (), {})
    v4 = await ContainerReader(Selection(), ()).read_v4(ctx, (), {})
    assert v5.changed.keys() == v4.changed.keys() and len(v5.changed) > 3
    for name, r in v5.changed.items():
        assert tuple(r.info) == INFO_LABEL_PROPS, name
        assert tuple(v4.changed[name].info) == INFO_LABEL_PROPS, name


async def test_auto_falls_back_to_v4_on_invalid_method(client: PortoClient, sim: Simulator) -> None:
    original = sim.handle

    async def no_v5(body: bytes, conn: object) -> pb.TPortoResponse | None:
        req = pb.TPortoRequest()
        req.ParseFromString(body)
        if req.HasField("ListContainersBy"):
            return pb.TPortoResponse(error=pb.InvalidMethod, errorMsg="invalid RPC method", timestamp=1)
        return await original(body, conn)

    answer_with(sim, no_v5)
    collector = ContainersCollector(api="auto")
    samples = await collector.collect(CollectContext(client))
    assert collector.api == "v4"
    assert series(samples, "porto_container_cpu_usage_seconds_total", "infra/web/cpu-hog")


REQUIRED = (
    "porto_daemon_info",
    "porto_daemon_uptime_seconds",
    "porto_daemon_containers",
    "porto_daemon_requests_completed_total",
    "porto_daemon_errors_total",
    "porto_daemon_warnings_total",
    "porto_container_info",
    "porto_container_state",
    "porto_container_labels",
    "porto_container_cpu_usage_seconds_total",
    "porto_container_cpu_system_seconds_total",
    "porto_container_cpu_throttled_seconds_total",
    "porto_container_cpu_limit_cores",
    "porto_container_cpu_guarantee_cores",
    "porto_container_memory_usage_bytes",
    "porto_container_memory_anon_bytes",
    "porto_container_memory_cache_bytes",
    "porto_container_memory_limit_bytes",
    "porto_container_io_read_bytes_total",
    "porto_container_io_write_bytes_total",
    "porto_container_io_operations_total",
    "porto_container_network_rx_bytes_total",
    "porto_container_network_tx_bytes_total",
    "porto_container_processes",
    "porto_container_threads",
    "porto_container_oom_kills_total",
    "porto_container_start_time_seconds",
    "porto_container_respawns_total",
    "porto_container_exit_code",
    "porto_volume_info",
    "porto_volume_space_used_bytes",
    "porto_volume_space_limit_bytes",
    "porto_layers",
    "porto_storages",
)


async def test_required_names_and_labels(client: PortoClient) -> None:
    ctx = CollectContext(client)
    samples: list[Sample] = []
    containers = ContainersCollector(allowlist=LabelAllowlist(["TEAM.*"]))
    await containers.collect(ctx)  # the slow tier comes with the second cycle
    for c in (SystemCollector(), containers, VolumesCollector(), StorageCollector()):
        samples += await c.collect(ctx)
    names = {s.name for s in samples}
    for required in REQUIRED:
        assert required in names, required
    info = series(samples, "porto_container_info", "infra/db")[0]
    assert dict(info.labels) == {
        "container": "infra/db",
        "id": dict(info.labels)["id"],
        "level": "2",
        "parent": "/porto/infra",
        "absolute_name": "/porto/infra/db",
        "owner_user": "root",
        "owner_group": "root",
        "virt_mode": "app",
    }
    assert dict(series(samples, "porto_daemon_info")[0].labels)["version"] == "5.3.59"
    assert ("device", "vda") in series(samples, "porto_container_io_read_bytes_total", "infra/db")[0].labels


async def test_right_on_real_data(client: PortoClient) -> None:
    ctx = CollectContext(client)
    samples = await ContainersCollector().collect(ctx)
    # inherited cgroups: cpu-hog owns no memory controller, so it has no memory series of its own
    assert not series(samples, "porto_container_memory_usage_bytes", "infra/web/cpu-hog")
    assert series(samples, "porto_container_memory_usage_bytes", "infra/web")
    assert not series(samples, "porto_container_io_read_bytes_total", "infra/web/cpu-hog")
    # Porto's net maps: one series per container from Uplink (not Latency/SockDiag, not eth0 and "group default"
    # again: on / they carry the same traffic, and summing them tripled it)
    net = [s for s in samples if s.name == "porto_container_network_rx_bytes_total"]
    assert all(dict(s.labels).keys() == {"container"} for s in net)
    assert len(net) == len({dict(s.labels)["container"] for s in net})
    # v5 omits what is unsupported or unavailable (v4 reports per-value errors): no series, not a zero
    assert not series(samples, "porto_container_cpu_wait_seconds_total")
    # stopped: state, info, limits; no usage
    assert series(samples, "porto_container_state", "batch-job")
    assert series(samples, "porto_container_memory_limit_bytes", "batch-job")[0].value == 1 << 30
    assert not series(samples, "porto_container_cpu_usage_seconds_total", "batch-job")
    state = {dict(s.labels)["state"]: s.value for s in series(samples, "porto_container_state", "batch-job")}
    assert state["stopped"] == 1 and sum(state.values()) == 1
    # dead keeps exit code and OOM facts
    oom = by_key(samples)
    assert oom[("porto_container_exit_code", (("container", "oom-victim"),))] == -99
    assert oom[("porto_container_oom_killed", (("container", "oom-victim"),))] == 1
    assert oom[("porto_container_exit_code", (("container", "failed-job"),))] == 3
    # the root is the host
    assert series(samples, "porto_container_cpu_usage_seconds_total", "/")
    assert oom[("porto_container_cpu_limit_cores", (("container", "/"),))] == 2


async def test_property_errors_counted_on_v4(client: PortoClient) -> None:
    ctx = CollectContext(client)
    await ContainersCollector(api="v4").collect(ctx)
    assert ctx.property_errors[("cpu_usage", "InvalidState")] == 1  # batch-job is stopped
    assert ctx.property_errors[("exit_code", "InvalidState")] > 0
    assert ctx.property_errors[("cpu_wait", "NotSupported")] > 0  # unlisted: asked once, then judged


async def test_spec_reread_only_when_change_time_moves(client: PortoClient, sim: Simulator) -> None:
    for api in ("v5", "v4"):
        collector = ContainersCollector(api=api, allowlist=LabelAllowlist(["APP.*"]))
        ctx = CollectContext(client)
        await collector.collect(ctx)
        lcb_before = client.stats.methods.get("ListContainersBy")
        before = lcb_before.requests if lcb_before else 0
        samples = await collector.collect(ctx)
        if api == "v5":  # nothing changed: one listing, no spec read
            assert client.stats.methods["ListContainersBy"].requests == before + 1
        await client.set_label("infra/db", "APP.version", "7")
        samples = await collector.collect(ctx)
        labels = dict(series(samples, "porto_container_labels", "infra/db")[0].labels)
        assert labels["label_APP_version"] == "7", api
        await client.set_label("infra/db", "APP.version", "")


async def test_removed_container_is_dropped_the_same_cycle(client: PortoClient) -> None:
    collector = ContainersCollector()
    ctx = CollectContext(client)
    assert series(await collector.collect(ctx), "porto_container_info", "host-sleeper")
    await client.destroy("host-sleeper")
    samples = await collector.collect(ctx)
    assert not [s for s in samples if ("container", "host-sleeper") in s.labels]


async def test_selection(client: PortoClient) -> None:
    ctx = CollectContext(client)
    only = await ContainersCollector(selection=Selection(include=("infra/***", "infra"))).collect(ctx)
    names = {dict(s.labels).get("container") for s in only} - {None}
    assert names == {
        "infra",
        "infra/db",
        "infra/web",
        "infra/web/cpu-hog",
        "infra/web/leaky",
        "infra/web/mem-hog",
        "infra/web/threads",
    }
    shallow = await ContainersCollector(selection=Selection(max_depth=1, exclude=("a",))).collect(ctx)
    names = {dict(s.labels).get("container") for s in shallow} - {None}
    assert "/" in names and "infra" in names and "a" not in names and "infra/db" not in names


async def test_disabled_groups(client: PortoClient) -> None:
    samples = await ContainersCollector(disabled_groups=["io", "network"]).collect(CollectContext(client))
    group = {cm.metric.name: cm.group for cm in CONTAINER_METRICS}
    assert not [s for s in samples if group.get(s.name) in ("io", "network")]
    assert series(samples, "porto_container_io_limit_bytes_per_second", "infra/db")  # limits stay
    assert series(samples, "porto_container_cpu_usage_seconds_total")


def test_label_allowlist_and_sanitizing() -> None:
    allow = LabelAllowlist(["TEAM.*", "APP.tier"])
    assert allow.select({"TEAM.name": "x", "APP.tier": "web", "APP.role": "db"}) == (
        ("label_APP_tier", "web"),
        ("label_TEAM_name", "x"),
    )
    assert sanitize("A.b-c") == "label_A_b_c"
    # collision: both sanitize to label_A_b_c; both kept, suffixed in sorted key order (kube-state-metrics'
    # mapToPrometheusLabels), whatever the map's order; a name a suffix takes again is left out, not doubled
    both = (("label_A_b_c_conflict1", "1"), ("label_A_b_c_conflict2", "2"))
    assert LabelAllowlist(["A.*"]).select({"A.b_c": "2", "A.b-c": "1"}) == both
    assert LabelAllowlist(["A.*"]).select({"A.b-c": "1", "A.b_c": "2", "A.b_c_conflict1": "3"}) == both
    assert LabelAllowlist().select({"A.b": "1"}) == ()


async def test_porto_labels_that_sanitize_alike_are_all_kept_logged_and_counted_once(
    client: PortoClient, sim: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    """--labels.allowlist: a container with Porto labels TEAM.a-b and TEAM.a_b (set over portod's socket) gets
    both on porto_container_labels; the collision set is logged and counted once, however many cycles and
    spec re-reads (and containers) show it."""
    for name in ("a", "a/b"):
        for label, value in (("TEAM.a-b", "dash"), ("TEAM.a_b", "underscore")):
            await client.set_label(name, label, value)
    collector = ContainersCollector(allowlist=LabelAllowlist(["TEAM.*"]))
    ctx = CollectContext(client)
    with caplog.at_level(logging.WARNING, logger="porto_exporter"):
        for n in range(3):
            batch = await collector.collect(ctx)
            await client.set_label("a", "TEAM.n", str(n))  # its spec changes: read again next cycle
    (labels,) = [dict(s.labels) for s in series(batch, "porto_container_labels", "a")]
    assert (labels["label_TEAM_a_b_conflict1"], labels["label_TEAM_a_b_conflict2"]) == ("dash", "underscore")
    assert "label_TEAM_a_b" not in labels and labels["label_TEAM_name"] == "alpha"
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warned == [
        "labels: Porto labels TEAM.a-b, TEAM.a_b all sanitize to label_TEAM_a_b: kept as "
        "label_TEAM_a_b_conflict1 (TEAM.a-b), label_TEAM_a_b_conflict2 (TEAM.a_b), as "
        "kube-state-metrics names them"
    ], warned
    assert ctx.label_conflicts == {"labels": 1}


def test_parsers_on_every_captured_value() -> None:
    """Every value format in the captures that a metric reads parses (or is a recorded error)."""
    kinds = {cm.prop: cm.parse for cm in CONTAINER_METRICS}
    parsed = 0
    for path in sorted(CAPTURES.glob("*_get_*.rsp.bin")) + sorted(CAPTURES.glob("bulk_*_get_*.rsp.bin")):
        rsp = pb.TPortoResponse()
        rsp.ParseFromString(path.read_bytes())
        for entry in rsp.Get.list:
            for kv in entry.keyval:
                base = kv.variable.split("[")[0]
                if kv.error or base not in kinds:
                    continue
                kind = "int" if "[" in kv.variable else kinds[base]  # [raw] and map[key] are plain numbers
                if kind == "raw_time" and not kv.variable.endswith("[raw]"):
                    continue  # local-time strings: the collectors ask for [raw]
                parse_v4(kind, kv.value)
                parsed += 1
    assert parsed > 20_000
    assert parse_v4("map", "Latency: 3771; Uplink: 0") == {"Latency": 3771, "Uplink": 0}
    uplinks = parse_v4("map", "SockDiag: 0; Uplink: 158185; eth0: 158185; group default: 158185")
    assert isinstance(uplinks, dict)
    assert uplinks["group default"]
    assert parse_v4("cores", "1.23456c") == 1.23456
    assert parse_v4("map", "") == {}
    assert parse_v4("optional_int", "") is None
    assert parse_v4("bool", "true") == 1.0


def test_an_io_limit_of_the_fs_key_alone_parses_as_that_key() -> None:
    """portod 5.3.59 prints io_limit / io_ops_limit set to ``fs: 100`` as ``100`` in a v4 Get (checked against the
    real daemon by tests/real/test_families.py); the v5 field says ``{fs: 100}``, so v4 must too, not a parse error."""
    assert parse_v4("map", "100") == {"fs": 100}
    assert parse_v4("map", "/place r: 50; fs: 100") == {"/place r": 50, "fs": 100}


@pytest.mark.parametrize("api", ["v5", "v4"])
async def test_hierarchical_totals_follow_changes_elsewhere_in_the_tree(client: PortoClient, api: Api) -> None:
    """*_total values move when a parent or child changes, while only that one's change_time moves."""
    collector = ContainersCollector(api=api)
    ctx = CollectContext(client)

    def totals(samples: Batch, metric: str) -> dict[str, float]:
        return {dict(s.labels)["container"]: s.value for s in samples if s.name == metric}

    limit = "porto_container_memory_limit_total_bytes"  # the tightest limit on the way up
    await client.create("tparent")
    await client.create("tparent/kid")
    await client.create("tparent/kid/grandkid")
    await client.set_property("tparent", "memory_limit", str(256 << 20))
    await asyncio.sleep(1.05)  # the kids' change_time falls before v4's changed_since cursor
    first = totals(await collector.collect(ctx), limit)
    assert first["tparent/kid"] == first["tparent/kid/grandkid"] == 256 << 20
    await asyncio.sleep(1.05)  # change_time has a one-second resolution
    await client.set_property("tparent", "memory_limit", str(128 << 20))  # only the parent's change_time moves
    second = totals(await collector.collect(ctx), limit)
    assert second["tparent/kid"] == second["tparent/kid/grandkid"] == 128 << 20, "descendants' totals went stale"
    await client.destroy("tparent/kid")
    assert not {"tparent/kid", "tparent/kid/grandkid"} & totals(await collector.collect(ctx), limit).keys()


@pytest.mark.parametrize("api", ["v5", "v4"])
async def test_a_container_destroyed_mid_cycle_is_counted_and_dropped(
    client: PortoClient, sim: Simulator, api: Api
) -> None:
    """Changed, then destroyed between the cycle's first read and the spec read: skipped, and counted as such."""
    ctx = CollectContext(client)
    collector = ContainersCollector(api=api)
    await collector.collect(ctx)  # cold: everything read
    await asyncio.sleep(1.05)  # change_time has one-second resolution
    await client.set_label("a/b/c", "TEAM.name", "moved")  # its spec is due: asked for by name
    original = sim.handle
    reads = 0

    async def destroy_after_first_read(body: bytes, conn: object) -> pb.TPortoResponse | None:
        nonlocal reads
        req = pb.TPortoRequest()
        req.ParseFromString(body)
        reply = await original(body, conn)
        if req.HasField("ListContainersBy") or req.HasField("Get"):
            reads += 1
            if reads == 1:
                sim.host.destroy("a/b/c")
        return reply

    answer_with(sim, destroy_after_first_read)
    samples = await collector.collect(ctx)
    if api == "v5":  # asked for by name in the spec read: portod answers ContainerDoesNotExist, counted
        assert ctx.property_errors[("state", "ContainerDoesNotExist")] == 1
    else:  # v4 reads the spec through a mask: the container is simply not in the reply
        assert ("state", "ContainerDoesNotExist") not in ctx.property_errors
    assert series(samples, "porto_container_info", "a/b")
    second = await collector.collect(ctx)  # gone from the listing: its series are dropped
    assert not series(second, "porto_container_state", "a/b/c")
    assert not series(second, "porto_container_info", "a/b/c")


def record_lcb_properties(sim: Simulator) -> list[list[str]]:
    """Wrap the simulator so each ListContainersBy's requested properties are recorded."""
    seen: list[list[str]] = []

    def recording(req: pb.TPortoRequest) -> None:
        if req.HasField("ListContainersBy"):
            seen.append(list(req.ListContainersBy.field_options.properties))

    before_each_request(sim, recording)
    return seen


async def test_slow_tier_is_spread_over_its_interval_and_served_in_between(client: PortoClient, sim: Simulator) -> None:
    """No cycle asks for the whole slow tier: its parts take turns, each read once per interval (issue 20)."""
    seen = record_lcb_properties(sim)
    clock = FakeClock()
    collector = ContainersCollector(slow_interval=60.0, clock=clock)
    ctx = CollectContext(client)
    slow_props = {cm.prop for cm in collector.slow}
    assert "virtual_memory" not in slow_props  # opt-in: portod is not even asked for it by default

    def threads(batch: Batch) -> dict[tuple[tuple[str, str], ...], float]:
        return {s.labels: s.value for s in batch if s.name == "porto_container_threads"}

    await collector.collect(ctx)
    assert not slow_props & {p for props in seen for p in props}, "the cold cycle leaves the slow tier for later"
    last: dict[tuple[tuple[str, str], ...], float] = {}
    for interval in range(2):
        read: list[set[str]] = []
        for _ in range(4):  # 15 s cycles: four in each 60 s slow interval
            clock.now += 15
            seen.clear()
            batch = await collector.collect(ctx)
            read.append(slow_props & {p for props in seen for p in props})
            assert read[-1] != slow_props, "one cycle read the whole slow tier"
            if interval:  # every part read once: the last values are served while other parts are read
                assert threads(batch)
                if "thread_count" not in read[-1]:
                    assert threads(batch) == last, "the processes part's last values not served in between"
            last = threads(batch)
        assert all(read), f"interval {interval}: a cycle without a slow part while four parts wait: {read}"
        assert sorted(p for part in read for p in part) == sorted(slow_props), "each slow property once an interval"


async def test_properties_portod_does_not_have_are_not_asked_for_again(client: PortoClient, sim: Simulator) -> None:
    """An older portod lacks some properties (5.3.15: no PSI). Those it does not list (ListProperties, asked
    once per connection) are asked for once; nobody having a value, never again until a new connection."""
    sim.host.unknown_properties = {"cpu_pressure", "thread_count"}
    seen = record_lcb_properties(sim)
    listed: list[str] = []
    before_each_request(sim, lambda req: listed.append("ListProperties") if req.HasField("ListProperties") else None)
    clock = FakeClock()
    collector = ContainersCollector(slow_interval=0.0, clock=clock)  # every part of the slow tier each cycle
    ctx = CollectContext(client)
    cycles: list[set[str]] = []
    for _ in range(4):
        clock.now += 15
        seen.clear()
        batch = await collector.collect(ctx)
        cycles.append({p for props in seen for p in props})
    gone = {"cpu_pressure", "thread_count"}
    assert sum(1 for asked in cycles if asked & gone) == 1, f"asked for again: {[a & gone for a in cycles]}"
    assert "process_count" in cycles[-1] and "memory_pressure" in cycles[-1]  # the rest of their parts still read
    assert "dirty_limit" not in collector.dropped  # listed or not, a property some container has stays
    assert listed == ["ListProperties"], "ListProperties asked once per connection, not per cycle"
    assert not [s for s in batch if s.name in ("porto_container_threads", "porto_container_cpu_pressure_seconds_total")]
    # a new connection may be a new portod (upgraded, with the properties): asked again, on the cycle after
    sim.host.unknown_properties = set()
    await sim.restart()
    seen.clear()
    for _ in range(2):
        clock.now += 15
        batch = await collector.collect(ctx)
    assert listed == ["ListProperties", "ListProperties"]
    assert "thread_count" in {p for props in seen for p in props}
    assert [s for s in batch if s.name == "porto_container_threads"]


async def test_the_pool_opening_more_connections_is_not_a_new_portod(
    client: PortoClient, sim: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    """The collectors share one pool of connections, opened as callers overlap (the events collector's reads come
    after its burst, well into a cycle): a connection more to the same portod asks nothing again and says nothing
    again. portod gone and back is asked and said once more. (Both were asked and said each time the pool grew.)"""
    sim.host.unknown_properties = {"cpu_pressure"}
    listed: list[str] = []
    before_each_request(sim, lambda req: listed.append("ListProperties") if req.HasField("ListProperties") else None)
    clock = FakeClock()
    collector = ContainersCollector(slow_interval=0.0, clock=clock)
    ctx = CollectContext(client)

    def said() -> int:
        return sum("neither lists cpu_pressure" in r.getMessage() for r in caplog.records)

    async def cycles(n: int) -> None:
        for _ in range(n):
            clock.now += 15
            await collector.collect(ctx)

    with caplog.at_level(logging.INFO, logger="porto_exporter"):
        await cycles(1)
        client.reserve(4)
        await asyncio.gather(*(client.list() for _ in range(4)))  # three callers more at once: three connections
        assert client.stats.connects == 4
        await cycles(2)
        assert (listed, said()) == (["ListProperties"], 1)
        await sim.restart()  # portod closes every connection: the next one may be another portod
        await asyncio.gather(*(client.list() for _ in range(4)))  # (the pool refilled: still one new generation)
        await cycles(2)
    assert (listed, said()) == (["ListProperties"] * 2, 2)
    assert client.stats.generation == 2


async def test_only_the_enabled_metrics_properties_are_read(client: PortoClient, sim: Simulator) -> None:
    seen = record_lcb_properties(sim)
    await ContainersCollector(disabled_groups=["io", "network"]).collect(CollectContext(client))
    asked = {p for props in seen for p in props}
    assert "cpu_usage" in asked and "memory_usage" in asked
    disabled = {cm.prop for cm in CONTAINER_METRICS if cm.group in ("io", "network")}
    assert disabled and not disabled & asked, disabled & asked


def test_kept_map_pieces_are_escaped_by_the_writer_which_bounds_its_fragment_cache() -> None:
    """Spec/slow tiers are kept as structured pieces without label sets per entry: the one line writer must
    still escape the map key (read back by prometheus_client's parser), and its per-host cache of
    ``label="key"}`` fragments must not grow without end."""
    from prometheus_client.parser import text_string_to_metric_families

    from porto_exporter.collect.container_emit import ContainerEmitter
    from porto_exporter.collect.container_reads import Reading
    from porto_exporter.collect.container_values import Plan
    from porto_exporter.exposition.lines import LineWriter
    from porto_exporter.samples import KeptMap

    io_read = next(cm for cm in CONTAINER_METRICS if cm.prop == "io_read")
    emitter = ContainerEmitter(Selection(), LabelAllowlist(), [io_read])
    odd = 'sd"a\\1\nx'

    def piece(container: str, values: dict[str, int]) -> KeptMap:
        reading = Reading(container, "running", 0, values={"io_read": values})
        (made,) = emitter.pieces([Plan.of(io_read)], reading, LabelSet((("container", container),)), None)
        assert isinstance(made, KeptMap)
        return made

    kept = piece('a"b', {odd: 7, "fs": 1, "hw": 9})
    assert (kept.label, kept.keys, kept.values) == (io_read.key_label, (odd, "fs"), (7, 1))  # "hw" is a skip key
    writer = LineWriter()
    writer.MAX_FRAGMENTS = 3
    text = writer.piece(kept, 0)
    assert kept.text is text
    parsed = [s for family in text_string_to_metric_families(text) for s in family.samples]
    device = io_read.key_label
    assert device is not None
    assert {(s.labels["container"], s.labels[device], s.value) for s in parsed} == {
        ('a"b', odd, 7.0),
        ('a"b', "fs", 1.0),
    }
    for i in range(10):
        writer.piece(piece("c", {f"d{i}": i}), 0)
    assert len(writer.fragments) <= 3


async def test_default_series_budget_cuts(sim: Simulator) -> None:
    """No bare porto_container_labels without an allowlist; virtual memory is three totals in a group of its own."""
    from porto_exporter.cli import build_collectors
    from porto_exporter.config import load
    from porto_exporter.scraper import Scraper

    async def families(*flags: str) -> dict[str, list[dict[str, str]]]:
        # slow interval 0: the second cycle reads every part of the slow tier (else one part a turn)
        config = load(["--no-collector.events", "--scrape.slow-interval=0s", *flags])
        scraper = Scraper(PortoClient(sim.socket_path), build_collectors(config), interval=0)
        await scraper.cycle()
        await scraper.cycle()  # the slow tier
        await scraper.close()
        out: dict[str, list[dict[str, str]]] = {}
        for batch in scraper.last_batches:
            for s in batch:
                out.setdefault(s.name, []).append(dict(s.labels))
        return out

    default = await families()
    assert "porto_container_labels" not in default
    # opt-in groups: virtual memory and the CPU planner's tree-derived limits; memory usage and cpu_limit stay
    assert "porto_container_virtual_memory_bytes" not in default and "porto_container_memory_usage_bytes" in default
    assert "porto_container_cpu_limit_bound_cores" not in default and "porto_container_cpu_limit_cores" in default
    # the state set has no "destroyed": a listed container is never in it
    assert {s["state"] for s in default["porto_container_state"]} == set(STATES) - {"destroyed"}
    allowed = await families("--labels.allowlist=TEAM.*")
    assert any(s.get("label_TEAM_name") == "infra" for s in allowed["porto_container_labels"])
    opted = await families("--collector.containers.vmem", "--collector.containers.hierarchy")
    assert {s["type"] for s in opted["porto_container_virtual_memory_bytes"]} == {"size", "used", "swap"}
    assert "porto_container_cpu_guarantee_total_cores" in opted
    no_memory = await families("--no-collector.containers.memory")
    assert "porto_container_memory_usage_bytes" not in no_memory and "porto_container_cpu_limit_cores" in no_memory


async def test_network_bytes_are_portods_uplink_total_counted_once(client: PortoClient) -> None:
    """/'s net_rx_bytes map carries Uplink, eth0 and "group default" with one number: the series is that number."""
    raw = parse_uint_map(str((await client.get(["/"], ["net_rx_bytes"])).containers[0].values["net_rx_bytes"]))
    assert raw["Uplink"] == raw["eth0"] == raw["group default"] > 0  # the simulator's / is shaped like the capture
    samples = await ContainersCollector().collect(CollectContext(client))
    after = parse_uint_map(str((await client.get(["/"], ["net_rx_bytes"])).containers[0].values["net_rx_bytes"]))
    (root,) = series(samples, "porto_container_network_rx_bytes_total", "/")
    assert raw["Uplink"] <= root.value <= after["Uplink"]


async def test_at_most_45_series_per_container_by_default() -> None:
    """The series budget, counted by the benchmark itself (bench/series.py): 300 bulk containers against none."""
    spec = importlib.util.spec_from_file_location("bench_series", ROOT / "bench" / "series.py")
    assert spec is not None and spec.loader is not None
    series = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(series)
    empty, full = await series.count(0, []), await series.count(300, [])
    per_container = (sum(full.values()) - sum(empty.values())) / 300
    assert 30 < per_container <= 45, per_container


async def test_a_cycle_that_read_no_container_drops_no_property(client: PortoClient) -> None:
    """Include masks that match nothing yet (a typo, or containers not made yet) read no container: that proves
    nothing about which properties portod has, so none is dropped (dirty_limit: answered, though not listed)."""
    collector = ContainersCollector(selection=Selection(("nomatch-yet/***",)), slow_interval=0.0, clock=FakeClock())
    await collector.collect(CollectContext(client))
    assert not collector.dropped, collector.dropped
