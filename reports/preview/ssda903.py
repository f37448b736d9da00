"""SSDA903 preview: DfE's children-looked-after headline figures and tables (derived_measures.md 1.2).

Every headline counts children (CHILD). V3/V4 short-break episodes are left out of everything except
the "short breaks only" table (see validator/derive/preview.py for periods of care and placements).

Headline definitions (the label of each measure says the same in the report):
  cla_at_31_march        children with an open (DEC blank) non-V3/V4 episode whose DECOM is not after
                         31 March. A child ceasing on 31 March (DEC = 31 March, REC not X1) is NOT
                         counted [V] and is listed under "check" (edge case 3); an X1 change on
                         31 March counts once, through the episode starting that day.
  started_in_year        children with a period of care starting in the year (1 April - 31 March);
                         a child starting twice counts once (STARTS: see validator.derive.preview).
  ceased_in_year         children with a period of care ending in the year: an episode with DEC in the
                         year and REC not X1; a child ceasing twice counts once (last cessation used
                         for the breakdowns). Ceasing on 31 March counts here.
  adopted_in_year        children with a period ending in the year with REC E11/E12.
  continuously_looked_after_12_months  DfE's OC2 cohort, 2021-22 validation definition [C].
  care_leavers_17_to_21  children in OC3 with their 17th-21st birthday in the year, less those with
                         IN_TOUCH DIED or RHOM (died; returned home 6 months+), those looked after only
                         under V3/V4, and 17/18-year-olds still looked after on that birthday [C/I].
  missing_or_away_children  children with a Missing row (missing or away) whose incident overlaps the
                         year, less children looked after only under V3/V4 in the year [I].
  three_or_more_placements  children counted in cla_at_31_march with 3+ placements in the year [C],
                         placements counted as in validator/derive/preview.py [I]; the share is of
                         cla_at_31_march.
"""

from __future__ import annotations

import pandas as pd

from reports.preview import Cell, Measure, age_band, bands, breakdown, ids
from validator.derive import preview as d
from validator.spec import spec

CARE_LEAVER_EXCLUDED_IN_TOUCH = ("DIED", "RHOM")  # [C] DfE excludes died and returned home 6 months+
CARE_LEAVER_AGES = (17, 21)
CARE_LEAVER_STILL_LOOKED_AFTER_AGES = (17, 18)  # still looked after on this birthday: not a care leaver
MISSING_EXCLUDES_SHORT_BREAK_ONLY = True
DISTANCE_MILES = 20  # placement distance band boundary (<= 20 miles / > 20 miles)
MOVE_IN_TEMPORARY_NOTE = "T0-T4 moves and A3/A5 (adoption with the current carer) are not counted as moves"

LABELS = {
    "cla_at_31_march": "Children looked after at 31 March",
    "started_in_year": "Children who started to be looked after during the year",
    "ceased_in_year": "Children who ceased to be looked after during the year",
    "adopted_in_year": "Children adopted during the year",
    "continuously_looked_after_12_months": "Children looked after continuously for 12 months at 31 March (OC2 cohort)",
    "care_leavers_17_to_21": "Care leavers with a 17th to 21st birthday in the year",
    "missing_or_away_children": "Children missing or away from placement during the year",
    "three_or_more_placements": "Children looked after at 31 March with 3 or more placements during the year",
}
GROUPS = {
    "cla_at_31_march": "Looked after at 31 March", "started_in_year": "Flows in the year",
    "ceased_in_year": "Flows in the year", "adopted_in_year": "Flows in the year",
    "continuously_looked_after_12_months": "Outcomes (OC2)", "care_leavers_17_to_21": "Care leavers (OC3)",
    "missing_or_away_children": "Missing and away", "three_or_more_placements": "Placement stability",
}
DEFINITIONS = {
    "cla_at_31_march": "Open (DEC blank) non-V3/V4 episode on 31 March; each child once.",
    "started_in_year": "A period of care starting 1 April to 31 March (periods chained by REC X1, V3/V4 left out); each child once.",
    "ceased_in_year": "A period of care ending in the year (DEC in the year, REC not X1); each child once.",
    "adopted_in_year": "A period of care ending in the year with REC E11 or E12.",
    "continuously_looked_after_12_months": "Looked after in the year with no new start (RNE S after 1 April), no "
        "ending before 31 March with REC not X1, and no V3/V4 episode in the year (DfE 2021-22 definition).",
    "care_leavers_17_to_21": "OC3 children with a 17th-21st birthday in the year, excluding IN_TOUCH DIED/RHOM, "
        "V3/V4-only children and 17/18-year-olds still looked after on that birthday.",
    "missing_or_away_children": "Children with a missing or away incident overlapping the year (V3/V4-only children excluded).",
    "three_or_more_placements": "Looked after at 31 March with 3+ placements in the year: the placement held on "
        "1 April plus each new placement (RNE S, P, B, T, U; " + MOVE_IN_TEMPORARY_NOTE + ").",
}
CONFIDENCE = {"started_in_year": "inferred", "ceased_in_year": "inferred", "three_or_more_placements": "inferred",
              "missing_or_away_children": "inferred", "care_leavers_17_to_21": "inferred"}


