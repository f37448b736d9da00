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
import pandas as pd
from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, select_autoescape
from markupsafe import Markup

import validator
from reports.html_rows import PER_RULE_LIMIT, _h, anchor, findings_parts
from validator.engine import RunResult
from validator.registry import ruleset_year

TEMPLATES = Path(__file__).resolve().parent / "templates"
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
    preview, links = _shown_preview(r, masker)
    template = report_template()
    p = findings_parts(result, findings, masker, records)
    s, view_ids = p["s"], p["view_ids"]
    by_rule = [g | {"rows": Markup(g["rows"])} for g in p["by_rule"]]
    return template.render(
        r=r, s=s, ready=s["errors"] == 0, baseline=r.reference.get("baseline"), explained=r.reference.get("explained"),
        ruleset_year=ruleset_year(r.kind, r.year.label), by_rule=by_rule, by_child=Markup(p["by_child"]),
        n_by_child=p["n_by_child"], by_table=p["by_table"],
        records=p["records"] if hasattr(p["records"], "__html__") else Markup(p["records"]),
        embedded_children=len(view_ids), n_children=p["n_children"],
        per_rule_limit=PER_RULE_LIMIT, normalisations=[n for t in r.tables.values() for n in t.normalised],
        return_level=Markup(p["return_level"]),
        version=validator.__version__, skipped=result.rules_skipped, n_rules=len(result.rules_run),
        when=time.strftime("%Y-%m-%d %H:%M"), elapsed=elapsed, masked=masker is not None,
        return_name=RETURN_NAMES[r.kind], rule_codes=[g["code"] for g in by_rule],
        tables=sorted({g["table"] for g in p["by_table"]}),
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
