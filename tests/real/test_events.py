"""Events from the real daemon's AsyncWait pushes, counted by a real exporter process and read over HTTP.

Short jobs under this session's prefix end every way portod reports (exit 0, exit 1, a signal, an OOM kill, a
respawning job's every round, a command that does not exist) and each is counted exactly once; then portod is
reloaded and its worker is killed (its master starts another, containers kept): the subscription comes back and
nothing is counted twice or missed.

"A killed portod" here is the worker (/run/portod.pid): its master (/run/portoloop.pid) reaps the containers'
processes and starts a new worker at once, which learns of a death that happened in between. Killing the master
instead takes the worker with it (PR_SET_PDEATHSIG) and nothing restarts portod until ``portod start``; a job that
dies meanwhile is reaped by init and restored as running with no process (seen once, by hand, on 5.3.59): its exit
is never reported, so there is nothing to count, and stopping every other user's portod is not a test to run.

"Exactly once" needs a point after which no push about the jobs can still be on its way: every job is first
waited for (``portoctl wait``: portod has finished with it), then a *barrier* job in a group of its own exits and
its exit is polled for; portod pushes in order on the one subscription, so once the barrier is counted, every
push before it has been counted too and the counts are final.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import signal
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from ..conftest import free_port
from .conftest import RealPortod

DEADLINE = 30.0  # seconds any one awaited condition may take (portod restoring a loaded host included)
Series = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def parse(text: str) -> Series:
    """An exposition, by (sample name, sorted labels), through prometheus_client's own parser."""
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def counts(series: Series, group: str) -> dict[str, float]:
    """The event counters of one group that counted something: starts, start_failures and exits by reason
    (``exit:<reason>``). A group's failure counters are served at 0 from when it is first seen (so rate() counts
    its first failure): those zeros are left out here."""
    out: dict[str, float] = {}
    for (name, labels), value in series.items():
        got = dict(labels)
        if got.get("group") != group or not value:
            continue
        if name == "porto_container_starts_total":
            out["starts"] = value
        elif name == "porto_container_start_failures_total":
            out["start_failures"] = value
        elif name == "porto_container_exits_total":
            out[f"exit:{got['reason']}"] = value
    return out


@dataclass
class Exporter:
    """A porto-exporter process on the machine's portod; ``scrape`` reads /metrics (each GET is a cycle)."""

    url: str
    log: Path
    session: aiohttp.ClientSession
    proc: asyncio.subprocess.Process
    last: Series = field(default_factory=dict)

    async def scrape(self) -> Series:
        async with self.session.get(self.url + "/metrics") as r:
            text = await r.text()
            assert r.status == 200, f"/metrics: HTTP {r.status}: {text[:500]}"
        self.last = parse(text)
        return self.last

    async def until(self, condition: Callable[[Series], bool], what: str) -> Series:
        """Scrape until ``condition`` holds; fail naming ``what``, with the last scrape and the exporter's log."""
        try:
            async with asyncio.timeout(DEADLINE):
                while True:
                    with contextlib.suppress(aiohttp.ClientError):
                        if condition(await self.scrape()):
                            return self.last
                    await asyncio.sleep(0.05)
        except TimeoutError:
            events = {k: v for k, v in self.last.items() if "event" in k[0] or "container_" in k[0]}
            raise AssertionError(
                f"not within {DEADLINE:g}s: {what}\nlast scrape: {events}\n"
                f"exporter log:\n{self.log.read_text()[-3000:]}"
            ) from None

    async def reconnects(self) -> float:
        """How many times the subscription has been made again so far (a fresh scrape)."""
        return (await self.scrape())[("porto_events_reconnects_total", ())]

    async def subscribed(self, reconnects: float = 0) -> Series:
        """Until the subscription is up and has been made again ``reconnects`` times in all."""
        return await self.until(
            lambda s: (
                s.get(("porto_events_connected", ())) == 1
                and s.get(("porto_events_reconnects_total", ()), 0) >= reconnects
            ),
            f"subscribed to portod's pushes (reconnects >= {reconnects:g})",
        )


