import pytest

from tests.helpers import flagged, make_903

E = {"CHILD": "1", "DECOM": "01/05/2024", "RNE": "S", "LS": "C2", "CIN": "N1", "PLACE": "U1", "PLACE_PROVIDER": "PR1"}
H = {"CHILD": "1", "SEX": "F", "DOB": "01/05/2010", "ETHNIC": "WBRI", "UPN": "A123456789012", "MOTHER": "0"}


def ret(episodes, header, year="2024/25"):
    return make_903({"Episodes": [{**E, **e} for e in episodes], "Header": [{**H, **h} for h in header]}, year=year)


def kids(*dobs, **kw):
    """Header rows for children "1", "2", ... with these DOBs."""
    return [{"CHILD": str(i + 1), "DOB": dob, **kw} for i, dob in enumerate(dobs)]


def test_352_started_care_aged_18():
    r = ret([{"CHILD": "1", "DECOM": "01/05/2024"}, {"CHILD": "2", "DECOM": "01/05/2024"}, {"CHILD": "3", "DECOM": "01/05/2024", "RNE": "P"},
             {"CHILD": "4", "DECOM": "01/05/2024"}, {"CHILD": "5", "DECOM": "01/05/2024"}],
            kids("01/05/2006", "02/05/2006", "01/05/2006", "31/02/2006") + [{"CHILD": "9"}])
    assert flagged(r, "352") == {"Episodes": [0]}  # 18th birthday itself counts; child 5 has no Header row


def test_358_youth_justice_status_under_10_flags_header_too():
    r = ret([{"CHILD": "1", "LS": "J1"}, {"CHILD": "2", "LS": "J3"}, {"CHILD": "3", "LS": "C2"}],
            kids("02/05/2014", "01/05/2014", "02/05/2020"))
    assert flagged(r, "358") == {"Episodes": [0], "Header": [0]}


@pytest.mark.parametrize("code,year,place,age", [
    ("370", "2022/23", "P2", 15), ("370", "2023/24", "P2", 16),
    ("371", "2022/23", "H5", 14), ("371", "2023/24", "H5", 16), ("371", "2024/25", "K3", 16), ("371", "2026/27", "K3", 16),
    ("372", "2024/25", "R5", 10), ("373", "2024/25", "S1", 4), ("374", "2024/25", "P3", 14),
])
def test_370_to_374_minimum_age_for_placement(code, year, place, age):
    start = int(year[:4])
    decom = f"01/05/{start}"
    r = ret([{"CHILD": "1", "PLACE": place, "DECOM": decom}, {"CHILD": "2", "PLACE": place, "DECOM": decom, "DEC": f"02/05/{start}", "REC": "E8"},
             {"CHILD": "3", "PLACE": "U1", "DECOM": decom}],
            kids(f"01/05/{start - age}", f"02/05/{start - age}", f"02/05/{start - 1}"), year=year)
    assert flagged(r, code) == {"Episodes": [1]}


def test_371_other_years_do_not_flag_the_old_code():
    r = ret([{"PLACE": "H5"}], kids("01/01/2012"), year="2024/25")
    assert flagged(r, "371") == {}
    r = ret([{"PLACE": "H5", "DECOM": "01/05/2022"}], kids("01/01/2007"), year="2022/23")  # 15: enough in 2022/23
    assert flagged(r, "371") == {}
    r = ret([{"PLACE": "H5", "DECOM": "01/05/2023"}], kids("01/01/2008"), year="2023/24")  # 15: too young from 2023/24
    assert flagged(r, "371") == {"Episodes": [0]}


