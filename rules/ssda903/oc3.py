"""SSDA903 OC3 rules: care leavers (IN_TOUCH, ACTIV, ACCOM around the 17th-21st birthday), and the
Header/Episodes checks that depend on whether a child is a care leaver or was looked after this year.

"Care leaver information" = any of IN_TOUCH, ACTIV, ACCOM given in OC3. "Looked after during the
year" = has an episode that may fall in the collection year (`episode_in_year`: an
episode whose dates cannot be read counts, so it never causes a finding). Ages are whole years
(`ages`; a 29 February birthday counts from 1 March). Rows whose DOB or episode dates are not
valid dates are simply not flagged by the age and date comparisons (the date rules report them).
"""

import numpy as np

from rules.ssda903 import rule
from validator.derive import array, birthdays, text
from validator.derive.ssda903 import children, episode_order, header_dob_of, run_bounds
from validator.derive.ssda903_outcomes import (
    AD1_ITEMS,
    OC3_ITEMS,
    any_given,
    birthday_episodes,
    care_leavers,
)

FEMALE, MALE = ("2", "F"), ("1", "M")  # SEX codes up to 2023/24 and from 2024/25
OTHER_TABLES_1012 = ("AD1", "Missing", "OC2", "PlacedAdoption", "PrevPerm", "Reviews")


def _oc3(r, column: str) -> np.ndarray:
    """Column `has_info`, `looked_after_in_year`, `age_start` or `age_end` of `care_leavers` (the
    ages from OC3.DOB), per OC3 row."""
    return care_leavers(r)[column].to_numpy()


def _t(r, column: str):
    return text(r, "OC3", column)


def _not_in(r, column: str, codes) -> np.ndarray:
    t = _t(r, column)
    return t.given & ~t.isin(codes)


def _leavers_only(r) -> np.ndarray:
    """Per child number: a care leaver with information in OC3 and no episode in the year."""
    c = children(r)
    oc3 = c.of("OC3")
    return c.mark(oc3[_oc3(r, "has_info") & ~_oc3(r, "looked_after_in_year") & (oc3 >= 0)])


# --- codes and completeness ----------------------------------------------------------------------

@rule("131")
def in_touch_not_valid(r):
    """OC3.IN_TOUCH, where given, must be one of YES, NO, DIED, REFU, NREQ, RHOM (upper case as DfE
    writes them). Blank is not flagged here: the three OC3 items may all be left blank (rule 153)."""
    return {"OC3": _not_in(r, "IN_TOUCH", r.codes("IN_TOUCH"))}


@rule("132")
def activity_not_valid(r):
    """OC3.ACTIV, where given, must be an activity code of the year (F1/P1, F2/P2, F4/P4, F5/P5, G4-G6
    or 0). Blank is left to rule 153."""
    return {"OC3": _not_in(r, "ACTIV", r.codes("ACTIV"))}


@rule("133")
def accommodation_not_valid(r):
    """OC3.ACCOM, where given, must be an accommodation code (B1 ... Z2, S2, X2, or 0). Blank is left
    to rule 153 ("if reporting on accommodation ... the entry must be valid")."""
    return {"OC3": _not_in(r, "ACCOM", r.codes("ACCOM"))}


@rule("153")
def oc3_items_partly_given(r):
    """Flags OC3 rows where some but not all of IN_TOUCH, ACTIV, ACCOM are given: all three must be
    coded or all left blank."""
    given = np.column_stack([_t(r, c).given for c in OC3_ITEMS])
    return {"OC3": given.any(axis=1) & ~given.all(axis=1)}


@rule("344")
def activity_given_when_died_or_home(r):
    """Flags OC3 rows with IN_TOUCH = DIED or RHOM where ACTIV or ACCOM is given as something other
    than 0 (0 = not applicable for these young people). A blank ACTIV/ACCOM is not 'completed' and
    is left to rule 153."""
    completed = _not_in(r, "ACTIV", ("0",)) | _not_in(r, "ACCOM", ("0",))
    return {"OC3": _t(r, "IN_TOUCH").isin(["DIED", "RHOM"]) & completed}


