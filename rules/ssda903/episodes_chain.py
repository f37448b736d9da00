"""SSDA903 rules comparing a child's consecutive episodes (ordered by DECOM): how one episode
ends and the next begins, what the reason for a new episode says changed, and periods of care.

"Previous" / "next" episode = the neighbour in `validator.derive.ssda903.episodes` (the child's
episodes sorted by DECOM; an episode without a valid DECOM sorts last). A child's first episode in
the file has no previous episode: rules about the previous episode leave it alone (its
predecessor, if any, is in an earlier year's return).
"""

import pandas as pd

from rules.common import not_in
from rules.ssda903 import rule
from validator.derive.ssda903 import episodes
from validator.derive.ssda903_episodes import TEMPORARY, care_periods, placement_changed



def _same(a: pd.Series, b: pd.Series) -> pd.Series:
    """Equal values, blank equal to blank."""
    return a.fillna("").eq(b.fillna("")).astype(bool)


def _prev_lookup(e: pd.DataFrame, column: str) -> pd.Series:
    """`column` of the previous episode (NaN for a first episode), aligned with `e`; works for
    columns `episodes()` does not shift (e.g. REASON_PLACE_CHANGE)."""
    values = e[column].reindex(e["prev_row"].to_numpy())
    return pd.Series(values.to_numpy(), index=e.index, dtype=e[column].dtype)


def _has_prev(e: pd.DataFrame) -> pd.Series:
    return e["prev_row"] >= 0


def _ls_changed(e: pd.DataFrame) -> pd.Series:
    return ~_same(e["LS"], e["prev_LS"])


# --- how an episode ends and the next begins -----------------------------------------------


@rule("501")
def starts_before_previous_ended(r):
    """A new episode must not start before the previous episode of the child ended: flags the
    later episode when its DECOM is before the previous episode's DEC (same day passes; episodes
    with a blank or invalid date are not judged)."""
    e = episodes(r)
    return {"Episodes": e["DECOM_date"] < e["prev_DEC_date"]}


@rule("388")
def x1_without_continuation(r):
    """REC X1 means a new episode begins the same day. Flags an episode that (a) has REC X1 and a
    next episode that does not start on its DEC; (b) has a next episode starting on its DEC but a
    REC other than X1 (the child stayed looked after, so the episode must end with X1); or (c) is
    the child's last episode, has a DEC and REC X1 (no continuation). Open episodes stay open:
    no DEC is assumed for them. Episodes whose dates cannot be read are not judged under (a)/(b)."""
    e = episodes(r)
    has_next = e["next_row"] >= 0
    x1 = e["REC"].isin(["X1"])
    a = x1 & has_next & e["DEC_date"].notna() & e["next_DECOM_date"].notna() & (e["DEC_date"] != e["next_DECOM_date"])
    b = not_in(e["REC"], ["X1"]) & (e["DEC_date"] == e["next_DECOM_date"])
    c = x1 & ~has_next & e["DEC"].notna()
    return {"Episodes": a | b | c}


@rule("431")
def started_care_before_previous_ended(r):
    """An episode with RNE S (started to be looked after) must start after the previous episode
    ended: flags an S episode whose DECOM is on or before the previous episode's DEC (the same day
    means the child never left care; before it, that episodes overlap)."""
    e = episodes(r)
    return {"Episodes": e["RNE"].isin(["S"]) & (e["DECOM_date"] <= e["prev_DEC_date"])}


@rule("432")
def new_start_not_coded_s(r):
    """After an episode ending with a REC that ends care (any valid REC other than X1), the next
    episode starts a new period of care, so its RNE must be S: flags that next episode when its RNE
    is given and is not S."""
    e = episodes(r)
    ended_care = e["prev_REC"].isin(r.codes("REC") - {"X1"})
    return {"Episodes": ended_care & not_in(e["RNE"], ["S"])}


