"""The HTTP side: /metrics (text or OpenMetrics, gzip, HEAD), /, /-/healthy, /-/ready.

Handlers only copy bytes the scraper rendered; the per-scrape part (process
and exporter metrics) is small and rendered by prometheus_client. The
scraper's loop lives in the app's cleanup context; state is reached through
``web.AppKey``.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from importlib import resources

from aiohttp import web
from prometheus_client import CollectorRegistry, GCCollector, PlatformCollector, ProcessCollector
from prometheus_client import generate_latest as text_latest
from prometheus_client.openmetrics.exposition import generate_latest as om_latest

from ..exposition import OPENMETRICS_CONTENT_TYPE, TEXT_CONTENT_TYPE, gzip_member
from ..scraper import Scraper
from ..selfmetrics import ExporterMetrics
from .guard import WebConfigMetrics, WebGuard
from .overview import Overview


@dataclass
class WebConfig:
    telemetry_path: str = "/metrics"
    max_requests: int = 40
    disable_exporter_metrics: bool = False


log = logging.getLogger(__name__)

SCRAPER = web.AppKey("scraper", Scraper)
CONFIG = web.AppKey("web_config", WebConfig)
SELF_REGISTRY = web.AppKey("self_registry", CollectorRegistry)
INFLIGHT = web.AppKey("inflight", list)
OVERVIEW = web.AppKey("overview", Overview)
STATIC = {p.name: p.read_bytes() for p in resources.files(__package__).joinpath("static").iterdir() if p.is_file()}


def qualities(header: str) -> dict[str, float]:
    """``a/b;q=0.5, c`` -> {"a/b": 0.5, "c": 1.0}: each token's quality (a bad q counts as 0)."""
    out: dict[str, float] = {}
    for part in header.split(","):
        token, *params = part.split(";")
        quality = 1.0
        for param in params:
            key, _, value = param.strip().partition("=")
            if key.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if token.strip():
            out[token.strip().lower()] = max(quality, out.get(token.strip().lower(), 0.0))
    return out


def wants_openmetrics(accept: str) -> bool:
    """OpenMetrics when the client ranks it above zero and not below the text format (Prometheus sends both)."""
    q = qualities(accept)
    om = q.get("application/openmetrics-text", 0.0)
    text = max(q.get("text/plain", 0.0), q.get("*/*", 0.0))
    return om > 0 and om >= text


def wants_gzip(accept_encoding: str) -> bool:
    q = qualities(accept_encoding)
    return max(q.get("gzip", 0.0), q.get("*", 0.0)) > 0


async def metrics(request: web.Request) -> web.StreamResponse:
    app = request.app
    inflight = app[INFLIGHT]
    if inflight[0] >= app[CONFIG].max_requests:
        raise web.HTTPServiceUnavailable(text="too many concurrent scrapes\n")
    inflight[0] += 1
    try:
        scraper = app[SCRAPER]
        snapshot = await scraper.current()
        om = wants_openmetrics(request.headers.get("Accept", ""))
        gz = wants_gzip(request.headers.get("Accept-Encoding", ""))
        registry = app[SELF_REGISTRY]
        own = (om_latest(registry) if om else text_latest(registry)) if registry is not None else b""
        if om:
            own = own.replace(b"# EOF\n", b"") + b"# EOF\n"
        # one gzip member for the whole response: the snapshot's cached segments, then ours closing it
        parts = snapshot.parts(om, gz, own) if snapshot is not None else (gzip_member(own) if gz else own,)
        headers = {"Content-Type": OPENMETRICS_CONTENT_TYPE if om else TEXT_CONTENT_TYPE, "Vary": "Accept-Encoding"}
        if gz:
            headers["Content-Encoding"] = "gzip"
        response = web.StreamResponse(headers=headers)
        response.content_length = sum(map(len, parts))
        try:
            await response.prepare(request)
            if request.method != "HEAD":
                for part in parts:  # written part by part: no per-scrape copy of the whole body
                    await response.write(part)
            await response.write_eof()
        except ConnectionError:  # the scraper gave up (its timeout): nothing left to answer
            log.debug("scrape client went away mid-response")
        return response
    finally:
        inflight[0] -= 1


