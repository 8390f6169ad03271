"""The collector registry declares each collector once, and what it declares is true: the flags, the collectors the
CLI builds, docs/metrics.md's collector column and the families each collector serves all come from it."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from porto_exporter import config
from porto_exporter import flags as flag_table
from porto_exporter.catalog import SELF_METRICS, all_metrics
from porto_exporter.cli import build_collectors
from porto_exporter.collect import REGISTRY, Batch, CollectContext, Collector, CollectorSettings, Registration
from porto_exporter.collect.registry import Group
from porto_exporter.config import load, options
from porto_exporter.metrics_doc import collector_of
from porto_exporter.porto import PortoClient
from porto_exporter.scraper import Scraper
from porto_exporter.simulator import Simulator, build_host

HEALTH = {
    "porto_up",
    "porto_exporter_collector_success",
    "porto_exporter_collector_duration_seconds",
    "porto_exporter_property_errors_total",
    "porto_exporter_parse_errors_total",
    "porto_exporter_label_conflicts_total",
}


def declared(entry: Registration) -> set[str]:
    return {*entry.families, *(f for g in entry.groups for f in g.families)}


def test_every_family_is_one_collectors_or_the_exporters_own() -> None:
    claimed: dict[str, str] = {}
    for entry in REGISTRY:
        for family in declared(entry):
            assert family not in claimed, f"{family}: declared by {claimed[family]} and {entry.name}"
            claimed[family] = entry.name
    own = HEALTH | {m.name for m in SELF_METRICS.values()}
    catalog = {m.name for m in all_metrics()}
    orphans = sorted(catalog - own - set(claimed))
    assert not orphans, f"families no collector declares: {orphans}"
    assert not own & set(claimed), "the exporter's own families declared by a collector"
    assert not set(claimed) - catalog, "declared families the catalog lacks"


def test_each_registered_collector_is_its_class_with_its_name() -> None:
    names = [entry.name for entry in REGISTRY]
    assert len(names) == len(set(names))
    for entry in REGISTRY:
        built = entry.build(CollectorSettings())
        assert isinstance(built, entry.kind) and built.name == entry.name
        assert built.asks_portod == entry.asks_portod


@pytest.mark.parametrize("entry", REGISTRY, ids=lambda e: e.name)
async def test_a_collector_serves_only_the_families_its_entry_declares(entry: Registration, socket_dir: Path) -> None:
    """Run alone against the simulator (its metrics endpoint too) with every group on, through the scraper and
    the exposition."""
    metrics = str(socket_dir / "portod_metrics.socket")
    collector = entry.build(CollectorSettings(disabled_groups=frozenset(), metrics_socket=metrics))
    async with Simulator(build_host(seed=7), str(socket_dir / "portod.socket"), metrics_socket=metrics) as sim:
        scraper = Scraper(PortoClient(sim.socket_path, timeout=10), [collector], interval=0, timeout=10)
        try:
            snapshot = await scraper.cycle()
        finally:
            await scraper.close()
    text = b"".join(snapshot.parts(False, False)).decode()
    served = set(re.findall(r"^# TYPE (\S+) ", text, re.MULTILINE)) - HEALTH
    assert served, f"{entry.name} served nothing"
    assert served <= declared(entry), f"{entry.name} serves undeclared families: {sorted(served - declared(entry))}"


def test_the_cli_builds_what_the_flags_enable_in_registry_order() -> None:
    assert [c.name for c in build_collectors(load([], environ={}))] == [e.name for e in REGISTRY if e.default]
    for entry in REGISTRY:
        rest = build_collectors(load([f"--no-collector.{entry.name}"], environ={}))
        assert entry.name not in [c.name for c in rest]


def test_docs_name_the_collector_of_every_declared_family() -> None:
    where = collector_of()
    for entry in REGISTRY:
        assert all(where[f] == entry.name for f in entry.families), entry.name
        for group in entry.groups:
            assert all(where[f].startswith(f"{entry.name}.{group.name}") for f in group.families), group.name


class Quiet(Collector):
    """A collector declaring nothing but its name: it takes the protocol's capabilities."""

    name = "quiet"

    async def collect(self, ctx: CollectContext) -> Batch:
        return Batch.of([])


async def test_the_protocol_gives_a_subclass_every_capability() -> None:
    quiet = Quiet()
    assert quiet.asks_portod is True
    await quiet.close()  # nothing to release, and nothing raised


def test_a_new_registration_gets_its_flags_default_and_groups(monkeypatch: pytest.MonkeyPatch) -> None:
    """Adding a collector is one entry: its --[no-]collector flags and group flags follow, with its defaults."""
    extra = Registration(
        Quiet,
        lambda _: Quiet(),
        ("porto_up",),
        default=False,
        groups=(Group("loud", "the quiet loud metrics", False, ()),),
    )
    for module in (config, flag_table):  # flags.py declares the flags, config.py reads them back
        monkeypatch.setattr(module, "REGISTRY", (*REGISTRY, extra))
    flags = {o.flag: o for o in options()}
    assert "(default off)" in flags["--collector.quiet"].help
    assert flags["--collector.quiet.loud"].help == "export the quiet loud metrics (default off)"
    assert "quiet" not in load([], environ={}).collectors
    assert "quiet" in load(["--collector.quiet"], environ={}).collectors
    assert "quiet" in load([], environ={"PORTO_EXPORTER_COLLECTOR_QUIET": "true"}).collectors
    assert "loud" in load([], environ={}).disabled_groups
    assert "loud" not in load(["--collector.quiet.loud"], environ={}).disabled_groups
    on = replace(extra, default=True)
    for module in (config, flag_table):
        monkeypatch.setattr(module, "REGISTRY", (*REGISTRY, on))
    assert "quiet" in load([], environ={}).collectors
    assert "quiet" not in load(["--no-collector.quiet"], environ={}).collectors
