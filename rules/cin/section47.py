"""CIN rules on Section 47 enquiries and initial child protection conferences (ICPC).

DfE item N00110 DateOfInitialCPC is held at two levels: in a Section47 group, and on the
CINdetails itself (an ICPC with no S47 in the episode). Conventions of this module:
  - a Section47 belongs to its episode by (ChildSeq, CINdetailsID);
  - ICPCnotRequired is read as true/1 or false/0 in any case (validator.derive.cin); a rule that
    needs "false" does not fire on a blank or other value, and "not true" includes them;
  - "DateOfInitialCPC missing" means nothing written; a value that is not a valid date is not
    missing and is never compared (the date-validity rules report it);
  - [Period_of_Census] = 1 April .. 31 March inclusive; ReferenceDate = 31 March.
"""

import pandas as pd

from rules.cin import rule
from validator.calendar import minus_working_days
from validator.derive.cin import s47_flags
from validator.derive.cin_activity import EPISODE_KEY, count_in_group, last_day, rows_of_keys, starts_inside_another
from validator.registry import RETURN_LEVEL


# --- shared helpers -------------------------------------------------------------------------------

def _in_census(r, d: pd.Series) -> pd.Series:
    """A valid date on or between 1 April and 31 March of the collection year."""
    return ((d >= r.year.start) & (d <= r.year.end)).fillna(False).astype(bool)


def _starts_on_icpc(plans: pd.DataFrame, icpc: pd.DataFrame, where: pd.Series) -> pd.Series:
    """Plans whose valid CPPstartDate equals a valid DateOfInitialCPC, in the same episode, of a
    row of `icpc` (Section47 or CINdetails) where `where` is true."""
    day = "CPPstartDate_date"
    icpc_days = icpc[EPISODE_KEY].assign(**{day: icpc["DateOfInitialCPC_date"]})
    return plans[day].notna() & rows_of_keys(plans, icpc_days, where & icpc_days[day].notna(), EPISODE_KEY + [day])


# --- one Section47 group ------------------------------------------------------------------------------

@rule("8615")
def s47_start_missing_or_after_icpc(r):
    """In a Section47 with a DateOfInitialCPC written, S47ActualStartDate must be present and on or
    before the DateOfInitialCPC (same day passes). Flags a blank start date; compares only valid
    dates (an invalid date on either side is left to the date checks)."""
    s = r.table("Section47")
    has_icpc = s["DateOfInitialCPC"].notna()
    late = s["S47ActualStartDate_date"] > s["DateOfInitialCPC_date"]
    return {"Section47": has_icpc & (s["S47ActualStartDate"].isna() | late)}


@rule("8715")
def icpc_outside_census_year(r):
    """Section47.DateOfInitialCPC, where present, must be on or between 1 April and 31 March of the
    census year (both days pass). Invalid dates are not compared."""
    d = r.table("Section47")["DateOfInitialCPC_date"]
    return {"Section47": (d < r.year.start) | (d > r.year.end)}


@rule("8740")
def open_s47_started_outside_year(r):
    """A Section47 with no DateOfInitialCPC written and ICPCnotRequired false/0 (any case: "false",
    "FALSE", "0") must have its S47ActualStartDate on or between 1 April and 31 March of the census
    year (both days pass). A blank or invalid start date is not evaluated; a blank or invalid
    ICPCnotRequired is not false, so not evaluated."""
    s = r.table("Section47")
    d = s["S47ActualStartDate_date"]
    waiting = s["DateOfInitialCPC"].isna() & s47_flags(r)["icpc_not_required_false"]
    return {"Section47": waiting & ((d < r.year.start) | (d > r.year.end))}


@rule("8675Q")
def s47_over_15_working_days_without_icpc(r):
    """A Section47 with no DateOfInitialCPC written and ICPCnotRequired false/0 (any case) should
    not have started more than 15 working days before the ReferenceDate (31 March).

    Counting (as 8670Q), DfE's wording "ReferenceDate minus 15 working days": the ReferenceDate is
    day 0 (even when it is not a working day), each earlier working day counts one (Saturdays,
    Sundays and England and Wales bank holidays do not count); a start before the 15th working
    day back is queried, a start on it passes. ReferenceDate Monday 31 March 2025: Monday 10 March
    passes, Friday 7 March is queried. ReferenceDate Sunday 31 March 2024 (Good Friday 29 March
    inside): Friday 8 March passes, Thursday 7 March is queried. Blank or invalid start: not evaluated."""
    s = r.table("Section47")
    limit = minus_working_days(r.year.end, 15)
    waiting = s["DateOfInitialCPC"].isna() & s47_flags(r)["icpc_not_required_false"]
    return {"Section47": waiting & (s["S47ActualStartDate_date"] < limit)}


@rule("8870Q")
def icpc_target_on_weekend(r):
    """InitialCPCtarget, where present and a valid date, should not be a Saturday or Sunday (bank
    holidays are not part of this check)."""
    s = r.table("Section47")
    return {"Section47": s["InitialCPCtarget_date"].dt.day_of_week >= 5}