def _label(field: str):
    labels = spec("ssda903").labels
    return lambda code: f"{code}: {labels[(field, code)]}" if labels.get((field, code)) else code


def _code_labels(field: str, codes) -> dict:
    f = _label(field)
    return {c: f(c) for c in codes}


# ------------------------------------------------------------------ building blocks per year


@d._cached
def _cla_end(r, suffix, year) -> pd.DataFrame:
    """One row per child looked after at 31 March: its 31 March episode (latest DECOM when several are open)."""
    e = d.episodes_903(r, suffix, year)
    o = e[e["open_at_end"]].copy()
    o["row"] = o.index
    o = o.sort_values("DECOM_date", kind="stable", na_position="first")  # row order kept on ties
    o = o.drop_duplicates("CHILD", keep="last")  # the latest DECOM of each child
    return o.set_index("CHILD", drop=False)


@d._cached
def _period_starts(r, suffix, year) -> pd.DataFrame:
    e = d.episodes_903(r, suffix, year)
    s = e[e["period_first"] & d.in_window(e["DECOM_date"], year.start, year.end)].copy()
    s["row"] = s.index
    return s.sort_values(["CHILD", "DECOM_date", "row"], kind="stable")


@d._cached
def _cessations(r, suffix, year) -> pd.DataFrame:
    """Period-ending episodes (REC not X1) with DEC in the year."""
    e = d.episodes_903(r, suffix, year)
    c = e[e["period"].notna() & e["DEC"].notna() & ~d._flag(e["REC"].eq("X1"))
          & d.in_window(e["DEC_date"], year.start, year.end)].copy()
    c["row"] = c.index
    return c.sort_values(["CHILD", "DEC_date", "row"], kind="stable")


@d._cached
def _care_leavers(r, suffix, year) -> pd.DataFrame:
    """OC3 rows (first per child) in the cohort, with age (at the birthday in the year)."""
    o = r.table("OC3" + suffix)
    o = o[o["CHILD"].notna()].drop_duplicates("CHILD").copy()
    kids = d.children_903(r, suffix, year)
    dob = o["DOB_date"].fillna(d.lookup(kids["DOB_date"], o["CHILD"]) if len(kids) else o["DOB_date"])
    o["age"] = d.age(dob, year.end)
    lo, hi = CARE_LEAVER_AGES
    in_ages = ~d._flag((o["age"] < lo) | (o["age"] > hi))  # age unknown: kept (the LA listed the child)
    excluded = d._flag(o["IN_TOUCH"].isin(CARE_LEAVER_EXCLUDED_IN_TOUCH))
    sb_only = o["CHILD"].isin(d.short_break_only(r, suffix, year)) & ~o["CHILD"].isin(_has_other_episodes(r, suffix, year))
    # still looked after on the 17th/18th birthday
    e = d.episodes_903(r, suffix, year)
    young = o[o["age"].isin(CARE_LEAVER_STILL_LOOKED_AFTER_AGES)][["CHILD", "age"]].copy()
    e = e[e["usable"] & ~e["short_break"] & e["CHILD"].isin(young["CHILD"])][["CHILD", "DECOM_date", "DEC_date", "dec_blank"]]
    young["bday"] = _birthday(pd.to_datetime(dob[young.index]), young["age"])
    m = young.merge(e, on="CHILD")
    on = m[d._flag((m["DECOM_date"] <= m["bday"]) & (m["dec_blank"] | (m["DEC_date"] > m["bday"])))]
    still = o["CHILD"].isin(on["CHILD"])
    o["in_cohort"] = in_ages & ~excluded & ~sb_only & ~still
    return o[o["in_cohort"]]


