"""SSDA903 CSV tables, recognised from the header row (names matched ignoring case and spaces)."""

from __future__ import annotations

import csv
import functools
import io
import re
import sys
from array import array
from pathlib import Path

from validator.errors import UserError
from validator.ingest.raw import RawTable, Texts, blank_rows, drop_rows
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


def _too_many(path: Path, line: int, saw: int, want: int) -> UserError:
    return UserError(f"{path}: line {line} has {saw} values but the header row has {want} columns. "
                     "A value holding a comma must be in double quotes.")


# The csv module refuses values over 128 kB by default; a file's size is limited instead (files.MAX_BYTES).
csv.field_size_limit(2**31 - 1)


def _records(text: str, path: Path) -> tuple[list[list[str]], list[int] | None]:
    """The data records after the header record, and the physical line each starts on (None when
    no value is quoted: then record i sits on line i + 2)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=False)
    try:
        next(reader, None)
        if '"' not in text:
            return list(reader), None
        records, lines, done = [], [], reader.line_num
        for rec in reader:
            records.append(rec)
            lines.append(done + 1)
            done = reader.line_num
    except csv.Error as e:
        raise UserError(f"{path}: line {reader.line_num} cannot be read as CSV ({e}).") from None
    if lines:
        _check_closed(text, lines[-1], path)
    return records, lines


def _check_closed(text: str, line: int, path: Path) -> None:
    """A double quote left open swallows the rest of the file into one value; the lenient reader
    accepts that, so the last record (where such a quote must be) is read again strictly."""
    starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]
    tail = text[starts[line - 1]:] if line - 1 < len(starts) else ""
    try:
        for _ in csv.reader(io.StringIO(tail, newline=""), strict=True):
            pass
    except csv.Error as e:
        if "unexpected end of data" in str(e):
            raise UserError(f"{path}: a double quote opened on line {line} is never closed, so the rest of the "
                            "file would be one value.") from None


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
    width = len(header)
    at = {name: i for i, name in positions.items()}
    cols = _csv_tables()[table] + [c for c in KEPT_DERIVED.get(table, ()) if c in at]
    if _by_pandas(text) and (raw := _read_large(text, path, table, cols, at, width, extra)) is not None:
        return raw
    records, lines = _records(text, path)
    trimmed = 0
    if any(len(r) != width for r in records):
        # Short rows (a blank line among them) are padded; values beyond the header's columns are
        # dropped when empty (a trailing comma) and refused otherwise: never shifted silently.
        for i, rec in enumerate(records):
            if len(rec) > width:
                if any(v.strip() for v in rec[width:]):
                    raise _too_many(path, lines[i] if lines else i + 2, len(rec), width)
                records[i], trimmed = rec[:width], trimmed + 1
            elif len(rec) < width:
                records[i] = rec + [""] * (width - len(rec))
    by_position = list(zip(*records)) if records else [()] * width
    texts = Texts()
    codes = {c: texts.codes(by_position[at[c]]) for c in cols}
    n = len(records)
    raw = RawTable(name=table, columns=cols, texts=texts.texts(), codes=codes,
                   lines=array("q", lines if lines is not None else range(2, n + 2)), file=str(path))
    blank = blank_rows(list(codes.values()), raw.texts, n)
    drop_rows(raw, blank)
    return _noted(raw, extra, len(blank), trimmed)


def _noted(raw: RawTable, extra: list[str], blank: int, trimmed: int) -> RawTable:
    if extra:
        raw.notes.append(f"extra columns not used by DfE: {_listed(extra)}")
    if blank:
        raw.notes.append(f"{blank} blank row(s) skipped")
    if trimmed:
        raw.notes.append(f"{trimmed} row(s) end with empty values beyond the last column (ignored)")
    return raw


# Where pandas is already imported (the main process, reading a large return itself), a file longer
# than this is parsed by pandas' C parser and its texts numbered by pandas: for an England-sized
# table that is three times faster than the csv module and a dict. The reader process of a small
# return (prefetch) has no pandas and uses the csv module. Both read the same records from the
# same text (the tests read every case both ways); a file whose rows have more values than the
# header is read by the csv module either way, so that the message names the line.
LARGE_CSV_CHARS = 1_000_000


def _by_pandas(text: str) -> bool:
    return len(text) > LARGE_CSV_CHARS and "pandas" in sys.modules


def _read_large(text: str, path: Path, table: str, cols: list[str], at: dict[str, int], width: int,
                extra: list[str]) -> RawTable | None:
    """read_csv for a large file; None when a row is longer than the header (read row by row)."""
    import warnings

    import numpy as np
    import pandas as pd

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False,
                             skip_blank_lines=False, header=None, skiprows=1, names=range(width), index_col=False,
                             engine="c")
    except (pd.errors.ParserError, pd.errors.ParserWarning, ValueError):
        return None
    lines = np.arange(2, len(df) + 2, dtype=np.int64)
    if '"' in text and len(df):
        # record i starts on line i + 2 plus the line breaks inside quoted values of the records above
        breaks = sum(df[c].str.count(_LINE_BREAK.pattern).to_numpy(dtype=np.int64) for c in df.columns)
        lines = lines + np.concatenate([[0], np.cumsum(breaks)[:-1]])
        if len(lines):
            _check_closed(text, int(lines[-1]), path)
    codes, uniques = pd.factorize(np.concatenate([df[at[c]].to_numpy(dtype=object) for c in cols]))
    texts = [str(t) for t in uniques]
    codes = codes.astype(np.int32).reshape(len(cols), len(df))
    blank = np.array([not t.strip() for t in texts], dtype=bool)[codes].all(axis=0)
    keep = ~blank
    raw = RawTable(name=table, columns=cols, texts=texts, codes={c: codes[i][keep].copy() for i, c in enumerate(cols)},
                   lines=lines[keep], file=str(path))
    return _noted(raw, extra, int(blank.sum()), 0)
