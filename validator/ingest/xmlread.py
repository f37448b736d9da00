"""SSDA903 and CIN census XML, streamed with lxml iterparse (entities, DTDs and network off).

Each reader walks one child record at a time and clears it, so memory stays flat. Every row
keeps the file line and element path of the element it came from. Namespaces are ignored
(element names are matched on their local name).
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd
from lxml import etree

from validator.errors import UserError
from validator.ingest.raw import RawTable, ReadResult
from validator.spec import spec


_LOCAL: dict = {}  # tag -> local name; a file has few distinct tags and this is called per element


def _local(tag) -> str:
    name = _LOCAL.get(tag)
    if name is None:
        name = _LOCAL[tag] = tag.rpartition("}")[2] if isinstance(tag, str) else ""
    return name


def _text(el) -> str:
    return el.text if el is not None and el.text is not None else ""


def _syntax_error(path: Path, e: etree.XMLSyntaxError) -> UserError:
    """libxml2's error as one sentence with line and column (its own text repeats them)."""
    line, col = e.position if getattr(e, "position", None) else (e.lineno, 0)
    msg = re.sub(r",? line \d+, column \d+\s*$", "", e.msg or str(e)).strip()
    if "amplification" in msg or "entity" in msg.lower() and "loop" in msg.lower():
        return UserError(f"{path}: the XML declares entities that would expand enormously (an 'entity expansion' "
                         "attack or a damaged file); returncheck does not expand them.")
    if "Excessive depth" in msg:
        return UserError(f"{path}: the XML is nested more than 256 elements deep (line {line}, column {col}); "
                         "a return is never that deep.")
    return UserError(f"{path}: the XML is not well formed at line {line}, column {col}: {msg}")


# No real record comes near this size (a child with years of plans and reviews is a few KB); more
# XML than this without a complete record is junk, refused before it costs minutes and gigabytes.
MAX_BYTES_PER_RECORD = 8 * 1024 * 1024
_CHUNK = 1 << 20


def _iter(data: bytes, path: Path, records: tuple[str, ...]):
    """Yield (element, index among its kind) for each complete element named in `records`.

    The parser only reports those elements (the tag filter runs inside libxml2, so the millions
    of other elements cost no Python). Memory stays flat: each record is cleared after use along
    with what came before it, and the file is fed in chunks so that a flood of XML without any
    complete record is refused early."""
    parser = etree.XMLPullParser(
        events=("end",), tag=[f"{{*}}{name}" for name in records], resolve_entities=False, no_network=True,
        load_dtd=False, huge_tree=False, remove_comments=True, remove_pis=True,
    )
    counts: dict[str, int] = defaultdict(int)
    since = 0  # bytes fed since the last complete record
    try:
        for at in range(0, len(data) + _CHUNK, _CHUNK):
            chunk = data[at:at + _CHUNK]
            if chunk:
                parser.feed(chunk)
                since += len(chunk)
            else:
                parser.close()  # the end of the file: a truncated document fails here
            for _, el in parser.read_events():
                name = _local(el.tag)
                counts[name] += 1
                since = 0
                yield el, counts[name]
                el.clear(keep_tail=False)
                parent = el.getparent()
                while parent is not None and el.getprevious() is not None:
                    del parent[0]
            if since > MAX_BYTES_PER_RECORD:
                raise UserError(f"{path}: more than {MAX_BYTES_PER_RECORD // 2**20} MB of XML (up to byte {at + len(chunk):,}) "
                                f"without a complete <{records[-1]}> record; the file is damaged or not a return.")
            if not chunk:
                break
    except etree.XMLSyntaxError as e:
        raise _syntax_error(path, e) from None


def root_name(data: bytes, path: Path) -> str:
    """Local name of the root element, read without parsing the whole file."""
    try:
        for _, el in etree.iterparse(io.BytesIO(data), events=("start",), resolve_entities=False,
                                     no_network=True, load_dtd=False):
            return _local(el.tag)
    except etree.XMLSyntaxError as e:
        raise _syntax_error(path, e) from None
    raise UserError(f"{path}: the XML has no root element.")


