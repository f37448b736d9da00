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

from reports.preview import Cell, Measure, PreviewTable, age_band, bands, breakdown, ids
from validator.derive import preview as d
from validator.model import LAST
from validator.spec import spec

RE_REFERRAL_MAX_DAYS = 365  # [I] "within 12 months": 1..365 days after an earlier referral
WITHIN_ASSESSMENT_DAYS = 45
WITHIN_ICPC_DAYS = 15
INCLUDE_TRANSFER_IN_ICPCS = False
ID = "LAchildID"

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


def _labels(field: str, codes) -> dict:
    labels = spec("cin").labels
    return {c: (f"{c}: {labels[(field, c)]}" if labels.get((field, c)) else c) for c in codes}


# ------------------------------------------------------------------ building blocks


@d._cached
def _open_episodes(r, suffix, year) -> pd.DataFrame:
    e = d.cin_episodes(r, suffix, year)
    return e[e["of_need"] & e["open_at_end"] & e[ID].notna()]


@d._cached
def _re_referrals(r, suffix, year) -> pd.DataFrame:
    """Referrals in the year with `days_since_previous` (days since the child's latest earlier referral)
    and `re_referral`."""
    e = d.cin_episodes(r, suffix, year)
    refs = e[e["referral_in_year"] & e[ID].notna()][[ID, "CINreferralDate_date"]].copy()
    hist = [e[[ID, "CINreferralDate_date"]]]
    if suffix == "" and r.has("CINdetails" + LAST):
        hist.append(r.table("CINdetails" + LAST)[[ID, "CINreferralDate_date"]])
    h = pd.concat(hist, ignore_index=True).dropna().drop_duplicates()
    h = h.sort_values([ID, "CINreferralDate_date"], kind="stable")
    h["previous"] = h.groupby(ID, sort=False)["CINreferralDate_date"].shift(1)
    refs["row"] = refs.index
    m = refs.merge(h, on=[ID, "CINreferralDate_date"], how="left").set_index("row")
    refs["days_since_previous"] = (m["CINreferralDate_date"] - m["previous"]).dt.days.reindex(refs.index)
    refs["re_referral"] = d._flag((refs["days_since_previous"] >= 1) & (refs["days_since_previous"] <= RE_REFERRAL_MAX_DAYS))
    return refs.drop(columns="row")


@d._cached
def _completed(r, suffix, year) -> pd.DataFrame:
    a = d.assessments(r, suffix, year)
    return a[a["completed_in_year"]]


@d._cached
def _icpcs(r, suffix, year) -> pd.DataFrame:
    s = d.section47(r, suffix, year)
    return s[s["icpc_in_year"]]


def measures(r, suffix: str, year) -> list[Measure]:
    e = d.cin_episodes(r, suffix, year)
    open_ = _open_episodes(r, suffix, year)
    refs = _re_referrals(r, suffix, year)
    done = _completed(r, suffix, year)
    timed = done[d._flag(done["working_days"] >= 0)]
    within45 = timed[d._flag(timed["working_days"] <= WITHIN_ASSESSMENT_DAYS)]
    s = d.section47(r, suffix, year)
    s47 = s[s["s47_in_year"]]
    icpc = _icpcs(r, suffix, year)
    icpc_timed = icpc[icpc["icpc_working_days"].notna()]
    within15 = icpc_timed[d._flag(icpc_timed["icpc_working_days"] <= WITHIN_ICPC_DAYS)]
    if INCLUDE_TRANSFER_IN_ICPCS:
        extra = _transfer_in_icpcs(r, suffix, year)
        icpc = pd.concat([icpc[[ID]], extra[[ID]]])
    p = d.plans(r, suffix, year)
    started, ended = p[p["started_in_year"]], p[p["ended_in_year"]]
    open_plans = p[p["open_at_end"]]
    second = started[started["previous_plan"]]
    refs_in = refs
    values = {
        "cin_at_31_march": (ids(open_[ID]), None, None),
        "referrals_in_year": (ids(refs_in[ID]), len(refs_in), None),
        "re_referrals_within_12_months": (ids(refs_in.loc[refs_in["re_referral"], ID]), int(refs_in["re_referral"].sum()), len(refs_in)),
        "assessments_completed": (ids(done[ID]), len(done), None),
        "assessments_within_45_working_days": (ids(within45[ID]), len(within45), len(timed)),
        "section_47_enquiries": (ids(s47[ID]), len(s47), None),
        "icpcs": (ids(icpc[ID]), len(icpc), None),
        "icpcs_within_15_working_days": (ids(within15[ID]), len(within15), len(icpc_timed)),
        "cpp_started": (ids(started[ID]), len(started), None),
        "cpp_ended": (ids(ended[ID]), len(ended), None),
        "cpp_at_31_march": (ids(open_plans[ID]), None, None),
        "cpp_second_or_subsequent": (ids(second[ID]), None, len(ids(started[ID]))),
    }
    del e
    out = []
    for k, (kids, n, den) in values.items():
        out.append(Measure(id=k, label=LABELS[k], value=len(kids) if n is None else int(n), children=kids,
                           denominator=den, definition=DEFINITIONS[k], group=GROUPS[k], unit=UNITS.get(k, "children"),
                           confidence=CONFIDENCE.get(k, "confirmed")))
    return out


