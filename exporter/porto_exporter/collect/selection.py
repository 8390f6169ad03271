"""Which containers to export: ``--containers.include`` / ``--containers.exclude`` masks and a depth limit."""

from __future__ import annotations

from dataclasses import dataclass

from ..porto.masks import mask_regex

ROOT = "/"


def level(name: str) -> int:
    """The root is level 0, ``a`` level 1, ``a/b`` level 2."""
    return 0 if name == ROOT else name.count("/") + 1


def ancestors(name: str) -> list[str]:
    """``a/b/c`` -> ``a/b``, ``a``, ``/``."""
    if name == ROOT:
        return []
    parts = name.split("/")
    return ["/".join(parts[:i]) for i in range(len(parts) - 1, 0, -1)] + [ROOT]


@dataclass(frozen=True)
class Selection:
    """Porto masks to include and exclude, and the deepest level to export (the root's level is 0)."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    max_depth: int | None = None

    def wants(self, name: str) -> bool:
        if self.max_depth is not None and level(name) > self.max_depth:
            return False
        if self.include and not any(mask_regex(m).match(name) or m == name for m in self.include):
            return False
        return not any(mask_regex(m).match(name) or m == name for m in self.exclude)
