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

import pandas as pd

from rules.common import not_in
from rules.ssda903 import rule
from validator.derive import invalid_date
from validator.derive.ssda903_outcomes import looked_after_at_31_march

SW_COLLECTION_START = pd.Timestamp(2023, 4, 1)  # social worker episodes are collected from 1 April 2023
NEAR_YEAR_END_DAYS = 5  # SW11: an episode ending within 5 days before 31 March
GAP_TOLERANCE_DAYS = 7  # SW10/SW10a: next episode starts within +/- 7 days of the previous end


def _ordered(r) -> pd.DataFrame:
    """SWEpisodes rows with a readable SW_DECOM, sorted by CHILD, SW_DECOM, SW_DEC (stable), with the
    previous episode's SW_DEC (`prev_dec`, NaT when there is none or it is not a date)."""
    s = r.table("SWEpisodes")
    s = s[s["SW_DECOM_date"].notna() & s["CHILD"].notna()]
    s = s.sort_values(["CHILD", "SW_DECOM_date", "SW_DEC_date"], kind="stable", na_position="last")
    g = s.groupby("CHILD", sort=False)
    s["prev_dec"] = g["SW_DEC_date"].shift(1)
    return s


def _later_start_exists(r) -> pd.Series:
    """Per SWEpisodes row: another episode of the same child starts on or after this one's SW_DECOM
    (NA-safe: False where this row's SW_DECOM is not a date)."""
    s = r.table("SWEpisodes")
    s["row"] = s.index
    v = s.loc[s["SW_DECOM_date"].notna(), ["CHILD", "SW_DECOM_date", "row"]]
    pairs = v.merge(v, on="CHILD", suffixes=("", "_other"))
    later = pairs[(pairs["row"] != pairs["row_other"]) & (pairs["SW_DECOM_date_other"] >= pairs["SW_DECOM_date"])]
    return pd.Series(s.index.isin(later["row"]), index=s.index)


def _child_has_unreadable_start(r) -> pd.Series:
    """Per SWEpisodes row: the child has a row whose SW_DECOM is blank or not a date."""
    s = r.table("SWEpisodes")
    bad = set(s.loc[s["SW_DECOM_date"].isna(), "CHILD"].dropna())
    return s["CHILD"].isin(bad)


def _outside_tolerance(s: pd.DataFrame) -> pd.Series:
    """SW_DECOM more than 7 days before or after the previous episode's SW_DEC (given and a date)."""
    gap = (s["SW_DECOM_date"] - s["prev_dec"]).dt.days
    return s["prev_dec"].notna() & (gap.abs() > GAP_TOLERANCE_DAYS)


def _gap_not_first_contact(r) -> pd.Series:
    """Episodes outside +/- 7 days of the previous episode's end whose SW_REASON is not FCONTA."""
    s = _ordered(r)
    return _flags(r, s.index[_outside_tolerance(s) & ~s["SW_REASON"].isin(["FCONTA"])])


def _flags(r, rows) -> pd.Series:
    s = r.table("SWEpisodes")
    return pd.Series(s.index.isin(rows), index=s.index)


# --- completeness, codes and dates ---------------------------------------------------------------

@rule("SW01STG1")
def no_sw_episode_for_cla(r):
    """2023/24: a child looked after on 31 March (an episode with DEC blank and LS not V3/V4) must have
    social worker episode information. Flags that open Episodes row when the child has no row in
    SWEpisodes."""
    cla = looked_after_at_31_march(r)
    sw = r.table("SWEpisodes")
    e = r.table("Episodes")
    no_sw = cla.index[~cla["CHILD"].isin(sw["CHILD"].dropna())]
    return {"Episodes": pd.Series(e.index.isin(no_sw), index=e.index)}


@rule("SW03STG1")
def sw_episode_incomplete_2023(r):
    """2023/24: flags SWEpisodes rows with SW_ID, SW_DECOM or SW_REASON blank."""
    s = r.table("SWEpisodes")
    return {"SWEpisodes": s[["SW_ID", "SW_DECOM", "SW_REASON"]].isna().any(axis=1)}


@rule("SW01aSTG1")
def sw_episode_incomplete_before_collection(r):
    """2024/25: flags SWEpisodes rows with SW_DECOM blank, or starting before 1 April 2023 (before the
    social worker collection began) with SW_ID blank; SW_REASON is not needed for those."""
    s = r.table("SWEpisodes")
    early = s["SW_DECOM_date"] < SW_COLLECTION_START
    return {"SWEpisodes": s["SW_DECOM"].isna() | (early & s["SW_ID"].isna())}