def _transfer_in_icpcs(r, suffix, year) -> pd.DataFrame:
    """Episode-level DateOfInitialCPC in the year in an episode without a Section 47 record."""
    e = d.cin_episodes(r, suffix, year)
    s = r.table("Section47" + suffix)
    key = ["ChildSeq", "CINdetailsID"]
    has_s47 = pd.MultiIndex.from_frame(e[key]).isin(pd.MultiIndex.from_frame(s[key])) if len(s) else np.zeros(len(e), bool)
    return e[d.in_window(e["DateOfInitialCPC_date"], year.start, year.end) & ~pd.Series(has_s47, index=e.index)]


# ------------------------------------------------------------------ tables


_ASSESS_BANDS = ([-0.5, 0.5, 10.5, 20.5, 30.5, 40.5, 45.5, 50.5, 60.5, 1e9],
                 ["Same day", "1 to 10", "11 to 20", "21 to 30", "31 to 40", "41 to 45", "46 to 50", "51 to 60", "61 or more"])
_ICPC_BANDS = ([-0.5, 10.5, 15.5, 20.5, 1e9], ["0 to 10", "11 to 15", "16 to 20", "21 or more"])
_SPAN_NAMES = ["3 months or less", "Over 3 months to 6 months", "Over 6 months to under 1 year", "1 year to under 2 years",
               "2 years or more"]


def _span_band(start: pd.Series, end: pd.Series) -> pd.Series:
    """Calendar bands of end - start: <= 3 months, > 3 to <= 6 months, > 6 months to < 1 year,
    1 to < 2 years, 2 years or more; None when either date is missing or end < start."""
    out = pd.Series(None, index=start.index, dtype="object")
    ok = d._flag(start.notna() & end.notna() & (end >= start))
    if not ok.any():
        return out
    s, e = start[ok], end[ok]
    m3, m6 = s + pd.DateOffset(months=3), s + pd.DateOffset(months=6)
    y1, y2 = s + pd.DateOffset(years=1), s + pd.DateOffset(years=2)
    res = np.select([e <= m3, e <= m6, e < y1, e < y2], _SPAN_NAMES[:4], _SPAN_NAMES[4])
    out[ok] = res
    return out


