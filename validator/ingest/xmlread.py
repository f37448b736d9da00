"""SSDA903 and CIN census XML, streamed with lxml iterparse (entities, DTDs and network off).

Each reader walks one child record at a time and clears it, so memory stays flat. Every row
keeps the file line and element path of the element it came from. Namespaces are ignored
(element names are matched on their local name).
"""

from __future__ import annotations

import io
import re
from array import array
from collections import defaultdict
from pathlib import Path

from lxml import etree

from validator.errors import UserError
from validator.ingest.raw import RawTable, ReadResult, Texts
from validator.spec import spec


class _LocalNames(dict):
    """tag -> local name ('{uri}Child' -> 'Child'; '' for a comment or entity). Looked up for every
    element: a dict lookup costs less than a call, and a file has few distinct tags."""

    def __missing__(self, tag) -> str:
        self[tag] = name = tag.rpartition("}")[2] if isinstance(tag, str) else ""
        return name


_LOCAL = _LocalNames()


def _local(tag) -> str:
    return _LOCAL[tag]


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


def _iter(data: bytes, path: Path, records: tuple[str, ...], half: int | None = None):
    """Yield (element, index among its kind) for each complete element named in `records`.

    The parser only reports those elements (the tag filter runs inside libxml2, so the millions
    of other elements cost no Python). Memory stays flat: each record is cleared after use along
    with what came before it, and the file is fed in chunks so that a flood of XML without any
    complete record is refused early.

    `half` (0 or 1) yields only the records completed in the first or second half of the chunks,
    so that two processes can read one large file together: the first stops at the middle, the
    second parses it all (libxml2 alone is fast) but leaves the first half's records to the
    other. Both number the records of the whole file."""
    parser = etree.XMLPullParser(
        events=("end",), tag=[f"{{*}}{name}" for name in records], resolve_entities=False, no_network=True,
        load_dtd=False, huge_tree=False, remove_comments=True, remove_pis=True,
    )
    counts: dict[str, int] = defaultdict(int)
    since = 0  # bytes fed since the last complete record
    chunks = range(0, len(data) + _CHUNK, _CHUNK)
    middle = len(chunks) // 2
    try:
        for i, at in enumerate(chunks):
            if half == 0 and i == middle:
                return
            mine = half is None or (i >= middle) == (half == 1)
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
                if mine:
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
            rows = self.rows.get(name, [])
            texts = Texts()
            codes = {c: texts.codes([row.get(c, "") for row in rows]) for c in cols}
            out.append(RawTable(name=name, columns=cols, texts=texts.texts(), codes=codes,
                                lines=array("q", self.lines.get(name, [])), file=str(path),
                                paths=self.paths.get(name, [])))
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


class _Texts(dict):
    """One str object per distinct text of a file. A return repeats its dates and codes thousands
    of times: holding one copy of each keeps memory small and the passes over the columns fast."""

    def __missing__(self, text: str) -> str:
        self[text] = text
        return text


def _leaves(el, texts: dict) -> dict:
    """{local name: texts[its text]} of the elements inside `el` that hold no element (the last one
    wins): the text itself (a `_Texts`, SSDA903) or its code (a `raw.Texts`, CIN)."""
    local = _LOCAL
    return {local[c.tag]: texts[c.text or ""] for c in el if not len(c)}


def read_903_xml(data: bytes, path: Path, half: int | None = None) -> ReadResult:
    rows = _Rows()
    texts = _Texts()
    for child, n in _iter(data, path, ("CHILD",), half):
        base = f"/EXPSSDA903/CHILD[{n}]"
        header = None
        episodes = []
        for el in child:
            name = _local(el.tag)
            if name == "HEADER":
                header = el
            elif name == "EPISODE":
                episodes.append(el)
        h = _leaves(header, texts) if header is not None else {}
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
                rows.add(table, {"CHILD": cid, "DOB": h.get("DOB", ""), **_leaves(el, texts)},
                         el.sourceline, f"{hpath}/{block}[{counts[block]}]")
        for i, ep in enumerate(episodes, 1):
            e = _leaves(ep, texts)
            e["PLACE"] = e.pop("PL", "")
            rows.add("Episodes", {"CHILD": cid, **e}, ep.sourceline, f"{base}/EPISODE[{i}]")
    return ReadResult(ret="ssda903", tables=rows.tables("ssda903", path, _903_TABLES))


# ---------------------------------------------------------------- CIN census

_CIN_TABLES = ["Header", "ChildIdentifiers", "ChildCharacteristics", "Disabilities", "CINdetails", "Assessments",
               "AssessmentFactors", "CINplanDates", "Section47", "ChildProtectionPlans", "Reviews",
               "PreProceedings"]

