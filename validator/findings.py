"""findings: the engine's flagged rows joined with what a person needs to act on them.

One long table, one row per (rule, table, row): rule, severity, DfE message, table, year, row,
child, fields, values as written, file, line, XML path. Every output is a view of it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from validator.engine import RunResult
from validator.model import CURRENT, LAST, PREVIOUS
from validator.registry import RETURN_LEVEL
from validator.spec import spec

COLUMNS = ["rule", "severity", "message", "table", "year", "row", "child", "fields", "values",
           "file", "line", "path"]


def findings_table(result: RunResult) -> pd.DataFrame:
    r = result.ret
    s = spec(r.kind)
    flags = result.flags
    if not len(flags):
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in COLUMNS})
    # DfE's rule order, then this year before last, then table and row (a return-level finding first)
    order = {v.code: i for i, v in enumerate(result.rules_run)}
    key = flags["table"].to_numpy(dtype=object)
    last = np.array([k.endswith(LAST) for k in key.tolist()], dtype=bool)
    table = np.array([None if k == RETURN_LEVEL else k[: -len(LAST)] if e else k for k, e in zip(key.tolist(), last)],
                     dtype=object)
    rule_order = np.array([order.get(c, len(order)) for c in flags["rule"].tolist()], dtype=np.int64)
    _, table_order = np.unique(np.array([t or "" for t in table.tolist()], dtype=str), return_inverse=True)
    at = np.lexsort((flags["row"].to_numpy(), table_order, last, rule_order))  # stable; the last key sorts first
    rule, key, table, last = flags["rule"].to_numpy(dtype=object)[at], key[at], table[at], last[at]
    row, crash = flags["row"].to_numpy()[at], flags["crash"].to_numpy(dtype=object)[at]
    n = len(at)
    version = {v.code: v for v in result.rules_run}
    fields_of = {c: list(version[c].fields if c in version else s.rules[c].fields) for c in set(rule.tolist())}
    message_of = {c: s.rules[c].message_for(r.year.label) for c in fields_of}

    # what differs per table: the child, the values as written, where in the input (None: not known)
    child, file, line, path = (np.full(n, None, dtype=object) for _ in range(4))
    fields, values = [None] * n, [None] * n
    for k in dict.fromkeys(key.tolist()):
        mine = np.flatnonzero(key == k)
        if k == RETURN_LEVEL:
            for i in mine.tolist():
                fields[i], values[i] = fields_of[rule[i]], {}
            continue
        t = r.tables[k]
        rows = row[mine]
        columns = set(t.written_columns)
        file[mine] = t.source_file
        if s.child_column in columns:
            child[mine] = t.written(s.child_column)[rows]
        if len(t.source_line):
            line[mine] = t.source_line[rows].tolist()  # Python ints, as the other columns hold
        if t.source_path is not None:
            path[mine] = t.source_path[rows]
        for code in dict.fromkeys(rule[mine].tolist()):
            theirs = mine[rule[mine] == code]
            shown = [f for f in fields_of[code] if f in columns]
            cells = [t.written(f)[row[theirs]].tolist() for f in shown]
            for i, written in zip(theirs.tolist(), zip(*cells) if shown else [()] * len(theirs)):
                fields[i], values[i] = shown, dict(zip(shown, written))
    return pd.DataFrame({
        "rule": rule, "severity": flags["severity"].to_numpy(dtype=object)[at],
        "message": [c or message_of[code] if k == RETURN_LEVEL else message_of[code]
                    for code, k, c in zip(rule.tolist(), key.tolist(), crash.tolist())],
        "table": _column(table.tolist()), "year": np.where(last, PREVIOUS, CURRENT).astype(object),
        "row": _column([None if k == RETURN_LEVEL else x for k, x in zip(key.tolist(), row.tolist())]),
        "child": _column(child.tolist()), "fields": _objects(fields), "values": _objects(values),
        "file": _column(file.tolist()), "line": _column(line.tolist()), "path": _column(path.tolist()),
    }, columns=COLUMNS)


def _column(values: list) -> pd.Series:
    """A findings column: pandas' own type (str, int64) when every finding has a value; values and
    None as Python objects when some have none (a return-level finding has no row or child)."""
    return pd.Series(values, dtype=object) if any(v is None for v in values) else pd.Series(values)

def _objects(values: list) -> pd.Series:
    """Lists or dicts, one per finding, kept as they are."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return pd.Series(out, dtype=object)


def summary(findings: pd.DataFrame) -> dict[str, int]:
    children = findings["child"].dropna()
    children = children[children.astype(str).str.strip() != ""]
    return {
        "errors": int((findings["severity"] == "error").sum()),
        "queries": int((findings["severity"] == "query").sum()),
        "children": int(children.nunique()),
    }
