"""CIN census preview: headline measures hand-computed on a crafted census (2024/25, ReferenceDate
31 March 2025). Working days: the start day is day 0; England and Wales bank holidays are not
working days (27 May 2024, 25-26 December 2024, 1 January 2025, Good Friday 29 March and Easter
Monday 1 April 2024 fall inside the intervals below)."""

import json

import pytest

from reports.preview import compute, publish
from tests.helpers import make_return
from validator.derive import preview as d

SEQ = {c: i for i, c in enumerate("ABCDEFGU", 1)}


def rows(*items):
    """Give every row the ChildSeq of its LAchildID (the same in every table)."""
    return [{"ChildSeq": SEQ[x["LAchildID"]], **x} for x in items]


def cin(child, ref, closure="", need="N1", nfa="false", reason="", n=1, source="1A"):
    return {"LAchildID": child, "CINdetailsID": n, "CINreferralDate": ref, "CINclosureDate": closure,
            "PrimaryNeedCode": need, "ReferralNFA": nfa, "ReasonForClosure": reason, "ReferralSource": source}


TABLES = {
    "Header": [{"Collection": "CIN", "Year": "2025", "ReferenceDate": "2025-03-31", "LEA": "201"}],
    "ChildIdentifiers": rows(*[{"LAchildID": c, "PersonBirthDate": "2015-05-05", "Sex": "M"} for c in "ABCDEFG"],
                             {"LAchildID": "U", "ExpectedPersonBirthDate": "2025-06-01"}),
    "CINdetails": rows(
        cin("A", "2024-01-10"),                                      # open across 31 March (and 1 April)
        cin("B", "2024-06-01", "2025-03-31", reason="RC7"),          # closed on 31 March: not open
        cin("C", "2024-07-01", "2024-07-01", nfa="TRUE"),            # NFA referral: a referral, not in need
        cin("D", "2024-08-01", need="N9"),                           # open but "not a child in need"
        cin("E", "2023-06-01", "2023-09-01", reason="RC7", n=1),     # E: re-referred 364 days later
        cin("E", "2024-05-30", n=2),
        cin("F", "2023-06-01", "2023-09-01", reason="RC7", n=1),     # F: referred again 366 days later
        cin("F", "2024-06-01", n=2),
        cin("G", "2024-04-15"),                                      # G: earlier referral in last year's census
        cin("U", "2025-02-01"),                                      # unborn
    ),
    "Assessments": rows(
        {"LAchildID": "A", "AssessmentID": 1, "AssessmentActualStartDate": "2024-06-03", "AssessmentAuthorisationDate": "2024-06-03"},  # 0
        {"LAchildID": "A", "AssessmentID": 2, "AssessmentActualStartDate": "2024-03-01", "AssessmentAuthorisationDate": "2024-03-28"},  # last year
        {"LAchildID": "B", "AssessmentActualStartDate": "2024-06-03", "AssessmentAuthorisationDate": "2024-08-05"},  # 45
        {"LAchildID": "D", "AssessmentActualStartDate": "2024-06-03", "AssessmentAuthorisationDate": "2024-08-06"},  # 46
        {"LAchildID": "E", "CINdetailsID": 2, "AssessmentActualStartDate": "2024-05-20", "AssessmentAuthorisationDate": "2024-07-23"},  # 45 (27 May)
        {"LAchildID": "F", "CINdetailsID": 2, "AssessmentActualStartDate": "2024-09-02"},  # still open
        {"LAchildID": "G", "AssessmentActualStartDate": "2024-05-01", "AssessmentAuthorisationDate": "2024-04-30"},  # before start
    ),
    "AssessmentFactors": rows(
        {"LAchildID": "A", "AssessmentID": 1, "AssessmentFactors": "2B"},
        {"LAchildID": "A", "AssessmentID": 1, "AssessmentFactors": "21"},
        {"LAchildID": "A", "AssessmentID": 2, "AssessmentFactors": "2B"},  # assessment completed last year
        {"LAchildID": "B", "AssessmentFactors": "2B"},
    ),
    "Section47": rows(
        {"LAchildID": "A", "S47ActualStartDate": "2024-12-19", "DateOfInitialCPC": "2025-01-10"},  # 13 (Christmas, New Year)
        {"LAchildID": "B", "S47ActualStartDate": "2024-06-03", "DateOfInitialCPC": "2024-06-25"},  # 16
        {"LAchildID": "D", "S47ActualStartDate": "2024-07-01", "DateOfInitialCPC": "2024-06-28"},  # ICPC before S47
        {"LAchildID": "E", "CINdetailsID": 2, "S47ActualStartDate": "2025-03-20", "ICPCnotRequired": "false"},
        {"LAchildID": "G", "S47ActualStartDate": "2024-03-25", "DateOfInitialCPC": "2024-04-05"},  # 7 (Easter)
    ),
    "ChildProtectionPlans": rows(
        {"LAchildID": "A", "CPPstartDate": "2025-01-10", "NumberOfPreviousCPP": "0", "InitialCategoryOfAbuse": "NEG", "LatestCategoryOfAbuse": "NEG"},
        {"LAchildID": "B", "CPPstartDate": "2024-06-25", "CPPendDate": "2025-01-10", "NumberOfPreviousCPP": "2", "InitialCategoryOfAbuse": "EMO"},
        {"LAchildID": "D", "CPPstartDate": "2024-03-01", "CPPendDate": "2024-04-10", "NumberOfPreviousCPP": "0"},
        {"LAchildID": "E", "CINdetailsID": 1, "CPPstartDate": "2023-06-10", "CPPendDate": "2023-08-30", "NumberOfPreviousCPP": "0"},
        {"LAchildID": "E", "CINdetailsID": 2, "CPPstartDate": "2024-06-10", "NumberOfPreviousCPP": "0", "InitialCategoryOfAbuse": "NEG", "LatestCategoryOfAbuse": "MUL"},
        {"LAchildID": "G", "CPPstartDate": "2024-04-05", "NumberOfPreviousCPP": "0", "InitialCategoryOfAbuse": "PHY", "LatestCategoryOfAbuse": "PHY"},
    ),
}
PREVIOUS = {
    "CINdetails": rows(cin("A", "2024-01-10"), cin("G", "2023-10-01", "2024-01-15", reason="RC7")),
    "ChildProtectionPlans": rows({"LAchildID": "G", "CPPstartDate": "2022-01-01", "CPPendDate": "2022-06-01"}),
}

