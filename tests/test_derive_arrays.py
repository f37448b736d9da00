"""The numpy building blocks of validator.derive that the SSDA903 rules stand on: factorised text
columns, the CHILD numbering, joins and per-child picks on integers, date arithmetic. Each is
checked against the pandas operation it replaces, blanks included."""

import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.helpers import make_903
from validator.derive import (Text, add_years, age_at, ages, birthday, birthdays, cached, days_in_month, derived,
                              invalid_date, make_dates, take, text)
from validator.derive.ssda903 import (among, by_child_and_day, children, episode_of_child, episodes, first_of_child,
                                      neighbours, run_bounds, run_cummax, run_starts, same_child)

rng = np.random.default_rng(7)


def texts(*values):
    return pd.Series(pd.array(list(values), dtype="string"))


# ---------------------------------------------------------------- Text


def test_text_codes_and_tests_match_pandas():
    s = texts("A3", None, "a3", "A4", "A3", None)
    t = Text.of(s)
    assert t.codes.tolist() == [0, -1, 1, 2, 0, -1]
    assert t.blank.tolist() == s.isna().tolist() and t.given.tolist() == s.notna().tolist()
    assert t.isin({"A3", "A4"}).tolist() == s.isin(["A3", "A4"]).tolist()  # case matters, blank never in
    assert t.eq("a3").tolist() == [False, False, True, False, False, False]
    assert t.strings().tolist() == ["A3", None, "a3", "A4", "A3", None]
    assert t.check(str.isupper).tolist() == [True, False, False, True, True, False]


def test_text_same_compares_two_columns_by_value():
    a, b = Text.of(texts("X", "Y", None, "Z", None)), Text.of(texts("Y", "Y", None, "z", "Q"))
    assert a.same(b).tolist() == [False, True, False, False, False]  # blank is never the same


def test_text_take_gives_blank_for_minus_one():
    t = Text.of(texts("P", "L", None))
    assert t.take(np.array([1, -1, 0, 2])).strings().tolist() == ["L", None, "P", None]
    assert Text.of(texts()).take(np.array([-1, -1])).blank.tolist() == [True, True]  # empty column


def test_take_fills_by_dtype():
    assert np.isnat(take(np.array(["2024-01-01"], dtype="datetime64[ns]"), np.array([-1])))[0]
    assert np.isnan(take(np.array([1.5]), np.array([-1])))[0]
    assert take(np.array([3, 4]), np.array([1, -1])).tolist() == [4, -1]
    assert take(np.array(["a"], dtype=object), np.array([-1])).tolist() == [None]


def test_text_and_invalid_date_read_the_return():
    r = make_903({"Episodes": [{"CHILD": "1", "DECOM": "01/04/2024"}, {"CHILD": "1", "DECOM": "2024-04-01"},
                               {"CHILD": "1", "DECOM": "31/02/2024"}, {"CHILD": "1"}]})
    assert text(r, "Episodes", "DECOM") is text(r, "Episodes", "DECOM")  # made once per run
    assert invalid_date(r, "Episodes", "DECOM").tolist() == [False, True, True, False]


# ---------------------------------------------------------------- cached


def test_cached_records_seconds_without_nested_derived_values():
    @derived
    def inner(r):
        time.sleep(0.05)
        return 1

    @derived
    def outer(r):
        return inner(r) + 1

    r = make_903({})
    assert outer(r) == 2 and cached(r, "other", lambda: 5) == 5
    seconds = {k.rsplit(".", 1)[-1]: v for k, v in r.__dict__["_derive_seconds"].items()}
    assert seconds["inner"] >= 0.05 and seconds["outer"] < 0.04


# ---------------------------------------------------------------- dates


def _dates(n):
    days = rng.integers(-40_000, 40_000, n)
    days[:6] = [-1, 0, 59, 11_016, 11_017, 11_381]  # around 29 February 2000 and 1970
    out = days.astype("datetime64[D]").astype("datetime64[ns]")
    out[::17] = np.datetime64("NaT")
    return out


