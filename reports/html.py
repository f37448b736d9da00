"""The HTML report: one self-contained file (CSS and JavaScript inline, no external request).

The page is a Jinja template (autoescape on). The parts that repeat per finding, per child and
per cell (finding rows, the by-child table, child records, the children behind preview figures)
are built here as HTML with every value from the data escaped by `_h`, exactly as autoescape
would: a census can have tens of thousands of them, and per-row template logic costs far more.
The tables read without JavaScript; the script adds filtering, sorting and URL-fragment state
(`#rule=103`, `#child=X`).
"""

from __future__ import annotations

import re
import time
from functools import cache
from pathlib import Path

import jinja2
import numpy as np
import pandas as pd
from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, select_autoescape
from markupsafe import Markup

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

RETURN_NAMES = {"ssda903": "SSDA903 (children looked after)", "cin": "CIN census"}


def _blank(v) -> str:
    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        return ""
    return str(v)


def _h(text: str) -> str:
    """`text` HTML-escaped with the same entities as Jinja's autoescape (markupsafe), as a plain str."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&#34;").replace("'", "&#39;"))


def anchor(kind: str, value) -> str:
    """Stable HTML id for a rule, child or table: characters outside [A-Za-z0-9-] as _XX hex."""
    text = _blank(value)
    return f"{kind}-" + re.sub(r"[^A-Za-z0-9-]", lambda m: "_%02X" % ord(m.group()) if ord(m.group()) < 256 else "_", text)


class _CompiledTemplates(FileSystemBytecodeCache):
    """Compiled templates kept in the user's cache folder, so a run loads the report template
    instead of compiling it (~0.3 s). Jinja keys each file on the template's path and, on load,
    checks the template source's checksum and the Python version: an edited template is compiled
    afresh. A folder that cannot be written, or a damaged file, costs only the compile."""

    def load_bytecode(self, bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # noqa: BLE001 - a damaged cache file (e.g. truncated pickle): compile instead
            bucket.reset()

    def dump_bytecode(self, bucket) -> None:
        try:
            Path(self.directory).mkdir(parents=True, exist_ok=True)
            super().dump_bytecode(bucket)
        except OSError:
            pass  # read-only home: compiled again next run


@cache
def _environment(compiled: Path) -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]),
                      bytecode_cache=_CompiledTemplates(str(compiled)))
    env.filters["anchor"] = lambda value, kind: anchor(kind, value)  # {{ code|anchor('rule') }}
    return env


def template_cache_dir() -> Path:
    """Beside the postcode copies (validator.reference.postcodes.cache_dir), one folder per Jinja
    version (its compiled code is only meant for itself)."""
    from validator.reference.postcodes import cache_dir

    return cache_dir().parent / f"templates-jinja{jinja2.__version__}"


def _shown(f: pd.DataFrame) -> dict[str, list]:
    """What the report shows of each finding, column by column (there may be very many), escaped."""
    out = {c: [_h(str(v)) for v in f[c].tolist()] for c in ("rule", "severity", "message")}
    out.update({c: [_h(_blank(v)) for v in f[c].tolist()] for c in ("child", "table", "row", "file", "line", "path")})
    out["anchor"] = [anchor("child", c) for c in f["child"].tolist()]
    out["rule_anchor"] = [anchor("rule", c) for c in f["rule"].tolist()]
    out["previous"] = (f["year"] == "previous").tolist()
    out["values"] = [_h("; ".join(f"{k} = {_blank(v) or '(blank)'}" for k, v in values.items()))
                     for values in f["values"].tolist()]
    statuses = f["status"].tolist() if "status" in f else [""] * len(f)
    out["status"] = [f' <strong class="small">[{_h(str(s))}]</strong>' if s else "" for s in statuses]
    notes = f["explanation"].tolist() if "explanation" in f else [None] * len(f)
    out["explanation"] = [f"<br><strong>Explained:</strong> {_h(n)}" if isinstance(n, str) and n else ""
                          for n in notes]
    return out


def _rule_rows(f: pd.DataFrame) -> list[str]:
    """One <tr> per finding, for the finding list under its rule."""
    x = _shown(f)
    return [
        f'\n<tr data-sev="{sev}" data-rule="{rule}" data-table="{table}" data-child="{child}"><td>'
        + (f'<a href="#{anc}">{child}</a>' if child else "")
        + f'</td><td>{table}{" (last year)" if prev else ""}</td><td>{row}</td><td>{values}{status}{note}</td>'
          f'<td class="mono">{file}{f", line {line}" if line else ""}{f"<br>{path}" if path else ""}</td></tr>\n'
        for rule, sev, child, anc, table, prev, row, values, status, note, file, line, path in zip(
            x["rule"], x["severity"], x["child"], x["anchor"], x["table"], x["previous"], x["row"], x["values"],
            x["status"], x["explanation"], x["file"], x["line"], x["path"])]


def _child_items(f: pd.DataFrame) -> list[str]:
    """One <li> per finding, for the list under a child's record."""
    x = _shown(f)
    return [
        f'\n<li data-sev="{sev}" data-rule="{rule}" data-table="{table}" data-child="{child}">'
        f'<a href="#{ranc}">{rule}</a> <span class="sev-{sev}">{sev}</span>: {msg} '
        f'({table}{", last year" if prev else ""} row {row}{f": {values}" if values else ""}; '
        f'<span class="mono">{file}{f" line {line}" if line else ""}{f" {path}" if path else ""}</span>)</li>\n'
        for rule, ranc, sev, msg, child, table, prev, row, values, file, line, path in zip(
            x["rule"], x["rule_anchor"], x["severity"], x["message"], x["child"], x["table"], x["previous"], x["row"],
            x["values"], x["file"], x["line"], x["path"])]