EXPECTED = {
    "cin_at_31_march": (5, ["A", "E", "F", "G", "U"]),
    "referrals_in_year": (7, ["B", "C", "D", "E", "F", "G", "U"]),
    "re_referrals_within_12_months": (2, ["E", "G"]),
    "assessments_completed": (5, ["A", "B", "D", "E", "G"]),
    "assessments_within_45_working_days": (3, ["A", "B", "E"]),
    "section_47_enquiries": (4, ["A", "B", "D", "E"]),
    "icpcs": (4, ["A", "B", "D", "G"]),
    "icpcs_within_15_working_days": (2, ["A", "G"]),
    "cpp_started": (4, ["A", "B", "E", "G"]),
    "cpp_ended": (2, ["B", "D"]),
    "cpp_at_31_march": (3, ["A", "E", "G"]),
    "cpp_second_or_subsequent": (3, ["B", "E", "G"]),
}


def make(previous=True):
    return make_return("cin", TABLES, "2024/25", PREVIOUS if previous else None)


@pytest.fixture(scope="module")
def p():
    return compute(make())


@pytest.mark.parametrize("mid", list(EXPECTED))
def test_headline_measures(p, mid):
    m = p.measure(mid)
    assert (m.value, m.children) == EXPECTED[mid]


def test_ids_and_order_are_the_contract(p):
    assert [m.id for m in p.measures] == list(EXPECTED)


def test_working_days_start_day_is_day_zero():
    r = make()
    a = d.assessments(r)
    got = dict(zip(a["LAchildID"] + a["AssessmentID"].astype(str), a["working_days"]))
    assert got["A1"] == 0  # authorised the day it started
    assert got["B1"] == 45 and got["D1"] == 46  # 45 is within, 46 is not
    assert got["E1"] == 45  # 9 weeks + 1 day, less the 27 May 2024 bank holiday
    assert got["G1"] == -1
    s = d.section47(r)
    assert list(s["icpc_working_days"]) == [13, 16, None, None, 7] or \
        s["icpc_working_days"].fillna(-9).tolist() == [13, 16, -9, -9, 7]


def test_shares(p):
    assert p.measure("re_referrals_within_12_months").denominator == 7
    assert p.measure("assessments_within_45_working_days").denominator == 4  # G has no valid duration
    assert p.measure("icpcs_within_15_working_days").denominator == 3  # D's ICPC precedes its S47
    assert p.measure("cpp_second_or_subsequent").denominator == 4


def test_re_referral_needs_last_years_census_for_g():
    q = compute(make(previous=False))
    assert q.measure("re_referrals_within_12_months").children == ["E"]  # 364 days: yes; 366 (F): no
    assert q.measure("cpp_second_or_subsequent").children == ["B", "E"]  # G's earlier plan unknown
    assert any(w.label.startswith("Re-referrals counted from this census only") for w in q.warnings)


def test_previous_year_values(p):
    assert p.measure("cin_at_31_march").previous_value == 1  # A (G closed in January 2024)
    assert p.measure("referrals_in_year").previous_value == 2  # G 2023-10-01, A 2024-01-10
    assert p.measure("cpp_started").previous_value == 0


