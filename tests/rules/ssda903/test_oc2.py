"""OC2 rules (children looked after continuously for 12 months at 31 March). Year 2024/25 unless
said: 1 April 2024 to 31 March 2025."""

import pandas as pd
import pytest

from tests.helpers import flagged, make_903
from validator.derive.ssda903_outcomes import cla_12_months

EP = {"RNE": "S", "LS": "C2", "CIN": "N1", "PLACE": "U1", "PLACE_PROVIDER": "PR1"}
# children by how their episodes look
IN = {"DECOM": "01/01/2020"}  # open since 2020: in the cohort
STARTED = {"DECOM": "01/06/2024"}  # started care in the year: not in the cohort
HEALTH = {"IMMUNISATIONS": "1", "TEETH_CHECK": "1", "HEALTH_ASSESSMENT": "1", "SUBSTANCE_MISUSE": "0"}


def ret(oc2=(), episodes=(), year="2024/25", **tables):
    """OC2 rows (CHILD given), episodes as (CHILD, changes) pairs."""
    eps = [{**EP, "CHILD": c, **ch} for c, ch in episodes]
    return make_903({"OC2": list(oc2), "Episodes": eps, **tables}, year=year)


def oc2(child, dob="01/06/2012", **items):
    return {"CHILD": child, "DOB": dob, **items}


# --- the cohort ------------------------------------------------------------------------------------

def test_cohort_definition_and_unknowns():
    r = ret(episodes=[
        ("in", IN),
        ("started", STARTED),
        ("started_on_1_april", {"DECOM": "01/04/2024"}),  # starts on 1 April, not after: still in
        ("left", {"DECOM": "01/01/2020", "DEC": "01/02/2025", "REC": "E4A"}),
        ("left_31_march", {"DECOM": "01/01/2020", "DEC": "31/03/2025", "REC": "E4A"}),  # not "before 31 March"
        ("moved", {"DECOM": "01/01/2020", "DEC": "01/02/2025", "REC": "X1"}),
        ("moved", {"DECOM": "01/02/2025", "RNE": "P"}),
        ("short_breaks", {"DECOM": "01/01/2020", "LS": "V3"}),
        ("bad_date", {"DECOM": "31/02/2020"}),  # cannot tell
        ("bad_but_started", {"DECOM": "31/02/2020"}),
        ("bad_but_started", {"DECOM": "01/06/2024"}),  # a clear start wins over the unknown
        ("ended_before_year", {"DECOM": "01/01/2020", "DEC": "01/01/2024", "REC": "X1"}),
    ])
    kids = ["in", "started", "started_on_1_april", "left", "left_31_march", "moved", "short_breaks",
            "bad_date", "bad_but_started", "ended_before_year", "no_episodes"]
    got = cla_12_months(r, pd.Series(kids)).tolist()
    assert got == [True, False, True, False, True, True, False, pd.NA, False, False, False]


# --- SDQ -------------------------------------------------------------------------------------------

def test_180_sdq_score_whole_number_0_to_40():
    r = ret([oc2(str(i), SDQ_SCORE=s) for i, s in enumerate(["0", "40", "41", "-1", "12.5", "abc", ""])])
    assert flagged(r, "180") == {"OC2": [2, 3, 4, 5]}


def test_196_sdq_reason_code():
    r = ret([oc2(str(i), SDQ_REASON=s) for i, s in enumerate(["SDQ1", "SDQ5", "SDQ6", "sdq1", ""])])
    assert flagged(r, "196") == {"OC2": [2, 3]}


def test_197a_reason_and_score_together():
    r = ret([oc2("1", SDQ_SCORE="10"), oc2("2", SDQ_REASON="SDQ2"), oc2("3", SDQ_SCORE="10", SDQ_REASON="SDQ2"),
             oc2("4")])
    assert flagged(r, "197a") == {"OC2": [2]}


def test_157_sdq1_for_child_of_sdq_age():
    r = ret(
        [oc2("a", "01/06/2012", SDQ_REASON="SDQ1"),  # 11: flagged
         oc2("b", "01/06/2021", SDQ_REASON="SDQ1"),  # 3 on 1 April: SDQ1 is right
         oc2("c", "01/04/2020", SDQ_REASON="SDQ1"),  # 4 on 1 April (birthday that day): flagged
         oc2("d", "01/03/2008", SDQ_REASON="SDQ1"),  # 17 on 31 March: fine
         oc2("e", "01/04/2008", SDQ_REASON="SDQ1"),  # 16 on 31 March: flagged
         oc2("f", "01/06/2012", SDQ_REASON="SDQ2"),  # other reason
         oc2("g", "01/06/2012", SDQ_REASON="SDQ1")],  # not in cohort
        [(c, IN) for c in "abcdef"] + [("g", STARTED)])
    assert flagged(r, "157") == {"OC2": [0, 2, 4]}


