"""CIN rules on child protection plans (ChildProtectionPlans), their reviews (Reviews: one row per
CPPreviewDate) and CIN plans (CINplanDates).

Conventions of this module:
  - a plan is (ChildSeq, CINdetailsID, CPPID); a review belongs to its plan on those keys; a CIN plan
    to its episode on (ChildSeq, CINdetailsID); "within a child" = ChildSeq;
  - "end date missing" (an open plan) means nothing written; an end date that is not a valid date
    is not missing, and is never compared (the date-validity rules report it); an open plan runs to
    the ReferenceDate (31 March of the collection year);
  - "falls within" a plan's dates includes both the start and the end day unless DfE's text makes
    an exception for the end day;
  - where a rule compares two plans, both rows of each offending pair are flagged.
"""

import pandas as pd

from rules.cin import rule
from validator.derive import invalid_date
from validator.derive.cin import episode_flags
from validator.derive.cin_activity import (CHILD_KEY, EPISODE_KEY, PLAN_KEY, count_in_group, in_keys, last_day,
                                           points_in_periods, rows_of_keys, starts_inside_another, valid_code,
                                           with_child, with_parent)


# --- shared helpers -------------------------------------------------------------------------------

def _outside_year(r, d: pd.Series) -> pd.Series:
    """A valid date before 1 April or after 31 March of the collection year."""
    return (d < r.year.start) | (d > r.year.end)


def _child_rows(r, t: pd.DataFrame, bad: pd.Series) -> pd.Series:
    """ChildIdentifiers rows of the children owning the flagged rows of `t`."""
    return rows_of_keys(r.table("ChildIdentifiers"), t, bad, CHILD_KEY)


def _starts_inside_others(t: pd.DataFrame, start: str, end: str, r) -> pd.Series:
    """Rows of `t` (one plan table) taking part in an overlap within a child: a plan whose start
    falls on or between another plan's start and end (or the ReferenceDate when that plan is open),
    and that other plan."""
    last = last_day(t[end], t[end + "_date"], r.year.end)
    return starts_inside_another(t, t[start + "_date"], last, CHILD_KEY)


def _starts_inside_other_kind(a: pd.DataFrame, a_start: str, b: pd.DataFrame, b_start: str, b_end: str, r):
    """Rows of `a` whose start falls within a plan of table `b` of the same child (from b's start up
    to the day before b's end, or up to the ReferenceDate when b is open: a start equal to b's end
    date is allowed), and those rows of `b`. Returns (flags on a, flags on b)."""
    last = last_day(b[b_end], b[b_end + "_date"], r.year.end, include_end=False)
    return points_in_periods(a, a[a_start + "_date"], b, b[b_start + "_date"], last, CHILD_KEY)


# --- child protection plans: one plan ------------------------------------------------------------------

@rule("8720")
def plan_start_missing_or_after_reference_date(r):
    """CPPstartDate must be present and on or before the ReferenceDate (31 March passes). Blank is
    flagged; a value that is not a valid date is left to the date checks."""
    p = r.table("ChildProtectionPlans")
    return {"ChildProtectionPlans": p["CPPstartDate"].isna() | (p["CPPstartDate_date"] > r.year.end)}


@rule("8730")
def previous_plans_missing(r):
    """NumberOfPreviousCPP must be present and a whole number greater than or equal to zero: blank,
    not a number, a fraction or a negative number is flagged."""
    n = r.table("ChildProtectionPlans")["NumberOfPreviousCPP_num"]
    return {"ChildProtectionPlans": n.isna() | (n < 0) | (n % 1 != 0)}


@rule("8840")
def plan_starts_and_ends_same_day(r):
    """CPPstartDate must not equal CPPendDate (valid dates compared)."""
    p = r.table("ChildProtectionPlans")
    return {"ChildProtectionPlans": p["CPPstartDate_date"] == p["CPPendDate_date"]}


@rule("8905")
def initial_category_missing_or_invalid(r):
    """InitialCategoryOfAbuse must be present and a valid category of abuse code (NEG, PHY, SAB,
    EMO, MUL; case as DfE writes them)."""
    return {"ChildProtectionPlans": ~valid_code(r, "ChildProtectionPlans", "InitialCategoryOfAbuse")}


@rule("8910")
def latest_category_missing_or_invalid(r):
    """LatestCategoryOfAbuse must be present and a valid category of abuse code (NEG, PHY, SAB,
    EMO, MUL; case as DfE writes them)."""
    return {"ChildProtectionPlans": ~valid_code(r, "ChildProtectionPlans", "LatestCategoryOfAbuse")}


@rule("8930")
def plan_end_outside_census_year(r):
    """CPPendDate, where present, must be on or between 1 April and 31 March of the census year
    (both days pass). Invalid dates are not compared."""
    p = r.table("ChildProtectionPlans")
    return {"ChildProtectionPlans": _outside_year(r, p["CPPendDate_date"])}


