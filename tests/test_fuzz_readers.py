"""Fuzzing the CSV, XLSX and XML readers: whatever the bytes, only the project's own input error
(validator.errors.UserError) ever escapes load_return, and the command line exits 0, 1 or 2
without raising. Examples are few and small so the whole file runs in well under 30 seconds."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from validator.cli import main
from validator.errors import UserError
from validator.ingest import load_return

HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
EPISODES = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
CSV_SAMPLES = [
    (HEADER + "1,M,01/01/2015,WBRI,UN1,,\n2,F,2016-01-01,NULL,UN1, 1.0 ,\n").encode(),
    (EPISODES + '1,01/05/2024,S,C2,N1,U1,PR1,,,,"AB1 2CD",,\n').encode(),
]
XML_903 = (b'<?xml version="1.0"?>\n<EXPSSDA903><CHILD><HEADER><CHILDID>7</CHILDID><SEX>F</SEX><DOB>01/01/2010</DOB>'
           b"<UASC>1</UASC><DUC>01/01/2020</DUC><AREVIEW><REVIEW>01/06/2024</REVIEW></AREVIEW>"
           b"<AMISSING><MIS_START>02/06/2024</MIS_START></AMISSING></HEADER><EPISODE><DECOM>01/05/2024</DECOM>"
           b"<PL>U1</PL></EPISODE></CHILD></EXPSSDA903>\n")
XML_CIN = (b'<?xml version="1.0"?>\n<Message xmlns="urn:x"><Header><CollectionDetails><Year>2025</Year>'
           b"<ReferenceDate>2025-03-31</ReferenceDate></CollectionDetails><Source><LEA>201</LEA></Source></Header>"
           b"<Children><Child><ChildIdentifiers><LAchildID>A1</LAchildID></ChildIdentifiers><ChildCharacteristics>"
           b"<Disabilities><Disability>MOB</Disability></Disabilities></ChildCharacteristics><CINdetails>"
           b"<CINreferralDate>2024-05-01</CINreferralDate><Assessments><FactorsIdentifiedAtAssessment>"
           b"<AssessmentFactors>2A</AssessmentFactors></FactorsIdentifiedAtAssessment></Assessments>"
           b"<ChildProtectionPlans><Reviews><CPPreviewDate>2024-08-01</CPPreviewDate></Reviews></ChildProtectionPlans>"
           b"</CINdetails></Child></Children></Message>\n")

FUZZ = settings(max_examples=40, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
CLI = settings(FUZZ, max_examples=8)
_counter = itertools.count()


@pytest.fixture(scope="module")
def where(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def _write(where: Path, data: bytes, suffix: str) -> Path:
    p = where / f"f{next(_counter)}{suffix}"
    p.write_bytes(data)
    return p


def _load(path: Path, **kw) -> None:
    """Only UserError may escape; anything else fails the test with the input that caused it."""
    try:
        load_return([str(path)], **kw)
    except UserError as e:
        assert str(e)


def _cli(path: Path, *extra: str) -> None:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["validate", str(path), *extra])
    assert code in (0, 1, 2)
    assert "internal error" not in err.getvalue() and "Traceback" not in err.getvalue(), err.getvalue()


@st.composite
def mutated(draw, samples: list[bytes]) -> bytes:
    """A valid sample with a few bytes inserted, deleted, replaced, or cut short."""
    data = bytearray(draw(st.sampled_from(samples)))
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["insert", "delete", "replace", "truncate"]))
        at = draw(st.integers(0, len(data)))
        if op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8) | st.sampled_from(
                [b'"', b",", b"\n", b"\r", b"\x00", b"\xff", b"<", b"&", b"]]>", b"\xef\xbb\xbf", b"\xff\xfe"]))
        elif op == "delete":
            del data[at:at + draw(st.integers(1, 8))]
        elif op == "replace" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif op == "truncate":
            del data[at:]
    return bytes(data)


text_cells = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)


# ------------------------------------------------------------------ CSV

@FUZZ
@given(data=st.binary(max_size=300))
def test_csv_reader_arbitrary_bytes(where, data):
    _load(_write(where, data, ".csv"), kind="ssda903", year="2024/25")


@FUZZ
@given(data=mutated(CSV_SAMPLES))
def test_csv_reader_mutated_samples(where, data):
    _load(_write(where, data, ".csv"), kind="ssda903", year="2024/25")


@FUZZ
@given(rows=st.lists(st.lists(text_cells, max_size=9), max_size=6),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
       newline=st.sampled_from(["\n", "\r\n", "\r"]))
def test_csv_reader_text_tables(where, rows, encoding, newline):
    import csv

    buf = io.StringIO()
    csv.writer(buf, lineterminator=newline).writerows([HEADER.strip().split(",")] + rows)
    data = buf.getvalue().encode(encoding, errors="replace")
    _load(_write(where, data, ".csv"), kind="ssda903", year="2024/25")


@CLI
@given(data=mutated(CSV_SAMPLES))
def test_cli_on_mutated_csv(where, data):
    _cli(_write(where, data, ".csv"), "--year", "2024/25")


# ------------------------------------------------------------------ XML

@FUZZ
@given(data=mutated([XML_903, XML_CIN]))
def test_xml_readers_mutated_samples(where, data):
    _load(_write(where, data, ".xml"), year="2024/25")


@st.composite
def xml_trees(draw) -> bytes:
    """Random element structures under a 903 or CIN root, with names from the real schemas and junk."""
    names = st.sampled_from(["CHILD", "HEADER", "EPISODE", "AREVIEW", "CHILDID", "DOB", "Child", "Children",
                             "ChildIdentifiers", "LAchildID", "CINdetails", "Assessments", "ChildProtectionPlans",
                             "Reviews", "CPPreviewDate", "Header", "ReferenceDate", "Year", "x", "a:b"])

    def node(depth: int) -> str:
        name = draw(names).replace("a:b", "b")
        if depth > 4 or draw(st.booleans()):
            text = draw(text_cells).replace("&", "&amp;").replace("<", "&lt;")
            return f"<{name}>{text}</{name}>"
        return f"<{name}>" + "".join(node(depth + 1) for _ in range(draw(st.integers(0, 3)))) + f"</{name}>"

    root = draw(st.sampled_from(["EXPSSDA903", "Message"]))
    body = "".join(node(1) for _ in range(draw(st.integers(0, 4))))
    return f'<?xml version="1.0" encoding="UTF-8"?><{root}>{body}</{root}>'.encode("utf-8", "replace")


@FUZZ
@given(data=xml_trees())
def test_xml_readers_random_structures(where, data):
    _load(_write(where, data, ".xml"))
    _load(_write(where, data, ".xml"), year="2024/25")


@CLI
@given(data=mutated([XML_903, XML_CIN]) | xml_trees())
def test_cli_on_xml(where, data):
    _cli(_write(where, data, ".xml"), "--year", "2024/25")


# ------------------------------------------------------------------ XLSX

def _xlsx(rows, title_rows: int = 0, hidden: int | None = None, merge: str | None = None) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for _ in range(title_rows):
        ws.append(["Title"])
    ws.append(HEADER.strip().split(","))
    for r in rows:
        ws.append(r)
    if hidden:
        ws.row_dimensions[hidden].hidden = True
    if merge:
        ws.merge_cells(merge)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


cell_values = st.one_of(st.none(), text_cells.filter(lambda s: not s.startswith("=")), st.integers(-10**12, 10**12),
                        st.floats(allow_nan=False, allow_infinity=False, width=32), st.booleans(),
                        st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)))


@FUZZ
@given(rows=st.lists(st.lists(cell_values, max_size=9), max_size=5), title_rows=st.integers(0, 3),
       hidden=st.none() | st.integers(1, 8), merge=st.none() | st.sampled_from(["A1:B1", "B2:B4", "C1:D3"]))
def test_xlsx_reader_random_workbooks(where, rows, title_rows, hidden, merge):
    import re

    clean = [[re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", v) if isinstance(v, str) else v for v in r] for r in rows]
    _load(_write(where, _xlsx(clean, title_rows, hidden, merge), ".xlsx"), kind="ssda903", year="2024/25")


XLSX_SAMPLE = _xlsx([[1, "M", dt.date(2015, 1, 1), "WBRI", "UN1", None, None]])


@FUZZ
@given(data=mutated([XLSX_SAMPLE]))
def test_xlsx_reader_mutated_bytes(where, data):
    _load(_write(where, data, ".xlsx"), kind="ssda903", year="2024/25")


@CLI
@given(data=mutated([XLSX_SAMPLE]))
def test_cli_on_mutated_xlsx(where, data):
    _cli(_write(where, data, ".xlsx"), "--year", "2024/25")
