"""derive: what many rules share, computed once per Return on first use. Nothing writes back.

A shared derived frame or column is a plain function of the Return, decorated with `derived`,
in the module of its return (validator/derive/ssda903.py, validator/derive/cin.py, or a module
of its own for a big area). The first rule that calls it computes it; every later call in the
same run gets the same object. Callers must not modify what they get.
"""

from __future__ import annotations

import functools
import re
import time

import numpy as np
import pandas as pd

from validator.ingest.typing import DATE_LAYOUT


def derived(fn):
    """Cache fn(r) on the Return for the rest of the run."""
    key = f"{fn.__module__}.{fn.__qualname__}"

    @functools.wraps(fn)
    def wrapper(r):
        return cached(r, key, lambda: fn(r))

    return wrapper


def cached(r, key: str, compute):
    """compute() once per Return under `key` (what `derived` does for a function of r alone). The
    seconds it took, less those of derived values first asked for on the way (timed under their
    own keys), go to r._derive_seconds: the benchmark tells deriving apart from the rules."""
    cache = r.__dict__.setdefault("_derived", {})
    if key not in cache:
        inner = r.__dict__.setdefault("_derive_inner", [])  # seconds spent in nested derived values
        inner.append(0.0)
        start = time.perf_counter()
        try:
            cache[key] = compute()
        finally:
            elapsed = time.perf_counter() - start
            nested = inner.pop()
            if inner:
                inner[-1] += elapsed
        r.__dict__.setdefault("_derive_seconds", {})[key] = elapsed - nested
    return cache[key]


class Text:
    """A text column factorised: `codes[i]` is row i's position in `values` (-1 where blank).

    pandas keeps text as Python objects, so `isin`, `==` and `isna` on a text column touch every
    row's string; on a Text they cost one test per distinct value and an integer take. The rules'
    code-list tests run on these (`text(r, table, column)`), as plain numpy booleans."""

    __slots__ = ("codes", "values")

    def __init__(self, codes: np.ndarray, values: np.ndarray):
        self.codes = codes
        self.values = values

    @classmethod
    def of(cls, column: pd.Series) -> "Text":
        codes, uniques = pd.factorize(column.to_numpy(dtype=object, na_value=None))  # None (blank): -1
        return cls(codes, uniques)

    def __len__(self) -> int:
        return len(self.codes)

    @property
    def given(self) -> np.ndarray:
        return self.codes >= 0

    @property
    def blank(self) -> np.ndarray:
        return self.codes < 0

    def isin(self, texts) -> np.ndarray:
        """Rows whose text is exactly one of `texts` (a blank row never is)."""
        texts = texts if isinstance(texts, (set, frozenset)) else set(texts)
        hit = list(map(texts.__contains__, self.values.tolist()))  # a C loop: rules ask this hundreds of times
        hit.append(False)  # code -1 (blank) takes the trailing False
        return np.array(hit, dtype=bool)[self.codes]

    def check(self, test) -> np.ndarray:
        """Rows whose text passes `test` (a function of one text), decided once per distinct value;
        a blank row never does."""
        passed = list(map(bool, map(test, self.values.tolist())))
        passed.append(False)
        return np.array(passed, dtype=bool)[self.codes]

    def eq(self, value: str) -> np.ndarray:
        """Rows whose text is exactly `value`."""
        return self.isin((value,))

    def same(self, other: "Text") -> np.ndarray:
        """Rows (aligned) where both texts are given and equal."""
        return self.given & other.given & (self.strings() == other.strings())

    def strings(self) -> np.ndarray:
        """The text of each row as an object array, None where blank."""
        return np.append(self.values, None)[self.codes]

    def take(self, rows: np.ndarray) -> "Text":
        """The text of the rows at positions `rows`; blank where a position is -1."""
        return Text(np.append(self.codes, -1)[rows], self.values)


