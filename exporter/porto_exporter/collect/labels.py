"""Porto labels -> Prometheus label names, through an allowlist (kube-state-metrics style)."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Mapping

_INVALID = re.compile(r"[^a-zA-Z0-9_]")


def sanitize(label: str) -> str:
    """``TEAM.name`` -> ``label_TEAM_name``; every character Prometheus refuses becomes ``_``."""
    return "label_" + _INVALID.sub("_", label)


class LabelAllowlist:
    """Which Porto labels become labels of ``porto_container_labels``: exact names or globs."""

    def __init__(self, patterns: Iterable[str] = ()) -> None:
        self.patterns = tuple(p for p in patterns if p)
        self._cache: dict[str, bool] = {}

    def allows(self, label: str) -> bool:
        hit = self._cache.get(label)
        if hit is None:
            hit = any(fnmatch.fnmatchcase(label, p) for p in self.patterns)
            if len(self._cache) < 100_000:
                self._cache[label] = hit
        return hit

    def select(self, labels: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
        """Allowed labels as sorted (prometheus name, value) pairs.

        Two Porto labels that sanitize to one name collide; the one whose Porto
        name sorts first wins, so the result does not depend on map order.
        """
        if not self.patterns:
            return ()
        out: dict[str, str] = {}
        for name in sorted(labels):
            if self.allows(name):
                out.setdefault(sanitize(name), labels[name])
        return tuple(sorted(out.items()))
