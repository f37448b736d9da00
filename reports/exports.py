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


def _first_dates(r, findings: pd.DataFrame) -> list:
    """For each finding, the date read from its first date field (a real Excel date, so it sorts and
    filters as one), or None. The Values column keeps the text as written."""
    from validator.model import LAST

    cache: dict = {}
    out = []
    for table, year, row, fields in zip(findings["table"].tolist(), findings["year"].tolist(),
                                        findings["row"].tolist(), findings["fields"].tolist()):
        value = None
        key = (table or "") + (LAST if year == "previous" else "")
        t = r.tables.get(key)
        if t is not None and row is not None and row == row:
            for field in fields:
                col = field + "_date"
                if (key, col) not in cache:
                    cache[(key, col)] = t.frame[col].to_numpy() if col in t.frame else None
                dates = cache[(key, col)]
                if dates is not None:
                    d = dates[int(row)]
                    value = None if pd.isna(d) else pd.Timestamp(d).to_pydatetime().date()
                    break
        out.append(value)
    return out


def write_xlsx(result: RunResult, findings: pd.DataFrame, path: str) -> None:
    """Workbook for Excel users: Summary, By rule, By child, Findings (every finding, no cap).
    Header rows frozen and filtered; dates in values stay text as written (that is what DfE got)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from validator.findings import summary

    r = result.ret
    wb = Workbook(write_only=True)
    bold = Font(bold=True)

    def sheet(title, header, rows, widths):
        ws = wb.create_sheet(title)
        ws.freeze_panes = "A2"
        for i, w in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(i)].width = w
        n = 0
        from openpyxl.cell import WriteOnlyCell

        head = []
        for h in header:
            c = WriteOnlyCell(ws, value=h)
            c.font = bold
            head.append(c)
        ws.append(head)
        for row in rows:
            ws.append(row)
            n += 1
        ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{n + 1}"

    s = summary(findings)
    ws = wb.create_sheet("Summary")
    for row in (["Return", r.kind], ["Collection year", r.year.label], ["Local authority", r.la or ""],
                ["Errors", s["errors"]], ["Queries", s["queries"]], ["Children with findings", s["children"]],
                ["Ready to submit", "yes" if s["errors"] == 0 else "no"], ["Rules run", len(result.rules_run)],
                ["Rules skipped", len(result.rules_skipped)]):
        ws.append(row)
    ws.append([])
    ws.append(["Input file", "Year", "Tables (rows)", "SHA-256"])
    for i in r.inputs:
        ws.append([i.path, i.year, ", ".join(f"{t} ({n})" for t, n in i.tables.items()), i.sha256])
    for code, why in result.rules_skipped:
        ws.append(["Rule not run", code, why])

    by_rule = findings.groupby("rule", sort=False)
    sheet("By rule", ["Rule", "Severity", "DfE message", "Fields", "Findings", "Children"],
          ([code, g["severity"].iloc[0], g["message"].iloc[0], ", ".join(g["fields"].iloc[0]), len(g),
            int(g["child"].dropna().nunique())] for code, g in by_rule), [10, 9, 80, 30, 10, 10])
    kids = findings.dropna(subset=["child"])
    by_child = kids.groupby("child", sort=True)
    sheet("By child", ["Child", "Errors", "Queries", "Rules"],
          ([str(c), int((g["severity"] == "error").sum()), int((g["severity"] == "query").sum()),
            ", ".join(dict.fromkeys(g["rule"]))] for c, g in by_child), [14, 8, 8, 60])
    sheet("Findings", ["Rule", "Severity", "DfE message", "Child", "Table", "Year", "Row", "Fields", "Values",
                       "Date (read)", "File", "Line", "XML path"],
          ([x.rule, x.severity, x.message, _cell(x.child), _cell(x.table), x.year,
            None if _cell(x.row) == "" else int(x.row), ", ".join(x.fields),
            "; ".join(f"{k}={_cell(v)}" for k, v in x.values.items()), date, _cell(x.file),
            None if _cell(x.line) == "" else int(x.line), _cell(x.path)]
           for x, date in zip(findings.itertuples(index=False), _first_dates(r, findings))),
          [10, 9, 60, 14, 16, 9, 7, 24, 40, 12, 30, 7, 40])
    _preview_sheets(r, sheet)
    wb.save(path)


# Children behind the headline figures only (the breakdown tables would repeat them per category):
# writing cells costs ~60 us each, so a 50,000-child census must not write millions. The JSON lists
# every child of every figure and table.
PREVIEW_CHILD_ROWS = 100_000


def _preview_sheets(r, sheet) -> None:
    """What DfE will publish (reports/preview): headline figures, tables, and the children behind each."""
    from itertools import islice

    from reports.preview import masked, options, preview_of

    p = masked(preview_of(r), options(r)["masker"])
    if p.error:
        sheet("Preview", ["Note"], [[p.error]], [100])
        return
    sheet("Preview measures", ["Measure", "Figure", "Group", "Unit", "This year", "Of (denominator)", "Per cent",
                               "As published", "Published %", "Last year", "Change", "Change %", "Threshold %",
                               "Flagged", "Confidence", "Definition"],
          ([m.id, m.label, m.group, m.unit, m.value, m.denominator, m.percent, m.published, m.published_percent,
            m.previous_value, m.change, m.change_pct, None if m.threshold is None else round(m.threshold * 100, 1),
            "yes" if m.flagged else "", m.confidence, m.definition] for m in p.measures),
          [34, 50, 22, 12, 10, 10, 9, 12, 10, 10, 9, 9, 10, 8, 12, 80])
    sheet("Preview tables", ["Table", "Title", "Group", "Unit", "Category", "Number", "As published"],
          ([t.id, t.title, t.group, t.unit, c.label, c.value, c.published]
           for t in p.tables for c in t.rows + ([t.total] if t.total else [])),
          [22, 60, 22, 12, 50, 10, 12])
    rows = list(islice(([m.id, c] for m in p.measures for c in m.children), PREVIEW_CHILD_ROWS + 1))
    if len(rows) > PREVIEW_CHILD_ROWS:
        rows[PREVIEW_CHILD_ROWS:] = [["(more)", "the JSON output lists every child behind every figure"]]
    sheet("Preview children", ["Measure", "Child"], rows, [34, 16])
    sheet("Preview method", ["Topic", "Note"], ([a, b] for a, b in p.notes), [36, 120])
