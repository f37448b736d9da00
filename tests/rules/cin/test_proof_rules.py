import pandas as pd

from tests.helpers import RETURN_LEVEL, flagged, make_cin


def test_100_reference_date():
    assert flagged(make_cin({}, year="2024/25"), "100") == {}
    assert flagged(make_cin({}, year="2024/25", reference_date="2024-03-31"), "100") == {"Header": [0]}
    assert flagged(make_cin({}, year="2024/25", reference_date="31/03/2025"), "100") == {"Header": [0]}


def test_2887q_return_level_distinct_codes():
    few = [{"LAchildID": str(i), "Disability": c} for i, c in enumerate(["NONE", "MOB", "HAND", "PC", "INC", "COMM", "LD", "HEAR"])]
    many = few + [{"LAchildID": "99", "Disability": "VIS"}]
    assert flagged(make_cin({"Disabilities": few}), "2887Q") == {RETURN_LEVEL: [-1]}
    assert flagged(make_cin({"Disabilities": many}), "2887Q") == {}
    # NONE in any case is not a disability code; any other spelling is one more distinct code
    assert flagged(make_cin({"Disabilities": few + [{"LAchildID": "99", "Disability": "None"}]}), "2887Q") == {
        RETURN_LEVEL: [-1]}
    assert flagged(make_cin({"Disabilities": few + [{"LAchildID": "99", "Disability": "mob"}]}), "2887Q") == {}


def test_4180_by_year():
    rows = [{"LAchildID": str(i), "Sex": s, "GenderCurrent": g} for i, (s, g) in enumerate([("M", "1"), ("X", "0"), ("", "7"), ("u", "")])]
    assert flagged(make_cin({"ChildIdentifiers": rows}, year="2024/25"), "4180") == {"ChildIdentifiers": [1, 2, 3]}
    assert flagged(make_cin({"ChildIdentifiers": rows}, year="2023/24"), "4180") == {"ChildIdentifiers": [2, 3]}


def test_4220_ethnicity():
    rows = [{"LAchildID": str(i), "Ethnicity": e} for i, e in enumerate(["WBRI", "", "WXYZ"])]
    assert flagged(make_cin({"ChildCharacteristics": rows}), "4220") == {"ChildCharacteristics": [1, 2]}


def test_8500_and_8510_ids():
    rows = [{"LAchildID": i, "ChildSeq": n} for n, i in enumerate(["A", "", "B", "A"], 1)]
    r = make_cin({"ChildIdentifiers": rows})
    assert flagged(r, "8500") == {"ChildIdentifiers": [1]}
    assert flagged(r, "8510") == {"ChildIdentifiers": [0, 3]}


def test_8520_birth_after_reference_date():
    rows = [{"LAchildID": str(i), "PersonBirthDate": d} for i, d in enumerate(["2025-03-31", "2025-04-01", ""])]
    assert flagged(make_cin({"ChildIdentifiers": rows}, year="2024/25"), "8520") == {"ChildIdentifiers": [1]}


def test_8805_closure_without_reason():
    rows = [{"LAchildID": "A", "CINdetailsID": n, "CINclosureDate": c, "ReasonForClosure": rc}
            for n, (c, rc) in enumerate([("2025-01-01", "RC1"), ("2025-01-01", ""), ("", "")], 1)]
    assert flagged(make_cin({"CINdetails": rows}), "8805") == {"CINdetails": [1]}


def test_1103_joins_assessment_to_its_own_episode():
    r = make_cin({
        "CINdetails": [{"LAchildID": "A", "CINdetailsID": 1, "CINreferralDate": "2024-06-01"},
                       {"LAchildID": "A", "CINdetailsID": 2, "CINreferralDate": "2024-09-01"},
                       {"LAchildID": "A", "ChildSeq": 2, "CINdetailsID": 1, "CINreferralDate": "2024-01-01"}],
        "Assessments": [{"LAchildID": "A", "CINdetailsID": 1, "AssessmentActualStartDate": "2024-07-01"},
                        {"LAchildID": "A", "CINdetailsID": 2, "AssessmentActualStartDate": "2024-07-01"},
                        {"LAchildID": "A", "ChildSeq": 2, "CINdetailsID": 1, "AssessmentActualStartDate": "2024-02-01"}],
    })
    assert flagged(r, "1103") == {"Assessments": [1]}


def test_8670q_45_working_days_boundary_with_bank_holidays():
    # ReferenceDate Monday 31 March 2025. Working days back: Good Friday is 18 April 2025 (after),
    # so between Jan and March there are no bank holidays: 45 working days back = Monday 27 Jan.
    def run(start, auth=""):
        return flagged(make_cin({"Assessments": [{"LAchildID": "A", "AssessmentActualStartDate": start,
                                                  "AssessmentAuthorisationDate": auth}]}, year="2024/25"), "8670Q")
    assert run("2025-01-27") == {}  # exactly 45 working days: passes
    assert run("2025-01-24") == {"Assessments": [0]}  # Friday before: 46
    assert run("2025-01-24", auth="2025-02-01") == {}  # completed: not this rule
    # 2023/24: ReferenceDate Sunday 31 March 2024 is day 0; Good Friday 29 March 2024 is not a working
    # day, so the 45th working day back is Friday 26 January.
    def run24(start):
        return flagged(make_cin({"Assessments": [{"LAchildID": "A", "AssessmentActualStartDate": start}]},
                                year="2023/24"), "8670Q")
    assert run24("2024-01-26") == {}
    assert run24("2024-01-25") == {"Assessments": [0]}


def test_8875_icpc_weekend():
    rows = [{"LAchildID": "A", "DateOfInitialCPC": d} for d in ("2024-06-07", "2024-06-08", "2024-06-09", "")]
    assert flagged(make_cin({"Section47": rows}), "8875") == {"Section47": [1, 2]}


def test_8925_and_8935_plans():
    rows = [
        {"LAchildID": "A", "CINdetailsID": 1, "CPPID": 1, "CPPstartDate": "2024-06-01", "CPPendDate": "2024-05-01"},
        {"LAchildID": "A", "CINdetailsID": 1, "CPPID": 2, "CPPstartDate": "2024-06-01"},
        {"LAchildID": "A", "CINdetailsID": 2, "CPPID": 1, "CPPstartDate": "2024-09-01"},
        {"LAchildID": "B", "CINdetailsID": 1, "CPPID": 1, "CPPstartDate": "2024-09-01"},
    ]
    r = make_cin({"ChildProtectionPlans": rows})
    assert flagged(r, "8925") == {"ChildProtectionPlans": [0]}
    assert flagged(r, "8935") == {"ChildProtectionPlans": [1, 2]}  # two open plans in different episodes


def test_working_day_count_matches_bank_holiday_calendar():
    from validator.calendar import working_days_after

    s = pd.Series(pd.to_datetime(["2022-09-16", "2023-05-05"]))
    e = pd.Series(pd.to_datetime(["2022-09-20", "2023-05-09"]))
    # 19 Sep 2022 (State Funeral) and 8 May 2023 (Coronation) are bank holidays
    assert working_days_after(s, e).tolist() == [1.0, 1.0]
