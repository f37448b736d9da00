"""SSDA903 SWEpisodes rules (social worker episodes, from 2023/24).

Each child's social worker episodes are ordered by SW_DECOM (then SW_DEC, then row). Rows whose
SW_DECOM is not a date (or blank) cannot be placed in that order: they are left out of the ordering
rules, and a child having one is skipped where the answer depends on the full order. A date that is
not valid never stops a rule for the other rows (DfE intent; known_reference_defects A3): SW04STG1 and
SW05STG1 report it.

DfE changed these rules between years (rules.csv `changed_in`); versions are registered by year:
  - SW01STG1 / SW03STG1 / SW11aSTG2 / SW14STG2: 2023/24 only; SW01a/SW01b: 2024/25 only;
  - SW10a/SW10b, SW17, SW18, SW19: from 2025/26;
  - SW02 (2025/26), SW07 (2024/25), SW10 (2024/25), SW12 (2024/25), SW13 (2024/25): new logic from
    the year shown;
  - SW04/SW05 (2025/26: stricter date layout, which this project applies in every year) and SW09
    (2025/26: see its docstring) keep one version.
"""

import numpy as np
import pandas as pd

from rules.ssda903 import rule
from validator.derive import array, invalid_date, text
from validator.derive.ssda903 import by_child_and_day, children, first_of_child, run_bounds
from validator.derive.ssda903_outcomes import looked_after_at_31_march

SW_COLLECTION_START = np.datetime64("2023-04-01", "ns")  # social worker episodes are collected from 1 April 2023
NEAR_YEAR_END_DAYS = 5  # SW11: an episode ending within 5 days before 31 March
GAP_TOLERANCE_DAYS = 7  # SW10/SW10a: next episode starts within +/- 7 days of the previous end
_NS_PER_DAY = 86_400_000_000_000
_LAST = np.iinfo("int64").max


def _ordered(r) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the SWEpisodes rows with a readable SW_DECOM and a CHILD, sorted by CHILD,
    SW_DECOM, SW_DEC (a blank or unreadable SW_DEC last; then row), and for each the previous
    episode's SW_DEC (NaT when there is none or it is not a date)."""
    child, decom, dec = children(r).of("SWEpisodes"), _decom(r), _dec(r)
    rows = np.flatnonzero(~np.isnat(decom) & (child >= 0))
    dec_key = np.where(np.isnat(dec), _LAST, dec.view("int64"))
    rows = rows[np.argsort(dec_key[rows], kind="stable")]  # by SW_DEC, then (stable) by CHILD and SW_DECOM
    rows = by_child_and_day(child, rows, decom)
    prev_dec = np.full(len(rows), np.datetime64("NaT"), dtype="datetime64[ns]")
    same_child = child[rows][1:] == child[rows][:-1]
    prev_dec[1:][same_child] = dec[rows][:-1][same_child]
    return rows, prev_dec


def _decom(r) -> np.ndarray:
    return array(r, "SWEpisodes", "SW_DECOM_date")


def _dec(r) -> np.ndarray:
    return array(r, "SWEpisodes", "SW_DEC_date")


def _by_child_and_start(r) -> np.ndarray:
    """Positions of the SWEpisodes rows with a readable SW_DECOM, by CHILD (a blank CHILD as one
    child) and SW_DECOM."""
    child, decom = children(r).of("SWEpisodes"), _decom(r)
    return by_child_and_day(child, np.flatnonzero(~np.isnat(decom)), decom)


def _later_start_exists(r) -> np.ndarray:
    """Per SWEpisodes row: another episode of the same child starts on or after this one's SW_DECOM
    (False where this row's SW_DECOM is not a date)."""
    rows = _by_child_and_start(r)
    child, decom = children(r).of("SWEpisodes")[rows], _decom(r)[rows]
    same_child = child[1:] == child[:-1]
    # in start order, the next row of the child starts on or after this one; the last row of a child
    # only has another on the same day, just before it
    out = np.zeros(len(_decom(r)), dtype=bool)
    out[rows[:-1][same_child]] = True
    out[rows[1:][same_child & (decom[1:] == decom[:-1])]] = True
    return out


