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


# --- two processes ---------------------------------------------------------------------------

def _generated_903(tmp_path):
    from fixtures.generate import generate_ssda903_pair, inject_ssda903, write_ssda903_csv
    from validator.ingest import load_return

    current, previous = generate_ssda903_pair("2024/25", 200, seed=11)
    inject_ssda903(current, previous, seed=11, n_per_rule=2, year="2024/25")
    write_ssda903_csv(current, tmp_path / "current")
    write_ssda903_csv(previous, tmp_path / "previous")
    return load_return([str(tmp_path / "current")], previous=[str(tmp_path / "previous")], kind="ssda903",
                       year="2024/25", la="E09000027")


def _same(a, b):
    import pandas as pd

    pd.testing.assert_frame_equal(a.flags, b.flags)
    assert [v.code for v in a.rules_run] == [v.code for v in b.rules_run]
    assert a.rules_skipped == b.rules_skipped and list(a.timings) == list(b.timings)


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="needs os.fork")
def test_two_processes_give_exactly_the_one_process_result(tmp_path):
    r = _generated_903(tmp_path)
    one = run(r, workers=1)
    assert len(one.flags) > 20 and one.flags["rule"].nunique() >= 8
    two = run(r, workers=2)
    _same(one, two)
    assert two.child_derive_seconds  # the second process did derive frames of its own


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="needs os.fork")
def test_a_second_process_that_dies_costs_time_not_findings(tmp_path, monkeypatch):
    import os

    from validator import engine

    r = _generated_903(tmp_path)
    one = run(r, workers=1)
    parent, real = os.getpid(), engine._run_all

    def dies_in_the_child(ret, versions):
        if os.getpid() != parent:
            os._exit(3)
        return real(ret, versions)

    monkeypatch.setattr(engine, "_run_all", dies_in_the_child)
    two = run(r, workers=2)
    _same(one, two)
    assert two.child_derive_seconds == {}


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="needs os.fork")
def test_a_rule_that_raises_in_the_second_process_is_still_a_finding(monkeypatch):
    def boom(r):
        raise RuntimeError("deliberate failure")

    for code in ("101", "103"):
        key = ("ssda903", code)
        monkeypatch.setitem(registry._REGISTRY, key,
                            [registry.RuleVersion(v.ret, v.code, v.years, boom) for v in registry.versions(*key)])
    result = run(make_903({"Header": H}), select=["101,103,146"], workers=2)
    crashes = result.flags[result.flags["crash"] != ""]
    assert crashes["rule"].tolist() == ["101", "103"]
    assert set(crashes["crash"]) == {"Rule could not run: RuntimeError: deliberate failure"}


def test_default_workers_is_one_for_a_small_return():
    from validator.engine import default_workers

    assert default_workers(make_903({"Header": H})) == 1
