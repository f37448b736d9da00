"""URN rules against Ofsted provider lists, built as small synthetic workbooks (no real data)."""

import pytest
from openpyxl import Workbook

from tests.helpers import flagged, make_903
from validator.reference.ofsted import read_ofsted

E = {"CHILD": "1", "DECOM": "01/05/2024", "RNE": "S", "LS": "C2", "CIN": "N1", "PLACE": "K2",
     "PLACE_PROVIDER": "PR4", "HOME_POST": "TW9 1DN", "PL_POST": "B1 1AA", "URN": "1234567"}


def write_workbook(path, sheets: dict) -> str:
    """sheets: {sheet name: [header row, data rows...]}"""
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(list(row))
    wb.save(path)
    return str(path)


def ofsted_lists(tmp_path, rows: list[dict], sheet="Provider information"):
    """Parsed lists from one workbook holding `rows` (dicts keyed by Ofsted column names)."""
    header = list(dict.fromkeys(k for row in rows for k in row))
    path = write_workbook(tmp_path / "providers.xlsx", {sheet: [header] + [[row.get(h) for h in header] for row in rows]})
    return read_ofsted([path])


PROVIDERS = [
    {"URN": 1234567, "Local Authority": "Birmingham", "Provider Placement Code": "K2/K1",
     "Provider Code": "PR4", "Setting Postcode": "B1 1AA", "Closed Date": None},
    {"URN": "SC111111", "Local Authority": "Richmond upon Thames", "Provider Placement Code": "K2",
     "Provider Code": "PR1, PR4", "Setting Postcode": "TW1 3AA", "Closed Date": "30/06/2024"},
    {"URN": "2222222", "Local Authority": "Birmingham", "Provider Placement Code": "",
     "Provider Code": "", "Setting Postcode": "", "Closed Date": None},
]


@pytest.fixture
def lists(tmp_path):
    return ofsted_lists(tmp_path, PROVIDERS)


def eps(lists, *rows, year="2024/25", la="E09000027"):
    r = make_903({"Episodes": [{**E, **row} for row in rows]}, year=year, la=la)
    r.reference["ofsted"] = lists
    return r


def test_1008_urn_not_in_lists(lists):
    r = eps(lists, {}, {"URN": "sc111111"}, {"URN": "9999999"}, {"URN": "XXXXXXX"}, {"URN": ""})
    assert flagged(r, "1008") == {"Episodes": [2]}  # URNs are compared upper case


def test_219_place_not_offered(lists):
    r = eps(lists, {}, {"PLACE": "K1"}, {"PLACE": "R1"}, {"URN": "2222222", "PLACE": "R1"},
            {"URN": "9999999", "PLACE": "R1"}, {"PLACE": ""})
    assert flagged(r, "219") == {"Episodes": [2]}


@pytest.mark.parametrize("year,expected", [("2022/23", [1]), ("2023/24", [1, 3]), ("2024/25", [1, 4])])
def test_221_postcode_not_the_providers(lists, year, expected):
    r = eps(lists, {}, {"PL_POST": "TW1 3AA"}, {"PL_POST": "b11aa"},
            {"PLACE": "H5", "PL_POST": "TW1 3AA"}, {"PLACE": "K3", "PL_POST": "TW1 3AA"},
            {"PLACE": "U1", "PL_POST": "TW1 3AA"}, {"LS": "V3", "PL_POST": "TW1 3AA"},
            {"URN": "2222222", "PL_POST": "TW1 3AA"}, {"PL_POST": ""}, year=year)
    assert flagged(r, "221") == {"Episodes": expected}


def test_224_provider_code_not_the_providers(lists):
    r = eps(lists, {}, {"PLACE_PROVIDER": "PR1"}, {"URN": "SC111111", "PLACE_PROVIDER": "PR1"},
            {"URN": "2222222", "PLACE_PROVIDER": "PR1"}, {"PLACE_PROVIDER": ""})
    assert flagged(r, "224") == {"Episodes": [1]}


def test_227_decom_on_or_after_closing(lists):
    r = eps(lists, {"URN": "SC111111", "DECOM": "29/06/2024"}, {"URN": "SC111111", "DECOM": "30/06/2024"},
            {"URN": "SC111111", "DECOM": "01/07/2024"}, {"DECOM": "01/07/2024"}, {"URN": "SC111111", "DECOM": "x"})
    assert flagged(r, "227") == {"Episodes": [1, 2]}


def test_228_dec_after_closing_or_open_at_year_end(lists):
    r = eps(lists, {"URN": "SC111111", "DEC": "30/06/2024", "REC": "E11"},
            {"URN": "SC111111", "DEC": "01/07/2024", "REC": "E11"}, {"URN": "SC111111"}, {},
            {"URN": "SC111111", "DEC": "99/99/2024", "REC": "E11"})
    assert flagged(r, "228") == {"Episodes": [1, 2]}


@pytest.mark.parametrize("year", ["2024/25", "2025/26"])
def test_229_provider_la_against_own_provision(lists, year):
    r = eps(lists, {"URN": "SC111111", "PLACE_PROVIDER": "PR1"}, {"URN": "SC111111", "PLACE_PROVIDER": "PR2"},
            {"PLACE_PROVIDER": "PR1"}, {"PLACE_PROVIDER": "PR2"}, {"PLACE_PROVIDER": "PR1", "PLACE": "R1"},
            {"URN": "9999999", "PLACE_PROVIDER": "PR1"}, year=year)
    # Richmond's own home: PR1 fine, PR2 wrong; Birmingham's home: PR1 wrong, PR2 fine
    expected = [1, 2, 4] if year == "2024/25" else [1, 2]  # R1 exempt from 2025/26
    assert flagged(r, "229") == {"Episodes": expected}


def test_229_provider_la_from_postcode_when_name_unknown(tmp_path):
    lists = ofsted_lists(tmp_path, [{"URN": "3333333", "Local Authority": "Somewhere Else", "Setting Postcode": "TW9 1AA"}])
    r = eps(lists, {"URN": "3333333", "PLACE_PROVIDER": "PR1"}, {"URN": "3333333", "PLACE_PROVIDER": "PR2"}, la="318")
    assert flagged(r, "229") == {"Episodes": [1]}
