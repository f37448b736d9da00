"""Derived frames for the SSDA903 adoption, placement-for-adoption, previous-permanence and
missing rules: periods of care, each child's latest decision to place for adoption, and
DATE_PERM read with DfE's ZZ / ZZZZ placeholders for unknown parts."""

from __future__ import annotations

import numpy as np
import pandas as pd

from validator.derive.ssda903_episodes import care_periods
from validator.derive import array, derived, text
from validator.derive.ssda903 import children, episode_order, first_of_child, run_bounds, run_starts

ADOPTED = ("E11", "E12")  # REC: adopted
PLACED_FOR_ADOPTION = ("A3", "A4", "A5", "A6")  # PLACE: placed for adoption


@derived
def periods(r) -> pd.DataFrame:
    """One row per period of care (the shared definition: `care_periods` in
    validator/derive/ssda903_episodes.py, derived_measures.md 1.1), of the episodes with a usable
    DECOM date (the others cannot be placed in time), with what the adoption and missing rules read:
    `first_row` / `last_row` (Episodes row labels of its first and last episode), `period_start`
    (DECOM of its first episode), `period_end` (DEC of its last episode, NaT = open), `last_rec` (REC
    of its last episode, None where blank), `starts_with_s` (its first episode has RNE = S, so the
    start is a real start of care), `first_in_file` (the period is the child's earliest one in the
    file). Periods of a child in time order; a plain RangeIndex.
    """
    by_child = episode_order(r)
    decom = array(r, "Episodes", "DECOM_date")
    rows = by_child[~np.isnat(decom[by_child])]  # an episode without a DECOM date is a period of its own
    first_pos, last_pos = run_bounds(care_periods(r)["period"].to_numpy()[rows])  # a period's episodes are adjacent
    starts = first_pos == np.arange(len(rows))
    first, last = rows[starts], rows[last_pos[starts]]
    child = children(r).of("Episodes")
    first_in_file = run_starts(child[first]) & (child[first] >= 0)
    return pd.DataFrame({"first_row": first, "last_row": last, "period_start": decom[first],
                         "period_end": array(r, "Episodes", "DEC_date")[last],
                         "last_rec": text(r, "Episodes", "REC").strings()[last],
                         "starts_with_s": text(r, "Episodes", "RNE").eq("S")[first], "first_in_file": first_in_file})


@derived
def latest_decision(r) -> pd.Series:
    """Each child's latest decision to place for adoption: the PlacedAdoption row label of the row
    with the latest DATE_PLACED (the later row in the file on a tie), by CHILD (a blank CHILD is one
    child), in row order. Rows whose DATE_PLACED is blank or not a date are not candidates."""
    placed = array(r, "PlacedAdoption", "DATE_PLACED_date")
    rows = first_of_child(children(r).of("PlacedAdoption"), np.flatnonzero(~np.isnat(placed)), placed, last=True)
    return pd.Series(rows, index=pd.Index(r.table("PlacedAdoption")["CHILD"].array[rows], name="CHILD"), name="row")


@derived
def latest_start(r) -> pd.DataFrame:
    """Per child (index CHILD): the episode that starts the latest period of care - the latest
    episode with RNE = S - with its DECOM (`start`) and row label (`ep_row`); for a child with
    no RNE = S episode, the child's earliest episode, marked `known_start` False (the period
    began on or before it). Shared by rules 632 and 634."""
    e = r.table("Episodes")
    e = e.loc[e["DECOM_date"].notna(), ["CHILD", "DECOM_date", "RNE"]].assign(ep_row=lambda d: d.index)
    e = e.sort_values(["CHILD", "DECOM_date", "ep_row"], kind="stable")
    s = e[e["RNE"].eq("S").fillna(False)].drop_duplicates("CHILD", keep="last").assign(known_start=True)
    first = e.drop_duplicates("CHILD", keep="first")
    first = first[~first["CHILD"].isin(s["CHILD"])].assign(known_start=False)
    out = pd.concat([s, first])[["CHILD", "DECOM_date", "ep_row", "known_start"]]
    return out.rename(columns={"DECOM_date": "start"}).set_index("CHILD")


_PERM = r"(?P<d>\d{2}|ZZ)/(?P<m>\d{2}|ZZ)/(?P<y>\d{4}|ZZZZ)"


@derived
def date_perm(r) -> pd.DataFrame:
    """PrevPerm.DATE_PERM read with DfE's placeholders: each part dd/mm/yyyy may be ZZ (day,
    month) or ZZZZ (year) when not known, e.g. ZZ/05/2010. Index: PrevPerm row label.

    Columns: `valid` (blank, or the layout with placeholders and the known parts possible: a full
    date must exist, a known day must exist in a known month, 29/02 is accepted with an unknown
    year), `earliest` / `latest` (the first / last day the written value can stand for; NaT when
    the year is unknown, the value is blank or not valid).
    """
    t = r.table("PrevPerm")["DATE_PERM"]
    parts = t.str.extract(_PERM)
    layout = parts["d"].notna()
    day = pd.to_numeric(parts["d"].where(parts["d"] != "ZZ"), errors="coerce").astype("float64")
    month = pd.to_numeric(parts["m"].where(parts["m"] != "ZZ"), errors="coerce").astype("float64")
    year = pd.to_numeric(parts["y"].where(parts["y"] != "ZZZZ"), errors="coerce").astype("float64")
    # a known day must fit the known month in the known year (2000, a leap year, when the year is
    # unknown; the longest month when the month is unknown)
    ref_year = year.fillna(2000)
    ref_month = month.fillna(1)
    month_ok = month.isna() | month.between(1, 12)
    month_len = pd.Series(
        pd.to_datetime(pd.DataFrame({"year": ref_year, "month": ref_month.where(month_ok, 1), "day": 1}))
        .dt.days_in_month, index=t.index).where(month.notna(), 31)
    day_ok = day.isna() | ((day >= 1) & (day <= month_len))
    valid = t.isna() | (layout & month_ok & day_ok)
    known_year = valid & year.notna() & t.notna()
    first_month = month.fillna(1)
    first_day = day.fillna(1)
    last_month = month.fillna(12)
    ymd = pd.DataFrame({"year": year.where(known_year), "month": first_month.where(known_year),
                        "day": first_day.where(known_year)})
    earliest = pd.to_datetime(ymd, errors="coerce")
    last_start = pd.to_datetime(pd.DataFrame({"year": ymd["year"], "month": last_month.where(known_year), "day": 1}),
                                errors="coerce")
    last_day = day.where(day.notna(), last_start.dt.days_in_month)
    latest = last_start + pd.to_timedelta(last_day - 1, unit="D")
    return pd.DataFrame({"valid": valid.astype(bool), "earliest": earliest, "latest": latest}, index=t.index)
