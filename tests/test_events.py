"""Lifecycle events: the simulator's AsyncWait pushes against the recorded ones, the client's
subscription, and the exporter counting exits and starts over real sockets and HTTP."""

from __future__ import annotations

import asyncio
import re
import shutil
import sys
from contextlib import nullcontext
from pathlib import Path

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from porto_exporter.cli import build_collectors
from porto_exporter.collect.events import OTHER, EventsCollector, exit_reason
from porto_exporter.config import load
from porto_exporter.porto import PortoClient, errors
from porto_exporter.porto import rpc_pb2 as pb
from porto_exporter.porto.framing import FrameDecoder, encode_frame
from porto_exporter.porto.subscription import StateChange, Subscription
from porto_exporter.scraper import Scraper
from porto_exporter.simulator import Behaviour, Simulator, build_host
from porto_exporter.simulator.host import HostError

from .conftest import CAPTURES, FakeClock, poll
from .test_e2e_prometheus import free_port, query, start_prometheus, until_up
from .test_service import serve

READS = {
    "Version",
    "GetSystem",
    "ListContainersBy",
    "Get",
    "ListVolumes",
    "GetVolume",
    "ListLayers",
    "ListStorages",
    "List",
    "ListProperties",
    "ListDataProperties",
    "AsyncWait",
    "StopAsyncWait",
}


def recorded() -> dict[str, list[tuple[str, str, str]]]:
    """asyncwait_events.txt: (state, label, value) of every push per container, in order."""
    out: dict[str, list[tuple[str, str, str]]] = {}
    pattern = re.compile(r'AsyncWait \{ name: "([^"]+)" state: "(\w+)" when: \d+(?: label: "(\w+)" value: "(.*)")? \}')
    for line in (CAPTURES / "asyncwait_events.txt").read_text().splitlines():
        m = pattern.search(line)
        if m and not line.startswith("subscribe"):
            out.setdefault(m[1], []).append((m[2], m[3] or "", m[4] or ""))
    return out


async def settle() -> None:
    """Let pushes written by the simulator reach the subscriber (and the lifecycle timer run)."""
    await asyncio.sleep(0.3)


def pushes_of(changes: list[StateChange], name: str) -> list[tuple[str, str, str]]:
    return [(c.state, c.label, c.value) for c in changes if c.name == name and not c.initial]


async def test_pushes_are_those_a_real_portod_sent(clocked: tuple[Simulator, FakeClock]) -> None:
    sim, clock = clocked
    changes: list[StateChange] = []
    sub = Subscription(sim.socket_path, changes.append)
    sub.start()
    await settle()
    async with PortoClient(sim.socket_path, timeout=5) as c:
        await c.create("ev-kill")
        await c.set_property("ev-kill", "command", "sleep 1000")
        await c.start("ev-kill")
        await c.kill("ev-kill", 9)
        await c.destroy("ev-kill")
        for name, behaviour in (
            ("ev-exit3", Behaviour(exit_after=1.0, exit_code=3)),
            ("ev-oom", Behaviour(oom_after=1.0)),
        ):
            await c.create(name)
            await c.set_property(name, "command", "sh -c work")
            sim.host.by_name[name].behaviour = behaviour
            await c.start(name)
        clock.now += 2  # both die; the simulator's lifecycle timer pushes it without any request
        await settle()
        await c.create("ev-badstart")
        await c.set_property("ev-badstart", "command", "/nonexistent/binary")
        with pytest.raises(errors.InvalidCommand):
            await c.start("ev-badstart")
        await c.destroy("ev-badstart")
        await c.create("ev-label")
        await c.set_label("ev-label", "TEAM.x", "1")  # no label masks: no push
    await settle()
    await sub.close()
    real = recorded()
    assert set(real) == {"ev-kill", "ev-exit3", "ev-oom", "ev-badstart", "ev-label"}
    for name, expected in real.items():
        assert pushes_of(changes, name) == expected, name