def _table(p, tid):
    t = next(t for t in p.tables if t.id == tid)
    return {c.label.split(":")[0]: (c.value, c.children) for c in t.rows if c.value}


def test_tables(p):
    assert _table(p, "assessment_duration") == {"Same day": (1, ["A"]), "41 to 45": (2, ["B", "E"]),
                                                "46 to 50": (1, ["D"]), "Not known": (1, ["G"])}
    assert _table(p, "icpc_duration") == {"0 to 10": (1, ["G"]), "11 to 15": (1, ["A"]), "16 to 20": (1, ["B"]),
                                          "Not known": (1, ["D"])}
    assert _table(p, "assessment_factors") == {"21": (1, ["A"]), "2B": (2, ["A", "B"])}
    assert _table(p, "cin_age")["Unborn"] == (1, ["U"])
    assert _table(p, "cin_need") == {"N1": (5, ["A", "E", "F", "G", "U"])}
    assert _table(p, "cpp_ended_duration") == {"3 months or less": (1, ["D"]),
                                               "Over 6 months to under 1 year": (1, ["B"])}
    assert _table(p, "cpp_open_latest") == {"MUL": (1, ["E"]), "NEG": (1, ["A"]), "PHY": (1, ["G"])}
    assert _table(p, "referral_nfa") == {"No further action": (1, ["C"]), "Further action": (6, ["B", "D", "E", "F", "G", "U"])}
    episodes = _table(p, "cin_episodes")
    assert episodes["Starting in the year (referral in the year)"][0] == 5  # C (NFA) and D (N9) are not episodes of need
    assert episodes["Open at 31 March"][0] == 5


def test_published_view_suppresses_small_cin_counts(p):
    assert p.measure("cin_at_31_march").published == "c"
    assert p.measure("referrals_in_year").published == "7"
    assert p.measure("assessments_within_45_working_days").published_percent == "c"  # 3 of 4: both suppressed
    assert publish.count(6, "cin") == "6" and publish.count(0, "cin") == "0" and publish.count(5, "cin") == "c"
    assert publish.count(1234, "cin") == "1,234" and publish.count(1234, "cin", level="national") == "1,230"
    assert publish.percent(40, 120, "cin") == "33.3" and publish.percent(3, 120, "cin") == "c"
    shown, total = publish.table([10, 3, 20, 7, 0], "cin", total=40)
    assert shown == ["10", "c", "20", "c", "0"] and total == "40"  # secondary suppression of the next smallest
    shown, _ = publish.table([10, 3, 2, 7], "cin", total=22)
    assert shown == ["10", "c", "c", "7"]  # two primaries: no secondary needed


def test_invalid_dates_never_crash():
    r = make_return("cin", {
        "CINdetails": [cin("X", "2024-13-01"), cin("Y", "2024-05-01", "not a date"), cin("", "")],
        "Assessments": [{"LAchildID": "Y", "AssessmentActualStartDate": "x", "AssessmentAuthorisationDate": "2024-06-01"}],
        "Section47": [{"LAchildID": "Y", "S47ActualStartDate": "2024-05-02", "DateOfInitialCPC": "y"}],
        "ChildProtectionPlans": [{"LAchildID": "Y", "CPPstartDate": "z", "NumberOfPreviousCPP": "many"}],
    }, "2024/25")
    q = compute(r)
    assert q.measure("cin_at_31_march").children == []  # X: no readable referral; Y: closure written
    assert q.measure("assessments_completed").children == ["Y"]
    assert q.measure("assessments_within_45_working_days").value == 0
    assert q.measure("section_47_enquiries").children == ["Y"] and q.measure("icpcs").value == 0


def test_empty_census():
    q = compute(make_return("cin", {}, "2024/25"))
    assert [m.value for m in q.measures] == [0] * 12


def test_json_measures(p):
    from reports.json_out import findings_json
    from validator.engine import run
    from validator.findings import findings_table

    result = run(make(), select=["8500"])
    out = json.loads(json.dumps(findings_json(result, findings_table(result))))
    got = {m["id"]: (m["value"], m["children"]) for m in out["measures"]}
    assert got == EXPECTED
    assert all(set(m) == {"id", "label", "value", "previous_value", "children"} for m in out["measures"])


def test_change_threshold_option():
    from reports.preview import DEFAULT_THRESHOLDS, parse_thresholds
    from validator.errors import UserError

    assert parse_thresholds("15") == {k: 0.15 for k in DEFAULT_THRESHOLDS}
    assert parse_thresholds("icpcs=5, cpp_started=50%") == {"icpcs": 0.05, "cpp_started": 0.5}
    for bad in ("lots", "nosuch=5", "-3"):
        with pytest.raises(UserError):
            parse_thresholds(bad)
