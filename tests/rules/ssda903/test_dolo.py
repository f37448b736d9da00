from tests.helpers import flagged, make_903

Y = "2026/27"  # 1 April 2026 to 31 March 2027
D = {"CHILD": "1", "DOB": "01/01/2012"}
E = {"CHILD": "1", "RNE": "S", "LS": "C2", "CIN": "N1", "PLACE_PROVIDER": "PR1"}


def dolo(*rows, episodes=(), header=None, previous=None):
    tables = {"DoLo": [{**D, **r} for r in rows], "Episodes": [{**E, **e} for e in episodes]}
    if header is not None:
        tables["Header"] = header
    return make_903(tables, year=Y, previous=previous)


def test_700_start_not_valid_date():
    r = dolo({"DOLO_START": "01/05/2026"}, {"DOLO_START": ""}, {"DOLO_START": "31/06/2026"}, {"DOLO_START": "2026-05-01"})
    assert flagged(r, "700") == {"DoLo": [1, 2, 3]}


def test_701_end_not_valid_date():
    r = dolo({"DOLO_END": ""}, {"DOLO_END": "01/05/2026"}, {"DOLO_END": "00/05/2026"})
    assert flagged(r, "701") == {"DoLo": [2]}


def test_702_end_before_start():
    r = dolo({"DOLO_START": "02/05/2026", "DOLO_END": "01/05/2026"}, {"DOLO_START": "02/05/2026", "DOLO_END": "02/05/2026"},
             {"DOLO_START": "02/05/2026", "DOLO_END": ""}, {"DOLO_START": "bad", "DOLO_END": "01/05/2026"})
    assert flagged(r, "702") == {"DoLo": [0]}


def test_703_start_after_year_end():
    r = dolo({"DOLO_START": "31/03/2027"}, {"DOLO_START": "01/04/2027"}, {"DOLO_START": "01/01/2020"})
    assert flagged(r, "703") == {"DoLo": [1]}


def test_704_end_outside_year():
    r = dolo({"DOLO_END": "01/04/2026"}, {"DOLO_END": "31/03/2027"}, {"DOLO_END": "31/03/2026"}, {"DOLO_END": "01/04/2027"},
             {"DOLO_END": ""})
    assert flagged(r, "704") == {"DoLo": [2, 3]}


def test_705_starts_while_previous_open():
    r = dolo(
        {"CHILD": "1", "DOLO_START": "01/06/2026", "DOLO_END": "01/07/2026"},  # 0 after row 1, which is open: flagged
        {"CHILD": "1", "DOLO_START": "01/05/2026", "DOLO_END": ""},  # 1 first order of child 1
        {"CHILD": "2", "DOLO_START": "01/05/2026", "DOLO_END": "01/06/2026"},  # 2
        {"CHILD": "2", "DOLO_START": "01/06/2026", "DOLO_END": ""},  # 3 starts the day 2 ended: fine
        {"CHILD": "3", "DOLO_START": "01/05/2026", "DOLO_END": "10/06/2026"},  # 4
        {"CHILD": "3", "DOLO_START": "01/06/2026", "DOLO_END": ""},  # 5 starts before 4 ended: flagged
        {"CHILD": "4", "DOLO_START": "01/05/2026", "DOLO_END": "bad"},  # 6 end unknown
        {"CHILD": "4", "DOLO_START": "01/06/2026", "DOLO_END": ""},  # 7 not judged
    )
    assert flagged(r, "705") == {"DoLo": [0, 5]}


def test_706_open_order_last_year_not_carried_over():
    previous = {"DoLo": [
        {**D, "CHILD": "1", "DOLO_START": "01/05/2025", "DOLO_END": ""},  # 0 carried over: fine
        {**D, "CHILD": "2", "DOLO_START": "01/05/2025", "DOLO_END": ""},  # 1 this year starts on another date
        {**D, "CHILD": "3", "DOLO_START": "01/05/2025", "DOLO_END": ""},  # 2 nothing this year
        {**D, "CHILD": "4", "DOLO_START": "01/05/2025", "DOLO_END": "01/06/2025"},  # 3 ended
        {**D, "CHILD": "5", "DOLO_START": "01/05/2025", "DOLO_END": ""},  # 4 not the latest order of child 5
        {**D, "CHILD": "5", "DOLO_START": "01/07/2025", "DOLO_END": "01/08/2025"},  # 5
    ]}
    r = dolo({"CHILD": "1", "DOLO_START": "01/05/2025"}, {"CHILD": "2", "DOLO_START": "01/04/2026"},
             {"CHILD": "4", "DOLO_START": "01/05/2026"}, previous=previous)
    assert flagged(r, "706") == {"DoLo_last": [1, 2], "DoLo": [1]}


