"""porto-exporter: flags -> client, collectors, scraper, HTTP server; graceful shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from .collect import (
    Collector,
    ContainersCollector,
    EventsCollector,
    LabelAllowlist,
    PortodMetricsCollector,
    Selection,
    StorageCollector,
    SystemCollector,
    VolumesCollector,
)
from .collect.portod_metrics import TIMEOUT as PORTOD_METRICS_TIMEOUT
from .config import Config, ConfigError, load
from .porto import PortoClient
from .porto.errors import PortoError, SocketError
from .scraper import Scraper
from .web import WebConfig, build_app
from .web.guard import WebGuard
from .web.listeners import ListenError, Listeners, bind
from .web.server import HttpLimits, LimitedRunner
from .web.webconfig import WebConfigError, WebSettings, load_web_config

log = logging.getLogger("porto_exporter")
DEMO_CONTAINERS = 24
SWITCH_INTERVAL = 0.0005  # seconds a thread holds the GIL before others may run (Python's default: 0.005)
DEMO_PROBE_TIMEOUT = 2.0  # seconds --demo gives portod to answer Version before it starts the simulator


def _ts(record: logging.LogRecord) -> str:
    """RFC 3339 UTC with milliseconds, as node_exporter's logs write it."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z"


def _level(record: logging.LogRecord) -> str:
    """The level names of --log.level (warn, not warning)."""
    return {"WARNING": "warn", "CRITICAL": "error"}.get(record.levelname, record.levelname.lower())


class LogfmtFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        msg = record.getMessage().replace('"', '\\"')
        line = f'ts={_ts(record)} level={_level(record)} logger={record.name} msg="{msg}"'
        if record.exc_info:
            line += ' exc="' + self.formatException(record.exc_info).replace("\n", "\\n").replace('"', "'") + '"'
        return line


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        doc = {"ts": _ts(record), "level": _level(record), "logger": record.name, "msg": record.getMessage()}
        if record.exc_info:
            doc["exc"] = self.formatException(record.exc_info)
        return json.dumps(doc)


def setup_logging(cfg: Config) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if cfg.log_format == "json" else LogfmtFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel({"warn": "WARNING"}.get(cfg.log_level, cfg.log_level.upper()))
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)


def build_collectors(cfg: Config) -> list[Collector]:
    out: list[Collector] = []
    if "system" in cfg.collectors:
        out.append(SystemCollector())
    if "containers" in cfg.collectors:
        out.append(
            ContainersCollector(
                selection=Selection(tuple(cfg.include), tuple(cfg.exclude), cfg.max_depth),
                allowlist=LabelAllowlist(cfg.labels_allowlist),
                disabled_groups=cfg.disabled_groups,
                api=cfg.api,  # type: ignore[arg-type]
                slow_interval=cfg.slow_interval,
            )
        )
    if "volumes" in cfg.collectors:
        out.append(VolumesCollector())
    if "storage" in cfg.collectors:
        out.append(StorageCollector())
    if "events" in cfg.collectors:
        # portod sends the pushes of the included containers only; --containers.exclude and --containers.max-depth
        # cut per-container series, not these per-group counters (a batch group's jobs are what it counts)
        out.append(EventsCollector(group_depth=cfg.events_group_depth, masks=tuple(cfg.include) or ("***",)))
    if "portod_metrics" in cfg.collectors:
        out.append(PortodMetricsCollector(cfg.metrics_socket, timeout=min(PORTOD_METRICS_TIMEOUT, cfg.timeout)))
    return out


async def portod_answers(path: str, timeout: float) -> str | None:
    """None when a portod answers Version at ``path`` within ``timeout``; else why not, in words.

    A socket file proves nothing: portod gone, the file stays (connection refused), or hung.
    A reply, even an error, is portod answering.
    """
    try:
        async with PortoClient(path, timeout=timeout) as probe:
            await probe.version()
    except SocketError as exc:
        return exc.message or type(exc).__name__
    except PortoError:
        pass
    return None


async def serve(cfg: Config, web_settings: WebSettings | None = None) -> int:
    try:
        sockets = bind(cfg.listen)  # first: a taken address is one line, before anything else has started
    except ListenError as exc:
        print(f"porto-exporter: --web.listen-address: {exc}", file=sys.stderr)
        return 1
    # The render thread holds the GIL in 5 ms turns by default; the event loop then waits behind it for
    # every send. 0.5 ms turns keep /-/healthy and /metrics answering while a big host renders.
    sys.setswitchinterval(SWITCH_INTERVAL)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    sim = None
    tmp = None
    runner = None
    listeners = None
    watcher = None
    try:
        absent = await portod_answers(cfg.socket, min(cfg.porto_timeout, DEMO_PROBE_TIMEOUT)) if cfg.demo else None
        if cfg.demo and absent is None:
            log.info("demo: portod is at %s and answers, exporting it (no simulator)", cfg.socket)
        elif cfg.demo:
            from .simulator import Simulator, build_host

            tmp = tempfile.TemporaryDirectory(prefix="porto-exporter-demo-")
            real, cfg.socket = cfg.socket, str(Path(tmp.name) / "portod.socket")
            cfg.metrics_socket = str(Path(tmp.name) / "portod_metrics.socket")  # its own endpoint too
            sim = Simulator(build_host(seed=1, containers=DEMO_CONTAINERS, batch_jobs=True), cfg.socket,
                            metrics_socket=cfg.metrics_socket)  # fmt: skip
            await sim.start()
            log.warning("demo: no portod answers at %s (%s); serving SIMULATED data from the embedded portod "
                        "simulator on %s (porto_exporter_simulated 1), not a real host", real, absent, cfg.socket)
        client = PortoClient(cfg.socket, timeout=cfg.porto_timeout)  # per request; the cycle has --scrape.timeout
        scraper = Scraper(client, build_collectors(cfg), interval=cfg.interval, timeout=cfg.timeout,
                          max_age=cfg.max_age)  # fmt: skip
        scraper.simulated = sim is not None
        guard = WebGuard(web_settings) if web_settings is not None else None
        app = build_app(scraper, WebConfig(cfg.telemetry_path, cfg.max_requests, cfg.disable_exporter_metrics), guard)
        runner = LimitedRunner(app, HttpLimits(cfg.header_timeout, cfg.max_connections), shutdown_timeout=10.0)
        await runner.setup()
        listeners = Listeners(runner, sockets)
        await listeners.serve(web_settings.tls if web_settings is not None else None)
        for url in listeners.urls(cfg.telemetry_path):
            log.info("listening on %s", url)
        if guard is not None:
            serving = listeners
            watcher = asyncio.create_task(guard.watch(lambda new, end: serving.serve(new.tls, end_connections=end)))
        await stop.wait()
        log.info("shutting down")
        return 0
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
        if runner is not None:
            await runner.cleanup()  # finish responses in flight, stop the loop, close portod
        if sim is not None:
            await sim.stop()
        if tmp is not None:
            tmp.cleanup()


def main(argv: Sequence[str] | None = None) -> int:
    try:
        cfg = load(sys.argv[1:] if argv is None else argv)
    except ConfigError as exc:
        print(f"porto-exporter: {exc}", file=sys.stderr)
        return 2
    setup_logging(cfg)
    web_settings = None
    if cfg.web_config_file:
        try:
            web_settings = load_web_config(cfg.web_config_file)
        except WebConfigError as exc:
            print(f"porto-exporter: --web.config.file: {exc}", file=sys.stderr)
            return 2
        for warning in web_settings.warnings:
            log.warning("%s", warning)
    return asyncio.run(serve(cfg, web_settings))


if __name__ == "__main__":
    sys.exit(main())
