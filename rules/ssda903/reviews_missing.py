"""SSDA903 rules on the Reviews and Missing tables."""

from rules.common import missing_or_not_in
from rules.ssda903 import rule


@rule("167")
def review_code_not_valid(r):
    """Reviews.REVIEW_CODE must be present and one of PN0-PN7."""
    t = r.table("Reviews")
    return {"Reviews": missing_or_not_in(t["REVIEW_CODE"], r.codes("REVIEW_CODE"))}


@rule("1006")
def missing_type_not_valid(r):
    """Missing.MISSING must be M (missing) or A (away from placement without authorisation)."""
    t = r.table("Missing")
    return {"Missing": missing_or_not_in(t["MISSING"], r.codes("MISSING"))}
