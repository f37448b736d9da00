from tests.helpers import flagged, make_903

E = {"CHILD": "1", "DECOM": "01/05/2024", "RNE": "S", "LS": "C2", "CIN": "N1", "PLACE": "U1", "PLACE_PROVIDER": "PR1"}


def eps(*rows, year="2024/25"):
    return make_903({"Episodes": [{**E, **r} for r in rows]}, year=year)


def ep(child, decom, dec="", rec=None, **kw):
    return {"CHILD": child, "DECOM": decom, "DEC": dec, "REC": rec if rec is not None else ("X1" if dec else ""), **kw}


def test_501_starts_before_previous_ended_whatever_the_row_order():
    r = eps(
        ep("1", "10/05/2024", "", RNE="P"),  # starts before the previous ended: flagged
        ep("1", "01/05/2024", "15/05/2024"),
        ep("2", "01/05/2024", "15/05/2024"),
        ep("2", "15/05/2024", "", RNE="P"),  # same day: fine
        ep("3", "01/05/2024", "31/02/2024"),  # unreadable DEC: not judged
        ep("3", "10/05/2024", "", RNE="P"),
    )
    assert flagged(r, "501") == {"Episodes": [0]}


def test_388_x1_needs_a_same_day_continuation():
    r = eps(
        ep("1", "01/05/2024", "10/05/2024", "X1"),  # (a) next starts another day
        ep("1", "11/05/2024", "", RNE="P"),
        ep("2", "01/05/2024", "10/05/2024", "E8"),  # (b) next starts the same day but REC is not X1
        ep("2", "10/05/2024", "", RNE="P"),
        ep("3", "01/05/2024", "10/05/2024", "X1"),  # (c) last episode ends X1
        ep("4", "01/05/2024", "10/05/2024", "X1"),  # fine
        ep("4", "10/05/2024", "20/05/2024", "E8", RNE="P"),  # fine: last, ended care
        ep("5", "01/05/2024", ""),  # open: stays open, fine
    )
    assert flagged(r, "388") == {"Episodes": [0, 2, 4]}


def test_consecutive_episodes_when_a_decom_is_not_a_date():
    """Child 1's second episode has a DECOM that is no date (141): where it comes is unknown, so its
    first episode's X1 and its open latest episode are not judged; its third and fourth episodes meet
    (one starts on the day the other ended), so they are: the fourth is RNE P with the same placement
    (435). Child 2 is in order."""
    r = eps(
        ep("1", "13/02/2024", "23/05/2024", "X1"),
        ep("1", "", "06/08/2024", "X1", RNE="P"),
        ep("1", "06/08/2024", "18/10/2024", "X1", RNE="P", PLACE="U4"),
        ep("1", "18/10/2024", "", RNE="P", PLACE="U4"),
        ep("2", "13/02/2024", "23/05/2024", "X1"),
        ep("2", "24/05/2024", "", RNE="P", PLACE="U4"),  # starts a day after the X1: 388 on row 4, 433 on row 5
    )
    assert flagged(r, "141") == {"Episodes": [1]}
    expected = {"388": {"Episodes": [4]}, "433": {"Episodes": [5]}, "435": {"Episodes": [3]}}
    for code in ("388", "142", "433", "501", "431", "434", "435", "436"):
        assert flagged(r, code) == expected.get(code, {}), code


def test_431_new_start_on_or_before_previous_end():
    r = eps(
        ep("1", "01/05/2024", "10/05/2024", "E8"), ep("1", "10/05/2024", "", RNE="S"),  # same day
        ep("2", "01/05/2024", "10/05/2024", "E8"), ep("2", "11/05/2024", "", RNE="S"),  # fine
        ep("3", "01/05/2024", "10/05/2024", "X1"), ep("3", "10/05/2024", "", RNE="P"),  # not S
    )
    assert flagged(r, "431") == {"Episodes": [1]}


def test_432_after_care_ended_new_episode_must_be_s():
    r = eps(
        ep("1", "01/05/2024", "10/05/2024", "E8"), ep("1", "20/05/2024", "", RNE="P"),
        ep("2", "01/05/2024", "10/05/2024", "E13"), ep("2", "20/05/2024", "", RNE="S"),
        ep("3", "01/05/2024", "10/05/2024", "X1"), ep("3", "10/05/2024", "", RNE="P"),
    )
    assert flagged(r, "432") == {"Episodes": [1]}


def test_433_continuation_must_start_when_previous_ended():
    r = eps(
        ep("1", "01/05/2024", "10/05/2024"), ep("1", "11/05/2024", "", RNE="P"),
        ep("2", "01/05/2024", "10/05/2024"), ep("2", "10/05/2024", "", RNE="L"),
        ep("3", "01/05/2024", "10/05/2024", "E8"), ep("3", "20/05/2024", "", RNE="S"),
        ep("4", "01/04/2023", "", RNE="B"),  # first in the file: not judged
        ep("5", "01/05/2024", "31/02/2024"), ep("5", "11/05/2024", "", RNE="T"),  # unreadable previous DEC
    )
    assert flagged(r, "433") == {"Episodes": [1]}


