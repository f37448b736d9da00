"""SSDA903 rules comparing this year's return with last year's (need --previous)."""

import pandas as pd

from rules.ssda903 import rule

# From 2024/25 DfE codes sex as M/F/U; last year's 1/2 mean the same as M/F.
_SEX_AS_LETTERS = {"1": "M", "2": "F"}


def _with_last(r, column: str) -> pd.DataFrame:
    """This year's Header with the same child's value of `column` from last year's Header."""
    h = r.table("Header")
    last = r.table("Header_last").drop_duplicates("CHILD").set_index("CHILD")[column]
    h["last"] = h["CHILD"].map(last)
    return h


@rule("202")
def sex_differs_from_last_year(r):
    """Header.SEX must match the SEX recorded for the same child last year (1/2 read as M/F
    when the years use different code sets). Blank values are not compared."""
    h = _with_last(r, "SEX")
    now = h["SEX"].replace(_SEX_AS_LETTERS)
    last = h["last"].replace(_SEX_AS_LETTERS)
    return {"Header": now.notna() & last.notna() & (now != last)}


@rule("203")
def dob_differs_from_last_year(r):
    """Header.DOB must equal the DOB recorded for the same child last year (both must be dates)."""
    h = _with_last(r, "DOB_date")
    return {"Header": h["DOB_date"].notna() & h["last"].notna() & (h["DOB_date"] != h["last"])}
