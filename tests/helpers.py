"""Build small Returns from rows written in the test, and run one rule on them.

    r = make_903({"Header": [{"CHILD": "1", "SEX": "M"}]}, year="2024/25")
    assert flagged(r, "101") == {"Header": [0]}

Columns not given are blank. Rows keep the order given: row 0, 1, 2 ... as in a file.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from validator.engine import rows_of
from validator.ingest.typing import KEY_COLUMNS, typed_frame
from validator.model import CURRENT, PREVIOUS, Return, Table
from validator.registry import RETURN_LEVEL, ruleset
from validator.spec import spec
from validator.years import CollectionYear


def _table(ret: str, name: str, rows: list[dict], year: str) -> Table:
    s = spec(ret)
    cols = [c.name for c in s.columns[name]]
    keys = KEY_COLUMNS | {c.name for c in s.columns[name] if c.type == "key"}
    if ret == "cin" and name != "Header":
        cols.insert(1, "ChildSeq")
        order: dict[str, int] = {}
        rows = [dict(r) for r in rows]
        for row in rows:  # default ChildSeq: children numbered by first appearance of LAchildID
            row.setdefault("ChildSeq", order.setdefault(row.get("LAchildID", ""), len(order) + 1))
            for k in keys - {"ChildSeq"}:
                if k in cols:
                    row.setdefault(k, 1)
    from validator.ingest.csv903 import KEPT_DERIVED

    cols += [c for c in KEPT_DERIVED.get(name, ()) if ret == "ssda903" and any(c in row for row in rows)]
    unknown = {k for row in rows for k in row} - set(cols)
    if unknown:
        raise KeyError(f"{name} has no column(s) {sorted(unknown)}")
    cells = pd.DataFrame([{c: row.get(c, 1 if c in keys else "") for c in cols} for row in rows], columns=cols)
    for c in cols:
        if c not in keys:
            cells[c] = cells[c].astype(str)
    return Table(name=name, year=year, frame=typed_frame(s, name, cells), raw=cells, source_file=f"{name}.csv",
                 source_line=np.arange(2, len(cells) + 2))


def make_return(ret: str, tables: dict[str, list[dict]], year: str = "2024/25",
                previous: dict[str, list[dict]] | None = None, la: str | None = None) -> Return:
    out = {}
    for name, rows in tables.items():
        t = _table(ret, name, rows, CURRENT)
        out[t.key] = t
    for name, rows in (previous or {}).items():
        t = _table(ret, name, rows, PREVIOUS)
        out[t.key] = t
    return Return(kind=ret, year=CollectionYear.parse(year), tables=out, la=la)


def make_903(tables, year="2024/25", previous=None, la=None) -> Return:
    return make_return("ssda903", tables, year, previous, la)


def make_cin(tables, year="2024/25", reference_date: str | None = None) -> Return:
    """A CIN Return; a Header row with the year's ReferenceDate is added unless one is given."""
    tables = dict(tables)
    if "Header" not in tables:
        end = CollectionYear.parse(year).end
        tables["Header"] = [{"Collection": "CIN", "Year": str(end.year),
                             "ReferenceDate": reference_date or end.strftime("%Y-%m-%d"), "LEA": "201"}]
    return make_return("cin", tables, year)


def flagged(r: Return, code: str) -> dict[str, list[int]]:
    """Run the version of rule `code` for the Return's year; {table key: sorted flagged rows}.
    Tables with no flagged row are left out; a return-level finding is {RETURN_LEVEL: [-1]}."""
    versions = [v for v in ruleset(r.kind, r.year.label) if v.code == code]
    assert versions, f"{r.kind} rule {code} is not registered for {r.year.label}"
    out = versions[0].func(r) or {}
    result = {}
    for key, flags in out.items():
        if key == RETURN_LEVEL:
            if bool(flags):
                result[key] = [-1]
            continue
        if not r.has(key):
            continue
        rows = sorted(int(x) for x in rows_of(flags, r.tables[key].frame.index))
        if rows:
            result[key] = rows
    return result


__all__ = ["make_903", "make_cin", "make_return", "flagged", "RETURN_LEVEL"]
