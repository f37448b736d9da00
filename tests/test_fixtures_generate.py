"""The synthetic-data generator (fixtures/): deterministic, shaped like the spec, valid codes and
UPNs, schema-valid XML, coherent across years, and manifests that point at the injected values.

The checks below read the spec files themselves (not the generator's helpers), so they do not
just repeat the generator's own assumptions.
"""

import csv
import json
import re
from datetime import date, datetime
from functools import cache
from pathlib import Path

import pandas as pd
import pytest
from lxml import etree

from fixtures.generate import (
    generate_cin, generate_ssda903, generate_ssda903_pair, inject_cin, inject_ssda903, main, write_cin_xml,
    write_ssda903_csv, write_ssda903_xml,
)

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "spec"
DATA = {"ssda903": ROOT / "rules" / "ssda903" / "data", "cin": ROOT / "rules" / "cin" / "data"}
SAMPLES = ROOT / "fixtures" / "samples"
YEARS = ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"]
needs_shared = pytest.mark.skipif(not SHARED.exists(), reason="../shared/spec is not beside this checkout")


# ------------------------------------------------------------------ spec, read independently

def _start(label: str) -> int:
    return int(label[:4])


def _valid_in(row, year: str) -> bool:
    lo = _start(row["from_year"]) if row["from_year"] else 0
    hi = _start(row["to_year"]) if row["to_year"] else 9999
    return lo <= _start(year) <= hi


