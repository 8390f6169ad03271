"""The exposition line format: a family's samples as ``name{labels} value`` lines, and back.

Shared by the renderer (every cycle's fresh values) and the containers
collector, which writes the samples that do not change between cycles (spec,
slow tier, state) as lines once and replays the text. ``parse_lines`` reads
them back, for tests and small consumers that want samples.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from .samples import EncodingMismatch, Labels, LabelSet, Scaled, Value


def fixed_point(value: int, decimals: int) -> str:
    """An integer count of 10**-decimals units as an exact decimal: (1040000000, 9) -> '1.04'."""
    if type(value) is not int:
        raise EncodingMismatch(f"a scaled value must be an integer count, got {value!r}")
    if value < 0:
        return "-" + fixed_point(-value, decimals)
    digits = str(value).zfill(decimals + 1)
    return f"{digits[:-decimals]}.{digits[-decimals:].rstrip('0') or '0'}"


def plain_lines(name: str, keys: Sequence[LabelSet], values: Sequence[Value]) -> list[str]:
    return [f"{name}{k.text} {v}\n" for k, v in zip(keys, values, strict=True)]


def fixed_lines(name: str, keys: Sequence[LabelSet], values: Sequence[Scaled], decimals: int) -> list[str]:
    """A family's lines with fixed-point values; the common case (non-negative counts) inline."""
    if all(type(v) is int and v >= 0 for v in values):
        digits = [str(v).zfill(decimals + 1) for v in values]
        return [f"{name}{k.text} {s[:-decimals]}.{s[-decimals:].rstrip('0') or '0'}\n"
                for k, s in zip(keys, digits, strict=True)]  # fmt: skip
    try:
        return [f"{name}{k.text} {fixed_point(v, decimals)}\n" for k, v in zip(keys, values, strict=True)]
    except EncodingMismatch as exc:
        raise EncodingMismatch(f"{name}: {exc}") from None


_LINE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$")
_PAIR = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?')
_UNESCAPE = {"\\\\": "\\", "\\n": "\n", '\\"': '"'}


def parse_lines(text: str) -> Iterator[tuple[str, Labels, float]]:
    """``name{k="v"} 1.5`` lines -> (name, labels, value); values as numbers in the metric's unit."""
    for line in text.splitlines():
        m = _LINE.match(line)
        if m is None:
            raise ValueError(f"not an exposition line: {line!r}")
        name, body, raw = m.groups()
        labels = tuple(
            (k, re.sub(r"\\[\\n\"]", lambda e: _UNESCAPE[e.group(0)], v)) for k, v in _PAIR.findall(body or "")
        )
        value = float(raw)
        yield name, labels, int(value) if value.is_integer() and "." not in raw and "e" not in raw else value