@rule("345")
def zero_activity_when_in_touch(r):
    """Flags OC3 rows with IN_TOUCH = YES where ACTIV or ACCOM is 0 (not known): an LA in touch with
    the young person should know both."""
    zero = _t(r, "ACTIV").eq("0") | _t(r, "ACCOM").eq("0")
    return {"OC3": _t(r, "IN_TOUCH").eq("YES") & zero}


# --- ages ----------------------------------------------------------------------------------------

@rule("391")
def care_leaver_too_young(r):
    """Flags OC3 rows with care leaver information for a young person aged under 17 on 31 March (not
    17 at any time in the year). Following DfE's condition (DOB less than 17 years before the
    collection end), an upper age is not checked: older care leavers (22-25, collected from 2023)
    must not be flagged by this rule."""
    return {"OC3": _oc3(r, "has_info") & (_oc3(r, "age_end") < 17)}


@rule("347")
def foyer_under_18(r):
    """Flags OC3 rows with ACCOM T1 or T2 (foyer or similar) for a young person aged under 18 on
    1 April, the start of the collection year (DfE's condition: DOB at least 18 years before the
    collection start date when ACCOM is a T code). A DOB that is not a date is not flagged and does
    not stop the rule for other rows."""
    return {"OC3": _t(r, "ACCOM").isin(["T1", "T2"]) & (_oc3(r, "age_start") < 18)}


@rule("3001")
def former_foster_carer_at_17(r):
    """Flags OC3 rows with ACCOM Z1 or Z2 (with former foster carers) for a young person whose 17th
    birthday falls in the collection year (1 April to 31 March inclusive): 'staying put' starts at 18.
    The DOB is the child's Header DOB (OC3.DOB when the child has no Header row or no Header date)."""
    header = header_dob_of(r, "OC3")
    day = birthdays(np.where(np.isnat(header), array(r, "OC3", "DOB_date"), header), 17)
    in_year = (day >= r.year.start.to_datetime64()) & (day <= r.year.end.to_datetime64())
    return {"OC3": _t(r, "ACCOM").isin(["Z1", "Z2"]) & in_year}


@rule("1007")
def care_leaver_still_looked_after_on_birthday(r):
    """Flags OC3 rows with care leaver information for young people aged 17 or 18 on 31 March (so the
    17th or 18th birthday is in the year) who were still looked after on that birthday: an episode
    with DECOM on or before the birthday and DEC after it or blank (open). Ceasing on the birthday
    itself is not 'still looked after'. Episodes whose dates cannot be read are not used, and one bad
    date anywhere does not stop the rule."""
    m = birthday_episodes(r)
    ep, day = m["ep_row"].to_numpy(), m["day"].to_numpy()
    covers = (array(r, "Episodes", "DECOM_date")[ep] <= day) & (
        text(r, "Episodes", "DEC").blank[ep] | (array(r, "Episodes", "DEC_date")[ep] > day))
    oc3 = m["oc3_row"].to_numpy()[covers]
    return {"OC3": oc3[_oc3(r, "has_info")[oc3]]}


@rule("1016")
def care_leaver_ceased_after_birthday(r):
    """Flags OC3 rows with care leaver information for young people aged 17 or 18 on 31 March who
    ceased to be looked after after that (17th or 18th) birthday: an episode ending (REC other than
    X1, i.e. not continued by a new episode) with DEC after the birthday. Ceasing on the birthday is
    allowed. Dates that cannot be read are skipped, never stop the rule."""
    m = birthday_episodes(r)
    ep = m["ep_row"].to_numpy()
    ceased_after = ~text(r, "Episodes", "REC").eq("X1")[ep] & (array(r, "Episodes", "DEC_date")[ep] > m["day"].to_numpy())
    oc3 = m["oc3_row"].to_numpy()[ceased_after]
    return {"OC3": oc3[_oc3(r, "has_info")[oc3]]}


# --- care leavers against the other tables ---------------------------------------------------------

