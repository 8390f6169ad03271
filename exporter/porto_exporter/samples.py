"""What flows from the collectors to the renderer: label sets and samples grouped by family.

A cycle on a 10,000-container host carries over half a million values, so
they travel in columns (one list of label sets and one of values per metric
family) rather than as one object each. A ``LabelSet`` holds its escaped
exposition text, computed once; collectors keep a container's label sets
between cycles, so that text is rebuilt only when the container's labels change.

A column has one encoding, fixed when it is made: a ``Column`` holds values in
the metric's unit (ints or finite floats), a ``ScaledColumn`` holds ``Scaled``
integer counts of 10**-decimals of the unit (Porto's ns and us counters; the
renderer writes the decimal point). The two never mix: appending a plain number
to a scaled column is a mypy error, asking a batch for one kind of column under
a name that holds the other raises ``EncodingMismatch``, and the renderer
refuses a column whose decimals differ from its catalog entry.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import NewType

Labels = tuple[tuple[str, str], ...]
# A plain value is an int or a finite float, never a bool: the renderer prints it with str().
Value = int | float
# An integer count of 10**-decimals of the metric's unit: (1_040_000_000 with 9 decimals) = 1.04 s.
Scaled = NewType("Scaled", int)


def escape_label_value(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


class LabelSet:
    """An ordered label set and its exposition text (``{k="v",...}``, or "" when empty)."""

    __slots__ = ("labels", "text")

    def __init__(self, labels: Labels) -> None:
        self.labels = labels
        self.text = "{" + ",".join(f'{k}="{escape_label_value(v)}"' for k, v in labels) + "}" if labels else ""

    def __repr__(self) -> str:
        return f"LabelSet({self.labels!r})"


@dataclass(frozen=True, slots=True)
class Sample:
    """One value of one metric family in the metric's unit; ``labels`` ordered as the family declares them."""

    name: str
    labels: Labels
    value: Value


class EncodingMismatch(TypeError):
    """A family's values were put in a column of the other encoding (plain vs scaled)."""


class NonFiniteValue(ValueError):
    """A value the exposition formats cannot carry as a plain number."""


class Column:
    """One family's values in the metric's unit."""

    __slots__ = ("keys", "values")
    decimals = 0

    def __init__(self) -> None:
        self.keys: list[LabelSet] = []
        self.values: list[Value] = []


class ScaledColumn:
    """One family's values as integer counts of 10**-decimals of the metric's unit."""

    __slots__ = ("decimals", "keys", "values")

    def __init__(self, decimals: int) -> None:
        if decimals <= 0:
            raise ValueError(f"a scaled column needs decimals > 0, got {decimals}")
        self.decimals = decimals
        self.keys: list[LabelSet] = []
        self.values: list[Scaled] = []


AnyColumn = Column | ScaledColumn


class Batch:
    """Samples grouped by metric family: columns of label sets and values, and lines already written.

    ``lines`` holds, per family, chunks of exposition text (``name{labels} value`` lines, see
    ``lines.py``) for samples whose values did not change since they were written.
    """

    __slots__ = ("columns", "lines")

    def __init__(self) -> None:
        self.columns: dict[str, AnyColumn] = {}
        self.lines: dict[str, list[str]] = {}

    @classmethod
    def of(cls, samples: Iterable[Sample]) -> Batch:
        """Plain samples (values in the metric's unit) into plain columns."""
        batch = cls()
        for s in samples:
            batch.add(s.name, s.labels, s.value)
        return batch

    def column(self, name: str) -> Column:
        """The plain column of a family."""
        col = self.columns.get(name)
        if col is None:
            col = self.columns[name] = Column()
        elif type(col) is not Column:
            raise EncodingMismatch(f"{name}: holds scaled values ({col.decimals} decimals), asked for plain ones")
        return col

    def scaled(self, name: str, decimals: int) -> ScaledColumn:
        """The scaled column of a family (counts of 10**-decimals of its unit)."""
        col = self.columns.get(name)
        if col is None:
            col = self.columns[name] = ScaledColumn(decimals)
        elif type(col) is not ScaledColumn or col.decimals != decimals:
            raise EncodingMismatch(f"{name}: holds values with {col.decimals} decimals, asked for {decimals}")
        return col

    def column_for(self, name: str, decimals: int) -> AnyColumn:
        return self.scaled(name, decimals) if decimals else self.column(name)

    def add(self, name: str, labels: Labels | LabelSet, value: float | bool, *, decimals: int = 0) -> None:
        """The checked way in, value in the metric's unit: bools become 0/1, non-finite floats are refused.

        With ``decimals`` the value is rounded into the family's scaled column.
        """
        if isinstance(value, bool):
            value = int(value)
        elif isinstance(value, float) and not math.isfinite(value):
            raise NonFiniteValue(f"{name}: {value}")
        key = labels if isinstance(labels, LabelSet) else LabelSet(labels)
        if decimals:
            scaled = self.scaled(name, decimals)
            scaled.keys.append(key)
            scaled.values.append(Scaled(round(value * 10**decimals)))
        else:
            plain = self.column(name)
            plain.keys.append(key)
            plain.values.append(value)

    def extend(self, other: Batch) -> None:
        for name, col in other.columns.items():
            mine = self.column_for(name, col.decimals)
            mine.keys.extend(col.keys)
            mine.values.extend(col.values)  # type: ignore[arg-type]  # same kind: column_for checked it
        for name, chunks in other.lines.items():
            self.lines.setdefault(name, []).extend(chunks)

    def __len__(self) -> int:
        written = sum(chunk.count("\n") for chunks in self.lines.values() for chunk in chunks)
        return sum(len(col.values) for col in self.columns.values()) + written

    def __iter__(self) -> Iterator[Sample]:
        """One Sample per value, in the metric's unit (for tests and small consumers; the renderer reads columns)."""
        from .lines import parse_lines  # the line format builds on this module

        for name, col in self.columns.items():
            unit = 10**col.decimals
            for key, value in zip(col.keys, col.values, strict=True):
                yield Sample(name, key.labels, value / unit if unit != 1 else value)
        for chunks in self.lines.values():
            for chunk in chunks:
                for name, labels, value in parse_lines(chunk):
                    yield Sample(name, labels, value)
