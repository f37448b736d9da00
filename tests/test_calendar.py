"""Bank holidays for working days: the `holidays` package's days, cached on disk per year."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from tests.conftest import ROOT
from validator import calendar


@pytest.fixture
def fresh(monkeypatch, tmp_path):
    """A cache folder of the test's own and nothing remembered in this process."""
    monkeypatch.setenv("RETURNCHECK_CACHE", str(tmp_path))
    monkeypatch.setattr(calendar, "_by_year", {})
    calendar.bank_holidays.cache_clear()
    yield tmp_path
    calendar.bank_holidays.cache_clear()


def _from_package(first, last):
    import holidays

    days = holidays.country_holidays("GB", subdiv="ENG", years=range(first, last + 1))
    return np.array(sorted(days), dtype="datetime64[D]")


def test_bank_holidays_are_the_packages(fresh):
    got = calendar.bank_holidays(2019, 2027)
    assert got.tolist() == _from_package(2019, 2027).tolist()
    assert np.datetime64("2022-09-19") in got and np.datetime64("2023-05-08") in got  # one-off days
    assert calendar.cache_file().parent == fresh and calendar.cache_file().exists()


def test_cached_years_need_no_import_of_holidays(fresh, monkeypatch):
    first = calendar.bank_holidays(2023, 2026)
    calendar.bank_holidays.cache_clear()
    monkeypatch.setattr(calendar, "_by_year", {})
    monkeypatch.setitem(sys.modules, "holidays", None)  # `import holidays` would now fail
    assert calendar.bank_holidays(2024, 2025).tolist() == [d for d in first.tolist() if d.year in (2024, 2025)]
    with pytest.raises(ImportError):
        calendar.bank_holidays(2030, 2030)  # not cached: computed, so imported


def test_other_package_version_is_computed_afresh(fresh, monkeypatch):
    calendar.bank_holidays(2024, 2024)
    old_file = calendar.cache_file()
    calendar.bank_holidays.cache_clear()
    monkeypatch.setattr(calendar, "_by_year", {})
    monkeypatch.setattr(calendar, "version", lambda: "999.0")
    assert calendar.bank_holidays(2024, 2024).tolist() == _from_package(2024, 2024).tolist()
    assert calendar.cache_file() != old_file and calendar.cache_file().exists()


def test_unwritable_cache_folder_still_gives_the_days(fresh, monkeypatch):
    blocker = fresh / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("RETURNCHECK_CACHE", str(blocker / "cache"))
    assert calendar.bank_holidays(2024, 2025).tolist() == _from_package(2024, 2025).tolist()


def test_unreadable_cache_file_is_replaced(fresh):
    calendar.cache_file().parent.mkdir(parents=True, exist_ok=True)
    calendar.cache_file().write_text("{broken")
    assert calendar.bank_holidays(2024, 2024).tolist() == _from_package(2024, 2024).tolist()
    assert "2024" in calendar.cache_file().read_text()


def test_working_days_use_the_cached_days(fresh):
    # Good Friday 29 March and Easter Monday 1 April 2024 are not working days
    assert calendar.minus_working_days(pd.Timestamp("2024-04-01"), 1) == pd.Timestamp("2024-03-28")
    start = pd.Series(pd.to_datetime(["2024-03-28", "2024-03-28"]))
    end = pd.Series(pd.to_datetime(["2024-04-02", "2024-03-28"]))
    assert calendar.working_days_after(start, end).tolist() == [1.0, 0.0]


def test_importing_the_calendar_does_not_import_holidays():
    code = "import sys, validator.calendar, validator.derive.preview; assert 'holidays' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
