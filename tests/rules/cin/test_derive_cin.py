"""The shared CIN helpers and derived frames the rules read (validator.derive.cin, cin_activity)."""

import numpy as np
import pandas as pd

from tests.helpers import make_cin
from validator.derive.cin import char_matrix, episode_flags, s47_flags
from validator.derive.cin_activity import (EPISODE_KEY, count_in_group, equals, in_keys, key_codes, parent_rows,
                                           points_in_periods, rows_of_keys, starts_inside_another, valid_code,
                                           with_parent)

D = pd.Timestamp


def test_key_codes_equal_exactly_where_the_keys_are():
    a = pd.DataFrame({"x": [1, 1, 2, 30], "day": [D("2024-05-01"), pd.NaT, D("2024-05-01"), D("2024-05-01")]})
    b = pd.DataFrame({"x": [1, 2, 1], "day": [D("2024-05-01"), D("2024-05-02"), pd.NaT]})
    left, right = key_codes([a, b], ["x", "day"])
    assert left[0] == right[0] and left[1] == right[2]  # NaT matches NaT, as a value of its own
    assert len({*left, right[1]}) == 5


def test_key_codes_stay_exact_for_keys_too_wide_to_multiply():
    big = 2**40
    a = pd.DataFrame({"x": [0, big, 0], "y": [0, big, big], "z": [big, 0, big]})
    (codes,) = key_codes([a], ["x", "y", "z"])
    assert len(set(codes)) == 3
    (again,) = key_codes([pd.concat([a, a.iloc[[1]]])], ["x", "y", "z"])
    assert again[1] == again[3] and len(set(again)) == 3


def test_in_keys_rows_of_keys_and_count_in_group():
    t = pd.DataFrame({"ChildSeq": [1, 1, 2, 3], "CINdetailsID": [1, 2, 1, 1]}, index=[10, 11, 12, 13])
    other = pd.DataFrame({"ChildSeq": [1, 2, 2], "CINdetailsID": [2, 1, 1]}, index=[5, 6, 7])
    assert in_keys(t, other, EPISODE_KEY).tolist() == [False, True, True, False]
    flags = pd.Series([pd.NA, True, False], index=other.index, dtype="boolean")  # blank counts as false
    assert rows_of_keys(t, other, flags, EPISODE_KEY).tolist() == [False, False, True, False]
    assert count_in_group(other, EPISODE_KEY).tolist() == [1, 2, 2]
    assert count_in_group(other, EPISODE_KEY, pd.Series([True, True, False], index=other.index)).tolist() == [1, 1, 1]
    assert count_in_group(t.iloc[:0], EPISODE_KEY).tolist() == []


def test_parent_rows_take_the_first_parent_and_are_made_once():
    r = make_cin({"CINdetails": [{"LAchildID": "A", "CINdetailsID": 1, "CINreferralDate": "2024-05-01"},
                                 {"LAchildID": "A", "CINdetailsID": 1, "CINreferralDate": "2024-06-01"},
                                 {"LAchildID": "B", "CINdetailsID": 1, "CINreferralDate": "2024-07-01"}],
                  "Assessments": [{"LAchildID": "A", "CINdetailsID": 1}, {"LAchildID": "A", "CINdetailsID": 2},
                                  {"LAchildID": "B", "CINdetailsID": 1}]})
    rows = parent_rows(r, "Assessments", "CINdetails", EPISODE_KEY)
    assert rows.tolist() == [0, -1, 2]
    assert parent_rows(r, "Assessments", "CINdetails", EPISODE_KEY) is rows
    a = with_parent(r, "Assessments", "CINdetails", EPISODE_KEY, "CINreferralDate_date", "LAchildID")
    assert a["CINreferralDate_date"].tolist()[0] == D("2024-05-01") and pd.isna(a["CINreferralDate_date"][1])
    assert a["CINreferralDate_date"].dtype == "datetime64[ns]"
    assert a["LAchildID_parent"].tolist() == ["A", pd.NA, "B"] and a.index.equals(r.table("Assessments").index)


def test_points_in_periods_include_both_ends_and_never_match_nat():
    on = ["ChildSeq"]
    points = pd.DataFrame({"ChildSeq": [1, 1, 1, 2, 1]}, index=list("abcde"))
    at = pd.Series([D("2024-05-01"), D("2024-05-10"), D("2024-05-11"), D("2024-05-05"), pd.NaT], index=points.index)
    periods = pd.DataFrame({"ChildSeq": [1, 1, 3]}, index=["p", "q", "r"])
    start = pd.Series([D("2024-05-01"), pd.NaT, D("2024-01-01")], index=periods.index)
    last = pd.Series([D("2024-05-10"), D("2024-12-31"), D("2024-12-31")], index=periods.index)
    inside, containing = points_in_periods(points, at, periods, start, last, on)
    assert inside.tolist() == [True, True, False, False, False]
    assert containing.tolist() == [True, False, False]


def test_starts_inside_another_flags_both_rows_and_not_a_row_with_itself():
    t = pd.DataFrame({"ChildSeq": [1, 1, 1, 2]})
    start = pd.Series([D("2024-05-01"), D("2024-05-05"), D("2024-06-01"), D("2024-05-02")])
    last = pd.Series([D("2024-05-05"), D("2024-05-20"), D("2024-06-30"), D("2024-05-30")])
    assert starts_inside_another(t, start, last, ["ChildSeq"]).tolist() == [True, True, False, False]


def test_equals_and_valid_code_read_the_text_as_written():
    r = make_cin({"CINdetails": [{"LAchildID": c, "ReasonForClosure": v}
                                 for c, v in zip("ABCD", ["RC8", "rc8", "", "RC1"])]})
    assert equals(r, "CINdetails", "ReasonForClosure", "RC8", "RC9").tolist() == [True, False, False, False]
    assert valid_code(r, "CINdetails", "ReasonForClosure").tolist() == [True, False, False, True]


def test_char_matrix():
    m = char_matrix(pd.Series(["ab", None, "x" * 20, "é٣"], dtype="string"), 4)
    assert m.shape == (4, 4) and m.dtype == np.uint32
    assert m.tolist() == [[97, 98, 0, 0], [0, 0, 0, 0], [120] * 4, [233, 0x663, 0, 0]]


def test_episode_and_s47_flags():
    values = ["true", "TRUE", "1", "false", "False", "0", "", "yes"]
    on = "2024-06-01"
    r = make_cin({"CINdetails": [{"LAchildID": str(i), "ReferralNFA": v, "CINclosureDate": on if i == 3 else ""}
                                 for i, v in enumerate(values)],
                  "Section47": [{"LAchildID": str(i), "ICPCnotRequired": v, "DateOfInitialCPC": on if i == 4 else ""}
                                for i, v in enumerate(values)]})
    e = episode_flags(r)
    assert e["nfa_true"].tolist() == [True, True, True, False, False, False, False, False]
    assert e["nfa_false"].tolist() == [False, False, False, True, True, True, False, False]
    assert e["open_further_action"].tolist() == [False, False, False, False, True, True, False, False]
    s = s47_flags(r)
    assert s["icpc_not_required_true"].tolist() == e["nfa_true"].tolist()
    assert s["icpc_not_required_false"].tolist() == e["nfa_false"].tolist()
    assert s["open"].tolist() == [False, False, False, True, False, True, True, True]
