"""The package keeps the plan of docs/architecture.md: small rooms with one job each, imports only downward, no circle.

Every module is read, the package's top level included, and every import in it: function-local ones and
those under ``if TYPE_CHECKING`` too (``ast.walk`` over the whole module), ``from . import x`` resolved to
the module ``x`` when there is one. A failure names the file, the line and the import.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import porto_exporter

PACKAGE = Path(porto_exporter.__file__).parent
TOP = "porto_exporter"
# Generated code and the declarative table of metrics may be long; nothing else may.
EXEMPT = {"porto/rpc_pb2.py", "catalog.py"}
MAX_LINES = 400

# docs/architecture.md's floors. A room (a top-level module, or a top-level package with all its modules)
# imports only from floors below its own, besides itself; the package's __init__ holds only __version__.
FLOORS = {
    "__init__": 0,
    "porto": 1,
    "samples": 1,
    "catalog": 1,
    "heap": 1,
    "looplag": 1,
    "checks": 1,
    "collect": 2,
    "exposition": 3,
    "scraper": 4,
    "selfmetrics": 4,
    "web": 5,
    "flags": 5,
    "config": 6,
    "logs": 6,
    "demo": 6,
    "metrics_doc": 6,
    "cli": 7,
    "__main__": 7,
}
SIDEWAYS = {
    ("scraper", "selfmetrics"),  # the scraper adds selfmetrics' health samples to every cycle
    ("__main__", "cli"),  # python -m porto_exporter runs cli.main
}
# The simulator stands apart: the test double knows Porto from its own sources, not the exporter's tables.
SIMULATOR = "simulator"
SIMULATOR_MAY_IMPORT = {f"{TOP}.porto.rpc_pb2"}
SIMULATOR_IMPORTED_BY = {"demo"}  # --demo's embedded portod


@dataclass(frozen=True)
class Import:
    """One import statement's edge: the importing file and line, the statement, the module it reaches."""

    file: str  # relative to the package: "collect/base.py"
    line: int
    text: str  # the statement as written (normalised): "from ..porto import PortoClient"
    target: str  # dotted module: "porto_exporter.porto"

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: `{self.text}`"


def module_files() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def dotted(path: Path) -> str:
    """``collect/base.py`` -> porto_exporter.collect.base; ``collect/__init__.py`` -> porto_exporter.collect."""
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join([TOP, *parts])


@cache
def all_modules() -> frozenset[str]:
    return frozenset(dotted(p) for p in module_files())


