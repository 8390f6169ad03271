"""Rendering: matches prometheus_client, passes promtool, and a golden file for a fixed-seed host.

Regenerate the golden file with ``UPDATE_GOLDEN=1 python -m pytest tests/test_exposition.py``.
"""

from __future__ import annotations

import gzip
import math
import os
import re
import subprocess
import zlib
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.openmetrics.parser import text_string_to_metric_families as om_parse
from prometheus_client.parser import text_string_to_metric_families

from porto_exporter.catalog import all_metrics
from porto_exporter.collect import (
    CollectContext,
    ContainersCollector,
    LabelAllowlist,
    Sample,
    StorageCollector,
    SystemCollector,
    VolumesCollector,
)
from porto_exporter.exposition import DuplicateFamily, Renderer, build_snapshot
from porto_exporter.exposition.lines import fixed_numbers, fixed_point
from porto_exporter.porto import PortoClient
from porto_exporter.samples import (
    Batch,
    EncodingMismatch,
    Kept,
    KeptMap,
    LabelSet,
    NonFiniteValue,
    Piece,
    Scaled,
    ScaledKeptMap,
)
from porto_exporter.simulator import Simulator, build_host

from .conftest import FakeClock

EMPTY_CONTAINER = LabelSet((("container", "a"),))
GOLDEN = Path(__file__).parent / "golden" / "exposition.txt"


async def collect_batches(path: str) -> list[Batch]:
    async with PortoClient(path) as client:
        ctx = CollectContext(client)
        containers = ContainersCollector(allowlist=LabelAllowlist(["TEAM.*", "APP.tier"]))
        await containers.collect(ctx)  # a warm cycle: the slow tier is read from the second one on
        return [await c.collect(ctx) for c in (SystemCollector(), containers, VolumesCollector(), StorageCollector())]


async def collect_all(path: str) -> list[Sample]:
    return [s for batch in await collect_batches(path) for s in batch]


async def fixed_batches(socket_dir: Path) -> list[Batch]:
    host = build_host(seed=42, containers=3, clock=FakeClock(1_795_870_967.0))
    async with Simulator(host, str(socket_dir / "golden.sock")):
        return await collect_batches(str(socket_dir / "golden.sock"))


async def fixed_samples(socket_dir: Path) -> list[Sample]:
    return [s for batch in await fixed_batches(socket_dir) for s in batch]


def reference(samples: list[Sample]) -> bytes:
    """The same samples through prometheus_client's own renderer."""
    metrics = {m.name: m for m in all_metrics()}

    class Fixed:
        def collect(self) -> Iterator[Metric]:
            grouped: dict[str, list[Sample]] = {}
            for s in samples:
                grouped.setdefault(s.name, []).append(s)
            for name, family in grouped.items():
                m = metrics[name]
                fam = (CounterMetricFamily if m.type == "counter" else GaugeMetricFamily)(name, m.help, labels=None)
                for s in family:
                    fam.add_sample(fam.name + ("_total" if m.type == "counter" else ""), dict(s.labels), s.value)
                yield fam

    registry = CollectorRegistry()
    registry.register(Fixed())
    return generate_latest(registry)


def render(samples: list[Sample]) -> tuple[bytes, bytes]:
    exposition = Renderer().render_samples(samples)
    return exposition.text(), exposition.openmetrics()


def parsed(text: str) -> dict[str, tuple[str, set[tuple[tuple[tuple[str, str], ...], float]]]]:
    out = {}
    for fam in text_string_to_metric_families(text):
        out[fam.name] = (fam.type, {(tuple(sorted(s.labels.items())), s.value) for s in fam.samples})
    return out


async def test_same_families_as_prometheus_client(socket_dir: Path) -> None:
    samples = await fixed_samples(socket_dir)
    ours, _ = render(samples)
    assert parsed(ours.decode()) == parsed(reference(samples).decode())


async def test_golden_and_promtool(socket_dir: Path) -> None:
    text, om = render(await fixed_samples(socket_dir))
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_bytes(text)
    assert text == GOLDEN.read_bytes(), "exposition changed: UPDATE_GOLDEN=1 to accept"
    check = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True, check=False)
    assert check.returncode == 0 and not check.stdout and not check.stderr, check.stdout + check.stderr
    families = list(om_parse((om + b"# EOF\n").decode()))  # OpenMetrics parser is strict
    assert any(f.name == "porto_container_cpu_usage_seconds" and f.type == "counter" for f in families)


def test_escaping_and_values() -> None:
    text, _ = render(
        [
            Sample("porto_container_labels", (("container", 'we"ird\\na\nme'),), 1.0),
            Sample("porto_container_memory_usage_bytes", (("container", "x"),), 1.5),
        ]
    )
    fams = parsed(text.decode())
    assert fams["porto_container_labels"][1] == {((("container", 'we"ird\\na\nme'),), 1.0)}
    assert b'porto_container_memory_usage_bytes{container="x"} 1.5\n' in text


