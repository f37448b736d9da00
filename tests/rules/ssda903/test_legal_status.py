import pytest

from tests.helpers import flagged, make_903

E = {"CHILD": "1", "DECOM": "01/05/2024", "RNE": "S", "LS": "C2", "CIN": "N1", "PLACE": "U1", "PLACE_PROVIDER": "PR1"}


def eps(*rows, year="2024/25"):
    return make_903({"Episodes": [{**E, **r} for r in rows]}, year=year)


def ep(child, decom, dec="", ls="C2", rec=None, **kw):
    return {"CHILD": child, "DECOM": decom, "DEC": dec, "LS": ls, "REC": rec if rec is not None else ("X1" if dec else ""), **kw}


@pytest.mark.parametrize("code,ls,limit", [("361", "L1", 3), ("362", "L2", 21), ("363", "L3", 7), ("364", "J2", 21)])
def test_361_to_364_short_orders_over_their_limit(code, ls, limit):
    ok_end = f"{1 + limit:02d}/05/2024"
    over_end = f"{2 + limit:02d}/05/2024"
    r = eps(
        ep("1", "01/05/2024", ok_end, ls),  # exactly the limit: passes
        ep("2", "01/05/2024", over_end, ls),  # one day over: flagged
        ep("3", "01/05/2024", "02/05/2024", ls),  # spell of two joined episodes, together over the limit
        ep("3", "02/05/2024", over_end, ls),
        ep("3", over_end, "", "C2"),  # next status: not part of the spell
        ep("4", "01/05/2024", "02/05/2024", ls),  # a gap breaks the spell: each part short
        ep("4", "03/05/2024", ok_end, ls),
        ep("5", "01/03/2025", "", ls),  # open on 31 March: 30 days, measured locally to 31 March
        ep("6", "31/02/2024", "", ls),  # DECOM not a date: not judged
        ep("7", "01/05/2024", over_end, "C1"),  # other status
    )
    assert flagged(r, code) == {"Episodes": [1, 2, 3, 7]}


def test_365_respite_episode_over_17_days_open_episode_stays_open():
    r = eps(
        ep("1", "01/05/2024", "18/05/2024", "V3"),  # 17 days
        ep("2", "01/05/2024", "19/05/2024", "V3"),  # 18 days
        ep("3", "01/03/2025", "", "V3"),  # open, 30 days to 31 March
        ep("4", "20/03/2025", "", "V3"),  # open, 11 days
        ep("5", "01/05/2024", "19/06/2024", "V4"),
    )
    assert flagged(r, "365") == {"Episodes": [1, 2]}
    assert r.table("Episodes")["DEC"].isna().sum() == 2  # nothing written back


def test_366_respite_episode_must_start_care():
    r = eps({"LS": "V3", "RNE": "S"}, {"LS": "V3", "RNE": "P"}, {"LS": "C2", "RNE": "P"}, {"LS": "V3", "RNE": ""})
    assert flagged(r, "366") == {"Episodes": [1]}


def test_367_respite_over_75_days_in_the_year():
    r = eps(
        ep("1", "01/03/2024", "11/04/2024", "V3", "E13"),  # 10 days in the year (from 1 April)
        ep("1", "01/06/2024", "06/08/2024", "V3", "E13"),  # 66 days: total 76 -> both flagged
        ep("1", "01/09/2024", "02/09/2024", "C2", "E13"),  # not V3
        ep("2", "01/06/2024", "15/08/2024", "V3", "E13"),  # 75 days exactly
        ep("3", "01/01/2025", "", "V3"),  # open: 89 days to 31 March
        ep("4", "01/02/2024", "01/04/2024", "V3", "E13"),  # 0 days in the year: not counted
        ep("4", "01/06/2024", "15/08/2024", "V3", "E13"),  # 75
    )
    assert flagged(r, "367") == {"Episodes": [0, 1, 4]}


def test_378_382_384_legal_status_with_placement():
    r = eps(
        {"PLACE": "P1", "LS": "V2"},
        {"PLACE": "P1", "LS": "C2"},
        {"PLACE": "T1", "LS": "V3"},
        {"PLACE": "T4", "LS": "V4"},
        {"PLACE": "T1", "LS": "C2"},
        {"PLACE": "U1", "LS": "V3"},
        {"PLACE": "U4", "LS": "V4"},
        {"PLACE": "U6", "LS": "V4"},
    )
    assert flagged(r, "378") == {"Episodes": [0]}
    assert flagged(r, "382") == {"Episodes": [2, 3]}
    assert flagged(r, "384") == {"Episodes": [5, 6]}


def test_214_398_respite_location_fields():
    r = eps(
        {"LS": "V3", "PL_POST": "AB1 2CD"},
        {"LS": "V4", "URN": "SC123456"},
        {"LS": "V4", "HOME_POST": "AB1 2CD"},
        {"LS": "V3"},
        {"LS": "C2", "PL_POST": "AB1 2CD", "URN": "SC123456", "HOME_POST": "AB1 2CD"},
    )
    assert flagged(r, "214") == {"Episodes": [0, 1]}
    assert flagged(r, "398") == {"Episodes": [0, 2]}


def test_408_adoption_placement_needs_placement_order():
    r = eps({"PLACE": "A5", "LS": "E1"}, {"PLACE": "A6", "LS": "C2"}, {"PLACE": "A4", "LS": "C2"}, {"PLACE": "A5", "LS": ""})
    assert flagged(r, "408") == {"Episodes": [1]}


def test_426_both_v3_and_v4_for_one_child():
    r = eps(ep("1", "01/05/2024", "02/05/2024", "V3", "E13"), ep("1", "01/06/2024", "", "V4"), ep("1", "01/07/2024", "", "C2"),
            ep("2", "01/05/2024", "", "V3"), ep("2", "01/06/2024", "", "V3"), ep("3", "01/06/2024", "", "V4"))
    assert flagged(r, "426") == {"Episodes": [0, 1]}


def test_445_d1_after_2005_and_446_e1_before_december_2005():
    rows = [{"LS": "D1", "DECOM": "31/12/2005"}, {"LS": "D1", "DECOM": "01/01/2006"}, {"LS": "E1", "DECOM": "30/11/2005"},
            {"LS": "E1", "DECOM": "01/12/2005"}, {"LS": "D1", "DECOM": "32/01/2006"}]
    r = eps(*rows, year="2023/24")
    assert flagged(r, "445") == {"Episodes": [1]}
    assert flagged(r, "446") == {"Episodes": [2]}
    assert flagged(eps(*rows, year="2025/26"), "446") == {"Episodes": [2]}


def test_451_still_freed_for_adoption():
    r = eps({"LS": "D1"}, {"LS": "D1", "DEC": "01/06/2022", "REC": "E11"}, {"LS": "E1"}, year="2022/23")
    assert flagged(r, "451") == {"Episodes": [0]}