def test_234_custody_move_under_10():
    r = ret([
        {"CHILD": "1", "DEC": "01/06/2025", "REC": "X1", "REASON_PLACE_CHANGE": "CUSTOD", "DECOM": "01/05/2025"},  # under 10
        {"CHILD": "2", "DEC": "01/06/2025", "REC": "X1", "REASON_PLACE_CHANGE": "CUSTOD", "DECOM": "01/05/2025"},  # 10 that day
        {"CHILD": "3", "DEC": "31/06/2025", "REC": "X1", "REASON_PLACE_CHANGE": "CUSTOD", "DECOM": "01/05/2025"},  # DEC unreadable:
        {"CHILD": "3", "DECOM": "02/06/2025", "RNE": "P"},  # ... the next DECOM is the day of the change
        {"CHILD": "4", "DEC": "01/06/2025", "REC": "X1", "REASON_PLACE_CHANGE": "CARPL", "DECOM": "01/05/2025"},
    ], kids("02/06/2015", "01/06/2015", "03/06/2015", "01/01/2020"), year="2025/26")
    assert flagged(r, "234") == {"Episodes": [0, 2], "Header": [0, 2]}


def test_386_407_460_389_age_at_ceasing():
    r = ret([
        {"CHILD": "1", "DEC": "01/06/2024", "REC": "E11"},  # 18 that day
        {"CHILD": "2", "DEC": "01/06/2024", "REC": "E12"},  # 17
        {"CHILD": "1", "DEC": "01/06/2024", "REC": "E47"},
        {"CHILD": "2", "DEC": "01/06/2024", "REC": "E45"},
        {"CHILD": "1", "DEC": "01/06/2024", "REC": "E17"},
        {"CHILD": "2", "DEC": "01/06/2024", "REC": "E17"},
        {"CHILD": "3", "DEC": "01/06/2024", "REC": "E7"},  # 15
        {"CHILD": "4", "DEC": "01/06/2024", "REC": "E7"},  # 16 that day
    ], kids("01/06/2006", "02/06/2006", "02/06/2008", "01/06/2008"))
    assert flagged(r, "386") == {"Episodes": [0]}
    assert flagged(r, "407") == {"Episodes": [2], "Header": [0]}
    assert flagged(r, "460") == {"Episodes": [5]}
    assert flagged(r, "389") == {"Episodes": [6]}


def test_359_over_18_must_be_v2_in_community_home():
    r = ret([
        {"CHILD": "1", "LS": "C2", "PLACE": "U1"},  # 18 in January, still open: flagged
        {"CHILD": "2", "LS": "V2", "PLACE": "K2"},  # fine
        {"CHILD": "3", "LS": "C2", "PLACE": "U1"},  # 18 on 31 March itself
        {"CHILD": "1", "LS": "C2", "PLACE": "U1", "DEC": "01/06/2024", "REC": "X1"},  # closed
        {"CHILD": "4", "LS": "C2", "PLACE": "U1"},  # 17
    ], kids("01/01/2007", "01/01/2007", "31/03/2007", "01/04/2007"))
    assert flagged(r, "359") == {"Episodes": [0]}


def test_210_un4_looked_after_more_than_a_week_at_31_march():
    r = ret([
        {"CHILD": "1", "DECOM": "01/03/2025"},  # open since 1 March: flagged with its Header
        {"CHILD": "2", "DECOM": "24/03/2025"},  # newly looked after: UN4 fine
        {"CHILD": "3", "DECOM": "01/03/2025", "DEC": "10/03/2025", "REC": "X1"},  # period began 1 March ...
        {"CHILD": "3", "DECOM": "10/03/2025", "RNE": "P"},  # ... and continues: flags the period's first episode
        {"CHILD": "4", "DECOM": "01/03/2025", "DEC": "10/03/2025", "REC": "E8"},  # left care, back on 26 March
        {"CHILD": "4", "DECOM": "26/03/2025"},
        {"CHILD": "5", "DECOM": "01/03/2025", "DEC": "10/03/2025", "REC": "E8"},  # not looked after on 31 March
        {"CHILD": "6", "DECOM": "01/03/2025"},  # real UPN
    ], kids("01/01/2010", "01/01/2010", "01/01/2010", "01/01/2010", "01/01/2010", "01/01/2010", UPN="UN4")
       [:5] + [{"CHILD": "6", "DOB": "01/01/2010"}])
    assert flagged(r, "210") == {"Episodes": [0, 2], "Header": [0, 2]}


