"""SSDA903 rules on PlacedAdoption (decisions that a child should be placed for adoption, and
their reversal), alone, against Header and AD1, and against last year's PlacedAdoption.

One PlacedAdoption row is one decision. A child's "latest decision" is the row with the latest
DATE_PLACED (validator.derive.ssda903_adoption.latest_decision). Dates that are given but are not
dates are reported by 115/116 and skipped everywhere else.
"""

import pandas as pd

from rules.common import not_in
from rules.ssda903 import rule
from validator.derive import invalid_date
from validator.derive.ssda903_adoption import latest_decision


def _pa(r) -> pd.DataFrame:
    pa = r.table("PlacedAdoption")
    pa["row"] = pa.index
    return pa


def _with_last(r) -> pd.DataFrame:
    """Every pairing of a PlacedAdoption row with a row of last year's PlacedAdoption for the
    same child; this year's row label in `row`; last year's columns end in `_last`."""
    last = r.table("PlacedAdoption_last")
    last = last[["CHILD", "DATE_PLACED", "DATE_PLACED_date", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"]]
    return _pa(r).merge(last, on="CHILD", how="inner", suffixes=("", "_last"))


def _rows(r, labels) -> pd.Series:
    pa = r.table("PlacedAdoption")
    return pd.Series(pa.index.isin(pd.Index(labels)), index=pa.index)


# --- PlacedAdoption alone -------------------------------------------------------------------


@rule("115")
def date_placed_not_valid(r):
    """PlacedAdoption.DATE_PLACED, where given, must be a real date written dd/mm/yyyy (a blank
    DATE_PLACED is reported by 563 and 551)."""
    return {"PlacedAdoption": invalid_date(r, "PlacedAdoption", "DATE_PLACED")}


@rule("116")
def date_placed_ceased_not_valid(r):
    """PlacedAdoption.DATE_PLACED_CEASED, where given, must be a real date written dd/mm/yyyy
    (blank = the decision still stands)."""
    return {"PlacedAdoption": invalid_date(r, "PlacedAdoption", "DATE_PLACED_CEASED")}


@rule("119")
def ceased_date_and_reason_together(r):
    """DATE_PLACED_CEASED and REASON_PLACED_CEASED must both be given or both be blank."""
    pa = r.table("PlacedAdoption")
    return {"PlacedAdoption": pa["DATE_PLACED_CEASED"].notna() != pa["REASON_PLACED_CEASED"].notna()}


@rule("120")
def reason_placed_ceased_not_valid(r):
    """PlacedAdoption.REASON_PLACED_CEASED, where given, must be RD1-RD4."""
    pa = r.table("PlacedAdoption")
    return {"PlacedAdoption": not_in(pa["REASON_PLACED_CEASED"], r.codes("REASON_PLACED_CEASED"))}


@rule("522")
def ceased_before_placed(r):
    """DATE_PLACED must be on or before DATE_PLACED_CEASED: flags rows where the decision was
    reversed before it was made (same day passes)."""
    pa = r.table("PlacedAdoption")
    return {"PlacedAdoption": pa["DATE_PLACED_CEASED_date"] < pa["DATE_PLACED_date"]}


@rule("563")
def ceased_without_date_placed(r):
    """Rows with DATE_PLACED_CEASED or REASON_PLACED_CEASED given (the child should no longer be
    placed for adoption) and DATE_PLACED blank. Either ceased item is enough: rule 119 reports
    the one that is missing."""
    pa = r.table("PlacedAdoption")
    ceased = pa["DATE_PLACED_CEASED"].notna() | pa["REASON_PLACED_CEASED"].notna()
    return {"PlacedAdoption": ceased & pa["DATE_PLACED"].isna()}


def _ordered_decisions(r) -> pd.DataFrame:
    """A child's decisions with a DATE_PLACED date, in date order (file order on a tie)."""
    pa = _pa(r)
    pa = pa[pa["DATE_PLACED_date"].notna()]
    return pa.sort_values(["CHILD", "DATE_PLACED_date", "row"], kind="stable")


@rule("579")
def decisions_overlap(r):
    """A new decision to place for adoption must not start while an earlier one of the child is
    still open or before an earlier one ceased. Decisions are ordered by DATE_PLACED; flags a
    decision when any earlier decision of the child has a blank DATE_PLACED_CEASED, or ceased
    after this DATE_PLACED (a new decision on the day the previous one ceased passes). An earlier
    ceased date that is not a date cannot be compared and is skipped."""
    pa = _ordered_decisions(r)
    g = pa.groupby("CHILD", sort=False)
    open_ = pa["DATE_PLACED_CEASED"].isna().astype("int64")
    earlier_open = g["DATE_PLACED"].cumcount().gt(0) & (open_.groupby(pa["CHILD"]).cumsum() - open_).gt(0)
    ceased = pa["DATE_PLACED_CEASED_date"]
    latest_ceased_before = ceased.groupby(pa["CHILD"]).cummax().groupby(pa["CHILD"]).shift(1)
    bad = earlier_open | (pa["DATE_PLACED_date"] < latest_ceased_before)
    return {"PlacedAdoption": _rows(r, pa.index[bad])}


@rule("583")
def earlier_decision_not_revoked(r):
    """Where a child has more than one decision, every decision but the latest (by DATE_PLACED)
    must have a DATE_PLACED_CEASED: flags the earlier decisions with it blank. Decisions whose
    DATE_PLACED is blank or not a date cannot be ordered and are not flagged."""
    pa = _ordered_decisions(r)
    latest = pa.index.isin(latest_decision(r).to_numpy())
    return {"PlacedAdoption": _rows(r, pa.index[~latest & pa["DATE_PLACED_CEASED"].isna()])}


# --- against Header and AD1 -----------------------------------------------------------------


@rule("184")
def date_placed_before_birth(r):
    """DATE_PLACED must not be before the child's date of birth (Header.DOB; same day passes).
    Flags the PlacedAdoption row and the child's Header row."""
    h = r.table("Header")
    h["hrow"] = h.index
    pairs = _pa(r).merge(h[["CHILD", "DOB_date", "hrow"]], on="CHILD", how="inner", suffixes=("_pa", ""))
    bad = pairs["DATE_PLACED_date"] < pairs["DOB_date"]
    return {"PlacedAdoption": _rows(r, pairs.loc[bad, "row"]), "Header": h.index.isin(pairs.loc[bad, "hrow"])}


@rule("523")
def date_placed_differs_from_date_int(r):
    """For a child in AD1 with a DATE_INT, the date of the decision to place for adoption should
    equal DATE_INT. Compared with the child's latest decision (latest DATE_PLACED): an earlier
    decision that was later reversed is expected to differ. Flags that PlacedAdoption row and the
    AD1 row where both are dates and differ."""
    a = r.table("AD1")
    a["arow"] = a.index
    pa = _pa(r).loc[latest_decision(r).to_numpy()]
    pairs = pa.merge(a[["CHILD", "DATE_INT_date", "arow"]], on="CHILD", how="inner")
    bad = pairs["DATE_INT_date"].notna() & (pairs["DATE_INT_date"] != pairs["DATE_PLACED_date"])
    return {"PlacedAdoption": _rows(r, pairs.loc[bad, "row"]), "AD1": a.index.isin(pairs.loc[bad, "arow"])}


@rule("525")
def adopted_after_decision_reversed(r):
    """A child whose decision to be placed for adoption was reversed cannot be adopted in the
    year: flags the child's latest decision when it has a DATE_PLACED_CEASED, together with the
    child's AD1 row when any AD1 item is given. Only the latest decision counts: an earlier
    reversed decision followed by a new one does not stop an adoption. (A child whose only
    decisions have no usable DATE_PLACED falls back to any decision with DATE_PLACED_CEASED.)"""
    pa = _pa(r)
    chosen = pa.index.isin(latest_decision(r).to_numpy()) | ~pa["CHILD"].isin(latest_decision(r).index)
    reversed_ = pa[chosen & pa["DATE_PLACED_CEASED"].notna()]
    a = r.table("AD1")
    a["arow"] = a.index
    items = ["DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"]
    adopted = a[a[items].notna().any(axis=1)]
    pairs = reversed_.merge(adopted[["CHILD", "arow"]], on="CHILD", how="inner")
    return {"PlacedAdoption": _rows(r, pairs["row"]), "AD1": a.index.isin(pairs["arow"])}


# --- against last year's PlacedAdoption -----------------------------------------------------


@rule("559")
def earlier_decision_missing_last_year(r):
    """A decision dated before this collection year (DATE_PLACED before 1 April) should have been
    in last year's return: flags it when last year's PlacedAdoption has no row for the child with
    a DATE_PLACED."""
    pa = r.table("PlacedAdoption")
    last = r.table("PlacedAdoption_last")
    had = set(last.loc[last["DATE_PLACED"].notna(), "CHILD"])
    return {"PlacedAdoption": (pa["DATE_PLACED_date"] < r.year.start) & ~pa["CHILD"].isin(had)}


@rule("560")
def open_decision_changed_date(r):
    """Last year's decision that was still open (DATE_PLACED given, DATE_PLACED_CEASED blank)
    should appear this year with the same DATE_PLACED. Where none of the child's rows this year
    has that date, flags the child's rows this year whose DATE_PLACED is a different date. Rows
    whose date (this year or last) is not a date are not compared."""
    pairs = _with_last(r)
    pairs = pairs[pairs["DATE_PLACED_date_last"].notna() & pairs["DATE_PLACED_CEASED_last"].isna()]
    same = pairs["DATE_PLACED_date"] == pairs["DATE_PLACED_date_last"]
    key = pairs["CHILD"].astype("string") + "|" + pairs["DATE_PLACED_date_last"].astype("string")
    found = same.groupby(key).transform("any")
    bad = ~found & pairs["DATE_PLACED_date"].notna()
    return {"PlacedAdoption": _rows(r, pairs.loc[bad, "row"])}


@rule("561")
def same_date_as_reversed_decision(r):
    """A decision this year with the same DATE_PLACED as a decision of the child last year that
    was reversed (DATE_PLACED_CEASED or REASON_PLACED_CEASED given last year). Flags this
    year's row."""
    pairs = _with_last(r)
    ceased_last = pairs["DATE_PLACED_CEASED_last"].notna() | pairs["REASON_PLACED_CEASED_last"].notna()
    same = pairs["DATE_PLACED_date"].notna() & (pairs["DATE_PLACED_date"] == pairs["DATE_PLACED_date_last"])
    return {"PlacedAdoption": _rows(r, pairs.loc[ceased_last & same, "row"])}


@rule("584")
def new_decision_before_reversed_one(r):
    """After last year's decision was reversed (DATE_PLACED_CEASED or REASON_PLACED_CEASED given
    last year), a decision this year with a different DATE_PLACED is a new decision and must be
    later than last year's DATE_PLACED: flags this year's rows dated before it. The same date is
    rule 561's finding."""
    pairs = _with_last(r)
    ceased_last = pairs["DATE_PLACED_CEASED_last"].notna() | pairs["REASON_PLACED_CEASED_last"].notna()
    earlier = pairs["DATE_PLACED_date"] < pairs["DATE_PLACED_date_last"]
    return {"PlacedAdoption": _rows(r, pairs.loc[ceased_last & earlier, "row"])}
