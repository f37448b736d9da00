"""The HTML report's repeated parts, built in Python: finding rows, child records, and the
escaping and anchors they use. A report can hold tens of thousands of them, and per-row template
logic costs far more; every value from the data is escaped by `_h`, exactly as Jinja's autoescape
would. No Jinja here: the child records are made by the process that ran the rules while a second
one writes the rest of the report (reports.outputs), and that process need not import Jinja.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from validator.engine import RunResult
from validator.model import LAST
from validator.spec import spec

CHILD_VIEW_LIMIT = 300  # children whose full record is embedded (most findings first)
CHILD_FINDINGS_LIMIT = 100  # findings listed under one child's record


def _blank(v) -> str:
    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        return ""
    return str(v)


def _h(text: str) -> str:
    """`text` HTML-escaped with the same entities as Jinja's autoescape (markupsafe), as a plain str."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&#34;").replace("'", "&#39;"))


_UNSAFE = re.compile(r"[^A-Za-z0-9-]")


def anchor(kind: str, value) -> str:
    """Stable HTML id for a rule, child or table: characters outside [A-Za-z0-9-] as _XX hex."""
    text = _blank(value)
    return f"{kind}-" + _UNSAFE.sub(lambda m: "_%02X" % ord(m.group()) if ord(m.group()) < 256 else "_", text)


def _texts(values: np.ndarray, text) -> np.ndarray:
    """Escaped text(value) for each value; each distinct value is formatted once (a table repeats its
    codes and dates). Missing values one by one: masking shows None and NaN differently."""
    code, uniques = pd.factorize(values)
    out = np.array([_h(text(u)) for u in uniques.tolist()] + [""], dtype=object)[code]
    missing = np.flatnonzero(code < 0)
    out[missing] = [_h(text(v)) for v in values[missing]]
    return out


def _shown(f: pd.DataFrame) -> dict[str, list]:
    """What the report shows of each finding, column by column (there may be very many), escaped."""
    out = {c: _texts(f[c].to_numpy(), str).tolist() for c in ("rule", "severity", "message")}
    out["table"] = _texts(f["table"].to_numpy(), _blank).tolist()
    out["file"] = _texts(f["file"].to_numpy(), _blank).tolist()
    out.update({c: [_h(_blank(v)) for v in f[c].tolist()] for c in ("child", "row", "line", "path")})
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


def _distinct(groups: np.ndarray, values: np.ndarray, n: int) -> list[list]:
    """The distinct values within each of the groups 0..n-1, in order of first appearance (no value
    is missing: the callers drop them)."""
    out: list[list] = [[] for _ in range(n)]
    for g, v in dict.fromkeys(zip(groups.tolist(), values.tolist())):  # distinct pairs, first seen first
        out[g].append(v)
    return out


def _names_child(f: pd.DataFrame) -> np.ndarray:
    """Which findings name a child (the id is neither missing nor blank)."""
    return (f["child"].notna() & f["child"].astype(str).str.strip().ne("")).to_numpy()


_ROW_START = {False: "\n<tr>", True: '\n<tr class="failing">'}  # a row with a failing cell is marked


def _record_rows(t, positions: np.ndarray, cols: list, marks: dict, masker) -> list[str]:
    """One <tr> per row of table `t` at `positions`, for the child records. `marks`
    {(row, column): [(rule, severity)]} are the failing cells, outlined and labelled with their rules."""
    values = np.column_stack([t.written(c)[positions].astype(object) for c in cols])
    if masker:  # what is masked depends on the column
        texts = np.column_stack([_texts(values[:, j], lambda v, c=c: masker.value(c, v)) for j, c in enumerate(cols)])
    else:
        texts = _texts(values.ravel(), _blank).reshape(values.shape)
    cells = "<td>" + texts + "</td>"  # object arrays: element-wise str concatenation
    failing = np.zeros(len(positions), dtype=bool)
    where = {row: i for i, row in enumerate(positions.tolist())}
    column = {c: j for j, c in enumerate(cols)}
    for (row, col), m in marks.items():
        i, j = where.get(row), column.get(col)
        if i is None or j is None:
            continue
        q = "" if any(sev == "error" for _, sev in m) else " q"
        labels = " ".join(f"{'✖' if sev == 'error' else '?'} {_h(rule)}" for rule, sev in m)
        cells[i, j] = f'<td class="bad{q}">{texts[i, j]}<span class="mark">{labels}</span></td>'
        failing[i] = True
    n = len(positions)
    lines = [_h(_blank(v)) for v in t.source_line[positions].tolist()] if len(t.source_line) else [""] * n
    paths = [_h(_blank(v)) for v in t.source_path[positions].tolist()] if t.source_path is not None else [""] * n
    return [f'{_ROW_START[bad]}<th scope="row">{row}</th>{"".join(tds)}<td class="mono">{line}{f" {path}" if path else ""}</td></tr>\n'
            for row, tds, bad, line, path in zip(positions.tolist(), cells.tolist(), failing.tolist(), lines, paths)]