class _Rows:
    """Collects rows per table, with line and path."""

    def __init__(self):
        self.rows = defaultdict(list)
        self.lines = defaultdict(list)
        self.paths = defaultdict(list)

    def add(self, table: str, row: dict, line: int, xpath: str):
        self.rows[table].append(row)
        self.lines[table].append(line or 0)
        self.paths[table].append(xpath)

    def tables(self, ret: str, path: Path, names: list[str]) -> list[RawTable]:
        s = spec(ret)
        out = []
        for name in names:
            cols = [c.name for c in s.table_columns(name, fmt="xml")]
            if ret == "cin" and name != "Header":
                cols.insert(1, "ChildSeq")  # generated: the child's position in the file (see typing.KEY_COLUMNS)
            cells = pd.DataFrame(self.rows.get(name, []), columns=cols)
            for c in s.columns[name]:
                if c.type != "key" and c.name in cells:
                    cells[c.name] = cells[c.name].astype("object").fillna("").astype(str)
            out.append(RawTable(
                name=name, cells=cells, lines=np.asarray(self.lines.get(name, []), dtype="int64"),
                file=str(path), paths=np.asarray(self.paths.get(name, []), dtype=object),
            ))
        return out


# ---------------------------------------------------------------- SSDA903

_903_BLOCKS = {  # HEADER sub-block -> table (one row per block)
    "AMISSING": "Missing", "AREVIEW": "Reviews", "PERMANENCE": "PrevPerm",
    "OC2": "OC2", "AD_PLACED": "PlacedAdoption",
}
_AD1 = ("DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR")
_OC3 = ("IN_TOUCH", "ACTIV", "ACCOM")
_903_TABLES = ["Header", "Episodes", "Reviews", "UASC", "OC2", "OC3", "AD1", "PlacedAdoption",
               "PrevPerm", "Missing"]


def _leaves(el) -> dict[str, str]:
    return {_local(c.tag): _text(c) for c in el if len(c) == 0 and _local(c.tag)}


def read_903_xml(data: bytes, path: Path) -> ReadResult:
    rows = _Rows()
    for child, n in _iter(data, path, ("CHILD",)):
        base = f"/EXPSSDA903/CHILD[{n}]"
        header = None
        episodes = []
        for el in child:
            name = _local(el.tag)
            if name == "HEADER":
                header = el
            elif name == "EPISODE":
                episodes.append(el)
        h = _leaves(header) if header is not None else {}
        cid = h.get("CHILDID", "")
        hline = header.sourceline if header is not None else child.sourceline
        hpath = base + "/HEADER"
        rows.add("Header", {"CHILD": cid, **{k: h.get(k, "") for k in
                 ("SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB", "UASC")}}, hline, hpath)
        if h.get("UASC", "").strip() == "1" or h.get("DUC", "").strip():
            rows.add("UASC", {"CHILD": cid, "SEX": h.get("SEX", ""), "DOB": h.get("DOB", ""),
                              "DUC": h.get("DUC", "")}, hline, hpath)
        if any(k in h for k in _AD1):
            rows.add("AD1", {"CHILD": cid, "DOB": h.get("DOB", ""), **{k: h.get(k, "") for k in _AD1}},
                     hline, hpath)
        if any(k in h for k in _OC3):
            rows.add("OC3", {"CHILD": cid, "DOB": h.get("DOB", ""), **{k: h.get(k, "") for k in _OC3}},
                     hline, hpath)
        if header is not None:
            counts: dict[str, int] = defaultdict(int)
            for el in header:
                block = _local(el.tag)
                table = _903_BLOCKS.get(block)
                if table is None:
                    continue
                counts[block] += 1
                rows.add(table, {"CHILD": cid, "DOB": h.get("DOB", ""), **_leaves(el)},
                         el.sourceline, f"{hpath}/{block}[{counts[block]}]")
        for i, ep in enumerate(episodes, 1):
            e = _leaves(ep)
            e["PLACE"] = e.pop("PL", "")
            rows.add("Episodes", {"CHILD": cid, **e}, ep.sourceline, f"{base}/EPISODE[{i}]")
    return ReadResult(ret="ssda903", tables=rows.tables("ssda903", path, _903_TABLES))


# ---------------------------------------------------------------- CIN census

_CIN_TABLES = ["Header", "ChildIdentifiers", "ChildCharacteristics", "Disabilities", "CINdetails", "Assessments",
               "AssessmentFactors", "CINplanDates", "Section47", "ChildProtectionPlans", "Reviews",
               "PreProceedings"]


def _cin_header(el) -> dict[str, str]:
    """Header items (CollectionDetails, Source) of the <Header> element."""
    out: dict[str, str] = {}
    for sub in el.iter():
        name = _local(sub.tag)
        if len(sub) == 0 and name and name != "Header":
            out.setdefault(name, _text(sub))
    return out


