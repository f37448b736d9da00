"""SSDA903 rules comparing this year's return with last year's (need --previous).

Each Header row is compared with the first Header_last row of the same child
(`header_last_row`); a child new this year is not compared."""

import numpy as np

from rules.ssda903 import rule
from validator.derive import Text, array, take, text
from validator.derive.ssda903 import header_last_row

# From 2024/25 DfE codes sex as M/F/U; last year's 1/2 mean the same as M/F.
_SEX_AS_LETTERS = {"1": "M", "2": "F"}


def _last_text(r, column: str) -> Text:
    """Last year's `column` for each Header row's child."""
    return text(r, "Header_last", column).take(header_last_row(r))


def _date_differs(r, column: str) -> np.ndarray:
    """Both years hold a valid date in `column` and the dates differ."""
    now, last = array(r, "Header", column), take(array(r, "Header_last", column), header_last_row(r))
    return ~np.isnat(now) & ~np.isnat(last) & (now != last)


@rule("202")
def sex_differs_from_last_year(r):
    """Header.SEX must match the SEX recorded for the same child last year (1/2 read as M/F
    when the years use different code sets). Blank values are not compared."""
    now, last = text(r, "Header", "SEX"), _last_text(r, "SEX")

    def as_letters(t: Text) -> np.ndarray:
        return np.array([_SEX_AS_LETTERS.get(v, v) for v in t.values] + [None], dtype=object)[t.codes]

    return {"Header": now.given & last.given & (as_letters(now) != as_letters(last))}


@rule("203")
def dob_differs_from_last_year(r):
    """Header.DOB must equal the DOB recorded for the same child last year (both must be dates)."""
    return {"Header": _date_differs(r, "DOB_date")}


@rule("204")
def ethnic_differs_from_last_year(r):
    """Header.ETHNIC must match the ETHNIC recorded for the same child last year (exact code).
    Blank values in either year are not compared (a blank this year is rule 103's)."""
    now, last = text(r, "Header", "ETHNIC"), _last_text(r, "ETHNIC")
    return {"Header": now.given & last.given & ~now.same(last)}


_UPN_UNKNOWN = ("UN1", "UN2", "UN3", "UN4", "UN5")


@rule("208")
def upn_differs_from_last_year(r):
    """Once a real UPN is recorded for a child (last year's UPN given and not UN1-UN5), this year's
    UPN must be the same. Interpretation of "the UPN already recorded": moving from an unknown code
    (UN1-UN5) or a blank to a real UPN, or between unknown codes, is allowed; a real UPN replaced by
    another UPN or by an unknown code is flagged. A blank UPN this year is left to rule 442.
    Compared as written (exact text)."""
    now, last = text(r, "Header", "UPN"), _last_text(r, "UPN")
    known_last = last.given & ~last.isin(_UPN_UNKNOWN)
    return {"Header": known_last & now.given & ~now.same(last)}


@rule("624")
def mc_dob_differs_from_last_year(r):
    """Header.MC_DOB (date of birth of the mother's first child) must equal the MC_DOB recorded for
    the same child last year. Compared only where both years hold a valid date (a blank or invalid
    MC_DOB is left to rules 611 and 171)."""
    return {"Header": _date_differs(r, "MC_DOB_date")}


@rule("626")
def mother_status_contradicts_last_year(r):
    """MOTHER is 1 this year, MOTHER was 0 last year, and MC_DOB (first child's birth) is before
    1 April of this collection year: the first child was born before this year, so last year she
    was already a mother. MC_DOB must be a valid date; a blank MOTHER last year is not compared."""
    before = array(r, "Header", "MC_DOB_date") < r.year.start.to_datetime64()
    return {"Header": text(r, "Header", "MOTHER").eq("1") & _last_text(r, "MOTHER").eq("0") & before}
