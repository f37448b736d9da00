"""SSDA903 rules on deprivation of liberty orders (DoLo table, new in 2026/27): dates of each order,
orders of one child overlapping, orders carried over from last year, and the child's placement
while an order runs.
"""

import numpy as np

from rules.ssda903 import rule
from validator.derive import array, invalid_date, text
from validator.derive.ssda903 import by_child_and_day, children, episodes, first_of_child, header_dob_of, same_child

# 709: the placement types DfE expects while a DoLO runs; 710: those it forbids (secure children's
# home, placed with parents, young offender institution, registered supported accommodation).
DOLO_EXPECTED_PLACE = ("K2", "Z12", "Z13")
DOLO_FORBIDDEN_PLACE = ("K1", "P1", "R5", "K3")
_DAY = np.timedelta64(1, "D")


def _dolo_episode_overlaps(r) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (DoLo row, Episodes row) of one child where the episode's placement ran while the order
    was in force. Only orders with both a valid DOLO_START and a valid DOLO_END are used (DfE: "if
    DOLO_START and DOLO_END are present"). An order covers DOLO_START to DOLO_END (a one-day order
    its start day); an episode covers DECOM up to the day before DEC (the next placement begins on
    DEC), or onwards when open. So an episode ending the day the order starts, or starting the day it
    ends, does not overlap. Episodes without a valid DECOM are left out."""
    c = children(r)
    start, end = array(r, "DoLo", "DOLO_START_date"), array(r, "DoLo", "DOLO_END_date")
    orders = np.flatnonzero(~np.isnat(start) & ~np.isnat(end))
    decom, dec = array(r, "Episodes", "DECOM_date"), array(r, "Episodes", "DEC_date")
    eps = np.flatnonzero(~np.isnat(decom))
    i, j = same_child(c.of("DoLo")[orders], c.of("Episodes")[eps])
    d, e = orders[i], eps[j]
    order_last_day = np.where(end[d] > start[d], end[d], start[d] + _DAY)
    overlaps = (decom[e] < order_last_day) & (np.isnat(dec[e]) | (dec[e] > start[d]))
    return d[overlaps], e[overlaps]


# ---------------------------------------------------------------- one order's dates

@rule("700")
def dolo_start_not_valid_date(r):
    """DoLo.DOLO_START must be a real date written dd/mm/yyyy; a blank start is not a valid date."""
    return {"DoLo": text(r, "DoLo", "DOLO_START").blank | invalid_date(r, "DoLo", "DOLO_START")}


@rule("701")
def dolo_end_not_valid_date(r):
    """DoLo.DOLO_END, where given, must be a real date written dd/mm/yyyy (blank = order still open)."""
    return {"DoLo": invalid_date(r, "DoLo", "DOLO_END")}


@rule("702")
def dolo_end_before_start(r):
    """DOLO_END is before DOLO_START (the same day passes: DfE's message says "before"). Both must be
    valid dates."""
    return {"DoLo": array(r, "DoLo", "DOLO_END_date") < array(r, "DoLo", "DOLO_START_date")}


@rule("703")
def dolo_start_after_year_end(r):
    """DOLO_START is after 31 March of the collection year (31 March itself passes)."""
    return {"DoLo": array(r, "DoLo", "DOLO_START_date") > r.year.end.to_datetime64()}


@rule("704")
def dolo_end_outside_year(r):
    """DOLO_END is before 1 April or after 31 March of the collection year (both days pass).
    A blank or invalid end is not evaluated."""
    end = array(r, "DoLo", "DOLO_END_date")
    return {"DoLo": (end < r.year.start.to_datetime64()) | (end > r.year.end.to_datetime64())}


@rule("708")
def dolo_before_birth(r):
    """DOLO_START is on or before the child's date of birth (DfE: the start must be after the DOB).
    The DOB is the DoLo row's own; where that is blank or not a date, the Header DOB. Rows without
    valid dates are not evaluated."""
    own = array(r, "DoLo", "DOB_date")
    dob = np.where(np.isnat(own), header_dob_of(r, "DoLo"), own)
    return {"DoLo": array(r, "DoLo", "DOLO_START_date") <= dob}


# ---------------------------------------------------------------- orders of one child

@rule("705")
def dolo_starts_while_previous_open(r):
    """Within a child's orders in DOLO_START order, an order starts while the one before it is still
    open: the previous order has no DOLO_END, or its DOLO_END is after this order's start (an order
    may start on the day the previous one ended). Flags the later order. Orders without a valid
    DOLO_START are left out, and a previous DOLO_END that is not a valid date is not judged."""
    child, start = children(r).of("DoLo"), array(r, "DoLo", "DOLO_START_date")
    rows = np.flatnonzero(~np.isnat(start) & (child >= 0))
    rows = by_child_and_day(child, rows, start)
    prev, now = rows[:-1], rows[1:]
    has_prev = child[prev] == child[now]
    prev_open = text(r, "DoLo", "DOLO_END").blank[prev]
    bad = has_prev & (prev_open | (array(r, "DoLo", "DOLO_END_date")[prev] > start[now]))
    return {"DoLo": now[bad]}


@rule("706")
def open_dolo_last_year_not_carried(r):
    """A child's latest order in last year's return (by DOLO_START) had no DOLO_END, and this year's
    return has no order for the child starting on that same date as its first order (earliest
    DOLO_START). Flags last year's open order (DoLo_last) and, when the child has orders this year,
    this year's first one. Last year's orders without a valid DOLO_START are not judged."""
    c = children(r)
    child_last, start_last = c.of("DoLo_last"), array(r, "DoLo_last", "DOLO_START_date")
    latest = first_of_child(child_last, np.flatnonzero(~np.isnat(start_last) & (child_last >= 0)), start_last,
                            last=True)
    open_last = latest[text(r, "DoLo_last", "DOLO_END").blank[latest]]
    child, start = c.of("DoLo"), array(r, "DoLo", "DOLO_START_date")
    first = first_of_child(child, np.flatnonzero(~np.isnat(start) & (child >= 0)), start)
    first_start = np.full(c.count + 1, np.datetime64("NaT"), dtype="datetime64[ns]")  # per child number
    first_start[child[first]] = start[first]
    bad_last = open_last[first_start[child_last[open_last]] != start_last[open_last]]
    return {"DoLo_last": bad_last, "DoLo": first[c.mark(child_last[bad_last])[child[first]]]}


@rule("707")
def open_dolo_after_care_ended(r):
    """An order with no DOLO_END for a child who has ceased to be looked after: the child's latest
    episode (by DECOM) has a valid DEC, so the child is not looked after at the end of the year.
    Flags the open DoLo row. Children without episodes in this return are not judged, nor orders
    without a valid DOLO_START. Interpretation: "ceased to be looked after" is read from the latest
    episode alone (a child who left care and came back before 31 March is still looked after)."""
    c = children(r)
    e = episodes(r)
    latest = e["order"].to_numpy() == e["n_episodes"].to_numpy() - 1
    ceased = c.mark(c.of("Episodes")[latest & ~np.isnat(array(r, "Episodes", "DEC_date"))])
    return {"DoLo": ~np.isnat(array(r, "DoLo", "DOLO_START_date")) & text(r, "DoLo", "DOLO_END").blank
            & ceased[c.of("DoLo")]}


# ---------------------------------------------------------------- placement while an order runs

@rule("709")
def dolo_unexpected_placement(r):
    """While an order runs (see `_dolo_episode_overlaps`; orders with both dates only), the child's
    placement (Episodes.PLACE) is not K2, Z12 or Z13. Flags the order and each such episode.
    A blank PLACE is left to rule 146."""
    d, e = _dolo_episode_overlaps(r)
    place = text(r, "Episodes", "PLACE").take(e)
    wrong = place.given & ~place.isin(DOLO_EXPECTED_PLACE)
    return {"DoLo": d[wrong], "Episodes": e[wrong]}


@rule("710")
def dolo_forbidden_placement(r):
    """While an order runs (see `_dolo_episode_overlaps`; orders with both dates only), the child is
    placed in K1 (secure children's home), P1 (with parents), R5 (young offender institution) or K3
    (supported accommodation). Flags the order and each such episode."""
    d, e = _dolo_episode_overlaps(r)
    wrong = text(r, "Episodes", "PLACE").take(e).isin(DOLO_FORBIDDEN_PLACE)
    return {"DoLo": d[wrong], "Episodes": e[wrong]}
