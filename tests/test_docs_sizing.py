"""docs/performance.md, the README's Sizing and every deploy file's memory caps and timeouts agree with
the one benchmark results file, bench/results.json (bench/report.py and bench/sizing.py make them)."""

from __future__ import annotations

import copy
import importlib
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from porto_exporter.config import Config, parse_duration

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
DEPLOY = ROOT / "deploy"
MIB = 1 << 20
UNITS = {"K": 1 << 10, "Ki": 1 << 10, "M": MIB, "Mi": MIB, "G": 1 << 30, "Gi": 1 << 30}


@pytest.fixture(scope="module")
def bench() -> tuple[ModuleType, ModuleType]:
    """bench/report.py and bench/sizing.py, imported the way the bench scripts import each other.

    bench/ leaves sys.path afterwards (its module names are generic); ``real``, which report.py imports
    when it renders, is loaded now so that import finds it.
    """
    sys.path.insert(0, str(BENCH))
    try:
        importlib.import_module("real")
        return importlib.import_module("report"), importlib.import_module("sizing")
    finally:
        while str(BENCH) in sys.path:
            sys.path.remove(str(BENCH))


def size(text: str) -> int:
    """systemd, Kubernetes and Porto sizes (512M, 512Mi, 1G) in bytes: all three read M as MiB."""
    m = re.fullmatch(r"(\d+)([KMG]i?)", str(text).strip())
    assert m, f"not a size: {text!r}"
    return int(m[1]) * UNITS[m[2]]


def generated(text: str, begin: str, end: str) -> str:
    assert text.count(begin) == 1 and text.count(end) == 1, f"one {begin} ... {end} block expected"
    return begin + text.split(begin, 1)[1].split(end, 1)[0] + end


def test_performance_doc_and_readme_are_what_the_results_file_gives(bench: tuple[ModuleType, ModuleType]) -> None:
    report, _ = bench
    for path, text in report.outputs(report.load()).items():
        assert path.read_text() == text, f"{path.relative_to(ROOT)} is stale or edited by hand: python bench/report.py"


def test_readme_and_performance_doc_show_one_sizing(bench: tuple[ModuleType, ModuleType]) -> None:
    report, sizing = bench
    readme = generated(report.README.read_text(), sizing.MARKER, sizing.END)
    doc = generated(report.DOC.read_text(), sizing.MARKER, sizing.END)
    assert readme == doc == sizing.section(report.load())
    # the numbers the issue found disagreeing: 10,000 containers in both, from the results file
    row = sizing.at(report.load(), 10000)
    assert f"| 10,000 (simulator only) | {row.cpu:.2f} s | {row.rss / MIB:,.0f} MiB |" in readme
    assert "Targets (from the issue)" not in report.DOC.read_text()


def test_a_changed_result_changes_both_files(bench: tuple[ModuleType, ModuleType]) -> None:
    """The comparison above is not vacuous: a different measurement gives different text in both files."""
    report, _ = bench
    results = report.load()
    before = report.outputs(results)
    changed: dict[str, Any] = copy.deepcopy(results)
    big = next(r for r in changed["simulator"]["sizes"] if r["containers"] == 10000)
    big["cpu"] *= 1.5
    big["rss_scraped_max"] *= 1.5
    after = report.outputs(changed)
    assert all(after[path] != before[path] for path in before)


def test_every_missed_goal_says_what_to_do(bench: tuple[ModuleType, ModuleType]) -> None:
    report, _ = bench
    table = report.findings(report.load()["simulator"]["sizes"])
    for line in table.splitlines()[2:]:
        _goal, met, _measured, action = (cell.strip() for cell in line.strip("|").split("|"))
        assert met in ("yes", "NO"), line
        assert (met == "NO") == bool(action), line


def memory_settings() -> dict[str, dict[str, int]]:
    """Every memory cap a deploy file sets, by file: name -> bytes."""
    found: dict[str, dict[str, int]] = {}
    for path in sorted(p for p in DEPLOY.rglob("*") if p.is_file()):
        text = path.read_text(errors="replace")
        rel = str(path.relative_to(ROOT))
        for key, value in re.findall(r"^(MemoryMax|MemoryHigh|MemoryLimit)=(\S+)", text, re.M):
            found.setdefault(rel, {})[key] = size(value)
        for value in re.findall(r"\bmemory_limit[= ]+([0-9]\S*)", text):  # portoctl set, or run key=value
            found.setdefault(rel, {})["memory_limit"] = size(value)
        if path.suffix in (".yaml", ".yml"):
            for doc in yaml.safe_load_all(text):
                for container in containers(doc):
                    for kind in ("requests", "limits"):
                        value = container.get("resources", {}).get(kind, {}).get("memory")
                        if value is not None:
                            found.setdefault(rel, {})[f"{kind}.memory"] = size(value)
    return found


