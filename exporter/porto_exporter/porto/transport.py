"""The connection pool under the client: one request in flight per connection, deadlines, reconnects.

Every call has a deadline; a dropped connection or PortodReloaded is retried
once for idempotent reads, never for writes. Connection attempts are spaced by
a capped exponential backoff with jitter, so a dead portod is not hammered.
``ClientStats`` counts what happened, for the exporter's self-metrics.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import stat
import time
import weakref
from dataclasses import dataclass, field
from typing import Any, Self

from . import errors, pieces
from . import rpc_pb2 as pb
from .framing import FrameDecoder, FrameError, FrameTooLarge, encode_frame

DEFAULT_SOCKET = "/run/portod.socket"
DEFAULT_MAX_FRAME = 256 * 1024 * 1024
READ_CHUNK = 256 * 1024


@dataclass
class MethodStats:
    """Totals for one RPC method, for the exporter's self-metrics."""

    requests: int = 0
    failures: int = 0
    seconds: float = 0.0


@dataclass
class ClientStats:
    """What the client has done since it was created."""

    methods: dict[str, MethodStats] = field(default_factory=dict)
    connects: int = 0
    # Times the client connected anew: portod may be another one since. A connection opened while none is open,
    # or after one was lost from portod's side (closed under a request, unreadable) or a connect failed, starts a
    # new generation; the pool opening more connections for concurrent callers, or one to replace a connection the
    # client itself gave up on (a deadline) while others stay open, does not. What is asked of portod "once per
    # connection" (what it lists, where the client is) is asked once per generation.
    generation: int = 0
    connect_failures: int = 0
    backoff_seconds: float = 0.0  # the wait chosen after the last failed connect (0 once connected)
    retries: int = 0
    decode_seconds: float = 0.0  # CPU time spent decoding replies (on the calling thread)
    # wall time with at least one request outstanding (concurrent requests counted once), see busy_seconds
    outstanding: int = 0
    _busy: float = 0.0
    _busy_since: float = 0.0

    def waiting(self) -> None:
        """A request was sent (or is about to be): from now until ``answered`` portod owes a reply."""
        if self.outstanding == 0:
            self._busy_since = time.perf_counter()
        self.outstanding += 1

    def answered(self) -> None:
        """The request's reply arrived (or it failed or was cancelled)."""
        self.outstanding -= 1
        if self.outstanding == 0:
            self._busy += time.perf_counter() - self._busy_since

    def busy_seconds(self) -> float:
        """Wall seconds with at least one request outstanding: the union of the requests' intervals."""
        running = time.perf_counter() - self._busy_since if self.outstanding else 0.0
        return self._busy + running

    def record(self, method: str, seconds: float, ok: bool) -> None:
        stats = self.methods.setdefault(method, MethodStats())
        stats.requests += 1
        stats.seconds += seconds
        if not ok:
            stats.failures += 1


def method_of(request: pb.TPortoRequest) -> str:
    """The name of the (first) command set in a request, for stats and logs."""
    fields = request.ListFields()
    return fields[0][0].name if fields else "Empty"


def raise_for_error(response: pb.TPortoResponse) -> None:
    if response.error != pb.Success:
        raise errors.error_for(response.error, response.errorMsg)


