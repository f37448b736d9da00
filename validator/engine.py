"""engine: run a year's ruleset on a Return and collect every flagged row into one long table.

A rule that raises becomes a finding of its own ("rule could not run", with the exception text)
and the other rules go on. A rule whose inputs are missing is listed as skipped, with why.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from validator.errors import UserError
from validator.model import LAST, Return
from validator.registry import RETURN_LEVEL, NotApplicable, RuleVersion, ruleset

COULD_NOT_RUN = "Rule could not run: {error}"
FINDING_COLUMNS = ["rule", "severity", "table", "row", "crash"]


@dataclass
class RunResult:
    ret: Return
    rules_run: list[RuleVersion]
    rules_skipped: list[tuple[str, str]]  # (code, reason)
    flags: pd.DataFrame  # rule, severity, table (key), row (label, -1 for the whole return), crash
    timings: dict[str, float] = field(default_factory=dict)  # code -> seconds


# Tables the SSDA903 XML schema has no place for: a rule reading one cannot judge a return without it.
CSV_ONLY_TABLES = {"ssda903": ("SWEpisodes", "DoLo")}


def missing_input(v: RuleVersion, r: Return) -> str | None:
    """Why `v` cannot run on `r` (an input it needs was not given), or None."""
    m = v.meta
    if (m.needs_previous_year == "yes" or "previous" in v.extra_needs) and not r.has_previous:
        return "needs last year's return (--previous)"
    if m.needs_previous_year == "yes":
        absent = [t for t in m.tables if t.endswith(LAST) and not r.has(t)]
        if absent:
            names = ", ".join(t[: -len(LAST)] for t in absent)
            return f"needs last year's {names} table, which the previous-year input does not have"
    for table in CSV_ONLY_TABLES.get(r.kind, ()):
        if table in m.tables and not r.has(table):
            return (f"needs the {table} table, which was not given (the SSDA903 XML form does not carry it: "
                    f"give it as a CSV file)")
    if (m.needs_ofsted_lists or "ofsted" in v.extra_needs) and not r.reference.get("ofsted"):
        return "needs Ofsted's provider lists (--ofsted)"
    if (m.needs_la_code or "la" in v.extra_needs) and not r.la:
        return "needs the local authority code (--la)"
    return None


def _codes(arg: list[str] | None, known: dict[str, str], what: str) -> set[str] | None:
    if not arg:
        return None
    out = set()
    for part in (p.strip() for a in arg for p in a.split(",")):
        if not part:
            continue
        if part in known:
            out.add(part)
        elif part.upper() in known:
            out.add(known[part.upper()])
        else:
            raise UserError(f"{what}: '{part}' is not a rule code of this return and year "
                            "(see `returncheck rules`).")
    return out


def select_rules(r: Return, select: list[str] | None, ignore: list[str] | None) -> list[RuleVersion]:
    rules = ruleset(r.kind, r.year.label)
    known = {v.code: v.code for v in rules}
    known.update({v.code.upper(): v.code for v in rules if v.code.upper() not in known})
    chosen = _codes(select, known, "--select")
    dropped = _codes(ignore, known, "--ignore") or set()
    return [v for v in rules if (chosen is None or v.code in chosen) and v.code not in dropped]


def rows_of(flags, frame_index: pd.Index) -> np.ndarray:
    """Row labels from what a rule returned: a boolean Series/array, an Index, or a list of labels."""
    if isinstance(flags, pd.Series) and flags.dtype == bool:
        return flags.index[flags.to_numpy()].to_numpy()
    if isinstance(flags, pd.Series) and str(flags.dtype) == "boolean":
        return flags.index[flags.fillna(False).to_numpy(dtype=bool)].to_numpy()
    if isinstance(flags, np.ndarray) and flags.dtype == bool:
        return frame_index[flags].to_numpy()
    return np.unique(np.asarray(list(flags) if not isinstance(flags, (pd.Index, np.ndarray)) else flags))


def run(r: Return, select: list[str] | None = None, ignore: list[str] | None = None) -> RunResult:
    parts: list[pd.DataFrame] = []
    ran, skipped, timings = [], [], {}
    for v in select_rules(r, select, ignore):
        reason = missing_input(v, r)
        if reason:
            skipped.append((v.code, reason))
            continue
        ran.append(v)
        severity = v.meta.severity
        start = time.perf_counter()
        try:
            out = v.func(r) or {}
            for key, flags in out.items():
                if key == RETURN_LEVEL:
                    if bool(flags):
                        parts.append(pd.DataFrame({"rule": [v.code], "severity": severity, "table": key,
                                                   "row": -1, "crash": ""}))
                    continue
                if not r.has(key):
                    continue  # a table the input does not have has no rows to flag
                rows = rows_of(flags, r.tables[key].frame.index)
                if len(rows):
                    parts.append(pd.DataFrame({"rule": v.code, "severity": severity, "table": key,
                                               "row": rows.astype("int64"), "crash": ""}))
        except NotApplicable as e:
            ran.remove(v)
            skipped.append((v.code, str(e)))
        except Exception as e:  # noqa: BLE001 - a broken rule must never silence the others
            text = f"{type(e).__name__}: {e}"
            parts.append(pd.DataFrame({"rule": [v.code], "severity": "error", "table": RETURN_LEVEL,
                                       "row": -1, "crash": COULD_NOT_RUN.format(error=text)}))
        timings[v.code] = time.perf_counter() - start
    flags = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        {c: pd.Series([], dtype="int64" if c == "row" else "object") for c in FINDING_COLUMNS})
    flags = flags.drop_duplicates(["rule", "table", "row", "crash"], ignore_index=True)
    return RunResult(ret=r, rules_run=ran, rules_skipped=skipped, flags=flags, timings=timings)