def _has_other_episodes(r, suffix, year) -> pd.Index:
    e = d.episodes_903(r, suffix, year)
    return pd.Index(e.loc[~e["short_break"], "CHILD"].dropna().unique())


def _birthday(dob: pd.Series, age: pd.Series) -> pd.Series:
    """The `age`-th birthday; 29 February births have it on 1 March in common years (as age_at counts)."""
    out = pd.Series(pd.NaT, index=dob.index, dtype="datetime64[ns]")
    for a in age.dropna().unique():  # a handful of distinct ages, not rows
        sel = age == a
        day = dob[sel] + pd.DateOffset(years=int(a))
        leap = (dob[sel].dt.month == 2) & (dob[sel].dt.day == 29) & (day.dt.day == 28)
        out[sel] = day.where(~leap, day + pd.Timedelta(days=1))
    return out


@d._cached
def _missing(r, suffix, year) -> pd.DataFrame:
    m = r.table("Missing" + suffix)
    m = m[m["CHILD"].notna()]
    overlap = d._flag((m["MIS_START_date"] <= year.end) & (m["MIS_END"].isna() | (m["MIS_END_date"] >= year.start)))
    m = m[overlap].copy()
    if MISSING_EXCLUDES_SHORT_BREAK_ONLY:
        m = m[~m["CHILD"].isin(d.short_break_only(r, suffix, year))]
    return m


# ------------------------------------------------------------------ headline measures


def measures(r, suffix: str, year) -> list[Measure]:
    cla = _cla_end(r, suffix, year)
    cla_ids = ids(cla["CHILD"])
    starts = _period_starts(r, suffix, year)
    ceases = _cessations(r, suffix, year)
    adopted = ceases[d._flag(ceases["REC"].isin(d.ADOPTED))]
    cla12 = d.continuously_looked_after(r, suffix, year)
    leavers = _care_leavers(r, suffix, year)
    missing = _missing(r, suffix, year)
    places = d.placements_in_year(r, suffix, year)
    three = places[(places >= 3) & places.index.isin(cla["CHILD"])]
    values = {
        "cla_at_31_march": (cla_ids, None),
        "started_in_year": (ids(starts["CHILD"]), None),
        "ceased_in_year": (ids(ceases["CHILD"]), None),
        "adopted_in_year": (ids(adopted["CHILD"]), None),
        "continuously_looked_after_12_months": (ids(cla12), None),
        "care_leavers_17_to_21": (ids(leavers["CHILD"]), None),
        "missing_or_away_children": (ids(missing["CHILD"]), None),
        "three_or_more_placements": (ids(three.index), len(cla_ids)),
    }
    return [Measure(id=k, label=LABELS[k], value=len(kids), children=kids, denominator=den,
                    definition=DEFINITIONS[k], group=GROUPS[k], confidence=CONFIDENCE.get(k, "confirmed"))
            for k, (kids, den) in values.items()]


# ------------------------------------------------------------------ tables (this year)


