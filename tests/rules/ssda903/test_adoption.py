from tests.helpers import flagged, make_903

AD = {"CHILD": "1", "DOB": "01/01/2020", "DATE_INT": "01/06/2024", "DATE_MATCH": "01/07/2024", "FOSTER_CARE": "0",
      "NB_ADOPTR": "2", "SEX_ADOPTR": "MF", "LS_ADOPTR": "L11"}
EP = {"CHILD": "1", "DECOM": "01/08/2024", "RNE": "P", "LS": "E1", "CIN": "N1", "PLACE": "A6", "PLACE_PROVIDER": "PR1"}


def ad1(*rows, year="2024/25", **tables):
    return make_903({"AD1": [{**AD, **r} for r in rows], **tables}, year=year)


def test_112_113_dates_not_valid_blank_left_to_151():
    r = ad1({}, {"DATE_INT": "31/06/2024", "DATE_MATCH": "2024-07-01"}, {"DATE_INT": "", "DATE_MATCH": ""})
    assert flagged(r, "112") == {"AD1": [1]}
    assert flagged(r, "113") == {"AD1": [1]}


def test_114_175_176_177_codes_blank_left_to_151():
    r = ad1({}, {"FOSTER_CARE": "2", "NB_ADOPTR": "3", "SEX_ADOPTR": "M2", "LS_ADOPTR": "L1"},
            {"FOSTER_CARE": "", "NB_ADOPTR": "", "SEX_ADOPTR": "", "LS_ADOPTR": ""},
            {"FOSTER_CARE": "1", "NB_ADOPTR": "1", "SEX_ADOPTR": "mf", "LS_ADOPTR": "l0"})
    assert flagged(r, "114") == {"AD1": [1]}
    assert flagged(r, "175") == {"AD1": [1]}
    assert flagged(r, "176") == {"AD1": [1, 3]}
    assert flagged(r, "177") == {"AD1": [1, 3]}


def test_151_all_or_nothing():
    blank = {k: "" for k in ("DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR")}
    r = ad1({}, blank, {**blank, "LS_ADOPTR": "L0"}, {"DATE_MATCH": ""}, {"DATE_INT": "not a date"})
    assert flagged(r, "151") == {"AD1": [2, 3]}


def test_333_date_int_on_or_before_date_match():
    r = ad1({}, {"DATE_INT": "01/07/2024"}, {"DATE_INT": "02/07/2024"}, {"DATE_INT": ""},
            {"DATE_INT": "99/99/2024"}, {"DATE_INT": "", "DATE_MATCH": ""})
    assert flagged(r, "333") == {"AD1": [2, 3]}


def test_511_two_adopters_need_couple_code():
    r = ad1({}, {"SEX_ADOPTR": "M1"}, {"SEX_ADOPTR": "F1"}, {"NB_ADOPTR": "1", "SEX_ADOPTR": "F1"},
            {"SEX_ADOPTR": ""}, {"SEX_ADOPTR": "FF"})
    assert flagged(r, "511") == {"AD1": [1, 2]}


def test_514_to_524_legal_status_against_sex_of_adopters():
    cases = [("L0", "M1"), ("L0", "MF"), ("L3", "MF"), ("L3", "FF"), ("L4", "MM"), ("L4", "MF"), ("L2", "FF"),
             ("L2", "F1"), ("L11", "MF"), ("L11", "MM"), ("L12", "FF"), ("L12", "MF"), ("L4", "")]
    r = ad1(*[{"LS_ADOPTR": ls, "SEX_ADOPTR": sx} for ls, sx in cases])
    assert flagged(r, "514") == {"AD1": [1]}
    assert flagged(r, "517") == {"AD1": [3]}
    assert flagged(r, "518") == {"AD1": [5]}
    assert flagged(r, "519") == {"AD1": [7]}
    assert flagged(r, "520") == {"AD1": [9]}
    assert flagged(r, "524") == {"AD1": [11]}


def test_331_matched_after_adoption_placement():
    r = ad1({"CHILD": "1", "DATE_MATCH": "01/08/2024"}, {"CHILD": "2", "DATE_MATCH": "02/08/2024"},
            {"CHILD": "3", "DATE_MATCH": "02/08/2024"},
            Episodes=[{**EP, "CHILD": "1", "DEC": "01/12/2024", "REC": "E11"},
                      {**EP, "CHILD": "2", "DEC": "01/12/2024", "REC": "E12"},
                      {**EP, "CHILD": "3", "DEC": "01/12/2024", "REC": "E4A"}])  # not adopted: not checked
    assert flagged(r, "331") == {"AD1": [1], "Episodes": [1]}


