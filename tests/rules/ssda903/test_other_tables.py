from tests.helpers import flagged, make_903


def test_167_review_code():
    rows = [{"CHILD": "1", "DOB": "01/01/2015", "REVIEW": "01/06/2024", "REVIEW_CODE": c} for c in ("PN1", "PN9", "", "pn1")]
    assert flagged(make_903({"Reviews": rows}), "167") == {"Reviews": [1, 2, 3]}


def test_1006_missing_type():
    rows = [{"CHILD": "1", "DOB": "01/01/2015", "MISSING": c, "MIS_START": "01/06/2024"} for c in ("M", "A", "X", "")]
    assert flagged(make_903({"Missing": rows}), "1006") == {"Missing": [2, 3]}


def test_int03_episode_child_missing_from_header():
    r = make_903({
        "Header": [{"CHILD": "1"}, {"CHILD": "2"}],
        "Episodes": [{"CHILD": "2", "DECOM": "01/05/2024"}, {"CHILD": "3", "DECOM": "01/05/2024"}, {"CHILD": "1"}],
    })
    assert flagged(r, "INT03") == {"Episodes": [1]}


def test_302_first_episode_before_birth():
    r = make_903({
        "Header": [{"CHILD": "1", "DOB": "10/05/2024"}, {"CHILD": "2", "DOB": "01/01/2020"}],
        "Episodes": [
            {"CHILD": "1", "DECOM": "11/05/2024"},  # second episode of child 1: not first
            {"CHILD": "1", "DECOM": "09/05/2024", "DEC": "11/05/2024", "REC": "X1"},  # first, before birth
            {"CHILD": "2", "DECOM": "01/01/2020"},  # born that day: fine
        ],
    })
    assert flagged(r, "302") == {"Episodes": [1]}


def test_202_sex_against_last_year_maps_old_codes():
    r = make_903(
        {"Header": [{"CHILD": "1", "SEX": "M"}, {"CHILD": "2", "SEX": "F"}, {"CHILD": "3", "SEX": "F"}, {"CHILD": "4", "SEX": "M"}]},
        year="2024/25",
        previous={"Header": [{"CHILD": "1", "SEX": "1"}, {"CHILD": "2", "SEX": "1"}, {"CHILD": "3", "SEX": ""}]},
    )
    assert flagged(r, "202") == {"Header": [1]}


def test_203_dob_against_last_year():
    r = make_903(
        {"Header": [{"CHILD": "1", "DOB": "01/01/2015"}, {"CHILD": "2", "DOB": "02/01/2015"}, {"CHILD": "3", "DOB": "31/02/2015"}]},
        previous={"Header": [{"CHILD": "1", "DOB": "01/01/2015"}, {"CHILD": "2", "DOB": "01/01/2015"}, {"CHILD": "3", "DOB": "01/01/2015"}]},
    )
    assert flagged(r, "203") == {"Header": [1]}
