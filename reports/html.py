"""The HTML report: one self-contained file (CSS and JavaScript inline, no external request).

Every value from the data goes through Jinja's autoescape. The tables read without JavaScript;
the script adds filtering, sorting and URL-fragment state (`#rule=103`, `#child=X`).
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import numpy as np
import pandas as pd
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

import validator
from validator.engine import RunResult
from validator.findings import summary
from validator.model import LAST
from validator.registry import ruleset_year
from validator.spec import spec

TEMPLATES = Path(__file__).resolve().parent / "templates"
PER_RULE_LIMIT = 200  # findings embedded per rule; the XLSX, CSV and JSON outputs hold all of them
CHILD_VIEW_LIMIT = 300  # children whose full record is embedded (most findings first)
CHILD_FINDINGS_LIMIT = 100  # findings listed under one child's record
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
    """Findings as plain dicts for the template (column by column: there may be very many)."""
    cols = {c: f[c].tolist() for c in ("rule", "severity", "message", "child", "table", "year", "row", "values",
                                       "file", "line", "path")}
    n = len(f)
    status = f["status"].tolist() if "status" in f else [""] * n
    notes = f["explanation"].tolist() if "explanation" in f else [None] * n
    return [{
        "rule": rule, "severity": sev, "message": msg, "child": _blank(child), "table": _blank(table),
        "year": year, "row": _blank(row),
        "shown_values": "; ".join(f"{k} = {_blank(v) or '(blank)'}" for k, v in values.items()),
        "file": _blank(file), "line": _blank(line), "path": _blank(path), "status": st,
        "explanation": note if isinstance(note, str) else "",
    } for rule, sev, msg, child, table, year, row, values, file, line, path, st, note
        in zip(*cols.values(), status, notes)]


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
    mine = kids[kids["child"].isin(chosen)]
    bad: dict[tuple, list[dict]] = {}
    for table, year, row, fields, rule, sev in zip(mine["table"].tolist(), mine["year"].tolist(), mine["row"].tolist(),
                                                   mine["fields"].tolist(), mine["rule"].tolist(), mine["severity"].tolist()):
        key = (table + (LAST if year == "previous" else ""), int(row))
        for field in fields or [""]:
            bad.setdefault((key, field), []).append({"rule": rule, "severity": sev})
    grids: dict[str, list[dict]] = {c: [] for c in chosen}
    chosen_set = set(chosen)
    for key, t in r.tables.items():
        if child_col not in t.raw.columns:
            continue
        positions = np.flatnonzero(t.raw[child_col].isin(chosen_set).to_numpy())
        if not len(positions):
            continue
        cols = [c for c in t.raw.columns if c != "ChildSeq"]
        values = t.raw[cols].to_numpy(dtype=object)[positions]
        ids = t.raw[child_col].to_numpy(dtype=object)[positions]
        lines = t.source_line[positions] if len(t.source_line) else [""] * len(positions)
        paths = t.source_path[positions] if t.source_path is not None else [""] * len(positions)
        per_child: dict[str, list[dict]] = {}
        for idx, child, row_values, line, path in zip(positions.tolist(), ids.tolist(), values, lines, paths):
            cells = []
            failing = False
            for col, v in zip(cols, row_values):
                marks = bad.get(((key, idx), col), [])
                failing = failing or bool(marks)
                cells.append({"value": masker.value(col, v) if masker else _blank(v), "marks": marks})
            per_child.setdefault(child, []).append({"row": idx, "cells": cells, "line": _blank(line),
                                                    "path": _blank(path), "failing": failing})
        for child, grid in per_child.items():
            grids[child].append({"table": t.name, "year": t.year, "file": t.source_file, "columns": cols, "rows": grid})
    shown = masker.findings(mine) if masker else mine
    rows = _finding_rows(shown)
    by_child: dict[str, list[dict]] = {}
    for child, row in zip(mine["child"].tolist(), rows):
        by_child.setdefault(child, []).append(row)
    views = []
    for child in chosen:
        f = by_child[child]
        views.append({
            "id": masker.pseudonym(child) if masker else str(child),
            "errors": sum(x["severity"] == "error" for x in f), "queries": sum(x["severity"] == "query" for x in f),
            "tables": grids[child], "findings": f[:CHILD_FINDINGS_LIMIT], "more": max(0, len(f) - CHILD_FINDINGS_LIMIT),
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
    if len(kids):
        per = kids.assign(error=kids["severity"].eq("error"), query=kids["severity"].eq("query")).groupby(
            "child", sort=True).agg(errors=("error", "sum"), queries=("query", "sum"))
        pairs = kids[["child", "rule"]].drop_duplicates()
        per["rules"] = pairs.groupby("child", sort=True)["rule"].agg(list)
        by_child = [{"id": child, "errors": int(e), "queries": int(q), "rules": ", ".join(rules)}
                    for child, e, q, rules in zip(per.index.tolist(), per["errors"].tolist(), per["queries"].tolist(),
                                                  per["rules"].tolist())]
    by_table = []
    for (table, yr), g in shown.dropna(subset=["table"]).groupby(["table", "year"], sort=True):
        by_table.append({"table": table, "year": yr, "errors": int((g["severity"] == "error").sum()),
                         "queries": int((g["severity"] == "query").sum()), "rows": int(g["row"].nunique()),
                         "rules": ", ".join(dict.fromkeys(g["rule"]))})
    views, n_children = _child_views(result, findings, masker)
    view_ids = {v["id"] for v in views}
    preview = _preview(r, masker)
    return _env.get_template("report.html.j2").render(
        r=r, s=s, ready=s["errors"] == 0, baseline=r.reference.get("baseline"), explained=r.reference.get("explained"), ruleset_year=ruleset_year(r.kind, r.year.label), by_rule=by_rule, by_child=by_child, by_table=by_table,
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
