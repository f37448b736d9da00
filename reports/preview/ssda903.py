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

import re

import numpy as np
import pandas as pd

from reports.preview import (Cell, Measure, PreviewTable, age_band, band_codes, bands, breakdown, category_labels,
                             flag_labels, labelled)
from validator.derive import Text, array, birthdays, text
from validator.derive import preview as d

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


# ------------------------------------------------------------------ building blocks per year
# Row sets are positions (in validator.derive.preview.episodes_903, or in the table they come from);
# children are codes (d.names lists them); text columns are read with validator.derive.text.


@d._cached
def _cla_end(r, suffix, year) -> np.ndarray:
    """Each child's 31 March episode (latest DECOM when several are open)."""
    e = d.episodes_903(r, suffix, year)
    return d.one_per_child(e["child"].to_numpy(), e["DECOM_date"].to_numpy(), np.flatnonzero(e["open_at_end"].to_numpy()),
                           keep="last")


@d._cached
def _period_starts(r, suffix, year) -> np.ndarray:
    e = d.episodes_903(r, suffix, year)
    return np.flatnonzero(e["period_first"].to_numpy() & d.between(e["DECOM_date"].to_numpy(), year.start, year.end))


@d._cached
def _cessations(r, suffix, year) -> np.ndarray:
    """Period-ending episodes (REC not X1) with DEC in the year."""
    e = d.episodes_903(r, suffix, year)
    return np.flatnonzero(e["in_period"].to_numpy() & ~e["dec_blank"].to_numpy() & ~e["rec_x1"].to_numpy()
                          & d.between(e["DEC_date"].to_numpy(), year.start, year.end))


@d._cached
def _care_leavers(r, suffix, year) -> pd.DataFrame:
    """The OC3 rows (row: position; first per child) in the cohort, with child and age (at the birthday
    in the year)."""
    key = "OC3" + suffix
    child = d.child_codes(r, key)
    rows = d.first_rows(r, child)[:-1]
    rows = np.sort(rows[rows >= 0])
    child = child[rows]
    dob = array(r, key, "DOB_date")[rows]
    dob = np.where(np.isnat(dob), d.children_903(r, suffix, year)["DOB_date"].to_numpy()[child], dob)
    age = d.age(dob, year.end)
    lo, hi = CARE_LEAVER_AGES
    in_ages = ~((age < lo) | (age > hi))  # age unknown: kept (the LA listed the child)
    excluded = text(r, key, "IN_TOUCH").isin(CARE_LEAVER_EXCLUDED_IN_TOUCH)[rows]
    e = d.episodes_903(r, suffix, year)
    has_other_episodes = d.per_child(r, e["child"].to_numpy(), ~e["short_break"].to_numpy())
    sb_only = d.short_break_only(r, suffix, year)[child] & ~has_other_episodes[child]
    keep = in_ages & ~excluded & ~sb_only & ~_still_looked_after(r, suffix, year, child, dob, age)
    return pd.DataFrame({"row": rows[keep], "child": child[keep], "age": age[keep]})


def _still_looked_after(r, suffix, year, child: np.ndarray, dob: np.ndarray, age: np.ndarray) -> np.ndarray:
    """Whether each care leaver (codes `child`) aged 17 or 18 had a non-V3/V4 episode open on that
    birthday."""
    birthday = np.full(len(d.child_ids(r)) + 1, np.datetime64("NaT"), dtype="datetime64[ns]")  # last slot: blank
    for a in CARE_LEAVER_STILL_LOOKED_AFTER_AGES:  # a handful of ages, not rows
        young = age == a
        birthday[child[young]] = birthdays(np.asarray(dob[young], dtype="datetime64[ns]"), a)
    e = d.episodes_903(r, suffix, year)
    kid = e["child"].to_numpy()
    b = birthday[kid]
    on = (e["usable"].to_numpy() & ~e["short_break"].to_numpy() & (e["DECOM_date"].to_numpy() <= b)
          & (e["dec_blank"].to_numpy() | (e["DEC_date"].to_numpy() > b)))
    return d.per_child(r, kid, on)[child]


