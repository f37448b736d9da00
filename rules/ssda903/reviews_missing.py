"""SSDA903 rules on the Reviews and Missing tables, alone and against Header and Episodes.

Missing: one row per period the child was missing (M) or away without authorisation (A);
MIS_END blank = still missing/away. Periods of care come from
validator.derive.ssda903_adoption (a period continues while episodes end with REC X1).
Dates that are given but are not dates are reported by 166 / 1004 / 1005 and skipped elsewhere.
"""

import pandas as pd

from rules.common import missing_or_not_in
from rules.ssda903 import rule
from validator.derive import invalid_date
from validator.derive.ssda903 import age_at, episodes, header_dob
from validator.derive import lookup
from validator.derive.ssda903_adoption import periods


def _missing(r) -> pd.DataFrame:
    m = r.table("Missing")
    m["row"] = m.index
    return m


def _with_periods(r) -> pd.DataFrame:
    """Every pairing of a Missing row (label `row`) with a period of care of the same child."""
    p = periods(r)[["CHILD", "period_start", "period_end", "starts_with_s", "first_in_file", "last_row", "last_rec"]]
    return _missing(r).merge(p, on="CHILD", how="inner")


def _flag_missing(r, labels) -> pd.Series:
    m = r.table("Missing")
    return pd.Series(m.index.isin(pd.Index(labels)), index=m.index)


# --- Reviews --------------------------------------------------------------------------------


@rule("167")
def review_code_not_valid(r):
    """Reviews.REVIEW_CODE must be present and one of PN0-PN7."""
    t = r.table("Reviews")
    return {"Reviews": missing_or_not_in(t["REVIEW_CODE"], r.codes("REVIEW_CODE"))}


@rule("166")
def review_date_not_valid(r):
    """Reviews.REVIEW must be a real date written dd/mm/yyyy; blank is flagged too."""
    t = r.table("Reviews")
    return {"Reviews": t["REVIEW"].isna() | invalid_date(r, "Reviews", "REVIEW")}


def _age_at_review(r) -> pd.Series:
    """Age in whole years on the review date, from Reviews.DOB (Header.DOB when Reviews.DOB is
    blank or not a date); NaN when either date is unusable."""
    t = r.table("Reviews")
    dob = t["DOB_date"].fillna(lookup(t["CHILD"], header_dob(r)))
    return age_at(dob, t["REVIEW_date"])


@rule("440")
def pn0_but_aged_four(r):
    """REVIEW_CODE PN0 (child under 4) on a review held when the child was 4 or older (age in
    whole years on the review date: the review on the 4th birthday is at age 4 and is flagged)."""
    t = r.table("Reviews")
    return {"Reviews": t["REVIEW_CODE"].eq("PN0").fillna(False) & (_age_at_review(r) >= 4)}


@rule("441")
def participation_but_under_four(r):
    """REVIEW_CODE PN1-PN7 (child 4 or over) on a review held before the child's 4th birthday."""
    t = r.table("Reviews")
    codes = [c for c in r.codes("REVIEW_CODE") if c != "PN0"]
    return {"Reviews": t["REVIEW_CODE"].isin(codes) & (_age_at_review(r) < 4)}


@rule("399")
def short_breaks_with_mother_or_reviews(r):
    """A child looked after only under short-break legal statuses (every episode in the file has
    LS V3 or V4) must have no MOTHER value and no Reviews rows. Flags the child's episodes, the
    Header row when MOTHER is given, and the child's Reviews rows with a REVIEW or REVIEW_CODE
    given. A child with any other legal status in the year is not checked."""
    e = r.table("Episodes")
    only_breaks = e["LS"].isin(["V3", "V4"]).groupby(e["CHILD"]).all()
    breaks = set(only_breaks.index[only_breaks])
    h = r.table("Header")
    t = r.table("Reviews")
    bad_h = h["CHILD"].isin(breaks) & h["MOTHER"].notna()
    bad_t = t["CHILD"].isin(breaks) & (t["REVIEW"].notna() | t["REVIEW_CODE"].notna())
    children = set(h.loc[bad_h, "CHILD"]) | set(t.loc[bad_t, "CHILD"])
    return {"Episodes": e["CHILD"].isin(children), "Header": bad_h, "Reviews": bad_t}


# --- Missing alone --------------------------------------------------------------------------


@rule("1006")
def missing_type_not_valid(r):
    """Missing.MISSING must be M (missing) or A (away from placement without authorisation)."""
    t = r.table("Missing")
    return {"Missing": missing_or_not_in(t["MISSING"], r.codes("MISSING"))}


@rule("1004")
def mis_start_not_valid(r):
    """Missing.MIS_START must be a real date written dd/mm/yyyy; blank is flagged too."""
    m = r.table("Missing")
    return {"Missing": m["MIS_START"].isna() | invalid_date(r, "Missing", "MIS_START")}


