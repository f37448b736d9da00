"""SSDA903 rules joining Episodes with Header: the child's age when an episode starts or ends,
UPN and mother fields of looked-after children.

Every rule reads `episodes_header(r)`: each episode paired with each Header row of its CHILD, so
episodes of a child missing from Header are not judged here (rule INT03 reports the missing
Header row), and each pair is judged on that Header row's own DOB. Ages are whole years by
birthday (`validator.derive.ages`): a child is 18 from the 18th birthday itself. A pair whose
DOB or episode date is blank or not a valid date is not judged.

A rule flags the Episodes rows, and also the Header row where its DfE fields include a Header
field (DOB, UPN, MOTHER, MC_DOB).
"""

import numpy as np
import pandas as pd

from rules.ssda903 import rule
from validator.derive import ages, array, take, text
from validator.derive.ssda903 import episodes
from validator.derive.ssda903_episodes import SHORT_BREAKS, care_periods, episodes_header


def _pairs(r) -> tuple[np.ndarray, np.ndarray]:
    """(Episodes rows, Header rows) of `episodes_header`."""
    p = episodes_header(r)
    return p["erow"].to_numpy(), p["hrow"].to_numpy()


def _flags(r, mask: np.ndarray, header: bool = False) -> dict:
    """The Episodes rows (and Header rows when `header`) of the pairs selected by `mask`."""
    erow, hrow = _pairs(r)
    out = {"Episodes": erow[mask]}
    if header:
        out["Header"] = hrow[mask]
    return out


def _episode(r, column: str):
    """Episodes text `column` of each pair."""
    return text(r, "Episodes", column).take(_pairs(r)[0])


def _header(r, column: str):
    """Header text `column` of each pair."""
    return text(r, "Header", column).take(_pairs(r)[1])


def _age(r, column: str) -> np.ndarray:
    return episodes_header(r)[column].to_numpy()


# --- age when an episode starts ----------------------------------------------------------------


@rule("352")
def started_care_aged_18(r):
    """A child cannot start to be looked after at 18 or over: flags episodes with RNE S starting on
    or after the child's 18th birthday."""
    return _flags(r, _episode(r, "RNE").eq("S") & (_age(r, "age_decom") >= 18))


@rule("358")
def youth_justice_status_under_10(r):
    """A child under 10 cannot be under legal status J1, J2 or J3: flags such episodes starting
    before the child's 10th birthday, and the child's Header row (DOB). Starting on the 10th
    birthday passes."""
    return _flags(r, _episode(r, "LS").isin(["J1", "J2", "J3"]) & (_age(r, "age_decom") < 10), header=True)


def _placed_under(r, place: str, age: int) -> dict:
    return _flags(r, _episode(r, "PLACE").eq(place) & (_age(r, "age_decom") < age))


@rule("370", years="-2022/23")
def independent_living_under_15(r):
    """Independent living (PLACE P2) from age 15: flags P2 episodes starting before the child's
    15th birthday. Open and closed episodes alike."""
    return _placed_under(r, "P2", 15)


@rule("370", years="2023/24-")
def independent_living_under_16(r):
    """Independent living (PLACE P2) from age 16: flags P2 episodes starting before the child's
    16th birthday. Open and closed episodes alike."""
    return _placed_under(r, "P2", 16)


@rule("371", years="-2022/23")
def semi_independent_under_14(r):
    """Semi-independent accommodation (PLACE H5) from age 14: flags H5 episodes starting before the
    child's 14th birthday."""
    return _placed_under(r, "H5", 14)


@rule("371", years="2023/24")
def semi_independent_under_16(r):
    """Semi-independent accommodation (PLACE H5) from age 16: flags H5 episodes starting before the
    child's 16th birthday."""
    return _placed_under(r, "H5", 16)


@rule("371", years="2024/25-")
def supported_accommodation_under_16(r):
    """Supported accommodation (PLACE K3, which replaced H5 in 2024/25) from age 16: flags K3
    episodes starting before the child's 16th birthday."""
    return _placed_under(r, "K3", 16)


