"""SSDA903 rules comparing this year's return with last year's (need --previous)."""

import pandas as pd

from rules.ssda903 import rule
from validator.derive import lookup

# From 2024/25 DfE codes sex as M/F/U; last year's 1/2 mean the same as M/F.
_SEX_AS_LETTERS = {"1": "M", "2": "F"}


def _with_last(r, column: str) -> pd.DataFrame:
    """This year's Header with the same child's value of `column` from last year's Header."""
    h = r.table("Header")
    last = r.table("Header_last").dropna(subset="CHILD").drop_duplicates("CHILD").set_index("CHILD")[column]
    h["last"] = lookup(h["CHILD"], last)
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


@rule("204")
def ethnic_differs_from_last_year(r):
    """Header.ETHNIC must match the ETHNIC recorded for the same child last year (exact code).
    Blank values in either year are not compared (a blank this year is rule 103's)."""
    h = _with_last(r, "ETHNIC")
    return {"Header": h["ETHNIC"].notna() & h["last"].notna() & (h["ETHNIC"] != h["last"])}


_UPN_UNKNOWN = ("UN1", "UN2", "UN3", "UN4", "UN5")


@rule("208")
def upn_differs_from_last_year(r):
    """Once a real UPN is recorded for a child (last year's UPN given and not UN1-UN5), this year's
    UPN must be the same. Interpretation of "the UPN already recorded": moving from an unknown code
    (UN1-UN5) or a blank to a real UPN, or between unknown codes, is allowed; a real UPN replaced by
    another UPN or by an unknown code is flagged. A blank UPN this year is left to rule 442.
    Compared as written (exact text)."""
    h = _with_last(r, "UPN")
    known_last = h["last"].notna() & ~h["last"].isin(_UPN_UNKNOWN)
    return {"Header": known_last & h["UPN"].notna() & (h["UPN"] != h["last"])}


@rule("624")
def mc_dob_differs_from_last_year(r):
    """Header.MC_DOB (date of birth of the mother's first child) must equal the MC_DOB recorded for
    the same child last year. Compared only where both years hold a valid date (a blank or invalid
    MC_DOB is left to rules 611 and 171)."""
    h = _with_last(r, "MC_DOB_date")
    return {"Header": h["MC_DOB_date"].notna() & h["last"].notna() & (h["MC_DOB_date"] != h["last"])}


@rule("626")
def mother_status_contradicts_last_year(r):
    """MOTHER is 1 this year, MOTHER was 0 last year, and MC_DOB (first child's birth) is before
    1 April of this collection year: the first child was born before this year, so last year she
    was already a mother. MC_DOB must be a valid date; a blank MOTHER last year is not compared."""
    h = _with_last(r, "MOTHER")
    before = h["MC_DOB_date"] < r.year.start
    return {"Header": (h["MOTHER"] == "1").fillna(False).astype(bool) & (h["last"] == "0").fillna(False).astype(bool)
            & before}
