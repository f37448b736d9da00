"""SSDA903 OC3 rules: care leavers (IN_TOUCH, ACTIV, ACCOM around the 17th-21st birthday), and the
Header/Episodes checks that depend on whether a child is a care leaver or was looked after this year.

"Care leaver information" = any of IN_TOUCH, ACTIV, ACCOM given in OC3. "Looked after during the
year" = has an episode that may fall in the collection year (`children_with_episode_in_year`: an
episode whose dates cannot be read counts, so it never causes a finding). Ages are whole years
(`age_at`; a 29 February birthday counts from 1 March). Rows whose DOB or episode dates are not
valid dates are simply not flagged by the age and date comparisons (the date rules report them).
"""

import pandas as pd

from rules.common import not_in
from rules.ssda903 import rule
from validator.derive.ssda903_outcomes import (
    AD1_ITEMS,
    OC3_ITEMS,
    any_present,
    birthday,
    care_leavers,
    birthday_episodes,
    care_leavers_with_ages,
)

FEMALE, MALE = ("2", "F"), ("1", "M")  # SEX codes up to 2023/24 and from 2024/25
OTHER_TABLES_1012 = ("AD1", "Missing", "OC2", "PlacedAdoption", "PrevPerm", "Reviews")


def _oc3(r) -> pd.DataFrame:
    """OC3 with has_info, looked_after_in_year and the age on 1 April / 31 March (from OC3.DOB):
    `care_leavers_with_ages`, shared by the rules (read only)."""
    return care_leavers_with_ages(r)


# --- codes and completeness ----------------------------------------------------------------------

@rule("131")
def in_touch_not_valid(r):
    """OC3.IN_TOUCH, where given, must be one of YES, NO, DIED, REFU, NREQ, RHOM (upper case as DfE
    writes them). Blank is not flagged here: the three OC3 items may all be left blank (rule 153)."""
    o = r.table("OC3")
    return {"OC3": not_in(o["IN_TOUCH"], r.codes("IN_TOUCH"))}


@rule("132")
def activity_not_valid(r):
    """OC3.ACTIV, where given, must be an activity code of the year (F1/P1, F2/P2, F4/P4, F5/P5, G4-G6
    or 0). Blank is left to rule 153."""
    o = r.table("OC3")
    return {"OC3": not_in(o["ACTIV"], r.codes("ACTIV"))}


@rule("133")
def accommodation_not_valid(r):
    """OC3.ACCOM, where given, must be an accommodation code (B1 ... Z2, S2, X2, or 0). Blank is left
    to rule 153 ("if reporting on accommodation ... the entry must be valid")."""
    o = r.table("OC3")
    return {"OC3": not_in(o["ACCOM"], r.codes("ACCOM"))}


@rule("153")
def oc3_items_partly_given(r):
    """Flags OC3 rows where some but not all of IN_TOUCH, ACTIV, ACCOM are given: all three must be
    coded or all left blank."""
    o = r.table("OC3")
    given = o[list(OC3_ITEMS)].notna()
    return {"OC3": given.any(axis=1) & ~given.all(axis=1)}


@rule("344")
def activity_given_when_died_or_home(r):
    """Flags OC3 rows with IN_TOUCH = DIED or RHOM where ACTIV or ACCOM is given as something other
    than 0 (0 = not applicable for these young people). A blank ACTIV/ACCOM is not 'completed' and
    is left to rule 153."""
    o = r.table("OC3")
    completed = not_in(o["ACTIV"], ("0",)) | not_in(o["ACCOM"], ("0",))
    return {"OC3": o["IN_TOUCH"].isin(["DIED", "RHOM"]) & completed}


@rule("345")
def zero_activity_when_in_touch(r):
    """Flags OC3 rows with IN_TOUCH = YES where ACTIV or ACCOM is 0 (not known): an LA in touch with
    the young person should know both."""
    o = r.table("OC3")
    zero = o["ACTIV"].isin(["0"]) | o["ACCOM"].isin(["0"])
    return {"OC3": o["IN_TOUCH"].isin(["YES"]) & zero}


