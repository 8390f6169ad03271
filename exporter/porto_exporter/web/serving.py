"""The served app's lifetime: its runner, the listeners on the sockets bound at start, the web config's watch.

On a web config change the watch puts the new TLS on the same listeners (re-served, never re-bound:
``listeners``). Torn down in the order that loses nothing: a reload in flight rolls back, the port
closes (no new connection), then the runner finishes the responses in flight and stops the scraper.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import AsyncIterator

from aiohttp import web

from .guard import WebGuard
from .listeners import Listeners
from .server import HttpLimits, LimitedRunner

log = logging.getLogger(__name__)
SHUTDOWN_TIMEOUT = 10.0  # seconds responses in flight get to finish on shutdown


@contextlib.asynccontextmanager
async def serving(
    app: web.Application,
    sockets: list[socket.socket],
    limits: HttpLimits,
    guard: WebGuard | None = None,
    *,
    telemetry_path: str = "/metrics",
) -> AsyncIterator[Listeners]:
    """Serve ``app`` on ``sockets`` (bound already; closed on exit) until the block ends.

    ``guard`` (with --web.config.file) has the TLS to start with and is watched for changes meanwhile;
    the URLs of ``telemetry_path`` are logged once serving.
    """
    runner = LimitedRunner(app, limits, shutdown_timeout=SHUTDOWN_TIMEOUT)
    listeners: Listeners | None = None
    watcher: asyncio.Task[None] | None = None
    try:
        await runner.setup()
        listeners = Listeners(runner, sockets)
        await listeners.serve(guard.settings.tls if guard is not None else None)
        for url in listeners.urls(telemetry_path):
            log.info("listening on %s", url)
        if guard is not None:
            serving_on = listeners
            watcher = asyncio.create_task(guard.watch(lambda new, end: serving_on.serve(new.tls, end_connections=end)))
        yield listeners
    finally:
        if watcher is not None:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher  # a reload in flight rolls back before the listeners close
        if listeners is not None:
            await listeners.close()  # stop accepting: the port closes now, not after the requests in flight
        else:
            for sock in sockets:
                sock.close()
        await runner.cleanup()  # finish responses in flight, stop the loop, close portod
