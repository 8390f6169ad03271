"""Porto (or Kubernetes) labels -> Prometheus label names, through an allowlist (kube-state-metrics style).

Keys that sanitize to one name (``app.kubernetes.io/name`` and ``app_kubernetes_io_name``; non-ASCII keys of
one length) are all kept, named as kube-state-metrics names them (``mapToPrometheusLabels`` in its
``internal/store/utils.go``): in sorted key order, each gets ``_conflict1``, ``_conflict2``, ... after the
common name. Each such set of keys is logged once, at warning, and counted once
(``porto_exporter_label_conflicts_total``); a key whose suffixed name is itself taken by another key (an unlikely
``a_b_conflict1``) is left out, logged and counted with its set.
"""

from __future__ import annotations

import fnmatch
import logging
import re
from collections.abc import Iterable, Mapping

_INVALID = re.compile(r"[^a-zA-Z0-9_]")
MAX_REMEMBERED = 10_000  # collision sets remembered as logged; past this the memory starts over
log = logging.getLogger(__name__)


def sanitize(label: str) -> str:
    """``TEAM.name`` -> ``label_TEAM_name``; every character Prometheus refuses becomes ``_``."""
    return "label_" + _INVALID.sub("_", label)


class LabelAllowlist:
    """Which labels become Prometheus labels: exact names or globs. ``what`` names them in the log
    ("Porto labels" for ``porto_container_labels``, "pod labels" for the Kubernetes info metric)."""

    def __init__(self, patterns: Iterable[str] = (), what: str = "Porto labels") -> None:
        self.patterns = tuple(p for p in patterns if p)
        self.what = what
        self._cache: dict[str, bool] = {}
        self._said: set[tuple[str, ...]] = set()  # collision sets logged (and counted) already
        self.conflicts = 0  # collision sets found since ``take_conflicts``

    def allows(self, label: str) -> bool:
        hit = self._cache.get(label)
        if hit is None:
            hit = any(fnmatch.fnmatchcase(label, p) for p in self.patterns)
            if len(self._cache) < 100_000:
                self._cache[label] = hit
        return hit

    def select(self, labels: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
        """Allowed labels as sorted (prometheus name, value) pairs; keys that sanitize to one name are suffixed
        ``_conflict<N>`` in sorted key order, so the result does not depend on map order."""
        if not self.patterns:
            return ()
        keys = sorted(name for name in labels if self.allows(name))
        names = [sanitize(k) for k in keys]
        if len(set(names)) == len(names):
            return tuple(sorted(zip(names, (labels[k] for k in keys), strict=True)))
        return self._resolve(keys, names, labels)

    def _resolve(self, keys: list[str], names: list[str], labels: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
        """kube-state-metrics' rule for colliding names, then any name still taken twice left out (first wins)."""
        sets: dict[str, list[str]] = {}
        for key, name in zip(keys, names, strict=True):
            sets.setdefault(name, []).append(key)
        seen: dict[str, int] = {}
        wanted: list[tuple[str, str]] = []  # (final name, key)
        for key, name in zip(keys, names, strict=True):
            if len(sets[name]) > 1:
                seen[name] = seen.get(name, 0) + 1
                name = f"{name}_conflict{seen[name]}"
            wanted.append((name, key))
        out: dict[str, str] = {}
        left_out: list[str] = []
        for name, key in wanted:
            if name in out:
                left_out.append(key)
            else:
                out[name] = labels[key]
        for name, colliding in sets.items():
            if len(colliding) > 1:
                self._say(name, colliding, [k for k in left_out if k in colliding])
        for key in left_out:
            if len(sets[sanitize(key)]) == 1:
                self._say(sanitize(key), [key], [key])
        return tuple(sorted(out.items()))

    def _say(self, name: str, keys: list[str], left_out: list[str]) -> None:
        """Log and count a collision set the first time it is met."""
        said = tuple(keys)
        if said in self._said:
            return
        if len(self._said) >= MAX_REMEMBERED:
            self._said.clear()
        self._said.add(said)
        self.conflicts += 1
        if len(keys) > 1:
            kept = ", ".join(f"{name}_conflict{i} ({k})" for i, k in enumerate(keys, 1) if k not in left_out)
            log.warning(
                "labels: %s %s all sanitize to %s: kept as %s, as kube-state-metrics names them%s",
                self.what,
                ", ".join(keys),
                name,
                kept,
                f"; {', '.join(left_out)} left out (its name is another's)" if left_out else "",
            )
        else:
            log.warning(
                "labels: %s %s becomes %s, the name another key's conflict took: left out", self.what, keys[0], name
            )

    def take_conflicts(self) -> int:
        """Collision sets found since the last call (each counted once): for the exporter's counter."""
        found, self.conflicts = self.conflicts, 0
        return found