async def test_burst_then_reply_and_no_root(clocked: tuple[Simulator, FakeClock]) -> None:
    sim, _ = clocked
    reader, writer = await asyncio.open_unix_connection(sim.socket_path)
    req = pb.TPortoRequest()
    req.AsyncWait.name.append("***")
    writer.write(encode_frame(req.SerializeToString()))
    decoder = FrameDecoder(1 << 24)
    frames: list[pb.TPortoResponse] = []
    while not frames or frames[-1].HasField("AsyncWait"):
        for body in decoder.feed(await reader.read(1 << 16)):
            rsp = pb.TPortoResponse()
            rsp.ParseFromString(body)
            frames.append(rsp)
    writer.close()
    burst = [f.AsyncWait for f in frames[:-1]]
    names = sorted(c.name for c in sim.host.containers())
    assert [p.name for p in burst] == names and "/" not in names  # one push each, before the reply
    assert all(p.state == sim.host.by_name[p.name].state and not p.label for p in burst)
    assert frames[-1].error == pb.Success and frames[-1].HasField("timestamp")


async def raw_subscribe(path: str, **fields: object) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    reader, writer = await asyncio.open_unix_connection(path)
    req = pb.TPortoRequest()
    req.AsyncWait.name.append(str(fields.pop("name", "***")))
    for k, v in fields.items():
        if k == "label":
            req.AsyncWait.label.append(str(v))
        else:
            setattr(req.AsyncWait, k, v)
    writer.write(encode_frame(req.SerializeToString()))
    return reader, writer


async def read_pushes(reader: asyncio.StreamReader, seconds: float = 0.3) -> list[pb.TPortoResponse]:
    decoder = FrameDecoder(1 << 24)
    out: list[pb.TPortoResponse] = []
    try:
        async with asyncio.timeout(seconds):
            while chunk := await reader.read(1 << 16):
                for body in decoder.feed(chunk):
                    rsp = pb.TPortoResponse()
                    rsp.ParseFromString(body)
                    out.append(rsp)
    except TimeoutError:
        pass
    return out


async def test_masks_labels_target_state_timeouts_and_many_subscribers(clocked: tuple[Simulator, FakeClock]) -> None:
    sim, _ = clocked
    host = sim.host
    everything = await raw_subscribe(sim.socket_path)
    labelled = await raw_subscribe(sim.socket_path, name="job*", label="TEAM.*")
    once = await raw_subscribe(sim.socket_path, name="job*", target_state="running")
    nonblock = await raw_subscribe(sim.socket_path, name="infra", timeout_ms=0)
    expiring = await raw_subscribe(sim.socket_path, name="nothing-matches", timeout_ms=2000)
    for r, _ in (everything, labelled, once, nonblock, expiring):
        await read_pushes(r, 0.1)  # the bursts and replies
    host.create("job1")
    host.by_name["job1"].command = "sleep 1"
    host.start("job1")
    host.stop("job1")
    host.start("job1")
    host.by_name["job1"].labels["TEAM.x"] = "1"
    host.events.publish_label("job1", "running", host.clock(), "TEAM.x", "1")
    host.events.publish_label("job1", "running", host.clock(), "owner", "me")
    seen = {
        key: [(p.AsyncWait.name, p.AsyncWait.state, p.AsyncWait.label) for p in await read_pushes(r, wait)]
        for key, (r, _), wait in (
            ("all", everything, 0.3),
            ("labelled", labelled, 0.3),
            ("once", once, 0.3),
            ("nonblock", nonblock, 0.3),
            ("expiring", expiring, 2.5),
        )
    }
    states = ["stopped", "starting", "running", "stopping", "stopped", "starting", "running"]
    assert [s for _, s, label in seen["all"] if not label] == states
    assert [label for _, _, label in seen["all"] if label] == ["owner"]  # TEAM.x needs a label mask
    assert [label for _, _, label in seen["labelled"] if label] == ["TEAM.x", "owner"]
    assert seen["once"] == [("job1", "running", "")]  # target_state fires once
    assert seen["nonblock"] == []  # timeout_ms 0: the state now, no subscription
    assert seen["expiring"] == [("", "timeout", "")]
    for _, w in (everything, labelled, once, nonblock, expiring):
        w.close()


