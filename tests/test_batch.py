"""Batch mode: one sub-folder per authority, validated in parallel, a report each and an index."""

import json

from validator.cli import main

HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"


def test_batch_writes_a_report_per_authority_and_an_index(tmp_path):
    root, out = tmp_path / "returns", tmp_path / "out"
    (root / "E09000027" / "current").mkdir(parents=True)
    (root / "E09000027" / "current" / "h.csv").write_text(HEADER + "1,M,01/01/2015,WBRI,UN1,,\n")
    (root / "Other").mkdir(parents=True)
    (root / "Other" / "h.csv").write_text(HEADER + "1,Q,01/01/2015,WBRI,UN1,,\n")
    (root / "Broken").mkdir()
    (root / "Broken" / "x.csv").write_text("A,B\n1,2\n")
    code = main(["validate", str(root), "--batch", str(out), "--year", "2024/25", "--select", "101"])
    assert code == 2  # one authority could not be validated
    index = json.loads((out / "index.json").read_text())
    by_name = {r["name"]: r for r in index["authorities"]}
    assert by_name["E09000027"]["errors"] == 0 and by_name["E09000027"]["la"] == "E09000027"
    assert by_name["Other"]["errors"] == 1
    assert by_name["Broken"]["status"] == "could not validate" and "x.csv" in by_name["Broken"]["message"]
    assert (out / "E09000027.html").exists() and (out / "Other.json").exists()
    page = (out / "index.html").read_text()
    assert 'href="Other.html"' in page and "not ready" in page
