"""SSDA903 rules comparing a child's consecutive episodes (ordered by DECOM): how one episode
ends and the next begins, what the reason for a new episode says changed, and periods of care.

"Previous" / "next" episode = the neighbour in `validator.derive.ssda903.neighbours` (the child's
episodes sorted by DECOM). A child's first episode in the file has no previous episode: rules about
the previous episode leave it alone (its predecessor, if any, is in an earlier year's return). In a
child with an episode whose DECOM is not a date (rule 141), where that episode comes is unknown: two
of the child's episodes are then consecutive only where one starts on the day the other ended.
"""

import numpy as np

from rules.ssda903 import rule
from validator.derive import Text, array, take, text
from validator.derive.ssda903 import episodes, neighbours
from validator.derive.ssda903_episodes import (
    TEMPORARY,
    care_periods,
    placement_changed,
    postcode_text,
)


def _prev(r) -> np.ndarray:
    return neighbours(r)[0]


def _next(r) -> np.ndarray:
    return neighbours(r)[1]


def _col(r, column: str) -> Text:
    return text(r, "Episodes", column)


def _not_in(t: Text, codes) -> np.ndarray:
    """Given and not one of `codes`."""
    return t.given & ~t.isin(codes)


def _same(a: Text, b: Text) -> np.ndarray:
    """Equal values, blank equal to blank (`a` and `b` are rows of one column)."""
    return a.codes == b.codes


def _ls_changed(r) -> np.ndarray:
    ls = _col(r, "LS")
    return ~_same(ls, ls.take(_prev(r)))


def _decom(r) -> np.ndarray:
    return array(r, "Episodes", "DECOM_date")


def _dec(r) -> np.ndarray:
    return array(r, "Episodes", "DEC_date")


# --- how an episode ends and the next begins -----------------------------------------------


@rule("501")
def starts_before_previous_ended(r):
    """A new episode must not start before the previous episode of the child ended: flags the
    later episode when its DECOM is before the previous episode's DEC (same day passes; episodes
    with a blank or invalid date are not judged)."""
    return {"Episodes": _decom(r) < take(_dec(r), _prev(r))}


@rule("388")
def x1_without_continuation(r):
    """REC X1 means a new episode begins the same day. Flags an episode that (a) has REC X1 and a
    next episode that does not start on its DEC; (b) has a next episode starting on its DEC but a
    REC other than X1 (the child stayed looked after, so the episode must end with X1); or (c) is
    the child's last episode, has a DEC and REC X1 (no continuation). Open episodes stay open:
    no DEC is assumed for them. Episodes whose dates cannot be read are not judged under (a)/(b),
    nor under (c) a child whose episodes are not all in order (see the module doc)."""
    has_next = _next(r) >= 0
    rec = _col(r, "REC")
    x1 = rec.eq("X1")
    dec, next_decom = _dec(r), take(_decom(r), _next(r))
    a = x1 & has_next & ~np.isnat(dec) & ~np.isnat(next_decom) & (dec != next_decom)
    b = _not_in(rec, ["X1"]) & (dec == next_decom)
    c = x1 & ~has_next & _col(r, "DEC").given & episodes(r)["in_order"].to_numpy()
    return {"Episodes": a | b | c}


@rule("431")
def started_care_before_previous_ended(r):
    """An episode with RNE S (started to be looked after) must start after the previous episode
    ended: flags an S episode whose DECOM is on or before the previous episode's DEC (the same day
    means the child never left care; before it, that episodes overlap)."""
    return {"Episodes": _col(r, "RNE").eq("S") & (_decom(r) <= take(_dec(r), _prev(r)))}


@rule("432")
def new_start_not_coded_s(r):
    """After an episode ending with a REC that ends care (any valid REC other than X1), the next
    episode starts a new period of care, so its RNE must be S: flags that next episode when its RNE
    is given and is not S."""
    ended_care = _col(r, "REC").take(_prev(r)).isin(r.codes("REC") - {"X1"})
    return {"Episodes": ended_care & _not_in(_col(r, "RNE"), ["S"])}


@rule("433")
def continuation_not_same_day(r):
    """An episode whose RNE says it continues care (P, L, T, U or B) must start on the day the
    previous episode ended: flags it when both dates are valid and DECOM differs from the previous
    DEC. A child's first episode in the file is not judged, nor one whose previous episode has no
    DEC (rule 142 reports that)."""
    continuing = _col(r, "RNE").isin(["P", "L", "T", "U", "B"])
    decom, prev_dec = _decom(r), take(_dec(r), _prev(r))
    return {"Episodes": continuing & ~np.isnat(prev_dec) & ~np.isnat(decom) & (decom != prev_dec)}


@rule("437")
def further_episodes_after_death_or_18(r):
    """REC E2 (died) or E15 (age assessed as 18 or over) ends care for good: flags such an episode
    when the child has a later episode in the file."""
    return {"Episodes": _col(r, "REC").isin(["E2", "E15"]) & (_next(r) >= 0)}


@rule("357")
def first_episode_not_started_care(r):
    """A child's first ever episode must have RNE S. The first episode in this return is taken as
    the first ever when it starts in the collection year (on or after 1 April; an earlier start
    may continue an episode of an earlier year): flags it when RNE is given and is not S."""
    first = (episodes(r)["order"].to_numpy() == 0) & (_decom(r) >= r.year.start.to_datetime64())
    return {"Episodes": first & _not_in(_col(r, "RNE"), ["S"])}


# --- what the reason for a new episode says changed ------------------------------------------


