"""Shared fixtures: a simulated portod on a real unix socket, a client for it, subprocesses stopped after a test."""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest

from porto_exporter.porto import PortoClient
from porto_exporter.porto import rpc_pb2 as pb
from porto_exporter.simulator import Simulator, build_host

# A copy of ../shared/porto-captures (recorded from real portod 5.3.59), vendored so CI has it.
CAPTURES = Path(__file__).resolve().parent / "captures"


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
async def procs() -> AsyncIterator[list[asyncio.subprocess.Process]]:
    """Processes a test starts (exporter, Prometheus...): terminated and reaped when it ends, pass or fail."""
    running: list[asyncio.subprocess.Process] = []
    yield running
    for p in running:
        if p.returncode is None:
            p.terminate()
            await p.wait()


def before_each_request(sim: Simulator, hook: Callable[[pb.TPortoRequest], Awaitable[None] | None]) -> None:
    """Run ``hook`` on every request the simulator receives, before it is answered (to watch or delay it)."""
    original = sim.handle

    async def watched(body: bytes, conn: object) -> pb.TPortoResponse | None:
        req = pb.TPortoRequest()
        req.ParseFromString(body)
        pending = hook(req)
        if pending is not None:
            await pending
        return await original(body, conn)

    sim.handle = watched  # type: ignore[method-assign]


class FakeClock:
    """A clock tests move by hand (``clock.now += 15``)."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now
