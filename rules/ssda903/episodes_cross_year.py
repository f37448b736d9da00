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

import numpy as np
import pandas as pd

from rules.ssda903 import rule
from validator.derive import array, birthdays, text
from validator.derive.ssda903 import among, by_child_and_day, children, episodes, header_dob_by_child, run_bounds, run_starts
from validator.derive.ssda903_placement import continuing_episodes, final_last_year
from validator.reference import responsible_la

ADOPTED = ["E11", "E12"]
DIED = "E2"
SHORT_BREAK = ["V3", "V4"]
_NS_PER_DAY = 86_400_000_000_000


def _need(r, key: str) -> None:
    if not r.has(key):
        raise ValueError(f"needs {key.replace('_last', '')} from last year's return, which was not supplied")


def _continuing(r) -> pd.DataFrame:
    _need(r, "Episodes_last")
    return continuing_episodes(r)


def _both(m: pd.DataFrame, bad) -> dict:
    bad = np.asarray(bad, dtype=bool)
    return {"Episodes": m["row"].to_numpy()[bad], "Episodes_last": m["row_last"].to_numpy()[bad]}


def _texts(r, m: pd.DataFrame, column: str) -> tuple[np.ndarray, np.ndarray]:
    """This year's and last year's `column` of the continuing pairs, as object arrays (None where blank)."""
    return (text(r, "Episodes", column).strings()[m["row"].to_numpy()],
            text(r, "Episodes_last", column).strings()[m["row_last"].to_numpy()])


def _dates(r, m: pd.DataFrame, column: str) -> tuple[np.ndarray, np.ndarray]:
    return array(r, "Episodes", column)[m["row"].to_numpy()], array(r, "Episodes_last", column)[m["row_last"].to_numpy()]


def _differs(r, m: pd.DataFrame, column: str) -> np.ndarray:
    """Text differs; two blanks agree, a blank and a value differ."""
    a, b = _texts(r, m, column)
    return a != b


def _differs_known(m: pd.DataFrame, column: str) -> np.ndarray:
    """A derived placement field differs where both years' values are known."""
    a, b = m[column].to_numpy(dtype=object, na_value=None), m[column + "_last"].to_numpy(dtype=object, na_value=None)
    return pd.notna(a) & pd.notna(b) & (a != b)


@rule("502")
def first_decom_differs_from_open_episode(r):
    """Flags this year's first episode, and last year's final open episode, when their DECOM differ
    (both must be valid dates: the continuing episode keeps its start date)."""
    m = _continuing(r)
    now, last = _dates(r, m, "DECOM_date")
    return _both(m, ~np.isnat(now) & (now != last))


def _field_rule(column: str):
    def check(r):
        m = _continuing(r)
        return _both(m, _differs(r, m, column))
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
    bad = _differs(r, m, "PLACE")
    now, last = _texts(r, m, "PLACE")
    for old, new in allowed.items():
        bad &= ~((last == old) & pd.Index(now).isin(new))
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

    def upper(key: str, rows: np.ndarray) -> np.ndarray:
        """URN of the rows upper-cased (None where blank), once per distinct URN."""
        urn = text(r, key, "URN")
        return np.array([v.upper() for v in urn.values] + [None], dtype=object)[urn.codes[rows]]

    return _both(m, upper("Episodes", m["row"].to_numpy()) != upper("Episodes_last", m["row_last"].to_numpy()))


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
    now, last = _dates(r, m, "DECOM_date")
    return m[now == last]  # NaT never equals


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
    gap = np.abs(m["PL_DISTANCE"].to_numpy(dtype=float) - m["PL_DISTANCE_last"].to_numpy(dtype=float))
    return _both(m, gap > 0.1 + 1e-9)  # NaN never is


@rule("562")
def started_before_year_without_last_years_episode(r):
    """Flags a child's first episode this year when it started before 1 April of the collection year but
    last year's return has no episode of that child with the same DECOM (the continuing episode is
    missing). Children with no episode at all last year are flagged here and by NoE."""
    _need(r, "Episodes_last")
    c = children(r)
    decom = array(r, "Episodes", "DECOM_date")
    first = np.flatnonzero((episodes(r)["order"].to_numpy() == 0) & (decom < r.year.start.to_datetime64()))
    child_last, decom_last = c.of("Episodes_last"), array(r, "Episodes_last", "DECOM_date")
    known = (child_last >= 0) & ~np.isnat(decom_last)
    present = among(_child_day(c.of("Episodes")[first], decom[first]), _child_day(child_last[known], decom_last[known]))
    return {"Episodes": first[~present]}


def _child_day(child: np.ndarray, day: np.ndarray) -> np.ndarray:
    """One integer per (child number, date) pair (dates without time)."""
    return child.astype("int64") * 2**32 + day.view("int64") // _NS_PER_DAY


@rule("NoE")
def no_episodes_last_year(r):
    """Flags this year's episodes that started before 1 April of the collection year for children with
    no episode in last year's return."""
    _need(r, "Episodes_last")
    c = children(r)
    seen_last = c.mark(c.of("Episodes_last"))[c.of("Episodes")]
    return {"Episodes": (array(r, "Episodes", "DECOM_date") < r.year.start.to_datetime64()) & ~seen_last}


