from tests.helpers import flagged, make_cin


def _p(child="A", ep=1, cpp=1, start="", end="", **kw):
    return {"LAchildID": child, "CINdetailsID": ep, "CPPID": cpp, "CPPstartDate": start, "CPPendDate": end, **kw}


def _c(child="A", ep=1, start="", end=""):
    return {"LAchildID": child, "CINdetailsID": ep, "CINPlanStartDate": start, "CINPlanEndDate": end}


def _v(date, child="A", ep=1, cpp=1):
    return {"LAchildID": child, "CINdetailsID": ep, "CPPID": cpp, "CPPreviewDate": date}


def _child(child, death=""):
    return {"LAchildID": child, "PersonDeathDate": death}


def test_8720_plan_start_missing_or_late():
    rows = [_p(start="2025-03-31"), _p(start="2025-04-01"), _p(start=""), _p(start="2024-02-30")]
    assert flagged(make_cin({"ChildProtectionPlans": rows}, year="2024/25"), "8720") == {"ChildProtectionPlans": [1, 2]}


def test_8730_number_of_previous_plans():
    rows = [_p(NumberOfPreviousCPP=n) for n in ("0", "3", "", "-1", "x", "1.5")]
    assert flagged(make_cin({"ChildProtectionPlans": rows}), "8730") == {"ChildProtectionPlans": [2, 3, 4, 5]}


def test_8840_plan_same_day():
    rows = [_p(start="2024-06-01", end="2024-06-01"), _p(start="2024-06-01", end="2024-06-02"), _p(start="2024-06-01")]
    assert flagged(make_cin({"ChildProtectionPlans": rows}), "8840") == {"ChildProtectionPlans": [0]}


def test_8905_8910_categories_of_abuse():
    rows = [_p(InitialCategoryOfAbuse=i, LatestCategoryOfAbuse=l)
            for i, l in (("NEG", "PHY"), ("", "EMO"), ("XYZ", ""), ("MUL", "neg"))]
    r = make_cin({"ChildProtectionPlans": rows})
    assert flagged(r, "8905") == {"ChildProtectionPlans": [1, 2]}
    assert flagged(r, "8910") == {"ChildProtectionPlans": [2, 3]}


def test_8930_plan_end_in_census_year():
    rows = [_p(end=d) for d in ("2024-03-31", "2024-04-01", "2025-03-31", "2025-04-01", "")]
    assert flagged(make_cin({"ChildProtectionPlans": rows}, year="2024/25"), "8930") == {"ChildProtectionPlans": [0, 3]}


def test_8915_8920_plans_and_death():
    children = [_child("A", "2024-08-01"), _child("B", ""), _child("C", "2024-08-01")]
    plans = [_p("A", start="2024-08-01", end="2024-08-02"), _p("A", cpp=2, start="2024-08-02", end="2024-08-01"),
             _p("B", start="2024-09-01", end="2024-10-01"), _p("C", start="2024-07-01", end="2024-08-01")]
    r = make_cin({"ChildIdentifiers": children, "ChildProtectionPlans": plans})
    assert flagged(r, "8915") == {"ChildProtectionPlans": [1], "ChildIdentifiers": [0]}
    assert flagged(r, "8920") == {"ChildProtectionPlans": [0], "ChildIdentifiers": [0]}


def test_8940_plans_overlap_across_episodes():
    rows = [
        _p("A", ep=1, cpp=1, start="2024-05-01", end="2024-06-01"),
        _p("A", ep=2, cpp=1, start="2024-06-01", end="2024-07-01"),  # same position, other episode, starts on end day
        _p("B", ep=1, cpp=1, start="2024-05-01", end="2024-06-01"),
        _p("B", ep=1, cpp=2, start="2024-06-02"),                    # starts the day after: passes
        _p("C", ep=1, cpp=1, start="2024-05-01"),                    # open until ReferenceDate
        _p("C", ep=1, cpp=2, start="2025-03-31", end="2025-03-31"),
        _p("D", ep=1, cpp=1, start="2024-05-01", end="2024-06-01"),
        _p("E", ep=1, cpp=1, start="2024-05-15", end="2024-06-01"),  # another child: not compared
    ]
    assert flagged(make_cin({"ChildProtectionPlans": rows}), "8940") == {"ChildProtectionPlans": [0, 1, 4, 5]}


def test_8841_review_on_or_before_plan_start():
    plans = [_p(cpp=1, start="2024-06-01"), _p(cpp=2, start="2024-09-01"), _p(ep=2, cpp=1, start="2024-01-01")]
    reviews = [_v("2024-07-01", cpp=1), _v("2024-06-01", cpp=1), _v("2024-05-01", cpp=1),
               _v("2024-08-01", cpp=2), _v("2024-08-01", ep=2, cpp=1)]
    r = make_cin({"ChildProtectionPlans": plans, "Reviews": reviews})
    assert flagged(r, "8841") == {"Reviews": [1, 2, 3], "ChildProtectionPlans": [0, 1]}


def test_8842q_review_date_missing_or_invalid():
    reviews = [_v("2024-07-01"), _v(""), _v("01/07/2024"), _v("2024-02-30")]
    assert flagged(make_cin({"Reviews": reviews}), "8842Q") == {"Reviews": [1, 2, 3]}


