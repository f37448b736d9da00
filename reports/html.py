"""The HTML report: one self-contained file (CSS and JavaScript inline, no external request).

The page is a Jinja template (autoescape on). The parts that repeat per finding, per child and
per cell (finding rows, the by-child table, child records, the children behind preview figures)
are built in Python (here and in `html_rows`) as HTML with every value from the data escaped by
`_h`, exactly as autoescape would: a census can have tens of thousands of them, and per-row
template logic costs far more.
The compiled templates are kept in the user's cache folder (`_CompiledTemplates`).
The tables read without JavaScript; the script adds filtering, sorting and URL-fragment state
(`#rule=103`, `#child=X`).
"""

from __future__ import annotations

import time
from functools import cache
from pathlib import Path

import jinja2
import numpy as np
import pandas as pd
from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, select_autoescape
from markupsafe import Markup

import validator
from reports.html_rows import (RecordsLater, _distinct, _h, _names_child, _return_level_rows, _rule_rows,
                               _shown_ids, anchor, child_records, chosen_children)
from validator.engine import RunResult
from validator.findings import summary
from validator.registry import ruleset_year

TEMPLATES = Path(__file__).resolve().parent / "templates"
PER_RULE_LIMIT = 200  # findings embedded per rule; the XLSX, CSV and JSON outputs hold all of them
PREVIEW_DRILL_LIMIT = 500  # child ids listed under each preview figure; the XLSX and JSON list all

RETURN_NAMES = {"ssda903": "SSDA903 (children looked after)", "cin": "CIN census"}


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
def _environment(compiled: Path | None) -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]),
                      bytecode_cache=_CompiledTemplates(str(compiled)) if compiled else None)
    env.filters["anchor"] = lambda value, kind: anchor(kind, value)  # {{ code|anchor('rule') }}
    env.globals["num"] = num
    return env


def template_cache_dir() -> Path | None:
    """In the cache folder (validator.cache), one folder per Jinja version (its compiled code is
    only meant for itself); None when there is no home folder."""
    from validator.cache import cache_root

    try:
        return cache_root() / f"templates-jinja{jinja2.__version__}"
    except RuntimeError:  # Path.home(): no HOME and no password entry (some containers)
        return None


def _by_rule(result: RunResult, shown: pd.DataFrame, year: str) -> list[dict]:
    """Rules with findings, in DfE's order: counts, and the first PER_RULE_LIMIT findings as rows."""
    code, rules = pd.factorize(shown["rule"])
    n = len(rules)
    count = np.bincount(code, minlength=n).tolist()
    severity = shown["severity"].to_numpy()[np.unique(code, return_index=True)[1]].tolist()
    child, table = shown["child"], shown["table"]
    children = [len(c) for c in _distinct(code[child.notna().to_numpy()], child.dropna().to_numpy(), n)]
    tables = [sorted(t) for t in _distinct(code[table.notna().to_numpy()], table.dropna().to_numpy(), n)]
    first = pd.Series(code).groupby(code).cumcount().to_numpy() < PER_RULE_LIMIT
    rows: list[list[str]] = [[] for _ in range(n)]
    for i, row in zip(code[first].tolist(), _rule_rows(shown[first])):
        rows[i].append(row)
    index = {rule: i for i, rule in enumerate(rules.tolist())}
    out = []
    for v in result.rules_run:
        i = index.get(v.code)
        if i is None:
            continue
        out.append({
            "code": v.code, "severity": severity[i], "message": v.meta.message_for(year),
            "fields": ", ".join(v.fields), "count": count[i], "children": children[i], "tables": tables[i],
            "limited": v.limited_confidence, "more": max(0, count[i] - PER_RULE_LIMIT), "rows": Markup("".join(rows[i])),
        })
    return out


def _by_child(shown: pd.DataFrame, names_child: np.ndarray) -> tuple[Markup, int]:
    """The by-child table's rows (every child with a finding, in id order) and how many there are."""
    kids = shown[names_child]
    code, ids = pd.factorize(kids["child"], sort=True)
    sev = kids["severity"].to_numpy()
    errors = np.bincount(code, weights=sev == "error", minlength=len(ids)).astype(int).tolist()
    queries = np.bincount(code, weights=sev == "query", minlength=len(ids)).astype(int).tolist()
    rules = [", ".join(r) for r in _distinct(code, kids["rule"].to_numpy(), len(ids))]
    rows = "".join(
        f'\n<tr data-sev="{"error" if e else "query"}" data-rule="{_h(r.replace(", ", " "))}" data-table="" '
        f'data-child="{_h(str(c))}"><th scope="row"><a href="#{anchor("child", c)}">{_h(str(c))}</a></th>'
        f'<td>{e}</td><td>{q}</td><td>{_h(r)}</td></tr>\n'
        for c, e, q, r in zip(ids.tolist(), errors, queries, rules))
    return Markup(rows), len(ids)


def _by_table(shown: pd.DataFrame) -> list[dict]:
    """Findings per table and year, in table order."""
    f = shown[shown["table"].notna().to_numpy()]
    code, keys = pd.factorize(pd.MultiIndex.from_arrays([f["table"], f["year"]]), sort=True)
    n = len(keys)
    sev = f["severity"].to_numpy()
    errors = np.bincount(code, weights=sev == "error", minlength=n).astype(int).tolist()
    queries = np.bincount(code, weights=sev == "query", minlength=n).astype(int).tolist()
    rows = _distinct(code[f["row"].notna().to_numpy()], f["row"].dropna().to_numpy(), n)
    rules = _distinct(code, f["rule"].to_numpy(), n)
    return [{"table": table, "year": yr, "errors": e, "queries": q, "rows": len(rw), "rules": ", ".join(ru)}
            for (table, yr), e, q, rw, ru in zip(keys.tolist(), errors, queries, rows, rules)]


