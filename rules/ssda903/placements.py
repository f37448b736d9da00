"""SSDA903 rules on placements: which placement types need a provider or a URN, which providers
fit which placement types, adoption and foster placements, and temporary placements (T0-T4).

Code lists that change by year (PLACE: Z1 up to 2024/25, Z11-Z14 from 2025/26; P2, H5 up to
2023/24) are read through `r.codes("PLACE")`, so a placement code is exempt only in the years
it exists. A blank PLACE is never judged here (rule 146 reports it).
"""

import numpy as np

from rules.ssda903 import rule
from validator.derive import add_years, array, text
from validator.derive.ssda903 import children, same_child
from validator.derive.ssda903_episodes import TEMPORARY

OTHER_PLACEMENTS = ("Z1", "Z11", "Z12", "Z13", "Z14")
FOSTER = ("U1", "U2", "U3", "U4", "U5", "U6")
ADOPTION = ("A3", "A4", "A5", "A6")
NO_URN = ("P1", "P2", "P3", "R1", "R2", "R5", *TEMPORARY)  # with the year's Z codes (rule 222)
_NS_PER_DAY = 86_400_000_000_000


def no_provider_places(r) -> set[str]:
    """Placement types that take no placement provider: temporary placements T0-T4 and the
    collection year's 'other placement' codes (Z1 up to 2024/25, Z11-Z14 from 2025/26)."""
    return set(TEMPORARY) | (set(OTHER_PLACEMENTS) & r.codes("PLACE"))