def read_cin_xml(data: bytes, path: Path) -> ReadResult:
    rows = _Rows()
    header: dict[str, str] = {}
    line = 0
    # One pass for the header and the children (the header used to be read by a second parse).
    for child, n in _iter(data, path, ("Header", "Child")):
        if _local(child.tag) == "Header":
            if n == 1:
                header, line = _cin_header(child), child.sourceline or 0
            continue
        base = f"/Message/Children/Child[{n}]"
        ids_el = chars_el = None
        cin_blocks = []
        for el in child:
            name = _local(el.tag)
            if name == "ChildIdentifiers":
                ids_el = el
            elif name == "ChildCharacteristics":
                chars_el = el
            elif name == "CINdetails":
                cin_blocks.append(el)
        ids = _leaves(ids_el) if ids_el is not None else {}
        cid = ids.get("LAchildID", "")
        seq = {"ChildSeq": n}
        rows.add("ChildIdentifiers", {**ids, "LAchildID": cid, **seq},
                 (ids_el if ids_el is not None else child).sourceline, base + "/ChildIdentifiers")
        chars = _leaves(chars_el) if chars_el is not None else {}
        cline = (chars_el if chars_el is not None else child).sourceline
        rows.add("ChildCharacteristics", {"LAchildID": cid, **seq, "Ethnicity": chars.get("Ethnicity", "")},
                 cline, base + "/ChildCharacteristics")
        if chars_el is not None:
            for dis_block in (e for e in chars_el if _local(e.tag) == "Disabilities"):
                for k, d in enumerate((e for e in dis_block if _local(e.tag) == "Disability"), 1):
                    rows.add("Disabilities", {"LAchildID": cid, **seq, "Disability": _text(d)}, d.sourceline,
                             f"{base}/ChildCharacteristics/Disabilities/Disability[{k}]")
        for ci, block in enumerate(cin_blocks, 1):
            _cin_details(rows, block, cid, n, ci, f"{base}/CINdetails[{ci}]")
    if header:
        cols = [c.name for c in spec("cin").table_columns("Header")]
        rows.add("Header", {c: header.get(c, "") for c in cols}, line, "/Message/Header")
    return ReadResult(ret="cin", tables=rows.tables("cin", path, _CIN_TABLES), header=header)


_CIN_SUBBLOCKS = {"Assessments", "CINPlanDates", "Section47", "ChildProtectionPlans", "PreProceedingsandFGDM"}


def _cin_details(rows: _Rows, block, cid: str, seq: int, ci: int, bpath: str) -> None:
    d = {_local(e.tag): _text(e) for e in block if len(e) == 0}
    keys = {"LAchildID": cid, "ChildSeq": seq, "CINdetailsID": ci}
    rows.add("CINdetails", {**keys, **{k: v for k, v in d.items() if k not in keys}}, block.sourceline, bpath)
    counts: dict[str, int] = defaultdict(int)
    for el in block:
        name = _local(el.tag)
        if name not in _CIN_SUBBLOCKS:
            continue
        counts[name] += 1
        k = counts[name]
        epath = f"{bpath}/{name}[{k}]"
        leaves = {_local(e.tag): _text(e) for e in el if len(e) == 0}
        if name == "Assessments":
            rows.add("Assessments", {**keys, "AssessmentID": k, **leaves}, el.sourceline, epath)
            for fb in (e for e in el if _local(e.tag) == "FactorsIdentifiedAtAssessment"):
                for j, f in enumerate((e for e in fb if _local(e.tag) == "AssessmentFactors"), 1):
                    rows.add("AssessmentFactors", {**keys, "AssessmentID": k, "AssessmentFactors": _text(f)},
                             f.sourceline, f"{epath}/FactorsIdentifiedAtAssessment/AssessmentFactors[{j}]")
        elif name == "CINPlanDates":
            rows.add("CINplanDates", {**keys, **leaves}, el.sourceline, epath)
        elif name == "Section47":
            rows.add("Section47", {**keys, **leaves}, el.sourceline, epath)
        elif name == "ChildProtectionPlans":
            rows.add("ChildProtectionPlans", {**keys, "CPPID": k, **leaves}, el.sourceline, epath)
            j = 0
            for rb in (e for e in el if _local(e.tag) == "Reviews"):
                for r in (e for e in rb if _local(e.tag) == "CPPreviewDate"):
                    j += 1
                    rows.add("Reviews", {**keys, "CPPID": k, "CPPreviewDate": _text(r)}, r.sourceline,
                             f"{epath}/Reviews/CPPreviewDate[{j}]")
        elif name == "PreProceedingsandFGDM":
            rows.add("PreProceedings", {**keys, **leaves}, el.sourceline, epath)
