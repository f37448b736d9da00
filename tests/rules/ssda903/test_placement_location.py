"""Placement location rules. Postcodes are real ones from the ONS directory the project ships with:
TW9 1DN, TW1 3AA, TW9 1AA (Richmond upon Thames, E09000027 / 318), SW1A 1AA (Westminster),
B1 1AA (Birmingham), CT1 2AA (Canterbury -> Kent), CF10 1AA (Cardiff -> WAL), EH1 1AA (Edinburgh ->
SCO), JE2 3AB (Jersey: in the directory without a grid reference -> NUK), KW15 1AA (Orkney),
TR18 2AA (Penzance), CA1 1AA (Carlisle: Cumbria until March 2023, then Cumberland)."""

import pytest

from tests.helpers import flagged, make_903
from tests.rules.ssda903.test_ofsted import ofsted_lists
from validator.derive.ssda903_placement import placement

E = {"CHILD": "1", "DECOM": "01/05/2024", "RNE": "S", "LS": "C2", "CIN": "N1", "PLACE": "U1",
     "PLACE_PROVIDER": "PR1", "HOME_POST": "TW9 1DN", "PL_POST": "TW1 3AA", "URN": "SC123456"}
RICHMOND = "E09000027"


def eps(*rows, year="2024/25", la=RICHMOND, **tables):
    return make_903({"Episodes": [{**E, **r} for r in rows], **tables}, year=year, la=la)


def test_derived_fields_la_location_distance():
    r = eps({}, {"PL_POST": "SW1A 1AA"}, {"PL_POST": "cf10 1aa"}, {"PL_POST": "ZZ9 9ZZ"}, {"PL_POST": ""},
            {"PL_POST": "JE2 3AB"})
    p = placement(r)
    assert p["PL_LA"].tolist()[:3] == ["E09000027", "E09000033", "WAL"]
    assert p["PL_LA"].isna().tolist()[3:5] == [True, True] and p.loc[5, "PL_LA"] == "NUK"
    assert p["PL_LOCATION"].tolist()[:3] == ["IN", "OUT", "OUT"]
    assert p["PL_DISTANCE"].tolist()[:2] == [1.4, 7.4]
    assert p["PL_DISTANCE"].isna().tolist()[3:] == [True, True, True]


def test_derived_la_uses_the_geography_of_the_year_and_la_by_dfe_number():
    before = make_903({"Episodes": [{**E, "PL_POST": "CA1 1AA"}]}, year="2022/23", la="909")
    after = make_903({"Episodes": [{**E, "PL_POST": "CA1 1AA"}]}, year="2023/24", la="942")
    assert placement(before).loc[0, ["PL_LA", "PL_LOCATION"]].tolist() == ["E10000006", "IN"]
    assert placement(after).loc[0, ["PL_LA", "PL_LOCATION"]].tolist() == ["E06000063", "IN"]


def test_164_distance_not_valid_when_a_given_postcode_has_no_position():
    r = eps({}, {"PL_POST": "ZZ9 9ZZ"}, {"PL_POST": "JE2 3AB"}, {"PL_POST": ""},
            {"CHILD": "U", "PL_POST": "ZZ9 9ZZ"}, {"PL_POST": "ZZ9 9ZZ", "LS": "V3"},
            UASC=[{"CHILD": "U", "DOB": "01/01/2008"}])
    # 0 fine; 1 unknown postcode; 2 no grid reference; 3 blank (392a/b); 4 UASC; 5 short break
    assert flagged(r, "164") == {"Episodes": [1, 2]}


def test_164_former_uasc_last_year_excluded():
    r = make_903({"Episodes": [{**E, "CHILD": "U", "PL_POST": "ZZ9 9ZZ"}]},
                 previous={"UASC": [{"CHILD": "U", "DOB": "01/01/2008"}]})
    assert flagged(r, "164") == {}


def test_169_pl_la_missing_or_not_found():
    r = eps({}, {"PL_POST": ""}, {"PL_POST": "ZZ9 9ZZ"}, {"PL_POST": "", "LS": "V4"}, {"PL_POST": "EH1 1AA"})
    assert flagged(r, "169") == {"Episodes": [1, 2]}


def test_179_pl_location_missing():
    r = eps({}, {"PL_POST": ""}, {"PL_POST": "ZZ9 9ZZ", "LS": "V3"}, {"PL_POST": "B1 1AA"})
    assert flagged(r, "179") == {"Episodes": [1]}


