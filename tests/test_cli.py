"""The command line's own seams, on real exporter processes: a listen address that cannot be had, the URLs it
logs, and --demo deciding between a portod and the simulator by asking, not by a file's presence."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import sys
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import aiohttp
import pytest

from porto_exporter.config import load
from porto_exporter.simulator import Simulator

from .test_e2e_prometheus import free_port
from .test_service import wait_process_ready
from .test_webconfig import exporter


@contextlib.contextmanager
def taken_port() -> Iterator[int]:
    """A port of 127.0.0.1 another process listens on meanwhile."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        yield int(taken.getsockname()[1])


async def run_to_exit(*flags: str) -> tuple[int, list[str]]:
    """Run porto-exporter with ``flags`` (portod pinned to a path where nothing answers) until it exits."""
    with tempfile.TemporaryDirectory(prefix="pe-") as d:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "porto_exporter",
            f"--porto.socket={d}/absent.sock",
            *flags,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            out, err = await asyncio.wait_for(proc.communicate(), 30)
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
    assert not out and proc.returncode is not None
    return proc.returncode, err.decode().splitlines()


@pytest.mark.parametrize("demo", [False, True], ids=["portod", "demo"])
async def test_a_listen_address_in_use_is_one_line_and_an_exit(demo: bool) -> None:
    with taken_port() as port:
        code, lines = await run_to_exit(f"--web.listen-address=127.0.0.1:{port}", *(["--demo"] if demo else []))
    assert code == 1
    assert lines == [f"porto-exporter: --web.listen-address: cannot listen on 127.0.0.1:{port}: Address already in use"]


async def test_every_listen_address_is_bound_before_anything_starts() -> None:
    """The second of two addresses is taken: nothing is served on the first, nothing else is said."""
    free = free_port()
    with taken_port() as port:
        code, lines = await run_to_exit(
            "--demo", f"--web.listen-address=127.0.0.1:{free}", f"--web.listen-address=127.0.0.1:{port}"
        )
    assert code == 1 and len(lines) == 1 and f"127.0.0.1:{port}: Address already in use" in lines[0], lines
    with socket.socket() as again:  # the first address was let go
        again.bind(("127.0.0.1", free))


async def test_a_listen_address_that_does_not_resolve_is_one_line() -> None:
    code, lines = await run_to_exit("--web.listen-address=no-such-host.invalid:10091")
    assert code == 1 and len(lines) == 1, lines
    assert lines[0].startswith("porto-exporter: --web.listen-address: cannot listen on no-such-host.invalid:10091: ")


def ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.mark.skipif(not ipv6_loopback(), reason="no IPv6 loopback on this host")
async def test_the_logged_listen_urls_are_urls() -> None:
    port = free_port()
    async with exporter(f"--web.listen-address=[::1]:{port}") as e:
        await e.logged(f"listening on http://[::1]:{port}/metrics")
        assert f"listening on http://127.0.0.1:{e.port}/metrics" in "\n".join(e.lines)
        async with aiohttp.ClientSession() as s:  # and they work as written
            for url in (f"http://[::1]:{port}", f"http://127.0.0.1:{e.port}"):
                async with s.get(url + "/-/healthy") as r:
                    assert r.status == 200, url


