"""validator.findings.findings_table: one row per flagged (rule, table, row), in DfE's rule order,
this year before last, table then row; with the child, the values as written and where they are."""

import pandas as pd

from validator import registry
from validator.engine import run
from validator.findings import COLUMNS, findings_table
from validator.ingest import load_return
from tests.helpers import make_903

HEADER = [{"CHILD": "A1", "SEX": "F", "DOB": "01/01/2015"}, {"CHILD": "B2", "SEX": "9", "DOB": "2015-01-02"}]


def _with(monkeypatch, code: str, func) -> None:
    key = ("ssda903", code)
    monkeypatch.setitem(registry._REGISTRY, key, [registry.RuleVersion(v.ret, v.code, v.years, func)
                                                  for v in registry.versions(*key)])


def test_rows_order_values_and_types(monkeypatch):
    # 103 comes after 101 in DfE's order: its findings follow, whatever order the rules return them in
    _with(monkeypatch, "103", lambda r: {"Header_last": [0], "Header": [1, 0]})
    _with(monkeypatch, "101", lambda r: {"Header": [1]})
    r = make_903({"Header": HEADER}, previous={"Header": HEADER[:1]})
    f = findings_table(run(r, select=["103,101"]))
    assert list(f.columns) == COLUMNS
    assert f[["rule", "table", "year", "row", "child", "line"]].values.tolist() == [
        ["101", "Header", "current", 1, "B2", 3],
        ["103", "Header", "current", 0, "A1", 2],
        ["103", "Header", "current", 1, "B2", 3],
        ["103", "Header", "previous", 0, "A1", 2],
    ]
    assert f["fields"].tolist() == [["SEX"], ["ETHNIC"], ["ETHNIC"], ["ETHNIC"]]
    assert f["values"].tolist() == [{"SEX": "9"}, {"ETHNIC": ""}, {"ETHNIC": ""}, {"ETHNIC": ""}]
    assert f["file"].tolist() == ["Header.csv"] * 4
    assert f["path"].tolist() == [None] * 4
    assert {c: str(f[c].dtype) for c in ("rule", "table", "row", "child", "line")} == {
        "rule": "str", "table": "str", "row": "int64", "child": "str", "line": "int64"}


def test_a_return_level_finding_has_no_row_child_or_file(monkeypatch):
    def boom(r):
        raise RuntimeError("deliberate failure")

    _with(monkeypatch, "103", boom)
    f = findings_table(run(make_903({"Header": HEADER}), select=["101,103"]))
    assert f[["rule", "table", "row", "child", "file", "line"]].values.tolist() == [
        ["101", "Header", 1, "B2", "Header.csv", 3], ["103", None, None, None, None, None]]
    assert f["message"].tolist()[1] == "Rule could not run: RuntimeError: deliberate failure"
    assert f["values"].tolist() == [{"SEX": "9"}, {}]
    # Python values and None, not pandas' missing markers, where some findings have none
    assert f["row"].dtype == object and f["row"].tolist() == [1, None]


def test_no_findings_is_an_empty_table_with_every_column():
    f = findings_table(run(make_903({"Header": HEADER[:1]}), select=["101"]))
    assert list(f.columns) == COLUMNS and len(f) == 0


def test_values_are_the_text_as_written_read_column_by_column(tmp_path):
    """From a file: the values shown are the cells as written (spaces, ISO date), read one column at a
    time (Table.written) without building the table's whole text frame."""
    (tmp_path / "header.csv").write_text("CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
                                         "A1, 7 ,2015-01-02,WBRI,A123456789012,,\n", encoding="utf-8")
    r = load_return([str(tmp_path)], kind="ssda903", year="2024/25")
    f = findings_table(run(r, select=["101"]))
    assert f[["rule", "row", "child", "values", "line"]].values.tolist() == [["101", 0, "A1", {"SEX": " 7 "}, 2]]
    t = r.tables["Header"]
    assert "_raw" in t.__dict__ and not isinstance(t.__dict__["_raw"], pd.DataFrame)  # still unbuilt
    assert t.written("SEX").tolist() == [" 7 "] and t.written_columns == list(t.raw.columns)
    assert t.raw["SEX"].tolist() == [" 7 "]
