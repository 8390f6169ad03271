"""The exporter's own metrics: the health samples each cycle adds to its snapshot, and the per-scrape ones.

Health (``porto_up``, each collector's success and duration, the skipped values) is part of the cycle's
exposition, rendered with the collectors' batches. The rest (cycle duration and phases, snapshot and data
age, event-loop lag, requests to portod, build info) changes between scrapes and is few and cheap:
``ExporterMetrics`` renders it per scrape with prometheus_client, reading the scraper's state through
``CycleState`` (this module sits below the scraper, which imports it for the health samples).
"""

from __future__ import annotations

import platform
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from google.protobuf import __version__ as protobuf_version
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector as PromCollector

from . import __version__
from .catalog import (
    COLLECTOR_DURATION,
    COLLECTOR_SUCCESS,
    LABEL_CONFLICTS,
    PARSE_ERRORS,
    PROPERTY_ERRORS,
    SELF_METRICS,
    UP,
    Metric,
)
from .collect.base import Batch, CollectContext, Collector, Sample
from .exposition import Snapshot
from .looplag import LoopLag
from .porto import PortoClient

BUILD = (__version__, platform.python_version(), protobuf_version)


@dataclass(frozen=True)
class CyclePhases:
    """Where the last cycle's time went (seconds).

    ``portod_wait`` is wall time with at least one request outstanding (concurrent requests count once,
    so it never exceeds the cycle); the rest is CPU time.
    """

    portod_wait: float = 0.0
    decode: float = 0.0
    convert: float = 0.0
    render: float = 0.0

    def items(self) -> tuple[tuple[str, float], ...]:
        return (
            ("portod_wait", self.portod_wait),
            ("decode", self.decode),
            ("convert", self.convert),
            ("render", self.render),
        )


@dataclass(frozen=True)
class CollectorRun:
    """How one collector's run went this cycle: the health samples' input."""

    name: str
    ok: bool
    seconds: float  # until it returned, failed or was cut off


def health_batch(runs: Sequence[CollectorRun], up: bool, ctx: CollectContext) -> Batch:
    """This cycle's health samples: each collector's success and duration, ``porto_up``, the skip counters."""
    samples: list[Sample] = []
    for run in runs:
        labels = (("collector", run.name),)
        samples.append(Sample(COLLECTOR_SUCCESS.name, labels, 1 if run.ok else 0))
        samples.append(Sample(COLLECTOR_DURATION.name, labels, run.seconds))
    samples.append(Sample(UP.name, (), 1 if up else 0))
    samples += [
        Sample(PROPERTY_ERRORS.name, (("property", p), ("error", e)), float(n))
        for (p, e), n in sorted(ctx.property_errors.items())
    ]
    samples += [Sample(PARSE_ERRORS.name, (("property", p),), n) for p, n in sorted(ctx.parse_errors.items())]
    samples += [Sample(LABEL_CONFLICTS.name, (("allowlist", a),), n) for a, n in sorted(ctx.label_conflicts.items())]
    return Batch.of(samples)


class CycleState(Protocol):
    """What the per-scrape metrics read of the scraper (``scraper.Scraper`` has it all)."""

    client: PortoClient
    collectors: list[Collector]
    snapshot: Snapshot | None
    simulated: bool
    cycles: int
    cycle_seconds: float
    phases: CyclePhases
    served: dict[str, float]
    loop_lag: LoopLag


class ExporterMetrics(PromCollector):
    """The exporter's own per-scrape metrics, rendered by prometheus_client (few and cheap)."""

    def __init__(self, scraper: CycleState) -> None:
        self.scraper = scraper

    def collect(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
        s = self.scraper
        if s.snapshot is None:  # before the first cycle ends: say so rather than serve nothing
            yield family(UP, [((), 0)])
            yield family(COLLECTOR_SUCCESS, [((c.name,), 0) for c in s.collectors])
        yield family(SELF_METRICS["build_info"], [(BUILD, 1)])
        yield family(SELF_METRICS["simulated"], [((), 1 if s.simulated else 0)])
        yield family(SELF_METRICS["cycle_duration"], [((), s.cycle_seconds)])
        yield family(SELF_METRICS["cycles"], [((), s.cycles)])
        yield family(SELF_METRICS["phases"], [((phase,), v) for phase, v in s.phases.items()])
        age = [((), max(0.0, time.time() - s.snapshot.collected_at))] if s.snapshot is not None else []
        yield family(SELF_METRICS["age"], age)
        now = time.time()
        yield family(SELF_METRICS["data_age"], [((name,), max(0.0, now - at)) for name, at in s.served.items()])
        yield family(SELF_METRICS["loop_lag"], [((), s.loop_lag.value())])
        stats = s.client.stats
        methods = sorted(stats.methods.items())
        yield family(SELF_METRICS["requests"], [((method,), m.requests) for method, m in methods])
        yield family(SELF_METRICS["failures"], [((method,), m.failures) for method, m in methods])
        yield family(SELF_METRICS["seconds"], [((method,), m.seconds) for method, m in methods])
        yield family(SELF_METRICS["connects"], [((), stats.connects)])
        yield family(SELF_METRICS["connect_failures"], [((), stats.connect_failures)])
        yield family(SELF_METRICS["retries"], [((), stats.retries)])


def family(metric: Metric, samples: Sequence[tuple[tuple[str, ...], float]]) -> GaugeMetricFamily | CounterMetricFamily:
    """A catalog entry as a prometheus_client family (which adds _total to counters itself)."""
    kind = CounterMetricFamily if metric.type == "counter" else GaugeMetricFamily
    out = kind(metric.name, metric.help, labels=list(metric.labels))
    for labels, value in samples:
        out.add_metric(list(labels), value)
    return out
