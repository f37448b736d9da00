"""Text cells -> the frame rules read: cleaned text under DfE's name, typed value beside it.

Normalise for analysis, report for submission: what the rules see is the value as meant
(spaces trimmed, `1.0` read as `1`, `NULL`/`N/A`/`-` read as blank, dates in other layouts read
as dates), and every kind of change is counted per column (`Normalisation`) so the report can
tell the user what DfE will receive as written. Nothing is upper-cased.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd

from validator.ingest.raw import (
    BLANK,
    BLANK_TOKENS,
    DATE_IN_LAYOUT,
    NO_DATE,
    NUMBER,
    SPACES,
    TOKEN,
    YEARS_READ,
    TextFacts,
    layout_days,
    text_facts,
)
from validator.spec import ReturnSpec

# The layout DfE accepts for dates, per return. Other layouts still get a typed value (so the
# other rules can use it) but the "not a valid date" rules flag them.
DATE_LAYOUT = {"ssda903": r"\d{2}/\d{2}/\d{4}", "cin": r"\d{4}-\d{2}-\d{2}"}
_PRIMARY = {"ssda903": "%d/%m/%Y", "cin": "%Y-%m-%d"}
_FALLBACKS = ("%d/%m/%Y", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%d/%m/%y", "%d-%m-%Y",
              "%d.%m.%Y", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M")
# Excel stores dates as days since 30 December 1899; serials between these bounds are 1927-2119.
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_SERIAL = re.compile(r"\d{5}(\.0+)?")

# Generated keys that are not in DfE's files. ChildSeq (CIN) is the 1-based position of the <Child>
# in the file, so records join to the right child even when two children share an LAchildID.
KEY_COLUMNS = {"ChildSeq"}

_NUMBERISH_TYPES = {"id", "code", "flag", "integer", "urn"}


@dataclass
class Normalisation:
    """One kind of change made to one column, for the report."""

    table: str
    column: str
    kind: str  # spaces | blank-token | excel-number | date-layout | excel-serial-date
    count: int
    examples: list[str] = field(default_factory=list)
    as_written: str = ""  # what DfE will make of the value as written

    def as_dict(self) -> dict:
        return {"table": self.table, "column": self.column, "kind": self.kind, "count": self.count,
                "examples": self.examples, "dfe": self.as_written}


_DFE_SAYS = {
    "spaces": "DfE receives the value with its spaces; codes with spaces are not valid codes.",
    "blank-token": "DfE receives the text as written, not a blank; leave the cell empty in the export.",
    "excel-number": "DfE receives the value with its '.0'; export the column as text.",
    "date-layout": "DfE rejects dates not written in its layout ({layout}); the date rules report each one.",
    "excel-serial-date": "DfE receives a number, not a date; format the column as a date ({layout}).",
}


@functools.cache  # compiled when first needed: most returns write every date in DfE's layout
def _loose(fmt: str) -> re.Pattern:
    """A pattern matching every text `fmt` can read, and more (strptime's spacing and case rules).
    pandas costs milliseconds a call, so a format no text comes near is not tried."""
    parts = re.split(r"(%[dmyYHMS])", fmt)
    digits = {"%Y": r"\d{4}", "%y": r"\d{2}"}
    pattern = "".join(digits.get(p, r"\s?\d{1,2}") if p.startswith("%") else re.escape(p).replace(r"\ ", r"\s+")
                      for p in parts)
    return re.compile(pattern, re.IGNORECASE)


def parse_dates(text: pd.Series, ret: str) -> pd.Series:
    """Dates in DfE's layout first, then common other layouts and Excel serials; NaT when none fits,
    or when the date is outside what datetime64[ns] holds (1677-2262: no date DfE could mean).
    Meant for the few distinct texts not in DfE's layout (raw.layout_days reads those): each is matched in Python against
    each layout before pandas is asked to read it (pandas costs milliseconds a call, whatever its size)."""
    values = text.to_numpy(dtype=object, na_value=None)
    out = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[ns]")
    todo = [i for i, t in enumerate(values.tolist()) if t is not None]
    for fmt in dict.fromkeys([_PRIMARY[ret], *_FALLBACKS]):
        loose = _loose(fmt)
        near = [i for i in todo if loose.fullmatch(values[i])]
        if near:
            read = pd.to_datetime(pd.Series(values[near], dtype="string"), format=fmt, errors="coerce")
            fits = read.between(pd.Timestamp.min, pd.Timestamp.max).to_numpy()
            got = np.asarray(near)[fits]
            out[got] = read[fits].to_numpy().astype("datetime64[ns]")
            done = set(got.tolist())
            todo = [i for i in todo if i not in done]
    serial = [i for i in todo if _SERIAL.fullmatch(values[i])]
    if serial:
        days = pd.to_timedelta(pd.to_numeric(pd.Series(values[serial], dtype="string"), errors="coerce"), unit="D")
        out[serial] = (_EXCEL_EPOCH + days).to_numpy().astype("datetime64[ns]")
    return pd.Series(out, index=text.index)


def _date_facts(cleaned: np.ndarray, ret: str, days: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For distinct cleaned texts (None for blank): the date, whether it was an Excel serial and
    whether it is written in DfE's layout. `days`: their TextFacts.days, when the reader has them."""
    present = np.flatnonzero(pd.notna(cleaned))
    if days is None:
        days = np.full(len(cleaned), NO_DATE, dtype=np.int32)
        days[present] = np.frombuffer(layout_days(cleaned[present].tolist(), ret), dtype=np.int32)
    dates = np.full(len(cleaned), np.datetime64("NaT"), dtype="datetime64[ns]")
    serial = np.zeros(len(cleaned), dtype=bool)
    in_layout = np.zeros(len(cleaned), dtype=bool)
    done = present[days[present] != NO_DATE]  # in DfE's layout: read by the reader (raw.layout_days)
    dates[done] = days[done].astype("datetime64[D]")
    in_layout[done] = True
    rest = present[days[present] == NO_DATE]
    # a date in any layout, an Excel serial and DfE's layout all start with a digit (after spaces):
    # the rest ('ZZ/05/2010', MC_DOB's unknown day; words) are no date, without asking pandas
    rest = rest[[t.lstrip()[:1].isdigit() for t in cleaned[rest]]]
    # written exactly in DfE's layout in a year the reader reads, yet not read: no real date
    # (30/02/2024, 13th month), in any layout, as no other layout tried has these separators and widths
    impossible = np.array([_unreal_in_layout(t, ret) for t in cleaned[rest]], dtype=bool)
    in_layout[rest[impossible]] = True
    rest = rest[~impossible]
    if len(rest):
        others = pd.Series(cleaned[rest], dtype="string")
        dates[rest] = parse_dates(others, ret).to_numpy()
        serial[rest] = others.str.fullmatch(_SERIAL).to_numpy(dtype=bool, na_value=False)
        in_layout[rest] = others.str.fullmatch(DATE_LAYOUT[ret]).to_numpy(dtype=bool, na_value=False)
    return dates, serial, in_layout


def _unreal_in_layout(text: str, ret: str) -> bool:
    """Whether a text raw.layout_days found no date in is written in DfE's layout, in a year it reads."""
    layout, (year, _, _) = DATE_IN_LAYOUT[ret]
    found = layout.fullmatch(text)
    return found is not None and int(found[year]) in YEARS_READ


class _Kind(NamedTuple):
    """How a column's text is cleaned: only DfE's columns lose blank tokens (except their own
    valid codes that look like one, CIN Disability NONE); only numberish ones lose Excel's '.0'."""

    dfe: bool
    numberish: bool
    kept: frozenset


_NOT_DFE = _Kind(False, False, frozenset())


class _Distinct:
    """What ingest decides once per distinct text of a table: its text columns are factorized
    together (a table holds few distinct texts; dates and codes repeat across its columns), and what
    each distinct text is (raw.TextFacts: blank, spaces, token, Excel number, date in DfE's layout)
    is worked out once, by the reader where it ran alongside, never per value.

    Every per-text array has one slot more than there are distinct texts, for a missing cell (None,
    NaN), which `codes` points at."""

    def __init__(self, spec: ReturnSpec, codes: np.ndarray, uniques: np.ndarray, facts: TextFacts | None = None):
        """codes: one row per text column, the code of each cell's text in `uniques`, or
        len(uniques) for a missing cell. facts: of `uniques` (raw.text_facts, as lists or numpy
        arrays), when the reader has them."""
        self.codes = codes
        if facts is None:
            written = list(map(str, uniques.tolist()))  # tolist: a numpy object array iterates slowly
            facts = text_facts(written, spec.ret)
            uniques = np.array(written, dtype=object)
        self.written = np.append(uniques, None)  # each text as written (for examples); the reader's are str
        self.text = np.append(np.asarray(facts.text, dtype=object), None)
        flags = np.append(np.frombuffer(facts.flags, dtype=np.uint8), np.uint8(BLANK))
        self.blank, self.spaces = (flags & BLANK) > 0, (flags & SPACES) > 0
        self.token, self.number = (flags & TOKEN) > 0, (flags & NUMBER) > 0
        self.days = np.append(np.frombuffer(facts.days, dtype=np.int32), np.int32(NO_DATE))
        self.spec = spec
        self._cleaned: dict[_Kind, np.ndarray] = {}
        self._strings: dict[_Kind, pd.api.extensions.ExtensionArray] = {}
        self._dates: dict[_Kind, tuple] = {}

    def blank_token(self, kind: _Kind) -> np.ndarray:
        """Which distinct texts a column of this kind reads as blank."""
        if not kind.dfe:
            return np.zeros(len(self.text), dtype=bool)
        if not kind.kept:
            return self.token
        token = self.token.copy()
        for i in np.flatnonzero(token):
            token[i] = self.text[i] not in kind.kept
        return token

    def changes(self, kind: _Kind) -> dict[str, np.ndarray]:
        """Which distinct texts each kind of change applies to in a column of this kind."""
        changes = {k: np.zeros(len(self.text), dtype=bool) for k in _DFE_SAYS}
        changes["spaces"] = self.spaces
        changes["blank-token"] = self.blank_token(kind)
        if kind.numberish:
            changes["excel-number"] = self.number
        return changes

    def cleaned(self, kind: _Kind) -> np.ndarray:
        """The cleaned text of each distinct text in a column of this kind (None for blank)."""
        if kind not in self._cleaned:
            out = self.text.copy()
            out[self.blank | self.blank_token(kind)] = None
            if kind.numberish:
                for i in np.flatnonzero(self.number):
                    out[i] = out[i].split(".", 1)[0]
            self._cleaned[kind] = out
        return self._cleaned[kind]

    def strings(self, kind: _Kind, codes: np.ndarray):
        """A column's cleaned text as a pandas string array."""
        if kind not in self._strings:
            self._strings[kind] = pd.array(self.cleaned(kind), dtype="string")
        return self._strings[kind].take(codes)

    def dates(self, kind: _Kind, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(date, Excel serial, in DfE's layout) per distinct text; the texts of a date column are
        read unless an earlier date column of the table had them."""
        cleaned = self.cleaned(kind)
        if kind not in self._dates:
            n = len(cleaned)
            self._dates[kind] = (np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]"), np.zeros(n, dtype=bool),
                                 np.zeros(n, dtype=bool), np.zeros(n, dtype=bool))
        dates, serial, in_layout, done = self._dates[kind]
        todo = np.zeros(len(cleaned), dtype=bool)
        todo[codes] = True
        todo = np.flatnonzero(todo & ~done)
        if len(todo):
            dates[todo], serial[todo], in_layout[todo] = _date_facts(cleaned[todo], self.spec.ret, self.days[todo])
            done[todo] = True
        return dates, serial, in_layout


def _kind_of(distinct: _Distinct, col) -> _Kind:
    kept = frozenset(code for code, _, _ in distinct.spec._codes.get(col.name, []) if code.upper() in BLANK_TOKENS)
    return _Kind(True, col.type in _NUMBERISH_TYPES, kept)


def _normalise_column(distinct: _Distinct, table: str, col, kind: _Kind, codes: np.ndarray, notes: list,
                      columns: bool = True) -> dict:
    """One DfE column: cleaned text, the typed value beside it (unless not `columns`), and a note per
    kind of change."""
    changes = distinct.changes(kind)
    per_value = np.bincount(codes, minlength=len(distinct.text))
    out: dict[str, object] = {col.name: distinct.strings(kind, codes)} if columns else {}
    if col.type == "date":
        dates, serial, in_layout = distinct.dates(kind, codes)
        parsed = ~np.isnat(dates)
        changes["excel-serial-date"] = parsed & serial
        changes["date-layout"] = parsed & ~in_layout & ~serial
        if columns:
            out[col.name + "_date"] = dates.take(codes)
    elif col.type == "integer" and columns:  # the column's own distinct texts only (pandas reads each slowly)
        used = np.flatnonzero(per_value)
        nums = np.full(len(distinct.text), np.nan)
        nums[used] = pd.to_numeric(pd.Series(distinct.cleaned(kind)[used], dtype="string"),
                                   errors="coerce").astype("float64").to_numpy()
        out[col.name + "_num"] = nums.take(codes)
    layout = "dd/mm/yyyy" if distinct.spec.ret == "ssda903" else "yyyy-mm-dd"
    for change, flags in changes.items():
        count = int(per_value[flags].sum())
        if count:
            examples = [str(v) for v in pd.unique(distinct.written.take(codes[flags.take(codes)]))[:3]]
            notes.append(Normalisation(table, col.name, change, count, examples,
                                       _DFE_SAYS[change].format(layout=layout)))
    return out


def _factorize(columns: list[np.ndarray], rows: int) -> tuple[np.ndarray, np.ndarray]:
    """(codes, uniques) of text columns factorized together; a missing cell gets len(uniques)."""
    codes, uniques = pd.factorize(np.concatenate(columns) if columns else np.array([], dtype=object))
    return np.where(codes < 0, len(uniques), codes).reshape(len(columns), rows), uniques


def key_columns(spec: ReturnSpec, table: str, columns) -> set[str]:
    """The columns of a table that hold generated integer keys, not text."""
    known = {c.name: c for c in spec.columns.get(table, [])}
    return {n for n in columns if n in KEY_COLUMNS or (n in known and known[n].type == "key")}


def build_frame(spec: ReturnSpec, table: str, raw: pd.DataFrame) -> tuple[pd.DataFrame, list[Normalisation]]:
    """The rules' frame for one table from its raw text cells (index = data row), and what changed."""
    keys = key_columns(spec, table, raw.columns)
    written = [raw[n].to_numpy(dtype=object) for n in raw.columns if n not in keys]
    numbers = {n: raw[n].astype("int64").to_numpy() for n in keys}
    return coded_frame(spec, table, list(raw.columns), raw.index, numbers, *_factorize(written, len(raw)))[:2]


def coded_frame(spec: ReturnSpec, table: str, columns: list[str], index: pd.Index, numbers: dict[str, np.ndarray],
                codes: np.ndarray, uniques: np.ndarray, facts: TextFacts | None = None,
                ) -> tuple[pd.DataFrame, list[Normalisation], CleanedTexts]:
    """build_frame from text already factorized (the reader's codes, or `_factorize`): `codes` has a
    row per text column, in the order of `columns`; `numbers` holds the generated key columns;
    `facts`, those of `uniques` when the reader has them (raw.TextFacts). Also returns the cleaned
    text of each DfE column as codes (`CleanedTexts`). In two steps, which ingest.frames may take
    apart: `cleaned_texts`, then `frame_of` (most of the work)."""
    cleaned = cleaned_texts(spec, table, columns, numbers, codes, uniques, facts)
    return (*frame_of(cleaned, index, numbers), cleaned)


def cleaned_texts(spec: ReturnSpec, table: str, columns: list[str], numbers: dict[str, np.ndarray],
                  codes: np.ndarray, uniques: np.ndarray, facts: TextFacts | None = None) -> CleanedTexts:
    """What each distinct text of the table is, and how each DfE column cleans it (see coded_frame)."""
    known = {c.name: c for c in spec.columns.get(table, [])}
    cleaned = CleanedTexts(_Distinct(spec, codes, uniques, facts), table, columns)
    text_columns = [name for name in columns if name not in numbers]
    for i, name in enumerate(text_columns):
        if name in known:
            cleaned.columns[name] = (i, _kind_of(cleaned.distinct, known[name]))
    return cleaned


def frame_of(cleaned: CleanedTexts, index: pd.Index, numbers: dict[str, np.ndarray], frame: bool = True,
             ) -> tuple[pd.DataFrame | None, list[Normalisation]]:
    """The rules' frame of the table `cleaned` holds, and what was read differently (see coded_frame).
    Not `frame`: only what was read differently (None for the frame; no column is built)."""
    distinct, table, columns = cleaned.distinct, cleaned.table, cleaned.all_columns
    known = {c.name: c for c in distinct.spec.columns.get(table, [])}
    cols: dict[str, object] = {}
    notes: list[Normalisation] = []
    i = 0
    for name in columns:
        if name in numbers:
            cols[name] = numbers[name]
            continue
        if name in cleaned.columns:
            kind = cleaned.columns[name][1]
            cols.update(_normalise_column(distinct, table, known[name], kind, distinct.codes[i], notes, frame))
        elif frame:  # not DfE's (a kept derived column): trimmed, nothing else
            cols[name] = distinct.strings(_NOT_DFE, distinct.codes[i])
        i += 1
    order = {k: i for i, k in enumerate(_DFE_SAYS)}
    notes.sort(key=lambda x: (columns.index(x.column), order[x.kind]))
    return (pd.DataFrame(cols, index=index, copy=False) if frame else None), notes


class CleanedTexts:
    """The cleaned text of a table's DfE columns as ingest holds it: a code per row into the
    table's distinct texts. `codes_and_values(column)` gives what derive.Text holds (codes, -1 for
    blank, into the column's distinct cleaned values) without factorizing the column again."""

    def __init__(self, distinct: _Distinct, table: str, all_columns: list[str]):
        self.distinct, self.table, self.all_columns = distinct, table, all_columns
        self.columns: dict[str, tuple[int, _Kind]] = {}  # DfE column -> (row of distinct.codes, how it cleans)
        self._given: dict[_Kind, np.ndarray] = {}  # which distinct cleaned texts are not blank, per kind

    def codes_and_values(self, column: str) -> tuple[np.ndarray, np.ndarray]:
        i, kind = self.columns[column]
        slots = self.distinct.codes[i]
        cleaned = self.distinct.cleaned(kind)
        if kind not in self._given:  # what `cleaned` blanks (its Excel-number step never makes a blank)
            self._given[kind] = ~(self.distinct.blank | self.distinct.blank_token(kind))
        used = np.zeros(len(cleaned), dtype=bool)
        used[slots] = True
        present = np.flatnonzero(used & self._given[kind])
        values = cleaned[present]
        # distinct texts as written clean to distinct values unless cleaning changed one of them
        changed = self.distinct.spaces[present].any() or (kind.numberish and self.distinct.number[present].any())
        if not changed or len(set(values.tolist())) == len(values):
            value_codes = np.arange(len(values))
        else:  # distinct texts that clean to the same value ('1' and '1.0'): one value each
            value_codes, values = pd.factorize(values)
        value_of_slot = np.full(len(cleaned), -1, dtype=np.intp)
        value_of_slot[present] = value_codes
        return value_of_slot[slots], values


def typed_frame(spec: ReturnSpec, table: str, raw: pd.DataFrame) -> pd.DataFrame:
    return build_frame(spec, table, raw)[0]


def empty_frame(spec: ReturnSpec, table: str) -> pd.DataFrame:
    """The frame of a table the input does not have: its columns, no rows (built once per table)."""
    return _empty_frame(spec.ret, table).copy(deep=False)


@functools.cache
def _empty_frame(ret: str, table: str) -> pd.DataFrame:
    from validator.spec import spec

    s = spec(ret)
    names = [c.name for c in s.columns.get(table, [])]
    if ret == "cin" and table != "Header":
        names.insert(1, "ChildSeq")
    keys = KEY_COLUMNS | {c.name for c in s.columns.get(table, []) if c.type == "key"}
    raw = pd.DataFrame({n: pd.Series([], dtype="int64" if n in keys else "string") for n in names})
    return typed_frame(s, table, raw)


def is_valid_layout(text: pd.Series, ret: str) -> pd.Series:
    """True where the text is written in DfE's date layout (blank counts as valid layout)."""
    return text.isna() | text.str.fullmatch(DATE_LAYOUT[ret]).fillna(False).astype(bool)


__all__ = ["parse_dates", "build_frame", "coded_frame", "typed_frame", "empty_frame", "is_valid_layout",
           "Normalisation", "np"]
