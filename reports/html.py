"""The HTML report: one self-contained file (CSS and JavaScript inline, no external request).

Every value from the data goes through Jinja's autoescape. The tables read without JavaScript;
the script adds filtering, sorting and URL-fragment state (`#rule=103`, `#child=X`).
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pandas as pd
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

import validator
from validator.engine import RunResult
from validator.findings import summary
from validator.model import LAST
from validator.spec import spec

TEMPLATES = Path(__file__).resolve().parent / "templates"
PER_RULE_LIMIT = 200  # findings embedded per rule; the XLSX, CSV and JSON outputs hold all of them
CHILD_VIEW_LIMIT = 1000  # children whose full record is embedded (most findings first)
PREVIEW_DRILL_LIMIT = 500  # child ids listed under each preview figure; the XLSX and JSON list all

_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]))
RETURN_NAMES = {"ssda903": "SSDA903 (children looked after)", "cin": "CIN census"}


def _blank(v) -> str:
    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        return ""
    return str(v)


def anchor(kind: str, value) -> str:
    """Stable HTML id for a rule, child or table: characters outside [A-Za-z0-9-] as _XX hex."""
    text = _blank(value)
    return f"{kind}-" + re.sub(r"[^A-Za-z0-9-]", lambda m: "_%02X" % ord(m.group()) if ord(m.group()) < 256 else "_", text)


_env.filters["anchor"] = lambda value, kind: anchor(kind, value)  # {{ code|anchor('rule') }}


def _finding_rows(f: pd.DataFrame) -> list[dict]:
    return [{
        "rule": x.rule, "severity": x.severity, "message": x.message, "child": _blank(x.child),
        "table": _blank(x.table), "year": x.year, "row": _blank(x.row),
        "shown_values": "; ".join(f"{k} = {_blank(v) or '(blank)'}" for k, v in x.values.items()),
        "file": _blank(x.file), "line": _blank(x.line), "path": _blank(x.path),
    } for x in f.itertuples(index=False)]


def _drill_html(ids: list, child_views: set, limit: int) -> Markup:
    """The children behind one figure, as a closed <details> list; ids with a record in this report
    link to it. Built here rather than in Jinja: a large return has tens of thousands of ids."""
    if not ids:
        return Markup('<span class="small">none</span>')
    n = len(ids)
    parts = []
    for c in ids[:limit]:
        text = escape(c)
        parts.append(f'<a href="#{anchor("child", c)}">{text}</a>' if c in child_views else f"<span>{text}</span>")
    more = (f" <em>and {n - limit} more (the XLSX and JSON outputs list every child)</em>" if n > limit else "")
    return Markup(f'<details class="drill"><summary>{n} child{"" if n == 1 else "ren"}</summary>'
                  f'<p class="ids">{" ".join(parts)}{more}</p></details>')


def _child_views(result: RunResult, findings: pd.DataFrame, masker) -> tuple[list[dict], int]:
    """For the children with most findings: every row of theirs in every table, failing cells marked."""
    r = result.ret
    child_col = spec(r.kind).child_column
    kids = findings.dropna(subset=["child"])
    kids = kids[kids["child"].astype(str).str.strip() != ""]
    counts = kids.groupby("child").size().sort_values(ascending=False, kind="stable")
    chosen = list(counts.index[:CHILD_VIEW_LIMIT])
    if not chosen:
        return [], 0
    bad: dict[tuple, list[dict]] = {}
    for x in kids[kids["child"].isin(chosen)].itertuples(index=False):
        key = (x.table + (LAST if x.year == "previous" else ""), int(x.row))
        for field in x.fields or [""]:
            bad.setdefault((key, field), []).append({"rule": x.rule, "severity": x.severity})
    grids: dict[str, list[dict]] = {c: [] for c in chosen}
    for key, t in r.tables.items():
        if child_col not in t.raw.columns:
            continue
        sel = t.raw[child_col].isin(chosen)
        if not sel.any():
            continue
        cols = [c for c in t.raw.columns if c != "ChildSeq"]
        sub = t.raw.loc[sel, cols]
        for child, rows in sub.groupby(child_col, sort=False):
            grid = []
            for idx, values in zip(rows.index, rows.itertuples(index=False)):
                cells = []
                for col, v in zip(cols, values):
                    marks = bad.get(((key, int(idx)), col), [])
                    shown = masker.value(col, v) if masker else _blank(v)
                    cells.append({"value": shown, "marks": marks})
                line = t.source_line[idx] if len(t.source_line) > idx else ""
                path = t.source_path[idx] if t.source_path is not None else ""
                grid.append({"row": int(idx), "cells": cells, "line": _blank(line), "path": _blank(path),
                             "failing": any(bad.get(((key, int(idx)), c)) for c in cols)})
            grids[child].append({"table": t.name, "year": t.year, "file": t.source_file, "columns": cols, "rows": grid})
    views = []
    for child in chosen:
        f = kids[kids["child"] == child]
        views.append({
            "id": masker.pseudonym(child) if masker else str(child),
            "errors": int((f["severity"] == "error").sum()), "queries": int((f["severity"] == "query").sum()),
            "tables": grids[child], "findings": _finding_rows(masker.findings(f) if masker else f),
        })
    return views, len(counts)


def render(result: RunResult, findings: pd.DataFrame, elapsed: float | None = None, masker=None) -> str:
    r = result.ret
    shown = masker.findings(findings) if masker else findings
    s = summary(findings)
    year = r.year.label
    by_rule = []
    groups = dict(tuple(shown.groupby("rule", sort=False)))
    for v in result.rules_run:
        f = groups.get(v.code)
        if f is None:
            continue
        by_rule.append({
            "code": v.code, "severity": f["severity"].iloc[0], "message": v.meta.message_for(year),
            "fields": ", ".join(v.fields), "count": len(f), "children": int(f["child"].dropna().nunique()),
            "tables": sorted({t for t in f["table"].dropna()}), "limited": v.limited_confidence,
            "more": max(0, len(f) - PER_RULE_LIMIT), "rows": _finding_rows(f.head(PER_RULE_LIMIT)),
        })
    by_child = []
    kids = shown.dropna(subset=["child"])
    kids = kids[kids["child"].astype(str).str.strip() != ""]
    for child, g in kids.groupby("child", sort=True):
        by_child.append({"id": child, "errors": int((g["severity"] == "error").sum()),
                         "queries": int((g["severity"] == "query").sum()), "rules": ", ".join(dict.fromkeys(g["rule"]))})
    by_table = []
    for (table, yr), g in shown.dropna(subset=["table"]).groupby(["table", "year"], sort=True):
        by_table.append({"table": table, "year": yr, "errors": int((g["severity"] == "error").sum()),
                         "queries": int((g["severity"] == "query").sum()), "rows": int(g["row"].nunique()),
                         "rules": ", ".join(dict.fromkeys(g["rule"]))})
    views, n_children = _child_views(result, findings, masker)
    view_ids = {v["id"] for v in views}
    preview = _preview(r, masker)
    return _env.get_template("report.html.j2").render(
        r=r, s=s, ready=s["errors"] == 0, by_rule=by_rule, by_child=by_child, by_table=by_table,
        views=views, embedded_children=len(views), n_children=n_children, per_rule_limit=PER_RULE_LIMIT,
        normalisations=[n for t in r.tables.values() for n in t.normalised],
        return_level=_finding_rows(shown[shown["table"].isna()]),
        version=validator.__version__, skipped=result.rules_skipped, n_rules=len(result.rules_run),
        when=time.strftime("%Y-%m-%d %H:%M"), elapsed=elapsed, masked=masker is not None,
        return_name=RETURN_NAMES[r.kind], rule_codes=[g["code"] for g in by_rule],
        tables=sorted({g["table"] for g in by_table}),
        preview=preview, preview_groups=_preview_groups(preview), child_views={v["id"] for v in views},
        drill_html=lambda ids: _drill_html(ids, view_ids, PREVIEW_DRILL_LIMIT),
        drill_limit=PREVIEW_DRILL_LIMIT,
    )


def _preview(r, masker):
    """The processed-output preview (reports/preview), with child ids masked as the report is."""
    from reports.preview import masked, preview_of

    return masked(preview_of(r), masker)


def _preview_groups(preview) -> list[tuple[str, list]]:
    groups: dict[str, list] = {}
    for t in preview.tables:
        groups.setdefault(t.group, []).append(t)
    return list(groups.items())


def write_html(result: RunResult, findings: pd.DataFrame, path: str, elapsed: float | None = None, masker=None) -> None:
    Path(path).write_text(render(result, findings, elapsed, masker), encoding="utf-8")
