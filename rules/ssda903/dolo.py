"""SSDA903 rules on deprivation of liberty orders (DoLo table, new in 2026/27): dates of each order,
orders of one child overlapping, orders carried over from last year, and the child's placement
while an order runs.
"""

import pandas as pd

from rules.ssda903 import rule
from validator.derive import invalid_date, lookup
from validator.derive.ssda903 import episodes, header_dob

# 709: the placement types DfE expects while a DoLO runs; 710: those it forbids (secure children's
# home, placed with parents, young offender institution, registered supported accommodation).
DOLO_EXPECTED_PLACE = ("K2", "Z12", "Z13")
DOLO_FORBIDDEN_PLACE = ("K1", "P1", "R5", "K3")


def _dolo_episode_overlaps(r) -> pd.DataFrame:
    """Pairs (DoLo row, Episodes row) of one child where the episode's placement ran while the order
    was in force. Only orders with both a valid DOLO_START and a valid DOLO_END are used (DfE: "if
    DOLO_START and DOLO_END are present"). An order covers DOLO_START to DOLO_END (a one-day order
    its start day); an episode covers DECOM up to the day before DEC (the next placement begins on
    DEC), or onwards when open. So an episode ending the day the order starts, or starting the day it
    ends, does not overlap. Episodes without a valid DECOM are left out."""
    d = r.table("DoLo")
    d = d.loc[d["DOLO_START_date"].notna() & d["DOLO_END_date"].notna(), ["CHILD", "DOLO_START_date", "DOLO_END_date"]]
    e = r.table("Episodes")
    e = e.loc[e["DECOM_date"].notna(), ["CHILD", "DECOM_date", "DEC_date", "PLACE"]]
    m = d.reset_index(names="dolo_row").merge(e.reset_index(names="episode_row"), on="CHILD")
    order_last_day = m["DOLO_END_date"].where(m["DOLO_END_date"] > m["DOLO_START_date"],
                                              m["DOLO_START_date"] + pd.Timedelta(days=1))
    overlaps = (m["DECOM_date"] < order_last_day) & (m["DEC_date"].isna() | (m["DEC_date"] > m["DOLO_START_date"]))
    return m.loc[overlaps]


def _placement_flags(r, wrong: pd.Series, m: pd.DataFrame) -> dict:
    d, e = r.table("DoLo"), r.table("Episodes")
    return {"DoLo": d.index.isin(m.loc[wrong, "dolo_row"]), "Episodes": e.index.isin(m.loc[wrong, "episode_row"])}


# ---------------------------------------------------------------- one order's dates

@rule("700")
def dolo_start_not_valid_date(r):
    """DoLo.DOLO_START must be a real date written dd/mm/yyyy; a blank start is not a valid date."""
    d = r.table("DoLo")
    return {"DoLo": d["DOLO_START"].isna() | invalid_date(r, "DoLo", "DOLO_START")}


@rule("701")
def dolo_end_not_valid_date(r):
    """DoLo.DOLO_END, where given, must be a real date written dd/mm/yyyy (blank = order still open)."""
    return {"DoLo": invalid_date(r, "DoLo", "DOLO_END")}


@rule("702")
def dolo_end_before_start(r):
    """DOLO_END is before DOLO_START (the same day passes: DfE's message says "before"). Both must be
    valid dates."""
    d = r.table("DoLo")
    return {"DoLo": d["DOLO_END_date"] < d["DOLO_START_date"]}


@rule("703")
def dolo_start_after_year_end(r):
    """DOLO_START is after 31 March of the collection year (31 March itself passes)."""
    d = r.table("DoLo")
    return {"DoLo": d["DOLO_START_date"] > r.year.end}


@rule("704")
def dolo_end_outside_year(r):
    """DOLO_END is before 1 April or after 31 March of the collection year (both days pass).
    A blank or invalid end is not evaluated."""
    d = r.table("DoLo")
    end = d["DOLO_END_date"]
    return {"DoLo": (end < r.year.start) | (end > r.year.end)}


@rule("708")
def dolo_before_birth(r):
    """DOLO_START is on or before the child's date of birth (DfE: the start must be after the DOB).
    The DOB is the DoLo row's own; where that is blank or not a date, the Header DOB. Rows without
    valid dates are not evaluated."""
    d = r.table("DoLo")
    dob = d["DOB_date"].fillna(lookup(d["CHILD"], header_dob(r)))
    return {"DoLo": d["DOLO_START_date"] <= dob}


# ---------------------------------------------------------------- orders of one child

