"""Derived frames for the processed-output preview (reports/preview): what DfE builds from a return
before it counts anything. Every function takes the Return, the table-key suffix ("" for this year,
"_last" for last year's tables) and the collection year those tables belong to, so the same code
gives this year's figures and last year's ("previous_value").

Results are cached on the Return per (function, suffix, year), like `validator.derive.derived`.
Nothing here raises on unreadable dates: a NaT simply never satisfies a date comparison, so a row
with a bad date drops out of the measures that need that date (the date rules report it).

Definitions (spec: ../shared/spec/derived_measures.md; [C] confirmed by DfE, [I] inferred, kept
configurable through the module constants below):

SSDA903
  * short break: LS V3/V4. Short-break episodes are dropped before anything else is built; a child
    with other episodes is counted through those, a child with only V3/V4 episodes in the year goes
    to the separate "short breaks only" table. [C]/[I]
  * period of care [I]: a child's non-short-break episodes with a DECOM date, sorted by DECOM; an
    episode continues the period when the child's previous episode ended with REC = X1 (with
    `PERIOD_NEEDS_SAME_DAY` also only when its DECOM equals that DEC); otherwise it starts a new one.
    The period ends with the first episode whose REC is not X1 (a blank REC counts as not X1).
  * open at 31 March [I]: DEC blank (a DEC written but not a date is not blank), LS not V3/V4 and
    DECOM not after the year end.
  * placement [I]: an episode starts a new placement when RNE is S (a new period) or RNE is P/B/T/U,
    except (PLACEMENT_EXCLUDED_PLACES) moves into or out of a temporary placement T0-T4 and moves into
    placement for adoption with the current carer (A3/A5). Placements in the year = 1 for the
    placement held on 1 April (a non-short-break episode with DECOM before 1 April and DEC blank or on or
    after 1 April) + each counted placement start with DECOM in the year.
CIN
  * episode of need [C exclusion, I signal]: a CINdetails row that is not an NFA referral
    (ReferralNFA true/1, any case) and not "assessed not in need" (PrimaryNeedCode N9 or
    ReasonForClosure RC8/RC9: NOT_IN_NEED_PRIMARY / NOT_IN_NEED_CLOSURE).
  * open at 31 March [I]: CINreferralDate on or before the reference date and CINclosureDate blank.
  * working days: validator.calendar.working_days_after - the start day is day 0, the end day is
    counted, so an assessment authorised the day it started took 0 working days. [I]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from validator.calendar import working_days_after
from validator.derive import age_at
from validator.derive import truthy as _truthy
from validator.model import LAST
from validator.years import CollectionYear

# ---- SSDA903 conventions -------------------------------------------------------------------
SHORT_BREAKS = ("V3", "V4")
PERIOD_NEEDS_SAME_DAY = True  # [I] as derived_measures.md 1.1 and the rules (care_periods): X1 and next DECOM = DEC
PLACEMENT_CHANGE_RNE = ("P", "B", "T", "U")
TEMPORARY_PLACES = ("T0", "T1", "T2", "T3", "T4")
SAME_CARER_ADOPTION = ("A3", "A5")  # placed for adoption with the current foster carer(s): not a move
ADOPTED = ("E11", "E12")
SGO = ("E43", "E44", "E45", "E46", "E47", "E48")

# ---- CIN conventions -----------------------------------------------------------------------
NOT_IN_NEED_PRIMARY = ("N9",)
NOT_IN_NEED_CLOSURE = ("RC8", "RC9")


def year_for(r, suffix: str) -> CollectionYear:
    """The collection year of the tables with this suffix: last year's for "_last"."""
    return r.year.previous if suffix == LAST else r.year


def _cached(fn):
    key = f"{fn.__module__}.{fn.__qualname__}"

    def wrapper(r, suffix: str = "", year: CollectionYear | None = None):
        year = year or year_for(r, suffix)
        cache = r.__dict__.setdefault("_derived", {})
        k = (key, suffix, year.label)
        if k not in cache:
            cache[k] = fn(r, suffix, year)
        return cache[k]

    wrapper.__doc__ = fn.__doc__
    wrapper.__name__ = fn.__name__
    return wrapper


def _flag(s: pd.Series) -> pd.Series:
    """Plain bool from a boolean-ish Series (NA -> False)."""
    return s.fillna(False).astype(bool)


def age(dob: pd.Series, when) -> pd.Series:
    """validator.derive.age_at (completed years by anniversary; a 29 February birthday is reached on
    1 March in common years), safe on empty or all-missing inputs: float, NaN where unknown."""
    dob = pd.to_datetime(dob, errors="coerce")
    if isinstance(when, pd.Series):
        when = pd.to_datetime(when, errors="coerce")
    if not len(dob):
        return pd.Series(index=dob.index, dtype="float64")
    return age_at(dob, when).astype("float64")


