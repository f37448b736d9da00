"""Derived values shared by the SSDA903 rules and the preview: one numbering of the return's children
(`children`), each child's episodes in order (`episode_order`, `episodes`), the Header DOB by child,
and the integer helpers the rules join and pick with (runs of sorted keys, `same_child` pairs,
`first_of_child`). Rules work on these numpy arrays rather than on pandas joins of text columns.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from validator.derive import array, derived, take, text


def run_starts(*keys: np.ndarray) -> np.ndarray:
    """For arrays sorted so that equal values (or tuples of values across `keys`) are adjacent: True
    at the first position of each run of equal ones."""
    n = len(keys[0])
    out = np.ones(n, dtype=bool)
    if n:
        same = np.ones(n - 1, dtype=bool)
        for k in keys:
            same &= k[1:] == k[:-1]
        out[1:] = ~same
    return out


def run_bounds(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For an array whose equal values are adjacent (sorted by them): the positions of the first and
    of the last element of each element's run, as int64 arrays (a groupby "first"/"last" by position)."""
    n = len(keys)
    start_pos = np.flatnonzero(run_starts(keys))
    sizes = np.diff(np.append(start_pos, n))
    return np.repeat(start_pos, sizes).astype("int64"), np.repeat(start_pos + sizes - 1, sizes).astype("int64")


def run_cummax(values: np.ndarray, first: np.ndarray) -> np.ndarray:
    """Running maximum of int64 `values` within runs of adjacent positions (`first`: the start of each
    position's run, as `run_bounds` gives it): a groupby cummax on sorted groups. For values of a
    modest range (day numbers, not nanoseconds): runs are lifted apart by multiples of that range."""
    if not len(values):
        return values.copy()
    run = np.cumsum(first == np.arange(len(values)))  # run number of each position, from 1
    low, span = values.min(), values.max() - values.min() + 1
    lifted = values - low + run * span  # every run above all earlier runs
    return np.maximum.accumulate(lifted) - run * span + low


class Children:
    """Every CHILD of the return numbered once, 0 to `count` - 1: the same number for the same CHILD
    text in every table of both years, -1 where CHILD is blank. Rules compare and join children on
    these integers rather than on the text."""

    def __init__(self, numbers: dict[str, np.ndarray], ids: pd.Index):
        self._numbers = numbers
        self.ids = ids  # the CHILD text of each number
        self.count = len(ids)

    def number(self, ids: pd.Series) -> np.ndarray:
        """The number of each CHILD text in `ids` (-1 where blank or not in the return)."""
        return self.ids.get_indexer(ids)

    def of(self, key: str) -> np.ndarray:
        """The child number of each row of table `key` (empty for a table the input lacks)."""
        return self._numbers.get(key, np.empty(0, dtype=np.intp))

    def mark(self, numbers: np.ndarray) -> np.ndarray:
        """Per child number (and a last slot for -1, blank): True for those in `numbers`. Index it
        with numbers, as `mark(b)[a]`, for "a is one of b", blank matching blank as in pandas' isin."""
        out = np.zeros(self.count + 1, dtype=bool)
        out[numbers] = True
        return out

    def first_rows(self, key: str, blank_matches: bool = False) -> np.ndarray:
        """Per child number, and a last slot for blank: the position of the child's first row in table
        `key`, -1 where it has none. Index it with numbers. The blank slot is -1 unless
        `blank_matches`: then it holds the first row with a blank CHILD, as pandas' `map` or
        `reindex` on CHILD would match it."""
        numbers = self.of(key)
        out = np.full(self.count + 1, -1, dtype=np.intp)
        known, first = np.unique(numbers, return_index=True)
        out[known] = first
        if not blank_matches:
            out[-1] = -1
        return out


