"""Reading the input files: bytes -> tables of text (RawTable), with what each file is.

Plain Python: it runs in a process that has not imported pandas (see `prefetch`). Which return
and table each input is, is decided from content, never from the file name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from validator.errors import UserError
from validator.ingest.csv903 import read_csv
from validator.ingest.files import decode, expand, line_of, read_bytes, sha256, sniff
from validator.ingest.raw import ReadResult


@dataclass
class Inputs:
    """Every file of this year's return and of last year's (SSDA903), read."""

    current: list[ReadResult] = field(default_factory=list)
    previous: list[ReadResult] = field(default_factory=list)


def read_file(path: Path) -> ReadResult:
    data = read_bytes(path)
    kind = sniff(data)
    if kind == "binary":
        at = data.find(b"\x00")
        raise UserError(f"{path}: not a CSV, XML or Excel file: it holds binary content (a zero byte at byte {at}, "
                        f"line {line_of(data, at)}).")
    if kind == "ole2":
        raise UserError(f"{path}: an old-format (.xls) or password-protected Excel workbook, which returncheck "
                        "cannot read; save it as an unprotected .xlsx workbook or as CSV.")
    if kind == "xlsx":
        from validator.ingest.xlsx import read_xlsx  # openpyxl only for workbooks

        result = ReadResult(ret="ssda903", tables=read_xlsx(data, path))
    elif kind == "xml":
        from validator.ingest.xmlread import read_903_xml, read_cin_xml, root_name  # lxml only for XML

        root = root_name(data, path)
        if root == "EXPSSDA903":
            result = read_903_xml(data, path)
        elif root == "Message":
            result = read_cin_xml(data, path)
        else:
            raise UserError(f"{path}: an XML file whose root element is <{root}>; expected <EXPSSDA903> "
                            "(SSDA903) or <Message> (CIN census).")
    else:
        text, encoding = decode(data, path)
        table = read_csv(text, path)
        if encoding not in ("utf-8", "utf-8-sig"):
            table.notes.append(f"read as {encoding}")
        result = ReadResult(ret="ssda903", tables=[table])
    result.path, result.sha256, result.size, result.kind = str(path), sha256(data), len(data), kind
    for t in result.tables:
        if t.rows == 0 and kind != "xml":
            t.notes.append("the table has a header row and no data rows")
    return result


def read_inputs(paths: list[str], previous: list[str] | None = None) -> Inputs:
    """Read this year's files, then last year's."""
    return Inputs(current=[read_file(p) for p in expand(paths)],
                  previous=[read_file(p) for p in expand(previous or [])])
