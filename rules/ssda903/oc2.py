"""SSDA903 OC2 rules: outcomes of children looked after continuously for 12 months at 31 March
(SDQ, convictions, health, substance misuse).

The cohort ("looked after continuously for at least 12 months at 31 March") comes from
`validator.derive.ssda903_outcomes.cohort_status`: a child whose episodes cannot be
read (a DECOM or DEC that is not a date) is unknown and is flagged neither as in nor as out of
the cohort. Ages are whole years from OC2.DOB (`ages`; a 29 February birthday counts from
1 March); a DOB that is not a date leaves the row unflagged by the age rules.
"""

import re

import numpy as np

from rules.ssda903 import rule
from validator.derive import array, birthdays, text
from validator.derive.ssda903 import children, episode_order, run_bounds
from validator.derive.ssda903_outcomes import AD1_ITEMS, OC2_HEALTH_ITEMS, OC3_ITEMS, any_given, cohort_status, oc2_cohort

CORE_ITEMS = ("IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE")
SDQ_ITEMS = ("SDQ_SCORE", "SDQ_REASON")


def _oc2(r, column: str) -> np.ndarray:
    """Column `age_start`, `age_end`, `cohort` or `not_cohort` of `oc2_cohort`, per OC2 row."""
    return oc2_cohort(r)[column].to_numpy()


def _t(r, column: str):
    return text(r, "OC2", column)


def _any_blank(r, columns) -> np.ndarray:
    return np.logical_or.reduce([_t(r, c).blank for c in columns])


def _birthday_in_year(r, years: int) -> np.ndarray:
    day = birthdays(array(r, "OC2", "DOB_date"), years)
    return (day >= r.year.start.to_datetime64()) & (day <= r.year.end.to_datetime64())


def _in_cohort(r, key: str) -> np.ndarray:
    """Rows of table `key` whose child is known to be in the OC2 cohort."""
    return cohort_status(r)[children(r).of(key)] == 1


# --- SDQ -------------------------------------------------------------------------------------------

@rule("180")
def sdq_score_not_valid(r):
    """OC2.SDQ_SCORE, where given, must be a whole number from 0 to 40 (digits only: '12.5', '-1',
    '41' and text are flagged). Blank is left to the SDQ presence rules."""
    score = _t(r, "SDQ_SCORE")
    digits = score.check(re.compile(r"\d{1,2}").fullmatch)
    number = array(r, "OC2", "SDQ_SCORE_num")
    return {"OC2": score.given & ~(digits & (number >= 0) & (number <= 40))}


@rule("196")
def sdq_reason_not_valid(r):
    """OC2.SDQ_REASON, where given, must be one of SDQ1-SDQ5 (case as DfE writes it). Blank is not
    flagged here (a blank reason is allowed when a score is given or the child is outside the ages)."""
    reason = _t(r, "SDQ_REASON")
    return {"OC2": reason.given & ~reason.isin(r.codes("SDQ_REASON"))}


@rule("197a")
def sdq_reason_with_score(r):
    """OC2 rows with both an SDQ_SCORE and an SDQ_REASON: the reason for no score is not needed."""
    return {"OC2": _t(r, "SDQ_SCORE").given & _t(r, "SDQ_REASON").given}


@rule("157")
def sdq1_for_child_of_sdq_age(r):
    """Flags OC2 rows with SDQ_REASON = SDQ1 ('aged under 4 or over 16') for a child in the OC2 cohort
    aged 4 or over on 1 April and 16 or under on 31 March (DfE's "or" read as "and": such a child was
    of SDQ age all year). Whether a score is also given is left to 197a."""
    of_sdq_age = (_oc2(r, "age_start") >= 4) & (_oc2(r, "age_end") <= 16)
    return {"OC2": _oc2(r, "cohort") & of_sdq_age & _t(r, "SDQ_REASON").eq("SDQ1")}


@rule("185")
def sdq_score_outside_cohort(r):
    """Flags OC2 rows with an SDQ_SCORE for a child known not to be in the OC2 cohort (not looked
    after continuously for 12 months at 31 March)."""
    return {"OC2": _oc2(r, "not_cohort") & _t(r, "SDQ_SCORE").given}


@rule("198")
def sdq_reason_outside_cohort(r):
    """Flags OC2 rows with an SDQ_REASON for a child known not to be in the OC2 cohort."""
    return {"OC2": _oc2(r, "not_cohort") & _t(r, "SDQ_REASON").given}


