"""SSDA903 rules comparing decisions to place for adoption (PlacedAdoption) with the episodes:
placements for adoption (PLACE A3-A6), placement orders (LS E1), freeing orders (LS D1),
starts of care and leaving care.

A child's "latest decision" is their PlacedAdoption row with the latest DATE_PLACED
(validator.derive.ssda903_adoption.latest_decision). Dates that are given but are not dates are
reported by the date rules (115, 116, 141, 147) and skipped here.
"""

import numpy as np

from rules.ssda903 import rule
from validator.derive import array, text
from validator.derive.ssda903 import children, episode_of_child, episodes, same_child
from validator.derive.ssda903_adoption import ADOPTED, PLACED_FOR_ADOPTION, latest_decision

LS_CHANGES = ("L", "B", "U")  # RNE values where the legal status changes (S: starts care)


def _pairs(r, eps: np.ndarray, decisions: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Every pairing of the episodes at positions `eps` with a PlacedAdoption row of the same child
    (of the rows `decisions` when given): (Episodes positions, PlacedAdoption positions)."""
    c = children(r)
    if decisions is None:
        decisions = np.arange(len(c.of("PlacedAdoption")))
    i, j = same_child(c.of("Episodes")[eps], c.of("PlacedAdoption")[decisions])
    return eps[i], decisions[j]


def _flags(ep: np.ndarray, pa: np.ndarray, bad: np.ndarray) -> dict:
    """Flag the episode and the PlacedAdoption row of every bad pairing (row labels)."""
    return {"Episodes": ep[bad], "PlacedAdoption": pa[bad]}


def _mask(r, key: str, labels: np.ndarray) -> np.ndarray:
    out = np.zeros(len(children(r).of(key)), dtype=bool)
    out[labels] = True
    return out


def _with_date_placed(r) -> np.ndarray:
    """Per child number (and blank slot): the child has a PlacedAdoption row whose DATE_PLACED is
    given."""
    c = children(r)
    return c.mark(c.of("PlacedAdoption")[text(r, "PlacedAdoption", "DATE_PLACED").given])


# --- decision dates against the child's time in care -----------------------------------------


@rule("117")
def decision_after_year_end_or_leaving_care(r):
    """DATE_PLACED and DATE_PLACED_CEASED, where they are dates, must not be after 31 March of
    the collection year nor after the date the child ceased to be looked after, read as the DEC
    of the child's latest episode (by DECOM, among episodes with a DECOM date) when its REC is not
    X1 (an open latest episode: still looked after). Flags the PlacedAdoption row;
    the latest episode is flagged too when the finding is a date after its DEC."""
    dec = array(r, "Episodes", "DEC_date")
    latest = episode_of_child(r, np.ones(len(dec), dtype=bool), last=True)
    left = latest[~np.isnat(dec[latest]) & ~text(r, "Episodes", "REC").eq("X1")[latest]]
    placed = array(r, "PlacedAdoption", "DATE_PLACED_date")
    ceased = array(r, "PlacedAdoption", "DATE_PLACED_CEASED_date")
    end = r.year.end.to_datetime64()
    beyond_year = (placed > end) | (ceased > end)
    ep, pa = _pairs(r, left)
    after_dec = (placed[pa] > dec[ep]) | (ceased[pa] > dec[ep])
    return {"Episodes": ep[after_dec], "PlacedAdoption": _mask(r, "PlacedAdoption", pa[after_dec]) | beyond_year}


@rule("118")
def ceased_before_year_or_care(r):
    """DATE_PLACED_CEASED, where it is a date, must not be before 1 April of the collection year
    nor before the DECOM of the child's earliest episode whose LS is not V3/V4. Flags the
    PlacedAdoption row; that earliest episode is flagged too when the finding is a date before
    its DECOM."""
    decom = array(r, "Episodes", "DECOM_date")
    first = episode_of_child(r, ~text(r, "Episodes", "LS").isin(["V3", "V4"]))
    ceased = array(r, "PlacedAdoption", "DATE_PLACED_CEASED_date")
    ep, pa = _pairs(r, first)
    bad = ceased[pa] < decom[ep]
    return {"Episodes": ep[bad],
            "PlacedAdoption": _mask(r, "PlacedAdoption", pa[bad]) | (ceased < r.year.start.to_datetime64())}


@rule("1003")
def decision_before_care_started(r):
    """DATE_PLACED must not be before the child started to be looked after, read as the DECOM of
    the child's earliest episode with RNE = S (DfE's wording). Flags the PlacedAdoption row and
    that episode (same day passes). A child with no RNE = S episode in the file is not checked."""
    ep, pa = _pairs(r, episode_of_child(r, text(r, "Episodes", "RNE").eq("S")))
    return _flags(ep, pa, array(r, "PlacedAdoption", "DATE_PLACED_date")[pa] < array(r, "Episodes", "DECOM_date")[ep])


# --- placed for adoption (PLACE A3-A6) ------------------------------------------------------


@rule("551")
def placed_without_decision(r):
    """Episodes with PLACE A3-A6 (placed for adoption) for a child with no PlacedAdoption row
    whose DATE_PLACED is given. Flags those episodes, and the child's PlacedAdoption rows (all
    with DATE_PLACED blank) when there are any. A DATE_PLACED that is given but not a date is
    still a date given (rule 115 reports it)."""
    c = children(r)
    child = c.of("Episodes")
    bad_ep = text(r, "Episodes", "PLACE").isin(PLACED_FOR_ADOPTION) & ~_with_date_placed(r)[child]
    return {"Episodes": bad_ep, "PlacedAdoption": c.mark(child[bad_ep])[c.of("PlacedAdoption")]}


@rule("552")
def decision_after_placed_for_adoption(r):
    """The decision to place for adoption must be on or before the date the child was placed for
    adoption: compares the child's latest decision (latest DATE_PLACED) with the child's first
    episode with PLACE A3-A6 (by DECOM). Flags both where DATE_PLACED is later than that DECOM
    (same day passes)."""
    first = episode_of_child(r, text(r, "Episodes", "PLACE").isin(PLACED_FOR_ADOPTION))
    ep, pa = _pairs(r, first, latest_decision(r).to_numpy())
    return _flags(ep, pa, array(r, "PlacedAdoption", "DATE_PLACED_date")[pa] > array(r, "Episodes", "DECOM_date")[ep])


# --- placement orders (E1) and freeing orders (D1) ------------------------------------------


def _order_without_decision(r, ls: str) -> dict:
    """Episodes with legal status `ls` for a child with no PlacedAdoption DATE_PLACED; and, for a
    child with an open `ls` episode, their latest decision when it is marked as ceased."""
    c = children(r)
    child = c.of("Episodes")
    order = text(r, "Episodes", "LS").eq(ls)
    bad_ep = order & ~_with_date_placed(r)[child]
    open_order = c.mark(child[order & text(r, "Episodes", "DEC").blank])
    latest = latest_decision(r).to_numpy()
    ceased = (text(r, "PlacedAdoption", "DATE_PLACED_CEASED").given
              | text(r, "PlacedAdoption", "REASON_PLACED_CEASED").given)[latest]
    return {"Episodes": bad_ep, "PlacedAdoption": latest[ceased & open_order[c.of("PlacedAdoption")[latest]]]}


def _decision_after_order(r, ls: str) -> dict:
    """Where the order (legal status `ls`) was granted inside the file - an `ls` episode whose
    previous episode had another legal status, or a first episode that starts care or changes
    legal status (RNE S, L, B, U) - the child must have a decision dated on or before that DECOM.
    Flags the granting episode and the child's decisions dated after it, when every decision of
    the child with a date is later. Orders granted before the file's first episode (first
    episode a continuation, RNE P/T) are not checked."""
    prev_row = episodes(r)["prev_row"].to_numpy()
    ls_text = text(r, "Episodes", "LS")
    is_ls = ls_text.eq(ls)
    first = prev_row < 0
    decom = array(r, "Episodes", "DECOM_date")
    granted = is_ls & ~np.isnat(decom) & (
        (~first & ~ls_text.take(prev_row).eq(ls)) | (first & text(r, "Episodes", "RNE").isin(("S",) + LS_CHANGES)))
    placed = array(r, "PlacedAdoption", "DATE_PLACED_date")
    ep, pa = _pairs(r, np.flatnonzero(granted), np.flatnonzero(~np.isnat(placed)))
    # the earliest decision of each granting episode's child
    earliest = np.full(len(decom), np.iinfo("int64").max)
    np.minimum.at(earliest, ep, placed[pa].view("int64"))
    late = earliest[ep] > decom[ep].view("int64")
    return _flags(ep, pa, late & (placed[pa] > decom[ep]))


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
    c = children(r)
    rec = text(r, "Episodes", "REC")
    left = ((text(r, "Episodes", "PLACE").isin(PLACED_FOR_ADOPTION) | text(r, "Episodes", "LS").isin(orders))
            & rec.given & ~rec.isin(("X1",) + ADOPTED))
    latest = latest_decision(r).to_numpy()
    ep, pa = _pairs(r, np.flatnonzero(left), latest)
    incomplete = (text(r, "PlacedAdoption", "DATE_PLACED_CEASED").blank
                  | text(r, "PlacedAdoption", "REASON_PLACED_CEASED").blank)[pa]
    no_decision = left & ~c.mark(c.of("PlacedAdoption")[latest])[c.of("Episodes")]
    return {"Episodes": _mask(r, "Episodes", ep[incomplete]) | no_decision, "PlacedAdoption": pa[incomplete]}


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
    adopted = np.flatnonzero(text(r, "Episodes", "REC").isin(ADOPTED))
    ep, pa = _pairs(r, adopted, latest_decision(r).to_numpy())
    return _flags(ep, pa, text(r, "PlacedAdoption", "DATE_PLACED_CEASED").given[pa])
