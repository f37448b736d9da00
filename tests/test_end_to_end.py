"""End to end: generated returns with injected errors through the CLI; the JSON findings of the
injected rules are exactly the (rule, table, year, row) the generator says it broke."""

import json

import pytest

from fixtures.generate import (CIN_RULES, SSDA903_RULES, generate_cin, generate_ssda903_pair, inject_cin,
                               inject_ssda903, write_cin_xml, write_ssda903_csv, write_ssda903_xml)
from validator.cli import main


def _found(out, rules) -> set:
    d = json.loads(out.read_text())
    assert d["schema"] == "returncheck-findings/1"
    return {(f["rule"], f["table"], f["year"], f["row"]) for f in d["findings"] if f["rule"] in rules}


def _expected(manifest) -> set:
    return {(m["rule"], m["table"], m["year"], m["row"]) for m in manifest}


@pytest.mark.parametrize("year", ["2023/24", "2024/25", "2025/26"])
def test_903_csv_with_previous_year(tmp_path, year):
    current, previous = generate_ssda903_pair(year, 300, seed=7)
    manifest = inject_ssda903(current, previous, seed=7, n_per_rule=2, year=year)
    write_ssda903_csv(current, tmp_path / "current")
    write_ssda903_csv(previous, tmp_path / "previous")
    out = tmp_path / "out.json"
    code = main(["validate", str(tmp_path / "current"), "--return", "ssda903", "--year", year,
                 "--previous", str(tmp_path / "previous"), "--json", str(out), "--select", ",".join(SSDA903_RULES)])
    assert code == 1
    assert _found(out, SSDA903_RULES) == _expected(manifest)
    assert {m["rule"] for m in manifest} == set(SSDA903_RULES)


def test_903_xml_with_previous_year(tmp_path):
    rules = [r for r in SSDA903_RULES if r != "INT03"]  # an XML CHILD always has its HEADER
    current, previous = generate_ssda903_pair("2024/25", 300, seed=3)
    manifest = inject_ssda903(current, previous, seed=3, n_per_rule=2, rules=rules, year="2024/25")
    write_ssda903_xml(current, tmp_path / "current.xml")
    write_ssda903_xml(previous, tmp_path / "previous.xml")
    out = tmp_path / "out.json"
    code = main(["validate", str(tmp_path / "current.xml"), "--year", "2024/25",
                 "--previous", str(tmp_path / "previous.xml"), "--json", str(out), "--select", ",".join(rules)])
    assert code == 1
    assert _found(out, rules) == _expected(manifest)
    d = json.loads(out.read_text())
    assert all(f["source"]["path"].startswith("/EXPSSDA903/CHILD[") for f in d["findings"])


@pytest.mark.parametrize("year", ["2023/24", "2024/25"])
def test_cin_xml(tmp_path, year):
    tree = generate_cin(year, 300, seed=5)
    manifest = inject_cin(tree, seed=5, n_per_rule=2)
    path = write_cin_xml(tree, tmp_path / "cin.xml")
    out = tmp_path / "out.json"
    code = main(["validate", str(path), "--json", str(out), "--select", ",".join(CIN_RULES)])
    assert code == 1
    assert _found(out, CIN_RULES) == _expected(manifest)
    assert json.loads(out.read_text())["collection_year"] == year


def test_clean_generated_returns_pass_every_rule_they_can(tmp_path):
    """A clean generated return should raise no error at all; what it does raise is listed here
    so a rule or generator regression shows up."""
    current, previous = generate_ssda903_pair("2024/25", 200, seed=11)
    write_ssda903_csv(current, tmp_path / "current")
    write_ssda903_csv(previous, tmp_path / "previous")
    out = tmp_path / "out.json"
    main(["validate", str(tmp_path / "current"), "--year", "2024/25", "--la", "E09000027",
          "--previous", str(tmp_path / "previous"), "--json", str(out)])
    d = json.loads(out.read_text())
    assert not [f for f in d["findings"] if f["message"].startswith("Rule could not run")]
    assert len(d["rules_run"]) > 290
