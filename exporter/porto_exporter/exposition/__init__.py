"""Batches of samples -> exposition bytes (text 0.0.4, OpenMetrics, gzip of each)."""

from .render import OPENMETRICS_CONTENT_TYPE, TEXT_CONTENT_TYPE, DuplicateFamily, Exposition, Renderer
from .snapshot import Snapshot, build_snapshot, gzip_member

__all__ = [
    "OPENMETRICS_CONTENT_TYPE",
    "TEXT_CONTENT_TYPE",
    "DuplicateFamily",
    "Exposition",
    "Renderer",
    "Snapshot",
    "build_snapshot",
    "gzip_member",
]
