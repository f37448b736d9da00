from tests.helpers import flagged, make_903

EP = {"CHILD": "1", "DECOM": "01/05/2024", "RNE": "S", "LS": "C2", "CIN": "N1", "PLACE": "U4", "PLACE_PROVIDER": "PR1"}
MI = {"CHILD": "1", "DOB": "01/01/2010", "MISSING": "M", "MIS_START": "01/06/2024"}
RV = {"CHILD": "1", "DOB": "15/06/2020", "REVIEW": "01/06/2024", "REVIEW_CODE": "PN0"}


def missing(*rows, eps=None, year="2024/25", previous=None, **tables):
    t = {"Missing": [{**MI, **m} for m in rows], **tables}
    if eps is not None:
        t["Episodes"] = [{**EP, **e} for e in eps]
    return make_903(t, year=year, previous=previous)


# --- Reviews --------------------------------------------------------------------------------


def test_166_review_date_invalid_or_blank():
    r = make_903({"Reviews": [{**RV, "REVIEW": v} for v in ("01/06/2024", "", "31/06/2024", "1/6/2024")]})
    assert flagged(r, "166") == {"Reviews": [1, 2, 3]}


def test_440_441_participation_against_age_at_review():
    rows = [("14/06/2024", "PN0"),  # age 3: fine
            ("15/06/2024", "PN0"),  # 4th birthday: age 4 -> 440
            ("14/06/2024", "PN1"),  # age 3 -> 441
            ("15/06/2024", "PN1"),  # age 4: fine
            ("bad", "PN0"),  # no review date: not compared
            ("16/06/2024", "PN7")]
    r = make_903({"Reviews": [{**RV, "REVIEW": d, "REVIEW_CODE": c} for d, c in rows]})
    assert flagged(r, "440") == {"Reviews": [1]}
    assert flagged(r, "441") == {"Reviews": [2]}


def test_440_uses_header_dob_when_reviews_dob_unusable():
    r = make_903({"Reviews": [{**RV, "DOB": "", "REVIEW": "01/06/2024"}], "Header": [{"CHILD": "1", "DOB": "01/06/2020"}]})
    assert flagged(r, "440") == {"Reviews": [0]}


def test_399_short_breaks_only_with_mother_or_reviews():
    r = make_903({
        "Episodes": [{**EP, "CHILD": "1", "LS": "V3"}, {**EP, "CHILD": "1", "LS": "V4", "DECOM": "01/06/2024"},
                     {**EP, "CHILD": "2", "LS": "V3"}, {**EP, "CHILD": "2", "LS": "C2", "DECOM": "01/06/2024"},
                     {**EP, "CHILD": "3", "LS": "V3"}, {**EP, "CHILD": "4", "LS": "V4"}],
        "Header": [{"CHILD": "1", "MOTHER": "0"}, {"CHILD": "2", "MOTHER": "1"}, {"CHILD": "3"}, {"CHILD": "4"}],
        "Reviews": [{**RV, "CHILD": "2"}, {**RV, "CHILD": "3"}],
    })
    assert flagged(r, "399") == {"Episodes": [0, 1, 4], "Header": [0], "Reviews": [1]}


# --- Missing alone --------------------------------------------------------------------------


def test_1004_1005_dates_not_valid():
    r = missing({}, {"MIS_START": "", "MIS_END": ""}, {"MIS_START": "32/01/2024", "MIS_END": "2024-06-02"},
                {"MIS_END": "02/06/2024"})
    assert flagged(r, "1004") == {"Missing": [1, 2]}
    assert flagged(r, "1005") == {"Missing": [2]}


def test_564_565_566_presence():
    r = missing({}, {"MIS_START": ""}, {"MISSING": ""}, {"MISSING": "", "MIS_START": "", "MIS_END": "02/06/2024"},
                {"MISSING": "", "MIS_START": ""})
    assert flagged(r, "564") == {"Missing": [1]}
    assert flagged(r, "565") == {"Missing": [2]}
    assert flagged(r, "566") == {"Missing": [3]}


