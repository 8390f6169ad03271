"""portod's v4 string value formats, both directions.

The collectors parse with these. The simulator has its own formatter (``simulator/values.py``, written from
portod's source), so the two are independent: tests/test_simulator_vs_exporter_rules.py and
tests/test_catalog_vs_simulator.py hold them to each other and to the captured strings. The ``format_*``
functions are the exporter's understanding of portod's output, kept for those tests and the writes.
"""

from __future__ import annotations

import math
import time


class ValueFormatError(ValueError):
    """A property value does not have the format portod uses for it."""


def format_uint_map(values: dict[str, int]) -> str:
    """``{'vda': 2, 'hw': 1}`` -> ``'hw: 1; vda: 2'`` (sorted keys, empty map -> '')."""
    return "; ".join(f"{key}: {values[key]}" for key in sorted(values))


def format_str_map(values: dict[str, str]) -> str:
    return "; ".join(f"{key}: {values[key]}" for key in sorted(values))


def parse_str_map(text: str) -> dict[str, str]:
    """``'a: x; b: y'`` -> ``{'a': 'x', 'b': 'y'}``; '' -> {}. Keys may contain spaces."""
    result: dict[str, str] = {}
    if not text:
        return result
    for item in text.split("; "):
        key, sep, value = item.partition(": ")
        if not sep:
            if item.endswith(":"):  # an empty value prints as "key:" (no trailing space)
                result[item[:-1]] = ""
                continue
            raise ValueFormatError(f"map item without ': ' separator: {item!r}")
        result[key] = value
    return result


def parse_uint_map(text: str) -> dict[str, int]:
    """``'hw: 1; vda: 2'`` -> ``{'hw': 1, 'vda': 2}``."""
    try:
        return {key: int(value) for key, value in parse_str_map(text).items()}
    except ValueError as exc:
        raise ValueFormatError(f"map with a non-integer value: {text!r}") from exc


def format_cores(cores: float) -> str:
    """Cores with portod's ``c`` suffix: ``0.5c``, ``2c``, ``1.23456c``."""
    return f"{cores:g}c"


def parse_cores(text: str) -> float:
    if not text.endswith("c"):
        raise ValueFormatError(f"cpu value without the 'c' suffix: {text!r}")
    try:
        cores = float(text[:-1])
    except ValueError as exc:
        raise ValueFormatError(f"bad cpu value: {text!r}") from exc
    if not math.isfinite(cores):
        raise ValueFormatError(f"cpu value is not a finite number: {text!r}")
    return cores


def format_ns(nanoseconds: int) -> str:
    """Durations such as respawn_delay carry an ``ns`` suffix."""
    return f"{nanoseconds}ns"


def parse_ns(text: str) -> int:
    digits = text[:-2] if text.endswith("ns") else text
    try:
        return int(digits)
    except ValueError as exc:
        raise ValueFormatError(f"bad duration: {text!r}") from exc


def format_bool(value: bool) -> str:
    return "true" if value else "false"


def parse_bool(text: str) -> bool:
    if text == "true":
        return True
    if text == "false":
        return False
    raise ValueFormatError(f"bad boolean: {text!r}")


def format_local_time(unix_seconds: int) -> str:
    """Dates print in the daemon's local time at second precision; 0 prints ''."""
    if not unix_seconds:
        return ""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(unix_seconds))


def parse_controllers(text: str) -> list[str]:
    """``'freezer;memory;cpu'`` -> the controllers a container owns."""
    return [item for item in text.split(";") if item]
