"""UPN rules 1510-1560Q. Valid UPNs used: P201123456789 (permanent), M20112345678A and
B20112345678B (temporary: the final letter counts as its check-table value)."""

import pandas as pd

from rules.cin.upn import expected_check_letter
from tests.helpers import flagged, make_cin


def children(column, *values, year="2024/25"):
    return make_cin({"ChildIdentifiers": [{"LAchildID": f"C{i}", column: v} for i, v in enumerate(values)]},
                    year=year)


def test_check_letter_algorithm_by_hand():
    # digits 2-13 of 201123456789 weighted 2..13: 4+0+4+5+12+21+32+45+60+77+96+117 = 473; 473 % 23 = 13 -> P
    # temporary ...8A: 2..12 as above minus 117 = 356, A=0 -> 356 % 23 = 11 -> M; ...8B adds 13 -> 369 % 23 = 1 -> B
    upns = pd.Series(["P201123456789", "M20112345678A", "B20112345678B", "P2011234567", "P20112345678I"], dtype="string")
    assert expected_check_letter(upns).tolist() == ["P", "M", "B", pd.NA, pd.NA]


def test_1510_check_letter_and_malformed_upns():
    r = children("UPN", "P201123456789", "A201123456789", "M20112345678A", "B20112345678B",
                 "", "P2011234567", "P2011234567890", "p201123456789", "P20112345678I", "PX01123456789")
    # wrong letter (1), too short (5), too long (6), I at 13 (8) and letter inside the digits (9) flagged;
    # lower-case check letter (7) passes, blank (4) is not this rule
    assert flagged(r, "1510") == {"ChildIdentifiers": [1, 5, 6, 8, 9]}


def test_1520_duplicate_upns_flag_every_copy():
    r = children("UPN", "P201123456789", "A201123456789", "p201123456789", "", "", "M20112345678A")
    assert flagged(r, "1520") == {"ChildIdentifiers": [0, 2]}


def test_1530_la_code_list_changes_in_2023_24():
    vals = ("P201123456789", "P999123456789", "P942123456789", "P20", "P0011234567890", "")
    assert flagged(children("UPN", *vals, year="2022/23"), "1530") == {"ChildIdentifiers": [1, 2, 3]}
    assert flagged(children("UPN", *vals, year="2023/24"), "1530") == {"ChildIdentifiers": [1, 3]}


def test_1540_characters_5_to_12_numeric():
    r = children("UPN", "P201123456789", "P2011234X6789", "P20112345678", "P2011234567", "P201", "",
                 "P20112345678A")
    # 12 characters still has digits 5-12 (row 2 passes here, fails 1550); shorter ones fail
    assert flagged(r, "1540") == {"ChildIdentifiers": [1, 3, 4]}


def test_1550_character_13():
    r = children("UPN", "P201123456789", "M20112345678A", "P20112345678I", "P20112345678O", "P20112345678S",
                 "P20112345678", "P20112345678z", "P20112345678-", "")
    assert flagged(r, "1550") == {"ChildIdentifiers": [2, 3, 4, 5, 7]}


def test_long_upns_are_read_by_their_characters():
    # well past 13 characters: only 1510 (length) fails; characters 2-4, 5-12 and 13 are all good
    r = children("UPN", "P2011234567890123456789", "P201123456789")
    assert flagged(r, "1510") == {"ChildIdentifiers": [0]}
    for code in ("1530", "1540", "1550"):
        assert flagged(r, code) == {}, code


def test_digits_of_other_scripts():
    # the schema pattern's \d also reads other scripts' digits (here Arabic-Indic U+0663): 1540 passes
    # them; no check letter can be computed from them, so 1510 flags the UPN (and does not crash)
    r = children("UPN", "P2011\u0663\u0663\u0663\u0663789", "P201123456789")
    assert flagged(r, "1540") == {}
    assert flagged(r, "1510") == {"ChildIdentifiers": [0]}


def test_1560q_former_upn_format():
    r = children("FormerUPN", "P201123456789", "M20112345678A", "A20112345678", "1201123456789",
                 "P2011234567890", "P20112A456789", "")
    assert flagged(r, "1560Q") == {"ChildIdentifiers": [2, 3, 4, 5]}
