"""SSDA903 CSV tables, recognised from the header row (names matched ignoring case and spaces)."""

from __future__ import annotations

import csv
import functools
import io
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from validator.errors import UserError
from validator.ingest.raw import RawTable
from validator.ingest.typing import blank_rows
from validator.spec import spec


_SPACES = re.compile(r"\s+")


def _norm(name: str) -> str:
    return _SPACES.sub("", name).upper()


# Columns DfE derives itself but some case management systems export: kept when present (not
# reported as extra) so rule 411 can compare them with what the postcodes say.
KEPT_DERIVED = {"Episodes": ("PL_LA", "PL_LOCATION", "PL_DISTANCE")}


@functools.cache
def _csv_tables() -> dict[str, list[str]]:
    s = spec("ssda903")
    return {t: [c.name for c in s.table_columns(t, fmt="csv")] for t in s.table_names}


@functools.cache
def _known(table: str) -> frozenset[str]:
    return frozenset(_norm(c) for c in _csv_tables()[table])


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def shown(value: str, limit: int = 40) -> str:
    """A value from the file as it may appear in a message: control characters (terminal escape
    codes in hostile files) made visible, and cut to `limit` characters."""
    v = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", value.strip())
    return v if len(v) <= limit else v[: limit - 1] + "…"


def _listed(names: list[str], most: int = 12) -> str:
    return ", ".join(shown(n) for n in names[:most]) + (" …" if len(names) > most else "")


def match_table(header: list[str], path: Path) -> tuple[str, dict[int, str], list[str]]:
    """The table whose columns the header holds: (table, {position: DfE column}, extra columns)."""
    names = [_norm(h) for h in header]
    seen = {}
    for i, n in enumerate(names):
        if n and n in seen:
            raise UserError(f"{path}: the column '{shown(header[i])}' appears twice in the header row.")
        seen[n] = i
    candidates = []
    for table, cols in _csv_tables().items():
        missing = [c for c in cols if _norm(c) not in seen]
        known = _known(table)  # once per table, not per header cell (headers may be huge)
        extra = [header[i].strip() for i, n in enumerate(names) if n and n not in known]
        candidates.append((len(missing), len(extra), -len(cols), table, cols, missing, extra))
    candidates.sort()
    best = candidates[0]
    if best[0] == 0:
        ties = [c for c in candidates if c[0] == 0 and c[2] == best[2]]
        if len(ties) > 1:
            raise UserError(f"{path}: the header matches more than one table ({', '.join(c[3] for c in ties)}).")
        _, _, _, table, cols, _, extra = best
        positions = {seen[_norm(c)]: c for c in cols}
        for kept in KEPT_DERIVED.get(table, ()):
            if _norm(kept) in seen:
                positions[seen[_norm(kept)]] = kept
                extra = [e for e in extra if _norm(e) != _norm(kept)]
        return table, positions, extra
    _, _, _, table, cols, missing, extra = best
    msg = f"{path}: not a recognised SSDA903 table (header: {_listed(header)}). Nearest table: {table}"
    msg += f", missing columns {', '.join(missing)}"
    if extra:
        msg += f"; extra columns {_listed(extra)}"
    raise UserError(msg + ".")


_LINE_BREAK = re.compile(r"\r\n?|\n")


