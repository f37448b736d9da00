"""SSDA903 rules reading last year's return beside this year's: the episode open at the end of last
year against this year's first episode (502, 503A-503J, 452, 453, 562, NoE), adoption and death
recorded before (199, 1000), mother status (207), and care leavers (348, 1001, 1002, 1010).

Common conventions:
  * A child's first episode this year / final episode last year are by DECOM (validator.derive
    `episodes` for this year; last year's final episode is the latest valid DECOM).
  * "Open at the end of last year" = that final episode has a blank DEC.
  * Both episodes are flagged where DfE's message names both (this year's row and last year's row).
  * Derived placement fields (PL_LA, PL_LOCATION, PL_DISTANCE) of both years use this year's geography
    and are compared only when both are known (an unknown postcode is reported by 392c / 169).
  * Rules that cannot be evaluated without a table of last year's return stop with that reason when
    the previous return was given without it, rather than report nothing.
"""

import pandas as pd

from rules.ssda903 import rule
from validator.derive import lookup
from validator.derive.ssda903 import birthday, episodes, header_dob
from validator.derive.ssda903_placement import continuing_episodes, final_last_year
from validator.reference import responsible_la

ADOPTED = ["E11", "E12"]
DIED = "E2"
SHORT_BREAK = ["V3", "V4"]


def _need(r, key: str) -> pd.DataFrame:
    if not r.has(key):
        raise ValueError(f"needs {key.replace('_last', '')} from last year's return, which was not supplied")
    return r.table(key)


def _continuing(r) -> pd.DataFrame:
    _need(r, "Episodes_last")
    return continuing_episodes(r)


def _final_last_year(r) -> pd.DataFrame:
    _need(r, "Episodes_last")
    return final_last_year(r)


def _both(m: pd.DataFrame, bad: pd.Series) -> dict:
    return {"Episodes": m.loc[bad, "row"].to_numpy(), "Episodes_last": m.loc[bad, "row_last"].to_numpy()}


def _differs(m: pd.DataFrame, column: str) -> pd.Series:
    """Text differs; two blanks agree, a blank and a value differ."""
    a, b = m[column], m[column + "_last"]
    return (a.fillna("\0") != b.fillna("\0")).astype(bool)


def _differs_known(m: pd.DataFrame, column: str) -> pd.Series:
    a, b = m[column], m[column + "_last"]
    return (a.notna() & b.notna() & (a != b)).fillna(False).astype(bool)


@rule("502")
def first_decom_differs_from_open_episode(r):
    """Flags this year's first episode, and last year's final open episode, when their DECOM differ
    (both must be valid dates: the continuing episode keeps its start date)."""
    m = _continuing(r)
    bad = m["DECOM_date"].notna() & (m["DECOM_date"] != m["DECOM_date_last"])
    return _both(m, bad)


def _field_rule(column: str):
    def check(r):
        m = _continuing(r)
        return _both(m, _differs(m, column))
    return check


@rule("503A")
def rne_differs_from_open_episode(r):
    """Flags this year's first episode and last year's final open episode when RNE differs (two blanks
    agree, blank against a value differs)."""
    return _field_rule("RNE")(r)


@rule("503B")
def ls_differs_from_open_episode(r):
    """Flags this year's first episode and last year's final open episode when LS differs."""
    return _field_rule("LS")(r)


@rule("503C")
def cin_differs_from_open_episode(r):
    """Flags this year's first episode and last year's final open episode when CIN differs."""
    return _field_rule("CIN")(r)


def _place_differs(r, allowed: dict[str, tuple[str, ...]]):
    m = _continuing(r)
    bad = _differs(m, "PLACE")
    for old, new in allowed.items():
        bad &= ~((m["PLACE_last"] == old) & m["PLACE"].isin(new)).fillna(False).astype(bool)
    return _both(m, bad)


@rule("503D", years="-2023/24")
def place_differs_from_open_episode(r):
    """Flags this year's first episode and last year's final open episode when PLACE differs."""
    return _place_differs(r, {})


@rule("503D", years="2024/25")
def place_differs_from_open_episode_2024(r):
    """As before, except last year's H5 continuing as K3 (H5 was withdrawn and K3 introduced in 2024/25)."""
    return _place_differs(r, {"H5": ("K3",)})


@rule("503D", years="2025/26-")
def place_differs_from_open_episode_2025(r):
    """As 2024/25 (H5 -> K3 allowed, as DfE's 2025/26 text keeps it), and last year's Z1 continuing as
    one of its 2025/26 replacements Z11-Z14 is not a contradiction either (interpretation: the code list
    change forces the recoding)."""
    return _place_differs(r, {"H5": ("K3",), "Z1": ("Z11", "Z12", "Z13", "Z14")})


@rule("503E")
def provider_differs_from_open_episode(r):
    """Flags this year's first episode and last year's final open episode when PLACE_PROVIDER differs."""
    return _field_rule("PLACE_PROVIDER")(r)


