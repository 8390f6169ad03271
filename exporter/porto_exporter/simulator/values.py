"""Property values as portod writes and reads them in its v4 strings (src/util/string.cpp, src/property.cpp).

Named after portod's own functions. Writing: maps print ``key: value`` pairs joined by ``; `` in key order
(a ``std::map``), CPU power prints as cores with ``{:g}c``, booleans as ``true``/``false``, durations such
as ``respawn_delay`` as ``<N>ns``, dates in the daemon's local time (``%F %T``, empty for 0). Reading (what
SetProperty accepts): sizes with an optional unit (``B K M G T P E``, also ``Kb``, ``KiB``...), durations with
one (``s ms us ns``...), CPU power as ``<N>c`` cores, a bare number as a percentage of the host's cores, or
``<N>ns``; maps split on ``;`` and ``:`` (a backslash escapes a separator), keys and values trimmed.

The simulator's own reading of portod: the exporter parses the same strings with its own code, and the
tests hold the two against each other and against the captures.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Mapping

SIZE_UNITS = "BKMGTPE"  # powers of 1024, in order
NSEC_UNITS = {
    "s": 1e9,
    "sec": 1e9,
    "ms": 1e6,
    "msec": 1e6,
    "us": 1e3,
    "usec": 1e3,
    "ns": 1.0,
    "nsec": 1.0,
    "ps": 1e-3,
    "psec": 1e-3,
    "fs": 1e-6,
    "fsec": 1e-6,
}
UINT64_MAX = (1 << 64) - 1
_NUMBER = re.compile(r"\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)(.*)\Z", re.DOTALL)  # strtod's decimal form
TRIM = " \t\n"


class BadValue(ValueError):
    """A value SetProperty refuses (portod answers InvalidValue with these words)."""


# --- writing ---------------------------------------------------------------


def uint_map_to_string(values: Mapping[str, int]) -> str:
    """``UintMapToString``: ``hw: 1; vda: 2``; an empty map is ''."""
    return "; ".join(f"{key}: {values[key]}" for key in sorted(values))


def string_map_to_string(values: Mapping[str, str]) -> str:
    """``StringMapToString``: as for numbers (labels print this way)."""
    return "; ".join(f"{key}: {values[key]}" for key in sorted(values))


def cpu_power_to_string(cores: float) -> str:
    """``CpuPowerToString``: cores with a ``c``, six significant digits (``0.2c``, ``2c``, ``1.23456c``)."""
    return f"{cores:g}c"


def bool_to_string(value: bool) -> str:
    return "true" if value else "false"


def nsec_to_string(nanoseconds: int) -> str:
    """How ``respawn_delay`` prints (``fmt::format("{}ns")`` in its property)."""
    return f"{nanoseconds}ns"


def format_time(unix_seconds: int) -> str:
    """A date as portod prints it: local time to the second; a time never set (0) is ''."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(unix_seconds)) if unix_seconds else ""


# --- reading ---------------------------------------------------------------


def string_to_bool(text: str) -> bool:
    if text in ("true", "false"):
        return text == "true"
    raise BadValue(f"Bad boolean value: {text}")


def string_to_value(text: str) -> tuple[float, str]:
    """``StringToValue``: a leading number (as strtod reads it) and the unit after it, trimmed."""
    found = _NUMBER.match(text)
    if found is None:
        raise BadValue(f"Bad value: {text}")
    return float(found.group(1)), found.group(2).strip(TRIM)


def _size_multiplier(unit: str) -> int:
    """``UnitToMult``: ``""``, ``B``, and ``K M G T P E`` in either case, alone or with ``b``, ``B`` or ``iB``."""
    if not unit:
        return 1
    power = SIZE_UNITS.find(unit[0].upper())
    rest = unit[1:]
    if power >= 0 and (rest == "" or (power and rest in ("b", "B", "iB"))):
        return 1 << (10 * power)
    raise BadValue(f"Bad value unit: {unit}")


def string_to_size(text: str) -> int:
    """``StringToSize``: ``16M`` -> 16777216, ``1.5G``, ``100``; negative or too big is refused. Whole numbers
    are read as integers (portod tries ``strtoull`` before ``strtod``), so large ones stay exact."""
    found = _NUMBER.match(text)
    if found is None:
        raise BadValue(f"Bad value: {text}")
    number, unit = found.group(1), found.group(2).strip(TRIM)
    multiplier = _size_multiplier(unit)
    if number.isdigit():
        size: float = int(number) * multiplier
    elif float(number) < 0:
        raise BadValue(f"Negative: {text}")
    else:
        size = float(number) * multiplier
    if size > UINT64_MAX:
        raise BadValue(f"Too big: {text}")
    return int(size)


def string_to_nsec(text: str) -> int:
    """``StringToNsec``: ``1000000000``, ``1000000000ns``, ``1s``, ``500ms`` -> nanoseconds."""
    value, unit = string_to_value(text)
    if value < 0:
        raise BadValue(f"Negative: {text}")
    if unit and unit not in NSEC_UNITS:
        raise BadValue(f"Unknown unit: {unit}")
    nsec = value * NSEC_UNITS.get(unit, 1.0)
    if nsec > UINT64_MAX:
        raise BadValue(f"Too big: {text}")
    return int(nsec)


def string_to_cpu_power(text: str, host_cores: int) -> float:
    """``StringToCpuPower``, in cores: ``0.5c`` is cores, ``2`` is 2 % of the host, ``500000000ns`` is ns a second."""
    try:
        value, unit = string_to_value(text)
    except BadValue:
        raise BadValue(f"Invalid cpu power value {text}") from None
    if value < 0 or not math.isfinite(value):
        raise BadValue(f"Invalid cpu power value {text}")
    if unit == "":
        return value * host_cores / 100.0
    if unit == "c":
        return value
    if unit == "ns":
        return value / 1e9
    raise BadValue(f"Invalid cpu power unit {text}")


def split_escaped(text: str, sep: str) -> list[str]:
    """``SplitEscapedString``: ``text`` cut at each ``sep`` not escaped by a backslash, pieces trimmed, empty ones
    dropped (a backslash before a backslash or ``sep`` stands for that character; before anything else, itself)."""
    pieces: list[str] = []
    current: list[str] = []
    i = 0
    while i <= len(text):
        ch = text[i] if i < len(text) else None
        if ch is None or ch == sep:
            piece = "".join(current).strip(TRIM)
            if piece:
                pieces.append(piece)
            current = []
        elif ch == "\\" and i + 1 < len(text) and text[i + 1] in ("\\", sep):
            current.append(text[i + 1])
            i += 1
        else:
            current.append(ch)
        i += 1
    return pieces


def _pairs(text: str) -> list[tuple[str, str]]:
    out = []
    for item in split_escaped(text, ";"):
        key_value = split_escaped(item, ":")
        if len(key_value) != 2:
            raise BadValue("Invalid format")
        out.append((key_value[0], key_value[1]))
    return out


def string_to_uint_map(text: str) -> dict[str, int]:
    """``StringToUintMap``: ``vda: 10M; /place: 1000`` -> ``{"vda": 10485760, "/place": 1000}`` ('' -> {})."""
    result: dict[str, int] = {}
    for key, value in _pairs(text):
        try:
            result[key] = string_to_size(value)
        except BadValue:
            raise BadValue(f"Invalid value {value}") from None
    return result


def string_to_string_map(text: str) -> dict[str, str]:
    """``StringToStringMap``: ``A.b: x; C.d: y`` -> ``{"A.b": "x", "C.d": "y"}`` ('' -> {})."""
    return dict(_pairs(text))
