"""derive: what many rules share, computed once per Return on first use. Nothing writes back.

A shared derived frame or column is a plain function of the Return, decorated with `derived`,
in the module of its return (validator/derive/ssda903.py, validator/derive/cin.py, or a module
of its own for a big area). The first rule that calls it computes it; every later call in the
same run gets the same object. Callers must not modify what they get.
"""

from __future__ import annotations

import functools
import time

import numpy as np
import pandas as pd

from validator.ingest.typing import is_valid_layout


def derived(fn):
    """Cache fn(r) on the Return for the rest of the run."""
    key = f"{fn.__module__}.{fn.__qualname__}"

    @functools.wraps(fn)
    def wrapper(r):
        cache = r.__dict__.setdefault("_derived", {})
        if key not in cache:
            start = time.perf_counter()
            cache[key] = fn(r)
            # time spent deriving, so the benchmark can tell it apart from the rules themselves
            r.__dict__.setdefault("_derive_seconds", {})[key] = time.perf_counter() - start
        return cache[key]

    return wrapper


def invalid_date(r, key: str, column: str) -> pd.Series:
    """Rows of table `key` where `column` holds a value that is not a real date in DfE's layout
    (dd/mm/yyyy for SSDA903, yyyy-mm-dd for CIN). Blank is not flagged here."""
    t = r.table(key)
    text = t[column]
    return text.notna() & (t[column + "_date"].isna() | ~is_valid_layout(text, r.kind))


def lookup(keys: pd.Series, values: pd.Series) -> pd.Series:
    """values[key] for each key (NaN/NaT where absent), aligned with `keys`. `values` must have a
    unique index. Unlike Series.map, works for dates when `values` is empty."""
    return pd.Series(values.reindex(keys.to_numpy()).to_numpy(), index=keys.index, name=values.name)


def age_at(dob: pd.Series, when) -> pd.Series:
    """Age in whole years on `when` (a date or a Series of dates): birthdays count from the day.
    NaN where either date is missing. A child born 29 February turns a year older on 1 March."""
    when = pd.Series(when, index=dob.index) if not isinstance(when, pd.Series) else when
    years = when.dt.year - dob.dt.year
    before_birthday = (when.dt.month < dob.dt.month) | ((when.dt.month == dob.dt.month) & (when.dt.day < dob.dt.day))
    return (years - before_birthday.astype("float64")).where(dob.notna() & when.notna())


__all__ = ["derived", "invalid_date", "lookup", "age_at", "np"]
