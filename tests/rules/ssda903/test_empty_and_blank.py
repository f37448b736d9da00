"""Every SSDA903 rule runs, without a "could not run" finding, on tables that are present but empty
and on rows whose every cell is blank: the rules work on numpy arrays, where empty inputs and blank
CHILD values are edge cases of their own."""

import pytest

from tests.helpers import make_903
from validator.engine import run
from validator.spec import spec
from validator.years import SUPPORTED

TABLES = list(spec("ssda903").columns)


@pytest.mark.parametrize("year", SUPPORTED)
def test_empty_tables(year):
    tables = {t: [] for t in TABLES}
    r = make_903(tables, year=year, previous=tables, la="E09000033")
    crashed = run(r).flags.query("crash != ''")
    assert crashed.empty, crashed.to_dict("records")


@pytest.mark.parametrize("year", SUPPORTED)
def test_blank_rows(year):
    tables = {t: [{}, {}] for t in TABLES}
    r = make_903(tables, year=year, previous=tables, la="E09000033")
    crashed = run(r).flags.query("crash != ''")
    assert crashed.empty, crashed.to_dict("records")
