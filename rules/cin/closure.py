"""CIN rules on activity recorded against an episode that is closed, closed after assessment
(RC8/RC9) or marked as a referral with no further action (ReferralNFA true/1).

Conventions of this module:
  - activity belongs to its episode by (ChildSeq, CINdetailsID);
  - each rule flags the CINdetails row and every row of activity that breaks it, in its own table;
  - ReferralNFA and ICPCnotRequired are read as true/1 or false/0 in any case (validator.derive.cin);
  - "present" means something written; dates are compared only when valid (NaT is never compared).
"""

import pandas as pd

from rules.cin import rule
from validator.derive.cin import episode_flags, s47_flags
from validator.derive.cin_activity import EPISODE_KEY, equals, in_keys, rows_of_keys, with_episode


# --- shared helpers -------------------------------------------------------------------------------

def _episodes_of(r, flags_by_table: dict[str, tuple[pd.DataFrame, pd.Series]]) -> pd.Series:
    """CINdetails rows owning any flagged row of the given tables ({name: (frame, flags)})."""
    e = r.table("CINdetails")
    out = pd.Series(False, index=e.index)
    for t, flags in flags_by_table.values():
        out |= rows_of_keys(e, t, flags, EPISODE_KEY)
    return out


def _in_episodes(r, table: str, episodes: pd.Series) -> tuple[pd.DataFrame, pd.Series]:
    """(`table`, rows of it belonging to the CINdetails rows selected by `episodes`)."""
    t = r.table(table)
    return t, rows_of_keys(t, r.table("CINdetails"), episodes, EPISODE_KEY)


# --- closed episodes ----------------------------------------------------------------------------------

@rule("8565")
def activity_after_closure(r):
    """When a CINdetails has a valid CINclosureDate, every one of these dates of the same episode
    that is present and valid must be on or before it (the closure day itself passes):
    AssessmentActualStartDate, AssessmentAuthorisationDate, S47ActualStartDate, DateOfInitialCPC
    (on the Section47 and on the CINdetails itself), CPPendDate, CINPlanStartDate, CINPlanEndDate.
    Flags the CINdetails row and each row holding a later date. (CPPstartDate is not in DfE's
    list. The reference substitutes a sample table for the plans; this uses the real ones.)"""
    closure = "CINclosureDate_date"
    a = with_episode(r, "Assessments", closure)
    s = with_episode(r, "Section47", closure)
    p = with_episode(r, "ChildProtectionPlans", closure)
    c = with_episode(r, "CINplanDates", closure)
    e = r.table("CINdetails")
    bad = {
        "Assessments": (a, (a["AssessmentActualStartDate_date"] > a[closure])
                        | (a["AssessmentAuthorisationDate_date"] > a[closure])),
        "Section47": (s, (s["S47ActualStartDate_date"] > s[closure]) | (s["DateOfInitialCPC_date"] > s[closure])),
        "ChildProtectionPlans": (p, p["CPPendDate_date"] > p[closure]),
        "CINplanDates": (c, (c["CINPlanStartDate_date"] > c[closure]) | (c["CINPlanEndDate_date"] > c[closure])),
    }
    own_icpc = e["DateOfInitialCPC_date"] > e["CINclosureDate_date"]
    out = {name: flags for name, (_, flags) in bad.items()}
    out["CINdetails"] = own_icpc | _episodes_of(r, bad)
    return out


@rule("8867")
def closed_with_assessment_not_completed(r):
    """When a CINdetails has a CINclosureDate written, every Assessments group of the episode must
    have an AssessmentAuthorisationDate written. Flags the CINdetails row and each assessment with
    none."""
    e = r.table("CINdetails")
    a, of_closed = _in_episodes(r, "Assessments", e["CINclosureDate"].notna())
    bad = of_closed & a["AssessmentAuthorisationDate"].isna()
    return {"Assessments": bad, "CINdetails": rows_of_keys(e, a, bad, EPISODE_KEY)}


@rule("8868")
def closed_with_s47_not_completed(r):
    """When a CINdetails has a CINclosureDate written, every Section47 group of the episode must
    either have a DateOfInitialCPC written or ICPCnotRequired true/1 (any case). Flags the
    CINdetails row and each Section47 with neither (ICPCnotRequired false, 0, blank or other)."""
    e = r.table("CINdetails")
    s, of_closed = _in_episodes(r, "Section47", e["CINclosureDate"].notna())
    bad = of_closed & s47_flags(r)["open"]
    return {"Section47": bad, "CINdetails": rows_of_keys(e, s, bad, EPISODE_KEY)}


# --- closed after assessment ------------------------------------------------------------------------

@rule("2990")
def activity_on_closed_after_assessment(r):
    """A CINdetails with ReasonForClosure RC8 or RC9 (closed after assessment) must have no
    Section47, no ChildProtectionPlans, no DateOfInitialCPC on the CINdetails and no CINplanDates.
    Flags the CINdetails row and each such Section47, ChildProtectionPlans and CINplanDates row."""
    e = r.table("CINdetails")
    rc = equals(r, "CINdetails", "ReasonForClosure", "RC8", "RC9")
    found = {name: _in_episodes(r, name, rc) for name in ("Section47", "ChildProtectionPlans", "CINplanDates")}
    out = {name: flags for name, (_, flags) in found.items()}
    out["CINdetails"] = rc & (e["DateOfInitialCPC"].notna() | _episodes_of(r, found))
    return out


@rule("2991Q")
def s47_without_assessment(r):
    """When a CINdetails has a Section47 it should also have at least one Assessments group. Flags
    each Section47 row of an episode (ChildSeq, CINdetailsID) with no assessment."""
    s = r.table("Section47")
    return {"Section47": ~in_keys(s, r.table("Assessments"), EPISODE_KEY)}


# --- referral with no further action ------------------------------------------------------------------

@rule("8831")
def activity_on_nfa_referral(r):
    """A CINdetails with ReferralNFA true/1 (any case) must not have any AssessmentActualStartDate,
    AssessmentAuthorisationDate, S47ActualStartDate or DateOfInitialCPC (on a Section47 or on the
    CINdetails itself). Flags the CINdetails row and each Assessments or Section47 row holding such
    a date (anything written counts)."""
    e = r.table("CINdetails")
    nfa = episode_flags(r)["nfa_true"]
    a, a_of = _in_episodes(r, "Assessments", nfa)
    s, s_of = _in_episodes(r, "Section47", nfa)
    a_dated = a["AssessmentActualStartDate"].notna() | a["AssessmentAuthorisationDate"].notna()
    s_dated = s["S47ActualStartDate"].notna() | s["DateOfInitialCPC"].notna()
    bad = {"Assessments": (a, a_of & a_dated), "Section47": (s, s_of & s_dated)}
    out = {name: flags for name, (_, flags) in bad.items()}
    out["CINdetails"] = nfa & (e["DateOfInitialCPC"].notna() | _episodes_of(r, bad))
    return out


@rule("8832")
def plan_on_nfa_referral(r):
    """A CINdetails with ReferralNFA true/1 (any case) must have no ChildProtectionPlans. Flags the
    CINdetails row and each of its ChildProtectionPlans rows (the reference's swapped join suffixes
    point into the wrong table; this flags the rows in their own tables)."""
    e = r.table("CINdetails")
    nfa = episode_flags(r)["nfa_true"]
    p, of_nfa = _in_episodes(r, "ChildProtectionPlans", nfa)
    return {"ChildProtectionPlans": of_nfa, "CINdetails": nfa & in_keys(e, p, EPISODE_KEY)}
