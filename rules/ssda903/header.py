"""SSDA903 rules on the Header table alone (one row per child)."""

import numpy as np
import pandas as pd

from rules.ssda903 import rule
from validator.derive import ages, array, invalid_date, text
from validator.derive.ssda903 import children


@rule("101")
def sex_not_valid(r):
    """Header.SEX must be a sex code of the collection year (1/2 up to 2023/24; M/F/U from 2024/25).
    A blank SEX is not valid either."""
    return {"Header": ~text(r, "Header", "SEX").isin(r.codes("SEX"))}


@rule("102")
def dob_not_valid_date(r):
    """Header.DOB must be a real date written dd/mm/yyyy; a blank DOB is not a valid date."""
    return {"Header": text(r, "Header", "DOB").blank | invalid_date(r, "Header", "DOB")}


@rule("103")
def ethnic_not_valid(r):
    """Header.ETHNIC must be present and one of DfE's ethnicity codes."""
    return {"Header": ~text(r, "Header", "ETHNIC").isin(r.codes("ETHNIC"))}


# ---------------------------------------------------------------- UPN

UPN_UNKNOWN = ("UN1", "UN2", "UN3", "UN4", "UN5")
# DfE's UPN check-letter alphabet (I, O and S are never used): value 0 -> A ... 22 -> Z.
_CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
_UPN_SHAPE = r"[A-HJ-NP-RT-Z]\d{11}[0-9A-HJ-NP-RT-Z]"
_CHECK_CODES = np.frombuffer(_CHECK_LETTERS.encode("ascii"), dtype=np.uint8)
_CHAR_VALUE = np.zeros(256, dtype="int64")  # value of a UPN's last character, by ASCII code
_CHAR_VALUE[np.frombuffer(b"0123456789", dtype=np.uint8)] = np.arange(10)
_CHAR_VALUE[_CHECK_CODES] = np.arange(len(_CHECK_LETTERS))


def upn_well_formed(upn: pd.Series) -> pd.Series:
    """True where `upn` is a 13-character UPN in DfE's shape with the right check letter: a check
    letter, 11 digits, then a digit (permanent UPN) or a letter other than I, O, S (temporary UPN).

    Check letter (DfE UPN guide): characters 2-13 weighted by their position 2-13, summed, modulo 23,
    read in A B C D E F G H J K L M N P Q R T U V W X Y Z. A temporary UPN's final letter counts as
    its value in that same alphabet (A = 0 ... Z = 22). Upper case only."""
    shaped = upn.str.fullmatch(_UPN_SHAPE).fillna(False).astype(bool)
    text = upn.where(shaped, "A000000000000")
    joined = "".join(text.tolist())
    if joined.isascii():  # the usual case: 13 bytes a row, checked on a numpy array of characters
        chars = np.frombuffer(joined.encode("ascii"), dtype=np.uint8).reshape(-1, 13)
        total = (chars[:, 1:12].astype("int64") - ord("0")) @ np.arange(2, 13)
        total += _CHAR_VALUE[chars[:, 12]] * 13
        expected = _CHECK_CODES[total % 23]
        return shaped & pd.Series(chars[:, 0] == expected, index=upn.index)
    # other Unicode digits (which \d accepts): read character by character
    total = pd.Series(0, index=upn.index, dtype="int64")
    for pos in range(2, 13):  # characters 2-12 are digits: loop over positions, not rows
        total += text.str[pos - 1].astype("int64") * pos
    last = text.str[12]
    last_value = last.map({str(d): d for d in range(10)} | {c: i for i, c in enumerate(_CHECK_LETTERS)})
    total += last_value.astype("int64") * 13
    expected = (total % 23).map(dict(enumerate(_CHECK_LETTERS)))
    return shaped & (text.str[0] == expected).fillna(False).astype(bool)


@rule("168")
def upn_not_valid(r):
    """Header.UPN, where given, must be UN1-UN5 or a well-formed 13-character UPN with the right
    check letter (see `upn_well_formed`; temporary UPNs ending in a letter are checked too, as in
    DfE's UPN guide). Lower-case letters are not valid. A blank UPN is left to rule 442."""
    upn = text(r, "Header", "UPN")
    well_formed = upn_well_formed(pd.Series(upn.values, dtype="string")).to_numpy(dtype=bool)  # once per distinct UPN
    return {"Header": upn.given & ~upn.isin(UPN_UNKNOWN) & ~np.append(well_formed, False)[upn.codes]}


@rule("209")
def school_age_with_un1(r):
    """UPN must not be UN1 ("not of school age") for a child aged 4 or more on 31 August of the year
    before the collection year starts (31/08/2023 for 2024/25, DfE's school-age cut-off). A child
    whose 4th birthday is that 31 August is flagged. Rows without a valid DOB are not evaluated."""
    cutoff = pd.Timestamp(r.year.start_year - 1, 8, 31)
    return {"Header": text(r, "Header", "UPN").eq("UN1") & (ages(array(r, "Header", "DOB_date"), cutoff) >= 4)}