def _child_has_unreadable_start(r) -> np.ndarray:
    """Per SWEpisodes row: the child has a row whose SW_DECOM is blank or not a date."""
    c = children(r)
    child = c.of("SWEpisodes")
    bad = child[np.isnat(_decom(r))]
    return c.mark(bad[bad >= 0])[child]


def _outside_tolerance(r, rows: np.ndarray, prev_dec: np.ndarray) -> np.ndarray:
    """SW_DECOM more than 7 days before or after the previous episode's SW_DEC (given and a date)."""
    gap = (_decom(r)[rows] - prev_dec).view("int64") // _NS_PER_DAY
    return ~np.isnat(prev_dec) & (np.abs(gap) > GAP_TOLERANCE_DAYS)


def _gap_not_first_contact(r) -> np.ndarray:
    """Episodes outside +/- 7 days of the previous episode's end whose SW_REASON is not FCONTA."""
    rows, prev_dec = _ordered(r)
    return rows[_outside_tolerance(r, rows, prev_dec) & ~text(r, "SWEpisodes", "SW_REASON").eq("FCONTA")[rows]]


def _no_sw_episode(r) -> np.ndarray:
    """Episodes rows showing the child looked after on 31 March whose child has no SWEpisodes row."""
    c = children(r)
    sw = c.of("SWEpisodes")
    return looked_after_at_31_march(r) & ~c.mark(sw[sw >= 0])[c.of("Episodes")]


# --- completeness, codes and dates ---------------------------------------------------------------

@rule("SW01STG1")
def no_sw_episode_for_cla(r):
    """2023/24: a child looked after on 31 March (an episode with DEC blank and LS not V3/V4) must have
    social worker episode information. Flags that open Episodes row when the child has no row in
    SWEpisodes."""
    return {"Episodes": _no_sw_episode(r)}


@rule("SW03STG1")
def sw_episode_incomplete_2023(r):
    """2023/24: flags SWEpisodes rows with SW_ID, SW_DECOM or SW_REASON blank."""
    blank = [text(r, "SWEpisodes", c).blank for c in ("SW_ID", "SW_DECOM", "SW_REASON")]
    return {"SWEpisodes": blank[0] | blank[1] | blank[2]}


@rule("SW01aSTG1")
def sw_episode_incomplete_before_collection(r):
    """2024/25: flags SWEpisodes rows with SW_DECOM blank, or starting before 1 April 2023 (before the
    social worker collection began) with SW_ID blank; SW_REASON is not needed for those."""
    early = _decom(r) < SW_COLLECTION_START
    return {"SWEpisodes": text(r, "SWEpisodes", "SW_DECOM").blank | (early & text(r, "SWEpisodes", "SW_ID").blank)}


@rule("SW01bSTG1")
def sw_episode_incomplete_since_collection(r):
    """2024/25: flags SWEpisodes rows with SW_DECOM blank, or starting on or after 1 April 2023 with
    SW_ID or SW_REASON blank. (A blank SW_DECOM is reported by both SW01a and SW01b: the episode
    cannot be placed before or after 1 April 2023.)"""
    since = _decom(r) >= SW_COLLECTION_START
    incomplete = text(r, "SWEpisodes", "SW_ID").blank | text(r, "SWEpisodes", "SW_REASON").blank
    return {"SWEpisodes": text(r, "SWEpisodes", "SW_DECOM").blank | (since & incomplete)}


@rule("SW02STG1", years="-2024/25")
def sw_id_prefix(r):
    """SW_ID, where given, must begin with the upper-case characters SW or XX (a blank SW_ID is
    reported by the completeness rules)."""
    ident = text(r, "SWEpisodes", "SW_ID")
    return {"SWEpisodes": ident.given & ~ident.check(lambda v: v[:2] in ("SW", "XX"))}


@rule("SW02STG1", years="2025/26-")
def sw_id_prefix_and_length(r):
    """From 2025/26: SW_ID, where given, must begin with SW or XX and carry an identifier after the
    prefix: IDs shorter than 4 characters (e.g. 'SW', 'XX1') are flagged as well. (The 2025/26 change
    is read, as the public validator reads it, as adding this minimum length; to be confirmed against
    DfE's rule text.)"""
    ident = text(r, "SWEpisodes", "SW_ID")
    return {"SWEpisodes": ident.given & ~ident.check(lambda v: v[:2] in ("SW", "XX") and len(v) >= 4)}