def room(module: str) -> str:
    """The top-level room a dotted module is in: porto_exporter.collect.base -> collect; the package -> __init__."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def imports_of(file: str, source: str, modules: frozenset[str]) -> tuple[list[Import], list[str]]:
    """Every import of the package in ``source`` (the module at ``file``), and what could not be resolved."""
    is_package = file.endswith("__init__.py")
    here = dotted(PACKAGE / file).split(".")
    package = here if is_package else here[:-1]
    found: dict[tuple[int, str], Import] = {}  # one edge per statement and module reached
    problems: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == TOP or alias.name.startswith(TOP + "."):
                    found[node.lineno, alias.name] = Import(file, node.lineno, ast.unparse(node), alias.name)
            continue
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.level:
            if node.level > len(package):
                problems.append(f"{file}:{node.lineno}: `{ast.unparse(node)}` reaches above the package")
                continue
            base = package[: len(package) - node.level + 1] + (node.module.split(".") if node.module else [])
        elif node.module is not None and (node.module == TOP or node.module.startswith(TOP + ".")):
            base = node.module.split(".")
        else:
            continue  # another library's
        for alias in node.names:
            submodule = ".".join([*base, alias.name])  # from . import errors: the module errors, if there is one
            target = submodule if submodule in modules else ".".join(base)
            if target not in modules:
                problems.append(f"{file}:{node.lineno}: `{ast.unparse(node)}` names no module of the package")
                continue
            found[node.lineno, target] = Import(file, node.lineno, ast.unparse(node), target)
    return sorted(found.values(), key=lambda e: (e.line, e.target)), problems


@cache
def graph() -> dict[str, tuple[Import, ...]]:
    """Each module -> its imports of the package (one edge per imported name)."""
    out: dict[str, tuple[Import, ...]] = {}
    for path in module_files():
        file = path.relative_to(PACKAGE).as_posix()
        found, problems = imports_of(file, path.read_text(), all_modules())
        assert not problems, problems
        out[dotted(path)] = tuple(found)
    return out


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module, or one importing itself (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in edges.get(node, ()):
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_every_module_is_small_and_has_a_docstring() -> None:
    found = [p for p in module_files() if p.relative_to(PACKAGE).as_posix() not in EXEMPT]
    assert len(found) >= 40
    lines = {p.relative_to(PACKAGE).as_posix(): len(p.read_text().splitlines()) for p in found}
    too_long = {name: n for name, n in lines.items() if n > MAX_LINES}
    assert not too_long, f"split these by concern: {too_long}"
    undocumented = [p.relative_to(PACKAGE).as_posix() for p in found if not ast.get_docstring(ast.parse(p.read_text()))]
    assert not undocumented, f"say what these hold: {undocumented}"


def test_every_module_is_in_a_room_of_the_plan() -> None:
    """A new top-level module or package gets its floor in docs/architecture.md and in FLOORS above."""
    lost = [
        p.relative_to(PACKAGE).as_posix()
        for p in module_files()
        if room(dotted(p)) not in FLOORS and room(dotted(p)) != SIMULATOR
    ]
    assert not lost, f"not on any floor of docs/architecture.md: {lost}"


def test_no_import_runs_upward() -> None:
    """A room imports itself and lower floors only; only --demo's module imports the simulator."""
    problems = []
    for module, found in graph().items():
        own = room(module)
        if own == SIMULATOR or own not in FLOORS:
            continue  # the simulator has its own rule; a room off the plan fails the test above
        for edge in found:
            target = room(edge.target)
            if target == own:
                continue
            if target == SIMULATOR:
                if own not in SIMULATOR_IMPORTED_BY:
                    problems.append(f"{edge}: the simulator is the tests' and --demo's (demo.py), not {own}'s")
            elif target not in FLOORS:
                problems.append(f"{edge}: imports {edge.target}, which is on no floor")
            elif FLOORS[target] >= FLOORS[own] and (own, target) not in SIDEWAYS:
                problems.append(f"{edge}: {own} (floor {FLOORS[own]}) imports {target} (floor {FLOORS[target]})")
    assert not problems, "imports that run upward or sideways:\n" + "\n".join(problems)


def test_the_simulator_imports_only_the_proto() -> None:
    """The simulator knows Porto from the proto and its own sources: a wrong exporter table fails a test."""
    problems = []
    for module, found in graph().items():
        if room(module) == SIMULATOR:
            problems += [
                f"{edge}: the simulator may import only porto/rpc_pb2.py of the exporter"
                for edge in found
                if room(edge.target) != SIMULATOR and edge.target not in SIMULATOR_MAY_IMPORT
            ]
    assert not problems, "\n".join(problems)


def test_no_import_circle() -> None:
    """No group of modules imports each other round, the late (function-local) imports included."""
    edges = {module: {edge.target for edge in found} for module, found in graph().items()}
    report = []
    for component in circles(edges):
        members = set(component)
        inside = list(
            dict.fromkeys(str(edge) for module in component for edge in graph()[module] if edge.target in members)
        )
        report.append(f"circle of {', '.join(m.removeprefix(TOP + '.') for m in component)}:\n  " + "\n  ".join(inside))
    assert not report, "\n".join(report)


def test_the_reader_sees_late_imports_and_from_dot_forms() -> None:
    """The checks above see what they claim to: a function-local import, ``from . import x``, the package root."""
    source = (
        "from . import errors, rpc_pb2 as pb\n"
        "from .. import __version__\n"
        "def late() -> None:\n"
        "    from ..samples import Batch\n"
        "    import porto_exporter.catalog\n"
    )
    found, problems = imports_of("porto/client.py", source, all_modules())
    assert not problems, problems
    assert {(e.line, e.target) for e in found} == {
        (1, f"{TOP}.porto.errors"),
        (1, f"{TOP}.porto.rpc_pb2"),
        (2, TOP),
        (4, f"{TOP}.samples"),
        (5, f"{TOP}.catalog"),
    }
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert circles({"a": {"a"}}) == [["a"]]
