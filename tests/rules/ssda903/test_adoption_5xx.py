from tests.helpers import flagged, make_903

EP = {"CHILD": "1", "DECOM": "01/05/2024", "RNE": "P", "LS": "C2", "CIN": "N1", "PLACE": "U4", "PLACE_PROVIDER": "PR1"}
PA = {"CHILD": "1", "DOB": "01/01/2020", "DATE_PLACED": "01/06/2024"}
CEASED = {"DATE_PLACED_CEASED": "01/09/2024", "REASON_PLACED_CEASED": "RD1"}


def ret(eps, decisions, year="2024/25"):
    return make_903({"Episodes": [{**EP, **e} for e in eps], "PlacedAdoption": [{**PA, **d} for d in decisions]}, year=year)


def test_117_decision_after_year_end_or_after_leaving_care():
    eps = [{"CHILD": "1", "DECOM": "01/05/2024", "DEC": "01/07/2024", "REC": "X1"},
           {"CHILD": "1", "DECOM": "01/07/2024", "DEC": "01/08/2024", "REC": "E4A"},  # left care 01/08
           {"CHILD": "2", "DECOM": "01/05/2024"},  # still looked after
           {"CHILD": "3", "DECOM": "01/05/2024", "DEC": "01/08/2024", "REC": "E13"}]
    decisions = [{"CHILD": "1", "DATE_PLACED": "01/06/2024", "DATE_PLACED_CEASED": "02/08/2024"},  # ceased after leaving
                 {"CHILD": "2", "DATE_PLACED": "01/04/2025"},  # after 31 March
                 {"CHILD": "3", "DATE_PLACED": "01/08/2024", "DATE_PLACED_CEASED": "01/08/2024"},  # same day: fine
                 {"CHILD": "2", "DATE_PLACED": "31/03/2025"}]
    assert flagged(ret(eps, decisions), "117") == {"Episodes": [1], "PlacedAdoption": [0, 1]}


def test_118_ceased_before_year_or_before_care():
    eps = [{"CHILD": "1", "DECOM": "01/05/2024", "LS": "V3", "DEC": "02/05/2024", "REC": "E8"},
           {"CHILD": "1", "DECOM": "01/06/2024", "RNE": "S"},  # earliest non-V3/V4 episode
           {"CHILD": "2", "DECOM": "01/05/2024"}]
    decisions = [{"CHILD": "1", "DATE_PLACED": "01/04/2024", "DATE_PLACED_CEASED": "20/05/2024"},  # before 01/06
                 {"CHILD": "2", "DATE_PLACED": "01/01/2024", "DATE_PLACED_CEASED": "31/03/2024"},  # before the year
                 {"CHILD": "2", "DATE_PLACED": "01/04/2024", "DATE_PLACED_CEASED": "01/05/2024"}]
    # child 2: 31/03/2024 is before the year and before its first episode too
    assert flagged(ret(eps, decisions), "118") == {"Episodes": [1, 2], "PlacedAdoption": [0, 1]}


def test_1003_decision_before_first_start_of_care():
    eps = [{"CHILD": "1", "DECOM": "01/05/2024", "RNE": "S"}, {"CHILD": "2", "DECOM": "01/05/2024", "RNE": "S"},
           {"CHILD": "3", "DECOM": "01/05/2024", "RNE": "P"}]
    decisions = [{"CHILD": "1", "DATE_PLACED": "30/04/2024"}, {"CHILD": "2", "DATE_PLACED": "01/05/2024"},
                 {"CHILD": "3", "DATE_PLACED": "01/01/2024"}]
    assert flagged(ret(eps, decisions), "1003") == {"Episodes": [0], "PlacedAdoption": [0]}


def test_551_placed_for_adoption_without_decision_date():
    eps = [{"CHILD": "1", "PLACE": "A3"}, {"CHILD": "2", "PLACE": "A6"}, {"CHILD": "3", "PLACE": "A4"},
           {"CHILD": "4", "PLACE": "U4"}]
    decisions = [{"CHILD": "1"}, {"CHILD": "2", "DATE_PLACED": ""}]
    assert flagged(ret(eps, decisions), "551") == {"Episodes": [1, 2], "PlacedAdoption": [1]}


def test_552_latest_decision_after_first_adoption_placement():
    eps = [{"CHILD": "1", "DECOM": "01/05/2024", "PLACE": "A5", "DEC": "01/07/2024", "REC": "X1"},
           {"CHILD": "1", "DECOM": "01/07/2024", "PLACE": "A5"},
           {"CHILD": "2", "DECOM": "01/06/2024", "PLACE": "A6"}]
    decisions = [{"CHILD": "1", "DATE_PLACED": "01/04/2024"}, {"CHILD": "1", "DATE_PLACED": "02/05/2024"},
                 {"CHILD": "2", "DATE_PLACED": "01/06/2024"}]
    assert flagged(ret(eps, decisions), "552") == {"Episodes": [0], "PlacedAdoption": [1]}


def test_553_placement_order_without_decision():
    eps = [{"CHILD": "1", "LS": "E1"},  # decision present, open: fine
           {"CHILD": "2", "LS": "E1"},  # no decision row
           {"CHILD": "3", "LS": "E1"},  # open order, latest decision ceased
           {"CHILD": "4", "LS": "E1", "DEC": "01/10/2024", "REC": "E13"}]  # order ended: ceased decision fine
    decisions = [{"CHILD": "1"}, {"CHILD": "3", **CEASED}, {"CHILD": "4", **CEASED}]
    assert flagged(ret(eps, decisions), "553") == {"Episodes": [1], "PlacedAdoption": [1]}


