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

# DfE UPN guide: the remainder (mod 23) of the weighted digit sum, as a letter (I, O and S unused).
CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
_LETTER_VALUE = {letter: i for i, letter in enumerate(CHECK_LETTERS)}
# value of character 13 by its byte: a digit counts as itself, a check-table letter as its position
_LAST_VALUE = np.zeros(256, dtype=np.int64)
_LAST_VALUE[[ord(str(d)) for d in range(10)]] = range(10)
_LAST_VALUE[[ord(c) for c in CHECK_LETTERS]] = range(len(CHECK_LETTERS))
UPN_FORMAT = r"[A-Za-z]\d{11}[0-9A-Za-z]"  # the schema's upntype


def _matches(text: pd.Series, pattern: str) -> pd.Series:
    """True where `text` is present and matches `pattern` in full."""
    return text.str.fullmatch(pattern).fillna(False).astype(bool)


def expected_check_letter(upn: pd.Series) -> pd.Series:
    """The check letter DfE's algorithm gives for each UPN, <NA> where it cannot be computed.

    Characters 2-13 are weighted 2-13 and summed; the remainder after dividing by 23 indexes
    A B C D E F G H J K L M N P Q R T U V W X Y Z. For a temporary UPN (character 13 a letter) the
    letter counts as its value in that same table (A=0 ... Z=22), as the UPN guide says. Computable
    only for 13 characters with characters 2-12 digits and character 13 a digit or a table letter.
    """
    text = upn.str.upper()
    ok = _matches(text, r"[A-Z]\d{11}[0-9ABCDEFGHJKLMNPQRTUVWXYZ]")
    out = pd.Series(pd.NA, index=upn.index, dtype="string")
    if not ok.any():
        return out
    # one row of 13 byte codes per UPN: arithmetic on a matrix, not per character and row
    chars = np.frombuffer(np.array(text[ok].tolist(), dtype="S13").tobytes(), dtype=np.uint8).reshape(-1, 13)
    total = ((chars[:, 1:12].astype(np.int64) - ord("0")) * np.arange(2, 13)).sum(axis=1)
    total += _LAST_VALUE[chars[:, 12]] * 13
    out[ok] = np.array(list(CHECK_LETTERS))[total % 23]
    return out


@rule("1510")
def upn_wrong_check_letter(r):
    """A present UPN must start with the check letter DfE's algorithm gives for characters 2-13
    (see `expected_check_letter`; case-insensitive). A UPN that is not in the UPN format (13
    characters, characters 2-12 digits, character 13 a digit or one of the check-table letters)
    cannot carry a correct check letter and is flagged too. Blank UPN: not flagged."""
    c = r.table("ChildIdentifiers")
    upn = c["UPN"]
    expected = expected_check_letter(upn)
    correct = (upn.str[0].str.upper() == expected).fillna(False).astype(bool)
    return {"ChildIdentifiers": upn.notna() & ~correct}


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
    upn = r.table("ChildIdentifiers")["UPN"]
    ok = upn.str[1:4].isin(list(r.codes("UPN_chars_2_4"))).fillna(False).astype(bool)
    return {"ChildIdentifiers": upn.notna() & ~ok}


@rule("1540")
def upn_chars_5_to_12_not_numeric(r):
    """Characters 5-12 of a present UPN must all be digits. A UPN shorter than 12 characters does
    not have eight digits there and is flagged. Blank UPN: not flagged."""
    upn = r.table("ChildIdentifiers")["UPN"]
    return {"ChildIdentifiers": upn.notna() & ~_matches(upn.str[4:12], r"\d{8}")}


@rule("1550")
def upn_char_13_not_recognised(r):
    """Character 13 of a present UPN must be a digit or a letter A-Z other than I, O and S (either
    case). A UPN with no 13th character (shorter than 13) is flagged. A UPN longer than 13 with a
    good 13th character is left to 1510. Blank UPN: not flagged."""
    upn = r.table("ChildIdentifiers")["UPN"]
    return {"ChildIdentifiers": upn.notna() & ~_matches(upn.str[12:13], r"[0-9A-HJ-NP-RT-Za-hj-np-rt-z]")}


@rule("1560Q")
def former_upn_wrongly_formatted(r):
    """A present FormerUPN should be in the UPN format of the data table (schema pattern): a
    letter, 11 digits, then a digit or a letter (13 characters, either case). Only the format is
    checked, not the check letter. Blank: not flagged."""
    f = r.table("ChildIdentifiers")["FormerUPN"]
    return {"ChildIdentifiers": f.notna() & ~_matches(f, UPN_FORMAT)}
