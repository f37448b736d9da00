"""SSDA903 rules on AD1 (children adopted during the year), alone and against their episodes.

AD1's six items (DATE_INT, DATE_MATCH, FOSTER_CARE, NB_ADOPTR, SEX_ADOPTR, LS_ADOPTR) are
completed for a child adopted in the year. A blank item is reported by 151 / 601 only; the
code and date rules below report values that are present and wrong, and the consistency rules
(511-524) compare values that are present and valid codes.
"""

import numpy as np

from rules.ssda903 import rule
from validator.derive import array, invalid_date, text
from validator.derive.ssda903 import children, episode_of_child, same_child
from validator.derive.ssda903_adoption import ADOPTED, PLACED_FOR_ADOPTION

AD1_ITEMS = ["DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"]
COUPLE = ("MM", "FF", "MF")
SINGLE = ("M1", "F1")


def _ad1_with_episodes(r, eps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every pairing of an AD1 row with one of the episodes at positions `eps` of the same child:
    (AD1 positions, Episodes positions)."""
    c = children(r)
    i, j = same_child(c.of("AD1"), c.of("Episodes")[eps])
    return i, eps[j]


def _both(a: np.ndarray, ep: np.ndarray, bad: np.ndarray) -> dict:
    """Flag the AD1 row and the episode row of every bad pairing."""
    return {"AD1": a[bad], "Episodes": ep[bad]}


def _adoption_episodes(r) -> np.ndarray:
    """Positions of the episodes that end in adoption (REC E11/E12)."""
    return np.flatnonzero(text(r, "Episodes", "REC").isin(ADOPTED))


def _not_in(r, column: str, codes) -> np.ndarray:
    """AD1 rows whose `column` is given and not one of `codes`."""
    t = text(r, "AD1", column)
    return t.given & ~t.isin(codes)


def _sex_not_in(r, ls_code: str, allowed) -> dict:
    """AD1 rows with LS_ADOPTR `ls_code` and a SEX_ADOPTR that is present and not in `allowed`."""
    return {"AD1": text(r, "AD1", "LS_ADOPTR").eq(ls_code) & _not_in(r, "SEX_ADOPTR", allowed)}


def _items_given(r) -> np.ndarray:
    """Per AD1 row and item (columns in AD1_ITEMS order): the item is given."""
    return np.column_stack([text(r, "AD1", c).given for c in AD1_ITEMS])


# --- AD1 alone: dates and codes -------------------------------------------------------------


@rule("112")
def date_int_not_valid(r):
    """AD1.DATE_INT, where given, must be a real date written dd/mm/yyyy (blank: rule 151/601)."""
    return {"AD1": invalid_date(r, "AD1", "DATE_INT")}


@rule("113")
def date_match_not_valid(r):
    """AD1.DATE_MATCH, where given, must be a real date written dd/mm/yyyy (blank: rule 151/601)."""
    return {"AD1": invalid_date(r, "AD1", "DATE_MATCH")}


@rule("114")
def foster_care_not_valid(r):
    """AD1.FOSTER_CARE, where given, must be 0 or 1 (blank: rule 151/601)."""
    return {"AD1": _not_in(r, "FOSTER_CARE", r.codes("FOSTER_CARE"))}


@rule("175")
def nb_adoptr_not_valid(r):
    """AD1.NB_ADOPTR, where given, must be 1 or 2 (blank: rule 151/601)."""
    return {"AD1": _not_in(r, "NB_ADOPTR", r.codes("NB_ADOPTR"))}


@rule("176")
def sex_adoptr_not_valid(r):
    """AD1.SEX_ADOPTR, where given, must be M1, F1, MM, FF or MF (blank: rule 151/601)."""
    return {"AD1": _not_in(r, "SEX_ADOPTR", r.codes("SEX_ADOPTR"))}


@rule("177")
def ls_adoptr_not_valid(r):
    """AD1.LS_ADOPTR, where given, must be L0, L11, L12, L2, L3 or L4 (blank: rule 151/601)."""
    return {"AD1": _not_in(r, "LS_ADOPTR", r.codes("LS_ADOPTR"))}


@rule("151")
def ad1_partly_completed(r):
    """An AD1 row must have all six adoption items or none of them: flags a row where at least
    one of DATE_INT, DATE_MATCH, FOSTER_CARE, NB_ADOPTR, SEX_ADOPTR, LS_ADOPTR is given and at
    least one is blank (a value that is given but invalid counts as given)."""
    given = _items_given(r)
    return {"AD1": given.any(axis=1) & ~given.all(axis=1)}


@rule("333")
def date_int_after_date_match(r):
    """Where AD1.DATE_MATCH is a date, DATE_INT must be given and on or before it: flags a row
    with DATE_MATCH and a blank DATE_INT, or with DATE_INT later than DATE_MATCH (same day passes).
    A DATE_INT that is given but not a date is left to rule 112."""
    match = array(r, "AD1", "DATE_MATCH_date")
    return {"AD1": ~np.isnat(match) & (text(r, "AD1", "DATE_INT").blank | (array(r, "AD1", "DATE_INT_date") > match))}


# --- AD1 alone: adopters' number, sex and legal status ----------------------------------------


@rule("511")
def two_adopters_not_a_couple(r):
    """AD1 rows with NB_ADOPTR = 2 whose SEX_ADOPTR is given and is not a couple code (MM, FF, MF);
    a blank SEX_ADOPTR is left to 151."""
    return {"AD1": text(r, "AD1", "NB_ADOPTR").eq("2") & _not_in(r, "SEX_ADOPTR", COUPLE)}


@rule("514")
def single_adopter_status_but_couple(r):
    """AD1 rows with LS_ADOPTR = L0 (single adopter) whose SEX_ADOPTR is given and is not a
    single-adopter code (M1, F1)."""
    return _sex_not_in(r, "L0", SINGLE)


@rule("517")
def l3_not_mf(r):
    """AD1 rows with LS_ADOPTR = L3 whose SEX_ADOPTR is given and is not MF."""
    return _sex_not_in(r, "L3", ("MF",))


@rule("518")
def l4_not_same_sex_couple(r):
    """AD1 rows with LS_ADOPTR = L4 whose SEX_ADOPTR is given and is not MM or FF."""
    return _sex_not_in(r, "L4", ("MM", "FF"))


@rule("519")
def civil_partners_not_a_couple(r):
    """AD1 rows with LS_ADOPTR = L2 (civil partnership couple) whose SEX_ADOPTR is given and is
    not a couple code (MM, FF, MF)."""
    return _sex_not_in(r, "L2", COUPLE)


@rule("520")
def married_different_sex_not_mf(r):
    """AD1 rows with LS_ADOPTR = L11 (different-sex married couple) whose SEX_ADOPTR is given
    and is not MF (DfE's logic requires MF, so a single-adopter code is flagged as well as MM/FF)."""
    return _sex_not_in(r, "L11", ("MF",))


@rule("524")
def l12_not_same_sex_couple(r):
    """AD1 rows with LS_ADOPTR = L12 whose SEX_ADOPTR is given and is not MM or FF."""
    return _sex_not_in(r, "L12", ("MM", "FF"))


# --- AD1 against Episodes -------------------------------------------------------------------


@rule("331")
def matched_after_placement(r):
    """DATE_MATCH must be on or before the date of the adoption placement, read as the DECOM of
    the episode that ends in adoption (REC E11/E12). Flags the AD1 row and that episode where
    DATE_MATCH is later than its DECOM (same day passes; rows without both dates are skipped)."""
    a, ep = _ad1_with_episodes(r, _adoption_episodes(r))
    return _both(a, ep, array(r, "AD1", "DATE_MATCH_date")[a] > array(r, "Episodes", "DECOM_date")[ep])


@rule("334")
def date_int_before_latest_start(r):
    """DATE_INT must be on or after the date the child started to be looked after in the latest
    period of care, read as the DECOM of the child's latest episode with RNE = S. Flags the AD1
    row and that episode where DATE_INT is earlier (same day passes). A child with no RNE = S
    episode in the file (care started in an earlier year) is not checked."""
    a, ep = _ad1_with_episodes(r, episode_of_child(r, text(r, "Episodes", "RNE").eq("S"), last=True))
    return _both(a, ep, array(r, "AD1", "DATE_INT_date")[a] < array(r, "Episodes", "DECOM_date")[ep])


@rule("335")
def foster_care_against_adoption_placement(r):
    """On an episode that ends in adoption (REC E11/E12): a placement with the current foster
    carer(s) (PLACE A3 or A5; legacy A2) needs FOSTER_CARE = 1, and a placement not with them
    (A4 or A6; legacy A1) needs FOSTER_CARE = 0. Flags the episode and the AD1 row."""
    a, ep = _ad1_with_episodes(r, _adoption_episodes(r))
    place, foster_care = text(r, "Episodes", "PLACE").take(ep), text(r, "AD1", "FOSTER_CARE").take(a)
    bad = (place.isin(["A2", "A3", "A5"]) & foster_care.eq("0")) | (place.isin(["A1", "A4", "A6"]) & foster_care.eq("1"))
    return _both(a, ep, bad)


@rule("521")
def date_int_after_placed_for_adoption(r):
    """DATE_INT must be on or before the date the child was placed for adoption: flags every
    episode with PLACE A3-A6 whose DECOM is earlier than the child's DATE_INT, and the AD1 row
    (same day passes)."""
    a, ep = _ad1_with_episodes(r, np.flatnonzero(text(r, "Episodes", "PLACE").isin(PLACED_FOR_ADOPTION)))
    return _both(a, ep, array(r, "AD1", "DATE_INT_date")[a] > array(r, "Episodes", "DECOM_date")[ep])


@rule("582")
def adopted_on_match_date(r):
    """Query: an episode ending in adoption (REC E11/E12) whose DEC equals the child's
    AD1.DATE_MATCH (matching is expected before the adoption). Flags the episode and the AD1 row."""
    a, ep = _ad1_with_episodes(r, _adoption_episodes(r))
    return _both(a, ep, array(r, "Episodes", "DEC_date")[ep] == array(r, "AD1", "DATE_MATCH_date")[a])  # NaT never equals


def _adopted_in_year(r) -> np.ndarray:
    """Positions of the episodes ending in adoption (REC E11/E12) with a DEC inside the collection year."""
    e = _adoption_episodes(r)
    dec = array(r, "Episodes", "DEC_date")[e]
    return e[(dec >= r.year.start.to_datetime64()) & (dec <= r.year.end.to_datetime64())]


@rule("601")
def ad1_missing_for_adopted_child(r):
    """A child adopted during the year (an episode with REC E11/E12 and DEC from 1 April to
    31 March) must have all six AD1 items. Flags that episode when the child has no AD1 row or
    an AD1 row with any item blank, and such AD1 rows. (An AD1 row that is missing altogether is
    reported on the episode: its items "have not been completed".)"""
    c = children(r)
    adopted = _adopted_in_year(r)
    complete = _items_given(r).all(axis=1)
    a, adopted_children = c.of("AD1"), c.of("Episodes")[adopted]
    return {"Episodes": adopted[~c.mark(a[complete])[adopted_children]],
            "AD1": ~complete & c.mark(adopted_children)[a]}


@rule("602")
def ad1_for_child_not_adopted(r):
    """AD1 rows with at least one adoption item given for a child with no episode ending in
    adoption (REC E11/E12) with a DEC in the collection year. An AD1 row with every item blank
    carries no adoption data and is not flagged."""
    c = children(r)
    has_data = _items_given(r).any(axis=1)
    return {"AD1": has_data & ~c.mark(c.of("Episodes")[_adopted_in_year(r)])[c.of("AD1")]}