@derived
def children(r) -> Children:
    """The `Children` numbering of the return's CHILD values: numbered in order of first appearance
    (tables in the Return's order, rows in table order), as one factorisation of every table's
    CHILD column would. Built from each table's distinct CHILD texts (`text`, which ingest has as
    codes): a few thousand values to number per table instead of every row's string."""
    keys = [k for k, t in r.tables.items() if t.has_column("CHILD")]
    if not keys:
        return Children({}, pd.Index([], dtype="string"))
    columns = [text(r, k, "CHILD") for k in keys]
    firsts = []  # each table's distinct CHILD texts in order of first appearance
    for t in columns:
        used, first_row = np.unique(t.codes, return_index=True)  # sorted codes; -1 (blank) first
        firsts.append(used[first_row.argsort()])
    numbers, ids = pd.factorize(np.concatenate([t.values[f[f >= 0]] for t, f in zip(columns, firsts)]))
    out, start = {}, 0
    for k, t, f in zip(keys, columns, firsts):
        f = f[f >= 0]
        number_of_value = np.full(len(t.values) + 1, -1, dtype=numbers.dtype)  # last slot: blank (-1)
        number_of_value[f] = numbers[start:start + len(f)]
        out[k] = number_of_value[t.codes]
        start += len(f)
    return Children(out, pd.Index(ids))