# --- ages ----------------------------------------------------------------------------------------

@rule("391")
def care_leaver_too_young(r):
    """Flags OC3 rows with care leaver information for a young person aged under 17 on 31 March (not
    17 at any time in the year). Following DfE's condition (DOB less than 17 years before the
    collection end), an upper age is not checked: older care leavers (22-25, collected from 2023)
    must not be flagged by this rule."""
    o = _oc3(r)
    return {"OC3": o["has_info"] & (o["age_end"] < 17)}


@rule("347")
def foyer_under_18(r):
    """Flags OC3 rows with ACCOM T1 or T2 (foyer or similar) for a young person aged under 18 on
    1 April, the start of the collection year (DfE's condition: DOB at least 18 years before the
    collection start date when ACCOM is a T code). A DOB that is not a date is not flagged and does
    not stop the rule for other rows."""
    o = _oc3(r)
    return {"OC3": o["ACCOM"].isin(["T1", "T2"]) & (o["age_start"] < 18)}


@rule("3001")
def former_foster_carer_at_17(r):
    """Flags OC3 rows with ACCOM Z1 or Z2 (with former foster carers) for a young person whose 17th
    birthday falls in the collection year (1 April to 31 March inclusive): 'staying put' starts at 18.
    The DOB is the child's Header DOB (OC3.DOB when the child has no Header row or no Header date)."""
    o = r.table("OC3")
    h = r.table("Header").drop_duplicates("CHILD")[["CHILD", "DOB_date"]].rename(columns={"DOB_date": "hdob"})
    hdob = o[["CHILD"]].merge(h, on="CHILD", how="left")["hdob"].to_numpy()  # merge: map fails on an empty Header
    dob = pd.Series(hdob, index=o.index, dtype="datetime64[ns]").fillna(o["DOB_date"])
    day = birthday(dob, 17)
    return {"OC3": o["ACCOM"].isin(["Z1", "Z2"]) & (day >= r.year.start) & (day <= r.year.end)}


@rule("1007")
def care_leaver_still_looked_after_on_birthday(r):
    """Flags OC3 rows with care leaver information for young people aged 17 or 18 on 31 March (so the
    17th or 18th birthday is in the year) who were still looked after on that birthday: an episode
    with DECOM on or before the birthday and DEC after it or blank (open). Ceasing on the birthday
    itself is not 'still looked after'. Episodes whose dates cannot be read are not used, and one bad
    date anywhere does not stop the rule."""
    o = _oc3(r)
    m = birthday_episodes(r)
    covers = (m["DECOM_date"] <= m["day"]) & (m["DEC"].isna() | (m["DEC_date"] > m["day"]))
    return {"OC3": o.index.isin(m.loc[covers, "oc3_row"]) & o["has_info"]}


@rule("1016")
def care_leaver_ceased_after_birthday(r):
    """Flags OC3 rows with care leaver information for young people aged 17 or 18 on 31 March who
    ceased to be looked after after that (17th or 18th) birthday: an episode ending (REC other than
    X1, i.e. not continued by a new episode) with DEC after the birthday. Ceasing on the birthday is
    allowed. Dates that cannot be read are skipped, never stop the rule."""
    o = _oc3(r)
    m = birthday_episodes(r)
    ceased_after = ~m["REC"].isin(["X1"]) & (m["DEC_date"] > m["day"])
    return {"OC3": o.index.isin(m.loc[ceased_after, "oc3_row"]) & o["has_info"]}


# --- care leavers against the other tables ---------------------------------------------------------

@rule("134")
def adoption_data_for_care_leaver(r):
    """A child with care leaver information (OC3) must not have adoption data (any of DATE_INT,
    DATE_MATCH, FOSTER_CARE, NB_ADOPTR, SEX_ADOPTR, LS_ADOPTR given in AD1): flags the AD1 rows and the
    OC3 rows of such children."""
    o, a = r.table("OC3"), r.table("AD1")
    o_info, a_info = any_present(o, OC3_ITEMS), any_present(a, AD1_ITEMS)
    both = set(o.loc[o_info, "CHILD"].dropna()) & set(a.loc[a_info, "CHILD"].dropna())
    return {"AD1": a_info & a["CHILD"].isin(both), "OC3": o_info & o["CHILD"].isin(both)}


