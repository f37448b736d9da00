"""SSDA903 OC2 rules: outcomes of children looked after continuously for 12 months at 31 March
(SDQ, convictions, health, substance misuse).

The cohort ("looked after continuously for at least 12 months at 31 March") comes from
`validator.derive.ssda903_outcomes.continuously_looked_after`: a child whose episodes cannot be
read (a DECOM or DEC that is not a date) is unknown and is flagged neither as in nor as out of
the cohort. Ages are whole years from OC2.DOB (`age_at`; a 29 February birthday counts from
1 March); a DOB that is not a date leaves the row unflagged by the age rules.
"""

import pandas as pd

from rules.common import not_in
from rules.ssda903 import rule
from validator.derive.ssda903_outcomes import (
    AD1_ITEMS,
    OC2_HEALTH_ITEMS,
    OC3_ITEMS,
    any_present,
    birthday,
    in_cohort,
    oc2_cohort,
)

CORE_ITEMS = ("IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE")
SDQ_ITEMS = ("SDQ_SCORE", "SDQ_REASON")


def _oc2(r) -> pd.DataFrame:
    """OC2 with `age_start` / `age_end` (age on 1 April / 31 March), `cohort` (known in the OC2
    cohort) and `not_cohort` (known not in it): `oc2_cohort`, shared by the rules (read only)."""
    return oc2_cohort(r)


def _birthday_in_year(r, dob: pd.Series, years: int) -> pd.Series:
    day = birthday(dob, years)
    return (day >= r.year.start) & (day <= r.year.end)


# --- SDQ -------------------------------------------------------------------------------------------

@rule("180")
def sdq_score_not_valid(r):
    """OC2.SDQ_SCORE, where given, must be a whole number from 0 to 40 (digits only: '12.5', '-1',
    '41' and text are flagged). Blank is left to the SDQ presence rules."""
    t = r.table("OC2")
    s = t["SDQ_SCORE"]
    digits = s.str.fullmatch(r"\d{1,2}").fillna(False).astype(bool)
    in_range = t["SDQ_SCORE_num"].between(0, 40)
    return {"OC2": s.notna() & ~(digits & in_range)}


@rule("196")
def sdq_reason_not_valid(r):
    """OC2.SDQ_REASON, where given, must be one of SDQ1-SDQ5 (case as DfE writes it). Blank is not
    flagged here (a blank reason is allowed when a score is given or the child is outside the ages)."""
    t = r.table("OC2")
    return {"OC2": not_in(t["SDQ_REASON"], r.codes("SDQ_REASON"))}


@rule("197a")
def sdq_reason_with_score(r):
    """OC2 rows with both an SDQ_SCORE and an SDQ_REASON: the reason for no score is not needed."""
    t = r.table("OC2")
    return {"OC2": t["SDQ_SCORE"].notna() & t["SDQ_REASON"].notna()}


@rule("157")
def sdq1_for_child_of_sdq_age(r):
    """Flags OC2 rows with SDQ_REASON = SDQ1 ('aged under 4 or over 16') for a child in the OC2 cohort
    aged 4 or over on 1 April and 16 or under on 31 March (DfE's "or" read as "and": such a child was
    of SDQ age all year). Whether a score is also given is left to 197a."""
    t = _oc2(r)
    of_sdq_age = (t["age_start"] >= 4) & (t["age_end"] <= 16)
    return {"OC2": t["cohort"] & of_sdq_age & t["SDQ_REASON"].isin(["SDQ1"])}


@rule("185")
def sdq_score_outside_cohort(r):
    """Flags OC2 rows with an SDQ_SCORE for a child known not to be in the OC2 cohort (not looked
    after continuously for 12 months at 31 March)."""
    t = _oc2(r)
    return {"OC2": t["not_cohort"] & t["SDQ_SCORE"].notna()}


@rule("198")
def sdq_reason_outside_cohort(r):
    """Flags OC2 rows with an SDQ_REASON for a child known not to be in the OC2 cohort."""
    t = _oc2(r)
    return {"OC2": t["not_cohort"] & t["SDQ_REASON"].notna()}


@rule("186")
def sdq_score_missing(r):
    """Flags OC2 rows of children in the OC2 cohort aged 4 or over on 1 April and under 17 on
    31 March with neither an SDQ_SCORE nor an SDQ_REASON. A reason for no score (e.g. SDQ2, carers
    refused) satisfies the rule: that is what the reason item is for."""
    t = _oc2(r)
    of_sdq_age = (t["age_start"] >= 4) & (t["age_end"] < 17)
    return {"OC2": t["cohort"] & of_sdq_age & t[list(SDQ_ITEMS)].isna().all(axis=1)}


