"""What a reader hands back: one table's cells as written, with where each row came from.

Readers are plain Python (no pandas, no numpy) so that they can run in a second process while
the first one imports pandas (see `prefetch`). A table's cells travel as codes: each distinct
text of the table is stored once, and each column is the code of its text in every row (what
the typing step works on anyway). That is also compact to send from one process to another.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field


class Texts(dict):
    """text -> code, numbered in the order first seen; `texts()` lists them by code."""

    def __missing__(self, text: str) -> int:
        code = self[text] = len(self)
        return code

    def texts(self) -> list[str]:
        return list(self)

    def codes(self, column) -> array:
        """The code of each text of a column (an iterable of str)."""
        return array("i", map(self.__getitem__, column))


@dataclass
class RawTable:
    name: str
    columns: list[str]  # in order: DfE's columns, then kept extras; CIN generated keys where the spec puts them
    texts: list[str]  # the distinct texts of the table (or of its file), as written
    codes: dict[str, array]  # text column -> code into `texts` for each row
    lines: array  # 1-based line of each row ('q')
    file: str
    numbers: dict[str, array] = field(default_factory=dict)  # generated integer keys (CIN ChildSeq, ...)
    paths: list[str] | None = None  # XML element path of each row
    notes: list[str] = field(default_factory=list)
    more: list[RawTable] = field(default_factory=list)  # the rows that follow, read by another process

    @property
    def rows(self) -> int:
        return len(self.lines) + sum(m.rows for m in self.more)


@dataclass
class ReadResult:
    """Everything one input file gave: its tables, and for XML the return it declares."""

    ret: str  # ssda903 | cin
    tables: list[RawTable]
    header: dict[str, str] = field(default_factory=dict)  # CIN header items
    notes: list[str] = field(default_factory=list)
    # the file itself (set by ingest.read_file)
    path: str = ""
    sha256: str = ""
    size: int = 0
    kind: str = ""  # csv | xml | xlsx

    def extend(self, rest: ReadResult) -> None:
        """Add the second half of the file (ingest.xmlread._iter's `half`), read by another process."""
        for table, more in zip(self.tables, rest.tables, strict=True):
            table.more.append(more)


def blank_rows(codes: list[array], texts: list[str], rows: int) -> list[int]:
    """The rows whose cells are all empty or only spaces. Column by column over the rows still
    blank: after the first column that is usually none."""
    blank_text = [not t.strip() for t in texts]
    still = range(rows)
    for column in codes:
        if not still:
            break
        still = [i for i in still if blank_text[column[i]]]
    return list(still)


def drop_rows(table: RawTable, drop: list[int]) -> None:
    """Remove rows (sorted row numbers) from a table in place."""
    if not drop:
        return
    gone = set(drop)
    keep = [i for i in range(table.rows) if i not in gone]
    table.codes = {c: array(v.typecode, (v[i] for i in keep)) for c, v in table.codes.items()}
    table.numbers = {c: array(v.typecode, (v[i] for i in keep)) for c, v in table.numbers.items()}
    table.lines = array(table.lines.typecode, (table.lines[i] for i in keep))
    if table.paths is not None:
        table.paths = [table.paths[i] for i in keep]