def _days_open(r) -> np.ndarray:
    """Per episode: whole days DEC - DECOM; an open episode (blank DEC) is measured to 31 March in
    this local value only. NaN when a date is not valid."""
    end = np.where(text(r, "Episodes", "DEC").given, array(r, "Episodes", "DEC_date"), r.year.end.to_datetime64())
    gap = end - array(r, "Episodes", "DECOM_date")
    return np.where(np.isnat(gap), np.nan, gap.view("int64") // _NS_PER_DAY)


def _place(r):
    return text(r, "Episodes", "PLACE")


def _not_in(r, column: str, codes) -> np.ndarray:
    """Episodes whose `column` is given and not one of `codes`."""
    t = text(r, "Episodes", column)
    return t.given & ~t.isin(codes)


# --- placement provider ---------------------------------------------------------------------


@rule("178")
def provider_not_valid(r):
    """PLACE_PROVIDER, where given, must be a valid provider code (PR0-PR5) and must not be given
    for a placement type that takes no provider (T0-T4, and Z1 / Z11-Z14 in the years they are
    valid). T4 is exempt in every year, like T0-T3 (reference defect A2: the published 2025/26 rule
    forgets T4 although rule 213 lists it)."""
    provider = text(r, "Episodes", "PLACE_PROVIDER")
    return {"Episodes": provider.given & (~provider.isin(r.codes("PLACE_PROVIDER"))
                                          | _place(r).isin(no_provider_places(r)))}


@rule("213")
def provider_not_required(r):
    """No placement provider for placements that take none: flags episodes with PLACE T0-T4 (or Z1
    up to 2024/25, Z11-Z14 from 2025/26) that give a PLACE_PROVIDER."""
    return {"Episodes": _place(r).isin(no_provider_places(r)) & text(r, "Episodes", "PLACE_PROVIDER").given}


@rule("526")
def provider_missing(r):
    """Every placement except T0-T4 and the year's 'other placement' codes needs a provider: flags
    episodes with a PLACE outside those codes and a blank PLACE_PROVIDER."""
    return {"Episodes": _not_in(r, "PLACE", no_provider_places(r)) & text(r, "Episodes", "PLACE_PROVIDER").blank}


def _provider_with(r, provider: str, places) -> dict:
    return {"Episodes": text(r, "Episodes", "PLACE_PROVIDER").eq(provider) & _place(r).isin(places)}


@rule("527")
def own_provision_with_parents_nhs_or_yoi(r):
    """Flags episodes with PLACE_PROVIDER PR1 (own LA provision) and PLACE P1, R2 or R5."""
    return _provider_with(r, "PR1", ("P1", "R2", "R5"))


@rule("528")
def other_la_with_parents_nhs_or_yoi(r):
    """Flags episodes with PLACE_PROVIDER PR2 (other LA provision) and PLACE P1, R2 or R5."""
    return _provider_with(r, "PR2", ("P1", "R2", "R5"))


@rule("529")
def other_public_provision_not_possible(r):
    """Flags episodes with PLACE_PROVIDER PR3 (other public provision) and PLACE P1, A3-A6, K1, K2
    or U1-U6."""
    return _provider_with(r, "PR3", ("P1", *ADOPTION, "K1", "K2", *FOSTER))


@rule("530")
def private_provision_with_parents(r):
    """Flags episodes with PLACE_PROVIDER PR4 (private provision) and PLACE P1."""
    return _provider_with(r, "PR4", ("P1",))


@rule("531")
def voluntary_provision_with_parents(r):
    """Flags episodes with PLACE_PROVIDER PR5 (voluntary sector) and PLACE P1."""
    return _provider_with(r, "PR5", ("P1",))


@rule("550")
def parents_provider_not_with_parents(r):
    """PR0 (parents) only goes with placement P1: flags episodes with PLACE_PROVIDER PR0 and a
    PLACE other than P1 (a blank PLACE is not judged)."""
    return {"Episodes": text(r, "Episodes", "PLACE_PROVIDER").eq("PR0") & _not_in(r, "PLACE", ["P1"])}


# --- URN ---------------------------------------------------------------------------------------


def _urn_not_required(r, places) -> dict:
    places = set(places) & r.codes("PLACE") | set(OTHER_PLACEMENTS) & r.codes("PLACE")
    urn = text(r, "Episodes", "URN")
    return {"Episodes": _place(r).isin(places) & urn.given & ~urn.eq("XXXXXXX")}


@rule("222", years="-2022/23")
def urn_not_required_2022(r):
    """No Ofsted URN for placement types Ofsted does not register: flags episodes that give a URN
    other than 'XXXXXXX' with PLACE H5, P1, P2, P3, R1, R2, R5, T0-T4 or Z1."""
    return _urn_not_required(r, ("H5", *NO_URN))


@rule("222", years="2023/24-")
def urn_not_required(r):
    """No Ofsted URN for placement types Ofsted does not register: flags episodes that give a URN
    other than 'XXXXXXX' with PLACE P1, P3, R1, R2, R5, T0-T4, the year's 'other placement' codes
    (Z1 up to 2024/25, Z11-Z14 from 2025/26), and P2 while it is valid (2023/24). H5 needs a URN
    from 2023/24 (rule 230), so it left this list."""
    return _urn_not_required(r, NO_URN)


@rule("242")
def urn_placeholder_not_adoption_agency(r):
    """URN 'XXXXXXX' stands for a regional adoption agency: flags episodes with that URN whose PLACE
    is given and is not an adoption (A3-A6) or foster (U1-U6) placement."""
    return {"Episodes": text(r, "Episodes", "URN").eq("XXXXXXX") & _not_in(r, "PLACE", (*ADOPTION, *FOSTER))}


# --- adoption and foster placements ---------------------------------------------------------


@rule("217")
def adoption_with_foster_carers_rne(r):
    """A child placed for adoption with current foster carers (PLACE A3 or A5) stays with the same
    carers, so the episode's RNE must be S, T or U: flags A3/A5 episodes starting on or after
    01/04/2015 (the date DfE's rule applies from) whose RNE is given and is another code."""
    return {"Episodes": _place(r).isin(["A3", "A5"]) & (array(r, "Episodes", "DECOM_date") >= np.datetime64("2015-04-01"))
            & _not_in(r, "RNE", ["S", "T", "U"])}


@rule("217t")
def independent_living_after_october_2023(r):
    """Placement type P2 is not valid from 28 October 2023: flags P2 episodes still open (blank
    DEC) or ending after 28/10/2023. An episode ending on 28/10/2023 passes; one whose DEC is not a
    valid date is not judged."""
    still_open = text(r, "Episodes", "DEC").blank | (array(r, "Episodes", "DEC_date") > np.datetime64("2023-10-28"))
    return {"Episodes": _place(r).eq("P2") & still_open}


@rule("390")
def adopted_not_placed_for_adoption(r):
    """A child who ceased adopted (REC E11 or E12) must have been placed for adoption: flags E11/E12
    episodes whose PLACE is not A3-A6 (a blank PLACE is not judged)."""
    return {"Episodes": text(r, "Episodes", "REC").isin(["E11", "E12"]) & _not_in(r, "PLACE", ADOPTION)}


@rule("516")
def sgo_to_foster_carers_not_fostered(r):
    """A special guardianship order to former foster carers (REC E45 or E46) needs a foster
    placement: flags E45/E46 episodes whose PLACE is not U1-U6 (a blank PLACE is not judged)."""
    return {"Episodes": text(r, "Episodes", "REC").isin(["E45", "E46"]) & _not_in(r, "PLACE", FOSTER)}


# --- temporary placements -------------------------------------------------------------------


@rule("380")
def period_starts_in_temporary_placement(r):
    """A temporary placement (T0-T4) is always a move to other carers within a period of care, so
    its episode must have RNE P or B: flags T0-T4 episodes whose RNE is given and is not P or B (S
    would start a period of care with it; L, T and U mean no change of carer)."""
    return {"Episodes": _place(r).isin(TEMPORARY) & _not_in(r, "RNE", ["P", "B"])}


@rule("381")
def period_ends_in_temporary_placement(r):
    """A period of care cannot end in a temporary placement: flags T0-T4 episodes with a REC other
    than X1 (open episodes are not judged)."""
    return {"Episodes": _place(r).isin(TEMPORARY) & _not_in(r, "REC", ["X1"])}


def _temporary_longer_than(r, place: str, days: int) -> dict:
    return {"Episodes": _place(r).eq(place) & (_days_open(r) > days)}


@rule("375")
def hospital_over_six_weeks(r):
    """A temporary hospital stay (PLACE T1) must not exceed six weeks: flags T1 episodes whose DEC
    is more than 42 days after DECOM; an open T1 episode is measured to 31 March (it has lasted at
    least that long). Every episode is checked, also those of children missing from Header
    (reference defect A5)."""
    return _temporary_longer_than(r, "T1", 42)


@rule("376")
def foster_carer_holiday_over_three_weeks(r):
    """A temporary placement while the foster carer is on holiday (PLACE T3) must not exceed three
    weeks: flags T3 episodes whose DEC is more than 21 days after DECOM (open: measured to 31
    March). Every episode is checked, also those of children missing from Header (defect A5)."""
    return _temporary_longer_than(r, "T3", 21)


@rule("379")
def unspecified_temporary_over_seven_days(r):
    """A temporary placement for an unspecified reason (PLACE T4) must not exceed seven days: flags
    T4 episodes whose DEC is more than 7 days after DECOM (open: measured to 31 March). Every
    episode is checked, also those of children missing from Header (defect A5)."""
    return _temporary_longer_than(r, "T4", 7)


@rule("377")
def more_than_two_carer_holidays_a_year(r):
    """At most two T3 placements (foster carer on holiday) in any 12-month period: for each T3
    episode, the window is the 12 months ending on its DECOM (DECOMs after the same date one year
    earlier); when a window holds three or more T3 episodes of the child, every T3 episode in it
    is flagged. T3 episodes without a valid DECOM are not counted."""
    decom = array(r, "Episodes", "DECOM_date")
    t3 = np.flatnonzero(_place(r).eq("T3") & ~np.isnat(decom))
    child = children(r).of("Episodes")[t3]
    i, j = same_child(child, child)
    row, other = t3[i], t3[j]
    in_window = (decom[other] <= decom[row]) & (decom[other] > add_years(decom[row], -1))
    row, other = row[in_window], other[in_window]
    crowded = np.bincount(row, minlength=len(decom)) >= 3  # T3 episodes in the window ending at each
    return {"Episodes": other[crowded[row]]}
