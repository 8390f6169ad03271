"""The one line writer: a family's samples as ``name{labels} value`` lines.

Columns are written every cycle (their values are fresh). Kept pieces are
written the first time they are rendered and the text stored on the piece,
then copied every cycle while the piece lives. A map entry's line is the
container's label text with the entry's ``,label="key"}`` appended: those
fragments are escaped once per distinct (label, key) for the whole host
(device names, memory types, pressure kinds, states: a few dozen), so no
label set is made per entry.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..samples import (
    AnyColumn,
    EncodingMismatch,
    Kept,
    KeptInfo,
    KeptMap,
    LabelSet,
    Piece,
    Scaled,
    ScaledColumn,
    Value,
    escape_label_value,
)


def fixed_point(value: Value, decimals: int) -> str:
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
        return [
            f"{name}{k.text} {s[:-decimals]}.{s[-decimals:].rstrip('0') or '0'}\n"
            for k, s in zip(keys, digits, strict=True)
        ]
    try:
        return [f"{name}{k.text} {fixed_point(v, decimals)}\n" for k, v in zip(keys, values, strict=True)]
    except EncodingMismatch as exc:
        raise EncodingMismatch(f"{name}: {exc}") from None


def fixed_numbers(values: Sequence[Value], decimals: int) -> list[str]:
    """Counts of 10**-decimals units as exact decimals (``fixed_point`` of each); non-negative ints inline."""
    if all(type(v) is int and v >= 0 for v in values):
        return [
            f"{s[:-decimals]}.{s[-decimals:].rstrip('0') or '0'}" for s in [str(v).zfill(decimals + 1) for v in values]
        ]
    return [fixed_point(v, decimals) for v in values]


class LineWriter:
    """Writes columns and kept pieces; keeps the host's map-entry label fragments."""

    MAX_FRAGMENTS = 100_000  # past this (map keys nobody expects) the cache starts over

    def __init__(self) -> None:
        self.fragments: dict[tuple[str, str], str] = {}

    def fragment(self, label: str, key: str) -> str:
        """``label="key"}``, escaped once per distinct pair."""
        pair = (label, key)
        text = self.fragments.get(pair)
        if text is None:
            if len(self.fragments) >= self.MAX_FRAGMENTS:
                self.fragments.clear()
            text = self.fragments[pair] = f'{label}="{escape_label_value(key)}"}}'
        return text

    def column(self, name: str, col: AnyColumn) -> list[str]:
        if isinstance(col, ScaledColumn):
            return fixed_lines(name, col.keys, col.values, col.decimals)
        return plain_lines(name, col.keys, col.values)

    def texts(self, pieces: Sequence[Piece], decimals: int) -> list[str]:
        """Every piece's text, written now for the pieces that have none yet (made since the last render)."""
        out: list[str] = []
        append, piece = out.append, self.piece
        for p in pieces:
            text = p.text
            if text is None:
                if type(p) is Kept and not decimals and not p.decimals:  # the common case, inline
                    text = p.text = f"{p.name}{p.key.text} {p.value}\n"
                else:
                    text = piece(p, decimals)
            append(text)
        return out

    def piece(self, p: Piece, decimals: int) -> str:
        """A kept piece's lines, written now and stored on it (the only place ``text`` is set).

        ``decimals``: the catalog's for the family; a piece made with others is refused.
        """
        if p.decimals != decimals:
            raise EncodingMismatch(
                f"{p.name}: the catalog declares {decimals} decimals, a kept piece holds {p.decimals}"
            )
        name = p.name
        try:
            if isinstance(p, KeptMap):
                head = f"{name}{p.key.text[:-1]}," if p.key.text else f"{name}{{"
                label, known, fragment = p.label, self.fragments.get, self.fragment
                numbers = fixed_numbers(p.values, decimals) if decimals else p.values
                text = "".join(
                    [
                        f"{head}{known((label, k)) or fragment(label, k)} {v}\n"
                        for k, v in zip(p.keys, numbers, strict=True)
                    ]
                )
            elif isinstance(p, KeptInfo):
                data = ",".join([f'{n}="{escape_label_value(v)}"' for n, v in zip(p.names, p.values, strict=True)])
                if not data:
                    text = f"{name}{p.key.text} 1\n"
                else:
                    text = f"{name}{p.key.text[:-1]},{data}}} 1\n" if p.key.text else f"{name}{{{data}}} 1\n"
            else:
                text = f"{name}{p.key.text} {fixed_point(p.value, decimals) if decimals else p.value}\n"
        except EncodingMismatch as exc:
            raise EncodingMismatch(f"{name}: {exc}") from None
        p.text = text
        return text