@rule("434")
def legal_status_only_change(r):
    """RNE L (change of legal status only): flags an episode with RNE L whose LS equals the
    previous episode's LS, or whose placement (PLACE, PL_POST, URN or PLACE_PROVIDER) differs
    from it. Blank equals blank; postcodes are compared upper case without spaces."""
    rne = _col(r, "RNE").eq("L") & (_prev(r) >= 0)
    return {"Episodes": rne & (~_ls_changed(r) | placement_changed(r))}


@rule("435")
def placement_only_change(r):
    """RNE P or T (change of placement only): flags an episode with RNE P/T whose LS differs from
    the previous episode's, or whose PLACE, PL_POST, URN and PLACE_PROVIDER are all the same as
    the previous episode's. Blank equals blank; postcodes are compared upper case without spaces."""
    rne = _col(r, "RNE").isin(["P", "T"]) & (_prev(r) >= 0)
    return {"Episodes": rne & (_ls_changed(r) | ~placement_changed(r))}


@rule("436")
def legal_status_and_placement_change(r):
    """RNE B or U (legal status and placement change together): flags an episode with RNE B/U whose
    LS equals the previous episode's, or whose PLACE, PL_POST, URN and PLACE_PROVIDER are all the
    same as the previous episode's. Blank equals blank; postcodes are compared upper case without spaces."""
    rne = _col(r, "RNE").isin(["B", "U"]) & (_prev(r) >= 0)
    return {"Episodes": rne & (~_ls_changed(r) | ~placement_changed(r))}


@rule("504")
def category_of_need_changed_in_period(r):
    """The category of need (CIN) is the one reported at the start of the period of care: flags an
    episode that continues a period (the previous episode ended X1 on its DECOM) whose CIN differs
    from the CIN of the period's first episode in the file. Blank CIN is left to rule 145."""
    p = care_periods(r)
    cin = _col(r, "CIN")
    start_cin = cin.take(p["period_first_row"].to_numpy())
    return {"Episodes": ~p["period_first"].to_numpy() & cin.given & start_cin.given & ~_same(cin, start_cin)}


# --- placement moves -------------------------------------------------------------------------


@rule("336")
def adoption_with_foster_carers_not_fostered_before(r):
    """A child placed for adoption with current foster carers (PLACE A3 or A5, as DfE's rule text
    says; the published reference checks A3 and A4) must have been in a foster or adoption
    placement just before: flags the A3/A5 episode when the previous episode's PLACE is given and
    is not A3-A6 or U1-U6. A child's first episode in the file is not judged."""
    allowed = ("A3", "A4", "A5", "A6", "U1", "U2", "U3", "U4", "U5", "U6")
    place = _col(r, "PLACE")
    return {"Episodes": place.isin(["A3", "A5"]) & _not_in(place.take(_prev(r)), allowed)}


@rule("225")
def placement_change_reason_missing(r):
    """An episode that ends in a placement move needs a REASON_PLACE_CHANGE: flags an episode with
    REC X1, a blank REASON_PLACE_CHANGE and a non-temporary PLACE, whose next episode has RNE P, B,
    T or U and a non-temporary PLACE (moves into or out of T0-T4 are not placement changes)."""
    place, nxt = _col(r, "PLACE"), _next(r)
    return {"Episodes": _col(r, "REC").eq("X1") & _col(r, "REASON_PLACE_CHANGE").blank
            & _not_in(place, TEMPORARY)
            & _col(r, "RNE").take(nxt).isin(["P", "B", "T", "U"]) & _not_in(place.take(nxt), TEMPORARY)}


@rule("226")
def placement_change_reason_for_temporary(r):
    """No reason for placement change around a temporary placement (T0-T4): neither the temporary
    episode nor the episode just before it (whose end is the move into the temporary placement)
    may give REASON_PLACE_CHANGE. Flags the temporary episode when either gives one, and also the
    episode before it when that one holds the reason (the value to remove is there)."""
    prev = _prev(r)
    temporary = _col(r, "PLACE").isin(TEMPORARY)
    reason = _col(r, "REASON_PLACE_CHANGE")
    before = reason.take(prev).given
    bad_temp = temporary & (reason.given | before)
    return {"Episodes": np.union1d(np.flatnonzero(bad_temp), prev[bad_temp & before])}


def _back_from_temporary(r) -> tuple[np.ndarray, np.ndarray]:
    """Per episode: its previous episode is a temporary placement (T0-T4) with an episode before that
    one (a mask), and the row label of that episode before the temporary one (-1 where none)."""
    prev = _prev(r)
    after_temp = _col(r, "PLACE").take(prev).isin(TEMPORARY)
    before_row = take(prev, prev)
    return after_temp & (before_row >= 0), before_row


@rule("383", years="-2024/25")
def not_back_to_normal_placement_2022(r):
    """After a temporary placement (T0-T4) the child returns to the normal placement: flags the
    episode following a temporary one when its RNE is given and is not P or its PLACE differs from the PLACE of
    the episode before the temporary one. Not judged when the temporary episode is the child's
    first in the file."""
    mask, before = _back_from_temporary(r)
    place = _col(r, "PLACE")
    wrong = _not_in(_col(r, "RNE"), ["P"]) | ~_same(place, place.take(before))
    return {"Episodes": mask & wrong}


@rule("383", years="2025/26-")
def not_back_to_normal_placement(r):
    """After a temporary placement (T0-T4) the child returns to the normal placement: flags the
    episode following a temporary one when its RNE is given and is not P, or its PLACE or PL_POST differs from
    that of the episode before the temporary one (blank equals blank; postcodes compared upper case
    without spaces). Not judged when the temporary episode is the child's first in the file."""
    mask, before = _back_from_temporary(r)
    place, post = _col(r, "PLACE"), postcode_text(r, "PL_POST")
    wrong = _not_in(_col(r, "RNE"), ["P"]) | ~_same(place, place.take(before)) | ~_same(post, post.take(before))
    return {"Episodes": mask & wrong}
