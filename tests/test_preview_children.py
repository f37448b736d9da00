"""The preview's building blocks on integer child codes (validator.derive.preview, reports.preview):
children numbered once per run in display order, breakdowns counted on codes, bands and calendar
spans on numpy, and the masked copy. Each checked against the plain pandas way of doing it."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.preview import Cell, PreviewTable, bands, breakdown, compute, flag_labels, masked
from reports.preview.cin import _add_months, _re_referrals, _referrals
from tests.helpers import make_903, make_return
from validator.derive import Text
from validator.derive import preview as d
from validator.mask import Masker


def ep(child, decom, rne="S", ls="C2", dec="", rec="", cin="N1", place="U6"):
    return {"CHILD": child, "DECOM": decom, "RNE": rne, "LS": ls, "CIN": cin, "PLACE": place, "DEC": dec, "REC": rec}


def test_children_are_numbered_once_in_display_order_across_tables_and_years():
    r = make_903({"Header": [{"CHILD": "10"}, {"CHILD": "9"}, {"CHILD": "B"}],
                  "Episodes": [ep("9", "01/05/2024"), ep("", "01/05/2024"), ep("A", "01/05/2024")]},
                 previous={"Episodes": [ep("100", "01/05/2023"), ep("10", "01/05/2023")]})
    assert d.child_ids(r).tolist() == ["9", "A", "B", "10", "100"]  # shorter first, then by text
    assert d.child_codes(r, "Header").tolist() == [3, 0, 2]
    assert d.child_codes(r, "Episodes").tolist() == [0, -1, 1]  # a blank CHILD is no child
    assert d.child_codes(r, "Episodes_last").tolist() == [4, 3]  # the same child, the same code
    assert d.child_codes(r, "OC3").tolist() == []  # a table the input lacks
    assert d.names(r, np.array([4, 0, -1, 0, 3])) == ["9", "10", "100"]


def test_cin_children_are_numbered_from_every_table():
    r = make_return("cin", {"ChildIdentifiers": [{"LAchildID": "C2"}, {"LAchildID": "C1"}],
                            "CINdetails": [{"LAchildID": "C3", "CINreferralDate": "2024-05-01"}]})
    assert d.child_ids(r).tolist() == ["C1", "C2", "C3"]
    assert d.child_codes(r, "CINdetails").tolist() == [2]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(-1, 6), max_size=30))
def test_row_helpers_match_pandas(codes):
    child = np.array(codes, dtype=np.int64)
    assert d.distinct(child).tolist() == sorted(set(codes))
    frame = pd.DataFrame({"child": child})
    assert d.last_per_child(child).tolist() == frame.drop_duplicates("child", keep="last").index.tolist()
    known = frame[frame["child"] >= 0]
    date = np.array([np.datetime64("2024-01-01") + np.timedelta64(i % 3, "D") for i in range(len(child))],
                    dtype="datetime64[ns]")
    rows = np.flatnonzero(child >= 0)
    by_date = known.assign(date=date[rows]).sort_values(["child", "date"], kind="stable")
    assert sorted(d.one_per_child(child, date, rows, keep="first")) == sorted(by_date.drop_duplicates("child").index)
    assert sorted(d.one_per_child(child, date, rows, keep="last")) == sorted(
        by_date.drop_duplicates("child", keep="last").index)


def test_breakdown_counts_children_and_rows_on_codes():
    kids = d.ChildCodes(np.array([0, 0, 1, 2, -1]), np.array(["7", "8", "10"], dtype=object))
    values = Text.of(pd.Series(["B", "A", "B", None, "A"], dtype="string"))
    t = breakdown("t", "T", "g", values, kids, order=["C"], labels={"A": "A: label"})
    assert [(c.label, c.value, c.children) for c in t.rows] == [
        ("C", 0, []), ("A: label", 1, ["7"]), ("B", 2, ["7", "8"]), ("Not known", 1, ["10"])]
    assert (t.total.value, t.total.children) == (3, ["7", "8", "10"])
    rows = breakdown("t", "T", "g", values, kids, count_rows=True)
    assert [c.value for c in rows.rows] == [2, 2, 1] and rows.total.value == 5  # a row without a child counts
    same_text = breakdown("t", "T", "g", np.array(["1", 1, None], dtype=object), d.ChildCodes(np.array([0, 1, 2]), kids.names))
    assert [(c.label, c.children) for c in same_text.rows] == [("1", ["7", "8"]), ("Not known", ["10"])]
    flags = breakdown("t", "T", "g", flag_labels(np.array([True, False, False]), "yes", "no"),
                      d.ChildCodes(np.array([0, 1, 2]), kids.names), order=["yes", "no"])
    assert [(c.label, c.children) for c in flags.rows] == [("yes", ["7"]), ("no", ["8", "10"])]


@pytest.mark.parametrize("values", [[0, 0.5, 1, 4.99, 5, 9, 16, 199, 200, -1, np.nan, np.inf]])
def test_bands_match_pd_cut(values):
    edges, names = [0, 1, 5, 10, 16, 200], ["a", "b", "c", "d", "e"]
    expected = pd.cut(pd.Series(values, dtype="float64"), bins=edges, labels=names, right=False)
    got = np.asarray(bands(values, edges, names), dtype=object)
    assert [None if pd.isna(x) else x for x in got] == [None if pd.isna(x) else x for x in expected.astype(object)]


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=pd.Timestamp("1990-01-01").date(), max_value=pd.Timestamp("2040-12-31").date()),
       st.sampled_from([3, 6, 12, 24]))
def test_add_months_matches_date_offset(day, months):
    date = np.array([np.datetime64(day, "ns")])
    assert _add_months(date, months)[0] == (pd.Timestamp(day) + pd.DateOffset(months=months)).to_datetime64()


def test_re_referral_counts_from_the_last_earlier_date_of_the_child():
    rows = [("A", "2024-01-10"), ("A", "2024-06-01"), ("A", "2024-06-01"), ("B", ""), ("B", "2024-07-01"),
            ("C", "2023-03-01"), ("C", "2024-05-01")]
    r = make_return("cin", {"CINdetails": [{"LAchildID": c, "CINreferralDate": day, "CINdetailsID": i}
                                           for i, (c, day) in enumerate(rows, 1)]})
    refs = _referrals(r, "", r.year)
    # A on 1 June: 143 days after 10 January (the same-day referral is not the previous one); B: none
    # before (a blank date is no referral); C: 427 days
    assert refs.tolist() == [1, 2, 4, 6] and _re_referrals(r, "", r.year).tolist() == [True, True, False, False]


def test_period_need_is_the_first_given_in_the_period():
    r = make_903({"Header": [{"CHILD": "1", "DOB": "01/01/2015"}],
                  "Episodes": [ep("1", "01/05/2024", cin="", dec="01/06/2024", rec="X1"),
                               ep("1", "01/06/2024", rne="L", cin="N4")]})
    need = next(t for t in compute(r).tables if t.id == "cla_need")
    assert [(c.label.split(":")[0], c.children) for c in need.rows] == [("N4", ["1"])]


def test_masked_copy_uses_one_pseudonym_per_child_and_leaves_the_preview_alone():
    r = make_903({"Header": [{"CHILD": "1", "DOB": "01/01/2015"}, {"CHILD": "2", "DOB": "01/01/2010"}],
                  "Episodes": [ep("1", "01/05/2024"), ep("2", "01/05/2023")]})
    p = compute(r)
    m = Masker("k")
    q = masked(p, m)
    assert q.measure("cla_at_31_march").children == [m.pseudonym("1"), m.pseudonym("2")]
    assert p.measure("cla_at_31_march").children == ["1", "2"]
    for t, u in zip(p.tables, q.tables):
        assert [[m.pseudonym(k) for k in c.children] for c in t.rows] == [c.children for c in u.rows]
        assert (t.total is None) == (u.total is None)
        assert isinstance(u, PreviewTable) and all(isinstance(c, Cell) for c in u.rows)
    assert [x.value for x in q.measures] == [x.value for x in p.measures] and q.notes == p.notes
