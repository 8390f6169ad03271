"""The events subscription under faults, over real unix sockets: pushes in the reply's read, exceptions
of any kind, portod away (at start or later), unretrieved futures, groups that come and go, shutdown."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import signal
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from porto_exporter.collect.events import OTHER, EventsCollector
from porto_exporter.porto import PortoClient
from porto_exporter.porto import rpc_pb2 as pb
from porto_exporter.porto.framing import FrameDecoder, encode_frame
from porto_exporter.porto.subscription import StateChange, Subscription
from porto_exporter.porto.transport import Backoff
from porto_exporter.scraper import Scraper
from porto_exporter.simulator import Simulator
from porto_exporter.simulator.host import HostError

from .conftest import FakeClock, before_each_request
from .test_events import series
from .test_service import free_port, serve, wait_process_ready

SUB_LOG = "porto_exporter.porto.subscription"


async def until(condition: Callable[[], bool], seconds: float = 10.0, what: str = "condition") -> None:
    """Poll ``condition`` (no fixed sleeps): fail, naming ``what``, after ``seconds``."""
    try:
        async with asyncio.timeout(seconds):
            while not condition():
                await asyncio.sleep(0.01)
    except TimeoutError:
        raise AssertionError(f"not within {seconds:g}s: {what}") from None


def fast(collector: EventsCollector) -> Subscription:
    """The subscription the collector's first cycle made, given a short backoff so that retries come quickly."""
    sub = collector.subscription
    assert sub is not None
    sub.backoff = Backoff(0.01, 0.02)
    return sub


async def metrics(session: aiohttp.ClientSession, url: str) -> str:
    async with session.get(url + "/metrics") as r:
        assert r.status == 200
        return await r.text()


def attempts(caplog: pytest.LogCaptureFixture) -> int:
    """Failed subscription attempts so far, as the subscription's log tells them (at warning or debug)."""
    return sum(
        r.name == SUB_LOG
        and r.levelno in (logging.DEBUG, logging.WARNING)
        and r.getMessage().startswith("events: subscri")
        for r in caplog.records
    )


def success(text: str) -> float:
    return series(text, "porto_exporter_collector_success")[(("collector", "events"),)]


# --- pushes in the same read as the AsyncWait reply ------------------------------------------------


async def test_changes_in_the_replys_read_are_counted(clocked: tuple[Simulator, FakeClock]) -> None:
    """A start, a failed start and a death that reach the exporter in the same read as the AsyncWait reply."""
    sim, _ = clocked
    host = sim.host
    host.create("win")
    for name, command in (("win/ok", "sleep 1000"), ("win/bad", "/nonexistent/x"), ("win/killed", "sleep 1000")):
        host.create(name).command = command
    host.start("win/killed")
    replied = asyncio.Event()

    def right_after_the_reply() -> None:
        host.start("win/ok")
        with pytest.raises(HostError, match="cannot exec"):
            host.start("win/bad")
        host.kill("win/killed", 9)
        replied.set()

    host.events.after_reply.append(right_after_the_reply)
    scraper = Scraper(PortoClient(sim.socket_path, timeout=5), [EventsCollector()], interval=0, timeout=5)
    runner, url = await serve(scraper)
    try:
        async with aiohttp.ClientSession() as s:
            await metrics(s, url)  # the first cycle subscribes
            await asyncio.wait_for(replied.wait(), 5)
            text = await metrics(s, url)
    finally:
        await runner.cleanup()

    def counted(name: str) -> dict[tuple[tuple[str, str], ...], float]:
        return {k: v for k, v in series(text, name).items() if v}  # every group has its series, at 0 until counted

    assert counted("porto_container_starts_total") == {(("group", "win"),): 1}  # win/ok (win/bad failed)
    assert counted("porto_container_start_failures_total") == {(("group", "win"),): 1}
    assert counted("porto_container_exits_total") == {(("group", "win"), ("reason", "signal")): 1}


