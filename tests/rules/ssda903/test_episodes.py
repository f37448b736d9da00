from tests.helpers import flagged, make_903

E = {"CHILD": "1", "DECOM": "01/05/2024", "RNE": "S", "LS": "C2", "CIN": "N1", "PLACE": "U1", "PLACE_PROVIDER": "PR1"}


def eps(*rows, year="2024/25"):
    return make_903({"Episodes": [{**E, **r} for r in rows]}, year=year)


def test_141_decom_not_valid_date():
    r = eps({"DECOM": "01/05/2024"}, {"DECOM": "32/05/2024"}, {"DECOM": ""}, {"DECOM": "2024-05-01"})
    assert flagged(r, "141") == {"Episodes": [1, 2, 3]}


def test_142_earlier_episode_without_dec_is_flagged_whatever_the_row_order():
    r = eps(
        {"CHILD": "1", "DECOM": "01/06/2024"},  # latest: open is fine
        {"CHILD": "1", "DECOM": "01/05/2024"},  # earlier, no DEC: flagged
        {"CHILD": "2", "DECOM": "01/05/2024", "DEC": "01/06/2024", "REC": "X1"},
        {"CHILD": "2", "DECOM": "01/06/2024"},
    )
    assert flagged(r, "142") == {"Episodes": [1]}


def test_142_earlier_episode_needs_dec_and_rec():
    r = eps(
        {"CHILD": "1", "DECOM": "01/05/2024", "DEC": "01/06/2024", "REC": ""},  # no REC: flagged
        {"CHILD": "1", "DECOM": "01/06/2024", "RNE": "P"},
        {"CHILD": "2", "DECOM": "01/05/2024", "DEC": "", "REC": "X1"},  # no DEC: flagged
        {"CHILD": "2", "DECOM": "01/06/2024", "RNE": "P"},
        {"CHILD": "3", "DECOM": "01/05/2024", "DEC": "01/06/2024", "REC": ""},  # latest: not judged here (148)
    )
    assert flagged(r, "142") == {"Episodes": [0, 2]}


def test_142_not_judged_when_a_decom_is_not_a_date():
    """Which episode is the latest is unknown: 141 reports the date, 142 waits for it."""
    r = eps(
        {"CHILD": "1", "DECOM": "01/05/2024", "DEC": "01/06/2024", "REC": "X1"},
        {"CHILD": "1", "DECOM": "31/02/2024", "DEC": "01/07/2024", "REC": "X1", "RNE": "P"},
        {"CHILD": "1", "DECOM": "01/07/2024", "RNE": "P"},  # the real latest, open
        {"CHILD": "2", "DECOM": "", "DEC": "01/06/2024", "REC": "X1"},
        {"CHILD": "2", "DECOM": "01/06/2024", "RNE": "P"},
    )
    assert flagged(r, "141") == {"Episodes": [1, 3]}
    assert flagged(r, "142") == {}


def test_143_144_145_code_lists():
    r = eps({}, {"RNE": "Q", "LS": "ZZ", "CIN": "N9"}, {"RNE": "", "LS": "", "CIN": ""})
    assert flagged(r, "143") == {"Episodes": [1, 2]}
    assert flagged(r, "144") == {"Episodes": [1, 2]}
    assert flagged(r, "145") == {"Episodes": [1, 2]}


def test_146_place_list_changes_by_year():
    rows = [{**E, "PLACE": p} for p in ("U1", "K3", "H5", "Z1", "Z11", "k3")]
    by_year = {y: flagged(make_903({"Episodes": rows}, year=y), "146") for y in ("2023/24", "2024/25", "2025/26")}
    assert by_year["2023/24"] == {"Episodes": [1, 4, 5]}  # K3 and Z11 not yet valid
    assert by_year["2024/25"] == {"Episodes": [2, 4, 5]}  # K3 valid (upper case only), H5 gone
    assert by_year["2025/26"] == {"Episodes": [2, 3, 5]}  # Z1 replaced by Z11-Z14


def test_147_dec_not_valid_date_blank_allowed():
    r = eps({"DEC": ""}, {"DEC": "01/13/2024", "REC": "E11"}, {"DEC": "02/05/2024", "REC": "E11"})
    assert flagged(r, "147") == {"Episodes": [1]}


def test_148_dec_and_rec_both_or_neither():
    r = eps({}, {"DEC": "02/05/2024", "REC": "E11"}, {"DEC": "02/05/2024"}, {"REC": "E11"})
    assert flagged(r, "148") == {"Episodes": [2, 3]}


def test_149_rec_invalid_when_given():
    r = eps({}, {"DEC": "02/05/2024", "REC": "E11"}, {"DEC": "02/05/2024", "REC": "E99"})
    assert flagged(r, "149") == {"Episodes": [2]}


def test_356_dec_before_decom():
    r = eps({"DEC": "30/04/2024", "REC": "E11"}, {"DEC": "01/05/2024", "REC": "E11"}, {"DEC": "02/05/2024", "REC": "E11"})
    assert flagged(r, "356") == {"Episodes": [0]}


def test_353_decom_before_14_october_1991():
    r = eps({"DECOM": "13/10/1991"}, {"DECOM": "14/10/1991"}, {"DECOM": "31/02/1990"}, {"DECOM": ""})
    assert flagged(r, "353") == {"Episodes": [0]}


def test_354_decom_after_year_end():
    r = eps({"DECOM": "31/03/2025"}, {"DECOM": "01/04/2025"}, {"DECOM": "01/04/2024"}, {"DECOM": "99/99/2025"})
    assert flagged(r, "354") == {"Episodes": [1]}


def test_385_dec_after_year_end():
    r = eps({"DEC": "31/03/2025", "REC": "E11"}, {"DEC": "01/04/2025", "REC": "E11"}, {}, {"DEC": "32/03/2025", "REC": "E11"})
    assert flagged(r, "385") == {"Episodes": [1]}


def test_355_dec_same_day_as_decom():
    r = eps({"DEC": "01/05/2024", "REC": "X1"}, {"DEC": "02/05/2024", "REC": "X1"}, {}, {"DEC": "30/04/2024", "REC": "X1"})
    assert flagged(r, "355") == {"Episodes": [0]}


def test_1009_reason_place_change_code():
    r = eps({}, {"REASON_PLACE_CHANGE": "CARPL"}, {"REASON_PLACE_CHANGE": "custod"}, {"REASON_PLACE_CHANGE": "XXX"})
    assert flagged(r, "1009") == {"Episodes": [2, 3]}


def test_233_reason_place_change_on_open_episode():
    rows = [
        {"REASON_PLACE_CHANGE": "CARPL"},  # open: flagged
        {"DEC": "02/05/2025", "REC": "X1", "REASON_PLACE_CHANGE": "CARPL"},
        {},
        {"DEC": "31/02/2026", "REC": "X1", "REASON_PLACE_CHANGE": "CARPL"},  # DEC written (invalid): not open
    ]
    r = make_903({"Episodes": [{**E, "DECOM": "01/05/2025", **row} for row in rows]}, year="2025/26")
    assert flagged(r, "233") == {"Episodes": [0]}