# The columns the reader generates for each CIN table, in the order it writes them: the child's id
# and the positions of the record and its parents (ChildSeq: the <Child> in the file; CINdetailsID,
# AssessmentID, CPPID: the block among its kind within its parent, from 1). The other columns are
# the record's own elements, or for the three one-value tables the record element's text.
_CIN_KEYS = {
    "ChildIdentifiers": ("LAchildID", "ChildSeq"),
    "ChildCharacteristics": ("LAchildID", "ChildSeq"),
    "Disabilities": ("LAchildID", "ChildSeq"),
    "CINdetails": ("LAchildID", "ChildSeq", "CINdetailsID"),
    "Assessments": ("LAchildID", "ChildSeq", "CINdetailsID", "AssessmentID"),
    "AssessmentFactors": ("LAchildID", "ChildSeq", "CINdetailsID", "AssessmentID"),
    "CINplanDates": ("LAchildID", "ChildSeq", "CINdetailsID"),
    "Section47": ("LAchildID", "ChildSeq", "CINdetailsID"),
    "ChildProtectionPlans": ("LAchildID", "ChildSeq", "CINdetailsID", "CPPID"),
    "Reviews": ("LAchildID", "ChildSeq", "CINdetailsID", "CPPID"),
    "PreProceedings": ("LAchildID", "ChildSeq", "CINdetailsID"),
}
_CIN_INT_KEYS = {"ChildSeq", "CINdetailsID", "AssessmentID", "CPPID"}
# CINdetails sub-blocks: element -> table (one row per element).
_CIN_BLOCKS = {"Assessments": "Assessments", "CINPlanDates": "CINplanDates", "Section47": "Section47",
               "ChildProtectionPlans": "ChildProtectionPlans", "PreProceedingsandFGDM": "PreProceedings"}
_CIN_BLOCK_TAGS = [f"{{*}}{name}" for name in _CIN_BLOCKS]


def _cin_header(el) -> dict[str, str]:
    """Header items (CollectionDetails, Source) of the <Header> element."""
    out: dict[str, str] = {}
    for sub in el.iter():
        name = _local(sub.tag)
        if len(sub) == 0 and name and name != "Header":
            out.setdefault(name, _text(sub))
    return out