def _return_level_rows(f: pd.DataFrame) -> str:
    """Findings about the whole return (no table or row)."""
    x = _shown(f)
    return "".join(
        f'<tr data-sev="{sev}" data-rule="{rule}" data-table="" data-child=""><td><a href="#{ranc}">'
        f'{rule}</a></td><td class="sev-{sev}">{sev}</td><td>{msg}</td></tr>'
        for rule, ranc, sev, msg in zip(x["rule"], x["rule_anchor"], x["severity"], x["message"]))


def _by_rule(result: RunResult, shown: pd.DataFrame, year: str) -> list[dict]:
    """Rules with findings, in DfE's order: counts, and the first PER_RULE_LIMIT findings as rows."""
    g = shown.groupby("rule", sort=False)
    agg = pd.DataFrame({"severity": g["severity"].first(), "count": g.size(), "children": g["child"].nunique()})
    tables = shown.dropna(subset=["table"]).drop_duplicates(["rule", "table"]).groupby("rule")["table"].agg(sorted)
    head = shown[g.cumcount().to_numpy() < PER_RULE_LIMIT]
    rows: dict[str, list[str]] = {}
    for rule, row in zip(head["rule"].tolist(), _rule_rows(head)):
        rows.setdefault(rule, []).append(row)
    out = []
    for v in result.rules_run:
        if v.code not in agg.index:
            continue
        a = agg.loc[v.code]
        out.append({
            "code": v.code, "severity": a["severity"], "message": v.meta.message_for(year),
            "fields": ", ".join(v.fields), "count": int(a["count"]), "children": int(a["children"]),
            "tables": tables.get(v.code, []), "limited": v.limited_confidence,
            "more": max(0, int(a["count"]) - PER_RULE_LIMIT), "rows": Markup("".join(rows[v.code])),
        })
    return out


def _by_child(shown: pd.DataFrame) -> tuple[Markup, int]:
    """The by-child table's rows (every child with a finding, in id order) and how many there are."""
    kids = shown.dropna(subset=["child"])
    kids = kids[kids["child"].astype(str).str.strip() != ""]
    if not len(kids):
        return Markup(""), 0
    per = kids.assign(error=kids["severity"].eq("error"), query=kids["severity"].eq("query")).groupby(
        "child", sort=True).agg(errors=("error", "sum"), queries=("query", "sum"))
    rules = kids[["child", "rule"]].drop_duplicates().groupby("child", sort=True)["rule"].agg(", ".join)
    rows = "".join(
        f'\n<tr data-sev="{"error" if e else "query"}" data-rule="{_h(r.replace(", ", " "))}" data-table="" '
        f'data-child="{_h(str(c))}"><th scope="row"><a href="#{anchor("child", c)}">{_h(str(c))}</a></th>'
        f'<td>{e}</td><td>{q}</td><td>{_h(r)}</td></tr>\n'
        for c, e, q, r in zip(per.index.tolist(), per["errors"].tolist(), per["queries"].tolist(), rules.tolist()))
    return Markup(rows), len(per)


