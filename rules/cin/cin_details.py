"""CIN rules on CINdetails (episodes of need) and on what they say about the child: referral and
closure dates, ReferralNFA, codes, overlapping or open episodes, and the child-level rules that
depend on a child's episodes (disabilities, UPN expected, age, death).

Conventions of this module:
  - "within a child" = ChildSeq (the position of the child in the file), never LAchildID;
  - ReferenceDate = 31 March of the collection year (r.year.end); [Period_of_Census] =
    1 April .. 31 March inclusive (rule 100 checks the header's own value);
  - ReferralNFA is read as validator.derive.cin.episode_flags does: true/1 and false/0 in any case; anything else
    (blank, "yes", ...) is neither true nor false, so a rule that needs "false or 0" does not fire
    on it (rule 8568 reports it);
  - a date that is blank or not a valid date is not compared (NaT), unless the rule says otherwise.
"""

import pandas as pd

from rules.cin import rule
from validator.calendar import minus_working_days
from validator.derive.cin import episode_flags
from validator.derive.cin_activity import (CHILD_KEY, count_in_group, equals, last_day, starts_inside_another,
                                           valid_code, with_child)

REFERRAL_SOURCE_FROM = pd.Timestamp("2013-04-01")  # rule 8866


# --- shared helpers -------------------------------------------------------------------------------

def _children_of(r, rows: pd.DataFrame, flags: pd.Series) -> pd.Series:
    """ChildIdentifiers rows of the children owning the flagged `rows` (any table with ChildSeq)."""
    c = r.table("ChildIdentifiers")
    return c["ChildSeq"].isin(rows.loc[flags, "ChildSeq"])


def _further_action_children(r) -> pd.Series:
    """ChildSeq values of children with at least one CINdetails whose ReferralNFA is false or 0."""
    e = r.table("CINdetails")
    return e.loc[episode_flags(r)["nfa_false"], "ChildSeq"]


# --- ReferralNFA and codes on the episode ---------------------------------------------------------

@rule("8568")
def referral_nfa_missing_or_invalid(r):
    """ReferralNFA must be present and one of 1, 0, true, false (any case: TRUE and False pass)."""
    flags = episode_flags(r)
    return {"CINdetails": ~(flags["nfa_true"] | flags["nfa_false"])}


@rule("8569Q")
def old_referral_flagged_nfa(r):
    """A referral dated before [1 April of the census year minus 1 working day] should not be a
    no-further-action case: flags CINdetails with such a CINreferralDate and ReferralNFA true/1.

    "1 April minus 1 working day" is the last working day before 1 April (England and Wales:
    Saturdays, Sundays and bank holidays do not count; 1 April itself is day 0). For 2025/26 that
    is Monday 31 March 2025; for 2024/25 (1 April 2024 is Easter Monday, 29 March Good Friday) it is
    Thursday 28 March 2024. A referral on that day passes; any earlier day is flagged.
    A blank or invalid ReferralNFA is left to 8568."""
    e = r.table("CINdetails")
    cutoff = minus_working_days(r.year.start, 1)
    return {"CINdetails": (e["CINreferralDate_date"] < cutoff) & episode_flags(r)["nfa_true"]}


@rule("8610")
def primary_need_missing_for_further_action(r):
    """When ReferralNFA is false or 0 (any case), PrimaryNeedCode must be present."""
    e = r.table("CINdetails")
    return {"CINdetails": episode_flags(r)["nfa_false"] & e["PrimaryNeedCode"].isna()}


@rule("8640")
def reason_for_closure_invalid(r):
    """ReasonForClosure, where present, must be a valid reason-for-closure code (RC1-RC9, upper
    case). A blank reason is left to 8805."""
    e = r.table("CINdetails")
    valid = valid_code(r, "CINdetails", "ReasonForClosure")
    return {"CINdetails": e["ReasonForClosure"].notna() & ~valid}


@rule("8650")
def primary_need_invalid(r):
    """PrimaryNeedCode, where present, must be a valid primary need code (N0-N9)."""
    e = r.table("CINdetails")
    valid = valid_code(r, "CINdetails", "PrimaryNeedCode")
    return {"CINdetails": e["PrimaryNeedCode"].notna() & ~valid}


