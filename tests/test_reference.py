"""Reference data: postcode directory, LA codes, Ofsted workbooks, attach_reference."""

import datetime as dt

import pandas as pd
import pytest

from tests.helpers import make_903
from tests.rules.ssda903.test_ofsted import write_workbook
from validator.engine import missing_input
from validator.errors import UserError
from validator.reference import attach_reference, la_codes, postcodes
from validator.reference.la_codes import normalise_la
from validator.reference.ofsted import read_ofsted
from validator.registry import versions


# ---------------------------------------------------------------- postcodes

def test_postcode_lookup_normalises_and_reports_unknown():
    got = postcodes.lookup(pd.Series(["tw9 1dn", "TW91DN", " TW9  1DN ", "ZZ9 9ZZ", None, "", "9AA", "TOOLONGPC"],
                                     index=[10, 11, 12, 13, 14, 15, 16, 17]))
    assert got["found"].tolist() == [True, True, True, False, False, False, False, False]
    assert got.loc[10, "laua"] == "E09000027" and got.loc[10, "east"] == 518015.0
    assert got.index.tolist() == [10, 11, 12, 13, 14, 15, 16, 17]


def test_distance_formula_and_rounding():
    pc = postcodes.lookup(pd.Series(["TW9 1DN", "SW1A 1AA", "JE2 3AB"]))
    home = pc.iloc[[0, 0]].reset_index(drop=True)
    place = pc.iloc[[1, 2]].reset_index(drop=True)
    d = postcodes.distance_miles(home, place)
    expected = round(((529090 - 518015) ** 2 + (179645 - 175065) ** 2) ** 0.5 / 1000 / 1.6093, 1)
    assert d[0] == expected == 7.4
    assert pd.isna(d[1])  # Jersey: in the directory, no grid reference


def test_postcode_cache_is_written_and_reused(tmp_path, monkeypatch):
    monkeypatch.setenv("RETURNCHECK_CACHE", str(tmp_path))
    monkeypatch.setattr(postcodes, "_loaded", {})
    postcodes.lookup(pd.Series(["YO1 7HH"]))
    assert (postcodes.cache_dir() / "Y.pc.npy").exists()
    monkeypatch.setattr(postcodes, "_loaded", {})
    monkeypatch.setattr(postcodes, "_read_letter", lambda letter: pytest.fail("cache not used"))
    assert postcodes.lookup(pd.Series(["YO1 7HH"]))["found"].tolist() == [True]


# ---------------------------------------------------------------- LA codes

def test_la_codes_table_is_clean():
    t = la_codes.table()
    assert t["ons_code"].is_unique
    current = t[t["to_year"].fillna("") == ""]
    assert len(current) == 153 and current["dfe_number"].is_unique
    reorganised = current.set_index("ons_code").loc[["E06000063", "E06000064", "E06000065", "E06000066"], "dfe_number"]
    assert reorganised.tolist() == ["942", "943", "815", "933"]


@pytest.mark.parametrize("value,year,ons,number", [
    ("E09000027", None, "E09000027", "318"), (" e09000027 ", "2024/25", "E09000027", "318"), ("318", None, "E09000027", "318"),
    ("815", "2022/23", "E10000023", "815"), ("815", "2023/24", "E06000065", "815"), ("E06000063", "2025/26", "E06000063", "942"),
    ("909", "2022/23", "E10000006", "909"),
    # Barnsley recoded on 1 April 2025: either code resolves to the one of the return's year
    ("370", "2024/25", "E08000016", "370"), ("E08000038", "2024/25", "E08000016", "370"),
    ("E08000016", "2025/26", "E08000038", "370"), ("E08000039", "2025/26", "E08000039", "373")])
def test_normalise_la(value, year, ons, number):
    la = normalise_la(value, year)
    assert (la.ons_code, la.dfe_number) == (ons, number)


@pytest.mark.parametrize("value,year", [("909", "2023/24"), ("942", "2022/23"), ("999", None), ("W06000015", None),
                                        ("", None), (None, None), ("E0900002", None)])
def test_normalise_la_rejects(value, year):
    assert normalise_la(value, year) is None


def test_upper_tier_by_year_and_country():
    lt = pd.Series(["E07000106", "E06000063", "E09000027", "W06000015", "S12000036", "N09000003", "M99999999", None])
    assert la_codes.upper_tier(lt, "2022/23").tolist()[:2] == ["E10000016", "E10000006"]
    got = la_codes.upper_tier(lt, "2024/25")
    assert got.tolist()[:7] == ["E10000016", "E06000063", "E09000027", "WAL", "SCO", "NIR", "NUK"]
    assert pd.isna(got.iloc[7])
    # the postcode directory has only Barnsley's and Sheffield's new codes
    new = pd.Series(["E08000038", "E08000039"])
    assert la_codes.upper_tier(new, "2024/25").tolist() == ["E08000016", "E08000019"]
    assert la_codes.upper_tier(new, "2025/26").tolist() == ["E08000038", "E08000039"]


