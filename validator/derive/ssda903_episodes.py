"""Derived frames for the SSDA903 episode rules: episodes paired with their Header rows (ages at
DECOM and DEC), and periods of care built from a child's consecutive episodes.

Built on `validator.derive.ssda903.episodes` (episode order and neighbours). Nothing here changes
an episode: an open episode (blank DEC) stays open; a rule that needs an end date for it makes its
own local column.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from validator.derive import Text, ages, array, cached, derived, take, text
from validator.derive.ssda903 import children, episode_order, episodes, neighbours, run_bounds, same_child
from validator.reference import postcodes

TEMPORARY = ("T0", "T1", "T2", "T3", "T4")  # PLACE: temporary placements
SHORT_BREAKS = ("V3", "V4")  # LS: series of short-term breaks (respite)


@derived
def episodes_header(r) -> pd.DataFrame:
    """Every pair (episode, Header row) of the same CHILD: an inner join, so episodes of a child
    missing from Header are absent, and a child with two Header rows gives two pairs per episode
    (each pair is judged on that Header row's own values).

    Columns: `erow` / `hrow` (Episodes / Header row labels), `age_decom` / `age_dec` (age in whole
    years on DECOM / DEC from that Header row's DOB, NaN where either date is missing or not a valid
    date). In Episodes row order; a plain RangeIndex.
    """
    c = children(r)
    erow, hrow = same_child(c.of("Episodes"), c.of("Header"))
    dob = array(r, "Header", "DOB_date")[hrow]
    return pd.DataFrame({"erow": erow, "hrow": hrow,
                         "age_decom": ages(dob, array(r, "Episodes", "DECOM_date")[erow]),
                         "age_dec": ages(dob, array(r, "Episodes", "DEC_date")[erow])})


@derived
def care_periods(r) -> pd.DataFrame:
    """The period of care of each episode (derived_measures.md 1.1), per Episodes row in row order.

    An episode continues the period of the child's previous episode (by DECOM: `episodes`) when that
    episode ended with REC = X1 on this episode's DECOM (previous DEC = DECOM, both valid dates); any
    other episode starts a new period (the child's first episode in the file, a gap, another REC,
    a blank or invalid date). Columns: `period` (a number unique in the return), `period_first`
    (this episode starts its period), `period_first_row` (Episodes row label of the period's first
    episode), `period_start` (its DECOM date), `period_open` (the period's last episode has a blank
    DEC).
    """
    by_child = episode_order(r)
    prev = episodes(r)["prev_row"].to_numpy()
    decom = array(r, "Episodes", "DECOM_date")
    continues = text(r, "Episodes", "REC").take(prev).eq("X1") & (take(array(r, "Episodes", "DEC_date"), prev) == decom)
    period = np.empty(len(prev), dtype="int64")
    period[by_child] = np.cumsum(~continues[by_child])  # a period's episodes are adjacent in child order
    first, last = run_bounds(period[by_child])
    out = pd.DataFrame({"period": period, "period_first": ~continues})
    for name, values in (("period_first_row", by_child[first]), ("period_start", decom[by_child][first]),
                         ("period_open", text(r, "Episodes", "DEC").blank[by_child][last])):
        column = np.empty(len(prev), dtype=values.dtype)
        column[by_child] = values
        out[name] = column
    return out


PLACEMENT_FIELDS = ("PLACE", "PL_POST", "URN", "PLACE_PROVIDER")


@derived
def placement_changed(r) -> np.ndarray:
    """Per episode (Episodes row, in row order): any of PLACE, PL_POST, URN, PLACE_PROVIDER differs
    from the child's previous episode (`neighbours`; blank equal to blank; a first episode compares
    with blanks); postcodes are compared as `postcode_text` reads them. Shared by rules 434, 435 and 436."""
    prev = neighbours(r)[0]
    changed = np.zeros(len(prev), dtype=bool)
    for c in PLACEMENT_FIELDS:
        t = postcode_text(r, c) if c == "PL_POST" else text(r, "Episodes", c)
        changed |= t.codes != t.take(prev).codes  # same codes: the same value, or both blank
    return changed


def postcode_text(r, column: str) -> Text:
    """Episodes' postcode column `column` (PL_POST, HOME_POST) as a `Text` of the postcodes as the
    postcode directory reads them, upper case without spaces (`reference.postcodes.squeezed`): `rh2 7eb`
    and `RH2 7EB` are one value, the same postcode. Made once per run."""
    def make() -> Text:
        t = text(r, "Episodes", column)
        numbers, uniques = pd.factorize(np.array(list(map(postcodes.squeezed, t.values.tolist())), dtype=object))
        return Text(np.append(numbers, -1)[t.codes], uniques)
    return cached(r, f"postcode text Episodes.{column}", make)


__all__ = ["episodes_header", "care_periods", "legal_status_spells", "placement_changed", "postcode_text", "TEMPORARY",
           "SHORT_BREAKS"]


@derived
def legal_status_spells(r) -> pd.DataFrame:
    """Episodes grouped into spells of one legal status: consecutive episodes of the child (by DECOM)
    with the same LS where each starts on the day the previous ended (a blank LS is in no spell).
    Only episodes with an LS, index: Episodes row label, each child's in DECOM order. Columns:
    `spell` (a number unique in the return), `spell_days` (last end - first DECOM of the spell, in
    days, where an episode's end is its DEC date, or 31 March of the collection year when DEC is
    blank; NaN when a date of the spell cannot be read)."""
    by_child = episode_order(r)
    prev = episodes(r)["prev_row"].to_numpy()
    ls = text(r, "Episodes", "LS")
    decom, dec = array(r, "Episodes", "DECOM_date"), array(r, "Episodes", "DEC_date")
    end = np.where(text(r, "Episodes", "DEC").given, dec, r.year.end.to_datetime64())
    joined = ls.same(ls.take(prev)) & (take(dec, prev) == decom)
    spell = np.cumsum(~joined[by_child])
    keep = ls.given[by_child]
    rows, spell = by_child[keep], spell[keep]
    # a spell's episodes are adjacent; only its first DECOM and last end can be blank
    first, last = run_bounds(spell)
    unreadable = np.isnat(decom[rows]) | np.isnat(end[rows])
    unreadable_before = np.concatenate([[0], np.cumsum(unreadable)])
    any_unreadable = unreadable_before[last + 1] > unreadable_before[first]
    days = (end[rows][last].view("int64") - decom[rows][first].view("int64")) // 86_400_000_000_000
    return pd.DataFrame({"spell": spell, "spell_days": np.where(any_unreadable, np.nan, days)}, index=rows)