async def test_full_output_passes_promtool_at_scale(socket_dir: Path) -> None:
    host = build_host(seed=5, containers=300)
    async with Simulator(host, str(socket_dir / "s.sock")):
        samples = await collect_all(str(socket_dir / "s.sock"))
    text, _ = render(samples)
    check = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True, check=False)
    assert check.returncode == 0 and not check.stdout.strip() and not check.stderr.strip(), check.stderr[:500]
    print(f"{len(set(s.name for s in samples))} families, {len(samples)} samples at 300 bulk containers")


async def test_snapshot_parts_gzip_members_and_shared_bodies(socket_dir: Path) -> None:
    exposition = Renderer().render_samples(await fixed_samples(socket_dir))
    snap = build_snapshot(exposition, 0.0)
    assert snap.body(False, False) == exposition.text()
    assert snap.body(True, False) == exposition.openmetrics()
    # the cached deflate segments make ONE gzip member (clients that stop after the first see it all)
    for om, plain in ((False, exposition.text()), (True, exposition.openmetrics())):
        d = zlib.decompressobj(31)
        assert d.decompress(snap.body(om, True)) == plain and d.eof and d.unused_data == b""
    # counter bodies are shared between the formats (same objects), headers differ
    text_ids = {id(p) for p in snap.text}
    shared = [p for p in snap.openmetrics if id(p) in text_ids]
    assert sum(map(len, shared)) > 0.9 * len(exposition.text())
    assert snap.text != snap.openmetrics


def test_batch_refuses_non_finite_and_normalises_bools() -> None:
    batch = Batch()
    with pytest.raises(NonFiniteValue):
        batch.add("porto_up", (), math.inf)
    with pytest.raises(NonFiniteValue):
        batch.add("porto_up", (), math.nan)
    batch.add("porto_up", (), True)
    assert [s.value for s in batch] == [1] and type(next(iter(batch)).value) is int
    assert b"porto_up 1\n" in Renderer().render([batch]).text()


async def test_label_text_is_built_once_per_container(client: PortoClient) -> None:
    collector = ContainersCollector()
    ctx = CollectContext(client)
    first = await collector.collect(ctx)
    second = await collector.collect(ctx)
    name = "porto_container_cpu_usage_seconds_total"
    a = {ls.labels: ls for ls in first.columns[name].keys}
    b = {ls.labels: ls for ls in second.columns[name].keys}
    assert a.keys() == b.keys() and len(a) > 5
    assert all(a[k] is b[k] for k in a)  # the same LabelSet objects, text not rebuilt
    io = "porto_container_io_read_bytes_total"
    assert all(x is y for x, y in zip(first.columns[io].keys, second.columns[io].keys, strict=True))


async def test_the_golden_comes_from_the_collectors_batches_as_they_are(socket_dir: Path) -> None:
    """Rendered from the batches themselves (kept pieces written by the line writer, not re-added as samples):
    the same bytes, and again, by a renderer that never saw them, from the text each piece keeps."""
    batches = await fixed_batches(socket_dir)
    first = Renderer().render(batches).text()
    pieces = [p for b in batches for kept in b.kept.values() for p in kept]
    texts = [p.text for p in pieces]
    assert len(pieces) > 50 and all(texts)
    assert Renderer().render(batches).text() == first == GOLDEN.read_bytes()
    assert all(p.text is t for p, t in zip(pieces, texts, strict=True))  # not written anew


def unwritten(batch: Batch) -> list[Piece]:
    return [p for pieces in batch.kept.values() for p in pieces if p.text is None]


async def test_kept_pieces_live_across_cycles_and_are_written_once(socket_dir: Path) -> None:
    """A container's kept pieces are handed over again each cycle until they change: the writer writes each once."""
    host = build_host(seed=42, containers=3, clock=FakeClock(1_795_870_967.0))
    path = str(socket_dir / "kept.sock")
    async with Simulator(host, path), PortoClient(path) as client:
        ctx = CollectContext(client)
        collector = ContainersCollector(slow_interval=3600, clock=FakeClock())
        renderer = Renderer()
        batches, fresh = [], []
        for _ in range(3):  # spec read; slow tier read; nothing due
            batches.append(batch := await collector.collect(ctx))
            fresh.append(len(unwritten(batch)))
            renderer.render([batch])
            assert not unwritten(batch)
        host.stop("a/b/c")
        stopped = await collector.collect(ctx)
    assert fresh[0] > 0 and fresh[1] > 0 and fresh[2] == 0, fresh
    slow, warm = batches[1:]
    kept = [p for pieces in warm.kept.values() for p in pieces]
    assert kept and kept == [p for pieces in slow.kept.values() for p in pieces]  # the very same objects
    state = warm.kept["porto_container_state"]
    assert all(isinstance(p, KeptMap) and p.values.count(1) <= 1 for p in state) and len(state) >= 3
    # a state change makes that container a new piece (written once); the others' stay as they were
    after = {dict(p.key.labels)["container"]: p for p in stopped.kept["porto_container_state"]}
    before = {dict(p.key.labels)["container"]: p for p in state}
    assert [name for name in before if after[name] is not before[name]] == ["a/b/c"]
    changed = after["a/b/c"]
    assert isinstance(changed, KeptMap)
    assert dict(zip(changed.keys, changed.values, strict=True))["stopped"] == 1
    assert after["a/b/c"] in unwritten(stopped)
    renderer.render([stopped])
    assert 'porto_container_state{container="a/b/c",state="stopped"} 1' in (after["a/b/c"].text or "")