def _record_table(t, head: str, rows: list[str]) -> str:
    """One table of a child's record."""
    return (f'\n<div class="scroll">\n<table>\n<caption>{_h(str(t.name))}{" (last year)" if t.year == "previous" else ""}'
            f' · <span class="mono small">{_h(str(t.source_file))}</span></caption>\n'
            f'<thead><tr><th scope="col">Row</th>{head}<th scope="col">Line</th></tr></thead>\n'
            f'<tbody>\n{"".join(rows)}\n</tbody>\n</table>\n</div>\n')


def _record(child_id: str, severities: list[str], tables: list[str], items: list[str]) -> str:
    """One child's record: their rows in every table, then what was found."""
    a = anchor("child", child_id)
    errors, queries = severities.count("error"), severities.count("query")
    more = len(items) - CHILD_FINDINGS_LIMIT
    return (f'\n<article class="child-view" id="{a}" data-child="{_h(child_id)}" aria-labelledby="{a}-h">\n'
            f'<h3 id="{a}-h">Child {_h(child_id)}: {errors} error{"" if errors == 1 else "s"}, '
            f'{queries} quer{"y" if queries == 1 else "ies"}</h3>\n{"".join(tables)}'
            f'\n<ul>\n{"".join(items[:CHILD_FINDINGS_LIMIT])}\n'
            + (f"<li>and {more} more findings for this child (the XLSX output lists every finding)</li>" if more > 0 else "")
            + "\n</ul>\n</article>\n")


def child_records(result: RunResult, findings: pd.DataFrame, masker=None) -> tuple[list[str], str, int]:
    """The report's child records: for the children with most findings, every row of theirs in every
    table, failing cells marked, then their findings. Returns the ids shown (masked when the report
    is), the records' HTML, and how many children have findings. The biggest part of a report with
    many findings, and needs only the run: `render` takes it ready-made from another process."""
    shown = masker.findings(findings) if masker else findings
    r = result.ret
    child_col = spec(r.kind).child_column
    chosen, n_children = chosen_children(findings)
    if not chosen:
        return [], "", 0
    chosen_set = set(chosen)
    picked = findings["child"].isin(chosen_set).to_numpy()
    mine = findings[picked]
    marks: dict[str, dict[tuple, list]] = {}
    for table, year, row, fields, rule, sev in zip(mine["table"].tolist(), mine["year"].tolist(), mine["row"].tolist(),
                                                   mine["fields"].tolist(), mine["rule"].tolist(), mine["severity"].tolist()):
        per_table = marks.setdefault(table + (LAST if year == "previous" else ""), {})
        for field in fields or [""]:
            per_table.setdefault((int(row), field), []).append((rule, sev))
    tables: dict[str, list[str]] = {c: [] for c in chosen}
    for key, t in r.tables.items():
        if child_col not in t.written_columns:
            continue
        positions = np.flatnonzero(t.written_in(child_col, chosen_set))
        if not len(positions):
            continue
        child_of_row = t.written(child_col)
        cols = [c for c in t.written_columns if c != "ChildSeq"]
        per_child: dict[str, list[str]] = {}
        for child, row in zip(child_of_row[positions].tolist(),
                              _record_rows(t, positions, cols, marks.get(key, {}), masker)):
            per_child.setdefault(child, []).append(row)
        head = "".join(f'<th scope="col">{_h(c)}</th>' for c in cols)
        for child, rows in per_child.items():
            tables[child].append(_record_table(t, head, rows))
    items: dict[str, list[str]] = {c: [] for c in chosen}
    severities: dict[str, list[str]] = {c: [] for c in chosen}
    for child, sev, item in zip(mine["child"].tolist(), mine["severity"].tolist(), _child_items(shown[picked])):
        items[child].append(item)
        severities[child].append(sev)
    shown_ids = _shown_ids(chosen, masker)
    html = "".join(_record(i, severities[c], tables[c], items[c]) for i, c in zip(shown_ids, chosen))
    return shown_ids, html, n_children


def chosen_children(findings: pd.DataFrame) -> tuple[list, int]:
    """The children whose records the report embeds (most findings first, at most CHILD_VIEW_LIMIT)
    and how many children have findings."""
    names_child = _names_child(findings)  # the same findings when masked: a blank id stays blank
    code, ids = pd.factorize(findings["child"][names_child], sort=True)
    return ids[np.argsort(-np.bincount(code), kind="stable")[:CHILD_VIEW_LIMIT]].tolist(), len(ids)


def _shown_ids(chosen: list, masker) -> list[str]:
    return [masker.pseudonym(c) for c in chosen] if masker else [str(c) for c in chosen]


class RecordsLater:
    """The child records' HTML, made by another process (reports.outputs) and fetched (`fetch()`
    returns what child_records does) only when the page reaches them: the rest of the page is
    made meanwhile. Jinja inserts it through `__html__`, unescaped, as it would Markup."""

    def __init__(self, fetch):
        self._fetch, self._html = fetch, None

    def __html__(self) -> str:
        if self._html is None:
            self._html = self._fetch()[1]
        return self._html
