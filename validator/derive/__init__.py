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


_NS_PER_DAY = 86_400_000_000_000


def _year_month_day(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month (1-12) and day (1-31) of datetime64[ns] values as int64 arrays (garbage where
    NaT), by integer arithmetic on the day number (H. Hinnant's civil_from_days): numpy's own
    calendar conversions are slow."""
    z = values.view("int64") // _NS_PER_DAY + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = np.where(mp < 10, mp + 3, mp - 9)
    year = yoe + era * 400 + (month <= 2)
    return year, month, day


def _days_from_civil(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Day number (days since 1970-01-01) of year/month/day; a day past the end of the month runs
    on into the next (29 February of a common year is 1 March)."""
    year = year - (month <= 2)
    era = year // 400
    yoe = year - era * 400
    doy = (153 * np.where(month > 2, month - 3, month + 9) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def age_at(dob: pd.Series, when) -> pd.Series:
    """Age in whole years on `when` (a date or a Series of dates aligned with `dob`): birthdays count
    from the day; a 29 February birthday counts from 1 March in common years; NaN where either date
    is missing. Computed on numpy arrays: the rules call it often."""
    if isinstance(when, pd.Series) and not when.index.equals(dob.index):
        when = when.reindex(dob.index)  # aligned on labels, as pandas arithmetic would
    born = dob.to_numpy(dtype="datetime64[ns]")
    on = (when.to_numpy(dtype="datetime64[ns]") if isinstance(when, pd.Series)
          else np.full(len(born), pd.Timestamp(when).to_datetime64(), dtype="datetime64[ns]"))
    by, bm, bd = _year_month_day(born)
    wy, wm, wd = _year_month_day(on)
    before_birthday = (wm < bm) | ((wm == bm) & (wd < bd))
    age = (wy - by - before_birthday).astype("float64")
    age[np.isnat(born) | np.isnat(on)] = np.nan
    return pd.Series(age, index=dob.index)


def birthday(dob: pd.Series, years: int) -> pd.Series:
    """The date of the `years`-th birthday (NaT where DOB is NaT). Someone born on 29 February has
    the birthday on 1 March in common years (as `age_at` counts it)."""
    born = dob.to_numpy(dtype="datetime64[ns]")
    y, m, d = _year_month_day(born)
    out = (_days_from_civil(y + years, m, d) * _NS_PER_DAY).view("datetime64[ns]")
    out[np.isnat(born)] = np.datetime64("NaT")
    return pd.Series(out, index=dob.index, dtype=dob.dtype)


def truthy(flag: pd.Series) -> pd.Series:
    """CIN booleans: true/1 (any case) -> True, false/0 -> False, anything else -> <NA>."""
    codes, uniques = pd.factorize(flag)  # decided once per distinct spelling: flags are hot in CIN rules
    meaning = pd.array([_TRUTH.get(str(u).lower()) for u in uniques] + [None], dtype="boolean")
    return pd.Series(meaning[codes], index=flag.index)  # code -1 (blank) takes the trailing <NA>


_TRUTH = {"true": True, "1": True, "false": False, "0": False}


__all__ = ["truthy", "derived", "invalid_date", "lookup", "age_at", "birthday", "np"]
