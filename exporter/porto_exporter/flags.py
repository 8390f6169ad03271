"""Every flag the exporter takes, declared once (node_exporter style): name, destination, help, default, kind.

``config.py`` builds the parser and the ``PORTO_EXPORTER_*`` environment mapping from these; the collector flags
come from the collector registry.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Literal

from .collect.kubernetes import MODES
from .collect.portod_metrics import DEFAULT_METRICS_SOCKET
from .collect.registry import REGISTRY
from .porto import DEFAULT_SOCKET

METRICS_SOCKET_NAME = os.path.basename(DEFAULT_METRICS_SOCKET)  # beside --porto.socket unless given


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
                    group_dest(entry.name, group.name),
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
                    group_dest(entry.name, group.name),
                    f"leave out {group.about}",
                    "switch",
                    None,
                    False,
                    opposite=on,
                )
            )
    return out


def group_dest(collector: str, group: str) -> str:
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