def _record_line(text: str, record: int) -> int:
    """Physical line on which CSV record `record` starts (1-based; the header is record 1):
    quoted values may hold line breaks. Only used for messages, so a slow pass is fine."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=False)
    line = 1
    try:
        for _ in range(record - 1):
            next(reader)
            line = reader.line_num + 1
    except (StopIteration, csv.Error):
        pass
    return line


def _too_many(path: Path, line: int, saw: int, want: int) -> UserError:
    return UserError(f"{path}: line {line} has {saw} values but the header row has {want} columns. "
                     "A value holding a comma must be in double quotes.")


def _read_slowly(text: str, path: Path, width: int) -> tuple[pd.DataFrame, np.ndarray, int]:
    """Rows the fast reader refused for their length, read one by one: values beyond the header's
    columns are dropped when empty (a trailing comma) and an error naming the line otherwise.
    Returns the cells, the physical line of each row, and how many rows had empty extras."""
    rows, lines, trimmed = [], [], 0
    reader = csv.reader(io.StringIO(text, newline=""), strict=False)
    try:
        next(reader)
        done = reader.line_num
        for rec in reader:
            line, done = done + 1, reader.line_num
            if len(rec) > width:
                if any(v.strip() for v in rec[width:]):
                    raise _too_many(path, line, len(rec), width)
                rec, trimmed = rec[:width], trimmed + 1
            rows.append(rec + [""] * (width - len(rec)))
            lines.append(line)
    except csv.Error as e:
        raise UserError(f"{path}: line {reader.line_num} cannot be read as CSV ({e}).") from None
    return pd.DataFrame(rows, columns=range(width), dtype=str), np.asarray(lines, dtype=np.int64), trimmed


def read_csv(text: str, path: Path) -> RawTable:
    # The header ends at the first line break of any convention (\r\n, \n, or old Mac \r).
    end = _LINE_BREAK.search(text)
    first_line = text[: end.start()] if end else text
    if len(first_line) > 100_000:
        raise UserError(f"{path}: the first line is {len(first_line):,} characters long; "
                        "this is not the header row of an SSDA903 table.")
    try:
        header = next(csv.reader([first_line]), [])
    except csv.Error as e:
        raise UserError(f"{path}: the header row cannot be read as CSV ({e}).") from None
    if not any(h.strip() for h in header):
        raise UserError(f"{path}: the first line is blank; a CSV table must start with its header row.")
    table, positions, extra = match_table(header, path)
    width, lines, trimmed = len(header), None, 0
    try:
        # Every column is read (not only DfE's) and a row longer than the header is refused
        # (pandas would otherwise drop its extra values or shift the row silently); such files
        # are read again row by row so that the message names the line.
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            df = pd.read_csv(
                io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False,
                skip_blank_lines=False, header=None, skiprows=1, names=range(width), index_col=False, engine="c",
            )
    except (pd.errors.ParserError, pd.errors.ParserWarning, ValueError) as e:
        msg = str(e).strip()
        if m := re.search(r"EOF inside string starting at row (\d+)", msg):
            line = _record_line(text, int(m.group(1)) + 1)
            raise UserError(f"{path}: a double quote opened on line {line} is never closed, so the rest of the "
                            "file would be one value.") from None
        if "Expected" not in msg and "Length of header" not in msg:
            raise UserError(f"{path}: the CSV cannot be read: {shown(msg, 300)}") from None
        df, lines, trimmed = _read_slowly(text, path, width)
    if lines is None:
        # Data row i sits on line i + 2, plus the line breaks inside quoted values of rows above.
        lines = np.arange(2, len(df) + 2)
        if '"' in text and len(df):
            breaks = sum(df[c].str.count(_LINE_BREAK.pattern).to_numpy(dtype=np.int64) for c in df.columns)
            lines = lines + np.concatenate([[0], np.cumsum(breaks)[:-1]])
    at = {name: i for i, name in positions.items()}
    cols = _csv_tables()[table] + [c for c in KEPT_DERIVED.get(table, ()) if c in at]
    df = df[[at[c] for c in cols]]
    df.columns = cols
    keep = ~blank_rows(df)
    dropped = int((~keep).sum())
    if dropped:
        df = df.loc[keep].reset_index(drop=True)
        lines = lines[keep]
    notes = []
    if extra:
        notes.append(f"extra columns not used by DfE: {_listed(extra)}")
    if dropped:
        notes.append(f"{dropped} blank row(s) skipped")
    if trimmed:
        notes.append(f"{trimmed} row(s) end with empty values beyond the last column (ignored)")
    return RawTable(name=table, cells=df, lines=lines, file=str(path), notes=notes)
