"""Derived frames for the processed-output preview (reports/preview): what DfE builds from a return
before it counts anything. Every function takes the Return, the table-key suffix ("" for this year,
"_last" for last year's tables) and the collection year those tables belong to, so the same code
gives this year's figures and last year's ("previous_value").

Results are cached on the Return per (function, suffix, year), like `validator.derive.derived`.
Nothing here raises on unreadable dates: a NaT simply never satisfies a date comparison, so a row
with a bad date drops out of the measures that need that date (the date rules report it).

Children are integer codes: a child id's position in `child_ids` (every id of the return, in the
order the preview lists children), the same in every table and both years; -1 where the id is
blank. The frames carry them in a `child` column, sets of children are bool arrays by code, and
`names` turns codes back into ids. Text columns are read as `validator.derive.Text` (factorised
once per run, shared with the rules), dates and numbers as numpy arrays.

Definitions (spec: ../shared/spec/derived_measures.md; [C] confirmed by DfE, [I] inferred, kept
configurable through the module constants below):

SSDA903
  * short break: LS V3/V4. Short-break episodes are dropped before anything else is built; a child
    with other episodes is counted through those, a child with only V3/V4 episodes in the year goes
    to the separate "short breaks only" table. [C]/[I]
  * period of care [I]: a child's non-short-break episodes with a DECOM date, sorted by DECOM; an
    episode continues the period when the child's previous episode ended with REC = X1 (with
    `PERIOD_NEEDS_SAME_DAY` also only when its DECOM equals that DEC); otherwise it starts a new one.
    The period ends with the first episode whose REC is not X1 (a blank REC counts as not X1).
  * open at 31 March [I]: DEC blank (a DEC written but not a date is not blank), LS not V3/V4 and
    DECOM not after the year end.
  * placement [I]: an episode starts a new placement when RNE is S (a new period) or RNE is P/B/T/U,
    except moves into or out of a temporary placement T0-T4 (TEMPORARY_PLACES) and moves into
    placement for adoption with the current carer (A3/A5). Placements in the year = 1 for the
    placement held on 1 April (a non-short-break episode with DECOM before 1 April and DEC blank or on or
    after 1 April) + each counted placement start with DECOM in the year.
CIN
  * episode of need [C exclusion, I signal]: a CINdetails row that is not an NFA referral
    (ReferralNFA true/1, any case) and not "assessed not in need" (PrimaryNeedCode N9 or
    ReasonForClosure RC8/RC9: NOT_IN_NEED_PRIMARY / NOT_IN_NEED_CLOSURE).
  * open at 31 March [I]: CINreferralDate on or before the reference date and CINclosureDate blank.
  * working days: validator.calendar.working_days_after - the start day is day 0, the end day is
    counted, so an assessment authorised the day it started took 0 working days. [I]
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from validator.calendar import working_days_after
from validator.derive import ages, array, cached, text
from validator.derive import truthy as _truthy
from validator.derive.ssda903 import children as numbered_children
from validator.model import LAST
from validator.years import CollectionYear

# ---- SSDA903 conventions -------------------------------------------------------------------
SHORT_BREAKS = ("V3", "V4")
PERIOD_NEEDS_SAME_DAY = True  # [I] as derived_measures.md 1.1 and the rules (care_periods): X1 and next DECOM = DEC
PLACEMENT_CHANGE_RNE = ("P", "B", "T", "U")
TEMPORARY_PLACES = ("T0", "T1", "T2", "T3", "T4")
SAME_CARER_ADOPTION = ("A3", "A5")  # placed for adoption with the current foster carer(s): not a move
ADOPTED = ("E11", "E12")
SGO = ("E43", "E44", "E45", "E46", "E47", "E48")

# ---- CIN conventions -----------------------------------------------------------------------
NOT_IN_NEED_PRIMARY = ("N9",)
NOT_IN_NEED_CLOSURE = ("RC8", "RC9")

ID_COLUMN = {"ssda903": "CHILD", "cin": "LAchildID"}


def year_for(r, suffix: str) -> CollectionYear:
    """The collection year of the tables with this suffix: last year's for "_last"."""
    return r.year.previous if suffix == LAST else r.year


