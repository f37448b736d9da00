"""CIN rules on the census header and on the return as a whole."""

import numpy as np
import pandas as pd

from rules.cin import rule
from validator.derive import text
from validator.derive.cin_activity import equals
from validator.registry import RETURN_LEVEL


@rule("100")
def reference_date_incorrect(r):
    """Header ReferenceDate must be present and equal 31 March of the collection year.
    (DfE's logic text quotes the 2022/23 date; each year means its own 31 March.)
    With no Header at all, the finding is about the whole return."""
    if not r.has("Header"):
        return {RETURN_LEVEL: True}
    h = r.table("Header")
    return {"Header": h["ReferenceDate_date"].isna() | (h["ReferenceDate_date"] != r.year.end)
            | ~h["ReferenceDate"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").fillna(False).astype(bool)}


@rule("2887Q")
def few_disability_codes(r):
    """Return level: the LA should use more than 7 different disability codes, NONE excluded.
    Counts distinct codes written (valid or not); blank and NONE do not count."""
    return {RETURN_LEVEL: bool(_disabilities(r)["code"].nunique() <= 7)}


def _disabilities(r) -> pd.DataFrame:
    """The Disabilities rows with a code other than NONE (any case) and blank: ChildSeq and `code`,
    a number for each distinct spelling (each spelling is read once)."""
    d = r.table("Disabilities")
    written = text(r, "Disabilities", "Disability")
    none = np.fromiter((v.upper() == "NONE" for v in written.values), dtype=bool, count=len(written.values))
    real = written.given & ~np.append(none, True)[written.codes]
    return pd.DataFrame({"ChildSeq": d["ChildSeq"].to_numpy()[real], "code": written.codes[real]})


def _share_above(flags: pd.Series, limit: float) -> bool:
    """True when the share of True among the rows is above `limit` (no rows: False)."""
    return bool(len(flags) and flags.sum() / len(flags) > limit)


@rule("2886Q", years="-2023/24", fields=("GenderCurrent", "ExpectedPersonBirthDate"))
def many_without_gender(r):
    """Up to 2023/24, return level: the children whose GenderCurrent is 0 or blank and who have no
    ExpectedPersonBirthDate (unborn children excluded), divided by all child records, should be at
    most 0.02. Exactly 2% passes; more is reported. No children: nothing reported."""
    c = r.table("ChildIdentifiers")
    no_gender = c["GenderCurrent"].isna() | equals(r, "ChildIdentifiers", "GenderCurrent", "0")
    return {RETURN_LEVEL: _share_above(no_gender & c["ExpectedPersonBirthDate"].isna(), 0.02)}


@rule("2886Q", years="2024/25-")
def many_without_sex(r):
    """From 2024/25, return level: the children whose Sex is U or blank and who have no
    ExpectedPersonBirthDate (unborn children excluded), divided by all child records, should be at
    most 0.02. Exactly 2% passes; more is reported. No children: nothing reported."""
    c = r.table("ChildIdentifiers")
    no_sex = c["Sex"].isna() | equals(r, "ChildIdentifiers", "Sex", "U")
    return {RETURN_LEVEL: _share_above(no_sex & c["ExpectedPersonBirthDate"].isna(), 0.02)}


@rule("2888Q")
def only_one_disability_per_child(r):
    """Return level: at least one child should have more than one disability recorded. Counts the
    distinct codes each child (ChildSeq) has, NONE and blanks excluded; reported when some children
    have a disability and every one of them has exactly one. A return where no child has any
    disability other than NONE is not reported (the message is about codes recorded one per child)."""
    per_child = _disabilities(r).drop_duplicates()["ChildSeq"].value_counts()
    return {RETURN_LEVEL: bool(len(per_child) and (per_child <= 1).all())}