def lookup(values: pd.Series, keys: pd.Series) -> pd.Series:
    """values[key] for each key, aligned with `keys` (NaN/NaT where absent); `values` has a unique
    index. Safe on empty inputs, unlike Series.map with an empty Series (which casts dates to float)."""
    return pd.Series(values.reindex(keys.to_numpy()).to_numpy(), index=keys.index)


def in_window(d: pd.Series, start, end) -> pd.Series:
    return _flag((d >= start) & (d <= end))


# ====================================================================== SSDA903


@_cached
def episodes_903(r, suffix, year) -> pd.DataFrame:
    """Every Episodes row (index = row label) with:
    short_break, dec_blank, usable (CHILD and DECOM date given), in_year (overlaps the year),
    open_at_end (open non-short-break episode at 31 March), and for usable non-short-break episodes
    the period of care: period (id), period_first / period_last (bool), period_start, period_end
    (DEC of its last episode, NaT while open), period_rec (REC of its last episode), period_cin
    (category of need on its first episode), period_open,
    period_truncated (the period's first episode is the child's first in the file and its RNE is not
    S, i.e. it began before the file's history), new_placement (the episode starts a counted placement).
    """
    e = r.table("Episodes" + suffix)
    start, end = year.start, year.end
    cols = ["CHILD", "DECOM", "DECOM_date", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "DEC_date",
            "REC", "REASON_PLACE_CHANGE"]
    out = e[[c for c in cols if c in e.columns]].copy()
    out["short_break"] = _flag(out["LS"].isin(SHORT_BREAKS))
    out["dec_blank"] = out["DEC"].isna()
    out["usable"] = out["CHILD"].notna() & out["DECOM_date"].notna()
    out["in_year"] = _flag((out["DECOM_date"] <= end) & (out["dec_blank"] | (out["DEC_date"] >= start)))
    out["open_at_end"] = out["dec_blank"] & ~out["short_break"] & out["CHILD"].notna() & ~_flag(out["DECOM_date"] > end)
    out["row"] = out.index

    s = out[out["usable"] & ~out["short_break"]].copy()
    s["child_code"] = pd.factorize(s["CHILD"])[0]  # sort and group on integers, not text
    s = s.sort_values(["child_code", "DECOM_date", "row"], kind="stable")
    g = s.groupby("child_code", sort=False)
    prev_rec = g["REC"].shift(1)
    prev_dec = g["DEC_date"].shift(1)
    prev_place = g["PLACE"].shift(1)
    first_of_child = g.cumcount().eq(0)
    continues = ~first_of_child & _flag(prev_rec.eq("X1"))
    if PERIOD_NEEDS_SAME_DAY:
        continues &= _flag(prev_dec.eq(s["DECOM_date"]))
    s["period_first"] = ~continues
    s["period"] = s["period_first"].cumsum()
    pg = s.groupby("period", sort=False)
    s["period_start"] = pg["DECOM_date"].transform("first")
    s["period_end"] = pg["DEC_date"].transform("last")
    s["period_rec"] = pg["REC"].transform("last")
    s["period_cin"] = pg["CIN"].transform("first")
    s["period_open"] = pg["dec_blank"].transform("last")
    s["period_last"] = s["row"].eq(pg["row"].transform("last"))
    first_rne = pg["RNE"].transform("first")
    s["period_truncated"] = (pg["row"].transform("first").isin(s.loc[first_of_child, "row"])
                             & _flag(first_rne.ne("S")))
    change = _flag(s["RNE"].isin(PLACEMENT_CHANGE_RNE)) & continues  # a move within a period of care
    change &= ~_flag(s["PLACE"].isin(TEMPORARY_PLACES)) & ~_flag(prev_place.isin(TEMPORARY_PLACES))
    change &= ~_flag(s["PLACE"].isin(SAME_CARER_ADOPTION))
    s["placement_change"] = change
    s["new_placement"] = s["period_first"] | change
    keep = ["period", "period_first", "period_last", "period_start", "period_end", "period_rec", "period_cin", "period_open",
            "period_truncated", "placement_change", "new_placement"]
    out = out.join(s[keep])
    for c in ("period_first", "period_last", "period_open", "period_truncated", "placement_change", "new_placement"):
        out[c] = _flag(out[c])
    return out.drop(columns="row")


