"""SSDA903 rules on the Reviews and Missing tables, alone and against Header and Episodes.

Missing: one row per period the child was missing (M) or away without authorisation (A);
MIS_END blank = still missing/away. Periods of care come from
validator.derive.ssda903_adoption (a period continues while episodes end with REC X1).
Dates that are given but are not dates are reported by 166 / 1004 / 1005 and skipped elsewhere.
"""

import numpy as np

from rules.ssda903 import rule
from validator.derive import add_years, ages, array, invalid_date, take, text
from validator.derive.ssda903 import (among, by_child_and_day, children, episodes, first_of_child, header_dob_of, run_bounds,
                                      run_cummax, same_child)
from validator.derive.ssda903_adoption import periods

_NS_PER_DAY = 86_400_000_000_000


def _dob(r, key: str) -> np.ndarray:
    """The row's own DOB_date, or the child's Header DOB where it is blank or not a date."""
    own = array(r, key, "DOB_date")
    return np.where(np.isnat(own), header_dob_of(r, key), own)


def _with_periods(r) -> tuple[np.ndarray, np.ndarray]:
    """Every pairing of a Missing row with a period of care (`periods`) of the same child: (Missing
    positions, positions in `periods`)."""
    p = periods(r)
    return same_child(children(r).of("Missing"), children(r).of("Episodes")[p["first_row"].to_numpy()])


def _rows(r, key: str, positions: np.ndarray) -> np.ndarray:
    """Flags on table `key` at the given row positions."""
    out = np.zeros(len(text(r, key, "CHILD")), dtype=bool)
    out[positions] = True
    return out


# --- Reviews --------------------------------------------------------------------------------


@rule("167")
def review_code_not_valid(r):
    """Reviews.REVIEW_CODE must be present and one of PN0-PN7."""
    return {"Reviews": ~text(r, "Reviews", "REVIEW_CODE").isin(r.codes("REVIEW_CODE"))}


@rule("166")
def review_date_not_valid(r):
    """Reviews.REVIEW must be a real date written dd/mm/yyyy; blank is flagged too."""
    return {"Reviews": text(r, "Reviews", "REVIEW").blank | invalid_date(r, "Reviews", "REVIEW")}


def _age_at_review(r) -> np.ndarray:
    """Age in whole years on the review date, from Reviews.DOB (Header.DOB when Reviews.DOB is
    blank or not a date); NaN when either date is unusable."""
    return ages(_dob(r, "Reviews"), array(r, "Reviews", "REVIEW_date"))


@rule("440")
def pn0_but_aged_four(r):
    """REVIEW_CODE PN0 (child under 4) on a review held when the child was 4 or older (age in
    whole years on the review date: the review on the 4th birthday is at age 4 and is flagged)."""
    return {"Reviews": text(r, "Reviews", "REVIEW_CODE").eq("PN0") & (_age_at_review(r) >= 4)}


@rule("441")
def participation_but_under_four(r):
    """REVIEW_CODE PN1-PN7 (child 4 or over) on a review held before the child's 4th birthday."""
    codes = [c for c in r.codes("REVIEW_CODE") if c != "PN0"]
    return {"Reviews": text(r, "Reviews", "REVIEW_CODE").isin(codes) & (_age_at_review(r) < 4)}


@rule("399")
def short_breaks_with_mother_or_reviews(r):
    """A child looked after only under short-break legal statuses (every episode in the file has
    LS V3 or V4) must have no MOTHER value and no Reviews rows. Flags the child's episodes, the
    Header row when MOTHER is given, and the child's Reviews rows with a REVIEW or REVIEW_CODE
    given. A child with any other legal status in the year is not checked."""
    c = children(r)
    child = c.of("Episodes")
    known = child >= 0
    episodes_of = np.bincount(child[known], minlength=c.count + 1)
    breaks_of = np.bincount(child[known & text(r, "Episodes", "LS").isin(["V3", "V4"])], minlength=c.count + 1)
    only_breaks = (episodes_of > 0) & (breaks_of == episodes_of)  # per child number; blank slot False
    h, t = c.of("Header"), c.of("Reviews")
    bad_h = only_breaks[h] & text(r, "Header", "MOTHER").given
    bad_t = only_breaks[t] & (text(r, "Reviews", "REVIEW").given | text(r, "Reviews", "REVIEW_CODE").given)
    return {"Episodes": c.mark(np.concatenate([h[bad_h], t[bad_t]]))[child], "Header": bad_h, "Reviews": bad_t}


