"""Snapshot -> exposition bytes (text 0.0.4, OpenMetrics, gzip of each)."""

from .render import OPENMETRICS_CONTENT_TYPE, TEXT_CONTENT_TYPE, Renderer, format_value
from .snapshot import Snapshot, build_snapshot

__all__ = ["OPENMETRICS_CONTENT_TYPE", "TEXT_CONTENT_TYPE", "Renderer", "Snapshot", "build_snapshot", "format_value"]
