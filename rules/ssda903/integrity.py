"""SSDA903 integrity and cross-table rules: children and dates that must agree between tables.

The CSV tables repeat CHILD (and DOB, and SEX in UASC) on every row; DfE's internal checks (INT..)
say every child must be in Header, the repeated values must match Header, and the one-row-per-child
tables must hold each child once.
"""

import numpy as np

from rules.ssda903 import rule
from validator.derive import array, text
from validator.derive.ssda903 import children, dob_differs_from_header, episodes, header_dob_of, same_child


# ---------------------------------------------------------------- shared checks

def _not_in_header(r, table: str) -> dict:
    """Rows of `table` whose CHILD has no Header row (a blank CHILD has none either)."""
    c = children(r)
    h = c.of("Header")
    return {table: ~c.mark(h[h >= 0])[c.of(table)]}


def _differs_from_header(r, table: str, column: str) -> dict:
    """Rows of `table` whose `column` differs from the same child's Header `column`, and those Header
    rows (either may be the wrong one). Both values must be given; dates are compared as dates, so
    both must be valid dates (the date rules report the others). Children without a Header row are
    left to the INT01-INT09 rules. A column the input form does not carry (UASC.SEX and UASC.DOB are
    CSV-only) gives no findings."""
    if column not in r.table(table).columns or column not in r.table("Header").columns:
        return {}  # XML returns do not repeat UASC.SEX / DOB
    if column == "DOB_date":  # INT11-INT18 share one pairing of all their tables with Header
        rows, header_rows = dob_differs_from_header(r)[table]
        return {table: rows, "Header": header_rows}
    c = children(r)
    rows, header_rows = same_child(c.of(table), c.of("Header"))
    mine, theirs = text(r, table, column).take(rows), text(r, "Header", column).take(header_rows)
    bad = mine.given & theirs.given & ~mine.same(theirs)
    return {table: rows[bad], "Header": header_rows[bad]}


def _child_repeated(r, table: str) -> dict:
    """Every row of `table` whose CHILD is on more than one row (a blank CHILD is not a child)."""
    child = children(r).of(table)
    known = child >= 0
    rows_of_child = np.bincount(child[known], minlength=children(r).count + 1)
    return {table: known & (rows_of_child[child] > 1)}


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
    return _not_in_header(r, "Episodes")


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
    first = episodes(r)["order"].to_numpy() == 0
    return {"Episodes": first & (array(r, "Episodes", "DECOM_date") < header_dob_of(r, "Episodes"))}
