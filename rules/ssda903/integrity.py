"""SSDA903 integrity and cross-table rules: children and dates that must agree between tables.

The CSV tables repeat CHILD (and DOB, and SEX in UASC) on every row; DfE's internal checks (INT..)
say every child must be in Header, the repeated values must match Header, and the one-row-per-child
tables must hold each child once.
"""

import pandas as pd

from rules.ssda903 import rule
from validator.derive import lookup
from validator.derive.ssda903 import dob_differs_from_header, episodes, header_dob


# ---------------------------------------------------------------- shared checks

def _not_in_header(r, table: str) -> dict:
    """Rows of `table` whose CHILD has no Header row (a blank CHILD has none either)."""
    t, h = r.table(table), r.table("Header")
    return {table: ~t["CHILD"].isin(h["CHILD"].dropna())}


def _differs_from_header(r, table: str, column: str) -> dict:
    """Rows of `table` whose `column` differs from the same child's Header `column`, and those Header
    rows (either may be the wrong one). Both values must be given; dates are compared as dates, so
    both must be valid dates (the date rules report the others). Children without a Header row are
    left to the INT01-INT09 rules. A column the input form does not carry (UASC.SEX and UASC.DOB are
    CSV-only) gives no findings."""
    t, h = r.table(table), r.table("Header")
    if column not in t.columns or column not in h.columns:  # XML returns do not repeat UASC.SEX / DOB
        return {table: pd.Series(False, index=t.index)}
    if column == "DOB_date":  # INT11-INT18 share one merge of all their tables with Header
        rows, header_rows = dob_differs_from_header(r)[table]
        return {table: pd.Series(t.index.isin(rows), index=t.index),
                "Header": pd.Series(h.index.isin(header_rows), index=h.index)}
    m = t[["CHILD", column]].reset_index(names="row").merge(
        h[["CHILD", column]].reset_index(names="header_row"), on="CHILD", suffixes=("", "_h"))
    bad = (m[column].notna() & m[column + "_h"].notna() & (m[column] != m[column + "_h"])).fillna(False)
    bad = bad.astype(bool)
    return {table: pd.Series(t.index.isin(m.loc[bad, "row"]), index=t.index),
            "Header": pd.Series(h.index.isin(m.loc[bad, "header_row"]), index=h.index)}


def _child_repeated(r, table: str) -> dict:
    """Every row of `table` whose CHILD is on more than one row (a blank CHILD is not a child)."""
    t = r.table(table)
    return {table: t["CHILD"].notna() & t["CHILD"].duplicated(keep=False)}


# ---------------------------------------------------------------- child missing from Header

@rule("INT01")
def ad1_child_not_in_header(r):
    """Every CHILD in AD1 must have a row in Header (a blank CHILD is flagged too)."""
    return _not_in_header(r, "AD1")


@rule("INT02")
def placed_adoption_child_not_in_header(r):
    """Every CHILD in PlacedAdoption must have a row in Header (a blank CHILD is flagged too)."""
    return _not_in_header(r, "PlacedAdoption")


@rule("INT03")
def episode_child_not_in_header(r):
    """Every CHILD in Episodes must have a row in Header."""
    e, h = r.table("Episodes"), r.table("Header")
    return {"Episodes": ~e["CHILD"].isin(h["CHILD"].dropna())}


@rule("INT04")
def missing_child_not_in_header(r):
    """Every CHILD in Missing must have a row in Header (a blank CHILD is flagged too)."""
    return _not_in_header(r, "Missing")


@rule("INT05")
def oc2_child_not_in_header(r):
    """Every CHILD in OC2 must have a row in Header (a blank CHILD is flagged too)."""
    return _not_in_header(r, "OC2")


@rule("INT06")
def oc3_child_not_in_header(r):
    """Every CHILD in OC3 must have a row in Header (a blank CHILD is flagged too)."""
    return _not_in_header(r, "OC3")


@rule("INT07")
def prev_perm_child_not_in_header(r):
    """Every CHILD in PrevPerm must have a row in Header (a blank CHILD is flagged too)."""
    return _not_in_header(r, "PrevPerm")


@rule("INT08")
def reviews_child_not_in_header(r):
    """Every CHILD in Reviews must have a row in Header (a blank CHILD is flagged too)."""
    return _not_in_header(r, "Reviews")


