"""What a reader hands back: one table's cells as written, with where each row came from.

Readers are plain Python (no pandas, no numpy) so that they can run in a second process while
the first one imports pandas (see `prefetch`). A table's cells travel as codes: each distinct
text of the table is stored once, and each column is the code of its text in every row (what
the typing step works on anyway). That is also compact to send from one process to another.
"""

from __future__ import annotations

import re
from array import array
from dataclasses import dataclass, field
from datetime import date


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


# Written by exports for "no data". Case-insensitive; a token that is a valid code of the column
# (CIN Disability NONE) is never blanked (ingest.typing decides per column).
BLANK_TOKENS = {"NULL", "N/A", "NA", "#N/A", "-", ".", "NONE", "NAN", "NAT", "NIL"}
EXCEL_NUMBER = re.compile(r"(\d+)\.0+")  # 1234.0 -> 1234 (ids, codes, flags typed as numbers)
# DfE's date layout per return, with where the year, month and day are in the match.
DATE_IN_LAYOUT = {"ssda903": (re.compile(r"([0-9]{2})/([0-9]{2})/([0-9]{4})"), (3, 2, 1)),
                  "cin": (re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})"), (1, 2, 3))}
# TextFacts.flags bits, and TextFacts.days of a text that is no date in DfE's layout.
BLANK, SPACES, TOKEN, NUMBER = 1, 2, 4, 8
NO_DATE = -(2**31)
_DAY_ZERO = date(1970, 1, 1).toordinal()


@dataclass
class TextFacts:
    """What typing (ingest.typing) needs to know of each distinct text of a table, in the order of
    its texts: the text stripped of surrounding spaces; flags: BLANK (nothing left), SPACES (some
    were stripped), TOKEN (could be a blank token, such as NULL), NUMBER (Excel's 1234.0); and days:
    for a date written exactly in DfE's layout, days since 1 January 1970, else NO_DATE.

    Worked out by the reader (`text_facts`), in plain Python: a forked reader does it while pandas
    imports, about a quarter of the typing that would otherwise follow. ingest.frames holds the same
    fields as numpy arrays while it joins a table's parts."""

    text: list[str]
    flags: bytearray
    days: array  # 'i'


def text_facts(texts: list[str], ret: str, tokens: bool = True) -> TextFacts:
    """`tokens`: whether a text can be a blank token. Exports of tables (CSV, Excel) write NULL or
    N/A for an empty cell; in XML an element's text is what the system wrote, and DfE reads it so
    (`<FormerUPN>NA</FormerUPN>` is an invalid UPN, not a blank one)."""
    text = list(map(str.strip, texts))
    flags = bytearray(len(text))
    for i, t in enumerate(text):
        if not t:
            flags[i] = BLANK
            continue
        f = SPACES if len(t) != len(texts[i]) else 0  # strip() only removes
        if tokens and len(t) <= 4 and t.upper() in BLANK_TOKENS:  # no token is longer; upper() never shortens
            f |= TOKEN
        if "." in t and EXCEL_NUMBER.fullmatch(t):
            f |= NUMBER
        flags[i] = f
    return TextFacts(text, flags, layout_days(text, ret))


def layout_days(text: list[str], ret: str) -> array:
    """Days since 1 January 1970 of each text that is a real date written exactly in DfE's layout
    (years 1678-2261, which datetime64[ns] holds), else NO_DATE."""
    days = array("i", [NO_DATE]) * len(text)
    known = _DAYS[ret]
    for i in [i for i, n in enumerate(map(len, text)) if n == 10]:  # every date in the layout is 10 long
        t = text[i]
        day = known.get(t)
        if day is None:
            day = _day_in_layout(t, ret)
            if day != NO_DATE:
                known[t] = day
        days[i] = day
    return days


# The day of each date in the layout met so far, per return: the same dates recur in every table.
# At most one entry per day of 1678-2261 (213,000), whatever a long-running process reads.
_DAYS: dict[str, dict[str, int]] = {"ssda903": {}, "cin": {}}


# The years layout_days reads: every date of them fits datetime64[ns] (1677-09-21 to 2262-04-11).
YEARS_READ = range(1678, 2262)


def _day_in_layout(t: str, ret: str) -> int:
    layout, (y, m, d) = DATE_IN_LAYOUT[ret]
    found = layout.fullmatch(t)
    if found:
        year = int(found[y])
        if year in YEARS_READ:
            try:
                return date(year, int(found[m]), int(found[d])).toordinal() - _DAY_ZERO
            except ValueError:  # month 13, 31 June, 29 February of a common year
                pass
    return NO_DATE


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
    facts: TextFacts | None = None  # of `texts` (read_file works them out; typing does where None)

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
