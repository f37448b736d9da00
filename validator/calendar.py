"""Working days in England and Wales: Monday to Friday, less bank holidays from the `holidays`
package (one-off days such as 19 September 2022 and 8 May 2023 included), for any year.

Importing `holidays` and building its calendar costs about half a second, so the bank holidays of
each year are kept in a small JSON file in the cache folder (`$RETURNCHECK_CACHE`, else
`$XDG_CACHE_HOME/returncheck`, else `~/.cache/returncheck`, as for the postcodes), named by the
package's version. `holidays` is imported only for a year the file does not have yet; if the folder
cannot be written, the days are computed for this run only.
"""

from __future__ import annotations

import json
import os
import tempfile
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from validator.cache import cache_root, installed_version

PACKAGE = "holidays"
_by_year: dict[int, list[str]] = {}  # year -> its bank holidays (ISO dates), for this process


@cache
def version() -> str:
    """Version of the `holidays` package (no import)."""
    return installed_version(PACKAGE, PACKAGE) or "unknown"


def cache_file() -> Path:
    return cache_root() / f"bank-holidays-{version()}.json"


def _compute(years: list[int]) -> dict[int, list[str]]:
    import holidays  # slow: only for years not cached yet

    out: dict[int, list[str]] = {y: [] for y in years}
    for day in sorted(holidays.country_holidays("GB", subdiv="ENG", years=years)):
        if day.year in out:
            out[day.year].append(day.isoformat())
    return out


def _load(years: list[int]) -> None:
    """Fill `_by_year` for `years`: from the cache file, computing (and storing) what it lacks."""
    try:
        path = cache_file()
    except RuntimeError:  # no home folder to keep a cache in: compute for this run only
        _by_year.update(_compute(years))
        return
    try:
        stored = {int(y): days for y, days in json.loads(path.read_text(encoding="utf-8")).items()}
    except (OSError, ValueError, AttributeError):  # absent, unreadable or not ours: start afresh
        stored = {}
    missing = [y for y in years if y not in stored]
    if missing:
        stored.update(_compute(missing))
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("w", dir=path.parent, suffix=".tmp", delete=False,
                                             encoding="utf-8") as f:
                json.dump({str(y): stored[y] for y in sorted(stored)}, f)
            os.replace(f.name, path)  # atomic: a concurrent run reads the old file or the new one
        except OSError:
            pass  # an unwritable cache folder only costs the computation next time
    _by_year.update(stored)


@cache
def bank_holidays(first_year: int, last_year: int) -> np.ndarray:
    years = [y for y in range(first_year, last_year + 1) if y not in _by_year]
    if years:
        _load(years)
    days = [d for y in range(first_year, last_year + 1) for d in _by_year[y]]
    return np.array(days, dtype="datetime64[D]")


def _calendar(*series: pd.Series) -> np.busdaycalendar:
    years = [s.dt.year for s in series if len(s)]
    lo = int(min((y.min() for y in years if y.notna().any()), default=2000)) - 1
    hi = int(max((y.max() for y in years if y.notna().any()), default=2000)) + 1
    return np.busdaycalendar(weekmask="1111100", holidays=bank_holidays(max(lo, 1900), min(hi, 2200)))


def working_days_after(start: pd.Series, end: pd.Series) -> pd.Series:
    """Working days after `start` up to and including `end` (the start day is day 0).

    A Monday start and the Friday of the same week give 4; the same day gives 0. Float, NaN where
    either date is missing. Negative when `end` is before `start`.
    """
    ok = start.notna() & end.notna()
    out = pd.Series(np.nan, index=start.index)
    if ok.any():
        cal = _calendar(start[ok], end[ok])
        s = start[ok].to_numpy().astype("datetime64[D]") + np.timedelta64(1, "D")
        e = end[ok].to_numpy().astype("datetime64[D]") + np.timedelta64(1, "D")
        out[ok] = np.busday_count(s, e, busdaycal=cal)
    return out


def minus_working_days(day: pd.Timestamp, n: int) -> pd.Timestamp:
    """The date `n` working days before `day` (`day` itself is day 0, even if not a working day)."""
    cal = _calendar(pd.Series([day]))
    d = np.datetime64(day.date(), "D")
    # roll the count from the day itself: the first working day strictly before `day` is 1
    target = np.busday_offset(d - np.timedelta64(1, "D"), -(n - 1), roll="backward", busdaycal=cal)
    return pd.Timestamp(target)