def test_707_open_order_after_child_ceased_care():
    r = dolo(
        {"CHILD": "1", "DOLO_START": "01/05/2026", "DOLO_END": ""},  # ceased: flagged
        {"CHILD": "1", "DOLO_START": "01/04/2026", "DOLO_END": "20/04/2026"},  # ended: fine
        {"CHILD": "2", "DOLO_START": "01/05/2026", "DOLO_END": ""},  # still looked after
        {"CHILD": "3", "DOLO_START": "01/05/2026", "DOLO_END": ""},  # left and came back
        {"CHILD": "4", "DOLO_START": "01/05/2026", "DOLO_END": ""},  # no episodes
        episodes=[
            {"CHILD": "1", "DECOM": "01/04/2026", "DEC": "01/06/2026", "REC": "X1", "PLACE": "K2"},
            {"CHILD": "1", "DECOM": "01/06/2026", "DEC": "01/07/2026", "REC": "E4A", "PLACE": "K2"},
            {"CHILD": "2", "DECOM": "01/04/2026", "PLACE": "K2"},
            {"CHILD": "3", "DECOM": "01/04/2026", "DEC": "01/06/2026", "REC": "E4A", "PLACE": "K2"},
            {"CHILD": "3", "DECOM": "01/08/2026", "RNE": "S", "PLACE": "K2"},
        ],
    )
    assert flagged(r, "707") == {"DoLo": [0]}


def test_708_start_on_or_before_birth():
    r = dolo({"DOB": "01/05/2026", "DOLO_START": "01/05/2026"}, {"DOB": "01/05/2026", "DOLO_START": "02/05/2026"},
             {"DOB": "01/05/2026", "DOLO_START": "01/04/2026"}, {"CHILD": "9", "DOB": "", "DOLO_START": "01/04/2026"},
             {"DOB": "", "DOLO_START": "01/04/2026"},
             header=[{"CHILD": "9", "DOB": "01/05/2026"}])
    assert flagged(r, "708") == {"DoLo": [0, 2, 3]}


EPISODES_709 = [
    {"CHILD": "1", "DECOM": "01/04/2026", "DEC": "01/05/2026", "REC": "P1", "PLACE": "K1"},  # 0 ends the day the order starts
    {"CHILD": "1", "DECOM": "01/05/2026", "DEC": "01/06/2026", "REC": "P1", "PLACE": "K2"},  # 1 during: expected
    {"CHILD": "1", "DECOM": "01/06/2026", "DEC": "01/07/2026", "REC": "P1", "PLACE": "R5"},  # 2 during: unexpected
    {"CHILD": "1", "DECOM": "01/07/2026", "PLACE": "P1"},  # 3 starts the day the order ends
    {"CHILD": "2", "DECOM": "01/04/2026", "PLACE": "U1"},  # 4 open order: not judged
    {"CHILD": "3", "DECOM": "01/04/2026", "PLACE": "U1"},  # 5 during a one-day order
]
DOLO_709 = [
    {"CHILD": "1", "DOLO_START": "01/05/2026", "DOLO_END": "01/07/2026"},
    {"CHILD": "2", "DOLO_START": "01/05/2026", "DOLO_END": ""},
    {"CHILD": "3", "DOLO_START": "01/05/2026", "DOLO_END": "01/05/2026"},
]


def test_709_unexpected_placement_during_order():
    r = dolo(*DOLO_709, episodes=EPISODES_709)
    assert flagged(r, "709") == {"DoLo": [0, 2], "Episodes": [2, 5]}


def test_710_forbidden_placement_during_order():
    r = dolo(*DOLO_709, episodes=EPISODES_709)
    assert flagged(r, "710") == {"DoLo": [0], "Episodes": [2]}
    fine = dolo(*DOLO_709, episodes=[{**e, "PLACE": "K2" if e["PLACE"] == "R5" else e["PLACE"]} for e in EPISODES_709])
    assert flagged(fine, "710") == {}


def test_dolo_rules_without_dolo_tables():
    """Last year's return (2025/26) has no DoLo table, nor does an XML return: nothing to report."""
    r = make_903({"Header": [{"CHILD": "1", "DOB": "01/01/2012"}], "Episodes": [{**E, "DECOM": "01/04/2026", "PLACE": "K1"}]},
                 year=Y, previous={"Header": [{"CHILD": "1", "DOB": "01/01/2012"}]})
    for code in ("700", "701", "702", "703", "704", "705", "706", "707", "708", "709", "710"):
        assert flagged(r, code) == {}, code
