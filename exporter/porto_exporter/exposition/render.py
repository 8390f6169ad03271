"""Batches of samples -> exposition bytes: Prometheus text 0.0.4 and OpenMetrics 1.0.

Rendered once per cycle, never per scrape. HELP/TYPE headers are built once
from the catalog; label text comes ready from each ``LabelSet``, lines from
the one ``LineWriter`` (kept pieces' text written once and reused). A family's
body is the same in both formats (only counter headers differ), so both
formats share the body bytes and cost one rendering.

A family comes from one batch (one collector, or the scraper's own health
samples): the same family in two batches would write its series twice, a
malformed exposition, and is refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import attrgetter

from ..catalog import Metric, all_metrics
from ..samples import Batch, EncodingMismatch, Piece, Sample
from .lines import LineWriter

TEXT_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
OPENMETRICS_CONTENT_TYPE = "application/openmetrics-text; version=1.0.0; charset=utf-8"


_TEXT = attrgetter("text")


@dataclass(frozen=True, slots=True)
class _KeptBody:
    """A family of kept pieces as last rendered: reused while the next batch holds the very same pieces."""

    pieces: list[Piece]
    body: bytes
    lines: int


class DuplicateFamily(ValueError):
    """Two batches carry samples of one family: rendering both would write its series twice."""


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
    """Keeps the catalog's headers and the line writer; renders families in catalog order."""

    def __init__(self, metrics: Iterable[Metric] | None = None) -> None:
        self.writer = LineWriter()
        self._kept_bodies: dict[str, _KeptBody] = {}  # the last render's, by family
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
        """Every family the batches carry, in catalog order; each from the one batch that carries it.

        A rendered batch's kept lists must not change afterwards: a family of kept pieces only whose
        list holds the very pieces of the last render (no container's spec, slow tier or state changed)
        takes that render's bytes, neither joined nor encoded again.
        """
        unknown = {name for b in batches for name in (*b.columns, *b.kept)} - self.metrics.keys()
        if unknown:
            raise KeyError(f"samples for metrics missing from the catalog: {sorted(unknown)}")
        owner: dict[str, int] = {}
        for i, b in enumerate(batches):
            for name in b.families():
                if name in owner:
                    raise DuplicateFamily(
                        f"{name}: samples in two batches (#{owner[name]} and #{i}); a family comes from one collector"
                    )
                owner[name] = i
        bodies: dict[str, _KeptBody] = {}
        families: list[Family] = []
        count = 0
        for name, (text_header, om_header) in self._headers.items():
            source = owner.get(name)
            if source is None:
                continue
            body, lines = self._body(name, batches[source], bodies)
            if lines:
                count += lines
                families.append(Family(text_header, om_header, body))
        self._kept_bodies = bodies
        return Exposition(tuple(families), count)

    def _body(self, name: str, b: Batch, bodies: dict[str, _KeptBody]) -> tuple[bytes, int]:
        """One family's body and its number of lines."""
        decimals = self._decimals.get(name, 0)
        col = b.columns.get(name)
        pieces = b.kept.get(name) or []
        if col is None or not col.values:  # kept pieces only
            last = self._kept_bodies.get(name)
            if last is not None and last.pieces == pieces:  # the same piece objects, in the same order
                bodies[name] = last
                return last.body, last.lines
            text = self._join([], pieces, decimals)
            body = text.encode()
            if last is not None and last.body == body:  # new pieces, same text (a slow-tier refresh of gauges):
                body = last.body  # one bytes object, shared with the snapshot that already holds it
            kept = bodies[name] = _KeptBody(pieces, body, text.count("\n"))
            return kept.body, kept.lines
        if col.decimals != decimals:
            raise EncodingMismatch(f"{name}: the catalog declares {decimals} decimals, a column holds {col.decimals}")
        if not pieces:  # a column only: one line per value, no need to count them in the text
            return "".join(self.writer.column(name, col)).encode(), len(col.values)
        text = self._join(self.writer.column(name, col), pieces, decimals)
        return text.encode(), text.count("\n")

    def _join(self, parts: list[str], pieces: list[Piece], decimals: int) -> str:
        """``parts`` followed by the pieces' text, written now for pieces made since they were last rendered."""
        if not pieces:
            return "".join(parts)
        written = len(parts)
        parts += map(_TEXT, pieces)
        try:
            return "".join(parts)
        except TypeError:  # a text not written yet: write those, once
            del parts[written:]
            parts += self.writer.texts(pieces, decimals)
            return "".join(parts)
