"""Loading a return: the files read (ingest.read, or already read by ingest.prefetch), checked
for which return and year they are, and typed into the Return the rules read (ingest.frames)."""

from __future__ import annotations

import contextlib
import gc

import pandas as pd

from validator.errors import UserError
from validator.ingest.frames import to_table
from validator.ingest.raw import RawTable, ReadResult
from validator.ingest.read import Inputs, read_inputs
from validator.model import CURRENT, PREVIOUS, InputFile, Return, Table
from validator.spec import spec
from validator.years import SUPPORTED, CollectionYear

RETURN_NAMES = {"ssda903": "an SSDA903 return", "cin": "a CIN census"}


def _kind_of(results: list[ReadResult], infos: list[InputFile], asked: str | None) -> str:
    kinds = {r.ret for r in results}
    if asked:
        wrong = [i.path for r, i in zip(results, infos) if r.ret != asked]
        if wrong:
            found = {r.ret for r, i in zip(results, infos) if i.path in wrong}.pop()
            raise UserError(f"{', '.join(wrong)}: this is {RETURN_NAMES[found]}, but --return {asked} was given.")
        return asked
    if len(kinds) > 1:
        raise UserError("The inputs mix an SSDA903 return and a CIN census; validate them separately.")
    return kinds.pop()


def _year_from_cin(results: list[ReadResult]) -> CollectionYear | None:
    """The collection year the census header names: its <Year> (2025 for 2024/25), or where that is
    missing, the year of its ReferenceDate. A ReferenceDate that is not the year's 31 March is rule
    100's finding, not another year's census."""
    for r in results:
        y = r.header.get("Year", "").strip()
        if y.isdigit() and len(y) == 4:
            return CollectionYear(int(y) - 1)
        ref = r.header.get("ReferenceDate", "").strip()
        if len(ref) >= 4 and ref[:4].isdigit():
            return CollectionYear(int(ref[:4]) - 1)
    return None


def _tables(results: list[ReadResult], kind: str, year: str) -> dict:
    """The Tables of the files read. Last year's are typed when first read (frames.to_table `later`):
    the rules of a year read only some of them."""
    s = spec(kind)
    seen: dict[str, RawTable] = {}
    out = {}
    arrays: dict = {}  # the texts lists as numpy arrays, by id: CIN tables share their file's
    for r in results:
        for raw in r.tables:
            if raw.name in seen:
                other = seen[raw.name]
                raise UserError(f"Two inputs hold the {raw.name} table: {other.file} and {raw.file}. "
                                "Give one file per table.")
            seen[raw.name] = raw
            table = to_table(s, raw, year, arrays, later=year == PREVIOUS)
            out[table.key] = table
    return out


def _input_files(results: list[ReadResult], year_label: str) -> list:
    """What the reports say of each file read."""
    infos = []
    for r in results:
        info = InputFile(path=r.path, sha256=r.sha256, size=r.size, kind=r.kind, year=year_label)
        for t in r.tables:
            info.tables[t.name] = t.rows
            info.notes.extend(f"{t.name}: {n}" for n in t.notes)
        infos.append(info)
    return infos


def _check_year(kind: str, cy: CollectionYear, tables: dict[str, Table], results, explicit: bool) -> None:
    """Stop when the input is plainly from another collection year than the one being checked."""
    if kind == "cin":
        found = _year_from_cin(results)
        if explicit and found and found != cy:
            raise UserError(f"{results[0].tables[0].file}: the census header says {found.label}, "
                            f"but --year {cy.label} was given.")
        return
    # A child looked after for years has an open episode that started long ago, so one old date
    # proves nothing; but a real return has episodes, reviews or missing periods within the year.
    dated = [(key, col) for key, col in (("Episodes", "DECOM"), ("Episodes", "DEC"), ("Reviews", "REVIEW"),
                                         ("Missing", "MIS_START")) if key in tables]
    if not dated:
        return
    dates = pd.concat([tables[k].frame[c + "_date"] for k, c in dated]).dropna()
    where = tables[dated[0][0]].source_file
    if len(dates) >= 20 and dates.max() < cy.start:
        raise UserError(f"{where}: no date in the return falls in {cy.label} (the latest is "
                        f"{dates.max():%d/%m/%Y}). Is this last year's return? Give it with --previous, "
                        f"or check --year.")
    if len(dates) >= 20 and dates.min() > cy.end:
        raise UserError(f"{where}: every date in the return is after {cy.end:%d/%m/%Y}. "
                        f"Check --year (this looks like a later year's return).")


@contextlib.contextmanager
def _no_cycle_collection():
    """Reading makes millions of small strings and tuples, none in a cycle. Python's cycle collector
    would walk all of them again each time it ran while they pile up (seconds for a 50,000-child
    census); it resumes afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load(paths: list[str], previous: list[str] | None = None, kind: str | None = None,
         year: str | None = None, la: str | None = None, inputs: Inputs | None = None):
    """See ingest.load_return."""
    with _no_cycle_collection():
        if inputs is None:
            inputs = read_inputs(paths, previous)
        return _load_return(inputs, kind, year, la)


def _load_return(inputs: Inputs, kind: str | None, year: str | None, la: str | None):
    results, prev_results = inputs.current, inputs.previous
    infos, prev_infos = _input_files(results, CURRENT), _input_files(prev_results, PREVIOUS)
    kind = _kind_of(results, infos, kind)
    if prev_results:
        _kind_of(prev_results, prev_infos, kind)
    if year:
        cy = CollectionYear.parse(year)
    elif kind == "cin" and (found := _year_from_cin(results)):
        cy = found
    else:
        raise UserError("The collection year cannot be read from the input; give it with --year "
                        "(for example --year 2024/25).")
    if cy.label not in SUPPORTED:
        # No rules are registered for other years: going on would "pass" any return (exit 0).
        if year:
            raise UserError(f"--year {year}: returncheck checks the collection years {', '.join(SUPPORTED)}.")
        h = next(r.header for r in results if r.header)
        raise UserError(f"{infos[0].path}: the census header (ReferenceDate '{h.get('ReferenceDate', '')}', Year "
                        f"'{h.get('Year', '')}') is not in a collection year returncheck checks "
                        f"({', '.join(SUPPORTED)}).")
    tables = _tables(results, kind, CURRENT)
    tables.update(_tables(prev_results, kind, PREVIOUS))
    _check_year(kind, cy, tables, results, explicit=bool(year))
    header = results[0].header if kind == "cin" else {}
    if la is None and kind == "cin":
        la = header.get("LEA") or None
    return Return(kind=kind, year=cy, tables=tables, inputs=infos + prev_infos, la=la, header=header)


