"""portod's own metrics endpoint: Prometheus text over HTTP/1.1 on a unix socket, as portod 5.3.59 serves it.

portod answers ``GET /metrics`` (cpp-httplib, one thread) with ``# TYPE`` lines and samples, no HELP, the
families in a fixed order (tests/captures/portod_metrics_http_response.txt was recorded from it), counters
already named ``*_total`` and times in milliseconds; any other path is a 404 with an empty body. The values
come from the simulated daemon: its counters (the same ones GetSystem reports, so the two agree), the host's
containers and volumes, and the request queues the dispatcher accounts every request in (``queues.py``).
``EndpointFaults`` lets tests make it answer badly: another status, another body, or never.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from .daemon import Daemon
from .handlers.system import VERSION_TAG
from .queues import QUEUES

# The state set portod writes, in its order (the root container counts, as meta).
STATES = ("paused", "meta", "stopping", "running", "respawning", "starting", "dead", "destroyed", "stopped")
STARTS = 4  # worker starts: GetSystem's porto_starts in this simulator (handlers/system.py)
MAX_HEAD = 8 << 10  # request line and headers; portod's httplib refuses more too
IDLE = 5.0  # seconds a kept-alive connection may stay idle (httplib's keep_alive_timeout)


@dataclass
class EndpointFaults:
    """What tests make the endpoint do instead of answering well (each applies until changed back)."""

    status: int = 200
    body: bytes | None = None  # sent instead of the metrics (with this Content-Length)
    hang: bool = False  # read the request, never answer
    delay: float = 0.0  # seconds before answering
    raw: bytes | None = None  # written as the whole response (status line and headers included), then closed


class MetricsEndpoint:
    """The endpoint on ``path`` for ``daemon``; ``start``/``stop`` like the simulator's own socket."""

    def __init__(self, daemon: Daemon, path: str, faults: EndpointFaults | None = None) -> None:
        self.daemon = daemon
        self.path = path
        self.faults = faults or EndpointFaults()
        self.requests = 0  # GET /metrics answered or attempted
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)  # as portod does: a stale socket file is replaced
        self._server = await asyncio.start_unix_server(self._serve, path=self.path, limit=MAX_HEAD)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            while True:
                try:
                    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), IDLE)
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError, ConnectionError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                method, _, rest = lines[0].partition(" ")
                target = rest.partition(" ")[0].partition("?")[0]
                close = any(line.lower().replace(" ", "") == "connection:close" for line in lines[1:])
                if not await self._answer(writer, method, target, close) or close:
                    return
        except asyncio.CancelledError:
            pass
        finally:
            self._tasks.discard(task)
            with contextlib.suppress(Exception):
                writer.close()

    async def _answer(self, writer: asyncio.StreamWriter, method: str, target: str, close: bool) -> bool:
        """Write one response; False when the connection is to be dropped instead."""
        keep = "Connection: close\r\n" if close else "Keep-Alive: timeout=5, max=100\r\n"
        if method != "GET" or target != "/metrics":
            status, reason, body, kind = (
                (404, "Not Found", b"", "") if method == "GET" else (400, "Bad Request", b"", "")
            )
        else:
            self.requests += 1
            faults = self.faults
            if faults.delay:
                await asyncio.sleep(faults.delay)
            if faults.hang:
                await asyncio.Event().wait()  # until the client gives up, or stop() cancels
            if faults.raw is not None:
                with contextlib.suppress(ConnectionError):
                    writer.write(faults.raw)
                    await writer.drain()
                return False
            body = faults.body if faults.body is not None else self.render().encode()
            status, kind = faults.status, "Content-Type: text/plain\r\n"
            reason = {200: "OK", 500: "Internal Server Error", 503: "Service Unavailable"}.get(status, "Status")
        head = f"HTTP/1.1 {status} {reason}\r\n{keep}Content-Length: {len(body)}\r\n{kind}\r\n"
        try:
            writer.write(head.encode() + body)
            await writer.drain()
        except ConnectionError:
            return False
        return True

    def render(self) -> str:
        """The text portod would serve now."""
        d = self.daemon
        h = d.host
        now = h.clock()
        containers = h.containers()
        states = Counter(c.state for c in h.by_name.values())
        backends = Counter(v.backend for v in h.volumes.values())
        out: list[str] = []

        def family(name: str, kind: str, samples: Sequence[tuple[str, float]]) -> None:
            out.append(f"# TYPE {name} {kind}\n")
            out.extend(f"{name}{labels} {int(value)}\n" for labels, value in samples)

        def one(name: str, kind: str, value: float) -> None:
            family(name, kind, [("", value)])

        one("daemon_reloads_total", "counter", STARTS)
        one("daemon_reload_shutdown_ms_total", "counter", 46)  # the captured host's reloads
        one("daemon_graceful_shutdown", "gauge", 0)
        one("daemon_reload_restore_ms_total", "counter", 89)
        one("containers_lost_total", "counter", 0)
        one("volumes_lost_total", "counter", 0)
        one("containers_created_total", "counter", h.counters["created"])
        one("containers_started_total", "counter", h.counters["started"])
        one("containers_start_failed_total", "counter", h.counters["start_failed"])
        one("events_queued", "gauge", 1)  # log rotation is always due next
        one("events_top_waiting_ms", "gauge", 0)
        one("clients", "gauge", d.clients_open)
        one("cpuset_rebalances_total", "counter", 0)
        one("volumes_created_total", "counter", len(h.volumes))
        one("errors_total", "counter", d.requests_failed)  # as GetSystem's errors here
        one("cgroup_errors_total", "counter", 0)
        one("warnings_total", "counter", 1)
        one("taints_total", "counter", len(containers) * 4)
        family("version", "gauge", [(f'{{version="{VERSION_TAG}"}}', 1)])
        family("containers", "gauge", [(f'{{state="{s}"}}', states[s]) for s in STATES])
        queues = d.queues
        per_queue = [
            ("requests_queued", "gauge", lambda q: queues.waiting(q, now)),
            ("requests_exec_ms_total", "counter", lambda q: queues.queues[q].exec_ms),
            ("requests_wait_ms_total", "counter", lambda q: queues.queues[q].wait_ms),
            ("requests_lock_ms_total", "counter", lambda q: queues.queues[q].lock_ms),
            ("requests_top_running_ms", "gauge", lambda q: queues.top_running(q, now) * 1000),
        ]
        for name, kind, value in per_queue:
            family(name, kind, [(f'{{queue="{q}"}}', value(q)) for q in QUEUES])
        requests = []
        for q in reversed(QUEUES):  # portod writes the slow and failed ones first, then the others
            for (error, long), n in sorted(queues.queues[q].requests.items(), key=lambda kv: (not kv[0][1], kv[0])):
                labels = {"client": "...", "error": error, "long": long, "queue": q}  # sorted, as portod writes
                requests.append(("{" + ",".join(f'{k}="{v}"' for k, v in labels.items() if v) + "}", n))
        family("requests_total", "counter", requests)
        family("volumes", "gauge", [(f'{{backend="{b}"}}', n) for b, n in sorted(backends.items())])
        return "".join(out)