@rule("SW01bSTG1")
def sw_episode_incomplete_since_collection(r):
    """2024/25: flags SWEpisodes rows with SW_DECOM blank, or starting on or after 1 April 2023 with
    SW_ID or SW_REASON blank. (A blank SW_DECOM is reported by both SW01a and SW01b: the episode
    cannot be placed before or after 1 April 2023.)"""
    s = r.table("SWEpisodes")
    since = s["SW_DECOM_date"] >= SW_COLLECTION_START
    return {"SWEpisodes": s["SW_DECOM"].isna() | (since & s[["SW_ID", "SW_REASON"]].isna().any(axis=1))}


@rule("SW02STG1", years="-2024/25")
def sw_id_prefix(r):
    """SW_ID, where given, must begin with the upper-case characters SW or XX (a blank SW_ID is
    reported by the completeness rules)."""
    s = r.table("SWEpisodes")
    return {"SWEpisodes": s["SW_ID"].notna() & ~s["SW_ID"].str[:2].isin(["SW", "XX"])}


@rule("SW02STG1", years="2025/26-")
def sw_id_prefix_and_length(r):
    """From 2025/26: SW_ID, where given, must begin with SW or XX and carry an identifier after the
    prefix: IDs shorter than 4 characters (e.g. 'SW', 'XX1') are flagged as well. (The 2025/26 change
    is read, as the public validator reads it, as adding this minimum length; to be confirmed against
    DfE's rule text.)"""
    s = r.table("SWEpisodes")
    ident = s["SW_ID"]
    bad = ~ident.str[:2].isin(["SW", "XX"]) | (ident.str.len() < 4).fillna(False).astype(bool)
    return {"SWEpisodes": ident.notna() & bad}


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
    s = r.table("SWEpisodes")
    return {"SWEpisodes": s["SW_REASON"].isna() | not_in(s["SW_REASON"], r.codes("SW_REASON"))}


@rule("SW13STG1", years="2024/25-")
def sw_reason_not_valid(r):
    """From 2024/25: SW_REASON, where given, must be a valid reason code. A blank reason is no longer
    part of this rule (the message dropped 'has not been entered'; SW01bSTG1 requires it in 2024/25).
    Never depends on SW_DECOM, so a bad date cannot stop it."""
    s = r.table("SWEpisodes")
    return {"SWEpisodes": not_in(s["SW_REASON"], r.codes("SW_REASON"))}


@rule("SW06STG2")
def sw_decom_after_year_end(r):
    """Flags SWEpisodes rows whose SW_DECOM is after 31 March of the collection year. An earlier start
    is allowed: an episode open on 1 April began before it."""
    s = r.table("SWEpisodes")
    return {"SWEpisodes": s["SW_DECOM_date"] > r.year.end}


@rule("SW07STG2", years="2023/24")
def sw_dec_outside_year_2023(r):
    """2023/24: flags SWEpisodes rows whose SW_DEC (where a date) is before 1 April or after 31 March
    of the collection year."""
    s = r.table("SWEpisodes")
    d = s["SW_DEC_date"]
    return {"SWEpisodes": (d < r.year.start) | (d > r.year.end)}


@rule("SW07STG2", years="2024/25-")
def sw_dec_outside_reporting_period(r):
    """From 2024/25: the social worker reporting period starts a year before the collection year
    (1 April of the previous collection year). Flags SWEpisodes rows whose SW_DEC (where a date) is
    before that day or after 31 March of the collection year."""
    s = r.table("SWEpisodes")
    d = s["SW_DEC_date"]
    return {"SWEpisodes": (d < r.year.previous.start) | (d > r.year.end)}


@rule("SW09STG2")
def sw_episode_under_24_hours(r):
    """Flags SWEpisodes rows whose SW_DEC is the same day as SW_DECOM (dates only: 'less than 24
    hours' = ended the day it began). An end before the start is left to SW18STG2 (from 2025/26).
    One version for all years: the public validator's 2025/26 version uses a 3-day threshold, which
    contradicts DfE's unchanged message; to be confirmed against DfE's 2025/26 rule text."""
    s = r.table("SWEpisodes")
    return {"SWEpisodes": s["SW_DEC_date"].notna() & (s["SW_DEC_date"] == s["SW_DECOM_date"])}