@rule("197B")
def sdq_missing_at_4_or_17(r):
    """Flags OC2 rows of children in the OC2 cohort whose 4th or 17th birthday falls in the collection
    year (1 April to 31 March inclusive) with neither an SDQ_SCORE nor an SDQ_REASON."""
    t = _oc2(r)
    turns = _birthday_in_year(r, t["DOB_date"], 4) | _birthday_in_year(r, t["DOB_date"], 17)
    return {"OC2": t["cohort"] & turns & t[list(SDQ_ITEMS)].isna().all(axis=1)}


@rule("188")
def sdq_under_4(r):
    """Flags OC2 rows of children aged under 4 on 31 March with an SDQ_SCORE or an SDQ_REASON."""
    t = _oc2(r)
    return {"OC2": (t["age_end"] < 4) & any_present(t, SDQ_ITEMS)}


@rule("189")
def sdq_17_or_over(r):
    """Flags OC2 rows of children aged 17 or over on 1 April with an SDQ_SCORE or an SDQ_REASON."""
    t = _oc2(r)
    return {"OC2": (t["age_start"] >= 17) & any_present(t, SDQ_ITEMS)}


# --- the 12-month outcome items ------------------------------------------------------------------

@rule("181")
def outcome_items_not_0_or_1(r):
    """Flags OC2 rows where any of CONVICTED, HEALTH_CHECK, IMMUNISATIONS, TEETH_CHECK,
    HEALTH_ASSESSMENT, SUBSTANCE_MISUSE, INTERVENTION_RECEIVED, INTERVENTION_OFFERED is given but is
    not 0 or 1. Blank items are left to the presence rules."""
    t = r.table("OC2")
    bad = pd.concat([not_in(t[c], ("0", "1")) for c in OC2_HEALTH_ITEMS], axis=1)
    return {"OC2": bad.any(axis=1)}


@rule("182")
def core_items_incomplete(r):
    """Flags OC2 rows where some of the eight 12-month items (CONVICTED, HEALTH_CHECK, IMMUNISATIONS,
    TEETH_CHECK, HEALTH_ASSESSMENT, SUBSTANCE_MISUSE, INTERVENTION_RECEIVED, INTERVENTION_OFFERED) are
    given but IMMUNISATIONS, TEETH_CHECK, HEALTH_ASSESSMENT or SUBSTANCE_MISUSE is blank: the four
    core items must all be completed, or all the items left blank. SDQ items are not counted."""
    t = r.table("OC2")
    return {"OC2": any_present(t, OC2_HEALTH_ITEMS) & t[list(CORE_ITEMS)].isna().any(axis=1)}


@rule("190")
def outcome_items_outside_cohort(r):
    """Flags OC2 rows with any of the eight 12-month items given for a child known not to be in the
    OC2 cohort (including a child with no episode at all)."""
    t = _oc2(r)
    return {"OC2": t["not_cohort"] & any_present(t, OC2_HEALTH_ITEMS)}


@rule("191")
def outcome_items_missing_for_cohort(r):
    """For each child in the OC2 cohort: flags the OC2 row when IMMUNISATIONS, TEETH_CHECK,
    HEALTH_ASSESSMENT or SUBSTANCE_MISUSE is blank, and, when the child has no OC2 row at all, the
    child's latest episode (by DECOM; the episode showing the child looked after at 31 March)."""
    t = _oc2(r)
    e = r.table("Episodes")
    latest = e.sort_values(["CHILD", "DECOM_date"], kind="stable").drop_duplicates("CHILD", keep="last")
    no_oc2 = in_cohort(r, latest["CHILD"]) & ~latest["CHILD"].isin(t["CHILD"].dropna())
    return {"OC2": t["cohort"] & t[list(CORE_ITEMS)].isna().any(axis=1),
            "Episodes": pd.Series(e.index.isin(latest.index[no_oc2]), index=e.index)}


@rule("192")
def intervention_received_missing(r):
    """Flags OC2 rows with SUBSTANCE_MISUSE = 1 and INTERVENTION_RECEIVED blank."""
    t = r.table("OC2")
    return {"OC2": t["SUBSTANCE_MISUSE"].isin(["1"]) & t["INTERVENTION_RECEIVED"].isna()}


@rule("193")
def intervention_without_misuse(r):
    """Flags OC2 rows where SUBSTANCE_MISUSE is not 1 (0, blank or another value: no problem
    identified) but INTERVENTION_RECEIVED or INTERVENTION_OFFERED is given."""
    t = r.table("OC2")
    given = t["INTERVENTION_RECEIVED"].notna() | t["INTERVENTION_OFFERED"].notna()
    return {"OC2": ~t["SUBSTANCE_MISUSE"].isin(["1"]) & given}


