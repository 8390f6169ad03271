"""The exporter's listening sockets: bound once, before anything else starts, and re-served, never re-bound,
when the web config's TLS changes.

Binding first makes a taken address one clear error before the simulator, the scraper or the event
subscription have started (and so have nothing to say). Each bound socket stays here; aiohttp gets a
duplicate of it. A TLS change starts a server with the new context on a fresh duplicate of the same socket
and only then stops the old server: the port never closes, so no client is refused meanwhile and no other
process can take the port, and if the new server cannot start the old one simply goes on.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import socket
import ssl
from collections.abc import Sequence

from aiohttp import web

BACKLOG = 128  # aiohttp's default
RETIRE_TIMEOUT = 10.0  # seconds a request in flight on a connection of the old TLS gets to finish


class ListenError(OSError):
    """A --web.listen-address that cannot be bound; the message names it and why."""


def show(host: str, port: int) -> str:
    """``host:port`` as a URL writes it: IPv6 in brackets, '' as every address."""
    if ":" in host:
        return f"[{host}]:{port}"
    return f"{host or '*'}:{port}"


def bind(addresses: Sequence[tuple[str, int]]) -> list[socket.socket]:
    """Bind and listen on every address ('' host: all of them, IPv4 and IPv6, as aiohttp would); all or none."""
    bound: list[socket.socket] = []
    try:
        for host, port in addresses:
            bound += _bind(host, port)
    except BaseException:
        for sock in bound:
            sock.close()
        raise
    return bound


def _bind(host: str, port: int) -> list[socket.socket]:
    try:
        infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise ListenError(f"cannot listen on {show(host, port)}: {exc.strerror}") from None
    out: list[socket.socket] = []
    seen = set()
    unavailable = "no usable address"
    try:
        for family, kind, proto, _, addr in infos:
            if addr in seen:
                continue
            seen.add(addr)
            try:
                sock = socket.socket(family, kind, proto)
            except OSError:
                continue  # a family this host lacks, skipped as asyncio's create_server does
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)  # '' binds IPv4 on its own socket
            try:
                sock.bind(addr)
                sock.listen(BACKLOG)
            except OSError as exc:
                sock.close()
                if exc.errno == errno.EADDRNOTAVAIL:  # a family not enabled (IPv6 off), as asyncio skips it
                    unavailable = exc.strerror or str(exc)
                    continue
                raise ListenError(f"cannot listen on {show(host, port)}: {exc.strerror or exc}") from None
            out.append(sock)
        if not out:
            raise ListenError(f"cannot listen on {show(host, port)}: {unavailable}")
    except BaseException:
        for sock in out:
            sock.close()
        raise
    return out


class Listeners:
    """The bound sockets and the aiohttp sites serving them with the current TLS context (None: plain HTTP)."""

    def __init__(self, runner: web.AppRunner, sockets: list[socket.socket]) -> None:
        self._runner = runner
        self._sockets = sockets
        self._sites: list[web.SockSite] = []
        self._retiring: set[asyncio.Task[None]] = set()
        self.tls: ssl.SSLContext | None = None

    def urls(self, path: str) -> list[str]:
        """Where the exporter serves ``path``, one URL per bound socket (the real port when 0 was asked)."""
        scheme = "https" if self.tls is not None else "http"
        return [f"{scheme}://{show(*sock.getsockname()[:2])}{path}" for sock in self._sockets]

    async def serve(self, tls: ssl.SSLContext | None, *, end_connections: bool = False) -> None:
        """Serve every socket with ``tls``: the new servers start first, then the old ones stop.

        On failure (OSError) the new servers are stopped and the old ones go on as they were.
        ``end_connections``: the connections open now are closed once their request in flight is answered,
        so their clients reconnect and meet the new TLS (a plain keep-alive connection must not outlive TLS
        being turned on, nor one from a client whose CA was removed).
        """
        server = self._runner.server
        kept = server.connections if server is not None and end_connections else []
        started: list[tuple[web.SockSite, socket.socket]] = []
        try:
            for sock in self._sockets:
                dup = sock.dup()
                site = web.SockSite(self._runner, dup, ssl_context=tls, backlog=BACKLOG)
                started.append((site, dup))
                await site.start()
        except BaseException:
            for site, dup in started:
                with contextlib.suppress(RuntimeError):  # a site whose start failed before registering
                    await site.stop()
                dup.close()
            raise
        old, self._sites = self._sites, [site for site, _ in started]
        self.tls = tls
        for site in old:
            await site.stop()
        for handler in kept:
            handler.close()  # an idle connection closes now, a busy one after its response (as aiohttp's shutdown)
        if kept:
            task = asyncio.create_task(self._retire(kept))
            self._retiring.add(task)
            task.add_done_callback(self._retiring.discard)

    @staticmethod
    async def _retire(handlers: list[web.RequestHandler]) -> None:
        """Wait for closing connections' requests in flight (cancelled after RETIRE_TIMEOUT), then close them."""
        await asyncio.gather(*(h.shutdown(RETIRE_TIMEOUT) for h in handlers), return_exceptions=True)

    async def close(self) -> None:
        """Stop serving and close the port (connections in flight are the runner's to finish)."""
        for task in list(self._retiring):
            task.cancel()
        await asyncio.gather(*self._retiring, return_exceptions=True)
        for site in self._sites:
            await site.stop()
        self._sites.clear()
        for sock in self._sockets:
            sock.close()