def tables(r) -> list[PreviewTable]:
    y = r.year
    kids = d.cin_children(r, "", y)
    e = d.cin_episodes(r, "", y)
    out: list[PreviewTable] = []
    g = "Children in need"
    # A1/B2: children in need at 31 March, one row per child (latest referral)
    o = _open_episodes(r, "", y).sort_values([ID, "CINreferralDate_date"], kind="stable").drop_duplicates(ID, keep="last").copy()
    o["age"] = age_band(d.lookup(kids["age_end"], o[ID]))
    o.loc[d._flag(d.lookup(kids["unborn"], o[ID])), "age"] = "Unborn"
    o["sex"] = d.lookup(kids["sex"], o[ID])
    o["ethnicity"] = d.lookup(kids["ethnicity"], o[ID])
    o["open_duration"] = _span_band(o["CINreferralDate_date"], pd.Series(y.end, index=o.index))
    dis = r.table("Disabilities")
    dis = dis[dis[ID].isin(o[ID])]
    out += [
        breakdown("cin_need", "Children in need at 31 March by primary need", g, o, "PrimaryNeedCode", ID,
                  labels=_labels("PrimaryNeedCode", o["PrimaryNeedCode"].dropna().unique())),
        breakdown("cin_age", "Children in need at 31 March by age", g, o, "age", ID, order=["Unborn", "Under 1", "1 to 4", "5 to 9", "10 to 15", "16 and over"]),
        breakdown("cin_sex", "Children in need at 31 March by sex", g, o, "sex", ID),
        breakdown("cin_ethnicity", "Children in need at 31 March by ethnicity", g, o, "ethnicity", ID,
                  labels=_labels("Ethnicity", o["ethnicity"].dropna().unique())),
        breakdown("cin_disability", "Children in need at 31 March by disability", g, dis, "Disability", ID,
                  labels=_labels("Disability", dis["Disability"].dropna().unique()), total=False,
                  note="A child can have several disabilities."),
        breakdown("cin_open_duration", "Children in need at 31 March by how long the case has been open", g, o,
                  "open_duration", ID, order=_SPAN_NAMES),
    ]
    # B1: episodes starting, ending, open
    need = e[e["of_need"] & e[ID].notna()]
    flows = [("Starting in the year (referral in the year)", need[need["referral_in_year"]]),
             ("Ending in the year (closure in the year)", need[need["closure_in_year"]]),
             ("Open at 31 March", need[need["open_at_end"]]),
             ("At any point in the year (open on 1 April or starting in the year)", need[need["open_at_start"] | need["referral_in_year"]])]
    out.append(PreviewTable(id="cin_episodes", title="Episodes of need", group=g, unit="episodes",
                            rows=[Cell(label=lab, value=len(f), children=ids(f[ID])) for lab, f in flows],
                            note="Each episode counted; NFA referrals and N9/RC8/RC9 episodes are not episodes of need."))
    ended = need[need["closure_in_year"]].copy()
    ended["duration"] = _span_band(ended["CINreferralDate_date"], ended["CINclosureDate_date"])
    out += [
        breakdown("cin_ended_duration", "Episodes ending in the year by duration", g, ended, "duration", ID, order=_SPAN_NAMES,
                  count_rows=True, unit="episodes"),
        breakdown("cin_ended_reason", "Episodes ending in the year by reason for closure", g,
                  e[e["closure_in_year"] & e[ID].notna()], "ReasonForClosure", ID, count_rows=True, unit="episodes",
                  labels=_labels("ReasonForClosure", e["ReasonForClosure"].dropna().unique())),
    ]
    # C1: referrals
    refs = _re_referrals(r, "", y)
    ref_rows = e.loc[refs.index].copy()
    ref_rows["nfa"] = ref_rows["nfa"].map({True: "No further action", False: "Further action"})
    ref_rows["re"] = refs["re_referral"].map({True: "Re-referral within 12 months", False: "Not a re-referral"})
    g = "Referrals"
    out += [
        breakdown("referral_source", "Referrals by source", g, ref_rows, "ReferralSource", ID, count_rows=True, unit="referrals",
                  labels=_labels("ReferralSource", ref_rows["ReferralSource"].dropna().unique())),
        breakdown("referral_nfa", "Referrals with no further action", g, ref_rows, "nfa", ID, count_rows=True, unit="referrals",
                  order=["No further action", "Further action"]),
        breakdown("referral_re", "Re-referrals within 12 months", g, ref_rows, "re", ID, count_rows=True, unit="referrals",
                  order=["Re-referral within 12 months", "Not a re-referral"],
                  note="Provisional: earlier referrals are known only from this census" +
                       (" and last year's." if r.has("CINdetails" + LAST) else " (give last year's census with --previous).")),
    ]
    # C2/C3: assessments
    a = _completed(r, "", y).copy()
    a["band"] = bands(a["working_days"], *_ASSESS_BANDS)
    wd = a["working_days"][a["working_days"] >= 0]
    pct = ", ".join(f"{q}th {wd.quantile(q / 100):.0f}" for q in (25, 50, 75)) if len(wd) else "none"
    g = "Assessments"
    out.append(breakdown("assessment_duration", "Assessments completed by working days from start to authorisation", g, a,
                         "band", ID, order=_ASSESS_BANDS[1], count_rows=True, unit="assessments",
                         note=f"Start day = day 0 (same day = 0). Percentiles (working days): {pct}. "
                              "Not known: a date missing or authorised before the start."))
    f = r.table("AssessmentFactors")
    key = ["ChildSeq", "CINdetailsID", "AssessmentID"]
    if len(f) and len(a):
        f = f[pd.MultiIndex.from_frame(f[key].astype("int64")).isin(pd.MultiIndex.from_frame(a[key].astype("int64")))]
        f = f.drop_duplicates(key + ["AssessmentFactors"])
    else:
        f = f.iloc[0:0]
    out.append(breakdown("assessment_factors", "Factors identified at assessment (assessments completed in the year)", g, f,
                         "AssessmentFactors", ID, count_rows=True, unit="assessments", total=False,
                         labels=_labels("AssessmentFactors", f["AssessmentFactors"].dropna().unique()),
                         note="An assessment with several factors counts under each; 21 = no factors identified."))
    # C4: S47 and ICPC
    icpc = _icpcs(r, "", y).copy()
    icpc["band"] = bands(icpc["icpc_working_days"], *_ICPC_BANDS)
    g = "Section 47 and ICPC"
    tr = _transfer_in_icpcs(r, "", y)
    out += [
        breakdown("icpc_duration", "Initial child protection conferences by working days from section 47 start", g, icpc, "band", ID,
                  order=_ICPC_BANDS[1], count_rows=True, unit="conferences",
                  note="Not known: no section 47 start date, or the conference was before the section 47 (left out of the durations, still counted)."),
        PreviewTable(id="icpc_transfer_in", title="Episode-level initial conferences without a section 47 (transfer-in conferences)",
                     group=g, unit="episodes", rows=[Cell(label="Episodes", value=len(tr), children=ids(tr[ID]))],
                     note="Summarised separately, not in the ICPC count" if not INCLUDE_TRANSFER_IN_ICPCS else "Included in the ICPC count"),
    ]
    # D1-D7: child protection plans
    p = d.plans(r, "", y)
    g = "Child protection plans"
    st = p[p["started_in_year"]]
    op = p[p["open_at_end"]].drop_duplicates(ID, keep="last")
    en = p[p["ended_in_year"]].copy()
    en["duration"] = _span_band(en["CPPstartDate_date"], en["CPPendDate_date"])
    sec = st.copy()
    sec["second"] = sec["previous_plan"].map({True: "Second or subsequent plan", False: "First plan"})
    out += [
        breakdown("cpp_started_initial", "Plans starting in the year by initial category of abuse", g, st, "InitialCategoryOfAbuse", ID,
                  count_rows=True, unit="plans", labels=_labels("InitialCategoryOfAbuse", st["InitialCategoryOfAbuse"].dropna().unique())),
        breakdown("cpp_open_latest", "Children on a plan at 31 March by latest category of abuse", g, op, "LatestCategoryOfAbuse", ID,
                  labels=_labels("LatestCategoryOfAbuse", op["LatestCategoryOfAbuse"].dropna().unique()),
                  note="MUL (multiple) children are counted once."),
        breakdown("cpp_open_initial", "Children on a plan at 31 March by initial category of abuse", g, op, "InitialCategoryOfAbuse", ID,
                  labels=_labels("InitialCategoryOfAbuse", op["InitialCategoryOfAbuse"].dropna().unique())),
        breakdown("cpp_second", "Plans starting in the year: first or second/subsequent", g, sec, "second", ID, count_rows=True,
                  unit="plans", order=["First plan", "Second or subsequent plan"],
                  note="Second or subsequent = NumberOfPreviousCPP > 0 or an earlier plan in this or last year's census, however long ago."),
        breakdown("cpp_ended_duration", "Plans ending in the year by duration", g, en, "duration", ID, order=_SPAN_NAMES,
                  count_rows=True, unit="plans"),
    ]
    return out


def warnings(r) -> list[Cell]:
    y = r.year
    a = d.assessments(r, "", y)
    neg = a[a["completed_in_year"] & d._flag(a["working_days"] < 0)]
    s = d.section47(r, "", y)
    before = s[s["icpc_in_year"] & d._flag(s["DateOfInitialCPC_date"] < s["S47ActualStartDate_date"])]
    e = d.cin_episodes(r, "", y)
    bad = e[e["CINreferralDate"].notna() & e["CINreferralDate_date"].isna()]
    out = [Cell(label="Assessments authorised before they started: left out of the duration figures", value=len(neg), children=ids(neg[ID])),
           Cell(label="Conferences before their section 47 started: counted as ICPCs, left out of durations", value=len(before), children=ids(before[ID])),
           Cell(label="Episodes whose referral date is not a date: left out", value=len(bad), children=ids(bad[ID]))]
    if not r.has("CINdetails" + LAST):
        refs = _re_referrals(r, "", y)
        out.append(Cell(label="Re-referrals counted from this census only (no previous census given): provisional",
                        value=int(refs["re_referral"].sum()), children=ids(refs.loc[refs["re_referral"], ID])))
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