@cache
def spec_rows(ret: str, name: str):
    with open(DATA[ret] / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def valid_codes(ret: str, field: str, year: str) -> set:
    return {r["code"] for r in spec_rows(ret, "codes.csv") if r["field"] == field and _valid_in(r, year)}


def csv_layout(year: str) -> dict[str, list[str]]:
    out: dict[str, list] = {}
    for r in spec_rows("ssda903", "tables.csv"):
        if r["position"] and "csv" in r["formats"] and _valid_in(r, year):
            out.setdefault(r["table"], []).append((int(r["position"]), r["column"]))
    return {t: [c for _, c in sorted(cols)] for t, cols in out.items()}


def previous_label(year: str) -> str:
    y = _start(year) - 1
    return f"{y}/{(y + 1) % 100:02d}"


LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def upn_ok(upn: str) -> bool:
    if not re.fullmatch(r"[A-Z]\d{12}", upn):
        return False
    return upn[0] == LETTERS[sum(int(c) * w for c, w in zip(upn[1:], range(2, 14))) % 23]


def dmy(text: str):
    try:
        return datetime.strptime(text, "%d/%m/%Y").date() if re.fullmatch(r"\d{2}/\d{2}/\d{4}", text) else None
    except ValueError:
        return None


# ------------------------------------------------------------------ shared data (small: the suite stays fast)

@pytest.fixture(scope="module")
def pair():
    return generate_ssda903_pair("2024/25", 150, 7)


@pytest.fixture(scope="module")
def cin_tree():
    return generate_cin("2024/25", 400, 7)


# ------------------------------------------------------------------ SSDA903

def test_ssda903_is_deterministic_and_current_matches_pair(pair):
    again = generate_ssda903_pair("2024/25", 150, 7)
    alone = generate_ssda903("2024/25", 150, 7)
    for name in pair[0]:
        pd.testing.assert_frame_equal(pair[0][name], again[0][name])
        pd.testing.assert_frame_equal(pair[0][name], alone[name])
        pd.testing.assert_frame_equal(pair[1][name], again[1][name])
    other = generate_ssda903("2024/25", 150, 8)
    assert not other["Header"].equals(pair[0]["Header"])
    assert len(pair[0]["Header"]) == 150


@pytest.mark.parametrize("year", YEARS)
def test_ssda903_csv_files_have_the_spec_columns_and_valid_codes(year, tmp_path):
    current, previous = generate_ssda903_pair(year, 60, 3)
    for label, tables in ((year, current), (previous_label(year), previous)):
        layout = csv_layout(label)
        folder = tmp_path / label.replace("/", "_")
        write_ssda903_csv(tables, folder)
        headers = {}
        for path in folder.glob("*.csv"):
            with open(path, encoding="utf-8", newline="") as f:
                headers[tuple(next(csv.reader(f)))] = path
        assert set(headers) == {tuple(cols) for cols in layout.values()}, label  # all tables, nothing else
        types = {(r["table"], r["column"]): r["type"] for r in spec_rows("ssda903", "tables.csv")}
        for name, frame in tables.items():
            assert list(frame.columns) == layout[name]
            assert all(frame[c].map(type).eq(str).all() for c in frame.columns)
            for col in frame.columns:
                values = set(frame[col]) - {""}
                kind = types[(name, col)]
                if kind in ("code", "flag"):
                    assert values <= valid_codes("ssda903", col, label), (label, name, col, values)
                elif kind == "date" and col != "DATE_PERM":
                    assert all(dmy(v) for v in values), (label, name, col)
        header = tables["Header"]
        assert header["CHILD"].is_unique
        unknown = valid_codes("ssda903", "UPN", label)
        assert all(u in unknown or upn_ok(u) for u in header["UPN"])


def test_ssda903_rows_are_coherent(pair):
    current, previous = pair
    h, e = current["Header"], current["Episodes"]
    dob = {c: dmy(d) for c, d in zip(h["CHILD"], h["DOB"])}
    ys, ye = date(2024, 4, 1), date(2025, 3, 31)
    for child, eps in e.groupby("CHILD", sort=False):
        starts = [dmy(d) for d in eps["DECOM"]]
        assert starts == sorted(starts) and min(starts) >= dob[child]
        ends = [dmy(d) if d else None for d in eps["DEC"]]
        for i, (s, d, rec, rne) in enumerate(zip(starts, ends, eps["REC"], eps["RNE"])):
            assert s <= ye and (d is None or ys <= d <= ye and d > s)
            assert (d is None) == (rec == "")
            if i + 1 < len(starts):  # a later episode: this one ended, and X1 means "same day"
                assert d is not None and (rec != "X1" or starts[i + 1] == d)
                assert (eps["RNE"].iloc[i + 1] == "S") == (rec != "X1")
        assert ends[-1] is None or eps["REC"].iloc[-1] != "X1"
    # last year's return: same children keep their details; last year's open episode continues
    last = previous["Header"].set_index("CHILD")
    both = h[h["CHILD"].isin(last.index)]
    assert len(both) > 0
    for row in both.itertuples():
        was = last.loc[row.CHILD]
        assert {"1": "M", "2": "F"}[was.SEX] == row.SEX
        assert (was.DOB, was.ETHNIC, was.UPN) == (row.DOB, row.ETHNIC, row.UPN)
    pe = previous["Episodes"]
    open_last = pe[pe["DEC"] == ""].set_index("CHILD")
    first_now = e.groupby("CHILD", sort=False).head(1).set_index("CHILD")
    for child, ep in open_last.iterrows():
        now = first_now.loc[child]
        for col in ("DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "PL_POST", "URN"):
            assert now[col] == ep[col], (child, col)


def test_ssda903_other_tables_follow_the_episodes(pair):
    current = pair[0]
    e, h = current["Episodes"], current["Header"]
    with_episodes = set(e["CHILD"])
    assert set(current["OC3"]["CHILD"]).isdisjoint(with_episodes)  # care leavers only
    assert set(current["OC3"]["CHILD"]) | with_episodes == set(h["CHILD"])
    adopted = set(e.loc[e["REC"].isin(["E11", "E12"]), "CHILD"])
    assert set(current["AD1"]["CHILD"]) == adopted
    open_now = set(e.loc[e["DEC"] == "", "CHILD"])
    assert set(current["OC2"]["CHILD"]) <= open_now
    assert set(current["SWEpisodes"]["CHILD"]) == open_now
    girls = h[(h["SEX"] == "F") & h["CHILD"].isin(with_episodes)]
    assert girls["MOTHER"].isin(["0", "1"]).all() and (h.loc[h["SEX"] == "M", "MOTHER"] == "").all()


@needs_shared
@pytest.mark.parametrize("year", ["2022/23", "2024/25", "2026/27"])
def test_ssda903_xml_validates_against_cla_xsd(year, tmp_path):
    schema = etree.XMLSchema(etree.parse(str(SHARED / "ssda903" / "xml" / "CLA.xsd")))
    tables = generate_ssda903(year, 80, 5)
    path = write_ssda903_xml(tables, tmp_path / "return.xml")
    doc = etree.parse(str(path))
    assert schema.validate(doc), schema.error_log.last_error
    root = doc.getroot()
    assert root.tag == "EXPSSDA903" and len(root.findall("CHILD")) == 80
    assert root.find(".//PLACE") is None and len(root.findall(".//EPISODE/PL")) == len(tables["Episodes"])
    assert len(root.findall(".//AREVIEW")) == len(tables["Reviews"])
    assert [c.findtext("HEADER/CHILDID") for c in root] == list(tables["Header"]["CHILD"])


# ------------------------------------------------------------------ CIN

CIN_CODE_ELEMENTS = ["Ethnicity", "Disability", "ReferralSource", "PrimaryNeedCode", "ReasonForClosure",
                     "AssessmentFactors", "InitialCategoryOfAbuse", "LatestCategoryOfAbuse", "UPNunknown",
                     "ReferralNFA", "ICPCnotRequired"]


def test_cin_is_deterministic(cin_tree):
    again = generate_cin("2024/25", 400, 7)
    assert etree.tostring(again) == etree.tostring(cin_tree)
    assert etree.tostring(generate_cin("2024/25", 400, 8)) != etree.tostring(cin_tree)


@pytest.mark.parametrize("year", ["2022/23", "2024/25", "2025/26"])
def test_cin_codes_dates_and_upns_are_valid(year):
    root = generate_cin(year, 300, 2).getroot()
    assert root.findtext("Header/CollectionDetails/ReferenceDate") == f"{_start(year) + 1}-03-31"
    assert root.findtext("Header/CollectionDetails/Year") == str(_start(year) + 1)
    assert len(root.findall("Children/Child")) == 300
    for name in CIN_CODE_ELEMENTS:
        values = {el.text for el in root.iter(name)}
        assert values <= valid_codes("cin", name, year), (name, values - valid_codes("cin", name, year))
    sex = "Sex" if _start(year) >= 2024 else "GenderCurrent"
    assert {el.text for el in root.iter(sex)} <= valid_codes("cin", sex, year)
    assert root.find(".//" + ("GenderCurrent" if sex == "Sex" else "Sex")) is None
    ids = [el.text for el in root.iter("LAchildID")]
    assert len(set(ids)) == len(ids)
    upns = [el.text for el in root.iter("UPN")] + [el.text for el in root.iter("FormerUPN")]
    assert upns and all(upn_ok(u) and u[1:4] in valid_codes("cin", "UPN_chars_2_4", year) for u in upns)
    for name in ("DateOfInitialCPC", "InitialCPCtarget"):  # never at a weekend (8875, 8870Q)
        assert all(date.fromisoformat(el.text).weekday() < 5 for el in root.iter(name))
    for child in root.iter("Child"):
        codes = [el.text for el in child.iter("Disability")]
        assert len(codes) == len(set(codes)) and ("NONE" not in codes or codes == ["NONE"])
        open_ = [d for d in child.findall("CINdetails") if d.find("CINclosureDate") is None
                 and d.findtext("ReferralNFA") in ("false", "0")]
        assert len(open_) <= 1
    for cin in root.iter("CINdetails"):
        referral = cin.findtext("CINreferralDate")
        for a in cin.findall("Assessments"):
            assert referral <= a.findtext("AssessmentActualStartDate") <= (a.findtext("AssessmentAuthorisationDate") or "9")
        for plan in cin.findall("ChildProtectionPlans"):
            start = plan.findtext("CPPstartDate")
            assert all(r.text > start for r in plan.iter("CPPreviewDate"))


def test_cin_big_file_uses_many_disability_codes():
    root = generate_cin("2024/25", 3000, 1).getroot()
    assert len({el.text for el in root.iter("Disability")} - {"NONE"}) >= 8  # 2887Q


@needs_shared
def test_cin_xml_validates_against_schema(cin_tree):
    schema = etree.XMLSchema(etree.parse(str(SHARED / "cin" / "xml" / "liia-tools-pipeline-4aff918" /
                                              "CIN_schema_2025.xsd")))
    doc = etree.fromstring(etree.tostring(cin_tree))
    # That third-party schema narrows booleans to 0/1, but DfE also allows true/false (cin/xml/README.md),
    # which the generator uses on purpose: spell them 0/1 before validating the structure.
    for el in doc.iter("ReferralNFA", "ICPCnotRequired"):
        el.text = {"true": "1", "false": "0"}.get(el.text, el.text)
    assert schema.validate(doc), schema.error_log.last_error


# ------------------------------------------------------------------ injected errors

def _check_903(current, previous, year, entry):
    t = current[entry["table"]].iloc[entry["row"]]
    rule = entry["rule"]
    if rule in ("101", "103", "146", "167", "1006"):
        field = {"101": "SEX", "103": "ETHNIC", "146": "PLACE", "167": "REVIEW_CODE", "1006": "MISSING"}[rule]
        return t[field] not in valid_codes("ssda903", field, year)
    if rule in ("102", "141"):
        return dmy(t["DOB" if rule == "102" else "DECOM"]) is None
    if rule == "148":
        return t["DEC"] != "" and t["REC"] == ""
    if rule == "356":
        return dmy(t["DEC"]) < dmy(t["DECOM"])
    header = current["Header"].set_index("CHILD")
    if rule == "INT03":
        return t["CHILD"] not in header.index
    if rule == "302":
        starts = [dmy(d) for d in current["Episodes"].loc[current["Episodes"]["CHILD"] == t["CHILD"], "DECOM"]]
        return dmy(t["DECOM"]) == min(s for s in starts if s) and dmy(t["DECOM"]) < dmy(header.loc[t["CHILD"], "DOB"])
    last = previous["Header"].set_index("CHILD").loc[t["CHILD"]]
    if rule == "202":
        return {"1": "M", "2": "F"}.get(last["SEX"], last["SEX"]) != t["SEX"]
    if rule == "203":
        return dmy(t["DOB"]) is not None and t["DOB"] != last["DOB"]
    raise AssertionError(rule)


def test_ssda903_manifest_points_at_the_injected_values():
    current, previous = generate_ssda903_pair("2024/25", 200, 4)
    manifest = inject_ssda903(current, previous, seed=4, n_per_rule=2, year="2024/25")
    assert {e["rule"] for e in manifest} == {"101", "103", "102", "141", "148", "356", "146", "167", "1006",
                                             "302", "INT03", "202", "203"}
    for entry in manifest:
        assert entry["year"] == "current"
        assert _check_903(current, previous, "2024/25", entry), entry
    touched = [current[e["table"]].iloc[e["row"]]["CHILD"] for e in manifest if e["rule"] != "INT03"]
    assert len(touched) == len(set(touched))  # one child per injected change


def _cin_rows(root):
    kids = root.findall("Children/Child")
    return {
        "ChildIdentifiers": [k.find("ChildIdentifiers") for k in kids],
        "ChildCharacteristics": [k.find("ChildCharacteristics") for k in kids],
        **{t: list(root.iter(t)) for t in ("CINdetails", "Assessments", "Section47", "ChildProtectionPlans")},
    }


def _check_cin(root, year, entry):
    el = _cin_rows(root)[entry["table"]][entry["row"]]
    rule = entry["rule"]
    if rule == "4220":
        return el.findtext("Ethnicity") not in valid_codes("cin", "Ethnicity", year)
    if rule == "4180":
        return el.findtext("Sex") not in valid_codes("cin", "Sex", year)
    if rule == "8500":
        return not el.findtext("LAchildID")
    if rule == "8510":
        ids = [x.text for x in root.iter("LAchildID")]
        return ids.count(el.findtext("LAchildID")) == 2
    if rule == "8520":
        return el.findtext("PersonBirthDate") > root.findtext("Header/CollectionDetails/ReferenceDate")
    if rule == "8805":
        return el.find("CINclosureDate") is not None and el.find("ReasonForClosure") is None
    if rule == "8925":
        return el.findtext("CPPendDate") < el.findtext("CPPstartDate")
    if rule == "1103":
        return el.findtext("AssessmentActualStartDate") < el.getparent().findtext("CINreferralDate")
    if rule == "8875":
        return date.fromisoformat(el.findtext("DateOfInitialCPC")).weekday() >= 5
    raise AssertionError(rule)


def test_cin_manifest_points_at_the_injected_values():
    tree = generate_cin("2024/25", 400, 4)
    manifest = inject_cin(tree, seed=4, n_per_rule=2)
    assert {e["rule"] for e in manifest} == {"4220", "8500", "8520", "8805", "8925", "1103", "8875", "8510", "4180"}
    root = etree.fromstring(etree.tostring(tree))  # rows as a reader of the written file sees them
    for entry in manifest:
        assert _check_cin(root, "2024/25", entry), entry


def test_bundled_samples_and_their_manifests():
    base = SAMPLES / "ssda903_2024_25"
    read = lambda folder: {  # noqa: E731
        name: frame for name, frame in (
            (t, pd.read_csv(folder / f, dtype=str, keep_default_na=False))
            for t, f in (("Header", "header.csv"), ("Episodes", "episodes.csv"), ("Reviews", "reviews.csv"),
                         ("Missing", "missing.csv")))}
    current, previous = read(base / "current"), read(base / "previous")
    manifest = json.loads((SAMPLES / "ssda903_2024_25.manifest.json").read_text(encoding="utf-8"))
    assert len({e["rule"] for e in manifest}) == 13
    for entry in manifest:
        assert _check_903(current, previous, "2024/25", entry), entry
    root = etree.parse(str(SAMPLES / "cin_2024_25.xml")).getroot()
    manifest = json.loads((SAMPLES / "cin_2024_25.manifest.json").read_text(encoding="utf-8"))
    assert len({e["rule"] for e in manifest}) == 9
    for entry in manifest:
        assert _check_cin(root, "2024/25", entry), entry
    assert etree.parse(str(SAMPLES / "ssda903_2024_25.xml")).getroot().tag == "EXPSSDA903"


def test_command_line(tmp_path):
    assert main(["ssda903", "--year", "2024/25", "--children", "40", "--seed", "2", "--out", str(tmp_path / "s"),
                 "--with-previous", "--inject", "--n-per-rule", "1"]) == 0
    assert (tmp_path / "s" / "current" / "episodes.csv").exists() and (tmp_path / "s" / "previous" / "header.csv").exists()
    assert json.loads((tmp_path / "s" / "manifest.json").read_text())
    assert main(["ssda903", "--year", "2023/24", "--children", "20", "--seed", "2", "--format", "xml",
                 "--out", str(tmp_path / "x"), "--with-previous"]) == 0
    assert (tmp_path / "x" / "current.xml").exists() and (tmp_path / "x" / "previous.xml").exists()
    assert main(["cin", "--year", "2025/26", "--children", "30", "--seed", "2", "--out", str(tmp_path / "c.xml"),
                 "--inject", "--manifest", str(tmp_path / "m.json")]) == 0
    assert etree.parse(str(tmp_path / "c.xml")).getroot().tag == "Message"
    assert json.loads((tmp_path / "m.json").read_text())
    write_cin_xml(generate_cin("2024/25", 5, 1), tmp_path / "again.xml")