# --- Missing alone --------------------------------------------------------------------------


@rule("1006")
def missing_type_not_valid(r):
    """Missing.MISSING must be M (missing) or A (away from placement without authorisation)."""
    return {"Missing": ~text(r, "Missing", "MISSING").isin(r.codes("MISSING"))}


@rule("1004")
def mis_start_not_valid(r):
    """Missing.MIS_START must be a real date written dd/mm/yyyy; blank is flagged too."""
    return {"Missing": text(r, "Missing", "MIS_START").blank | invalid_date(r, "Missing", "MIS_START")}


@rule("1005")
def mis_end_not_valid(r):
    """Missing.MIS_END, where given, must be a real date written dd/mm/yyyy (blank = still
    missing/away)."""
    return {"Missing": invalid_date(r, "Missing", "MIS_END")}


@rule("564")
def missing_without_start(r):
    """Rows with MISSING given (any value; its code is rule 1006's) and MIS_START blank."""
    return {"Missing": text(r, "Missing", "MISSING").given & text(r, "Missing", "MIS_START").blank}


@rule("565")
def start_without_missing_type(r):
    """Rows with MIS_START given and MISSING blank."""
    return {"Missing": text(r, "Missing", "MIS_START").given & text(r, "Missing", "MISSING").blank}


@rule("566")
def end_without_missing_type(r):
    """Rows with MIS_END given and MISSING blank."""
    return {"Missing": text(r, "Missing", "MIS_END").given & text(r, "Missing", "MISSING").blank}


@rule("567")
def end_before_start(r):
    """MIS_END before MIS_START on the same row (same day passes)."""
    return {"Missing": array(r, "Missing", "MIS_END_date") < array(r, "Missing", "MIS_START_date")}


@rule("570")
def start_after_year(r):
    """MIS_START after 31 March of the collection year."""
    return {"Missing": array(r, "Missing", "MIS_START_date") > r.year.end.to_datetime64()}


@rule("571")
def end_outside_year(r):
    """MIS_END before 1 April or after 31 March of the collection year (both days are inside)."""
    end = array(r, "Missing", "MIS_END_date")
    return {"Missing": (end < r.year.start.to_datetime64()) | (end > r.year.end.to_datetime64())}


@rule("586")
def missing_before_birth(r):
    """MIS_START before the child's date of birth (Missing.DOB; Header.DOB when Missing.DOB is
    blank or not a date). Starting on the day of birth is not before it and passes."""
    return {"Missing": array(r, "Missing", "MIS_START_date") < _dob(r, "Missing")}


