"""Shared fixtures: a simulated portod on a real unix socket, a client for it, subprocesses stopped after a test,
and the machine kept out: no test reaches a portod running on the machine unless it says so."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import errno
import gc
import os
import signal
import socket
import ssl
import sys
import tempfile
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import aiohttp
import pytest

from porto_exporter.porto import PortoClient
from porto_exporter.porto import rpc_pb2 as pb
from porto_exporter.porto.client import GetEntry
from porto_exporter.porto.errors import PortoError
from porto_exporter.porto.framing import FrameDecoder, encode_frame
from porto_exporter.simulator import Simulator, build_host

if TYPE_CHECKING:
    from .debian import Built


pytest_plugins = ["pytester"]  # tests/test_isolation.py runs a suite of its own

# A copy of ../shared/porto-captures (recorded from real portod 5.3.59), vendored so CI has it.
CAPTURES = Path(__file__).resolve().parent / "captures"
# The machine's portod (and its metrics socket): tests use simulators; only a test marked real_portod may go there.
MACHINE_PORTOD = ("/run/portod.socket", "/run/portod_metrics.socket")


@dataclass
class PortodGuard:
    """Connects to the machine's portod from this process, refused and remembered (a socket audit hook)."""

    allowed: bool = False  # the running test is marked real_portod
    attempts: list[str] = field(default_factory=list)  # where each refused connect came from

    def audit(self, event: str, args: tuple[object, ...]) -> None:
        if event != "socket.connect" or self.allowed:
            return
        address = args[1]
        if isinstance(address, bytes):
            address = address.decode(errors="replace")
        if address not in MACHINE_PORTOD:
            return
        self.attempts.append(f"connect({address!r}) from\n" + "".join(traceback.format_stack(limit=12)[:-1]))
        # refused before it happens (audit hooks run first): the code under test sees a socket it cannot reach
        raise PermissionError(
            errno.EACCES, "tests must not reach the machine's portod (mark the test real_portod)", address
        )


GUARD = pytest.StashKey[PortodGuard]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "real_portod: the test means to reach the machine's portod")
    guard = PortodGuard()
    config.stash[GUARD] = guard
    sys.addaudithook(guard.audit)  # for the process's life: audit hooks cannot be removed


@pytest.fixture
def portod_guard(request: pytest.FixtureRequest) -> PortodGuard:
    return request.config.stash[GUARD]


@pytest.fixture(autouse=True)
def machine_independent(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, portod_guard: PortodGuard
) -> Iterator[Path]:
    """Every exporter a test starts, in this process or as a subprocess, defaults to sockets that do not exist
    (not the machine's /run/portod.socket, which `--demo` rightly exports when it is there, nor its
    /run/portod_metrics.socket, which the portod_metrics collector reads when it is there), and no other
    PORTO_EXPORTER_* setting of the machine leaks in. In-process connects to the machine's portod fail the test."""
    marked = request.node.get_closest_marker("real_portod") is not None
    for name in [n for n in os.environ if n.startswith("PORTO_EXPORTER_")]:
        monkeypatch.delenv(name)
    with tempfile.TemporaryDirectory(prefix="pe-none-") as d:
        nowhere = Path(d) / "no-portod.socket"  # never created
        if not marked:
            monkeypatch.setenv("PORTO_EXPORTER_PORTO_SOCKET", str(nowhere))
            # and portod's own metrics endpoint, read by default (--porto.metrics-socket): absent, as on old portods
            monkeypatch.setenv("PORTO_EXPORTER_PORTO_METRICS_SOCKET", str(Path(d) / "no-portod_metrics.socket"))
        portod_guard.allowed, portod_guard.attempts[:] = marked, []
        yield nowhere
        attempts = list(portod_guard.attempts)
        portod_guard.allowed, portod_guard.attempts[:] = False, []
    if attempts:
        pytest.fail(
            f"{len(attempts)} connect(s) to the machine's portod (mark the test real_portod if meant):\n" + attempts[0],
            pytrace=False,
        )


@pytest.fixture(autouse=True)
def unfrozen_heap() -> Iterator[None]:
    """A scraper cycle freezes what survives it (gc.freeze); in this process that would be pytest's heap too,
    kept from the collector (and its ResourceWarnings) for the rest of the run: thawed after each test."""
    yield
    gc.unfreeze()


@pytest.fixture
def socket_dir() -> Iterator[Path]:
    # unix socket paths are limited to ~107 bytes: keep them short, not under pytest's tmp_path.
    with tempfile.TemporaryDirectory(prefix="pe-") as d:
        yield Path(d)


@pytest.fixture
async def sim(socket_dir: Path) -> AsyncIterator[Simulator]:
    simulator = Simulator(build_host(seed=7), str(socket_dir / "portod.socket"))
    async with simulator:
        yield simulator


@pytest.fixture
async def client(sim: Simulator) -> AsyncIterator[PortoClient]:
    async with PortoClient(sim.socket_path, timeout=10.0) as c:
        yield c


@pytest.fixture
async def clocked(socket_dir: Path) -> AsyncIterator[tuple[Simulator, FakeClock]]:
    """A simulated host (seed 3) whose time moves only when the test moves its clock."""
    clock = FakeClock()
    sim = Simulator(build_host(seed=3, clock=clock), str(socket_dir / "portod.socket"))
    async with sim:
        yield sim, clock


