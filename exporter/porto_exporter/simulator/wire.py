"""The simulated portod's socket: listening, connections, framing, and the faults tests inject.

Each connection reads varint32-framed requests and writes one reply per
request, in order, as portod does; a connection subscribed with AsyncWait is
also written pushes, whole frames, whenever a container changes state. While
anyone is subscribed a timer applies due lifecycle events (exits, OOM kills,
respawns), so pushes come when they happen rather than on the next request.
``Faults`` lets tests delay replies, cut a reply mid-frame, answer
PortodReloaded, or stop and restart listening; ``sleep_cost`` sleeps for the
modelled portod time of each request; ``drop_subscriptions`` cuts every
subscribed connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from dataclasses import dataclass

from ..porto import rpc_pb2 as pb
from .cost import CostModel
from .daemon import Daemon
from .delimited import BadStream, RequestReader, delimit
from .dispatch import Dispatcher
from .host import Host
from .metrics_endpoint import MetricsEndpoint
from .namespace import ClientPlace

log = logging.getLogger(__name__)

MAX_REQUEST = 64 << 20  # portod refuses above daemon.max_msg_len (32 MiB by default, its config.cpp)


@dataclass
class Faults:
    """Knobs for tests; each counter is consumed by the next replies."""

    delay: float = 0.0
    drop_mid_frame: int = 0
    reloaded: int = 0
    sleep_cost: bool = False  # sleep for the modelled portod time


TICK = 0.1  # seconds between lifecycle timer runs while someone is subscribed


class _Conn:
    """A client connection: the owner of the weak containers it creates, and where its pushes go."""

    def __init__(self, writer: asyncio.StreamWriter, view: ClientPlace | None = None) -> None:
        self.writer = writer
        self.view = view  # a client placed in a container (client_view.listen_as): names translated

    def push(self, response: pb.TPortoResponse) -> None:
        sent = response if self.view is None else self.view.push(response)
        if sent is None:
            return  # a container outside the client's namespace
        if not self.writer.is_closing():
            self.writer.write(delimit(sent.SerializeToString()))


class Simulator:
    """A portod on a unix socket over a ``Host``; ``async with`` starts and stops it."""

    def __init__(
        self, host: Host, socket_path: str, *, faults: Faults | None = None, metrics_socket: str | None = None
    ) -> None:
        self.host = host
        self.socket_path = socket_path
        self.faults = faults or Faults()
        self.daemon = Daemon(host)
        self.dispatcher = Dispatcher(self.daemon)
        # portod's own metrics endpoint (HTTP), served beside the API socket when given a path
        self.metrics = MetricsEndpoint(self.daemon, metrics_socket) if metrics_socket else None
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._ticker: asyncio.Task[None] | None = None

    @property
    def cost(self) -> CostModel:
        return self.daemon.cost

    # --- listening ------------------------------------------------------

    async def start(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.socket_path)
        self._server = await asyncio.start_unix_server(self._serve, path=self.socket_path, limit=1 << 20)
        self._ticker = asyncio.create_task(self._tick())
        if self.metrics is not None:
            await self.metrics.start()

    async def stop(self) -> None:
        """Stop listening and drop every connection (like portod going away)."""
        if self._server is not None:
            self._server.close()
            self._server = None
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker
            self._ticker = None
        for writer in list(self._writers):
            writer.close()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.socket_path)
        if self.metrics is not None:
            await self.metrics.stop()

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    async def __aenter__(self) -> Simulator:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def _tick(self) -> None:
        host = self.host
        while True:
            await asyncio.sleep(TICK)
            if host.events.watches or host.tickers:
                try:
                    host.advance(host.clock())
                except Exception:  # a bug in a workload must not stop the clock of the others
                    log.exception("simulator: applying lifecycle events failed")

    def drop_subscriptions(self) -> int:
        """The fault knob: close every connection with an AsyncWait subscription (returns how many)."""
        conns = [c for c in self.host.events.watches if isinstance(c, _Conn)]
        for conn in conns:
            self.host.events.unsubscribe(conn)
            conn.writer.close()
        return len(conns)

    # --- connections ----------------------------------------------------

    async def _serve(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, view: ClientPlace | None = None
    ) -> None:  # view: its client is placed in a container (``client_view.listen_as``)
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        self._writers.add(writer)
        self.daemon.clients_connected += 1
        self.daemon.clients_open = len(self._writers)
        conn = _Conn(writer, view)
        incoming = RequestReader(MAX_REQUEST)
        try:
            while True:
                chunk = await reader.read(1 << 16)
                if not chunk:
                    return
                for body in incoming.feed(chunk):
                    response = await self.handle(body, conn)
                    if response is None:
                        return  # garbage or a missing required field: close without a reply
                    if not await self._send(writer, response):
                        return
        except (BadStream, ConnectionError):
            return
        except asyncio.CancelledError:
            pass
        finally:
            self._writers.discard(writer)
            self.daemon.clients_open = len(self._writers)
            self._tasks.discard(task)
            with contextlib.suppress(Exception):
                writer.close()
            self.host.events.unsubscribe(conn)
            self.host.reap_weak(conn)

    async def _send(self, writer: asyncio.StreamWriter, response: pb.TPortoResponse) -> bool:
        faults = self.faults
        if faults.delay:
            await asyncio.sleep(faults.delay)
        frame = delimit(response.SerializeToString())
        if faults.drop_mid_frame > 0:
            faults.drop_mid_frame -= 1
            writer.write(frame[: max(1, len(frame) // 2)])
            await writer.drain()
            writer.close()
            return False
        writer.write(frame)
        await writer.drain()
        return True

    async def handle(self, body: bytes, conn: object) -> pb.TPortoResponse | None:
        """Answer one request body; None means: close the connection without replying."""
        reloaded = self.faults.reloaded > 0
        if reloaded:
            self.faults.reloaded -= 1
        view = getattr(conn, "view", None)
        response, cost = (self.dispatcher if view is None else view).handle(body, conn, reloaded=reloaded)
        if cost and self.faults.sleep_cost:
            await asyncio.sleep(cost)
        return response