@d._cached
def _missing(r, suffix, year) -> np.ndarray:
    """Missing rows (positions) whose incident overlaps the year."""
    key = "Missing" + suffix
    child = d.child_codes(r, key)
    rows = np.flatnonzero((child >= 0) & (array(r, key, "MIS_START_date") <= np.datetime64(year.end))
                          & (text(r, key, "MIS_END").blank | (array(r, key, "MIS_END_date") >= np.datetime64(year.start))))
    if MISSING_EXCLUDES_SHORT_BREAK_ONLY:
        rows = rows[~d.short_break_only(r, suffix, year)[child[rows]]]
    return rows


# ------------------------------------------------------------------ headline measures


def measures(r, suffix: str, year) -> list[Measure]:
    e = d.episodes_903(r, suffix, year)
    child = e["child"].to_numpy()
    cla = child[_cla_end(r, suffix, year)]
    ceases = _cessations(r, suffix, year)
    adopted = ceases[text(r, "Episodes" + suffix, "REC").isin(d.ADOPTED)[ceases]]
    places = d.placements_in_year(r, suffix, year)
    values = {
        "cla_at_31_march": (d.names(r, cla), None),
        "started_in_year": (d.names(r, child[_period_starts(r, suffix, year)]), None),
        "ceased_in_year": (d.names(r, child[ceases]), None),
        "adopted_in_year": (d.names(r, child[adopted]), None),
        "continuously_looked_after_12_months": (d.names(r, np.flatnonzero(d.continuously_looked_after(r, suffix, year))), None),
        "care_leavers_17_to_21": (d.names(r, _care_leavers(r, suffix, year)["child"].to_numpy()), None),
        "missing_or_away_children": (d.names(r, d.child_codes(r, "Missing" + suffix)[_missing(r, suffix, year)]), None),
        "three_or_more_placements": (d.names(r, cla[places[cla] >= 3]), len(cla)),
    }
    return [Measure(id=k, label=LABELS[k], value=len(kids), children=kids, denominator=den,
                    definition=DEFINITIONS[k], group=GROUPS[k], confidence=CONFIDENCE.get(k, "confirmed"))
            for k, (kids, den) in values.items()]


# ------------------------------------------------------------------ tables (this year)