@rule("158")
def offered_when_received(r):
    """Flags OC2 rows with INTERVENTION_RECEIVED = 1 and INTERVENTION_OFFERED given."""
    t = r.table("OC2")
    return {"OC2": t["INTERVENTION_RECEIVED"].isin(["1"]) & t["INTERVENTION_OFFERED"].notna()}


@rule("159")
def offered_missing_when_not_received(r):
    """Flags OC2 rows with SUBSTANCE_MISUSE = 1, INTERVENTION_RECEIVED = 0 and INTERVENTION_OFFERED
    blank."""
    t = r.table("OC2")
    return {"OC2": t["SUBSTANCE_MISUSE"].isin(["1"]) & t["INTERVENTION_RECEIVED"].isin(["0"])
            & t["INTERVENTION_OFFERED"].isna()}


@rule("542")
def convicted_under_10(r):
    """Flags OC2 rows of children aged under 10 on 31 March with CONVICTED given."""
    t = _oc2(r)
    return {"OC2": (t["age_end"] < 10) & t["CONVICTED"].notna()}


@rule("543")
def convicted_missing(r):
    """Flags OC2 rows of children in the OC2 cohort aged 10 or over on 31 March with CONVICTED
    blank."""
    t = _oc2(r)
    return {"OC2": t["cohort"] & (t["age_end"] >= 10) & t["CONVICTED"].isna()}


@rule("544")
def convicted_without_core_items(r):
    """Flags OC2 rows where CONVICTED is completed (0 or 1, or any value given) but IMMUNISATIONS,
    TEETH_CHECK, HEALTH_ASSESSMENT or SUBSTANCE_MISUSE is blank."""
    t = r.table("OC2")
    return {"OC2": t["CONVICTED"].notna() & t[list(CORE_ITEMS)].isna().any(axis=1)}


@rule("545")
def health_check_missing_under_5(r):
    """Flags OC2 rows of children in the OC2 cohort aged under 5 on 31 March with HEALTH_CHECK blank."""
    t = _oc2(r)
    return {"OC2": t["cohort"] & (t["age_end"] < 5) & t["HEALTH_CHECK"].isna()}


@rule("546")
def health_check_5_or_over(r):
    """Flags OC2 rows of children aged 5 or over on 31 March with HEALTH_CHECK given (whatever the
    cohort: DfE's message says such children should not have it)."""
    t = _oc2(r)
    return {"OC2": (t["age_end"] >= 5) & t["HEALTH_CHECK"].notna()}


@rule("547")
def health_check_without_core_items(r):
    """Flags OC2 rows where HEALTH_CHECK is completed (any value given) but IMMUNISATIONS,
    TEETH_CHECK, HEALTH_ASSESSMENT or SUBSTANCE_MISUSE is blank."""
    t = r.table("OC2")
    return {"OC2": t["HEALTH_CHECK"].notna() & t[list(CORE_ITEMS)].isna().any(axis=1)}


# --- OC2 against the adoption and care leaver tables ---------------------------------------------

@rule("187")
def cohort_with_adoption_or_care_leaver_data(r):
    """A child in the OC2 cohort (looked after continuously for 12 months at 31 March) must not have
    adoption (AD1) or care leaver (OC3) information: flags AD1 rows with any of DATE_INT, DATE_MATCH,
    FOSTER_CARE, NB_ADOPTR, SEX_ADOPTR, LS_ADOPTR given and OC3 rows with any of IN_TOUCH, ACTIV, ACCOM
    given, for children in the cohort."""
    ad1, oc3 = r.table("AD1"), r.table("OC3")
    return {"AD1": in_cohort(r, ad1["CHILD"]) & any_present(ad1, AD1_ITEMS),
            "OC3": in_cohort(r, oc3["CHILD"]) & any_present(oc3, OC3_ITEMS)}


@rule("215")
def care_leaver_with_outcome_items(r):
    """A child with care leaver information (any of IN_TOUCH, ACTIV, ACCOM given in OC3) must not have
    any of the eight 12-month items given in OC2: flags both the OC3 rows and the OC2 rows of such
    children."""
    oc2, oc3 = r.table("OC2"), r.table("OC3")
    leavers = oc3.loc[any_present(oc3, OC3_ITEMS), "CHILD"].dropna()
    with_items = oc2.loc[any_present(oc2, OC2_HEALTH_ITEMS), "CHILD"].dropna()
    both = set(leavers) & set(with_items)
    return {"OC3": oc3["CHILD"].isin(both) & any_present(oc3, OC3_ITEMS),
            "OC2": oc2["CHILD"].isin(both) & any_present(oc2, OC2_HEALTH_ITEMS)}
