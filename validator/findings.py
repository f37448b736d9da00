"""findings: the engine's flagged rows joined with what a person needs to act on them.

One long table, one row per (rule, table, row): rule, severity, DfE message, table, year, row,
child, fields, values as written, file, line, XML path. Every output is a view of it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from validator.engine import RunResult
from validator.model import LAST, PREVIOUS, CURRENT
from validator.registry import RETURN_LEVEL
from validator.spec import spec

COLUMNS = ["rule", "severity", "message", "table", "year", "row", "child", "fields", "values",
           "file", "line", "path"]


def findings_table(result: RunResult) -> pd.DataFrame:
    r = result.ret
    s = spec(r.kind)
    order = {v.code: i for i, v in enumerate(result.rules_run)}
    version = {v.code: v for v in result.rules_run}
    parts = []
    for (code, key), grp in result.flags.groupby(["rule", "table"], sort=False):
        meta = s.rules[code]
        wanted = version[code].fields if code in version else meta.fields
        n = len(grp)
        if key == RETURN_LEVEL:
            crash = grp["crash"].iloc[0]
            parts.append(pd.DataFrame({
                "rule": code, "severity": grp["severity"].to_numpy(),
                "message": crash or meta.message_for(r.year.label), "table": None, "year": CURRENT,
                "row": None, "child": None, "fields": [list(wanted)] * n, "values": [{}] * n,
                "file": None, "line": None, "path": None,
            }))
            continue
        t = r.tables[key]
        rows = grp["row"].to_numpy()
        fields = [f for f in wanted if f in t.raw.columns]
        child_col = s.child_column
        child = t.raw[child_col].to_numpy()[rows] if child_col in t.raw.columns else np.full(n, None)
        values = t.raw.iloc[rows][fields].to_dict("records") if fields else [{}] * n
        parts.append(pd.DataFrame({
            "rule": code, "severity": grp["severity"].to_numpy(),
            "message": meta.message_for(r.year.label),
            "table": key[: -len(LAST)] if key.endswith(LAST) else key,
            "year": PREVIOUS if key.endswith(LAST) else CURRENT,
            "row": rows, "child": child, "fields": [fields] * n, "values": values,
            "file": t.source_file, "line": t.source_line[rows] if len(t.source_line) else None,
            "path": t.source_path[rows] if t.source_path is not None else None,
        }))
    if not parts:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in COLUMNS})
    out = pd.concat(parts, ignore_index=True)
    out["_order"] = out["rule"].map(order).fillna(len(order))
    out["_row"] = out["row"].fillna(-1).astype("int64")
    out = out.sort_values(["_order", "year", "table", "_row"], kind="stable", na_position="first")
    return out.drop(columns=["_order", "_row"]).reset_index(drop=True)[COLUMNS]


def summary(findings: pd.DataFrame) -> dict[str, int]:
    children = findings["child"].dropna()
    children = children[children.astype(str).str.strip() != ""]
    return {
        "errors": int((findings["severity"] == "error").sum()),
        "queries": int((findings["severity"] == "query").sum()),
        "children": int(children.nunique()),
    }