@rule("8915")
def plan_starts_after_death(r):
    """When the child has a PersonDeathDate, CPPstartDate must be on or before it (same day passes).
    Flags the plan and the child's ChildIdentifiers row. Invalid dates are not compared."""
    p = with_child(r, "ChildProtectionPlans", "PersonDeathDate_date")
    bad = p["CPPstartDate_date"] > p["PersonDeathDate_date"]
    return {"ChildProtectionPlans": bad, "ChildIdentifiers": _child_rows(r, p, bad)}


@rule("8920")
def plan_ends_after_death(r):
    """When the child has a PersonDeathDate, CPPendDate, where present, must be on or before it (same
    day passes). Flags the plan and the child's ChildIdentifiers row."""
    p = with_child(r, "ChildProtectionPlans", "PersonDeathDate_date")
    bad = p["CPPendDate_date"] > p["PersonDeathDate_date"]
    return {"ChildProtectionPlans": bad, "ChildIdentifiers": _child_rows(r, p, bad)}


# --- child protection plans of one child -----------------------------------------------------------

@rule("8940")
def plans_overlap(r):
    """No ChildProtectionPlans of a child (ChildSeq, across all its CINdetails) may start on or
    between the CPPstartDate and CPPendDate of another of its plans, or, when that plan has no
    CPPendDate, between its CPPstartDate and the ReferenceDate. Both ends included: a plan starting
    the day another ends overlaps it. Both plans of each overlapping pair are flagged. (The reference
    compares only plans at different positions, missing plans of different episodes.)"""
    p = r.table("ChildProtectionPlans")
    return {"ChildProtectionPlans": _starts_inside_others(p, "CPPstartDate", "CPPendDate", r)}


# --- reviews ----------------------------------------------------------------------------------------

@rule("8841")
def review_on_or_before_plan_start(r):
    """No CPPreviewDate may be the same as or before the CPPstartDate of its own plan (ChildSeq,
    CINdetailsID, CPPID). Every review date is its own row and is checked. Flags the Reviews row and
    the plan. Invalid dates are not compared."""
    v = with_parent(r, "Reviews", "ChildProtectionPlans", PLAN_KEY, "CPPstartDate_date")
    bad = v["CPPreviewDate_date"] <= v["CPPstartDate_date"]
    p = r.table("ChildProtectionPlans")
    return {"Reviews": bad, "ChildProtectionPlans": rows_of_keys(p, v, bad, PLAN_KEY)}


@rule("8842Q")
def review_date_missing(r):
    """Every Reviews row (one per CPPreviewDate, and one for a <Reviews> group holding none) should
    hold a valid CPPreviewDate: flags a blank one and one that is not a valid yyyy-mm-dd date."""
    v = r.table("Reviews")
    return {"Reviews": v["CPPreviewDate"].isna() | invalid_date(r, "Reviews", "CPPreviewDate")}


@rule("4003")
def review_during_cin_plan(r):
    """Within one CINdetails, no CPPreviewDate may fall on or between the CINPlanStartDate and
    CINPlanEndDate of a CIN plan (or its CINPlanStartDate and the ReferenceDate when it has no end
    date), unless the review date equals the CPPendDate of its own plan. Both ends included (the
    exception only matters then: the CIN plan may start the day the CPP ends with its last review).
    Flags the Reviews row and the CIN plan. Invalid dates are not compared. (The reference tests the
    CPP end where the CIN plan end is meant and never flags open CIN plans.)"""
    v = with_parent(r, "Reviews", "ChildProtectionPlans", PLAN_KEY, "CPPendDate_date")
    c = r.table("CINplanDates")
    at = v["CPPreviewDate_date"].where(v["CPPreviewDate_date"] != v["CPPendDate_date"])
    last = last_day(c["CINPlanEndDate"], c["CINPlanEndDate_date"], r.year.end)
    reviews, plans = points_in_periods(v, at, c, c["CINPlanStartDate_date"], last, EPISODE_KEY)
    return {"Reviews": reviews, "CINplanDates": plans}


# --- CIN plans: one plan --------------------------------------------------------------------------------

@rule("4010")
def cin_plan_start_missing_or_after_reference_date(r):
    """CINPlanStartDate must be present and on or before the ReferenceDate (31 March passes). Blank
    is flagged; a value that is not a valid date is left to the date checks."""
    c = r.table("CINplanDates")
    return {"CINplanDates": c["CINPlanStartDate"].isna() | (c["CINPlanStartDate_date"] > r.year.end)}


@rule("4011")
def cin_plan_ends_before_start(r):
    """CINPlanEndDate, where present, must be on or after CINPlanStartDate (same day passes here;
    4012Q queries it)."""
    c = r.table("CINplanDates")
    return {"CINplanDates": c["CINPlanEndDate_date"] < c["CINPlanStartDate_date"]}


@rule("4012Q")
def cin_plan_starts_and_ends_same_day(r):
    """CINPlanStartDate should not equal CINPlanEndDate (valid dates compared)."""
    c = r.table("CINplanDates")
    return {"CINplanDates": c["CINPlanStartDate_date"] == c["CINPlanEndDate_date"]}


@rule("4013")
def cin_plan_end_outside_census_year(r):
    """CINPlanEndDate, where present, must be on or between 1 April and 31 March of the census year
    (both days pass). Invalid dates are not compared."""
    c = r.table("CINplanDates")
    return {"CINplanDates": _outside_year(r, c["CINPlanEndDate_date"])}