def test_334_date_int_before_latest_start_of_care():
    eps = [
        {**EP, "CHILD": "1", "DECOM": "01/04/2023", "RNE": "S", "DEC": "01/05/2023", "REC": "E4A"},
        {**EP, "CHILD": "1", "DECOM": "01/07/2024", "RNE": "S"},  # latest start: after DATE_INT
        {**EP, "CHILD": "2", "DECOM": "01/06/2024", "RNE": "S"},  # same day: passes
        {**EP, "CHILD": "3", "DECOM": "01/08/2024", "RNE": "P"},  # no S episode: not checked
    ]
    r = ad1({"CHILD": "1"}, {"CHILD": "2"}, {"CHILD": "3"}, Episodes=eps)
    assert flagged(r, "334") == {"AD1": [0], "Episodes": [1]}


def test_335_foster_care_against_adoption_placement():
    eps = [{**EP, "CHILD": c, "PLACE": p, "DEC": "01/12/2024", "REC": rec}
           for c, p, rec in [("1", "A5", "E11"), ("2", "A5", "E11"), ("3", "A6", "E12"), ("4", "A6", "E12"),
                             ("5", "A3", "E4A")]]
    r = ad1({"CHILD": "1", "FOSTER_CARE": "0"}, {"CHILD": "2", "FOSTER_CARE": "1"},
            {"CHILD": "3", "FOSTER_CARE": "1"}, {"CHILD": "4", "FOSTER_CARE": "0"}, {"CHILD": "5", "FOSTER_CARE": "0"},
            Episodes=eps)
    assert flagged(r, "335") == {"AD1": [0, 2], "Episodes": [0, 2]}


def test_521_date_int_after_placed_for_adoption():
    eps = [{**EP, "CHILD": "1", "DECOM": "01/05/2024", "PLACE": "U4", "DEC": "31/05/2024", "REC": "X1"},
           {**EP, "CHILD": "1", "DECOM": "31/05/2024", "PLACE": "A4"},  # before DATE_INT 01/06
           {**EP, "CHILD": "2", "DECOM": "01/06/2024", "PLACE": "A3"}]  # same day passes
    r = ad1({"CHILD": "1"}, {"CHILD": "2"}, Episodes=eps)
    assert flagged(r, "521") == {"AD1": [0], "Episodes": [1]}


def test_582_adopted_on_date_matched():
    eps = [{**EP, "CHILD": "1", "DEC": "01/12/2024", "REC": "E11"}, {**EP, "CHILD": "2", "DEC": "01/12/2024", "REC": "E11"},
           {**EP, "CHILD": "3", "DEC": "01/12/2024", "REC": "E13"}]
    r = ad1({"CHILD": "1", "DATE_MATCH": "01/12/2024"}, {"CHILD": "2"}, {"CHILD": "3", "DATE_MATCH": "01/12/2024"},
            Episodes=eps)
    assert flagged(r, "582") == {"AD1": [0], "Episodes": [0]}


def test_601_adopted_in_year_needs_complete_ad1():
    eps = [{**EP, "CHILD": c, "DEC": dec, "REC": rec} for c, dec, rec in [
        ("1", "01/12/2024", "E11"),  # complete AD1
        ("2", "01/12/2024", "E12"),  # AD1 missing an item
        ("3", "01/12/2024", "E11"),  # no AD1 row at all
        ("4", "01/12/2023", "E11"),  # adopted last year: not checked
        ("5", "01/12/2024", "E4A"),  # not adopted
    ]]
    r = ad1({"CHILD": "1"}, {"CHILD": "2", "LS_ADOPTR": ""}, {"CHILD": "4", "NB_ADOPTR": ""},
            {"CHILD": "5", "NB_ADOPTR": ""}, Episodes=eps)
    assert flagged(r, "601") == {"AD1": [1], "Episodes": [1, 2]}


def test_602_ad1_for_child_not_adopted_in_year():
    blank = {k: "" for k in ("DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR")}
    eps = [{**EP, "CHILD": "1", "DEC": "31/03/2025", "REC": "E11"}, {**EP, "CHILD": "2", "DEC": "31/03/2024", "REC": "E11"},
           {**EP, "CHILD": "3"}]
    r = ad1({"CHILD": "1"}, {"CHILD": "2"}, {"CHILD": "3"}, {"CHILD": "3", **blank}, {"CHILD": "4"}, Episodes=eps)
    assert flagged(r, "602") == {"AD1": [1, 2, 4]}
