"""CIN rules on the child's unique pupil number (UPN, FormerUPN): format, check letter, uniqueness.

A UPN is 13 characters: a check letter, the LA number (characters 2-4), the establishment and
serial digits (5-12), and character 13, a digit (permanent UPN) or a letter (temporary UPN). The
schema pattern is `[A-Za-z]\\d{11}(\\d|[A-Za-z])`: letters may be written in either case, so every
rule here compares letters case-insensitively.

A malformed UPN (wrong length, letters where digits belong) is reported, never skipped: each rule
reads the characters it names, and a character that is missing is not a valid one. A UPN that is
not 13 characters long therefore always breaks 1510 (it cannot carry a correct check letter), and
usually 1540 or 1550 as well.
"""

import numpy as np
import pandas as pd

from rules.cin import rule
from validator.derive.cin import char_matrix, upn_chars

# DfE UPN guide: the remainder (mod 23) of the weighted digit sum, as a letter (I, O and S unused).
CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
_CHECK_CODES = np.array([ord(c) for c in CHECK_LETTERS], dtype=np.uint32)
# value of character 13 by its (ASCII) code: a digit counts as itself, a check-table letter as its
# position, anything else -1
_LAST_VALUE = np.full(128, -1, dtype=np.int64)
_LAST_VALUE[[ord(str(d)) for d in range(10)]] = range(10)
_LAST_VALUE[_CHECK_CODES] = range(len(CHECK_LETTERS))
_CHAR_13 = np.array([ord(c) for c in "0123456789ABCDEFGHJKLMNPQRTUVWXYZabcdefghjklmnpqrtuvwxyz"], dtype=np.uint32)
UPN_FORMAT = r"[A-Za-z]\d{11}[0-9A-Za-z]"  # the schema's upntype


def _matches(text: pd.Series, pattern: str) -> pd.Series:
    """True where `text` is present and matches `pattern` in full."""
    return text.str.fullmatch(pattern).fillna(False).astype(bool)


def _upper(chars: np.ndarray) -> np.ndarray:
    """Character codes with the ASCII letters a-z upper-cased."""
    return np.where((chars >= ord("a")) & (chars <= ord("z")), chars - 32, chars)


def _ascii_digits(chars: np.ndarray) -> np.ndarray:
    return (chars >= ord("0")) & (chars <= ord("9"))


def _digits(chars: np.ndarray) -> np.ndarray:
    """Decimal digits as the schema's (and Python's) `\\d` reads them: 0-9 and the digits of other
    scripts (Unicode Nd), each such character judged once."""
    digit = _ascii_digits(chars)
    other = np.unique(chars[chars > 127])
    if len(other):
        digit |= np.isin(chars, [c for c in other if chr(c).isdecimal()])
    return digit


def _check_letter_codes(chars: np.ndarray) -> np.ndarray:
    """The character code of the check letter for each row of a 14-character UPN matrix
    (`char_matrix`), 0 where it cannot be computed (see `expected_check_letter`)."""
    up = _upper(chars)
    last = _LAST_VALUE[np.minimum(up[:, 12], 127)]  # code 127 (not a UPN character) has value -1 too
    ok = ((up[:, 0] >= ord("A")) & (up[:, 0] <= ord("Z")) & _ascii_digits(chars[:, 1:12]).all(axis=1)
          & (last >= 0) & (chars[:, 13] == 0))
    total = ((chars[:, 1:12].astype(np.int64) - ord("0")) * np.arange(2, 13)).sum(axis=1) + last * 13
    return np.where(ok, _CHECK_CODES[total % 23], 0)


def expected_check_letter(upn: pd.Series) -> pd.Series:
    """The check letter DfE's algorithm gives for each UPN, <NA> where it cannot be computed.

    Characters 2-13 are weighted 2-13 and summed; the remainder after dividing by 23 indexes
    A B C D E F G H J K L M N P Q R T U V W X Y Z. For a temporary UPN (character 13 a letter) the
    letter counts as its value in that same table (A=0 ... Z=22), as the UPN guide says. Computable
    only for 13 characters: a letter A-Z (either case), characters 2-12 digits 0-9, and character 13
    a digit or a table letter (either case).
    """
    codes = _check_letter_codes(char_matrix(upn, 14))
    out = pd.Series(pd.NA, index=upn.index, dtype="string")
    ok = codes > 0
    out[ok] = codes[ok].astype(np.uint32).view("U1")
    return out


def _upn_flags(r, flags: np.ndarray) -> dict[str, pd.Series]:
    """{ChildIdentifiers: flags} for rows whose UPN is present (its first character code is not 0)."""
    present = upn_chars(r)[:, 0] > 0
    return {"ChildIdentifiers": pd.Series(present & flags, index=r.table("ChildIdentifiers").index)}


@rule("1510")
def upn_wrong_check_letter(r):
    """A present UPN must start with the check letter DfE's algorithm gives for characters 2-13
    (see `expected_check_letter`; case-insensitive). A UPN that is not in the UPN format (13
    characters, characters 2-12 digits, character 13 a digit or one of the check-table letters)
    cannot carry a correct check letter and is flagged too. Blank UPN: not flagged."""
    chars = upn_chars(r)
    return _upn_flags(r, _upper(chars[:, 0]) != _check_letter_codes(chars))


@rule("1520")
def upn_not_unique(r):
    """Each present UPN must be unique across the children of the return. Every child record whose
    UPN (compared case-insensitively) is shared with another child is flagged. Blank: not flagged."""
    upn = r.table("ChildIdentifiers")["UPN"].str.upper()
    return {"ChildIdentifiers": upn.notna() & upn.duplicated(keep=False)}


@rule("1530")
def upn_la_code_not_recognised(r):
    """Characters 2-4 of a present UPN must be a DfE LA number or pseudo-LA code of the year
    (codes UPN_chars_2_4; 942 and 943 from 2023/24). A UPN too short to have characters 2-4 is
    flagged. Blank UPN: not flagged."""
    chars_2_4 = np.ascontiguousarray(upn_chars(r)[:, 1:4]).view("U3")[:, 0]  # shorter where the UPN is
    return _upn_flags(r, ~np.isin(chars_2_4, list(r.codes("UPN_chars_2_4"))))


@rule("1540")
def upn_chars_5_to_12_not_numeric(r):
    """Characters 5-12 of a present UPN must all be digits. A UPN shorter than 12 characters does
    not have eight digits there and is flagged. Blank UPN: not flagged."""
    return _upn_flags(r, ~_digits(upn_chars(r)[:, 4:12]).all(axis=1))  # past the end is code 0: not a digit


@rule("1550")
def upn_char_13_not_recognised(r):
    """Character 13 of a present UPN must be a digit or a letter A-Z other than I, O and S (either
    case). A UPN with no 13th character (shorter than 13) is flagged. A UPN longer than 13 with a
    good 13th character is left to 1510. Blank UPN: not flagged."""
    return _upn_flags(r, ~np.isin(upn_chars(r)[:, 12], _CHAR_13))


@rule("1560Q")
def former_upn_wrongly_formatted(r):
    """A present FormerUPN should be in the UPN format of the data table (schema pattern): a
    letter, 11 digits, then a digit or a letter (13 characters, either case). Only the format is
    checked, not the check letter. Blank: not flagged."""
    f = r.table("ChildIdentifiers")["FormerUPN"]
    return {"ChildIdentifiers": f.notna() & ~_matches(f, UPN_FORMAT)}
