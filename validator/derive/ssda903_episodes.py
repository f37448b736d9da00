"""Derived frames for the SSDA903 episode rules: episodes paired with their Header rows (ages at
DECOM and DEC), and periods of care built from a child's consecutive episodes.

Built on `validator.derive.ssda903.episodes` (episode order and neighbours). Nothing here changes
an episode: an open episode (blank DEC) stays open; a rule that needs an end date for it makes its
own local column.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from validator.derive import derived
from validator.derive.ssda903 import age_at, episodes, episodes_by_child, run_bounds

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
    s = episodes_by_child(r).copy(deep=False)
    continues = s["prev_REC"].eq("X1").fillna(False).astype(bool) & s["prev_DEC_date"].eq(s["DECOM_date"]).fillna(
        False
    ).astype(bool)
    s["period_first"] = ~continues
    s["period"] = s["period_first"].cumsum()
    # a period's episodes are adjacent; its first episode is the only one that can lack a DECOM date
    first, last = run_bounds(s["period"].to_numpy())
    s["period_first_row"] = s.index.to_numpy()[first]
    s["period_start"] = s["DECOM_date"].to_numpy()[first]
    s["period_open"] = s["DEC"].isna().to_numpy()[last]
    return s.sort_index()


PLACEMENT_FIELDS = ("PLACE", "PL_POST", "URN", "PLACE_PROVIDER")


@derived
def placement_changed(r) -> pd.Series:
    """Per episode (Episodes row label, in row order): any of PLACE, PL_POST, URN, PLACE_PROVIDER
    differs from the child's previous episode (blank equal to blank; a first episode compares with
    blanks). Shared by rules 434, 435 and 436."""
    e = episodes(r)
    same = pd.Series(True, index=e.index)
    for c in PLACEMENT_FIELDS:
        same &= e[c].fillna("").eq(e["prev_" + c].fillna("")).astype(bool)
    return ~same


__all__ = ["episodes_header", "care_periods", "legal_status_spells", "placement_changed", "TEMPORARY", "SHORT_BREAKS"]


@derived
def legal_status_spells(r) -> pd.DataFrame:
    """Episodes grouped into spells of one legal status: consecutive episodes of the child (by DECOM)
    with the same LS where each starts on the day the previous ended (a blank LS is in no spell).
    Columns: CHILD, LS, DECOM_date, `end` (DEC date, or 31 March of the collection year when DEC is
    blank; NaT when DEC is given but not a date), `spell` (a number unique in the return),
    `spell_days` (last end - first DECOM of the spell, in days; NaN when a date of the spell cannot
    be read). Only episodes with an LS; index: Episodes row label, in CHILD and DECOM order."""
    s = episodes_by_child(r)
    s = s.assign(end=s["DEC_date"].where(s["DEC"].notna(), r.year.end))
    joined = s["LS"].notna() & (s["LS"] == s["prev_LS"]).fillna(False) & (s["prev_DEC_date"] == s["DECOM_date"])
    s = s.assign(spell=(~joined).cumsum())[s["LS"].notna()][["CHILD", "LS", "DECOM_date", "end", "spell"]]
    # a spell's episodes are adjacent; only its first DECOM and last end can be blank
    first, last = run_bounds(s["spell"].to_numpy())
    unreadable = (s["DECOM_date"].isna() | s["end"].isna()).to_numpy()
    unreadable_before = np.concatenate([[0], np.cumsum(unreadable)])
    any_unreadable = unreadable_before[last + 1] > unreadable_before[first]
    ns = s["end"].to_numpy().view("int64")[last] - s["DECOM_date"].to_numpy().view("int64")[first]
    days = ns // 86_400_000_000_000  # whole days (garbage where a date is NaT: masked below)
    s["spell_days"] = pd.Series(days, index=s.index).where(~any_unreadable)
    return s
