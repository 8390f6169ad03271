"""The collector registry, as node_exporter's ``registerCollector``: every collector declared once.

Each entry says which class collects, whether it is on by default (``--collector.<name>`` /
``--no-collector.<name>``), the catalog families it serves, the groups of them a flag of their own
switches (``--collector.containers.<group>``) and how it is built from the flags. The collector's name
and capabilities are the class's own (``Collector``). ``config.py`` builds the collector flags from this
table, ``cli.py`` the collectors, ``metrics_doc.py`` the collector column of docs/metrics.md; a new
Porto source is a collector module and one entry here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..catalog import (
    CGROUP_VERSION,
    CONTAINER_INFO,
    CONTAINER_LABELS,
    CONTAINER_METRICS,
    CONTAINER_STATE,
    DAEMON_CONTAINERS,
    DAEMON_INFO,
    EVENT_METRICS,
    KUBERNETES_INFO,
    LAYER_IDLE,
    LAYERS,
    META_STORAGE_GAUGES,
    NAMESPACE_INFO,
    OPT_IN_GROUPS,
    PORTOD_ENDPOINT_METRICS,
    PORTOD_METRICS_ERRORS,
    STORAGE_IDLE,
    STORAGES,
    SYSTEM_FIELDS,
    VOLUME_GAUGES,
    VOLUME_INFO,
)
from .base import Collector
from .containers import Api, ContainersCollector
from .events import EventsCollector
from .kubernetes import Kubernetes, Mode
from .labels import LabelAllowlist
from .portod_metrics import DEFAULT_METRICS_SOCKET, TIMEOUT, PortodMetricsCollector
from .selection import Selection
from .storage import StorageCollector
from .system import SystemCollector
from .volumes import VolumesCollector


@dataclass(frozen=True)
class CollectorSettings:
    """What the collectors take from the flags (``config.Config.collector_settings``); defaults as the flags'."""

    include: tuple[str, ...] = ()  # --containers.include
    exclude: tuple[str, ...] = ()  # --containers.exclude
    max_depth: int | None = None  # --containers.max-depth
    labels_allowlist: tuple[str, ...] = ()  # --labels.allowlist
    disabled_groups: frozenset[str] = OPT_IN_GROUPS  # from --[no-]collector.containers.<group>
    api: Api = "auto"  # --porto.api
    slow_interval: float = 60.0  # --scrape.slow-interval
    events_group_depth: int = 1  # --events.group-depth
    metrics_socket: str = DEFAULT_METRICS_SOCKET  # --porto.metrics-socket
    cycle_timeout: float = 10.0  # --scrape.timeout
    kubernetes_mode: Mode = "auto"  # --kubernetes.mode
    kubernetes_labels: tuple[str, ...] = ()  # --kubernetes.labels-allowlist


@dataclass(frozen=True)
class Group:
    """A part of a collector's families switched by ``--[no-]collector.<collector>.<name>``."""

    name: str
    about: str  # what the flags' help says they export or leave out: "the container io metrics"
    default: bool  # exported unless turned off (False: opt-in)
    families: tuple[str, ...]


@dataclass(frozen=True)
class Registration:
    """One collector: its class (name, capabilities), default, families and groups, and its factory."""

    kind: type[Collector]
    build: Callable[[CollectorSettings], Collector]
    families: tuple[str, ...]  # served whatever groups are chosen
    default: bool = True  # --collector.<name> unless --no-collector.<name>
    groups: tuple[Group, ...] = ()

    @property
    def name(self) -> str:
        return self.kind.name

    @property
    def asks_portod(self) -> bool:
        return self.kind.asks_portod


def _names(names: Iterable[str]) -> tuple[str, ...]:
    """Family names once each, in the catalog's order (several GetSystem fields share one family)."""
    return tuple(dict.fromkeys(names))


def _containers(s: CollectorSettings) -> Collector:
    return ContainersCollector(
        selection=Selection(s.include, s.exclude, s.max_depth),
        allowlist=LabelAllowlist(s.labels_allowlist),
        disabled_groups=s.disabled_groups,
        api=s.api,
        slow_interval=s.slow_interval,
        kubernetes=Kubernetes(s.kubernetes_mode, s.kubernetes_labels),
    )


def _events(s: CollectorSettings) -> Collector:
    # portod sends the pushes of the included containers only; --containers.exclude and --containers.max-depth
    # cut per-container series, not these per-group counters (a batch group's jobs are what it counts)
    return EventsCollector(group_depth=s.events_group_depth, masks=s.include or ("***",))


def _portod_metrics(s: CollectorSettings) -> Collector:
    return PortodMetricsCollector(s.metrics_socket, timeout=min(TIMEOUT, s.cycle_timeout))


CONTAINER_GROUPS = tuple(sorted({cm.group for cm in CONTAINER_METRICS}))

# In --help order (and the order the collectors run in).
REGISTRY: tuple[Registration, ...] = (
    Registration(
        SystemCollector,
        lambda _: SystemCollector(),
        _names([DAEMON_INFO.name, NAMESPACE_INFO.name, *(name for _, name, *_ in SYSTEM_FIELDS)]),
    ),
    Registration(
        ContainersCollector,
        _containers,
        (
            DAEMON_CONTAINERS.name,
            CGROUP_VERSION.name,
            CONTAINER_INFO.name,
            CONTAINER_STATE.name,
            CONTAINER_LABELS.name,
            KUBERNETES_INFO.name,
        ),
        groups=tuple(
            Group(
                g,
                f"the container {g} metrics",
                g not in OPT_IN_GROUPS,
                tuple(cm.metric.name for cm in CONTAINER_METRICS if cm.group == g),
            )
            for g in CONTAINER_GROUPS
        ),
    ),
    Registration(
        VolumesCollector, lambda _: VolumesCollector(), (VOLUME_INFO.name, *(name for name, *_ in VOLUME_GAUGES))
    ),
    Registration(
        StorageCollector,
        lambda _: StorageCollector(),
        (LAYERS.name, LAYER_IDLE.name, STORAGES.name, STORAGE_IDLE.name, *(name for name, *_ in META_STORAGE_GAUGES)),
    ),
    Registration(EventsCollector, _events, tuple(m.name for m in EVENT_METRICS)),
    Registration(
        PortodMetricsCollector,
        _portod_metrics,
        (*(em.metric.name for em in PORTOD_ENDPOINT_METRICS), PORTOD_METRICS_ERRORS.name),
    ),
)


def build_collectors(enabled: Iterable[str], settings: CollectorSettings) -> list[Collector]:
    """The collectors named in ``enabled``, in registry order, built with ``settings``."""
    chosen = set(enabled)
    return [entry.build(settings) for entry in REGISTRY if entry.name in chosen]
