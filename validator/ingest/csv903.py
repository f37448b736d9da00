"""SSDA903 CSV tables, recognised from the header row (names matched ignoring case and spaces)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from validator.errors import UserError
from validator.ingest.raw import RawTable
from validator.ingest.typing import blank_cells
from validator.spec import spec


def _norm(name: str) -> str:
    return re.sub(r"\s+", "", name).upper()


# Columns DfE derives itself but some case management systems export: kept when present (not
# reported as extra) so rule 411 can compare them with what the postcodes say.
KEPT_DERIVED = {"Episodes": ("PL_LA", "PL_LOCATION", "PL_DISTANCE")}


def _csv_tables() -> dict[str, list[str]]:
    s = spec("ssda903")
    return {t: [c.name for c in s.table_columns(t, fmt="csv")] for t in s.table_names}


def match_table(header: list[str], path: Path) -> tuple[str, dict[int, str], list[str]]:
    """The table whose columns the header holds: (table, {position: DfE column}, extra columns)."""
    names = [_norm(h) for h in header]
    seen = {}
    for i, n in enumerate(names):
        if n and n in seen:
            raise UserError(f"{path}: the column '{header[i].strip()}' appears twice in the header row.")
        seen[n] = i
    candidates = []
    for table, cols in _csv_tables().items():
        missing = [c for c in cols if _norm(c) not in seen]
        extra = [header[i].strip() for i, n in enumerate(names) if n and n not in {_norm(c) for c in cols}]
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
    shown = ", ".join(h.strip() for h in header[:12]) + (" …" if len(header) > 12 else "")
    msg = f"{path}: not a recognised SSDA903 table (header: {shown}). Nearest table: {table}"
    msg += f", missing columns {', '.join(missing)}"
    if extra:
        msg += f"; extra columns {', '.join(extra)}"
    raise UserError(msg + ".")


def read_csv(text: str, path: Path) -> RawTable:
    first_line = text.split("\n", 1)[0]
    if len(first_line) > 100_000:
        raise UserError(f"{path}: the first line is {len(first_line):,} characters long; "
                        "this is not the header row of an SSDA903 table.")
    header = next(csv.reader([first_line]), [])
    if not any(h.strip() for h in header):
        raise UserError(f"{path}: the first line is blank; a CSV table must start with its header row.")
    table, positions, extra = match_table(header, path)
    try:
        df = pd.read_csv(
            io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False,
            skip_blank_lines=False, header=0, usecols=sorted(positions), engine="c",
        )
    except (pd.errors.ParserError, ValueError) as e:
        raise UserError(f"{path}: the CSV cannot be read: {str(e).strip()}") from None
    df.columns = [positions[i] for i in sorted(positions)]
    # Line numbers before blank rows are dropped: data row i sits on line i + 2.
    lines = np.arange(2, len(df) + 2)
    keep = ~np.logical_and.reduce([blank_cells(df[c]) for c in df.columns]) if len(df) else np.array([], bool)
    dropped = int((~keep).sum())
    df = df.loc[keep].reset_index(drop=True)
    lines = lines[keep]
    cols = _csv_tables()[table]
    df = df[cols + [c for c in KEPT_DERIVED.get(table, ()) if c in df.columns]]
    notes = []
    if extra:
        notes.append(f"extra columns not used by DfE: {', '.join(extra)}")
    if dropped:
        notes.append(f"{dropped} blank row(s) skipped")
    return RawTable(name=table, cells=df, lines=lines, file=str(path), notes=notes)
