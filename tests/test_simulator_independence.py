"""The simulator stands apart from the exporter it tests: of the package it imports only Porto's API (the proto),
and its own modules import each other without a circle. Every import is read, function-local and
``TYPE_CHECKING`` ones included."""

from __future__ import annotations

import ast
from pathlib import Path

import porto_exporter
import porto_exporter.simulator

from .test_layout import circles as cycles  # one circle finder (Tarjan's) for both layout tests

PACKAGE = Path(porto_exporter.__file__).parent
SIMULATOR = Path(porto_exporter.simulator.__file__).parent
ALLOWED = {"porto_exporter.porto.rpc_pb2"}  # Porto's API: the one thing the simulator shares with the exporter


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path, source: str | None = None) -> set[str]:
    """The absolute names of the modules a file imports (``from . import x`` names ``package.x`` too);
    ``source``: read this text as though it were the file's."""
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text() if source is None else source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                source = f"{base}.{node.module}" if node.module else base
            else:
                source = node.module or ""
            names.add(source)
            names.update(f"{source}.{alias.name}" for alias in node.names)  # `from pkg import module`
    return names


def simulator_files() -> list[Path]:
    return sorted(SIMULATOR.rglob("*.py"))


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in simulator_files()}


def test_the_simulator_imports_nothing_of_the_exporter_but_the_proto() -> None:
    own = set(modules())
    outside = {}
    for name, path in modules().items():
        foreign = {
            m
            for m in imported(path)
            if m.startswith("porto_exporter.")
            and not m.startswith("porto_exporter.simulator")
            and m not in ALLOWED
            and m not in {a.rpartition(".")[0] for a in ALLOWED}
        }
        foreign -= own
        if foreign:
            outside[name] = sorted(foreign)
    assert outside == {}, "the simulator must know Porto from its own sources, not the exporter's tables"


def test_the_check_sees_imports_wherever_they_are() -> None:
    """A function-local import and a TYPE_CHECKING one count as much as a top-level one."""
    source = (
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ...catalog import STATES\n"
        "def f():\n    from ...porto.values import parse_bool\n    from .. import names\n"
    )
    found = imported(SIMULATOR / "handlers" / "x.py", source)  # as though it were simulator/handlers/x.py
    assert {"porto_exporter.catalog", "porto_exporter.porto.values", "porto_exporter.simulator.names"} <= found


def simulator_graph() -> dict[str, set[str]]:
    own = modules()
    graph = {}
    for name, path in own.items():
        targets = {m for m in imported(path) if m in own and m != name}
        # a package's __init__ is run by importing any of its modules, not a dependency of its own modules
        graph[name] = {t for t in targets if not name.startswith(t + ".")}
    return graph


def test_no_circle_among_the_simulators_modules() -> None:
    assert cycles(simulator_graph()) == []


def test_the_circle_check_finds_a_circle() -> None:
    graph = simulator_graph()
    graph["porto_exporter.simulator.accounting"] = {"porto_exporter.simulator.host"}  # as it was before issue 21
    assert any("porto_exporter.simulator.accounting" in c for c in cycles(graph))
