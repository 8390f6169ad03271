"""The catalog is the one table of metrics, and docs/metrics.md is generated from it."""

from __future__ import annotations

import re
from pathlib import Path

from porto_exporter.catalog import all_metrics, render_markdown

DOC = Path(__file__).resolve().parents[1] / "docs" / "metrics.md"


def test_docs_metrics_md_is_fresh() -> None:
    assert DOC.read_text() == render_markdown(), "run: python -m porto_exporter.catalog > docs/metrics.md"


def test_names_follow_the_naming_guide() -> None:
    for m in all_metrics():
        assert re.fullmatch(r"porto_[a-z0-9_]+", m.name), m.name
        assert m.name.endswith("_total") == (m.type == "counter"), m.name
        assert m.help, m.name
        assert not m.name.endswith(("_ms", "_ns", "_us", "_kb", "_mb")), m.name