def tables(r) -> list:
    y = r.year
    kids = d.children_903(r, "", y)
    out = []
    # A1/A2/S1: looked after at 31 March
    cla = _cla_end(r, "", y)
    c = cla[["CHILD", "LS", "PLACE", "PLACE_PROVIDER", "period_cin"]].copy()
    c["age"] = age_band(d.lookup(kids["age_end"], c["CHILD"]))
    c["SEX"] = d.lookup(kids["SEX"], c["CHILD"])
    c["ETHNIC"] = d.lookup(kids["ETHNIC"], c["CHILD"])
    c["UASC"] = d.lookup(kids["uasc_end"], c["CHILD"]).map({True: "UASC", False: "Not UASC"})
    loc = _location(r, cla)
    c["locality"], c["distance"] = loc["locality"], loc["distance"]
    g = "Looked after at 31 March"
    out += [
        breakdown("cla_age", "Looked after at 31 March by age", g, c, "age", "CHILD", order=_AGE_ORDER),
        breakdown("cla_sex", "Looked after at 31 March by sex", g, c, "SEX", "CHILD", labels=_code_labels("SEX", c["SEX"].dropna().unique())),
        breakdown("cla_ethnic", "Looked after at 31 March by ethnicity", g, c, "ETHNIC", "CHILD", labels=_code_labels("ETHNIC", c["ETHNIC"].dropna().unique())),
        breakdown("cla_need", "Looked after at 31 March by category of need (at the start of the period of care)", g, c, "period_cin", "CHILD", labels=_code_labels("CIN", c["period_cin"].dropna().unique())),
        breakdown("cla_ls", "Looked after at 31 March by legal status", g, c, "LS", "CHILD", labels=_code_labels("LS", c["LS"].dropna().unique())),
        breakdown("cla_place", "Looked after at 31 March by placement type", g, c, "PLACE", "CHILD", labels=_code_labels("PLACE", c["PLACE"].dropna().unique())),
        breakdown("cla_provider", "Looked after at 31 March by placement provider", g, c, "PLACE_PROVIDER", "CHILD", labels=_code_labels("PLACE_PROVIDER", c["PLACE_PROVIDER"].dropna().unique())),
        breakdown("cla_locality", "Looked after at 31 March by placement locality", g, c, "locality", "CHILD",
                  note="Inside/outside the LA from the placement postcode (needs --la and the postcode directory)."),
        breakdown("cla_distance", "Looked after at 31 March by distance between home and placement", g, c, "distance", "CHILD",
                  order=[f"{DISTANCE_MILES} miles or less", f"Over {DISTANCE_MILES} miles"],
                  note="Blank for most UASC (no home postcode): shown as not known."),
        breakdown("cla_uasc", "Looked after at 31 March: unaccompanied asylum-seeking children", g, c, "UASC", "CHILD", order=["UASC", "Not UASC"]),
    ]
    # C1: started
    s = _period_starts(r, "", y).drop_duplicates("CHILD", keep="first").copy()
    s["age"] = age_band(d.age(d.lookup(kids["DOB_date"], s["CHILD"]), s["DECOM_date"]))
    g = "Flows in the year"
    out += [
        breakdown("started_age", "Started to be looked after by age on starting", g, s, "age", "CHILD", order=_AGE_ORDER,
                  note="A child starting twice in the year is counted once (first start)."),
        breakdown("started_need", "Started to be looked after by category of need", g, s, "CIN", "CHILD", labels=_code_labels("CIN", s["CIN"].dropna().unique())),
        breakdown("started_ls", "Started to be looked after by legal status on starting", g, s, "LS", "CHILD", labels=_code_labels("LS", s["LS"].dropna().unique())),
    ]
    # D1: ceased (last cessation)
    ce = _cessations(r, "", y).drop_duplicates("CHILD", keep="last").copy()
    age = d.age(d.lookup(kids["DOB_date"], ce["CHILD"]), ce["DEC_date"])
    ce["age"] = bands(age, [0, 1, 5, 10, 16, 17, 18, 200], ["Under 1", "1 to 4", "5 to 9", "10 to 15", "16", "17", "18 and over"])
    days = (ce["DEC_date"] - ce["period_start"]).dt.days
    ce["duration"] = bands(days, *_DURATION)
    ce.loc[ce["period_truncated"], "duration"] = "Started before the history in the file"
    out += [
        breakdown("ceased_reason", "Ceased to be looked after by reason", g, ce, "REC", "CHILD", labels=_code_labels("REC", ce["REC"].dropna().unique()),
                  note="A child ceasing twice in the year is counted once (last cessation)."),
        breakdown("ceased_age", "Ceased to be looked after by age on ceasing", g, ce, "age", "CHILD",
                  order=["Under 1", "1 to 4", "5 to 9", "10 to 15", "16", "17", "18 and over"]),
        breakdown("ceased_duration", "Ceased to be looked after by duration of the period of care", g, ce, "duration", "CHILD",
                  order=_DURATION[1],
                  note="Durations of periods that began before the file's first episode cannot be known without earlier returns."),
    ]
    # E1: adopted / SGO
    last = _cessations(r, "", y)
    ad = last[d._flag(last["REC"].isin(d.ADOPTED + d.SGO))].copy()
    ad["order"] = ad["REC"].isin(d.ADOPTED).map({True: "Adopted (E11, E12)", False: "Special guardianship order (E43-E48)"})
    ad["SEX"] = d.lookup(kids["SEX"], ad["CHILD"])
    out += [
        breakdown("adopted_sgo", "Adopted and special guardianship orders", g, ad, "order", "CHILD",
                  order=["Adopted (E11, E12)", "Special guardianship order (E43-E48)"]),
        breakdown("adopted_sex", "Adopted during the year by sex", g, ad[ad["REC"].isin(d.ADOPTED)], "SEX", "CHILD",
                  labels=_code_labels("SEX", ad["SEX"].dropna().unique())),
    ]
    # O1: OC2 cohort and outcomes
    out.append(_oc2_table(r, cla))
    # F1: care leavers
    cl = _care_leavers(r, "", y).copy()
    cl["age_group"] = bands(cl["age"], [17, 18, 19, 22], ["17", "18", "19 to 21"])
    cl["activity"] = _activity(cl["ACTIV"])
    cl["accommodation"] = cl["ACCOM"].astype("string").str[-1].map({"1": "Suitable", "2": "Not suitable"})
    g = "Care leavers (OC3)"
    out += [
        breakdown("leavers_age", "Care leavers by age", g, cl, "age_group", "CHILD", order=["17", "18", "19 to 21"]),
        breakdown("leavers_in_touch", "Care leavers by whether in touch", g, cl, "IN_TOUCH", "CHILD", labels=_code_labels("IN_TOUCH", cl["IN_TOUCH"].dropna().unique())),
        breakdown("leavers_activity", "Care leavers by activity", g, cl, "activity", "CHILD",
                  order=["In education, employment or training", "Not in education, employment or training"],
                  note="ACTIV F*/P* = in EET, G4-G6 = NEET [C code lists]."),
        breakdown("leavers_accommodation", "Care leavers by suitability of accommodation", g, cl, "accommodation", "CHILD",
                  order=["Suitable", "Not suitable"], note="ACCOM second character 1 = suitable, 2 = not suitable [V]."),
    ]
    # G1: missing
    m = _missing(r, "", y).copy()
    g = "Missing and away"
    m["open_at_end"] = m["MIS_END"].isna().map({True: "Still missing or away at 31 March", False: "Returned"})
    out += [
        breakdown("missing_type", "Missing and away incidents by type", g, m, "MISSING", "CHILD", count_rows=True, unit="incidents",
                  labels=_code_labels("MISSING", m["MISSING"].dropna().unique()),
                  note="Many LAs record every incident as M, so the split is unreliable."),
        breakdown("missing_children_type", "Children missing or away by type of incident", g, m, "MISSING", "CHILD", total=True,
                  labels=_code_labels("MISSING", m["MISSING"].dropna().unique()), note="A child with both kinds appears in both rows."),
        breakdown("missing_at_end", "Incidents still open at 31 March", g, m, "open_at_end", "CHILD", count_rows=True, unit="incidents"),
    ]
    # H1/H4: placement stability and reasons for change
    places = d.placements_in_year(r, "", y)
    p = cla[["CHILD"]].copy()
    n = d.lookup(places, p["CHILD"])
    p["placements"] = bands(n, [1, 2, 3, 100000], ["1", "2", "3 or more"])
    g = "Placement stability"
    out.append(breakdown("stability", "Looked after at 31 March by number of placements in the year", g, p, "placements", "CHILD",
                         order=["1", "2", "3 or more"], note=MOVE_IN_TEMPORARY_NOTE + "."))
    e = d.episodes_903(r, "", y)
    nxt = e[e["placement_change"] & d.in_window(e["DECOM_date"], y.start, y.end)]
    ending = _ending_before(e, nxt)
    out.append(breakdown("placement_change_reason", "Reasons for placement change (ending placement)", g, ending,
                         "REASON_PLACE_CHANGE", "CHILD", count_rows=True, unit="placement changes",
                         labels=_code_labels("REASON_PLACE_CHANGE", ending["REASON_PLACE_CHANGE"].dropna().unique())))
    # V3/V4 only
    sb = pd.DataFrame({"CHILD": list(d.short_break_only(r, "", y))})
    sb["kind"] = "Looked after only under short breaks (V3/V4)"
    out.append(breakdown("short_breaks_only", "Children looked after only under short-break agreements (not in the figures above)",
                         "Short breaks", sb, "kind", "CHILD", total=False))
    return out