@rule("186")
def sdq_score_missing(r):
    """Flags OC2 rows of children in the OC2 cohort aged 4 or over on 1 April and under 17 on
    31 March with neither an SDQ_SCORE nor an SDQ_REASON. A reason for no score (e.g. SDQ2, carers
    refused) satisfies the rule: that is what the reason item is for."""
    of_sdq_age = (_oc2(r, "age_start") >= 4) & (_oc2(r, "age_end") < 17)
    return {"OC2": _oc2(r, "cohort") & of_sdq_age & ~any_given(r, "OC2", SDQ_ITEMS)}


@rule("197B")
def sdq_missing_at_4_or_17(r):
    """Flags OC2 rows of children in the OC2 cohort whose 4th or 17th birthday falls in the collection
    year (1 April to 31 March inclusive) with neither an SDQ_SCORE nor an SDQ_REASON."""
    turns = _birthday_in_year(r, 4) | _birthday_in_year(r, 17)
    return {"OC2": _oc2(r, "cohort") & turns & ~any_given(r, "OC2", SDQ_ITEMS)}


@rule("188")
def sdq_under_4(r):
    """Flags OC2 rows of children aged under 4 on 31 March with an SDQ_SCORE or an SDQ_REASON."""
    return {"OC2": (_oc2(r, "age_end") < 4) & any_given(r, "OC2", SDQ_ITEMS)}


@rule("189")
def sdq_17_or_over(r):
    """Flags OC2 rows of children aged 17 or over on 1 April with an SDQ_SCORE or an SDQ_REASON."""
    return {"OC2": (_oc2(r, "age_start") >= 17) & any_given(r, "OC2", SDQ_ITEMS)}


# --- the 12-month outcome items ------------------------------------------------------------------

@rule("181")
def outcome_items_not_0_or_1(r):
    """Flags OC2 rows where any of CONVICTED, HEALTH_CHECK, IMMUNISATIONS, TEETH_CHECK,
    HEALTH_ASSESSMENT, SUBSTANCE_MISUSE, INTERVENTION_RECEIVED, INTERVENTION_OFFERED is given but is
    not 0 or 1. Blank items are left to the presence rules."""
    return {"OC2": np.logical_or.reduce([_t(r, c).given & ~_t(r, c).isin(("0", "1")) for c in OC2_HEALTH_ITEMS])}


@rule("182")
def core_items_incomplete(r):
    """Flags OC2 rows where some of the eight 12-month items (CONVICTED, HEALTH_CHECK, IMMUNISATIONS,
    TEETH_CHECK, HEALTH_ASSESSMENT, SUBSTANCE_MISUSE, INTERVENTION_RECEIVED, INTERVENTION_OFFERED) are
    given but IMMUNISATIONS, TEETH_CHECK, HEALTH_ASSESSMENT or SUBSTANCE_MISUSE is blank: the four
    core items must all be completed, or all the items left blank. SDQ items are not counted."""
    return {"OC2": any_given(r, "OC2", OC2_HEALTH_ITEMS) & _any_blank(r, CORE_ITEMS)}


@rule("190")
def outcome_items_outside_cohort(r):
    """Flags OC2 rows with any of the eight 12-month items given for a child known not to be in the
    OC2 cohort (including a child with no episode at all)."""
    return {"OC2": _oc2(r, "not_cohort") & any_given(r, "OC2", OC2_HEALTH_ITEMS)}


@rule("191")
def outcome_items_missing_for_cohort(r):
    """For each child in the OC2 cohort: flags the OC2 row when IMMUNISATIONS, TEETH_CHECK,
    HEALTH_ASSESSMENT or SUBSTANCE_MISUSE is blank, and, when the child has no OC2 row at all, the
    child's latest episode (by DECOM; the episode showing the child looked after at 31 March)."""
    c = children(r)
    by_child = episode_order(r)  # DECOM order, a DECOM that is not a date last: the latest is the last
    _, last = run_bounds(c.of("Episodes")[by_child])
    latest = by_child[last == np.arange(len(by_child))]
    oc2 = c.of("OC2")
    child = c.of("Episodes")[latest]
    no_oc2 = (cohort_status(r)[child] == 1) & ~c.mark(oc2[oc2 >= 0])[child]
    return {"OC2": _oc2(r, "cohort") & _any_blank(r, CORE_ITEMS), "Episodes": latest[no_oc2]}


@rule("192")
def intervention_received_missing(r):
    """Flags OC2 rows with SUBSTANCE_MISUSE = 1 and INTERVENTION_RECEIVED blank."""
    return {"OC2": _t(r, "SUBSTANCE_MISUSE").eq("1") & _t(r, "INTERVENTION_RECEIVED").blank}