@rule("SW18STG2")
def sw_dec_before_decom(r):
    """From 2025/26: flags SWEpisodes rows whose SW_DEC is before SW_DECOM (same day is SW09STG2)."""
    s = r.table("SWEpisodes")
    return {"SWEpisodes": s["SW_DEC_date"] < s["SW_DECOM_date"]}


@rule("SW19STG2")
def sw_same_start_twice(r):
    """From 2025/26: flags every SWEpisodes row of a child that shares its SW_DECOM (as a date) with
    another row of the same child."""
    s = r.table("SWEpisodes")
    ok = s["SW_DECOM_date"].notna() & s["CHILD"].notna()
    dup = s[ok].duplicated(["CHILD", "SW_DECOM_date"], keep=False)
    return {"SWEpisodes": _flags(r, dup.index[dup])}


# --- the sequence of a child's episodes -----------------------------------------------------------

def _open_with_later_start(r) -> pd.Series:
    """Rows with SW_DEC blank while another episode of the same child starts later (strictly) than
    this one: the later episode began, so this one should have ended."""
    s = r.table("SWEpisodes")
    s["row"] = s.index
    v = s.loc[s["SW_DECOM_date"].notna(), ["CHILD", "SW_DECOM_date", "SW_DEC", "row"]]
    pairs = v.merge(v[["CHILD", "SW_DECOM_date"]], on="CHILD", suffixes=("", "_other"))
    hit = pairs[pairs["SW_DEC"].isna() & (pairs["SW_DECOM_date_other"] > pairs["SW_DECOM_date"])]
    return _flags(r, hit["row"])


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
    s = _ordered(r)
    return {"SWEpisodes": _flags(r, s.index[_outside_tolerance(s)])}


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
    s = _ordered(r)
    hit = s["SW_REASON"].isin(["FCONTA"]) & s["prev_dec"].notna() & (s["SW_DECOM_date"] <= s["prev_dec"])
    return {"SWEpisodes": _flags(r, s.index[hit])}


def _ended_without_successor(r, lo, hi) -> pd.Series:
    """Rows with lo <= SW_DEC < hi and no other episode of the child starting on or after this one's
    SW_DECOM; children with an unreadable SW_DECOM are skipped (a successor may be hidden there)."""
    s = r.table("SWEpisodes")
    d = s["SW_DEC_date"]
    window = (d < hi) if lo is None else ((d >= lo) & (d < hi))
    return window & s["SW_DECOM_date"].notna() & ~_later_start_exists(r) & ~_child_has_unreadable_start(r)


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
    s = r.table("SWEpisodes")
    s = s[s["SW_DECOM_date"].notna() & s["CHILD"].notna()]
    latest = s["SW_DECOM_date"] == s.groupby("CHILD")["SW_DECOM_date"].transform("max")
    top = s[latest]
    any_open = top["SW_DEC"].isna().groupby(top["CHILD"]).transform("any")
    skip = _child_has_unreadable_start(r)
    hit = top.index[~any_open.to_numpy()]
    return {"SWEpisodes": _flags(r, hit) & ~skip}


def _sw_start_too_late(r) -> pd.Series:
    """SWEpisodes rows that are the earliest social worker episode of a child looked after on 31 March
    and start after 1 April of the collection year (or after the child's birth, SWEpisodes.DOB, for a
    child born during the year), unless that episode is a first contact (SW_REASON = FCONTA)."""
    cla = set(looked_after_at_31_march(r)["CHILD"].dropna())
    s = r.table("SWEpisodes")
    v = s[s["SW_DECOM_date"].notna() & s["CHILD"].isin(cla)]
    v = v.sort_values(["CHILD", "SW_DECOM_date"], kind="stable").drop_duplicates("CHILD", keep="first")
    due = v["DOB_date"].where(v["DOB_date"] > r.year.start, r.year.start)
    late = (v["SW_DECOM_date"] > due) & ~v["SW_REASON"].isin(["FCONTA"])
    return _flags(r, v.index[late]) & ~_child_has_unreadable_start(r)


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
    cla = looked_after_at_31_march(r)
    e, s = r.table("Episodes"), r.table("SWEpisodes")
    none_reported = cla.index[~cla["CHILD"].isin(s["CHILD"].dropna())]
    return {"SWEpisodes": _sw_start_too_late(r), "Episodes": pd.Series(e.index.isin(none_reported), index=e.index)}