# The page's own files only; data is drawn with textContent, never parsed as markup.
PAGE_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:"


async def landing(request: web.Request) -> web.Response:
    page = STATIC["index.html"].replace(b"{{metrics_path}}", html.escape(request.app[CONFIG].telemetry_path).encode())
    return web.Response(
        body=page, content_type="text/html", charset="utf-8", headers={"Content-Security-Policy": PAGE_CSP}
    )


async def static_file(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    body = STATIC.get(name)
    if body is None or name == "index.html":
        raise web.HTTPNotFound(text="404 Not Found\n")
    kind = "text/javascript" if name.endswith(".js") else "text/css"
    return web.Response(body=body, content_type=kind, charset="utf-8", headers={"Cache-Control": "no-cache"})


async def overview(request: web.Request) -> web.Response:
    """/api/v1/overview: the landing page's data, from the current snapshot (no request to portod)."""
    scraper = request.app[SCRAPER]
    snapshot = scraper.snapshot
    state = {
        "up": scraper.up,
        "cycles": scraper.cycles,
        "cycle_seconds": round(scraper.cycle_seconds, 3),
        "interval_seconds": scraper.interval,
        "socket": scraper.client.socket_path,
        "snapshot_age_seconds": round(time.time() - snapshot.collected_at, 3) if snapshot is not None else None,
        # how old the container rows are (None: none served, e.g. portod down past --scrape.max-age)
        "containers_age_seconds": round(time.time() - served, 3)
        if (served := scraper.served.get("containers")) is not None
        else None,
        "simulated": scraper.simulated,  # --demo on its embedded simulator: the page says so
    }
    # built once per snapshot, off the event loop: at 10,000 containers it reads ~100,000 kept samples
    body = await asyncio.to_thread(request.app[OVERVIEW].document, snapshot, scraper.last_batches, state)
    response = web.Response(body=body, content_type="application/json", headers={"Cache-Control": "no-store"})
    if wants_gzip(request.headers.get("Accept-Encoding", "")):
        response.enable_compression()
    return response


async def healthy(request: web.Request) -> web.Response:
    return web.Response(text="OK\n")


async def ready(request: web.Request) -> web.Response:
    if request.app[SCRAPER].ready:
        return web.Response(text="Ready\n")
    return web.Response(status=503, text="Not ready: no successful collection yet\n")


async def _scrape_loop(app: web.Application) -> AsyncIterator[None]:
    scraper = app[SCRAPER]
    task = asyncio.create_task(scraper.run()) if scraper.interval > 0 else None
    yield
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    await scraper.close()


def build_app(scraper: Scraper, config: WebConfig | None = None, guard: WebGuard | None = None) -> web.Application:
    config = config or WebConfig()
    app = web.Application()
    if guard is not None:
        guard.install(app)  # before any route: every endpoint is behind it
    app[SCRAPER] = scraper
    app[CONFIG] = config
    app[INFLIGHT] = [0]
    registry = CollectorRegistry(auto_describe=True)
    registry.register(ExporterMetrics(scraper))
    if guard is not None:  # only with a web config file
        registry.register(WebConfigMetrics(guard))
    if not config.disable_exporter_metrics:
        ProcessCollector(registry=registry)
        PlatformCollector(registry=registry)
        GCCollector(registry=registry)
    app[SELF_REGISTRY] = registry
    app.router.add_get(config.telemetry_path, metrics)  # also answers HEAD
    app[OVERVIEW] = Overview()
    scraper.observers.append(app[OVERVIEW].observe)
    if config.telemetry_path != "/":
        app.router.add_get("/", landing)
    app.router.add_get("/static/{name}", static_file)
    app.router.add_get("/api/v1/overview", overview)
    app.router.add_get("/-/healthy", healthy)
    app.router.add_get("/-/ready", ready)
    app.cleanup_ctx.append(_scrape_loop)
    return app
