"""What a web config file enforces on every request: basic auth and extra headers; and its reloading.

Every endpoint sits behind the same checks (metrics, the landing page, its
JSON, health). Passwords are checked with bcrypt in a worker thread, once per
distinct (user, password): later requests hit ``PasswordCache``. The file and
the certificate files it names are watched; a change is loaded and swapped in
whole, or, if the new file cannot work or would remove a protection now
enforced, logged as an error and the running config kept.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import logging
import time
from collections.abc import Awaitable, Callable, Iterator

from aiohttp import web
from prometheus_client.metrics_core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from ..catalog import SELF_METRICS
from ..selfmetrics import family
from .webconfig import (
    PasswordCache,
    WebConfigError,
    WebSettings,
    ends_connections,
    fingerprint,
    load_web_config,
    weakening,
)

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
# Puts a TLS context (None: plain HTTP) on the listeners; True: end the connections they hold. OSError: not done.
ServeTls = Callable[[WebSettings, bool], Awaitable[None]]
REALM = 'Basic realm="porto-exporter", charset="UTF-8"'


def credentials(header: str) -> tuple[str, str] | None:
    """(user, password) from an ``Authorization: Basic ...`` header, or None."""
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "basic" or not token:
        return None
    try:
        decoded = base64.b64decode(token.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, sep, password = decoded.partition(":")
    return (user, password) if sep else None


class WebGuard:
    """The current web settings, the aiohttp middleware that applies them, and the file watcher."""

    def __init__(self, settings: WebSettings) -> None:
        self.settings = settings
        self.passwords = PasswordCache()
        self.reloads = 0
        self.reload_failures = 0
        self.last_reload_successful = True  # the file loaded at start counts as the first success
        self.last_success = time.time()

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        settings = self.settings
        if settings.users and not await self._authorized(request, settings):
            raise web.HTTPUnauthorized(
                headers={"WWW-Authenticate": REALM, **settings.headers}, text="401 Unauthorized\n"
            )
        return await handler(request)

    async def on_prepare(self, request: web.Request, response: web.StreamResponse) -> None:
        """Adds the configured headers to every response (errors included)."""
        for name, value in self.settings.headers.items():
            response.headers[name] = value

    async def _authorized(self, request: web.Request, settings: WebSettings) -> bool:
        pair = credentials(request.headers.get("Authorization", ""))
        if pair is None:
            return False
        user, password = pair
        if self.passwords.cached(settings.users, user, password):
            return True
        return await asyncio.to_thread(self.passwords.check, settings.users, user, password)

    def install(self, app: web.Application) -> None:
        app.middlewares.append(self.middleware)
        app.on_response_prepare.append(self.on_prepare)

    async def reload(self, serve_tls: ServeTls) -> bool:
        """Load the file again; True when the new settings replaced the old ones.

        All or nothing: a file that cannot work, or would remove a protection now enforced, or whose TLS
        ``serve_tls`` cannot put on the listeners (it raises OSError and keeps the old ones) leaves the
        running settings in place, with one error line naming the file and the reason.
        """
        running = self.settings
        path = running.path
        try:
            new = load_web_config(path)
            weaker = weakening(running, new)
            if weaker is not None:
                raise WebConfigError(weaker)
        except WebConfigError as exc:
            self._failed()
            log.error("web config changed but cannot be used, keeping the previous one: %s", exc)  # exc names the file
            return False
        except Exception as exc:  # a loading bug must not pass for a good file, nor end the watcher
            self._failed()
            log.error(
                "web config %s changed but loading it failed, keeping the previous one: %s: %s",
                path,
                type(exc).__name__,
                exc,
            )
            return False
        if new.tls_source != running.tls_source:
            try:
                await serve_tls(new, ends_connections(running, new))
            except OSError as exc:
                self._failed()
                log.error(
                    "web config %s changed but its TLS cannot be served, keeping the previous one: %s",
                    path,
                    exc.strerror or exc,
                )
                return False
        for warning in new.warnings:
            log.warning("%s", warning)
        self.settings = new
        self.reloads += 1
        self.last_reload_successful = True
        self.last_success = time.time()
        log.info("web config %s reloaded (%d users, TLS %s)", path, len(new.users), "on" if new.tls else "off")
        return True

    def _failed(self) -> None:
        self.reload_failures += 1
        self.last_reload_successful = False

    async def watch(self, serve_tls: ServeTls, period: float = 1.0) -> None:
        """Poll the watched files; on a change, reload (``serve_tls`` puts a changed TLS context on the listeners)."""
        seen = fingerprint(self.settings.watched)
        while True:
            await asyncio.sleep(period)
            now = fingerprint(self.settings.watched)
            if now == seen:
                continue
            seen = now  # a refused file is reported once, not every period
            try:
                if await self.reload(serve_tls):
                    seen = fingerprint(self.settings.watched)
            except Exception as exc:  # whatever failed, later edits and certificate rotations must still be seen
                self._failed()
                log.error(
                    "web config %s: reload failed, keeping the previous config and watching on: %s: %s",
                    self.settings.path,
                    type(exc).__name__,
                    exc,
                )


class WebConfigMetrics(Collector):
    """Whether web config reloads work, as Prometheus reports its own config reloads: a refused edit is otherwise
    only a log line, and the old certificate it keeps serving expires unnoticed."""

    def __init__(self, guard: WebGuard) -> None:
        self.guard = guard

    def collect(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
        g = self.guard
        yield family(SELF_METRICS["web_reload_ok"], [((), 1 if g.last_reload_successful else 0)])
        yield family(SELF_METRICS["web_reload_time"], [((), g.last_success)])
        yield family(SELF_METRICS["web_reloads"], [((), g.reloads)])
        yield family(SELF_METRICS["web_reload_failures"], [((), g.reload_failures)])
