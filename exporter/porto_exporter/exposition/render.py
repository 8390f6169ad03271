"""Batches of samples -> exposition bytes: Prometheus text 0.0.4 and OpenMetrics 1.0.

Rendered once per cycle, never per scrape. HELP/TYPE headers are built once
from the catalog; label text comes ready from each ``LabelSet``. A family's
body is the same in both formats (only counter headers differ), so both
formats share the body bytes and cost one rendering.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..catalog import Metric, all_metrics
from ..lines import fixed_lines, plain_lines
from ..samples import Batch, EncodingMismatch, Sample, ScaledColumn

TEXT_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
OPENMETRICS_CONTENT_TYPE = "application/openmetrics-text; version=1.0.0; charset=utf-8"


def escape_help(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n")


@dataclass(frozen=True, slots=True)
class Family:
    """One rendered family: its headers in each format and the body they share."""

    text_header: bytes
    om_header: bytes
    body: bytes


@dataclass(frozen=True, slots=True)
class Exposition:
    families: tuple[Family, ...]
    samples: int

    def text(self) -> bytes:
        return b"".join(p for f in self.families for p in (f.text_header, f.body))

    def openmetrics(self) -> bytes:
        """Without the final "# EOF": the web layer appends its own metrics first."""
        return b"".join(p for f in self.families for p in (f.om_header, f.body))


class Renderer:
    """Keeps the catalog's headers; renders families in catalog order."""

    def __init__(self, metrics: Iterable[Metric] | None = None) -> None:
        self.metrics = {m.name: m for m in (metrics if metrics is not None else all_metrics())}
        self._headers: dict[str, tuple[bytes, bytes]] = {}
        self._decimals = {m.name: m.decimals for m in self.metrics.values() if m.decimals}
        for m in self.metrics.values():
            help_ = escape_help(m.help)
            om_name = m.name.removesuffix("_total") if m.type == "counter" else m.name
            text = f"# HELP {m.name} {help_}\n# TYPE {m.name} {m.type}\n".encode()
            om = f"# HELP {om_name} {help_}\n# TYPE {om_name} {m.type}\n".encode()
            self._headers[m.name] = (text, text if om == text else om)

    def render_samples(self, samples: Iterable[Sample]) -> Exposition:
        """Samples in each metric's unit (scaled into the families the catalog gives decimals)."""
        batch = Batch()
        for s in samples:
            batch.add(s.name, s.labels, s.value, decimals=self._decimals.get(s.name, 0))
        return self.render([batch])

    def render(self, batches: Sequence[Batch]) -> Exposition:
        unknown = {name for b in batches for name in (*b.columns, *b.lines)} - self.metrics.keys()
        if unknown:
            raise KeyError(f"samples for metrics missing from the catalog: {sorted(unknown)}")
        families: list[Family] = []
        count = 0
        for name, (text_header, om_header) in self._headers.items():
            decimals = self._decimals.get(name, 0)
            parts: list[str] = []
            for b in batches:
                col = b.columns.get(name)
                if col is not None:
                    if col.decimals != decimals:
                        raise EncodingMismatch(f"{name}: the catalog declares {decimals} decimals, a column holds "
                                               f"{col.decimals}")  # fmt: skip
                    if isinstance(col, ScaledColumn):
                        parts += fixed_lines(name, col.keys, col.values, decimals)
                    else:
                        parts += plain_lines(name, col.keys, col.values)
                written = b.lines.get(name)
                if written:
                    parts += written
            body = "".join(parts)
            if not body:
                continue
            count += body.count("\n")
            families.append(Family(text_header, om_header, body.encode()))
        return Exposition(tuple(families), count)
