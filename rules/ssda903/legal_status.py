"""SSDA903 rules on legal status: how long a short-lived order may last, short breaks (respite,
LS V3/V4), freeing and placement orders, and fields a legal status makes unnecessary.

Durations are whole days DEC - DECOM. An episode still open (blank DEC) is measured up to the
last day of the collection year (31 March) in a column local to the rule: by then it has lasted
at least that long. Episodes whose DECOM (or a given DEC) is not a valid date are not measured.
"""

import numpy as np

from rules.ssda903 import rule
from validator.derive import array, text
from validator.derive.ssda903 import children
from validator.derive.ssda903_episodes import SHORT_BREAKS, TEMPORARY, legal_status_spells

_NS_PER_DAY = 86_400_000_000_000


def _end_or_year_end(r) -> np.ndarray:
    """Per episode: DEC date, or 31 March of the collection year for an open episode (blank DEC).
    NaT when DEC is given but not a valid date."""
    return np.where(text(r, "Episodes", "DEC").given, array(r, "Episodes", "DEC_date"), r.year.end.to_datetime64())


def _ls(r):
    return text(r, "Episodes", "LS")


def _spell_longer_than(r, status: str, days: int) -> dict:
    """Every episode of a spell of consecutive `status` episodes (each starting the day the previous
    ended: `legal_status_spells`) lasting more than `days` from its first DECOM to its last DEC (an
    open episode to 31 March; NaN, never flagged, when a date of the spell cannot be read)."""
    s = legal_status_spells(r)
    rows = s.index.to_numpy()
    return {"Episodes": rows[_ls(r).eq(status)[rows] & (s["spell_days"].to_numpy() > days)]}


@rule("361")
def police_protection_over_72_hours(r):
    """Police protection (LS L1) must not last more than 72 hours: flags every episode of a spell
    of consecutive L1 episodes (each starting the day the previous ended) running more than 3 days
    from its first DECOM to its last DEC (exactly 3 days passes). An open spell runs to 31 March.
    DfE's dates carry no time, so 72 hours is read as 3 days."""
    return _spell_longer_than(r, "L1", 3)


@rule("362")
def epo_over_21_days(r):
    """An emergency protection order (LS L2) must not last more than 21 days: flags every episode
    of a spell of consecutive L2 episodes running more than 21 days from first DECOM to last DEC
    (open: to 31 March); exactly 21 days passes."""
    return _spell_longer_than(r, "L2", 21)


@rule("363")
def cao_over_7_days(r):
    """A child assessment order (LS L3) must not last more than 7 days: flags every episode of a
    spell of consecutive L3 episodes running more than 7 days from first DECOM to last DEC (open: to
    31 March); exactly 7 days passes."""
    return _spell_longer_than(r, "L3", 7)


@rule("364")
def pace_over_21_days(r):
    """PACE detention in LA accommodation (LS J2) is limited: flags every episode of a spell of
    consecutive J2 episodes running more than 21 days from first DECOM to last DEC (open: to 31
    March); exactly 21 days passes (DfE's limit as applied by the published rule)."""
    return _spell_longer_than(r, "J2", 21)