def test_387_independent_living_under_14():
    header = [{"CHILD": "1", "DOB": "15/06/2010"}]
    r = eps({"DEC": "14/06/2024", "REC": "E5"}, {"DEC": "15/06/2024", "REC": "E6"}, {"DEC": "14/06/2024", "REC": "E4A"},
            {"DEC": "31/02/2024", "REC": "E5"}, Header=header)
    assert flagged(r, "387") == {"Episodes": [0]}  # day before 14th birthday; on the birthday is 14


def test_392a_no_distance():
    r = eps({}, {"HOME_POST": ""}, {"PL_POST": "ZZ9 9ZZ"}, {"HOME_POST": "", "LS": "V3"},
            {"CHILD": "U", "HOME_POST": ""}, Header=[{"CHILD": "U", "UASC": "1"}])
    assert flagged(r, "392a") == {"Episodes": [1, 2]}


def test_392b_no_postcodes():
    r = eps({}, {"HOME_POST": ""}, {"PL_POST": ""}, {"PL_POST": "ZZ9 9ZZ"}, {"PL_POST": "", "LS": "V4"},
            {"CHILD": "U", "HOME_POST": ""}, UASC=[{"CHILD": "U"}])
    assert flagged(r, "392b") == {"Episodes": [1, 2]}


def test_392c_invalid_postcodes():
    r = eps({}, {"HOME_POST": "ZZ9 9ZZ"}, {"PL_POST": "TW1 3XX"}, {"HOME_POST": "", "PL_POST": ""},
            {"HOME_POST": "tw91dn", "PL_POST": " sw1a  1aa "})
    assert flagged(r, "392c") == {"Episodes": [1, 2]}


def test_392d_same_postcodes_unless_p1():
    r = eps({}, {"PL_POST": "TW9 1DN"}, {"PL_POST": "tw91dn"}, {"PL_POST": "TW9 1DN", "PLACE": "P1"},
            {"HOME_POST": "", "PL_POST": ""}, {"PL_POST": "TW9 1DN", "PLACE": ""})
    assert flagged(r, "392d") == {"Episodes": [1, 2]}


def test_406_uasc_distance_should_be_blank():
    r = eps({"CHILD": "U"}, {"CHILD": "U", "HOME_POST": ""}, {"CHILD": "1"}, {"CHILD": "L"},
            UASC=[{"CHILD": "U"}])
    r_last = make_903({"Episodes": [{**E, "CHILD": "L"}]}, previous={"Header": [{"CHILD": "L", "UASC": "1"}]})
    assert flagged(r, "406") == {"Episodes": [0]}
    assert flagged(r_last, "406") == {"Episodes": [0]}


def test_420_pl_la_on_short_break():
    r = eps({"LS": "V3"}, {"LS": "V4", "PL_POST": ""}, {"LS": "C2"}, {"LS": "V4", "PL_POST": "ZZ9 9ZZ"})
    assert flagged(r, "420") == {"Episodes": [0]}


def test_454_distance_over_350_miles():
    r = eps({}, {"PL_POST": "KW15 1AA"}, {"PL_POST": "EH1 1AA"}, year="2025/26")
    assert flagged(r, "454") == {"Episodes": [1]}  # 530.5 miles; Edinburgh is 332.2


@pytest.mark.parametrize("year", ["2024/25", "2025/26"])
def test_1015_own_provision_outside_own_la(year):
    r = eps({"PLACE": "R1"}, {"PLACE": "R1", "PL_POST": "B1 1AA"}, {"PLACE": "U1", "PL_POST": "B1 1AA"},
            {"PLACE": "R1", "PL_POST": "B1 1AA", "PLACE_PROVIDER": "PR2"}, {"PLACE": "R1", "PL_POST": "ZZ9 9ZZ"},
            {"PLACE": "K3", "PL_POST": "CF10 1AA"}, {"PLACE": "R1", "PL_POST": "B1 1AA", "LS": "V3"}, year=year)
    expected = [1, 5] if year == "2024/25" else [1]  # K3 exempt from 2025/26
    assert flagged(r, "1015") == {"Episodes": expected}


def test_1015_accepts_the_la_as_dfe_number():
    r = eps({"PLACE": "R1"}, {"PLACE": "R1", "PL_POST": "SW1A 1AA"}, la="318")
    assert flagged(r, "1015") == {"Episodes": [1]}