_AGE_ORDER = ["Under 1", "1 to 4", "5 to 9", "10 to 15", "16 and over"]
_DURATION = ([0, 7, 91, 183, 365, 730, 1826, 100000],
             ["Under 1 week", "1 week to under 3 months", "3 months to under 6 months", "6 months to under 1 year",
              "1 to under 2 years", "2 to under 5 years", "5 years and over"])


def _activity(activ: pd.Series) -> pd.Series:
    a = activ.astype("string")
    out = pd.Series(None, index=activ.index, dtype="object")
    out[d._flag(a.str.match(r"^[FP]\d$"))] = "In education, employment or training"
    out[d._flag(a.isin(["G4", "G5", "G6"]))] = "Not in education, employment or training"
    return out


def _ending_before(e: pd.DataFrame, changes: pd.DataFrame) -> pd.DataFrame:
    """The episode each counted placement change ends (the child's previous non-V3/V4 episode)."""
    s = e[e["usable"] & ~e["short_break"]].copy()
    s["row"] = s.index
    s = s.sort_values(["CHILD", "DECOM_date", "row"], kind="stable")
    s["next_row"] = s.groupby("CHILD", sort=False)["row"].shift(-1)
    return s[s["next_row"].isin(changes.index)]


def _location(r, cla: pd.DataFrame) -> pd.DataFrame:
    """Locality (inside/outside the LA) and distance band of each 31 March episode, from the shared
    placement derivation; "Not known" when postcodes or --la are not available."""
    out = pd.DataFrame({"locality": None, "distance": None}, index=cla.index)
    if not len(cla):
        return out
    try:
        from validator.derive.ssda903_placement import placement

        pl = placement(r).reindex(cla["row"].to_numpy())
        pl.index = cla.index
        out["locality"] = pl["PL_LOCATION"].map({"IN": "Inside the LA", "OUT": "Outside the LA"})
        dist = pl["PL_DISTANCE"].astype("float64")
        out["distance"] = pd.Series(None, index=cla.index, dtype="object")
        out.loc[d._flag(dist <= DISTANCE_MILES), "distance"] = f"{DISTANCE_MILES} miles or less"
        out.loc[d._flag(dist > DISTANCE_MILES), "distance"] = f"Over {DISTANCE_MILES} miles"
    except Exception:  # noqa: BLE001 - no postcode directory: the tables say "not known"
        pass
    return out


