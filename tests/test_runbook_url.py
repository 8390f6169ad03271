"""The alerts' runbook links: a placeholder base in the shipped rules, the operator's own base set at install
time by deploy/prometheus/runbook_url.py, and either way rules that promtool checks and unit-tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
PROM = ROOT / "deploy" / "prometheus"
SCRIPT = PROM / "runbook_url.py"
PLACEHOLDER = "https://set-runbook-base-url.invalid"
BASE = "https://wiki.example.com/ops/porto-exporter/docs"


def runbook_urls(rules: str) -> dict[str, str]:
    doc = yaml.safe_load(rules)
    return {r["alert"]: r["annotations"]["runbook_url"] for g in doc["groups"] for r in g["rules"] if "alert" in r}


def anchors() -> set[str]:
    runbook = (ROOT / "docs" / "runbook.md").read_text()
    return {line[3:].strip().lower() for line in runbook.splitlines() if line.startswith("## ")}


def run_script(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=60)


def test_the_shipped_rules_link_the_placeholder_base() -> None:
    urls = runbook_urls((PROM / "porto-alerts.yml").read_text())
    assert len(urls) >= 10
    for alert, url in urls.items():
        assert url == f"{PLACEHOLDER}/runbook.md#{alert.lower()}", url
        assert alert.lower() in anchors(), alert


def test_rules_on_the_operators_base_pass_promtool_check_and_unit_tests(tmp_path: Path) -> None:
    made = run_script("--runbook-base-url", BASE + "/")  # a trailing slash is not doubled
    assert made.returncode == 0, made.stderr
    rules = tmp_path / "porto-alerts.yml"
    rules.write_text(made.stdout)
    urls = runbook_urls(made.stdout)
    assert urls and all(url == f"{BASE}/runbook.md#{alert.lower()}" for alert, url in urls.items()), urls
    assert PLACEHOLDER not in made.stdout
    check = subprocess.run(["promtool", "check", "rules", str(rules)], capture_output=True, text=True, timeout=60)
    assert check.returncode == 0 and f"SUCCESS: {len(yaml.safe_load(made.stdout)['groups'][0]['rules'])}" in (
        check.stdout), check.stdout + check.stderr
    # the suite's own unit tests of the alerts, on these rules, expecting these links
    unit = (ROOT / "tests" / "rules" / "porto-alerts.test.yml").read_text()
    assert "../../deploy/prometheus/porto-alerts.yml" in unit and PLACEHOLDER in unit
    (tmp_path / "alerts.test.yml").write_text(
        unit.replace("../../deploy/prometheus/porto-alerts.yml", str(rules)).replace(PLACEHOLDER, BASE))
    tested = subprocess.run(["promtool", "test", "rules", "alerts.test.yml"], cwd=tmp_path, capture_output=True,
                            text=True, timeout=120)  # fmt: skip
    assert tested.returncode == 0, tested.stdout + tested.stderr


def test_only_the_rules_change(tmp_path: Path) -> None:
    """Everything but the links is the shipped file, byte for byte (the same expressions, the same comments)."""
    out = tmp_path / "rules.yml"
    assert run_script("--runbook-base-url", "file:///usr/share/doc/porto-exporter", "--out", str(out)).returncode == 0
    shipped = (PROM / "porto-alerts.yml").read_text()
    assert out.read_text() == shipped.replace(PLACEHOLDER, "file:///usr/share/doc/porto-exporter")


@pytest.mark.parametrize("base", ["wiki/porto", "ftp://x/docs", "https://x/docs?page=1", "https://x/my docs", ""])
def test_a_base_that_cannot_carry_an_anchor_is_refused(base: str, tmp_path: Path) -> None:
    out = tmp_path / "rules.yml"
    done = run_script("--runbook-base-url", base, "--out", str(out))
    assert done.returncode == 2 and "--runbook-base-url" in done.stderr, done.stderr
    assert not out.exists()


def test_nothing_links_to_the_repository_that_does_not_exist() -> None:
    for path in [*(ROOT / "deploy").rglob("*"), *(ROOT / "docs").glob("*.md"), ROOT / "README.md"]:
        if path.is_file() and path.suffix != ".png":
            assert "github.com/porto-exporter" not in path.read_text(errors="replace"), path
