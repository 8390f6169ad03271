"""The flags (declared in ``flags.py``) and their PORTO_EXPORTER_* environment variables -> a checked ``Config``;
durations and listen addresses."""

from __future__ import annotations

import argparse
import difflib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NoReturn

from . import __version__, checks
from .checks import ConfigError
from .collect.containers import Api
from .collect.kubernetes import Mode
from .collect.portod_metrics import DEFAULT_METRICS_SOCKET
from .collect.registry import REGISTRY, CollectorSettings
from .flags import METRICS_SOCKET_NAME, Option, env_name, group_dest, options
from .porto import DEFAULT_SOCKET

_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d)")
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


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
    metrics_socket: str = DEFAULT_METRICS_SOCKET
    porto_timeout: float = 10.0  # no longer than the cycle's (timeout): a request cannot outlive it
    listen: list[tuple[str, int]] = field(default_factory=lambda: [("", 10091)])
    telemetry_path: str = "/metrics"
    max_requests: int = 40
    header_timeout: float = 10.0
    max_connections: int = 256
    disable_exporter_metrics: bool = False
    interval: float = 15.0
    timeout: float = 10.0
    max_age: float | None = None
    slow_interval: float = 60.0
    collectors: set[str] = field(default_factory=lambda: {entry.name for entry in REGISTRY if entry.default})
    # the groups off unless their flag is given (the opt-in ones), as load() and CollectorSettings have it
    disabled_groups: set[str] = field(
        default_factory=lambda: {g.name for e in REGISTRY for g in e.groups if not g.default}
    )
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    max_depth: int | None = None
    events_group_depth: int = 1
    web_config_file: str | None = None
    labels_allowlist: list[str] = field(default_factory=list)
    kubernetes_mode: Mode = "auto"
    kubernetes_labels: list[str] = field(default_factory=list)
    api: Api = "auto"
    log_level: str = "info"
    log_format: str = "logfmt"
    demo: bool = False

    def collector_settings(self) -> CollectorSettings:
        """What the collectors take from these flags."""
        return CollectorSettings(
            include=tuple(self.include),
            exclude=tuple(self.exclude),
            max_depth=self.max_depth,
            labels_allowlist=tuple(self.labels_allowlist),
            disabled_groups=frozenset(self.disabled_groups),
            api=self.api,
            slow_interval=self.slow_interval,
            events_group_depth=self.events_group_depth,
            metrics_socket=self.metrics_socket,
            cycle_timeout=self.timeout,
            kubernetes_mode=self.kubernetes_mode,
            kubernetes_labels=tuple(self.kubernetes_labels),
        )


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad flag is one line (with a hint) raised as ConfigError, not a page of usage."""

    def error(self, message: str) -> NoReturn:
        known = [a for action in self._actions for a in action.option_strings]
        if message.startswith("unrecognized arguments: "):
            unknown = message.removeprefix("unrecognized arguments: ").split()[0]
            flag = unknown.split("=", 1)[0]
            close = difflib.get_close_matches(flag, known, n=1)
            hint = f"; did you mean {close[0]}?" if close else "; see --help"
            raise ConfigError(f"unknown flag {flag}{hint}")
        raise ConfigError(f"{message} (see --help)")


def build_parser(declared: list[Option] | None = None) -> argparse.ArgumentParser:
    p = _Parser(
        prog="porto-exporter",
        allow_abbrev=False,  # --scrape.int=5s is an error, not --scrape.interval
        description="Prometheus exporter for the Porto container manager. "
        "Every flag can also be set with PORTO_EXPORTER_<FLAG> (dots and dashes as underscores; "
        "switches take true/false, repeatable flags a comma-separated list).",
    )
    p.add_argument("--version", action="version", version=f"porto-exporter {__version__}")
    for o in declared if declared is not None else options():
        if o.kind == "switch":
            p.add_argument(o.flag, dest=o.dest, action="store_const", const=o.const, default=o.default, help=o.help)
        elif o.kind == "append":
            p.add_argument(o.flag, dest=o.dest, action="append", default=[], help=o.help)
        else:
            shown = o.help
            if o.default is not None and "%(default)" not in o.help:
                shown = f"{o.help} (default: {o.default})"
            p.add_argument(o.flag, dest=o.dest, default=o.default, choices=o.choices, help=shown)
    return p


_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def _given(argv: Sequence[str], flag: str) -> bool:
    """Whether the command line has ``flag`` (``--flag value`` or ``--flag=value``; no abbreviations)."""
    return any(a == flag or a.startswith(flag + "=") for a in argv)


def unknown_variables(declared: list[Option], environ: dict[str, str]) -> None:
    """A PORTO_EXPORTER_* variable no flag stands for is a typo that would silently change nothing: refuse it."""
    prefix = "PORTO_EXPORTER_"
    known = sorted(o.env.removeprefix(prefix) for o in declared)  # the common prefix would make anything close
    for name in sorted(environ):
        if name.startswith(prefix) and name.removeprefix(prefix) not in known:
            close = difflib.get_close_matches(name.removeprefix(prefix), known, n=1)
            hint = f"; did you mean {prefix}{close[0]}?" if close else "; see --help for the flags they stand for"
            raise ConfigError(f"unknown variable {name}{hint}")


def env_args(declared: list[Option], environ: dict[str, str], argv: Sequence[str] = ()) -> list[str]:
    """The flags the PORTO_EXPORTER_* variables stand for (put before argv, so the command line wins).

    A repeatable flag on the command line replaces its variable's values rather than adding to them, as a
    single-value flag does: else the same listen address from both would clash with itself.
    """
    extra: list[str] = []
    for o in declared:
        value = environ.get(o.env)
        if value is None or (o.kind == "append" and _given(argv, o.flag)):
            continue
        if o.kind == "switch":
            word = value.strip().lower()
            if word in _TRUE:
                extra.append(o.flag)
            elif word not in _FALSE:
                raise ConfigError(f"{o.env}: expected true or false, got {value!r}")
            elif o.opposite is not None:
                extra.append(o.opposite)
        elif o.kind == "append":
            extra += [f"{o.flag}={v}" for v in value.split(",") if v]
        else:
            extra.append(f"{o.flag}={value}")
    return extra


def _int_flag(flag: str, value: str, *, minimum: int) -> int:
    try:
        number = int(value)
    except ValueError:
        number = minimum - 1
    if number < minimum:
        raise ConfigError(f"--{flag}: expected an integer >= {minimum}, got {value!r}")
    return number


def _from_env(argv: Sequence[str], declared: list[Option], env: dict[str, str], exc: ConfigError) -> ConfigError:
    """An error about a flag the command line did not give but a variable did: name the variable."""
    text = str(exc)
    for o in declared:
        named = text.startswith(f"{o.flag}:") or text.startswith(f"argument {o.flag}:")
        if named and not _given(argv, o.flag) and o.env in env:
            detail = text.split(":", 1)[1].strip() if text.startswith(o.flag) else text.split(": ", 1)[1]
            return ConfigError(f"{o.env}={env[o.env]!r}: {detail}")
    return exc


def load(argv: Sequence[str] | None = None, environ: dict[str, str] | None = None) -> Config:
    """Parse flags and environment into a Config; raises ConfigError naming the bad flag."""
    declared = options()
    env = dict(environ if environ is not None else os.environ)
    args = list(argv if argv is not None else [])
    try:
        return _load(declared, env, args)
    except ConfigError as exc:
        raise _from_env(args, declared, env, exc) from None


def _chosen(given: bool | None, default: bool) -> bool:
    """A --collector.x / --no-collector.x pair's answer: what was given, else the default."""
    return default if given is None else given


