"""The engine: select/ignore, skipped rules with reasons, and a crashing rule that does not silence others."""

import pytest

from validator import registry
from validator.engine import run
from validator.errors import UserError
from validator.findings import findings_table
from tests.helpers import make_903

H = [{"CHILD": "1", "SEX": "X", "DOB": "01/01/2015", "ETHNIC": "ZZZZ"}]


def test_a_rule_that_raises_becomes_a_finding_and_others_still_report(monkeypatch):
    def boom(r):
        raise RuntimeError("deliberate failure")

    key = ("ssda903", "103")
    broken = [registry.RuleVersion(v.ret, v.code, v.years, boom) for v in registry.versions(*key)]
    monkeypatch.setitem(registry._REGISTRY, key, broken)
    result = run(make_903({"Header": H}), select=["101,103"])
    f = findings_table(result)
    assert f[["rule", "table", "row"]].values.tolist() == [["101", "Header", 0], ["103", None, None]]
    assert f.loc[1, "message"] == "Rule could not run: RuntimeError: deliberate failure"
    assert f.loc[1, "severity"] == "error"


def test_select_and_ignore():
    r = make_903({"Header": H})
    assert [v.code for v in run(r, select=["101", "103"], ignore=["103"]).rules_run] == ["101"]
    with pytest.raises(UserError, match="'999X' is not a rule code"):
        run(r, select=["999X"])


def test_rules_needing_last_year_are_skipped_with_reason():
    result = run(make_903({"Header": H}), select=["101,202"])
    assert [v.code for v in result.rules_run] == ["101"]
    assert result.rules_skipped == [("202", "needs last year's return (--previous)")]


def test_rules_do_not_see_each_others_writes():
    """Copy-on-write: a rule assigning into its table must not change the next rule's view."""
    r = make_903({"Header": H})
    t = r.table("Header")
    t.loc[0, "SEX"] = "M"
    t["NEW"] = 1
    assert r.table("Header").loc[0, "SEX"] == "X" and "NEW" not in r.table("Header")


def test_cross_year_rule_skipped_when_last_years_table_is_absent():
    r = make_903({"Header": H}, previous={"Header": H})
    result = run(r, select=["202,NoE"])
    assert [v.code for v in result.rules_run] == ["202"]
    assert result.rules_skipped == [("NoE", "needs last year's Episodes table, which the previous-year input does not have")]


def test_cin_2026_27_is_checked_provisionally_against_2025_26_rules():
    from validator.registry import ruleset, ruleset_year
    from tests.helpers import make_cin

    assert ruleset_year("cin", "2026/27") == "2025/26" and ruleset_year("ssda903", "2026/27") == "2026/27"
    assert [v.code for v in ruleset("cin", "2026/27")] == [v.code for v in ruleset("cin", "2025/26")]
    result = run(make_cin({}, year="2026/27"), select=["100"])
    assert [v.code for v in result.rules_run] == ["100"] and result.flags.empty  # 31 March 2027 expected


def test_social_worker_rules_skip_when_the_table_is_not_given():
    r = make_903({"Header": H, "Episodes": [{"CHILD": "1", "DECOM": "01/05/2024"}]})
    result = run(r, select=["SW12STG2,101"])
    assert [v.code for v in result.rules_run] == ["101"]
    assert result.rules_skipped[0][0] == "SW12STG2" and "SWEpisodes table, which was not given" in result.rules_skipped[0][1]