def same_child(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every pair (i, j) of positions with a[i] == b[j] (child numbers; blank pairs with blank, as in
    a pandas merge on CHILD), as two arrays ordered by i, then j: an inner join without pandas."""
    order = np.argsort(b, kind="stable")
    lo = np.searchsorted(b[order], a, "left")
    counts = np.searchsorted(b[order], a, "right") - lo
    i = np.repeat(np.arange(len(a)), counts)
    first_out = np.cumsum(counts) - counts  # where each i's pairs begin in the output
    j = order[np.repeat(lo - first_out, counts) + np.arange(len(i))]
    return i, j


def among(values: np.ndarray, pool: np.ndarray) -> np.ndarray:
    """Which of the integers `values` are in `pool` (np.isin by sorting and binary search: numpy 2's
    isin hashes, slowly for many distinct values)."""
    if not len(pool):
        return np.zeros(len(values), dtype=bool)
    pool = np.sort(pool)
    return pool[np.minimum(np.searchsorted(pool, values), len(pool) - 1)] == values


_NS_PER_DAY = 86_400_000_000_000
_DAY_OFFSET, _NO_DAY, _DAY_SPAN = 2**17, 2**18, 2**19  # datetime64[ns] days lie within +-2**17


def by_child_and_day(child: np.ndarray, rows: np.ndarray, day: np.ndarray) -> np.ndarray:
    """`rows` (positions) sorted by child number, then by the date `day` (datetime64[ns], indexed by
    position; NaT last within the child), ties in the order of `rows`. One stable argsort of a packed
    int64 key: np.lexsort on the two keys is several times slower."""
    d = day[rows]
    days = np.where(np.isnat(d), _NO_DAY, d.view("int64") // _NS_PER_DAY + _DAY_OFFSET)
    return rows[np.argsort(child[rows].astype("int64") * _DAY_SPAN + days, kind="stable")]


def first_of_child(child: np.ndarray, rows: np.ndarray, day: np.ndarray, last: bool = False) -> np.ndarray:
    """Of the positions `rows` (ascending), each child's first (or, with `last`, last) by the date
    `day` (indexed by position; ties in position order), as sorted positions. A blank CHILD (-1) is a
    child of its own, as in pandas' drop_duplicates on CHILD."""
    rows = by_child_and_day(child, rows, day)
    first_pos, last_pos = run_bounds(child[rows])
    return np.sort(rows[(last_pos if last else first_pos) == np.arange(len(rows))])


@derived
def header_dob_by_child(r) -> np.ndarray:
    """Header DOB_date per child number (`children`; index it with numbers): the child's first
    Header row's, NaT where the child has none. The blank slot holds the first Header row with a
    blank CHILD's, as looking `header_dob` up by CHILD matches blank with blank."""
    return take(array(r, "Header", "DOB_date"), children(r).first_rows("Header", blank_matches=True))


def header_dob_of(r, key: str) -> np.ndarray:
    """The Header DOB_date (`header_dob_by_child`) of each row's child in table `key`."""
    return header_dob_by_child(r)[children(r).of(key)]


@derived
def header_last_row(r) -> np.ndarray:
    """Per Header row: the position of the first Header_last row of the same CHILD (-1 where there
    is none or CHILD is blank)."""
    c = children(r)
    return c.first_rows("Header_last")[c.of("Header")]


@derived
def episode_order(r) -> np.ndarray:
    """Episodes row positions with each child's episodes together in DECOM order (a DECOM that is not a
    date last; file order on a tie). Children follow their `children` numbering; a blank CHILD is one
    child of its own."""
    child = children(r).of("Episodes")
    return by_child_and_day(child, np.arange(len(child)), array(r, "Episodes", "DECOM_date"))


def episode_of_child(r, mask: np.ndarray, last: bool = False) -> np.ndarray:
    """Among the Episodes rows where `mask` holds and DECOM is a date: each child's first (or, with
    `last`, last) by DECOM, in file order on a tie (a blank CHILD is one child), as sorted row labels.
    Read from `episode_order`, without sorting again."""
    by_child = episode_order(r)
    rows = by_child[(mask & ~np.isnat(array(r, "Episodes", "DECOM_date")))[by_child]]
    first, last_pos = run_bounds(children(r).of("Episodes")[rows])
    return np.sort(rows[(last_pos if last else first) == np.arange(len(rows))])


@derived
def episodes(r) -> pd.DataFrame:
    """Each episode's place in its child's sequence (`episode_order`), per Episodes row, in row order:
    `order` (0-based within the child), `n_episodes` (the child's episodes), `prev_row` / `next_row`
    (row label of the child's previous / next episode, -1 where none), `in_order` (every DECOM of the
    child is a date, so its episodes' order is known). Read a neighbour's values through these
    (`Text.take`, `take`); rules comparing consecutive episodes read `neighbours`."""
    by_child = episode_order(r)
    first, last = run_bounds(children(r).of("Episodes")[by_child])
    at = np.arange(len(by_child))
    n = len(by_child)
    out = {name: np.empty(n, dtype="int64") for name in ("order", "n_episodes", "prev_row", "next_row")}
    out["order"][by_child] = at - first
    out["n_episodes"][by_child] = last - first + 1
    out["prev_row"][by_child] = np.where(at > first, np.roll(by_child, 1), -1)
    out["next_row"][by_child] = np.where(at < last, np.roll(by_child, -1), -1)
    out["in_order"] = np.empty(n, dtype=bool)
    out["in_order"][by_child] = ~np.isnat(array(r, "Episodes", "DECOM_date")[by_child][last])  # a DECOM that is no date sorts last
    return pd.DataFrame(out)


@derived
def neighbours(r) -> tuple[np.ndarray, np.ndarray]:
    """The previous and the next episode of each episode (`episodes`' prev_row, next_row), for the
    rules that compare consecutive episodes. In a child whose episodes are not `in_order`, where an
    episode whose DECOM is not a date comes among the others is unknown (rule 141 reports the date),
    so two of its episodes are taken as consecutive only where one starts on the day the other
    ended (nothing can come between them); the child's other links are -1, the undated episode's too."""
    e = episodes(r)
    prev, nxt, in_order = e["prev_row"].to_numpy(), e["next_row"].to_numpy(), e["in_order"].to_numpy()
    decom, dec = array(r, "Episodes", "DECOM_date"), array(r, "Episodes", "DEC_date")
    meets_prev = take(dec, prev) == decom  # NaT (no date, no neighbour) never equals
    meets_next = take(decom, nxt) == dec
    return np.where(in_order | meets_prev, prev, -1), np.where(in_order | meets_next, nxt, -1)


@derived
def header_dob(r) -> pd.Series:
    """Date of birth by CHILD (first Header row of each child)."""
    h = r.table("Header")
    return h.drop_duplicates("CHILD").set_index("CHILD")["DOB_date"]


TABLES_REPEATING_DOB = ("AD1", "PlacedAdoption", "Missing", "OC2", "OC3", "PrevPerm", "Reviews", "UASC")


@derived
def dob_differs_from_header(r) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """For each table in TABLES_REPEATING_DOB that has a DOB column: the pairs (row of that table,
    Header row of the same CHILD) whose DOB_date are both valid dates and differ, as two arrays of
    row labels (rows, Header rows). Shared by INT11-INT18."""
    c = children(r)
    h = array(r, "Header", "DOB_date")
    out = {}
    for key in TABLES_REPEATING_DOB:  # eight tables, not rows
        if "DOB_date" not in r.table(key).columns:
            continue
        rows, header_rows = same_child(c.of(key), c.of("Header"))
        mine, theirs = array(r, key, "DOB_date")[rows], h[header_rows]
        bad = ~np.isnat(mine) & ~np.isnat(theirs) & (mine != theirs)
        out[key] = (rows[bad], header_rows[bad])
    return out
