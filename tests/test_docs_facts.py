"""Small facts the docs state that the code or CI decide: each checked against its source."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from porto_exporter.catalog import NOT_EXPORTED
from porto_exporter.config import load

ROOT = Path(__file__).resolve().parent.parent


def section(markdown: str, heading: str) -> str:
    """The text under ``## heading`` up to the next level-2 heading."""
    return markdown.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]


def apt_packages(script: str) -> list[str]:
    """The packages an ``apt-get install`` in ``script`` names (continuation lines joined, options dropped)."""
    joined = re.sub(r"\\\n\s*", " ", script)
    out = []
    for line in joined.splitlines():
        words = shlex.split(line.split(">", 1)[0], comments=True)
        if "apt-get" in words and "install" in words:
            out += [w for w in words[words.index("install") + 1 :] if not w.startswith("-")]
    return out


def test_readme_test_section_names_every_package_ci_installs() -> None:
    packages = apt_packages((ROOT / ".ci" / "test").read_text())
    assert len(packages) >= 5 and "prometheus" in packages, packages
    tests = section((ROOT / "README.md").read_text(), "Tests")
    missing = [p for p in packages if f"`{p}`" not in tests]
    assert not missing, f"README's Tests section does not name {missing}"


def test_the_not_exported_table_gives_no_field_as_exported() -> None:
    for fields, why in NOT_EXPORTED:
        assert not why.lower().startswith("exported"), fields


def test_the_default_request_deadline_fits_in_the_cycle() -> None:
    cfg = load([])
    assert cfg.porto_timeout <= cfg.timeout, (cfg.porto_timeout, cfg.timeout)
