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
from validator.ingest.raw import ReadResult, text_facts


@dataclass
class Inputs:
    """Every file of this year's return and of last year's (SSDA903), read."""

    current: list[ReadResult] = field(default_factory=list)
    previous: list[ReadResult] = field(default_factory=list)


def read_file(path: Path, half: int | None = None) -> ReadResult | None:
    """The file's tables. `half` (0 or 1): of an XML file, the records of that half only, the
    rest being read by another process (`prefetch`); a file of another kind is read whole as its
    first half, and has no second (None)."""
    if half == 1 and not _is_xml(path):
        return None
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
            result = read_903_xml(data, path, half)
        elif root == "Message":
            result = read_cin_xml(data, path, half)
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
    facts = {}  # by list: a CIN file's tables share its texts
    for t in result.tables:
        if t.rows == 0 and kind != "xml":
            t.notes.append("the table has a header row and no data rows")
        if id(t.texts) not in facts:
            facts[id(t.texts)] = text_facts(t.texts, result.ret, tokens=kind != "xml")
        t.facts = facts[id(t.texts)]
    return result


def _is_xml(path: Path) -> bool:
    """From the file's first bytes (what `sniff` looks at); a file that cannot be opened is left
    to the reader of the first half, which says why."""
    try:
        if not path.is_file():  # a FIFO would block the open
            return False
        with open(path, "rb") as f:
            return sniff(f.read(4096)) == "xml"
    except OSError:
        return False


def read_inputs(paths: list[str], previous: list[str] | None = None) -> Inputs:
    """Read this year's files, then last year's."""
    return Inputs(current=[read_file(p) for p in expand(paths)],
                  previous=[read_file(p) for p in expand(previous or [])])


@dataclass
class Part:
    """What one of two readers read (`read_part`), up to the first file it could not read."""

    results: list[tuple[int, ReadResult | None]] = field(default_factory=list)  # (position, result)
    failed: tuple[int, str] | None = None  # (position, the UserError's message)


def read_part(paths: list[str], previous: list[str] | None, half: int) -> Part:
    """One of two readers' share: every file, XML files up to their middle (half 0), or the second
    half of each XML file (half 1). Positions number this year's files, then last year's."""
    part = Part()
    for position, path in enumerate(expand(paths) + expand(previous or [])):
        try:
            part.results.append((position, read_file(path, half)))
        except UserError as e:
            part.failed = (position, str(e))
            break
    return part


def joined(paths: list[str], previous: list[str] | None, first: Part, second: Part) -> Inputs:
    """The Inputs of two halves; the error reading them one after the other would have met first."""
    failures = [f for f in (first.failed, second.failed) if f is not None]
    if failures:
        raise UserError(min(failures, key=lambda f: f[0])[1])  # min keeps the first half's on a tie
    rest = dict(second.results)
    results = []
    for position, result in first.results:
        if rest.get(position) is not None:
            result.extend(rest[position])
        results.append(result)
    n = len(expand(paths))
    return Inputs(current=results[:n], previous=results[n:])
