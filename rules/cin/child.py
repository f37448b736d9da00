"""CIN rules on ChildIdentifiers and ChildCharacteristics (one row per child)."""

from rules.cin import rule
from rules.common import missing_or_not_in


@rule("4180", years="-2023/24", fields=("GenderCurrent",))
def gender_missing(r):
    """Up to 2023/24: GenderCurrent must be present and one of 0, 1, 2, 9."""
    c = r.table("ChildIdentifiers")
    return {"ChildIdentifiers": missing_or_not_in(c["GenderCurrent"], r.codes("GenderCurrent"))}


@rule("4180", years="2024/25-")
def sex_missing_or_invalid(r):
    """From 2024/25: Sex must be present and equal M, F or U (upper case)."""
    c = r.table("ChildIdentifiers")
    return {"ChildIdentifiers": missing_or_not_in(c["Sex"], r.codes("Sex"))}


@rule("4220")
def ethnicity_missing_or_invalid(r):
    """ChildCharacteristics.Ethnicity must be present and a valid ethnicity code."""
    c = r.table("ChildCharacteristics")
    return {"ChildCharacteristics": missing_or_not_in(c["Ethnicity"], r.codes("Ethnicity"))}


@rule("8500")
def la_child_id_missing(r):
    """Every child must have an LAchildID."""
    c = r.table("ChildIdentifiers")
    return {"ChildIdentifiers": c["LAchildID"].isna()}


@rule("8510")
def la_child_id_not_unique(r):
    """No two children may share an LAchildID: every child record with a shared id is flagged."""
    ids = r.table("ChildIdentifiers")["LAchildID"]
    return {"ChildIdentifiers": ids.notna() & ids.duplicated(keep=False)}


@rule("8520")
def birth_after_reference_date(r):
    """PersonBirthDate, where present, must be on or before the ReferenceDate (31 March)."""
    c = r.table("ChildIdentifiers")
    return {"ChildIdentifiers": c["PersonBirthDate_date"] > r.year.end}
