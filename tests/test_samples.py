"""samples.py is the floor the layers stand on: the data model, importing nothing of the package."""

from __future__ import annotations

import ast
from pathlib import Path

import porto_exporter

SAMPLES = Path(porto_exporter.__file__).parent / "samples.py"


def test_samples_imports_nothing_of_the_package() -> None:
    """Function-local imports included: the old ``from .lines import parse_lines`` inside ``Batch.__iter__``
    closed a circle (lines imported samples)."""
    found = []
    for node in ast.walk(ast.parse(SAMPLES.read_text())):
        if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("porto_exporter")):
            found.append(f"line {node.lineno}: from {'.' * node.level}{node.module or ''}")
        elif isinstance(node, ast.Import) and any(a.name.startswith("porto_exporter") for a in node.names):
            found.append(f"line {node.lineno}: import {', '.join(a.name for a in node.names)}")
    assert not found, found


def test_no_top_level_lines_module() -> None:
    """One line writer, in exposition/: the top-level lines.py it replaced is gone."""
    assert not (SAMPLES.parent / "lines.py").exists()
    assert (SAMPLES.parent / "exposition" / "lines.py").exists()