@rule("8866")
def referral_source_missing_or_invalid(r):
    """When CINreferralDate is on or after 1 April 2013, ReferralSource must be present and a valid
    code. Episodes with a blank or invalid referral date are not evaluated."""
    e = r.table("CINdetails")
    recent = (e["CINreferralDate_date"] >= REFERRAL_SOURCE_FROM).fillna(False).astype(bool)
    return {"CINdetails": recent & ~valid_code(r, "CINdetails", "ReferralSource")}


# --- Referral and closure dates -------------------------------------------------------------------

@rule("8600")
def referral_missing_or_after_reference_date(r):
    """CINreferralDate must be present and on or before the ReferenceDate (31 March; that day
    passes). Blank is flagged; a value that is not a valid date is left to the date checks."""
    e = r.table("CINdetails")
    return {"CINdetails": e["CINreferralDate"].isna() | (e["CINreferralDate_date"] > r.year.end)}


@rule("8620")
def closure_outside_census_year(r):
    """CINclosureDate, where present, must be within the census year, 1 April to 31 March inclusive."""
    d = r.table("CINdetails")["CINclosureDate_date"]
    return {"CINdetails": (d < r.year.start) | (d > r.year.end)}


@rule("8630")
def closure_before_referral(r):
    """CINclosureDate, where present, must be on or after the CINreferralDate of the same CINdetails
    (same day passes)."""
    e = r.table("CINdetails")
    return {"CINdetails": e["CINclosureDate_date"] < e["CINreferralDate_date"]}


@rule("8810")
def reason_without_closure_date(r):
    """A CINdetails with a ReasonForClosure must also have a CINclosureDate (any value written)."""
    e = r.table("CINdetails")
    return {"CINdetails": e["ReasonForClosure"].notna() & e["CINclosureDate"].isna()}


# --- Episodes of one child compared ---------------------------------------------------------------

@rule("8590")
def child_without_episode(r):
    """Every child (ChildIdentifiers row) must have at least one CINdetails, matched on ChildSeq."""
    c = r.table("ChildIdentifiers")
    return {"ChildIdentifiers": ~c["ChildSeq"].isin(r.table("CINdetails")["ChildSeq"])}


@rule("8815")
def several_open_further_action_episodes(r):
    """A child may have only one CINdetails with no CINclosureDate and ReferralNFA false/0. When a
    child has two or more, every one of them is flagged; open NFA (true/1) episodes do not count."""
    e = r.table("CINdetails")
    open_ = episode_flags(r)["open_further_action"]
    return {"CINdetails": open_ & (count_in_group(e, CHILD_KEY, open_) > 1)}


@rule("8816")
def open_episode_not_latest(r):
    """A CINdetails with no CINclosureDate and ReferralNFA false/0 must have the latest
    CINreferralDate of all the child's episodes. Flags that open episode when another episode of
    the child has a later referral date (an equal date passes). Invalid dates are not compared."""
    e = r.table("CINdetails")
    latest = e["CINreferralDate_date"].groupby(e["ChildSeq"]).transform("max")
    return {"CINdetails": episode_flags(r)["open_further_action"] & (e["CINreferralDate_date"] < latest)}


@rule("8820")
def episodes_overlap(r):
    """No CINdetails of a child may start (CINreferralDate) inside another CINdetails of the child:
    a) on or after the other's CINreferralDate and before its CINclosureDate (a referral on the
       day the other closed passes), or
    b) on or after the other's CINreferralDate and on or before the ReferenceDate when the other has
       no CINclosureDate and ReferralNFA false/0 (open NFA episodes do not count).
    Both episodes of each overlapping pair are flagged. Two episodes with the same referral date
    overlap (unless one closes the day it starts). Blank or invalid dates are not compared."""
    e = r.table("CINdetails")
    # an episode covers its referral date up to the day before its closure; an open one with
    # ReferralNFA false/0 up to the ReferenceDate; any other open one (or an invalid closure) nothing
    last = last_day(e["CINclosureDate"], e["CINclosureDate_date"], r.year.end, include_end=False)
    last = last.where(e["CINclosureDate"].notna() | episode_flags(r)["open_further_action"])
    return {"CINdetails": starts_inside_another(e, e["CINreferralDate_date"], last, CHILD_KEY)}