def test_567_end_before_start():
    r = missing({"MIS_END": "01/06/2024"}, {"MIS_END": "31/05/2024"}, {"MIS_END": "31/02/2024"}, {})
    assert flagged(r, "567") == {"Missing": [1]}


def test_570_571_outside_the_year():
    r = missing({"MIS_START": "31/03/2025", "MIS_END": "31/03/2025"}, {"MIS_START": "01/04/2025"},
                {"MIS_START": "01/03/2024", "MIS_END": "31/03/2024"}, {"MIS_START": "01/03/2025", "MIS_END": "01/04/2025"},
                {"MIS_START": "01/03/2024", "MIS_END": "01/04/2024"})
    assert flagged(r, "570") == {"Missing": [1]}
    assert flagged(r, "571") == {"Missing": [2, 3]}


def test_586_missing_before_birth():
    r = missing({"MIS_START": "31/12/2009"}, {"MIS_START": "01/01/2010"}, {"MIS_START": "01/06/2024", "DOB": "02/06/2024"})
    assert flagged(r, "586") == {"Missing": [0, 2]}


def test_574_overlapping_or_while_open():
    r = missing(
        {"CHILD": "1", "MIS_START": "01/06/2024", "MIS_END": "05/06/2024"},
        {"CHILD": "1", "MIS_START": "05/06/2024", "MIS_END": "06/06/2024"},  # starts as previous ends: fine
        {"CHILD": "2", "MIS_START": "10/06/2024"},  # later row, earlier start below is open
        {"CHILD": "2", "MIS_START": "01/06/2024"},
        {"CHILD": "3", "MIS_START": "01/06/2024", "MIS_END": "30/06/2024"},
        {"CHILD": "3", "MIS_START": "02/06/2024", "MIS_END": "03/06/2024"},  # inside the first
        {"CHILD": "3", "MIS_START": "10/06/2024", "MIS_END": "11/06/2024"},  # inside the first too
        {"CHILD": "4", "MIS_START": "01/06/2024", "MIS_END": "xx"},
        {"CHILD": "4", "MIS_START": "02/06/2024", "MIS_END": "03/06/2024"},  # earlier end unreadable
        {"CHILD": "5", "MIS_START": "01/06/2024", "MIS_END": "30/06/2024"},
        {"CHILD": "5", "MIS_START": "02/06/2024", "MIS_END": "xx"},  # inside the first
        {"CHILD": "5", "MIS_START": "03/06/2024", "MIS_END": "04/06/2024"},  # still inside the first
    )
    assert flagged(r, "574") == {"Missing": [2, 5, 6, 10, 11]}


# --- Missing against Episodes ---------------------------------------------------------------


def test_575_placement_ended_but_missing_open():
    eps = [{"CHILD": "1", "DECOM": "01/05/2024", "DEC": "01/07/2024", "REC": "X1"},
           {"CHILD": "1", "DECOM": "01/07/2024", "RNE": "P", "PLACE": "U5"},
           {"CHILD": "2", "DECOM": "01/05/2024", "DEC": "01/07/2024", "REC": "X1"},
           {"CHILD": "2", "DECOM": "01/07/2024", "RNE": "L", "LS": "E1"}]  # legal status only: placement goes on
    r = missing({"CHILD": "1", "MIS_START": "01/06/2024"},  # from the ended placement, still open
                {"CHILD": "1", "MIS_START": "01/06/2024", "MIS_END": "02/06/2024"},
                {"CHILD": "1", "MIS_START": "01/07/2024"},  # on the move day: from the new placement
                {"CHILD": "2", "MIS_START": "01/06/2024"}, eps=eps)
    assert flagged(r, "575") == {"Missing": [0]}


