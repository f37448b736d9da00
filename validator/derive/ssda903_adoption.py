"""Derived frames for the SSDA903 adoption, placement-for-adoption, previous-permanence and
missing rules: periods of care, each child's latest decision to place for adoption, and
DATE_PERM read with DfE's ZZ / ZZZZ placeholders for unknown parts."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from validator.derive.ssda903_episodes import care_periods
from validator.derive import array, days_in_month, derived, make_dates, take, text
from validator.derive.ssda903 import children, episode_of_child, episode_order, first_of_child, run_bounds, run_starts

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
    """Per child number (row = number, as `children` gives it; the last row for a blank CHILD): the
    episode that starts the latest period of care - the latest episode with RNE = S (the later row
    on a tie) - with its DECOM (`start`) and row label (`ep_row`); for a child with no RNE = S
    episode, the child's earliest episode, marked `known_start` False (the period began on or
    before it). A child without an episode with a DECOM date has `start` NaT, `ep_row` -1.
    Shared by rules 632 and 634."""
    c = children(r)
    child, decom = c.of("Episodes"), array(r, "Episodes", "DECOM_date")
    starts = episode_of_child(r, text(r, "Episodes", "RNE").eq("S"), last=True)
    first = episode_of_child(r, np.ones(len(child), dtype=bool))
    ep_row = np.full(c.count + 1, -1)
    ep_row[child[first]] = first
    known_start = np.zeros(c.count + 1, dtype=bool)
    ep_row[child[starts]] = starts
    known_start[child[starts]] = True
    return pd.DataFrame({"start": take(decom, ep_row), "ep_row": ep_row, "known_start": known_start})


_PERM = re.compile(r"(?P<d>\d{2}|ZZ)/(?P<m>\d{2}|ZZ)/(?P<y>\d{4}|ZZZZ)")


@derived
def date_perm(r) -> pd.DataFrame:
    """PrevPerm.DATE_PERM read with DfE's placeholders: each part dd/mm/yyyy may be ZZ (day,
    month) or ZZZZ (year) when not known, e.g. ZZ/05/2010. Index: PrevPerm row label.

    Columns: `valid` (blank, or the layout with placeholders and the known parts possible: a full
    date must exist, a known day must exist in a known month, 29/02 is accepted with an unknown
    year), `earliest` / `latest` (the first / last day the written value can stand for, as
    datetime64[us]; NaT when the year is unknown, the value is blank or not valid). Each distinct
    spelling is read once.
    """
    written = text(r, "PrevPerm", "DATE_PERM")
    found = list(map(_PERM.search, written.values.tolist()))  # as pandas' str.extract, which searches

    def number(part: str) -> np.ndarray:  # NaN when unknown (ZZ), or not ASCII digits (pandas' to_numeric)
        return np.array([float(m[part]) if m is not None and m[part].isascii() and m[part].isdigit() else np.nan
                         for m in found], dtype="float64")

    day, month, year = number("d"), number("m"), number("y")
    # a known day must fit the known month in the known year (2000, a leap year, when the year is
    # unknown; the longest month when the month is unknown)
    month_ok = np.isnan(month) | ((month >= 1) & (month <= 12))
    known_month = ~np.isnan(month) & month_ok
    ref_year = np.where(np.isnan(year), 2000, year).astype("int64")
    month_len = np.where(known_month, days_in_month(ref_year, np.where(known_month, month, 1).astype("int64")), 31)
    day_ok = np.isnan(day) | ((day >= 1) & (day <= month_len))
    valid = np.array([m is not None for m in found], dtype=bool) & month_ok & day_ok
    known_year = valid & ~np.isnan(year)
    y = np.where(known_year, year, 2000).astype("int64")
    first_month = np.where(known_month, month, 1).astype("int64")
    last_month = np.where(known_month, month, 12).astype("int64")
    first_day = np.where(np.isnan(day), 1, day).astype("int64")
    last_day = np.where(np.isnan(day), days_in_month(y, last_month), day).astype("int64")
    never = np.datetime64("NaT", "us")

    def per_row(values: np.ndarray, fill) -> np.ndarray:
        return np.append(values, fill)[written.codes]  # the trailing slot: blank rows

    earliest = np.where(known_year, make_dates(y, first_month, first_day).astype("datetime64[us]"), never)
    latest = np.where(known_year, make_dates(y, last_month, last_day).astype("datetime64[us]"), never)
    return pd.DataFrame({"valid": per_row(valid, True), "earliest": per_row(earliest, never),
                         "latest": per_row(latest, never)})