def test_ages_and_birthdays_match_the_series_versions():
    born, on = _dates(3000), _dates(3000)[::-1].copy()
    expected = age_at(pd.Series(born), pd.Series(on)).to_numpy()
    assert np.array_equal(ages(born, on), expected, equal_nan=True)
    assert np.array_equal(ages(born, pd.Timestamp(2025, 3, 31)),
                          age_at(pd.Series(born), pd.Timestamp(2025, 3, 31)).to_numpy(), equal_nan=True)
    for years in (4, 14, 18):
        assert np.array_equal(birthdays(born, years), birthday(pd.Series(born), years).to_numpy(), equal_nan=True)


@pytest.mark.parametrize("years", [-1, 1, 4, 18, 25])
def test_add_years_matches_pandas_date_offset(years):
    d = _dates(3000)
    expected = (pd.Series(d) + pd.DateOffset(years=years)).to_numpy()
    assert np.array_equal(add_years(d, years), expected, equal_nan=True)


def test_make_dates_and_days_in_month():
    year, month = np.array([2000, 1900, 2024, 2023, 0]), np.array([2, 2, 12, 4, 1])
    assert days_in_month(year, month).tolist() == [29, 28, 31, 30, 31]
    assert make_dates(year, month, np.array([29, 1, 31, 31, 1])).astype(str).tolist() == [
        "2000-02-29", "1900-02-01", "2024-12-31", "2023-05-01", "0000-01-01"]


# ---------------------------------------------------------------- runs and joins on integers


def test_runs():
    keys = np.array([3, 3, 1, 1, 1, 7])
    assert run_starts(keys).tolist() == [True, False, True, False, False, True]
    assert run_starts(keys, np.array([0, 1, 1, 1, 2, 2])).tolist() == [True, True, True, False, True, True]
    first, last = run_bounds(keys)
    assert first.tolist() == [0, 0, 2, 2, 2, 5] and last.tolist() == [1, 1, 4, 4, 4, 5]
    assert run_cummax(np.array([5, 2, 9, 1, 4, 3]), first).tolist() == [5, 5, 9, 9, 9, 3]
    empty = np.zeros(0, dtype=np.int64)
    assert run_starts(empty).size == 0 and run_bounds(empty)[0].size == 0 and run_cummax(empty, empty).size == 0


def test_among_is_isin():
    for _ in range(100):
        values, pool = rng.integers(-3, 8, rng.integers(0, 15)), rng.integers(-3, 8, rng.integers(0, 15))
        assert among(values, pool).tolist() == np.isin(values, pool).tolist()


def test_same_child_is_an_inner_merge_on_child():
    for _ in range(200):
        a, b = rng.integers(-1, 5, rng.integers(0, 12)), rng.integers(-1, 5, rng.integers(0, 12))
        m = pd.DataFrame({"k": a, "i": np.arange(len(a))}).merge(pd.DataFrame({"k": b, "j": np.arange(len(b))}), on="k")
        i, j = same_child(a, b)
        assert i.tolist() == m["i"].tolist() and j.tolist() == m["j"].tolist()


def test_by_child_and_day_is_a_stable_sort_with_nat_last():
    for _ in range(100):
        n = rng.integers(0, 20)
        child = rng.integers(-1, 4, n)
        day = rng.integers(-30_000, 30_000, n).astype("datetime64[D]").astype("datetime64[ns]")
        day[rng.random(n) < 0.3] = np.datetime64("NaT")
        day[rng.random(n) < 0.3] = np.datetime64("2024-04-01")
        rows = np.flatnonzero(rng.random(n) < 0.8)
        f = pd.DataFrame({"child": child, "day": day}).iloc[rows]
        assert by_child_and_day(child, rows, day).tolist() == f.sort_values(["child", "day"], kind="stable").index.tolist()


@pytest.mark.parametrize("last", [False, True])
def test_first_of_child_is_sort_then_drop_duplicates(last):
    for _ in range(200):
        n = rng.integers(0, 15)
        child, day = rng.integers(-1, 4, n), rng.integers(0, 3, n).astype("datetime64[D]").astype("datetime64[ns]")
        rows = np.flatnonzero(rng.random(n) < 0.8)
        f = pd.DataFrame({"child": child, "day": day}).iloc[rows]
        f = f.sort_values(["child", "day"], kind="stable").drop_duplicates("child", keep="last" if last else "first")
        assert first_of_child(child, rows, day, last=last).tolist() == sorted(f.index)


