"""SSDA903 rules on PrevPerm: the child's permanence option (adoption, SGO, residence/child
arrangements order) before the period of care, who arranged it and when.

DATE_PERM may be written with ZZ for an unknown day or month and ZZZZ for an unknown year
(e.g. ZZ/05/2010): valid per DfE. Such dates are compared by the earliest day they can stand
for, so a partly known date is only reported when every day it could mean is wrong.
"""

import pandas as pd

from rules.common import not_in
from rules.ssda903 import rule
from validator.derive import lookup
from validator.derive.ssda903_adoption import date_perm, latest_start

PREV_PERM_FROM = pd.Timestamp(2016, 4, 1)  # previous permanence is collected for care starting from 1 April 2016


@rule("630")
def prev_perm_not_returned(r):
    """A child who started to be looked after in the year (an episode with RNE = S and DECOM from
    1 April to 31 March) must have a PrevPerm row with PREV_PERM given, and, unless PREV_PERM is
    Z1 (no previous permanence option), LA_PERM and DATE_PERM given (999 / ZZ placeholders exist
    for unknown values). Flags the starting episode, and the child's PrevPerm rows that are
    incomplete. A child with several PrevPerm rows passes when one of them is complete."""
    e = r.table("Episodes")
    starts = e["RNE"].eq("S").fillna(False) & e["DECOM_date"].between(r.year.start, r.year.end)
    p = r.table("PrevPerm")
    complete = p["PREV_PERM"].notna() & (p["PREV_PERM"].eq("Z1").fillna(False)
                                         | (p["LA_PERM"].notna() & p["DATE_PERM"].notna()))
    ok_children = set(p.loc[complete, "CHILD"])
    bad_ep = starts & ~e["CHILD"].isin(ok_children)
    return {"Episodes": bad_ep, "PrevPerm": ~complete & p["CHILD"].isin(e.loc[bad_ep, "CHILD"])}


@rule("631")
def prev_perm_not_valid(r):
    """PrevPerm.PREV_PERM, where given, must be P1-P4 or Z1 (a blank is reported by 630)."""
    p = r.table("PrevPerm")
    return {"PrevPerm": not_in(p["PREV_PERM"], r.codes("PREV_PERM"))}


@rule("632")
def date_perm_not_valid(r):
    """PrevPerm.DATE_PERM, where given, must be dd/mm/yyyy with ZZ allowed for an unknown day or
    month and ZZZZ for an unknown year (the known parts must make a possible date), and must be
    before the start of the latest period of care (DECOM of the child's latest RNE = S episode, or
    of the earliest episode in the file when no RNE = S episode is there). A partly known date is
    compared by its earliest possible day; an unknown year is not compared. Flags the PrevPerm
    row, and the episode too when the date is not before its DECOM (same day is flagged)."""
    p = r.table("PrevPerm")
    d = date_perm(r)
    start = latest_start(r)
    when = lookup(p["CHILD"], start["start"])
    late = d["earliest"] >= when
    e = r.table("Episodes")
    return {"PrevPerm": ~d["valid"] | late, "Episodes": e.index.isin(lookup(p.loc[late, "CHILD"], start["ep_row"]))}


@rule("633")
def la_perm_not_valid(r):
    """PrevPerm.LA_PERM, where given, must be a DfE three-digit LA number, 999, WAL, SCO, NIR or
    NUK (codes.csv LA_PERM)."""
    p = r.table("PrevPerm")
    return {"PrevPerm": not_in(p["LA_PERM"], r.codes("LA_PERM"))}


@rule("634")
def prev_perm_for_care_before_2016(r):
    """Previous permanence is collected only for children whose latest period of care started on
    or after 1 April 2016 (DfE's fixed date, not the collection year). Flags PrevPerm rows with a
    previous permanence option (PREV_PERM given and not Z1, or LA_PERM or DATE_PERM given) for a
    child whose latest period of care began before 1 April 2016: the latest RNE = S episode starts
    before it, or, with no RNE = S episode in the file, the earliest episode already does. The
    starting episode is flagged too. Z1 ("no previous permanence option") alone is not an entry
    (interpretation; DfE's wording "entries for previous permanence options")."""
    p = r.table("PrevPerm")
    option = p["PREV_PERM"].notna() & p["PREV_PERM"].ne("Z1").fillna(True)
    entry = option | p["LA_PERM"].notna() | p["DATE_PERM"].notna()
    start = latest_start(r)
    before = lookup(p["CHILD"], start["start"]) < PREV_PERM_FROM
    bad = entry & before
    e = r.table("Episodes")
    return {"PrevPerm": bad, "Episodes": e.index.isin(lookup(p.loc[bad, "CHILD"], start["ep_row"]))}


@rule("635")
def details_with_z1(r):
    """PrevPerm rows with LA_PERM or DATE_PERM given while PREV_PERM is Z1 (no previous
    permanence option) or blank (no option named): the order's date and authority need an option
    P1-P4."""
    p = r.table("PrevPerm")
    details = p["LA_PERM"].notna() | p["DATE_PERM"].notna()
    return {"PrevPerm": details & (p["PREV_PERM"].isna() | p["PREV_PERM"].eq("Z1").fillna(False))}