def _by_table(shown: pd.DataFrame) -> list[dict]:
    f = shown.dropna(subset=["table"])
    g = f.assign(error=f["severity"].eq("error"), query=f["severity"].eq("query")).groupby(["table", "year"], sort=True)
    agg = g.agg(errors=("error", "sum"), queries=("query", "sum"), rows=("row", "nunique"))
    rules = f.drop_duplicates(["table", "year", "rule"]).groupby(["table", "year"], sort=True)["rule"].agg(", ".join)
    return [{"table": table, "year": yr, "errors": int(e), "queries": int(q), "rows": int(n), "rules": r}
            for (table, yr), e, q, n, r in zip(agg.index.tolist(), agg["errors"].tolist(), agg["queries"].tolist(),
                                               agg["rows"].tolist(), rules.tolist())]


def _drill(view_ids: set, limit: int):
    """drill_html(ids) for the template: the children behind one figure, as a closed <details> list;
    ids with a record in this report link to it. Built here rather than in Jinja: a large return has
    tens of thousands of ids, and the same children recur under many figures, so each id's HTML is
    made once."""
    links: dict = {}

    def link(c) -> str:
        if c not in links:
            links[c] = (f'<a href="#{anchor("child", c)}">{_h(str(c))}</a>' if c in view_ids
                        else f"<span>{_h(str(c))}</span>")
        return links[c]

    def drill_html(ids: list) -> Markup:
        if not ids:
            return Markup('<span class="small">none</span>')
        n = len(ids)
        more = (f" <em>and {n - limit} more (the XLSX and JSON outputs list every child)</em>" if n > limit else "")
        return Markup(f'<details class="drill"><summary>{n} child{"" if n == 1 else "ren"}</summary>'
                      f'<p class="ids">{" ".join(map(link, ids[:limit]))}{more}</p></details>')

    return drill_html


def _record_rows(cols: list, values: list[list[str]], rows: list[int], lines: list[str], paths: list[str],
                 marks: dict) -> list[str]:
    """One <tr> per row of a child record. `values` are escaped cell texts per column; `marks`
    {(row, column): [(rule, severity)]} the failing cells, outlined and labelled with their rules."""
    out = []
    for i, (row, line, path) in enumerate(zip(rows, lines, paths)):
        cells = [v[i] for v in values]
        failing = False
        for j, col in enumerate(cols):
            m = marks.get((row, col))
            if m:
                failing = True
                q = "" if any(sev == "error" for _, sev in m) else " q"
                labels = " ".join(f"{'✖' if sev == 'error' else '?'} {_h(rule)}" for rule, sev in m)
                cells[j] = f'<td class="bad{q}">{cells[j]}<span class="mark">{labels}</span></td>'
            else:
                cells[j] = f"<td>{cells[j]}</td>"
        tr = '<tr class="failing">' if failing else "<tr>"
        out.append(f'\n{tr}<th scope="row">{row}</th>{"".join(cells)}'
                   f'<td class="mono">{line}{f" {path}" if path else ""}</td></tr>\n')
    return out


