"""What ships beside the code: alerting rules, the Grafana dashboard, the systemd unit."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from porto_exporter.catalog import all_metrics
from porto_exporter.config import load
from porto_exporter.porto import PortoClient
from porto_exporter.scraper import Scraper
from porto_exporter.selfmetrics import ExporterMetrics

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "deploy" / "prometheus" / "porto-alerts.yml"
DASHBOARD = ROOT / "dashboards" / "porto.json"
UNIT = ROOT / "deploy" / "systemd" / "porto-exporter.service"
DEFAULTS = ROOT / "deploy" / "systemd" / "porto-exporter.default"
# Grafana's variables, replaced the way a dashboard with "All" selected would query
GRAFANA_VARS = {"$instance": ".*", "$container": ".*", "$namespace": ".*", "$__rate_interval": "5s"}


def dashboard_exprs(title: str | None = None, **chosen: str) -> list[str]:
    """The panels' PromQL as Grafana sends it: "All" for every variable unless ``chosen`` (name -> regex)."""
    doc = json.loads(DASHBOARD.read_text())
    values = GRAFANA_VARS | {f"${name}": value for name, value in chosen.items()}
    out = []
    for panel in doc["panels"]:
        if title is not None and panel["title"] != title:
            continue
        for target in panel.get("targets", []):
            expr = target["expr"]
            for var, value in values.items():
                expr = expr.replace(var, value)
            out.append(expr)
    return out


def alert_exprs() -> list[str]:
    doc = yaml.safe_load(RULES.read_text())
    return [rule["expr"] for group in doc["groups"] for rule in group["rules"]]


