"""Small helpers shared by the rules of both returns (vectorised; no row loops)."""

from __future__ import annotations

import pandas as pd

from validator.derive import truthy  # noqa: F401 - CIN booleans, shared with the derived frames


def not_in(values: pd.Series, codes) -> pd.Series:
    """Present and not one of `codes` (blank is not flagged: presence rules handle blanks)."""
    return values.notna() & ~values.isin(list(codes))


def missing_or_not_in(values: pd.Series, codes) -> pd.Series:
    """Blank, or not one of `codes`."""
    return values.isna() | ~values.isin(list(codes))