OC2_ITEMS = [("CONVICTED", "Convicted or given a youth caution (aged 10+)"), ("HEALTH_CHECK", "Health assessment up to date"),
             ("IMMUNISATIONS", "Immunisations up to date"), ("TEETH_CHECK", "Teeth checked by a dentist"),
             ("HEALTH_ASSESSMENT", "Development assessment up to date (under 5)"),
             ("SUBSTANCE_MISUSE", "Identified as having a substance misuse problem"),
             ("INTERVENTION_RECEIVED", "Received an intervention for substance misuse"),
             ("INTERVENTION_OFFERED", "Offered an intervention for substance misuse"),
             ("SDQ_SCORE", "SDQ score given (aged 4 to 16)")]


def _oc2_table(r, cla: pd.DataFrame):
    """OC2 cohort (continuously looked after 12 months and looked after at 31 March) and the number of
    cohort children with each OC2 item = 1 (SDQ: a score given)."""
    y = r.year
    kids = d.children_903(r, "", y)
    cohort = pd.Index(d.continuously_looked_after(r, "", y)).intersection(pd.Index(cla["CHILD"]))
    oc2 = r.table("OC2")
    oc2 = oc2[oc2["CHILD"].isin(cohort)].drop_duplicates("CHILD")
    rows = [Cell(label="Children in the OC2 cohort", value=len(cohort), children=ids(cohort))]
    age = d.lookup(kids["age_end"], oc2["CHILD"])
    for col, label in OC2_ITEMS:
        if col == "SDQ_SCORE":
            sel = oc2["SDQ_SCORE"].notna() & d._flag((age >= 4) & (age <= 16))
        elif col == "CONVICTED":
            sel = d._flag(oc2[col].eq("1")) & d._flag(age >= 10)
        elif col == "HEALTH_ASSESSMENT":
            sel = d._flag(oc2[col].eq("1")) & d._flag(age < 5)
        else:
            sel = d._flag(oc2[col].eq("1"))
        rows.append(Cell(label=label, value=int(oc2.loc[sel, "CHILD"].nunique()), children=ids(oc2.loc[sel, "CHILD"])))
    score = oc2["SDQ_SCORE_num"] if "SDQ_SCORE_num" in oc2 else pd.Series(dtype=float)
    note = "Cohort = looked after continuously for 12 months and looked after at 31 March."
    if score.notna().any():
        note += f" Average SDQ score: {score.mean():.1f}."
    from reports.preview import PreviewTable
    return PreviewTable(id="oc2_outcomes", title="Outcomes for children looked after for 12 months (OC2)",
                        group="Outcomes (OC2)", rows=rows, note=note, dimension="item")


