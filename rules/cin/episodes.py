"""CIN rules on CINdetails (episodes of need) and what hangs off them: assessments, S47, plans."""

from rules.cin import rule
from validator.calendar import minus_working_days
from validator.derive.cin_activity import CHILD_KEY, count_in_group, with_episode


@rule("1103")
def assessment_before_referral(r):
    """AssessmentActualStartDate, where present, must be on or after its episode's CINreferralDate."""
    a = with_episode(r, "Assessments", "CINreferralDate_date")
    return {"Assessments": a["AssessmentActualStartDate_date"] < a["CINreferralDate_date"]}


@rule("1104")
def icpc_before_referral(r):
    """DateOfInitialCPC, where present, must be on or after the episode's CINreferralDate (the same
    day passes). DfE's item N00110 is held at both levels, so both are checked: a Section47 row
    whose DateOfInitialCPC is before the CINreferralDate of its own CINdetails (ChildSeq,
    CINdetailsID) is flagged, and a CINdetails row whose own DateOfInitialCPC is before its
    CINreferralDate is flagged. Blank or invalid dates are not compared."""
    s = with_episode(r, "Section47", "CINreferralDate_date")
    e = r.table("CINdetails")
    return {"Section47": s["DateOfInitialCPC_date"] < s["CINreferralDate_date"],
            "CINdetails": e["DateOfInitialCPC_date"] < e["CINreferralDate_date"]}


@rule("1105")
def plan_before_referral(r):
    """CPPstartDate, where present, must be on or after the CINreferralDate of the plan's own
    CINdetails (same day passes). Flags the ChildProtectionPlans row. Invalid dates not compared."""
    p = with_episode(r, "ChildProtectionPlans", "CINreferralDate_date")
    return {"ChildProtectionPlans": p["CPPstartDate_date"] < p["CINreferralDate_date"]}


@rule("2889")
def s47_before_referral(r):
    """S47ActualStartDate, where present, must be on or after the CINreferralDate of its own
    CINdetails (same day passes). Flags the Section47 row. Invalid dates not compared."""
    s = with_episode(r, "Section47", "CINreferralDate_date")
    return {"Section47": s["S47ActualStartDate_date"] < s["CINreferralDate_date"]}


@rule("4015")
def cin_plan_before_referral(r):
    """CINPlanStartDate, where present, must be on or after the CINreferralDate of its own
    CINdetails (same day passes). Flags the CINplanDates row. Invalid dates not compared."""
    p = with_episode(r, "CINplanDates", "CINreferralDate_date")
    return {"CINplanDates": p["CINPlanStartDate_date"] < p["CINreferralDate_date"]}


@rule("8805")
def closure_without_reason(r):
    """A CINdetails with a CINclosureDate must also have a ReasonForClosure."""
    c = r.table("CINdetails")
    return {"CINdetails": c["CINclosureDate"].notna() & c["ReasonForClosure"].isna()}


@rule("8670Q")
def open_assessment_over_45_working_days(r):
    """An assessment with no AssessmentAuthorisationDate should not have started before the
    ReferenceDate minus 45 working days.

    Counting, in DfE's words "ReferenceDate minus 45 working days": the ReferenceDate is day 0
    (even when it is not a working day) and each earlier working day counts one; Saturdays, Sundays
    and England and Wales bank holidays do not count. A start on the 45th working day back passes;
    any earlier start is queried. ReferenceDate Monday 31 March 2025: Monday 27 January 2025
    passes, Friday 24 January is queried. ReferenceDate Sunday 31 March 2024 (Good Friday 29 March
    inside): Friday 26 January 2024 passes, Thursday 25 January is queried."""
    a = r.table("Assessments")
    limit = minus_working_days(r.year.end, 45)
    return {"Assessments": a["AssessmentAuthorisationDate"].isna() & (a["AssessmentActualStartDate_date"] < limit)}


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
    return {"ChildProtectionPlans": open_ & (count_in_group(p, CHILD_KEY, open_) > 1)}