# --- Episodes and the child's birth and death -----------------------------------------------------

@rule("8555Q")
def referral_after_death(r):
    """When the child has a PersonDeathDate, each CINreferralDate should be on or before it (same
    day passes). Flags the CINdetails referred after the death and the child's ChildIdentifiers row."""
    e = with_child(r, "CINdetails", "PersonDeathDate_date")
    bad = e["CINreferralDate_date"] > e["PersonDeathDate_date"]
    return {"CINdetails": bad, "ChildIdentifiers": _children_of(r, e, bad)}


@rule("8585Q")
def died_without_death_date(r):
    """A CINdetails with ReasonForClosure RC2 (died) needs a valid PersonDeathDate on the child:
    flags the RC2 episode and the child's ChildIdentifiers row when the death date is blank or not
    a valid date (DfE: "a valid PersonDeathDate must be present")."""
    e = with_child(r, "CINdetails", "PersonDeathDate_date")
    bad = equals(r, "CINdetails", "ReasonForClosure", "RC2") & e["PersonDeathDate_date"].isna()
    return {"CINdetails": bad, "ChildIdentifiers": _children_of(r, e, bad)}


@rule("8606")
def referral_long_before_birth(r):
    """A CINreferralDate must not be more than 280 days before the child's PersonBirthDate, nor
    more than 280 days before the ExpectedPersonBirthDate: exactly 280 days before passes, 281 is
    flagged. Flags the CINdetails and the child's ChildIdentifiers row."""
    e = with_child(r, "CINdetails", "PersonBirthDate_date", "ExpectedPersonBirthDate_date")
    limit = pd.Timedelta(days=280)
    ref = e["CINreferralDate_date"]
    bad = (ref < e["PersonBirthDate_date"] - limit) | (ref < e["ExpectedPersonBirthDate_date"] - limit)
    return {"CINdetails": bad, "ChildIdentifiers": _children_of(r, e, bad)}


@rule("8775Q")
def child_over_25(r):
    """Query a child born before [ReferenceDate minus 25 years] with a CINdetails that is open
    (CINclosureDate blank) or closed after the child's 25th birthday. Born exactly 25 years before
    the ReferenceDate: not queried; closed on the 25th birthday: not queried. (A birthday on
    29 February is taken as 28 February in a non-leap year.) Flags those CINdetails and the child's
    ChildIdentifiers row. A closure date that is not a valid date is not evaluated."""
    e = with_child(r, "CINdetails", "PersonBirthDate_date")
    dob = e["PersonBirthDate_date"]
    over_25 = dob < r.year.end - pd.DateOffset(years=25)
    birthday_25 = dob + pd.DateOffset(years=25)
    late = (e["CINclosureDate_date"] > birthday_25) | e["CINclosureDate"].isna()
    bad = (over_25 & late).fillna(False).astype(bool)
    return {"CINdetails": bad, "ChildIdentifiers": _children_of(r, e, bad)}


# --- UPN and the child's episodes -----------------------------------------------------------------

def _upn_expected(r, born_by, accepted_reasons):
    """ChildIdentifiers rows of children with a further-action referral and a birth date matching
    `born_by` that have no UPN and no UPNunknown among `accepted_reasons`."""
    c = r.table("ChildIdentifiers")
    in_scope = c["ChildSeq"].isin(_further_action_children(r)) & born_by(c["PersonBirthDate_date"])
    explained = c["UPN"].notna() | equals(r, "ChildIdentifiers", "UPNunknown", *accepted_reasons)
    return {"ChildIdentifiers": in_scope & ~explained}