def _load(declared: list[Option], env: dict[str, str], argv: list[str]) -> Config:
    parser = build_parser(declared)
    ns = parser.parse_args([*env_args(declared, env, argv), *argv])  # --help and --version exit here
    unknown_variables(declared, env)
    cfg = Config(
        socket=ns.socket,
        telemetry_path=ns.telemetry_path,
        api=ns.api,
        demo=ns.demo,
        disable_exporter_metrics=ns.disable_exporter_metrics,
        log_level=ns.log_level,
        log_format=ns.log_format,
    )
    # portod puts both sockets in one directory: a portod elsewhere (a mount, a chroot) has its metrics there too
    cfg.metrics_socket = ns.metrics_socket or os.path.join(os.path.dirname(ns.socket), METRICS_SOCKET_NAME)

    def duration(flag: str, value: str) -> float:
        try:
            return parse_duration(value)
        except ValueError as exc:
            raise ConfigError(f"--{flag}: {exc}") from None

    cfg.porto_timeout = duration("porto.timeout", ns.porto_timeout)
    cfg.interval = duration("scrape.interval", ns.interval)
    cfg.timeout = duration("scrape.timeout", ns.timeout or "10s")
    cfg.slow_interval = duration("scrape.slow-interval", ns.slow_interval)
    if ns.max_age is not None:
        cfg.max_age = duration("scrape.max-age", ns.max_age)
    if cfg.porto_timeout <= 0:
        raise ConfigError("--porto.timeout: must be positive")
    if cfg.timeout <= 0:
        raise ConfigError("--scrape.timeout: must be positive")
    checks.check_cycle(cfg.interval, cfg.timeout, timeout_given=ns.timeout is not None)
    try:
        cfg.listen = [parse_listen_address(a) for a in (ns.listen or [":10091"])]
    except ValueError as exc:
        raise ConfigError(f"--web.listen-address: {exc}") from None
    for i, address in enumerate(cfg.listen):
        if address in cfg.listen[:i]:  # the exporter would clash with itself: "Address already in use"
            flag = "--web.listen-address"
            where = flag if _given(argv, flag) else env_name(flag)
            raise ConfigError(f"{where} {ns.listen[i]} given twice")
    checks.check_telemetry_path(ns.telemetry_path)
    cfg.max_requests = _int_flag("web.max-requests", ns.max_requests, minimum=1)
    cfg.header_timeout = duration("web.header-timeout", ns.header_timeout)
    if cfg.header_timeout <= 0:
        raise ConfigError("--web.header-timeout: must be positive")
    cfg.max_connections = _int_flag("web.max-connections", ns.max_connections, minimum=1)
    if ns.max_depth is not None:
        cfg.max_depth = _int_flag("containers.max-depth", ns.max_depth, minimum=0)
    cfg.web_config_file = ns.web_config_file or None
    cfg.events_group_depth = _int_flag("events.group-depth", ns.events_group_depth, minimum=1)
    cfg.collectors = {e.name for e in REGISTRY if _chosen(getattr(ns, f"c_{e.name}"), e.default)}
    cfg.disabled_groups = {
        g.name for e in REGISTRY for g in e.groups if not _chosen(getattr(ns, group_dest(e.name, g.name)), g.default)
    }
    cfg.include, cfg.exclude = list(ns.include), list(ns.exclude)
    cfg.labels_allowlist = [p.strip() for item in ns.labels_allowlist for p in item.split(",") if p.strip()]
    checks.check_porto_label_globs(cfg.labels_allowlist)
    cfg.kubernetes_mode = ns.kubernetes_mode
    cfg.kubernetes_labels = [p.strip() for item in ns.kubernetes_labels for p in item.split(",") if p.strip()]
    checks.check_globs(
        "kubernetes.labels-allowlist", cfg.kubernetes_labels, checks.KUBERNETES_KEY_CHARS, "Kubernetes label key"
    )
    return cfg