async def test_a_refresh_keeps_the_pieces_whose_values_did_not_move(socket_dir: Path) -> None:
    """The slow tier read again: a value that did not move keeps its piece (and text); one that moved is new."""
    clock = FakeClock(1_795_870_967.0)
    host = build_host(seed=42, containers=3, clock=clock)
    path = str(socket_dir / "refresh.sock")

    def slow_pieces(batch: Batch) -> dict[tuple[str, str], Piece]:
        return {(name, dict(p.key.labels)["container"]): p for name in slow_families for p in batch.kept.get(name, ())}

    async with Simulator(host, path), PortoClient(path) as client:
        ctx = CollectContext(client)
        collector = ContainersCollector(slow_interval=0, clock=FakeClock())  # every slow part, every cycle
        slow_families = {cm.metric.name for cm in collector.slow}
        await collector.collect(ctx)
        first = slow_pieces(await collector.collect(ctx))
        Renderer().render([await collector.collect(ctx)])  # writes the pieces' text
        same = slow_pieces(await collector.collect(ctx))  # nothing moved on the host
        clock.now += 60
        moved = slow_pieces(await collector.collect(ctx))
    assert len(first) > 20 and same.keys() == first.keys()
    assert all(same[k] is first[k] and first[k].text for k in first)  # the very pieces, text and all
    kept = [k for k in same if moved.get(k) is same[k]]
    made = [k for k in same if k in moved and moved[k] is not same[k]]
    assert kept and made, (kept, made)
    assert all(list(_one(moved[k])) != list(_one(same[k])) for k in made)  # new pieces carry new values


def _one(piece: Piece) -> Batch:
    batch = Batch()
    batch.keep(piece)
    return batch


def test_a_family_from_two_batches_is_refused() -> None:
    """Two writers of one family would write its series twice (the same label set twice: a malformed exposition,
    which Prometheus drops as duplicate samples); a family comes from one batch."""
    up = Batch()
    up.add("porto_up", (), 1)
    again = Batch()
    again.add("porto_up", (), 1)
    with pytest.raises(DuplicateFamily, match="porto_up"):
        Renderer().render([up, again])
    state = KeptMap("porto_container_state", EMPTY_CONTAINER, "state", ("running", "dead"), (1, 0))
    served, served_again = Batch(), Batch()  # e.g. one collector's batch handed over twice
    served.keep(state)
    served_again.keep(state)
    with pytest.raises(DuplicateFamily, match="porto_container_state"):
        Renderer().render([served, served_again])
    empty = Batch()
    empty.column("porto_up")  # a family made but left without samples is no second writer
    assert Renderer().render([up, empty, served]).text().count(b"\nporto_up 1\n") == 1


def test_kept_pieces_iterate_in_the_metrics_unit_with_their_map_label() -> None:
    batch = Batch()
    cpu = "porto_container_cpu_pressure_seconds_total"
    batch.keep(ScaledKeptMap(cpu, 6, EMPTY_CONTAINER, "kind", ("some", "full"), (1_500_000, 0)))
    batch.keep(Kept("porto_container_memory_limit_bytes", EMPTY_CONTAINER, 1 << 30))
    assert len(batch) == 3
    assert list(batch) == [
        Sample(cpu, (("container", "a"), ("kind", "some")), 1.5),
        Sample(cpu, (("container", "a"), ("kind", "full")), 0.0),
        Sample("porto_container_memory_limit_bytes", (("container", "a"),), 1 << 30),
    ]
    text = Renderer().render([batch]).text().decode()
    assert f'{cpu}{{container="a",kind="some"}} 1.5\n{cpu}{{container="a",kind="full"}} 0.0\n' in text


def test_a_kept_piece_with_other_decimals_than_the_catalog_is_refused() -> None:
    batch = Batch()
    batch.keep(Kept("porto_container_cpu_pressure_seconds_total", EMPTY_CONTAINER, 2))  # the catalog says 6
    with pytest.raises(EncodingMismatch, match="declares 6 decimals"):
        Renderer().render([batch])