@rule("444")
def duplicate_upn(r):
    """A UPN (other than UN1-UN5) must belong to one child only: every Header row whose UPN is
    also given for a different CHILD is flagged. Two Header rows of the same CHILD with the same UPN
    are left to INT32 (duplicate child). Compared as written (exact text); blank UPNs are ignored."""
    upn = text(r, "Header", "UPN")
    child = children(r).of("Header")
    real = upn.given & ~upn.isin(UPN_UNKNOWN)
    upn_child = np.unique(np.stack([upn.codes, child])[:, real & (child >= 0)], axis=1)  # distinct (UPN, CHILD)
    children_per_upn = np.bincount(upn_child[0], minlength=len(upn.values) + 1)  # + 1: blank's slot
    return {"Header": real & (children_per_upn[upn.codes] > 1)}


# ---------------------------------------------------------------- sex, date of birth

@rule("232")
def sex_unknown(r):
    """Header.SEX is U (unknown). Only the upper-case code; an invalid value is rule 101's."""
    return {"Header": text(r, "Header", "SEX").eq("U")}


@rule("301")
def dob_after_year_end(r):
    """Header.DOB falls after 31 March of the collection year (31 March itself is fine).
    A DOB that is not a valid date is left to rule 102."""
    return {"Header": array(r, "Header", "DOB_date") > r.year.end.to_datetime64()}


@rule("351")
def over_25_at_year_start(r):
    """The child's 25th birthday is before 1 April of the collection year (so the child was over 25
    at its start; a 25th birthday on 1 April itself is not flagged). A child born 29 February has
    birthdays on 1 March in other years. Rows without a valid DOB are not evaluated."""
    return {"Header": ages(array(r, "Header", "DOB_date"), r.year.start - pd.Timedelta(days=1)) >= 25}


# ---------------------------------------------------------------- mothers

_MALE = {"-2023/24": "1", "2024/25-": "M"}
_FEMALE = {"-2023/24": "2", "2024/25-": "F"}


@rule("171")
def mc_dob_not_valid_date(r):
    """Header.MC_DOB, where given, must be a real date written dd/mm/yyyy (blank is allowed)."""
    return {"Header": invalid_date(r, "Header", "MC_DOB")}


def _male_with_mc_dob(r, male: str):
    return {"Header": text(r, "Header", "SEX").eq(male) & text(r, "Header", "MC_DOB").given}


@rule("174", years="-2023/24")
def mc_dob_for_male_numeric(r):
    """MC_DOB is given (any value, valid date or not) for a child whose SEX is 1 (male)."""
    return _male_with_mc_dob(r, _MALE["-2023/24"])


@rule("174", years="2024/25-")
def mc_dob_for_male(r):
    """MC_DOB is given (any value, valid date or not) for a child whose SEX is M (male).
    SEX U is not treated as male."""
    return _male_with_mc_dob(r, _MALE["2024/25-"])


@rule("611")
def mother_without_mc_dob(r):
    """MOTHER is 1 but MC_DOB (date of birth of her first child) is blank."""
    return {"Header": text(r, "Header", "MOTHER").eq("1") & text(r, "Header", "MC_DOB").blank}


def _mc_dob_not_mother(r, female: str):
    mother = text(r, "Header", "MOTHER")
    not_mother = mother.eq("0") | mother.blank
    return {"Header": text(r, "Header", "MC_DOB").given & text(r, "Header", "SEX").eq(female) & not_mother}


@rule("612", years="-2023/24")
def mc_dob_but_not_mother_numeric(r):
    """A girl (SEX 2) with MC_DOB given but MOTHER 0 or blank. Other MOTHER values are left to the
    code-list rules; boys are rule 174's."""
    return _mc_dob_not_mother(r, _FEMALE["-2023/24"])


@rule("612", years="2024/25-")
def mc_dob_but_not_mother(r):
    """A girl (SEX F) with MC_DOB given but MOTHER 0 or blank. SEX U is not evaluated (DfE's rule
    names girls); boys are rule 174's."""
    return _mc_dob_not_mother(r, _FEMALE["2024/25-"])


@rule("620")
def mother_under_11(r):
    """MOTHER is 1 and the child is under 11 on 1 April of the collection year (her 11th birthday
    falls after it; an 11th birthday on 1 April passes). Rows without a valid DOB are not evaluated."""
    return {"Header": text(r, "Header", "MOTHER").eq("1") & (ages(array(r, "Header", "DOB_date"), r.year.start) < 11)}


@rule("621")
def mother_younger_than_child(r):
    """MC_DOB (her first child's birth) is on or before the mother's own DOB: she would be younger
    than, or the same age as, her child. Both must be valid dates."""
    return {"Header": array(r, "Header", "MC_DOB_date") <= array(r, "Header", "DOB_date")}
