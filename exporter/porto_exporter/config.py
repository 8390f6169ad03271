"""Flags (node_exporter style), their PORTO_EXPORTER_* environment variables, and durations."""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from . import __version__
from .catalog import CONTAINER_METRICS
from .porto import DEFAULT_SOCKET

COLLECTORS = ("system", "containers", "volumes", "storage")
CONTAINER_GROUPS = tuple(sorted({cm.group for cm in CONTAINER_METRICS}))
_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d)")
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


class ConfigError(ValueError):
    """A flag or environment value is invalid; the message names the flag."""


def parse_duration(text: str) -> float:
    """Prometheus-style durations: ``500ms``, ``15s``, ``1m30s``, ``0``."""
    text = text.strip()
    if text == "0":
        return 0.0
    pos = 0
    total = 0.0
    for m in _DURATION.finditer(text):
        if m.start() != pos:
            break
        total += float(m.group(1)) * _UNITS[m.group(2)]
        pos = m.end()
    if pos != len(text) or not text:
        raise ValueError(f"invalid duration {text!r} (use e.g. 500ms, 15s, 1m)")
    return total


def parse_listen_address(text: str) -> tuple[str, int]:
    """``:10091``, ``0.0.0.0:80``, ``[::1]:10091``, ``localhost:9000`` -> (host, port); '' host = all."""
    if text.startswith("["):
        host, sep, port = text[1:].partition("]:")
        if not sep:
            raise ValueError(f"invalid listen address {text!r}")
    else:
        host, sep, port = text.rpartition(":")
        if not sep:
            raise ValueError(f"invalid listen address {text!r} (use host:port or :port)")
    if not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ValueError(f"invalid port in listen address {text!r}")
    return host, int(port)


@dataclass
class Config:
    socket: str = DEFAULT_SOCKET
    porto_timeout: float = 30.0
    listen: list[tuple[str, int]] = field(default_factory=lambda: [("", 10091)])
    telemetry_path: str = "/metrics"
    max_requests: int = 40
    disable_exporter_metrics: bool = False
    interval: float = 15.0
    timeout: float = 10.0
    max_age: float | None = None
    slow_interval: float = 60.0
    collectors: set[str] = field(default_factory=lambda: set(COLLECTORS))
    disabled_groups: set[str] = field(default_factory=set)
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    max_depth: int | None = None
    labels_allowlist: list[str] = field(default_factory=list)
    api: str = "auto"
    log_level: str = "info"
    log_format: str = "logfmt"
    demo: bool = False


def _env_name(flag: str) -> str:
    return "PORTO_EXPORTER_" + flag.lstrip("-").replace(".", "_").replace("-", "_").upper()


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="porto-exporter",
        description="Prometheus exporter for the Porto container manager. "
        "Every flag can also be set with PORTO_EXPORTER_<FLAG> (dots and dashes as underscores).",
    )
    p.add_argument("--version", action="version", version=f"porto-exporter {__version__}")
    p.add_argument("--demo", action="store_true", help="start an embedded portod simulator and export it")
    p.add_argument("--porto.socket", dest="socket", default=DEFAULT_SOCKET, help="portod socket (%(default)s)")
    p.add_argument("--porto.timeout", dest="porto_timeout", default="30s", help="deadline per portod request")
    p.add_argument("--porto.api", dest="api", default="auto", choices=("auto", "v5", "v4"),
                   help="v5 ListContainersBy, v4 Get, or auto (v5, v4 when portod lacks it)")  # fmt: skip
    p.add_argument("--web.listen-address", dest="listen", action="append", help="address to listen on (:10091), "
                   "repeatable")  # fmt: skip
    p.add_argument("--web.telemetry-path", dest="telemetry_path", default="/metrics")
    p.add_argument("--web.max-requests", dest="max_requests", default="40", help="concurrent scrapes before 503")
    p.add_argument("--web.disable-exporter-metrics", dest="disable_exporter_metrics", action="store_true",
                   help="leave out the process and runtime metrics")  # fmt: skip
    p.add_argument("--scrape.interval", dest="interval", default="15s", help="collection interval; 0 = on demand")
    p.add_argument("--scrape.timeout", dest="timeout", default="10s", help="deadline per collection cycle")
    p.add_argument("--scrape.max-age", dest="max_age", default=None,
                   help="serve the last good data this long after failures (default 3 intervals)")  # fmt: skip
    p.add_argument("--scrape.slow-interval", dest="slow_interval", default="60s",
                   help="interval for the costly properties (process/thread counts, virtual memory)")  # fmt: skip
    for name in COLLECTORS:
        p.add_argument(f"--collector.{name}", dest=f"c_{name}", action="store_true", default=None,
                       help=f"enable the {name} collector (default on)")  # fmt: skip
        p.add_argument(f"--no-collector.{name}", dest=f"c_{name}", action="store_false")
    for group in CONTAINER_GROUPS:
        p.add_argument(f"--no-collector.containers.{group}", dest=f"g_{group}", action="store_true",
                       help=f"leave out the container {group} metrics")  # fmt: skip
    p.add_argument("--containers.include", dest="include", action="append", default=[],
                   help="export only containers matching this Porto mask (repeatable)")  # fmt: skip
    p.add_argument("--containers.exclude", dest="exclude", action="append", default=[],
                   help="skip containers matching this Porto mask (repeatable)")  # fmt: skip
    p.add_argument("--containers.max-depth", dest="max_depth", default=None, help="deepest level to export (/ is 0)")
    p.add_argument("--labels.allowlist", dest="labels_allowlist", action="append", default=[],
                   help="Porto labels (names or globs, repeatable or comma-separated) to export "
                   "on porto_container_labels")  # fmt: skip
    p.add_argument("--log.level", dest="log_level", default="info", choices=("debug", "info", "warn", "error"))
    p.add_argument("--log.format", dest="log_format", default="logfmt", choices=("logfmt", "json"))
    return p


