"""The HTML report: one self-contained file (CSS inline, no external request), autoescaped."""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
from jinja2 import Environment, FileSystemLoader, select_autoescape

import validator
from validator.engine import RunResult
from validator.findings import summary

TEMPLATES = Path(__file__).resolve().parent / "templates"
PER_RULE_LIMIT = 200  # findings embedded per rule; the JSON/CSV outputs hold all of them

_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]))


def _blank(v) -> str:
    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        return ""
    return str(v)


def render(result: RunResult, findings: pd.DataFrame, elapsed: float | None = None) -> str:
    r = result.ret
    s = summary(findings)
    by_rule = []
    for v in result.rules_run:
        f = findings[findings["rule"] == v.code]
        if f.empty:
            continue
        shown = f.head(PER_RULE_LIMIT)
        by_rule.append({
            "code": v.code, "severity": v.meta.severity, "message": v.meta.message_for(r.year.label),
            "fields": ", ".join(v.meta.fields), "count": len(f),
            "children": int(f["child"].dropna().nunique()), "more": len(f) - len(shown),
            "rows": [{
                "child": _blank(x.child), "table": _blank(x.table), "year": x.year, "row": _blank(x.row),
                "values": "; ".join(f"{k}={_blank(val)!s}" for k, val in x.values.items()),
                "file": _blank(x.file), "line": _blank(x.line), "path": _blank(x.path),
                "message": x.message,
            } for x in shown.itertuples(index=False)],
        })
    ready = s["errors"] == 0
    return _env.get_template("report.html.j2").render(
        r=r, s=s, ready=ready, normalisations=[n for t in r.tables.values() for n in t.normalised], by_rule=by_rule, version=validator.__version__,
        skipped=result.rules_skipped, n_rules=len(result.rules_run),
        when=time.strftime("%Y-%m-%d %H:%M"), elapsed=elapsed,
        return_name={"ssda903": "SSDA903 (children looked after)", "cin": "CIN census"}[r.kind],
    )


def write_html(result: RunResult, findings: pd.DataFrame, path: str, elapsed: float | None = None) -> None:
    Path(path).write_text(render(result, findings, elapsed), encoding="utf-8")
