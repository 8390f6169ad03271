"""What flows from the collectors to the renderer: label sets and samples grouped by family.

A cycle on a 10,000-container host carries over half a million values, so
they travel in columns (one list of label sets and one of values per metric
family) rather than as one object each. A ``LabelSet`` holds its escaped
exposition text, computed once; collectors keep a container's label sets
between cycles, so that text is rebuilt only when the container's labels change.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .catalog import DECIMALS

Labels = tuple[tuple[str, str], ...]
# A value is an int or a finite float, never a bool: the renderer prints it with str().
# In a family with decimals (catalog.DECIMALS: the ns and us counters) it is an integer count
# of 10**-decimals units; Sample values are always in the metric's unit.
Value = int | float


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


EMPTY = LabelSet(())


@dataclass(frozen=True, slots=True)
class Sample:
    """One value of one metric family; ``labels`` is ordered as the family declares them."""

    name: str
    labels: Labels
    value: Value


Column = tuple[list[LabelSet], list[Value]]


class NonFiniteValue(ValueError):
    """A value the exposition formats cannot carry as a plain number."""


class Batch:
    """Samples grouped by metric family, as parallel columns of label sets and values."""

    __slots__ = ("columns",)

    def __init__(self) -> None:
        self.columns: dict[str, Column] = {}

    @classmethod
    def of(cls, samples: Iterable[Sample]) -> Batch:
        batch = cls()
        for s in samples:
            batch.add(s.name, s.labels, s.value)
        return batch

    def column(self, name: str) -> Column:
        col = self.columns.get(name)
        if col is None:
            col = self.columns[name] = ([], [])
        return col

    def add(self, name: str, labels: Labels | LabelSet, value: float | int | bool) -> None:
        """The checked way in, value in the metric's unit: bools become 0/1, non-finite floats are refused."""
        if isinstance(value, bool):
            value = int(value)
        elif isinstance(value, float) and not math.isfinite(value):
            raise NonFiniteValue(f"{name}: {value}")
        decimals = DECIMALS.get(name)
        if decimals:
            value = round(value * 10**decimals)
        keys, values = self.column(name)
        keys.append(labels if isinstance(labels, LabelSet) else LabelSet(labels))
        values.append(value)

    def extend(self, other: Batch) -> None:
        for name, (keys, values) in other.columns.items():
            mine = self.column(name)
            mine[0].extend(keys)
            mine[1].extend(values)

    def __len__(self) -> int:
        return sum(len(values) for _, values in self.columns.values())

    def __iter__(self) -> Iterator[Sample]:
        """One Sample per value (for tests and small consumers; the renderer reads columns)."""
        for name, (keys, values) in self.columns.items():
            unit = 10 ** DECIMALS.get(name, 0)
            for key, value in zip(keys, values, strict=True):
                yield Sample(name, key.labels, value / unit if unit != 1 else value)
