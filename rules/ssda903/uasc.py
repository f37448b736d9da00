"""SSDA903 rules on unaccompanied asylum-seeking children (UASC): the UASC flag, the date UASC
status ceased (DUC), and how both carry over from last year's return (205A-205D).

Who is UASC: XML returns carry DfE's flag HEADER/UASC (0/1); a CSV return has no flag, and a child is
UASC when listed in the UASC table. `validator.derive.ssda903_header.uasc_children` gives the flag in
both forms (and `uasc_children_last` for last year's return).
"""

import numpy as np

from rules.ssda903 import rule
from validator.derive import ages, array, invalid_date, text
from validator.derive.ssda903 import children, header_dob_of
from validator.derive.ssda903_header import header_has_uasc_flag, uasc_children, uasc_children_last


def _child_rows(r, kids: np.ndarray, tables=("Header", "UASC")) -> dict:
    """Flags on every row, in each of `tables` (this year), of the children numbered `kids`."""
    c = children(r)
    chosen = c.mark(kids)
    return {t: chosen[c.of(t)] for t in tables}


# ---------------------------------------------------------------- this year's return

@rule("104")
def duc_not_valid_date(r):
    """UASC.DUC, where given, must be a real date written dd/mm/yyyy (blank = still UASC).
    Only the date's validity is checked, as DfE's message says (the public reference validator also
    rejects a DUC before the collection year; that is not in DfE's message)."""
    return {"UASC": invalid_date(r, "UASC", "DUC")}


@rule("105")
def uasc_flag_not_valid(r):
    """XML returns: HEADER/UASC must be 0 or 1; blank is not valid. CSV returns have no UASC flag
    (the UASC table says who is UASC), so nothing is checked for them."""
    if not header_has_uasc_flag(r, "Header"):
        return {}
    return {"Header": ~text(r, "Header", "UASC").isin(r.codes("UASC"))}


@rule("231")
def uasc_under_11(r):
    """A UASC child (see module doc) who is under 11 on 31 March of the collection year,
    i.e. DOB after the date 11 years before it (an 11th birthday on 31 March passes). Flags the
    child's Header row(s); rows without a valid DOB are not evaluated."""
    uasc = uasc_children(r)["uasc"].to_numpy()[children(r).of("Header")] == 1
    return {"Header": uasc & (ages(array(r, "Header", "DOB_date"), r.year.end) < 11)}


@rule("303")
def duc_but_not_uasc(r):
    """A UASC row with DUC given (any value) belongs to a child whose Header UASC flag is not 1
    (0, blank or another value). Flags that UASC row and the child's Header row(s). Only XML returns
    can break it: in a CSV return a child listed in the UASC table is UASC by definition. Children
    without a Header row are left to INT09."""
    kids = uasc_children(r)
    not_uasc = kids["in_header"].to_numpy() & (kids["uasc"].to_numpy() != 1)
    u = children(r).of("UASC")
    bad = text(r, "UASC", "DUC").given & not_uasc[u]
    return {"UASC": bad, "Header": children(r).mark(u[bad])[children(r).of("Header")]}


@rule("304")
def duc_after_18th_birthday(r):
    """UASC.DUC is after the child's 18th birthday (the birthday itself passes). The DOB is the UASC
    row's own; where that is blank or not a date (or, in XML returns, not repeated), the Header DOB.
    A child born 29 February turns 18 on 1 March in other years. Rows without valid dates are not
    evaluated."""
    dob = header_dob_of(r, "UASC")
    if "DOB_date" in r.table("UASC").columns:  # UASC.DOB is CSV-only
        own = array(r, "UASC", "DOB_date")
        dob = np.where(np.isnat(own), dob, own)
    return {"UASC": ages(dob, array(r, "UASC", "DUC_date") - np.timedelta64(1, "D")) >= 18}


# ---------------------------------------------------------------- compared with last year (205A-D)

