"""CIN rules on Assessments and the factors identified at assessment (table AssessmentFactors,
DfE's AssessmentFactorsList: one row per AssessmentFactors code).

Conventions of this module:
  - a factor belongs to its assessment by (ChildSeq, CINdetailsID, AssessmentID); an assessment
    to its episode by (ChildSeq, CINdetailsID);
  - "AssessmentAuthorisationDate missing" means nothing written; a value that is not a valid date
    is not missing (the date-validity rules report it) and is never compared;
  - factor codes are compared exactly as written ("21", "18A");
  - ReferenceDate = 31 March of the collection year, [Start_Of_Census_Year] = 1 April.
"""

import pandas as pd

from rules.cin import rule
from validator.derive import text
from validator.derive.cin_activity import (ASSESSMENT_KEY, EPISODE_KEY, count_in_group, equals, in_keys, key_codes,
                                           last_day, rows_of_keys, starts_inside_another, valid_code)


# --- shared helpers -------------------------------------------------------------------------------

def _factors_of(r, assessments: pd.Series) -> pd.Series:
    """AssessmentFactors rows belonging to the Assessments rows selected by `assessments`."""
    return rows_of_keys(r.table("AssessmentFactors"), r.table("Assessments"), assessments, ASSESSMENT_KEY)


def _outside_year(r, d: pd.Series) -> pd.Series:
    """A valid date before 1 April or after 31 March of the collection year."""
    return (d < r.year.start) | (d > r.year.end)


# --- dates of one assessment ------------------------------------------------------------------------

@rule("8608")
def authorised_before_start(r):
    """AssessmentAuthorisationDate, where present, must be on or after AssessmentActualStartDate
    (the same day passes). Invalid dates are not compared."""
    a = r.table("Assessments")
    return {"Assessments": a["AssessmentAuthorisationDate_date"] < a["AssessmentActualStartDate_date"]}


@rule("8696")
def authorised_outside_census_year(r):
    """AssessmentAuthorisationDate, where present, must be on or between 1 April and 31 March of the
    census year (both days pass). Invalid dates are not compared."""
    a = r.table("Assessments")
    return {"Assessments": _outside_year(r, a["AssessmentAuthorisationDate_date"])}


@rule("8736")
def open_assessment_started_outside_year(r):
    """An assessment with no AssessmentAuthorisationDate written must have its
    AssessmentActualStartDate, where present, on or between 1 April and 31 March of the census year
    (both days pass). A blank or invalid start date is not evaluated."""
    a = r.table("Assessments")
    return {"Assessments": a["AssessmentAuthorisationDate"].isna()
            & _outside_year(r, a["AssessmentActualStartDate_date"])}


# --- assessments of one episode ---------------------------------------------------------------------

@rule("8896")
def several_open_assessments(r):
    """Within one CINdetails (ChildSeq, CINdetailsID), no more than one Assessments group may have
    no AssessmentAuthorisationDate written. Every open assessment of such an episode is flagged."""
    a = r.table("Assessments")
    open_ = a["AssessmentAuthorisationDate"].isna()
    return {"Assessments": open_ & (count_in_group(a, EPISODE_KEY, open_) > 1)}


@rule("8863Q")
def assessment_starts_during_another(r):
    """Within one CINdetails, an AssessmentActualStartDate should not fall on or between
    a) the start and AssessmentAuthorisationDate of another assessment that has one, or
    b) the start of another assessment with no AssessmentAuthorisationDate and the ReferenceDate.
    Both ends are included. Both assessments of such a pair are flagged (the one starting and the
    one already ongoing). Two assessments starting the same day flag each other. Blank or invalid
    dates are not compared (an invalid authorisation date leaves that assessment out)."""
    a = r.table("Assessments")
    last = last_day(a["AssessmentAuthorisationDate"], a["AssessmentAuthorisationDate_date"], r.year.end)
    return {"Assessments": starts_inside_another(a, a["AssessmentActualStartDate_date"], last, EPISODE_KEY)}


@rule("8825Q")
def closed_after_assessment_without_assessment(r):
    """A CINdetails with ReasonForClosure RC8 or RC9 (case closed after assessment) should have at
    least one Assessments group in the same episode. Flags the CINdetails row."""
    e = r.table("CINdetails")
    closed_after = equals(r, "CINdetails", "ReasonForClosure", "RC8", "RC9")
    return {"CINdetails": closed_after & ~in_keys(e, r.table("Assessments"), EPISODE_KEY)}


# --- factors identified at assessment -------------------------------------------------------------

