"""OC3 (care leaver) rules and the Header checks tied to care leavers. Year 2024/25 unless said:
1 April 2024 to 31 March 2025."""

from tests.helpers import flagged, make_903

EP = {"RNE": "S", "LS": "C2", "CIN": "N1", "PLACE": "U1", "PLACE_PROVIDER": "PR1"}
INFO = {"IN_TOUCH": "YES", "ACTIV": "F1", "ACCOM": "B1"}


def ret(oc3=(), episodes=(), year="2024/25", **tables):
    eps = [{**EP, "CHILD": c, **ch} for c, ch in episodes]
    return make_903({"OC3": list(oc3), "Episodes": eps, **tables}, year=year)


def oc3(child, dob="01/06/2005", **items):
    return {"CHILD": child, "DOB": dob, **items}


# --- codes and completeness ----------------------------------------------------------------------

def test_131_132_133_codes_when_given():
    r = ret([
        oc3("1", **INFO),
        oc3("2", IN_TOUCH="yes", ACTIV="F3", ACCOM="S1"),  # lower case; F3 gone since 2021/22; S1 never valid
        oc3("3"),  # all blank: not these rules
        oc3("4", IN_TOUCH="RHOM", ACTIV="0", ACCOM="0"),
        oc3("5", IN_TOUCH="MAYBE", ACTIV="G6", ACCOM="X1"),
    ])
    assert flagged(r, "131") == {"OC3": [1, 4]}
    assert flagged(r, "132") == {"OC3": [1]}
    assert flagged(r, "133") == {"OC3": [1, 4]}


def test_153_all_or_nothing():
    r = ret([oc3("1", **INFO), oc3("2"), oc3("3", IN_TOUCH="NO"), oc3("4", IN_TOUCH="NO", ACTIV="0")])
    assert flagged(r, "153") == {"OC3": [2, 3]}


def test_344_345_in_touch_against_activity():
    r = ret([
        oc3("1", IN_TOUCH="DIED", ACTIV="0", ACCOM="0"),
        oc3("2", IN_TOUCH="DIED", ACTIV="F1", ACCOM="0"),  # 344
        oc3("3", IN_TOUCH="RHOM", ACTIV="0", ACCOM="B1"),  # 344
        oc3("4", IN_TOUCH="RHOM", ACTIV="", ACCOM=""),  # blank is not completed
        oc3("5", IN_TOUCH="YES", ACTIV="0", ACCOM="B1"),  # 345
        oc3("6", IN_TOUCH="YES", ACTIV="F1", ACCOM="0"),  # 345
        oc3("7", **INFO),
        oc3("8", IN_TOUCH="NO", ACTIV="0", ACCOM="0"),
    ])
    assert flagged(r, "344") == {"OC3": [1, 2]}
    assert flagged(r, "345") == {"OC3": [4, 5]}


# --- ages ----------------------------------------------------------------------------------------

def test_391_under_17_at_year_end():
    r = ret([
        oc3("a", "31/03/2008", **INFO),  # 17 on 31 March: fine
        oc3("b", "01/04/2008", **INFO),  # 16 on 31 March: flagged
        oc3("c", "01/04/2008"),  # nothing given
        oc3("d", "01/06/2001", **INFO),  # 23: older care leavers not flagged
        oc3("e", "31/02/2008", **INFO),  # DOB not a date: not flagged
    ])
    assert flagged(r, "391") == {"OC3": [1]}


def test_347_foyer_under_18_at_year_start():
    rows = [
        oc3("a", "01/04/2006", ACCOM="T1"),  # 18 on 1 April 2024: fine
        oc3("b", "02/04/2006", ACCOM="T2"),  # 17 on 1 April: flagged
        oc3("c", "02/04/2006", ACCOM="B1"),
        oc3("d", "31/02/2006", ACCOM="T1"),  # bad DOB: skipped, does not stop the rule
        oc3("e", "01/06/2007", ACCOM="T1"),  # flagged
    ]
    assert flagged(ret(rows), "347") == {"OC3": [1, 4]}
    assert flagged(ret(rows, year="2023/24"), "347") == {"OC3": [0, 1, 4]}  # a year earlier a is 17 too


