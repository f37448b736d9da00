from tests.helpers import flagged, make_903

H = {"CHILD": "1", "SEX": "M", "DOB": "01/02/2015", "ETHNIC": "WBRI", "UPN": "UN1"}


def header(*changes):
    return [{**H, "CHILD": str(i), **c} for i, c in enumerate(changes)]


def test_101_sex_codes_by_year():
    rows = header({"SEX": "M"}, {"SEX": "1"}, {"SEX": ""}, {"SEX": "m"}, {"SEX": "U"})
    assert flagged(make_903({"Header": rows}, year="2024/25"), "101") == {"Header": [1, 2, 3]}
    assert flagged(make_903({"Header": rows}, year="2023/24"), "101") == {"Header": [0, 2, 3, 4]}


def test_102_dob_must_be_real_date_in_dfe_layout():
    rows = header({"DOB": "01/02/2015"}, {"DOB": "31/02/2015"}, {"DOB": "2015-02-01"}, {"DOB": ""}, {"DOB": "1/2/2015"})
    assert flagged(make_903({"Header": rows}), "102") == {"Header": [1, 2, 3, 4]}


def test_103_ethnic_missing_or_invalid():
    rows = header({"ETHNIC": "WBRI"}, {"ETHNIC": "XXXX"}, {"ETHNIC": ""}, {"ETHNIC": "wbri"})
    assert flagged(make_903({"Header": rows}), "103") == {"Header": [1, 2, 3]}
