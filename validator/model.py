"""The Return: typed tables of one return for one collection year, with where every row came from.

Column conventions in every table frame (`Return.table(name)`):
  - `X`        the cleaned text of DfE column X (trimmed; blank -> <NA>); what DfE's rules compare.
  - `X_date`   for date columns: the parsed date, NaT when blank or not a valid date in DfE's layout.
               "not a valid date" is therefore `X.notna() & X_date.isna()`.
  - `X_num`    for integer columns: the number, NaN when blank or not a number.
The frame's index is the 0-based data row of that table in input order; findings point at it.
The text exactly as written, and the file/line/XML path of each row, live beside the frame
(`Table.raw`, `Table.source_*`) for reports, never in the frame the rules read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from validator.spec import ReturnSpec, spec
from validator.years import CollectionYear

# Rules get shallow copies of the tables; copy-on-write (the default from pandas 3) makes any
# write a rule does land in its own copy, never in what the next rule reads.
if pd.__version__.startswith("2."):
    pd.set_option("mode.copy_on_write", True)

CURRENT, PREVIOUS = "current", "previous"
LAST = "_last"  # suffix of previous-year tables, as in the spec: Episodes_last


@dataclass
class InputFile:
    path: str
    sha256: str
    size: int
    kind: str  # csv | xml | xlsx
    year: str  # current | previous
    tables: dict[str, int] = field(default_factory=dict)  # table -> rows read
    notes: list[str] = field(default_factory=list)  # things the user should know (extra columns, ...)


@dataclass
class Table:
    name: str  # DfE table name, e.g. Episodes
    year: str  # current | previous
    frame: pd.DataFrame  # text + typed columns (see module doc); may be given as TypedLater
    raw: pd.DataFrame  # text exactly as written, same index and columns (may be given as WrittenCells)
    source_file: str
    source_line: np.ndarray  # 1-based line of each row
    source_path: np.ndarray | None = None  # XML element path of each row, else None
    normalised: list = field(default_factory=list)  # ingest.typing.Normalisation: what was read differently (None: later)
    cleaned: Any = None  # ingest.typing.CleanedTexts: the DfE columns' text as codes (derive.text reads it)

    @property
    def key(self) -> str:
        return self.name + (LAST if self.year == PREVIOUS else "")

    @property
    def rows(self) -> int:
        """How many rows the table has, without typing it."""
        return len(self.source_line)

    def has_column(self, column: str) -> bool:
        """Whether the input has this column (as written), without typing the table."""
        return column in self.written_columns

    @property
    def written_columns(self) -> list[str]:
        """The columns of the input as written (`raw`'s), without building `raw`."""
        return list(self.__dict__["_raw"].columns)

    def written(self, column: str) -> np.ndarray:
        """One column of the text as written (`raw[column]`), without building the rest of `raw`."""
        raw = self.__dict__["_raw"]
        return raw.column(column) if isinstance(raw, WrittenCells) else raw[column].to_numpy()

    def written_in(self, column: str, texts: set) -> np.ndarray:
        """Which rows' text as written in `column` is one of `texts` (`raw[column].isin(texts)`),
        asked once per distinct text where ingest has the column as codes."""
        raw = self.__dict__["_raw"]
        coded = raw.coded(column) if isinstance(raw, WrittenCells) else None
        if coded is None:
            return pd.Series(self.written(column), copy=False).isin(texts).to_numpy()
        codes, distinct = coded
        return np.array(list(map(texts.__contains__, distinct.tolist())), dtype=bool)[codes]


class WrittenCells:
    """The text as written of one table, kept as ingest read it (each column's codes into a list of
    distinct texts) until a report asks: `column(c)` gives one column (`build(c)`, made once),
    `frame()` all of them. Only reports read it, for the rows and columns they show, so most of it
    is never built."""

    def __init__(self, columns: list[str], build, index: pd.Index, coded=lambda column: None):
        """build(c): column c's texts; coded(c): (codes, distinct texts) of c, or None (not text)."""
        self.columns, self._build, self._index, self._made = columns, build, index, {}
        self.coded = coded

    def column(self, name: str) -> np.ndarray:
        if name not in self._made:
            self._made[name] = self._build(name)
        return self._made[name]

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame({c: self.column(c) for c in self.columns}, index=self._index, copy=False)


class TypedLater:
    """A table's frame and normalisations (`build()` returns both), made when first asked for, and
    its normalisations alone (`notes()`, much cheaper) when only they are asked for. Last year's
    tables are given so (ingest.load): a large LA's rules read only some of them, and the reports
    need only the normalisations of the others (reports.outputs)."""

    def __init__(self, build, notes):
        self.build, self.notes = build, notes


def _frame(self: Table) -> pd.DataFrame:
    frame = self.__dict__["_frame"]
    if isinstance(frame, TypedLater):
        frame, self.__dict__["_normalised"] = frame.build()
        self.__dict__["_frame"] = frame
    return frame


def _set_frame(self: Table, value) -> None:
    self.__dict__["_frame"] = value


def _normalised(self: Table) -> list:
    if self.__dict__["_normalised"] is None:  # given with a TypedLater frame
        self.__dict__["_normalised"] = self.__dict__["_frame"].notes()
    return self.__dict__["_normalised"]


def _set_normalised(self: Table, value) -> None:
    self.__dict__["_normalised"] = value


Table.frame = property(_frame, _set_frame)  # after @dataclass, as Table.raw below
Table.normalised = property(_normalised, _set_normalised)


def _raw(self: Table) -> pd.DataFrame:
    raw = self.__dict__["_raw"]
    if isinstance(raw, WrittenCells):
        raw = self.__dict__["_raw"] = raw.frame()
    return raw


def _set_raw(self: Table, value) -> None:
    self.__dict__["_raw"] = value


Table.raw = property(_raw, _set_raw)  # after @dataclass, whose __init__ then sets it through the property


@dataclass
class Return:
    kind: str  # ssda903 | cin
    year: CollectionYear
    tables: dict[str, Table]  # keyed by Table.key: "Episodes", "Episodes_last"
    inputs: list[InputFile] = field(default_factory=list)
    la: str | None = None  # as the user or the file gave it (ONS code or DfE number)
    reference: dict[str, Any] = field(default_factory=dict)  # postcodes, ofsted lists, ...
    header: dict[str, str] = field(default_factory=dict)  # CIN header values as written

    @property
    def spec(self) -> ReturnSpec:
        return spec(self.kind)

    @property
    def has_previous(self) -> bool:
        return any(t.year == PREVIOUS for t in self.tables.values())

    def has(self, key: str) -> bool:
        return key in self.tables

    def table(self, key: str) -> pd.DataFrame:
        """The frame rules read. A table absent from the input is an empty frame with its columns.

        A shallow copy: with pandas copy-on-write, a rule that assigns into it changes only its
        own copy, never what the next rule sees.
        """
        if key in self.tables:
            return self.tables[key].frame.copy(deep=False)
        empties = self.__dict__.setdefault("_empty_frames", {})
        if key not in empties:
            empties[key] = self._empty(key)
        return empties[key].copy(deep=False)

    def codes(self, field: str, previous: bool = False) -> frozenset[str]:
        """DfE's valid codes for `field` in this collection year (or last year's)."""
        year = self.year.previous if previous else self.year
        return self.spec.codes(field, year.label)

    def _empty(self, key: str) -> pd.DataFrame:
        from validator.ingest.typing import empty_frame

        name = key[: -len(LAST)] if key.endswith(LAST) else key
        return empty_frame(self.spec, name)
