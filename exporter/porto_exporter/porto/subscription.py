"""An AsyncWait subscription: a connection of its own that portod pushes state changes on.

Kept apart from the request pool because a subscribed connection carries
pushes interleaved with replies (PROTOCOL-NOTES section 10): every frame is
decoded and routed by content, a push (``AsyncWait`` set) to the callback and
anything else to the request waiting for it. Right after subscribing portod
pushes the current state of every matching container, then replies; those
pushes arrive with ``initial=True`` so the caller can reconcile what changed
while it was not listening. "Initial" lasts only until the reply is routed:
a push decoded after the reply frame is a live change, even when both came
in one read. Whatever ends a session (a lost connection, a bad frame, a bug
in a callback) is caught, and the subscription is made again after the same
capped, jittered backoff the pool uses; the task ends only when cancelled.
Going down is logged once (with the reason), coming back once; the retries
in between only at debug. A silence of ``idle`` seconds sends a Version
probe on the connection (replies may interleave with pushes there, section
10): a portod that does not answer it within ``idle`` (at most ``timeout``) is hung (SIGSTOP,
wedged) with the socket still open, and the session ends as if lost, so that
the events collector says it is not subscribed. Only AsyncWait,
StopAsyncWait and Version are ever sent here: reading, never changing,
portod's state.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NoReturn

from . import errors
from . import rpc_pb2 as pb
from .framing import FrameDecoder, FrameError, encode_frame
from .transport import DEFAULT_MAX_FRAME, READ_CHUNK, Backoff, raise_for_error

log = logging.getLogger(__name__)

# How a subscription usually fails: portod away, restarting or answering an error. Anything else is a bug
# somewhere (ours, a callback's, a library's): still retried, but logged with its traceback.
EXPECTED = (OSError, EOFError, errors.PortoError, FrameError, TimeoutError)


def describe(exc: BaseException) -> str:
    """An exception as a log reason: its type and message (a PortoError's message already names its type)."""
    text = str(exc)
    if isinstance(exc, errors.PortoError):
        return text
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _retrieve(future: asyncio.Future[pb.TPortoResponse]) -> None:
    """Mark a reply's exception as seen: nobody awaits a lost subscription's reply, and asyncio would log it."""
    if not future.cancelled():
        future.exception()


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
    failures: int = 0  # sessions that ended or never got subscribed (each retried after a backoff)
    probes: int = 0  # Version probes answered after a silence (portod is alive, just quiet)
    # time.time() since which pushes may have been missed: the loss, or the first attempt if never subscribed
    down_since: float | None = None


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
        idle: float | None = 30.0,
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
        self.timeout = timeout  # for the subscription's reply (after its burst), StopAsyncWait's and a probe's
        self.idle = idle  # seconds without a frame before a Version probe asks whether portod still answers
        self.max_frame = max_frame
        self.backoff = backoff or Backoff(0.05, 5.0, rng)
        self.stats = SubscriptionStats()
        # Why it is not subscribed (the first failure of this outage); None while subscribed or before any attempt.
        self.problem: str | None = None
        self.settled = asyncio.Event()  # set once the first attempt has ended, subscribed or not
        self._down_since = 0.0
        self._writer: asyncio.StreamWriter | None = None
        self._replies: deque[asyncio.Future[pb.TPortoResponse]] = deque()
        self._task: asyncio.Task[None] | None = None

    @property
    def _probe_wait(self) -> float:
        """How long a probe's reply may take: Version is answered at once by a portod that works at all."""
        return self.timeout if self.idle is None else min(self.timeout, self.idle)

    @property
    def running(self) -> bool:
        """The task that keeps the subscription is alive (it ends only when closed)."""
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        """Start the task that keeps the subscription; again if it ended, which only ``close`` should do."""
        if self.running:
            return
        ended = self._task
        if ended is not None:
            failure = None if ended.cancelled() else ended.exception()
            why = describe(failure) if failure is not None else "cancelled" if ended.cancelled() else "returned"
            log.error("events: the subscription task on %s had ended (%s); starting it again", self.socket_path, why)
        if not self.stats.connected and self.stats.down_since is None:
            self.stats.down_since = time.time()  # nothing heard yet: what it would count is missed from now
        self._task = asyncio.create_task(self._run(), name=f"AsyncWait on {self.socket_path}")

    def _request(self, field: str) -> asyncio.Future[pb.TPortoResponse]:
        """Send AsyncWait or StopAsyncWait with this subscription's masks, or the Version probe; the future gets
        the reply."""
        assert self._writer is not None
        req = pb.TPortoRequest()
        if field == "Version":
            req.Version.SetInParent()
        else:
            wait = getattr(req, field)
            wait.name.extend(self.masks)
            wait.label.extend(self.labels)
        future: asyncio.Future[pb.TPortoResponse] = asyncio.get_running_loop().create_future()
        future.add_done_callback(_retrieve)
        self._replies.append(future)
        self._writer.write(encode_frame(req.SerializeToString()))
        return future

    async def _run(self) -> None:
        """Subscribe, deliver pushes, re-subscribe after every loss; ends only when cancelled."""
        while True:
            try:
                await self._session()
            except Exception as exc:  # every failure is retried; CancelledError (close) is not an Exception
                failure = exc
            finally:
                self._drop()
            delay = self.backoff.failed()
            self._went_down(failure, delay)
            await asyncio.sleep(delay)

    def _went_down(self, failure: Exception, delay: float) -> None:
        """Log the first failure of an outage as a warning, the retries that follow at debug."""
        self.stats.failures += 1
        reason = describe(failure)
        trace = None if isinstance(failure, EXPECTED) else failure  # a bug: its traceback, once
        if self.problem is not None:
            log.debug(
                "events: subscribing to portod's pushes on %s failed again (%s); next try in %.2fs",
                self.socket_path,
                reason,
                delay,
                exc_info=trace,
            )
            return
        self.problem = reason
        self._down_since = time.monotonic()
        self.settled.set()
        what = "lost" if self.stats.subscriptions else "not made"
        log.warning(
            "events: subscription to portod's pushes on %s %s (%s); retrying with backoff up to %gs, "
            "logged again once subscribed",
            self.socket_path,
            what,
            reason,
            self.backoff.maximum,
            exc_info=trace,
        )

    def _subscribed(self, reply: pb.TPortoResponse) -> None:
        """The AsyncWait reply: pushes from here on are live; log a recovery once."""
        raise_for_error(reply)
        self.backoff.reset()
        self.stats.subscriptions += 1
        self.stats.connected = True
        self.stats.down_since = None
        if self.problem is not None:
            log.info(
                "events: subscribed to portod's pushes on %s again after %.1fs down (%s)",
                self.socket_path,
                time.monotonic() - self._down_since,
                self.problem,
            )
            self.problem = None
        self.settled.set()
        if self.on_subscribed is not None:
            self.on_subscribed()

    def _drop(self) -> None:
        """Forget the connection: fail the replies still awaited, close the socket, tell ``on_lost``."""
        was = self.stats.connected
        self.stats.connected = False
        if was and self.stats.down_since is None:  # (a hung portod: already set to when it was last heard)
            self.stats.down_since = time.time()
        for future in self._replies:
            if not future.done():
                future.set_exception(errors.SocketError("subscription connection closed"))
        self._replies.clear()
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        if was and self.on_lost is not None:
            try:
                self.on_lost()
            except Exception as exc:  # runs in a finally: raising here would end the subscription for good
                log.error("events: the subscription's on_lost callback failed: %s", describe(exc), exc_info=exc)

    async def _session(self) -> NoReturn:
        """Connect, subscribe, route frames; returns only by raising (it reads until the connection ends).

        Once subscribed, ``idle`` seconds without a frame send a Version probe on this connection: no reply
        within ``idle`` (at most ``timeout``) means portod is hung (stopped, wedged), and the session ends like
        a lost one: a hung portod shows within twice ``idle``.
        """
        reader, self._writer = await asyncio.open_unix_connection(self.socket_path, limit=READ_CHUNK)
        decoder = FrameDecoder(self.max_frame)
        loop = asyncio.get_running_loop()
        subscribe: asyncio.Future[pb.TPortoResponse] | None = self._request("AsyncWait")
        probe: asyncio.Future[pb.TPortoResponse] | None = None
        until: float | None = loop.time() + self.timeout  # for the reply awaited (AsyncWait's, then a probe's)
        heard = time.time()  # when portod last sent a frame
        while True:
            if until is None and self.idle is not None:
                until = loop.time() + self.idle  # silence this long: probe
            try:
                async with asyncio.timeout_at(until) as deadline:
                    chunk = await reader.read(READ_CHUNK)  # cancel-safe: what arrives stays buffered
            except TimeoutError as exc:
                if not deadline.expired():  # a socket's ETIMEDOUT: its own message says it
                    raise
                if subscribe is not None:
                    raise TimeoutError(f"no reply to AsyncWait within {self.timeout:g}s") from exc
                if probe is not None:  # events may have been missed since portod last sent anything
                    self.stats.down_since = heard
                    raise TimeoutError(
                        f"portod hung: no push for {self.idle:g}s and no reply to a Version probe "
                        f"on the subscription connection within {self._probe_wait:g}s"
                    ) from exc
                probe = self._request("Version")
                until = loop.time() + self._probe_wait
                continue
            if not chunk:
                raise errors.SocketError("portod closed the subscription connection")
            heard = time.time()
            if subscribe is None and probe is None:
                until = None  # a frame: the silence starts again
            for body in decoder.feed(chunk):
                self._route(body)
                if subscribe is not None and subscribe.done():  # before the next frame: it is live
                    reply, subscribe, until = subscribe.result(), None, None
                    self._subscribed(reply)
                if probe is not None and probe.done():
                    raise_for_error(probe.result())
                    probe, until = None, None
                    self.stats.probes += 1

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
        writer = self._writer
        if writer is not None and self.stats.connected:
            try:
                async with asyncio.timeout(min(self.timeout, 2.0)):
                    raise_for_error(await self._request("StopAsyncWait"))
            except (errors.PortoError, OSError, TimeoutError) as exc:  # closing anyway: portod drops it with us
                log.debug("events: StopAsyncWait on %s not answered (%s)", self.socket_path, describe(exc))
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self._drop()
        self.settled.set()  # nobody waits for a first attempt that will not come
        if writer is not None:
            with contextlib.suppress(OSError):
                await writer.wait_closed()