async def test_the_simulators_reply_window_knob_shares_one_read(clocked: tuple[Simulator, FakeClock]) -> None:
    """The knob above does what it says: the reply and the pushes after it come in one read."""
    sim, _ = clocked
    sim.host.create("knob").command = "sleep 1000"
    sim.host.events.after_reply.append(lambda: sim.host.start("knob"))
    reader, writer = await asyncio.open_unix_connection(sim.socket_path)
    try:
        req = pb.TPortoRequest()
        req.AsyncWait.name.append("knob")
        writer.write(encode_frame(req.SerializeToString()))
        decoder = FrameDecoder(1 << 20)
        after: list[str] | None = None
        async with asyncio.timeout(5):
            while after is None:  # whole reads, up to the one with the reply
                frames = [pb.TPortoResponse.FromString(b) for b in decoder.feed(await reader.read(1 << 16))]
                replies = [i for i, f in enumerate(frames) if not f.HasField("AsyncWait")]
                if replies:
                    after = [f.AsyncWait.state for f in frames[replies[0] + 1 :]]
    finally:
        writer.close()
        await writer.wait_closed()
    assert after == ["starting", "running"]


class FakePortod:
    """A portod stand-in on a unix socket speaking the real framing: answers the first request of each
    connection with ``script(request)``, all of it in one write, then holds the connection open."""

    def __init__(self, path: str, script: Callable[[pb.TPortoRequest], bytes]) -> None:
        self.path = path
        self.script = script
        self.requests: list[pb.TPortoRequest] = []
        self._server: asyncio.Server | None = None
        self._writers: list[asyncio.StreamWriter] = []

    async def __aenter__(self) -> FakePortod:
        self._server = await asyncio.start_unix_server(self._serve, path=self.path)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        for w in self._writers:
            w.close()
        await self._server.wait_closed()
        if os.path.exists(self.path):
            os.unlink(self.path)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.append(writer)
        decoder = FrameDecoder(1 << 20)
        with_reply = False
        while chunk := await reader.read(1 << 16):
            for body in decoder.feed(chunk):
                req = pb.TPortoRequest.FromString(body)
                self.requests.append(req)
                if not with_reply:
                    writer.write(self.script(req))
                    with_reply = True
                else:  # StopAsyncWait
                    writer.write(encode_frame(pb.TPortoResponse(error=pb.Success).SerializeToString()))


def frame(name: str = "", state: str = "", label: str = "", value: str = "") -> bytes:
    rsp = pb.TPortoResponse(error=pb.Success)
    if name:
        rsp.AsyncWait.name, rsp.AsyncWait.state, rsp.AsyncWait.when = name, state, 1795905740
        if label:
            rsp.AsyncWait.label, rsp.AsyncWait.value = label, value
    else:
        rsp.timestamp = 1795905740  # the AsyncWait reply
    return encode_frame(rsp.SerializeToString())


async def test_initial_holds_only_until_the_reply_frame(socket_dir: Path) -> None:
    """Burst, reply and live pushes in one buffer: only the frames before the reply are initial."""
    burst = frame("web", "running") + frame("job", "running")
    live = frame("job", "dead", "exit_code", "-9") + frame("new", "stopped") + frame("new", "starting")
    one_write = burst + frame() + live  # the reply (no AsyncWait) in the middle
    changes: list[StateChange] = []
    async with FakePortod(str(socket_dir / "fake.socket"), lambda req: one_write) as fake:
        sub = Subscription(fake.path, changes.append)
        sub.start()
        await until(lambda: len(changes) == 5, what="five pushes")
        await sub.close()
    assert [(c.name, c.state, c.initial) for c in changes] == [
        ("web", "running", True),
        ("job", "running", True),
        ("job", "dead", False),
        ("new", "stopped", False),
        ("new", "starting", False),
    ]
    assert sub.stats.connected is False and sub.stats.subscriptions == 1


# --- any exception is retried ----------------------------------------------------------------------


class Buggy(EventsCollector):
    """An events collector with a bug that a push for one container name trips (any exception type)."""

    def __init__(self, trigger: str, exc: Exception) -> None:
        super().__init__()
        self.trigger, self.exc = trigger, exc

    def on_change(self, change: StateChange) -> None:
        if change.name == self.trigger and not change.initial:
            raise self.exc
        super().on_change(change)