@contextlib.asynccontextmanager
async def dead_portod(kind: str) -> AsyncIterator[str]:
    """A socket file where no portod answers: ``stale`` (portod gone, file left: connection refused) or
    ``silent`` (something accepts and never replies, like a hung portod)."""
    with tempfile.TemporaryDirectory(prefix="pe-") as d:
        path = str(Path(d) / "portod.socket")
        if kind == "stale":
            with socket.socket(socket.AF_UNIX) as sock:
                sock.bind(path)  # closed without unlinking, as a killed portod leaves it
            yield path
            return
        held: list[asyncio.StreamWriter] = []

        async def hold(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            held.append(writer)

        server = await asyncio.start_unix_server(hold, path)
        try:
            yield path
        finally:
            server.close()
            for writer in held:
                writer.close()
            await server.wait_closed()


@pytest.mark.parametrize(("kind", "reason"), [("stale", "Connection refused"), ("silent", "got no reply")])
async def test_demo_runs_the_simulator_when_the_portod_socket_does_not_answer(kind: str, reason: str) -> None:
    async with dead_portod(kind) as path, exporter(f"--porto.socket={path}") as e:
        line = await e.logged("demo:")
        assert f"no portod answers at {path}" in line and reason in line and "simulator on" in line, line
        url = f"http://127.0.0.1:{e.port}"
        async with aiohttp.ClientSession() as s:
            await wait_process_ready(s, url)
            async with s.get(url + "/metrics") as r:
                text = await r.text()
        assert "\nporto_up 1\n" in text and 'porto_container_state{container="flaky",state="running"} 1' in text
        # issue 19: simulated data that looks like a real daemon is said to be simulated, in the log and the data
        assert " level=warn " in line and "SIMULATED" in line, line
        assert "\nporto_exporter_simulated 1.0\n" in text


async def test_demo_exporting_a_real_portod_says_the_data_is_not_simulated(sim: Simulator) -> None:
    async with exporter(f"--porto.socket={sim.socket_path}") as e:
        line = await e.logged("demo:")
        assert "portod is at" in line and " level=info " in line, line
        async with aiohttp.ClientSession() as s, s.get(f"http://127.0.0.1:{e.port}/metrics") as r:
            text = await r.text()
    assert "\nporto_exporter_simulated 0.0\n" in text and "SIMULATED" not in "\n".join(e.lines)


async def run_with_env(env: dict[str, str], *flags: str) -> tuple[int, list[str]]:
    """``python3 -m porto_exporter`` with ``env`` added to this process's (conftest pins the portod socket)."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "porto_exporter",
        *flags,
        env={**os.environ, **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        _, err = await asyncio.wait_for(proc.communicate(), 30)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    return proc.returncode or 0, err.decode().splitlines()


async def test_a_listen_address_flag_replaces_the_variable_rather_than_clashing_with_it() -> None:
    """Issue 19: the variable and the flag naming the same address made the exporter clash with itself."""
    port = free_port()
    address = f"127.0.0.1:{port}"
    env = {"PORTO_EXPORTER_WEB_LISTEN_ADDRESS": address}
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "porto_exporter",
        "--demo",
        f"--web.listen-address={address}",
        "--scrape.interval=1s",
        env={**os.environ, **env},
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        async with aiohttp.ClientSession() as s:
            await wait_process_ready(s, f"http://{address}")
    finally:
        proc.terminate()
        _, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()
    assert "already in use" not in err.decode()


async def test_the_same_listen_address_twice_is_one_line_and_exit_2() -> None:
    address = f"127.0.0.1:{free_port()}"
    code, lines = await run_with_env({}, f"--web.listen-address={address}", f"--web.listen-address={address}")
    assert (code, lines) == (2, [f"porto-exporter: --web.listen-address {address} given twice"])


async def test_an_unknown_variable_is_one_line_naming_the_closest_and_exit_2() -> None:
    code, lines = await run_with_env({"PORTO_EXPORTER_SCRAPE_INTERVL": "30s"})
    assert (code, lines) == (
        2,
        [
            "porto-exporter: unknown variable PORTO_EXPORTER_SCRAPE_INTERVL; "
            "did you mean PORTO_EXPORTER_SCRAPE_INTERVAL?"
        ],
    )


@pytest.mark.parametrize("path", ["/static/app.js", "/-/healthy", "/api/v1/overview", "/metrics?x"])
async def test_a_telemetry_path_that_shadows_a_page_or_cannot_be_reached_is_exit_2(path: str) -> None:
    code, lines = await run_with_env({}, f"--web.telemetry-path={path}")
    assert code == 2 and len(lines) == 1 and lines[0].startswith("porto-exporter: --web.telemetry-path: "), lines


@pytest.mark.parametrize(
    ("flags", "said"),
    [
        (
            ("--no-collector.containers", "--collector.containers.vmem", "--labels.allowlist=TEAM.*"),
            [
                "--collector.containers.vmem is ignored: the containers collector is off (--no-collector.containers)",
                "--labels.allowlist is ignored: the containers collector is off (--no-collector.containers)",
            ],
        ),
        (
            ("--kubernetes.mode=off", "--kubernetes.labels-allowlist=app", "--scrape.slow-interval=500ms"),
            [
                "--kubernetes.labels-allowlist is ignored: --kubernetes.mode=off decodes no pod labels",
                "--scrape.slow-interval=0.5s is ignored: it is shorter than --scrape.interval=1s, and the costly "
                "properties are read once a cycle at most",
            ],
        ),
    ],
    ids=["collector off", "kubernetes off, slow tier"],
)
async def test_flags_that_cannot_work_together_are_one_warning_each_at_start(
    flags: tuple[str, ...], said: list[str]
) -> None:
    """Accepted (the exporter runs as the others make it), but not without a word: one line per flag, once."""
    async with exporter(*flags) as e:
        await e.logged("listening on")
        async with aiohttp.ClientSession() as s, s.get(f"http://127.0.0.1:{e.port}/metrics") as r:
            assert r.status == 200
    ignored = [line for line in e.lines if "is ignored" in line]
    assert [line.split(' msg="', 1)[1].rstrip('"') for line in ignored] == said, ignored
    assert all("level=warn" in line for line in ignored), ignored


def test_a_flag_given_as_its_variable_is_named_so() -> None:
    from porto_exporter.cli import ignored_flags

    env = {
        "PORTO_EXPORTER_KUBERNETES_MODE": "off",
        "PORTO_EXPORTER_KUBERNETES_LABELS_ALLOWLIST": "app",
        "PORTO_EXPORTER_SCRAPE_SLOW_INTERVAL": "1m",
    }
    argv = ["--scrape.interval=2m"]
    assert ignored_flags(load(argv, env), argv, env) == [
        "PORTO_EXPORTER_KUBERNETES_LABELS_ALLOWLIST is ignored: --kubernetes.mode=off decodes no pod labels",
        "PORTO_EXPORTER_SCRAPE_SLOW_INTERVAL=60s is ignored: it is shorter than --scrape.interval=120s, and the costly "
        "properties are read once a cycle at most",
    ]
    assert ignored_flags(load([], {}), [], {}) == []  # the defaults: nothing (60s slow under a longer interval too)
    assert ignored_flags(load(["--scrape.interval=2m"], {}), ["--scrape.interval=2m"], {}) == []