@rule("193")
def intervention_without_misuse(r):
    """Flags OC2 rows where SUBSTANCE_MISUSE is not 1 (0, blank or another value: no problem
    identified) but INTERVENTION_RECEIVED or INTERVENTION_OFFERED is given."""
    given = _t(r, "INTERVENTION_RECEIVED").given | _t(r, "INTERVENTION_OFFERED").given
    return {"OC2": ~_t(r, "SUBSTANCE_MISUSE").eq("1") & given}


@rule("158")
def offered_when_received(r):
    """Flags OC2 rows with INTERVENTION_RECEIVED = 1 and INTERVENTION_OFFERED given."""
    return {"OC2": _t(r, "INTERVENTION_RECEIVED").eq("1") & _t(r, "INTERVENTION_OFFERED").given}


@rule("159")
def offered_missing_when_not_received(r):
    """Flags OC2 rows with SUBSTANCE_MISUSE = 1, INTERVENTION_RECEIVED = 0 and INTERVENTION_OFFERED
    blank."""
    return {"OC2": _t(r, "SUBSTANCE_MISUSE").eq("1") & _t(r, "INTERVENTION_RECEIVED").eq("0")
            & _t(r, "INTERVENTION_OFFERED").blank}


@rule("542")
def convicted_under_10(r):
    """Flags OC2 rows of children aged under 10 on 31 March with CONVICTED given."""
    return {"OC2": (_oc2(r, "age_end") < 10) & _t(r, "CONVICTED").given}


@rule("543")
def convicted_missing(r):
    """Flags OC2 rows of children in the OC2 cohort aged 10 or over on 31 March with CONVICTED
    blank."""
    return {"OC2": _oc2(r, "cohort") & (_oc2(r, "age_end") >= 10) & _t(r, "CONVICTED").blank}


@rule("544")
def convicted_without_core_items(r):
    """Flags OC2 rows where CONVICTED is completed (0 or 1, or any value given) but IMMUNISATIONS,
    TEETH_CHECK, HEALTH_ASSESSMENT or SUBSTANCE_MISUSE is blank."""
    return {"OC2": _t(r, "CONVICTED").given & _any_blank(r, CORE_ITEMS)}


@rule("545")
def health_check_missing_under_5(r):
    """Flags OC2 rows of children in the OC2 cohort aged under 5 on 31 March with HEALTH_CHECK blank."""
    return {"OC2": _oc2(r, "cohort") & (_oc2(r, "age_end") < 5) & _t(r, "HEALTH_CHECK").blank}


@rule("546")
def health_check_5_or_over(r):
    """Flags OC2 rows of children aged 5 or over on 31 March with HEALTH_CHECK given (whatever the
    cohort: DfE's message says such children should not have it)."""
    return {"OC2": (_oc2(r, "age_end") >= 5) & _t(r, "HEALTH_CHECK").given}


@rule("547")
def health_check_without_core_items(r):
    """Flags OC2 rows where HEALTH_CHECK is completed (any value given) but IMMUNISATIONS,
    TEETH_CHECK, HEALTH_ASSESSMENT or SUBSTANCE_MISUSE is blank."""
    return {"OC2": _t(r, "HEALTH_CHECK").given & _any_blank(r, CORE_ITEMS)}


# --- OC2 against the adoption and care leaver tables ---------------------------------------------

@rule("187")
def cohort_with_adoption_or_care_leaver_data(r):
    """A child in the OC2 cohort (looked after continuously for 12 months at 31 March) must not have
    adoption (AD1) or care leaver (OC3) information: flags AD1 rows with any of DATE_INT, DATE_MATCH,
    FOSTER_CARE, NB_ADOPTR, SEX_ADOPTR, LS_ADOPTR given and OC3 rows with any of IN_TOUCH, ACTIV, ACCOM
    given, for children in the cohort."""
    return {"AD1": _in_cohort(r, "AD1") & any_given(r, "AD1", AD1_ITEMS),
            "OC3": _in_cohort(r, "OC3") & any_given(r, "OC3", OC3_ITEMS)}


@rule("215")
def care_leaver_with_outcome_items(r):
    """A child with care leaver information (any of IN_TOUCH, ACTIV, ACCOM given in OC3) must not have
    any of the eight 12-month items given in OC2: flags both the OC3 rows and the OC2 rows of such
    children."""
    c = children(r)
    oc2, oc3 = c.of("OC2"), c.of("OC3")
    leaver, with_items = any_given(r, "OC3", OC3_ITEMS), any_given(r, "OC2", OC2_HEALTH_ITEMS)
    both = c.mark(oc3[leaver & (oc3 >= 0)]) & c.mark(oc2[with_items & (oc2 >= 0)])
    return {"OC3": both[oc3] & leaver, "OC2": both[oc2] & with_items}