async def test_respawns_push_every_round_with_its_exit_code(clocked: tuple[Simulator, FakeClock]) -> None:
    sim, clock = clocked
    changes: list[StateChange] = []
    sub = Subscription(sim.socket_path, changes.append)
    sub.start()
    await settle()
    flaky = sim.host.by_name["flaky"]  # respawns every 15 s + 2 s delay, exit code 1
    flaky.run_since = clock.now
    flaky.state = "running"
    clock.now += 2 * 17 + 16  # two whole rounds, then dead again before the third respawn
    await settle()
    await sub.close()
    # as portod 5.3.59 pushes a respawn: respawning with the exit code, then running; no starting in between
    rounds = [("respawning", "exit_code", "1"), ("running", "", "")]
    assert pushes_of(changes, "flaky") == [*rounds, *rounds, ("respawning", "exit_code", "1")]
    collector = EventsCollector()
    for change in changes:
        collector.on_change(change)
    assert collector.starts == {"flaky": 2} and collector.exits == {("flaky", "failure"): 3}  # respawns are starts


def test_the_recorded_pushes_count_a_failed_start_as_a_start_failure_only() -> None:
    """The real portod's pushes (asyncwait_events.txt) through the collector: a command that does not exist goes
    starting, stopping, stopped with start_error, and is one start failure, not also a start."""
    collector = EventsCollector()
    for name, pushes in recorded().items():
        for state, label, value in pushes:
            collector.on_change(StateChange(name, state, 0, label, value, initial=False))
    assert collector.starts == {"ev-kill": 1, "ev-exit3": 1, "ev-oom": 1}
    assert collector.start_failures == {"ev-badstart": 1}
    assert collector.exits == {("ev-kill", "signal"): 1, ("ev-exit3", "failure"): 1, ("ev-oom", "oom"): 1}


def test_a_resubscription_burst_counts_what_happened_unseen_once() -> None:
    """After a loss, each container's state in the new burst against the last one seen: starts, failed starts and
    deaths that happened meanwhile are counted once; nothing seen before is counted again."""
    collector = EventsCollector()

    def burst(states: dict[str, str]) -> None:
        for name, state in states.items():
            collector.on_change(StateChange(name, state, 0, "", "", initial=True))
        collector.on_subscribed()

    burst(
        {
            "g/up": "running",
            "g/idle": "stopped",
            "g/launching": "starting",
            "g/failing": "starting",
            "g/gone": "dead",
            "g/meta": "meta",
            "g/again": "dead",
        }
    )
    collector.on_lost()
    burst(
        {
            "g/up": "running",
            "g/idle": "running",
            "g/launching": "meta",
            "g/failing": "stopped",
            "g/gone": "dead",
            "g/meta": "meta",
            "g/again": "running",
            "g/new": "dead",
        }
    )
    # idle and launching started; again was restarted; new was made, ran and died: all unseen
    assert collector.starts == {"g": 4}
    assert collector.start_failures == {"g": 1}  # failing: starting, then stopped
    assert collector._unseen_deaths == {"g/new"}  # its exit code is read on the next cycle; gone's was seen
    collector.on_lost()
    burst(
        {
            "g/up": "running",
            "g/idle": "running",
            "g/launching": "meta",
            "g/failing": "stopped",
            "g/gone": "dead",
            "g/meta": "meta",
            "g/again": "running",
            "g/new": "dead",
        }
    )
    assert collector.starts == {"g": 4} and collector.start_failures == {"g": 1}  # the same burst again: nothing


def test_exit_reasons_and_groups() -> None:
    assert [exit_reason(c) for c in (0, 3, 255, -9, -15, -99)] == [
        "success",
        "failure",
        "failure",
        "signal",
        "signal",
        "oom",
    ]
    collector = EventsCollector(group_depth=2, max_groups=2)
    assert collector.group("batch/job-1/task") == "batch/job-1"
    assert collector.group("web") == "web"
    assert collector.group("other/x") == OTHER  # the third distinct group
    assert collector.group("web") == "web"  # known groups keep their name
    with pytest.raises(ValueError):
        EventsCollector(group_depth=0)


