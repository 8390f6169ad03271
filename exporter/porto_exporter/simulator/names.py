"""Porto's rules for container names and label names (and its wildcard masks, from ``masks``)."""

from __future__ import annotations

import re

from .masks import is_mask, match, matcher

MAX_NAME_LENGTH = 200
MAX_DEPTH = 16
MAX_LABEL_LENGTH = 128
MAX_LABEL_VALUE_LENGTH = 256

_NAME_CHARS = re.compile(r"^[A-Za-z0-9_\-@:.+]+$")
_LABEL = re.compile(r"^[A-Z][A-Z0-9_]{1,15}\.[A-Za-z0-9_\-.]+$")
_LABEL_VALUE = re.compile(r"^[^;\n\r\0]*$")


class NameError_(ValueError):
    """A name breaks Porto's rules (maps to InvalidValue)."""


def check_container_name(name: str) -> None:
    if not name:
        raise NameError_("container name is empty")
    if len(name) > MAX_NAME_LENGTH:
        raise NameError_(f"container name too long, max {MAX_NAME_LENGTH}: {name[:32]}...")
    parts = name.split("/")
    if len(parts) > MAX_DEPTH:
        raise NameError_(f"container path too deep, max {MAX_DEPTH} levels")
    for part in parts:
        if not part or part in (".", ".."):
            raise NameError_(f"invalid container name: {name}")
        if part in ("self", "porto") and part == parts[0]:
            raise NameError_(f"reserved container name: {part}")
        if not _NAME_CHARS.match(part):
            bad = next(ch for ch in part if not _NAME_CHARS.match(ch))
            raise NameError_(f"forbidden character 0x{ord(bad):02x}")


def check_label(label: str, value: str) -> None:
    if len(label) > MAX_LABEL_LENGTH or not _LABEL.match(label):
        raise NameError_(f"Invalid label name: {label}")
    if label.startswith("PORTO"):
        raise NameError_(f"Invalid label name: {label}")  # the prefix is reserved
    if len(value) > MAX_LABEL_VALUE_LENGTH or not _LABEL_VALUE.match(value):
        raise NameError_(f"invalid label value for {label}")


__all__ = ["check_container_name", "check_label", "is_mask", "match", "matcher"]
