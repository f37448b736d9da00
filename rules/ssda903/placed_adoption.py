"""SSDA903 rules on PlacedAdoption (decisions that a child should be placed for adoption, and
their reversal), alone, against Header and AD1, and against last year's PlacedAdoption.

One PlacedAdoption row is one decision. A child's "latest decision" is the row with the latest
DATE_PLACED (validator.derive.ssda903_adoption.latest_decision). Dates that are given but are not
dates are reported by 115/116 and skipped everywhere else.
"""

import numpy as np

from rules.ssda903 import rule
from validator.derive import array, invalid_date, text
from validator.derive.ssda903 import among, by_child_and_day, children, run_bounds, run_cummax, same_child
from validator.derive.ssda903_adoption import latest_decision

AD1_ITEMS = ["DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"]
_NS_PER_DAY = 86_400_000_000_000


def _with_last(r) -> tuple[np.ndarray, np.ndarray]:
    """Every pairing of a PlacedAdoption row with a row of last year's PlacedAdoption for the same
    child: (positions this year, positions last year)."""
    c = children(r)
    return same_child(c.of("PlacedAdoption"), c.of("PlacedAdoption_last"))


def _ceased_last(r, last: np.ndarray) -> np.ndarray:
    """Last year's rows `last` that say the decision was reversed (DATE_PLACED_CEASED or
    REASON_PLACED_CEASED given)."""
    return (text(r, "PlacedAdoption_last", "DATE_PLACED_CEASED").given
            | text(r, "PlacedAdoption_last", "REASON_PLACED_CEASED").given)[last]


# --- PlacedAdoption alone -------------------------------------------------------------------


@rule("115")
def date_placed_not_valid(r):
    """PlacedAdoption.DATE_PLACED, where given, must be a real date written dd/mm/yyyy (a blank
    DATE_PLACED is reported by 563 and 551)."""
    return {"PlacedAdoption": invalid_date(r, "PlacedAdoption", "DATE_PLACED")}


@rule("116")
def date_placed_ceased_not_valid(r):
    """PlacedAdoption.DATE_PLACED_CEASED, where given, must be a real date written dd/mm/yyyy
    (blank = the decision still stands)."""
    return {"PlacedAdoption": invalid_date(r, "PlacedAdoption", "DATE_PLACED_CEASED")}


@rule("119")
def ceased_date_and_reason_together(r):
    """DATE_PLACED_CEASED and REASON_PLACED_CEASED must both be given or both be blank."""
    return {"PlacedAdoption": text(r, "PlacedAdoption", "DATE_PLACED_CEASED").given
            != text(r, "PlacedAdoption", "REASON_PLACED_CEASED").given}


@rule("120")
def reason_placed_ceased_not_valid(r):
    """PlacedAdoption.REASON_PLACED_CEASED, where given, must be RD1-RD4."""
    reason = text(r, "PlacedAdoption", "REASON_PLACED_CEASED")
    return {"PlacedAdoption": reason.given & ~reason.isin(r.codes("REASON_PLACED_CEASED"))}


@rule("522")
def ceased_before_placed(r):
    """DATE_PLACED must be on or before DATE_PLACED_CEASED: flags rows where the decision was
    reversed before it was made (same day passes)."""
    return {"PlacedAdoption": array(r, "PlacedAdoption", "DATE_PLACED_CEASED_date")
            < array(r, "PlacedAdoption", "DATE_PLACED_date")}


@rule("563")
def ceased_without_date_placed(r):
    """Rows with DATE_PLACED_CEASED or REASON_PLACED_CEASED given (the child should no longer be
    placed for adoption) and DATE_PLACED blank. Either ceased item is enough: rule 119 reports
    the one that is missing."""
    ceased = text(r, "PlacedAdoption", "DATE_PLACED_CEASED").given | text(r, "PlacedAdoption", "REASON_PLACED_CEASED").given
    return {"PlacedAdoption": ceased & text(r, "PlacedAdoption", "DATE_PLACED").blank}


