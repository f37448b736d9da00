from tests.helpers import RETURN_LEVEL, flagged, make_cin


def _s(child="A", ep=1, start="", icpc="", nr="false", target="", seq=None):
    row = {"LAchildID": child, "CINdetailsID": ep, "S47ActualStartDate": start, "DateOfInitialCPC": icpc,
           "ICPCnotRequired": nr, "InitialCPCtarget": target}
    if seq is not None:
        row["ChildSeq"] = seq
    return row


def _p(child="A", ep=1, cpp=1, start="", end=""):
    return {"LAchildID": child, "CINdetailsID": ep, "CPPID": cpp, "CPPstartDate": start, "CPPendDate": end}


def test_8615_s47_start_missing_or_after_icpc():
    rows = [_s(start="2024-06-01", icpc="2024-06-01"), _s(start="2024-06-02", icpc="2024-06-01"),
            _s(start="", icpc="2024-06-01"), _s(start="", icpc=""), _s(start="2024-06-02", icpc="bad")]
    assert flagged(make_cin({"Section47": rows}), "8615") == {"Section47": [1, 2]}


def test_8715_icpc_in_census_year():
    rows = [_s(icpc=d) for d in ("2024-03-31", "2024-04-01", "2025-03-31", "2025-04-01", "")]
    assert flagged(make_cin({"Section47": rows}, year="2024/25"), "8715") == {"Section47": [0, 3]}


def test_8740_open_s47_start_in_year_any_case_false():
    rows = [_s(start="2024-03-31", nr="false"), _s(start="2024-03-31", nr="FALSE"), _s(start="2024-03-31", nr="0"),
            _s(start="2024-03-31", nr="true"), _s(start="2024-03-31", nr="false", icpc="2024-04-10"),
            _s(start="2024-04-01", nr="False"), _s(start="2025-04-01", nr="false"), _s(start="2024-03-31", nr="")]
    assert flagged(make_cin({"Section47": rows}, year="2024/25"), "8740") == {"Section47": [0, 1, 2, 6]}


def test_8675q_15_working_days_boundary():
    # ReferenceDate Monday 31 March 2025 (no bank holiday in the 15 working days before it).
    rows = [_s(start="2025-03-10"), _s(start="2025-03-07"), _s(start="2025-03-07", icpc="2025-03-20"),
            _s(start="2025-03-07", nr="1"), _s(start="2025-03-07", nr="FALSE")]
    assert flagged(make_cin({"Section47": rows}, year="2024/25"), "8675Q") == {"Section47": [1, 4]}
    # ReferenceDate Sunday 31 March 2024 is day 0; Good Friday 29 March 2024 inside the interval does
    # not count, so 15 working days back is Friday 8 March: 8 March passes, 7 March is queried.
    rows = [_s(start="2024-03-08"), _s(start="2024-03-07"), _s(start="2024-03-06")]
    assert flagged(make_cin({"Section47": rows}, year="2023/24"), "8675Q") == {"Section47": [1, 2]}


def test_8870q_target_on_weekend():
    rows = [_s(target=d) for d in ("2024-06-07", "2024-06-08", "2024-06-09", "2024-08-26", "", "2024-06-31")]
    assert flagged(make_cin({"Section47": rows}), "8870Q") == {"Section47": [1, 2]}


def test_8839_several_open_s47_in_episode():
    rows = [_s(ep=1, nr="false"), _s(ep=1, nr=""), _s(ep=1, nr="true"), _s(ep=1, icpc="2024-06-01"),
            _s(ep=2, nr="false"), _s(ep=2, nr="TRUE"), _s(child="B", nr="0")]
    assert flagged(make_cin({"Section47": rows}), "8839") == {"Section47": [0, 1]}


def test_8890_s47_starting_during_another():
    rows = [
        _s(ep=1, start="2024-05-01", icpc="2024-05-20"),
        _s(ep=1, start="2024-05-20", icpc="2024-06-01"),   # starts on the other's ICPC day: inside
        _s(ep=2, start="2024-05-01", icpc="2024-05-20"),
        _s(ep=2, start="2024-05-21", icpc="2024-06-01"),   # the day after: passes
        _s(ep=3, start="2024-05-01", nr="true"),           # no ICPC needed: not ongoing
        _s(ep=3, start="2024-06-01", nr="false"),          # open until ReferenceDate
        _s(ep=3, start="2025-01-01", icpc="2025-01-10"),
        _s(child="B", ep=1, start="2024-05-01", icpc="2024-06-01"),
        _s(child="B", ep=2, start="2024-05-02", icpc="2024-06-01"),  # other episode: not compared
    ]
    assert flagged(make_cin({"Section47": rows}), "8890") == {"Section47": [0, 1, 5, 6]}


def test_2884_same_icpc_at_both_levels_of_one_episode():
    eps = [{"LAchildID": "A", "CINdetailsID": 1, "DateOfInitialCPC": "2024-06-01"},
           {"LAchildID": "A", "CINdetailsID": 2, "DateOfInitialCPC": "2024-07-01"},
           {"LAchildID": "B", "CINdetailsID": 1, "DateOfInitialCPC": ""}]
    s47 = [_s(ep=1, icpc="2024-06-01"), _s(ep=2, icpc="2024-06-01"), _s(ep=1, icpc="2024-07-01"),
           _s(child="B", ep=1, icpc="")]
    r = make_cin({"CINdetails": eps, "Section47": s47})
    assert flagged(r, "2884") == {"CINdetails": [0], "Section47": [0]}


def test_2885_plan_starts_on_icpc_day():
    eps = [{"LAchildID": "A", "CINdetailsID": n, "DateOfInitialCPC": d}
           for n, d in enumerate(["", "", "2024-08-01", "2024-09-01", "", ""], 1)]
    s47 = [_s(ep=1, icpc="2024-06-01"),
           _s(ep=2, icpc="2024-06-01"),
           _s(ep=3, nr="TRUE"),                    # no conference needed: the CINdetails date is used
           _s(ep=5, icpc="2024-06-01"), _s(ep=5, icpc="2024-07-01")]
    plans = [_p(ep=1, start="2024-06-01"),      # equals S47 ICPC: passes
             _p(ep=2, start="2024-06-02"),      # differs from S47 ICPC: flagged with that S47
             _p(ep=3, start="2024-08-01"),      # equals CINdetails ICPC: passes
             _p(ep=4, start="2024-09-02"),      # differs from CINdetails ICPC: flagged with the CINdetails
             _p(ep=5, start="2024-07-01"),      # equals one of two S47 ICPCs: passes
             _p(ep=6, start="2024-03-31")]      # before the census year: not checked
    r = make_cin({"CINdetails": eps, "Section47": s47, "ChildProtectionPlans": plans}, year="2024/25")
    assert flagged(r, "2885") == {"ChildProtectionPlans": [1, 3], "Section47": [1], "CINdetails": [3]}


def test_2883_more_plans_than_conferences():
    plans = [_p(cpp=1, start="2024-06-01"), _p(cpp=2, start="2024-07-01"), _p(cpp=3, start="2024-03-31")]
    eps = [{"LAchildID": "A", "CINdetailsID": 1, "DateOfInitialCPC": "2024-06-01"}]
    s47_in = [_s(icpc="2024-07-01")]
    s47_out = [_s(icpc="2024-03-30")]
    assert flagged(make_cin({"ChildProtectionPlans": plans, "CINdetails": eps, "Section47": s47_in}), "2883") == {}
    assert flagged(make_cin({"ChildProtectionPlans": plans, "CINdetails": eps, "Section47": s47_out}),
                   "2883") == {RETURN_LEVEL: [-1]}
