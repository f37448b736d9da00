"""The bad-input corpus (tests/corpus/): every broken, odd or hostile input gets its exact exit
code and message (or its findings, where the data was readable), never a traceback, never a
leaked file, in bounded time and memory.

Small text cases are files in tests/corpus/; binary, huge and path-dependent ones are made by
tests/corpus/make_corpus.py into a temporary directory.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.corpus import make_corpus
from validator.cli import main
from validator.ingest import load_return

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "corpus"
Y = ["--year", "2024/25"]

@pytest.fixture(autouse=True, params=["csv module", "pandas C parser"])
def csv_parser(request, monkeypatch):
    """Every case is read both ways csv903 reads CSV: plain Python (most files) and pandas' parser
    (files over LARGE_CSV_CHARS); they must agree."""
    if request.param == "pandas C parser":
        monkeypatch.setattr("validator.ingest.csv903.LARGE_CSV_CHARS", 0)



@pytest.fixture(scope="module")
def gen(tmp_path_factory):
    return make_corpus.make(tmp_path_factory.mktemp("corpus"))


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(["validate", *map(str, argv)])
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "internal error" not in err
    return code, out, err


def refused(capsys, path, *extra) -> str:
    """Exit 2 and the one-paragraph message (without the 'returncheck: ' prefix)."""
    code, _, err = run(capsys, path, *extra)
    assert code == 2, err
    assert err.startswith("returncheck: ") and err.count("\n") == 1, err
    return err[len("returncheck: "):].strip()


# ------------------------------------------------------------------ files and folders

def test_path_that_does_not_exist(capsys):
    p = CORPUS / "nope.csv"
    assert refused(capsys, p, *Y) == f"{p}: no such file or folder."


def test_folder_with_no_data_files(capsys, gen):
    p = gen["no_data_files"]
    assert refused(capsys, p, *Y) == f"{p}: the folder holds no CSV, XML or XLSX files."


@pytest.mark.parametrize("name", ["empty.csv", "blank_lines.csv"])
def test_empty_file(capsys, name):
    p = CORPUS / name
    assert refused(capsys, p, *Y) == f"{p}: the file is empty."


def test_bom_only_file_is_empty(capsys, gen):
    p = gen["bom_only.csv"]
    assert refused(capsys, p, *Y) == f"{p}: the file is empty."


def test_device_is_refused_unread(capsys):
    assert refused(capsys, "/dev/zero", *Y) == "/dev/zero: not a regular file; give the CSV, XML or XLSX file itself."


def test_file_over_512_mb_is_refused_without_reading_it(gen):
    p = gen["huge.csv"]
    assert p.stat().st_size > 512 * 2**20 and p.stat().st_blocks * 512 < 2**20  # sparse: nothing on disk
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "validator", "validate", str(p), *Y], capture_output=True,
                          text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr == f"returncheck: {p}: the file is 600 MB; returncheck reads files up to 512 MB. Is it really one return?\n"
    assert time.perf_counter() - start < 20  # process start and imports; the file itself is never read


# ------------------------------------------------------------------ wrong or ambiguous files

def test_header_only_table_is_a_note_and_zero_rows(capsys, tmp_path):
    out = tmp_path / "o.json"
    code, _, _ = run(capsys, CORPUS / "header_only.csv", *Y, "--select", "101", "--json", out)
    assert code == 0
    d = json.loads(out.read_text())
    assert [(i["table"], i["rows"]) for i in d["inputs"]] == [("Header", 0)]
    r = load_return([str(CORPUS / "header_only.csv")], kind="ssda903", year="2024/25")
    assert r.inputs[0].notes == ["Header: the table has a header row and no data rows"]


def test_file_matching_no_table(capsys):
    p = CORPUS / "no_table.csv"
    assert refused(capsys, p, *Y) == (f"{p}: not a recognised SSDA903 table (header: Item, Cost). Nearest table: DoLo, "
                                      "missing columns CHILD, DOB, DOLO_START, DOLO_END; extra columns Item, Cost.")


def test_terminal_escape_codes_in_a_header_are_shown_harmlessly(capsys):
    p = CORPUS / "escape_codes.csv"
    msg = refused(capsys, p, *Y)
    assert "\x1b" not in msg and "\x07" not in msg
    assert msg.startswith(f"{p}: not a recognised SSDA903 table (header: \\x1b[2J\\x1b[31mCHILD, SEX\\x07, DOB).")


def test_two_files_for_one_table(capsys):
    d = CORPUS / "two_header_files"
    assert refused(capsys, d, *Y) == (f"Two inputs hold the Header table: {d / 'a.csv'} and {d / 'b.csv'}. "
                                      "Give one file per table.")


def test_cin_given_as_903_and_903_given_as_cin(capsys):
    cin = CORPUS / "cin_valid.xml"
    assert refused(capsys, cin, "--return", "ssda903", *Y) == f"{cin}: this is a CIN census, but --return ssda903 was given."
    csv_ = CORPUS / "header_only.csv"
    assert refused(capsys, csv_, "--return", "cin", *Y) == f"{csv_}: this is an SSDA903 return, but --return cin was given."


def test_last_years_return_given_as_current(capsys):
    p = CORPUS / "last_years_episodes.csv"
    assert refused(capsys, p, *Y) == (f"{p}: no date in the return falls in 2024/25 (the latest is 01/06/2023). "
                                      "Is this last year's return? Give it with --previous, or check --year.")


def test_unsupported_years_are_refused_not_passed(capsys):
    p = CORPUS / "header_only.csv"
    assert refused(capsys, p, "--year", "1990/91") == (
        "--year 1990/91: returncheck checks the collection years 2022/23, 2023/24, 2024/25, 2025/26, 2026/27.")
    c = CORPUS / "cin_year_1999.xml"
    assert refused(capsys, c) == (f"{c}: the census header (ReferenceDate '1999-03-31', Year '1999') is not in a "
                                  "collection year returncheck checks (2022/23, 2023/24, 2024/25, 2025/26, 2026/27).")


def test_cin_without_a_year(capsys):
    assert refused(capsys, CORPUS / "cin_no_year.xml") == (
        "The collection year cannot be read from the input; give it with --year (for example --year 2024/25).")


def test_other_xml(capsys):
    p = CORPUS / "other_root.xml"
    assert refused(capsys, p) == (f"{p}: an XML file whose root element is <rss>; expected <EXPSSDA903> (SSDA903) "
                                  "or <Message> (CIN census).")


# ------------------------------------------------------------------ encodings

@pytest.mark.parametrize("name", ["utf8_bom.csv", "utf16le_bom.csv", "utf16be_bom.csv", "utf16le_no_bom.csv"])
def test_encodings_are_detected_and_read_alike(capsys, gen, tmp_path, name):
    out = tmp_path / "o.json"
    code, _, _ = run(capsys, gen[name], *Y, "--select", "101", "--json", out)
    assert code == 1
    f = json.loads(out.read_text())["findings"]
    assert [(x["rule"], x["child"], x["values"], x["source"]["line"]) for x in f] == [("101", "2", {"SEX": "Q"}, 3)]


@pytest.mark.parametrize("name, note", [("cp1252.csv", "Episodes: read as cp1252"),
                                        ("utf16_episodes.csv", "Episodes: read as utf-16-le")])
def test_windows_1252_and_utf16_text(gen, name, note):
    r = load_return([str(gen[name])], kind="ssda903", year="2024/25")
    assert r.tables["Episodes"].frame["URN"].tolist() == ["café"]
    assert note in r.inputs[0].notes


def test_undecodable_bytes_name_file_and_byte(capsys, gen):
    p = gen["bad_utf8.csv"]
    assert refused(capsys, p, *Y) == (f"{p}: cannot read the text: byte 85 (line 3) is not valid UTF-8, though the "
                                      "text before it is UTF-8. Save the file again as UTF-8.")
    p = gen["undefined_cp1252.csv"]
    assert refused(capsys, p, *Y) == (f"{p}: cannot read the text (not UTF-8, UTF-16 or Windows-1252): byte 61 "
                                      "(line 2) is not a character in any of them.")
    p = gen["utf8_bom_bad.csv"]  # the offset counts the byte-order mark: byte 64 of the file
    assert p.read_bytes()[64:65] == b"\xc3"
    assert refused(capsys, p, *Y) == f"{p}: the file says it is UTF-8 but byte 64 is not valid UTF-8."
    p = gen["utf16_odd_length.csv"]
    assert refused(capsys, p, *Y) == f"{p}: the file says it is UTF-16 but byte 184 is not valid UTF-16."


def test_nul_bytes_and_binary_junk(capsys, gen):
    p = gen["nul_early.csv"]
    assert refused(capsys, p, *Y) == f"{p}: not a CSV, XML or Excel file: it holds binary content (a zero byte at byte 56, line 2)."
    p = gen["nul_late.csv"]
    assert refused(capsys, p, *Y) == (f"{p}: byte 5256 (line 202) is a zero byte, which a CSV export never holds; "
                                      "the file is damaged or not a text file.")
    p = gen["junk.bin"]
    at = p.read_bytes().find(b"\x00")
    line = p.read_bytes()[:at].count(b"\n") + 1
    assert refused(capsys, p, *Y) == f"{p}: not a CSV, XML or Excel file: it holds binary content (a zero byte at byte {at}, line {line})."


# ------------------------------------------------------------------ CSV layout

def test_very_long_first_line(capsys, gen):
    p = gen["long_first_line.csv"]
    assert refused(capsys, p, *Y) == (f"{p}: the first line is 200,000 characters long; this is not the header row "
                                      "of an SSDA903 table.")


def test_very_long_value_is_read(gen):
    r = load_return([str(gen["long_value.csv"])], kind="ssda903", year="2024/25")
    assert [len(v) for v in r.tables["Header"].frame["UPN"]] == [3, 5_000_000]


def test_row_with_too_many_values_names_the_line(capsys):
    p = CORPUS / "ragged_long.csv"
    assert refused(capsys, p, *Y) == (f"{p}: line 3 has 9 values but the header row has 7 columns. "
                                      "A value holding a comma must be in double quotes.")


def test_row_with_too_few_values_reads_blanks_and_rules_flag_them(capsys, tmp_path):
    out = tmp_path / "o.json"
    code, _, _ = run(capsys, CORPUS / "ragged_short.csv", *Y, "--select", "102", "--json", out)
    assert code == 1
    f = json.loads(out.read_text())["findings"]
    assert [(x["rule"], x["child"], x["source"]["line"]) for x in f] == [("102", "2", 3)]


def test_dates_out_of_any_calendar_range_are_invalid_dates_not_a_crash(capsys, tmp_path):
    p = tmp_path / "header.csv"
    p.write_text("CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n1,1,01/01/1500,WBRI,UN1,,\n2,2,31/12/9999,WBRI,UN1,,\n"
                 "3,1,01/01/2015,WBRI,UN1,,\n")
    out = tmp_path / "o.json"
    code, _, _ = run(capsys, p, *Y, "--select", "102", "--json", out)
    assert code == 1
    f = json.loads(out.read_text())["findings"]
    assert [(x["rule"], x["child"], x["values"]) for x in f] == [("102", "1", {"DOB": "01/01/1500"}),
                                                                 ("102", "2", {"DOB": "31/12/9999"})]


def test_trailing_commas_are_ignored_with_a_note():
    r = load_return([str(CORPUS / "trailing_comma.csv")], kind="ssda903", year="2024/25")
    assert r.tables["Header"].frame["CHILD"].tolist() == ["1", "2"]
    assert r.tables["Header"].source_line.tolist() == [2, 3]
    assert "Header: 2 row(s) end with empty values beyond the last column (ignored)" in r.inputs[0].notes


def test_quoted_value_with_line_break_keeps_true_line_numbers(capsys, tmp_path):
    out = tmp_path / "o.json"
    code, _, _ = run(capsys, CORPUS / "quoted_newline.csv", *Y, "--select", "101", "--json", out)
    assert code == 1
    f = json.loads(out.read_text())["findings"]
    assert [(x["child"], x["row"], x["source"]["line"]) for x in f] == [("2", 1, 4)]
    r = load_return([str(CORPUS / "quoted_newline.csv")], kind="ssda903", year="2024/25")
    assert r.tables["Header"].raw["UPN"].tolist() == ["UN\n1", "UN1"]


def test_unclosed_quote(capsys):
    p = CORPUS / "unclosed_quote.csv"
    assert refused(capsys, p, *Y) == (f"{p}: a double quote opened on line 3 is never closed, so the rest of the "
                                      "file would be one value.")


def test_old_mac_line_endings(capsys, tmp_path):
    out = tmp_path / "o.json"
    code, _, _ = run(capsys, CORPUS / "mac_line_endings.csv", *Y, "--select", "101", "--json", out)
    assert code == 1
    f = json.loads(out.read_text())["findings"]
    assert [(x["child"], x["source"]["line"]) for x in f] == [("2", 3)]


# ------------------------------------------------------------------ workbooks

def test_zip_that_is_not_a_workbook(capsys, gen):
    p = gen["not_a_workbook.zip"]
    assert refused(capsys, p, *Y) == f"{p}: a ZIP archive, not an Excel workbook (.xlsx); unzip it and give the files inside."


def test_corrupt_workbook(capsys, gen):
    p = gen["corrupt.xlsx"]
    assert refused(capsys, p, *Y) == (f"{p}: a damaged Excel workbook or ZIP archive (File is not a zip file); "
                                      "save it again from Excel.")


def test_old_excel_format(capsys, gen):
    p = gen["old_excel.xls"]
    assert refused(capsys, p, *Y) == (f"{p}: an old-format (.xls) or password-protected Excel workbook, which "
                                      "returncheck cannot read; save it as an unprotected .xlsx workbook or as CSV.")


def test_workbook_with_no_table(capsys, gen):
    p = gen["no_table.xlsx"]
    assert refused(capsys, p, *Y) == (f"{p}: no sheet of this workbook has the header row of an SSDA903 table "
                                      "(sheets: Sheet, Other).")


def test_messy_workbook_title_rows_hidden_merged_numbers_dates(capsys, gen, tmp_path):
    p = gen["messy.xlsx"]
    r = load_return([str(p)], kind="ssda903", year="2024/25")
    t = r.tables["Header"]
    assert t.frame["CHILD"].tolist() == ["1234", "5678", "91011"]  # numeric ids keep their text
    assert t.frame["DOB"].tolist() == ["02/01/2015", "03/04/2016", "03/04/2016"]  # date cells become dates
    assert t.frame["MC_DOB"].tolist()[1] == "01/06/2024"
    assert t.frame["MOTHER"].tolist()[1:] == ["1", "0"]
    assert t.source_line.tolist() == [4, 6, 7]
    assert r.inputs[0].notes == [
        "Header: sheet 'Children'", "Header: header found on row 3 (title rows above skipped)",
        "Header: 1 blank row(s) skipped", "Header: 1 hidden row(s) read as data (rows 6)",
        "Header: extra columns not used by DfE: Notes", "Header: sheet 'Read me' ignored: not an SSDA903 table",
    ]
    out = tmp_path / "o.json"
    code, _, _ = run(capsys, p, *Y, "--select", "101", "--json", out)
    assert code == 1
    f = json.loads(out.read_text())["findings"]
    assert [(x["child"], x["source"]) for x in f] == [("91011", {"file": f"{p} [Children]", "line": 7})]


def test_hidden_column_is_read_and_reported(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"])
    ws.append([1, "M", "01/01/2015", "WBRI", "UN1", None, None])
    ws.column_dimensions["D"].hidden = True
    wb.save(tmp_path / "h.xlsx")
    r = load_return([str(tmp_path / "h.xlsx")], kind="ssda903", year="2024/25")
    assert r.tables["Header"].frame["ETHNIC"].tolist() == ["WBRI"]
    assert "Header: hidden column(s) read as data: ETHNIC" in r.inputs[0].notes


def test_formatted_cell_at_the_end_of_the_sheet_is_fast(capsys, gen):
    start = time.perf_counter()
    code, _, _ = run(capsys, gen["far_cell.xlsx"], *Y, "--select", "101")
    assert code == 1 and time.perf_counter() - start < 10


def test_header_only_workbook(gen):
    r = load_return([str(gen["header_only.xlsx"])], kind="ssda903", year="2024/25")
    assert r.tables["Header"].frame.empty
    assert "Header: the table has a header row and no data rows" in r.inputs[0].notes


def test_zip_bomb_workbook_is_refused_before_unpacking(capsys, tmp_path):
    p = make_corpus.make_zip_bomb(tmp_path)
    assert p.stat().st_size < 2 * 2**20
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert refused(capsys, p, *Y) == (f"{p}: the workbook unpacks to 300 MB; returncheck reads workbooks up to "
                                      "256 MB unpacked. Save the tables as CSV.")
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 100 * 1024  # KB: nothing unpacked


# ------------------------------------------------------------------ XML

def test_namespaced_xml_is_read(capsys):
    r = load_return([str(CORPUS / "namespaced_cin.xml")])
    assert (r.kind, r.year.label, r.la) == ("cin", "2024/25", "201")
    assert r.tables["ChildIdentifiers"].frame["LAchildID"].tolist() == ["A1"]
    assert r.tables["CINdetails"].frame["CINreferralDate"].tolist() == ["2024-05-01"]
    code, _, _ = run(capsys, CORPUS / "namespaced_903.xml", *Y, "--select", "101")
    assert code == 1  # SEX 3 is read through the default namespace and flagged


def test_unknown_elements_are_ignored():
    r = load_return([str(CORPUS / "unknown_elements.xml")])
    assert r.tables["ChildIdentifiers"].frame["LAchildID"].tolist() == ["A1"]
    assert r.tables["CINdetails"].frame["ReferralSource"].tolist() == ["1A"]
    assert r.tables["CINdetails"].source_path.tolist() == ["/Message/Children/Child[1]/CINdetails[1]"]


def test_malformed_xml_gives_line_and_column(capsys):
    p = CORPUS / "malformed.xml"
    assert refused(capsys, p) == (f"{p}: the XML is not well formed at line 7, column 17: "
                                  "Opening and ending tag mismatch: Child line 7 and Chil")
    p = CORPUS / "truncated.xml"
    assert refused(capsys, p).startswith(f"{p}: the XML is not well formed at line 6, column ")


def test_deeply_nested_xml(capsys, gen):
    p = gen["deep.xml"]
    assert refused(capsys, p) == (f"{p}: the XML is nested more than 256 elements deep (line 1, column 777); "
                                  "a return is never that deep.")


def test_flood_of_unknown_elements_is_refused_in_bounded_memory(capsys, gen):
    p = gen["element_flood.xml"]
    start = time.perf_counter()
    assert refused(capsys, p) == (f"{p}: more than 8 MB of XML (up to byte 9,437,184) without a complete <Child> "
                                  "record; the file is damaged or not a return.")
    assert time.perf_counter() - start < 20


@pytest.mark.parametrize("name", ["billion_laughs.xml", "quadratic_blowup.xml"])
def test_entity_expansion_is_refused_quickly(name, gen):
    p = CORPUS / name if (CORPUS / name).exists() else gen[name]
    code = (f"import resource, sys, time; from validator.cli import main; t = time.time(); "
            f"c = main(['validate', {str(p)!r}]); "
            "print(c, time.time() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    rc, seconds, peak_kb = proc.stdout.split()
    assert rc == "2" and float(seconds) < 10 and int(peak_kb) < 1024 * 1024, proc.stdout
    assert proc.stderr == (f"returncheck: {p}: the XML declares entities that would expand enormously (an 'entity "
                           "expansion' attack or a damaged file); returncheck does not expand them.\n")


XXE = ["xxe_entity.xml", "xxe_dtd.xml", "xxe_parameter.xml", "xxe_error_based.xml", "xxe_network.xml",
       "xxe_xinclude.xml", "xxe_903.xml", "xxe.xlsx"]


@pytest.mark.parametrize("name", XXE)
def test_xxe_never_leaks_the_file(capsys, gen, tmp_path, name):
    outs = {k: tmp_path / f"out.{k}" for k in ("json", "html", "csv", "junit", "xlsx")}
    args = [a for k, p in outs.items() for a in (f"--{k}", p)]
    code, out, err = run(capsys, gen[name], *Y, *args)
    assert code in (0, 1, 2)
    texts = [out, err] + [p.read_bytes().decode("utf-8", "replace") for p in outs.values() if p.exists()]
    if outs["xlsx"].exists():
        import zipfile

        with zipfile.ZipFile(outs["xlsx"]) as z:
            texts += [z.read(n).decode("utf-8", "replace") for n in z.namelist()]
    assert not any(make_corpus.SECRET in t or "TOPSECRET" in t for t in texts)
    if name == "xxe_error_based.xml":
        assert code == 2 and "PEReferences forbidden in internal subset" in err
    elif name != "xxe.xlsx":
        assert code in (0, 1), err


def test_xxe_entity_value_is_left_blank_not_resolved(gen):
    r = load_return([str(gen["xxe_entity.xml"])])
    assert r.tables["ChildIdentifiers"].frame["LAchildID"].isna().all()