@rule("4008")
def cin_plan_starts_after_death(r):
    """When the child has a PersonDeathDate, CINPlanStartDate must be on or before it (same day
    passes). Flags the CIN plan and the child's ChildIdentifiers row."""
    c = with_child(r, "CINplanDates", "PersonDeathDate_date")
    bad = c["CINPlanStartDate_date"] > c["PersonDeathDate_date"]
    return {"CINplanDates": bad, "ChildIdentifiers": _child_rows(r, c, bad)}


@rule("4009Q")
def cin_plan_ends_after_death(r):
    """When the child has a PersonDeathDate, CINPlanEndDate, where present, should be on or before
    it (same day passes). Flags the CIN plan and the child's ChildIdentifiers row."""
    c = with_child(r, "CINplanDates", "PersonDeathDate_date")
    bad = c["CINPlanEndDate_date"] > c["PersonDeathDate_date"]
    return {"CINplanDates": bad, "ChildIdentifiers": _child_rows(r, c, bad)}


# --- CIN plans of one episode or child -------------------------------------------------------------

@rule("4000")
def cin_plan_for_nfa_referral(r):
    """A CINdetails with ReferralNFA true/1 (any case) must have no CINplanDates. Flags the
    CINdetails row and each of its CINplanDates rows."""
    e = r.table("CINdetails")
    c = r.table("CINplanDates")
    nfa = episode_flags(r)["nfa_true"]
    return {"CINdetails": nfa & in_keys(e, c, EPISODE_KEY), "CINplanDates": rows_of_keys(c, e, nfa, EPISODE_KEY)}


@rule("4004")
def several_open_cin_plans(r):
    """Within one CINdetails (ChildSeq, CINdetailsID) only one CINplanDates may have no
    CINPlanEndDate written. Every open CIN plan of an episode with two or more is flagged. (The
    message says "this child"; DfE's logic counts within a CINdetails, followed here.)"""
    c = r.table("CINplanDates")
    open_ = c["CINPlanEndDate"].isna()
    return {"CINplanDates": open_ & (count_in_group(c, EPISODE_KEY, open_) > 1)}


@rule("4014")
def cin_plans_overlap(r):
    """No CINplanDates of a child (ChildSeq, across its CINdetails) may start on or between the
    CINPlanStartDate and CINPlanEndDate of another of its CIN plans, or, when that plan has no end
    date, between its start and the ReferenceDate. Both ends included. Both plans of each
    overlapping pair are flagged. (DfE's text quotes the CPP item numbers N00105/N00115 by mistake;
    the CIN plan dates are meant.)"""
    c = r.table("CINplanDates")
    return {"CINplanDates": _starts_inside_others(c, "CINPlanStartDate", "CINPlanEndDate", r)}


# --- CIN plans and child protection plans --------------------------------------------------------------

@rule("4001")
def open_cin_plan_with_open_cpp(r):
    """A CINdetails with a ChildProtectionPlans that has no CPPendDate written must not also have a
    CINplanDates with no CINPlanEndDate written. Flags those open plans of both kinds."""
    p = r.table("ChildProtectionPlans")
    c = r.table("CINplanDates")
    open_p = p["CPPendDate"].isna()
    open_c = c["CINPlanEndDate"].isna()
    return {"ChildProtectionPlans": open_p & rows_of_keys(p, c, open_c, EPISODE_KEY),
            "CINplanDates": open_c & rows_of_keys(c, p, open_p, EPISODE_KEY)}


@rule("4016")
def cin_plan_starts_during_cpp(r):
    """No CINPlanStartDate may fall on or after the CPPstartDate of a plan of the same child
    (ChildSeq) and before its CPPendDate, or, when that plan has no CPPendDate, on or before the
    ReferenceDate. A CIN plan starting the day the child protection plan ends passes (DfE's
    "unless equal to CPPendDate"). Flags the CIN plan and the child protection plan."""
    c = r.table("CINplanDates")
    p = r.table("ChildProtectionPlans")
    on_c, on_p = _starts_inside_other_kind(c, "CINPlanStartDate", p, "CPPstartDate", "CPPendDate", r)
    return {"CINplanDates": on_c, "ChildProtectionPlans": on_p}


@rule("4017")
def cpp_starts_during_cin_plan(r):
    """No CPPstartDate may fall on or after the CINPlanStartDate of a CIN plan of the same child
    (ChildSeq) and before its CINPlanEndDate, or, when that CIN plan has no end date, on or before
    the ReferenceDate. A child protection plan starting the day the CIN plan ends passes (DfE's
    "unless equal to CINPlanEndDate"). Flags the child protection plan and the CIN plan."""
    c = r.table("CINplanDates")
    p = r.table("ChildProtectionPlans")
    on_p, on_c = _starts_inside_other_kind(p, "CPPstartDate", c, "CINPlanStartDate", "CINPlanEndDate", r)
    return {"ChildProtectionPlans": on_p, "CINplanDates": on_c}