def _ordered_decisions(r) -> np.ndarray:
    """Positions of the decisions with a DATE_PLACED date, by child, then in date order (file order
    on a tie)."""
    child, placed = children(r).of("PlacedAdoption"), array(r, "PlacedAdoption", "DATE_PLACED_date")
    rows = np.flatnonzero(~np.isnat(placed))
    return by_child_and_day(child, rows, placed)


@rule("579")
def decisions_overlap(r):
    """A new decision to place for adoption must not start while an earlier one of the child is
    still open or before an earlier one ceased. Decisions are ordered by DATE_PLACED; flags a
    decision when any earlier decision of the child has a blank DATE_PLACED_CEASED, or ceased
    after this DATE_PLACED (a new decision on the day the previous one ceased passes). An earlier
    ceased date that is not a date cannot be compared and is skipped."""
    rows = _ordered_decisions(r)
    rows = rows[children(r).of("PlacedAdoption")[rows] >= 0]  # a blank CHILD is no child's decision
    first, _ = run_bounds(children(r).of("PlacedAdoption")[rows])  # each position's child's first position
    later = np.flatnonzero(np.arange(len(rows)) > first)  # positions with an earlier decision
    open_ = text(r, "PlacedAdoption", "DATE_PLACED_CEASED").blank[rows].astype("int64")
    opened_before = np.cumsum(open_) - open_
    bad = opened_before - opened_before[first] > 0
    # the latest DATE_PLACED_CEASED among the earlier decisions (a running maximum over the dates)
    days = array(r, "PlacedAdoption", "DATE_PLACED_CEASED_date")[rows].view("int64") // _NS_PER_DAY
    unreadable = np.isnat(array(r, "PlacedAdoption", "DATE_PLACED_CEASED_date")[rows])
    floor = days[~unreadable].min(initial=0) - 1  # below every readable date
    latest = run_cummax(np.where(unreadable, floor, days), first)
    placed = array(r, "PlacedAdoption", "DATE_PLACED_date")[rows].view("int64") // _NS_PER_DAY
    bad[later] |= (latest[later - 1] > floor) & (placed[later] < latest[later - 1])
    return {"PlacedAdoption": rows[bad]}


@rule("583")
def earlier_decision_not_revoked(r):
    """Where a child has more than one decision, every decision but the latest (by DATE_PLACED)
    must have a DATE_PLACED_CEASED: flags the earlier decisions with it blank. Decisions whose
    DATE_PLACED is blank or not a date cannot be ordered and are not flagged."""
    rows = _ordered_decisions(r)
    latest = among(rows, latest_decision(r).to_numpy())
    return {"PlacedAdoption": rows[~latest & text(r, "PlacedAdoption", "DATE_PLACED_CEASED").blank[rows]]}


# --- against Header and AD1 -----------------------------------------------------------------


@rule("184")
def date_placed_before_birth(r):
    """DATE_PLACED must not be before the child's date of birth (Header.DOB; same day passes).
    Flags the PlacedAdoption row and the child's Header row."""
    c = children(r)
    pa, h = same_child(c.of("PlacedAdoption"), c.of("Header"))
    bad = array(r, "PlacedAdoption", "DATE_PLACED_date")[pa] < array(r, "Header", "DOB_date")[h]
    return {"PlacedAdoption": pa[bad], "Header": h[bad]}


@rule("523")
def date_placed_differs_from_date_int(r):
    """For a child in AD1 with a DATE_INT, the date of the decision to place for adoption should
    equal DATE_INT. Compared with the child's latest decision (latest DATE_PLACED): an earlier
    decision that was later reversed is expected to differ. Flags that PlacedAdoption row and the
    AD1 row where both are dates and differ."""
    c = children(r)
    latest = latest_decision(r).to_numpy()
    i, a = same_child(c.of("PlacedAdoption")[latest], c.of("AD1"))
    pa = latest[i]
    date_int = array(r, "AD1", "DATE_INT_date")[a]
    bad = ~np.isnat(date_int) & (date_int != array(r, "PlacedAdoption", "DATE_PLACED_date")[pa])
    return {"PlacedAdoption": pa[bad], "AD1": a[bad]}


