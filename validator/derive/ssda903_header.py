"""Derived values for the SSDA903 Header and UASC rules: the child's UASC flag in either input form.

DfE's `Header.UASC` flag exists only in XML returns (HEADER/UASC). A CSV return has no such column:
there a child is UASC when listed in the UASC table (spec derived_fields.csv). The XML reader also
makes a UASC row for a child with a DUC, even when the flag says 0, so for XML input the flag itself
(not the UASC table) decides.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from validator.derive import array, derived, take, text
from validator.derive.ssda903 import children
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
    c = children(r)
    header, uasc = "Header" + suffix, "UASC" + suffix
    header_row, uasc_row = c.first_rows(header), c.first_rows(uasc)
    if header_has_uasc_flag(r, header):
        flag = text(r, header, "UASC").take(header_row)
        status = np.where(flag.eq(UASC_CODES_TRUE), 1, np.where(flag.eq(UASC_CODES_FALSE), 0, -1))
    else:
        status = (uasc_row >= 0).astype("int64")
    return pd.DataFrame({"in_header": header_row >= 0, "header_row": header_row, "uasc": status.astype("int8"),
                         "uasc_row": uasc_row, "DUC": text(r, uasc, "DUC").take(uasc_row).given,
                         "DUC_date": take(array(r, uasc, "DUC_date"), uasc_row)})


@derived
def uasc_children(r) -> pd.DataFrame:
    """One row per child number (`children`; the last row stands for a blank CHILD, never in Header):
    `in_header` (the child has a row in this year's Header), `header_row` (its first Header row, -1
    if none), `uasc` (1 UASC, 0 not, -1 unknown: an XML flag that is blank or not 0/1): XML
    HEADER/UASC = 1, or for CSV input the child has a UASC row; `uasc_row` (the child's first UASC
    row, -1 if none), `DUC` (that row gives a DUC) and `DUC_date`. Only rows with `in_header` are
    meant: the others' values say nothing."""
    return _uasc_children(r, "")


@derived
def uasc_children_last(r) -> pd.DataFrame:
    """As `uasc_children`, from last year's Header and UASC tables (Header_last, UASC_last)."""
    return _uasc_children(r, LAST)


__all__ = ["uasc_children", "uasc_children_last", "header_has_uasc_flag"]