def test_347_by_year():
    rows = [oc3("a", "01/04/2005", ACCOM="T1"), oc3("b", "02/04/2005", ACCOM="T1")]
    assert flagged(ret(rows, year="2023/24"), "347") == {"OC3": [1]}  # a is 18 on 1 April 2023, b 17
    assert flagged(ret(rows, year="2026/27"), "347") == {}


def test_3001_former_foster_carers_around_17th_birthday():
    r = ret(
        [oc3("a", ACCOM="Z1"), oc3("b", ACCOM="Z2"), oc3("c", ACCOM="Z1"), oc3("d", ACCOM="B1"), oc3("e", "01/04/2007", ACCOM="Z1")],
        Header=[{"CHILD": "a", "DOB": "01/04/2007"},  # 17th birthday 01/04/2024: flagged
                {"CHILD": "b", "DOB": "31/03/2008"},  # 17th birthday 31/03/2025: flagged
                {"CHILD": "c", "DOB": "31/03/2007"},  # 17th birthday before the year: fine
                {"CHILD": "d", "DOB": "01/06/2007"}])  # not Z: fine; e has no Header row: OC3 DOB used
    assert flagged(r, "3001") == {"OC3": [0, 1, 4]}


def test_1007_still_looked_after_on_17th_or_18th_birthday():
    r = ret(
        [oc3("a", "01/06/2007", **INFO),  # 17th birthday 01/06/2024, open episode: flagged
         oc3("b", "01/06/2006", **INFO),  # 18th birthday 01/06/2024, ceased that day: fine
         oc3("c", "01/06/2006", **INFO),  # ceased the day after: flagged
         oc3("d", "01/06/2007"),  # no care leaver info given
         oc3("e", "01/06/2004", **INFO),  # 20: not this rule
         oc3("f", "01/06/2007", **INFO),  # came into care after the birthday
         oc3("g", "01/06/2007", **INFO)],  # bad dates: skipped
        [("a", {"DECOM": "01/01/2020"}),
         ("b", {"DECOM": "01/01/2020", "DEC": "01/06/2024", "REC": "E17"}),
         ("c", {"DECOM": "01/01/2020", "DEC": "02/06/2024", "REC": "E17"}),
         ("d", {"DECOM": "01/01/2020"}),
         ("e", {"DECOM": "01/01/2020"}),
         ("f", {"DECOM": "02/06/2024"}),
         ("g", {"DECOM": "31/02/2020"}), ("g", {"DECOM": "01/01/2020", "DEC": "31/13/2024", "REC": "E8"})])
    assert flagged(r, "1007") == {"OC3": [0, 2]}


def test_1016_ceased_after_17th_or_18th_birthday():
    rows = [oc3("a", "01/06/2006", **INFO), oc3("b", "01/06/2006", **INFO), oc3("c", "01/06/2006", **INFO),
            oc3("d", "01/06/2006", **INFO), oc3("e", "01/06/2006")]
    eps = [("a", {"DECOM": "01/01/2020", "DEC": "01/06/2024", "REC": "E17"}),  # on the birthday: fine
           ("b", {"DECOM": "01/01/2020", "DEC": "02/06/2024", "REC": "E17"}),  # after: flagged
           ("c", {"DECOM": "01/01/2020", "DEC": "02/06/2024", "REC": "X1"}),  # moved, not ceased
           ("c", {"DECOM": "02/06/2024"}),
           ("d", {"DECOM": "01/01/2020", "DEC": "31/02/2025", "REC": "E17"}),  # bad DEC: skipped
           ("e", {"DECOM": "01/01/2020", "DEC": "02/06/2024", "REC": "E17"})]  # no info given
    assert flagged(ret(rows, eps, year="2024/25"), "1016") == {"OC3": [1]}
    # the same people a year later are 19: not this rule
    assert flagged(ret(rows, [(c, {**e, "DEC": e.get("DEC", "").replace("2024", "2025")}) for c, e in eps],
                       year="2025/26"), "1016") == {}


# --- care leavers against other tables -------------------------------------------------------------

def test_134_adoption_data_for_care_leaver():
    r = ret(
        [oc3("a", **INFO), oc3("b", **INFO), oc3("c")],
        AD1=[{"CHILD": "a", "DATE_INT": "01/05/2024"}, {"CHILD": "b"}, {"CHILD": "c", "NB_ADOPTR": "1"}])
    assert flagged(r, "134") == {"AD1": [0], "OC3": [0]}


