"""Preview of DfE's processed output: the headline figures and tables DfE derives from a return,
computed from the return being checked, with last year's figure beside each headline when last
year's tables were given (--previous), a flag when the change passes a threshold, and the figures
as DfE would publish them (publish.py).

    p = compute(r)            # Preview: p.measures (Measure), p.tables (PreviewTable), p.notes
    p = preview_of(r)         # the same, computed once per Return with the options set by configure()

Every figure keeps the child ids behind it (CHILD for SSDA903, LAchildID for CIN) so the report can
drill down. Definitions live in ssda903.py / cin.py (measures) and validator/derive/preview.py
(periods of care, placements, episodes of need, working days); method_notes() lists every choice.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from reports.preview import publish
from validator.derive import Text
from validator.derive.preview import ChildCodes, distinct
from validator.model import LAST

NOT_KNOWN = "Not known"
# Change flags: flag when |this year - last year| is at least MIN_ABS_CHANGE and more than the
# measure's threshold (a fraction of last year's value). DfE does not publish its tolerances [C];
# these defaults are ours, chosen by how much each figure usually moves in a year.
MIN_ABS_CHANGE = 5
DEFAULT_THRESHOLDS = {
    # SSDA903
    "cla_at_31_march": 0.10, "started_in_year": 0.20, "ceased_in_year": 0.20, "adopted_in_year": 0.30,
    "continuously_looked_after_12_months": 0.10, "care_leavers_17_to_21": 0.15,
    "missing_or_away_children": 0.25, "three_or_more_placements": 0.25,
    # CIN
    "cin_at_31_march": 0.10, "referrals_in_year": 0.15, "re_referrals_within_12_months": 0.25,
    "assessments_completed": 0.15, "assessments_within_45_working_days": 0.15, "section_47_enquiries": 0.20,
    "icpcs": 0.20, "icpcs_within_15_working_days": 0.20, "cpp_started": 0.20, "cpp_ended": 0.20,
    "cpp_at_31_march": 0.15, "cpp_second_or_subsequent": 0.30,
}
FALLBACK_THRESHOLD = 0.20


@dataclass
class Measure:
    """One headline figure. `value` counts `unit` (children unless said otherwise); `children` are the
    child ids behind it; `denominator` (same unit as DfE's share) makes it a share where DfE publishes one."""

    id: str
    label: str
    value: float | int | None
    previous_value: float | int | None = None
    children: list[str] = field(default_factory=list)
    definition: str = ""
    group: str = ""
    unit: str = "children"
    denominator: int | None = None
    previous_denominator: int | None = None
    confidence: str = "confirmed"  # confirmed | inferred | provisional
    threshold: float | None = None
    change: float | None = None
    change_pct: float | None = None
    flagged: bool = False
    published: str = ""
    published_percent: str | None = None
    percent: float | None = None

    def as_json(self) -> dict:
        """The JSON contract: exactly id, label, value, previous_value, children."""
        return {"id": self.id, "label": self.label, "value": self.value, "previous_value": self.previous_value,
                "children": list(self.children)}

    def detail_json(self) -> dict:
        return {"id": self.id, "group": self.group, "unit": self.unit, "denominator": self.denominator,
                "percent": self.percent, "previous_denominator": self.previous_denominator,
                "change": self.change, "change_pct": self.change_pct, "threshold": self.threshold,
                "change_flag": self.flagged, "published": self.published,
                "published_percent": self.published_percent, "confidence": self.confidence,
                "definition": self.definition}


@dataclass
class Cell:
    label: str
    value: int
    children: list[str] = field(default_factory=list)
    published: str = ""


@dataclass
class PreviewTable:
    id: str
    title: str
    group: str
    rows: list[Cell]
    unit: str = "children"
    dimension: str = ""
    total: Cell | None = None
    note: str = ""


@dataclass
class Preview:
    kind: str
    year: str
    measures: list[Measure]
    tables: list[PreviewTable]
    notes: list[tuple[str, str]]  # (topic, method note)
    warnings: list[Cell] = field(default_factory=list)  # things to look at, with their children
    has_previous: bool = False
    show_published: bool = False
    error: str | None = None

    def measure(self, mid: str) -> Measure:
        return next(m for m in self.measures if m.id == mid)

    def measures_json(self) -> list[dict]:
        return [m.as_json() for m in self.measures]

    def detail_json(self) -> dict:
        return {"year": self.year, "has_previous": self.has_previous, "error": self.error,
                "measures": [m.detail_json() for m in self.measures],
                "tables": [{"id": t.id, "title": t.title, "group": t.group, "unit": t.unit,
                            "rows": [{"label": c.label, "value": c.value, "published": c.published} for c in t.rows],
                            "total": None if t.total is None else {"value": t.total.value, "published": t.total.published},
                            "note": t.note} for t in self.tables],
                "warnings": [{"label": w.label, "value": w.value} for w in self.warnings],
                "notes": [{"topic": a, "note": b} for a, b in self.notes]}


# ------------------------------------------------------------------ helpers used by the return modules


def breakdown(tid: str, title: str, group: str, values, children: ChildCodes, *, unit: str = "children",
              order: list[str] | None = None, labels: dict | None = None, dimension: str = "", note: str = "",
              count_rows: bool = False, total: bool = True) -> PreviewTable:
    """A table of rows by their category `values` (text, a `Text` or `labelled` codes; blank -> "Not
    known"), each row of the child in `children` (aligned with `values`): per category the number of
    distinct children (or of rows with `count_rows`) and the ids behind it. `order` fixes the order of
    the categories shown first (each shown even when 0); `labels` maps a category to its label."""
    # categories and ids as integer codes; the distinct (category, id) pairs, sorted by category then by
    # the id's display order, split into one list per category
    if isinstance(values, Text):  # a text column's rows, factorised already
        codes, uniques = values.codes, values.values
    elif isinstance(getattr(values, "dtype", None), pd.CategoricalDtype):  # labels made by `labelled`
        cat = pd.Categorical(values)
        codes, uniques = cat.codes, np.asarray(cat.categories, dtype=object)
    else:
        codes, uniques = pd.factorize(np.asarray(values, dtype=object))  # blank -> -1
    text = [str(v) for v in uniques] + [NOT_KNOWN]  # -1 takes the last
    cat_values = list(dict.fromkeys(text))  # values with the same text are one category
    where = {c: j for j, c in enumerate(cat_values)}
    cats = np.array([where[t] for t in text], dtype=np.int64)[codes]
    kid, names = children.codes, children.names
    k, n = len(cat_values), max(len(names), 1)
    known = kid >= 0
    pairs = distinct(cats[known] * n + kid[known])
    kids_per_cat = np.bincount(pairs // n, minlength=k)
    split = np.split(names[pairs % n], np.cumsum(kids_per_cat)[:-1])
    rows_per_cat = np.bincount(cats, minlength=k)
    counts = rows_per_cat if count_rows else kids_per_cat
    index = {c: j for j, c in enumerate(cat_values) if rows_per_cat[j]}  # the categories in the data
    seen = list(order or [])
    rest = sorted(c for c in index if c not in seen and c != NOT_KNOWN)
    cats_out = seen + rest + ([NOT_KNOWN] if NOT_KNOWN in index and NOT_KNOWN not in seen else [])
    rows = []
    for c in cats_out:  # one Cell per category shown
        j = index.get(c)
        rows.append(Cell(label=str((labels or {}).get(c, c)), value=0 if j is None else int(counts[j]),
                         children=[] if j is None else split[j].tolist()))
    tot = None
    if total:
        all_ids = names[distinct(kid[known])].tolist()
        tot = Cell(label="Total", value=len(kid) if count_rows else len(all_ids), children=all_ids)
    return PreviewTable(id=tid, title=title, group=group, rows=rows, unit=unit, dimension=dimension, total=tot, note=note)


def labelled(codes: np.ndarray, names: list[str]) -> pd.Categorical:
    """A label per row from integer codes into `names` (-1: blank), as a categorical: breakdown then
    counts on the codes."""
    return pd.Categorical.from_codes(codes, categories=names)


def flag_labels(flag: np.ndarray, yes: str, no: str) -> pd.Categorical:
    """`yes` where flag, else `no`."""
    return labelled(flag.astype(np.int8), [no, yes])


def band_codes(values, edges: list[float]) -> np.ndarray:
    """The band [edges[i], edges[i+1]) of each numeric value as i; -1 outside the bands or where missing."""
    i = np.searchsorted(edges, np.asarray(values, dtype="float64"), side="right") - 1  # NaN sorts last
    return np.where(i < len(edges) - 1, i, -1)


def bands(values, edges: list[float], names: list[str]) -> pd.Categorical:
    """Label numeric values with bands [edges[i], edges[i+1]) named names[i]; blank outside the bands
    and where the value is missing."""
    return labelled(band_codes(values, edges), names)


AGE_EDGES, AGE_NAMES = [0, 1, 5, 10, 16, 200], ["Under 1", "1 to 4", "5 to 9", "10 to 15", "16 and over"]


def age_band(age) -> pd.Categorical:
    return bands(age, AGE_EDGES, AGE_NAMES)


# ------------------------------------------------------------------ compute


def _module(kind: str):
    if kind == "cin":
        from reports.preview import cin as mod
    else:
        from reports.preview import ssda903 as mod
    return mod


def _finish(m: Measure, kind: str, thresholds: dict[str, float]) -> None:
    m.threshold = thresholds.get(m.id, DEFAULT_THRESHOLDS.get(m.id, FALLBACK_THRESHOLD))
    m.published = publish.count(m.value, kind)
    if m.denominator is not None:
        m.percent = None if not m.denominator else round(100.0 * m.value / m.denominator, 4)
        m.published_percent = publish.percent(m.value, m.denominator, kind)
    if m.previous_value is not None and m.value is not None:
        m.change = m.value - m.previous_value
        m.change_pct = None if not m.previous_value else round(100.0 * m.change / m.previous_value, 1)
        big = abs(m.change) >= MIN_ABS_CHANGE
        if m.previous_value:
            m.flagged = big and abs(m.change) / m.previous_value > m.threshold
        else:
            m.flagged = big


@functools.cache
def category_labels(kind: str, field: str) -> dict[str, str]:
    """Category labels of a field's codes in the return's spec: "code: DfE's label"."""
    from validator.spec import spec

    return {code: f"{code}: {text}" for (f, code), text in spec(kind).labels.items() if f == field and text}


def has_previous(r) -> bool:
    key = "CINdetails" if r.kind == "cin" else "Episodes"
    return r.has(key + LAST)


def compute(r, thresholds: dict[str, float] | None = None, show_published: bool = False) -> Preview:
    """The preview of Return `r`: this year's measures and tables, last year's measures when last
    year's tables are there."""
    mod = _module(r.kind)
    measures = mod.measures(r, "", r.year)
    prev = has_previous(r)
    if prev:
        last = {m.id: m for m in mod.measures(r, LAST, r.year.previous)}
        for m in measures:
            if m.id in last:
                m.previous_value = last[m.id].value
                m.previous_denominator = last[m.id].denominator
    for m in measures:
        _finish(m, r.kind, thresholds or {})
    tables = mod.tables(r)
    for t in tables:
        shown, shown_total = publish.table([c.value for c in t.rows], r.kind, None if t.total is None else t.total.value)
        for c, s in zip(t.rows, shown):
            c.published = s
        if t.total is not None:
            t.total.published = shown_total
    notes = mod.method_notes(r) + [
        ("Change flags", f"A headline figure is flagged when it moved by at least {MIN_ABS_CHANGE} and by more "
                         "than its threshold (a share of last year's figure; defaults per measure, set with "
                         "--change-threshold). DfE does not publish its own tolerances."),
        ("As published", (publish.__doc__ or "").strip()),
    ]
    return Preview(kind=r.kind, year=r.year.label, measures=measures, tables=tables, notes=notes,
                   warnings=mod.warnings(r), has_previous=prev, show_published=show_published)


def parse_thresholds(text: str | None) -> dict[str, float]:
    """--change-threshold: "15" (per cent, every measure) or "cla_at_31_march=5,referrals_in_year=20"."""
    if not text:
        return {}
    from validator.errors import UserError

    out: dict[str, float] = {}
    for part in str(text).split(","):
        part = part.strip()
        if not part:
            continue
        key, _, val = part.rpartition("=")
        try:
            pct = float(val.strip().rstrip("%"))
        except ValueError:
            raise UserError(f"--change-threshold '{part}' is not a percentage; write e.g. 15 or cla_at_31_march=10.")
        if pct < 0 or math.isnan(pct):
            raise UserError(f"--change-threshold '{part}': the percentage must be 0 or more.")
        if key:
            if key.strip() not in DEFAULT_THRESHOLDS:
                raise UserError(f"--change-threshold: '{key.strip()}' is not a measure id "
                                f"({', '.join(DEFAULT_THRESHOLDS)}).")
            out[key.strip()] = pct / 100
        else:
            out.update({k: pct / 100 for k in DEFAULT_THRESHOLDS})
    return out


def configure(r, change_threshold: str | dict | None = None, published: bool = False, masker=None) -> None:
    """Options the outputs share (set once by the command line before writing them)."""
    th = change_threshold if isinstance(change_threshold, dict) else parse_thresholds(change_threshold)
    r.__dict__["_preview_options"] = {"thresholds": th, "published": bool(published), "masker": masker}
    r.__dict__.pop("_preview", None)


def options(r) -> dict:
    return r.__dict__.get("_preview_options", {"thresholds": {}, "published": False, "masker": None})


def preview_of(r) -> Preview:
    """compute(r) once per Return with the configured options. A preview that cannot be computed
    never stops the report: it comes back empty with `error` set."""
    if "_preview" not in r.__dict__:
        o = options(r)
        try:
            p = compute(r, o["thresholds"], o["published"])
        except Exception as e:  # noqa: BLE001 - the findings must still be written
            p = Preview(kind=r.kind, year=r.year.label, measures=[], tables=[], notes=[],
                        error=f"the preview could not be computed ({type(e).__name__}: {e})")
        r.__dict__["_preview"] = p
    return r.__dict__["_preview"]


def masked(p: Preview, masker) -> Preview:
    """A copy of the preview with every child id replaced by its pseudonym (worked out once per child)."""
    if masker is None:
        return p
    cells = [c for t in p.tables for c in t.rows + ([t.total] if t.total else [])]
    kids = {k for x in [*p.measures, *cells, *p.warnings] for k in x.children}
    alias = {k: masker.pseudonym(k) for k in kids}

    def mask(x):
        return replace(x, children=[alias[k] for k in x.children])

    return replace(p, measures=[mask(m) for m in p.measures], warnings=[mask(w) for w in p.warnings], notes=list(p.notes),
                   tables=[replace(t, rows=[mask(c) for c in t.rows], total=None if t.total is None else mask(t.total))
                           for t in p.tables])


__all__ = ["Measure", "Cell", "PreviewTable", "Preview", "compute", "configure", "preview_of", "masked", "category_labels",
           "parse_thresholds", "breakdown", "labelled", "flag_labels", "band_codes", "bands", "age_band",
           "NOT_KNOWN", "DEFAULT_THRESHOLDS"]