# ---------------------------------------------------------------- the CHILD numbering and episode order


def test_children_are_numbered_alike_in_every_table():
    r = make_903({"Header": [{"CHILD": "7"}, {"CHILD": "8"}, {"CHILD": ""}],
                  "Episodes": [{"CHILD": "8"}, {"CHILD": "9"}, {"CHILD": ""}, {"CHILD": "8"}]},
                 previous={"Header": [{"CHILD": "9"}, {"CHILD": "7"}]})
    c = children(r)
    h, e, hl = c.of("Header"), c.of("Episodes"), c.of("Header_last")
    assert h[1] == e[0] == e[3] and e[1] == hl[0] and h[0] == hl[1] and h[2] == e[2] == -1
    assert c.of("UASC").size == 0 and c.ids[h[0]] == "7" and c.number(texts("9", "x", None)).tolist() == [e[1], -1, -1]
    assert c.mark(e)[h].tolist() == [False, True, True]  # blank matches blank, as pandas' isin does
    assert c.first_rows("Episodes")[h].tolist() == [-1, 0, -1]
    assert c.first_rows("Episodes", blank_matches=True)[h].tolist() == [-1, 0, 2]


def test_children_are_numbered_as_one_factorisation_of_every_tables_child_column(tmp_path):
    """children() numbers each table's distinct CHILD texts; the numbers are those one factorisation
    of every table's CHILD column in turn would give (first appearance), whatever order ingest first
    met the texts in (here '7' is the URN of Episodes row 1, a column read before CHILD, and the CHILD of row 3)
    and however they were cleaned (' 8', '8.0' and '8' are one child; NULL is blank)."""
    from validator.ingest import load_return

    for year, header, episode_rows in (("current", ["7,,,,9,,", "9,,,,,,", " 8,,,,,,", "NULL,,,,,,", "8.0,,,,,,"],
                                    ["7,10,,,,,,,,,,,", ",8,,,,,,,,,,,", ",7,,,,,,,,,,,"]),
                                   ("previous", ["11,,,,,,", "9,,,,,,"], [])):
        (tmp_path / year).mkdir()
        (tmp_path / year / "header.csv").write_text("\n".join(["CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB", *header]) + "\n")
        if episode_rows:
            (tmp_path / year / "episodes.csv").write_text("\n".join(
                ["URN,CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST",
                 *episode_rows]) + "\n")
    r = load_return([str(tmp_path / "current")], previous=[str(tmp_path / "previous")], kind="ssda903", year="2024/25")
    keys = [k for k in r.tables if "CHILD" in r.tables[k].frame.columns]
    numbers, ids = pd.factorize(np.concatenate([r.tables[k].frame["CHILD"].to_numpy(dtype=object, na_value=None)
                                                for k in keys]))
    c = children(r)
    assert np.concatenate([c.of(k) for k in keys]).tolist() == numbers.tolist()
    assert c.ids.tolist() == ids.tolist() == ["10", "8", "7", "9", "11"]  # Episodes is read first
    assert c.of("Header").tolist() == [2, 3, 1, -1, 1]


def test_episodes_order_and_neighbours():
    r = make_903({"Episodes": [{"CHILD": "1", "DECOM": "01/06/2024"}, {"CHILD": "2", "DECOM": "01/05/2024"},
                               {"CHILD": "1", "DECOM": "bad"}, {"CHILD": "1", "DECOM": "01/05/2024"},
                               {"CHILD": "", "DECOM": "01/01/2024"},
                               {"CHILD": "3", "DECOM": "01/07/2024"}, {"CHILD": "3", "DECOM": "01/05/2024"}]})
    e = episodes(r)
    assert e["order"].tolist() == [1, 0, 2, 0, 0, 1, 0]  # a DECOM that is not a date sorts last
    assert e["n_episodes"].tolist() == [3, 1, 3, 3, 1, 2, 2]
    assert e["prev_row"].tolist() == [3, -1, 0, -1, -1, 6, -1] and e["next_row"].tolist() == [2, -1, -1, 0, -1, -1, 5]
    assert e["in_order"].tolist() == [False, True, False, False, True, True, True]  # child 1: a DECOM is no date
    prev, nxt = neighbours(r)  # child 1's episodes have none: their order is unknown
    assert prev.tolist() == [-1, -1, -1, -1, -1, 6, -1] and nxt.tolist() == [-1, -1, -1, -1, -1, -1, 5]


