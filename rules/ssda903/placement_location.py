"""SSDA903 rules on where a child is placed: the postcodes, the derived LA of placement (PL_LA),
placement location (PL_LOCATION, IN/OUT of the responsible LA) and distance (PL_DISTANCE), and the URN
rules that depend on whether the placement is in England.

PL_LA, PL_LOCATION and PL_DISTANCE are not in the return: DfE derives them from HOME_POST and PL_POST
with the ONS postcode directory (validator/derive/ssda903_placement.py). A postcode not in the directory
gives no PL_LA and no distance; rule 392c reports the postcode itself.
Common conventions here: a short-break episode is one with LS V3 or V4 (a blank LS is not); a UASC child
is one listed as UASC this year or last year (uasc_now_or_before); "outside England" is PL_LA SCO, WAL, NIR or
NUK (an unknown PL_LA is not shown to be outside England).
"""

import numpy as np
import pandas as pd

from rules.ssda903 import rule
from validator.registry import NotApplicable
from validator.derive import ages, array, text
from validator.derive.ssda903 import children, header_dob_of
from validator.derive.ssda903_placement import placement, placement_text, uasc_now_or_before
from validator.reference import la_codes, postcodes, responsible_la

SHORT_BREAK = ("V3", "V4")
URN_PLACEHOLDER = "XXXXXXX"  # regional adoption agencies (rule 242), not a real URN


def _episodes(r) -> pd.DataFrame:
    """This year's Episodes with the derived placement fields."""
    return r.table("Episodes").join(placement(r))


def _short_break(r) -> np.ndarray:
    return text(r, "Episodes", "LS").isin(SHORT_BREAK)


def _uasc(r) -> np.ndarray:
    return uasc_now_or_before(r)[children(r).of("Episodes")]


def _outside_england(r) -> np.ndarray:
    return placement_text(r, "PL_LA").isin(la_codes.OUTSIDE_ENGLAND)


def _distance(r) -> np.ndarray:
    return placement(r)["PL_DISTANCE"].to_numpy(dtype="float64")


def _la(r):
    la = responsible_la(r)
    if la is None:
        raise ValueError(f"the local authority code '{r.la}' is not an English LA in {r.year.label} (--la)")
    return la


@rule("164")
def distance_not_valid(r):
    """Flags episodes of children who are not UASC (this or last year), not on a short break (LS V3/V4),
    with both HOME_POST and PL_POST given, whose distance cannot be derived because a postcode is not in
    the postcode directory or has no grid reference (or, defensively, is outside 0.0-999.9 miles).
    Reading: DfE's PL_DISTANCE must be between 0.0 and 999.9; a derived distance is always in range, so
    the rule reports what DfE's message points at, a distance made invalid by a postcode."""
    d = _distance(r)
    both = text(r, "Episodes", "HOME_POST").given & text(r, "Episodes", "PL_POST").given
    bad = (both & np.isnan(d)) | (d < 0) | (d > 999.9)
    return {"Episodes": bad & ~_uasc(r) & ~_short_break(r)}


@rule("169")
def pl_la_missing(r):
    """Flags episodes not on a short break (LS V3/V4) with no LA of placement: PL_POST blank or not in
    the postcode directory (UASC children included: their placement postcode is still expected)."""
    return {"Episodes": placement_text(r, "PL_LA").blank & ~_short_break(r)}


@rule("179")
def pl_location_missing(r):
    """Flags episodes not on a short break (LS V3/V4) with no placement location (IN/OUT), which happens
    when the LA of placement cannot be derived (PL_POST blank or unknown). Needs --la."""
    _la(r)
    return {"Episodes": placement_text(r, "PL_LOCATION").blank & ~_short_break(r)}


@rule("387")
def independent_living_under_14(r):
    """Flags episodes ending with REC E5 or E6 (moved into independent living) where the child was under
    14 on DEC (age by birthdays, from the child's Header DOB). Rows without a valid DEC or DOB are not
    evaluated."""
    under_14 = ages(header_dob_of(r, "Episodes"), array(r, "Episodes", "DEC_date")) < 14
    return {"Episodes": text(r, "Episodes", "REC").isin(["E5", "E6"]) & under_14}


@rule("392a")
def no_distance(r):
    """Flags episodes of children not UASC (this or last year) and not on a short break (LS V3/V4) that
    have no distance: a postcode blank, not in the directory, or without a grid reference."""
    return {"Episodes": np.isnan(_distance(r)) & ~_uasc(r) & ~_short_break(r)}


