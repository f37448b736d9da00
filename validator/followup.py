"""Nightly use: compare with an earlier run (--baseline) and carry the authority's explanations of
queries (--explanations), as DfE's upload system lets an authority explain a query.

A finding is matched with the earlier run by what does not move when rows are added or removed:
rule, table, year, child and the values it shows (row numbers shift between extracts).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd

from validator.errors import UserError


def _key(rule, table, year, child, values: dict) -> tuple:
    return (str(rule), str(table or ""), str(year or ""), str(child or ""),
            tuple(sorted((str(k), "" if v is None else str(v)) for k, v in (values or {}).items())))


def load_baseline(path: str) -> list[tuple]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise UserError(f"--baseline {path}: cannot read it as returncheck JSON ({e}).") from None
    if not isinstance(data, dict) or data.get("schema") != "returncheck-findings/1":
        raise UserError(f"--baseline {path}: not a returncheck findings file (schema returncheck-findings/1).")
    return [_key(f.get("rule"), f.get("table"), f.get("year"), f.get("child"), f.get("values")) for f in data["findings"]]


def apply_baseline(findings: pd.DataFrame, baseline: list[tuple]) -> dict[str, int]:
    """Add a `status` column (new | persisting) and return the counts, resolved included."""
    keys = [_key(*row) for row in zip(findings["rule"], findings["table"], findings["year"], findings["child"],
                                       findings["values"])]
    before = set(baseline)
    now = set(keys)
    findings["status"] = ["persisting" if k in before else "new" for k in keys]
    return {"new": int((findings["status"] == "new").sum()),
            "persisting": int((findings["status"] == "persisting").sum()),
            "resolved": len(before - now)}


def load_explanations(path: str) -> dict[tuple[str, str], str]:
    """CSV with columns rule, child, note (header names matched ignoring case and spaces)."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            rows = list(csv.DictReader(f))
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise UserError(f"--explanations {path}: cannot read it as a CSV file ({e}).") from None
    if not rows:
        return {}
    names = {k.strip().lower(): k for k in rows[0] if k}
    missing = [c for c in ("rule", "child", "note") if c not in names]
    if missing:
        raise UserError(f"--explanations {path}: needs the columns rule, child and note (missing: {', '.join(missing)}).")
    return {(r[names["rule"]].strip(), r[names["child"]].strip()): r[names["note"]].strip() for r in rows
            if r.get(names["rule"])}


def apply_explanations(findings: pd.DataFrame, notes: dict[tuple[str, str], str]) -> int:
    """Add an `explanation` column: the authority's note for a query of that rule and child. Only
    queries can be explained (an error must be fixed). Returns how many were explained."""
    keys = zip(findings["rule"].astype(str), findings["child"].fillna("").astype(str), findings["severity"])
    findings["explanation"] = [notes.get((rule, child)) if sev == "query" else None for rule, child, sev in keys]
    return int(findings["explanation"].notna().sum())