@rule("199")
def previously_adopted(r):
    """Flags this year's episodes that start after an earlier episode of the same child (this year or
    last year, when supplied) which ended in adoption (REC E11 or E12): DECOM strictly later than the
    adoption episode's DECOM. Episodes with an unreadable DECOM are not evaluated."""
    c = children(r)
    child = np.concatenate([c.of("Episodes"), c.of("Episodes_last")])
    decom = np.concatenate([array(r, "Episodes", "DECOM_date"), array(r, "Episodes_last", "DECOM_date")])
    adopted = np.concatenate([text(r, "Episodes", "REC").isin(ADOPTED), text(r, "Episodes_last", "REC").isin(ADOPTED)])
    adopted &= ~np.isnat(decom) & (child >= 0)
    # the earliest adoption episode's DECOM per child (as int64 nanoseconds; no adoption: the largest)
    earliest = np.full(c.count + 1, np.iinfo("int64").max)
    np.minimum.at(earliest, child[adopted], decom[adopted].view("int64"))
    now = array(r, "Episodes", "DECOM_date")
    return {"Episodes": ~np.isnat(now) & (now.view("int64") > earliest[c.of("Episodes")])}


@rule("207")
def mother_status_changed(r):
    """Flags this year's Header row of a child looked after this year (has episodes) whose MOTHER was 1
    last year but is not 1 now (0 or blank): a child recorded as a mother stays one."""
    _need(r, "Header_last")
    c = children(r)
    child = c.of("Header")
    last_row = c.first_rows("Header_last", blank_matches=True)[child]
    was_mother = text(r, "Header_last", "MOTHER").take(last_row).eq("1")
    return {"Header": was_mother & ~text(r, "Header", "MOTHER").eq("1") & c.mark(c.of("Episodes"))[child]}


@rule("348")
def care_leaver_previously_died(r):
    """Flags this year's OC3 rows of care leavers reported last year with IN_TOUCH = DIED whose IN_TOUCH
    this year is not DIED (blank included)."""
    _need(r, "OC3_last")
    c = children(r)
    died = c.of("OC3_last")[text(r, "OC3_last", "IN_TOUCH").eq("DIED")]
    return {"OC3": c.mark(died)[c.of("OC3")] & ~text(r, "OC3", "IN_TOUCH").eq("DIED")}


@rule("1000")
def died_in_care_has_care_leaver_data(r):
    """Flags OC3 rows of children with an episode ending REC E2 (died) this year or, when supplied,
    last year."""
    c = children(r)
    died = [c.of(key)[text(r, key, "REC").eq(DIED)] for key in ("Episodes", "Episodes_last")]
    return {"OC3": c.mark(np.concatenate(died))[c.of("OC3")]}


@rule("1002", limited_confidence=True)
def care_leaver_without_episodes(r):
    """Flags OC3 rows of children with no episode in this year's or last year's return. Only two years
    are visible: a care leaver who left care before last year's collection is flagged although DfE would
    see earlier episodes (limited confidence)."""
    _need(r, "Episodes_last")
    c = children(r)
    seen = c.mark(np.concatenate([c.of("Episodes"), c.of("Episodes_last")]))
    return {"OC3": ~seen[c.of("OC3")]}


@rule("1010")
def care_leaver_open_last_year_no_episodes(r):
    """Flags OC3 rows of children with no episode this year whose final episode last year was open."""
    _need(r, "Episodes_last")
    c = children(r)
    final = final_last_year(r)
    open_last = c.of("Episodes_last")[final[text(r, "Episodes_last", "DEC").blank[final]]]
    child = c.of("OC3")
    return {"OC3": c.mark(open_last)[child] & ~c.mark(c.of("Episodes"))[child]}


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
    _need(r, "Episodes_last")
    c = children(r)
    years = ("Episodes", "Episodes_last")  # this year's rows first: they win a tie below

    def both(read) -> np.ndarray:
        return np.concatenate([read(key) for key in years])

    child = both(c.of)
    decom = both(lambda key: array(r, key, "DECOM_date"))
    # one episode per (CHILD, DECOM), DECOM a date: sorted by child, DECOM, then this year's row first
    rows = np.flatnonzero(~np.isnat(decom))
    rows = by_child_and_day(child, rows, decom)
    e = rows[run_starts(child[rows], decom[rows])]
    _, last = run_bounds(child[e])
    latest = e[(last == np.arange(len(e))) & (child[e] >= 0)]  # each child's latest episode (a blank CHILD is no child)
    adopted = child[latest[both(lambda key: text(r, key, "REC").isin(ADOPTED))[latest]]]

    day_after_year = (r.year.end + pd.Timedelta(days=1)).to_datetime64()
    end = np.where(both(lambda key: text(r, key, "DEC").given), both(lambda key: array(r, key, "DEC_date")),
                   day_after_year)
    care = e[~np.isnat(end[e]) & ~both(lambda key: text(r, key, "LS").isin(SHORT_BREAK))[e] & (child[e] >= 0)]
    dob = header_dob_by_child(r)[child[care]]

    def days_since(years_old: int) -> np.ndarray:
        """Days in care per child number from max(DECOM, birthday) (DECOM when the birthday is
        unknown) to the end, at least 0 an episode."""
        day = birthdays(dob, years_old)
        start = np.where(day > decom[care], day, decom[care])
        days = np.maximum((end[care] - start).view("int64") // _NS_PER_DAY, 0)
        return np.bincount(child[care], weights=days, minlength=c.count + 1)

    d14, d16 = days_since(14), days_since(16)
    window = r.year.previous.start.to_datetime64()
    o = c.of("OC3")
    odob = header_dob_by_child(r)[o]
    b14, b16 = birthdays(odob, 14), birthdays(odob, 16)
    short = ((b16 >= window) & (d16[o] < 1)) | ((b14 >= window) & (d14[o] < 91))
    visible = c.mark(child[e])[o]
    return {"OC3": visible & (c.mark(adopted)[o] | (short & ~np.isnat(odob)))}