def test_442_upn_missing_for_looked_after_child():
    r = ret([{"CHILD": "1"}, {"CHILD": "2", "LS": "V3"}, {"CHILD": "3"}],
            [{"CHILD": "1", "UPN": ""}, {"CHILD": "2", "UPN": ""}, {"CHILD": "3", "UPN": "UN1"}])
    assert flagged(r, "442") == {"Header": [0]}


def test_393_mother_missing_for_girl_looked_after_by_year_code():
    episodes = [{"CHILD": "1"}, {"CHILD": "2"}, {"CHILD": "3", "LS": "V3"}, {"CHILD": "4", "DEC": "01/06/2023", "REC": "E8"},
                {"CHILD": "5"}]
    for year, female, male in (("2023/24", "2", "1"), ("2024/25", "F", "M")):
        eps_year = [{**e, "DECOM": f"01/05/{year[:4]}"} for e in episodes]
        header = [{"CHILD": "1", "SEX": female, "MOTHER": ""}, {"CHILD": "2", "SEX": female, "MOTHER": "0"},
                  {"CHILD": "3", "SEX": female, "MOTHER": ""}, {"CHILD": "4", "SEX": female, "MOTHER": ""},
                  {"CHILD": "5", "SEX": male, "MOTHER": ""}]
        assert flagged(ret(eps_year, header, year=year), "393") == {"Header": [0]}, year


def test_607_mother_missing_for_girl_who_ceased_by_year_code():
    for year, female in (("2022/23", "2"), ("2025/26", "F")):
        y = int(year[:4])
        episodes = [
            {"CHILD": "1", "DECOM": f"01/05/{y}", "DEC": f"01/06/{y}", "REC": "E8"},  # ceased: flagged
            {"CHILD": "2", "DECOM": f"01/05/{y}", "DEC": f"01/06/{y}", "REC": "X1"},  # continues
            {"CHILD": "3", "DECOM": f"01/05/{y}", "DEC": f"01/06/{y}", "REC": "E8", "LS": "V4"},  # short breaks
            {"CHILD": "4", "DECOM": f"01/05/{y}", "DEC": f"01/06/{y}", "REC": "E8"},  # MOTHER given
            {"CHILD": "5", "DECOM": f"01/05/{y}", "DEC": f"01/06/{y}", "REC": "E8"},  # boy
        ]
        header = [{"CHILD": c, "SEX": female, "MOTHER": ""} for c in "123"] + [{"CHILD": "4", "SEX": female, "MOTHER": "1"},
                                                                            {"CHILD": "5", "SEX": "1" if female == "2" else "M", "MOTHER": ""}]
        assert flagged(ret(episodes, header, year=year), "607") == {"Episodes": [0], "Header": [0]}, year


def test_625_first_child_born_after_year_end_or_after_ceasing():
    r = ret([
        {"CHILD": "1", "DECOM": "01/05/2024", "DEC": "01/06/2024", "REC": "E8"},  # MC_DOB after its DEC
        {"CHILD": "2", "DECOM": "01/05/2024"},  # open; MC_DOB after 31 March
        {"CHILD": "3", "DECOM": "01/05/2024", "DEC": "01/06/2024", "REC": "E8"},  # earlier closed episode ...
        {"CHILD": "3", "DECOM": "01/07/2024"},  # ... latest is open: no DEC to compare
        {"CHILD": "4", "DECOM": "01/05/2024", "DEC": "01/06/2024", "REC": "E8"},  # fine
    ], [{"CHILD": "1", "MOTHER": "1", "MC_DOB": "02/06/2024"}, {"CHILD": "2", "MOTHER": "1", "MC_DOB": "01/04/2025"},
        {"CHILD": "3", "MOTHER": "1", "MC_DOB": "10/06/2024"}, {"CHILD": "4", "MOTHER": "1", "MC_DOB": "01/06/2024"}])
    assert flagged(r, "625") == {"Episodes": [0], "Header": [0, 1]}
