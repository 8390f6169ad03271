"""aiohttp's HTTP server with the limits a port anyone can reach needs.

aiohttp answers a malformed request 400 but logs it at error with a full traceback (anyone who reaches
the port can flood the log), has no deadline for a request head (a client sending a byte a second
holds a connection for ever) and no cap on open connections, serves HTTP/0.9, and reads a request
body nobody asked for for up to 10 s before closing. Its own options cover part of it: an idle
kept-alive connection is closed after ``keepalive_timeout`` (its default is an hour) and
``lingering_time=0`` closes a connection whose body was not read instead of draining it. The rest is
a small RequestHandler subclass: malformed requests logged on one debug line, a header timer, a
connection count, HTTP/0.9 answered like any malformed request, and ``Connection: close`` on a
response to a request that carries a body.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from aiohttp.http import HttpVersion10
from aiohttp.http_exceptions import BadHttpMessage
from aiohttp.streams import EMPTY_PAYLOAD
from aiohttp.web_protocol import RequestHandler, _ErrInfo
from aiohttp.web_request import BaseRequest

log = logging.getLogger(__name__)

# How long a kept-alive connection may idle between requests: longer than Prometheus' default 1m
# interval, so scrapes reuse their connection, but not aiohttp's hour of a --web.max-connections slot.
IDLE_TIMEOUT = 120.0
REFUSAL_LOG_EVERY = 60.0  # seconds between warnings while connections are being refused
_REFUSAL_BODY = b"too many open connections (--web.max-connections)\n"
REFUSAL = (
    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n"
    b"Content-Length: %d\r\n\r\n%s" % (len(_REFUSAL_BODY), _REFUSAL_BODY)
)


@dataclass(frozen=True)
class HttpLimits:
    header_timeout: float = 10.0  # from connection (or a request's first byte) to its complete head
    max_connections: int = 256  # open at once, over every listener; well below the usual 1024 descriptors


def _one_line(text: object, limit: int = 200) -> str:
    """Untrusted text for a log line: whitespace collapsed, control and non-ASCII escaped, bounded."""
    flat = " ".join(str(text).split()).encode("unicode_escape").decode("ascii")
    return flat if len(flat) <= limit else flat[:limit] + "..."


class Connections:
    """The count of open connections shared by every handler of one server, and the refusal log."""

    def __init__(self, limits: HttpLimits) -> None:
        self.limits = limits
        self.open = 0
        self.refused = 0
        self._warned_at = -REFUSAL_LOG_EVERY

    def admit(self) -> bool:
        if self.open < self.limits.max_connections:
            self.open += 1
            return True
        self.refused += 1
        now = time.monotonic()
        if now - self._warned_at >= REFUSAL_LOG_EVERY:  # a flood of refusals is one line a minute
            self._warned_at = now
            log.warning(
                "refusing new connections: %d open, the --web.max-connections limit (%d refused so far)",
                self.open,
                self.refused,
            )
        return False

    def release(self) -> None:
        self.open -= 1


class LimitedHandler(RequestHandler):
    """One connection: refused at the cap, dropped when a request head is not complete in time."""

    __slots__ = ("_admitted", "_connections", "_head_timer", "_refused")

    def __init__(self, manager: web.Server, *, connections: Connections, **kwargs: Any) -> None:
        super().__init__(manager, **kwargs)
        self._connections = connections
        self._head_timer: asyncio.TimerHandle | None = None
        self._admitted = False
        self._refused = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        if not self._connections.admit():
            self._refused = True
            assert isinstance(transport, asyncio.WriteTransport)
            transport.write(REFUSAL)
            transport.close()
            return
        self._admitted = True
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc: BaseException | None) -> None:
        self._disarm()
        if self._refused:
            return
        if self._admitted:
            self._admitted = False
            self._connections.release()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        if data and self._head_timer is None:  # the first byte of a request: its head has a deadline
            self._arm()
        before = self._request_count
        super().data_received(data)
        parsed = self._request_count - before
        if parsed:
            self._disarm()
            self._vet(parsed)

    def _vet(self, count: int) -> None:
        """Requests just parsed: HTTP/0.9 becomes a 400; a request with a body is answered, then closed."""
        queue = self._messages
        for i in range(max(0, len(queue) - count), len(queue)):
            message, payload = queue[i]
            if isinstance(message, _ErrInfo):
                continue
            if message.version < HttpVersion10:
                error = BadHttpMessage("HTTP/0.9 request: HTTP/1.0 or later required")
                queue[i] = (_ErrInfo(status=400, exc=error, message=error.message), EMPTY_PAYLOAD)
            elif payload is not EMPTY_PAYLOAD:  # none of our endpoints reads a body: don't keep the connection
                queue[i] = (message._replace(should_close=True), payload)

    def _arm(self) -> None:
        self._disarm()
        self._head_timer = self._loop.call_later(self._connections.limits.header_timeout, self._head_timeout)

    def _disarm(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timeout(self) -> None:
        self._head_timer = None
        if self._waiter is not None and not self._waiter.done():  # idle: still waiting for a complete head
            log.debug(
                "closing the connection from %s: no complete request head in %gs (--web.header-timeout)",
                _peer(self.peername),
                self._connections.limits.header_timeout,
            )
            self.force_close()

    def handle_error(
        self, request: BaseRequest, status: int = 500, exc: BaseException | None = None, message: str | None = None
    ) -> web.StreamResponse:
        """A malformed request (the only 400 aiohttp makes here): one debug line, no traceback."""
        if status != 400:
            return super().handle_error(request, status, exc, message)
        reason = _one_line(message or exc or "malformed request")
        log.debug("bad request from %s: %s", request.remote, reason)
        response = web.Response(status=400, text=f"400 Bad Request: {reason}\n")
        response.force_close()
        return response


def _peer(peername: object) -> str:
    return str(peername[0]) if isinstance(peername, tuple) and peername else str(peername)


class LimitedServer(web.Server):
    """aiohttp's low-level server, making LimitedHandler connections that share one count."""

    def __init__(self, handler: Any, *, limits: HttpLimits, **kwargs: Any) -> None:
        super().__init__(handler, **kwargs)
        self.counted = Connections(limits)

    def __call__(self) -> RequestHandler:
        return LimitedHandler(self, loop=self._loop, connections=self.counted, **self._kwargs)


class LimitedRunner(web.AppRunner):
    """web.AppRunner whose server is a LimitedServer; idle connections close, unread bodies aren't drained."""

    def __init__(self, app: web.Application, limits: HttpLimits, **kwargs: Any) -> None:
        kwargs.setdefault("keepalive_timeout", IDLE_TIMEOUT)
        kwargs.setdefault("lingering_time", 0)
        super().__init__(app, **kwargs)
        self.limits = limits

    async def _make_server(self) -> web.Server:
        plain = await super()._make_server()
        return LimitedServer(
            plain.request_handler,
            request_factory=plain.request_factory,
            limits=self.limits,
            handler_cancellation=plain.handler_cancellation,
            loop=plain._loop,
            **plain._kwargs,
        )