@rule("433")
def continuation_not_same_day(r):
    """An episode whose RNE says it continues care (P, L, T, U or B) must start on the day the
    previous episode ended: flags it when both dates are valid and DECOM differs from the previous
    DEC. A child's first episode in the file is not judged, nor one whose previous episode has no
    DEC (rule 142 reports that)."""
    e = episodes(r)
    continuing = e["RNE"].isin(["P", "L", "T", "U", "B"])
    return {"Episodes": continuing & e["prev_DEC_date"].notna() & e["DECOM_date"].notna()
            & (e["DECOM_date"] != e["prev_DEC_date"])}


@rule("437")
def further_episodes_after_death_or_18(r):
    """REC E2 (died) or E15 (age assessed as 18 or over) ends care for good: flags such an episode
    when the child has a later episode in the file."""
    e = episodes(r)
    return {"Episodes": e["REC"].isin(["E2", "E15"]) & (e["next_row"] >= 0)}


@rule("357")
def first_episode_not_started_care(r):
    """A child's first ever episode must have RNE S. The first episode in this return is taken as
    the first ever when it starts in the collection year (on or after 1 April; an earlier start
    may continue an episode of an earlier year): flags it when RNE is given and is not S."""
    e = episodes(r)
    first = e["order"].eq(0) & (e["DECOM_date"] >= r.year.start)
    return {"Episodes": first & not_in(e["RNE"], ["S"])}


# --- what the reason for a new episode says changed ------------------------------------------


@rule("434")
def legal_status_only_change(r):
    """RNE L (change of legal status only): flags an episode with RNE L whose LS equals the
    previous episode's LS, or whose placement (PLACE, PL_POST, URN or PLACE_PROVIDER) differs
    from it. Blank equals blank."""
    e = episodes(r)
    rne = e["RNE"].isin(["L"]) & _has_prev(e)
    return {"Episodes": rne & (~_ls_changed(e) | placement_changed(r))}


@rule("435")
def placement_only_change(r):
    """RNE P or T (change of placement only): flags an episode with RNE P/T whose LS differs from
    the previous episode's, or whose PLACE, PL_POST, URN and PLACE_PROVIDER are all the same as
    the previous episode's. Blank equals blank."""
    e = episodes(r)
    rne = e["RNE"].isin(["P", "T"]) & _has_prev(e)
    return {"Episodes": rne & (_ls_changed(e) | ~placement_changed(r))}


@rule("436")
def legal_status_and_placement_change(r):
    """RNE B or U (legal status and placement change together): flags an episode with RNE B/U whose
    LS equals the previous episode's, or whose PLACE, PL_POST, URN and PLACE_PROVIDER are all the
    same as the previous episode's. Blank equals blank."""
    e = episodes(r)
    rne = e["RNE"].isin(["B", "U"]) & _has_prev(e)
    return {"Episodes": rne & (~_ls_changed(e) | ~placement_changed(r))}


@rule("504")
def category_of_need_changed_in_period(r):
    """The category of need (CIN) is the one reported at the start of the period of care: flags an
    episode that continues a period (the previous episode ended X1 on its DECOM) whose CIN differs
    from the CIN of the period's first episode in the file. Blank CIN is left to rule 145."""
    p = care_periods(r)
    start_cin = pd.Series(p["CIN"].reindex(p["period_first_row"].to_numpy()).to_numpy(), index=p.index)
    return {"Episodes": ~p["period_first"] & p["CIN"].notna() & start_cin.notna() & ~_same(p["CIN"], start_cin)}


# --- placement moves -------------------------------------------------------------------------


@rule("336")
def adoption_with_foster_carers_not_fostered_before(r):
    """A child placed for adoption with current foster carers (PLACE A3 or A5, as DfE's rule text
    says; the published reference checks A3 and A4) must have been in a foster or adoption
    placement just before: flags the A3/A5 episode when the previous episode's PLACE is given and
    is not A3-A6 or U1-U6. A child's first episode in the file is not judged."""
    e = episodes(r)
    allowed = ("A3", "A4", "A5", "A6", "U1", "U2", "U3", "U4", "U5", "U6")
    return {"Episodes": e["PLACE"].isin(["A3", "A5"]) & not_in(e["prev_PLACE"], allowed)}