@rule("1011")
def care_leaver_after_transfer(r):
    """Flags OC3 rows with care leaver information for children whose final episode (latest DECOM)
    ended with REC = E3 (care taken over by another LA). A child with an episode whose DECOM is not a
    date is skipped (the final episode cannot be told)."""
    o, e = care_leavers(r), r.table("Episodes")
    unreadable = set(e.loc[e["DECOM_date"].isna(), "CHILD"].dropna())
    final = e[e["DECOM_date"].notna()].sort_values(["CHILD", "DECOM_date"], kind="stable")
    final = final.drop_duplicates("CHILD", keep="last")
    transferred = set(final.loc[final["REC"].isin(["E3"]), "CHILD"]) - unreadable
    return {"OC3": o["has_info"] & o["CHILD"].isin(transferred)}


@rule("1012")
def other_data_for_care_leaver_without_episodes(r):
    """For children in OC3 with no episode in the collection year (no episode that may fall between
    1 April and 31 March), no other data should be returned: flags their rows in AD1, Missing, OC2,
    PlacedAdoption, PrevPerm and Reviews. (Read as DfE words it: children in the OC3 table, whether or
    not their OC3 items are given.)"""
    o = care_leavers(r)
    absent = set(o.loc[~o["looked_after_in_year"], "CHILD"].dropna())
    out = {}
    for key in OTHER_TABLES_1012:  # six fixed tables, not rows
        t = r.table(key)
        out[key] = t["CHILD"].isin(absent)
    return out


@rule("1014")
def uasc_data_for_care_leaver(r):
    """UASC information is not required for care leavers: for children with care leaver information
    in OC3 and no episode in the collection year, flags their UASC rows and their OC3 rows."""
    o, u = care_leavers(r), r.table("UASC")
    leavers = o["has_info"] & ~o["looked_after_in_year"]
    with_uasc = leavers & o["CHILD"].isin(u["CHILD"].dropna())
    return {"UASC": u["CHILD"].isin(set(o.loc[leavers, "CHILD"].dropna())), "OC3": with_uasc}


@rule("165")
def mother_status_not_valid(r):
    """Header.MOTHER: flags the Header row when MOTHER is given but is not 0 or 1; when MOTHER is
    given for a male child (SEX 1 or M); or when MOTHER is blank for a female child (SEX 2 or F)
    unless she is a care leaver not looked after this year (no episode in the year and care leaver
    information in OC3). A child of unknown sex (U) or blank SEX is not required to have it."""
    h = r.table("Header")
    leaver = care_leavers(r)
    leaver_only = set(leaver.loc[leaver["has_info"] & ~leaver["looked_after_in_year"], "CHILD"].dropna())
    mother = h["MOTHER"]
    bad_value = not_in(mother, r.codes("MOTHER"))
    male = mother.notna() & h["SEX"].isin(list(MALE))
    missing = mother.isna() & h["SEX"].isin(list(FEMALE)) & ~h["CHILD"].isin(leaver_only)
    return {"Header": bad_value | male | missing}


@rule("628")
def mother_for_care_leaver_not_looked_after(r):
    """Flags Header rows with MOTHER given for a care leaver (care leaver information in OC3) who had
    no episode in the collection year."""
    h = r.table("Header")
    leaver = care_leavers(r)
    leaver_only = set(leaver.loc[leaver["has_info"] & ~leaver["looked_after_in_year"], "CHILD"].dropna())
    return {"Header": h["MOTHER"].notna() & h["CHILD"].isin(leaver_only)}


@rule("EPI")
def episodes_not_loaded(r):
    """Flags Header rows of children with no row in Episodes and no row in OC3: their episodes must be
    loaded before the other checks can run."""
    h, e, o = r.table("Header"), r.table("Episodes"), r.table("OC3")
    known = set(e["CHILD"].dropna()) | set(o["CHILD"].dropna())
    return {"Header": ~h["CHILD"].isin(known)}