@rule("392b")
def no_postcodes(r):
    """Flags episodes of children not UASC (this or last year) and not on a short break (LS V3/V4) where
    HOME_POST or PL_POST is blank."""
    missing = text(r, "Episodes", "HOME_POST").blank | text(r, "Episodes", "PL_POST").blank
    return {"Episodes": missing & ~_uasc(r) & ~_short_break(r)}


@rule("392c")
def postcode_invalid(r):
    """Flags episodes where HOME_POST or PL_POST is given but is not a postcode of the ONS directory
    (matched upper case without spaces, so 'tw9 1dn' and 'TW91DN' are valid)."""
    p = placement(r)
    return {"Episodes": (text(r, "Episodes", "HOME_POST").given & ~p["HOME_FOUND"].to_numpy())
            | (text(r, "Episodes", "PL_POST").given & ~p["PL_FOUND"].to_numpy())}


@rule("392d")
def home_equals_placement_postcode(r):
    """Flags episodes whose HOME_POST and PL_POST are the same postcode (compared upper case without
    spaces) while PLACE is given and is not P1 (placed with parents). Blank PLACE is left to rule 146."""
    home, place = text(r, "Episodes", "HOME_POST"), text(r, "Episodes", "PL_POST")
    # normalise each distinct spelling once, then compare the rows by normalised postcode number
    spellings = pd.Series(np.concatenate([home.values, place.values]), dtype="string")
    normal, _ = pd.factorize(postcodes.normalise(spellings))  # -1: blank
    home_number = np.append(normal[:len(home.values)], -1)[home.codes]
    place_number = np.append(normal[len(home.values):], -1)[place.codes]
    same = (home_number >= 0) & (home_number == place_number)
    placed = text(r, "Episodes", "PLACE")
    return {"Episodes": same & placed.given & ~placed.eq("P1")}


@rule("406")
def uasc_has_distance(r):
    """Flags episodes of children who are or were UASC (UASC table or Header.UASC = 1, this year or last
    year) that have a distance, i.e. both postcodes given and found: DfE expects it blank for them."""
    return {"Episodes": ~np.isnan(_distance(r)) & _uasc(r)}


@rule("411")
def location_disagrees_with_la_of_placement(r):
    """The placement location (PL_LOCATION: IN or OUT of the responsible LA) must agree with the LA of
    placement: IN exactly when the placement is in the responsible LA.

    DfE derives both from the postcodes, and so does returncheck, so they can only disagree when the
    return itself carries a PL_LOCATION column (some case management systems export it): then the
    exported PL_LOCATION is compared with the PL_LA exported beside it, or, without one, with the
    PL_LA the placement postcode gives. Rows where either side is unknown are not evaluated. Without
    an exported PL_LOCATION the rule is listed as not run, with that reason."""
    e = r.table("Episodes")
    if "PL_LOCATION" not in e.columns:
        raise NotApplicable("the return has no PL_LOCATION column: returncheck derives it from the "
                            "postcode, so it cannot disagree with the LA of placement")
    la = _la(r)
    given_la = e["PL_LA"] if "PL_LA" in e.columns else pd.Series(pd.NA, index=e.index, dtype="string")
    pl_la = given_la.fillna(placement(r)["PL_LA"].reindex(e.index))
    inside = pl_la.isin([la.ons_code, la.dfe_number])
    location = e["PL_LOCATION"].str.upper()
    known = pl_la.notna() & location.isin(["IN", "OUT"])
    return {"Episodes": known & ((location == "IN") != inside)}


@rule("420")
def pl_la_on_short_break(r):
    """Flags short-break episodes (LS V3 or V4) that have an LA of placement (PL_POST given and found)."""
    return {"Episodes": placement_text(r, "PL_LA").given & _short_break(r)}


@rule("454")
def distance_over_350(r):
    """Flags episodes whose derived distance is over 350 miles (350.0 itself passes). DfE's exception
    for 999.9 (its 'not known' value) never arises for a derived distance."""
    d = _distance(r)
    return {"Episodes": (d > 350) & (d != 999.9)}


def _own_provision_elsewhere(r, foster_adoption: list[str]):
    la = _la(r)
    place = text(r, "Episodes", "PLACE")
    checked = (text(r, "Episodes", "PLACE_PROVIDER").eq("PR1") & place.given & ~place.isin(foster_adoption)
               & text(r, "Episodes", "LS").given & ~_short_break(r))
    pl_la = placement_text(r, "PL_LA_DFE")
    return {"Episodes": checked & pl_la.given & ~pl_la.eq(la.dfe_number)}


_FOSTER_ADOPTION = ["A3", "A4", "A5", "A6", "U1", "U2", "U3", "U4", "U5", "U6"]


