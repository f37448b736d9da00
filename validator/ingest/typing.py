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


def blank_cells(values: pd.Series) -> np.ndarray:
    """True where a cell is empty or only spaces. Decided once per distinct value (fast)."""
    codes, uniques = pd.factorize(values.to_numpy(dtype=object))
    blank = np.fromiter((not str(u).strip() for u in uniques), dtype=bool, count=len(uniques))
    return np.where(codes >= 0, blank.take(np.maximum(codes, 0)) if len(uniques) else True, True)


def _normalise_column(spec: ReturnSpec, table: str, col, written: pd.Series, notes: list) -> dict[str, pd.Series]:
    """One DfE column: cleaned text, the typed value beside it, and a note per kind of change.

    Every decision is taken once per distinct value written (a column holds few: codes, dates)
    and spread back to the rows, which keeps large returns fast."""
    codes, uniques = pd.factorize(written.to_numpy(dtype=object))
    n = len(uniques)
    per_value = np.bincount(codes[codes >= 0], minlength=n)
    valid_codes = {code for code, _, _ in spec._codes.get(col.name, [])}
    numberish = col.type in _NUMBERISH_TYPES
    kinds = {k: np.zeros(n, dtype=bool) for k in _DFE_SAYS}
    cleaned: list[str | None] = []
    for i, u in enumerate(uniques):
        text = u if isinstance(u, str) else str(u)
        t = text.strip()
        if t and t != text:
            kinds["spaces"][i] = True
        if not t:
            cleaned.append(None)
            continue
        if t.upper() in BLANK_TOKENS and t not in valid_codes:
            kinds["blank-token"][i] = True
            cleaned.append(None)
            continue
        if numberish and _EXCEL_NUMBER.fullmatch(t):
            kinds["excel-number"][i] = True
            t = t.split(".", 1)[0]
        cleaned.append(t)
    unique_text = pd.Series(cleaned, dtype="string")
    take = np.maximum(codes, 0)
    missing = codes < 0

    def spread(values: np.ndarray, fill):
        out = values.take(take) if n else np.full(len(codes), fill, dtype=values.dtype)
        if missing.any():
            out = out.copy()
            out[missing] = fill
        return out

    out = {col.name: pd.Series(spread(unique_text.to_numpy(dtype=object), None), index=written.index, dtype="string")}
    if col.type == "date":
        dates = parse_dates(unique_text, spec.ret)
        serial = unique_text.str.fullmatch(_SERIAL).fillna(False).to_numpy(dtype=bool)
        in_layout = unique_text.str.fullmatch(DATE_LAYOUT[spec.ret]).fillna(False).to_numpy(dtype=bool)
        parsed = dates.notna().to_numpy()
        kinds["excel-serial-date"] = parsed & serial
        kinds["date-layout"] = parsed & ~in_layout & ~serial
        out[col.name + "_date"] = pd.Series(spread(dates.to_numpy(dtype="datetime64[ns]"), np.datetime64("NaT")),
                                            index=written.index)
    elif col.type == "integer":
        nums = pd.to_numeric(unique_text, errors="coerce").astype("float64").to_numpy()
        out[col.name + "_num"] = pd.Series(spread(nums, np.nan), index=written.index)
    layout = "dd/mm/yyyy" if spec.ret == "ssda903" else "yyyy-mm-dd"
    for kind, flags in kinds.items():
        count = int(per_value[flags].sum()) if n else 0
        if count:
            examples = [str(v) for v in uniques[flags][:3]]
            notes.append(Normalisation(table, col.name, kind, count, examples, _DFE_SAYS[kind].format(layout=layout)))
    return out


def build_frame(spec: ReturnSpec, table: str, raw: pd.DataFrame) -> tuple[pd.DataFrame, list[Normalisation]]:
    """The rules' frame for one table from its raw text cells (index = data row), and what changed."""
    cols: dict[str, pd.Series] = {}
    notes: list[Normalisation] = []
    known = {c.name: c for c in spec.columns.get(table, [])}
    for name in raw.columns:
        col = known.get(name)
        if name in KEY_COLUMNS or (col is not None and col.type == "key"):
            cols[name] = raw[name].astype("int64")
        elif col is None:
            cols[name] = clean_text(raw[name])
        else:
            cols.update(_normalise_column(spec, table, col, raw[name], notes))
    order = {k: i for i, k in enumerate(_DFE_SAYS)}
    notes.sort(key=lambda x: (list(raw.columns).index(x.column), order[x.kind]))
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
