"""SSDA903 rules comparing decisions to place for adoption (PlacedAdoption) with the episodes:
placements for adoption (PLACE A3-A6), placement orders (LS E1), freeing orders (LS D1),
starts of care and leaving care.

A child's "latest decision" is their PlacedAdoption row with the latest DATE_PLACED
(validator.derive.ssda903_adoption.latest_decision). Dates that are given but are not dates are
reported by the date rules (115, 116, 141, 147) and skipped here.
"""

import pandas as pd

from rules.ssda903 import rule
from validator.derive.ssda903 import episodes
from validator.derive.ssda903_adoption import ADOPTED, PLACED_FOR_ADOPTION, adoption_pairs, latest_decision

LS_CHANGES = ("L", "B", "U")  # RNE values where the legal status changes (S: starts care)


def _pairs(r, eps: pd.DataFrame, decisions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every pairing of the given episodes (rows of Episodes) with a PlacedAdoption row of the same
    child (rows of `decisions` when given); Episodes row label in `ep_row`, PlacedAdoption row label
    in `pa_row`. Taken from `adoption_pairs` (all pairs, one merge for every rule here)."""
    pairs = adoption_pairs(r)
    keep = pairs["ep_row"].isin(eps.index)
    if decisions is not None:
        keep &= pairs["pa_row"].isin(decisions.index)
    return pairs[keep]


def _flags(r, pairs: pd.DataFrame, bad: pd.Series, tables=("Episodes", "PlacedAdoption")) -> dict:
    out = {}
    if "Episodes" in tables:
        out["Episodes"] = r.table("Episodes").index.isin(pairs.loc[bad, "ep_row"])
    if "PlacedAdoption" in tables:
        out["PlacedAdoption"] = r.table("PlacedAdoption").index.isin(pairs.loc[bad, "pa_row"])
    return out


def _latest_decisions(r) -> pd.DataFrame:
    pa = r.table("PlacedAdoption")
    return pa.loc[latest_decision(r).to_numpy()]


def _with_date_placed(r) -> set:
    """Children with at least one PlacedAdoption row whose DATE_PLACED is given."""
    pa = r.table("PlacedAdoption")
    return set(pa.loc[pa["DATE_PLACED"].notna(), "CHILD"])


# --- decision dates against the child's time in care -----------------------------------------


@rule("117")
def decision_after_year_end_or_leaving_care(r):
    """DATE_PLACED and DATE_PLACED_CEASED, where they are dates, must not be after 31 March of
    the collection year nor after the date the child ceased to be looked after, read as the DEC
    of the child's latest episode (by DECOM, among episodes with a DECOM date) when its REC is not
    X1 (an open latest episode: still looked after). Flags the PlacedAdoption row;
    the latest episode is flagged too when the finding is a date after its DEC."""
    e = r.table("Episodes")
    e = e[e["DECOM_date"].notna()].sort_values("DECOM_date", kind="stable").drop_duplicates("CHILD", keep="last")
    last = e[e["DEC_date"].notna() & e["REC"].ne("X1").fillna(True)]
    pa = r.table("PlacedAdoption")
    beyond_year = (pa["DATE_PLACED_date"] > r.year.end) | (pa["DATE_PLACED_CEASED_date"] > r.year.end)
    pairs = _pairs(r, last)
    after_dec = (pairs["DATE_PLACED_date"] > pairs["DEC_date"]) | (pairs["DATE_PLACED_CEASED_date"] > pairs["DEC_date"])
    out = _flags(r, pairs, after_dec)
    out["PlacedAdoption"] = out["PlacedAdoption"] | beyond_year.to_numpy()
    return out


@rule("118")
def ceased_before_year_or_care(r):
    """DATE_PLACED_CEASED, where it is a date, must not be before 1 April of the collection year
    nor before the DECOM of the child's earliest episode whose LS is not V3/V4. Flags the
    PlacedAdoption row; that earliest episode is flagged too when the finding is a date before
    its DECOM."""
    e = r.table("Episodes")
    e = e[~e["LS"].isin(["V3", "V4"]) & e["DECOM_date"].notna()]
    first = e.sort_values("DECOM_date", kind="stable").drop_duplicates("CHILD", keep="first")
    pa = r.table("PlacedAdoption")
    before_year = pa["DATE_PLACED_CEASED_date"] < r.year.start
    pairs = _pairs(r, first)
    out = _flags(r, pairs, pairs["DATE_PLACED_CEASED_date"] < pairs["DECOM_date"])
    out["PlacedAdoption"] = out["PlacedAdoption"] | before_year.to_numpy()
    return out


@rule("1003")
def decision_before_care_started(r):
    """DATE_PLACED must not be before the child started to be looked after, read as the DECOM of
    the child's earliest episode with RNE = S (DfE's wording). Flags the PlacedAdoption row and
    that episode (same day passes). A child with no RNE = S episode in the file is not checked."""
    e = r.table("Episodes")
    e = e[e["RNE"].eq("S").fillna(False) & e["DECOM_date"].notna()]
    first = e.sort_values("DECOM_date", kind="stable").drop_duplicates("CHILD", keep="first")
    pairs = _pairs(r, first)
    return _flags(r, pairs, pairs["DATE_PLACED_date"] < pairs["DECOM_date"])


# --- placed for adoption (PLACE A3-A6) ------------------------------------------------------


@rule("551")
def placed_without_decision(r):
    """Episodes with PLACE A3-A6 (placed for adoption) for a child with no PlacedAdoption row
    whose DATE_PLACED is given. Flags those episodes, and the child's PlacedAdoption rows (all
    with DATE_PLACED blank) when there are any. A DATE_PLACED that is given but not a date is
    still a date given (rule 115 reports it)."""
    e = r.table("Episodes")
    has_date = _with_date_placed(r)
    bad_ep = e["PLACE"].isin(PLACED_FOR_ADOPTION) & ~e["CHILD"].isin(has_date)
    pa = r.table("PlacedAdoption")
    return {"Episodes": bad_ep, "PlacedAdoption": pa["CHILD"].isin(e.loc[bad_ep, "CHILD"])}


@rule("552")
def decision_after_placed_for_adoption(r):
    """The decision to place for adoption must be on or before the date the child was placed for
    adoption: compares the child's latest decision (latest DATE_PLACED) with the child's first
    episode with PLACE A3-A6 (by DECOM). Flags both where DATE_PLACED is later than that DECOM
    (same day passes)."""
    e = r.table("Episodes")
    e = e[e["PLACE"].isin(PLACED_FOR_ADOPTION) & e["DECOM_date"].notna()]
    first = e.sort_values("DECOM_date", kind="stable").drop_duplicates("CHILD", keep="first")
    pairs = _pairs(r, first, _latest_decisions(r))
    return _flags(r, pairs, pairs["DATE_PLACED_date"] > pairs["DECOM_date"])


# --- placement orders (E1) and freeing orders (D1) ------------------------------------------


def _order_without_decision(r, ls: str) -> dict:
    """Episodes with legal status `ls` for a child with no PlacedAdoption DATE_PLACED; and, for a
    child with an open `ls` episode, their latest decision when it is marked as ceased."""
    e = r.table("Episodes")
    order = e["LS"].eq(ls).fillna(False)
    bad_ep = order & ~e["CHILD"].isin(_with_date_placed(r))
    open_order = e[order & e["DEC"].isna()]
    latest = _latest_decisions(r)
    ceased = latest[(latest["DATE_PLACED_CEASED"].notna() | latest["REASON_PLACED_CEASED"].notna())
                    & latest["CHILD"].isin(open_order["CHILD"])]
    pa = r.table("PlacedAdoption")
    return {"Episodes": bad_ep, "PlacedAdoption": pa.index.isin(ceased.index)}


def _decision_after_order(r, ls: str) -> dict:
    """Where the order (legal status `ls`) was granted inside the file - an `ls` episode whose
    previous episode had another legal status, or a first episode that starts care or changes
    legal status (RNE S, L, B, U) - the child must have a decision dated on or before that DECOM.
    Flags the granting episode and the child's decisions dated after it, when every decision of
    the child with a date is later. Orders granted before the file's first episode (first
    episode a continuation, RNE P/T) are not checked."""
    e = episodes(r)
    is_ls = e["LS"].eq(ls).fillna(False)
    first = e["prev_row"] < 0
    granted = is_ls & e["DECOM_date"].notna() & (
        (~first & e["prev_LS"].ne(ls).fillna(True)) | (first & e["RNE"].isin(("S",) + LS_CHANGES)))
    pairs = _pairs(r, e[granted])
    pairs = pairs[pairs["DATE_PLACED_date"].notna()]
    earliest = pairs.groupby("ep_row")["DATE_PLACED_date"].transform("min")
    late = earliest > pairs["DECOM_date"]
    return _flags(r, pairs, late & (pairs["DATE_PLACED_date"] > pairs["DECOM_date"]))


@rule("553")
def placement_order_without_decision(r):
    """A placement order (LS E1) needs a decision to place for adoption. Flags E1 episodes of a
    child with no PlacedAdoption DATE_PLACED; and, while an E1 episode is open, the child's
    latest decision when it has DATE_PLACED_CEASED or REASON_PLACED_CEASED (the decision cannot
    have been reversed while the order stands)."""
    return _order_without_decision(r, "E1")


@rule("554", limited_confidence=True)
def decision_after_placement_order(r):
    """DATE_PLACED must be on or before the date the placement order was granted. The grant is
    an E1 episode whose previous episode had another legal status, or a child's first episode in
    the file with LS E1 that starts care or changes legal status (RNE S, L, B, U). Flags the
    granting episode and the child's decisions dated after it, when every decision of the child
    with a date is later (same day passes). Orders granted before the file's first episode (first
    episode a continuation, RNE P/T) are not checked: DfE's check may need earlier years."""
    return _decision_after_order(r, "E1")