@rule("503F")
def urn_differs_from_open_episode(r):
    """Flags this year's first episode and last year's final open episode when URN differs (compared
    upper case; two blanks agree)."""
    m = _continuing(r)
    upper = pd.DataFrame({"URN": m["URN"].str.upper(), "URN_last": m["URN_last"].str.upper()})
    return _both(m, _differs(upper, "URN"))


@rule("503G")
def distance_differs_from_open_episode(r):
    """Flags this year's first episode and last year's final open episode when both distances are known
    and differ."""
    m = _continuing(r)
    return _both(m, _differs_known(m, "PL_DISTANCE"))


@rule("503H")
def pl_la_differs_from_open_episode(r):
    """Flags this year's first episode and last year's final open episode when both LAs of placement
    are known and differ."""
    m = _continuing(r)
    return _both(m, _differs_known(m, "PL_LA"))


@rule("503J")
def pl_location_differs_from_open_episode(r):
    """Flags this year's first episode and last year's final open episode when both placement locations
    (IN/OUT of the responsible LA, --la) are known and differ."""
    if responsible_la(r) is None:
        raise ValueError(f"the local authority code '{r.la}' is not an English LA in {r.year.label} (--la)")
    m = _continuing(r)
    return _both(m, _differs_known(m, "PL_LOCATION"))


def _same_episode(r) -> pd.DataFrame:
    m = _continuing(r)
    return m[m["DECOM_date"].notna() & (m["DECOM_date"] == m["DECOM_date_last"])]


@rule("452")
def pl_la_contradicts_last_year(r):
    """Flags this year's first episode and last year's final episode when last year's was open and is the
    same episode (same DECOM) but the LAs of placement, both known, differ. Reading: a contradiction is
    only possible within one continuing episode; a different DECOM is rule 502's finding."""
    m = _same_episode(r)
    return _both(m, _differs_known(m, "PL_LA"))


@rule("453")
def distance_contradicts_last_year(r):
    """Flags this year's first episode and last year's final episode when last year's was open and is the
    same episode (same DECOM) but the distances, both known, differ by more than 0.1 mile (distances are
    rounded to 0.1 mile, so one step of rounding is tolerated)."""
    m = _same_episode(r)
    gap = (m["PL_DISTANCE"] - m["PL_DISTANCE_last"]).abs()
    return _both(m, (gap > 0.1 + 1e-9).fillna(False).astype(bool))


@rule("562")
def started_before_year_without_last_years_episode(r):
    """Flags a child's first episode this year when it started before 1 April of the collection year but
    last year's return has no episode of that child with the same DECOM (the continuing episode is
    missing). Children with no episode at all last year are flagged here and by NoE."""
    last = _need(r, "Episodes_last")
    first = episodes(r)
    first = first[(first["order"] == 0) & (first["DECOM_date"] < pd.Timestamp(r.year.start))]
    known = pd.MultiIndex.from_frame(last[["CHILD", "DECOM_date"]].dropna())
    present = pd.MultiIndex.from_frame(first[["CHILD", "DECOM_date"]]).isin(known)
    return {"Episodes": first.index[~present]}


@rule("NoE")
def no_episodes_last_year(r):
    """Flags this year's episodes that started before 1 April of the collection year for children with
    no episode in last year's return."""
    last = _need(r, "Episodes_last")
    e = r.table("Episodes")
    return {"Episodes": (e["DECOM_date"] < pd.Timestamp(r.year.start)) & ~e["CHILD"].isin(last["CHILD"])}


@rule("199")
def previously_adopted(r):
    """Flags this year's episodes that start after an earlier episode of the same child (this year or
    last year, when supplied) which ended in adoption (REC E11 or E12): DECOM strictly later than the
    adoption episode's DECOM. Episodes with an unreadable DECOM are not evaluated."""
    e = r.table("Episodes")
    both = pd.concat([e[["CHILD", "DECOM_date", "REC"]], r.table("Episodes_last")[["CHILD", "DECOM_date", "REC"]]])
    adopted = both[both["REC"].isin(ADOPTED) & both["DECOM_date"].notna()].groupby("CHILD")["DECOM_date"].min()
    return {"Episodes": (e["DECOM_date"] > lookup(e["CHILD"], adopted)).fillna(False).astype(bool)}


@rule("207")
def mother_status_changed(r):
    """Flags this year's Header row of a child looked after this year (has episodes) whose MOTHER was 1
    last year but is not 1 now (0 or blank): a child recorded as a mother stays one."""
    h = r.table("Header")
    last = _need(r, "Header_last").drop_duplicates("CHILD").set_index("CHILD")["MOTHER"]
    was_mother = h["CHILD"].map(last) == "1"
    now = h["MOTHER"].fillna("")
    return {"Header": was_mother.fillna(False).astype(bool) & (now != "1")
            & h["CHILD"].isin(r.table("Episodes")["CHILD"])}