@rule("372")
def youth_custody_under_10(r):
    """Youth custody or prison (PLACE R5) from age 10: flags R5 episodes starting before the child's
    10th birthday."""
    return _placed_under(r, "R5", 10)


@rule("373")
def school_under_4(r):
    """A residential school (PLACE S1) from age 4: flags S1 episodes starting before the child's 4th
    birthday."""
    return _placed_under(r, "S1", 4)


@rule("374")
def residential_employment_under_14(r):
    """Residential employment (PLACE P3) from age 14: flags P3 episodes starting before the child's
    14th birthday."""
    return _placed_under(r, "P3", 14)


@rule("234")
def custody_move_under_10(r):
    """A child under 10 cannot change placement because of custody: flags an episode with
    REASON_PLACE_CHANGE CUSTOD when the child was under 10 on the day of that change, and the
    child's Header row (DOB). The day of the change is the episode's DEC, or the next episode's
    DECOM when DEC is blank or not a valid date."""
    erow, hrow = _pairs(r)
    dec = array(r, "Episodes", "DEC_date")
    next_decom = take(array(r, "Episodes", "DECOM_date"), episodes(r)["next_row"].to_numpy())
    when = np.where(np.isnat(dec), next_decom, dec)[erow]
    under_10 = ages(array(r, "Header", "DOB_date")[hrow], when) < 10
    return _flags(r, _episode(r, "REASON_PLACE_CHANGE").eq("CUSTOD") & under_10, header=True)


# --- age when an episode ends ------------------------------------------------------------------


@rule("386")
def adopted_aged_18(r):
    """A child cannot be adopted at 18 or over: flags episodes with REC E11 or E12 whose DEC is on
    or after the child's 18th birthday."""
    return _flags(r, _episode(r, "REC").isin(["E11", "E12"]) & (_age(r, "age_dec") >= 18))


@rule("389")
def adult_social_care_under_16(r):
    """Transfer to adult social care (REC E7) needs a child of 16 or over: flags E7 episodes whose
    DEC is before the child's 16th birthday."""
    return _flags(r, _episode(r, "REC").eq("E7") & (_age(r, "age_dec") < 16))


@rule("407")
def special_guardianship_aged_18(r):
    """A special guardianship order (REC E45-E48) cannot be made for a child of 18 or over: flags
    such episodes whose DEC is on or after the child's 18th birthday, and the child's Header row
    (DOB). Reaching 18 counts from the birthday itself, as for rule 386."""
    return _flags(r, _episode(r, "REC").isin(["E45", "E46", "E47", "E48"]) & (_age(r, "age_dec") >= 18), header=True)


@rule("460")
def stayed_with_carers_under_18(r):
    """REC E17 (stayed with current carers at 18 or over) needs a child of 18: flags E17 episodes
    whose DEC is before the child's 18th birthday."""
    return _flags(r, _episode(r, "REC").eq("E17") & (_age(r, "age_dec") < 18))


@rule("359")
def over_18_not_in_community_home_under_s20(r):
    """A child still looked after after the 18th birthday must be accommodated under section 20(5)
    (LS V2) in a community home (PLACE K2): flags open episodes (blank DEC: looked after on 31
    March) of a child whose 18th birthday is before 31 March, unless the episode is LS V2 with
    PLACE K2. A child turning 18 on 31 March itself is not yet past the birthday."""
    past_18 = ages(array(r, "Header", "DOB_date")[_pairs(r)[1]], r.year.end - pd.Timedelta(days=1)) >= 18
    v2_k2 = _episode(r, "LS").eq("V2") & _episode(r, "PLACE").eq("K2")
    return _flags(r, _episode(r, "DEC").blank & past_18 & ~v2_k2)


# --- UPN and mother ------------------------------------------------------------------------------