def test_4003_review_during_cin_plan():
    plans = [_p(ep=1, cpp=1, start="2024-05-01", end="2024-08-01"), _p(ep=2, cpp=1, start="2024-05-01")]
    cin = [_c(ep=1, start="2024-08-01", end="2024-10-01"), _c(ep=1, start="2025-01-01"),
           _c(ep=2, start="2024-09-01", end="2024-09-30")]
    reviews = [_v("2024-08-01", ep=1),   # equals its CPPendDate: allowed although the CIN plan starts that day
               _v("2024-07-15", ep=1),   # before any CIN plan: passes
               _v("2024-10-01", ep=1),   # on the CIN plan's end day: flagged
               _v("2025-02-01", ep=1),   # inside the open CIN plan: flagged
               _v("2024-09-15", ep=2),   # inside episode 2's CIN plan: flagged
               _v("2024-10-15", ep=2)]   # after it: passes
    r = make_cin({"ChildProtectionPlans": plans, "CINplanDates": cin, "Reviews": reviews})
    assert flagged(r, "4003") == {"Reviews": [2, 3, 4], "CINplanDates": [0, 1, 2]}


def test_4010_4011_4012q_4013_cin_plan_dates():
    rows = [_c(start="2024-06-01", end="2024-05-31"), _c(start="2024-06-01", end="2024-06-01"),
            _c(start="", end="2025-04-01"), _c(start="2025-04-01"), _c(start="2024-01-01", end="2024-03-31"),
            _c(start="2024-04-01", end="2025-03-31")]
    r = make_cin({"CINplanDates": rows}, year="2024/25")
    assert flagged(r, "4010") == {"CINplanDates": [2, 3]}
    assert flagged(r, "4011") == {"CINplanDates": [0]}
    assert flagged(r, "4012Q") == {"CINplanDates": [1]}
    assert flagged(r, "4013") == {"CINplanDates": [2, 4]}


def test_4008_4009q_cin_plan_and_death():
    children = [_child("A", "2024-08-01"), _child("B")]
    cin = [_c("A", start="2024-08-01", end="2024-08-02"), _c("A", start="2024-08-02"), _c("B", start="2024-09-01")]
    r = make_cin({"ChildIdentifiers": children, "CINplanDates": cin})
    assert flagged(r, "4008") == {"CINplanDates": [1], "ChildIdentifiers": [0]}
    assert flagged(r, "4009Q") == {"CINplanDates": [0], "ChildIdentifiers": [0]}


def test_4000_cin_plan_for_nfa_referral():
    eps = [{"LAchildID": "A", "CINdetailsID": n, "ReferralNFA": nfa} for n, nfa in enumerate(["True", "1", "false", "true"], 1)]
    cin = [_c(ep=1, start="2024-06-01"), _c(ep=2, start="2024-06-01"), _c(ep=3, start="2024-06-01")]
    r = make_cin({"CINdetails": eps, "CINplanDates": cin})
    assert flagged(r, "4000") == {"CINdetails": [0, 1], "CINplanDates": [0, 1]}


def test_4004_several_open_cin_plans_in_episode():
    rows = [_c(ep=1, start="2024-05-01"), _c(ep=1, start="2024-06-01"), _c(ep=1, start="2024-04-01", end="2024-04-30"),
            _c(ep=2, start="2024-06-01"), _c("B", ep=1, start="2024-06-01")]
    assert flagged(make_cin({"CINplanDates": rows}), "4004") == {"CINplanDates": [0, 1]}


def test_4014_cin_plans_overlap():
    rows = [_c("A", ep=1, start="2024-05-01", end="2024-06-01"), _c("A", ep=2, start="2024-06-01", end="2024-07-01"),
            _c("B", start="2024-05-01", end="2024-06-01"), _c("B", start="2024-06-02"),
            _c("C", start="2024-05-01"), _c("C", start="2024-12-01", end="2024-12-31"),
            _c("D", start="2024-05-01", end="2024-06-01")]
    assert flagged(make_cin({"CINplanDates": rows}), "4014") == {"CINplanDates": [0, 1, 4, 5]}


def test_4001_open_cin_plan_with_open_cpp_in_episode():
    plans = [_p(ep=1, start="2024-05-01"), _p(ep=2, start="2024-05-01"), _p(ep=3, start="2024-05-01", end="2024-06-01")]
    cin = [_c(ep=1, start="2024-07-01"), _c(ep=1, start="2024-04-01", end="2024-04-30"),
           _c(ep=2, start="2024-04-01", end="2024-04-30"), _c(ep=3, start="2024-07-01")]
    r = make_cin({"ChildProtectionPlans": plans, "CINplanDates": cin})
    assert flagged(r, "4001") == {"ChildProtectionPlans": [0], "CINplanDates": [0]}


def test_4016_cin_plan_starts_during_cpp():
    plans = [_p("A", start="2024-05-01", end="2024-06-01"), _p("B", start="2024-05-01", end="2024-06-01"),
             _p("C", start="2024-05-01"), _p("D", start="2024-05-01", end="2024-06-01")]
    cin = [_c("A", start="2024-05-01"),   # on the CPP start day: flagged
           _c("B", start="2024-06-01"),   # on the CPP end day: allowed
           _c("C", start="2025-03-31"),   # open CPP runs to the ReferenceDate
           _c("D", start="2024-04-30", end="2024-05-15")]  # starts before the CPP: not this rule
    r = make_cin({"ChildProtectionPlans": plans, "CINplanDates": cin})
    assert flagged(r, "4016") == {"CINplanDates": [0, 2], "ChildProtectionPlans": [0, 2]}


def test_4017_cpp_starts_during_cin_plan():
    cin = [_c("A", start="2024-05-01", end="2024-06-01"), _c("B", start="2024-05-01", end="2024-06-01"),
           _c("C", start="2024-05-01"), _c("D", start="2024-05-01", end="2024-06-01")]
    plans = [_p("A", start="2024-05-31"), _p("B", start="2024-06-01"), _p("C", start="2024-12-01"),
             _p("D", start="2024-04-30")]
    r = make_cin({"ChildProtectionPlans": plans, "CINplanDates": cin})
    assert flagged(r, "4017") == {"ChildProtectionPlans": [0, 2], "CINplanDates": [0, 2]}
