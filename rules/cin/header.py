"""CIN rules on the census header and on the return as a whole."""

import pandas as pd

from rules.cin import rule
from validator.registry import RETURN_LEVEL


@rule("100")
def reference_date_incorrect(r):
    """Header ReferenceDate must be present and equal 31 March of the collection year.
    (DfE's logic text quotes the 2022/23 date; each year means its own 31 March.)
    With no Header at all, the finding is about the whole return."""
    if not r.has("Header"):
        return {RETURN_LEVEL: True}
    h = r.table("Header")
    return {"Header": h["ReferenceDate_date"].isna() | (h["ReferenceDate_date"] != r.year.end)
            | ~h["ReferenceDate"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").fillna(False).astype(bool)}


@rule("2887Q")
def few_disability_codes(r):
    """Return level: the LA should use more than 7 different disability codes, NONE excluded.
    Counts distinct codes written (valid or not); blank and NONE do not count."""
    d = r.table("Disabilities")["Disability"].dropna()
    distinct = d[d.str.upper() != "NONE"].nunique()
    return {RETURN_LEVEL: bool(distinct <= 7)}


__all__ = ["pd"]