def tables(r) -> list:
    y = r.year
    e = d.episodes_903(r, "", y)
    child = e["child"].to_numpy()
    kids = d.children_903(r, "", y)

    def episode(column: str, rows: np.ndarray) -> Text:  # an Episodes text column at these rows
        return text(r, "Episodes", column).take(rows)

    def header(column: str, codes: np.ndarray) -> Text:  # the children's Header text column
        return text(r, "Header", column).take(kids["header_row"].to_numpy()[codes])

    out = []
    # A1/A2/S1: looked after at 31 March
    cla = _cla_end(r, "", y)
    c = child[cla]
    who = d.as_children(r, c)
    locality, distance = _location(r, e.index[cla])
    g = "Looked after at 31 March"
    out += [
        breakdown("cla_age", "Looked after at 31 March by age", g, age_band(kids["age_end"].to_numpy()[c]), who,
                  order=_AGE_ORDER),
        breakdown("cla_sex", "Looked after at 31 March by sex", g, header("SEX", c), who, labels=category_labels("ssda903", "SEX")),
        breakdown("cla_ethnic", "Looked after at 31 March by ethnicity", g, header("ETHNIC", c), who, labels=category_labels("ssda903", "ETHNIC")),
        breakdown("cla_need", "Looked after at 31 March by category of need (at the start of the period of care)", g,
                  episode("CIN", e["period_cin"].to_numpy()[cla]), who, labels=category_labels("ssda903", "CIN")),
        breakdown("cla_ls", "Looked after at 31 March by legal status", g, episode("LS", cla), who, labels=category_labels("ssda903", "LS")),
        breakdown("cla_place", "Looked after at 31 March by placement type", g, episode("PLACE", cla), who,
                  labels=category_labels("ssda903", "PLACE")),
        breakdown("cla_provider", "Looked after at 31 March by placement provider", g, episode("PLACE_PROVIDER", cla), who,
                  labels=category_labels("ssda903", "PLACE_PROVIDER")),
        breakdown("cla_locality", "Looked after at 31 March by placement locality", g, locality, who,
                  note="Inside/outside the LA from the placement postcode (needs --la and the postcode directory)."),
        breakdown("cla_distance", "Looked after at 31 March by distance between home and placement", g, distance, who,
                  order=[f"{DISTANCE_MILES} miles or less", f"Over {DISTANCE_MILES} miles"],
                  note="Blank for most UASC (no home postcode): shown as not known."),
        breakdown("cla_uasc", "Looked after at 31 March: unaccompanied asylum-seeking children", g,
                  flag_labels(kids["uasc_end"].to_numpy()[c], "UASC", "Not UASC"), who, order=["UASC", "Not UASC"]),
    ]
    # C1: started (first start)
    decom, dec = e["DECOM_date"].to_numpy(), e["DEC_date"].to_numpy()
    dob = kids["DOB_date"].to_numpy()
    s = d.one_per_child(child, decom, _period_starts(r, "", y), keep="first")
    who = d.as_children(r, child[s])
    g = "Flows in the year"
    out += [
        breakdown("started_age", "Started to be looked after by age on starting", g, age_band(d.age(dob[child[s]], decom[s])),
                  who, order=_AGE_ORDER, note="A child starting twice in the year is counted once (first start)."),
        breakdown("started_need", "Started to be looked after by category of need", g, episode("CIN", s), who,
                  labels=category_labels("ssda903", "CIN")),
        breakdown("started_ls", "Started to be looked after by legal status on starting", g, episode("LS", s), who,
                  labels=category_labels("ssda903", "LS")),
    ]
    # D1: ceased (last cessation)
    ceases = _cessations(r, "", y)
    ce = d.one_per_child(child, dec, ceases, keep="last")
    who = d.as_children(r, child[ce])
    edges, durations = _DURATION
    duration = np.where(e["period_truncated"].to_numpy()[ce], len(durations),
                        band_codes(d.days(e["period_start"].to_numpy()[ce], dec[ce]), edges))
    out += [
        breakdown("ceased_reason", "Ceased to be looked after by reason", g, episode("REC", ce), who, labels=category_labels("ssda903", "REC"),
                  note="A child ceasing twice in the year is counted once (last cessation)."),
        breakdown("ceased_age", "Ceased to be looked after by age on ceasing", g,
                  bands(d.age(dob[child[ce]], dec[ce]), *_CEASED_AGE), who, order=_CEASED_AGE[1]),
        breakdown("ceased_duration", "Ceased to be looked after by duration of the period of care", g,
                  labelled(duration, durations + ["Started before the history in the file"]), who, order=durations,
                  note="Durations of periods that began before the file's first episode cannot be known without earlier returns."),
    ]
    # E1: adopted / SGO (every cessation)
    rec = text(r, "Episodes", "REC")
    ad = ceases[rec.isin(d.ADOPTED + d.SGO)[ceases]]
    adopted = rec.isin(d.ADOPTED)[ad]
    out += [
        breakdown("adopted_sgo", "Adopted and special guardianship orders", g,
                  flag_labels(adopted, "Adopted (E11, E12)", "Special guardianship order (E43-E48)"),
                  d.as_children(r, child[ad]), order=["Adopted (E11, E12)", "Special guardianship order (E43-E48)"]),
        breakdown("adopted_sex", "Adopted during the year by sex", g, header("SEX", child[ad[adopted]]),
                  d.as_children(r, child[ad[adopted]]), labels=category_labels("ssda903", "SEX")),
    ]
    # O1: OC2 cohort and outcomes
    out.append(_oc2_table(r, c))
    # F1: care leavers
    cl = _care_leavers(r, "", y)
    rows = cl["row"].to_numpy()
    who = d.as_children(r, cl["child"].to_numpy())
    g = "Care leavers (OC3)"
    out += [
        breakdown("leavers_age", "Care leavers by age", g, bands(cl["age"], [17, 18, 19, 22], ["17", "18", "19 to 21"]),
                  who, order=["17", "18", "19 to 21"]),
        breakdown("leavers_in_touch", "Care leavers by whether in touch", g, text(r, "OC3", "IN_TOUCH").take(rows), who,
                  labels=category_labels("ssda903", "IN_TOUCH")),
        breakdown("leavers_activity", "Care leavers by activity", g, _activity(text(r, "OC3", "ACTIV").take(rows)), who,
                  order=_ACTIVITY, note="ACTIV F*/P* = in EET, G4-G6 = NEET [C code lists]."),
        breakdown("leavers_accommodation", "Care leavers by suitability of accommodation", g,
                  _accommodation(text(r, "OC3", "ACCOM").take(rows)), who, order=["Suitable", "Not suitable"],
                  note="ACCOM second character 1 = suitable, 2 = not suitable [V]."),
    ]
    # G1: missing
    m = _missing(r, "", y)
    who = d.as_children(r, d.child_codes(r, "Missing")[m])
    kind = text(r, "Missing", "MISSING").take(m)
    g = "Missing and away"
    out += [
        breakdown("missing_type", "Missing and away incidents by type", g, kind, who, count_rows=True,
                  unit="incidents", labels=category_labels("ssda903", "MISSING"), note="Many LAs record every incident as M, so the split is unreliable."),
        breakdown("missing_children_type", "Children missing or away by type of incident", g, kind, who,
                  labels=category_labels("ssda903", "MISSING"), note="A child with both kinds appears in both rows."),
        breakdown("missing_at_end", "Incidents still open at 31 March", g,
                  flag_labels(text(r, "Missing", "MIS_END").blank[m], "Still missing or away at 31 March", "Returned"), who,
                  count_rows=True, unit="incidents"),
    ]
    # H1/H4: placement stability and reasons for change
    g = "Placement stability"
    out.append(breakdown("stability", "Looked after at 31 March by number of placements in the year", g,
                         bands(d.placements_in_year(r, "", y)[c], [1, 2, 3, 100000], ["1", "2", "3 or more"]),
                         d.as_children(r, c), order=["1", "2", "3 or more"], note=MOVE_IN_TEMPORARY_NOTE + "."))
    # the episode each counted placement change in the year ends: the one it continues
    ending = e["previous"].to_numpy()[e["placement_change"].to_numpy() & d.between(decom, y.start, y.end)]
    out.append(breakdown("placement_change_reason", "Reasons for placement change (ending placement)", g,
                         episode("REASON_PLACE_CHANGE", ending), d.as_children(r, child[ending]), count_rows=True,
                         unit="placement changes", labels=category_labels("ssda903", "REASON_PLACE_CHANGE")))
    # V3/V4 only
    sb = np.flatnonzero(d.short_break_only(r, "", y))
    out.append(breakdown("short_breaks_only", "Children looked after only under short-break agreements (not in the figures above)",
                         "Short breaks", labelled(np.zeros(len(sb), dtype=np.int8), ["Looked after only under short breaks (V3/V4)"]),
                         d.as_children(r, sb), total=False))
    return out