def connect_error(path: str, exc: OSError) -> str:
    """Why a unix socket could not be opened, in words that name the cause (e.g. a file that is no socket)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        mode = None
    if mode is not None and not stat.S_ISSOCK(mode):
        return "not a socket (something else is at that path: is portod running?)"
    return exc.strerror or str(exc) or type(exc).__name__


class Backoff:
    """Capped exponential backoff with jitter between connection attempts."""

    def __init__(self, initial: float = 0.05, maximum: float = 5.0, rng: random.Random | None = None) -> None:
        self.initial = initial
        self.maximum = maximum
        self.failures = 0
        self._rng = rng or random.Random()

    def failed(self) -> float:
        """Count a failure; the delay to wait before the next attempt."""
        self.failures += 1
        base = min(self.maximum, self.initial * (2 ** min(self.failures - 1, 30)))
        return base * (0.5 + self._rng.random() / 2)

    def reset(self) -> None:
        self.failures = 0


class _Connection:
    """One socket to portod; used by one caller at a time."""

    def __init__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, max_frame: int, generation: int = 0
    ) -> None:
        self._reader = reader
        self._writer = writer
        self._decoder = FrameDecoder(max_frame)
        self.broken = False
        self.closed = False
        self.generation = generation  # the client's generation when it was opened

    async def roundtrip(self, body: bytes) -> bytes:
        self.broken = True  # until a whole reply has been read
        self._writer.write(encode_frame(body))
        await self._writer.drain()
        while True:
            chunk = await self._reader.read(READ_CHUNK)
            if not chunk:
                raise errors.SocketError("portod closed the connection")
            frames = self._decoder.feed(chunk)
            if frames:
                # Anything after the first frame would be an unsolicited push
                # notification; this client never subscribes, so drop them.
                self.broken = self._decoder.pending != 0
                return frames[0]

    def close(self) -> None:
        self.broken = True
        self.closed = True
        with contextlib.suppress(Exception):
            self._writer.close()


class Transport:
    """Sends requests to portod. Safe to share between tasks; ``max_connections`` bounds parallelism."""

    def __init__(
        self,
        socket_path: str = DEFAULT_SOCKET,
        *,
        timeout: float = 30.0,
        max_frame: int = DEFAULT_MAX_FRAME,
        max_connections: int = 1,
        backoff_initial: float = 0.05,
        backoff_max: float = 5.0,
        rng: random.Random | None = None,
    ) -> None:
        if max_connections < 1:
            raise ValueError("max_connections must be at least 1")
        self.socket_path = socket_path
        self.timeout = timeout
        self.max_frame = max_frame
        self.stats = ClientStats()
        self._slots = asyncio.Semaphore(max_connections)
        self._capacity = max_connections
        self._waiting: weakref.WeakKeyDictionary[asyncio.Task[Any], str] = weakref.WeakKeyDictionary()
        self._idle: list[_Connection] = []
        self._backoff = Backoff(backoff_initial, backoff_max, rng)
        self._last_connect_error = ""
        self._next_attempt = 0.0
        self.stats.backoff_seconds = 0.0
        self._closed = False
        self._anew = True  # the next connection starts a new generation (one was lost, or a connect failed)
        self._open = 0  # connections open now (idle or in use)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Close idle connections; calls in flight finish on their own."""
        self._closed = True
        while self._idle:
            self._close(self._idle.pop())

    # --- transport ------------------------------------------------------

    async def _connect(self) -> _Connection:
        loop = asyncio.get_running_loop()
        if loop.time() < self._next_attempt:
            # Fail fast while backing off: a caller (a scrape) must not hang on a dead portod.
            # the same words as the attempt that failed, so "still failing" reads the same every cycle
            raise errors.SocketUnavailable(f"cannot connect to {self.socket_path}: {self._last_connect_error}")
        try:
            reader, writer = await asyncio.open_unix_connection(self.socket_path, limit=READ_CHUNK)
        except OSError as exc:
            self._last_connect_error = connect_error(self.socket_path, exc)
            self._anew = True
            self.stats.connect_failures += 1
            self.stats.backoff_seconds = self._backoff.failed()
            self._next_attempt = loop.time() + self.stats.backoff_seconds
            raise errors.SocketUnavailable(f"cannot connect to {self.socket_path}: {self._last_connect_error}") from exc
        self._backoff.reset()
        self._next_attempt = 0.0
        self.stats.backoff_seconds = 0.0
        self.stats.connects += 1
        if self._anew or self._open == 0:  # nothing vouches that portod is the one the last generation spoke to
            self._anew = False
            self.stats.generation += 1
        self._open += 1
        return _Connection(reader, writer, self.max_frame, self.stats.generation)

    def _close(self, conn: _Connection) -> None:
        if not conn.closed:
            conn.close()
            self._open -= 1

    def _lost(self, conn: _Connection) -> None:
        """portod closed ``conn`` (gone, restarted, reloaded): the next connection starts a new generation (unless
        one has begun since ``conn`` was opened)."""
        self._close(conn)
        if conn.generation == self.stats.generation:
            self._anew = True
            for idle in self._idle:  # most likely to the same portod, gone: the retry connects instead
                self._close(idle)
            self._idle.clear()

    async def _roundtrip_once(self, body: bytes) -> bytes:
        async with self._slots:
            conn = self._idle.pop() if self._idle else await self._connect()
            try:
                reply = await conn.roundtrip(body)
            except FrameTooLarge as exc:
                self._close(conn)
                raise errors.FrameTooLargeError(str(exc)) from exc
            except FrameError as exc:
                self._close(conn)
                raise errors.ProtocolError(str(exc)) from exc
            except (OSError, EOFError) as exc:
                self._lost(conn)
                raise errors.SocketError(f"connection to portod lost: {exc!r}") from exc
            except errors.SocketError:  # portod closed the connection
                self._lost(conn)
                raise
            except BaseException:
                self._close(conn)  # timeout/cancel mid-reply: the stream is out of sync
                raise
            if conn.broken or self._closed:
                self._close(conn)
            else:
                self._idle.append(conn)
            return reply

    async def call(
        self, request: pb.TPortoRequest, *, timeout: float | None = None, idempotent: bool = False
    ) -> pb.TPortoResponse:
        """Send one request and return portod's reply; raise the typed error it reports."""
        method = method_of(request)
        budget = self.timeout if timeout is None else timeout
        body = request.SerializeToString()
        started = time.perf_counter()
        ok = False
        task = asyncio.current_task()
        if task is not None:
            self._waiting[task] = method
        try:
            async with asyncio.timeout(budget):
                attempts = 2 if idempotent else 1
                for attempt in range(attempts):
                    try:
                        self.stats.waiting()
                        try:
                            reply = await self._roundtrip_once(body)
                        finally:
                            self.stats.answered()
                        response = pb.TPortoResponse()
                        try:  # a big reply in pieces, the loop free in between (pieces.py)
                            self.stats.decode_seconds += await pieces.parse(response, reply)
                        except Exception as exc:  # protobuf's DecodeError and friends
                            raise errors.ProtocolError(f"undecodable reply to {method}: {exc}") from exc
                        raise_for_error(response)
                        ok = True
                        return response
                    except (errors.PortodReloaded, errors.SocketError) as exc:
                        retryable = isinstance(exc, errors.PortodReloaded) or type(exc) is errors.SocketError
                        if attempt + 1 < attempts and retryable:
                            self.stats.retries += 1
                            continue
                        raise
                raise AssertionError("unreachable")
        except TimeoutError as exc:
            raise errors.SocketTimeout(f"{method} got no reply within {budget:g}s") from exc
        finally:
            if task is not None:
                self._waiting.pop(task, None)
            self.stats.record(method, time.perf_counter() - started, ok)

    def waiting_for(self, task: asyncio.Task[Any]) -> str | None:
        """The portod method ``task`` is waiting on a reply to, if any (ask before cancelling the task)."""
        return self._waiting.get(task)

    def reserve(self, connections: int) -> None:
        """Allow at least ``connections`` requests in flight at once (one per concurrent caller)."""
        while self._capacity < connections:
            self._capacity += 1
            self._slots.release()