def _both_years(r) -> dict[str, np.ndarray]:
    """Per child number: this year's and last year's UASC flag and DUC (`uasc_children`), and `both`:
    the child is in both years' Header (only those are compared)."""
    now, last = uasc_children(r), uasc_children_last(r)
    b = {c: now[c].to_numpy() for c in ("uasc", "DUC", "DUC_date")}
    b |= {c + "_last": last[c].to_numpy() for c in ("uasc", "DUC", "DUC_date")}
    b["both"] = now["in_header"].to_numpy() & last["in_header"].to_numpy()
    return b


def _compared(b: dict, bad: np.ndarray) -> np.ndarray:
    """The child numbers of children in both years where `bad`."""
    return np.flatnonzero(b["both"] & bad)


@rule("205A")
def uasc_last_year_not_this_year(r):
    """A child UASC last year and not UASC this year (flag 0; for CSV, not in the UASC table), where
    the DUCs do not show the status ended by 31 March last year: last year's DUC is blank, or a date
    after last year's 31 March, or this year has a DUC that differs from last year's.
    Interpretation: a last-year DUC before last year's collection year also shows the status ended.
    DUCs that are not valid dates are not compared. Flags this year's Header and UASC rows."""
    b = _both_years(r)
    cand = (b["uasc"] == 0) & (b["uasc_last"] == 1)
    end_last = r.year.previous.end.to_datetime64()
    now, last = b["DUC_date"], b["DUC_date_last"]
    unsupported = ~b["DUC_last"] | (last > end_last) | (~np.isnat(now) & ~np.isnat(last) & (now != last))
    return _child_rows(r, _compared(b, cand & unsupported))


@rule("205B")
def uasc_both_years_duc_disagrees(r):
    """A child UASC both last year and this year whose DUCs contradict each other:
    - last year's DUC says the status had already ceased (a date on or before last year's 31 March)
      but this year's DUC is blank or another date; or
    - this year's DUC is before 1 April of this year (ceased before the year began) but last year's
      DUC is blank (still UASC then) or another date.
    Both blank (still UASC), a DUC first given this year within or after the year, and the same DUC
    carried over from last year all pass. A DUC that is not a valid date is not judged (rule 104).
    Flags this year's Header and UASC rows. Interpretation: the flag means "is or was UASC", so a
    child whose status ceased keeps the flag with the same DUC in later returns; a last-year DUC
    after last year's end (a projected date) may change."""
    b = _both_years(r)
    cand = (b["uasc"] == 1) & (b["uasc_last"] == 1)
    now, last = b["DUC_date"], b["DUC_date_last"]
    judged = (~b["DUC"] | ~np.isnat(now)) & (~b["DUC_last"] | ~np.isnat(last))
    same = now == last  # NaT never equals
    ceased_by_last_year = last <= r.year.previous.end.to_datetime64()
    ceased_before_this_year = now < r.year.start.to_datetime64()
    return _child_rows(r, _compared(b, cand & judged & ~same & (ceased_by_last_year | ceased_before_this_year)))


@rule("205C")
def duc_but_never_uasc(r):
    """A child UASC neither this year nor last year (flag not 1 in either; for CSV, in neither UASC
    table) but with a DUC given in this year's or last year's return. Flags this year's Header and
    UASC rows. In practice only XML returns can break it."""
    b = _both_years(r)
    cand = (b["uasc"] != 1) & (b["uasc_last"] != 1)
    return _child_rows(r, _compared(b, cand & (b["DUC"] | b["DUC_last"])))


@rule("205D")
def uasc_this_year_not_last(r):
    """A child UASC this year who was in last year's return as not UASC (flag 0; for CSV, not in
    last year's UASC table). Children new this year are not compared. Flags this year's Header and
    UASC rows."""
    b = _both_years(r)
    return _child_rows(r, _compared(b, (b["uasc"] == 1) & (b["uasc_last"] == 0)))