def _child_views(result: RunResult, findings: pd.DataFrame, shown: pd.DataFrame, masker) -> tuple[list[dict], int]:
    """For the children with most findings: every row of theirs in every table, failing cells marked.
    `shown` is `findings` as the report shows them (masked or not), row for row."""
    r = result.ret
    child_col = spec(r.kind).child_column
    kids = findings.dropna(subset=["child"])
    kids = kids[kids["child"].astype(str).str.strip() != ""]
    counts = kids.groupby("child").size().sort_values(ascending=False, kind="stable")
    chosen = list(counts.index[:CHILD_VIEW_LIMIT])
    if not chosen:
        return [], 0
    chosen_set = set(chosen)
    picked = findings["child"].isin(chosen_set).to_numpy()
    mine = findings[picked]
    marks: dict[str, dict[tuple, list]] = {}
    for table, year, row, fields, rule, sev in zip(mine["table"].tolist(), mine["year"].tolist(), mine["row"].tolist(),
                                                   mine["fields"].tolist(), mine["rule"].tolist(), mine["severity"].tolist()):
        per_table = marks.setdefault(table + (LAST if year == "previous" else ""), {})
        for field in fields or [""]:
            per_table.setdefault((int(row), field), []).append((rule, sev))
    grids: dict[str, list[dict]] = {c: [] for c in chosen}
    for key, t in r.tables.items():
        if child_col not in t.raw.columns:
            continue
        positions = np.flatnonzero(t.raw[child_col].isin(chosen_set).to_numpy())
        if not len(positions):
            continue
        cols = [c for c in t.raw.columns if c != "ChildSeq"]
        sub = t.raw.iloc[positions]
        values = [[_h(masker.value(c, v) if masker else _blank(v)) for v in sub[c].tolist()] for c in cols]
        lines = [_h(_blank(v)) for v in t.source_line[positions].tolist()] if len(t.source_line) else [""] * len(positions)
        paths = [_h(_blank(v)) for v in t.source_path[positions].tolist()] if t.source_path is not None else [""] * len(positions)
        html = _record_rows(cols, values, positions.tolist(), lines, paths, marks.get(key, {}))
        per_child: dict[str, list[str]] = {}
        for child, row in zip(sub[child_col].tolist(), html):
            per_child.setdefault(child, []).append(row)
        head = Markup("".join(f'<th scope="col">{_h(c)}</th>' for c in cols))
        for child, rows in per_child.items():
            grids[child].append({"table": t.name, "year": t.year, "file": t.source_file, "head": head,
                                 "rows": Markup("".join(rows))})
    items: dict[str, list[str]] = {}
    severities: dict[str, list[str]] = {}
    for child, sev, item in zip(mine["child"].tolist(), mine["severity"].tolist(), _child_items(shown[picked])):
        items.setdefault(child, []).append(item)
        severities.setdefault(child, []).append(sev)
    views = []
    for child in chosen:
        f = items[child]
        views.append({
            "id": masker.pseudonym(child) if masker else str(child),
            "errors": severities[child].count("error"), "queries": severities[child].count("query"),
            "tables": grids[child], "findings": Markup("".join(f[:CHILD_FINDINGS_LIMIT])),
            "more": max(0, len(f) - CHILD_FINDINGS_LIMIT),
        })
    return views, len(counts)


def render(result: RunResult, findings: pd.DataFrame, elapsed: float | None = None, masker=None) -> str:
    r = result.ret
    shown = masker.findings(findings) if masker else findings
    s = summary(findings)
    year = r.year.label
    by_rule = _by_rule(result, shown, year)
    by_child, n_by_child = _by_child(shown)
    by_table = _by_table(shown)
    views, n_children = _child_views(result, findings, shown, masker)
    view_ids = {v["id"] for v in views}
    preview = _preview(r, masker)
    template = _environment(template_cache_dir()).get_template("report.html.j2")
    return template.render(
        r=r, s=s, ready=s["errors"] == 0, baseline=r.reference.get("baseline"), explained=r.reference.get("explained"),
        ruleset_year=ruleset_year(r.kind, r.year.label), by_rule=by_rule, by_child=by_child, n_by_child=n_by_child,
        by_table=by_table, views=views, embedded_children=len(views), n_children=n_children,
        per_rule_limit=PER_RULE_LIMIT, normalisations=[n for t in r.tables.values() for n in t.normalised],
        return_level=Markup(_return_level_rows(shown[shown["table"].isna()])),
        version=validator.__version__, skipped=result.rules_skipped, n_rules=len(result.rules_run),
        when=time.strftime("%Y-%m-%d %H:%M"), elapsed=elapsed, masked=masker is not None,
        return_name=RETURN_NAMES[r.kind], rule_codes=[g["code"] for g in by_rule],
        tables=sorted({g["table"] for g in by_table}),
        preview=preview, preview_groups=_preview_groups(preview), child_views=view_ids,
        drill_html=_drill(view_ids, PREVIEW_DRILL_LIMIT), drill_limit=PREVIEW_DRILL_LIMIT,
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
