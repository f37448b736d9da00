"""SSDA903 tables from an Excel workbook: every sheet whose header row names a table is read.

The header row may sit below title rows; fully blank rows and columns are dropped; hidden rows
and columns are kept (they are data) and reported; a merged header cell counts once; numbers
that are whole keep their text (`1234`, not `1234.0`); date cells become dd/mm/yyyy text.
"""

from __future__ import annotations

import datetime as dt
import io
from array import array
from pathlib import Path

from validator.errors import UserError
from validator.ingest.csv903 import match_table, shown
from validator.ingest.raw import RawTable, Texts, blank_rows, drop_rows

def _column_letter(n: int) -> str:
    """Excel's column name for the 1-based column n (1 -> A, 27 -> AA); openpyxl is imported only
    when a workbook is actually read."""
    from openpyxl.utils import get_column_letter

    return get_column_letter(n)


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


# A workbook is a ZIP of XML parts. More than this unpacked is refused before openpyxl builds it
# in memory (a "ZIP bomb" of a few hundred kB can unpack to gigabytes).
MAX_UNPACKED = 256 * 1024 * 1024


def _open(data: bytes, path: Path):
    """The workbook, or a UserError saying why it is not one we can read."""
    import warnings
    import zipfile

    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
            unpacked = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as e:
        raise UserError(f"{path}: a damaged Excel workbook or ZIP archive ({e}); save it again from Excel.") from None
    if "xl/workbook.xml" not in names and "[Content_Types].xml" not in names:
        raise UserError(f"{path}: a ZIP archive, not an Excel workbook (.xlsx); unzip it and give the files inside.")
    if unpacked > MAX_UNPACKED:
        raise UserError(f"{path}: the workbook unpacks to {unpacked / 2**20:,.0f} MB; returncheck reads workbooks up to "
                        f"{MAX_UNPACKED // 2**20} MB unpacked. Save the tables as CSV.")
    try:
        with warnings.catch_warnings():  # openpyxl warns about unsupported extensions: not the user's concern
            warnings.simplefilter("ignore")
            return load_workbook(io.BytesIO(data), data_only=True)
    except Exception as e:  # noqa: BLE001 - any failure to open is the user's file, not our bug
        raise UserError(f"{path}: cannot open the workbook ({type(e).__name__}: {shown(str(e), 200)}).") from None


def _grid(ws) -> dict[int, dict[int, object]]:
    """{row: {column: value}} of the cells that hold a value (1-based, as Excel numbers them).
    Read from the cells present, not the sheet's rectangle: one formatted cell at XFD1048576
    would otherwise make 17 billion empty cells."""
    grid: dict[int, dict[int, object]] = {}
    for (r, c), cell in ws._cells.items():  # openpyxl's store of the cells present
        if cell.value is not None:
            grid.setdefault(r, {})[c] = cell.value
    return grid


def read_xlsx(data: bytes, path: Path) -> list[RawTable]:
    wb = _open(data, path)
    tables, ignored = [], []
    for ws in wb.worksheets:
        if not hasattr(ws, "_cells"):  # a chart sheet
            ignored.append(ws.title)
            continue
        grid = _grid(ws)
        row_numbers = sorted(grid)
        found = None
        for r in row_numbers[:HEADER_SEARCH_ROWS]:
            cells = grid[r]
            row = [_text(cells.get(c)) for c in range(1, max(cells) + 1)]
            if not any(c.strip() for c in row):
                continue
            try:
                found = (r, *match_table(row, Path(f"{path} (sheet {ws.title})")))
                break
            except UserError:
                continue
        if found is None:
            ignored.append(ws.title)
            continue
        header_row, table, positions, extra = found
        order = sorted(positions)
        cols = [positions[i] for i in order]
        body = [r for r in row_numbers if r > header_row]
        texts = Texts()
        codes = {c: texts.codes(_text(grid[r].get(i + 1)) for r in body) for i, c in zip(order, cols)}
        raw = RawTable(name=table, columns=cols, texts=texts.texts(), codes=codes, lines=array("q", body),
                       file=f"{path} [{ws.title}]")
        drop_rows(raw, blank_rows(list(codes.values()), raw.texts, len(body)))
        skipped = (body[-1] - header_row - raw.rows) if body else 0
        hidden_rows = [n for n in raw.lines if ws.row_dimensions[int(n)].hidden]
        hidden_cols = [grid[header_row].get(i + 1) for i in order
                       if ws.column_dimensions[_column_letter(i + 1)].hidden]
        header_at = header_row - 1
        notes = [f"sheet '{ws.title}'"]
        if header_at:
            notes.append(f"header found on row {header_at + 1} (title rows above skipped)")
        if skipped:
            notes.append(f"{skipped} blank row(s) skipped")
        if hidden_rows:
            notes.append(f"{len(hidden_rows)} hidden row(s) read as data (rows {', '.join(map(str, hidden_rows[:10]))})")
        if hidden_cols:
            notes.append(f"hidden column(s) read as data: {', '.join(map(str, hidden_cols))}")
        if extra:
            notes.append(f"extra columns not used by DfE: {', '.join(shown(e) for e in extra[:12] if e)}")
        raw.notes = notes
        tables.append(raw)
    if not tables:
        raise UserError(f"{path}: no sheet of this workbook has the header row of an SSDA903 table "
                        f"(sheets: {', '.join(shown(s) for s in ignored[:12])}).")
    for t in tables[:1]:
        t.notes.extend(f"sheet '{s}' ignored: not an SSDA903 table" for s in ignored)
    return tables
