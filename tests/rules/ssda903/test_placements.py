import pytest

from tests.helpers import flagged, make_903

E = {"CHILD": "1", "DECOM": "01/05/2024", "RNE": "S", "LS": "C2", "CIN": "N1", "PLACE": "U1", "PLACE_PROVIDER": "PR1"}


def eps(*rows, year="2024/25"):
    return make_903({"Episodes": [{**E, **r} for r in rows]}, year=year)


def test_178_provider_invalid_or_given_where_none_is_taken():
    rows = [{"PLACE_PROVIDER": "PR1"}, {"PLACE_PROVIDER": "PR9"}, {"PLACE_PROVIDER": ""}, {"PLACE": "T4", "PLACE_PROVIDER": "PR1"},
            {"PLACE": "Z1", "PLACE_PROVIDER": "PR1"}, {"PLACE": "Z12", "PLACE_PROVIDER": "PR1"}, {"PLACE": "T0", "PLACE_PROVIDER": ""},
            {"PLACE_PROVIDER": "pr1"}]
    assert flagged(eps(*rows, year="2024/25"), "178") == {"Episodes": [1, 3, 4, 7]}  # Z12 not a code yet
    assert flagged(eps(*rows, year="2025/26"), "178") == {"Episodes": [1, 3, 5, 7]}  # Z1 gone, Z11-Z14 exempt; T4 exempt (A2)


def test_213_provider_not_required():
    rows = [{"PLACE": "T0", "PLACE_PROVIDER": "PR1"}, {"PLACE": "T4", "PLACE_PROVIDER": "PR4"}, {"PLACE": "T2", "PLACE_PROVIDER": ""},
            {"PLACE": "Z1", "PLACE_PROVIDER": "PR1"}, {"PLACE": "Z14", "PLACE_PROVIDER": "PR1"}, {"PLACE": "U1", "PLACE_PROVIDER": "PR1"}]
    assert flagged(eps(*rows, year="2022/23"), "213") == {"Episodes": [0, 1, 3]}
    assert flagged(eps(*rows, year="2025/26"), "213") == {"Episodes": [0, 1, 4]}


def test_526_provider_missing():
    rows = [{"PLACE": "U1", "PLACE_PROVIDER": ""}, {"PLACE": "T3", "PLACE_PROVIDER": ""}, {"PLACE": "Z1", "PLACE_PROVIDER": ""},
            {"PLACE": "Z11", "PLACE_PROVIDER": ""}, {"PLACE": "K2", "PLACE_PROVIDER": "PR4"}, {"PLACE": "", "PLACE_PROVIDER": ""}]
    assert flagged(eps(*rows, year="2024/25"), "526") == {"Episodes": [0, 3]}
    assert flagged(eps(*rows, year="2025/26"), "526") == {"Episodes": [0, 2]}


@pytest.mark.parametrize("code,provider,bad,good", [
    ("527", "PR1", ["P1", "R2", "R5"], ["U1", "K2"]),
    ("528", "PR2", ["P1", "R2", "R5"], ["U1", "R1"]),
    ("529", "PR3", ["P1", "A3", "A6", "K1", "K2", "U1", "U6"], ["R2", "R1"]),
    ("530", "PR4", ["P1"], ["K2", "U4"]),
    ("531", "PR5", ["P1"], ["K2", "U4"]),
])
def test_527_to_531_provider_cannot_provide_placement(code, provider, bad, good):
    rows = [{"PLACE": p, "PLACE_PROVIDER": provider} for p in bad + good] + [{"PLACE": bad[0], "PLACE_PROVIDER": "PR0"}]
    assert flagged(eps(*rows), code) == {"Episodes": list(range(len(bad)))}


def test_550_pr0_only_with_parents():
    r = eps({"PLACE": "P1", "PLACE_PROVIDER": "PR0"}, {"PLACE": "U1", "PLACE_PROVIDER": "PR0"}, {"PLACE": "U1", "PLACE_PROVIDER": "PR1"},
            {"PLACE": "", "PLACE_PROVIDER": "PR0"})
    assert flagged(r, "550") == {"Episodes": [1]}


def test_222_urn_not_required_by_year():
    rows = [{"PLACE": p, "URN": "SC123456"} for p in ("H5", "P2", "P1", "T4", "Z1", "Z11", "U1", "K2")]
    rows.append({"PLACE": "P1", "URN": "XXXXXXX"})
    assert flagged(eps(*rows, year="2022/23"), "222") == {"Episodes": [0, 1, 2, 3, 4]}
    assert flagged(eps(*rows, year="2023/24"), "222") == {"Episodes": [1, 2, 3, 4]}  # H5 now needs a URN
    assert flagged(eps(*rows, year="2024/25"), "222") == {"Episodes": [2, 3, 4]}  # P2 gone
    assert flagged(eps(*rows, year="2025/26"), "222") == {"Episodes": [2, 3, 5]}  # Z1 replaced by Z11-Z14