@pytest.mark.parametrize(
    "exc", [RuntimeError("boom"), KeyError("state"), ValueError()], ids=["RuntimeError", "KeyError", "ValueError-empty"]
)
async def test_any_exception_is_logged_with_its_reason_and_retried(
    clocked: tuple[Simulator, FakeClock], caplog: pytest.LogCaptureFixture, exc: Exception
) -> None:
    sim, _ = clocked
    host = sim.host
    collector = Buggy("odd", exc)
    scraper = Scraper(PortoClient(sim.socket_path, timeout=5), [collector], interval=0, timeout=5)
    try:
        await scraper.cycle()
        sub = fast(collector)
        await until(lambda: sub.stats.connected, what="subscribed")
        with caplog.at_level(logging.DEBUG, SUB_LOG):
            host.create("odd")  # the bug: this push raises inside the subscription's task
            await until(lambda: sub.stats.subscriptions == 2, what="subscribed again after the bug")
        host.create("later").command = "sleep 1000"
        host.start("later")  # counted: the subscription lives on
        await until(lambda: collector.starts["later"] == 1, what="a start after the bug counted")
        await scraper.cycle()
    finally:
        await scraper.close()
    warnings = [r for r in caplog.records if r.name == SUB_LOG and r.levelno == logging.WARNING]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    assert f"({reason})" in warnings[0].getMessage() and warnings[0].exc_info is not None  # a bug: its traceback
    infos = [r.getMessage() for r in caplog.records if r.name == SUB_LOG and r.levelno == logging.INFO]
    assert len(infos) == 1 and "again" in infos[0]


