"""--demo: export portod when one answers at --porto.socket, else an embedded simulator, said loudly.

The simulator runs in this process, on a socket in a temporary directory, for as long as the exporter
serves; its data is made up, so the log says so at warn and ``porto_exporter_simulated`` reads 1.
"""

from __future__ import annotations

import contextlib
import logging
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from .porto import PortoClient
from .porto.errors import PortoError, SocketError

log = logging.getLogger(__name__)
DEMO_CONTAINERS = 24
PROBE_TIMEOUT = 2.0  # seconds --demo gives portod to answer Version before it starts the simulator


@dataclass(frozen=True)
class Portod:
    """Where the exporter finds portod (its API and its own metrics endpoint), and whether it is simulated."""

    socket: str
    metrics_socket: str
    simulated: bool


async def portod_answers(path: str, timeout: float) -> str | None:
    """None when a portod answers Version at ``path`` within ``timeout``; else why not, in words.

    A socket file proves nothing: portod gone, the file stays (connection refused), or hung.
    A reply, even an error, is portod answering.
    """
    try:
        async with PortoClient(path, timeout=timeout) as probe:
            await probe.version()
    except SocketError as exc:
        return exc.message or type(exc).__name__
    except PortoError:
        pass
    return None


@contextlib.asynccontextmanager
async def portod_or_simulator(real: Portod, timeout: float) -> AsyncIterator[Portod]:
    """``real`` if its portod answers within ``timeout`` (at most PROBE_TIMEOUT), else a simulator of
    DEMO_CONTAINERS containers and batch jobs started in a temporary directory, stopped and removed on exit."""
    socket = real.socket
    absent = await portod_answers(socket, min(timeout, PROBE_TIMEOUT))
    if absent is None:
        log.info("demo: portod is at %s and answers, exporting it (no simulator)", socket)
        yield real
        return
    from .simulator import Simulator, build_host  # only --demo without a portod pays for importing it

    with tempfile.TemporaryDirectory(prefix="porto-exporter-demo-") as tmp:
        path = str(Path(tmp) / "portod.socket")
        metrics = str(Path(tmp) / "portod_metrics.socket")  # its own metrics endpoint too
        sim = Simulator(build_host(seed=1, containers=DEMO_CONTAINERS, batch_jobs=True), path, metrics_socket=metrics)
        await sim.start()
        try:
            log.warning(
                "demo: no portod answers at %s (%s); serving SIMULATED data from the embedded portod "
                "simulator on %s (porto_exporter_simulated 1), not a real host",
                socket,
                absent,
                path,
            )
            yield Portod(path, metrics, simulated=True)
        finally:
            await sim.stop()
