from tests.helpers import flagged, make_903


def test_204_ethnic_differs_from_last_year():
    r = make_903(
        {"Header": [{"CHILD": "1", "ETHNIC": "WBRI"}, {"CHILD": "2", "ETHNIC": "WIRI"}, {"CHILD": "3", "ETHNIC": ""},
                    {"CHILD": "4", "ETHNIC": "WBRI"}, {"CHILD": "5", "ETHNIC": "WBRI"}]},
        previous={"Header": [{"CHILD": "1", "ETHNIC": "WBRI"}, {"CHILD": "2", "ETHNIC": "WBRI"}, {"CHILD": "3", "ETHNIC": "WBRI"},
                             {"CHILD": "4", "ETHNIC": ""}]},
    )
    assert flagged(r, "204") == {"Header": [1]}


def test_208_upn_changed_after_a_real_upn():
    good, other = "Y201000000001", "V938123456789"
    now = [good, other, "UN2", "", good, "UN3", good]
    last = [good, good, good, good, "UN1", "UN2", ""]
    r = make_903({"Header": [{"CHILD": str(i), "UPN": u} for i, u in enumerate(now)] + [{"CHILD": "new", "UPN": good}]},
                 previous={"Header": [{"CHILD": str(i), "UPN": u} for i, u in enumerate(last)]})
    # 1: another UPN; 2: real UPN replaced by an unknown code. 3 blank now (rule 442); 4-6 from unknown.
    assert flagged(r, "208") == {"Header": [1, 2]}


def test_624_mc_dob_differs_from_last_year():
    r = make_903(
        {"Header": [{"CHILD": "1", "MC_DOB": "01/01/2023"}, {"CHILD": "2", "MC_DOB": "02/01/2023"},
                    {"CHILD": "3", "MC_DOB": ""}, {"CHILD": "4", "MC_DOB": "01/01/2023"}, {"CHILD": "5", "MC_DOB": "01/13/2023"}]},
        previous={"Header": [{"CHILD": "1", "MC_DOB": "01/01/2023"}, {"CHILD": "2", "MC_DOB": "01/01/2023"},
                             {"CHILD": "3", "MC_DOB": "01/01/2023"}, {"CHILD": "4", "MC_DOB": ""},
                             {"CHILD": "5", "MC_DOB": "01/01/2023"}]},
    )
    assert flagged(r, "624") == {"Header": [1]}


def test_626_mother_now_but_not_last_year_with_first_child_born_earlier():
    r = make_903(
        {"Header": [{"CHILD": "1", "MOTHER": "1", "MC_DOB": "31/03/2024"}, {"CHILD": "2", "MOTHER": "1", "MC_DOB": "01/04/2024"},
                    {"CHILD": "3", "MOTHER": "1", "MC_DOB": "31/03/2024"}, {"CHILD": "4", "MOTHER": "1", "MC_DOB": "31/03/2024"},
                    {"CHILD": "5", "MOTHER": "1", "MC_DOB": "31/03/2024"}]},
        previous={"Header": [{"CHILD": "1", "MOTHER": "0"}, {"CHILD": "2", "MOTHER": "0"}, {"CHILD": "3", "MOTHER": "1"},
                             {"CHILD": "4", "MOTHER": ""}]},
    )
    # 1: born before 1/4/2024 yet not a mother last year; 2: born this year; 3 mother both years; 4 blank; 5 new
    assert flagged(r, "626") == {"Header": [0]}