@contextlib.asynccontextmanager
async def exporter_on(real: RealPortod, *flags: str) -> AsyncIterator[Exporter]:
    """A real exporter process against /run/portod.socket, pointed at this session's subtree; stopped after."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="pe-real-ev-") as d:
        log = Path(d) / "exporter.log"
        with log.open("wb") as out:
            proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "porto_exporter",
                f"--porto.socket={real.socket}",
                f"--web.listen-address=127.0.0.1:{port}",
                "--scrape.interval=0",
                f"--containers.include={real.prefix}/***",
                "--no-collector.volumes",
                "--no-collector.storage",
                *flags,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=out,
            )
        try:
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=20)) as session:
                yield Exporter(f"http://127.0.0.1:{port}", log, session, proc)
        finally:
            if proc.returncode is None:
                proc.terminate()
                try:
                    await asyncio.wait_for(proc.wait(), 10)
                except TimeoutError:
                    proc.kill()
                    await proc.wait()


@dataclass
class Groups:
    """A group of jobs and a barrier group of its own, two meta containers at level 2 under the session prefix."""

    real: RealPortod
    jobs: str
    barrier: str
    barriers: int = 0

    def job(self, name: str) -> str:
        return f"{self.jobs}/{name}"

    async def pass_barrier(self, exporter: Exporter) -> Series:
        """After every job has ended: one more exit, in a group of its own; when it is counted, all before it are."""
        self.barriers += 1
        await self.real.actl("run", f"{self.barrier}/b{self.barriers}", "command=true")
        return await exporter.until(
            lambda s: counts(s, self.barrier).get("exit:success") == self.barriers,
            f"the barrier's exit {self.barriers} counted",
        )


@pytest.fixture
async def groups(real_portod: RealPortod) -> AsyncIterator[Groups]:
    base = real_portod.name(f"ev{secrets.token_hex(3)}")
    made = Groups(real_portod, base, base + "-barrier")
    try:
        for name in (made.jobs, made.barrier):
            await real_portod.actl("create", name)
            await real_portod.actl("start", name)  # meta, started before the exporter subscribes: not counted
        yield made
    finally:
        for name in (made.jobs, made.barrier):
            await real_portod.actl("destroy", name, check=False)


async def test_each_way_a_job_ends_is_counted_once(real_portod: RealPortod, groups: Groups) -> None:
    """exit 0, exit 1, SIGKILL, OOM kill, a job's respawns, a start that fails: one count each; the failed start
    is not also a start, each respawn is one."""
    real = real_portod
    async with exporter_on(real, "--events.group-depth=2") as exporter:  # group: <prefix>/ev..., this test's own
        await exporter.subscribed()
        await real.actl("run", groups.job("ok"), "command=true")
        await real.actl("run", groups.job("fail"), "command=sh -c 'exit 1'")
        await real.actl("run", groups.job("killed"), "command=sleep 1000")
        await real.actl("kill", groups.job("killed"), "9")
        await real.actl("run", groups.job("oom"), "command=tail /dev/zero", "memory_limit=16M")
        await real.actl(
            "run",
            groups.job("respawned"),
            "command=sh -c 'exit 2'",
            "respawn=true",
            "max_respawns=2",
            "respawn_delay=100ms",
        )
        await real.actl("create", groups.job("bad"))
        await real.actl("set", groups.job("bad"), "command", "/nonexistent/porto-exporter-test")
        await real.actl("start", groups.job("bad"), check=False)  # fails: InvalidCommand
        jobs = ("ok", "fail", "killed", "oom", "respawned")
        for job in jobs:
            await wait_dead(real, groups.job(job))
        codes = {job: await real.actl("get", groups.job(job), "exit_code") for job in jobs}
        respawns = await real.actl("get", groups.job("respawned"), "respawn_count")
        series = await groups.pass_barrier(exporter)
        again = [await exporter.scrape() for _ in range(2)]  # later cycles serve the same counts
    assert codes == {"ok": "0", "fail": "1", "killed": "-9", "oom": "-99", "respawned": "2"} and respawns == "2"
    assert await real.actl("get", groups.job("bad"), "state") == "stopped"
    assert "cannot exec /nonexistent/porto-exporter-test" in await real.actl("get", groups.job("bad"), "start_error")
    assert counts(series, groups.jobs) == {
        # ok, fail, killed, oom, respawned and its 2 respawns (respawning -> running: no starting push);
        # bad's start failed (starting, stopping, stopped with start_error): a start failure, not a start
        "starts": 7,
        "start_failures": 1,
        "exit:success": 1,
        "exit:failure": 1 + 3,
        "exit:signal": 1,
        "exit:oom": 1,
    }
    for later in again:
        assert counts(later, groups.jobs) == counts(series, groups.jobs)
    assert series[("porto_events_connected", ())] == 1
    assert series[("porto_exporter_collector_success", (("collector", "events"),))] == 1


async def wait_dead(real: RealPortod, name: str) -> None:
    """Until portod says ``name`` is dead (``portoctl wait`` also returns for a respawning container)."""
    async with asyncio.timeout(DEADLINE):
        while (state := await real.actl("get", name, "state")) != "dead":
            if state == "respawning":  # portoctl wait returns at once for it: poll
                await asyncio.sleep(0.05)
            else:
                await real.actl("wait", "-T", str(DEADLINE), name)


def daemon_pid() -> int:
    """The portod worker (the master, /run/portoloop.pid, restarts it when it dies; killing the master instead
    takes the worker with it, PR_SET_PDEATHSIG, and nothing restarts portod)."""
    return int(Path("/run/portod.pid").read_text().split()[0])


async def test_a_reload_and_a_killed_worker_lose_nothing_and_count_nothing_twice(
    real_portod: RealPortod, groups: Groups
) -> None:
    real = real_portod
    portod = str(Path(real.portoctl).with_name("portod"))
    async with exporter_on(real, "--events.group-depth=2") as exporter:
        await exporter.subscribed()
        await real.actl("run", "-W", groups.job("before"), "command=true")
        await groups.pass_barrier(exporter)
        seen_before = counts(exporter.last, groups.jobs)

        # portod reload: the worker re-executes, containers kept; a job is running across it and exits after
        await real.actl("run", groups.job("across-reload"), "command=sleep 1")
        reconnects = await exporter.reconnects()
        done = await asyncio.to_thread(subprocess.run, [portod, "reload"], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, f"portod reload: {done.stderr.strip()}"
        await exporter.subscribed(reconnects + 1)
        await real.actl("run", "-W", groups.job("after-reload"), "command=sh -c 'exit 3'")

        # the worker killed: its master starts another; one job dies while no worker runs, one just after
        await real.actl("run", groups.job("killed-while-down"), "command=sleep 1000")
        pid = int(await real.actl("get", groups.job("killed-while-down"), "root_pid"))
        await real.actl("run", groups.job("across-kill"), "command=sleep 1")
        reconnects = await exporter.reconnects()
        old = daemon_pid()
        os.kill(old, signal.SIGKILL)
        os.kill(pid, signal.SIGKILL)  # the job's own process: reported to the next worker, by its master
        await exporter.subscribed(reconnects + 1)
        assert daemon_pid() != old
        for job in ("across-reload", "after-reload", "killed-while-down", "across-kill"):
            await wait_dead(real, groups.job(job))
        codes = {
            job: await real.actl("get", groups.job(job), "exit_code")
            for job in ("across-reload", "after-reload", "killed-while-down", "across-kill")
        }
        series = await groups.pass_barrier(exporter)
        log = exporter.log.read_text()
    assert codes == {"across-reload": "0", "after-reload": "3", "killed-while-down": "-9", "across-kill": "0"}
    assert seen_before == {"starts": 1, "exit:success": 1}
    assert counts(series, groups.jobs) == {
        "starts": 5,  # before, across-reload, after-reload, killed-while-down, across-kill
        "exit:success": 3,  # before (counted once, not again after either restart), across-reload, across-kill
        "exit:failure": 1,  # after-reload
        "exit:signal": 1,
    }, log  # killed-while-down
    assert series[("porto_events_connected", ())] == 1
    assert series[("porto_events_reconnects_total", ())] >= reconnects + 1
    assert series[("porto_exporter_collector_success", (("collector", "events"),))] == 1


async def test_a_killed_master_and_a_new_start_count_nothing_twice(real_portod: RealPortod, groups: Groups) -> None:
    """The master killed (the worker dies with it, nothing restarts portod), then ``start``: the exporter reports
    portod gone, comes back by itself, counts what happens after once and what it counted before never again.
    A job that dies while no portod runs is never reported by portod (see the module's note): not asserted."""
    real = real_portod
    if not real.started_here:
        pytest.skip("portod was running before these tests: killing its master would stop everybody's portod")
    async with exporter_on(real, "--events.group-depth=2") as exporter:
        await exporter.subscribed()
        await real.actl("run", "-W", groups.job("before"), "command=true")
        await groups.pass_barrier(exporter)
        seen_before = counts(exporter.last, groups.jobs)
        reconnects = await exporter.reconnects()
        os.kill(int(Path("/run/portoloop.pid").read_text().split()[0]), signal.SIGKILL)
        down = await exporter.until(lambda s: s.get(("porto_up", ())) == 0, "porto_up 0 with portod gone")
        done = await asyncio.to_thread(
            subprocess.run, [str(real.dir / "start")], capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, f"{real.dir}/start: {done.stderr.strip()}"
        await exporter.subscribed(reconnects + 1)
        await real.actl("run", "-W", groups.job("after"), "command=sh -c 'exit 3'")
        series = await groups.pass_barrier(exporter)
    assert seen_before == {"starts": 1, "exit:success": 1}
    assert down[("porto_exporter_collector_success", (("collector", "containers"),))] == 0
    assert counts(series, groups.jobs) == {"starts": 2, "exit:success": 1, "exit:failure": 1}
    assert series[("porto_up", ())] == 1 and series[("porto_events_connected", ())] == 1