@rule("574")
def missing_periods_overlap(r):
    """A child's missing/away periods must not overlap and a new one must not start while an
    earlier one is open. Periods are ordered by MIS_START (file order on a tie); flags a period
    that starts while any earlier period of the child is open (MIS_END blank) or before the latest
    MIS_END of the earlier periods. A new period starting on the day the previous one ended
    passes. Rows whose MIS_START is not a date are not ordered; an earlier MIS_END that is given
    but not a date is not compared."""
    child, start = children(r).of("Missing"), array(r, "Missing", "MIS_START_date")
    rows = np.flatnonzero(~np.isnat(start) & (child >= 0))  # a blank CHILD is in no child's order
    rows = by_child_and_day(child, rows, start)
    first, _ = run_bounds(child[rows])  # each position's first position of its child
    later = np.flatnonzero(np.arange(len(rows)) > first)  # positions with an earlier period
    open_ = text(r, "Missing", "MIS_END").blank[rows].astype("int64")
    opened_before = np.cumsum(open_) - open_
    earlier_open = opened_before - opened_before[first] > 0
    # the latest MIS_END among the earlier periods (a running maximum over the ends that are dates)
    end = array(r, "Missing", "MIS_END_date")[rows]
    days = end.view("int64") // _NS_PER_DAY
    unreadable = np.isnat(end)
    floor = days[~unreadable].min(initial=0) - 1  # below every readable end
    latest = run_cummax(np.where(unreadable, floor, days), first)
    bad = earlier_open.copy()
    prev = later - 1
    bad[later] |= (latest[prev] > floor) & (start[rows][later].view("int64") // _NS_PER_DAY < latest[prev])
    return {"Missing": _rows(r, "Missing", rows[bad])}


# --- Missing against Episodes ---------------------------------------------------------------


@rule("575")
def placement_ended_missing_open(r):
    """If the placement the child went missing from ends, the missing period must have an end
    date. Flags open Missing rows (MIS_END blank) whose MIS_START falls inside an episode that has
    a DEC, unless the next episode is a change of legal status only (RNE L: the placement goes
    on). Inside = on or after DECOM and on or before DEC; when the next episode starts on that DEC,
    a MIS_START on the DEC belongs to the next placement and is not counted."""
    e = episodes(r)
    c = children(r)
    decom, dec = array(r, "Episodes", "DECOM_date"), array(r, "Episodes", "DEC_date")
    next_row = e["next_row"].to_numpy()
    ended = np.flatnonzero(~np.isnat(dec) & ~np.isnat(decom) & ~text(r, "Episodes", "RNE").take(next_row).eq("L"))
    open_ = np.flatnonzero(text(r, "Missing", "MIS_END").blank)
    i, j = same_child(c.of("Missing")[open_], c.of("Episodes")[ended])
    m, ep = open_[i], ended[j]
    start = array(r, "Missing", "MIS_START_date")[m]
    next_decom = take(decom, next_row)[ep]
    inside = (start >= decom[ep]) & ((start < dec[ep]) | ((start == dec[ep]) & (next_decom != dec[ep])))
    return {"Missing": _rows(r, "Missing", m[inside])}


@rule("576")
def open_last_year_not_continued(r):
    """A missing/away period open at the end of last year's return (MIS_END blank) must be
    recorded again this year with the same MIS_START, for a child who is in this year's Episodes.
    Flags last year's open row (Missing_last) and, where the child has Missing rows this year,
    their earliest one (by MIS_START). Open rows last year whose MIS_START is not a date are not
    compared."""
    c = children(r)
    child_last, start_last = c.of("Missing_last"), array(r, "Missing_last", "MIS_START_date")
    last = np.flatnonzero(text(r, "Missing_last", "MIS_END").blank & ~np.isnat(start_last)
                          & c.mark(c.of("Episodes"))[child_last])
    child, start = c.of("Missing"), array(r, "Missing", "MIS_START_date")
    # (CHILD, MIS_START) keys; a blank CHILD or start makes a blank key, and blank matches blank
    key_now = np.where((child < 0) | np.isnat(start), -1, _child_day(child, start))
    key_last = np.where(child_last[last] < 0, -1, _child_day(child_last[last], start_last[last]))
    bad_last = last[~among(key_last, key_now)]
    earliest = first_of_child(child, np.flatnonzero(~np.isnat(start)), start)
    return {"Missing_last": _rows(r, "Missing_last", bad_last),
            "Missing": _rows(r, "Missing", earliest[c.mark(child_last[bad_last])[child[earliest]]])}


def _child_day(child: np.ndarray, day: np.ndarray) -> np.ndarray:
    """One non-negative integer per (child number, date) pair (dates without time)."""
    return child.astype("int64") * 2**32 + (day.view("int64") // _NS_PER_DAY + 2**31)


@rule("577")
def ceased_while_missing_open(r):
    """A child who ceased to be looked after must not have an open missing/away period from before
    that: flags Missing rows with MIS_END blank and a MIS_START on or before the end of one of the
    child's periods of care (the DEC of its last episode, whose REC is not X1). Open periods that
    started after the child left care are rule 578's."""
    m, p = _with_periods(r)
    per = periods(r)
    end = per["period_end"].to_numpy()[p]
    ended = ~np.isnat(end) & (per["last_rec"].to_numpy(dtype=object, na_value=None)[p] != "X1")
    start = array(r, "Missing", "MIS_START_date")[m]
    bad = text(r, "Missing", "MIS_END").blank[m] & ended & (start <= end) & (start >= per["period_start"].to_numpy()[p])
    return {"Missing": _rows(r, "Missing", m[bad])}


def _outside_care(r) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Missing rows (with a MIS_START date) paired with the child's periods of care, keeping only
    rows whose MIS_START is inside none of them (start to end inclusive; open periods have no
    end): (Missing positions, positions in `periods`, MIS_START of each pair)."""
    m, p = _with_periods(r)
    start = array(r, "Missing", "MIS_START_date")[m]
    per = periods(r)
    end = per["period_end"].to_numpy()[p]
    inside = (start >= per["period_start"].to_numpy()[p]) & (np.isnat(end) | (start <= end))
    in_any = np.bincount(m[inside], minlength=len(children(r).of("Missing"))) > 0
    keep = ~np.isnat(start) & ~in_any[m]
    return m[keep], p[keep], start[keep]


@rule("578")
def missing_after_leaving_care(r):
    """MIS_START after the child ceased to be looked after: flags Missing rows whose MIS_START is
    inside none of the child's periods of care and after the end of one of them (a day after the
    DEC of a period's last episode; the day of leaving care itself passes)."""
    m, p, start = _outside_care(r)
    end = periods(r)["period_end"].to_numpy()[p]
    return {"Missing": _rows(r, "Missing", m[start > end])}  # NaT (open) never is


@rule("581")
def missing_before_care_started(r):
    """Child missing but not yet looked after: flags Missing rows whose MIS_START is before the
    start of the child's earliest period of care in the file, when that period's first episode
    has RNE = S (a real start of care). When the file's first episode continues a period from an
    earlier year, the start of care is unknown and the row is not flagged."""
    m, p, start = _outside_care(r)
    per = periods(r)
    before = (per["first_in_file"].to_numpy()[p] & per["starts_with_s"].to_numpy()[p]
              & (start < per["period_start"].to_numpy()[p]))
    return {"Missing": _rows(r, "Missing", m[before])}


@rule("580")
def missing_at_18_not_e8(r):
    """A child whose missing/away period ends on their 18th birthday, the day their episode ends
    (MIS_END = DEC = 18th birthday), left care while missing: that episode's REC must be E8.
    Flags the episode. The 18th-birthday condition follows DfE's rule logic as carried by the
    public validator; DfE's message itself only says "missing when ceasing to be looked after".
    DOB from Missing.DOB, or Header.DOB when that is blank or not a date."""
    c = children(r)
    end = array(r, "Missing", "MIS_END_date")
    m = np.flatnonzero(end == add_years(_dob(r, "Missing"), 18))  # NaT never equals
    dec = array(r, "Episodes", "DEC_date")
    ep = np.flatnonzero(~np.isnat(dec))
    i, j = same_child(c.of("Episodes")[ep], c.of("Missing")[m])
    ep, end = ep[i], end[m[j]]
    bad = (dec[ep] == end) & ~text(r, "Episodes", "REC").eq("E8")[ep]
    return {"Episodes": _rows(r, "Episodes", ep[bad])}
