"""Derived frames shared by SSDA903 rules (and later the preview)."""

from __future__ import annotations

import pandas as pd

from validator.derive import derived


@derived
def episodes(r) -> pd.DataFrame:
    """Episodes with each episode's place in the child's sequence and its neighbours.

    Sorted by CHILD then DECOM; added columns: `order` (0-based within child), `n_episodes`,
    `prev_X` / `next_X` for X in DECOM_date, DEC_date, REC, RNE, LS, PLACE, PLACE_PROVIDER,
    PL_POST, URN, and `prev_row` / `next_row` (row label of the neighbour, -1 where none).
    The index stays the Episodes row label, and the frame is returned in row order.
    """
    e = r.table("Episodes")
    e = e.sort_values(["CHILD", "DECOM_date"], kind="stable", na_position="last")
    g = e.groupby("CHILD", sort=False, dropna=False)
    e["order"] = g.cumcount()
    e["n_episodes"] = g["DECOM"].transform("size")
    e["row"] = e.index
    for col in ("DECOM_date", "DEC_date", "REC", "RNE", "LS", "PLACE", "PLACE_PROVIDER", "PL_POST", "URN", "row"):
        e["prev_" + col] = g[col].shift(1)
        e["next_" + col] = g[col].shift(-1)
    e["prev_row"] = e["prev_row"].fillna(-1).astype("int64")
    e["next_row"] = e["next_row"].fillna(-1).astype("int64")
    return e.drop(columns="row").sort_index()


@derived
def header_dob(r) -> pd.Series:
    """Date of birth by CHILD (first Header row of each child)."""
    h = r.table("Header")
    return h.drop_duplicates("CHILD").set_index("CHILD")["DOB_date"]