async def test_a_reply_that_never_comes_is_a_named_reason(socket_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    """portod accepts the subscription and says nothing: the warning says what was waited for."""
    async with FakePortod(str(socket_dir / "mute.socket"), lambda req: b"") as fake:
        sub = Subscription(fake.path, lambda change: None, timeout=0.2, backoff=Backoff(0.01, 0.02))
        with caplog.at_level(logging.DEBUG, SUB_LOG):
            sub.start()
            await until(lambda: attempts(caplog) >= 2, what="two attempts")
            await sub.close()
    warnings = [r.getMessage() for r in caplog.records if r.name == SUB_LOG and r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "(TimeoutError: no reply to AsyncWait within 0.2s)" in warnings[0], warnings


# --- down is failure, logged on change -------------------------------------------------------------


async def test_a_lost_subscription_fails_the_collector_until_it_is_back(
    clocked: tuple[Simulator, FakeClock], caplog: pytest.LogCaptureFixture
) -> None:
    sim, _ = clocked
    host = sim.host
    collector = EventsCollector()
    scraper = Scraper(PortoClient(sim.socket_path, timeout=5), [collector], interval=0, timeout=5)
    runner, url = await serve(scraper)
    try:
        async with aiohttp.ClientSession() as s:
            await metrics(s, url)
            sub = fast(collector)
            await until(lambda: sub.stats.connected, what="subscribed")
            host.create("seen").command = "sleep 1000"
            host.start("seen")
            await until(lambda: collector.starts["seen"] == 1)
            up = await metrics(s, url)
            with caplog.at_level(logging.DEBUG):
                await sim.stop()
                await until(lambda: attempts(caplog) >= 5, what="five failed attempts while portod is away")
                down = [await metrics(s, url) for _ in range(3)]
                await sim.start()
                await until(lambda: sub.stats.connected, what="subscribed again")
                back = await metrics(s, url)
    finally:
        await runner.cleanup()
    assert success(up) == 1 and series(up, "porto_events_connected")[()] == 1
    for text in down:
        assert success(text) == 0 and series(text, "porto_events_connected")[()] == 0
        assert series(text, "porto_container_starts_total")[(("group", "seen"),)] == 1  # still served, still right
    assert success(back) == 1 and series(back, "porto_events_reconnects_total")[()] == 1
    records = [r for r in caplog.records if r.name in (SUB_LOG, "porto_exporter.scraper")]
    sub_warnings = [r.getMessage() for r in records if r.name == SUB_LOG and r.levelno == logging.WARNING]
    assert len(sub_warnings) == 1 and " lost (" in sub_warnings[0], sub_warnings  # not one per retry
    sub_infos = [r.getMessage() for r in records if r.name == SUB_LOG and r.levelno == logging.INFO]
    assert len(sub_infos) == 1 and "subscribed to portod's pushes" in sub_infos[0] and "again" in sub_infos[0]
    events = [
        r.getMessage()
        for r in records
        if r.name == "porto_exporter.scraper" and "collector events" in r.getMessage() and r.levelno >= logging.INFO
    ]
    assert len(events) == 2 and "not subscribed to portod's pushes" in events[0] and "working again" in events[1]
    for r in records:
        if r.levelno >= logging.WARNING:
            assert r.getMessage().strip() and "()" not in r.getMessage()  # every warning says why


def events_age(text: str) -> float:
    return series(text, "porto_exporter_collector_data_age_seconds")[(("collector", "events"),)]


async def test_events_data_age_grows_while_the_subscription_is_down_and_the_counters_stay(
    clocked: tuple[Simulator, FakeClock],
) -> None:
    """Before: the age read ~0 all along (a Degraded cycle was recorded as fresh data): no stale-data alert."""
    sim, _ = clocked
    host = sim.host
    collector = EventsCollector()
    scraper = Scraper(PortoClient(sim.socket_path, timeout=5), [collector], interval=0, timeout=5, max_age=0.5)
    runner, url = await serve(scraper)
    try:
        async with aiohttp.ClientSession() as s:
            await metrics(s, url)
            sub = fast(collector)
            await until(lambda: sub.stats.connected, what="subscribed")
            host.create("seen").command = "sleep 1000"
            host.start("seen")
            await until(lambda: collector.starts["seen"] == 1)
            up = await metrics(s, url)
            await sim.stop()
            ages = []
            for _ in range(1000):  # each scrape is a cycle the events collector fails (Degraded)
                down = await metrics(s, url)
                ages.append(events_age(down))
                if ages[-1] > 2.0:  # well past max_age (0.5 s): the counters were kept meanwhile
                    break
                await asyncio.sleep(0.01)
            else:
                raise AssertionError(f"the events data age never grew past 2 s: {ages[-5:]}")
            await sim.start()
            await until(lambda: sub.stats.connected, what="subscribed again")
            back = await metrics(s, url)
    finally:
        await runner.cleanup()
    assert events_age(up) < 1.0
    assert ages == sorted(ages) and ages[0] < 1.0  # grows steadily from the loss
    assert success(down) == 0 and series(down, "porto_events_connected")[()] == 0
    assert series(down, "porto_container_starts_total")[(("group", "seen"),)] == 1  # served past max_age
    assert success(back) == 1 and events_age(back) < 1.0


async def test_events_data_age_grows_when_portod_was_never_there(socket_dir: Path) -> None:
    """Before: 0.6 s after start with a socket that never existed, and it stayed there."""
    collector = EventsCollector()
    scraper = Scraper(
        PortoClient(str(socket_dir / "nobody.socket"), timeout=1), [collector], interval=0, timeout=5, max_age=0.2
    )
    try:
        await scraper.cycle()
        fast(collector)
        first = scraper.served["events"]
        await until(lambda: time.time() - first > 0.5, what="half a second")
        await scraper.cycle()
    finally:
        await scraper.close()
    assert scraper.served["events"] == first  # aged from the first attempt, not from each failed cycle
    assert any(s.name == "porto_events_connected" and s.value == 0 for b in scraper.last_batches for s in b)


async def test_a_hung_portod_shows_as_a_lost_subscription(
    socket_dir: Path, procs: list[asyncio.subprocess.Process], caplog: pytest.LogCaptureFixture
) -> None:
    """Before: after kill -STOP on portod porto_events_connected and the events success stayed 1 (socket open)."""
    path = str(socket_dir / "stopped.sock")
    sim = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "porto_exporter.simulator",
        "--socket",
        path,
        "--containers",
        "3",
        "--seed",
        "2",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    procs.append(sim)
    assert sim.stdout is not None
    assert f"listening on {path}" in (await asyncio.wait_for(sim.stdout.readline(), 20)).decode()
    collector = EventsCollector(idle=1.0)
    scraper = Scraper(PortoClient(path, timeout=1), [collector], interval=0, timeout=5)
    runner, url = await serve(scraper)
    stopped = False
    try:
        async with aiohttp.ClientSession() as s:
            await metrics(s, url)
            sub = fast(collector)
            await until(lambda: sub.stats.connected and sub.stats.probes >= 2, what="quiet but answered probes")
            quiet = await metrics(s, url)
            with caplog.at_level(logging.WARNING, SUB_LOG):
                os.kill(sim.pid, signal.SIGSTOP)
                stopped, stopped_at = True, time.time()
                await until(lambda: not sub.stats.connected, what="the hung portod found")
                hung = await metrics(s, url)
                hung_at = time.time()
                os.kill(sim.pid, signal.SIGCONT)
                stopped = False
                await until(lambda: sub.stats.connected, what="subscribed again")
                back = await metrics(s, url)
    finally:
        if stopped:
            os.kill(sim.pid, signal.SIGCONT)  # so that the fixture's SIGTERM ends it
        await runner.cleanup()
    assert success(quiet) == 1 and series(quiet, "porto_events_reconnects_total")[()] == 0  # probes: no false alarm
    assert success(hung) == 0 and series(hung, "porto_events_connected")[()] == 0
    assert events_age(hung) >= hung_at - stopped_at  # aged from before it hung: the last frame heard
    assert success(back) == 1 and series(back, "porto_events_connected")[()] == 1
    warnings = [r.getMessage() for r in caplog.records if r.name == SUB_LOG]
    assert len(warnings) == 1 and "portod hung: no push for 1s and no reply to a Version probe" in warnings[0]


async def test_no_portod_at_all_is_one_warning_not_one_per_retry(
    socket_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = str(socket_dir / "nobody.socket")
    collector = EventsCollector()
    scraper = Scraper(PortoClient(path, timeout=1), [collector], interval=0, timeout=5)
    try:
        with caplog.at_level(logging.DEBUG, SUB_LOG):
            await scraper.cycle()
            fast(collector)
            await until(lambda: attempts(caplog) >= 20, what="twenty failed attempts")
            await scraper.cycle()
    finally:
        await scraper.close()
    batch = scraper.last_batches[0]
    assert [s.value for s in batch if s.name == "porto_exporter_collector_success"] == [0]
    warnings = [r.getMessage() for r in caplog.records if r.name == SUB_LOG and r.levelno >= logging.WARNING]
    assert len(warnings) == 1, warnings
    assert "not made" in warnings[0] and "lost" not in warnings[0]  # it never connected
    assert "FileNotFoundError: [Errno 2] No such file or directory" in warnings[0]
    retries = [r for r in caplog.records if r.name == SUB_LOG and r.levelno == logging.DEBUG]
    assert len(retries) >= 19  # the retries are there, at debug


# --- no unretrieved futures ------------------------------------------------------------------------


async def test_no_future_exception_is_left_unretrieved(
    clocked: tuple[Simulator, FakeClock], caplog: pytest.LogCaptureFixture
) -> None:
    """A connection lost (and a close) while the AsyncWait reply is awaited: asyncio reports nothing."""
    sim, _ = clocked
    reported: list[dict[str, Any]] = []
    loop = asyncio.get_running_loop()
    previous = loop.get_exception_handler()
    loop.set_exception_handler(lambda _, context: reported.append(context))
    stalled = asyncio.Event()
    never = asyncio.Event()

    def stall(req: pb.TPortoRequest) -> Awaitable[object] | None:
        if req.HasField("AsyncWait"):
            stalled.set()
            return never.wait()  # the reply never comes
        return None

    before_each_request(sim, stall)
    try:
        with caplog.at_level(logging.DEBUG):
            sub = Subscription(sim.socket_path, lambda change: None, backoff=Backoff(0.01, 0.02))
            sub.start()
            await asyncio.wait_for(stalled.wait(), 5)
            await sim.stop()  # lost before the reply
            await until(lambda: attempts(caplog) >= 1)
            await sim.start()
            stalled.clear()
            await asyncio.wait_for(stalled.wait(), 5)
            await sub.close()  # closed before the reply
            del sub
            gc.collect()
            await asyncio.sleep(0)
    finally:
        loop.set_exception_handler(previous)
    assert reported == []
    assert not [r for r in caplog.records if r.name == "asyncio"]


# --- groups: those that exist now ------------------------------------------------------------------


async def test_groups_are_those_that_exist_now_with_overflow_counted(clocked: tuple[Simulator, FakeClock]) -> None:
    """Groups take their places when first seen (their series at 0 from then); past ``max_groups`` a group's
    events go to ``~other``, an emptied group keeps its place for its time to live, then frees it."""
    sim, _ = clocked
    host = sim.host
    ttl_clock = FakeClock(0.0)
    collector = EventsCollector(max_groups=2, masks=("g?", "g?/*"))  # the g<N> groups only, not the host's others
    collector.group_ttl, collector.clock = 60, ttl_clock  # (attributes, so that the old code fails on behaviour)
    scraper = Scraper(PortoClient(sim.socket_path, timeout=5), [collector], interval=0, timeout=5)
    runner, url = await serve(scraper)

    def run_job(group: str) -> None:
        host.create(group)
        host.create(f"{group}/job").command = "sleep 1000"
        host.start(f"{group}/job")  # starts the group (meta) and its job: 2 starts

    def started() -> int:
        return sum(collector.starts.values())

    try:
        async with aiohttp.ClientSession() as s:
            await metrics(s, url)
            sub = collector.subscription
            assert sub is not None
            await until(lambda: sub.stats.connected, what="subscribed")
            for group in ("g1", "g2", "g3"):
                run_job(group)
            await until(lambda: started() == 6, what="the starts of three jobs")
            born = await metrics(s, url)  # the groups' first cycle: their series at 0
            full = await metrics(s, url)
            for name in ("g1/job", "g1"):
                host.destroy(name)
            run_job("g4")  # g1 is in its time to live: no room yet
            await until(lambda: started() == 8, what="g4's starts")
            kept = await metrics(s, url)
            ttl_clock.now += 61  # g1 has been empty for longer than its time to live
            for name in ("g4/job", "g4"):
                host.destroy(name)
            run_job("g5")  # the first new group after g1's time: it takes g1's place
            await until(lambda: started() - collector.starts["g1"] == 8, what="g5's starts")
            assert series(await metrics(s, url), "porto_container_starts_total")[(("group", "g5"),)] == 0  # born
            after = await metrics(s, url)
    finally:
        await runner.cleanup()
    starts = "porto_container_starts_total"
    assert series(born, starts) == {(("group", "g1"),): 0, (("group", "g2"),): 0, (("group", OTHER),): 0}
    assert series(full, starts) == {(("group", "g1"),): 2, (("group", "g2"),): 2, (("group", OTHER),): 2}
    assert series(after, starts) == {(("group", "g2"),): 2, (("group", "g5"),): 2, (("group", OTHER),): 4}
    assert series(full, "porto_events_groups_overflow_total")[()] == 1
    assert series(full, "porto_events_groups")[()] == 2
    assert series(kept, starts)[(("group", "g1"),)] == 2  # emptied, still served for its last values
    assert series(kept, starts)[(("group", OTHER),)] == 4
    assert series(kept, "porto_events_groups_overflow_total")[()] == 2
    assert series(after, "porto_events_groups")[()] == 2
    assert series(after, "porto_events_groups_overflow_total")[()] == 2


def test_a_thousand_groups_in_a_lifetime_do_not_fill_the_table() -> None:
    """The default limit: 1,500 one-job groups come and go, one at a time; the last still has its own name."""
    clock = FakeClock(0.0)
    collector = EventsCollector()
    collector.clock = clock  # (an attribute, so that the old code fails on behaviour)

    def push(name: str, state: str, label: str = "", value: str = "") -> None:
        collector.on_change(StateChange(name, state, int(clock.now), label, value, initial=False))

    for i in range(1500):
        name = f"job-{i}"
        for state in ("stopped", "starting", "running"):
            push(name, state)
        push(name, "dead", "exit_code", "0")
        push(name, "destroyed")
        clock.now += 1  # one job a second: at any time 300 emptied groups are kept
    assert collector.starts["job-1499"] == 1 and collector.exits[("job-1499", "success")] == 1
    assert OTHER not in collector.starts
    assert collector.group_overflows == 0
    collector.expire_groups()  # as each cycle does before it serves the counters
    batch = collector.samples()
    groups = {s.labels[0][1] for s in batch if s.name == "porto_container_starts_total"}
    assert len(groups) <= 301 and "job-0" not in groups  # bounded by what exists (and what just went)


# --- shutdown --------------------------------------------------------------------------------------


async def test_shutdown_unsubscribes_without_a_traceback(clocked: tuple[Simulator, FakeClock]) -> None:
    """A real exporter process on the simulator's socket: SIGTERM ends it with StopAsyncWait and a quiet log."""
    sim, _ = clocked
    port = free_port()
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-W",
        "error::ResourceWarning",
        "-X",
        "dev",
        "-m",
        "porto_exporter",
        f"--porto.socket={sim.socket_path}",
        f"--web.listen-address=127.0.0.1:{port}",
        "--scrape.interval=1s",
        "--log.level=debug",
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        async with aiohttp.ClientSession() as s:
            await wait_process_ready(s, f"http://127.0.0.1:{port}")
            await until(lambda: bool(sim.host.events.watches), what="the exporter subscribed")
            text = await metrics(s, f"http://127.0.0.1:{port}")
    finally:
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), 20) == 0
    assert proc.stderr is not None
    log = (await proc.stderr.read()).decode()
    assert success(text) == 1
    assert "StopAsyncWait" in sim.daemon.methods and not sim.host.events.watches
    for bad in ("Traceback", "never retrieved", "was destroyed but it is pending", "ResourceWarning", "Unclosed"):
        assert bad not in log, log