@rule("365")
def respite_over_17_days(r):
    """An individual short-term break (LS V3 episode) must not last more than 17 days: flags a V3
    episode whose DEC is more than 17 days after its DECOM. An open V3 episode is measured to 31
    March in a local column only (its DEC stays blank for every other rule: reference defect A4)."""
    gap = _end_or_year_end(r) - array(r, "Episodes", "DECOM_date")
    return {"Episodes": _ls(r).eq("V3") & ~np.isnat(gap) & (gap.view("int64") // _NS_PER_DAY > 17)}


@rule("366")
def respite_changes_placement(r):
    """Each individual short-term break is its own episode starting care: flags a V3 episode whose
    RNE is given and is not S (a blank RNE is left to rule 143)."""
    rne = text(r, "Episodes", "RNE")
    return {"Episodes": _ls(r).eq("V3") & rne.given & ~rne.eq("S")}


@rule("367")
def respite_over_75_days(r):
    """No more than 75 days of respite care (LS V3 episodes) in the 12-month collection year: each
    V3 episode is cut to 1 April - 31 March (open: to 31 March) and its days DEC - DECOM summed per
    child; when a child's total exceeds 75, every V3 episode of the child counted in it is flagged.
    The collection year is the 12-month period this return can show. V4 episodes (agreements, not
    individual stays) are not counted."""
    v3 = np.flatnonzero(_ls(r).eq("V3"))
    decom, end = array(r, "Episodes", "DECOM_date")[v3], _end_or_year_end(r)[v3]
    start = np.where(decom < r.year.start.to_datetime64(), r.year.start.to_datetime64(), decom)  # NaT stays
    end = np.where(end > r.year.end.to_datetime64(), r.year.end.to_datetime64(), end)
    gap = end - start
    days = gap.view("int64") // _NS_PER_DAY
    counted = ~np.isnat(gap) & (days > 0)
    child = children(r).of("Episodes")[v3]
    known = child >= 0  # a blank CHILD is no child: never totalled
    total = np.bincount(child[counted & known], weights=days[counted & known], minlength=children(r).count + 1)
    return {"Episodes": v3[counted & known & (total[child] > 75)]}


@rule("378")
def with_parents_under_section_20(r):
    """A child placed with parents (PLACE P1) cannot be looked after under a single period of
    accommodation under section 20 (LS V2): flags episodes with PLACE P1 and LS V2."""
    return {"Episodes": text(r, "Episodes", "PLACE").eq("P1") & _ls(r).eq("V2")}


@rule("382")
def respite_in_temporary_placement(r):
    """A child on short breaks (LS V3 or V4) cannot be in a temporary placement: flags episodes with
    LS V3/V4 and PLACE T0-T4."""
    return {"Episodes": _ls(r).isin(SHORT_BREAKS) & text(r, "Episodes", "PLACE").isin(TEMPORARY)}


@rule("384")
def respite_in_long_term_fostering(r):
    """A child on short breaks (LS V3 or V4) cannot be in a long-term foster placement: flags
    episodes with LS V3/V4 and PLACE U1 or U4."""
    return {"Episodes": _ls(r).isin(SHORT_BREAKS) & text(r, "Episodes", "PLACE").isin(("U1", "U4"))}


@rule("214")
def respite_location_given(r):
    """Placement location is not collected for short breaks: flags episodes with LS V3/V4 that give
    PL_POST or URN."""
    return {"Episodes": _ls(r).isin(SHORT_BREAKS) & (text(r, "Episodes", "PL_POST").given | text(r, "Episodes", "URN").given)}


@rule("398")
def respite_distance_fields_given(r):
    """The distance fields are not collected for short breaks: flags episodes with LS V3/V4 that
    give HOME_POST or PL_POST (the postcodes the distance is derived from)."""
    postcode = text(r, "Episodes", "HOME_POST").given | text(r, "Episodes", "PL_POST").given
    return {"Episodes": _ls(r).isin(SHORT_BREAKS) & postcode}


@rule("408")
def adoption_placement_without_placement_order(r):
    """A child placed for adoption with a placement order (PLACE A5 or A6) must be under a
    placement order: flags A5/A6 episodes whose LS is given and is not E1 (a blank LS is left to
    rule 144)."""
    return {"Episodes": text(r, "Episodes", "PLACE").isin(("A5", "A6")) & _ls(r).given & ~_ls(r).eq("E1")}


@rule("426")
def both_v3_and_v4(r):
    """A child on short breaks cannot be recorded under both V3 and V4 in the same year: for a child
    with at least one V3 and at least one V4 episode in the return, flags all its V3 and V4
    episodes."""
    c = children(r)
    child = c.of("Episodes")
    known = child >= 0  # a blank CHILD is no child
    has_v3 = c.mark(child[known & _ls(r).eq("V3")])[child]
    has_v4 = c.mark(child[known & _ls(r).eq("V4")])[child]
    return {"Episodes": _ls(r).isin(SHORT_BREAKS) & has_v3 & has_v4}


@rule("445")
def freeing_order_after_2005(r):
    """D1 (freeing order) is not valid for episodes starting after December 2005: flags episodes
    with LS D1 and DECOM after 31/12/2005."""
    return {"Episodes": _ls(r).eq("D1") & (array(r, "Episodes", "DECOM_date") > np.datetime64("2005-12-31"))}


@rule("446")
def placement_order_before_december_2005(r):
    """E1 (placement order) is not valid for episodes starting before December 2005: flags episodes
    with LS E1 and DECOM before 01/12/2005."""
    return {"Episodes": _ls(r).eq("E1") & (array(r, "Episodes", "DECOM_date") < np.datetime64("2005-12-01"))}


@rule("451")
def still_freed_for_adoption(r):
    """Freeing orders could not be applied for since 30 December 2005, so no child can still be
    freed for adoption: flags open episodes (DEC and REC both blank) with LS D1."""
    return {"Episodes": _ls(r).eq("D1") & text(r, "Episodes", "DEC").blank & text(r, "Episodes", "REC").blank}