def test_neighbours_of_a_child_out_of_order_are_the_episodes_that_meet():
    """A DECOM that is not a date: only an episode starting on the day another ended follows it."""
    r = make_903({"Episodes": [{"CHILD": "1", "DECOM": "01/04/2024", "DEC": "01/05/2024", "REC": "X1"},
                               {"CHILD": "1", "DECOM": "bad", "DEC": "01/06/2024", "REC": "X1"},
                               {"CHILD": "1", "DECOM": "01/06/2024", "DEC": "01/07/2024", "REC": "X1"},
                               {"CHILD": "1", "DECOM": "01/07/2024"},
                               {"CHILD": "2", "DECOM": "01/04/2024", "DEC": "01/05/2024", "REC": "X1"},
                               {"CHILD": "2", "DECOM": "02/05/2024"}]})
    prev, nxt = neighbours(r)
    assert prev.tolist() == [-1, -1, -1, 2, -1, 4]  # child 2 is in order: a gap is still a neighbour
    assert nxt.tolist() == [-1, -1, 3, -1, 5, -1]


@pytest.mark.parametrize("last", [False, True])
def test_episode_of_child_is_sort_then_drop_duplicates(last):
    days = ["01/04/2024", "02/04/2024", "bad", ""]
    for _ in range(30):
        n = int(rng.integers(1, 12))
        rows = [{"CHILD": str(rng.choice(["1", "2", "3", ""])), "DECOM": str(rng.choice(days))} for _ in range(n)]
        r = make_903({"Episodes": rows})
        mask = rng.random(n) < 0.7
        e = r.table("Episodes")[["CHILD", "DECOM_date"]]
        e = e[mask & e["DECOM_date"].notna().to_numpy()].sort_values(["CHILD", "DECOM_date"], kind="stable")
        expected = sorted(e.drop_duplicates("CHILD", keep="last" if last else "first").index)
        assert episode_of_child(r, mask, last=last).tolist() == expected


@pytest.mark.parametrize("paths, kw", [
    (["fixtures/samples/ssda903_2024_25/current"], {"kind": "ssda903", "year": "2024/25"}),
    (["fixtures/samples/cin_2024_25.xml"], {}),
])
def test_text_from_ingest_codes_is_text_of_the_column(paths, kw, tmp_path):
    """derive.text reuses ingest's codes: the same text per row, and equal codes exactly where the
    text is equal, as Text.of(the column) gives; also for texts that clean to one value."""
    import shutil

    from validator.derive import _text
    from validator.ingest import load_return

    root = Path(__file__).resolve().parent.parent
    if kw.get("kind") == "ssda903":  # add spaces, Excel's '.0' and a blank token to one table
        shutil.copytree(root / paths[0], tmp_path / "r")
        h = tmp_path / "r" / "header.csv"
        lines = h.read_text().splitlines()
        lines[1] = lines[1].replace(",", " ,", 1)
        lines.append(lines[1].replace(lines[1].split(",")[0], lines[1].split(",")[0].strip() + ".0", 1))
        lines.append(lines[2].replace(",", ",NULL", 2).replace(",NULL", "", 1))
        h.write_text("\n".join(lines) + "\n")
        paths = [str(tmp_path / "r")]
    else:
        paths = [str(root / paths[0])]
    r = load_return(paths, **kw)
    checked = 0
    for key, t in r.tables.items():
        for column in t.cleaned.columns:
            fast, plain = _text(r, key, column), Text.of(t.frame[column])
            assert fast.strings().tolist() == plain.strings().tolist(), (key, column)
            same_fast = fast.codes[:, None] == fast.codes[None, :]
            same_plain = plain.codes[:, None] == plain.codes[None, :]
            assert (same_fast == same_plain).all(), (key, column)
            assert len(set(fast.values)) == len(fast.values)
            checked += 1
    assert checked > 30
