"""Twins of the report for other tools: CSV for Excel users, JUnit XML for CI dashboards."""

from __future__ import annotations

import csv
from xml.sax.saxutils import escape, quoteattr

import pandas as pd

from validator.engine import RunResult


def _cell(v) -> str:
    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        return ""
    return str(v)


CSV_COLUMNS = ["rule", "severity", "message", "child", "table", "year", "row", "fields", "values", "file", "line", "path"]


def write_csv(findings: pd.DataFrame, path: str) -> None:
    """One finding per line; UTF-8 with BOM so Excel reads accents; every cell quoted."""
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f, quoting=csv.QUOTE_ALL)
        w.writerow(CSV_COLUMNS)
        for x in findings.itertuples(index=False):
            w.writerow([
                x.rule, x.severity, x.message, _cell(x.child), _cell(x.table), x.year, _cell(x.row),
                "; ".join(x.fields), "; ".join(f"{k}={_cell(v)}" for k, v in x.values.items()),
                _cell(x.file), _cell(x.line), _cell(x.path),
            ])


def write_junit(result: RunResult, findings: pd.DataFrame, path: str) -> None:
    """One test case per rule run; a rule with findings fails and lists them (first 1,000)."""
    r = result.ret
    by_rule = {code: grp for code, grp in findings.groupby("rule", sort=False)}
    failures = sum(1 for v in result.rules_run if v.code in by_rule)
    name = f"returncheck {r.kind} {r.year.label}"
    out = [f'<?xml version="1.0" encoding="UTF-8"?>',
           f'<testsuites name={quoteattr(name)} tests="{len(result.rules_run)}" failures="{failures}">',
           f'<testsuite name={quoteattr(name)} tests="{len(result.rules_run)}" failures="{failures}" '
           f'skipped="{len(result.rules_skipped)}">']
    for v in result.rules_run:
        label = f"{v.code}: {v.meta.message_for(r.year.label)}"
        out.append(f'<testcase classname={quoteattr(r.kind)} name={quoteattr(label)}>')
        if v.code in by_rule:
            grp = by_rule[v.code]
            lines = [f"{_cell(x.table)} row {_cell(x.row)} child {_cell(x.child)} "
                     f"{_cell(x.file)}:{_cell(x.line)} {x.values}" for x in grp.head(1000).itertuples(index=False)]
            out.append(f'<failure message={quoteattr(f"{len(grp)} {v.meta.severity} finding(s)")} '
                       f'type="{v.meta.severity}">{escape(chr(10).join(lines))}</failure>')
        out.append("</testcase>")
    for code, why in result.rules_skipped:
        out.append(f'<testcase classname={quoteattr(r.kind)} name={quoteattr(code)}><skipped message={quoteattr(why)}/></testcase>')
    out.append("</testsuite></testsuites>")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")