def containers(doc: Any) -> list[dict[str, Any]]:
    """The containers of a Kubernetes workload document (none for anything else)."""
    spec = (doc or {}).get("spec", {}) if isinstance(doc, dict) else {}
    return list(spec.get("template", {}).get("spec", {}).get("containers", []))


def test_deploy_memory_caps_are_the_sizing_tables(bench: tuple[ModuleType, ModuleType]) -> None:
    report, sizing = bench
    caps = sizing.caps(report.load())
    soft_keys, hard_keys = (
        {"MemoryHigh", "requests.memory"},
        {"MemoryMax", "MemoryLimit", "limits.memory", "memory_limit"},
    )
    found = memory_settings()
    assert {
        "deploy/systemd/porto-exporter.service",
        "deploy/kubernetes/daemonset.yaml",
        "deploy/porto/porto-exporter.sh",
    } <= found.keys(), found
    for path, settings in found.items():
        for key, value in settings.items():
            want = caps.soft if key in soft_keys else caps.hard if key in hard_keys else None
            assert want is not None, f"{path}: {key} is a memory setting this test does not know"
            assert value == want, f"{path}: {key} is {value / MIB:g} MiB, the sizing says {want / MIB:g} MiB"
    assert caps.hard > caps.soft >= 1.5 * caps.worst  # headroom over the worst reading at Porto's maximum


def flag_values(name: str) -> list[tuple[str, float]]:
    """Every value a deploy file gives ``--scrape.<name>`` (as a flag or a PORTO_EXPORTER_ variable)."""
    env = "PORTO_EXPORTER_SCRAPE_" + name.upper()
    out = []
    for path in sorted(p for p in DEPLOY.rglob("*") if p.is_file()):
        for value in re.findall(rf"(?:--scrape\.{name}[= ]|{env}=)([0-9][0-9a-z.]*)", path.read_text(errors="replace")):
            out.append((str(path.relative_to(ROOT)), parse_duration(value)))
    return out


def test_deploy_timeouts_and_intervals_are_at_least_the_sizing_tables(bench: tuple[ModuleType, ModuleType]) -> None:
    report, sizing = bench
    caps = sizing.caps(report.load())
    defaults = Config()
    assert defaults.timeout >= caps.timeout and defaults.interval >= caps.interval  # files that set none
    assert defaults.porto_timeout <= defaults.timeout  # a request cannot outlive its cycle anyway
    timeouts, intervals = flag_values("timeout"), flag_values("interval")
    assert any(path.endswith("daemonset.yaml") for path, _ in timeouts)
    for path, value in timeouts:
        assert value >= caps.timeout, f"{path}: --scrape.timeout {value:g}s, the sizing says at least {caps.timeout:g}s"
    for path, value in intervals:
        assert value >= caps.interval, f"{path}: --scrape.interval {value:g}s, the sizing says {caps.interval:g}s"


def test_the_porto_scripts_cpu_comment_is_the_sizing_tables(bench: tuple[ModuleType, ModuleType]) -> None:
    """Before: "cpu_limit 1c # measured: < 1 s CPU per cycle at 10,000", which docs/performance.md contradicts
    (1.03 s there). The comment quotes the exporter's CPU per cycle at Porto's maximum from the results file."""
    report, sizing = bench
    row = sizing.at(report.load(), sizing.PORTO_MAX)
    script = (DEPLOY / "porto" / "porto-exporter.sh").read_text()
    comment = re.search(r'portoctl set "\$NAME" cpu_limit (\S+) +# (.*)', script)
    assert comment, "no cpu_limit in deploy/porto/porto-exporter.sh"
    said = re.fullmatch(r'README "Sizing": ([\d.]+) s CPU per cycle at Porto\'s maximum, ([\d,]+)', comment[2])
    assert said, comment[2]
    assert float(said[1]) == round(row.cpu, 2) and int(said[2].replace(",", "")) == sizing.PORTO_MAX, comment[2]
    assert float(comment[1].removesuffix("c")) > row.cpu  # the limit leaves the cycle room