@rule("SW04STG1")
def sw_decom_not_valid_date(r):
    """SW_DECOM, where given, must be a real date written dd/mm/yyyy (blank is left to the completeness
    rules). One parser and layout for every year: the 2025/26 change made DfE's check strict about the
    layout, which this project applies in all years."""
    return {"SWEpisodes": invalid_date(r, "SWEpisodes", "SW_DECOM")}


@rule("SW05STG1")
def sw_dec_not_valid_date(r):
    """SW_DEC, where given, must be a real date written dd/mm/yyyy (blank = episode still open). DfE's
    message says 'began' but the field is the end date SW_DEC."""
    return {"SWEpisodes": invalid_date(r, "SWEpisodes", "SW_DEC")}


@rule("SW13STG1", years="2023/24")
def sw_reason_not_valid_2023(r):
    """2023/24: SW_REASON must be given and be a valid reason code (blank is flagged too, as the
    2023/24 message says: 'either not valid or has not been entered')."""
    return {"SWEpisodes": ~text(r, "SWEpisodes", "SW_REASON").isin(r.codes("SW_REASON"))}


@rule("SW13STG1", years="2024/25-")
def sw_reason_not_valid(r):
    """From 2024/25: SW_REASON, where given, must be a valid reason code. A blank reason is no longer
    part of this rule (the message dropped 'has not been entered'; SW01bSTG1 requires it in 2024/25).
    Never depends on SW_DECOM, so a bad date cannot stop it."""
    reason = text(r, "SWEpisodes", "SW_REASON")
    return {"SWEpisodes": reason.given & ~reason.isin(r.codes("SW_REASON"))}


@rule("SW06STG2")
def sw_decom_after_year_end(r):
    """Flags SWEpisodes rows whose SW_DECOM is after 31 March of the collection year. An earlier start
    is allowed: an episode open on 1 April began before it."""
    return {"SWEpisodes": _decom(r) > r.year.end.to_datetime64()}


@rule("SW07STG2", years="2023/24")
def sw_dec_outside_year_2023(r):
    """2023/24: flags SWEpisodes rows whose SW_DEC (where a date) is before 1 April or after 31 March
    of the collection year."""
    d = _dec(r)
    return {"SWEpisodes": (d < r.year.start.to_datetime64()) | (d > r.year.end.to_datetime64())}


@rule("SW07STG2", years="2024/25-")
def sw_dec_outside_reporting_period(r):
    """From 2024/25: the social worker reporting period starts a year before the collection year
    (1 April of the previous collection year). Flags SWEpisodes rows whose SW_DEC (where a date) is
    before that day or after 31 March of the collection year."""
    d = _dec(r)
    return {"SWEpisodes": (d < r.year.previous.start.to_datetime64()) | (d > r.year.end.to_datetime64())}


@rule("SW09STG2")
def sw_episode_under_24_hours(r):
    """Flags SWEpisodes rows whose SW_DEC is the same day as SW_DECOM (dates only: 'less than 24
    hours' = ended the day it began). An end before the start is left to SW18STG2 (from 2025/26).
    One version for all years: the public validator's 2025/26 version uses a 3-day threshold, which
    contradicts DfE's unchanged message; to be confirmed against DfE's 2025/26 rule text."""
    return {"SWEpisodes": _dec(r) == _decom(r)}  # NaT never equals


@rule("SW18STG2")
def sw_dec_before_decom(r):
    """From 2025/26: flags SWEpisodes rows whose SW_DEC is before SW_DECOM (same day is SW09STG2)."""
    return {"SWEpisodes": _dec(r) < _decom(r)}


@rule("SW19STG2")
def sw_same_start_twice(r):
    """From 2025/26: flags every SWEpisodes row of a child that shares its SW_DECOM (as a date) with
    another row of the same child."""
    rows = _by_child_and_start(r)
    rows = rows[children(r).of("SWEpisodes")[rows] >= 0]
    child, decom = children(r).of("SWEpisodes")[rows], _decom(r)[rows]
    same = (child[1:] == child[:-1]) & (decom[1:] == decom[:-1])  # adjacent rows sharing CHILD and SW_DECOM
    return {"SWEpisodes": np.union1d(rows[:-1][same], rows[1:][same])}


