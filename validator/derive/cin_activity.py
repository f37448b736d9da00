"""Helpers shared by the CIN rules on what happens inside an episode (CINdetails): assessments,
Section 47 enquiries, child protection plans, CIN plans, reviews, and closure or NFA.

Scopes (CIN census conventions):
  - within a child      = ChildSeq
  - within an episode   = (ChildSeq, CINdetailsID)          EPISODE_KEY
  - within an assessment = EPISODE_KEY + AssessmentID        ASSESSMENT_KEY
  - within a plan       = EPISODE_KEY + CPPID               PLAN_KEY

All helpers are vectorised (keys packed into one integer per row, merges, bincounts) and return
boolean Series aligned with the table they are about. What several rules read is made once per run:
text columns (`equals`), parent rows (`parent_rows`), and in validator.derive.cin the ReferralNFA
and ICPCnotRequired flags (episode_flags, s47_flags).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.api.extensions import take

from validator.derive import cached, text
from validator.derive.cin import EPISODE_KEY

CHILD_KEY = ["ChildSeq"]
ASSESSMENT_KEY = EPISODE_KEY + ["AssessmentID"]
PLAN_KEY = EPISODE_KEY + ["CPPID"]


def equals(r, table: str, column: str, *codes: str) -> pd.Series:
    """Rows of `table` whose text in `column` is one of `codes` (exactly as written); blank is
    False. Read through the run's `text` of the column: factorised once, each distinct value tested
    once (pandas' isin on a text column is several times slower)."""
    return pd.Series(text(r, table, column).isin(codes), index=r.table(table).index)


def valid_code(r, table: str, column: str) -> pd.Series:
    """Rows of `table` whose `column` is one of DfE's codes for it in the year (`r.codes(column)`);
    blank is False."""
    return equals(r, table, column, *r.codes(column))


def key_codes(frames: list[pd.DataFrame], keys: list[str]) -> list[np.ndarray]:
    """One int64 per row of each frame, equal exactly where the rows' `keys` values are equal.

    The keys (generated positions ChildSeq, CINdetailsID, ..., or dates) are packed into one
    number: pandas hashes one integer column many times faster than a MultiIndex of several."""
    sizes = [len(f) for f in frames]
    code = np.zeros(sum(sizes), dtype=np.int64)
    for k in keys:
        values = np.concatenate([f[k].to_numpy() for f in frames])
        if values.dtype.kind not in "iu":  # dates: dense codes, NaT one value of its own
            values = pd.factorize(values, use_na_sentinel=False)[0]
        values = values.astype(np.int64)
        lo = values.min(initial=0)  # 0 unless a key is negative
        span = int(values.max(initial=0)) - int(lo) + 1
        if int(code.max(initial=0)) >= 2**62 // span:  # renumber densely so the product fits in int64
            code = pd.factorize(code)[0].astype(np.int64)
        code = code * span + (values - lo)
    return np.split(code, np.cumsum(sizes)[:-1])


def in_keys(t: pd.DataFrame, other: pd.DataFrame, keys: list[str]) -> pd.Series:
    """Rows of `t` whose `keys` values appear in some row of `other` (same index as `t`)."""
    left, right = key_codes([t, other], keys)
    return pd.Series(left, index=t.index).isin(right)  # hashed: numpy's isin sorts when codes spread wide


def parent_rows(r, table: str, parent: str, keys: list[str]) -> np.ndarray:
    """For each row of `table`, the position in `parent` of its parent row (the first with the same
    `keys`), -1 where it has none. Made once per run for each pair of tables."""
    def positions() -> np.ndarray:
        child_code, parent_code = key_codes([r.table(table), r.table(parent)], keys)
        first = np.flatnonzero(~pd.Series(parent_code).duplicated().to_numpy())
        found = pd.Index(parent_code[first]).get_indexer(child_code)
        return np.where(found >= 0, first[found], -1)

    return cached(r, f"parent rows {table} in {parent}", positions)


def with_parent(r, table: str, parent: str, keys: list[str], *columns: str) -> pd.DataFrame:
    """Table `table` with the named columns of its parent row in table `parent` (see `parent_rows`)
    beside it, same index; missing (NaT, NaN, <NA>) where it has none. Columns already in the
    table come back suffixed `_parent`."""
    t = r.table(table)
    rows = parent_rows(r, table, parent, keys)
    source = r.table(parent)
    out = t.copy(deep=False)
    for c in columns:
        out[c + "_parent" if c in t.columns else c] = take(source[c].array, rows, allow_fill=True)
    return out


def with_episode(r, table: str, *columns: str) -> pd.DataFrame:
    """`table` with the named columns of its CINdetails episode beside it (same index)."""
    return with_parent(r, table, "CINdetails", EPISODE_KEY, *columns)


def with_child(r, table: str, *columns: str) -> pd.DataFrame:
    """`table` with the named ChildIdentifiers columns of its child beside it (same index)."""
    return with_parent(r, table, "ChildIdentifiers", CHILD_KEY, *columns)


def rows_of_keys(t: pd.DataFrame, flagged: pd.DataFrame, flags: pd.Series, keys: list[str]) -> pd.Series:
    """Rows of `t` sharing `keys` with a row of `flagged` where `flags` (aligned with `flagged`) is
    true, e.g. the CINdetails rows of flagged assessments. Blank flags count as false."""
    left, right = key_codes([t, flagged], keys)
    return pd.Series(left, index=t.index).isin(right[flags.fillna(False).to_numpy(dtype=bool)])


def count_in_group(t: pd.DataFrame, keys: list[str], flags: pd.Series | None = None) -> pd.Series:
    """For each row of `t`, how many rows of its group (the rows with the same `keys`) have `flags`
    (aligned with `t`) true; with no flags, how many rows the group has."""
    group = pd.factorize(key_codes([t], keys)[0])[0]
    counts = np.bincount(group, weights=None if flags is None else flags.to_numpy(dtype=bool), minlength=1)
    return pd.Series(counts[group].astype(np.int64), index=t.index)


def last_day(end_text: pd.Series, end_date: pd.Series, reference: pd.Timestamp,
             include_end: bool = True) -> pd.Series:
    """The last day covered by a period with end date `end_date`:
      - end blank (period still open): the ReferenceDate;
      - end a valid date: that day (`include_end`) or the day before it (the end day itself
        excluded, as in DfE's "unless ... is equal to the end date");
      - end written but not a valid date: NaT, so the period is not compared at all."""
    real_end = end_date if include_end else end_date - pd.Timedelta(days=1)
    return real_end.where(end_text.notna(), reference)


def points_in_periods(points: pd.DataFrame, at: pd.Series, periods: pd.DataFrame, start: pd.Series,
                      last: pd.Series, on: list[str], exclude_same_row: bool = False) -> tuple[pd.Series, pd.Series]:
    """Where a date falls inside a period of the same scope (rows with the same `on` keys).

    `at` is a date on each row of `points`; `start` and `last` (the last day covered, inclusive) are
    dates on each row of `periods`. A point is inside when start <= at <= last (both ends included).
    NaT never matches. `exclude_same_row`: points and periods are one table, and a row is not
    compared with itself. Returns (points inside some period, periods containing some point) as
    boolean Series aligned with `points` and with `periods`."""
    at, start, last = at.to_numpy(), start.to_numpy(), last.to_numpy()
    p_key, q_key = key_codes([points, periods], on)
    p_ok, q_ok = np.flatnonzero(~np.isnat(at)), np.flatnonzero(~(np.isnat(start) | np.isnat(last)))
    pairs = pd.merge(pd.DataFrame({"key": p_key[p_ok], "i": p_ok}), pd.DataFrame({"key": q_key[q_ok], "j": q_ok}),
                     on="key")
    i, j = pairs["i"].to_numpy(), pairs["j"].to_numpy()
    hit = (at[i] >= start[j]) & (at[i] <= last[j])
    if exclude_same_row:
        hit &= i != j
    inside, containing = np.zeros(len(points), dtype=bool), np.zeros(len(periods), dtype=bool)
    inside[i[hit]] = True
    containing[j[hit]] = True
    return pd.Series(inside, index=points.index), pd.Series(containing, index=periods.index)


def starts_inside_another(t: pd.DataFrame, start: pd.Series, last: pd.Series, on: list[str]) -> pd.Series:
    """Rows of `t` whose `start` falls on or between the `start` and `last` of another row of the
    same scope, and those other rows: both rows of each such pair (see `points_in_periods`)."""
    starting, ongoing = points_in_periods(t, start, t, start, last, on, exclude_same_row=True)
    return starting | ongoing


__all__ = ["CHILD_KEY", "EPISODE_KEY", "ASSESSMENT_KEY", "PLAN_KEY", "equals", "valid_code", "key_codes", "in_keys",
           "parent_rows", "with_parent", "with_episode", "with_child", "rows_of_keys", "count_in_group", "last_day",
           "points_in_periods", "starts_inside_another"]
