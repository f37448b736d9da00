"""The command line contract: exit codes, JSON schema, rules/explain, messages without tracebacks."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from validator.cli import main

ROOT = Path(__file__).resolve().parent.parent
HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
EPISODES = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"


@pytest.fixture
def return_dirs(tmp_path):
    cur, prev = tmp_path / "cur", tmp_path / "prev"
    cur.mkdir()
    prev.mkdir()
    (cur / "header.csv").write_text(HEADER + "1,M,01/01/2015,WBRI,UN1,,\n2,Q,01/01/2016,WBRI,UN1,,\n")
    (cur / "episodes.csv").write_text(EPISODES + "1,01/05/2024,S,C2,N1,U1,PR1,,,,,,\n")
    (prev / "header.csv").write_text(HEADER + "1,1,02/01/2015,WBRI,UN1,,\n")
    return cur, prev


def test_validate_writes_contract_json_and_exits_1_on_errors(return_dirs, tmp_path, capsys):
    cur, prev = return_dirs
    out = tmp_path / "out.json"
    code = main(["validate", str(cur), "--return", "ssda903", "--year", "2024/25", "--previous", str(prev),
                 "--json", str(out), "--select", "101,202,203"])
    assert code == 1
    d = json.loads(out.read_text())
    assert d["schema"] == "returncheck-findings/1"
    assert (d["return"], d["collection_year"], d["la"]) == ("ssda903", "2024/25", None)
    assert d["rules_run"] == ["101", "202", "203"] and d["rules_skipped"] == []
    assert d["findings"] == [
        {"rule": "101", "severity": "error", "message": "The child or young person’s reported sex is not valid.",
         "table": "Header", "year": "current", "row": 1, "child": "2", "fields": ["SEX"], "values": {"SEX": "Q"},
         "source": {"file": str(cur / "header.csv"), "line": 3}},
        {"rule": "203", "severity": "error",
         "message": "Date of birth disagrees with the date of birth already recorded for this child.",
         "table": "Header", "year": "current", "row": 0, "child": "1", "fields": ["DOB"], "values": {"DOB": "01/01/2015"},
         "source": {"file": str(cur / "header.csv"), "line": 2}},
    ]
    assert d["summary"] == {"errors": 2, "queries": 0, "children": 2}
    assert {(i["table"], i["year"], i["rows"]) for i in d["inputs"]} == {
        ("Header", "current", 2), ("Episodes", "current", 1), ("Header", "previous", 1)}
    assert all(len(i["sha256"]) == 64 for i in d["inputs"])


def test_exit_codes_follow_fail_on(return_dirs):
    cur, _ = return_dirs
    base = ["validate", str(cur), "--year", "2024/25"]
    assert main(base + ["--select", "101"]) == 1
    assert main(base + ["--select", "101", "--fail-on", "never"]) == 0
    assert main(base + ["--select", "103"]) == 0


def test_unrelated_csv_exits_2_naming_it(tmp_path, capsys):
    p = tmp_path / "budget.csv"
    p.write_text("Item,Cost\nPens,3\n")
    assert main(["validate", str(p), "--year", "2024/25"]) == 2
    err = capsys.readouterr().err
    assert "budget.csv" in err and "not a recognised SSDA903 table" in err and "Traceback" not in err


def test_bad_arguments_exit_2(capsys):
    assert main(["validate", "/no/such/place", "--year", "2024/25"]) == 2
    assert "no such file or folder" in capsys.readouterr().err
    with pytest.raises(SystemExit) as e:
        main(["validate"])
    assert e.value.code == 2


def test_html_csv_junit_outputs(return_dirs, tmp_path):
    cur, _ = return_dirs
    html, csv_, junit = tmp_path / "r.html", tmp_path / "f.csv", tmp_path / "j.xml"
    main(["validate", str(cur), "--year", "2024/25", "--html", str(html), "--csv", str(csv_), "--junit", str(junit), "--select", "101,103"])
    page = html.read_text()
    assert "not ready to submit" in page and "Rule 101" in page and "<script src" not in page and "http" not in page.split("<body>")[1]
    assert csv_.read_bytes().startswith(b"\xef\xbb\xbf\"rule\"")
    assert 'failures="1"' in junit.read_text()


def test_rules_json_and_explain(capsys):
    assert main(["rules", "--return", "cin", "--year", "2024/25", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    row = next(x for x in d["rules"] if x["code"] == "8670Q")
    assert row["severity"] == "query" and row["years"] == ["2022/23", "2023/24", "2024/25", "2025/26"]
    assert main(["explain", "8670Q"]) == 0
    out = capsys.readouterr().out
    assert "Rule 8670Q (cin, query)" in out and "45 working days" in out and "rules.cin." in out
    assert main(["explain", "NOPE"]) == 2


def test_python_dash_m_validator_runs():
    p = subprocess.run([sys.executable, "-m", "validator", "rules", "--return", "ssda903", "--year", "2024/25"],
                       capture_output=True, text=True, cwd=ROOT)
    assert p.returncode == 0 and "101" in p.stdout


def test_an_output_that_cannot_be_written_does_not_lose_the_others(return_dirs, tmp_path, capsys):
    cur, _ = return_dirs
    out = tmp_path / "out.json"
    code = main(["validate", str(cur), "--year", "2024/25", "--json", str(out), "--html", str(tmp_path / "no" / "r.html")])
    assert code == 2 and out.exists()
    err = capsys.readouterr().err
    assert "cannot write" in err and "r.html" in err and "Traceback" not in err


def test_xlsx_output_sheets(return_dirs, tmp_path):
    from openpyxl import load_workbook

    cur, _ = return_dirs
    out = tmp_path / "f.xlsx"
    main(["validate", str(cur), "--year", "2024/25", "--xlsx", str(out), "--select", "101"])
    wb = load_workbook(out)
    assert wb.sheetnames[:4] == ["Summary", "By rule", "By child", "Findings"]
    assert "Preview measures" in wb.sheetnames
    rows = list(wb["Findings"].iter_rows(values_only=True))
    assert rows[0][:7] == ("Rule", "Severity", "DfE message", "Child", "Table", "Year", "Row")
    assert rows[1][:7] == ("101", "error", "The child or young person’s reported sex is not valid.", "2", "Header", "current", 1)
    assert wb["Findings"].freeze_panes == "A2"


def test_input_notes_reach_json_and_stderr(tmp_path, capsys):
    d = tmp_path / "r"
    d.mkdir()
    (d / "h.csv").write_text(HEADER + "1,M,01/01/2015,WBRI,UN1,,,\n".replace(",,,", ",,") + "\n,,,,,,\n")
    (d / "e.csv").write_text(EPISODES.strip() + ",Notes\n")
    out = tmp_path / "o.json"
    assert main(["validate", str(d), "--year", "2024/25", "--json", str(out), "--select", "101"]) == 0
    inputs = {i["table"]: i["notes"] for i in json.loads(out.read_text())["inputs"]}
    assert inputs["Episodes"] == ["extra columns not used by DfE: Notes", "the table has a header row and no data rows"]
    assert inputs["Header"] == ["2 blank row(s) skipped"]
    assert "note: " in capsys.readouterr().err


def test_values_read_as_meant_are_counted_on_stderr(tmp_path, capsys):
    """NULL and padded codes are read as meant, with DfE's view in the report: the terminal says so too."""
    d = tmp_path / "r"
    d.mkdir()
    (d / "h.csv").write_text(HEADER + "1,M ,01/01/2015,NULL,UN1,,\n2,F,01/01/2015,WBRI,UN1,NULL,\n3,F ,01/01/2015,WBRI,UN1,,\n")
    assert main(["validate", str(d), "--year", "2024/25", "--select", "101"]) == 0
    err = capsys.readouterr().err
    assert ("note: values of this year's tables read as meant, not as written: spaces 2, blank-token 2. DfE will "
            "receive them as written; the report lists them.\n") in err


