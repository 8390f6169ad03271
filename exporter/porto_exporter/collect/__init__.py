"""Collectors: one collector per Porto source (system, containers, volumes, storage, events, portod's own metrics),
with the modules they share, turning replies into structured samples; the registry declares them."""

from .base import Batch, CollectContext, Collector, LabelSet, Sample
from .containers import ContainersCollector
from .events import EventsCollector
from .labels import LabelAllowlist
from .portod_metrics import PortodMetricsCollector
from .registry import REGISTRY, CollectorSettings, Registration, build_collectors
from .selection import Selection
from .storage import StorageCollector
from .system import SystemCollector
from .volumes import VolumesCollector

__all__ = [
    "REGISTRY",
    "Batch",
    "CollectContext",
    "Collector",
    "CollectorSettings",
    "ContainersCollector",
    "EventsCollector",
    "LabelAllowlist",
    "LabelSet",
    "PortodMetricsCollector",
    "Registration",
    "Sample",
    "Selection",
    "StorageCollector",
    "SystemCollector",
    "VolumesCollector",
    "build_collectors",
]