def series(text: str, name: str) -> dict[tuple[tuple[str, str], ...], float]:
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name == name:
                out[tuple(sorted(s.labels.items()))] = s.value
    return out


async def test_exporter_counts_what_happens_between_two_cycles(clocked: tuple[Simulator, FakeClock]) -> None:
    sim, clock = clocked
    host = sim.host
    scraper = Scraper(PortoClient(sim.socket_path, timeout=5), build_collectors(load([])), interval=0, timeout=5)
    runner, url = await serve(scraper)
    try:
        async with aiohttp.ClientSession() as s:
            await (await s.get(url + "/metrics")).text()  # cycle 1: subscribes
            await settle()
            host.create("jobs")  # all of it between two cycles, none of it visible in a cycle's listing
            for name, behaviour, command in (
                ("jobs/killed", None, "sleep 1000"),
                ("jobs/oom", Behaviour(oom_after=1.0), "hog"),
                ("jobs/ok", Behaviour(exit_after=1.0), "true"),
                ("jobs/bad", None, "/nonexistent/x"),
            ):
                c = host.create(name, behaviour=behaviour)
                c.command = command
                with pytest.raises(HostError, match="cannot exec") if name == "jobs/bad" else nullcontext():
                    host.start(name)
            host.kill("jobs/killed", 9)
            clock.now += 2
            await settle()
            for name in ("jobs/killed", "jobs/oom", "jobs/ok", "jobs/bad"):
                host.destroy(name)
            await settle()
            texts = [await (await s.get(url + "/metrics")).text() for _ in range(3)]  # cycles 2, 3 and 4
    finally:
        await runner.cleanup()
    # a group made in the same breath as its jobs' ends is served at 0 first, so that Prometheus' increase() counts
    # them (a counter born at 1 counts only from its second event); its counts from the next cycle on
    born = texts.pop(0)
    assert {v for k, v in series(born, "porto_container_exits_total").items() if dict(k)["group"] == "jobs"} == {0}
    assert series(born, "porto_container_starts_total")[(("group", "jobs"),)] == 0
    for text in texts:  # counted once, however many cycles follow
        exits = series(text, "porto_container_exits_total")
        assert {dict(k)["reason"]: v for k, v in exits.items() if dict(k)["group"] == "jobs"} == {
            "signal": 1,
            "oom": 1,
            "success": 1,
            "failure": 0,
        }
        assert series(text, "porto_container_start_failures_total")[(("group", "jobs"),)] == 1
        # jobs itself and 3 jobs; jobs/bad's start failed: a start failure only
        assert series(text, "porto_container_starts_total")[(("group", "jobs"),)] == 4
        assert series(text, "porto_events_connected")[()] == 1
    assert set(sim.daemon.methods) <= READS, set(sim.daemon.methods) - READS  # the exporter changes nothing


async def test_events_follow_the_include_masks(clocked: tuple[Simulator, FakeClock]) -> None:
    """--containers.include goes to portod as the subscription's masks: only the included containers' events are
    counted (an exporter pointed at a subtree does not count, nor hold groups for, the rest of the host)."""
    sim, _ = clocked
    host = sim.host
    cfg = load(["--containers.include=jobs/***", "--events.group-depth=1"])
    collectors = [c for c in build_collectors(cfg) if isinstance(c, EventsCollector)]
    scraper = Scraper(PortoClient(sim.socket_path, timeout=5), collectors, interval=0, timeout=5)
    try:
        await scraper.cycle()
        await settle()
        for group in ("jobs", "others"):
            host.create(group)
            host.create(f"{group}/job").command = "sleep 1000"
            host.start(f"{group}/job")
            host.kill(f"{group}/job", 9)
        await settle()
        await scraper.cycle()
    finally:
        await scraper.close()
    batch = collectors[0].samples()
    starts = {dict(s.labels)["group"]: s.value for s in batch if s.name == "porto_container_starts_total"}
    exits = {tuple(s.labels): s.value for s in batch if s.name == "porto_container_exits_total"}
    assert starts == {"jobs": 1}  # jobs/job; jobs itself does not match jobs/***, others/* are not included
    assert {k: v for k, v in exits.items() if v} == {(("group", "jobs"), ("reason", "signal")): 1}
    assert {dict(k)["group"] for k in exits} == {"jobs"}  # no series for the groups it does not see