def test_437_further_episodes_after_died_or_18():
    r = eps(
        ep("1", "01/05/2024", "10/05/2024", "E15"), ep("1", "20/05/2024", "", RNE="S"),
        ep("2", "01/05/2024", "10/05/2024", "E2"),
        ep("3", "01/05/2024", "10/05/2024", "E8"), ep("3", "20/05/2024", "", RNE="S"),
    )
    assert flagged(r, "437") == {"Episodes": [0]}


def test_357_first_episode_in_the_year_must_start_care():
    r = eps(
        ep("1", "01/05/2024", "", RNE="P"),  # first, in the year: flagged
        ep("2", "01/03/2024", "10/05/2024", RNE="P"),  # first but began last year: may continue older care
        ep("2", "10/05/2024", "", RNE="P"),
        ep("3", "01/04/2024", "", RNE="S"),
        ep("4", "01/04/2024", "", RNE=""),  # blank left to 143
    )
    assert flagged(r, "357") == {"Episodes": [0]}


def test_434_435_436_what_changed():
    base = dict(LS="C2", PLACE="U1", PL_POST="AB1 2CD", URN="SC1", PLACE_PROVIDER="PR1")
    first = ep("1", "01/05/2024", "10/05/2024", **base)
    rows = [
        first, ep("1", "10/05/2024", "20/05/2024", **{**base, "LS": "C1"}, RNE="L"),  # L right
        ep("1", "20/05/2024", "30/05/2024", **{**base, "LS": "C1"}, RNE="L"),  # L but LS unchanged
        ep("1", "30/05/2024", "05/06/2024", **{**base, "LS": "C2", "PL_POST": ""}, RNE="L"),  # L but postcode changed
        ep("1", "05/06/2024", "10/06/2024", **{**base, "LS": "C2", "PL_POST": "", "PLACE": "U4"}, RNE="P"),  # P right
        ep("1", "10/06/2024", "15/06/2024", **{**base, "LS": "C1", "PL_POST": "", "PLACE": "U6"}, RNE="P"),  # P but LS changed
        ep("1", "15/06/2024", "20/06/2024", **{**base, "LS": "C1", "PL_POST": "", "PLACE": "U6"}, RNE="T"),  # T nothing changed
        ep("1", "20/06/2024", "25/06/2024", **{**base, "LS": "C2", "PL_POST": "", "PLACE": "U1"}, RNE="B"),  # B right
        ep("1", "25/06/2024", "30/06/2024", **{**base, "LS": "C2", "PL_POST": "", "PLACE": "U4"}, RNE="U"),  # U, LS same
        ep("1", "30/06/2024", "", **{**base, "LS": "C1", "PL_POST": "", "PLACE": "U4"}, RNE="B"),  # B, placement same
        ep("2", "01/05/2024", "", RNE="L"),  # first episode: nothing to compare
        ep("3", "01/05/2024", "10/05/2024", **base),
        ep("3", "10/05/2024", "", **{**base, "LS": "C1", "PL_POST": "ab12cd"}, RNE="L"),  # L right: the same postcode
        ep("4", "01/05/2024", "10/05/2024", **base),
        ep("4", "10/05/2024", "", **{**base, "PL_POST": " ab1  2cd"}, RNE="P"),  # P but the same postcode
    ]
    r = eps(*rows)
    assert flagged(r, "434") == {"Episodes": [2, 3]}
    assert flagged(r, "435") == {"Episodes": [5, 6, 14]}
    assert flagged(r, "436") == {"Episodes": [8, 9]}


def test_504_category_of_need_differs_from_period_start():
    r = eps(
        ep("1", "01/05/2024", "10/05/2024", CIN="N1"),
        ep("1", "10/05/2024", "20/05/2024", CIN="N2", RNE="P"),  # differs from start
        ep("1", "20/05/2024", "30/05/2024", "E8", CIN="N2", RNE="P"),  # still differs from start N1
        ep("1", "10/06/2024", "", CIN="N3", RNE="S"),  # new period
        ep("2", "01/05/2024", "10/05/2024", CIN="N4"),
        ep("2", "10/05/2024", "", CIN="", RNE="P"),  # blank: 145's
    )
    assert flagged(r, "504") == {"Episodes": [1, 2]}


