"""Generate the binary, huge and path-dependent members of the bad-input corpus.

The small text cases are files beside this script. The rest is made here, into a directory
given on the command line (or by the tests, into a temporary one), because it is binary
(encodings, workbooks, junk), big (a sparse file past the size limit, a ZIP bomb) or must name
an absolute path (XXE files point at a secret file made beside them):

    python tests/corpus/make_corpus.py /tmp/corpus

Nothing here is real data. `make(out)` returns {case name: path}.
"""

from __future__ import annotations

import codecs
import datetime as dt
import io
import random
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
EPISODES = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
SECRET = "TOPSECRET-7f3a9c-DO-NOT-LEAK"
CIN_HEAD = ("<Header><CollectionDetails><Collection>CIN</Collection><Year>2025</Year><ReferenceDate>2025-03-31"
            "</ReferenceDate></CollectionDetails><Source><SourceLevel>L</SourceLevel><LEA>201</LEA></Source></Header>")
HUGE_BYTES = 600 * 2**20  # past validator.ingest.files.MAX_BYTES (512 MB); sparse, so no disk used


def cin(lachildid: str, doctype: str = "") -> str:
    """A one-child CIN census whose LAchildID is `lachildid` (an entity reference in the XXE cases)."""
    return (f'<?xml version="1.0"?>\n{doctype}<Message>{CIN_HEAD}<Children><Child><ChildIdentifiers>'
            f"<LAchildID>{lachildid}</LAchildID><Sex>F</Sex></ChildIdentifiers></Child></Children></Message>\n")


