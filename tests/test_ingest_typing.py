"""The fast paths of ingest.typing agree with the plain pandas reading they replace."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from validator.ingest.raw import Texts, blank_rows
from validator.ingest.typing import _EXCEL_EPOCH, _FALLBACKS, _PRIMARY, _SERIAL, DATE_LAYOUT, _date_facts, parse_dates

EDGE = {
    "ssda903": ["01/05/2024", "1/5/2024 10:30", "01/05/2024  10:30:00", "2024-05-01t10:00:00", "1-5-2024",
                "1.5.2024", "01/05/24", "2024-5-1", "2024-05-01 10:30", "01/05/2024T10:30", "29/02/2024",
                "29/02/2023", "31/02/2024", "31/04/2024", "31/12/2261", "01/01/1678", "01/01/1500", "01/01/0001",
                "00/01/2024", "01/00/2024", "01/13/2024", "1/05/2024", "01/5/2024", "01/05/24", "01-05-2024",
                "2024-05-01", "01/05/2024 10:30", "45123", "45123.0", " 1/05/2024", "0a/05/2024", "01//5/2024",
                "٠١/٠٥/٢٠٢٤", "31/09/1999", "01/05/2O24", "aa/bb/cccc", "20/11/1677", "30/02/1677",
                "11/04/2262", "30/02/2262", "13/04/2262"],
    "cin": ["2024-05-01", "2024-02-29", "2023-02-29", "2024-04-31", "2261-12-31", "1678-01-01", "2024-00-01",
            "2024-13-01", "2024-5-1", "2024-05-1", "01/05/2024", "2024-05-01T10:00:00", "2024-05-01 00:00:00",
            "45123", "2024/05/01", "٢٠٢٤-٠٥-٠١", "20240501XY", "1677-11-20", "2262-04-11", "2262-04-12",
            "2024-02-30"],
}


def _pandas_dates(text: pd.Series, ret: str) -> pd.Series:
    """The reading without shortcuts: every layout tried by pandas on every value not yet read;
    dates datetime64[ns] cannot hold are no dates."""
    out = pd.to_datetime(text, format=_PRIMARY[ret], errors="coerce")
    for fmt in _FALLBACKS:
        todo = text.notna() & out.isna()
        if fmt != _PRIMARY[ret] and todo.any():
            out = out.fillna(pd.to_datetime(text.where(todo), format=fmt, errors="coerce"))
    out = out.where(out.between(pd.Timestamp.min, pd.Timestamp.max))
    serial = text.notna() & out.isna() & text.str.fullmatch(_SERIAL).fillna(False).astype(bool)
    if serial.any():
        out.loc[serial] = _EXCEL_EPOCH + pd.to_timedelta(pd.to_numeric(text[serial], errors="coerce"), unit="D")
    return out.astype("datetime64[ns]")


def _plain(texts: list, ret: str):
    """What the reading was before the fast paths: pandas for every value."""
    s = pd.Series(texts, dtype="string")
    dates = _pandas_dates(s, ret).to_numpy()
    serial = s.str.fullmatch(_SERIAL).to_numpy(dtype=bool, na_value=False)
    in_layout = s.str.fullmatch(DATE_LAYOUT[ret]).to_numpy(dtype=bool, na_value=False)
    return dates, serial, in_layout


def _same(texts: list, ret: str):
    got = _date_facts(np.array(texts, dtype=object), ret)
    want = _plain(texts, ret)
    for g, w in zip(got, want):
        assert g.dtype == w.dtype
        np.testing.assert_array_equal(g, w)


@pytest.mark.parametrize("ret", ["ssda903", "cin"])
def test_dates_read_as_pandas_reads_them(ret):
    _same(EDGE[ret] + [None], ret)
    _same([None], ret)
    _same([], ret)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 39), st.integers(0, 14),
                          st.one_of(st.integers(1670, 2270), st.integers(1, 9999)), st.sampled_from(["/", "-", "."])),
                max_size=30))
def test_random_dates_read_as_pandas_reads_them(parts):
    _same([f"{d:02d}{s}{m:02d}{s}{y}" for d, m, y, s in parts], "ssda903")
    _same([f"{y}{s}{m:02d}{s}{d:02d}" for d, m, y, s in parts], "cin")


@settings(max_examples=25, deadline=None)
@given(st.lists(st.text(alphabet="0123456789/-.:T t٣Z", min_size=1, max_size=20), max_size=40))
def test_odd_texts_read_as_pandas_reads_them(texts):
    for ret in ("ssda903", "cin"):
        _same(texts, ret)
        np.testing.assert_array_equal(parse_dates(pd.Series(texts, dtype="string"), ret).to_numpy(),
                                      _pandas_dates(pd.Series(texts, dtype="string"), ret).to_numpy())


def test_dates_datetime64_cannot_hold_are_no_dates():
    got = parse_dates(pd.Series(["01/01/1500", "01/01/9999", "11/04/2262", "12/04/2262"], dtype="string"), "ssda903")
    assert got.isna().tolist() == [True, True, False, True]


def test_blank_rows():
    texts = Texts()
    codes = [texts.codes(["", " ", "x", "", "\t"]), texts.codes(["", "", "", "y", " \u00a0"])]
    assert blank_rows(codes, texts.texts(), 5) == [0, 1, 4]
    assert blank_rows([texts.codes([]), texts.codes([])], texts.texts(), 0) == []


def test_text_facts_are_what_typing_reads_of_each_distinct_text():
    """The reader works these out (raw.text_facts) while pandas imports; typing only looks them up."""
    from datetime import date

    from validator.ingest.raw import BLANK, NO_DATE, NUMBER, SPACES, TOKEN, text_facts

    def day(y, m, d):
        return (date(y, m, d) - date(1970, 1, 1)).days

    texts = ["  12/03/2024 ", "", "   ", "null", "#N/A", "NULLS", "1234.0", "1.5", "31/02/2024", "01/01/1677",
             "2024-03-12", "\uff11\uff12/03/2024", "12/3/2024", "29/02/2024"]
    f = text_facts(texts, "ssda903")
    assert f.text == [t.strip() for t in texts]
    assert list(f.flags) == [SPACES, BLANK, BLANK, TOKEN, TOKEN, 0, NUMBER, 0, 0, 0, 0, 0, 0, 0]
    assert list(f.days) == [day(2024, 3, 12)] + [NO_DATE] * 12 + [day(2024, 2, 29)]
    cin = text_facts(["2024-03-12", "12/03/2024", "2023-02-29", " 2261-12-31"], "cin")
    assert list(cin.days) == [day(2024, 3, 12), NO_DATE, NO_DATE, day(2261, 12, 31)]
    assert list(cin.flags) == [0, 0, 0, SPACES]
