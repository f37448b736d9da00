"""Small helpers shared by the rules of both returns (vectorised; no row loops)."""

from __future__ import annotations

import pandas as pd


def not_in(values: pd.Series, codes) -> pd.Series:
    """Present and not one of `codes` (blank is not flagged: presence rules handle blanks)."""
    return values.notna() & ~values.isin(list(codes))


def missing_or_not_in(values: pd.Series, codes) -> pd.Series:
    """Blank, or not one of `codes`."""
    return values.isna() | ~values.isin(list(codes))


def truthy(flag: pd.Series) -> pd.Series:
    """CIN booleans: true/1 (any case) -> True, false/0 -> False, anything else -> <NA>."""
    codes, uniques = pd.factorize(flag)  # decided once per distinct spelling: flags are hot in CIN rules
    meaning = pd.array([_TRUTH.get(str(u).lower()) for u in uniques] + [None], dtype="boolean")
    return pd.Series(meaning[codes], index=flag.index)  # code -1 (blank) takes the trailing <NA>


_TRUTH = {"true": True, "1": True, "false": False, "0": False}
