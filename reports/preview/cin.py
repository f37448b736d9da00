"""CIN census preview: DfE's children-in-need headline figures and tables (derived_measures.md 2.2).

Children are LAchildID. Units differ by measure, as DfE publishes them (the report shows the unit):
  cin_at_31_march        children with an open episode of need at 31 March (referral on or before
                         31 March, closure blank; NFA referrals and N9/RC8/RC9 episodes are not
                         episodes of need) [C, I signal]
  referrals_in_year      referrals (CINdetails) with CINreferralDate in the year, each counted, NFA
                         referrals included [C]
  re_referrals_within_12_months  referrals in the year whose child had an earlier referral at most
                         RE_REFERRAL_MAX_DAYS (365) days before (from this census and last year's when
                         given); the share is of referrals_in_year [C, I window]
  assessments_completed  assessments with AssessmentAuthorisationDate in the year, each counted [C]
  assessments_within_45_working_days  of those, the ones whose duration (working days after the start,
                         start day = day 0, so same day = 0) is 0..45: DfE's bands "same day" to
                         "41-45" [C bands, I counting]; the share is of completed assessments with a
                         readable, non-negative duration
  section_47_enquiries   Section47 rows with S47ActualStartDate in the year, each counted [C]
  icpcs                  Section47 rows with DateOfInitialCPC in the year, each counted; an episode-level
                         DateOfInitialCPC without a Section 47 (transfer-in conference) is summarised
                         separately (INCLUDE_TRANSFER_IN_ICPCS) [C]
  icpcs_within_15_working_days  ICPCs in the year held 0..15 working days after the S47 start; ICPCs
                         before their S47 are left out of the durations but still counted as ICPCs;
                         share = (0-10 + 11-15) / ICPCs with a valid duration [C, I formula]
  cpp_started / cpp_ended  plans starting / ending in the year, each counted [C]
  cpp_at_31_march        children with a plan open at 31 March (start on or before, end blank) [I]
  cpp_second_or_subsequent  children starting a plan in the year who had an earlier plan: that plan's
                         NumberOfPreviousCPP > 0, or an earlier plan start in this census or last
                         year's [C measure, I mapping]; the share is of children starting a plan
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from reports.preview import (AGE_EDGES, AGE_NAMES, Cell, Measure, PreviewTable, band_codes, bands, breakdown,
                             category_labels, flag_labels, labelled)
from validator.derive import Text, array, text
from validator.derive import preview as d
from validator.model import LAST

RE_REFERRAL_MAX_DAYS = 365  # [I] "within 12 months": 1..365 days after an earlier referral
WITHIN_ASSESSMENT_DAYS = 45
WITHIN_ICPC_DAYS = 15
INCLUDE_TRANSFER_IN_ICPCS = False

LABELS = {
    "cin_at_31_march": "Children in need at 31 March",
    "referrals_in_year": "Referrals in the year",
    "re_referrals_within_12_months": "Re-referrals within 12 months of a previous referral",
    "assessments_completed": "Assessments completed in the year",
    "assessments_within_45_working_days": "Assessments completed within 45 working days",
    "section_47_enquiries": "Section 47 enquiries started in the year",
    "icpcs": "Initial child protection conferences in the year",
    "icpcs_within_15_working_days": "Initial child protection conferences within 15 working days of the section 47 start",
    "cpp_started": "Child protection plans starting in the year",
    "cpp_ended": "Child protection plans ending in the year",
    "cpp_at_31_march": "Children on a child protection plan at 31 March",
    "cpp_second_or_subsequent": "Children starting a second or subsequent child protection plan",
}
UNITS = {"referrals_in_year": "referrals", "re_referrals_within_12_months": "referrals",
         "assessments_completed": "assessments", "assessments_within_45_working_days": "assessments",
         "section_47_enquiries": "enquiries", "icpcs": "conferences", "icpcs_within_15_working_days": "conferences",
         "cpp_started": "plans", "cpp_ended": "plans"}
GROUPS = {"cin_at_31_march": "Children in need", "referrals_in_year": "Referrals",
          "re_referrals_within_12_months": "Referrals", "assessments_completed": "Assessments",
          "assessments_within_45_working_days": "Assessments", "section_47_enquiries": "Section 47 and ICPC",
          "icpcs": "Section 47 and ICPC", "icpcs_within_15_working_days": "Section 47 and ICPC",
          "cpp_started": "Child protection plans", "cpp_ended": "Child protection plans",
          "cpp_at_31_march": "Child protection plans", "cpp_second_or_subsequent": "Child protection plans"}
DEFINITIONS = {
    "cin_at_31_march": "Open episode of need at 31 March (referral on or before, closure blank; NFA and N9/RC8/RC9 episodes left out).",
    "referrals_in_year": "CINdetails with a referral date in the year; each referral counted (NFA included).",
    "re_referrals_within_12_months": f"Referrals in the year 1 to {RE_REFERRAL_MAX_DAYS} days after the child's previous referral (this and last year's census).",
    "assessments_completed": "Assessments authorised in the year; each counted.",
    "assessments_within_45_working_days": f"Assessments authorised in the year 0 to {WITHIN_ASSESSMENT_DAYS} working days after they started (start day = day 0).",
    "section_47_enquiries": "Section 47 enquiries starting in the year; each counted.",
    "icpcs": "Section 47 records with an initial child protection conference in the year; each counted.",
    "icpcs_within_15_working_days": f"ICPCs in the year 0 to {WITHIN_ICPC_DAYS} working days after the section 47 start (start day = day 0).",
    "cpp_started": "Plans with a start date in the year; each counted.",
    "cpp_ended": "Plans with an end date in the year; each counted.",
    "cpp_at_31_march": "Children with a plan started on or before 31 March and no end date.",
    "cpp_second_or_subsequent": "Children starting a plan in the year who had a plan before (NumberOfPreviousCPP > 0 or an earlier plan in the data).",
}
CONFIDENCE = {"re_referrals_within_12_months": "provisional", "cpp_second_or_subsequent": "inferred",
              "assessments_within_45_working_days": "inferred", "icpcs_within_15_working_days": "inferred",
              "cpp_at_31_march": "inferred", "cin_at_31_march": "inferred"}


# ------------------------------------------------------------------ building blocks
# Row sets are positions in the derived frames of validator.derive.preview; children are their `child`
# codes (d.names lists them).


@d._cached
def _open_episodes(r, suffix, year) -> np.ndarray:
    e = d.cin_episodes(r, suffix, year)
    return np.flatnonzero(e["of_need"].to_numpy() & e["open_at_end"].to_numpy() & (e["child"].to_numpy() >= 0))


@d._cached
def _referrals(r, suffix, year) -> np.ndarray:
    e = d.cin_episodes(r, suffix, year)
    return np.flatnonzero(e["referral_in_year"].to_numpy() & (e["child"].to_numpy() >= 0))


@d._cached
def _re_referrals(r, suffix, year) -> np.ndarray:
    """Of _referrals: whether each is a re-referral, 1 to RE_REFERRAL_MAX_DAYS days after the child's
    latest earlier referral (from this census, and last year's for this year)."""
    e = d.cin_episodes(r, suffix, year)
    child, date = [e["child"].to_numpy()], [e["CINreferralDate_date"].to_numpy()]
    if suffix == "" and r.has("CINdetails" + LAST):
        child.append(d.child_codes(r, "CINdetails" + LAST))
        date.append(array(r, "CINdetails" + LAST, "CINreferralDate_date"))
    child, date = np.concatenate(child), np.concatenate(date)
    # every dated referral of a known child (this year's first), by child and date: the previous referral
    # of a row is the last one of its child before the first row with its date
    known = np.flatnonzero((child >= 0) & ~np.isnat(date))
    order = known[np.lexsort((date[known], child[known]))]
    c, t = child[order], date[order]
    new_date = np.ones(len(order), dtype=bool)
    new_date[1:] = (c[1:] != c[:-1]) | (t[1:] != t[:-1])
    before = np.maximum.accumulate(np.where(new_date, np.arange(len(order)), 0)) - 1
    same_child = (before >= 0) & (c[np.maximum(before, 0)] == c)
    previous = np.full(len(child), np.datetime64("NaT"), dtype=t.dtype)
    previous[order] = np.where(same_child, t[np.maximum(before, 0)], np.datetime64("NaT"))
    refs = _referrals(r, suffix, year)
    days = d.days(previous[refs], date[refs])
    return (days >= 1) & (days <= RE_REFERRAL_MAX_DAYS)


@d._cached
def _completed(r, suffix, year) -> np.ndarray:
    return np.flatnonzero(d.assessments(r, suffix, year)["completed_in_year"].to_numpy())


@d._cached
def _icpcs(r, suffix, year) -> np.ndarray:
    return np.flatnonzero(d.section47(r, suffix, year)["icpc_in_year"].to_numpy())


def measures(r, suffix: str, year) -> list[Measure]:
    e = d.cin_episodes(r, suffix, year)
    refs = e["child"].to_numpy()[_referrals(r, suffix, year)]
    re_refs = refs[_re_referrals(r, suffix, year)]
    a = d.assessments(r, suffix, year)
    done = _completed(r, suffix, year)
    wd = a["working_days"].to_numpy()[done]
    timed = wd >= 0
    within45 = timed & (wd <= WITHIN_ASSESSMENT_DAYS)
    done = a["child"].to_numpy()[done]
    s = d.section47(r, suffix, year)
    s47 = s["child"].to_numpy()[s["s47_in_year"].to_numpy()]
    icpc = _icpcs(r, suffix, year)
    icpc_wd = s["icpc_working_days"].to_numpy()[icpc]
    icpc_timed = ~np.isnan(icpc_wd)
    within15 = icpc_timed & (icpc_wd <= WITHIN_ICPC_DAYS)
    icpc = s["child"].to_numpy()[icpc]
    icpc_kids = icpc
    if INCLUDE_TRANSFER_IN_ICPCS:
        icpc_kids = np.concatenate([icpc, e["child"].to_numpy()[_transfer_in_icpcs(r, suffix, year)]])
    p = d.plans(r, suffix, year)
    plan_kid = p["child"].to_numpy()
    started, ended = p["started_in_year"].to_numpy(), p["ended_in_year"].to_numpy()
    values = {  # children (codes, one per row counted), count (None: the children), denominator
        "cin_at_31_march": (e["child"].to_numpy()[_open_episodes(r, suffix, year)], None, None),
        "referrals_in_year": (refs, len(refs), None),
        "re_referrals_within_12_months": (re_refs, len(re_refs), len(refs)),
        "assessments_completed": (done, len(done), None),
        "assessments_within_45_working_days": (done[within45], int(within45.sum()), int(timed.sum())),
        "section_47_enquiries": (s47, len(s47), None),
        "icpcs": (icpc_kids, len(icpc_kids), None),
        "icpcs_within_15_working_days": (icpc[within15], int(within15.sum()), int(icpc_timed.sum())),
        "cpp_started": (plan_kid[started], int(started.sum()), None),
        "cpp_ended": (plan_kid[ended], int(ended.sum()), None),
        "cpp_at_31_march": (plan_kid[p["open_at_end"].to_numpy()], None, None),
        "cpp_second_or_subsequent": (plan_kid[started & p["previous_plan"].to_numpy()], None,
                                     len(d.names(r, plan_kid[started]))),
    }
    out = []
    for k, (kids, n, den) in values.items():
        kids = d.names(r, kids)
        out.append(Measure(id=k, label=LABELS[k], value=len(kids) if n is None else int(n), children=kids,
                           denominator=den, definition=DEFINITIONS[k], group=GROUPS[k], unit=UNITS.get(k, "children"),
                           confidence=CONFIDENCE.get(k, "confirmed")))
    return out


def _key(*cols: np.ndarray) -> np.ndarray:
    """One int64 per row for a combination of non-negative integer key columns (aligned arrays)."""
    dims = [int(c.max()) + 1 if len(c) else 1 for c in cols]
    return np.ravel_multi_index(cols, dims) if len(cols[0]) else np.zeros(0, dtype=np.int64)


def _transfer_in_icpcs(r, suffix, year) -> np.ndarray:
    """CINdetails rows with an episode-level DateOfInitialCPC in the year and no Section 47 record."""
    details, s47 = "CINdetails" + suffix, "Section47" + suffix
    n = len(r.table(details))
    key = _key(*[np.concatenate([array(r, details, k), array(r, s47, k)]).astype(np.int64) for k in ("ChildSeq", "CINdetailsID")])
    has_s47 = np.isin(key[:n], key[n:])
    return np.flatnonzero(d.between(array(r, details, "DateOfInitialCPC_date"), year.start, year.end) & ~has_s47)


# ------------------------------------------------------------------ tables


_ASSESS_BANDS = ([-0.5, 0.5, 10.5, 20.5, 30.5, 40.5, 45.5, 50.5, 60.5, 1e9],
                 ["Same day", "1 to 10", "11 to 20", "21 to 30", "31 to 40", "41 to 45", "46 to 50", "51 to 60", "61 or more"])
_ICPC_BANDS = ([-0.5, 10.5, 15.5, 20.5, 1e9], ["0 to 10", "11 to 15", "16 to 20", "21 or more"])
_SPAN_NAMES = ["3 months or less", "Over 3 months to 6 months", "Over 6 months to under 1 year", "1 year to under 2 years",
               "2 years or more"]


def _add_months(dates: np.ndarray, months: int) -> np.ndarray:
    """Dates (midnight) plus calendar months, the day kept or cut to the month's last (pd.DateOffset)."""
    month = dates.astype("datetime64[M]")
    day = dates - month.astype(dates.dtype)
    target = month + months
    last_day = (target + 1).astype(dates.dtype) - np.timedelta64(1, "D")
    return np.minimum(target.astype(dates.dtype) + day, last_day)


def _span_band(start: np.ndarray, end) -> pd.Categorical:
    """Calendar bands of end - start (`end` dates aligned with `start`, or one date): <= 3 months, > 3 to
    <= 6 months, > 6 months to < 1 year, 1 to < 2 years, 2 years or more; blank when either date is
    missing or end < start."""
    end = np.broadcast_to(np.asarray(end, dtype=start.dtype), start.shape)
    band = np.select([end <= _add_months(start, 3), end <= _add_months(start, 6), end < _add_months(start, 12),
                      end < _add_months(start, 24)], [0, 1, 2, 3], 4)
    return labelled(np.where(end >= start, band, -1), _SPAN_NAMES)  # NaT compares False: blank


def tables(r) -> list[PreviewTable]:
    y = r.year
    kids = d.cin_children(r, "", y)
    e = d.cin_episodes(r, "", y)
    child = e["child"].to_numpy()

    def col(name: str, rows: np.ndarray) -> np.ndarray:  # an episodes column at these rows
        return e[name].to_numpy()[rows]

    def details(column: str, rows: np.ndarray) -> Text:  # a CINdetails text column at these rows
        return text(r, "CINdetails", column).take(rows)

    def who(codes: np.ndarray) -> d.ChildCodes:
        return d.as_children(r, codes)

    out: list[PreviewTable] = []
    g = "Children in need"
    # A1/B2: children in need at 31 March, one row per child (latest referral)
    referral = e["CINreferralDate_date"].to_numpy()
    o = d.one_per_child(child, referral, _open_episodes(r, "", y), keep="last")
    c = child[o]
    age = np.where(kids["unborn"].to_numpy()[c], len(AGE_NAMES), band_codes(kids["age_end"].to_numpy()[c], AGE_EDGES))
    dis_kid = d.child_codes(r, "Disabilities")
    dis_rows = np.flatnonzero(np.isin(dis_kid, c))
    out += [
        breakdown("cin_need", "Children in need at 31 March by primary need", g, details("PrimaryNeedCode", o), who(c),
                  labels=category_labels("cin", "PrimaryNeedCode")),
        breakdown("cin_age", "Children in need at 31 March by age", g, labelled(age, AGE_NAMES + ["Unborn"]), who(c),
                  order=["Unborn", "Under 1", "1 to 4", "5 to 9", "10 to 15", "16 and over"]),
        breakdown("cin_sex", "Children in need at 31 March by sex", g, kids["sex"].to_numpy()[c], who(c)),
        breakdown("cin_ethnicity", "Children in need at 31 March by ethnicity", g,
                  text(r, "ChildCharacteristics", "Ethnicity").take(kids["characteristics_row"].to_numpy()[c]), who(c),
                  labels=category_labels("cin", "Ethnicity")),
        breakdown("cin_disability", "Children in need at 31 March by disability", g, text(r, "Disabilities", "Disability").take(dis_rows),
                  who(dis_kid[dis_rows]), labels=category_labels("cin", "Disability"), total=False,
                  note="A child can have several disabilities."),
        breakdown("cin_open_duration", "Children in need at 31 March by how long the case has been open", g,
                  _span_band(referral[o], np.datetime64(y.end)), who(c), order=_SPAN_NAMES),
    ]
    # B1: episodes starting, ending, open
    need = e["of_need"].to_numpy() & (child >= 0)
    closing = e["closure_in_year"].to_numpy()
    flows = [("Starting in the year (referral in the year)", need & e["referral_in_year"].to_numpy()),
             ("Ending in the year (closure in the year)", need & closing),
             ("Open at 31 March", need & e["open_at_end"].to_numpy()),
             ("At any point in the year (open on 1 April or starting in the year)",
              need & (e["open_at_start"].to_numpy() | e["referral_in_year"].to_numpy()))]
    out.append(PreviewTable(id="cin_episodes", title="Episodes of need", group=g, unit="episodes",
                            rows=[Cell(label=lab, value=int(f.sum()), children=d.names(r, child[f])) for lab, f in flows],
                            note="Each episode counted; NFA referrals and N9/RC8/RC9 episodes are not episodes of need."))
    ended = np.flatnonzero(need & closing)
    closed = np.flatnonzero(closing & (child >= 0))
    out += [
        breakdown("cin_ended_duration", "Episodes ending in the year by duration", g,
                  _span_band(referral[ended], col("CINclosureDate_date", ended)), who(child[ended]), order=_SPAN_NAMES,
                  count_rows=True, unit="episodes"),
        breakdown("cin_ended_reason", "Episodes ending in the year by reason for closure", g, details("ReasonForClosure", closed),
                  who(child[closed]), count_rows=True, unit="episodes", labels=category_labels("cin", "ReasonForClosure")),
    ]
    # C1: referrals
    refs = _referrals(r, "", y)
    referred = who(child[refs])
    g = "Referrals"
    out += [
        breakdown("referral_source", "Referrals by source", g, details("ReferralSource", refs), referred, count_rows=True,
                  unit="referrals", labels=category_labels("cin", "ReferralSource")),
        breakdown("referral_nfa", "Referrals with no further action", g,
                  flag_labels(col("nfa", refs), "No further action", "Further action"), referred, count_rows=True,
                  unit="referrals", order=["No further action", "Further action"]),
        breakdown("referral_re", "Re-referrals within 12 months", g,
                  flag_labels(_re_referrals(r, "", y), "Re-referral within 12 months", "Not a re-referral"), referred,
                  count_rows=True, unit="referrals", order=["Re-referral within 12 months", "Not a re-referral"],
                  note="Provisional: earlier referrals are known only from this census" +
                       (" and last year's." if r.has("CINdetails" + LAST) else " (give last year's census with --previous).")),
    ]
    # C2/C3: assessments
    a = d.assessments(r, "", y)
    done = _completed(r, "", y)
    wd = a["working_days"].iloc[done]
    timed = wd[wd >= 0]
    pct = ", ".join(f"{q}th {timed.quantile(q / 100):.0f}" for q in (25, 50, 75)) if len(timed) else "none"
    g = "Assessments"
    out.append(breakdown("assessment_duration", "Assessments completed by working days from start to authorisation", g,
                         bands(wd, *_ASSESS_BANDS), who(a["child"].to_numpy()[done]), order=_ASSESS_BANDS[1],
                         count_rows=True, unit="assessments",
                         note=f"Start day = day 0 (same day = 0). Percentiles (working days): {pct}. "
                              "Not known: a date missing or authorised before the start."))
    out.append(_factors_table(r, a.iloc[done], g))
    # C4: S47 and ICPC
    s = d.section47(r, "", y)
    icpc = _icpcs(r, "", y)
    tr = _transfer_in_icpcs(r, "", y)
    g = "Section 47 and ICPC"
    out += [
        breakdown("icpc_duration", "Initial child protection conferences by working days from section 47 start", g,
                  bands(s["icpc_working_days"].to_numpy()[icpc], *_ICPC_BANDS), who(s["child"].to_numpy()[icpc]),
                  order=_ICPC_BANDS[1], count_rows=True, unit="conferences",
                  note="Not known: no section 47 start date, or the conference was before the section 47 (left out of the durations, still counted)."),
        PreviewTable(id="icpc_transfer_in", title="Episode-level initial conferences without a section 47 (transfer-in conferences)",
                     group=g, unit="episodes", rows=[Cell(label="Episodes", value=len(tr), children=d.names(r, child[tr]))],
                     note="Summarised separately, not in the ICPC count" if not INCLUDE_TRANSFER_IN_ICPCS else "Included in the ICPC count"),
    ]
    # D1-D7: child protection plans
    p = d.plans(r, "", y)
    plan_kid = p["child"].to_numpy()
    st = np.flatnonzero(p["started_in_year"].to_numpy())
    op = np.flatnonzero(p["open_at_end"].to_numpy())
    op = op[d.last_per_child(plan_kid[op])]
    en = np.flatnonzero(p["ended_in_year"].to_numpy())
    g = "Child protection plans"

    def plan(name: str, rows: np.ndarray) -> np.ndarray:
        return p[name].to_numpy()[rows]

    out += [
        breakdown("cpp_started_initial", "Plans starting in the year by initial category of abuse", g,
                  plan("InitialCategoryOfAbuse", st), who(plan_kid[st]), count_rows=True, unit="plans",
                  labels=category_labels("cin", "InitialCategoryOfAbuse")),
        breakdown("cpp_open_latest", "Children on a plan at 31 March by latest category of abuse", g,
                  plan("LatestCategoryOfAbuse", op), who(plan_kid[op]), labels=category_labels("cin", "LatestCategoryOfAbuse"),
                  note="MUL (multiple) children are counted once."),
        breakdown("cpp_open_initial", "Children on a plan at 31 March by initial category of abuse", g,
                  plan("InitialCategoryOfAbuse", op), who(plan_kid[op]), labels=category_labels("cin", "InitialCategoryOfAbuse")),
        breakdown("cpp_second", "Plans starting in the year: first or second/subsequent", g,
                  flag_labels(plan("previous_plan", st), "Second or subsequent plan", "First plan"), who(plan_kid[st]),
                  count_rows=True, unit="plans", order=["First plan", "Second or subsequent plan"],
                  note="Second or subsequent = NumberOfPreviousCPP > 0 or an earlier plan in this or last year's census, however long ago."),
        breakdown("cpp_ended_duration", "Plans ending in the year by duration", g,
                  _span_band(plan("CPPstartDate_date", en), plan("CPPendDate_date", en)), who(plan_kid[en]),
                  order=_SPAN_NAMES, count_rows=True, unit="plans"),
    ]
    return out


def _factors_table(r, done: pd.DataFrame, group: str) -> PreviewTable:
    """Factors identified at the assessments `done` (completed in the year): each (assessment, factor) once."""
    f = "AssessmentFactors"
    n = len(r.table(f))
    key = ["ChildSeq", "CINdetailsID", "AssessmentID"]
    assessment = _key(*[np.concatenate([array(r, f, k), done[k].to_numpy()]).astype(np.int64) for k in key])
    rows = np.flatnonzero(np.isin(assessment[:n], assessment[n:]))
    factor = text(r, f, "AssessmentFactors").take(rows)
    pair = _key(assessment[rows], factor.codes + 1)  # a blank factor (-1) is a value too
    order = np.argsort(pair, kind="stable")
    first = np.ones(len(rows), dtype=bool)
    first[1:] = pair[order][1:] != pair[order][:-1]
    rows = np.sort(rows[order[first]])
    return breakdown("assessment_factors", "Factors identified at assessment (assessments completed in the year)", group,
                     text(r, f, "AssessmentFactors").take(rows), d.as_children(r, d.child_codes(r, f)[rows]),
                     count_rows=True, unit="assessments", total=False, labels=category_labels("cin", "AssessmentFactors"),
                     note="An assessment with several factors counts under each; 21 = no factors identified.")


def warnings(r) -> list[Cell]:
    y = r.year
    a = d.assessments(r, "", y)
    s = d.section47(r, "", y)
    e = d.cin_episodes(r, "", y)
    checks = [  # the child of each row to look at
        ("Assessments authorised before they started: left out of the duration figures",
         a["child"].to_numpy()[a["completed_in_year"].to_numpy() & (a["working_days"].to_numpy() < 0)]),
        ("Conferences before their section 47 started: counted as ICPCs, left out of durations",
         s["child"].to_numpy()[s["icpc_in_year"].to_numpy()
                               & (s["DateOfInitialCPC_date"].to_numpy() < s["S47ActualStartDate_date"].to_numpy())]),
        ("Episodes whose referral date is not a date: left out",
         e["child"].to_numpy()[r.table("CINdetails")["CINreferralDate"].notna().to_numpy()
                               & np.isnat(e["CINreferralDate_date"].to_numpy())]),
    ]
    if not r.has("CINdetails" + LAST):
        checks.append(("Re-referrals counted from this census only (no previous census given): provisional",
                       e["child"].to_numpy()[_referrals(r, "", y)][_re_referrals(r, "", y)]))
    out = [Cell(label=label, value=len(rows), children=d.names(r, rows)) for label, rows in checks]
    return [w for w in out if w.value]


def method_notes(r) -> list[tuple[str, str]]:
    return [
        ("Source", "Computed by returncheck from the census being checked, following DfE's published definitions "
                   "(derived_measures.md). Where a definition is marked inferred DfE's processing may differ."),
        ("Episode of need [confirmed/inferred]", "A CINdetails block, except NFA referrals (ReferralNFA true/1 in any "
         "case) and episodes assessed not in need (PrimaryNeedCode N9, ReasonForClosure RC8/RC9)."),
        ("Units", "Children in need and children on a plan at 31 March count children (LAchildID); referrals, "
                  "assessments, section 47 enquiries, conferences and plans starting or ending count each event; "
                  "the drill-down lists the children behind each figure."),
        ("Working days [inferred]", "Monday to Friday less England and Wales bank holidays. A duration is the number "
         "of working days after the start day up to and including the end day: the start day is day 0, an "
         f"assessment authorised the day it started took 0. 'Within {WITHIN_ASSESSMENT_DAYS}' = 0 to "
         f"{WITHIN_ASSESSMENT_DAYS} (DfE's bands 'same day' to '41-45'); 'within {WITHIN_ICPC_DAYS}' = 0 to "
         f"{WITHIN_ICPC_DAYS} (bands 0-10 and 11-15). Counting the start day as day 1 would move each boundary by one."),
        ("Re-referrals [inferred window]", DEFINITIONS["re_referrals_within_12_months"] + " A referral on the same "
         "day as another is not a re-referral of it."),
        ("Second or subsequent plans [inferred mapping]", DEFINITIONS["cpp_second_or_subsequent"] + " No 2-year window."),
        ("Durations", "Episode and plan durations in calendar months from start to end: 3 months or less, over 3 to 6 "
                      "months, over 6 months to under 1 year, 1 to under 2 years, 2 years or more."),
        ("Ages", "Completed years at 31 March by anniversary; children with only an expected birth date are 'Unborn'."),
        ("Not computed", "Rates per 10,000 children (need ONS population estimates); CPP review timeliness."),
    ]


__all__ = ["measures", "tables", "warnings", "method_notes", "LABELS"]