# --- the sequence of a child's episodes -----------------------------------------------------------

def _open_with_later_start(r) -> np.ndarray:
    """Rows with SW_DEC blank while another episode of the same child starts later (strictly) than
    this one: the later episode began, so this one should have ended. A blank CHILD is one child."""
    rows = _by_child_and_start(r)
    _, last = run_bounds(children(r).of("SWEpisodes")[rows])
    decom = _decom(r)[rows]
    hit = rows[decom < decom[last]]  # the child's latest start is later
    return hit[text(r, "SWEpisodes", "SW_DEC").blank[hit]]


@rule("SW08STG2")
def previous_sw_episode_not_ended(r):
    """Flags a SWEpisodes row with SW_DEC blank when another episode of the same child starts later
    (a strictly later SW_DECOM): the new episode started but this one never ended. Two episodes
    starting the same day are SW19STG2's concern."""
    return {"SWEpisodes": _open_with_later_start(r)}


@rule("SW14STG2")
def sw_dec_blank_2023(r):
    """2023/24: SW_DEC may be blank only on the child's latest social worker episode. Flags rows with
    SW_DEC blank when another episode of the child starts later (same test as SW08STG2, which DfE
    also ran in 2023/24)."""
    return {"SWEpisodes": _open_with_later_start(r)}


@rule("SW10STG2", years="2023/24")
def sw_start_not_at_previous_end_2023(r):
    """2023/24: a new social worker episode must start within 7 days either side of the previous
    episode's SW_DEC (DfE: SW_DECOM = previous SW_DEC +/- 7 days). Flags the later episode when the
    previous one (by SW_DECOM) has a SW_DEC date and the gap or overlap is more than 7 days. Rows
    whose SW_DECOM is not a date are left out of the order."""
    rows, prev_dec = _ordered(r)
    return {"SWEpisodes": rows[_outside_tolerance(r, rows, prev_dec)]}


@rule("SW10STG2", years="2024/25-")
def sw_start_not_at_previous_end(r):
    """From 2024/25: as 2023/24 (SW_DECOM within +/- 7 days of the previous episode's SW_DEC), except
    that an episode with SW_REASON = FCONTA (first contact) may start any time after a gap. Note that
    from 2025/26 DfE also has SW10aSTG2 with the same test (both are in DfE's list for those years)."""
    return {"SWEpisodes": _gap_not_first_contact(r)}


@rule("SW10aSTG2")
def sw_start_not_within_7_days(r):
    """From 2025/26: flags a social worker episode (not FCONTA, first contact; a blank reason counts
    as not FCONTA) whose SW_DECOM is more than 7 days before or after the previous episode's SW_DEC
    (previous by SW_DECOM; only when that SW_DEC is a date)."""
    return {"SWEpisodes": _gap_not_first_contact(r)}


@rule("SW10bSTG2")
def first_contact_before_previous_end(r):
    """From 2025/26: flags an episode with SW_REASON = FCONTA (first contact) whose SW_DECOM is on or
    before the previous episode's SW_DEC (DfE: it must be after it). Only when the previous SW_DEC is
    a date; an unended previous episode is SW08STG2's concern."""
    rows, prev_dec = _ordered(r)
    hit = text(r, "SWEpisodes", "SW_REASON").eq("FCONTA")[rows] & (_decom(r)[rows] <= prev_dec)  # NaT never is
    return {"SWEpisodes": rows[hit]}


def _ended_without_successor(r, lo, hi) -> np.ndarray:
    """Rows with lo <= SW_DEC < hi and no other episode of the child starting on or after this one's
    SW_DECOM; children with an unreadable SW_DECOM are skipped (a successor may be hidden there)."""
    d = _dec(r)
    window = (d < hi.to_datetime64()) if lo is None else ((d >= lo.to_datetime64()) & (d < hi.to_datetime64()))
    return window & ~np.isnat(_decom(r)) & ~_later_start_exists(r) & ~_child_has_unreadable_start(r)