def _cached(fn):
    """fn(r, suffix, year) once per Return, table suffix and year (through validator.derive.cached)."""
    key = f"{fn.__module__}.{fn.__qualname__}"

    def wrapper(r, suffix: str = "", year: CollectionYear | None = None):
        year = year or year_for(r, suffix)
        return cached(r, f"{key} {suffix} {year.label}", lambda: fn(r, suffix, year))

    wrapper.__doc__ = fn.__doc__
    wrapper.__name__ = fn.__name__
    return wrapper


def age(dob, when) -> np.ndarray:
    """validator.derive.ages (completed years by anniversary; a 29 February birthday is reached on
    1 March in common years) of dates, `when` a date or dates aligned with `dob`: NaN where unknown."""
    return ages(np.asarray(dob, dtype="datetime64[ns]"),
                np.asarray(when, dtype="datetime64[ns]") if isinstance(when, (pd.Series, np.ndarray)) else when)


def between(dates: np.ndarray, start, end) -> np.ndarray:
    """start <= date <= end on a datetime64 array (NaT: False)."""
    return (dates >= np.datetime64(start)) & (dates <= np.datetime64(end))


def days(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Whole days from start to end (NaN where either is missing)."""
    return np.floor((end - start) / np.timedelta64(1, "D"))


# ====================================================================== children


class ChildCodes(NamedTuple):
    """Children as `codes` into `names` (the child ids in display order); -1 where blank."""

    codes: np.ndarray
    names: np.ndarray


def _numbers(r) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Every child id of the return numbered once, by one factorisation of the id column of every table
    (both years): the numbers of each table's rows (-1 where blank) and the id of each number. SSDA903
    shares the rules' numbering (validator.derive.ssda903.children)."""
    col = ID_COLUMN[r.kind]
    keys = [k for k, t in r.tables.items() if t.has_column(col)]
    if r.kind == "ssda903":
        c = numbered_children(r)
        return {k: c.of(k) for k in keys}, c.ids.to_numpy(dtype=object)
    frames = [r.tables[k].frame for k in keys]  # read only: no copies
    ids = np.concatenate([f[col].to_numpy(dtype=object) for f in frames] or [np.zeros(0, dtype=object)])
    flat, id_of = pd.factorize(ids)
    ends = np.cumsum([len(f) for f in frames])
    return dict(zip(keys, np.split(flat, ends[:-1]))), np.asarray(id_of, dtype=object)


def _children(r) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The child codes of each table's rows and the child ids by code (display order), once per run."""
    def compute():
        numbers, ids = _numbers(r)
        # display order: shorter ids first, then by text, so numeric ids read in numeric order
        text = ids.astype(str)
        order = np.lexsort((text, np.char.str_len(text)))
        order = order[text[order] != ""]  # a blank id is no child (ingest leaves none)
        code = np.full(len(ids) + 1, -1)  # by number; the last slot for -1 (blank)
        code[order] = np.arange(len(order))
        return {k: code[n] for k, n in numbers.items()}, ids[order]

    return cached(r, f"{__name__}.children", compute)


def derive_shared(r) -> None:
    """Derive now what both the preview and the rules read of an SSDA903 return: the numbering of its
    children and the placements' postcode lookups (35-40 ms for a large LA). A copy of this process
    forked afterwards to work out the preview (reports.outputs.WrittenAlongside) then has them, rather
    than deriving them again while this process runs the rules. A failure here changes nothing: the
    first rule that reads the value derives it again and reports the failure as its own."""
    if r.kind != "ssda903":
        return  # a census's preview shares little with its rules (measured: 1 ms for 10,000 children)
    from validator.derive.ssda903_placement import placement

    for derive in (numbered_children, placement):
        try:
            derive(r)
        except Exception:  # noqa: BLE001, S112 - see the docstring
            continue


def child_ids(r) -> np.ndarray:
    """Every child id (CHILD, or LAchildID for CIN) in the return's tables, this year's and last
    year's, in the order the preview lists children: a child's code is its position here."""
    return _children(r)[1]


def child_codes(r, key: str) -> np.ndarray:
    """The code of each row's child in table `key` (empty for a table the input lacks); -1 where blank."""
    return _children(r)[0].get(key, np.zeros(0, dtype=np.int64))


def as_children(r, codes: np.ndarray) -> ChildCodes:
    """Children from their codes (-1: blank), with the return's ids to name them."""
    return ChildCodes(codes, child_ids(r))


def distinct(codes: np.ndarray) -> np.ndarray:
    """The distinct values of an integer array, sorted (np.unique by sorting: numpy 2's np.unique hashes
    integers, many times slower at these sizes)."""
    codes = np.sort(codes)
    keep = np.ones(len(codes), dtype=bool)
    keep[1:] = codes[1:] != codes[:-1]
    return codes[keep]


def names(r, codes: np.ndarray) -> list[str]:
    """The distinct child ids with these codes (blank left out), in display order."""
    codes = distinct(codes)
    return child_ids(r)[codes[codes >= 0]].tolist()


def per_child(r, child: np.ndarray, flag: np.ndarray) -> np.ndarray:
    """By child code: whether any of the rows of that child (codes `child`) has `flag`."""
    out = np.zeros(len(child_ids(r)), dtype=bool)
    out[child[flag & (child >= 0)]] = True
    return out


def first_rows(r, child: np.ndarray) -> np.ndarray:
    """By child code, and a last slot for blank: the position of the child's first row (codes `child`),
    -1 where it has none. Index it with codes."""
    order = np.argsort(child, kind="stable")
    kid = child[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = kid[1:] != kid[:-1]
    out = np.full(len(child_ids(r)) + 1, -1)
    out[kid[first]] = order[first]
    out[-1] = -1
    return out


def last_per_child(child: np.ndarray) -> np.ndarray:
    """Positions of each child's last row, in row order; rows with a blank id (-1) count as one more
    child, as DataFrame.drop_duplicates(keep="last") counts them."""
    order = np.argsort(child, kind="stable")
    kid = child[order]
    last = np.ones(len(order), dtype=bool)
    last[:-1] = kid[1:] != kid[:-1]
    return np.sort(order[last])


def one_per_child(child: np.ndarray, date: np.ndarray, rows: np.ndarray, keep: str) -> np.ndarray:
    """Of the positions `rows`, the one of each child (codes `child`) with the earliest (keep="first")
    or latest (keep="last") `date`, a missing date counting as the earliest; ties go to the first (or
    last) row. In child order."""
    order = rows[np.lexsort((date[rows].view("int64"), child[rows]))]  # stable: row order on ties
    kid = child[order]
    edge = np.ones(len(order), dtype=bool)  # each child's first (or last) in that order
    if keep == "first":
        edge[1:] = kid[1:] != kid[:-1]
    else:
        edge[:-1] = kid[1:] != kid[:-1]
    return order[edge]


def _first_in_group(valid: np.ndarray, group_start: np.ndarray) -> np.ndarray:
    """Per group of consecutive positions (a group begins where group_start is True): the position of
    its first True in `valid`, -1 when it has none (as groupby "first", which skips missing values)."""
    n = len(valid)
    if not n:
        return np.zeros(0, dtype=np.int64)
    first = np.minimum.reduceat(np.where(valid, np.arange(n), n), np.flatnonzero(group_start))
    return np.where(first < n, first, -1)


# ====================================================================== SSDA903


@_cached
def episodes_903(r, suffix, year) -> pd.DataFrame:
    """Every Episodes row (same index): child (code), DECOM_date, DEC_date, and
    short_break, dec_blank, usable (CHILD and DECOM date given), rne_s (RNE S), rec_x1 (REC X1),
    in_year (overlaps the year), open_at_end (open non-short-break episode at 31 March), and for
    usable non-short-break episodes the period of care: in_period (the episode is in one),
    period_first (it starts one), period_start, period_cin (the row whose CIN is the first given in
    the period, -1 for none), period_truncated (the period's first episode is the child's first in
    the file and the first RNE given in the period is not S, i.e. it began before the file's
    history), previous (position of the episode this one continues, -1 for a period's first),
    placement_change (a counted move within the period) and new_placement (the episode starts a
    counted placement). Text columns: validator.derive.text(r, "Episodes" + suffix, column).
    """
    key = "Episodes" + suffix
    n = len(r.table(key))
    child = child_codes(r, key)
    decom, dec = array(r, key, "DECOM_date"), array(r, key, "DEC_date")
    rne, place = text(r, key, "RNE"), text(r, key, "PLACE")
    rne_s, rec_x1 = rne.eq("S"), text(r, key, "REC").eq("X1")
    short_break = text(r, key, "LS").isin(SHORT_BREAKS)
    dec_blank = text(r, key, "DEC").blank
    usable = (child >= 0) & ~np.isnat(decom)

    # periods of care: each child's usable non-short-break episodes in DECOM order (row order on ties)
    rows = np.flatnonzero(usable & ~short_break)
    rows = rows[np.lexsort((decom[rows], child[rows]))]
    before = rows[np.maximum(np.arange(len(rows)) - 1, 0)]  # the episode before in that order
    first_of_child = np.ones(len(rows), dtype=bool)
    first_of_child[1:] = child[rows[1:]] != child[rows[:-1]]
    continues = ~first_of_child & rec_x1[before]
    if PERIOD_NEEDS_SAME_DAY:
        continues &= dec[before] == decom[rows]
    period = np.cumsum(~continues)
    head = np.flatnonzero(~continues)[period - 1]  # position of each episode's period head
    cin_given = _first_in_group(text(r, key, "CIN").given[rows], ~continues)[period - 1]
    rne_given = _first_in_group(rne.given[rows], ~continues)[period - 1]
    not_s = (rne_given >= 0) & ~rne_s[rows[rne_given]]
    temporary = place.isin(TEMPORARY_PLACES)
    change = (rne.isin(PLACEMENT_CHANGE_RNE)[rows] & continues & ~temporary[rows] & ~temporary[before]
              & ~place.isin(SAME_CARER_ADOPTION)[rows])

    def spread(values: np.ndarray, fill):  # one value per period episode -> a column for every row
        col = np.full(n, fill, dtype=values.dtype)
        col[rows] = values
        return col

    start, end = np.datetime64(year.start), np.datetime64(year.end)
    return pd.DataFrame({
        "child": child, "DECOM_date": decom, "DEC_date": dec,
        "short_break": short_break, "dec_blank": dec_blank, "usable": usable, "rne_s": rne_s, "rec_x1": rec_x1,
        "in_year": (decom <= end) & (dec_blank | (dec >= start)),
        "open_at_end": dec_blank & ~short_break & (child >= 0) & ~(decom > end),
        "in_period": spread(np.ones(len(rows), dtype=bool), False),
        "period_first": spread(~continues, False),
        "period_start": spread(decom[rows[head]], np.datetime64("NaT")),
        "period_cin": spread(np.where(cin_given >= 0, rows[cin_given], -1), -1),
        "period_truncated": spread(first_of_child[head] & not_s, False),
        "previous": spread(np.where(continues, before, -1), -1),
        "placement_change": spread(change, False),
        "new_placement": spread(~continues | change, False),
    }, index=r.table(key).index)


@_cached
def children_903(r, suffix, year) -> pd.DataFrame:
    """One row per child code (row i = code i): header_row (position of the child's first Header row,
    -1 without one), DOB_date (from it), age_end (age at 31 March) and uasc_end (UASC at 31 March: in
    the UASC table - or with the XML flag 1 - and DUC blank or after 31 March [I])."""
    first = first_rows(r, child_codes(r, "Header" + suffix))[:-1]
    dob = array(r, "Header" + suffix, "DOB_date")
    dob = np.append(dob, np.datetime64("NaT")).astype("datetime64[ns]")[first]  # -1 takes NaT
    uasc = "UASC" + suffix
    uc = child_codes(r, uasc)
    duc = array(r, uasc, "DUC_date")
    ceased_uasc = np.append(duc <= np.datetime64(year.end), False)[first_rows(r, uc)[:-1]]
    flag = text(r, "Header" + suffix, "UASC") if "UASC" in r.table("Header" + suffix).columns else None
    if flag is not None and flag.given.any():
        listed = np.append(flag.eq("1"), False)[first]
    else:
        listed = per_child(r, uc, np.ones(len(uc), dtype=bool))
    return pd.DataFrame({"header_row": first, "DOB_date": dob, "age_end": age(dob, year.end),
                         "uasc_end": listed & ~ceased_uasc})


@_cached
def placements_in_year(r, suffix, year) -> np.ndarray:
    """By child code: placements the child had in the year (see module doc); 0 for children with no
    non-short-break episode in the year."""
    e = episodes_903(r, suffix, year)
    child = e["child"].to_numpy()
    decom, dec = e["DECOM_date"].to_numpy(), e["DEC_date"].to_numpy()
    ok = e["usable"].to_numpy() & ~e["short_break"].to_numpy()
    held = per_child(r, child, ok & (decom < np.datetime64(year.start))
                     & (e["dec_blank"].to_numpy() | (dec >= np.datetime64(year.start))))
    new = ok & e["new_placement"].to_numpy() & between(decom, year.start, year.end)
    return held + np.bincount(child[new], minlength=len(held))


@_cached
def continuously_looked_after(r, suffix, year) -> np.ndarray:
    """By child code: looked after continuously for 12 months at 31 March (OC2 cohort; DfE's 2021-22
    validation definition [C]): looked after at some point in the year, every episode's dates
    readable, and no episode that starts after 1 April (to 31 March) with RNE S, ends on or after 1
    April and before 31 March with REC other than X1 (blank included), or is a V3/V4 episode
    overlapping the year."""
    e = episodes_903(r, suffix, year)
    start, end = np.datetime64(year.start), np.datetime64(year.end)
    decom, dec = e["DECOM_date"].to_numpy(), e["DEC_date"].to_numpy()
    enters = e["rne_s"].to_numpy() & (decom > start) & (decom <= end)
    leaves = ~e["rec_x1"].to_numpy() & (dec >= start) & (dec < end)
    in_year = e["in_year"].to_numpy()
    breaks = enters | leaves | (e["short_break"].to_numpy() & in_year)
    unreadable = np.isnat(decom) | (~e["dec_blank"].to_numpy() & np.isnat(dec))
    child = e["child"].to_numpy()
    return per_child(r, child, in_year) & ~per_child(r, child, breaks | unreadable)


@_cached
def short_break_only(r, suffix, year) -> np.ndarray:
    """By child code: the child's episodes in the year are all V3/V4 (and there is at least one)."""
    e = episodes_903(r, suffix, year)
    child, in_year, short_break = e["child"].to_numpy(), e["in_year"].to_numpy(), e["short_break"].to_numpy()
    return per_child(r, child, in_year) & ~per_child(r, child, in_year & ~short_break)


# ====================================================================== CIN


@_cached
def cin_episodes(r, suffix, year) -> pd.DataFrame:
    """Every CINdetails row (same index): child (code), CINreferralDate_date, CINclosureDate_date, nfa,
    not_in_need, of_need (an episode of need), open_at_end, referral_in_year, closure_in_year,
    open_at_start (referral before 1 April, closure blank or on or after 1 April). Text columns:
    validator.derive.text(r, "CINdetails" + suffix, column)."""
    key = "CINdetails" + suffix
    t = r.table(key)
    start = np.datetime64(year.start)
    referral, closure = array(r, key, "CINreferralDate_date"), array(r, key, "CINclosureDate_date")
    nfa = _truthy(t["ReferralNFA"]).to_numpy(dtype=bool, na_value=False)
    not_in_need = text(r, key, "PrimaryNeedCode").isin(NOT_IN_NEED_PRIMARY) | text(r, key, "ReasonForClosure").isin(
        NOT_IN_NEED_CLOSURE)
    closure_blank = t["CINclosureDate"].isna().to_numpy()
    return pd.DataFrame({
        "child": child_codes(r, key), "CINreferralDate_date": referral, "CINclosureDate_date": closure, "nfa": nfa,
        "not_in_need": not_in_need, "of_need": ~nfa & ~not_in_need,
        "open_at_end": (referral <= np.datetime64(year.end)) & closure_blank,
        "referral_in_year": between(referral, year.start, year.end), "closure_in_year": between(closure, year.start, year.end),
        "open_at_start": (referral < start) & (closure_blank | (closure >= start)),
    }, index=t.index)


@_cached
def cin_children(r, suffix, year) -> pd.DataFrame:
    """One row per child code (row i = code i), from the child's first ChildIdentifiers row (-1 and blank
    without one): identifiers_row, characteristics_row (the child's first ChildCharacteristics row, for
    children with ChildIdentifiers), sex (Sex, else GenderCurrent), age_end (age at 31 March, NaN
    when no birth date) and unborn (only an expected birth date is given [I])."""
    key = "ChildIdentifiers" + suffix
    c = r.table(key)
    first = first_rows(r, child_codes(r, key))[:-1]
    sex = c["Sex"] if "Sex" in c.columns else pd.Series(pd.NA, index=c.index, dtype="string")
    if "GenderCurrent" in c.columns:
        sex = sex.fillna(c["GenderCurrent"])
    unborn = text(r, key, "PersonBirthDate").blank & text(r, key, "ExpectedPersonBirthDate").given
    characteristics = first_rows(r, child_codes(r, "ChildCharacteristics" + suffix))[:-1]
    dob = np.append(array(r, key, "PersonBirthDate_date"), np.datetime64("NaT")).astype("datetime64[ns]")[first]
    return pd.DataFrame({"identifiers_row": first, "characteristics_row": np.where(first >= 0, characteristics, -1),
                         "sex": np.append(sex.to_numpy(dtype=object, na_value=None), None)[first],
                         "age_end": age(dob, year.end), "unborn": np.append(unborn, False)[first]})


@_cached
def assessments(r, suffix, year) -> pd.DataFrame:
    """Assessments with child (code), completed_in_year (authorisation date in the year) and working_days
    (start day = day 0; NaN when either date is missing, negative when authorised before it started)."""
    a = r.table("Assessments" + suffix)
    return a.assign(child=child_codes(r, "Assessments" + suffix),
                    completed_in_year=between(a["AssessmentAuthorisationDate_date"].to_numpy(), year.start, year.end),
                    working_days=working_days_after(a["AssessmentActualStartDate_date"], a["AssessmentAuthorisationDate_date"]))


@_cached
def section47(r, suffix, year) -> pd.DataFrame:
    """Section47 with child (code), s47_in_year (start in the year), icpc_in_year (DateOfInitialCPC in the
    year) and icpc_working_days (S47 start -> ICPC; NaN when either is missing or the ICPC precedes the
    S47)."""
    s = r.table("Section47" + suffix)
    wd = working_days_after(s["S47ActualStartDate_date"], s["DateOfInitialCPC_date"])
    return s.assign(child=child_codes(r, "Section47" + suffix),
                    s47_in_year=between(s["S47ActualStartDate_date"].to_numpy(), year.start, year.end),
                    icpc_in_year=between(s["DateOfInitialCPC_date"].to_numpy(), year.start, year.end),
                    icpc_working_days=wd.where(wd >= 0))


@_cached
def plans(r, suffix, year) -> pd.DataFrame:
    """ChildProtectionPlans with child (code), started_in_year, ended_in_year, open_at_end (start on or
    before 31 March, end blank), duration_days (end - start for ended plans) and previous_plan (the
    child had an earlier plan: NumberOfPreviousCPP > 0, or another plan in this file or last year's
    file that started before this one [I])."""
    key = "ChildProtectionPlans" + suffix
    p = r.table(key)
    child = child_codes(r, key)
    start = p["CPPstartDate_date"].to_numpy().astype("datetime64[ns]")
    end = p["CPPendDate_date"].to_numpy()
    # each child's earliest plan start, here and (for this year) in last year's file
    kids, starts = [child], [start]
    if suffix == "":
        last = "ChildProtectionPlans" + LAST
        kids.append(child_codes(r, last))
        starts.append(r.table(last)["CPPstartDate_date"].to_numpy().astype("datetime64[ns]"))
    kids, starts = np.concatenate(kids), np.concatenate(starts)
    dated = np.flatnonzero((kids >= 0) & ~np.isnat(starts))
    first = one_per_child(kids, starts, dated, keep="first")
    earliest = np.full(len(child_ids(r)) + 1, np.datetime64("NaT"), dtype="datetime64[ns]")  # last slot: blank
    earliest[kids[first]] = starts[first]
    earlier_plan = earliest[child] < start  # NaT compares False
    return p.assign(
        child=child, started_in_year=between(start, year.start, year.end), ended_in_year=between(end, year.start, year.end),
        open_at_end=(start <= np.datetime64(year.end)) & p["CPPendDate"].isna().to_numpy(),
        duration_days=days(start, end),
        previous_plan=(p["NumberOfPreviousCPP_num"] > 0).to_numpy(dtype=bool, na_value=False) | earlier_plan)


__all__ = ["episodes_903", "children_903", "placements_in_year", "continuously_looked_after", "short_break_only",
           "cin_episodes", "cin_children", "assessments", "section47", "plans", "year_for", "child_ids", "child_codes",
           "names", "ChildCodes", "SHORT_BREAKS", "ADOPTED", "SGO"]