_AGE_ORDER = ["Under 1", "1 to 4", "5 to 9", "10 to 15", "16 and over"]
_CEASED_AGE = ([0, 1, 5, 10, 16, 17, 18, 200], ["Under 1", "1 to 4", "5 to 9", "10 to 15", "16", "17", "18 and over"])
_DURATION = ([0, 7, 91, 183, 365, 730, 1826, 100000],
             ["Under 1 week", "1 week to under 3 months", "3 months to under 6 months", "6 months to under 1 year",
              "1 to under 2 years", "2 to under 5 years", "5 years and over"])
_ACTIVITY = ["In education, employment or training", "Not in education, employment or training"]


def _activity(activ: Text) -> pd.Categorical:
    """ACTIV F*/P* (a letter and a digit): in EET; G4-G6: NEET; anything else blank."""
    code = [1 if v in ("G4", "G5", "G6") else 0 if re.match(r"^[FP]\d$", v) else -1 for v in activ.values]
    return labelled(np.array(code + [-1], dtype=np.int64)[activ.codes], _ACTIVITY)


def _accommodation(accom: Text) -> pd.Categorical:
    """ACCOM ending in 1: suitable; in 2: not suitable; anything else blank."""
    code = [{"1": 0, "2": 1}.get(v[-1:], -1) for v in accom.values]
    return labelled(np.array(code + [-1], dtype=np.int64)[accom.codes], ["Suitable", "Not suitable"])


