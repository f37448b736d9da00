"""Derived frames shared by SSDA903 rules (and later the preview)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from validator.derive import age_at, birthday, derived  # noqa: F401 - rules import them from here too


def run_bounds(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For an array whose equal values are adjacent (sorted by them): the positions of the first and
    of the last element of each element's run, as int64 arrays (a groupby "first"/"last" by position)."""
    n = len(keys)
    starts = np.ones(n, dtype=bool)
    starts[1:] = keys[1:] != keys[:-1]
    start_pos = np.flatnonzero(starts)
    sizes = np.diff(np.append(start_pos, n))
    return np.repeat(start_pos, sizes).astype("int64"), np.repeat(start_pos + sizes - 1, sizes).astype("int64")


@derived
def episodes(r) -> pd.DataFrame:
    """Episodes with each episode's place in the child's sequence and its neighbours.

    Sorted by CHILD then DECOM; added columns: `order` (0-based within child), `n_episodes`,
    `prev_X` / `next_X` for X in DECOM_date, DEC_date, REC, RNE, LS, PLACE, PLACE_PROVIDER,
    PL_POST, URN, and `prev_row` / `next_row` (row label of the neighbour, -1 where none).
    The index stays the Episodes row label, and the frame is returned in row order.
    """
    return episodes_by_child(r).sort_index()


@derived
def episodes_by_child(r) -> pd.DataFrame:
    """`episodes(r)` in CHILD and DECOM order (the same as sorting it by CHILD then `order`): for
    derived frames that work through each child's episodes in turn."""
    e = r.table("Episodes")
    e = e.sort_values(["CHILD", "DECOM_date"], kind="stable", na_position="last")
    # rows of one child are now adjacent (a blank CHILD is a group of its own, as in groupby)
    first, last = run_bounds(e["CHILD"].to_numpy(dtype=object, na_value=None))
    n = len(e)
    e["order"] = np.arange(n, dtype="int64") - first
    e["n_episodes"] = last - first + 1
    starts = first == np.arange(n)
    has_prev = ~starts
    has_next = last != np.arange(n)
    for col in ("DECOM_date", "DEC_date", "REC", "RNE", "LS", "PLACE", "PLACE_PROVIDER", "PL_POST", "URN"):
        e["prev_" + col] = e[col].shift(1).where(has_prev)
        e["next_" + col] = e[col].shift(-1).where(has_next)
    rows = e.index.to_numpy(dtype="int64")
    e["prev_row"] = np.where(has_prev, np.roll(rows, 1), -1)
    e["next_row"] = np.where(has_next, np.roll(rows, -1), -1)
    return e


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
    row labels (rows, Header rows). One merge with Header for all the tables (INT11-INT18)."""
    h = r.table("Header")
    frames = {key: r.table(key) for key in TABLES_REPEATING_DOB}
    frames = {key: t for key, t in frames.items() if "DOB_date" in t.columns}
    rows = pd.DataFrame({
        "table": np.concatenate([np.full(len(t), i) for i, t in enumerate(frames.values())] or [np.array([], int)]),
        "row": np.concatenate([t.index.to_numpy() for t in frames.values()] or [np.array([], int)]),
        "CHILD": pd.concat([t["CHILD"] for t in frames.values()], ignore_index=True),
        "DOB_date": pd.concat([t["DOB_date"] for t in frames.values()], ignore_index=True),
    })
    m = rows.merge(pd.DataFrame({"CHILD": h["CHILD"].to_numpy(), "DOB_h": h["DOB_date"].to_numpy(),
                                 "header_row": h.index}), on="CHILD")
    bad = (m["DOB_date"].notna() & m["DOB_h"].notna() & (m["DOB_date"] != m["DOB_h"])).to_numpy()
    table, row, header_row = m["table"].to_numpy()[bad], m["row"].to_numpy()[bad], m["header_row"].to_numpy()[bad]
    return {key: (row[table == i], header_row[table == i]) for i, key in enumerate(frames)}