def test_242_urn_placeholder_only_for_adoption_and_fostering():
    r = eps({"PLACE": "A4", "URN": "XXXXXXX"}, {"PLACE": "U6", "URN": "XXXXXXX"}, {"PLACE": "K2", "URN": "XXXXXXX"},
            {"PLACE": "K2", "URN": "SC123456"}, year="2025/26")
    assert flagged(r, "242") == {"Episodes": [2]}


def test_217_adoption_with_foster_carers_reason():
    r = eps({"PLACE": "A3", "RNE": "P"}, {"PLACE": "A5", "RNE": "T"}, {"PLACE": "A5", "RNE": "B"}, {"PLACE": "A4", "RNE": "P"},
            {"PLACE": "A3", "RNE": "P", "DECOM": "31/03/2015"}, {"PLACE": "A3", "RNE": "S"})
    assert flagged(r, "217") == {"Episodes": [0, 2]}


def test_217t_p2_after_28_october_2023():
    r = eps({"PLACE": "P2", "DECOM": "01/05/2023", "DEC": "28/10/2023", "REC": "E13"},
            {"PLACE": "P2", "DECOM": "01/05/2023", "DEC": "29/10/2023", "REC": "E13"},
            {"PLACE": "P2", "DECOM": "01/05/2023"},
            {"PLACE": "U1", "DECOM": "01/05/2023"},
            {"PLACE": "P2", "DECOM": "01/05/2023", "DEC": "31/11/2023", "REC": "E13"}, year="2023/24")
    assert flagged(r, "217t") == {"Episodes": [1, 2]}


def test_390_adopted_from_adoption_placement_and_516_sgo_from_fostering():
    r = eps({"REC": "E11", "PLACE": "A4"}, {"REC": "E12", "PLACE": "U1"}, {"REC": "E45", "PLACE": "U3"}, {"REC": "E46", "PLACE": "K2"},
            {"REC": "E47", "PLACE": "K2"}, {"REC": "E11", "PLACE": ""})
    assert flagged(r, "390") == {"Episodes": [1]}
    assert flagged(r, "516") == {"Episodes": [3]}


def test_380_temporary_placement_rne_and_381_period_ending_in_temporary():
    r = eps({"PLACE": "T1", "RNE": "P"}, {"PLACE": "T2", "RNE": "B"}, {"PLACE": "T3", "RNE": "S"}, {"PLACE": "T0", "RNE": "L"},
            {"PLACE": "U1", "RNE": "S"}, {"PLACE": "T1", "RNE": "P", "DEC": "02/05/2024", "REC": "X1"},
            {"PLACE": "T1", "RNE": "P", "DEC": "02/05/2024", "REC": "E8"})
    assert flagged(r, "380") == {"Episodes": [2, 3]}
    assert flagged(r, "381") == {"Episodes": [6]}


@pytest.mark.parametrize("code,place,days", [("375", "T1", 42), ("376", "T3", 21), ("379", "T4", 7)])
def test_375_376_379_temporary_placement_durations_without_header(code, place, days):
    ok = (1 + days)
    rows = [
        {"PLACE": place, "DECOM": "01/05/2024", "DEC": (f"{ok:02d}/05/2024" if ok <= 31 else f"{ok - 31:02d}/06/2024"), "REC": "X1"},
        {"PLACE": place, "DECOM": "01/05/2024", "DEC": (f"{ok + 1:02d}/05/2024" if ok < 31 else f"{ok - 30:02d}/06/2024"), "REC": "X1"},
        {"PLACE": place, "DECOM": "01/01/2025"},  # open 89 days at 31 March
        {"PLACE": place, "DECOM": "30/03/2025"},  # open 1 day
        {"PLACE": "U1", "DECOM": "01/05/2024", "DEC": "30/09/2024", "REC": "X1"},
    ]
    r = eps(*rows)  # no Header table at all: every episode is still checked
    assert flagged(r, code) == {"Episodes": [1, 2]}


def test_377_more_than_two_carer_holidays_in_12_months():
    def t3(child, decom):
        return {"CHILD": child, "PLACE": "T3", "DECOM": decom, "RNE": "P"}

    r = eps(
        t3("1", "01/05/2024"), t3("1", "01/08/2024"), t3("1", "01/12/2024"),  # three in 7 months
        t3("2", "01/04/2024"), t3("2", "01/10/2024"), t3("2", "01/04/2025"),  # third is 12 months after the first
        t3("3", "01/05/2024"), t3("3", "01/06/2024"), {"CHILD": "3", "PLACE": "U1"},
    )
    assert flagged(r, "377") == {"Episodes": [0, 1, 2]}
