from tests.helpers import flagged, make_cin


def _e(ep, child="A", **kw):
    return {"LAchildID": child, "CINdetailsID": ep, **kw}


def test_8565_activity_after_closure():
    eps = [_e(1, CINclosureDate="2024-09-01"), _e(2, CINclosureDate="2024-09-01", DateOfInitialCPC="2024-09-02"),
           _e(3, CINclosureDate=""), _e(4, CINclosureDate="2024-09-01"), _e(5, CINclosureDate="2024-09-01")]
    r = make_cin({
        "CINdetails": eps,
        "Assessments": [_e(1, AssessmentActualStartDate="2024-08-01", AssessmentAuthorisationDate="2024-09-01"),
                        _e(1, AssessmentID=2, AssessmentActualStartDate="2024-08-01",
                           AssessmentAuthorisationDate="2024-09-02"),
                        _e(3, AssessmentActualStartDate="2024-10-01")],
        "Section47": [_e(4, S47ActualStartDate="2024-08-01", DateOfInitialCPC="2024-09-05"),
                      _e(5, S47ActualStartDate="2024-08-01", DateOfInitialCPC="2024-09-01")],
        "ChildProtectionPlans": [_e(4, CPPstartDate="2024-09-05"),              # start not in DfE's list
                                 _e(5, CPPstartDate="2024-08-01", CPPendDate="2024-09-02")],
        "CINplanDates": [_e(5, CINPlanStartDate="2024-09-01", CINPlanEndDate="2024-09-01"),
                         _e(4, CINPlanStartDate="2024-09-02")],
    })
    assert flagged(r, "8565") == {"CINdetails": [0, 1, 3, 4], "Assessments": [1], "Section47": [0],
                                  "ChildProtectionPlans": [1], "CINplanDates": [1]}


def test_8867_closed_with_open_assessment():
    eps = [_e(1, CINclosureDate="2024-09-01"), _e(2, CINclosureDate=""), _e(3, CINclosureDate="2024-09-01")]
    ass = [_e(1, AssessmentAuthorisationDate="2024-08-01"), _e(1, AssessmentID=2), _e(2),
           _e(3, AssessmentAuthorisationDate="2024-08-01")]
    r = make_cin({"CINdetails": eps, "Assessments": ass})
    assert flagged(r, "8867") == {"CINdetails": [0], "Assessments": [1]}


def test_8868_closed_with_open_s47():
    eps = [_e(1, CINclosureDate="2024-09-01"), _e(2, CINclosureDate=""), _e(3, CINclosureDate="2024-09-01")]
    s47 = [_e(1, DateOfInitialCPC="2024-08-01", ICPCnotRequired="false"), _e(1, ICPCnotRequired="FALSE"),
           _e(1, ICPCnotRequired="True"), _e(1, ICPCnotRequired="1"), _e(2, ICPCnotRequired="false"),
           _e(3, ICPCnotRequired="")]
    r = make_cin({"CINdetails": eps, "Section47": s47})
    assert flagged(r, "8868") == {"CINdetails": [0, 2], "Section47": [1, 5]}


def test_2990_activity_on_rc8_rc9():
    eps = [_e(1, ReasonForClosure="RC8"), _e(2, ReasonForClosure="RC9", DateOfInitialCPC="2024-06-01"),
           _e(3, ReasonForClosure="RC1"), _e(4, ReasonForClosure="RC8"), _e(5, ReasonForClosure="RC9")]
    r = make_cin({"CINdetails": eps,
                  "Section47": [_e(1), _e(3)],
                  "ChildProtectionPlans": [_e(4), _e(3)],
                  "CINplanDates": [_e(5), _e(3)]})
    assert flagged(r, "2990") == {"CINdetails": [0, 1, 3, 4], "Section47": [0], "ChildProtectionPlans": [0],
                                  "CINplanDates": [0]}
    clean = make_cin({"CINdetails": [_e(1, ReasonForClosure="RC8")], "Assessments": [_e(1)]})
    assert flagged(clean, "2990") == {}


def test_2991q_s47_without_assessment():
    r = make_cin({"Section47": [_e(1), _e(2), _e(1, child="B")],
                  "Assessments": [_e(1), _e(2, child="B")]})
    assert flagged(r, "2991Q") == {"Section47": [1, 2]}


def test_8831_activity_on_nfa_referral():
    eps = [_e(1, ReferralNFA="true"), _e(2, ReferralNFA="1"), _e(3, ReferralNFA="false"),
           _e(4, ReferralNFA="TRUE", DateOfInitialCPC="2024-06-01"), _e(5, ReferralNFA="true")]
    r = make_cin({"CINdetails": eps,
                  "Assessments": [_e(1, AssessmentActualStartDate="2024-06-01"), _e(3, AssessmentActualStartDate="2024-06-01"),
                                  _e(5, AssessmentActualStartDate="", AssessmentAuthorisationDate="")],
                  "Section47": [_e(2, S47ActualStartDate="2024-06-01"), _e(3, S47ActualStartDate="2024-06-01")]})
    assert flagged(r, "8831") == {"CINdetails": [0, 1, 3], "Assessments": [0], "Section47": [0]}


def test_8832_plan_on_nfa_referral():
    eps = [_e(1, ReferralNFA="True"), _e(2, ReferralNFA="0"), _e(3, ReferralNFA="1"),
           _e(1, child="B", ReferralNFA="false")]
    plans = [_e(1), _e(1, CPPID=2), _e(2), _e(1, child="B")]
    r = make_cin({"CINdetails": eps, "ChildProtectionPlans": plans})
    assert flagged(r, "8832") == {"CINdetails": [0], "ChildProtectionPlans": [0, 1]}
