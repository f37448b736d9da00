from tests.helpers import flagged, make_cin

EPISODES = [{"LAchildID": "A", "CINdetailsID": 1, "CINreferralDate": "2024-06-01"},
            {"LAchildID": "A", "CINdetailsID": 2, "CINreferralDate": "2024-09-01"}]


def test_1104_icpc_before_referral_at_both_levels():
    eps = EPISODES + [{"LAchildID": "B", "CINdetailsID": 1, "CINreferralDate": "2024-06-01",
                       "DateOfInitialCPC": "2024-05-31"},
                      {"LAchildID": "C", "CINdetailsID": 1, "CINreferralDate": "2024-06-01",
                       "DateOfInitialCPC": "2024-06-01"}]
    s47 = [{"LAchildID": "A", "CINdetailsID": 1, "DateOfInitialCPC": "2024-06-01"},   # same day: passes
           {"LAchildID": "A", "CINdetailsID": 2, "DateOfInitialCPC": "2024-08-31"},   # before its own referral
           {"LAchildID": "A", "CINdetailsID": 1, "DateOfInitialCPC": "2024-05-31"},
           {"LAchildID": "A", "CINdetailsID": 2, "DateOfInitialCPC": ""}]
    r = make_cin({"CINdetails": eps, "Section47": s47})
    assert flagged(r, "1104") == {"Section47": [1, 2], "CINdetails": [2]}


def test_1105_plan_before_referral():
    plans = [{"LAchildID": "A", "CINdetailsID": 1, "CPPstartDate": "2024-06-01"},
             {"LAchildID": "A", "CINdetailsID": 2, "CPPstartDate": "2024-08-31"},
             {"LAchildID": "A", "CINdetailsID": 2, "CPPID": 2, "CPPstartDate": "2024-09-02"},
             {"LAchildID": "A", "CINdetailsID": 1, "CPPID": 2, "CPPstartDate": "2024-13-01"}]
    r = make_cin({"CINdetails": EPISODES, "ChildProtectionPlans": plans})
    assert flagged(r, "1105") == {"ChildProtectionPlans": [1]}


def test_2889_s47_before_referral():
    s47 = [{"LAchildID": "A", "CINdetailsID": 1, "S47ActualStartDate": "2024-05-31"},
           {"LAchildID": "A", "CINdetailsID": 2, "S47ActualStartDate": "2024-09-01"},
           {"LAchildID": "A", "CINdetailsID": 2, "S47ActualStartDate": "2024-07-01"}]
    r = make_cin({"CINdetails": EPISODES, "Section47": s47})
    assert flagged(r, "2889") == {"Section47": [0, 2]}


def test_4015_cin_plan_before_referral():
    plans = [{"LAchildID": "A", "CINdetailsID": 1, "CINPlanStartDate": "2024-07-01"},
             {"LAchildID": "A", "CINdetailsID": 2, "CINPlanStartDate": "2024-07-01"},
             {"LAchildID": "A", "CINdetailsID": 2, "CINPlanStartDate": ""}]
    r = make_cin({"CINdetails": EPISODES, "CINplanDates": plans})
    assert flagged(r, "4015") == {"CINplanDates": [1]}