def test_555_freeing_order_without_decision_until_2023():
    eps = [{"CHILD": "1", "LS": "D1"}, {"CHILD": "2", "LS": "D1"}]
    r = ret(eps, [{"CHILD": "1"}], year="2023/24")
    assert flagged(r, "555") == {"Episodes": [1]}


def test_554_decision_after_placement_order_granted():
    eps = [{"CHILD": "1", "DECOM": "01/05/2024", "LS": "C2", "DEC": "01/06/2024", "REC": "X1"},
           {"CHILD": "1", "DECOM": "01/06/2024", "LS": "E1", "RNE": "L"},  # granted 01/06
           {"CHILD": "2", "DECOM": "01/05/2024", "LS": "C2", "DEC": "01/06/2024", "REC": "X1"},
           {"CHILD": "2", "DECOM": "01/06/2024", "LS": "E1", "RNE": "L"},
           {"CHILD": "3", "DECOM": "01/03/2024", "LS": "E1", "RNE": "P"}]  # granted before the file: unknown
    decisions = [{"CHILD": "1", "DATE_PLACED": "02/06/2024"}, {"CHILD": "2", "DATE_PLACED": "01/06/2024"},
                 {"CHILD": "3", "DATE_PLACED": "01/04/2024"}]
    assert flagged(ret(eps, decisions), "554") == {"Episodes": [1], "PlacedAdoption": [0]}


def test_556_decision_after_freeing_order_until_2023():
    eps = [{"CHILD": "1", "DECOM": "01/05/2023", "LS": "D1", "RNE": "S"},
           {"CHILD": "2", "DECOM": "01/05/2023", "LS": "D1", "RNE": "S"}]
    decisions = [{"CHILD": "1", "DATE_PLACED": "02/05/2023"}, {"CHILD": "2", "DATE_PLACED": "01/05/2023"}]
    assert flagged(ret(eps, decisions, year="2023/24"), "556") == {"Episodes": [0], "PlacedAdoption": [0]}


def test_557_left_care_not_adopted_needs_ceased_decision_by_year():
    eps = [{"CHILD": "1", "PLACE": "A5", "DEC": "01/10/2024", "REC": "E13"},  # decision not ceased
           {"CHILD": "2", "PLACE": "A5", "DEC": "01/10/2024", "REC": "E13"},  # ceased: fine
           {"CHILD": "3", "LS": "E1", "DEC": "01/10/2024", "REC": "E4A"},  # no decision at all
           {"CHILD": "4", "LS": "D1", "DEC": "01/10/2024", "REC": "E4A"},  # D1: only up to 2023/24
           {"CHILD": "5", "PLACE": "A5", "DEC": "01/10/2024", "REC": "E11"},  # adopted
           {"CHILD": "6", "PLACE": "A5", "DEC": "01/10/2024", "REC": "X1"}]  # continues in care
    decisions = [{"CHILD": "1"}, {"CHILD": "2", **CEASED}, {"CHILD": "4"}, {"CHILD": "5"}, {"CHILD": "6"}]
    assert flagged(ret(eps, decisions, year="2023/24"), "557") == {"Episodes": [0, 2, 3], "PlacedAdoption": [0, 2]}
    assert flagged(ret(eps, decisions, year="2024/25"), "557") == {"Episodes": [0, 2], "PlacedAdoption": [0]}


def test_558_adopted_but_latest_decision_ceased():
    eps = [{"CHILD": "1", "PLACE": "A5", "DEC": "01/10/2024", "REC": "E11"},
           {"CHILD": "2", "PLACE": "A5", "DEC": "01/10/2024", "REC": "E12"},
           {"CHILD": "3", "PLACE": "A5", "DEC": "01/10/2024", "REC": "E13"}]
    decisions = [{"CHILD": "1", **CEASED}, {"CHILD": "2", "DATE_PLACED": "01/02/2024", **CEASED},
                 {"CHILD": "2", "DATE_PLACED": "01/06/2024"}, {"CHILD": "3", **CEASED}]
    assert flagged(ret(eps, decisions), "558") == {"Episodes": [0], "PlacedAdoption": [0]}


def test_unreadable_dates_elsewhere_do_not_disable_the_rules():
    """Known reference defect A3: a bad date in one row must only skip that row."""
    eps = [{"CHILD": "1", "DECOM": "01/05/2024", "RNE": "S"}, {"CHILD": "9", "DECOM": "31/02/2024", "RNE": "S"},
           {"CHILD": "9", "DECOM": "01/05/2024", "DEC": "xx/05/2024", "REC": "E11", "PLACE": "A5", "LS": "E1"}]
    decisions = [{"CHILD": "1", "DATE_PLACED": "30/04/2024"}, {"CHILD": "9", "DATE_PLACED": "2024/05/01"},
                 {"CHILD": "9", "DATE_PLACED": "01/05/2024", "DATE_PLACED_CEASED": "31/04/2024"}]
    r = ret(eps, decisions)
    assert flagged(r, "1003") == {"Episodes": [0], "PlacedAdoption": [0]}
    for code in ("117", "118", "551", "552", "553", "554", "557", "558"):
        flagged(r, code)  # runs without error