def test_336_adoption_with_foster_carers_follows_foster_or_adoption_placement():
    r = eps(
        ep("1", "01/05/2024", "10/05/2024", PLACE="U4"), ep("1", "10/05/2024", "", PLACE="A5", RNE="T"),
        ep("2", "01/05/2024", "10/05/2024", PLACE="K2"), ep("2", "10/05/2024", "", PLACE="A3", RNE="T"),
        ep("3", "01/05/2024", "10/05/2024", PLACE="K2"), ep("3", "10/05/2024", "", PLACE="A4", RNE="P"),
        ep("4", "01/05/2024", "", PLACE="A3"),  # first in the file
    )
    assert flagged(r, "336") == {"Episodes": [3]}


def test_225_reason_for_placement_change_needed():
    r = eps(
        ep("1", "01/05/2024", "10/05/2024", PLACE="U1"), ep("1", "10/05/2024", "", PLACE="U4", RNE="P"),  # missing
        ep("2", "01/05/2024", "10/05/2024", PLACE="U1", REASON_PLACE_CHANGE="CARPL"), ep("2", "10/05/2024", "", PLACE="U4", RNE="P"),
        ep("3", "01/05/2024", "10/05/2024", PLACE="U1"), ep("3", "10/05/2024", "", PLACE="T1", RNE="P"),  # into temporary
        ep("4", "01/05/2024", "10/05/2024", PLACE="U1"), ep("4", "10/05/2024", "", PLACE="U1", RNE="L"),  # status only
    )
    assert flagged(r, "225") == {"Episodes": [0]}


def test_226_no_reason_around_temporary_placements():
    r = eps(
        ep("1", "01/05/2024", "10/05/2024", PLACE="U1", REASON_PLACE_CHANGE="CARPL"),  # holds the reason: flagged
        ep("1", "10/05/2024", "12/05/2024", PLACE="T1", RNE="P"),  # temporary: flagged
        ep("1", "12/05/2024", "", PLACE="U1", RNE="P"),
        ep("2", "01/05/2024", "10/05/2024", PLACE="U1"),
        ep("2", "10/05/2024", "12/05/2024", PLACE="T2", RNE="P", REASON_PLACE_CHANGE="OTHER"),  # own reason
        ep("2", "12/05/2024", "", PLACE="U1", RNE="P"),
        ep("3", "01/05/2024", "10/05/2024", PLACE="U1"),
        ep("3", "10/05/2024", "12/05/2024", PLACE="T3", RNE="P"),  # fine
        ep("3", "12/05/2024", "", PLACE="U4", RNE="P"),
    )
    assert flagged(r, "226") == {"Episodes": [0, 1, 4]}


def _383_rows():
    return [
        ep("1", "01/05/2024", "10/05/2024", PLACE="U1", PL_POST="AB1 2CD"),
        ep("1", "10/05/2024", "12/05/2024", PLACE="T1", RNE="P"),
        ep("1", "12/05/2024", "", PLACE="U1", RNE="P", PL_POST="AB1 2CD"),  # back: fine
        ep("2", "01/05/2024", "10/05/2024", PLACE="U1", PL_POST="AB1 2CD"),
        ep("2", "10/05/2024", "12/05/2024", PLACE="T1", RNE="P"),
        ep("2", "12/05/2024", "", PLACE="U4", RNE="P", PL_POST="AB1 2CD"),  # other placement type
        ep("3", "01/05/2024", "10/05/2024", PLACE="U1", PL_POST="AB1 2CD"),
        ep("3", "10/05/2024", "12/05/2024", PLACE="T1", RNE="P"),
        ep("3", "12/05/2024", "", PLACE="U1", RNE="T", PL_POST="AB1 2CD"),  # RNE not P
        ep("4", "01/05/2024", "10/05/2024", PLACE="U1", PL_POST="AB1 2CD"),
        ep("4", "10/05/2024", "12/05/2024", PLACE="T1", RNE="P"),
        ep("4", "12/05/2024", "", PLACE="U1", RNE="P", PL_POST="ZZ9 9ZZ"),  # other postcode
        ep("5", "01/05/2024", "12/05/2024", PLACE="T1", RNE="P"),  # temporary first in file: not judged
        ep("5", "12/05/2024", "", PLACE="U1", RNE="B"),
        ep("6", "01/05/2024", "10/05/2024", PLACE="U1", PL_POST="AB1 2CD"),
        ep("6", "10/05/2024", "12/05/2024", PLACE="T1", RNE="P"),
        ep("6", "12/05/2024", "", PLACE="U1", RNE="P", PL_POST="ab12cd"),  # back: the same postcode
    ]


def test_383_return_to_normal_placement_before_2025():
    r = eps(*_383_rows(), year="2024/25")
    assert flagged(r, "383") == {"Episodes": [5, 8]}


def test_383_return_to_normal_placement_and_postcode_from_2025():
    rows = [{**row, "DECOM": row["DECOM"][:-4] + "2025", "DEC": row["DEC"] and row["DEC"][:-4] + "2025"} for row in _383_rows()]
    r = eps(*rows, year="2025/26")
    assert flagged(r, "383") == {"Episodes": [5, 8, 11]}
