"""CIN rules on CINdetails (episodes of need) and what hangs off them: assessments, S47, plans."""

import pandas as pd

from rules.cin import rule
from validator.calendar import working_days_after

from validator.derive.cin import EPISODE_KEY


def _with_episode(r, table: str, *columns: str) -> pd.DataFrame:
    """`table` with the named columns of its CINdetails episode beside it (same index)."""
    t = r.table(table)
    eps = r.table("CINdetails")[EPISODE_KEY + list(columns)].drop_duplicates(EPISODE_KEY)
    return t.join(eps.set_index(EPISODE_KEY), on=EPISODE_KEY)


@rule("1103")
def assessment_before_referral(r):
    """AssessmentActualStartDate, where present, must be on or after its episode's CINreferralDate."""
    a = _with_episode(r, "Assessments", "CINreferralDate_date")
    return {"Assessments": a["AssessmentActualStartDate_date"] < a["CINreferralDate_date"]}


@rule("8805")
def closure_without_reason(r):
    """A CINdetails with a CINclosureDate must also have a ReasonForClosure."""
    c = r.table("CINdetails")
    return {"CINdetails": c["CINclosureDate"].notna() & c["ReasonForClosure"].isna()}


@rule("8670Q")
def open_assessment_over_45_working_days(r):
    """An assessment with no AssessmentAuthorisationDate should not have started more than 45
    working days before the ReferenceDate.

    Counting: working days after the start day up to and including the ReferenceDate (the start
    day is day 0; Saturdays, Sundays and England and Wales bank holidays do not count). 45 passes,
    46 is flagged. So for ReferenceDate 31 March 2025 the latest start that is flagged is
    the 46th working day back."""
    a = r.table("Assessments")
    ref = pd.Series(r.year.end, index=a.index)
    days = working_days_after(a["AssessmentActualStartDate_date"], ref)
    return {"Assessments": a["AssessmentAuthorisationDate"].isna() & (days > 45)}


@rule("8875")
def icpc_on_weekend(r):
    """Section47.DateOfInitialCPC, where present, must not be a Saturday or Sunday."""
    s = r.table("Section47")
    return {"Section47": s["DateOfInitialCPC_date"].dt.day_of_week >= 5}


@rule("8925")
def plan_ends_before_start(r):
    """CPPendDate, where present, must be on or after CPPstartDate."""
    p = r.table("ChildProtectionPlans")
    return {"ChildProtectionPlans": p["CPPendDate_date"] < p["CPPstartDate_date"]}


@rule("8935")
def more_than_one_open_plan(r):
    """A child may have only one ChildProtectionPlans group without a CPPendDate, across all of its
    CINdetails episodes. Every open plan of such a child is flagged."""
    p = r.table("ChildProtectionPlans")
    open_ = p["CPPendDate"].isna()
    n_open = open_.groupby(p["ChildSeq"]).transform("sum")
    return {"ChildProtectionPlans": open_ & (n_open > 1)}