def _workbook(fill) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    fill(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _messy_sheet(wb) -> None:
    """Title rows, a merged title and merged header cell, numeric ids, date cells, hidden row and column."""
    ws = wb.active
    ws.title = "Children"
    ws.append(["Children looked after: header extract"])
    ws.merge_cells("A1:H1")
    ws.append([])
    ws.append(["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB", "Notes", None])
    ws.merge_cells("H3:I3")  # a merged header cell over two columns
    ws.append([1234, "M", dt.datetime(2015, 1, 2), "WBRI", "UN1", None, None, "a", "b"])
    ws.append([None] * 9)
    ws.append([5678.0, "F", dt.date(2016, 4, 3), "WBRI", "UN1", 1, dt.datetime(2024, 6, 1), None, None])
    ws.append([91011, "Q", "03/04/2016", "WBRI", "UN1", 0, None, None, None])
    ws.row_dimensions[6].hidden = True
    ws.column_dimensions["H"].hidden = True
    wb.create_sheet("Read me").append(["anything"])


def _far_cell(wb) -> None:
    """One formatted empty cell in the last cell of the sheet (XFD1048576), as some exports leave."""
    from openpyxl.styles import Font

    ws = wb.active
    ws.append(HEADER.strip().split(","))
    ws.append([1, "Q", "01/01/2015", "WBRI", "UN1", None, None])
    ws.cell(row=1048576, column=16384).font = Font(bold=True)


def _header_only_sheet(wb) -> None:
    wb.active.append(HEADER.strip().split(","))


def _no_table_sheets(wb) -> None:
    wb.active.append(["Budget", "2024"])
    wb.create_sheet("Other").append(["x"])


def _zip_bomb(path: Path) -> None:
    """A real workbook whose sheet holds 300 MB of spaces in one cell: tiny zipped, huge unpacked."""
    good = zipfile.ZipFile(io.BytesIO(_workbook(_header_only_sheet)))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info in good.infolist():
            data = good.read(info.filename)
            if not info.filename.endswith("sheet1.xml"):
                z.writestr(info, data)
                continue
            head, tail = data.split(b"</sheetData>")
            with z.open(info.filename, "w", force_zip64=True) as f:
                f.write(head + b'<row r="2"><c r="A2" t="inlineStr"><is><t>')
                chunk = b" " * 2**20
                for _ in range(300):
                    f.write(chunk)
                f.write(b"</t></is></c></row></sheetData>" + tail)


def _xlsx_with_xxe(secret: Path) -> bytes:
    """A workbook whose shared strings declare an external entity pointing at the secret file."""
    src = zipfile.ZipFile(io.BytesIO(_workbook(lambda wb: (wb.active.append(HEADER.strip().split(",")),
                                                          wb.active.append(["1", "M"])))))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/sharedStrings.xml":
                data = data.replace(b"<sst ", f'<!DOCTYPE sst [<!ENTITY x SYSTEM "file://{secret}">]><sst '.encode(), 1)
                data = data.replace(b"<t>M</t>", b"<t>&x;</t>", 1)
            z.writestr(info, data)
    return out.getvalue()


def make(out: Path) -> dict[str, Path]:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    made: dict[str, Path] = {}

    def put(name: str, data: bytes | str) -> Path:
        p = out / name
        p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        made[name] = p
        return p

    rows = "1,M,01/01/2015,WBRI,UN1,,\n2,Q,01/01/2016,WBRI,UN1,,\n"
    # Encodings: all read; the values come out the same.
    episodes = EPISODES + "1,01/05/2024,S,C2,N1,U1,PR1,,,,,,café\n"
    put("utf8_bom.csv", codecs.BOM_UTF8 + (HEADER + rows).encode("utf-8"))
    put("utf16le_bom.csv", codecs.BOM_UTF16_LE + (HEADER + rows).encode("utf-16-le"))
    put("utf16be_bom.csv", codecs.BOM_UTF16_BE + (HEADER + rows).encode("utf-16-be"))
    put("utf16le_no_bom.csv", (HEADER + rows).encode("utf-16-le"))
    put("cp1252.csv", episodes.encode("cp1252"))
    put("utf16_episodes.csv", codecs.BOM_UTF16_LE + episodes.encode("utf-16-le"))
    # Undecodable: a UTF-8 file with one foreign byte; a byte no encoding has; a BOM that lies.
    put("bad_utf8.csv", (HEADER + "1,M,01/01/2015,WBRI,UN1,,\n").encode() + "2,F,01/01/2016,Zoë,".encode() + b"\xff,,\n")
    put("undefined_cp1252.csv", HEADER.encode() + b"1,M,01/01/2015,WBRI,UN\x811,,\n")
    put("utf8_bom_bad.csv", codecs.BOM_UTF8 + HEADER.encode() + b"1,M,01/01/2015,WBRI,UN\xc31,,\n")
    put("utf16_odd_length.csv", codecs.BOM_UTF16_LE + (HEADER + rows).encode("utf-16-le") + b"\x41")
    put("bom_only.csv", codecs.BOM_UTF8)
    # Zero bytes and junk.
    put("nul_early.csv", HEADER + "1,M,01/01/2015,WB\x00RI,UN1,,\n")
    put("nul_late.csv", HEADER + "1,M,01/01/2015,WBRI,UN1,,\n" * 200 + "2,M,01/01/2015,WB\x00RI,UN1,,\n")
    put("junk.bin", random.Random(903).randbytes(64 * 1024))
    put("old_excel.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + random.Random(1).randbytes(4096))
    # Long lines: a header line past 100,000 characters; a data value of 5 MB (read, not refused).
    put("long_first_line.csv", "A" * 200_000 + "\n1\n")
    put("long_value.csv", HEADER + "1,M,01/01/2015,WBRI,UN1,,\n2,F,01/01/2016,WBRI," + "U" * 5_000_000 + ",,\n")
    # Workbooks.
    put("messy.xlsx", _workbook(_messy_sheet))
    put("far_cell.xlsx", _workbook(_far_cell))
    put("header_only.xlsx", _workbook(_header_only_sheet))
    put("no_table.xlsx", _workbook(_no_table_sheets))
    good = made["header_only.xlsx"].read_bytes()
    put("corrupt.xlsx", good[: len(good) // 2])
    z = io.BytesIO()
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("report.txt", "not a workbook")
    put("not_a_workbook.zip", z.getvalue())
    # XXE: external entity, external DTD, parameter entities; the secret must never come out.
    secret = put("secret.txt", SECRET + "\n")
    url = f"file://{secret}"
    put("xxe_entity.xml", cin("&x;", f'<!DOCTYPE Message [<!ENTITY x SYSTEM "{url}">]>\n'))
    put("xxe_dtd.xml", cin("A1", f'<!DOCTYPE Message SYSTEM "{url}">\n'))
    put("xxe_parameter.xml", cin("A1", f'<!DOCTYPE Message [<!ENTITY % p SYSTEM "{url}"> %p;]>\n'))
    put("xxe_error_based.xml", cin("A1", (
        f'<!DOCTYPE Message [<!ENTITY % file SYSTEM "{url}">'
        "<!ENTITY % eval \"<!ENTITY &#x25; error SYSTEM 'file:///nonexistent/%file;'>\"> %eval; %error;]>\n")))
    put("xxe_network.xml", cin("&x;", '<!DOCTYPE Message [<!ENTITY x SYSTEM "http://127.0.0.1:9/x">]>\n'))
    put("xxe_xinclude.xml", cin(f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{url}" parse="text"/>'))
    put("xxe_903.xml", f'<?xml version="1.0"?>\n<!DOCTYPE EXPSSDA903 [<!ENTITY x SYSTEM "{url}">]>\n'
                       "<EXPSSDA903><CHILD><HEADER><CHILDID>&x;</CHILDID><SEX>&x;</SEX></HEADER></CHILD></EXPSSDA903>\n")
    put("xxe.xlsx", _xlsx_with_xxe(secret))
    # Expansion and depth.
    put("quadratic_blowup.xml", cin("&a;" * 50_000, f'<!DOCTYPE Message [<!ENTITY a "{"x" * 50_000}">]>\n'))
    put("deep.xml", "<Message>" + "<a>" * 100_000 + "</a>" * 100_000 + "</Message>\n")
    put("element_flood.xml", "<Message><Children>" + "<a/>" * 3_000_000 + "</Children></Message>\n")
    # Size: a sparse file past the limit (no disk used; must be refused without reading it).
    huge = out / "huge.csv"
    with open(huge, "wb") as f:
        f.write(HEADER.encode())
        f.truncate(HUGE_BYTES)
    made["huge.csv"] = huge
    # A folder with no data files.
    empty_dir = out / "no_data_files"
    empty_dir.mkdir(exist_ok=True)
    (empty_dir / "notes.txt").write_text("nothing here")
    (empty_dir / ".hidden.csv").write_text(HEADER)
    made["no_data_files"] = empty_dir
    return made


def make_zip_bomb(out: Path) -> Path:
    """Separate from make(): it takes a second or two to compress."""
    p = Path(out) / "zip_bomb.xlsx"
    _zip_bomb(p)
    return p


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "corpus-generated")
    for name in sorted(make(target)):
        print(name)
    print(make_zip_bomb(target).name)