@rule("1005")
def mis_end_not_valid(r):
    """Missing.MIS_END, where given, must be a real date written dd/mm/yyyy (blank = still
    missing/away)."""
    return {"Missing": invalid_date(r, "Missing", "MIS_END")}


@rule("564")
def missing_without_start(r):
    """Rows with MISSING given (any value; its code is rule 1006's) and MIS_START blank."""
    m = r.table("Missing")
    return {"Missing": m["MISSING"].notna() & m["MIS_START"].isna()}


@rule("565")
def start_without_missing_type(r):
    """Rows with MIS_START given and MISSING blank."""
    m = r.table("Missing")
    return {"Missing": m["MIS_START"].notna() & m["MISSING"].isna()}


@rule("566")
def end_without_missing_type(r):
    """Rows with MIS_END given and MISSING blank."""
    m = r.table("Missing")
    return {"Missing": m["MIS_END"].notna() & m["MISSING"].isna()}


@rule("567")
def end_before_start(r):
    """MIS_END before MIS_START on the same row (same day passes)."""
    m = r.table("Missing")
    return {"Missing": m["MIS_END_date"] < m["MIS_START_date"]}


@rule("570")
def start_after_year(r):
    """MIS_START after 31 March of the collection year."""
    m = r.table("Missing")
    return {"Missing": m["MIS_START_date"] > r.year.end}


@rule("571")
def end_outside_year(r):
    """MIS_END before 1 April or after 31 March of the collection year (both days are inside)."""
    m = r.table("Missing")
    return {"Missing": (m["MIS_END_date"] < r.year.start) | (m["MIS_END_date"] > r.year.end)}


@rule("586")
def missing_before_birth(r):
    """MIS_START before the child's date of birth (Missing.DOB; Header.DOB when Missing.DOB is
    blank or not a date). Starting on the day of birth is not before it and passes."""
    m = r.table("Missing")
    dob = m["DOB_date"].fillna(lookup(m["CHILD"], header_dob(r)))
    return {"Missing": m["MIS_START_date"] < dob}


@rule("574")
def missing_periods_overlap(r):
    """A child's missing/away periods must not overlap and a new one must not start while an
    earlier one is open. Periods are ordered by MIS_START (file order on a tie); flags a period
    that starts while any earlier period of the child is open (MIS_END blank) or before the latest
    MIS_END of the earlier periods. A new period starting on the day the previous one ended
    passes. Rows whose MIS_START is not a date are not ordered; an earlier MIS_END that is given
    but not a date is not compared."""
    m = _missing(r)
    m = m[m["MIS_START_date"].notna()].sort_values(["CHILD", "MIS_START_date", "row"], kind="stable")
    child = m["CHILD"]
    open_ = m["MIS_END"].isna().astype("int64")
    earlier_open = (open_.groupby(child).cumsum() - open_).gt(0)
    latest_end_before = m["MIS_END_date"].groupby(child).cummax().groupby(child).shift(1)
    bad = earlier_open | (m["MIS_START_date"] < latest_end_before)
    return {"Missing": _flag_missing(r, m.index[bad])}


# --- Missing against Episodes ---------------------------------------------------------------


@rule("575")
def placement_ended_missing_open(r):
    """If the placement the child went missing from ends, the missing period must have an end
    date. Flags open Missing rows (MIS_END blank) whose MIS_START falls inside an episode that has
    a DEC, unless the next episode is a change of legal status only (RNE L: the placement goes
    on). Inside = on or after DECOM and on or before DEC; when the next episode starts on that DEC,
    a MIS_START on the DEC belongs to the next placement and is not counted."""
    e = episodes(r)
    ended = e[e["DEC_date"].notna() & e["DECOM_date"].notna() & e["next_RNE"].ne("L").fillna(True)]
    ended = ended[["CHILD", "DECOM_date", "DEC_date", "next_DECOM_date"]]
    m = _missing(r)
    pairs = m[m["MIS_END"].isna()].merge(ended, on="CHILD", how="inner")
    start = pairs["MIS_START_date"]
    inside = (start >= pairs["DECOM_date"]) & (
        (start < pairs["DEC_date"]) | ((start == pairs["DEC_date"]) & (pairs["next_DECOM_date"] != pairs["DEC_date"])))
    return {"Missing": _flag_missing(r, pairs.loc[inside, "row"])}