@rule("555")
def freeing_order_without_decision(r):
    """A freeing order (LS D1) needs a decision to place for adoption. Flags D1 episodes of a
    child with no PlacedAdoption DATE_PLACED; and, while a D1 episode is open, the child's latest
    decision when it has DATE_PLACED_CEASED or REASON_PLACED_CEASED."""
    return _order_without_decision(r, "D1")


@rule("556", limited_confidence=True)
def decision_after_freeing_order(r):
    """DATE_PLACED must be on or before the date the freeing order was granted. The grant is a
    D1 episode whose previous episode had another legal status, or a child's first episode in the
    file with LS D1 that starts care or changes legal status (RNE S, L, B, U). Flags the granting
    episode and the child's decisions dated after it, when every decision of the child with a
    date is later (same day passes). Orders granted before the file's first episode are not
    checked."""
    return _decision_after_order(r, "D1")


# --- leaving care ---------------------------------------------------------------------------


def _left_not_adopted(r, orders: tuple) -> dict:
    """Episodes placed for adoption (A3-A6) or under an order in `orders` that end care other
    than by adoption (REC given, not X1, E11, E12): the child's latest decision must have both
    DATE_PLACED_CEASED and REASON_PLACED_CEASED. Flags the episode and that decision, or the
    episode alone when the child has no dated decision."""
    e = r.table("Episodes")
    left = (e["PLACE"].isin(PLACED_FOR_ADOPTION) | e["LS"].isin(orders)) & e["REC"].notna() & ~e["REC"].isin(
        ("X1",) + ADOPTED)
    eps = e[left]
    latest = _latest_decisions(r)
    pairs = _pairs(r, eps, latest)
    incomplete = pairs["DATE_PLACED_CEASED"].isna() | pairs["REASON_PLACED_CEASED"].isna()
    out = _flags(r, pairs, incomplete)
    out["Episodes"] = out["Episodes"] | (left & ~e["CHILD"].isin(latest["CHILD"])).to_numpy()
    return out


