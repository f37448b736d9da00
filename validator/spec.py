"""DfE's specification as data, from the copy shipped in rules/<return>/data/.

One place answers: which tables and columns a return has, which codes are valid in a year, and
what DfE says about each rule (message by year, fields, tables, years, inputs it needs).
A test compares these files with ../shared/spec so the copy cannot drift.
"""

from __future__ import annotations

import csv
import hashlib
import os
import pickle
import sys
from functools import cache
from pathlib import Path
from typing import NamedTuple

from validator.years import year_in

DATA = {
    "ssda903": Path(__file__).resolve().parent.parent / "rules" / "ssda903" / "data",
    "cin": Path(__file__).resolve().parent.parent / "rules" / "cin" / "data",
}
RETURNS = ("ssda903", "cin")
CHILD_COLUMN = {"ssda903": "CHILD", "cin": "LAchildID"}

# DESIGN.md names the CIN factor table AssessmentFactors; the spec pack calls it AssessmentFactorsList.
TABLE_ALIASES = {"AssessmentFactorsList": "AssessmentFactors"}


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _split(cell: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in (cell or "").split(";") if p.strip())


class Column(NamedTuple):
    table: str
    name: str
    type: str  # date, code, text, integer, id, flag, postcode, urn, key, datetime, year
    position: int | None
    from_year: str
    to_year: str
    formats: tuple[str, ...]  # 903: csv and/or xml
    xml_path: str  # CIN only


class RuleMeta(NamedTuple):
    """What DfE says about one rule code (spec row). The implementation lives in rules/."""

    ret: str
    code: str
    severity: str  # "error" | "query"
    message: str
    fields: tuple[str, ...]
    tables: tuple[str, ...]
    active_years: tuple[str, ...]
    changed_in: tuple[str, ...]
    needs_previous_year: str  # yes | optional | no
    needs_postcodes: bool
    needs_ofsted_lists: bool
    needs_la_code: bool
    kind: str
    dfe_logic: str
    notes: str
    messages_by_year: tuple[tuple[str, str], ...] = ()

    def message_for(self, year: str) -> str:
        """DfE's wording in force in `year` (message_history), else the latest message."""
        chosen = self.message
        for start, text in self.messages_by_year:
            if start <= year:
                chosen = text
        return chosen


def _messages_by_year(history: str) -> tuple[tuple[str, str], ...]:
    out = []
    for part in (history or "").split(" | "):
        part = part.strip()
        if part.startswith("from ") and ":" in part:
            start, text = part[5:].split(":", 1)
            out.append((start.strip(), text.strip()))
    return tuple(sorted(out))


class ReturnSpec:
    def __init__(self, ret: str):
        self.ret = ret
        self.child_column = CHILD_COLUMN[ret]
        base = DATA[ret]
        self.columns: dict[str, list[Column]] = {}
        for r in _rows(base / "tables.csv"):
            table = TABLE_ALIASES.get(r["table"], r["table"])
            col = Column(
                table=table,
                name=r["column"],
                type=r["type"],
                position=int(r["position"]) if r.get("position") else None,
                from_year=r.get("from_year", ""),
                to_year=r.get("to_year", ""),
                formats=_split(r.get("formats", "")) or ("xml",),
                xml_path=r.get("xml_path", ""),
            )
            self.columns.setdefault(table, []).append(col)
        self._codes: dict[str, list[tuple[str, str, str]]] = {}
        self.labels: dict[tuple[str, str], str] = {}
        for r in _rows(base / "codes.csv"):
            self._codes.setdefault(r["field"], []).append((r["code"], r["from_year"], r["to_year"]))
            self.labels.setdefault((r["field"], r["code"]), r["label"])
        self.rules: dict[str, RuleMeta] = {}
        for r in _rows(base / "rules.csv"):
            code = r["code"].strip()
            severity = r.get("severity") or ("query" if code.endswith("Q") else "error")
            self.rules[code] = RuleMeta(
                ret=ret,
                code=code,
                severity=severity,
                message=r["message"],
                fields=_split(r["fields"]),
                tables=tuple(TABLE_ALIASES.get(t, t) for t in _split(r["tables"])),
                active_years=_split(r["active_years"]),
                changed_in=_split(r.get("changed_in", "")),
                needs_previous_year=r.get("needs_previous_year") or "no",
                needs_postcodes=r.get("needs_postcodes") == "yes",
                needs_ofsted_lists=r.get("needs_ofsted_lists") == "yes",
                needs_la_code=r.get("needs_la_code") == "yes",
                kind=r.get("kind", ""),
                dfe_logic=r.get("dfe_logic", ""),
                notes=r.get("notes", ""),
                messages_by_year=_messages_by_year(r.get("message_history", "")),
            )

    @property
    def table_names(self) -> list[str]:
        return list(self.columns)

    def table_columns(self, table: str, year: str | None = None, fmt: str | None = None) -> list[Column]:
        cols = [
            c
            for c in self.columns.get(table, [])
            if (year is None or year_in(year, c.from_year, c.to_year))
            and (fmt is None or self.ret == "cin" or fmt in c.formats)
        ]
        return sorted(cols, key=lambda c: c.position or 999)

    def codes(self, field: str, year: str) -> frozenset[str]:
        return _codes_for(self.ret, field, year)

    def has_code_list(self, field: str) -> bool:
        return field in self._codes


@cache
def spec(ret: str) -> ReturnSpec:
    """The spec of return `ret`, parsed once and kept in the cache folder (validator.cache):
    parsing its 800-odd rows of CSV costs 15-35 ms of every run, loading the parsed copy 3 ms.
    The copy is named by the CSV files' and this module's sizes and times and by Python's version,
    so an edited file or spec.py parses afresh; a copy that cannot be read or written costs only
    the parse."""
    path = _parsed_copy(ret)
    if path is not None:
        try:
            with open(path, "rb") as f:
                parsed = pickle.load(f)
        except Exception:  # noqa: BLE001 - none yet, or damaged: parse
            parsed = None
        if isinstance(parsed, ReturnSpec) and parsed.ret == ret:
            return parsed
    parsed = ReturnSpec(ret)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            part = path.with_name(f"{path.name}.{os.getpid()}.part")
            part.write_bytes(pickle.dumps(parsed, protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(part, path)  # whole or not at all, for a run reading it meanwhile
        except OSError:
            pass
    return parsed


def _parsed_copy(ret: str) -> Path | None:
    from validator.cache import cache_root

    try:
        stamp = [(p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in [*sorted(DATA[ret].glob("*.csv")), Path(__file__)]]
        return cache_root() / "spec" / f"{ret}-{hashlib.sha256(repr((stamp, sys.version)).encode()).hexdigest()[:16]}.pickle"
    except (OSError, RuntimeError):  # no data folder to stat, or no home folder
        return None


@cache
def _codes_for(ret: str, field: str, year: str) -> frozenset[str]:
    s = spec(ret)
    if field not in s._codes:
        raise KeyError(f"no code list '{field}' in the {ret} spec")
    return frozenset(code for code, fy, ty in s._codes[field] if year_in(year, fy, ty))
