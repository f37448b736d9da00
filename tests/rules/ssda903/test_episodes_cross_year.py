"""Cross-year Episodes rules: this year's return against last year's (previous=...)."""

import pytest

from tests.helpers import flagged, make_903

E = {"CHILD": "1", "DECOM": "01/05/2023", "RNE": "S", "LS": "C2", "CIN": "N1", "PLACE": "U1",
     "PLACE_PROVIDER": "PR1", "HOME_POST": "TW9 1DN", "PL_POST": "TW1 3AA", "URN": "SC123456"}


def ep(**kw):
    return {**E, **kw}


def ret(current, last, year="2024/25", la="E09000027", **tables):
    prev = {"Episodes": last}
    prev.update({k[:-5]: v for k, v in tables.items() if k.endswith("_last")})
    cur = {"Episodes": current}
    cur.update({k: v for k, v in tables.items() if not k.endswith("_last")})
    return make_903(cur, year=year, previous=prev, la=la)


def test_502_first_decom_differs_from_last_years_open_episode():
    r = ret([ep(), ep(CHILD="2", DECOM="02/05/2023"), ep(CHILD="3", DECOM="01/06/2024"), ep(CHILD="4", DECOM="01/06/2024")],
            [ep(), ep(CHILD="2"), ep(CHILD="3", DEC="01/01/2024", REC="E11"),
             ep(CHILD="4", DECOM="01/01/2023", DEC="01/05/2023", REC="X1"), ep(CHILD="4", DECOM="01/05/2023")])
    # child 2: different DECOM; child 3: last year's ended; child 4: last year's final (open) one is 01/05/2023
    assert flagged(r, "502") == {"Episodes": [1, 3], "Episodes_last": [1, 4]}


@pytest.mark.parametrize("code,field,other", [("503A", "RNE", "P"), ("503B", "LS", "C1"), ("503C", "CIN", "N2"),
                                              ("503E", "PLACE_PROVIDER", "PR2"), ("503F", "URN", "SC999999")])
def test_503_fields_differ_from_open_episode(code, field, other):
    r = ret([ep(), ep(CHILD="2", **{field: other}), ep(CHILD="3", **{field: ""}), ep(CHILD="4", **{field: other}),
             ep(CHILD="2", DECOM="01/06/2024")],
            [ep(), ep(CHILD="2"), ep(CHILD="3"), ep(CHILD="4", DEC="01/02/2024", REC="E11")])
    assert flagged(r, code) == {"Episodes": [1, 2], "Episodes_last": [1, 2]}


def test_503f_urn_case_does_not_matter():
    r = ret([ep(URN="sc123456")], [ep()])
    assert flagged(r, "503F") == {}


def test_503d_place_by_year():
    cur = [ep(PLACE="K3"), ep(CHILD="2", PLACE="Z11"), ep(CHILD="3", PLACE="U2")]
    last = [ep(PLACE="H5"), ep(CHILD="2", PLACE="Z1"), ep(CHILD="3")]
    assert flagged(ret(cur, last, year="2023/24"), "503D") == {"Episodes": [0, 1, 2], "Episodes_last": [0, 1, 2]}
    assert flagged(ret(cur, last, year="2024/25"), "503D") == {"Episodes": [1, 2], "Episodes_last": [1, 2]}
    assert flagged(ret(cur, last, year="2025/26"), "503D") == {"Episodes": [2], "Episodes_last": [2]}


def test_503g_503h_503j_derived_fields_differ():
    r = ret([ep(), ep(CHILD="2", PL_POST="B1 1AA"), ep(CHILD="3", PL_POST="ZZ9 9ZZ"), ep(CHILD="4", PL_POST="TW9 1AA")],
            [ep(), ep(CHILD="2"), ep(CHILD="3"), ep(CHILD="4")])
    # child 2 moved to Birmingham (LA, location, distance change); child 3 unknown postcode (not compared);
    # child 4 moved within Richmond (distance changes only)
    assert flagged(r, "503G") == {"Episodes": [1, 3], "Episodes_last": [1, 3]}
    assert flagged(r, "503H") == {"Episodes": [1], "Episodes_last": [1]}
    assert flagged(r, "503J") == {"Episodes": [1], "Episodes_last": [1]}


def test_452_453_same_continuing_episode():
    r = ret([ep(), ep(CHILD="2", PL_POST="B1 1AA"), ep(CHILD="3", PL_POST="B1 1AA", DECOM="02/05/2023"),
             ep(CHILD="4", PL_POST="TW9 1AA"), ep(CHILD="5", HOME_POST="TW9 1AA")],
            [ep(), ep(CHILD="2"), ep(CHILD="3"), ep(CHILD="4"), ep(CHILD="5")])
    # distances: 1.4 last year; child 4 now 0.1 (differs), child 5 home moved: 1.4 -> 1.3 (within 0.1)
    assert flagged(r, "452") == {"Episodes": [1], "Episodes_last": [1]}
    assert flagged(r, "453") == {"Episodes": [1, 3], "Episodes_last": [1, 3]}


def test_562_started_before_year_without_matching_episode_last_year():
    r = ret([ep(), ep(CHILD="2", DECOM="02/05/2023"), ep(CHILD="3", DECOM="01/06/2024"), ep(CHILD="4"),
             ep(CHILD="5", DECOM="31/03/2024"), ep(CHILD="5", DECOM="01/05/2024")],
            [ep(), ep(CHILD="2"), ep(CHILD="5", DECOM="31/03/2024")])
    assert flagged(r, "562") == {"Episodes": [1, 3]}