@rule("525")
def adopted_after_decision_reversed(r):
    """A child whose decision to be placed for adoption was reversed cannot be adopted in the
    year: flags the child's latest decision when it has a DATE_PLACED_CEASED, together with the
    child's AD1 row when any AD1 item is given. Only the latest decision counts: an earlier
    reversed decision followed by a new one does not stop an adoption. (A child whose only
    decisions have no usable DATE_PLACED falls back to any decision with DATE_PLACED_CEASED.)"""
    c = children(r)
    child = c.of("PlacedAdoption")
    latest = latest_decision(r).to_numpy()
    chosen = among(np.arange(len(child)), latest) | ~c.mark(child[latest])[child]
    reversed_ = np.flatnonzero(chosen & text(r, "PlacedAdoption", "DATE_PLACED_CEASED").given)
    adopted = np.flatnonzero(np.column_stack([text(r, "AD1", col).given for col in AD1_ITEMS]).any(axis=1))
    i, j = same_child(child[reversed_], c.of("AD1")[adopted])
    return {"PlacedAdoption": reversed_[i], "AD1": adopted[j]}


# --- against last year's PlacedAdoption -----------------------------------------------------


@rule("559")
def earlier_decision_missing_last_year(r):
    """A decision dated before this collection year (DATE_PLACED before 1 April) should have been
    in last year's return: flags it when last year's PlacedAdoption has no row for the child with
    a DATE_PLACED."""
    c = children(r)
    had = c.mark(c.of("PlacedAdoption_last")[text(r, "PlacedAdoption_last", "DATE_PLACED").given])
    return {"PlacedAdoption": (array(r, "PlacedAdoption", "DATE_PLACED_date") < r.year.start.to_datetime64())
            & ~had[c.of("PlacedAdoption")]}


@rule("560")
def open_decision_changed_date(r):
    """Last year's decision that was still open (DATE_PLACED given, DATE_PLACED_CEASED blank)
    should appear this year with the same DATE_PLACED. Where none of the child's rows this year
    has that date, flags the child's rows this year whose DATE_PLACED is a different date. Rows
    whose date (this year or last) is not a date are not compared."""
    now, last = _with_last(r)
    placed_last = array(r, "PlacedAdoption_last", "DATE_PLACED_date")[last]
    keep = ~np.isnat(placed_last) & text(r, "PlacedAdoption_last", "DATE_PLACED_CEASED").blank[last]
    now, last, placed_last = now[keep], last[keep], placed_last[keep]
    placed = array(r, "PlacedAdoption", "DATE_PLACED_date")[now]
    # is last year's decision (child, date) found among the child's rows this year?
    _, decision = np.unique(np.column_stack([children(r).of("PlacedAdoption")[now], placed_last.view("int64")]),
                            axis=0, return_inverse=True)
    found = np.bincount(decision.ravel(), weights=placed == placed_last, minlength=len(now)) > 0
    return {"PlacedAdoption": now[~found[decision.ravel()] & ~np.isnat(placed)]}


@rule("561")
def same_date_as_reversed_decision(r):
    """A decision this year with the same DATE_PLACED as a decision of the child last year that
    was reversed (DATE_PLACED_CEASED or REASON_PLACED_CEASED given last year). Flags this
    year's row."""
    now, last = _with_last(r)
    same = array(r, "PlacedAdoption", "DATE_PLACED_date")[now] == array(r, "PlacedAdoption_last", "DATE_PLACED_date")[last]
    return {"PlacedAdoption": now[_ceased_last(r, last) & same]}  # NaT never equals


@rule("584")
def new_decision_before_reversed_one(r):
    """After last year's decision was reversed (DATE_PLACED_CEASED or REASON_PLACED_CEASED given
    last year), a decision this year with a different DATE_PLACED is a new decision and must be
    later than last year's DATE_PLACED: flags this year's rows dated before it. The same date is
    rule 561's finding."""
    now, last = _with_last(r)
    earlier = array(r, "PlacedAdoption", "DATE_PLACED_date")[now] < array(r, "PlacedAdoption_last", "DATE_PLACED_date")[last]
    return {"PlacedAdoption": now[_ceased_last(r, last) & earlier]}
