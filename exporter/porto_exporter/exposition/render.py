"""Samples -> exposition bytes: Prometheus text 0.0.4 and OpenMetrics 1.0.

Rendered once per cycle, never per scrape. HELP/TYPE headers are built once
from the catalog; each distinct label set is escaped once and reused from the
previous cycle's cache, so a container's label prefix is rebuilt only when
its labels change.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable

from ..catalog import Metric, all_metrics
from ..collect.base import Labels, Sample

TEXT_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
OPENMETRICS_CONTENT_TYPE = "application/openmetrics-text; version=1.0.0; charset=utf-8"


def escape_label_value(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def escape_help(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def format_value(value: float) -> str:
    """Like prometheus_client's floatToGoString, with integers printed without '.0'."""
    if value != value:
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


class Renderer:
    """Keeps headers and escaped label sets between cycles."""

    def __init__(self, metrics: Iterable[Metric] | None = None) -> None:
        self.metrics = {m.name: m for m in (metrics if metrics is not None else all_metrics())}
        self._order = list(self.metrics)
        self._label_cache: dict[Labels, str] = {}
        self._text_headers: dict[str, str] = {}
        self._om_headers: dict[str, str] = {}
        for m in self.metrics.values():
            help_ = escape_help(m.help)
            self._text_headers[m.name] = f"# HELP {m.name} {help_}\n# TYPE {m.name} {m.type}\n"
            om_name = m.name.removesuffix("_total") if m.type == "counter" else m.name
            self._om_headers[m.name] = f"# HELP {om_name} {help_}\n# TYPE {om_name} {m.type}\n"

    def _labels(self, labels: Labels, cache: dict[Labels, str], old: dict[Labels, str]) -> str:
        text = old.get(labels)
        if text is None:
            text = "{" + ",".join(f'{k}="{escape_label_value(v)}"' for k, v in labels) + "}" if labels else ""
        cache[labels] = text
        return text

    def render(self, samples: Iterable[Sample]) -> tuple[bytes, bytes]:
        """(text 0.0.4 body, OpenMetrics body without the final '# EOF')."""
        grouped: dict[str, list[Sample]] = defaultdict(list)
        for s in samples:
            grouped[s.name].append(s)
        old = self._label_cache
        cache: dict[Labels, str] = {}
        text_parts: list[str] = []
        om_parts: list[str] = []
        for name in self._order:
            family = grouped.get(name)
            if not family:
                continue
            body = "".join(
                f"{name}{self._labels(s.labels, cache, old)} {format_value(s.value)}\n" for s in family
            )
            text_parts.append(self._text_headers[name])
            text_parts.append(body)
            om_parts.append(self._om_headers[name])
            om_parts.append(body)
        self._label_cache = cache
        unknown = set(grouped) - set(self.metrics)
        if unknown:
            raise KeyError(f"samples for metrics missing from the catalog: {sorted(unknown)}")
        return "".join(text_parts).encode(), "".join(om_parts).encode()