def test_185_198_sdq_outside_cohort():
    r = ret(
        [oc2("in", SDQ_SCORE="10"), oc2("out", SDQ_SCORE="10"), oc2("out", SDQ_REASON="SDQ2"),
         oc2("none", SDQ_REASON="SDQ2"), oc2("unknown", SDQ_SCORE="10"), oc2("out")],
        [("in", IN), ("out", STARTED), ("unknown", {"DECOM": "99/99/2020"})])
    assert flagged(r, "185") == {"OC2": [1]}
    assert flagged(r, "198") == {"OC2": [2, 3]}


def test_186_sdq_missing_for_cohort_aged_4_to_16():
    r = ret(
        [oc2("a", "01/06/2012"),  # 11: flagged
         oc2("b", "01/06/2012", SDQ_SCORE="12"),
         oc2("c", "01/06/2012", SDQ_REASON="SDQ2"),  # reason given instead: fine
         oc2("d", "02/04/2020"),  # 3 on 1 April: not yet
         oc2("e", "01/04/2020"),  # 4 on 1 April: flagged
         oc2("f", "01/04/2008"),  # 16 on 31 March: flagged
         oc2("g", "31/03/2008"),  # 17 on 31 March: not
         oc2("h", "01/06/2012")],  # not in cohort
        [(c, IN) for c in "abcdefg"] + [("h", STARTED)])
    assert flagged(r, "186") == {"OC2": [0, 4, 5]}


def test_197b_sdq_missing_turning_4_or_17():
    r = ret(
        [oc2("a", "01/06/2020"),  # 4th birthday 01/06/2024: flagged
         oc2("b", "31/03/2021"),  # 4th birthday 31/03/2025 (last day): flagged
         oc2("c", "01/04/2021"),  # 4th birthday 01/04/2025: next year
         oc2("d", "15/01/2008"),  # 17th birthday in year: flagged
         oc2("e", "15/01/2008", SDQ_REASON="SDQ1"),  # reason given
         oc2("f", "01/06/2012"),  # 11: not a birthday case
         oc2("g", "01/06/2020")],  # not in cohort
        [(c, IN) for c in "abcdef"] + [("g", STARTED)])
    assert flagged(r, "197B") == {"OC2": [0, 1, 3]}


def test_188_189_sdq_for_too_young_or_too_old():
    r = ret([
        oc2("a", "01/04/2021", SDQ_SCORE="5"),  # 3 on 31 March: 188
        oc2("b", "31/03/2021", SDQ_REASON="SDQ1"),  # 4 on 31 March: fine
        oc2("c", "01/04/2021"),  # nothing given
        oc2("d", "01/04/2007", SDQ_SCORE="5"),  # 17 on 1 April: 189
        oc2("e", "02/04/2007", SDQ_REASON="SDQ4"),  # 16 on 1 April: fine
        oc2("f", "31/02/2007", SDQ_SCORE="5"),  # DOB not a date: neither
    ])
    assert flagged(r, "188") == {"OC2": [0]}
    assert flagged(r, "189") == {"OC2": [3]}


# --- the 12-month items ----------------------------------------------------------------------------

def test_181_items_0_or_1():
    r = ret([oc2("1", **HEALTH), oc2("2", **{**HEALTH, "TEETH_CHECK": "2"}), oc2("3", CONVICTED="Y"),
             oc2("4", INTERVENTION_OFFERED="")])
    assert flagged(r, "181") == {"OC2": [1, 2]}


def test_182_core_items_all_or_nothing():
    r = ret([oc2("1", **HEALTH), oc2("2"), oc2("3", CONVICTED="0"), oc2("4", IMMUNISATIONS="1"),
             oc2("5", **{**HEALTH, "CONVICTED": "1"}), oc2("6", SDQ_SCORE="4")])
    assert flagged(r, "182") == {"OC2": [2, 3]}


def test_190_191_items_against_cohort():
    r = ret(
        [oc2("in", **HEALTH), oc2("in_blank"), oc2("out", **HEALTH), oc2("out_blank"), oc2("none", CONVICTED="0"),
         oc2("in_part", IMMUNISATIONS="1")],
        [("in", IN), ("in_blank", IN), ("out", STARTED), ("out_blank", STARTED), ("in_part", IN),
         ("no_oc2", {"DECOM": "01/01/2019", "DEC": "01/01/2020", "REC": "X1"}), ("no_oc2", IN),
         ("out_no_oc2", STARTED)])
    assert flagged(r, "190") == {"OC2": [2, 4]}
    # OC2 rows with blanks for cohort children, and the latest episode of a cohort child with no OC2 row
    assert flagged(r, "191") == {"OC2": [1, 5], "Episodes": [6]}


