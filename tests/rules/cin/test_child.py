"""ChildIdentifiers rules: LAchildID format, birth/expected birth/death dates, unborn children."""

from tests.helpers import flagged, make_cin


def kids(*rows, year="2024/25"):
    return make_cin({"ChildIdentifiers": [{"LAchildID": f"C{i}", **row} for i, row in enumerate(rows)]}, year=year)


def test_1570_la_child_id_at_most_20_characters():
    rows = [{"LAchildID": "A" * 20, "ChildSeq": 1}, {"LAchildID": "A" * 21, "ChildSeq": 2},
            {"LAchildID": " " + "B" * 20 + " ", "ChildSeq": 3}, {"LAchildID": "", "ChildSeq": 4}]
    r = make_cin({"ChildIdentifiers": rows})
    assert flagged(r, "1570") == {"ChildIdentifiers": [1]}


def test_1580_la_child_id_ascii_alphanumeric_only():
    rows = [{"LAchildID": v, "ChildSeq": n} for n, v in enumerate(["Ab12", "AB-12", "AB 12", "Émile1", "AB_1", ""], 1)]
    assert flagged(make_cin({"ChildIdentifiers": rows}), "1580") == {"ChildIdentifiers": [1, 2, 3, 4]}


def test_1570_1580_only_from_2024_25():
    import pytest
    with pytest.raises(AssertionError, match="not registered"):
        flagged(kids({}, year="2023/24"), "1570")


def test_8525q_exactly_one_birth_date():
    r = kids({"PersonBirthDate": "2020-01-01"}, {"ExpectedPersonBirthDate": "2025-06-01"},
             {}, {"PersonBirthDate": "2020-01-01", "ExpectedPersonBirthDate": "2025-06-01"},
             {"PersonBirthDate": "2020-13-01"})
    assert flagged(r, "8525Q") == {"ChildIdentifiers": [2, 3]}


def test_8530q_expected_birth_between_boundaries_inclusive():
    r = kids(*({"ExpectedPersonBirthDate": d} for d in
               ["2025-03-01", "2025-02-28", "2025-12-31", "2026-01-01", "", "2025-02-30"]))
    assert flagged(r, "8530Q") == {"ChildIdentifiers": [1, 3]}
    r23 = kids(*({"ExpectedPersonBirthDate": d} for d in ["2023-03-01", "2023-02-28", "2023-12-31", "2024-01-01"]),
               year="2022/23")
    assert flagged(r23, "8530Q") == {"ChildIdentifiers": [1, 3]}


def test_8535q_death_before_birth():
    r = kids({"PersonBirthDate": "2020-05-01", "PersonDeathDate": "2020-04-30"},
             {"PersonBirthDate": "2020-05-01", "PersonDeathDate": "2020-05-01"},
             {"PersonBirthDate": "", "PersonDeathDate": "2020-04-30"},
             {"PersonBirthDate": "2020-05-01", "PersonDeathDate": "2020-04-31"})
    assert flagged(r, "8535Q") == {"ChildIdentifiers": [0]}


def test_8545q_death_within_census_year():
    r = kids(*({"PersonDeathDate": d} for d in ["2024-03-31", "2024-04-01", "2025-03-31", "2025-04-01", "", "x"]))
    assert flagged(r, "8545Q") == {"ChildIdentifiers": [0, 3]}


def test_8750_unborn_gender_0_up_to_2023_24():
    rows = [{"ExpectedPersonBirthDate": "2024-06-01", "GenderCurrent": "0"},
            {"ExpectedPersonBirthDate": "2024-06-01", "GenderCurrent": "1"},
            {"ExpectedPersonBirthDate": "2024-06-01", "GenderCurrent": ""},
            {"ExpectedPersonBirthDate": "2024-06-01", "PersonBirthDate": "2024-03-01", "GenderCurrent": "1"},
            {"PersonBirthDate": "2020-01-01", "GenderCurrent": "2"}]
    assert flagged(kids(*rows, year="2023/24"), "8750") == {"ChildIdentifiers": [1, 2]}
    assert flagged(kids(*rows, year="2022/23"), "8750") == {"ChildIdentifiers": [1, 2]}


def test_8750_unborn_sex_u_from_2024_25():
    rows = [{"ExpectedPersonBirthDate": "2025-06-01", "Sex": "U"},
            {"ExpectedPersonBirthDate": "2025-06-01", "Sex": "F"},
            {"ExpectedPersonBirthDate": "2025-06-01", "Sex": ""},
            {"ExpectedPersonBirthDate": "2025-06-01", "Sex": "u"},
            {"ExpectedPersonBirthDate": "2025-06-01", "PersonBirthDate": "2025-03-01", "Sex": "F"},
            {"ExpectedPersonBirthDate": "2025-06-01", "Sex": "0", "GenderCurrent": "0"}]
    assert flagged(kids(*rows, year="2024/25"), "8750") == {"ChildIdentifiers": [1, 2, 3, 5]}
    assert flagged(kids(*rows, year="2025/26"), "8750") == {"ChildIdentifiers": [1, 2, 3, 5]}