@rule("134")
def adoption_data_for_care_leaver(r):
    """A child with care leaver information (OC3) must not have adoption data (any of DATE_INT,
    DATE_MATCH, FOSTER_CARE, NB_ADOPTR, SEX_ADOPTR, LS_ADOPTR given in AD1): flags the AD1 rows and the
    OC3 rows of such children."""
    c = children(r)
    o, a = c.of("OC3"), c.of("AD1")
    o_info, a_info = any_given(r, "OC3", OC3_ITEMS), any_given(r, "AD1", AD1_ITEMS)
    both = c.mark(o[o_info & (o >= 0)]) & c.mark(a[a_info & (a >= 0)])
    return {"AD1": a_info & both[a], "OC3": o_info & both[o]}


@rule("1011")
def care_leaver_after_transfer(r):
    """Flags OC3 rows with care leaver information for children whose final episode (latest DECOM)
    ended with REC = E3 (care taken over by another LA). A child with an episode whose DECOM is not a
    date is skipped (the final episode cannot be told)."""
    c = children(r)
    child = c.of("Episodes")
    unreadable = np.isnat(array(r, "Episodes", "DECOM_date"))
    by_child = episode_order(r)  # DECOM order, a DECOM that is not a date last
    by_child = by_child[~unreadable[by_child]]
    _, last = run_bounds(child[by_child])
    final = by_child[last == np.arange(len(by_child))]
    transferred = c.mark(child[final[text(r, "Episodes", "REC").eq("E3")[final]]])
    transferred &= ~c.mark(child[unreadable & (child >= 0)])
    return {"OC3": _oc3(r, "has_info") & transferred[c.of("OC3")]}


@rule("1012")
def other_data_for_care_leaver_without_episodes(r):
    """For children in OC3 with no episode in the collection year (no episode that may fall between
    1 April and 31 March), no other data should be returned: flags their rows in AD1, Missing, OC2,
    PlacedAdoption, PrevPerm and Reviews. (Read as DfE words it: children in the OC3 table, whether or
    not their OC3 items are given.)"""
    c = children(r)
    oc3 = c.of("OC3")
    absent = c.mark(oc3[~_oc3(r, "looked_after_in_year") & (oc3 >= 0)])
    return {key: absent[c.of(key)] for key in OTHER_TABLES_1012}


@rule("1014")
def uasc_data_for_care_leaver(r):
    """UASC information is not required for care leavers: for children with care leaver information
    in OC3 and no episode in the collection year, flags their UASC rows and their OC3 rows."""
    c = children(r)
    oc3, u = c.of("OC3"), c.of("UASC")
    leavers = _oc3(r, "has_info") & ~_oc3(r, "looked_after_in_year")
    return {"UASC": _leavers_only(r)[u], "OC3": leavers & c.mark(u[u >= 0])[oc3]}


@rule("165")
def mother_status_not_valid(r):
    """Header.MOTHER: flags the Header row when MOTHER is given but is not 0 or 1; when MOTHER is
    given for a male child (SEX 1 or M); or when MOTHER is blank for a female child (SEX 2 or F)
    unless she is a care leaver not looked after this year (no episode in the year and care leaver
    information in OC3). A child of unknown sex (U) or blank SEX is not required to have it."""
    mother, sex = text(r, "Header", "MOTHER"), text(r, "Header", "SEX")
    bad_value = mother.given & ~mother.isin(r.codes("MOTHER"))
    male = mother.given & sex.isin(MALE)
    missing = mother.blank & sex.isin(FEMALE) & ~_leavers_only(r)[children(r).of("Header")]
    return {"Header": bad_value | male | missing}


@rule("628")
def mother_for_care_leaver_not_looked_after(r):
    """Flags Header rows with MOTHER given for a care leaver (care leaver information in OC3) who had
    no episode in the collection year."""
    return {"Header": text(r, "Header", "MOTHER").given & _leavers_only(r)[children(r).of("Header")]}


@rule("EPI")
def episodes_not_loaded(r):
    """Flags Header rows of children with no row in Episodes and no row in OC3: their episodes must be
    loaded before the other checks can run."""
    c = children(r)
    known = np.concatenate([c.of("Episodes"), c.of("OC3")])
    return {"Header": ~c.mark(known[known >= 0])[c.of("Header")]}
