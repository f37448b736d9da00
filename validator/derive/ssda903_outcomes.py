"""Derived frames for the SSDA903 outcome rules: the OC2 cohort (looked after continuously for
12 months at 31 March), who was looked after during the year and at 31 March, care leaver
(OC3) information, and birthdays.

Dates that are not valid (NaT in the `_date` columns) never raise: an episode whose dates cannot be
read makes its child's status unknown (-1 in `cohort_status`) where that matters, and rules leave
unknown children unflagged (the date-validity rules report the bad date).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from validator.derive import ages, array, birthdays, derived, text
from validator.derive.ssda903 import children, same_child

SHORT_BREAKS = ("V3", "V4")  # LS: agreed series of short-term breaks
OC3_ITEMS = ("IN_TOUCH", "ACTIV", "ACCOM")
OC2_HEALTH_ITEMS = ("CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT",
                    "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED")
AD1_ITEMS = ("DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR")


def any_given(r, key: str, columns) -> np.ndarray:
    """Rows of table `key` where at least one of `columns` is given (not blank)."""
    return np.logical_or.reduce([text(r, key, c).given for c in columns])


@derived
def cohort_status(r) -> np.ndarray:
    """Per child number (`children`; index it with numbers): 1 when looked after continuously for at
    least 12 months at 31 March (the OC2 cohort), 0 when not, -1 when it cannot be told. A child with
    no episode (or a blank CHILD) is 0: not looked after.

    DfE's definition (2021-22 validation guidance, derived_measures.md 1.1): looked after at some point
    in the year, and no episode that
      - starts after 1 April (DECOM > 1 April, up to 31 March) with RNE = S (a new start of care),
      - ends in the year before 31 March (1 April <= DEC < 31 March) with REC other than X1
        (a blank REC counts as other than X1: the episode ended and nothing continues it), or
      - has LS V3/V4 (short breaks) and overlaps the year.
    So an episode ending on 31 March itself does not break continuity (DfE says "before 31 March").
    Any one of these signs makes the child 0. Otherwise a child with an episode whose DECOM is not a
    date, or whose DEC is given but not a date, is -1 (unknown); else 1 when one of its episodes
    overlaps the year.
    """
    c = children(r)
    start, end = r.year.start.to_datetime64(), r.year.end.to_datetime64()
    decom, dec = array(r, "Episodes", "DECOM_date"), array(r, "Episodes", "DEC_date")
    open_ = text(r, "Episodes", "DEC").blank
    readable = ~np.isnat(decom) & (open_ | ~np.isnat(dec))
    in_year = (decom <= end) & (open_ | (dec >= start))
    enters = text(r, "Episodes", "RNE").eq("S") & (decom > start) & (decom <= end)
    leaves = ~text(r, "Episodes", "REC").eq("X1") & (dec >= start) & (dec < end)
    short_break = text(r, "Episodes", "LS").isin(SHORT_BREAKS) & in_year
    child = c.of("Episodes")
    known = child >= 0

    def any_of(mask: np.ndarray) -> np.ndarray:
        return np.bincount(child[known & mask], minlength=c.count + 1) > 0

    status = np.where(any_of(in_year), 1, 0)
    status[any_of(~readable)] = -1
    status[any_of(enters | leaves | short_break)] = 0
    return status.astype("int8")


def cla_12_months(r, children_: pd.Series) -> pd.Series:
    """For each CHILD in `children_` (aligned with it): True / False / <NA> as in `cohort_status`."""
    status = cohort_status(r)[children(r).number(children_)]  # -1 (not in the return): the blank slot, 0
    return pd.Series(pd.array(np.where(status < 0, None, status == 1), dtype="boolean"), index=children_.index)


@derived
def oc2_cohort(r) -> pd.DataFrame:
    """Per OC2 row: `age_start` / `age_end` (age on 1 April / 31 March, from OC2.DOB), `cohort`
    (known to be in the OC2 cohort) and `not_cohort` (known not to be: unknown children are
    neither)."""
    dob = array(r, "OC2", "DOB_date")
    status = cohort_status(r)[children(r).of("OC2")]
    return pd.DataFrame({"age_start": ages(dob, r.year.start), "age_end": ages(dob, r.year.end),
                         "cohort": status == 1, "not_cohort": status == 0})


@derived
def episode_in_year(r) -> np.ndarray:
    """Per child number (`children`): the child has at least one episode that may fall in the
    collection year: every episode except those whose readable dates put them wholly outside it
    (DECOM after 31 March, or DEC before 1 April). An episode with unreadable dates counts (it cannot
    be shown to be outside the year). A blank CHILD has none."""
    c = children(r)
    outside = ((array(r, "Episodes", "DECOM_date") > r.year.end.to_datetime64())
               | (array(r, "Episodes", "DEC_date") < r.year.start.to_datetime64()))
    child = c.of("Episodes")[~outside]
    return c.mark(child[child >= 0])


@derived
def looked_after_at_31_march(r) -> np.ndarray:
    """Per Episodes row: the episode shows the child looked after on 31 March: DEC blank and LS not
    V3/V4 (DfE's CLA_AT_31_MARCH). Episodes without a DECOM date count: an open episode is open."""
    return text(r, "Episodes", "DEC").blank & ~text(r, "Episodes", "LS").isin(SHORT_BREAKS)


@derived
def care_leavers(r) -> pd.DataFrame:
    """Per OC3 row: `has_info` (any of IN_TOUCH, ACTIV, ACCOM given), `looked_after_in_year` (the
    child has an episode that may fall in the year; see `episode_in_year`), `age_start` / `age_end`
    (age on 1 April / 31 March, from OC3.DOB)."""
    dob = array(r, "OC3", "DOB_date")
    return pd.DataFrame({"has_info": any_given(r, "OC3", OC3_ITEMS),
                         "looked_after_in_year": episode_in_year(r)[children(r).of("OC3")],
                         "age_start": ages(dob, r.year.start), "age_end": ages(dob, r.year.end)})


@derived
def birthday_episodes(r) -> pd.DataFrame:
    """One row per (OC3 row of a young person aged 17 or 18 on 31 March, episode of that child): OC3
    row label `oc3_row`, Episodes row label `ep_row`, and that 17th or 18th birthday `day` (which
    falls in the collection year; from OC3.DOB). Shared by rules 1007 and 1016."""
    c = children(r)
    dob, age_end = array(r, "OC3", "DOB_date"), care_leavers(r)["age_end"].to_numpy()
    day = np.where(age_end == 17, birthdays(dob, 17), np.where(age_end == 18, birthdays(dob, 18), np.datetime64("NaT")))
    oc3 = np.flatnonzero(~np.isnat(day))
    i, ep = same_child(c.of("OC3")[oc3], c.of("Episodes"))
    return pd.DataFrame({"oc3_row": oc3[i], "ep_row": ep, "day": day[oc3[i]]})


__all__ = ["SHORT_BREAKS", "OC3_ITEMS", "OC2_HEALTH_ITEMS", "AD1_ITEMS", "any_given",
           "cohort_status", "cla_12_months", "episode_in_year", "looked_after_at_31_march", "care_leavers",
           "oc2_cohort", "birthday_episodes"]
