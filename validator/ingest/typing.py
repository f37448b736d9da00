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

import numpy as np
import pandas as pd

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

# Written by exports for "no data". Case-insensitive; a token that is a valid code of the column
# (CIN Disability NONE) is never blanked.
BLANK_TOKENS = {"NULL", "N/A", "NA", "#N/A", "-", ".", "NONE", "NAN", "NAT", "NIL"}
_EXCEL_NUMBER = re.compile(r"(\d+)\.0+")  # 1234.0 -> 1234 (ids, codes, flags typed as numbers)
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


def _examples(raw: pd.Series, mask: pd.Series, n: int = 3) -> list[str]:
    return [str(v) for v in raw[mask].drop_duplicates().head(n).tolist()]


def clean_text(raw: pd.Series) -> pd.Series:
    """Trim spaces; an empty cell becomes <NA>. Case is never changed."""
    s = raw.astype("string").str.strip()
    return s.mask(s == "")


def parse_dates(text: pd.Series, ret: str) -> pd.Series:
    """Dates in DfE's layout first, then common other layouts and Excel serials; NaT when none fits."""
    out = pd.to_datetime(text, format=_PRIMARY[ret], errors="coerce")
    todo = text.notna() & out.isna()
    for fmt in _FALLBACKS:
        if not todo.any():
            break
        if fmt == _PRIMARY[ret]:
            continue
        again = pd.to_datetime(text[todo], format=fmt, errors="coerce")
        out.loc[again.index] = out.loc[again.index].fillna(again)
        todo = text.notna() & out.isna()
    if todo.any():
        serial = todo & text.str.fullmatch(_SERIAL).fillna(False).astype(bool)
        if serial.any():
            days = pd.to_numeric(text[serial], errors="coerce")
            out.loc[serial] = _EXCEL_EPOCH + pd.to_timedelta(days, unit="D")
    return out.astype("datetime64[ns]")


def build_frame(spec: ReturnSpec, table: str, raw: pd.DataFrame) -> tuple[pd.DataFrame, list[Normalisation]]:
    """The rules' frame for one table from its raw text cells (index = data row), and what changed."""
    cols: dict[str, pd.Series] = {}
    notes: list[Normalisation] = []
    known = {c.name: c for c in spec.columns.get(table, [])}

    def note(column, kind, mask, source):
        count = int(mask.sum())
        if count:
            layout = "dd/mm/yyyy" if spec.ret == "ssda903" else "yyyy-mm-dd"
            notes.append(Normalisation(table, column, kind, count, _examples(source, mask),
                                       _DFE_SAYS[kind].format(layout=layout)))

    for name in raw.columns:
        col = known.get(name)
        if name in KEY_COLUMNS or (col is not None and col.type == "key"):
            cols[name] = raw[name].astype("int64")
            continue
        written = raw[name].astype("string")
        text = clean_text(written)
        if col is None:
            cols[name] = text
            continue
        note(name, "spaces", text.notna() & (written.fillna("") != text.fillna("")), written)
        upper = text.str.upper()
        valid_codes = {code for code, _, _ in spec._codes.get(name, [])}
        blank_like = upper.isin(BLANK_TOKENS) & ~text.isin(valid_codes)
        note(name, "blank-token", blank_like, written)
        text = text.mask(blank_like)
        if col.type in _NUMBERISH_TYPES:
            whole = text.str.fullmatch(_EXCEL_NUMBER).fillna(False).astype(bool)
            note(name, "excel-number", whole, written)
            text = text.where(~whole, text.str.replace(r"\.0+$", "", regex=True))
        cols[name] = text
        if col.type == "date":
            dates = parse_dates(text, spec.ret)
            cols[name + "_date"] = dates
            in_layout = text.str.fullmatch(DATE_LAYOUT[spec.ret]).fillna(False).astype(bool)
            serial = text.str.fullmatch(_SERIAL).fillna(False).astype(bool)
            note(name, "excel-serial-date", dates.notna() & serial, written)
            note(name, "date-layout", dates.notna() & ~in_layout & ~serial, written)
        elif col.type == "integer":
            cols[name + "_num"] = pd.to_numeric(text, errors="coerce").astype("float64")
    return pd.DataFrame(cols, index=raw.index), notes


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


__all__ = ["clean_text", "parse_dates", "build_frame", "typed_frame", "empty_frame", "is_valid_layout",
           "Normalisation", "np"]