# ---------------------------------------------------------------- Ofsted workbooks

def test_two_workbook_form(tmp_path):
    homes = write_workbook(tmp_path / "homes.xlsx", {
        "Notes": [["Children's homes list"], ["Published by Ofsted"]],
        "Settings and Inspection Info": [["Title row"], [],
                                         [" URN ", "Local Authority", "Provider Code", "Provider Placement Code", "Closed Date"],
                                         [1234567.0, "Birmingham", "PR4", "K2/K1", None],
                                         ["SC000002", "Leeds", "PR1", "K2", dt.datetime(2024, 6, 30)]],
        "Address Details": [["URN", "Setting Address Postcode"], [1234567, "b1 1aa"], ["SC000002", "LS1 1AA"]]})
    scp = write_workbook(tmp_path / "scp.xlsx", {
        "Current providers": [["urn", "LOCAL AUTHORITY", "Placement code", "Placement provider code", "Setting postcode"],
                              ["7000001", "Kent", "A3, A4", "PR4/PR5", "CT1 2AA"]],
        "Providers closed": [["URN", "Local authority", "Placement code", "Placement provider code",
                              "Deregistration date", "Setting postcode"],
                             ["7000002", "Kent", "A5", "PR4", "01/02/2024", "CT1 2AA"]]})
    lists = read_ofsted([homes, scp])
    assert sorted(lists.urns) == ["1234567", "7000001", "7000002", "SC000002"]
    assert sorted(lists.place_codes.query("URN == '1234567'")["PLACE"]) == ["K1", "K2"]
    assert sorted(lists.place_codes.query("URN == '7000001'")["PLACE"]) == ["A3", "A4"]
    assert sorted(lists.provider_codes.query("URN == '7000001'")["PLACE_PROVIDER"]) == ["PR4", "PR5"]
    assert lists.postcodes.query("URN == '1234567'")["POSTCODE"].tolist() == ["B11AA"]
    assert lists.closed.to_dict() == {"SC000002": pd.Timestamp(2024, 6, 30), "7000002": pd.Timestamp(2024, 2, 1)}
    assert set(lists.la_names["LA_NAME"]) == {"Birmingham", "Leeds", "Kent"}


def test_combined_workbook_with_supported_accommodation_sheet(tmp_path):
    path = write_workbook(tmp_path / "combined.xlsx", {
        "Providers": [["URN", "Local authority", "Placement code", "Placement provider code", "Deregistration date",
                       "Setting address postcode"], [2000001, "Leeds", "K2", "PR4", None, "LS1 1AA"]],
        "Supported accommodation": [["URN", "Provider local authority", "Closed date", "Setting address postcode"],
                                    ["2000002", "Leeds", None, "LS1 1AA"], ["2000003", "York", "2024-05-01", "YO1 7HH"]]})
    lists = read_ofsted([path])
    assert sorted(lists.urns) == ["2000001", "2000002", "2000003"]
    assert lists.place_codes.query("URN == '2000002'")["PLACE"].tolist() == ["K3"]
    assert lists.closed.to_dict() == {"2000003": pd.Timestamp(2024, 5, 1)}


def test_bad_workbooks_are_user_errors_naming_the_file(tmp_path):
    not_xlsx = tmp_path / "list.xlsx"
    not_xlsx.write_text("URN,Local authority\n1,Leeds\n")
    with pytest.raises(UserError, match="list.xlsx"):
        read_ofsted([str(not_xlsx)])
    with pytest.raises(UserError, match="missing.xlsx"):
        read_ofsted([str(tmp_path / "missing.xlsx")])
    no_urn = write_workbook(tmp_path / "other.xlsx", {"Sheet": [["Name", "Postcode"], ["A home", "LS1 1AA"]]})
    with pytest.raises(UserError, match="other.xlsx.*URN"):
        read_ofsted([no_urn])


# ---------------------------------------------------------------- attach_reference

def test_attach_reference_la_and_ofsted(tmp_path):
    path = write_workbook(tmp_path / "p.xlsx", {"P": [["URN", "Local Authority"], [1234567, "Leeds"]]})
    r = make_903({"Episodes": [{"CHILD": "1"}]}, la="318")
    urn_rule = versions("ssda903", "1008")[0]
    assert missing_input(urn_rule, r) is not None  # no lists yet: the engine skips the URN rules
    attach_reference(r, ofsted=[path])
    assert r.reference["la"].ons_code == "E09000027"
    assert list(r.reference["ofsted"].urns) == ["1234567"]
    assert missing_input(urn_rule, r) is None
    assert r.reference["postcodes_version"] == postcodes.version()


def test_attach_reference_rejects_unknown_la():
    r = make_903({"Episodes": [{"CHILD": "1"}]}, year="2024/25", la="909")  # Cumbria ended in March 2023
    with pytest.raises(UserError, match="909"):
        attach_reference(r)