@rule("INT09")
def uasc_child_not_in_header(r):
    """Every CHILD in UASC must have a row in Header (a blank CHILD is flagged too)."""
    return _not_in_header(r, "UASC")


# ---------------------------------------------------------------- repeated DOB / SEX differ from Header

@rule("INT11")
def ad1_dob_differs(r):
    """AD1.DOB must equal the child's Header DOB: flags the AD1 row and the Header row(s) when both
    are valid dates and differ."""
    return _differs_from_header(r, "AD1", "DOB_date")


@rule("INT12")
def placed_adoption_dob_differs(r):
    """PlacedAdoption.DOB must equal the child's Header DOB: flags the PlacedAdoption row and the
    Header row(s) when both are valid dates and differ."""
    return _differs_from_header(r, "PlacedAdoption", "DOB_date")


@rule("INT13")
def missing_dob_differs(r):
    """Missing.DOB must equal the child's Header DOB: flags the Missing row and the Header row(s)
    when both are valid dates and differ."""
    return _differs_from_header(r, "Missing", "DOB_date")


@rule("INT14")
def oc2_dob_differs(r):
    """OC2.DOB must equal the child's Header DOB: flags the OC2 row and the Header row(s) when both
    are valid dates and differ."""
    return _differs_from_header(r, "OC2", "DOB_date")


@rule("INT15")
def oc3_dob_differs(r):
    """OC3.DOB must equal the child's Header DOB: flags the OC3 row and the Header row(s) when both
    are valid dates and differ."""
    return _differs_from_header(r, "OC3", "DOB_date")


@rule("INT16")
def prev_perm_dob_differs(r):
    """PrevPerm.DOB must equal the child's Header DOB: flags the PrevPerm row and the Header row(s)
    when both are valid dates and differ."""
    return _differs_from_header(r, "PrevPerm", "DOB_date")


@rule("INT17")
def reviews_dob_differs(r):
    """Reviews.DOB must equal the child's Header DOB: flags the Reviews row and the Header row(s)
    when both are valid dates and differ."""
    return _differs_from_header(r, "Reviews", "DOB_date")


@rule("INT18")
def uasc_dob_differs(r):
    """UASC.DOB must equal the child's Header DOB: flags the UASC row and the Header row(s) when both
    are valid dates and differ."""
    return _differs_from_header(r, "UASC", "DOB_date")


@rule("INT21")
def uasc_sex_differs(r):
    """UASC.SEX must equal the child's Header SEX, compared as written (both given): flags the UASC row
    and the Header row(s). Codes of one return come from one year's list, so 1 and M differ."""
    return _differs_from_header(r, "UASC", "SEX")


# ---------------------------------------------------------------- one row per child

@rule("INT31")
def ad1_child_repeated(r):
    """A CHILD may have only one AD1 row: every row of a repeated CHILD is flagged."""
    return _child_repeated(r, "AD1")


@rule("INT32")
def header_child_repeated(r):
    """A CHILD may have only one Header row: every row of a repeated CHILD is flagged."""
    return _child_repeated(r, "Header")


@rule("INT33")
def oc2_child_repeated(r):
    """A CHILD may have only one OC2 row: every row of a repeated CHILD is flagged."""
    return _child_repeated(r, "OC2")


@rule("INT34")
def oc3_child_repeated(r):
    """A CHILD may have only one OC3 row: every row of a repeated CHILD is flagged."""
    return _child_repeated(r, "OC3")


@rule("INT35")
def prev_perm_child_repeated(r):
    """A CHILD may have only one PrevPerm row: every row of a repeated CHILD is flagged."""
    return _child_repeated(r, "PrevPerm")


@rule("INT36")
def uasc_child_repeated(r):
    """A CHILD may have only one UASC row: every row of a repeated CHILD is flagged."""
    return _child_repeated(r, "UASC")


# ---------------------------------------------------------------- dates across tables

@rule("302")
def first_episode_before_birth(r):
    """The child's first episode (earliest DECOM) must not start before the Header DOB."""
    e = episodes(r)
    dob = lookup(e["CHILD"], header_dob(r))
    return {"Episodes": (e["order"] == 0) & (e["DECOM_date"] < dob)}
