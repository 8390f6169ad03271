"""The catalog is the one table of metrics, and docs/metrics.md is generated from it and the collector registry."""

from __future__ import annotations

import re
from pathlib import Path

from porto_exporter.catalog import CONTAINER_METRICS, all_metrics
from porto_exporter.metrics_doc import COMMAND, render_markdown

DOC = Path(__file__).resolve().parents[1] / "docs" / "metrics.md"


def test_docs_metrics_md_is_fresh() -> None:
    assert DOC.read_text() == render_markdown(), f"run: {COMMAND}"


def test_names_follow_the_naming_guide() -> None:
    for m in all_metrics():
        assert re.fullmatch(r"porto_[a-z0-9_]+", m.name), m.name
        assert m.name.endswith("_total") == (m.type == "counter"), m.name
        assert m.help, m.name
        assert not m.name.endswith(("_ms", "_ns", "_us", "_kb", "_mb")), m.name


def test_every_porto_field_is_exported_or_listed_as_left_out() -> None:
    from porto_exporter.catalog import NOT_EXPORTED, SYSTEM_FIELDS
    from porto_exporter.porto import rpc_pb2 as pb

    exported = {cm.field for cm in CONTAINER_METRICS} | {f for f, *_ in SYSTEM_FIELDS}
    left_out = [f for fields, _ in NOT_EXPORTED for f in fields]
    assert len(left_out) == len(set(left_out)), "a field listed twice"
    fields = {
        f.name for m in (pb.TContainerStatus, pb.TContainerSpec, pb.TGetSystemResponse) for f in m.DESCRIPTOR.fields
    }
    assert fields - exported - set(left_out) == set(), "fields neither exported nor explained"
    assert set(left_out) - fields == set(), "explained fields that do not exist"
    # a field both the spec and the status carry may be exported from one and explained for the other
    status, spec = ({f.name for f in m.DESCRIPTOR.fields} for m in (pb.TContainerStatus, pb.TContainerSpec))
    twice = status & spec
    both = sorted((exported & set(left_out)) - twice)
    assert both == [], f"exported and listed as not exported (take them out of NOT_EXPORTED): {both}"
