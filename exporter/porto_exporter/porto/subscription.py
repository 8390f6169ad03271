"""An AsyncWait subscription: a connection of its own that portod pushes state changes on.

Kept apart from the request pool because a subscribed connection carries
pushes interleaved with replies (PROTOCOL-NOTES section 10): every frame is
decoded and routed by content, a push (``AsyncWait`` set) to the callback and
anything else to the request waiting for it. Right after subscribing portod
pushes the current state of every matching container, then replies; those
pushes arrive with ``initial=True`` so the caller can reconcile what changed
while it was not listening. A lost connection is re-subscribed after the same
capped, jittered backoff the pool uses. Only AsyncWait and StopAsyncWait are
ever sent here: reading, never changing, portod's state.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from . import errors
from . import rpc_pb2 as pb
from .framing import FrameDecoder, FrameError, encode_frame
from .transport import DEFAULT_MAX_FRAME, READ_CHUNK, Backoff, raise_for_error

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class StateChange:
    """One push: a container entered ``state`` (``label``/``value``: exit_code, start_error or a label)."""

    name: str
    state: str
    when: int
    label: str
    value: str
    initial: bool  # part of the burst that answers a (re)subscription: the state now, not a change


@dataclass
class SubscriptionStats:
    received: int = 0  # pushes decoded, the initial bursts included
    subscriptions: int = 0  # successful AsyncWait replies
    connected: bool = False  # subscribed right now


class Subscription:
    """Keeps one AsyncWait subscription alive from ``start`` until ``close`` (which unsubscribes)."""

    def __init__(
        self,
        socket_path: str,
        on_change: Callable[[StateChange], None],
        *,
        masks: Sequence[str] = ("***",),
        labels: Sequence[str] = (),
        on_subscribed: Callable[[], None] | None = None,
        on_lost: Callable[[], None] | None = None,
        timeout: float = 30.0,
        max_frame: int = DEFAULT_MAX_FRAME,
        backoff: Backoff | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.socket_path = socket_path
        self.masks = tuple(masks)
        self.labels = tuple(labels)
        self.on_change = on_change
        self.on_subscribed = on_subscribed
        self.on_lost = on_lost
        self.timeout = timeout  # for the subscription's reply (after its burst) and StopAsyncWait's
        self.max_frame = max_frame
        self.backoff = backoff or Backoff(0.05, 5.0, rng)
        self.stats = SubscriptionStats()
        self._writer: asyncio.StreamWriter | None = None
        self._replies: deque[asyncio.Future[pb.TPortoResponse]] = deque()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name=f"AsyncWait on {self.socket_path}")

    def _request(self, field: str) -> asyncio.Future[pb.TPortoResponse]:
        """Send AsyncWait or StopAsyncWait with this subscription's masks; the future gets the reply."""
        assert self._writer is not None
        req = pb.TPortoRequest()
        wait = getattr(req, field)
        wait.name.extend(self.masks)
        wait.label.extend(self.labels)
        future: asyncio.Future[pb.TPortoResponse] = asyncio.get_running_loop().create_future()
        self._replies.append(future)
        self._writer.write(encode_frame(req.SerializeToString()))
        return future

    async def _run(self) -> None:
        """Subscribe, deliver pushes, re-subscribe after every loss; ends only when cancelled."""
        while True:
            try:
                await self._session()  # returns only by raising: it reads until the connection ends
            except (OSError, EOFError, errors.PortoError, FrameError, TimeoutError) as exc:
                reason = str(exc) or type(exc).__name__
            finally:
                self._drop()
            delay = self.backoff.failed()
            log.warning("events: subscription to portod on %s lost (%s); subscribing again in %.2fs",
                        self.socket_path, reason, delay)  # fmt: skip
            await asyncio.sleep(delay)

    def _drop(self) -> None:
        was = self.stats.connected
        self.stats.connected = False
        for future in self._replies:
            if not future.done():
                future.set_exception(errors.SocketError("subscription connection closed"))
        self._replies.clear()
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        if was and self.on_lost is not None:
            self.on_lost()

    async def _session(self) -> None:
        reader, self._writer = await asyncio.open_unix_connection(self.socket_path, limit=READ_CHUNK)
        decoder = FrameDecoder(self.max_frame)
        subscribe: asyncio.Future[pb.TPortoResponse] | None = self._request("AsyncWait")
        async with asyncio.timeout(self.timeout) as deadline:  # for the reply; lifted once subscribed
            while True:
                chunk = await reader.read(READ_CHUNK)
                if not chunk:
                    raise errors.SocketError("portod closed the subscription connection")
                for body in decoder.feed(chunk):
                    self._route(body)
                if subscribe is not None and subscribe.done():
                    raise_for_error(subscribe.result())
                    subscribe = None
                    deadline.reschedule(None)
                    self.backoff.reset()
                    self.stats.subscriptions += 1
                    self.stats.connected = True
                    if self.on_subscribed is not None:
                        self.on_subscribed()

    def _route(self, body: bytes) -> None:
        rsp = pb.TPortoResponse()
        try:
            rsp.ParseFromString(body)
        except Exception as exc:  # protobuf's DecodeError
            raise errors.ProtocolError(f"undecodable frame on the subscription connection: {exc}") from exc
        if rsp.HasField("AsyncWait"):
            w = rsp.AsyncWait
            self.stats.received += 1
            initial = not self.stats.connected
            self.on_change(StateChange(w.name, w.state, w.when, w.label, w.value, initial))
        elif self._replies:
            future = self._replies.popleft()
            if not future.done():
                future.set_result(rsp)
        else:
            raise errors.ProtocolError(f"a reply nobody asked for on the subscription connection (error {rsp.error})")

    async def close(self) -> None:
        """Unsubscribe with StopAsyncWait (waiting briefly for its reply), then close the connection."""
        if self._writer is not None and self.stats.connected:
            with contextlib.suppress(errors.PortoError, OSError, TimeoutError):
                async with asyncio.timeout(min(self.timeout, 2.0)):
                    raise_for_error(await self._request("StopAsyncWait"))
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self._drop()
