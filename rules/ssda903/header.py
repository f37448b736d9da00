"""SSDA903 rules on the Header table alone (one row per child)."""

from rules.common import missing_or_not_in
from rules.ssda903 import rule
from validator.derive import invalid_date


@rule("101")
def sex_not_valid(r):
    """Header.SEX must be a sex code of the collection year (1/2 up to 2023/24; M/F/U from 2024/25).
    A blank SEX is not valid either."""
    h = r.table("Header")
    return {"Header": missing_or_not_in(h["SEX"], r.codes("SEX"))}


@rule("102")
def dob_not_valid_date(r):
    """Header.DOB must be a real date written dd/mm/yyyy; a blank DOB is not a valid date."""
    h = r.table("Header")
    return {"Header": h["DOB"].isna() | invalid_date(r, "Header", "DOB")}


@rule("103")
def ethnic_not_valid(r):
    """Header.ETHNIC must be present and one of DfE's ethnicity codes."""
    h = r.table("Header")
    return {"Header": missing_or_not_in(h["ETHNIC"], r.codes("ETHNIC"))}