async def test_counting_survives_a_portod_restart(clocked: tuple[Simulator, FakeClock]) -> None:
    sim, _ = clocked
    host = sim.host
    collector = EventsCollector()
    scraper = Scraper(PortoClient(sim.socket_path, timeout=5), [collector], interval=0, timeout=5)
    try:
        await scraper.cycle()
        await settle()
        assert collector.subscription is not None and collector.subscription.stats.connected
        await sim.stop()  # portod goes away; while it is away a job is killed
        host.kill("a/b/c", 9)
        await asyncio.sleep(0.1)
        await sim.start()
        for _ in range(50):  # re-subscribed within the capped backoff
            await asyncio.sleep(0.1)
            if collector.subscription.stats.subscriptions == 2:
                break
        await scraper.cycle()  # reads the unseen death's exit code (a read-only Get) and counts it
        batch = collector.samples()
    finally:
        await scraper.close()
    got = {s.name: s for s in batch}
    assert got["porto_events_reconnects_total"].value == 1
    assert got["porto_events_connected"].value == 1
    exits = {tuple(s.labels): s.value for s in batch if s.name == "porto_container_exits_total"}
    assert {k: v for k, v in exits.items() if v} == {(("group", "a"), ("reason", "signal")): 1}


async def test_an_initial_burst_of_10000_leaves_no_gap_in_metrics(socket_dir: Path) -> None:
    sim = Simulator(build_host(seed=5, containers=10_000), str(socket_dir / "portod.socket"))
    async with sim:
        scraper = Scraper(PortoClient(sim.socket_path, timeout=30), build_collectors(load([])), interval=1, timeout=30)
        runner, url = await serve(scraper)
        statuses, ups, received = [], [], []
        try:
            async with aiohttp.ClientSession() as s:
                for _ in range(400):
                    if scraper.ready:
                        break
                    await asyncio.sleep(0.1)
                assert scraper.ready
                sim.drop_subscriptions()  # a second burst of 10,000 while /metrics is being read
                for _ in range(300):  # until a cycle shows the second burst counted
                    async with s.get(url + "/metrics", headers={"Accept-Encoding": "gzip"}) as r:
                        statuses.append(r.status)
                        text = await r.text()
                    ups.append("\nporto_up 1\n" in text)
                    m = re.search(r"^porto_events_received_total (\S+)$", text, re.M)  # 50 MB: no full parse
                    received.append(float(m[1]) if m else 0.0)
                    if received[-1] >= 2 * len(sim.host.containers()):
                        break
                    await asyncio.sleep(0.1)
        finally:
            await runner.cleanup()
    assert set(statuses) == {200} and all(ups)
    assert received[-1] >= 2 * len(sim.host.containers())  # both bursts: one push per container each


async def test_demo_batch_group_keeps_spawning_jobs_that_end_every_way(socket_dir: Path) -> None:
    clock = FakeClock()
    sim = Simulator(build_host(seed=1, clock=clock, batch_jobs=True), str(socket_dir / "portod.socket"))
    collector = EventsCollector()
    async with sim:
        scraper = Scraper(PortoClient(sim.socket_path, timeout=5), [collector], interval=0, timeout=5)
        try:
            await scraper.cycle()
            await settle()
            for _ in range(15):  # 150 s of host time, driven by the simulator's own timer
                clock.now += 10
                await asyncio.sleep(0.15)
            collector.samples()  # a series' first serving is at 0 (Prometheus then counts its first event)
            batch = list(collector.samples())
        finally:
            await scraper.close()
        jobs = [c for c in sim.host.containers() if c.name.startswith("batch/")]
    exits = {
        dict(s.labels)["reason"]: s.value
        for s in batch
        if s.name == "porto_container_exits_total" and dict(s.labels)["group"] == "batch"
    }
    assert {r for r, n in exits.items() if n} == {"success", "failure", "oom"} and exits["success"] > exits["failure"]
    failures = {
        s.value
        for s in batch
        if s.name == "porto_container_start_failures_total" and dict(s.labels)["group"] == "batch"
    }
    assert failures and min(failures) >= 1
    assert len(jobs) <= 10 + 5  # finished jobs are reaped: the group does not grow without end