def test_192_193_158_159_substance_misuse_and_interventions():
    rows = [
        oc2("1", SUBSTANCE_MISUSE="1"),  # 192
        oc2("2", SUBSTANCE_MISUSE="1", INTERVENTION_RECEIVED="1"),
        oc2("3", SUBSTANCE_MISUSE="0", INTERVENTION_RECEIVED="0"),  # 193
        oc2("4", SUBSTANCE_MISUSE="", INTERVENTION_OFFERED="1"),  # 193
        oc2("5", SUBSTANCE_MISUSE="1", INTERVENTION_RECEIVED="1", INTERVENTION_OFFERED="0"),  # 158
        oc2("6", SUBSTANCE_MISUSE="1", INTERVENTION_RECEIVED="0"),  # 159
        oc2("7", SUBSTANCE_MISUSE="1", INTERVENTION_RECEIVED="0", INTERVENTION_OFFERED="1"),
    ]
    r = ret(rows)
    assert flagged(r, "192") == {"OC2": [0]}
    assert flagged(r, "193") == {"OC2": [2, 3]}
    assert flagged(r, "158") == {"OC2": [4]}
    assert flagged(r, "159") == {"OC2": [5]}


def test_542_543_convictions_by_age():
    r = ret(
        [oc2("a", "01/04/2015", CONVICTED="0"),  # 9 on 31 March: 542
         oc2("b", "31/03/2015", CONVICTED="0"),  # 10 on 31 March: fine
         oc2("c", "31/03/2015"),  # 10, cohort, blank: 543
         oc2("d", "01/04/2015"),  # 9, blank: fine
         oc2("e", "31/03/2015")],  # 10, blank, not cohort
        [(c, IN) for c in "abcd"] + [("e", STARTED)])
    assert flagged(r, "542") == {"OC2": [0]}
    assert flagged(r, "543") == {"OC2": [2]}


def test_545_546_health_check_by_age():
    r = ret(
        [oc2("a", "01/04/2020"),  # 4 on 31 March, cohort, blank: 545
         oc2("b", "01/04/2020", HEALTH_CHECK="1"),
         oc2("c", "31/03/2020", HEALTH_CHECK="1"),  # 5 on 31 March: 546
         oc2("d", "31/03/2020"),
         oc2("e", "01/04/2020")],  # not in cohort
        [(c, IN) for c in "abcd"] + [("e", STARTED)])
    assert flagged(r, "545") == {"OC2": [0]}
    assert flagged(r, "546") == {"OC2": [2]}


def test_544_547_completed_items_need_core_items():
    r = ret([oc2("1", CONVICTED="1"), oc2("2", CONVICTED="0", IMMUNISATIONS="1"), oc2("3", CONVICTED="1", **HEALTH),
             oc2("4", HEALTH_CHECK="0"), oc2("5", HEALTH_CHECK="1", **HEALTH), oc2("6")])
    assert flagged(r, "544") == {"OC2": [0, 1]}
    assert flagged(r, "547") == {"OC2": [3]}


def test_187_cohort_child_with_adoption_or_care_leaver_data():
    r = ret(
        episodes=[("in", IN), ("out", STARTED), ("in2", IN)],
        AD1=[{"CHILD": "in", "DATE_INT": "01/05/2024"}, {"CHILD": "out", "DATE_INT": "01/05/2024"}, {"CHILD": "in2"}],
        OC3=[{"CHILD": "out", "IN_TOUCH": "YES"}, {"CHILD": "in", "ACCOM": "B1"}, {"CHILD": "in2"}])
    assert flagged(r, "187") == {"AD1": [0], "OC3": [1]}


def test_215_care_leaver_with_outcome_items():
    r = ret(
        [oc2("a", **HEALTH), oc2("b", **HEALTH), oc2("c")],
        OC3=[{"CHILD": "b", "IN_TOUCH": "YES", "ACTIV": "F1", "ACCOM": "B1"}, {"CHILD": "a"},
             {"CHILD": "c", "IN_TOUCH": "NO"}])
    assert flagged(r, "215") == {"OC2": [1], "OC3": [0]}


@pytest.mark.parametrize("year", ["2022/23", "2026/27"])
def test_oc2_rules_use_the_collection_year(year):
    start = int(year[:4])
    r = ret([oc2("a", f"01/06/{start - 11}")], [("a", {"DECOM": f"01/06/{start}"})], year=year)
    assert flagged(r, "186") == {}  # started in the year: not in the cohort
    r = ret([oc2("a", f"01/06/{start - 11}")], [("a", {"DECOM": f"01/06/{start - 2}"})], year=year)
    assert flagged(r, "186") == {"OC2": [0]}
