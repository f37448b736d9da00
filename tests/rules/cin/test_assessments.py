from tests.helpers import flagged, make_cin


def _a(child="A", ep=1, aid=1, start="", auth="", seq=None):
    row = {"LAchildID": child, "CINdetailsID": ep, "AssessmentID": aid,
           "AssessmentActualStartDate": start, "AssessmentAuthorisationDate": auth}
    if seq is not None:
        row["ChildSeq"] = seq
    return row


def _f(code, child="A", ep=1, aid=1, seq=None):
    row = {"LAchildID": child, "CINdetailsID": ep, "AssessmentID": aid, "AssessmentFactors": code}
    if seq is not None:
        row["ChildSeq"] = seq
    return row


def test_8608_authorised_before_start():
    rows = [_a(start="2024-06-01", auth="2024-05-31"), _a(start="2024-06-01", auth="2024-06-01"),
            _a(start="2024-06-01"), _a(start="2024-06-01", auth="2024-13-01")]
    assert flagged(make_cin({"Assessments": rows}), "8608") == {"Assessments": [0]}


def test_8696_authorisation_in_census_year():
    rows = [_a(auth=d) for d in ("2024-03-31", "2024-04-01", "2025-03-31", "2025-04-01", "", "bad")]
    assert flagged(make_cin({"Assessments": rows}, year="2024/25"), "8696") == {"Assessments": [0, 3]}
    assert flagged(make_cin({"Assessments": rows}, year="2023/24"), "8696") == {"Assessments": [1, 2, 3]}


def test_8736_open_assessment_start_in_year():
    rows = [_a(start="2024-03-31"), _a(start="2024-04-01"), _a(start="2025-03-31"), _a(start="2025-04-01"),
            _a(start="2024-03-31", auth="2024-04-02"), _a(start="")]
    assert flagged(make_cin({"Assessments": rows}, year="2024/25"), "8736") == {"Assessments": [0, 3]}


def test_8896_several_open_assessments_in_one_episode():
    rows = [_a(ep=1, aid=1), _a(ep=1, aid=2), _a(ep=1, aid=3, auth="2024-06-01"),
            _a(ep=2, aid=1), _a(child="B", ep=1, aid=1, auth="2024-06-01"), _a(child="B", ep=1, aid=2)]
    assert flagged(make_cin({"Assessments": rows}), "8896") == {"Assessments": [0, 1]}


def test_8863q_assessment_starting_during_another():
    rows = [
        _a(ep=1, aid=1, start="2024-05-01", auth="2024-06-01"),
        _a(ep=1, aid=2, start="2024-06-01", auth="2024-06-10"),   # starts on the other's end day: inside
        _a(ep=2, aid=1, start="2024-05-01", auth="2024-05-31"),
        _a(ep=2, aid=2, start="2024-06-01"),                       # starts the day after: passes
        _a(ep=3, aid=1, start="2024-05-01"),                       # open until ReferenceDate
        _a(ep=3, aid=2, start="2025-01-01", auth="2025-02-01"),
        _a(child="B", ep=1, aid=1, start="2024-05-01", auth="2024-06-01"),
        _a(child="B", ep=2, aid=1, start="2024-05-15", auth="2024-06-01"),  # other episode: not compared
    ]
    assert flagged(make_cin({"Assessments": rows}), "8863Q") == {"Assessments": [0, 1, 4, 5]}


def test_8825q_rc8_without_assessment():
    eps = [{"LAchildID": "A", "CINdetailsID": 1, "ReasonForClosure": "RC8"},
           {"LAchildID": "A", "CINdetailsID": 2, "ReasonForClosure": "RC9"},
           {"LAchildID": "A", "CINdetailsID": 3, "ReasonForClosure": "RC1"},
           {"LAchildID": "B", "CINdetailsID": 1, "ReasonForClosure": "RC9"}]
    r = make_cin({"CINdetails": eps, "Assessments": [_a(ep=2), _a(ep=1, child="B")]})
    assert flagged(r, "8825Q") == {"CINdetails": [0]}