def _apply_env(parser: argparse.ArgumentParser, argv: list[str], environ: dict[str, str]) -> list[str]:
    """Environment values come first so that flags on the command line win."""
    extra: list[str] = []
    for action in parser._actions:
        for flag in action.option_strings:
            if not flag.startswith("--") or flag in ("--help", "--version") or flag.startswith("--no-"):
                continue
            value = environ.get(_env_name(flag))
            if value is None:
                continue
            if action.nargs == 0:
                if value.lower() in ("1", "true", "yes"):
                    extra.append(flag)
                elif flag.startswith("--collector.") and value.lower() in ("0", "false", "no"):
                    extra.append("--no-" + flag[2:])
            elif isinstance(action, argparse._AppendAction):
                extra += [f"{flag}={v}" for v in value.split(",") if v]
            else:
                extra.append(f"{flag}={value}")
    return extra + argv


def _int_flag(flag: str, value: str, *, minimum: int) -> int:
    try:
        number = int(value)
    except ValueError:
        number = minimum - 1
    if number < minimum:
        raise ConfigError(f"--{flag}: expected an integer >= {minimum}, got {value!r}")
    return number


def load(argv: Sequence[str] | None = None, environ: dict[str, str] | None = None) -> Config:
    """Parse flags and environment into a Config; raises ConfigError naming the bad flag."""
    parser = build_parser()
    args_in = _apply_env(parser, list(argv if argv is not None else []), dict(environ if environ is not None
                                                                               else os.environ))  # fmt: skip
    ns = parser.parse_args(args_in)
    cfg = Config(socket=ns.socket, telemetry_path=ns.telemetry_path, api=ns.api, demo=ns.demo,
                 disable_exporter_metrics=ns.disable_exporter_metrics, log_level=ns.log_level,
                 log_format=ns.log_format)  # fmt: skip

    def duration(flag: str, value: str) -> float:
        try:
            return parse_duration(value)
        except ValueError as exc:
            raise ConfigError(f"--{flag}: {exc}") from None

    cfg.porto_timeout = duration("porto.timeout", ns.porto_timeout)
    cfg.interval = duration("scrape.interval", ns.interval)
    cfg.timeout = duration("scrape.timeout", ns.timeout)
    cfg.slow_interval = duration("scrape.slow-interval", ns.slow_interval)
    if ns.max_age is not None:
        cfg.max_age = duration("scrape.max-age", ns.max_age)
    if cfg.porto_timeout <= 0:
        raise ConfigError("--porto.timeout: must be positive")
    if cfg.timeout <= 0:
        raise ConfigError("--scrape.timeout: must be positive")
    try:
        cfg.listen = [parse_listen_address(a) for a in (ns.listen or [":10091"])]
    except ValueError as exc:
        raise ConfigError(f"--web.listen-address: {exc}") from None
    if not ns.telemetry_path.startswith("/"):
        raise ConfigError("--web.telemetry-path: must start with /")
    cfg.max_requests = _int_flag("web.max-requests", ns.max_requests, minimum=1)
    if ns.max_depth is not None:
        cfg.max_depth = _int_flag("containers.max-depth", ns.max_depth, minimum=0)
    cfg.collectors = {name for name in COLLECTORS if getattr(ns, f"c_{name}") is not False}
    cfg.disabled_groups = {g for g in CONTAINER_GROUPS if getattr(ns, f"g_{g}")}
    cfg.include, cfg.exclude = list(ns.include), list(ns.exclude)
    cfg.labels_allowlist = [p.strip() for item in ns.labels_allowlist for p in item.split(",") if p.strip()]
    return cfg