def test_noe_no_episodes_last_year():
    r = ret([ep(), ep(CHILD="2"), ep(CHILD="3", DECOM="01/04/2024"), ep(CHILD="4", DECOM="31/03/2024")],
            [ep()])
    assert flagged(r, "NoE") == {"Episodes": [1, 3]}


def test_noe_needs_last_years_episodes_table():
    r = make_903({"Episodes": [ep()]}, previous={"Header": [{"CHILD": "1"}]})
    with pytest.raises(ValueError, match="Episodes"):
        flagged(r, "NoE")


def test_199_previously_adopted():
    r = ret([ep(DECOM="01/06/2024"), ep(CHILD="2", DECOM="01/05/2024", DEC="01/06/2024", REC="E12"),
             ep(CHILD="2", DECOM="01/09/2024"), ep(CHILD="3", DECOM="01/05/2024")],
            [ep(DEC="01/01/2024", REC="E11"), ep(CHILD="3", DEC="01/01/2024", REC="E4A")])
    assert flagged(r, "199") == {"Episodes": [0, 2]}
    alone = make_903({"Episodes": [ep(DECOM="01/05/2024", DEC="01/06/2024", REC="E11"), ep(DECOM="01/07/2024")]})
    assert flagged(alone, "199") == {"Episodes": [1]}


def test_207_mother_status_once_a_mother():
    header = [{"CHILD": c, "MOTHER": m} for c, m in (("1", "0"), ("2", "1"), ("3", ""), ("4", "0"), ("5", "0"))]
    last = [{"CHILD": c, "MOTHER": m} for c, m in (("1", "1"), ("2", "1"), ("3", "1"), ("4", "0"), ("5", "1"))]
    r = ret([ep(CHILD=c) for c in "1234"], [], Header=header, Header_last=last)
    assert flagged(r, "207") == {"Header": [0, 2]}  # child 5 has no episodes this year


def test_348_care_leaver_died_last_year():
    o = [{"CHILD": "1", "IN_TOUCH": "YES"}, {"CHILD": "2", "IN_TOUCH": "DIED"}, {"CHILD": "3", "IN_TOUCH": ""},
         {"CHILD": "4", "IN_TOUCH": "YES"}]
    o_last = [{"CHILD": c, "IN_TOUCH": "DIED"} for c in "123"] + [{"CHILD": "4", "IN_TOUCH": "NO"}]
    r = ret([], [], year="2025/26", OC3=o, OC3_last=o_last)
    assert flagged(r, "348") == {"OC3": [0, 2]}


def test_1000_died_in_care_this_or_last_year():
    o = [{"CHILD": c, "IN_TOUCH": "YES"} for c in "1234"]
    r = ret([ep(DEC="01/06/2024", REC="E2"), ep(CHILD="3", DEC="01/06/2024", REC="E11")],
            [ep(CHILD="2", DEC="01/06/2023", REC="E2")], OC3=o)
    assert flagged(r, "1000") == {"OC3": [0, 1]}
    alone = make_903({"Episodes": [ep(DEC="01/06/2024", REC="E2")], "OC3": o})
    assert flagged(alone, "1000") == {"OC3": [0]}


def test_1002_no_episodes_in_either_year():
    o = [{"CHILD": c, "IN_TOUCH": "YES"} for c in "123"]
    r = ret([ep()], [ep(CHILD="2")], OC3=o)
    assert flagged(r, "1002") == {"OC3": [2]}


def test_1010_open_last_year_no_episodes_now():
    o = [{"CHILD": c, "IN_TOUCH": "YES"} for c in "1234"]
    r = ret([ep(CHILD="4")], [ep(), ep(CHILD="2", DEC="01/06/2023", REC="E4A"), ep(CHILD="4")], OC3=o)
    assert flagged(r, "1010") == {"OC3": [0]}


def test_1001_care_leaver_not_relevant():
    # collection 2024/25; the visible window starts 1 April 2023
    header = [{"CHILD": "1", "DOB": "01/07/2007"},  # 16 on 01/07/2023, in care since 01/05/2023: relevant
              {"CHILD": "2", "DOB": "01/07/2009"},  # 14 on 01/07/2023 (visible): 30 days in care -> flagged
              {"CHILD": "3", "DOB": "01/07/2005"},  # birthdays before the window: not judged on duration
              {"CHILD": "4", "DOB": "01/07/2007"},  # adopted at the end -> flagged
              {"CHILD": "5", "DOB": "01/07/2007"},  # only short breaks -> no care after 16 -> flagged
              {"CHILD": "6", "DOB": "01/07/2007"},  # no episodes at all: rule 1002's
              {"CHILD": "7", "DOB": "01/07/2007"}]  # left care before the 16th birthday -> flagged
    o = [{"CHILD": c, "IN_TOUCH": "YES"} for c in "1234567"]
    cur = [ep(CHILD="2", DECOM="01/06/2024", DEC="01/07/2024", REC="E4A"),
           ep(CHILD="3", DECOM="01/06/2024", DEC="01/07/2024", REC="E4A"),
           ep(CHILD="4", DECOM="01/06/2024", DEC="01/07/2024", REC="E11"),
           ep(CHILD="5", DECOM="01/06/2024", DEC="01/12/2024", REC="E4A", LS="V3")]
    last = [ep(CHILD="1", DECOM="01/05/2023"), ep(CHILD="7", DECOM="01/05/2023", DEC="30/06/2023", REC="E4A")]
    r = ret(cur, last, Header=header, OC3=o)
    assert flagged(r, "1001") == {"OC3": [1, 3, 4, 6]}