def _location(r, rows: pd.Index) -> tuple:
    """Locality (inside/outside the LA) and distance band of the episodes with these labels, from the
    shared placement derivation; blank ("Not known") when postcodes or --la are not available."""
    blank = np.full(len(rows), None, dtype=object)
    if not len(rows):
        return blank, blank
    try:
        from validator.derive.ssda903_placement import placement

        pl = placement(r).reindex(rows)
        locality = pl["PL_LOCATION"].map({"IN": "Inside the LA", "OUT": "Outside the LA"}).to_numpy(dtype=object)
        dist = pl["PL_DISTANCE"].to_numpy(dtype="float64", na_value=np.nan)
    except Exception:  # noqa: BLE001 - no postcode directory: the tables say "not known"
        return blank, blank
    return locality, labelled(np.select([dist <= DISTANCE_MILES, dist > DISTANCE_MILES], [0, 1], -1),
                              [f"{DISTANCE_MILES} miles or less", f"Over {DISTANCE_MILES} miles"])


OC2_ITEMS = [("CONVICTED", "Convicted or given a youth caution (aged 10+)"), ("HEALTH_CHECK", "Health assessment up to date"),
             ("IMMUNISATIONS", "Immunisations up to date"), ("TEETH_CHECK", "Teeth checked by a dentist"),
             ("HEALTH_ASSESSMENT", "Development assessment up to date (under 5)"),
             ("SUBSTANCE_MISUSE", "Identified as having a substance misuse problem"),
             ("INTERVENTION_RECEIVED", "Received an intervention for substance misuse"),
             ("INTERVENTION_OFFERED", "Offered an intervention for substance misuse"),
             ("SDQ_SCORE", "SDQ score given (aged 4 to 16)")]


def _oc2_table(r, cla: np.ndarray) -> PreviewTable:
    """OC2 cohort (continuously looked after 12 months and looked after at 31 March: codes `cla`) and
    the number of cohort children with each OC2 item = 1 (SDQ: a score given)."""
    y = r.year
    cohort = d.continuously_looked_after(r, "", y) & d.per_child(r, cla, np.ones(len(cla), dtype=bool))
    child = d.child_codes(r, "OC2")
    rows = d.first_rows(r, child)[:-1][cohort]  # each cohort child's first OC2 row
    rows = np.sort(rows[rows >= 0])
    child = child[rows]
    out = [Cell(label="Children in the OC2 cohort", value=int(cohort.sum()), children=d.names(r, np.flatnonzero(cohort)))]
    age = d.children_903(r, "", y)["age_end"].to_numpy()[child]
    for col, label in OC2_ITEMS:
        if col == "SDQ_SCORE":
            sel = text(r, "OC2", col).given[rows] & (age >= 4) & (age <= 16)
        else:
            sel = text(r, "OC2", col).eq("1")[rows]
            if col == "CONVICTED":
                sel = sel & (age >= 10)
            elif col == "HEALTH_ASSESSMENT":
                sel = sel & (age < 5)
        kids = d.names(r, child[sel])
        out.append(Cell(label=label, value=len(kids), children=kids))
    oc2 = r.table("OC2")
    score = oc2["SDQ_SCORE_num"].iloc[rows] if "SDQ_SCORE_num" in oc2 else pd.Series(dtype=float)
    note = "Cohort = looked after continuously for 12 months and looked after at 31 March."
    if score.notna().any():
        note += f" Average SDQ score: {score.mean():.1f}."
    return PreviewTable(id="oc2_outcomes", title="Outcomes for children looked after for 12 months (OC2)",
                        group="Outcomes (OC2)", rows=out, note=note, dimension="item")


def warnings(r) -> list[Cell]:
    """Edge cases to look at before trusting the figures."""
    y = r.year
    e = d.episodes_903(r, "", y)
    child = e["child"].to_numpy()
    short_break, dec = e["short_break"].to_numpy(), e["DEC_date"].to_numpy()
    ceases = _cessations(r, "", y)
    checks = [
        ("Ceased on 31 March (REC not X1): counted as ceased, not as looked after at 31 March; DfE's treatment "
         "is not confirmed", child[~short_break & (dec == np.datetime64(y.end)) & ~e["rec_x1"].to_numpy()]),
        ("Ceased from a period that began before the first episode in the file: duration not known (history "
         "incomplete)", child[ceases[e["period_truncated"].to_numpy()[ceases]]]),
        ("Episodes with a DECOM or DEC that is not a date: left out where the date is needed",
         child[~e["usable"].to_numpy() | (~e["dec_blank"].to_numpy() & np.isnat(dec))]),
    ]
    out = [Cell(label=label, value=len(kids), children=kids) for label, kids in ((a, d.names(r, c)) for a, c in checks)]
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