def test_rules_pass_promtool_check_and_unit_tests() -> None:
    check = subprocess.run(["promtool", "check", "rules", str(RULES)], capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "SUCCESS: 17 rules found" in check.stdout
    unit = subprocess.run(
        ["promtool", "test", "rules", "porto-alerts.test.yml"],
        cwd=ROOT / "tests" / "rules",
        capture_output=True,
        text=True,
        check=False,
    )
    assert unit.returncode == 0, unit.stdout + unit.stderr


async def test_every_metric_the_rules_and_dashboard_use_is_exported(client: PortoClient) -> None:
    exported = {m.name for m in all_metrics()}
    for family in ExporterMetrics(Scraper(client, [])).collect():
        exported.add(family.name + ("_total" if family.type == "counter" else ""))
    used = set()
    for expr in [*dashboard_exprs(), *alert_exprs()]:
        used |= set(re.findall(r"\b(porto_[a-z_]+)\b", expr))
    assert used and used <= exported, sorted(used - exported)
    assert len(json.loads(DASHBOARD.read_text())["panels"]) >= 20


def test_dashboard_variables_and_layout() -> None:
    doc = json.loads(DASHBOARD.read_text())
    names = {v["name"] for v in doc["templating"]["list"]}
    assert {"datasource", "instance", "container"} <= names
    for panel in doc["panels"]:
        grid = panel["gridPos"]
        assert grid["x"] + grid["w"] <= 24, panel["title"]
        if panel["type"] != "row":
            assert panel["targets"] and panel["datasource"]["uid"] == "${datasource}", panel["title"]
    assert len({p["id"] for p in doc["panels"]}) == len(doc["panels"])
    assert doc["__inputs"][0]["pluginId"] == "prometheus"  # Grafana's import dialog asks for the data source
    for expr in dashboard_exprs():  # panels keep hosts apart: a container name on two hosts is two series
        for grouping in re.findall(r"sum by \(([^)]*)\)", expr):
            assert "container" not in grouping or "instance" in grouping, expr


def unit_settings(path: Path) -> dict[str, str]:
    """Key=value lines of a systemd unit (the last of a key wins)."""
    return dict(
        line.split("=", 1)
        for line in path.read_text().splitlines()
        if "=" in line and not line.startswith(("#", ";", "["))
    )


def test_systemd_unit_and_its_environment_file() -> None:
    unit = UNIT.read_text()
    # the package's binary, as the package's user in the group of Porto's socket (0660 root:porto on some hosts)
    assert "ExecStart=/usr/bin/porto-exporter\n" in unit
    assert "User=porto-exporter\nGroup=porto\n" in unit and "DynamicUser" not in unit
    header = unit[: unit.index("[Unit]")]
    assert "dpkg -i porto-exporter_*.deb" in header and "deploy/debian/build" in header  # how to install: the package
    assert "python3 -m venv /opt/porto-exporter" in header  # or a virtual environment, with ExecStart pointed there
    assert "sed 's|^ExecStart=/usr/bin/|ExecStart=/opt/porto-exporter/bin/|'" in header
    assert "pip install porto-exporter" not in unit  # no index has it
    assert "EnvironmentFile=-/etc/default/porto-exporter" in unit
    # upstream's unit is porto.service, some of Porto's packages name it yandex-porto.service (After= a unit
    # that is not there is harmless)
    assert {"porto.service", "yandex-porto.service"} <= set(unit_settings(UNIT)["After"].split())
    assert "github.com/porto-exporter" not in unit  # no such repository: no link to it
    for doc in " ".join(re.findall(r"^Documentation=(.*)$", unit, re.M)).split():
        assert re.match(r"(https?|file|man|info):", doc), doc
        if doc.startswith("man:"):  # before: man:portoctl(8), which no package has
            page = re.fullmatch(r"man:([\w.-]+)\((\d\w*)\)", doc)
            assert page and shutil.which("man"), doc
            found = subprocess.run(["man", "-w", page[2], page[1]], capture_output=True, text=True)
            assert found.returncode == 0, f"{doc}: no such man page ({found.stderr.strip()})"
    # what the runbook tells the operator to look up in the unit is there
    runbook = (ROOT / "docs" / "runbook.md").read_text()
    named = set(re.findall(r"`(\w+)=` in the unit", runbook))
    assert named and named <= unit_settings(UNIT).keys(), named - unit_settings(UNIT).keys()
    scripts = (ROOT / "pyproject.toml").read_text()
    assert 'porto-exporter = "porto_exporter.cli:main"' in scripts
    # every variable the example file names is a real flag, and its example value is accepted
    environ = dict(
        line.lstrip("# ").split("=", 1)
        for line in DEFAULTS.read_text().splitlines()
        if line.startswith("# PORTO_EXPORTER_")
    )
    assert len(environ) >= 5
    cfg = load([], environ=environ)
    assert cfg.slow_interval == 60.0 and cfg.log_format == "json"
    assert cfg.labels_allowlist == ["TEAM.*", "APP.tier"]


def test_building_the_dashboards_without_the_sdk_says_what_to_install() -> None:
    """Before: a ModuleNotFoundError traceback for grafana_foundation_sdk, which only the test extra installs. A
    Python without site-packages (-S: the SDK is installed there, the script needs nothing else) stands in for an
    environment without the extra."""
    written = {p.name: p.read_bytes() for p in (ROOT / "dashboards").glob("*.json")}
    done = subprocess.run(
        [sys.executable, "-S", str(ROOT / "dashboards" / "build.py")], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1 and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    assert "pip install -e '.[test]'" in done.stderr and "pip install 'grafana-foundation-sdk==" in done.stderr
    assert {p.name: p.read_bytes() for p in (ROOT / "dashboards").glob("*.json")} == written
    readme = (ROOT / "README.md").read_text()
    assert re.search(r"python dashboards/build\.py[^|]*`test` extra: `pip install -e '\.\[test\]'`", readme)


def test_dashboards_are_what_their_code_builds() -> None:
    spec = importlib.util.spec_from_file_location("dashboards_build", ROOT / "dashboards" / "build.py")
    assert spec is not None and spec.loader is not None
    build = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = build  # its dataclasses look their module up
    spec.loader.exec_module(build)
    for name, make in build.DASHBOARDS.items():
        written = (ROOT / "dashboards" / name).read_text()
        assert written == build.render(make()), f"stale: run python dashboards/build.py ({name})"
    fleet = json.loads((ROOT / "dashboards" / "porto-fleet.json").read_text())
    exprs = [t["expr"] for p in fleet["panels"] for t in p.get("targets", [])]
    records = {
        r["record"]
        for g in yaml.safe_load((ROOT / "deploy" / "prometheus" / "porto-rules.yml").read_text())["groups"]
        for r in g["rules"]
    }
    for expr in exprs:  # the fleet view reads recording rules only, never raw container series
        used = set(re.findall(r"[a-z_]+:porto_[a-z_]+:[a-z0-9_]+", expr))
        assert used and used <= records, expr
