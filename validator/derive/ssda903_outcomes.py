"""Derived frames for the SSDA903 outcome rules: the OC2 cohort (looked after continuously for
12 months at 31 March), who was looked after during the year and at 31 March, care leaver
(OC3) information, and birthdays.

Dates that are not valid (NaT in the `_date` columns) never raise: an episode whose dates cannot be
read makes its child's status unknown (<NA>) where that matters, and rules leave unknown children
unflagged (the date-validity rules report the bad date).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from validator.derive import derived, text
from validator.derive.ssda903 import age_at, birthday  # noqa: F401 - rules import birthday from here

SHORT_BREAKS = ("V3", "V4")  # LS: agreed series of short-term breaks
OC3_ITEMS = ("IN_TOUCH", "ACTIV", "ACCOM")
OC2_HEALTH_ITEMS = ("CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT",
                    "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED")
AD1_ITEMS = ("DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR")


def any_present(t: pd.DataFrame, columns) -> pd.Series:
    """Rows where at least one of `columns` is given (not blank)."""
    return t[list(columns)].notna().any(axis=1)


def _episode_flags(r) -> pd.DataFrame:
    """Episodes with `in_year` (overlaps the collection year), `readable` (DECOM, and DEC when given,
    are dates) and the three signs that the child was not looked after continuously."""
    e = r.table("Episodes")
    start, end = r.year.start, r.year.end
    open_ = e["DEC"].isna()
    e["readable"] = e["DECOM_date"].notna() & (open_ | e["DEC_date"].notna())
    e["in_year"] = (e["DECOM_date"] <= end) & (open_ | (e["DEC_date"] >= start))
    enters = e["RNE"].isin(["S"]) & (e["DECOM_date"] > start) & (e["DECOM_date"] <= end)
    leaves = ~e["REC"].isin(["X1"]) & (e["DEC_date"] >= start) & (e["DEC_date"] < end)
    short_break = e["LS"].isin(list(SHORT_BREAKS)) & e["in_year"]
    e["breaks_continuity"] = enters | leaves | short_break
    return e


@derived
def continuously_looked_after(r) -> pd.Series:
    """By CHILD (every child in Episodes): True when looked after continuously for at least 12 months
    at 31 March (the OC2 cohort), False when not, <NA> when it cannot be told.

    DfE's definition (2021-22 validation guidance, derived_measures.md 1.1): looked after at some point
    in the year, and no episode that
      - starts after 1 April (DECOM > 1 April, up to 31 March) with RNE = S (a new start of care),
      - ends in the year before 31 March (1 April <= DEC < 31 March) with REC other than X1
        (a blank REC counts as other than X1: the episode ended and nothing continues it), or
      - has LS V3/V4 (short breaks) and overlaps the year.
    So an episode ending on 31 March itself does not break continuity (DfE says "before 31 March").
    Any one of these signs makes the child False. Otherwise a child with an episode whose DECOM is
    not a date, or whose DEC is given but not a date, is <NA> (unknown); else True when one of its
    episodes overlaps the year. Children absent from Episodes are not in the index (not looked after).
    """
    e = _episode_flags(r)
    g = e.groupby("CHILD", sort=False)
    broken = g["breaks_continuity"].any()
    unknown = ~g["readable"].all()
    in_year = g["in_year"].any()
    out = in_year.astype("boolean")
    out[unknown] = pd.NA
    out[broken] = False
    return out


def cla_12_months(r, children: pd.Series) -> pd.Series:
    """For each CHILD in `children` (aligned with it): True / False / <NA> as in
    `continuously_looked_after`; a child with no episode is False."""
    status = continuously_looked_after(r)
    out = children.map(status).astype("boolean")
    return out.where(children.isin(status.index), False)


@derived
def oc2_cohort(r) -> pd.DataFrame:
    """OC2 with `age_start` / `age_end` (age on 1 April / 31 March, from OC2.DOB), `cohort` (known
    to be in the OC2 cohort: `in_cohort`) and `not_cohort` (known not to be: `known_not_in_cohort`)."""
    t = r.table("OC2")
    t["age_start"] = age_at(t["DOB_date"], r.year.start)
    t["age_end"] = age_at(t["DOB_date"], r.year.end)
    status = cla_12_months(r, t["CHILD"])
    t["cohort"] = status.fillna(False).astype(bool)
    t["not_cohort"] = (~status).fillna(False).astype(bool)
    return t


def in_cohort(r, children: pd.Series) -> pd.Series:
    """Plain boolean: the child is known to be in the OC2 cohort."""
    return cla_12_months(r, children).fillna(False).astype(bool)


def known_not_in_cohort(r, children: pd.Series) -> pd.Series:
    """Plain boolean: the child is known not to be in the OC2 cohort (unknown children excluded)."""
    return (~cla_12_months(r, children)).fillna(False).astype(bool)


@derived
def children_with_episode_in_year(r) -> frozenset:
    """CHILDs with at least one episode that may fall in the collection year: every episode except
    those whose readable dates put them wholly outside it (DECOM after 31 March, or DEC before
    1 April). An episode with unreadable dates counts (it cannot be shown to be outside the year)."""
    e = r.table("Episodes")
    start, end = r.year.start, r.year.end
    outside = (e["DECOM_date"] > end) | (e["DEC_date"] < start)
    return frozenset(e.loc[~outside, "CHILD"].dropna())


@derived
def looked_after_at_31_march(r) -> np.ndarray:
    """Per Episodes row: the episode shows the child looked after on 31 March: DEC blank and LS not
    V3/V4 (DfE's CLA_AT_31_MARCH). Episodes without a DECOM date count: an open episode is open."""
    return text(r, "Episodes", "DEC").blank & ~text(r, "Episodes", "LS").isin(SHORT_BREAKS)


@derived
def care_leavers(r) -> pd.DataFrame:
    """OC3 rows with `has_info` (any of IN_TOUCH, ACTIV, ACCOM given) and `looked_after_in_year`
    (the child has an episode that may fall in the year; see `children_with_episode_in_year`)."""
    o = r.table("OC3")
    o["has_info"] = any_present(o, OC3_ITEMS)
    o["looked_after_in_year"] = o["CHILD"].isin(children_with_episode_in_year(r))
    return o


@derived
def care_leavers_with_ages(r) -> pd.DataFrame:
    """`care_leavers` with `age_start` / `age_end` (age on 1 April / 31 March, from OC3.DOB)."""
    o = care_leavers(r).copy(deep=False)
    o["age_start"] = age_at(o["DOB_date"], r.year.start)
    o["age_end"] = age_at(o["DOB_date"], r.year.end)
    return o


def _birthday_17_or_18(r, o: pd.DataFrame) -> pd.Series:
    """For OC3 rows of young people aged 17 or 18 on 31 March: the date of that (17th or 18th)
    birthday, which falls in the collection year. NaT for everyone else."""
    b17, b18 = birthday(o["DOB_date"], 17), birthday(o["DOB_date"], 18)
    return b17.where(o["age_end"] == 17, b18.where(o["age_end"] == 18))


@derived
def birthday_episodes(r) -> pd.DataFrame:
    """One row per (OC3 row of a young person aged 17 or 18 on 31 March, episode of that child): OC3
    row label `oc3_row`, that 17th or 18th birthday `day` (see `_birthday_17_or_18`), and the
    episode's DECOM_date, DEC, DEC_date, REC. Shared by rules 1007 and 1016."""
    o = care_leavers_with_ages(r)
    left = pd.DataFrame({"CHILD": o["CHILD"], "day": _birthday_17_or_18(r, o), "oc3_row": o.index})
    left = left[left["day"].notna()]
    e = r.table("Episodes")[["CHILD", "DECOM_date", "DEC", "DEC_date", "REC"]]
    return left.merge(e, on="CHILD", how="inner")


__all__ = ["SHORT_BREAKS", "OC3_ITEMS", "OC2_HEALTH_ITEMS", "AD1_ITEMS", "any_present", "birthday",
           "continuously_looked_after", "cla_12_months", "in_cohort", "known_not_in_cohort",
           "children_with_episode_in_year", "looked_after_at_31_march", "care_leavers",
           "oc2_cohort", "care_leavers_with_ages", "birthday_episodes"]
