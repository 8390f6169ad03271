"""The package stays in rooms with one job each: small modules, each saying what it is for."""

from __future__ import annotations

import ast
from pathlib import Path

import porto_exporter

PACKAGE = Path(porto_exporter.__file__).parent
# Generated code and the declarative table of metrics may be long; nothing else may.
EXEMPT = {"porto/rpc_pb2.py", "catalog.py"}
MAX_LINES = 400


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if p.relative_to(PACKAGE).as_posix() not in EXEMPT)


def test_every_module_is_small_and_has_a_docstring() -> None:
    found = modules()
    assert len(found) >= 40
    lines = {p.relative_to(PACKAGE).as_posix(): len(p.read_text().splitlines()) for p in found}
    too_long = {name: n for name, n in lines.items() if n > MAX_LINES}
    assert not too_long, f"split these by concern: {too_long}"
    undocumented = [p.relative_to(PACKAGE).as_posix() for p in found if not ast.get_docstring(ast.parse(p.read_text()))]
    assert not undocumented, f"say what these hold: {undocumented}"


def test_no_import_runs_backwards() -> None:
    """porto -> collect -> catalog -> exposition -> scraper -> web: a lower layer never imports a higher one."""
    higher = {
        "porto": ("collect", "exposition", "scraper", "web", "cli", "simulator"),
        "collect": ("exposition", "scraper", "web", "cli", "simulator"),
        "exposition": ("collect", "scraper", "web", "cli", "simulator"),
        "simulator": ("collect", "exposition", "scraper", "web", "cli"),
    }
    problems = []
    for path in modules():
        layer = path.relative_to(PACKAGE).parts[0]
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.level:
                target = node.module.split(".")[0]
                top_level = node.level >= 2 or (node.level == 1 and path.parent == PACKAGE)
                if top_level and target in higher.get(layer, ()):
                    problems.append(f"{path.relative_to(PACKAGE)} imports {node.module}")
    assert not problems, problems