@rule("8770Q", years="-2023/24")
def upn_missing_child_over_5(r):
    """Up to 2023/24 ("a child who is more than 5 years old"): a child with at least one CINdetails
    whose ReferralNFA is false/0, born before [ReferenceDate minus 6 years], should have a UPN or a
    valid UPNunknown code (UN1-UN7: the "or is UN1" exclusion only arrives in 2024/25). The threshold
    is DfE's 2022/23 logic as quoted by the public reference (the spec holds only the 2024/25 text);
    it agrees with "more than 5 years old" in whole years. Born exactly 6 years before the
    ReferenceDate: not queried. Flags the ChildIdentifiers row. Invalid birth date: not evaluated."""
    cutoff = r.year.end - pd.DateOffset(years=6)
    return _upn_expected(r, lambda dob: dob < cutoff, r.codes("UPNunknown"))


@rule("8770Q", years="2024/25-")
def upn_missing_child_of_school_age(r):
    """From 2024/25 ("a child who is of school age"): a child with at least one CINdetails whose
    ReferralNFA is false/0 and who is 4 or older on the ReferenceDate (PersonBirthDate on or before
    [ReferenceDate minus 4 years]) should have a UPN or a valid UPNunknown other than UN1 (UN1 means
    "not of school age"). DfE's logic text reads "PersonBirthDate greater than or equal to
    [ReferenceDate minus 4 years]", which taken literally would query children under 4, contrary to
    the message; we read it as the age being 4 years or more. Flags the ChildIdentifiers row."""
    cutoff = r.year.end - pd.DateOffset(years=4)
    return _upn_expected(r, lambda dob: dob <= cutoff, set(r.codes("UPNunknown")) - {"UN1"})


@rule("8772")
def un7_but_further_action(r):
    """UPNunknown UN7 (referral with no further action) requires every CINdetails of the child to
    have ReferralNFA true/1. Flags the child's ChildIdentifiers row and each of its CINdetails whose
    ReferralNFA is not true/1 (false, 0, blank or invalid). A child with no CINdetails is left to 8590."""
    c = r.table("ChildIdentifiers")
    e = r.table("CINdetails")
    un7 = c.loc[equals(r, "ChildIdentifiers", "UPNunknown", "UN7"), "ChildSeq"]
    bad = e["ChildSeq"].isin(un7) & ~episode_flags(r)["nfa_true"]
    return {"CINdetails": bad, "ChildIdentifiers": _children_of(r, e, bad)}


# --- Disabilities -----------------------------------------------------------------------------------

@rule("8540")
def disability_missing_or_invalid(r):
    """A child with a PersonBirthDate (any value written) and at least one CINdetails with
    ReferralNFA false/0 must have one or more Disability entries, all valid codes (case as DfE's
    codes: MOB, NONE ...). Flags the child's ChildIdentifiers row when it has no Disability entry
    or an invalid one (a blank entry counts as invalid), and each invalid Disabilities row of such a
    child. Disabilities of other children are not judged here. (The reference never reports.)"""
    c = r.table("ChildIdentifiers")
    d = r.table("Disabilities")
    in_scope = c["PersonBirthDate"].notna() & c["ChildSeq"].isin(_further_action_children(r))
    invalid = ~valid_code(r, "Disabilities", "Disability")
    child_bad = ~c["ChildSeq"].isin(d["ChildSeq"]) | c["ChildSeq"].isin(d.loc[invalid, "ChildSeq"])
    return {"ChildIdentifiers": in_scope & child_bad,
            "Disabilities": invalid & d["ChildSeq"].isin(c.loc[in_scope, "ChildSeq"])}


@rule("8790")
def disability_none_and_others(r):
    """A child with a Disability of NONE must have no other Disability value: every non-blank
    Disabilities row of such a child (NONE and the others) is flagged."""
    d = r.table("Disabilities")
    code = d["Disability"]
    is_none = equals(r, "Disabilities", "Disability", "NONE")
    other = code.notna() & ~is_none
    has_none = count_in_group(d, CHILD_KEY, is_none) > 0
    has_other = count_in_group(d, CHILD_KEY, other) > 0
    return {"Disabilities": code.notna() & has_none & has_other}


@rule("8794")
def disability_code_repeated(r):
    """No Disability code may appear twice for a child (ChildSeq): every row of a repeated code is
    flagged (codes compared as written). Blank rows are not compared."""
    d = r.table("Disabilities")
    return {"Disabilities": d["Disability"].notna() & d.duplicated(["ChildSeq", "Disability"], keep=False)}