@_cached
def children_903(r, suffix, year) -> pd.DataFrame:
    """One row per CHILD of Header (first row) and of Episodes, indexed by CHILD: DOB_date, SEX, ETHNIC,
    MOTHER, age_end (age at 31 March), uasc_end (UASC at 31 March: in the UASC table - or with the
    XML flag 1 - and DUC blank or after 31 March [I])."""
    h = r.table("Header" + suffix)
    h = h[h["CHILD"].notna()].drop_duplicates("CHILD").set_index("CHILD")
    e = r.table("Episodes" + suffix)
    ids = pd.Index(pd.concat([h.index.to_series(), e["CHILD"].dropna()]).unique(), name="CHILD")
    out = pd.DataFrame(index=ids)
    for c in ("DOB_date", "SEX", "ETHNIC", "MOTHER"):
        out[c] = h[c].reindex(ids) if c in h.columns else pd.NA
    out["DOB_date"] = pd.to_datetime(out["DOB_date"])
    out["age_end"] = age(out["DOB_date"], year.end)
    u = r.table("UASC" + suffix)
    u = u[u["CHILD"].notna()].drop_duplicates("CHILD").set_index("CHILD")
    duc = u["DUC_date"].reindex(ids)
    ceased_uasc = _flag(duc <= year.end)
    if "UASC" in h.columns and h["UASC"].notna().any():
        listed = _flag(h["UASC"].reindex(ids).eq("1"))
    else:
        listed = pd.Series(ids.isin(u.index), index=ids)
    out["uasc_end"] = listed & ~ceased_uasc
    return out


@_cached
def placements_in_year(r, suffix, year) -> pd.Series:
    """Placements each child had in the year (see module doc), by CHILD; children with no
    non-short-break episode in the year are absent."""
    e = episodes_903(r, suffix, year)
    e = e[e["usable"] & ~e["short_break"]]
    start, end = year.start, year.end
    held = _flag((e["DECOM_date"] < start) & (e["dec_blank"] | (e["DEC_date"] >= start)))
    new = e["new_placement"] & in_window(e["DECOM_date"], start, end)
    per = pd.DataFrame({"CHILD": e["CHILD"], "held": held, "new": new})
    g = per.groupby("CHILD", sort=False)
    n = g["held"].any().astype("int64") + g["new"].sum().astype("int64")
    return n[n > 0]


@_cached
def continuously_looked_after(r, suffix, year) -> pd.Index:
    """CHILDs looked after continuously for 12 months at 31 March (OC2 cohort; DfE's 2021-22 validation
    definition [C]): looked after at some point in the year, every episode's dates readable, and no
    episode that starts after 1 April (to 31 March) with RNE S, ends on or after 1 April and before 31
    March with REC other than X1 (blank included), or is a V3/V4 episode overlapping the year."""
    e = episodes_903(r, suffix, year)
    e = e[e["CHILD"].notna()]
    start, end = year.start, year.end
    enters = _flag(e["RNE"].eq("S") & (e["DECOM_date"] > start) & (e["DECOM_date"] <= end))
    leaves = ~_flag(e["REC"].eq("X1")) & _flag((e["DEC_date"] >= start) & (e["DEC_date"] < end))
    breaks = enters | leaves | (e["short_break"] & e["in_year"])
    readable = e["DECOM_date"].notna() & (e["dec_blank"] | e["DEC_date"].notna())
    f = pd.DataFrame({"CHILD": e["CHILD"], "in_year": e["in_year"], "breaks": breaks, "readable": readable})
    g = f.groupby("CHILD", sort=False).agg(in_year=("in_year", "any"), breaks=("breaks", "any"),
                                           readable=("readable", "all"))
    return g.index[g["in_year"] & ~g["breaks"] & g["readable"]]


@_cached
def short_break_only(r, suffix, year) -> pd.Index:
    """CHILDs whose episodes in the year are all V3/V4 (and who have at least one)."""
    e = episodes_903(r, suffix, year)
    e = e[e["in_year"] & e["CHILD"].notna()]
    g = e.groupby("CHILD", sort=False)["short_break"].all()
    return g.index[g]


# ====================================================================== CIN


def truthy(flag: pd.Series) -> pd.Series:
    """A CIN boolean written true/1 in any case."""
    return _flag(_truthy(flag) == True)  # noqa: E712


@_cached
def cin_episodes(r, suffix, year) -> pd.DataFrame:
    """CINdetails rows with nfa, not_in_need, of_need (an episode of need), open_at_end,
    referral_in_year, closure_in_year, open_at_start (referral before 1 April, closure blank or on or
    after 1 April)."""
    d = r.table("CINdetails" + suffix).copy()
    start, end = year.start, year.end
    d["nfa"] = truthy(d["ReferralNFA"])
    d["not_in_need"] = _flag(d["PrimaryNeedCode"].isin(NOT_IN_NEED_PRIMARY)) | _flag(
        d["ReasonForClosure"].isin(NOT_IN_NEED_CLOSURE))
    d["of_need"] = ~d["nfa"] & ~d["not_in_need"]
    closure_blank = d["CINclosureDate"].isna()
    d["open_at_end"] = _flag(d["CINreferralDate_date"] <= end) & closure_blank
    d["referral_in_year"] = in_window(d["CINreferralDate_date"], start, end)
    d["closure_in_year"] = in_window(d["CINclosureDate_date"], start, end)
    d["open_at_start"] = _flag(d["CINreferralDate_date"] < start) & (closure_blank | _flag(d["CINclosureDate_date"] >= start))
    return d