def test_xlsx_findings_carry_real_dates(return_dirs, tmp_path):
    import datetime as dt

    from openpyxl import load_workbook

    cur, prev = return_dirs
    out = tmp_path / "f.xlsx"
    main(["validate", str(cur), "--year", "2024/25", "--previous", str(prev), "--xlsx", str(out), "--select", "203"])
    rows = list(load_workbook(out)["Findings"].iter_rows(values_only=True))
    assert rows[0][9] == "Date (read)"
    assert rows[1][0] == "203" and isinstance(rows[1][9], dt.datetime) and rows[1][9].date() == dt.date(2015, 1, 1)


def test_command_exit_codes_pass_through_and_a_closed_pipe_is_quiet(return_dirs):
    """`python -m validator` (like the installed `returncheck`) leaves without the interpreter's
    teardown: the exit code must still be main()'s, and a reader that goes away is no error."""
    cur, prev = return_dirs
    p = subprocess.run([sys.executable, "-m", "validator", "validate", str(cur), "--previous", str(prev),
                        "--year", "2024/25", "--jobs", "2"], capture_output=True, text=True, cwd=ROOT)
    assert p.returncode == 1 and "errors and 0 queries" in p.stdout
    p = subprocess.run([sys.executable, "-m", "validator", "validate", "/no/such/folder"], capture_output=True, text=True,
                       cwd=ROOT)
    assert p.returncode == 2 and "no such file or folder" in p.stderr
    p = subprocess.run(f"{sys.executable} -m validator rules --return cin | head -1", shell=True,
                       capture_output=True, text=True, cwd=ROOT)
    assert p.stdout.startswith("cin") and p.stderr == ""


def test_the_command_caches_its_compiled_modules_even_where_bytecode_writing_is_off(tmp_path):
    """PYTHONDONTWRITEBYTECODE would make a source checkout compile every module on every run."""
    import os

    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", PYTHONPYCACHEPREFIX=str(tmp_path))
    done = subprocess.run([sys.executable, "-m", "validator", "rules", "--return", "cin", "--year", "2024/25"],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    cached = {p.name.split(".")[0] for p in tmp_path.rglob("*.pyc")}
    assert {"registry", "spec", "header"} <= cached  # validator.registry, validator.spec, rules.cin.header


def test_only_a_one_shot_run_leaves_its_return_to_the_process_exit(return_dirs, monkeypatch):
    """The `returncheck` command ends the process right after a check: the return is not freed object
    by object first. A caller that goes on (tests, the web page) gets its memory back."""
    import gc

    from validator import cli

    cur, _ = return_dirs
    monkeypatch.setattr(cli, "_LEFT_TO_EXIT", [])
    args = ["validate", str(cur), "--year", "2024/25", "--select", "101", "--jobs", "1"]
    assert main(args) == 1
    assert cli._LEFT_TO_EXIT == []
    try:
        assert main(args, one_shot=True) == 1
    finally:
        gc.enable()  # a one-shot run turns the cycle collector off for the rest of the process
    [(result, findings)] = cli._LEFT_TO_EXIT
    assert result.ret.kind == "ssda903" and list(findings["rule"]) == ["101"]
