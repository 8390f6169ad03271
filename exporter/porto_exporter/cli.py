"""porto-exporter: flags -> client, collectors, scraper, HTTP server; graceful shutdown.

This module only composes: the flags are ``config``'s, the log format ``logs``'s, the collectors the
registry's (``collect.registry``), --demo's simulator ``demo``'s, serving and re-serving the bound
sockets ``web``'s.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
from collections.abc import Mapping, Sequence

from .collect import Collector
from .collect import build_collectors as build_registered
from .collect.registry import REGISTRY
from .config import Config, ConfigError, env_args, env_name, load, options
from .demo import Portod, portod_or_simulator
from .logs import setup_logging
from .porto import PortoClient
from .scraper import Scraper
from .web import WebConfig, build_app
from .web.guard import WebGuard
from .web.listeners import ListenError, bind
from .web.server import HttpLimits
from .web.serving import serving
from .web.webconfig import WebConfigError, WebSettings, load_web_config

log = logging.getLogger("porto_exporter")
SWITCH_INTERVAL = 0.0005  # seconds a thread holds the GIL before others may run (Python's default: 0.005)


def build_collectors(cfg: Config) -> list[Collector]:
    """The collectors the flags enable, in the registry's order."""
    return build_registered(cfg.collectors, cfg.collector_settings())


# Flags only one collector reads: ignored when it is off.
READ_BY = {
    "containers": (
        "--labels.allowlist",
        "--kubernetes.mode",
        "--kubernetes.labels-allowlist",
        "--scrape.slow-interval",
        "--containers.max-depth",
        "--porto.api",
    ),
    "events": ("--events.group-depth",),
    "portod_metrics": ("--porto.metrics-socket",),
}


def ignored_flags(cfg: Config, argv: Sequence[str], environ: Mapping[str, str]) -> list[str]:
    """One line per flag given (on the command line or as its variable) that cannot do anything with the others:
    what is ignored and why. Said once, at start; the exporter runs as the flags make it."""
    given: dict[str, str] = {}  # flag -> how it was given: the flag, or the variable standing for it
    for arg in [*env_args(options(), dict(environ), argv), *argv]:
        flag = arg.split("=", 1)[0]
        given[flag] = flag if any(a == flag or a.startswith(flag + "=") for a in argv) else env_name(flag)
    out: list[str] = []
    for entry in REGISTRY:
        if entry.name in cfg.collectors:
            continue
        why = f"the {entry.name} collector is off (--no-collector.{entry.name})"
        out += [
            f"{given[flag]} is ignored: {why}"
            for flag in (
                *(f"--collector.{entry.name}.{g.name}" for g in entry.groups if g.name not in cfg.disabled_groups),
                *READ_BY.get(entry.name, ()),
            )
            if flag in given
        ]
    containers = "containers" in cfg.collectors
    if containers and cfg.kubernetes_mode == "off" and "--kubernetes.labels-allowlist" in given:
        out.append(f"{given['--kubernetes.labels-allowlist']} is ignored: --kubernetes.mode=off decodes no pod labels")
    if containers and "--scrape.slow-interval" in given and 0 < cfg.slow_interval < cfg.interval:
        out.append(
            f"{given['--scrape.slow-interval']}={cfg.slow_interval:g}s is ignored: it is shorter than "
            f"--scrape.interval={cfg.interval:g}s, and the costly properties are read once a cycle at most"
        )
    return out


async def serve(cfg: Config, web_settings: WebSettings | None = None) -> int:
    """Run the exporter until SIGTERM or SIGINT; 1 when a listen address cannot be had."""
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
    async with contextlib.AsyncExitStack() as stack:
        for sock in sockets:  # closed last, in case serving never took them (closing twice is harmless)
            stack.callback(sock.close)
        portod = Portod(cfg.socket, cfg.metrics_socket, simulated=False)
        if cfg.demo:
            portod = await stack.enter_async_context(portod_or_simulator(portod, cfg.porto_timeout))
        cfg.socket, cfg.metrics_socket = portod.socket, portod.metrics_socket
        client = PortoClient(cfg.socket, timeout=cfg.porto_timeout)  # per request; the cycle has --scrape.timeout
        scraper = Scraper(
            client, build_collectors(cfg), interval=cfg.interval, timeout=cfg.timeout, max_age=cfg.max_age
        )
        scraper.simulated = portod.simulated
        guard = WebGuard(web_settings) if web_settings is not None else None
        app = build_app(scraper, WebConfig(cfg.telemetry_path, cfg.max_requests, cfg.disable_exporter_metrics), guard)
        await stack.enter_async_context(
            serving(
                app,
                sockets,
                HttpLimits(cfg.header_timeout, cfg.max_connections),
                guard,
                telemetry_path=cfg.telemetry_path,
            )
        )
        await stop.wait()
        log.info("shutting down")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """The console script: 2 for bad flags or a bad web config file, else what ``serve`` returns."""
    try:
        cfg = load(sys.argv[1:] if argv is None else argv)
    except ConfigError as exc:
        print(f"porto-exporter: {exc}", file=sys.stderr)
        return 2
    setup_logging(cfg.log_level, cfg.log_format)
    for line in ignored_flags(cfg, sys.argv[1:] if argv is None else argv, os.environ):
        log.warning("%s", line)
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