def warnings(r) -> list[Cell]:
    """Edge cases to look at before trusting the figures."""
    y = r.year
    e = d.episodes_903(r, "", y)
    on_end = e[~e["short_break"] & d._flag(e["DEC_date"].eq(y.end)) & ~d._flag(e["REC"].eq("X1"))]
    out = [Cell(label="Ceased on 31 March (REC not X1): counted as ceased, not as looked after at 31 March; "
                      "DfE's treatment is not confirmed", value=int(on_end["CHILD"].nunique()), children=ids(on_end["CHILD"]))]
    trunc = _cessations(r, "", y)
    trunc = trunc[trunc["period_truncated"]]
    out.append(Cell(label="Ceased from a period that began before the first episode in the file: duration not known "
                          "(history incomplete)", value=int(trunc["CHILD"].nunique()), children=ids(trunc["CHILD"])))
    bad = e[e["CHILD"].notna() & (~e["usable"] | (e["DEC"].notna() & e["DEC_date"].isna()))]
    out.append(Cell(label="Episodes with a DECOM or DEC that is not a date: left out where the date is needed",
                    value=int(bad["CHILD"].nunique()), children=ids(bad["CHILD"])))
    return [w for w in out if w.value]


def method_notes(r) -> list[tuple[str, str]]:
    from validator.derive import preview as dp

    return [
        ("Source", "Computed by returncheck from the return being checked, following DfE's published definitions "
                   "(derived_measures.md). DfE's own processing may differ where a definition is marked inferred."),
        ("Short breaks", "Episodes with legal status V3/V4 are left out of every figure; children looked after only "
                         "under short breaks are listed separately."),
        ("Period of care [inferred]", "A child's episodes (V3/V4 left out) sorted by DECOM; an episode continues the "
                                      "period when the previous one ended with REC X1"
                                      + (" on the same day" if dp.PERIOD_NEEDS_SAME_DAY else "")
                                      + "; the period ends at the first REC other than X1 (blank included)."),
        ("Looked after at 31 March [confirmed/inferred]", DEFINITIONS["cla_at_31_march"] + " A DEC written but not a "
         "valid date is not blank. Children ceasing on 31 March are listed under 'Check'."),
        ("Starts and ceases [inferred]", "A start is the first episode of a period of care with DECOM from 1 April to "
         "31 March; a cessation is a period's last episode with DEC in the year. Each child is counted once; the "
         "first start and the last cessation give the breakdowns."),
        ("Placements [inferred]", DEFINITIONS["three_or_more_placements"]),
        ("OC2 cohort [confirmed]", DEFINITIONS["continuously_looked_after_12_months"]),
        ("Care leavers [confirmed/inferred]", DEFINITIONS["care_leavers_17_to_21"] + " Age from OC3 DOB (Header DOB "
         "when blank); a child whose age cannot be read stays in."),
        ("Missing [inferred]", DEFINITIONS["missing_or_away_children"] + " Any Missing row counts, whatever its code."),
        ("Ages", "Completed years on the date, by anniversary; a 29 February birthday is reached on 1 March in "
                 "common years (the project's convention; DfE's is not confirmed)."),
        ("Durations", "Period of care durations in days from the period's first DECOM to its last DEC; periods "
                      "that began before the file's history are shown as not known."),
        ("Not computed", "Rates per 10,000 children (need ONS population estimates), adoption timeliness (3-year "
                         "cohorts), 2-year and long-term stability (need earlier returns)."),
    ]


__all__ = ["measures", "tables", "warnings", "method_notes", "LABELS"]