def test_218_urn_required_by_year():
    rows = [{"PLACE": "U1", "URN": ""}, {"PLACE": "U1"}, {"PLACE": "H5", "URN": ""}, {"PLACE": "K3", "URN": ""},
            {"PLACE": "Z1", "URN": ""}, {"PLACE": "Z11", "URN": ""}, {"PLACE": "R1", "URN": ""},
            {"PLACE": "U1", "URN": "", "PL_POST": "CF10 1AA"}, {"PLACE": "U1", "URN": "", "PL_POST": "ZZ9 9ZZ"},
            {"PLACE": "U1", "URN": "", "DEC": "31/03/2015", "REC": "E11"}, {"PLACE": "", "URN": ""}]
    assert flagged(eps(*rows, year="2023/24"), "218") == {"Episodes": [0, 3, 5, 8]}
    assert flagged(eps(*rows, year="2024/25"), "218") == {"Episodes": [0, 2, 3, 5, 8]}
    assert flagged(eps(*rows, year="2025/26"), "218") == {"Episodes": [0, 2, 3, 4, 8]}


def test_230_h5_needs_urn_from_28_october_2023():
    rows = [{"PLACE": "H5", "URN": ""}, {"PLACE": "H5", "URN": "XXXXXXX", "DEC": "29/10/2023", "REC": "E11"},
            {"PLACE": "H5", "URN": "", "DEC": "28/10/2023", "REC": "E11"}, {"PLACE": "H5"},
            {"PLACE": "H5", "URN": "", "PL_POST": "EH1 1AA"}, {"PLACE": "U1", "URN": ""}]
    assert flagged(eps(*rows, year="2023/24"), "230") == {"Episodes": [0, 1]}


def test_241_k3_placement_must_be_where_provider_has_premises(tmp_path):
    lists = ofsted_lists(tmp_path, [
        {"URN": "1234567", "Local Authority": "Richmond upon Thames", "Setting Postcode": "SW1A 1AA"},
        {"URN": "7654321", "Local Authority": "Birmingham"}])
    r = eps({"PLACE": "K3", "URN": "1234567"}, {"PLACE": "K3", "URN": "1234567", "PL_POST": "SW1A 1AA"},
            {"PLACE": "K3", "URN": "1234567", "PL_POST": "B1 1AA"}, {"PLACE": "K3", "URN": "7654321"},
            {"PLACE": "K3", "URN": "9999999", "PL_POST": "B1 1AA"}, {"PLACE": "R1", "URN": "7654321"},
            {"PLACE": "K3", "URN": "XXXXXXX"}, year="2025/26")
    r.reference["ofsted"] = lists
    assert flagged(r, "241") == {"Episodes": [2, 3]}


def test_241_without_ofsted_lists_is_skipped_with_reason():
    from validator.engine import run

    r = eps({"PLACE": "K3", "URN": "1234567"}, year="2025/26")
    result = run(r, select=["241"])
    assert result.rules_run == [] and result.rules_skipped == [("241", "needs Ofsted's provider lists (--ofsted)")]


def test_243_urn_outside_england():
    r = eps({}, {"PL_POST": "CF10 1AA"}, {"PL_POST": "EH1 1AA", "URN": ""}, {"PL_POST": "JE2 3AB", "URN": "XXXXXXX"},
            {"PL_POST": "ZZ9 9ZZ"}, year="2025/26")
    assert flagged(r, "243") == {"Episodes": [1, 3]}


def test_411_exported_location_must_agree_with_la_of_placement():
    r = make_903({"Episodes": [
        {**E, "PL_POST": "TW1 3AA", "PL_LOCATION": "IN"},  # Richmond, responsible LA: agrees
        {**E, "PL_POST": "SW1A 1AA", "PL_LOCATION": "IN"},  # Westminster but IN: disagrees
        {**E, "PL_POST": "TW1 3AA", "PL_LOCATION": "OUT"},  # disagrees
        {**E, "PL_POST": "ZZ9 9ZZ", "PL_LOCATION": "OUT"},  # unknown postcode: not evaluated
        {**E, "PL_POST": "SW1A 1AA", "PL_LOCATION": "OUT", "PL_LA": "E09000027"},  # exported PL_LA wins: disagrees
    ]}, la=RICHMOND)
    assert flagged(r, "411") == {"Episodes": [1, 2, 4]}


def test_411_not_run_without_exported_location():
    from validator.engine import run

    result = run(eps({}), select=["411"])
    assert result.rules_run == [] and result.rules_skipped[0][0] == "411"
    assert "no PL_LOCATION column" in result.rules_skipped[0][1]