async def test_a_new_groups_first_failure_counts_on_prometheus(
    socket_dir: Path, procs: list[asyncio.subprocess.Process]
) -> None:
    """A real Prometheus over a real exporter process: a group's first failure shows as increase() >= 1 (born at 1,
    a counter showed Prometheus no increase until its second event; PortoJobsFailing's ">= 5" needed 6).
    ``quiet`` exists a while before its job fails; ``sudden`` is made, and its job killed and another job's
    start failed, all between two scrapes."""
    assert shutil.which("prometheus"), "install Debian's prometheus package (bash .ci/test does)"
    sim = Simulator(build_host(seed=3), str(socket_dir / "portod.socket"))
    exporter_port, prom_port = free_port(), free_port()
    config = socket_dir / "prometheus.yml"
    config.write_text(
        "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
        f"scrape_configs:\n  - job_name: porto\n    static_configs: [{{targets: ['127.0.0.1:{exporter_port}']}}]\n"
    )
    base = f"http://127.0.0.1:{prom_port}"
    async with sim, aiohttp.ClientSession() as s:
        host = sim.host
        procs.append(
            await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "porto_exporter",
                f"--porto.socket={sim.socket_path}",
                "--scrape.interval=0s",
                f"--web.listen-address=127.0.0.1:{exporter_port}",
                "--no-collector.containers",
                "--no-collector.volumes",
                "--no-collector.storage",
                "--no-collector.portod_metrics",
                stderr=asyncio.subprocess.DEVNULL,
            )
        )
        procs.append(await start_prometheus(config, f"{socket_dir}/data", prom_port))
        await until_up(s, base, "porto_events_connected")

        async def value(expr: str) -> float | None:
            got = await query(s, base, expr)
            return float(got[0]["value"][1]) if got else None

        async def scraped(expr: str, want: float) -> bool:
            return await value(expr) == want

        host.create("quiet")
        job = host.create("quiet/job", behaviour=Behaviour(exit_after=0.3, exit_code=2))
        job.command = "false"
        failed = 'porto_container_exits_total{group="quiet",reason="failure"}'
        await poll(lambda: scraped(failed, 0), "quiet's failures scraped at 0", seconds=30, every=0.2)
        host.start("quiet/job")  # fails 0.3 s later, pushed by the simulator's own timer
        await poll(lambda: scraped(failed, 1), "quiet's failure scraped", seconds=30, every=0.2)
        host.create("sudden")  # made, and its jobs ended, between two scrapes: its first cycle serves 0
        for name, command in (("sudden/killed", "sleep 1000"), ("sudden/bad", "/nonexistent/x")):
            host.create(name).command = command
            with pytest.raises(HostError, match="cannot exec") if name == "sudden/bad" else nullcontext():
                host.start(name)
        host.kill("sudden/killed", 9)
        killed = 'porto_container_exits_total{group="sudden",reason="signal"}'
        bad = 'porto_container_start_failures_total{group="sudden"}'
        await poll(lambda: scraped(killed, 1), "sudden's kill scraped", seconds=30, every=0.2)
        await poll(lambda: scraped(bad, 1), "sudden's failed start scraped", seconds=30, every=0.2)
        for expr in (failed, killed, bad):
            assert (await value(f"increase({expr}[1m])") or 0) >= 1, expr
            assert await value(f"min_over_time({expr}[1m])") == 0, f"{expr} was not scraped at 0 first"