@rule("8614")
def factors_on_incomplete_assessment(r):
    """An assessment with no AssessmentAuthorisationDate written must have no AssessmentFactors.
    Flags the Assessments row and each of its non-blank AssessmentFactors rows. (The reference
    validator never reports this rule; this follows DfE's text.)"""
    a = r.table("Assessments")
    f = r.table("AssessmentFactors")
    given = f["AssessmentFactors"].notna()
    incomplete = a["AssessmentAuthorisationDate"].isna()
    bad_factors = given & _factors_of(r, incomplete)
    return {"AssessmentFactors": bad_factors,
            "Assessments": incomplete & rows_of_keys(a, f, bad_factors, ASSESSMENT_KEY)}


@rule("8897Q")
def completed_assessment_without_factors(r):
    """An assessment whose AssessmentAuthorisationDate is a valid date on or after 1 April of the
    census year should have one or more AssessmentFactors, each a valid code for the year. Flags the
    Assessments row when it has no non-blank factor or any invalid one, and each blank or invalid
    AssessmentFactors row of such an assessment. Factors are joined to their own assessment on
    (ChildSeq, CINdetailsID, AssessmentID), so assessments of different episodes never mix."""
    a = r.table("Assessments")
    f = r.table("AssessmentFactors")
    in_scope = (a["AssessmentAuthorisationDate_date"] >= r.year.start).fillna(False).astype(bool)
    invalid = ~valid_code(r, "AssessmentFactors", "AssessmentFactors")
    bad_factors = invalid & _factors_of(r, in_scope)
    has_factor = rows_of_keys(a, f, f["AssessmentFactors"].notna(), ASSESSMENT_KEY)
    bad = in_scope & (~has_factor | rows_of_keys(a, f, bad_factors, ASSESSMENT_KEY))
    return {"Assessments": bad, "AssessmentFactors": bad_factors}


@rule("8869")
def factor_21_with_others(r):
    """Factor "21" (no factors identified) must be the only AssessmentFactors of its assessment:
    when an assessment has a "21" and any other non-blank factor code, every non-blank factor row
    of that assessment is flagged ("21" repeated on its own is left to 8898)."""
    f = r.table("AssessmentFactors")
    code = f["AssessmentFactors"]
    given = code.notna()
    is_21 = equals(r, "AssessmentFactors", "AssessmentFactors", "21")
    has_21 = count_in_group(f, ASSESSMENT_KEY, is_21) > 0
    has_other = count_in_group(f, ASSESSMENT_KEY, given & ~is_21) > 0
    return {"AssessmentFactors": given & has_21 & has_other}


@rule("8898")
def factor_repeated(r):
    """No AssessmentFactors code may appear more than once on one assessment (ChildSeq,
    CINdetailsID, AssessmentID): every row of a repeated code is flagged. Blank rows not compared."""
    f = r.table("AssessmentFactors")
    factor = text(r, "AssessmentFactors", "AssessmentFactors")  # codes equal exactly where the text is
    pairs = pd.DataFrame({"assessment": key_codes([f], ASSESSMENT_KEY)[0], "factor": factor.codes})
    return {"AssessmentFactors": pd.Series(factor.given & pairs.duplicated(keep=False).to_numpy(), index=f.index)}


@rule("8873Q")
def only_assessment_no_factors_not_closed_rc8_rc9(r):
    """Within a CINdetails that has exactly one Assessments group, and that assessment has factor
    "21" (no factors identified), ReasonForClosure should be RC8 or RC9. Flags the CINdetails row
    and the "21" factor row(s). Taken literally from DfE's logic: a blank ReasonForClosure (episode
    still open) is not RC8/RC9 and is queried too."""
    a = r.table("Assessments")
    f = r.table("AssessmentFactors")
    e = r.table("CINdetails")
    only = count_in_group(a, EPISODE_KEY) == 1
    factor_21 = equals(r, "AssessmentFactors", "AssessmentFactors", "21") & rows_of_keys(f, a, only, ASSESSMENT_KEY)
    wrong_reason = ~equals(r, "CINdetails", "ReasonForClosure", "RC8", "RC9")
    bad_episode = wrong_reason & rows_of_keys(e, f, factor_21, EPISODE_KEY)
    return {"CINdetails": bad_episode,
            "AssessmentFactors": factor_21 & rows_of_keys(f, e, bad_episode, EPISODE_KEY)}


@rule("8945Q")
def factor_18a(r):
    """From 2024/25 the factor code "18A" (physical abuse, not split by who) is queried: flags each
    AssessmentFactors row of "18A" ("18B" or "18C" should be used). (The reference compares a list
    with a string and never fires on XML.)"""
    return {"AssessmentFactors": equals(r, "AssessmentFactors", "AssessmentFactors", "18A")}


@rule("8950Q")
def factor_19a(r):
    """From 2024/25 the factor code "19A" (sexual abuse, not split by who) is queried: flags each
    AssessmentFactors row of "19A" ("19B" or "19C" should be used)."""
    return {"AssessmentFactors": equals(r, "AssessmentFactors", "AssessmentFactors", "19A")}
