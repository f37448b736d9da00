"""engine: run a year's ruleset on a Return and collect every flagged row into one long table.

A rule that raises becomes a finding of its own ("rule could not run", with the exception text)
and the other rules go on. A rule whose inputs are missing is listed as skipped, with why.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from validator import forked
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
    # derived frames the second process computed for its rules (name -> seconds), when there was one
    child_derive_seconds: dict[str, float] = field(default_factory=dict)


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
        if isinstance(frame_index, pd.RangeIndex) and frame_index.start == 0 and frame_index.step == 1:
            return np.flatnonzero(flags)  # row labels are the positions: no index lookup
        return frame_index[flags].to_numpy()
    return np.unique(np.asarray(list(flags) if not isinstance(flags, (pd.Index, np.ndarray)) else flags))


@dataclass
class _Outcome:
    """What one rule did: its flagged rows per table key, or why it did not run."""
    skipped: str | None = None  # reason, when the rule turned out not to apply
    tables: list[str] = field(default_factory=list)
    rows: list[np.ndarray] = field(default_factory=list)
    crash: str = ""
    seconds: float = 0.0


def _run_one(r: Return, v: RuleVersion) -> _Outcome:
    out = _Outcome()
    start = time.perf_counter()
    try:
        for key, flags in (v.func(r) or {}).items():
            if key == RETURN_LEVEL:
                if bool(flags):
                    out.tables.append(key)
                    out.rows.append(np.array([-1], dtype="int64"))
                continue
            if not r.has(key):
                continue  # a table the input does not have has no rows to flag
            rows = rows_of(flags, r.tables[key].frame.index)
            if len(rows):
                out.tables.append(key)
                out.rows.append(rows.astype("int64"))
    except NotApplicable as e:
        out = _Outcome(skipped=str(e))
    except Exception as e:  # noqa: BLE001 - a broken rule must never silence the others
        out = _Outcome(tables=[RETURN_LEVEL], rows=[np.array([-1], dtype="int64")],
                       crash=COULD_NOT_RUN.format(error=f"{type(e).__name__}: {e}"))
    out.seconds = time.perf_counter() - start
    return out


def _run_all(r: Return, versions: list[RuleVersion]) -> dict[str, _Outcome]:
    return {v.code: _run_one(r, v) for v in versions}


# Below this many table rows (both years) a second process costs more than it saves: measured on
# 2 cores, a 2,700-child 903 (34,000 rows) ran its rules in 0.15 s in one process and 0.19 s in
# two; a 10,000-child census (70,000 rows) broke even; a 50,000-child census went 0.66 -> 0.41 s.
PARALLEL_MIN_ROWS = 100_000


def default_workers(r: Return) -> int:
    """Processes to run the rules in: two where the machine has the cores, the OS can fork (Linux)
    and the return is big enough to be worth it; otherwise one."""
    if not forked.available():
        return 1
    rows = sum(t.rows for t in r.tables.values())
    return 2 if rows >= PARALLEL_MIN_ROWS else 1


def _split(versions: list[RuleVersion]) -> tuple[list[RuleVersion], list[RuleVersion]]:
    """Two halves of about the same number of rules, whole modules kept together: rules of one
    module share derived frames, which each process computes for itself."""
    modules: dict[str, list[RuleVersion]] = {}
    for v in versions:
        modules.setdefault(v.func.__module__, []).append(v)
    halves: tuple[list[RuleVersion], list[RuleVersion]] = ([], [])
    for group in sorted(modules.values(), key=len, reverse=True):
        min(halves, key=len).extend(group)
    return halves


def _run_forked(r: Return, versions: list[RuleVersion]) -> tuple[dict[str, _Outcome], dict[str, float]]:
    """Run half the rules in a forked copy of this process while this one runs the other half.
    The child sends back its outcomes (flagged row numbers, not frames; see validator.forked). If it
    fails for any reason, this process runs its half too: the result is the same either way."""
    mine, theirs = _split(versions)
    child = forked.Forked(lambda: (_run_all(r, theirs), r.__dict__.get("_derive_seconds", {})))
    outcomes = _run_all(r, mine)
    try:
        theirs_out, child_derive = child.result()
    except forked.Failed:  # the child died or sent garbage: do its share here
        return outcomes | _run_all(r, theirs), {}
    return outcomes | theirs_out, child_derive


def run(r: Return, select: list[str] | None = None, ignore: list[str] | None = None,
        workers: int = 1) -> RunResult:
    """Run the year's rules (or those chosen) on `r`. `workers=2` runs them in two processes
    where the OS can fork; the result is identical to one process, in the same order."""
    chosen, skipped_first = [], {}
    for v in select_rules(r, select, ignore):
        reason = missing_input(v, r)
        if reason:
            skipped_first[v.code] = reason
        else:
            chosen.append(v)
    child_derive: dict[str, float] = {}
    if workers > 1 and hasattr(os, "fork") and len(chosen) > 1:  # os.fork: not on Windows
        outcomes, child_derive = _run_forked(r, chosen)
    else:
        outcomes = _run_all(r, chosen)

    ran, skipped, timings = [], [], {}
    rule, severity, table, rows, crash = [], [], [], [], []
    for v in select_rules(r, select, ignore):
        if v.code in skipped_first:
            skipped.append((v.code, skipped_first[v.code]))
            continue
        o = outcomes[v.code]
        timings[v.code] = o.seconds
        if o.skipped is not None:
            skipped.append((v.code, o.skipped))
            continue
        ran.append(v)
        sev = "error" if o.crash else v.meta.severity
        for key, found in zip(o.tables, o.rows):
            n = len(found)
            rule += [v.code] * n
            severity += [sev] * n
            table += [key] * n
            crash += [o.crash] * n
            rows.append(found)
    if rows:
        flags = pd.DataFrame({"rule": rule, "severity": severity, "table": table, "row": np.concatenate(rows),
                              "crash": crash})
    else:
        flags = pd.DataFrame({c: pd.Series([], dtype="int64" if c == "row" else "object") for c in FINDING_COLUMNS})
    flags = flags.drop_duplicates(["rule", "table", "row", "crash"], ignore_index=True)
    return RunResult(ret=r, rules_run=ran, rules_skipped=skipped, flags=flags, timings=timings,
                     child_derive_seconds=child_derive)
