"""SSDA903 tables from an Excel workbook: every sheet whose header row names a table is read.

The header row may sit below title rows; fully blank rows and columns are dropped; hidden rows
and columns are kept (they are data) and reported; a merged header cell counts once; numbers
that are whole keep their text (`1234`, not `1234.0`); date cells become dd/mm/yyyy text.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import numpy as np
import pandas as pd

from validator.errors import UserError
from validator.ingest.csv903 import match_table
from validator.ingest.raw import RawTable
from validator.ingest.typing import blank_cells

HEADER_SEARCH_ROWS = 20  # title rows above the header are skipped, up to this many


def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, (dt.datetime, dt.date)):
        return v.strftime("%d/%m/%Y")
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    return str(v)


def read_xlsx(data: bytes, path: Path) -> list[RawTable]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), data_only=True)
    except Exception as e:  # noqa: BLE001 - any failure to open is the user's file, not our bug
        raise UserError(f"{path}: cannot open the workbook ({type(e).__name__}: {e}).") from None
    tables, ignored = [], []
    for ws in wb.worksheets:
        rows = [[_text(c) for c in row] for row in ws.iter_rows(values_only=True)]
        found = None
        for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
            if not any(c.strip() for c in row):
                continue
            try:
                found = (i, *match_table(row, Path(f"{path} (sheet {ws.title})")))
                break
            except UserError:
                continue
        if found is None:
            ignored.append(ws.title)
            continue
        header_at, table, positions, extra = found
        body = rows[header_at + 1:]
        cols = [positions[i] for i in sorted(positions)]
        cells = pd.DataFrame([[r[i] if i < len(r) else "" for i in sorted(positions)] for r in body], columns=cols, dtype=str)
        lines = np.arange(header_at + 2, header_at + 2 + len(cells))
        keep = ~np.logical_and.reduce([blank_cells(cells[c]) for c in cells.columns]) if len(cells) else np.zeros(0, bool)
        hidden_rows = [n for n in lines[keep] if ws.row_dimensions[int(n)].hidden]
        hidden_cols = [ws.cell(row=header_at + 1, column=i + 1).value for i in sorted(positions)
                       if ws.column_dimensions[ws.cell(row=1, column=i + 1).column_letter].hidden]
        notes = [f"sheet '{ws.title}'"]
        if header_at:
            notes.append(f"header found on row {header_at + 1} (title rows above skipped)")
        if (~keep).sum():
            notes.append(f"{int((~keep).sum())} blank row(s) skipped")
        if hidden_rows:
            notes.append(f"{len(hidden_rows)} hidden row(s) read as data (rows {', '.join(map(str, hidden_rows[:10]))})")
        if hidden_cols:
            notes.append(f"hidden column(s) read as data: {', '.join(map(str, hidden_cols))}")
        if extra:
            notes.append(f"extra columns not used by DfE: {', '.join(e for e in extra if e)}")
        tables.append(RawTable(name=table, cells=cells.loc[keep].reset_index(drop=True), lines=lines[keep],
                               file=f"{path} [{ws.title}]", notes=notes))
    if not tables:
        raise UserError(f"{path}: no sheet of this workbook has the header row of an SSDA903 table "
                        f"(sheets: {', '.join(ignored)}).")
    for t in tables[:1]:
        t.notes.extend(f"sheet '{s}' ignored: not an SSDA903 table" for s in ignored)
    return tables
