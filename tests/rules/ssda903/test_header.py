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


# UPNs with the right check letter (DfE UPN guide): permanent and temporary (final letter).
GOOD_UPN, GOOD_TEMP_UPN = "Y201000000001", "T93812345678A"


def test_168_upn_format_and_check_letter():
    rows = header(
        {"UPN": GOOD_UPN},  # 0 valid
        {"UPN": GOOD_TEMP_UPN},  # 1 valid temporary UPN
        {"UPN": "UN5"},  # 2 unknown code
        {"UPN": "A201000000001"},  # 3 wrong check letter
        {"UPN": "y201000000001"},  # 4 lower case
        {"UPN": "Y20100000001"},  # 5 12 characters
        {"UPN": "T93812345678I"},  # 6 final letter I never used
        {"UPN": ""},  # 7 blank: rule 442
        {"UPN": "UN6"},  # 8 not a DfE unknown code
    )
    assert flagged(make_903({"Header": rows}), "168") == {"Header": [3, 4, 5, 6, 8]}


def test_209_school_age_child_with_un1():
    # 2024/25: cut-off 31/08/2023; a child aged 4 or more on that day is of school age.
    rows = header(
        {"UPN": "UN1", "DOB": "31/08/2019"},  # 4th birthday on the cut-off: flagged
        {"UPN": "UN1", "DOB": "01/09/2019"},  # 3 on the cut-off: fine
        {"UPN": "UN2", "DOB": "01/01/2010"},  # other code
        {"UPN": "UN1", "DOB": "31/02/2010"},  # not a date: not evaluated
        {"UPN": "UN1", "DOB": "01/01/2010"},
    )
    assert flagged(make_903({"Header": rows}), "209") == {"Header": [0, 4]}
    assert flagged(make_903({"Header": rows}, year="2025/26"), "209") == {"Header": [0, 1, 4]}


def test_444_duplicate_upn_between_children():
    rows = header({"UPN": GOOD_UPN}, {"UPN": GOOD_UPN}, {"UPN": "UN1"}, {"UPN": "UN1"}, {"UPN": GOOD_TEMP_UPN}, {"UPN": ""},
                  {"UPN": ""})
    assert flagged(make_903({"Header": rows}, year="2025/26"), "444") == {"Header": [0, 1]}
    same_child = [{**H, "CHILD": "9", "UPN": GOOD_UPN}, {**H, "CHILD": "9", "UPN": GOOD_UPN}]
    assert flagged(make_903({"Header": same_child}, year="2026/27"), "444") == {}


def test_232_sex_unknown():
    rows = header({"SEX": "M"}, {"SEX": "U"}, {"SEX": "u"}, {"SEX": ""})
    assert flagged(make_903({"Header": rows}), "232") == {"Header": [1]}


def test_301_dob_after_year_end():
    rows = header({"DOB": "31/03/2025"}, {"DOB": "01/04/2025"}, {"DOB": "32/04/2025"})
    assert flagged(make_903({"Header": rows}), "301") == {"Header": [1]}


def test_351_over_25_at_year_start():
    rows = header({"DOB": "01/04/1999"}, {"DOB": "31/03/1999"}, {"DOB": "01/01/1990"}, {"DOB": ""})
    assert flagged(make_903({"Header": rows}), "351") == {"Header": [1, 2]}


def test_171_mc_dob_not_valid_date():
    rows = header({"MC_DOB": ""}, {"MC_DOB": "01/02/2024"}, {"MC_DOB": "30/02/2024"}, {"MC_DOB": "2024-02-01"})
    assert flagged(make_903({"Header": rows}), "171") == {"Header": [2, 3]}


def test_174_mc_dob_for_male_by_year():
    rows = header({"SEX": "1", "MC_DOB": "01/02/2024"}, {"SEX": "M", "MC_DOB": "01/02/2024"},
                  {"SEX": "2", "MC_DOB": "01/02/2024"}, {"SEX": "M", "MC_DOB": ""}, {"SEX": "M", "MC_DOB": "bad"})
    assert flagged(make_903({"Header": rows}, year="2023/24"), "174") == {"Header": [0]}
    assert flagged(make_903({"Header": rows}, year="2024/25"), "174") == {"Header": [1, 4]}


def test_611_mother_without_mc_dob():
    rows = header({"MOTHER": "1", "MC_DOB": ""}, {"MOTHER": "1", "MC_DOB": "01/02/2024"}, {"MOTHER": "0", "MC_DOB": ""})
    assert flagged(make_903({"Header": rows}), "611") == {"Header": [0]}


def test_612_mc_dob_but_not_mother_by_year():
    rows = header(
        {"SEX": "F", "MOTHER": "0", "MC_DOB": "01/02/2024"},  # 0
        {"SEX": "F", "MOTHER": "", "MC_DOB": "01/02/2024"},  # 1
        {"SEX": "F", "MOTHER": "1", "MC_DOB": "01/02/2024"},  # 2 mother: fine
        {"SEX": "F", "MOTHER": "0", "MC_DOB": ""},  # 3 no MC_DOB
        {"SEX": "2", "MOTHER": "0", "MC_DOB": "01/02/2024"},  # 4 old code
        {"SEX": "M", "MOTHER": "0", "MC_DOB": "01/02/2024"},  # 5 boy: rule 174
    )
    assert flagged(make_903({"Header": rows}, year="2024/25"), "612") == {"Header": [0, 1]}
    assert flagged(make_903({"Header": rows}, year="2023/24"), "612") == {"Header": [4]}


def test_620_mother_under_11_at_year_start():
    rows = header({"MOTHER": "1", "DOB": "01/04/2013"}, {"MOTHER": "1", "DOB": "02/04/2013"},
                  {"MOTHER": "0", "DOB": "02/04/2015"}, {"MOTHER": "1", "DOB": ""})
    assert flagged(make_903({"Header": rows}), "620") == {"Header": [1]}


def test_621_mother_younger_than_child():
    rows = header({"DOB": "01/01/2008", "MC_DOB": "01/06/2024"}, {"DOB": "01/01/2008", "MC_DOB": "01/01/2008"},
                  {"DOB": "01/01/2008", "MC_DOB": "01/01/2007"}, {"DOB": "01/01/2008", "MC_DOB": "bad"})
    assert flagged(make_903({"Header": rows}), "621") == {"Header": [1, 2]}