class _CinTables:
    """The rows of each CIN table as they are read: a tuple per row of (line, XML path, generated
    keys as in _CIN_KEYS, then the table's other columns in spec order). A text is held as its code
    in `texts` (the file's distinct texts, numbered as first seen; an absent element is the code of
    ''), which is what the RawTables carry. Turned into columns once, at the end: no dict per row."""

    def __init__(self):
        s = spec("cin")
        self.columns = {name: [c.name for c in s.table_columns(name, fmt="xml")] for name in _CIN_KEYS}
        for cols in self.columns.values():
            cols.insert(1, "ChildSeq")  # generated: the child's position in the file (see typing.KEY_COLUMNS)
        self.values = {name: [c for c in cols if c not in _CIN_KEYS[name]] for name, cols in self.columns.items()}
        self.texts = Texts()
        self.blank = self.texts[""]
        self.blanks = {name: [self.blank] * len(cols) for name, cols in self.values.items()}
        self.rows: dict[str, list[tuple]] = {name: [] for name in _CIN_KEYS}

    def _get(self, table: str, leaves: dict[str, int]):
        """The table's other columns from the record's elements, in order."""
        return map(leaves.get, self.values[table], self.blanks[table])

    def add_child(self, child, n: int) -> None:
        """The rows of the n-th <Child>. Elements inside blocks are picked by name in libxml2
        (iterchildren with a tag), sparing a Python step for each element skipped."""
        rows, texts = self.rows, self.texts
        base = f"/Message/Children/Child[{n}]"
        ids_el = chars_el = None
        details = []
        for el in child:  # the last ChildIdentifiers and ChildCharacteristics count, every CINdetails
            name = _LOCAL[el.tag]
            if name == "CINdetails":
                details.append(el)
            elif name == "ChildIdentifiers":
                ids_el = el
            elif name == "ChildCharacteristics":
                chars_el = el
        ids = _leaves(ids_el, texts) if ids_el is not None else {}
        cid = ids.get("LAchildID", self.blank)
        rows["ChildIdentifiers"].append((child.sourceline if ids_el is None else ids_el.sourceline,
                                         base + "/ChildIdentifiers", cid, n, *self._get("ChildIdentifiers", ids)))
        chars = _leaves(chars_el, texts) if chars_el is not None else {}
        rows["ChildCharacteristics"].append((child.sourceline if chars_el is None else chars_el.sourceline,
                                             base + "/ChildCharacteristics", cid, n, chars.get("Ethnicity", self.blank)))
        if chars_el is not None:
            for block in chars_el.iterchildren("{*}Disabilities"):
                for k, d in enumerate(block.iterchildren("{*}Disability"), 1):
                    rows["Disabilities"].append(
                        (d.sourceline, f"{base}/ChildCharacteristics/Disabilities/Disability[{k}]", cid, n,
                         texts[d.text or ""]))
        for ci, block in enumerate(details, 1):
            self._details(block, cid, n, ci, f"{base}/CINdetails[{ci}]")

    def _details(self, block, cid: str, seq: int, ci: int, bpath: str) -> None:
        """The rows of one <CINdetails> block and of the blocks inside it. In the blocks' own rows an
        element of the block named LAchildID stands for the child's id (the generated keys always win)."""
        rows, local, texts = self.rows, _LOCAL, self.texts
        leaves = _leaves(block, texts)
        rows["CINdetails"].append((block.sourceline, bpath, cid, seq, ci, *self._get("CINdetails", leaves)))
        counts = dict.fromkeys(_CIN_BLOCKS, 0)
        for el in block.iterchildren(*_CIN_BLOCK_TAGS):
            name = local[el.tag]
            table = _CIN_BLOCKS[name]
            counts[name] += 1
            k = counts[name]
            epath = f"{bpath}/{name}[{k}]"
            leaves = _leaves(el, texts)
            lac = leaves.get("LAchildID", cid)
            if table == "Assessments":
                rows[table].append((el.sourceline, epath, lac, seq, ci, k, *self._get(table, leaves)))
                for fb in el.iterchildren("{*}FactorsIdentifiedAtAssessment"):
                    for j, f in enumerate(fb.iterchildren("{*}AssessmentFactors"), 1):
                        rows["AssessmentFactors"].append(
                            (f.sourceline, f"{epath}/FactorsIdentifiedAtAssessment/AssessmentFactors[{j}]",
                             cid, seq, ci, k, texts[f.text or ""]))
            elif table == "ChildProtectionPlans":
                rows[table].append((el.sourceline, epath, lac, seq, ci, k, *self._get(table, leaves)))
                j = 0
                for m, rb in enumerate(el.iterchildren("{*}Reviews"), 1):
                    dates = list(rb.iterchildren("{*}CPPreviewDate"))
                    if not dates:  # an empty <Reviews> group: a review without its date (8842Q)
                        rows["Reviews"].append((rb.sourceline, f"{epath}/Reviews[{m}]", cid, seq, ci, k, texts[""]))
                    for r in dates:
                        j += 1
                        rows["Reviews"].append((r.sourceline, f"{epath}/Reviews/CPPreviewDate[{j}]",
                                                cid, seq, ci, k, texts[r.text or ""]))
            else:
                rows[table].append((el.sourceline, epath, lac, seq, ci, *self._get(table, leaves)))

    def raw(self, name: str, path: Path) -> RawTable:
        """One table's columns: text columns as codes into the file's texts, generated keys as numbers."""
        rows = self.rows[name]
        lines, paths, *columns = zip(*rows) if rows else [()] * (2 + len(self.columns[name]))
        texts, numbers = {}, {}
        for c, v in zip([*_CIN_KEYS[name], *self.values[name]], columns):
            if c in _CIN_INT_KEYS:
                numbers[c] = array("q", v)
            else:
                texts[c] = array("i", v)
        return RawTable(name=name, columns=self.columns[name], texts=[], codes=texts, numbers=numbers,
                        lines=array("q", lines), file=str(path), paths=list(paths))


def read_cin_xml(data: bytes, path: Path, half: int | None = None) -> ReadResult:
    out = _CinTables()
    header: dict[str, str] = {}
    line = 0
    # One pass for the header and the children (the header used to be read by a second parse).
    for record, n in _iter(data, path, ("Header", "Child"), half):
        if _LOCAL[record.tag] == "Child":
            out.add_child(record, n)
        elif n == 1:
            header, line = _cin_header(record), record.sourceline or 0
    tables = [out.raw(name, path) for name in _CIN_TABLES[1:]]
    cols = [c.name for c in spec("cin").table_columns("Header")]
    head = RawTable(name="Header", columns=cols, texts=[], lines=array("q", [line] if header else []), file=str(path),
                    codes={c: out.texts.codes([header.get(c, "")] if header else []) for c in cols},
                    paths=["/Message/Header"] if header else [])
    texts = out.texts.texts()  # one numbering of the file's distinct texts, shared by its tables
    for t in [head, *tables]:
        t.texts = texts
    return ReadResult(ret="cin", tables=[head, *tables], header=header)