# --- Section47 groups of one episode ----------------------------------------------------------------

@rule("8839")
def several_open_s47(r):
    """Within one CINdetails (ChildSeq, CINdetailsID) there must be only one open Section47: one
    with no DateOfInitialCPC written and ICPCnotRequired not true/1 (false, 0, blank or anything
    else). Every open Section47 of an episode with two or more is flagged."""
    s = r.table("Section47")
    open_ = s47_flags(r)["open"]
    return {"Section47": open_ & (count_in_group(s, EPISODE_KEY, open_) > 1)}


@rule("8890")
def s47_starts_during_another(r):
    """Within one CINdetails, an S47ActualStartDate must not fall on or between
    a) the S47ActualStartDate and DateOfInitialCPC of another Section47 that has a DateOfInitialCPC,
    b) the S47ActualStartDate of another Section47 with no DateOfInitialCPC and ICPCnotRequired not
       true/1, and the ReferenceDate.
    Both ends are included. A Section47 with no DateOfInitialCPC and ICPCnotRequired true/1 is not
    an ongoing enquiry. Both enquiries of such a pair are flagged; two starting the same day flag
    each other. Blank or invalid dates are not compared."""
    s = r.table("Section47")
    start = s["S47ActualStartDate_date"]
    last = last_day(s["DateOfInitialCPC"], s["DateOfInitialCPC_date"], r.year.end)
    last = last.where(s["DateOfInitialCPC"].notna() | s47_flags(r)["open"])
    return {"Section47": starts_inside_another(s, start, last, EPISODE_KEY)}


# --- conferences and plans --------------------------------------------------------------------------

@rule("2884")
def icpc_at_both_levels(r):
    """The same initial child protection conference must not be recorded both on a Section47 and on
    its CINdetails: flags a CINdetails whose DateOfInitialCPC equals the DateOfInitialCPC of a
    Section47 of the same episode (ChildSeq, CINdetailsID), and those Section47 rows. Dates are
    compared as valid dates; a blank or invalid date matches nothing. (The reference joins by child
    only; DfE means the same CINdetails.)"""
    e = r.table("CINdetails")
    s = r.table("Section47")
    key = EPISODE_KEY + ["DateOfInitialCPC_date"]
    e_dated, s_dated = e["DateOfInitialCPC_date"].notna(), s["DateOfInitialCPC_date"].notna()
    return {"CINdetails": e_dated & rows_of_keys(e, s, s_dated, key),
            "Section47": s_dated & rows_of_keys(s, e, e_dated, key)}


@rule("2885")
def plan_start_not_on_icpc(r):
    """A ChildProtectionPlans whose CPPstartDate is a valid date within the census year (1 April to
    31 March inclusive) must start on the day of its initial conference:
    a) when its CINdetails has a Section47 with ICPCnotRequired not true/1 (an enquiry that led or
       could lead to a conference), CPPstartDate must equal the DateOfInitialCPC of one of them;
    b) otherwise CPPstartDate must equal the CINdetails' own DateOfInitialCPC.
    Flags the plan and the rows whose conference date it was compared with (those Section47 rows,
    or the CINdetails row). ICPCnotRequired is read as true/1 in any case (the reference only
    excludes exactly "1")."""
    p = r.table("ChildProtectionPlans")
    s = r.table("Section47")
    e = r.table("CINdetails")
    in_year = _in_census(r, p["CPPstartDate_date"])
    with_conference = ~s47_flags(r)["icpc_not_required_true"]  # the enquiries behind a conference
    via_s47 = rows_of_keys(p, s, with_conference, EPISODE_KEY)

    matches_s47 = _starts_on_icpc(p, s, with_conference)
    matches_cin = _starts_on_icpc(p, e, pd.Series(True, index=e.index))

    bad_s47 = in_year & via_s47 & ~matches_s47
    bad_cin = in_year & ~via_s47 & ~matches_cin
    return {"ChildProtectionPlans": bad_s47 | bad_cin,
            "Section47": with_conference & rows_of_keys(s, p, bad_s47, EPISODE_KEY),
            "CINdetails": rows_of_keys(e, p, bad_cin, EPISODE_KEY)}


@rule("2883")
def more_plans_than_conferences(r):
    """Return level: the number of ChildProtectionPlans with a CPPstartDate within the census year
    (1 April to 31 March inclusive, valid dates) must not exceed the number of DateOfInitialCPC
    within the census year on CINdetails plus the number on Section47. Reported for the whole
    return when it does."""
    plans = _in_census(r, r.table("ChildProtectionPlans")["CPPstartDate_date"]).sum()
    icpc = (_in_census(r, r.table("CINdetails")["DateOfInitialCPC_date"]).sum()
            + _in_census(r, r.table("Section47")["DateOfInitialCPC_date"]).sum())
    return {RETURN_LEVEL: bool(plans > icpc)}
