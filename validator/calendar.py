"""Working days in England and Wales: Monday to Friday, less bank holidays from the `holidays`
package (one-off days such as 19 September 2022 and 8 May 2023 included), for any year.
"""

from __future__ import annotations

from functools import cache

import holidays
import numpy as np
import pandas as pd


@cache
def bank_holidays(first_year: int, last_year: int) -> np.ndarray:
    days = holidays.country_holidays("GB", subdiv="ENG", years=range(first_year, last_year + 1))
    return np.array(sorted(days), dtype="datetime64[D]")


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
