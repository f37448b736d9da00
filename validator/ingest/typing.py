"""Text cells -> the frame rules read: cleaned text under DfE's name, typed value beside it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from validator.spec import ReturnSpec

# The layout DfE accepts for dates, per return. Other layouts still get a typed value (so the
# other rules can use it) but the "not a valid date" rules flag them.
DATE_LAYOUT = {"ssda903": r"\d{2}/\d{2}/\d{4}", "cin": r"\d{4}-\d{2}-\d{2}"}
_PRIMARY = {"ssda903": "%d/%m/%Y", "cin": "%Y-%m-%d"}
# Generated keys that are not in DfE's files. ChildSeq (CIN) is the 1-based position of the <Child>
# in the file, so records join to the right child even when two children share an LAchildID.
KEY_COLUMNS = {"ChildSeq"}

_FALLBACKS = ("%d/%m/%Y", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")


def clean_text(raw: pd.Series) -> pd.Series:
    """Trim spaces; an empty cell becomes <NA>. Case is never changed."""
    s = raw.astype("string").str.strip()
    return s.mask(s == "")


def parse_dates(text: pd.Series, ret: str) -> pd.Series:
    """Dates in DfE's layout first, then a few common other layouts; NaT when none fits."""
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
    return out.astype("datetime64[ns]")


def typed_frame(spec: ReturnSpec, table: str, raw: pd.DataFrame) -> pd.DataFrame:
    """Build the rules' frame for one table from its raw text cells (index = data row)."""
    cols: dict[str, pd.Series] = {}
    known = {c.name: c for c in spec.columns.get(table, [])}
    for name in raw.columns:
        col = known.get(name)
        if name in KEY_COLUMNS or (col is not None and col.type == "key"):
            cols[name] = raw[name].astype("int64")
            continue
        text = clean_text(raw[name])
        cols[name] = text
        if col is None:
            continue
        if col.type == "date":
            cols[name + "_date"] = parse_dates(text, spec.ret)
        elif col.type == "integer":
            cols[name + "_num"] = pd.to_numeric(text, errors="coerce").astype("float64")
    frame = pd.DataFrame(cols, index=raw.index)
    return frame


def empty_frame(spec: ReturnSpec, table: str) -> pd.DataFrame:
    """The frame of a table the input does not have: its columns, no rows."""
    names = [c.name for c in spec.columns.get(table, [])]
    if spec.ret == "cin" and table != "Header":
        names.insert(1, "ChildSeq")
    keys = KEY_COLUMNS | {c.name for c in spec.columns.get(table, []) if c.type == "key"}
    raw = pd.DataFrame({n: pd.Series([], dtype="int64" if n in keys else "string") for n in names})
    return typed_frame(spec, table, raw)


def is_valid_layout(text: pd.Series, ret: str) -> pd.Series:
    """True where the text is written in DfE's date layout (blank counts as valid layout)."""
    return text.isna() | text.str.fullmatch(DATE_LAYOUT[ret]).fillna(False).astype(bool)


__all__ = ["clean_text", "parse_dates", "typed_frame", "empty_frame", "is_valid_layout", "np"]