class _ChildLinks(dict):
    """Child id -> its HTML in a drill list as (a link to its record, plain text), made on first use:
    the same children recur under many figures."""

    def __missing__(self, c) -> tuple[str, str]:
        text = _h(str(c))
        self[c] = (f'<a href="#{anchor("child", c)}">{text}</a>', f"<span>{text}</span>")
        return self[c]


def _drill(view_ids: set, limit: int, links: _ChildLinks):
    """drill_html(ids) for the template: the children behind one figure, as a closed <details> list,
    each a link when the child's record is in this report. Built here rather than in Jinja: a large
    return has tens of thousands of ids."""

    def html_of(c) -> str:
        return links[c][0 if c in view_ids else 1]

    def drill_html(ids: list) -> Markup:
        if not ids:
            return Markup('<span class="small">none</span>')
        n = len(ids)
        more = (f" <em>and {n - limit} more (the XLSX and JSON outputs list every child)</em>" if n > limit else "")
        return Markup(f'<details class="drill"><summary>{n} child{"" if n == 1 else "ren"}</summary>'
                      f'<p class="ids">{" ".join(map(html_of, ids[:limit]))}{more}</p></details>')

    return drill_html


def num(v) -> str:
    """A preview figure: – when missing, one decimal when not whole, else an integer with thousands commas."""
    if v is None:
        return "–"
    if isinstance(v, float) and v != round(v, 0):
        return "%.1f" % v
    return f"{int(v):,}"


def render(result: RunResult, findings: pd.DataFrame, elapsed: float | None = None, masker=None,
           records=None) -> str:
    """The report page. `records()`, when given, returns `child_records(result, findings, masker)`
    (made elsewhere meanwhile); it is called when the page reaches the records, near its end."""
    r = result.ret
    shown = masker.findings(findings) if masker else findings
    s = summary(findings)
    names_child = _names_child(findings)
    by_rule = _by_rule(result, shown, r.year.label)
    by_child, n_by_child = _by_child(shown, names_child)
    by_table = _by_table(shown)
    preview, links = _shown_preview(r, masker)
    template = report_template()
    if records is None:
        view_ids, record_html, n_children = child_records(result, findings, masker)
        record_html = Markup(record_html)
    else:  # being made by the process that ran the rules: fetched when the page reaches it
        chosen, n_children = chosen_children(findings)
        view_ids, record_html = _shown_ids(chosen, masker), RecordsLater(records)
    return template.render(
        r=r, s=s, ready=s["errors"] == 0, baseline=r.reference.get("baseline"), explained=r.reference.get("explained"),
        ruleset_year=ruleset_year(r.kind, r.year.label), by_rule=by_rule, by_child=by_child, n_by_child=n_by_child,
        by_table=by_table, records=record_html, embedded_children=len(view_ids), n_children=n_children,
        per_rule_limit=PER_RULE_LIMIT, normalisations=[n for t in r.tables.values() for n in t.normalised],
        return_level=Markup(_return_level_rows(shown[shown["table"].isna()])),
        version=validator.__version__, skipped=result.rules_skipped, n_rules=len(result.rules_run),
        when=time.strftime("%Y-%m-%d %H:%M"), elapsed=elapsed, masked=masker is not None,
        return_name=RETURN_NAMES[r.kind], rule_codes=[g["code"] for g in by_rule],
        tables=sorted({g["table"] for g in by_table}),
        preview=preview, preview_groups=_preview_groups(preview), child_views=set(view_ids),
        drill_html=_drill(set(view_ids), PREVIEW_DRILL_LIMIT, links),
    )


def report_template() -> jinja2.Template:
    """The report's template, loaded (compiled code from the cache folder) once per process."""
    return _environment(template_cache_dir()).get_template("report.html.j2")


def prepare(r, masker) -> None:
    """What the page needs before the findings: its template, the preview as it shows it and the HTML
    of each child id listed under a figure. Done by a copy of the process while the rules run
    (reports.outputs), so that less is left once they have."""
    report_template()
    preview, links = _shown_preview(r, masker)
    for x in [*preview.measures, *preview.warnings,
              *(c for t in preview.tables for c in t.rows + ([t.total] if t.total else []))]:
        for c in x.children[:PREVIEW_DRILL_LIMIT]:
            links[c]  # made now (_ChildLinks.__missing__)


def _shown_preview(r, masker):
    """The processed-output preview (reports/preview), with child ids masked as the report is, and
    the HTML of its children (_ChildLinks); once per Return and masker."""
    from reports.preview import masked, preview_of

    made = r.__dict__.setdefault("_report_preview", {})
    if id(masker) not in made:
        made[id(masker)] = (masker, masked(preview_of(r), masker), _ChildLinks())
    return made[id(masker)][1:]


def _preview_groups(preview) -> list[tuple[str, list]]:
    groups: dict[str, list] = {}
    for t in preview.tables:
        groups.setdefault(t.group, []).append(t)
    return list(groups.items())


def write_html(result: RunResult, findings: pd.DataFrame, path: str, elapsed: float | None = None, masker=None,
               records=None) -> None:
    Path(path).write_text(render(result, findings, elapsed, masker, records), encoding="utf-8")
