import pytest

from tests.helpers import flagged, make_903

HEADER = [{"CHILD": "1", "SEX": "M", "DOB": "01/01/2015"}, {"CHILD": "2", "SEX": "F", "DOB": "02/02/2016"}]

NOT_IN_HEADER = [("INT01", "AD1"), ("INT02", "PlacedAdoption"), ("INT04", "Missing"), ("INT05", "OC2"), ("INT06", "OC3"),
                 ("INT07", "PrevPerm"), ("INT08", "Reviews"), ("INT09", "UASC")]
DOB_DIFFERS = [("INT11", "AD1"), ("INT12", "PlacedAdoption"), ("INT13", "Missing"), ("INT14", "OC2"), ("INT15", "OC3"),
               ("INT16", "PrevPerm"), ("INT17", "Reviews"), ("INT18", "UASC")]
REPEATED = [("INT31", "AD1"), ("INT32", "Header"), ("INT33", "OC2"), ("INT34", "OC3"), ("INT35", "PrevPerm"),
            ("INT36", "UASC")]


@pytest.mark.parametrize("code,table", NOT_IN_HEADER)
def test_child_not_in_header(code, table):
    rows = [{"CHILD": "2", "DOB": "02/02/2016"}, {"CHILD": "3", "DOB": "02/02/2016"}, {"CHILD": "", "DOB": "02/02/2016"},
            {"CHILD": "1", "DOB": "01/01/2015"}]
    r = make_903({"Header": HEADER, table: rows})
    assert flagged(r, code) == {table: [1, 2]}


@pytest.mark.parametrize("code,table", DOB_DIFFERS)
def test_dob_differs_from_header(code, table):
    rows = [
        {"CHILD": "1", "DOB": "01/01/2015"},  # same
        {"CHILD": "2", "DOB": "03/02/2016"},  # differs: flagged with Header row 1
        {"CHILD": "2", "DOB": "31/02/2016"},  # not a date: left to the date rules
        {"CHILD": "2", "DOB": ""},  # blank
        {"CHILD": "3", "DOB": "01/01/2000"},  # no Header row: INT0x
    ]
    r = make_903({"Header": HEADER, table: rows})
    assert flagged(r, code) == {table: [1], "Header": [1]}


@pytest.mark.parametrize("year", ["2023/24", "2024/25"])
def test_int21_uasc_sex_differs(year):
    m, f = ("1", "2") if year == "2023/24" else ("M", "F")
    header = [{"CHILD": "1", "SEX": m}, {"CHILD": "2", "SEX": f}, {"CHILD": "3", "SEX": ""}]
    uasc = [{"CHILD": "1", "SEX": m}, {"CHILD": "2", "SEX": m}, {"CHILD": "3", "SEX": f}, {"CHILD": "4", "SEX": f}]
    assert flagged(make_903({"Header": header, "UASC": uasc}, year=year), "INT21") == {"UASC": [1], "Header": [1]}


@pytest.mark.parametrize("code,table", REPEATED)
def test_child_repeated(code, table):
    rows = [{"CHILD": "1"}, {"CHILD": "2"}, {"CHILD": "1"}, {"CHILD": ""}, {"CHILD": ""}, {"CHILD": "01"}]
    assert flagged(make_903({table: rows}), code) == {table: [0, 2]}