@given(st.integers(min_value=-(2**63), max_value=2**64), st.sampled_from([6, 9]))
def test_fixed_point_is_the_exact_decimal_of_the_count(count: int, decimals: int) -> None:
    text = fixed_point(count, decimals)
    assert fixed_numbers([count, 0], decimals) == [text, "0.0"]  # the writer's inline path for kept maps
    assert Decimal(text) == Decimal(count).scaleb(-decimals)  # exact, not rounded through a float
    assert float(text) == count / 10**decimals  # and it parses to the value prometheus_client would print
    assert re.fullmatch(r"-?\d+\.\d+", text)


def test_fixed_point_examples() -> None:
    assert fixed_point(0, 9) == "0.0"
    assert fixed_point(1, 9) == "0.000000001"
    assert fixed_point(1_040_000_000, 9) == "1.04"
    assert fixed_point(10**9, 9) == "1.0"
    assert fixed_point(-1_500_000, 6) == "-1.5"


def test_fixed_point_families_render_every_value_kind() -> None:
    batch = Batch()
    name = "porto_container_cpu_usage_seconds_total"
    for i, seconds in enumerate([0, 1e-9, 1.04, 123456.789012345]):
        batch.add(name, (("container", f"c{i}"),), seconds, decimals=9)
    text = Renderer().render([batch]).text().decode()
    assert 'c0"} 0.0\n' in text and 'c1"} 0.000000001\n' in text
    assert 'c2"} 1.04\n' in text and 'c3"} 123456.789012345\n' in text
    column = batch.scaled(name, 9)
    column.values.append(Scaled(-5))  # a negative count takes the general path, same format
    column.keys.append(column.keys[0])
    assert 'c0"} -0.000000005\n' in Renderer().render([batch]).text().decode()


def test_seconds_in_a_plain_column_of_a_scaled_family_are_refused() -> None:
    """The 10**9 mistake: seconds appended where the catalog declares ns counts must not render."""
    batch = Batch()
    batch.add("porto_container_cpu_usage_seconds_total", (("container", "a"),), 1.5)  # plain column
    with pytest.raises(EncodingMismatch, match="declares 9 decimals"):
        Renderer().render([batch])
    plain_family = Batch()
    plain_family.add("porto_container_memory_usage_bytes", (("container", "a"),), 5, decimals=9)
    with pytest.raises(EncodingMismatch, match="declares 0 decimals"):
        Renderer().render([plain_family])


def test_a_family_keeps_one_encoding_within_a_batch() -> None:
    batch = Batch()
    name = "porto_container_cpu_usage_seconds_total"
    batch.scaled(name, 9)
    with pytest.raises(EncodingMismatch):
        batch.column(name)
    with pytest.raises(EncodingMismatch):
        batch.scaled(name, 6)
    other = Batch()
    other.add(name, (("container", "a"),), 2.0)
    with pytest.raises(EncodingMismatch):
        batch.extend(other)


def test_a_float_in_a_scaled_column_is_refused() -> None:
    batch = Batch()
    column = batch.scaled("porto_container_cpu_usage_seconds_total", 9)
    column.keys.append(EMPTY_CONTAINER)
    column.values.append(1.5)  # type: ignore[arg-type]  # what mypy stops in typed code
    with pytest.raises(EncodingMismatch, match="integer count"):
        Renderer().render([batch])


def test_scaled_values_iterate_in_the_metrics_unit() -> None:
    batch = Batch()
    batch.add("porto_container_cpu_usage_seconds_total", (("container", "a"),), 1.25, decimals=9)
    assert batch.columns["porto_container_cpu_usage_seconds_total"].values == [1_250_000_000]
    assert [s.value for s in batch] == [1.25]


async def test_a_snapshot_reuses_the_previous_ones_unchanged_families(socket_dir: Path) -> None:
    samples = await fixed_samples(socket_dir)
    first = build_snapshot(Renderer().render_samples(samples), 0.0)
    moved = [s if s.name != "porto_up" else Sample(s.name, s.labels, 0) for s in samples]
    moved.append(Sample("porto_up", (), 1))
    exposition = Renderer().render_samples(moved)
    second = build_snapshot(exposition, 1.0, first)
    old_bodies = {id(p) for p in first.text}
    bodies = second.text[1::2]  # (header, body) per family
    fresh = [b for b in bodies if id(b) not in old_bodies]
    assert fresh == [b"porto_up 1\n"]  # every other body is the previous snapshot's bytes object, not a copy
    assert second.body(False, False) == exposition.text()
    assert gzip.decompress(second.body(False, True)) == exposition.text()  # the changed family was re-gzipped
    assert gzip.decompress(second.body(True, True)) == exposition.openmetrics()
    assert b"porto_up 1" in gzip.decompress(second.body(False, True))
