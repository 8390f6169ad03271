"""Asyncio client for portod's unix socket.

One request in flight per connection; a small pool lets concurrent tasks call
safely. Every call has a deadline; a dropped connection or PortodReloaded is
retried once for idempotent reads, never for writes. Connection attempts are
spaced by a capped exponential backoff with jitter, so a dead portod is not
hammered.
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import random
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from . import errors
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
    connect_failures: int = 0
    retries: int = 0
    decode_seconds: float = 0.0  # CPU time spent decoding replies (on the calling thread)

    def request_seconds(self) -> float:
        return sum(m.seconds for m in self.methods.values())

    def record(self, method: str, seconds: float, ok: bool) -> None:
        stats = self.methods.setdefault(method, MethodStats())
        stats.requests += 1
        stats.seconds += seconds
        if not ok:
            stats.failures += 1


@dataclass(frozen=True, slots=True)
class GetEntry:
    """One container in a v4 Get reply; a value is a string or the typed error portod gave."""

    name: str
    values: dict[str, str | errors.PortoError]
    change_time: int
    no_changes: bool


@dataclass(frozen=True, slots=True)
class GetResult:
    timestamp: int
    containers: list[GetEntry]


def method_of(request: pb.TPortoRequest) -> str:
    """The name of the (first) command set in a request, for stats and logs."""
    fields = request.ListFields()
    return fields[0][0].name if fields else "Empty"


def raise_for_error(response: pb.TPortoResponse) -> None:
    if response.error != pb.Success:
        raise errors.error_for(response.error, response.errorMsg)


class _Connection:
    """One socket to portod; used by one caller at a time."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, max_frame: int) -> None:
        self._reader = reader
        self._writer = writer
        self._decoder = FrameDecoder(max_frame)
        self.broken = False

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
        with contextlib.suppress(Exception):
            self._writer.close()


