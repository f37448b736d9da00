"""SSDA903 integrity and cross-table rules: children and dates that must agree between tables."""

from rules.ssda903 import rule
from validator.derive.ssda903 import episodes, header_dob


@rule("INT03")
def episode_child_not_in_header(r):
    """Every CHILD in Episodes must have a row in Header."""
    e, h = r.table("Episodes"), r.table("Header")
    return {"Episodes": ~e["CHILD"].isin(h["CHILD"].dropna())}


@rule("302")
def first_episode_before_birth(r):
    """The child's first episode (earliest DECOM) must not start before the Header DOB."""
    e = episodes(r)
    dob = e["CHILD"].map(header_dob(r))
    return {"Episodes": (e["order"] == 0) & (e["DECOM_date"] < dob)}