@rule("705")
def dolo_starts_while_previous_open(r):
    """Within a child's orders in DOLO_START order, an order starts while the one before it is still
    open: the previous order has no DOLO_END, or its DOLO_END is after this order's start (an order
    may start on the day the previous one ended). Flags the later order. Orders without a valid
    DOLO_START are left out, and a previous DOLO_END that is not a valid date is not judged."""
    d = r.table("DoLo")
    cols = ["CHILD", "DOLO_START_date", "DOLO_END", "DOLO_END_date"]
    d = d.loc[d["DOLO_START_date"].notna() & d["CHILD"].notna(), cols]
    d = d.sort_values(["CHILD", "DOLO_START_date"], kind="stable")
    g = d.groupby("CHILD", sort=False)
    has_prev = g.cumcount() > 0
    prev_open = g["DOLO_END"].shift(1).isna()
    prev_end = g["DOLO_END_date"].shift(1)
    bad = has_prev & (prev_open | (prev_end > d["DOLO_START_date"]))
    return {"DoLo": bad.reindex(r.table("DoLo").index, fill_value=False)}


@rule("706")
def open_dolo_last_year_not_carried(r):
    """A child's latest order in last year's return (by DOLO_START) had no DOLO_END, and this year's
    return has no order for the child starting on that same date as its first order (earliest
    DOLO_START). Flags last year's open order (DoLo_last) and, when the child has orders this year,
    this year's first one. Last year's orders without a valid DOLO_START are not judged."""
    last = r.table("DoLo_last")
    last = last.loc[last["DOLO_START_date"].notna() & last["CHILD"].notna()]
    latest = last.sort_values(["CHILD", "DOLO_START_date"], kind="stable").groupby("CHILD").tail(1)
    open_last = latest.loc[latest["DOLO_END"].isna()]
    now = r.table("DoLo")
    dated = now.loc[now["DOLO_START_date"].notna() & now["CHILD"].notna()]
    first = dated.sort_values(["CHILD", "DOLO_START_date"], kind="stable").groupby("CHILD").head(1)
    m = open_last[["CHILD", "DOLO_START_date"]].reset_index(names="row").merge(
        first[["CHILD", "DOLO_START_date"]].rename(columns={"DOLO_START_date": "first_start"}), on="CHILD", how="left")
    bad_last = m.loc[~(m["first_start"] == m["DOLO_START_date"]).fillna(False).astype(bool)]
    return {"DoLo_last": r.table("DoLo_last").index.isin(bad_last["row"]),
            "DoLo": now.index.isin(first.index[first["CHILD"].isin(bad_last["CHILD"])])}


@rule("707")
def open_dolo_after_care_ended(r):
    """An order with no DOLO_END for a child who has ceased to be looked after: the child's latest
    episode (by DECOM) has a valid DEC, so the child is not looked after at the end of the year.
    Flags the open DoLo row. Children without episodes in this return are not judged, nor orders
    without a valid DOLO_START. Interpretation: "ceased to be looked after" is read from the latest
    episode alone (a child who left care and came back before 31 March is still looked after)."""
    d = r.table("DoLo")
    e = episodes(r)
    latest = e.loc[e["order"] == e["n_episodes"] - 1]
    ceased = latest.loc[latest["DEC_date"].notna(), "CHILD"]
    return {"DoLo": d["DOLO_START_date"].notna() & d["DOLO_END"].isna() & d["CHILD"].isin(ceased)}


# ---------------------------------------------------------------- placement while an order runs

@rule("709")
def dolo_unexpected_placement(r):
    """While an order runs (see `_dolo_episode_overlaps`; orders with both dates only), the child's
    placement (Episodes.PLACE) is not K2, Z12 or Z13. Flags the order and each such episode.
    A blank PLACE is left to rule 146."""
    m = _dolo_episode_overlaps(r)
    wrong = m["PLACE"].notna() & ~m["PLACE"].isin(DOLO_EXPECTED_PLACE)
    return _placement_flags(r, wrong.fillna(False).astype(bool), m)


@rule("710")
def dolo_forbidden_placement(r):
    """While an order runs (see `_dolo_episode_overlaps`; orders with both dates only), the child is
    placed in K1 (secure children's home), P1 (with parents), R5 (young offender institution) or K3
    (supported accommodation). Flags the order and each such episode."""
    m = _dolo_episode_overlaps(r)
    wrong = m["PLACE"].isin(DOLO_FORBIDDEN_PLACE)
    return _placement_flags(r, wrong.fillna(False).astype(bool), m)