def test_8614_factors_on_incomplete_assessment():
    r = make_cin({"Assessments": [_a(aid=1, start="2024-05-01"), _a(aid=2, start="2024-05-01", auth="2024-06-01"),
                                  _a(aid=3, start="2024-05-01")],
                  "AssessmentFactors": [_f("1A", aid=1), _f("2A", aid=1), _f("1A", aid=2)]})
    assert flagged(r, "8614") == {"Assessments": [0], "AssessmentFactors": [0, 1]}


def test_8897q_completed_assessment_needs_valid_factors():
    r = make_cin({
        "Assessments": [_a(aid=1, auth="2024-06-01"), _a(aid=2, auth="2024-06-01"), _a(aid=3, auth="2024-03-31"),
                        _a(aid=4, auth="2024-04-01"), _a(aid=5)],
        "AssessmentFactors": [_f("1A", aid=1), _f("99Z", aid=2), _f("2A", aid=2), _f("99Z", aid=3), _f("21", aid=4)],
    }, year="2024/25")
    # 1: fine; 2: an invalid code; 3: authorised before 1 April (not in scope); 4: fine; 5: open
    assert flagged(r, "8897Q") == {"Assessments": [1], "AssessmentFactors": [1]}
    r2 = make_cin({"Assessments": [_a(aid=1, auth="2024-04-01"), _a(ep=2, aid=1, auth="2024-04-01")],
                   "AssessmentFactors": [_f("1A", ep=2, aid=1)]})
    assert flagged(r2, "8897Q") == {"Assessments": [0]}  # factor of episode 2 does not count for episode 1


def test_8869_factor_21_alone():
    rows = [_f("21", aid=1), _f("1A", aid=1), _f("21", aid=2), _f("21", aid=3), _f("21", aid=3), _f("1A", aid=4)]
    assert flagged(make_cin({"AssessmentFactors": rows}), "8869") == {"AssessmentFactors": [0, 1]}


def test_8898_factor_repeated_within_assessment():
    rows = [_f("1A", aid=1), _f("1A", aid=1), _f("2A", aid=1), _f("1A", aid=2), _f("1A", ep=2, aid=1)]
    assert flagged(make_cin({"AssessmentFactors": rows}), "8898") == {"AssessmentFactors": [0, 1]}


def test_8873q_single_assessment_no_factors_reason():
    eps = [{"LAchildID": "A", "CINdetailsID": n, "ReasonForClosure": rc}
           for n, rc in enumerate(["RC1", "RC8", "", "RC7"], 1)]
    assessments = [_a(ep=1), _a(ep=2), _a(ep=3), _a(ep=4, aid=1), _a(ep=4, aid=2)]
    factors = [_f("21", ep=1), _f("21", ep=2), _f("21", ep=3), _f("21", ep=4, aid=1)]
    r = make_cin({"CINdetails": eps, "Assessments": assessments, "AssessmentFactors": factors})
    # episode 4 has two assessments: not in scope; episode 3 open (blank reason): queried literally
    assert flagged(r, "8873Q") == {"CINdetails": [0, 2], "AssessmentFactors": [0, 2]}


def test_8945q_8950q_old_abuse_codes_from_2024_25():
    rows = [_f(c) for c in ("18A", "18B", "19A", "19C")]
    r = make_cin({"AssessmentFactors": rows}, year="2024/25")
    assert flagged(r, "8945Q") == {"AssessmentFactors": [0]}
    assert flagged(make_cin({"AssessmentFactors": rows}, year="2025/26"), "8950Q") == {"AssessmentFactors": [2]}
    from validator.registry import versions
    assert all("2023/24" not in v.years for v in versions("cin", "8945Q") + versions("cin", "8950Q"))
