"""The machine contract: JSON schema `returncheck-findings/1` (see DESIGN.md)."""

from __future__ import annotations

import json
import math

import pandas as pd

import validator
from validator.registry import ruleset_year
from validator.engine import RunResult
from validator.findings import summary

SCHEMA = "returncheck-findings/1"


def _plain(v):
    """JSON-safe scalars: numpy numbers to int, missing to None."""
    if type(v) is str:  # the common case, first
        return v
    if v is None:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if v is pd.NA or v is pd.NaT:
        return None
    if hasattr(v, "item"):
        return v.item()
    return v


def normalisations(r) -> list[dict]:
    """Values read differently from how they are written, once per (file, table, column, kind)."""
    return [{"file": t.source_file, "year": t.year, **n.as_dict()} for t in r.tables.values() for n in t.normalised]


def findings_json(result: RunResult, findings: pd.DataFrame) -> dict:
    r = result.ret
    # Column by column, then zipped: a census with every child flagged has hundreds of thousands.
    cols = {c: [_plain(v) for v in findings[c].tolist()] for c in ("row", "child", "line")}
    status = findings["status"].tolist() if "status" in findings else None
    explanation = findings["explanation"].tolist() if "explanation" in findings else None
    out_findings = []
    for rule, sev, msg, table, year, row, child, fields, values, file, line, path in zip(
            findings["rule"].tolist(), findings["severity"].tolist(), findings["message"].tolist(),
            findings["table"].tolist(), findings["year"].tolist(), cols["row"], cols["child"],
            findings["fields"].tolist(), findings["values"].tolist(), findings["file"].tolist(), cols["line"],
            findings["path"].tolist()):
        source = {"file": file, "line": line}
        if isinstance(path, str):
            source["path"] = path
        out_findings.append({
            "rule": rule, "severity": sev, "message": msg, "table": table, "year": year, "row": row,
            "child": child, "fields": list(fields), "values": {k: _plain(v) for k, v in values.items()},
            "source": source,
        })
        i = len(out_findings) - 1
        if status is not None:
            out_findings[-1]["status"] = status[i]
        if explanation is not None and isinstance(explanation[i], str):
            out_findings[-1]["explanation"] = explanation[i]
    inputs = []
    for i in r.inputs:
        for table, rows in (i.tables.items() or [(None, 0)]):
            prefix = f"{table}: "
            notes = [n[len(prefix):] if n.startswith(prefix) else n for n in i.notes
                     if n.startswith(prefix) or ":" not in n.split(" ", 1)[0]]
            inputs.append({"path": i.path, "sha256": i.sha256, "table": table, "year": i.year, "rows": rows,
                           "notes": notes})
    return {
        "schema": SCHEMA,
        "tool": {"name": "returncheck", "version": validator.__version__},
        "return": r.kind,
        "collection_year": r.year.label,
        "la": r.la,
        "inputs": inputs,
        "ruleset": ruleset_year(r.kind, r.year.label),
        "rules_run": [v.code for v in result.rules_run],
        "rules_skipped": [{"rule": c, "reason": why} for c, why in result.rules_skipped],
        "normalisations": normalisations(r),
        "findings": out_findings,
        "summary": {**summary(findings),
                    **({"baseline": r.reference["baseline"]} if "baseline" in r.reference else {}),
                    **({"explained": r.reference["explained"]} if "explained" in r.reference else {})},
        **_measures(r),
    }


def _measures(r) -> dict:
    """The processed-output preview: "measures" (id, label, value, previous_value, children) and the
    detail behind them ("preview": units, shares, change flags, as-published values, tables)."""
    from reports.preview import masked, options, preview_of

    p = masked(preview_of(r), options(r)["masker"])
    return {"measures": p.measures_json(), "preview": p.detail_json()}


def write_json(result: RunResult, findings: pd.DataFrame, path: str) -> None:
    """One line per top-level entry, and per record of a list of records (each finding, measure,
    input), so that two runs diff line by line. Every line comes from json's C encoder: an indented
    dump runs in pure Python, tenths of a second for a large census."""
    encode = json.JSONEncoder(ensure_ascii=False).encode
    entries = []
    for key, value in findings_json(result, findings).items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            text = "[\n  " + ",\n  ".join(map(encode, value)) + "\n ]"
        else:
            text = encode(value)
        entries.append(f" {encode(key)}: {text}")
    with open(path, "w", encoding="utf-8") as f:
        f.write("{\n" + ",\n".join(entries) + "\n}\n")
