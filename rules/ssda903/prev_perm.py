"""SSDA903 rules on PrevPerm: the child's permanence option (adoption, SGO, residence/child
arrangements order) before the period of care, who arranged it and when.

DATE_PERM may be written with ZZ for an unknown day or month and ZZZZ for an unknown year
(e.g. ZZ/05/2010): valid per DfE. Such dates are compared by the earliest day they can stand
for, so a partly known date is only reported when every day it could mean is wrong.
"""

import numpy as np

from rules.ssda903 import rule
from validator.derive import array, text
from validator.derive.ssda903 import children
from validator.derive.ssda903_adoption import date_perm, latest_start

PREV_PERM_FROM = np.datetime64("2016-04-01", "ns")  # previous permanence is collected for care starting from 1 April 2016


def _not_in(r, column: str, codes) -> np.ndarray:
    t = text(r, "PrevPerm", column)
    return t.given & ~t.isin(codes)


def _latest_start(r) -> tuple[np.ndarray, np.ndarray]:
    """For each PrevPerm row's child: the start of the latest period of care and the row of the
    episode that starts it (`latest_start`; NaT and -1 where the child has none)."""
    s = latest_start(r).iloc[children(r).of("PrevPerm")]
    return s["start"].to_numpy(), s["ep_row"].to_numpy()


@rule("630")
def prev_perm_not_returned(r):
    """A child who started to be looked after in the year (an episode with RNE = S and DECOM from
    1 April to 31 March) must have a PrevPerm row with PREV_PERM given, and, unless PREV_PERM is
    Z1 (no previous permanence option), LA_PERM and DATE_PERM given (999 / ZZ placeholders exist
    for unknown values). Flags the starting episode, and the child's PrevPerm rows that are
    incomplete. A child with several PrevPerm rows passes when one of them is complete."""
    c = children(r)
    decom = array(r, "Episodes", "DECOM_date")
    in_year = (decom >= r.year.start.to_datetime64()) & (decom <= r.year.end.to_datetime64())
    starts = text(r, "Episodes", "RNE").eq("S") & in_year
    prev_perm = text(r, "PrevPerm", "PREV_PERM")
    complete = prev_perm.given & (prev_perm.eq("Z1") | (text(r, "PrevPerm", "LA_PERM").given
                                                      & text(r, "PrevPerm", "DATE_PERM").given))
    child, p_child = c.of("Episodes"), c.of("PrevPerm")
    bad_ep = starts & ~c.mark(p_child[complete])[child]
    return {"Episodes": bad_ep, "PrevPerm": ~complete & c.mark(child[bad_ep])[p_child]}


@rule("631")
def prev_perm_not_valid(r):
    """PrevPerm.PREV_PERM, where given, must be P1-P4 or Z1 (a blank is reported by 630)."""
    return {"PrevPerm": _not_in(r, "PREV_PERM", r.codes("PREV_PERM"))}


@rule("632")
def date_perm_not_valid(r):
    """PrevPerm.DATE_PERM, where given, must be dd/mm/yyyy with ZZ allowed for an unknown day or
    month and ZZZZ for an unknown year (the known parts must make a possible date), and must be
    before the start of the latest period of care (DECOM of the child's latest RNE = S episode, or
    of the earliest episode in the file when no RNE = S episode is there). A partly known date is
    compared by its earliest possible day; an unknown year is not compared. Flags the PrevPerm
    row, and the episode too when the date is not before its DECOM (same day is flagged)."""
    d = date_perm(r)
    when, ep_row = _latest_start(r)
    late = d["earliest"].to_numpy() >= when.astype(d["earliest"].dtype)  # NaT never is
    return {"PrevPerm": ~d["valid"].to_numpy() | late, "Episodes": ep_row[late]}


@rule("633")
def la_perm_not_valid(r):
    """PrevPerm.LA_PERM, where given, must be a DfE three-digit LA number, 999, WAL, SCO, NIR or
    NUK (codes.csv LA_PERM)."""
    return {"PrevPerm": _not_in(r, "LA_PERM", r.codes("LA_PERM"))}


@rule("634")
def prev_perm_for_care_before_2016(r):
    """Previous permanence is collected only for children whose latest period of care started on
    or after 1 April 2016 (DfE's fixed date, not the collection year). Flags PrevPerm rows with a
    previous permanence option (PREV_PERM given and not Z1, or LA_PERM or DATE_PERM given) for a
    child whose latest period of care began before 1 April 2016: the latest RNE = S episode starts
    before it, or, with no RNE = S episode in the file, the earliest episode already does. The
    starting episode is flagged too. Z1 ("no previous permanence option") alone is not an entry
    (interpretation; DfE's wording "entries for previous permanence options")."""
    prev_perm = text(r, "PrevPerm", "PREV_PERM")
    option = prev_perm.given & ~prev_perm.eq("Z1")
    entry = option | text(r, "PrevPerm", "LA_PERM").given | text(r, "PrevPerm", "DATE_PERM").given
    start, ep_row = _latest_start(r)
    bad = entry & (start < PREV_PERM_FROM)
    return {"PrevPerm": bad, "Episodes": ep_row[bad]}


@rule("635")
def details_with_z1(r):
    """PrevPerm rows with LA_PERM or DATE_PERM given while PREV_PERM is Z1 (no previous
    permanence option) or blank (no option named): the order's date and authority need an option
    P1-P4."""
    details = text(r, "PrevPerm", "LA_PERM").given | text(r, "PrevPerm", "DATE_PERM").given
    prev_perm = text(r, "PrevPerm", "PREV_PERM")
    return {"PrevPerm": details & (prev_perm.blank | prev_perm.eq("Z1"))}