async def exchange(path: str, req: pb.TPortoRequest | bytes, *, timeout: float = 20.0) -> pb.TPortoResponse | None:
    """One request on a connection of its own, its reply as portod sent it (errors included); None when portod
    closes the connection instead of answering."""
    reader, writer = await asyncio.open_unix_connection(path)
    try:
        body = req if isinstance(req, bytes) else req.SerializeToString()
        writer.write(encode_frame(body))
        await writer.drain()
        decoder = FrameDecoder(1 << 28)
        async with asyncio.timeout(timeout):
            while True:
                chunk = await reader.read(1 << 20)
                if not chunk:
                    return None
                frames = decoder.feed(chunk)
                if frames:
                    rsp = pb.TPortoResponse()
                    rsp.ParseFromString(frames[0])
                    return rsp
    finally:
        writer.close()
        await writer.wait_closed()


async def stop_processes(running: list[asyncio.subprocess.Process], grace: float = 10.0) -> None:
    """Stop each process, the last started first (Prometheus before the VictoriaMetrics it writes to, each gone
    before the next is asked): SIGTERM, at most ``grace`` seconds, then SIGKILL. Once this returns none of them
    writes to its data any more, so their directories can be removed."""
    for p in reversed(running):
        if p.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                p.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(p.wait(), grace)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                p.kill()
            await p.wait()


@pytest.fixture
async def procs() -> AsyncIterator[list[asyncio.subprocess.Process]]:
    """Processes a test starts (exporter, Prometheus...): stopped and reaped when it ends, pass or fail."""
    running: list[asyncio.subprocess.Process] = []
    yield running
    await stop_processes(running)


async def wait_ready(
    url: str,
    proc: asyncio.subprocess.Process | None = None,
    *,
    ssl_context: ssl.SSLContext | None = None,
    auth: tuple[str, str] | None = None,
    seconds: float = 30.0,
) -> None:
    """Poll ``url`` (an exporter's /-/ready: 200 after its first good cycle) until it answers 200; fail at once
    if ``proc`` exits, and after ``seconds``."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    last = "no answer"
    headers = {"Authorization": "Basic " + base64.b64encode(":".join(auth).encode()).decode()} if auth else {}
    async with aiohttp.ClientSession(headers=headers) as s:
        while True:
            if proc is not None and proc.returncode is not None:
                raise AssertionError(f"{url}: the process exited with {proc.returncode} before it was ready")
            try:
                async with s.get(url, ssl=ssl_context or False, timeout=aiohttp.ClientTimeout(total=5)) as r:
                    if r.status == 200:
                        return
                    last = f"HTTP {r.status}"
            except (aiohttp.ClientError, TimeoutError) as exc:
                last = repr(exc)
            if loop.time() > deadline:
                raise AssertionError(f"{url} not ready after {seconds:.0f} s: {last}")
            await asyncio.sleep(0.05)


T = TypeVar("T")


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now (the kernel's choice), for a server a test starts."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def poll(check: Callable[[], Awaitable[T | None]], what: str, *, seconds: float = 30.0, every: float = 0.05) -> T:
    """Await ``check()`` until it returns something true, and return that: what a test waits for instead of a fixed
    sleep. After ``seconds`` fail, saying what was awaited and the last value seen. Exceptions of ``check`` propagate
    (a check that may fail until the thing is up catches its own)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while True:
        last = await check()
        if last:
            return last
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {seconds:g} s waiting for {what}; last seen: {last!r}")
        await asyncio.sleep(every)


def texts(entry: GetEntry) -> dict[str, str]:
    """A v4 Get entry's values where every one should be a string: an error portod gave is raised, not returned."""
    out: dict[str, str] = {}
    for name, value in entry.values.items():
        if isinstance(value, PortoError):
            raise value
        out[name] = value
    return out


def rename(sim: Simulator, old: str, new: str) -> None:
    """A container whose name no real portod would accept: what a hostile or broken reply could carry."""
    host = sim.host
    c = host.by_name.pop(old)
    assert c.parent is not None
    c.parent.children.pop(old)
    c.name = new
    host.by_name[new] = c
    c.parent.children[new] = c


class Handle(Protocol):
    """What answers a request body in the simulator (``Simulator.handle``'s shape)."""

    def __call__(self, body: bytes, conn: object) -> Coroutine[Any, Any, pb.TPortoResponse | None]: ...


def answer_with(sim: Simulator, handle: Handle) -> None:
    """Let ``handle`` answer every request ``sim`` receives, in place of ``sim.handle`` (taken beforehand to pass on
    what it does not change): a portod that refuses, delays or forgets, or a test that watches."""
    sim.handle = handle  # type: ignore[method-assign]  # replaced on purpose, on this one instance


def before_each_request(sim: Simulator, hook: Callable[[pb.TPortoRequest], Awaitable[object] | None]) -> None:
    """Run ``hook`` on every request the simulator receives, before it is answered (to watch or delay it)."""
    original = sim.handle

    async def watched(body: bytes, conn: object) -> pb.TPortoResponse | None:
        req = pb.TPortoRequest()
        req.ParseFromString(body)
        pending = hook(req)
        if pending is not None:
            await pending
        return await original(body, conn)

    answer_with(sim, watched)


class FakeClock:
    """A clock tests move by hand (``clock.now += 15``)."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="session")
def debian_package() -> Iterator[Built]:
    """The Debian package and its wheels, built once per session by deploy/debian/build into a temporary dist/
    (the tests that install it share one build); removed after the session."""
    from .debian import build  # here, not at the top: test_isolation runs a copy of this file outside the package

    with tempfile.TemporaryDirectory(prefix="pe-deb-") as dist:
        built = build(Path(dist))
        print(f"\ndeploy/debian/build: {built.seconds:.1f} s, {built.deb.name} {built.deb.stat().st_size // 1024} KiB")
        yield built
