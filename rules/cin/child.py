"""CIN rules on ChildIdentifiers and ChildCharacteristics (one row per child)."""

import numpy as np
import pandas as pd

from rules.cin import rule
from validator.derive.cin import la_child_id_chars
from validator.derive.cin_activity import equals, valid_code


@rule("4180", years="-2023/24", fields=("GenderCurrent",))
def gender_missing(r):
    """Up to 2023/24: GenderCurrent must be present and one of 0, 1, 2, 9."""
    return {"ChildIdentifiers": ~valid_code(r, "ChildIdentifiers", "GenderCurrent")}


@rule("4180", years="2024/25-")
def sex_missing_or_invalid(r):
    """From 2024/25: Sex must be present and equal M, F or U (upper case)."""
    return {"ChildIdentifiers": ~valid_code(r, "ChildIdentifiers", "Sex")}


@rule("4220")
def ethnicity_missing_or_invalid(r):
    """ChildCharacteristics.Ethnicity must be present and a valid ethnicity code."""
    return {"ChildCharacteristics": ~valid_code(r, "ChildCharacteristics", "Ethnicity")}


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


# --- LAchildID format (from 2024/25) --------------------------------------------------------------

# ASCII letters and digits by character code; code 0 (past the end of the id) passes
_ALPHANUMERIC = np.zeros(128, dtype=bool)
_ALPHANUMERIC[[0, *(ord(c) for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")]] = True

@rule("1570")
def la_child_id_too_long(r):
    """From 2024/25: LAchildID must not be longer than 20 characters (counted after trimming the
    spaces around it). Blank is left to 8500."""
    too_long = la_child_id_chars(r)[:, 20] > 0  # a 21st character
    return {"ChildIdentifiers": pd.Series(too_long, index=r.table("ChildIdentifiers").index)}


@rule("1580")
def la_child_id_not_alphanumeric(r):
    """From 2024/25: LAchildID must contain only letters and digits, read as ASCII A-Z, a-z, 0-9
    (accented letters, spaces inside the id, hyphens, slashes ... are flagged). Blank is left to 8500."""
    ids = r.table("ChildIdentifiers")["LAchildID"]
    chars = la_child_id_chars(r)
    ok = _ALPHANUMERIC[np.minimum(chars, 127)].all(axis=1)  # the first 21 characters (0: past the end)
    long = chars[:, 20] > 0
    ok[long] = ids[long].str.fullmatch(r"[A-Za-z0-9]+").to_numpy(dtype=bool)  # the few longer ones in full
    return {"ChildIdentifiers": pd.Series((chars[:, 0] > 0) & ~ok, index=ids.index)}


# --- Birth, expected birth and death dates ----------------------------------------------------------

@rule("8525Q")
def birth_or_expected_birth_not_one(r):
    """Exactly one of PersonBirthDate and ExpectedPersonBirthDate should be given: flags a child
    with neither or with both (a value counts as given when the cell is not blank, valid date or not)."""
    c = r.table("ChildIdentifiers")
    return {"ChildIdentifiers": c["PersonBirthDate"].notna() == c["ExpectedPersonBirthDate"].notna()}


@rule("8530Q")
def expected_birth_out_of_range(r):
    """A present ExpectedPersonBirthDate should be between ReferenceDate (31 March) minus 30 days
    and ReferenceDate plus 9 months, both ends included: for 2024/25, 1 March 2025 to
    31 December 2025 pass; 28 February 2025 and 1 January 2026 are flagged. (The reference also
    reports the two boundary days; DfE's "between" keeps them.) Not a valid date: not flagged."""
    c = r.table("ChildIdentifiers")
    d = c["ExpectedPersonBirthDate_date"]
    lo, hi = r.year.end - pd.Timedelta(days=30), r.year.end + pd.DateOffset(months=9)
    return {"ChildIdentifiers": (d < lo) | (d > hi)}


@rule("8535Q")
def death_before_birth(r):
    """PersonDeathDate, where present, should be on or after PersonBirthDate (same day passes).
    Rows where either is blank or not a valid date are not flagged."""
    c = r.table("ChildIdentifiers")
    return {"ChildIdentifiers": c["PersonDeathDate_date"] < c["PersonBirthDate_date"]}


@rule("8545Q")
def death_outside_census_year(r):
    """PersonDeathDate, where present, should be within the census year, 1 April to 31 March
    inclusive. Not a valid date: not flagged."""
    d = r.table("ChildIdentifiers")["PersonDeathDate_date"]
    return {"ChildIdentifiers": (d < r.year.start) | (d > r.year.end)}


# --- Unborn children --------------------------------------------------------------------------------

def _unborn(c):
    """ExpectedPersonBirthDate given and PersonBirthDate blank (cells as written, valid or not)."""
    return c["ExpectedPersonBirthDate"].notna() & c["PersonBirthDate"].isna()


@rule("8750", years="-2023/24", fields=("GenderCurrent", "PersonBirthDate", "ExpectedPersonBirthDate"))
def unborn_gender_not_0(r):
    """Up to 2023/24: an unborn child (ExpectedPersonBirthDate given, PersonBirthDate blank) must
    have GenderCurrent equal to 0. A blank GenderCurrent is flagged too."""
    c = r.table("ChildIdentifiers")
    return {"ChildIdentifiers": _unborn(c) & ~equals(r, "ChildIdentifiers", "GenderCurrent", "0")}


@rule("8750", years="2024/25-")
def unborn_sex_not_u(r):
    """From 2024/25: an unborn child (ExpectedPersonBirthDate given, PersonBirthDate blank) must
    have Sex equal to U (upper case, as DfE's code; DfE's logic text still quotes the old '0').
    A blank Sex is flagged too."""
    c = r.table("ChildIdentifiers")
    return {"ChildIdentifiers": _unborn(c) & ~equals(r, "ChildIdentifiers", "Sex", "U")}