def take(values: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """values[rows], missing (NaT, NaN, None, -1, False by dtype) where a position is -1."""
    missing = {"M": np.datetime64("NaT"), "f": np.nan, "O": None, "i": -1, "b": False}[values.dtype.kind]
    return np.concatenate([values, np.array([missing], dtype=values.dtype)])[rows]


def _column(r, key: str, column: str) -> pd.Series:
    # read only, so without the shallow copy r.table() makes for a rule
    return r.tables[key].frame[column] if r.has(key) else r.table(key)[column]


def text(r, key: str, column: str) -> Text:
    """Text column `column` of table `key` (rows in table order) as a `Text`, made once per run
    (from the codes ingest already has, where it has them)."""
    return cached(r, f"text {key}.{column}", lambda: _text(r, key, column))


def _text(r, key: str, column: str) -> Text:
    cleaned = r.tables[key].cleaned if r.has(key) else None
    if cleaned is not None and column in cleaned.columns:
        return Text(*cleaned.codes_and_values(column))
    return Text.of(_column(r, key, column))


def array(r, key: str, column: str) -> np.ndarray:
    """Column `column` of table `key` as a numpy array, for date (datetime64[ns], NaT where not a
    date) and number columns; text columns are read with `text`."""
    return cached(r, f"array {key}.{column}", lambda: _column(r, key, column).to_numpy())


def invalid_date(r, key: str, column: str) -> np.ndarray:
    """Rows of table `key` where `column` holds a value that is not a real date in DfE's layout
    (dd/mm/yyyy for SSDA903, yyyy-mm-dd for CIN). Blank is not flagged here."""
    written = text(r, key, column)
    in_layout = written.check(re.compile(DATE_LAYOUT[r.kind]).fullmatch)
    return written.given & (np.isnat(array(r, key, column + "_date")) | ~in_layout)


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


def make_dates(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """datetime64[D] dates from integer year, month (1-12) and day arrays; a day past the end of the
    month runs on into the next month."""
    return _days_from_civil(year, month, day).astype("datetime64[D]")


def days_in_month(year: np.ndarray, month: np.ndarray) -> np.ndarray:
    """Days in each month (1-12) of each year, as integers."""
    return _days_from_civil(year, month + 1, 1) - _days_from_civil(year, month, 1)


def age_at(dob: pd.Series, when) -> pd.Series:
    """Age in whole years on `when` (a date or a Series of dates aligned with `dob`): birthdays count
    from the day; a 29 February birthday counts from 1 March in common years; NaN where either date
    is missing. Computed on numpy arrays (`ages`): the rules call it often."""
    if isinstance(when, pd.Series) and not when.index.equals(dob.index):
        when = when.reindex(dob.index)  # aligned on labels, as pandas arithmetic would
    on = when.to_numpy(dtype="datetime64[ns]") if isinstance(when, pd.Series) else when
    return pd.Series(ages(dob.to_numpy(dtype="datetime64[ns]"), on), index=dob.index)


def ages(born: np.ndarray, on) -> np.ndarray:
    """`age_at` on numpy: `born` a datetime64[ns] array, `on` one like it or a single date."""
    if not isinstance(on, np.ndarray):
        on = np.full(len(born), pd.Timestamp(on).to_datetime64(), dtype="datetime64[ns]")
    by, bm, bd = _year_month_day(born)
    wy, wm, wd = _year_month_day(on)
    before_birthday = (wm < bm) | ((wm == bm) & (wd < bd))
    age = (wy - by - before_birthday).astype("float64")
    age[np.isnat(born) | np.isnat(on)] = np.nan
    return age


def birthday(dob: pd.Series, years: int) -> pd.Series:
    """The date of the `years`-th birthday (NaT where DOB is NaT). Someone born on 29 February has
    the birthday on 1 March in common years (as `age_at` counts it)."""
    return pd.Series(birthdays(dob.to_numpy(dtype="datetime64[ns]"), years), index=dob.index, dtype=dob.dtype)


def birthdays(born: np.ndarray, years: int) -> np.ndarray:
    """`birthday` on a datetime64[ns] array."""
    y, m, d = _year_month_day(born)
    out = (_days_from_civil(y + years, m, d) * _NS_PER_DAY).view("datetime64[ns]")
    out[np.isnat(born)] = np.datetime64("NaT")
    return out


def add_years(dates: np.ndarray, years: int) -> np.ndarray:
    """dates + pandas.DateOffset(years=years) on a datetime64[ns] array: the same day of the same month
    `years` on, 29 February falling back to 28 February in common years (unlike `birthdays`)."""
    y, m, d = _year_month_day(dates)
    y = y + years
    leap = (y % 4 == 0) & ((y % 100 != 0) | (y % 400 == 0))
    d = np.where((m == 2) & (d == 29) & ~leap, 28, d)
    out = (_days_from_civil(y, m, d) * _NS_PER_DAY).view("datetime64[ns]")
    out[np.isnat(dates)] = np.datetime64("NaT")
    return out


def truthy(flag: pd.Series) -> pd.Series:
    """CIN booleans: true/1 (any case) -> True, false/0 -> False, anything else -> <NA>."""
    codes, uniques = pd.factorize(flag)  # decided once per distinct spelling: flags are hot in CIN rules
    meaning = pd.array([_TRUTH.get(str(u).lower()) for u in uniques] + [None], dtype="boolean")
    return pd.Series(meaning[codes], index=flag.index)  # code -1 (blank) takes the trailing <NA>


_TRUTH = {"true": True, "1": True, "false": False, "0": False}


__all__ = ["truthy", "derived", "cached", "Text", "text", "array", "take", "invalid_date", "lookup", "age_at",
           "ages", "birthday", "birthdays", "add_years", "make_dates", "days_in_month", "np"]