class PortoClient:
    """Talks to portod. Safe to share between tasks; ``max_connections`` bounds parallelism."""

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
        self._idle: list[_Connection] = []
        self._backoff_initial = backoff_initial
        self._backoff_max = backoff_max
        self._rng = rng or random.Random()
        self._failures = 0
        self._next_attempt = 0.0
        self._closed = False

    async def __aenter__(self) -> PortoClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Close idle connections; calls in flight finish on their own."""
        self._closed = True
        while self._idle:
            self._idle.pop().close()

    # --- transport ------------------------------------------------------

    def _backoff_delay(self) -> float:
        base = min(self._backoff_max, self._backoff_initial * (2 ** min(self._failures - 1, 30)))
        return base * (0.5 + self._rng.random() / 2)

    async def _connect(self) -> _Connection:
        loop = asyncio.get_running_loop()
        if loop.time() < self._next_attempt:
            # Fail fast while backing off: a caller (a scrape) must not hang on a dead portod.
            raise errors.SocketUnavailable(
                f"cannot connect to {self.socket_path}: backing off after {self._failures} failures"
            )
        try:
            reader, writer = await asyncio.open_unix_connection(self.socket_path, limit=READ_CHUNK)
        except OSError as exc:
            self._failures += 1
            self.stats.connect_failures += 1
            self._next_attempt = loop.time() + self._backoff_delay()
            raise errors.SocketUnavailable(f"cannot connect to {self.socket_path}: {exc}") from exc
        self._failures = 0
        self._next_attempt = 0.0
        self.stats.connects += 1
        return _Connection(reader, writer, self.max_frame)

    async def _roundtrip_once(self, body: bytes) -> bytes:
        async with self._slots:
            conn = self._idle.pop() if self._idle else await self._connect()
            try:
                reply = await conn.roundtrip(body)
            except FrameTooLarge as exc:
                conn.close()
                raise errors.FrameTooLargeError(str(exc)) from exc
            except FrameError as exc:
                conn.close()
                raise errors.ProtocolError(str(exc)) from exc
            except (OSError, EOFError) as exc:
                conn.close()
                raise errors.SocketError(f"connection to portod lost: {exc!r}") from exc
            except BaseException:
                conn.close()  # timeout/cancel mid-reply: the stream is out of sync
                raise
            if conn.broken or self._closed:
                conn.close()
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
        try:
            async with asyncio.timeout(budget):
                attempts = 2 if idempotent else 1
                for attempt in range(attempts):
                    try:
                        reply = await self._roundtrip_once(body)
                        response = pb.TPortoResponse()
                        decode_started = time.thread_time()
                        try:
                            response.ParseFromString(reply)
                        except Exception as exc:  # protobuf's DecodeError and friends
                            raise errors.ProtocolError(f"undecodable reply to {method}: {exc}") from exc
                        finally:
                            self.stats.decode_seconds += time.thread_time() - decode_started
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
            self.stats.record(method, time.perf_counter() - started, ok)

    # --- reads (idempotent: retried once) --------------------------------

    async def _read(self, request: pb.TPortoRequest, timeout: float | None) -> pb.TPortoResponse:
        return await self.call(request, timeout=timeout, idempotent=True)

    async def version(self, *, timeout: float | None = None) -> pb.TVersionResponse:
        req = pb.TPortoRequest()
        req.Version.SetInParent()
        return (await self._read(req, timeout)).Version

    async def get_system(self, *, timeout: float | None = None) -> pb.TGetSystemResponse:
        req = pb.TPortoRequest()
        req.GetSystem.SetInParent()
        return (await self._read(req, timeout)).GetSystem

    async def list(
        self, mask: str | None = None, *, changed_since: int | None = None, timeout: float | None = None
    ) -> list[str]:
        req = pb.TPortoRequest()
        req.List.SetInParent()
        if mask is not None:
            req.List.mask = mask
        if changed_since is not None:
            req.List.changed_since = changed_since
        return list((await self._read(req, timeout)).List.name)

    async def get_raw(
        self,
        names: Sequence[str],
        variables: Sequence[str],
        *,
        changed_since: int | None = None,
        nonblock: bool = False,
        sync: bool = False,
        real: bool = False,
        timeout: float | None = None,
    ) -> pb.TPortoResponse:
        """The v4 Get as portod's raw reply (for callers that parse lazily)."""
        req = pb.TPortoRequest()
        get = req.Get
        get.name.extend(names)
        get.variable.extend(variables)
        if changed_since is not None:
            get.changed_since = changed_since
        if nonblock:
            get.nonblock = True
        if sync:
            get.sync = True
        if real:
            get.real = True
        return await self._read(req, timeout)

    async def get(
        self,
        names: Sequence[str],
        variables: Sequence[str],
        *,
        changed_since: int | None = None,
        nonblock: bool = False,
        sync: bool = False,
        real: bool = False,
        timeout: float | None = None,
    ) -> GetResult:
        """The v4 Get; per-value errors come back as exception instances, not raised."""
        rsp = await self.get_raw(
            names, variables, changed_since=changed_since, nonblock=nonblock, sync=sync, real=real, timeout=timeout
        )
        entries = []
        for item in rsp.Get.list:
            values: dict[str, str | errors.PortoError] = {}
            for kv in item.keyval:
                values[kv.variable] = errors.error_for(kv.error, kv.errorMsg) if kv.error else kv.value
            entries.append(GetEntry(item.name, values, item.change_time, item.no_changes))
        return GetResult(rsp.timestamp, entries)

    async def list_containers_by(
        self,
        filters: Iterable[str | pb.TListContainersFilter] = ("***",),
        properties: Sequence[str] | None = None,
        *,
        timeout: float | None = None,
    ) -> pb.TPortoResponse:
        """The v5 ListContainersBy; the reply's ``timestamp`` is the next changed_since cursor."""
        req = pb.TPortoRequest()
        lcb = req.ListContainersBy
        for flt in filters:
            if isinstance(flt, str):
                lcb.filters.add(name=flt)
            else:
                lcb.filters.add().CopyFrom(flt)
        if properties is not None:
            lcb.field_options.properties.extend(properties)
        return await self._read(req, timeout)

    async def list_volumes(
        self, path: str | None = None, container: str | None = None, *, timeout: float | None = None
    ) -> builtins.list[pb.TVolumeDescription]:
        req = pb.TPortoRequest()
        req.ListVolumes.SetInParent()
        if path is not None:
            req.ListVolumes.path = path
        if container is not None:
            req.ListVolumes.container = container
        return list((await self._read(req, timeout)).ListVolumes.volumes)

    async def get_volume(
        self,
        paths: Sequence[str] = (),
        container: str | None = None,
        *,
        changed_since: int | None = None,
        timeout: float | None = None,
    ) -> pb.TPortoResponse:
        req = pb.TPortoRequest()
        req.GetVolume.SetInParent()
        req.GetVolume.path.extend(paths)
        if container is not None:
            req.GetVolume.container = container
        if changed_since is not None:
            req.GetVolume.changed_since = changed_since
        return await self._read(req, timeout)

    async def list_layers(
        self, place: str | None = None, mask: str | None = None, *, timeout: float | None = None
    ) -> pb.TListLayersResponse:
        req = pb.TPortoRequest()
        req.ListLayers.SetInParent()
        if place is not None:
            req.ListLayers.place = place
        if mask is not None:
            req.ListLayers.mask = mask
        return (await self._read(req, timeout)).ListLayers

    async def list_storages(
        self, place: str | None = None, mask: str | None = None, *, timeout: float | None = None
    ) -> pb.TListStoragesResponse:
        req = pb.TPortoRequest()
        req.ListStorages.SetInParent()
        if place is not None:
            req.ListStorages.place = place
        if mask is not None:
            req.ListStorages.mask = mask
        return (await self._read(req, timeout)).ListStorages

    async def get_property(self, name: str, prop: str, *, timeout: float | None = None) -> str:
        req = pb.TPortoRequest()
        req.GetProperty.name = name
        req.GetProperty.property = prop
        return (await self._read(req, timeout)).GetProperty.value

    # --- writes (never retried): used by tests and the demo to shape a host ---

    async def _write(self, request: pb.TPortoRequest, timeout: float | None = None) -> pb.TPortoResponse:
        return await self.call(request, timeout=timeout, idempotent=False)

    async def create(self, name: str, *, weak: bool = False) -> None:
        req = pb.TPortoRequest()
        (req.CreateWeak if weak else req.Create).name = name
        await self._write(req)

    async def destroy(self, name: str) -> None:
        req = pb.TPortoRequest()
        req.Destroy.name = name
        await self._write(req)

    async def set_property(self, name: str, prop: str, value: str) -> None:
        req = pb.TPortoRequest()
        req.SetProperty.name = name
        req.SetProperty.property = prop
        req.SetProperty.value = value
        await self._write(req)

    async def set_label(self, name: str, label: str, value: str) -> None:
        req = pb.TPortoRequest()
        req.SetLabel.name = name
        req.SetLabel.label = label
        req.SetLabel.value = value
        await self._write(req)

    async def start(self, name: str) -> None:
        req = pb.TPortoRequest()
        req.Start.name = name
        await self._write(req)

    async def stop(self, name: str) -> None:
        req = pb.TPortoRequest()
        req.Stop.name = name
        await self._write(req)

    async def kill(self, name: str, sig: int = 9) -> None:
        req = pb.TPortoRequest()
        req.Kill.name = name
        req.Kill.sig = sig
        await self._write(req)

    async def pause(self, name: str) -> None:
        req = pb.TPortoRequest()
        req.Pause.name = name
        await self._write(req)

    async def resume(self, name: str) -> None:
        req = pb.TPortoRequest()
        req.Resume.name = name
        await self._write(req)