@rule("225")
def placement_change_reason_missing(r):
    """An episode that ends in a placement move needs a REASON_PLACE_CHANGE: flags an episode with
    REC X1, a blank REASON_PLACE_CHANGE and a non-temporary PLACE, whose next episode has RNE P, B,
    T or U and a non-temporary PLACE (moves into or out of T0-T4 are not placement changes)."""
    e = episodes(r)
    return {"Episodes": e["REC"].isin(["X1"]) & e["REASON_PLACE_CHANGE"].isna()
            & not_in(e["PLACE"], TEMPORARY)
            & e["next_RNE"].isin(["P", "B", "T", "U"]) & not_in(e["next_PLACE"], TEMPORARY)}


@rule("226")
def placement_change_reason_for_temporary(r):
    """No reason for placement change around a temporary placement (T0-T4): neither the temporary
    episode nor the episode just before it (whose end is the move into the temporary placement)
    may give REASON_PLACE_CHANGE. Flags the temporary episode when either gives one, and also the
    episode before it when that one holds the reason (the value to remove is there)."""
    e = episodes(r)
    temporary = e["PLACE"].isin(TEMPORARY)
    own = e["REASON_PLACE_CHANGE"].notna()
    before = _prev_lookup(e, "REASON_PLACE_CHANGE").notna() & _has_prev(e)
    bad_temp = temporary & (own | before)
    holders = e.loc[bad_temp & before, "prev_row"]
    return {"Episodes": bad_temp | e.index.isin(holders.to_numpy())}


def _back_from_temporary(r) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """Episodes whose previous episode is a temporary placement (T0-T4) with an episode before that
    one: (episodes, that mask, the row label of the episode before the temporary one)."""
    e = episodes(r)
    after_temp = e["prev_PLACE"].isin(TEMPORARY)
    before_row = pd.Series(e["prev_row"].reindex(e["prev_row"].to_numpy()).to_numpy(), index=e.index)
    before_row = before_row.fillna(-1).astype("int64")
    mask = after_temp & (before_row >= 0)
    return e, mask, before_row


@rule("383", years="-2024/25")
def not_back_to_normal_placement_2022(r):
    """After a temporary placement (T0-T4) the child returns to the normal placement: flags the
    episode following a temporary one when its RNE is given and is not P or its PLACE differs from the PLACE of
    the episode before the temporary one. Not judged when the temporary episode is the child's
    first in the file."""
    e, mask, before = _back_from_temporary(r)
    before_place = pd.Series(e["PLACE"].reindex(before.to_numpy()).to_numpy(), index=e.index)
    wrong = not_in(e["RNE"], ["P"]) | ~_same(e["PLACE"], before_place)
    return {"Episodes": mask & wrong}


@rule("383", years="2025/26-")
def not_back_to_normal_placement(r):
    """After a temporary placement (T0-T4) the child returns to the normal placement: flags the
    episode following a temporary one when its RNE is given and is not P, or its PLACE or PL_POST differs from
    that of the episode before the temporary one (blank equals blank). Not judged when the
    temporary episode is the child's first in the file."""
    e, mask, before = _back_from_temporary(r)
    rows = before.to_numpy()
    before_place = pd.Series(e["PLACE"].reindex(rows).to_numpy(), index=e.index)
    before_post = pd.Series(e["PL_POST"].reindex(rows).to_numpy(), index=e.index)
    wrong = not_in(e["RNE"], ["P"]) | ~_same(e["PLACE"], before_place) | ~_same(e["PL_POST"], before_post)
    return {"Episodes": mask & wrong}