@_cached
def cin_children(r, suffix, year) -> pd.DataFrame:
    """ChildIdentifiers (first row per LAchildID) with sex, ethnicity and age at 31 March (NaN when no
    birth date; `unborn` when only an expected birth date is given [I])."""
    c = r.table("ChildIdentifiers" + suffix)
    c = c[c["LAchildID"].notna()].drop_duplicates("LAchildID").set_index("LAchildID")
    out = pd.DataFrame(index=c.index)
    out["age_end"] = age(c["PersonBirthDate_date"], year.end)
    out["unborn"] = c["PersonBirthDate"].isna() & c["ExpectedPersonBirthDate"].notna()
    sex = c["Sex"] if "Sex" in c.columns else pd.Series(pd.NA, index=c.index)
    if "GenderCurrent" in c.columns:
        sex = sex.fillna(c["GenderCurrent"])
    out["sex"] = sex
    ch = r.table("ChildCharacteristics" + suffix)
    ch = ch[ch["LAchildID"].notna()].drop_duplicates("LAchildID").set_index("LAchildID")
    out["ethnicity"] = ch["Ethnicity"].reindex(out.index)
    return out


@_cached
def assessments(r, suffix, year) -> pd.DataFrame:
    """Assessments with completed_in_year (authorisation date in the year) and working_days (start
    day = day 0; NaN when either date is missing, negative when authorised before it started)."""
    a = r.table("Assessments" + suffix).copy()
    a["completed_in_year"] = in_window(a["AssessmentAuthorisationDate_date"], year.start, year.end)
    a["working_days"] = working_days_after(a["AssessmentActualStartDate_date"], a["AssessmentAuthorisationDate_date"])
    return a


@_cached
def section47(r, suffix, year) -> pd.DataFrame:
    """Section47 with s47_in_year (start in the year), icpc_in_year (DateOfInitialCPC in the year) and
    icpc_working_days (S47 start -> ICPC; NaN when either is missing or the ICPC precedes the S47)."""
    s = r.table("Section47" + suffix).copy()
    s["s47_in_year"] = in_window(s["S47ActualStartDate_date"], year.start, year.end)
    s["icpc_in_year"] = in_window(s["DateOfInitialCPC_date"], year.start, year.end)
    wd = working_days_after(s["S47ActualStartDate_date"], s["DateOfInitialCPC_date"])
    s["icpc_working_days"] = wd.where(wd >= 0)
    return s


@_cached
def plans(r, suffix, year) -> pd.DataFrame:
    """ChildProtectionPlans with started_in_year, ended_in_year, open_at_end (start on or before 31
    March, end blank), duration_days (end - start for ended plans) and previous_plan (the child had an
    earlier plan: NumberOfPreviousCPP > 0, or another plan in this file or last year's file that
    started before this one [I])."""
    p = r.table("ChildProtectionPlans" + suffix).copy()
    start, end = year.start, year.end
    p["started_in_year"] = in_window(p["CPPstartDate_date"], start, end)
    p["ended_in_year"] = in_window(p["CPPendDate_date"], start, end)
    p["open_at_end"] = _flag(p["CPPstartDate_date"] <= end) & p["CPPendDate"].isna()
    p["duration_days"] = (p["CPPendDate_date"] - p["CPPstartDate_date"]).dt.days
    history = [p[["LAchildID", "CPPstartDate_date"]]]
    if suffix == "":
        last = r.table("ChildProtectionPlans" + LAST)
        history.append(last[["LAchildID", "CPPstartDate_date"]])
    h = pd.concat(history, ignore_index=True).dropna()
    first_start = h.groupby("LAchildID")["CPPstartDate_date"].min()
    earliest = first_start.reindex(p["LAchildID"]).to_numpy()
    earlier_plan = _flag(pd.Series(earliest < p["CPPstartDate_date"].to_numpy(), index=p.index)
                         & p["CPPstartDate_date"].notna() & pd.notna(earliest))
    p["previous_plan"] = _flag(p["NumberOfPreviousCPP_num"] > 0) | earlier_plan
    return p


__all__ = ["episodes_903", "children_903", "placements_in_year", "continuously_looked_after", "short_break_only",
           "cin_episodes", "cin_children", "assessments", "section47", "plans", "year_for", "truthy",
           "SHORT_BREAKS", "ADOPTED", "SGO", "np"]
