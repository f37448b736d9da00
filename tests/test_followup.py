"""Nightly use: --baseline marks findings new/persisting/resolved; --explanations explains queries."""

import json

from validator.cli import main

HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"


def _run(tmp_path, rows, *extra):
    d = tmp_path / "r"
    d.mkdir(exist_ok=True)
    (d / "h.csv").write_text(HEADER + rows)
    out = tmp_path / "out.json"
    code = main(["validate", str(d), "--year", "2024/25", "--json", str(out), "--select", "101,103,232", *extra])
    return code, json.loads(out.read_text())


def test_baseline_new_persisting_resolved_and_fail_on_new(tmp_path):
    _, first = _run(tmp_path, "1,Q,01/01/2015,WBRI,UN1,,\n2,M,01/01/2015,XXXX,UN1,,\n")
    base = tmp_path / "base.json"
    base.write_text(json.dumps(first))
    # a row inserted above shifts row numbers: child 1's finding persists, child 2's is fixed, child 3's is new
    code, second = _run(tmp_path, "3,Z,01/01/2015,WBRI,UN1,,\n1,Q,01/01/2015,WBRI,UN1,,\n2,M,01/01/2015,WBRI,UN1,,\n",
                        "--baseline", str(base), "--fail-on", "new")
    assert code == 1
    assert {(f["child"], f["status"]) for f in second["findings"]} == {("3", "new"), ("1", "persisting")}
    assert second["summary"]["baseline"] == {"new": 1, "persisting": 1, "resolved": 1}
    code, _ = _run(tmp_path, "1,Q,01/01/2015,WBRI,UN1,,\n", "--baseline", str(base), "--fail-on", "new")
    assert code == 0  # only the persisting error: nothing new


def test_explanations_mark_queries_explained(tmp_path):
    from pathlib import Path

    sample = Path(__file__).resolve().parent.parent / "fixtures" / "samples" / "cin_2024_25.xml"
    notes = tmp_path / "notes.csv"
    notes.write_text("Rule,Child,Note\n2887Q,,A small authority uses few disability codes\n4220,x,errors cannot be explained\n")
    out = tmp_path / "out.json"
    base = ["validate", str(sample), "--json", str(out), "--select", "2887Q", "--fail-on", "query"]
    assert main(base) == 1
    assert main(base + ["--explanations", str(notes)]) == 0  # the only query is explained
    d = json.loads(out.read_text())
    assert d["findings"][0]["explanation"] == "A small authority uses few disability codes"
    assert d["summary"]["explained"] == 1


def test_only_queries_can_be_explained():
    import pandas as pd

    from validator.followup import apply_explanations

    f = pd.DataFrame({"rule": ["232", "101"], "child": ["1", "1"], "severity": ["query", "error"]})
    assert apply_explanations(f, {("232", "1"): "ok", ("101", "1"): "no"}) == 1
    assert f["explanation"].iloc[0] == "ok" and f["explanation"].isna().tolist() == [False, True]