@rule("557", years="-2023/24")
def left_care_decision_not_ceased(r):
    """A child placed for adoption (PLACE A3-A6) or under a placement or freeing order (LS E1 or
    D1) who left care not adopted must have the decision marked as ceased. Flags each such
    episode ending care other than by adoption (REC given, not X1, E11, E12) when the child's
    latest decision lacks DATE_PLACED_CEASED or REASON_PLACED_CEASED (and flags that decision),
    or when the child has no dated decision at all (episode only)."""
    return _left_not_adopted(r, ("D1", "E1"))


@rule("557", years="2024/25-")
def left_care_decision_not_ceased_2024(r):
    """From 2024/25 freeing orders (D1) no longer count: a child placed for adoption (PLACE
    A3-A6) or under a placement order (LS E1) who left care not adopted must have the decision
    marked as ceased. Flags each such episode ending care other than by adoption (REC given, not
    X1, E11, E12) when the child's latest decision lacks DATE_PLACED_CEASED or
    REASON_PLACED_CEASED (and flags that decision), or when the child has no dated decision at all
    (episode only)."""
    return _left_not_adopted(r, ("E1",))


@rule("558")
def adopted_but_decision_ceased(r):
    """A child adopted (an episode with REC E11/E12) must not have their latest decision to place
    for adoption marked as ceased: flags the adoption episode and the latest decision when its
    DATE_PLACED_CEASED is given."""
    e = r.table("Episodes")
    pairs = _pairs(r, e[e["REC"].isin(ADOPTED)], _latest_decisions(r))
    return _flags(r, pairs, pairs["DATE_PLACED_CEASED"].notna())