@rule("SW11aSTG2")
def sw_ended_early_without_successor(r):
    """2023/24: flags a social worker episode that ended more than 5 days before 31 March (SW_DEC
    before 26 March) when the child has no subsequent social worker episode (none starting on or after
    this one's SW_DECOM)."""
    end = r.year.end
    return {"SWEpisodes": _ended_without_successor(r, None, end - pd.Timedelta(days=NEAR_YEAR_END_DAYS))}


@rule("SW11bSTG2")
def sw_ended_near_year_end_without_successor(r):
    """Flags a social worker episode that ended in the last days before 31 March (SW_DEC from 26 March
    up to 30 March: within 5 days, and 'before 31 March') when the child has no subsequent social
    worker episode (none starting on or after this one's SW_DECOM)."""
    end = r.year.end
    return {"SWEpisodes": _ended_without_successor(r, end - pd.Timedelta(days=NEAR_YEAR_END_DAYS), end)}


@rule("SW17STG2")
def no_sw_episode_open_at_year_end(r):
    """From 2025/26: a child's latest social worker episode (latest SW_DECOM) must be open (SW_DEC
    blank). Flags the latest row(s) when none of the rows starting on that latest date is open.
    Children with a row whose SW_DECOM is not a date are skipped (the latest cannot be told)."""
    c = children(r)
    rows = _by_child_and_start(r)
    rows = rows[c.of("SWEpisodes")[rows] >= 0]
    _, last = run_bounds(c.of("SWEpisodes")[rows])
    decom = _decom(r)[rows]
    top = rows[decom == decom[last]]  # on the child's latest start
    open_ = text(r, "SWEpisodes", "SW_DEC").blank[top]
    any_open = c.mark(c.of("SWEpisodes")[top[open_]])
    hit = top[~any_open[c.of("SWEpisodes")[top]]]
    return {"SWEpisodes": hit[~_child_has_unreadable_start(r)[hit]]}


def _sw_start_too_late(r) -> np.ndarray:
    """SWEpisodes rows that are the earliest social worker episode of a child looked after on 31 March
    and start after 1 April of the collection year (or after the child's birth, SWEpisodes.DOB, for a
    child born during the year), unless that episode is a first contact (SW_REASON = FCONTA)."""
    c = children(r)
    cla = c.of("Episodes")[looked_after_at_31_march(r)]
    child, decom = c.of("SWEpisodes"), _decom(r)
    rows = np.flatnonzero(~np.isnat(decom) & c.mark(cla[cla >= 0])[child])
    first = first_of_child(child, rows, decom)
    dob, start = array(r, "SWEpisodes", "DOB_date")[first], r.year.start.to_datetime64()
    due = np.where(dob > start, dob, start)
    late = (decom[first] > due) & ~text(r, "SWEpisodes", "SW_REASON").eq("FCONTA")[first]
    return first[late & ~_child_has_unreadable_start(r)[first]]


@rule("SW12STG2", years="2023/24")
def sw_episodes_do_not_cover_year_2023(r):
    """2023/24: for a child looked after on 31 March (an open episode, LS not V3/V4), social worker
    episodes must be reported for the whole year, including time before the child was looked after.
    Flags the child's earliest SWEpisodes row when its SW_DECOM is after 1 April of the collection
    year (or after the child's birth, SWEpisodes.DOB, for a child born during the year), unless that
    episode is a first contact (SW_REASON = FCONTA: the child was not known before). A child with no
    SWEpisodes row is SW01STG1's finding in 2023/24; a child whose SW_DECOMs cannot all be read is
    skipped."""
    return {"SWEpisodes": _sw_start_too_late(r)}


@rule("SW12STG2", years="2024/25-")
def sw_episodes_do_not_cover_year(r):
    """From 2024/25: as in 2023/24 (flags the earliest SWEpisodes row of a child looked after on
    31 March when it starts after 1 April, or after birth, and is not a first contact), and, since
    SW01STG1 no longer exists from 2024/25, also flags the open Episodes row (DEC blank, LS not V3/V4)
    of a child looked after on 31 March who has no social worker episode reported at all. (Reading of
    DfE's 2024/25 change, to be confirmed against DfE's rule text.)"""
    return {"SWEpisodes": _sw_start_too_late(r), "Episodes": _no_sw_episode(r)}