@rule("210")
def un4_looked_after_over_a_week(r):
    """UPN code UN4 (newly looked after from one week before the end of the year) is only for a
    child whose current period of care started on or after 24 March: flags a child with UPN UN4
    who is looked after on 31 March (a period of care whose last episode is open) when that period
    started in this return before 24 March - the Header row (UPN) and the period's first episode
    (DECOM). Periods of care as in `care_periods`."""
    periods = care_periods(r)
    week_before = pd.Timestamp(r.year.end.year, 3, 24)
    starting = (periods["period_first"] & periods["period_open"] & (periods["period_start"] < week_before)).to_numpy()
    return _flags(r, _header(r, "UPN").eq("UN4") & starting[_pairs(r)[0]], header=True)


@rule("442")
def upn_missing(r):
    """A looked-after child needs a UPN (or an unknown-UPN code): flags the Header row of a child
    with at least one episode whose LS is not V3/V4 (short breaks) and a blank UPN."""
    return {"Header": _pairs(r)[1][~_episode(r, "LS").isin(SHORT_BREAKS) & _header(r, "UPN").blank]}


def _mother_missing_looked_after(r, female: str) -> dict:
    mask = (_header(r, "SEX").eq(female) & _header(r, "MOTHER").blank & _episode(r, "DEC").blank
            & ~_episode(r, "LS").isin(SHORT_BREAKS))
    return {"Header": _pairs(r)[1][mask]}


@rule("393", years="-2023/24")
def mother_missing_looked_after_2022(r):
    """MOTHER must be completed for a girl (SEX 2, the code up to 2023/24) who is looked after: a
    child with an open episode (blank DEC: still looked after at 31 March) whose LS is not V3/V4.
    Flags the Header row. Girls who ceased in the year are rule 607's."""
    return _mother_missing_looked_after(r, "2")


@rule("393", years="2024/25-")
def mother_missing_looked_after(r):
    """MOTHER must be completed for a girl (SEX F from 2024/25) who is looked after: a child with an
    open episode (blank DEC: still looked after at 31 March) whose LS is not V3/V4. Flags the
    Header row. Girls who ceased in the year are rule 607's."""
    return _mother_missing_looked_after(r, "F")


def _mother_missing_ceased(r, female: str) -> dict:
    rec = _episode(r, "REC")
    dec = array(r, "Episodes", "DEC_date")[_pairs(r)[0]]
    in_year = (dec >= r.year.start.to_datetime64()) & (dec <= r.year.end.to_datetime64())
    ceased = rec.given & ~rec.eq("X1") & in_year
    mask = ceased & ~_episode(r, "LS").isin(SHORT_BREAKS) & _header(r, "SEX").eq(female) & _header(r, "MOTHER").blank
    return _flags(r, mask, header=True)


@rule("607", years="-2023/24")
def mother_missing_ceased_2022(r):
    """MOTHER must be completed for a girl (SEX 2, up to 2023/24) who ceased to be looked after in
    the year: flags each episode with a DEC in the collection year, a REC other than X1 and an LS
    other than V3/V4, and the girl's Header row, when MOTHER is blank."""
    return _mother_missing_ceased(r, "2")


@rule("607", years="2024/25-")
def mother_missing_ceased(r):
    """MOTHER must be completed for a girl (SEX F from 2024/25) who ceased to be looked after in the
    year: flags each episode with a DEC in the collection year, a REC other than X1 and an LS other
    than V3/V4, and the girl's Header row, when MOTHER is blank."""
    return _mother_missing_ceased(r, "F")


@rule("625")
def first_child_born_after_care_or_year(r):
    """The mother's first child (MC_DOB) cannot be born after the end of the collection year or
    after the date the child ceased to be looked after: flags the Header row when MC_DOB is after 31
    March, or after the DEC of the child's latest episode (by DECOM); in that second case the latest
    episode is flagged too. A latest episode that is open gives no DEC to compare (it is not taken
    to end on 31 March)."""
    erow, hrow = _pairs(r)
    e = episodes(r)
    latest = (e["order"].to_numpy() == e["n_episodes"].to_numpy() - 1)[erow]
    mc_dob = array(r, "Header", "MC_DOB_date")[hrow]
    after_year = mc_dob > r.year.end.to_datetime64()
    after_dec = latest & (mc_dob > array(r, "Episodes", "DEC_date")[erow])
    return {"Header": hrow[after_year | after_dec], "Episodes": erow[after_dec]}
