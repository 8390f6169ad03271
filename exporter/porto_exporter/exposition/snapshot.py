"""An immutable, fully rendered exposition: what a scrape copies out."""

from __future__ import annotations

import gzip
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Bytes for each format, plain and gzipped, plus when the data was collected."""

    text: bytes
    openmetrics: bytes  # without the final "# EOF": the web layer appends its own metrics first
    text_gzip: bytes
    openmetrics_gzip: bytes
    collected_at: float  # time.time() of the cycle that produced the Porto data
    samples: int

    def body(self, openmetrics: bool, gzipped: bool) -> bytes:
        if openmetrics:
            return self.openmetrics_gzip if gzipped else self.openmetrics
        return self.text_gzip if gzipped else self.text


def build_snapshot(text: bytes, openmetrics: bytes, collected_at: float, samples: int) -> Snapshot:
    """Gzip both bodies once (level 6: most of the size win for a fraction of level 9's CPU).

    A gzip stream may hold several members; the web layer appends a small
    member with the per-scrape metrics, so these bytes are never recompressed.
    """
    text_gz = gzip.compress(text, 6, mtime=0)
    om_gz = gzip.compress(openmetrics, 6, mtime=0)
    return Snapshot(text, openmetrics, text_gz, om_gz, collected_at, samples)
