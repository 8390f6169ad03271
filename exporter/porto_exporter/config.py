"""Flags (node_exporter style), their PORTO_EXPORTER_* environment variables, and durations."""

from __future__ import annotations

import argparse
import difflib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, NoReturn

from . import __version__, checks
from .checks import ConfigError
from .collect.containers import Api
from .collect.kubernetes import MODES, Mode
from .collect.portod_metrics import DEFAULT_METRICS_SOCKET
from .collect.registry import REGISTRY, CollectorSettings
from .porto import DEFAULT_SOCKET

_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d)")
METRICS_SOCKET_NAME = os.path.basename(DEFAULT_METRICS_SOCKET)  # beside --porto.socket unless given
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


@dataclass(frozen=True)
class Option:
    """One declared flag: the parser and the environment mapping are both built from these."""

    flag: str  # "--scrape.interval"
    dest: str
    help: str = ""
    kind: Literal["value", "switch", "append"] = "value"
    default: object = None
    const: object = True  # what a switch stores when given
    choices: tuple[str, ...] | None = None
    opposite: str | None = None  # a switch's counterpart (--collector.x / --no-collector.x)

    @property
    def env(self) -> str:
        return env_name(self.flag)


def env_name(flag: str) -> str:
    """``--no-collector.containers.io`` -> ``PORTO_EXPORTER_NO_COLLECTOR_CONTAINERS_IO``."""
    return "PORTO_EXPORTER_" + flag.lstrip("-").replace(".", "_").replace("-", "_").upper()


def collector_options() -> list[Option]:
    """--[no-]collector.<name> for each registered collector, then --[no-]collector.<name>.<group> for its groups.

    Not given, a switch stores None: the registry's default decides.
    """
    out = []
    for entry in REGISTRY:
        on, off = f"--collector.{entry.name}", f"--no-collector.{entry.name}"
        default = "on" if entry.default else "off"
        out.append(
            Option(
                on,
                f"c_{entry.name}",
                f"enable the {entry.name} collector (default {default})",
                "switch",
                None,
                True,
                opposite=off,
            )
        )
        out.append(
            Option(off, f"c_{entry.name}", f"disable the {entry.name} collector", "switch", None, False, opposite=on)
        )
    for entry in REGISTRY:
        for group in entry.groups:
            on, off = f"--collector.{entry.name}.{group.name}", f"--no-collector.{entry.name}.{group.name}"
            default = "on" if group.default else "off"
            out.append(
                Option(
                    on,
                    _group_dest(entry.name, group.name),
                    f"export {group.about} (default {default})",
                    "switch",
                    None,
                    True,
                    opposite=off,
                )
            )
            out.append(
                Option(
                    off,
                    _group_dest(entry.name, group.name),
                    f"leave out {group.about}",
                    "switch",
                    None,
                    False,
                    opposite=on,
                )
            )
    return out


def _group_dest(collector: str, group: str) -> str:
    return f"g_{collector}_{group}"


def options() -> list[Option]:
    """Every flag of porto-exporter but --help and --version, in --help order."""
    out = [
        Option(
            "--demo",
            "demo",
            "export portod at --porto.socket if it is there, else an embedded portod simulator",
            "switch",
            False,
        ),
        Option("--porto.socket", "socket", "portod socket (%(default)s)", default=DEFAULT_SOCKET),
        Option(
            "--porto.metrics-socket",
            "metrics_socket",
            "portod's own Prometheus endpoint, HTTP on a unix socket "
            f"(newer portods: 5.3.59 has it, 5.3.15 not; read by the portod_metrics collector) (default: "
            f"{METRICS_SOCKET_NAME} in --porto.socket's directory: {DEFAULT_METRICS_SOCKET})",
        ),
        Option(
            "--porto.timeout",
            "porto_timeout",
            "deadline per portod request (the cycle ends at --scrape.timeout anyway)",
            default="10s",
        ),
        Option(
            "--porto.api",
            "api",
            "v5 ListContainersBy, v4 Get, or auto (v5, v4 when portod lacks it)",
            default="auto",
            choices=("auto", "v5", "v4"),
        ),
        Option("--web.listen-address", "listen", "address to listen on (:10091), repeatable", "append"),
        Option("--web.telemetry-path", "telemetry_path", "path of the metrics endpoint", default="/metrics"),
        Option("--web.max-requests", "max_requests", "concurrent scrapes before 503", default="40"),
        Option(
            "--web.header-timeout",
            "header_timeout",
            "a client must send a complete request head this soon "
            "after connecting (or after its first byte on a kept-alive connection), else it is disconnected",
            default="10s",
        ),
        Option(
            "--web.max-connections",
            "max_connections",
            "open HTTP connections at once; more are answered 503 and closed",
            default="256",
        ),
        Option(
            "--web.config.file",
            "web_config_file",
            "exporter-toolkit web config: TLS, client certificates, basic auth, headers (re-read when it changes)",
        ),
        Option(
            "--web.disable-exporter-metrics",
            "disable_exporter_metrics",
            "leave out the process and runtime metrics",
            "switch",
            False,
        ),
        Option("--scrape.interval", "interval", "collection interval; 0 = on demand", default="15s"),
        Option(
            "--scrape.timeout",
            "timeout",
            "deadline per collection cycle (default: 10s; given, no longer than "
            "a non-zero --scrape.interval, as Prometheus' scrape_timeout)",
        ),
        Option(
            "--scrape.max-age",
            "max_age",
            "serve the last good data this long after failures "
            "(default 3 x the larger of --scrape.interval and --scrape.timeout)",
        ),
        Option(
            "--scrape.slow-interval",
            "slow_interval",
            "interval for the costly properties (process/thread counts, virtual memory)",
            default="60s",
        ),
    ]
    out += collector_options()
    out += [
        Option(
            "--containers.include", "include", "export only containers matching this Porto mask (repeatable)", "append"
        ),
        Option("--containers.exclude", "exclude", "skip containers matching this Porto mask (repeatable)", "append"),
        Option("--containers.max-depth", "max_depth", "deepest level to export (/ is 0)"),
        Option(
            "--events.group-depth",
            "events_group_depth",
            "levels of the container name kept in the group label "
            "of porto_container_exits_total and friends (1: batch for batch/job-7)",
            default="1",
        ),
        Option(
            "--labels.allowlist",
            "labels_allowlist",
            "Porto labels (names or globs, repeatable or comma-separated) to export on porto_container_labels",
            "append",
        ),
        Option(
            "--kubernetes.mode",
            "kubernetes_mode",
            "porto_container_kubernetes_info for the pods and containers "
            "portoshim (Porto's CRI shim) made, decoded from their labels: auto (whenever there are such), on "
            "(and warn when there are none), off",
            default="auto",
            choices=MODES,
        ),
        Option(
            "--kubernetes.labels-allowlist",
            "kubernetes_labels",
            "Kubernetes labels of pods (keys or globs, "
            "repeatable or comma-separated) to add to porto_container_kubernetes_info as label_<key>",
            "append",
        ),
        Option("--log.level", "log_level", "log level", default="info", choices=("debug", "info", "warn", "error")),
        Option("--log.format", "log_format", "log format", default="logfmt", choices=("logfmt", "json")),
    ]
    return out


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
        g.name for e in REGISTRY for g in e.groups if not _chosen(getattr(ns, _group_dest(e.name, g.name)), g.default)
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