@rule("576")
def open_last_year_not_continued(r):
    """A missing/away period open at the end of last year's return (MIS_END blank) must be
    recorded again this year with the same MIS_START, for a child who is in this year's Episodes.
    Flags last year's open row (Missing_last) and, where the child has Missing rows this year,
    their earliest one (by MIS_START). Open rows last year whose MIS_START is not a date are not
    compared."""
    last = r.table("Missing_last")
    last = last.assign(lrow=last.index)
    last = last[last["MIS_END"].isna() & last["MIS_START_date"].notna()]
    last = last[last["CHILD"].isin(r.table("Episodes")["CHILD"])]
    m = _missing(r)
    key_now = m["CHILD"].astype("string") + "|" + m["MIS_START_date"].astype("string")
    key_last = last["CHILD"].astype("string") + "|" + last["MIS_START_date"].astype("string")
    bad_last = last[~key_last.isin(key_now)]
    earliest = m[m["MIS_START_date"].notna()].sort_values(["CHILD", "MIS_START_date", "row"], kind="stable")
    earliest = earliest.drop_duplicates("CHILD", keep="first")
    lt = r.table("Missing_last")
    return {"Missing_last": lt.index.isin(bad_last["lrow"]),
            "Missing": _flag_missing(r, earliest.loc[earliest["CHILD"].isin(bad_last["CHILD"]), "row"])}


@rule("577")
def ceased_while_missing_open(r):
    """A child who ceased to be looked after must not have an open missing/away period from before
    that: flags Missing rows with MIS_END blank and a MIS_START on or before the end of one of the
    child's periods of care (the DEC of its last episode, whose REC is not X1). Open periods that
    started after the child left care are rule 578's."""
    pairs = _with_periods(r)
    ended = pairs["period_end"].notna() & pairs["last_rec"].ne("X1").fillna(True)
    bad = pairs["MIS_END"].isna() & ended & (pairs["MIS_START_date"] <= pairs["period_end"]) & (
        pairs["MIS_START_date"] >= pairs["period_start"])
    return {"Missing": _flag_missing(r, pairs.loc[bad, "row"])}


def _outside_care(r) -> pd.DataFrame:
    """Missing rows (with a MIS_START date) paired with the child's periods of care, keeping only
    rows whose MIS_START is inside none of them (start to end inclusive; open periods have no
    end)."""
    pairs = _with_periods(r)
    pairs = pairs[pairs["MIS_START_date"].notna()]
    start = pairs["MIS_START_date"]
    inside = (start >= pairs["period_start"]) & (pairs["period_end"].isna() | (start <= pairs["period_end"]))
    in_any = inside.groupby(pairs["row"]).transform("any")
    return pairs[~in_any]


@rule("578")
def missing_after_leaving_care(r):
    """MIS_START after the child ceased to be looked after: flags Missing rows whose MIS_START is
    inside none of the child's periods of care and after the end of one of them (a day after the
    DEC of a period's last episode; the day of leaving care itself passes)."""
    pairs = _outside_care(r)
    after = pairs["period_end"].notna() & (pairs["MIS_START_date"] > pairs["period_end"])
    return {"Missing": _flag_missing(r, pairs.loc[after, "row"])}


@rule("581")
def missing_before_care_started(r):
    """Child missing but not yet looked after: flags Missing rows whose MIS_START is before the
    start of the child's earliest period of care in the file, when that period's first episode
    has RNE = S (a real start of care). When the file's first episode continues a period from an
    earlier year, the start of care is unknown and the row is not flagged."""
    pairs = _outside_care(r)
    before = pairs["first_in_file"] & pairs["starts_with_s"] & (pairs["MIS_START_date"] < pairs["period_start"])
    return {"Missing": _flag_missing(r, pairs.loc[before, "row"])}


@rule("580")
def missing_at_18_not_e8(r):
    """A child whose missing/away period ends on their 18th birthday, the day their episode ends
    (MIS_END = DEC = 18th birthday), left care while missing: that episode's REC must be E8.
    Flags the episode. The 18th-birthday condition follows DfE's rule logic as carried by the
    public validator; DfE's message itself only says "missing when ceasing to be looked after".
    DOB from Missing.DOB, or Header.DOB when that is blank or not a date."""
    m = _missing(r)
    dob = m["DOB_date"].fillna(lookup(m["CHILD"], header_dob(r)))
    m["bd18"] = dob + pd.DateOffset(years=18)
    m = m[m["MIS_END_date"].notna() & (m["MIS_END_date"] == m["bd18"])]
    e = r.table("Episodes")
    e = e.assign(ep_row=e.index)
    pairs = e[e["DEC_date"].notna()].merge(m[["CHILD", "MIS_END_date"]], on="CHILD", how="inner")
    bad = (pairs["DEC_date"] == pairs["MIS_END_date"]) & pairs["REC"].ne("E8").fillna(True)
    return {"Episodes": e.index.isin(pairs.loc[bad, "ep_row"])}