def test_1011_final_episode_transferred():
    r = ret(
        [oc3("a", **INFO), oc3("b", **INFO), oc3("c"), oc3("d", **INFO)],
        [("a", {"DECOM": "01/01/2024", "DEC": "01/05/2024", "REC": "E3"}),  # final: flagged
         ("b", {"DECOM": "01/01/2024", "DEC": "01/05/2024", "REC": "E3"}),
         ("b", {"DECOM": "01/06/2024", "DEC": "01/07/2024", "REC": "E8"}),  # final is not E3
         ("c", {"DECOM": "01/01/2024", "DEC": "01/05/2024", "REC": "E3"}),  # no info given
         ("d", {"DECOM": "01/01/2024", "DEC": "01/05/2024", "REC": "E3"}), ("d", {"DECOM": "bad"})])
    assert flagged(r, "1011") == {"OC3": [0]}


def test_1012_other_data_for_oc3_child_without_episodes_in_year():
    r = ret(
        [oc3("leaver", **INFO), oc3("in_care", **INFO), oc3("old")],
        [("in_care", {"DECOM": "01/01/2020"}),
         ("old", {"DECOM": "01/01/2020", "DEC": "01/01/2024", "REC": "E8"})],  # ended before the year
        OC2=[{"CHILD": "leaver"}, {"CHILD": "in_care"}, {"CHILD": "other"}],
        Reviews=[{"CHILD": "old", "REVIEW": "01/06/2024"}],
        Missing=[{"CHILD": "in_care"}],
        PrevPerm=[{"CHILD": "leaver"}])
    assert flagged(r, "1012") == {"OC2": [0], "Reviews": [0], "PrevPerm": [0]}


def test_1014_uasc_for_care_leaver():
    r = ret(
        [oc3("leaver", **INFO), oc3("in_care", **INFO), oc3("blank")],
        [("in_care", {"DECOM": "01/01/2020"})],
        UASC=[{"CHILD": "in_care"}, {"CHILD": "leaver"}, {"CHILD": "blank"}])
    assert flagged(r, "1014") == {"UASC": [1], "OC3": [0]}


def test_165_mother_status():
    header = [
        {"CHILD": "f_ok", "SEX": "F", "MOTHER": "0"},
        {"CHILD": "f_blank", "SEX": "F"},  # looked after, blank: flagged
        {"CHILD": "m_given", "SEX": "M", "MOTHER": "0"},  # flagged
        {"CHILD": "m_blank", "SEX": "M"},
        {"CHILD": "bad", "SEX": "F", "MOTHER": "2"},  # flagged
        {"CHILD": "leaver", "SEX": "F"},  # care leaver not looked after: may be blank
        {"CHILD": "u", "SEX": "U"},
        {"CHILD": "no_eps", "SEX": "F"},  # neither looked after nor a care leaver: flagged
    ]
    r = ret([oc3("leaver", **INFO)], [(c, {"DECOM": "01/01/2020"}) for c in ("f_ok", "f_blank", "m_given", "m_blank", "bad", "u")],
            Header=header)
    assert flagged(r, "165") == {"Header": [1, 2, 4, 7]}


def test_165_old_sex_codes():
    r = ret([], [("a", {"DECOM": "01/01/2020"}), ("b", {"DECOM": "01/01/2020"})], year="2023/24",
            Header=[{"CHILD": "a", "SEX": "2"}, {"CHILD": "b", "SEX": "1", "MOTHER": "1"}])
    assert flagged(r, "165") == {"Header": [0, 1]}


def test_628_mother_for_care_leaver_not_looked_after():
    r = ret(
        [oc3("leaver", **INFO), oc3("in_care", **INFO), oc3("blank_leaver")],
        [("in_care", {"DECOM": "01/01/2020"})],
        Header=[{"CHILD": "leaver", "MOTHER": "0"}, {"CHILD": "in_care", "MOTHER": "0"}, {"CHILD": "leaver2"},
                {"CHILD": "blank_leaver", "MOTHER": "1"}])
    assert flagged(r, "628") == {"Header": [0]}


def test_epi_header_child_without_episodes_or_oc3():
    r = ret([oc3("leaver")], [("in_care", {"DECOM": "01/01/2020"})],
            Header=[{"CHILD": "in_care"}, {"CHILD": "leaver"}, {"CHILD": "nothing"}])
    assert flagged(r, "EPI") == {"Header": [2]}
