"""The dashboards' data source: what Grafana's import dialog picks is what every panel queries."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

DASHBOARDS = sorted((Path(__file__).resolve().parent.parent / "dashboards").glob("*.json"))
VARIABLE = {"type": "prometheus", "uid": "${datasource}"}
# Grafana's import (pkg/services/dashboardimport/utils/dash_template_evaluator.go): every string of the
# dashboard has each ${NAME} of a declared __inputs entry replaced by the value the dialog chose for it.
REFERENCE = re.compile(r"(\$\{.+?\})")


def strings(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for key, value in node.items() if key != "__inputs" for s in strings(value)]
    if isinstance(node, list):
        return [s for item in node for s in strings(item)]
    return []


def imported(node: Any, chosen: dict[str, str]) -> Any:
    """``node`` as Grafana's import writes it, ``chosen``: input name -> the dialog's value."""
    if isinstance(node, str):
        return REFERENCE.sub(lambda m: chosen.get(m[1][2:-1], m[1]), node)
    if isinstance(node, dict):
        return {key: imported(value, chosen) for key, value in node.items() if key != "__inputs"}
    if isinstance(node, list):
        return [imported(item, chosen) for item in node]
    return node


def datasource_variable(doc: dict[str, Any]) -> dict[str, Any]:
    (var,) = [v for v in doc["templating"]["list"] if v["type"] == "datasource"]
    return var


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.name)
def test_every_declared_input_is_used_and_every_used_one_declared(path: Path) -> None:
    doc = json.loads(path.read_text())
    declared = {i["name"] for i in doc["__inputs"]}
    assert declared == {"DS_PROMETHEUS"} and doc["__inputs"][0]["pluginId"] == "prometheus"
    used = {m[2:-1] for s in strings(doc) for m in REFERENCE.findall(s)} - {"datasource"}
    used = {name for name in used if not name.startswith("__")}  # Grafana's own ($__rate_interval ...)
    assert used == declared, (used, declared)


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.name)
def test_every_panel_query_and_variable_reads_the_datasource_variable(path: Path) -> None:
    doc = json.loads(path.read_text())
    for panel in doc["panels"]:
        if panel["type"] == "row":
            continue
        assert panel["datasource"] == VARIABLE, panel["title"]
        assert panel["targets"] and all(t["datasource"] == VARIABLE for t in panel["targets"]), panel["title"]
    for var in doc["templating"]["list"]:
        if var["type"] == "query":
            assert var["datasource"] == VARIABLE, var["name"]
    var = datasource_variable(doc)
    assert var["name"] == "datasource" and var["query"] == "prometheus"
    assert var["current"]["value"] == "${DS_PROMETHEUS}"  # where the import dialog's choice lands


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.name)
def test_the_import_dialogs_choice_is_what_the_panels_query(path: Path) -> None:
    doc = imported(json.loads(path.read_text()), {"DS_PROMETHEUS": "prom-eu-1"})
    var = datasource_variable(doc)
    assert var["current"]["value"] == "prom-eu-1" and var["current"]["text"] == "prom-eu-1"
    assert "DS_PROMETHEUS" not in json.dumps(doc)
    # the panels still name the variable, which now starts on the chosen data source (and can be switched)
    assert all(p["datasource"] == VARIABLE for p in doc["panels"] if p["type"] != "row")
