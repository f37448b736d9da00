"""derive: what many rules share, computed once per Return on first use. Nothing writes back.

Add a cached property here when two or more rules need the same derived frame or column.
"""

from __future__ import annotations

from functools import cached_property

import pandas as pd

from validator.ingest.typing import is_valid_layout


class Derived:
    def __init__(self, r):
        self._r = r

    def invalid_date(self, key: str, column: str) -> pd.Series:
        """Rows where `column` has a value that is not a real date in DfE's layout."""
        t = self._r.table(key)
        text = t[column]
        return text.notna() & (t[column + "_date"].isna() | ~is_valid_layout(text, self._r.kind))

    @cached_property
    def episodes(self) -> pd.DataFrame:
        """SSDA903 Episodes in child and start order, with each episode's neighbours.

        Columns added: `order` (0-based within child), `prev_*`/`next_*` for DECOM, DEC, REC, RNE,
        LS, PLACE and the neighbour's row label (`prev_row`, `next_row`; -1 where none).
        Row labels (the index) stay those of the Episodes table.
        """
        e = self._r.table("Episodes")
        e = e.sort_values(["CHILD", "DECOM_date"], kind="stable", na_position="last")
        g = e.groupby("CHILD", sort=False, dropna=False)
        e["order"] = g.cumcount()
        e["row"] = e.index
        for col in ("DECOM_date", "DEC_date", "REC", "RNE", "LS", "PLACE", "row"):
            e["prev_" + col] = g[col].shift(1)
            e["next_" + col] = g[col].shift(-1)
        e["prev_row"] = e["prev_row"].fillna(-1).astype("int64")
        e["next_row"] = e["next_row"].fillna(-1).astype("int64")
        return e.sort_index()

    @cached_property
    def header_dob(self) -> pd.Series:
        """SSDA903 date of birth by CHILD (first Header row of each child)."""
        h = self._r.table("Header")
        return h.drop_duplicates("CHILD").set_index("CHILD")["DOB_date"]
