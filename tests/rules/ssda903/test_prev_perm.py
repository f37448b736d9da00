from tests.helpers import flagged, make_903

EP = {"CHILD": "1", "DECOM": "01/05/2024", "RNE": "S", "LS": "C2", "CIN": "N1", "PLACE": "U4", "PLACE_PROVIDER": "PR1"}
PP = {"CHILD": "1", "DOB": "01/01/2015", "PREV_PERM": "P2", "LA_PERM": "201", "DATE_PERM": "01/02/2020"}


def ret(eps, perms, year="2024/25"):
    return make_903({"Episodes": [{**EP, **e} for e in eps], "PrevPerm": [{**PP, **p} for p in perms]}, year=year)


def test_630_starters_need_previous_permanence():
    eps = [{"CHILD": c} for c in "123456"] + [{"CHILD": "7", "DECOM": "31/03/2024"}, {"CHILD": "8", "RNE": "P"}]
    perms = [{"CHILD": "1"},  # complete
             {"CHILD": "2", "PREV_PERM": "Z1", "LA_PERM": "", "DATE_PERM": ""},  # none: complete
             {"CHILD": "3", "LA_PERM": ""},  # P2 without LA
             {"CHILD": "4", "PREV_PERM": ""},  # no option
             {"CHILD": "6", "PREV_PERM": "P4", "LA_PERM": "999", "DATE_PERM": "ZZ/ZZ/ZZZZ"}]  # unknowns: complete
    # child 5 has no PrevPerm row; 7 started last year; 8 did not start
    assert flagged(ret(eps, perms), "630") == {"Episodes": [2, 3, 4], "PrevPerm": [2, 3]}


def test_631_prev_perm_code():
    r = ret([{}], [{}, {"PREV_PERM": "Z1"}, {"PREV_PERM": "P5"}, {"PREV_PERM": ""}, {"PREV_PERM": "p1"}])
    assert flagged(r, "631") == {"PrevPerm": [2, 4]}


def test_632_date_perm_layout_with_zz_and_before_start_of_care():
    eps = [{"CHILD": "1", "DECOM": "01/05/2024"},
           {"CHILD": "2", "DECOM": "01/05/2023", "DEC": "01/06/2023", "REC": "E45"},
           {"CHILD": "2", "DECOM": "01/05/2024"}]  # latest start of care
    perms = [{"CHILD": "1", "DATE_PERM": "ZZ/05/2010"},
             {"CHILD": "1", "DATE_PERM": "ZZ/ZZ/ZZZZ"},
             {"CHILD": "1", "DATE_PERM": "31/02/2010"},  # impossible
             {"CHILD": "1", "DATE_PERM": "2010-05-01"},  # wrong layout
             {"CHILD": "1", "DATE_PERM": "01/05/2024"},  # same day as DECOM
             {"CHILD": "1", "DATE_PERM": "ZZ/04/2024"},  # could be 1-30 April 2024: before
             {"CHILD": "1", "DATE_PERM": "ZZ/ZZ/2025"},  # after whatever the day
             {"CHILD": "2", "DATE_PERM": "01/07/2023"},  # between the two periods: fine
             {"CHILD": "1", "DATE_PERM": ""}]
    assert flagged(ret(eps, perms), "632") == {"PrevPerm": [2, 3, 4, 6], "Episodes": [0]}


def test_633_la_perm_code():
    r = ret([{}], [{}, {"LA_PERM": "WAL"}, {"LA_PERM": "999"}, {"LA_PERM": "200"}, {"LA_PERM": ""}, {"LA_PERM": "wal"}])
    assert flagged(r, "633") == {"PrevPerm": [3, 5]}


def test_634_entries_for_care_started_before_april_2016():
    eps = [{"CHILD": "1", "DECOM": "31/03/2016"},  # started before 1 April 2016
           {"CHILD": "2", "DECOM": "01/04/2016"},  # from 1 April 2016: fine
           {"CHILD": "3", "DECOM": "31/03/2016"},  # Z1 only: not an entry
           {"CHILD": "4", "DECOM": "01/01/2015", "RNE": "P"},  # no S: began before this episode, so before 2016
           {"CHILD": "5", "DECOM": "01/01/2017", "RNE": "P"}]  # no S, after 2016: unknown, not flagged
    perms = [{"CHILD": "1"}, {"CHILD": "2"}, {"CHILD": "3", "PREV_PERM": "Z1", "LA_PERM": "", "DATE_PERM": ""},
             {"CHILD": "4", "PREV_PERM": "", "DATE_PERM": ""}, {"CHILD": "5"}]
    assert flagged(ret(eps, perms), "634") == {"PrevPerm": [0, 3], "Episodes": [0, 3]}


def test_635_details_with_z1_or_no_option():
    r = ret([{}], [{}, {"PREV_PERM": "Z1"}, {"PREV_PERM": "Z1", "LA_PERM": ""}, {"PREV_PERM": "Z1", "LA_PERM": "", "DATE_PERM": ""},
                   {"PREV_PERM": "", "DATE_PERM": ""}, {"PREV_PERM": "", "LA_PERM": "", "DATE_PERM": ""}])
    assert flagged(r, "635") == {"PrevPerm": [1, 2, 4]}