@rule("1015", years="-2024/25")
def own_provision_outside_la(r):
    """Flags episodes with PLACE_PROVIDER PR1 (own provision), not on a short break (LS V3/V4), not a
    foster or adoption placement (A3-A6, U1-U6), whose LA of placement is known and is not the
    responsible LA (compared by DfE number). An unknown PL_LA is left to rule 169."""
    return _own_provision_elsewhere(r, _FOSTER_ADOPTION)


@rule("1015", years="2025/26-")
def own_provision_outside_la_2025(r):
    """As before 2025/26, and supported accommodation (K3) is also exempt: flags PR1 episodes not on a
    short break, with PLACE not in A3-A6, U1-U6, K3, whose known LA of placement is not the responsible LA."""
    return _own_provision_elsewhere(r, _FOSTER_ADOPTION + ["K3"])


def _urn_required(r, exempt: list[str]):
    ended_after_2015 = text(r, "Episodes", "DEC").blank | (array(r, "Episodes", "DEC_date") > np.datetime64("2015-03-31"))
    place = text(r, "Episodes", "PLACE")
    checked = place.given & ~place.isin(exempt) & ~_outside_england(r) & ended_after_2015
    return {"Episodes": checked & text(r, "Episodes", "URN").blank}


_NO_URN = ["P1", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4"]


@rule("218", years="-2023/24")
def urn_required(r):
    """Flags episodes with no URN where PLACE is given and is not one of H5, P1, P2, P3, R1, R2, R5,
    T0-T4, Z1, the placement is not shown to be outside England (PL_LA not SCO/WAL/NIR/NUK; an unknown
    PL_LA counts as England), and DEC is blank or after 31/03/2015 (an unreadable DEC is not evaluated)."""
    return _urn_required(r, _NO_URN + ["H5", "P2", "Z1"])


@rule("218", years="2024/25")
def urn_required_2024(r):
    """As before, without the H5 and P2 exemptions (codes withdrawn in 2024/25; K3 needs a URN): exempt
    PLACE P1, P3, R1, R2, R5, T0-T4, Z1."""
    return _urn_required(r, _NO_URN + ["Z1"])


@rule("218", years="2025/26-")
def urn_required_2025(r):
    """As 2024/25 with Z1 replaced by Z11-Z14: exempt PLACE P1, P3, R1, R2, R5, T0-T4, Z11-Z14."""
    return _urn_required(r, _NO_URN + ["Z11", "Z12", "Z13", "Z14"])


@rule("230")
def urn_required_h5_from_oct_2023(r):
    """Flags H5 episodes (semi-independent accommodation, regulated from 28 October 2023) that were still
    open after 28 October 2023 (DEC blank or after 28/10/2023: an episode ending on 28 October ended on
    the day the requirement began) with URN blank or XXXXXXX, unless PL_LA shows the placement is outside
    England."""
    after = text(r, "Episodes", "DEC").blank | (array(r, "Episodes", "DEC_date") > np.datetime64("2023-10-28"))
    urn = text(r, "Episodes", "URN")
    no_urn = urn.blank | urn.eq(URN_PLACEHOLDER)
    return {"Episodes": text(r, "Episodes", "PLACE").eq("H5") & after & no_urn & ~_outside_england(r)}


@rule("241", needs=("ofsted",))
def k3_placement_not_where_provider_has_premises(r):
    """Flags K3 episodes (supported accommodation) with a URN (not XXXXXXX) that is in the Ofsted lists
    with at least one known LA, whose LA of placement is known and is not one of the LAs where that
    provider has premises (the LA named in the list or containing a listed postcode, compared by DfE
    number). Needs the Ofsted provider lists (--ofsted): DfE checks against its URN lookup, and without
    the lists the rule cannot be evaluated: it is registered with needs=("ofsted",) so the engine
    lists it as not run, with the reason, rather than pass."""
    from validator.derive.ssda903_placement import provider_las

    e = _episodes(r)
    las = provider_las(r)
    e["row"] = e.index
    e["URN"] = e["URN"].str.upper()
    k3 = e[(e["PLACE"] == "K3") & e["URN"].notna() & (e["URN"] != URN_PLACEHOLDER) & e["PL_LA_DFE"].notna()
           & e["URN"].isin(las["URN"])]
    match = k3[["row", "URN", "PL_LA_DFE"]].merge(las, left_on=["URN", "PL_LA_DFE"], right_on=["URN", "LA_DFE"])
    return {"Episodes": k3.index[~k3["row"].isin(match["row"])]}


@rule("243")
def urn_outside_england(r):
    """Flags episodes with a URN (any value, XXXXXXX included) whose placement is outside England
    (PL_LA SCO, WAL, NIR or NUK): Ofsted registers only English providers."""
    return {"Episodes": _outside_england(r) & text(r, "Episodes", "URN").given}