def test_576_open_last_year_not_continued():
    prev = {"Missing": [{**MI, "CHILD": "1", "MIS_START": "01/03/2024"}, {**MI, "CHILD": "2", "MIS_START": "01/03/2024"},
                        {**MI, "CHILD": "3", "MIS_START": "01/03/2024"}, {**MI, "CHILD": "4", "MIS_START": "01/03/2024"},
                        {**MI, "CHILD": "5", "MIS_START": "01/02/2024", "MIS_END": "02/02/2024"}]}
    r = missing({"CHILD": "1", "MIS_START": "01/03/2024", "MIS_END": "05/04/2024"},  # continued
                {"CHILD": "2", "MIS_START": "02/03/2024"}, {"CHILD": "2", "MIS_START": "01/06/2024"},  # not the same
                {"CHILD": "5", "MIS_START": "01/06/2024"},
                eps=[{"CHILD": c, "DECOM": "01/01/2024", "RNE": "S"} for c in "12345"if c != "4"] + [{"CHILD": "3"}],
                previous=prev)
    # child 3 is in care with no Missing rows this year; child 4 has left care (not in Episodes)
    assert flagged(r, "576") == {"Missing_last": [1, 2], "Missing": [1]}


def test_577_left_care_with_missing_open():
    eps = [{"CHILD": "1", "DECOM": "01/05/2024", "DEC": "01/08/2024", "REC": "E8"},
           {"CHILD": "2", "DECOM": "01/05/2024", "DEC": "01/08/2024", "REC": "X1"},
           {"CHILD": "2", "DECOM": "01/08/2024", "RNE": "P"},  # still looked after
           {"CHILD": "3", "DECOM": "01/05/2024", "DEC": "01/06/2024", "REC": "E4A"},
           {"CHILD": "3", "DECOM": "01/09/2024"}]  # back in care; missing started in the new period
    r = missing({"CHILD": "1", "MIS_START": "01/07/2024"}, {"CHILD": "1", "MIS_START": "01/07/2024", "MIS_END": "01/08/2024"},
                {"CHILD": "2", "MIS_START": "01/07/2024"}, {"CHILD": "3", "MIS_START": "01/05/2024"},
                {"CHILD": "3", "MIS_START": "01/10/2024"}, {"CHILD": "1", "MIS_START": "01/08/2024"}, eps=eps)
    assert flagged(r, "577") == {"Missing": [0, 3, 5]}


def test_578_581_missing_outside_care():
    eps = [{"CHILD": "1", "DECOM": "01/05/2024", "DEC": "01/08/2024", "REC": "E4A"},
           {"CHILD": "1", "DECOM": "01/10/2024"},
           {"CHILD": "2", "DECOM": "01/05/2024", "RNE": "P"}]  # care began before the file: start unknown
    r = missing({"CHILD": "1", "MIS_START": "01/08/2024"},  # day of leaving: fine
                {"CHILD": "1", "MIS_START": "02/08/2024", "MIS_END": "03/08/2024"},  # between periods: 578
                {"CHILD": "1", "MIS_START": "30/04/2024", "MIS_END": "02/05/2024"},  # before care: 581
                {"CHILD": "1", "MIS_START": "01/10/2024"},
                {"CHILD": "2", "MIS_START": "01/04/2024", "MIS_END": "02/04/2024"},
                {"CHILD": "1", "MIS_START": "bad"}, eps=eps)
    assert flagged(r, "578") == {"Missing": [1]}
    assert flagged(r, "581") == {"Missing": [2]}


def test_580_missing_at_18th_birthday_needs_e8():
    eps = [{"CHILD": "1", "DECOM": "01/05/2024", "DEC": "01/01/2025", "REC": "E4A"},
           {"CHILD": "2", "DECOM": "01/05/2024", "DEC": "01/01/2025", "REC": "E8"},
           {"CHILD": "3", "DECOM": "01/05/2024", "DEC": "02/01/2025", "REC": "E4A"}]  # not the birthday
    r = missing({"CHILD": "1", "DOB": "01/01/2007", "MIS_START": "01/12/2024", "MIS_END": "01/01/2025"},
                {"CHILD": "2", "DOB": "01/01/2007", "MIS_START": "01/12/2024", "MIS_END": "01/01/2025"},
                {"CHILD": "3", "DOB": "01/01/2007", "MIS_START": "01/12/2024", "MIS_END": "02/01/2025"}, eps=eps)
    assert flagged(r, "580") == {"Episodes": [0]}
