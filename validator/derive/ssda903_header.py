"""Derived values for the SSDA903 Header and UASC rules: the child's UASC flag in either input form.

DfE's `Header.UASC` flag exists only in XML returns (HEADER/UASC). A CSV return has no such column:
there a child is UASC when listed in the UASC table (spec derived_fields.csv). The XML reader also
makes a UASC row for a child with a DUC, even when the flag says 0, so for XML input the flag itself
(not the UASC table) decides.
"""

from __future__ import annotations

import pandas as pd

from validator.derive import derived
from validator.model import LAST

UASC_CODES_TRUE, UASC_CODES_FALSE = "1", "0"


def header_has_uasc_flag(r, key: str = "Header") -> bool:
    """True when Header table `key` carries DfE's UASC flag: it was read from XML, or (input built
    another way) some row has a UASC value. A CSV Header never has the column filled."""
    t = r.tables.get(key)
    if t is None or "UASC" not in t.frame.columns:
        return False
    return t.source_path is not None or bool(t.frame["UASC"].notna().any())


def _uasc_children(r, suffix: str) -> pd.DataFrame:
    h = r.table("Header" + suffix)
    u = r.table("UASC" + suffix)
    first_h = h.loc[h["CHILD"].notna()].drop_duplicates("CHILD")
    first_u = u.loc[u["CHILD"].notna()].drop_duplicates("CHILD")
    out = pd.DataFrame({"header_row": first_h.index, "DOB_date": first_h["DOB_date"].to_numpy()},
                       index=pd.Index(first_h["CHILD"].to_numpy(), name="CHILD"))
    uasc_rows = pd.Series(first_u.index.to_numpy(), index=first_u["CHILD"].to_numpy())
    out["uasc_row"] = uasc_rows.reindex(out.index).fillna(-1).astype("int64")
    duc = first_u.set_index("CHILD")
    out["DUC"] = duc["DUC"].reindex(out.index)
    out["DUC_date"] = duc["DUC_date"].reindex(out.index)
    if header_has_uasc_flag(r, "Header" + suffix):
        flag = first_h["UASC"].map({UASC_CODES_TRUE: True, UASC_CODES_FALSE: False}).astype("boolean")
        out["uasc"] = flag.set_axis(out.index)
    else:
        out["uasc"] = pd.array(out.index.isin(first_u["CHILD"]), dtype="boolean")
    return out


@derived
def uasc_children(r) -> pd.DataFrame:
    """One row per CHILD of this year's Header (its first row), indexed by CHILD, with:
    `uasc` (boolean; <NA> when an XML flag is blank or not 0/1): XML HEADER/UASC = 1, or for CSV
    input the child has a UASC row; `header_row` (Header row label), `uasc_row` (the child's first
    UASC row label, -1 if none), `DUC` / `DUC_date` from that UASC row, and the Header `DOB_date`."""
    return _uasc_children(r, "")


@derived
def uasc_children_last(r) -> pd.DataFrame:
    """As `uasc_children`, from last year's Header and UASC tables (Header_last, UASC_last)."""
    return _uasc_children(r, LAST)


__all__ = ["uasc_children", "uasc_children_last", "header_has_uasc_flag"]