@rule("348")
def care_leaver_previously_died(r):
    """Flags this year's OC3 rows of care leavers reported last year with IN_TOUCH = DIED whose IN_TOUCH
    this year is not DIED (blank included)."""
    o = r.table("OC3")
    last = _need(r, "OC3_last")
    died = last.loc[last["IN_TOUCH"] == "DIED", "CHILD"]
    return {"OC3": o["CHILD"].isin(died) & (o["IN_TOUCH"].fillna("") != "DIED")}


@rule("1000")
def died_in_care_has_care_leaver_data(r):
    """Flags OC3 rows of children with an episode ending REC E2 (died) this year or, when supplied,
    last year."""
    o = r.table("OC3")
    died = pd.concat([t.loc[t["REC"] == DIED, "CHILD"] for t in (r.table("Episodes"), r.table("Episodes_last"))])
    return {"OC3": o["CHILD"].isin(died)}


@rule("1002", limited_confidence=True)
def care_leaver_without_episodes(r):
    """Flags OC3 rows of children with no episode in this year's or last year's return. Only two years
    are visible: a care leaver who left care before last year's collection is flagged although DfE would
    see earlier episodes (limited confidence)."""
    o = r.table("OC3")
    seen = pd.concat([r.table("Episodes")["CHILD"], _need(r, "Episodes_last")["CHILD"]])
    return {"OC3": ~o["CHILD"].isin(seen)}


@rule("1010")
def care_leaver_open_last_year_no_episodes(r):
    """Flags OC3 rows of children with no episode this year whose final episode last year was open."""
    o = r.table("OC3")
    last = _final_last_year(r)
    open_last = last.loc[last["DEC"].isna(), "CHILD"]
    return {"OC3": o["CHILD"].isin(open_last) & ~o["CHILD"].isin(r.table("Episodes")["CHILD"])}


@rule("1001", limited_confidence=True)
def care_leaver_not_relevant(r):
    """Flags OC3 rows of children who have episodes in the two years supplied but whose episodes show
    they are not a relevant / former relevant child (DfE: looked after at least 13 weeks (91 days) since
    the 14th birthday, including at least one day after the 16th birthday; short breaks V3/V4 not
    counted; not adopted). Flagged when the child's latest visible episode ended in adoption (E11/E12),
    or when the period to judge lies wholly inside the two years supplied and the visible care falls
    short: no care after the 16th birthday although that birthday is on or after 1 April of last year's
    collection, or under 91 days since the 14th birthday although that birthday is on or after that date.
    Days in care: DEC - max(DECOM, birthday); an open episode counts to 31 March inclusive. Children with
    no visible episode are rule 1002's; episodes with an unreadable DECOM or DEC, or a child without a
    valid DOB, are not evaluated."""
    o = r.table("OC3")
    cur = r.table("Episodes")[["CHILD", "DECOM_date", "DEC", "DEC_date", "LS", "REC"]].assign(src=0)
    last = _need(r, "Episodes_last")[["CHILD", "DECOM_date", "DEC", "DEC_date", "LS", "REC"]].assign(src=1)
    e = pd.concat([cur, last], ignore_index=True)  # this year's rows first: they win a tie below
    e = e[e["DECOM_date"].notna()].drop_duplicates(["CHILD", "DECOM_date"])
    latest = e["DECOM_date"] == e.groupby("CHILD")["DECOM_date"].transform("max")  # (CHILD, DECOM) is unique
    adopted = e.loc[latest & e["REC"].isin(ADOPTED), "CHILD"]

    end = e["DEC_date"].where(e["DEC"].notna(), pd.Timestamp(r.year.end) + pd.Timedelta(days=1))
    care = e[end.notna() & ~e["LS"].isin(SHORT_BREAK)].assign(end=end)
    dob = lookup(care["CHILD"], header_dob(r))

    def days_since(day: pd.Series) -> pd.Series:
        """Days in care from max(DECOM, day) (DECOM when day is unknown) to the end, at least 0."""
        start = care["DECOM_date"].where(~(day > care["DECOM_date"]), day)
        return (care["end"] - start).dt.days.clip(lower=0)

    care = care.assign(d14=days_since(birthday(dob, 14)), d16=days_since(birthday(dob, 16)))
    days = care.groupby("CHILD")[["d14", "d16"]].sum()

    window = pd.Timestamp(r.year.previous.start)
    odob = lookup(o["CHILD"], header_dob(r))
    b14, b16 = birthday(odob, 14), birthday(odob, 16)
    d14 = lookup(o["CHILD"], days["d14"]).fillna(0)
    d16 = lookup(o["CHILD"], days["d16"]).fillna(0)
    short = ((b16 >= window) & (d16 < 1)) | ((b14 >= window) & (d14 < 91))
    visible = o["CHILD"].isin(e["CHILD"])
    return {"OC3": visible & (o["CHILD"].isin(adopted) | (short & odob.notna()))}
