"""Derived frames for the SSDA903 episode rules: episodes paired with their Header rows (ages at
DECOM and DEC), and periods of care built from a child's consecutive episodes.

Built on `validator.derive.ssda903.episodes` (episode order and neighbours). Nothing here changes
an episode: an open episode (blank DEC) stays open; a rule that needs an end date for it makes its
own local column.
"""

from __future__ import annotations

import pandas as pd

from validator.derive import age_at, derived
from validator.derive.ssda903 import episodes

TEMPORARY = ("T0", "T1", "T2", "T3", "T4")  # PLACE: temporary placements
SHORT_BREAKS = ("V3", "V4")  # LS: series of short-term breaks (respite)
HEADER_COLUMNS = ("SEX", "DOB", "DOB_date", "UPN", "MOTHER", "MC_DOB", "MC_DOB_date")


@derived
def episodes_header(r) -> pd.DataFrame:
    """Every pair (episode, Header row) of the same CHILD: an inner join, so episodes of a child
    missing from Header are absent, and a child with two Header rows gives two pairs per episode
    (each pair is judged on that Header row's own values).

    Columns: everything of `episodes(r)`, the Header columns SEX, DOB(_date), UPN, MOTHER,
    MC_DOB(_date), `erow` / `hrow` (Episodes / Header row labels), `age_decom` / `age_dec` (age in
    whole years on DECOM / DEC, NaN where either date is missing or not a valid date).
    A plain RangeIndex.
    """
    e = episodes(r)
    h = r.table("Header")
    h = h[["CHILD", *HEADER_COLUMNS]].assign(hrow=h.index)
    out = e.assign(erow=e.index).merge(h, on="CHILD", how="inner", suffixes=("", "_h"))
    out["age_decom"] = age_at(out["DOB_date"], out["DECOM_date"])
    out["age_dec"] = age_at(out["DOB_date"], out["DEC_date"])
    return out


@derived
def care_periods(r) -> pd.DataFrame:
    """`episodes(r)` with the period of care of each episode (derived_measures.md 1.1).

    An episode continues the period of the child's previous episode (by DECOM) when that episode
    ended with REC = X1 on this episode's DECOM (previous DEC = DECOM, both valid dates); any
    other episode starts a new period (the child's first episode in the file, a gap, another REC,
    a blank or invalid date). Columns added: `period` (a number unique in the return),
    `period_first` (this episode starts its period), `period_first_row` (Episodes row label of the
    period's first episode), `period_start` (its DECOM date), `period_open` (the period's last
    episode has a blank DEC). Index: the Episodes row label, in row order.
    """
    e = episodes(r)
    s = e.sort_values(["CHILD", "order"], kind="stable")
    continues = s["prev_REC"].eq("X1").fillna(False).astype(bool) & s["prev_DEC_date"].eq(s["DECOM_date"]).fillna(
        False
    ).astype(bool)
    s["period_first"] = ~continues
    s["period"] = s["period_first"].cumsum()
    s["row"] = s.index
    g = s.groupby("period", sort=False)
    s["period_first_row"] = g["row"].transform("first")
    s["period_start"] = g["DECOM_date"].transform("first")
    last_dec_blank = s["DEC"].isna()
    s["period_open"] = last_dec_blank.groupby(s["period"]).transform("last")
    return s.drop(columns="row").sort_index()


__all__ = ["episodes_header", "care_periods", "TEMPORARY", "SHORT_BREAKS"]
