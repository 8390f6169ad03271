"""What flows from the collectors to the renderer and the landing page: label sets and values by family.

The pure data model of the package (it imports nothing of it): collectors fill
it, ``exposition/`` writes it as text, ``web/overview.py`` reads its values.

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

Values that stay the same for many cycles (a container's spec, slow tier and
state) travel as kept pieces instead: a ``Kept`` (one sample), ``KeptMap`` (a
map's entries) or ``KeptInfo`` (an info sample's labels) per family and
container, made once when the values change and handed over again every cycle
until then.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Final, NewType

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


class Kept:
    """One sample of one family for one container, kept between cycles until its value changes.

    ``value`` is in the metric's unit (a ``ScaledKept`` holds counts of 10**-decimals of it). A
    changed value makes a new piece; a piece's fields are never changed (mypy holds them Final).

    ``text`` is the one slot filled later, and only by the exposition's line writer: the sample's
    line, written the first time the piece is rendered and copied every cycle after while the piece
    lives (kube-state-metrics' pre-rendered bytes per object). It lives here rather than in a
    writer-side table so that it goes when the piece goes, with no lookup per sample and no eviction.

    ``decimals`` is a class attribute here and a slot only in the scaled kinds: one slot less puts a
    piece in pymalloc's 64-byte class instead of the 80-byte one (25 pieces a container).
    """

    __slots__ = ("key", "name", "text", "value")
    decimals = 0

    def __init__(self, name: str, key: LabelSet, value: Value) -> None:
        self.name: Final = name
        self.key: Final = key
        self.value: Final = value
        self.text: str | None = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r}, {self.key.labels!r}, {self.value!r})"


class ScaledKept(Kept):
    """A ``Kept`` whose value is an integer count of 10**-decimals of the metric's unit."""

    __slots__ = ("decimals",)

    def __init__(self, name: str, decimals: int, key: LabelSet, value: int) -> None:
        if decimals <= 0:
            raise ValueError(f"{name}: a scaled piece needs decimals > 0, got {decimals}")
        super().__init__(name, key, value)
        self.decimals = decimals


class KeptMap:
    """A map-valued family's entries for one container, kept between cycles until they change.

    Entry i is the sample ``key`` + ``(label, keys[i])`` with ``values[i]`` in the metric's unit
    (a ``ScaledKeptMap`` holds counts of 10**-decimals of it). Never changed once made; ``text`` and
    ``decimals`` as in ``Kept``.
    """

    __slots__ = ("key", "keys", "label", "name", "text", "values")
    decimals = 0

    def __init__(self, name: str, key: LabelSet, label: str, keys: tuple[str, ...], values: tuple[Value, ...]) -> None:
        if len(keys) != len(values):
            raise ValueError(f"{name}: {len(keys)} map keys for {len(values)} values")
        self.name: Final = name
        self.key: Final = key
        self.label: Final = label
        self.keys: Final = keys
        self.values: Final = values
        self.text: str | None = None

    def __repr__(self) -> str:
        entries = dict(zip(self.keys, self.values, strict=True))
        return f"{type(self).__name__}({self.name!r}, {self.key.labels!r}, {self.label!r}, {entries!r})"


class ScaledKeptMap(KeptMap):
    """A ``KeptMap`` whose values are integer counts of 10**-decimals of the metric's unit."""

    __slots__ = ("decimals",)

    def __init__(
        self, name: str, decimals: int, key: LabelSet, label: str, keys: tuple[str, ...], values: tuple[int, ...]
    ) -> None:
        if decimals <= 0:
            raise ValueError(f"{name}: a scaled piece needs decimals > 0, got {decimals}")
        super().__init__(name, key, label, keys, values)
        self.decimals = decimals


class KeptInfo:
    """An info-style sample (value 1) for one container: its label set plus labels that carry data.

    The sample's labels are ``key``'s followed by ``names[i]`` = ``values[i]`` (porto_container_info's
    id, parent, owner...; porto_container_labels' allowlisted Porto labels). Kept as two tuples of
    strings rather than a second label set: a label set would keep its escaped text beside the line,
    the same bytes twice for every container. Never changed once made; ``text`` as in ``Kept``.
    """

    __slots__ = ("key", "name", "names", "text", "values")
    decimals = 0
    value = 1

    def __init__(self, name: str, key: LabelSet, names: tuple[str, ...], values: tuple[str, ...]) -> None:
        if len(names) != len(values):
            raise ValueError(f"{name}: {len(names)} label names for {len(values)} values")
        self.name: Final = name
        self.key: Final = key
        self.names: Final = names
        self.values: Final = values
        self.text: str | None = None

    @property
    def labels(self) -> Labels:
        return (*self.key.labels, *zip(self.names, self.values, strict=True))

    def __repr__(self) -> str:
        return f"KeptInfo({self.name!r}, {self.labels!r})"


Piece = Kept | KeptMap | KeptInfo  # with ScaledKept and ScaledKeptMap


class Batch:
    """Samples grouped by metric family: columns of label sets and values, and kept pieces.

    ``kept`` holds, per family, the pieces (``Kept``/``KeptMap``) of samples whose values did not
    change since they were made; a family may have both a column and pieces.
    """

    __slots__ = ("columns", "kept")

    def __init__(self) -> None:
        self.columns: dict[str, AnyColumn] = {}
        self.kept: dict[str, list[Piece]] = {}

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

    def keep(self, piece: Piece) -> None:
        """Hand over a kept piece (again) for this cycle."""
        pieces = self.kept.get(piece.name)
        if pieces is None:
            pieces = self.kept[piece.name] = []
        pieces.append(piece)

    def extend(self, other: Batch) -> None:
        for name, col in other.columns.items():
            if isinstance(col, ScaledColumn):
                scaled = self.scaled(name, col.decimals)
                scaled.keys.extend(col.keys)
                scaled.values.extend(col.values)
            else:
                plain = self.column(name)
                plain.keys.extend(col.keys)
                plain.values.extend(col.values)
        for name, pieces in other.kept.items():
            self.kept.setdefault(name, []).extend(pieces)

    def families(self) -> set[str]:
        """The families this batch has at least one sample of."""
        return {name for name, col in self.columns.items() if col.values} | {n for n, p in self.kept.items() if p}

    def __len__(self) -> int:
        kept = sum(len(p.keys) if isinstance(p, KeptMap) else 1 for pieces in self.kept.values() for p in pieces)
        return sum(len(col.values) for col in self.columns.values()) + kept

    def samples(self, name: str) -> Iterator[Sample]:
        """One family's samples, column then kept pieces, each value in the metric's unit."""
        col = self.columns.get(name)
        if col is not None:
            unit = 10**col.decimals
            for key, value in zip(col.keys, col.values, strict=True):
                yield Sample(name, key.labels, value / unit if unit != 1 else value)
        for p in self.kept.get(name, ()):
            unit = 10**p.decimals
            if isinstance(p, KeptMap):
                labels = p.key.labels
                for k, v in zip(p.keys, p.values, strict=True):
                    yield Sample(name, (*labels, (p.label, k)), v / unit if unit != 1 else v)
            elif isinstance(p, KeptInfo):
                yield Sample(name, p.labels, p.value)
            else:
                yield Sample(name, p.key.labels, p.value / unit if unit != 1 else p.value)

    def __iter__(self) -> Iterator[Sample]:
        """One Sample per value, in the metric's unit, from the structured values (for tests and small
        consumers; the renderer reads columns and pieces as they are)."""
        for name in dict.fromkeys([*self.columns, *self.kept]):
            yield from self.samples(name)
