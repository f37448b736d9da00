"""Return-level CIN rules: 2886Q (share of children with no sex/gender), 2888Q (one disability each)."""

from tests.helpers import RETURN_LEVEL, flagged, make_cin


def children(n_missing, n_total, column, missing_value, known_value, year, unborn=0):
    rows = []
    for i in range(n_total):
        value = missing_value if i < n_missing + unborn else known_value
        row = {"LAchildID": f"C{i}", column: value}
        if i < unborn:
            row["ExpectedPersonBirthDate"] = "2025-06-01"
        rows.append(row)
    return make_cin({"ChildIdentifiers": rows}, year=year)


def test_2886q_sex_u_or_missing_from_2024_25():
    # 2 of 100 = 2%: passes; 3 of 100: reported. Unborn children with U are not counted.
    assert flagged(children(2, 100, "Sex", "U", "M", "2024/25", unborn=5), "2886Q") == {}
    assert flagged(children(3, 100, "Sex", "U", "F", "2024/25"), "2886Q") == {RETURN_LEVEL: [-1]}
    assert flagged(children(3, 100, "Sex", "", "F", "2025/26"), "2886Q") == {RETURN_LEVEL: [-1]}
    # GenderCurrent 0 no longer counts from 2024/25
    assert flagged(children(3, 100, "GenderCurrent", "0", "1", "2024/25"), "2886Q") == {RETURN_LEVEL: [-1]}
    assert flagged(make_cin({}, year="2024/25"), "2886Q") == {}


def test_2886q_gender_0_or_missing_up_to_2023_24():
    assert flagged(children(2, 100, "GenderCurrent", "0", "1", "2023/24", unborn=4), "2886Q") == {}
    assert flagged(children(3, 100, "GenderCurrent", "0", "2", "2023/24"), "2886Q") == {RETURN_LEVEL: [-1]}
    assert flagged(children(3, 100, "GenderCurrent", "", "2", "2022/23"), "2886Q") == {RETURN_LEVEL: [-1]}
    assert flagged(children(1, 10, "GenderCurrent", "9", "2", "2022/23"), "2886Q") == {}


def test_2888q_some_child_should_have_two_disabilities():
    one_each = [{"LAchildID": "A", "Disability": "MOB"}, {"LAchildID": "B", "Disability": "HAND"},
                {"LAchildID": "C", "Disability": "NONE"}, {"LAchildID": "D", "Disability": "VIS"},
                {"LAchildID": "D", "Disability": "VIS"}]  # a repeated code is still one disability
    assert flagged(make_cin({"Disabilities": one_each}), "2888Q") == {RETURN_LEVEL: [-1]}
    two = one_each + [{"LAchildID": "B", "Disability": "LD"}]
    assert flagged(make_cin({"Disabilities": two}), "2888Q") == {}
    # NONE does not count as a second disability
    with_none = one_each + [{"LAchildID": "A", "Disability": "NONE"}]
    assert flagged(make_cin({"Disabilities": with_none}), "2888Q") == {RETURN_LEVEL: [-1]}
    # children are told apart by position in the file, not LAchildID
    same_id = [{"LAchildID": "A", "ChildSeq": 1, "Disability": "MOB"}, {"LAchildID": "A", "ChildSeq": 2, "Disability": "LD"}]
    assert flagged(make_cin({"Disabilities": same_id}), "2888Q") == {RETURN_LEVEL: [-1]}
    assert flagged(make_cin({"Disabilities": [{"LAchildID": "A", "Disability": "NONE"}]}), "2888Q") == {}
