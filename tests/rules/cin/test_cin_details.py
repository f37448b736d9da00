"""CINdetails rules and the child-level rules that depend on a child's episodes."""

import pytest

from tests.helpers import flagged, make_cin

EP = {"CINreferralDate": "2024-06-01", "ReferralSource": "1A", "PrimaryNeedCode": "N1", "ReferralNFA": "false"}


def episodes(*rows, year="2024/25", children=None, disabilities=None):
    """CINdetails rows (LAchildID defaults to A; CINdetailsID numbered within each child)."""
    out, count = [], {}
    for row in rows:
        row = {"LAchildID": "A", **EP, **row}
        seq_key = (row["LAchildID"], row.get("ChildSeq"))
        count[seq_key] = count.get(seq_key, 0) + 1
        row.setdefault("CINdetailsID", count[seq_key])
        out.append(row)
    tables = {"CINdetails": out}
    if children is not None:
        tables["ChildIdentifiers"] = children
    if disabilities is not None:
        tables["Disabilities"] = disabilities
    return make_cin(tables, year=year)


# --- ReferralNFA and codes ------------------------------------------------------------------------

def test_8568_referral_nfa_values():
    r = episodes(*({"ReferralNFA": v} for v in ["true", "false", "1", "0", "TRUE", "False", "", "yes", "2"]))
    assert flagged(r, "8568") == {"CINdetails": [6, 7, 8]}


def test_8569q_one_working_day_before_1_april_over_easter():
    # 2024/25: 1 April 2024 is Easter Monday and 29 March Good Friday, so "1 April minus 1 working
    # day" is Thursday 28 March 2024: referrals on 28 March pass, 27 March is flagged.
    r = episodes(*({"CINreferralDate": d, "ReferralNFA": nfa} for d, nfa in [
        ("2024-03-28", "true"), ("2024-03-27", "true"), ("2024-03-27", "TRUE"), ("2024-03-27", "1"),
        ("2024-03-27", "false"), ("2024-03-29", "true"), ("2024-03-27", ""), ("", "true")]), year="2024/25")
    assert flagged(r, "8569Q") == {"CINdetails": [1, 2, 3]}
    # 2025/26: 1 April 2025 is a Tuesday: the day before, Monday 31 March 2025, is the cut-off.
    r = episodes(*({"CINreferralDate": d, "ReferralNFA": "true"} for d in ["2025-03-31", "2025-03-30", "2025-03-28"]),
                 year="2025/26")
    assert flagged(r, "8569Q") == {"CINdetails": [1, 2]}


def test_8610_primary_need_needed_for_further_action():
    r = episodes({"ReferralNFA": "false", "PrimaryNeedCode": ""}, {"ReferralNFA": "FALSE", "PrimaryNeedCode": ""},
                 {"ReferralNFA": "0", "PrimaryNeedCode": ""}, {"ReferralNFA": "true", "PrimaryNeedCode": ""},
                 {"ReferralNFA": "false", "PrimaryNeedCode": "N1"}, {"ReferralNFA": "", "PrimaryNeedCode": ""})
    assert flagged(r, "8610") == {"CINdetails": [0, 1, 2]}


def test_8640_8650_codes():
    r = episodes({"ReasonForClosure": "RC1", "PrimaryNeedCode": "N0"}, {"ReasonForClosure": "RC0", "PrimaryNeedCode": "N10"},
                 {"ReasonForClosure": "", "PrimaryNeedCode": ""}, {"ReasonForClosure": "rc1", "PrimaryNeedCode": "n1"},
                 {"ReasonForClosure": "RC9", "PrimaryNeedCode": "N9"})
    assert flagged(r, "8640") == {"CINdetails": [1, 3]}
    assert flagged(r, "8650") == {"CINdetails": [1, 3]}


def test_8866_referral_source_from_april_2013():
    r = episodes({"ReferralSource": "1A"}, {"ReferralSource": ""}, {"ReferralSource": "99"},
                 {"CINreferralDate": "2013-04-01", "ReferralSource": ""},
                 {"CINreferralDate": "2013-03-31", "ReferralSource": ""}, {"CINreferralDate": "", "ReferralSource": ""},
                 {"ReferralSource": "5D"})
    assert flagged(r, "8866") == {"CINdetails": [1, 2, 3]}


# --- Referral and closure dates -------------------------------------------------------------------

def test_8600_referral_missing_or_after_reference_date():
    r = episodes(*({"CINreferralDate": d} for d in ["2025-03-31", "2025-04-01", "", "2025-02-30"]))
    assert flagged(r, "8600") == {"CINdetails": [1, 2]}


def test_8620_closure_within_census_year():
    r = episodes(*({"CINclosureDate": d} for d in ["2024-03-31", "2024-04-01", "2025-03-31", "2025-04-01", ""]))
    assert flagged(r, "8620") == {"CINdetails": [0, 3]}


def test_8630_closure_before_referral():
    r = episodes(*({"CINreferralDate": "2024-06-01", "CINclosureDate": d} for d in ["2024-05-31", "2024-06-01", "", "x"]))
    assert flagged(r, "8630") == {"CINdetails": [0]}


def test_8810_reason_without_closure_date():
    r = episodes({"ReasonForClosure": "RC1", "CINclosureDate": ""}, {"ReasonForClosure": "RC1", "CINclosureDate": "2024-07-01"},
                 {"ReasonForClosure": "", "CINclosureDate": ""})
    assert flagged(r, "8810") == {"CINdetails": [0]}


# --- Episodes of one child ------------------------------------------------------------------------

def test_8590_child_without_episode_matched_by_position():
    children = [{"LAchildID": "A", "ChildSeq": 1}, {"LAchildID": "A", "ChildSeq": 2}, {"LAchildID": "B", "ChildSeq": 3}]
    r = episodes({"LAchildID": "A", "ChildSeq": 1}, {"LAchildID": "B", "ChildSeq": 3}, children=children)
    assert flagged(r, "8590") == {"ChildIdentifiers": [1]}


def test_8815_more_than_one_open_further_action_episode():
    r = episodes({"LAchildID": "A"}, {"LAchildID": "A", "ReferralNFA": "0"},
                 {"LAchildID": "A", "ReferralNFA": "true"},  # open NFA episodes do not count
                 {"LAchildID": "B"}, {"LAchildID": "B", "ReferralNFA": "1"}, {"LAchildID": "B", "CINclosureDate": "2024-07-01"},
                 {"LAchildID": "C", "ReferralNFA": "true"}, {"LAchildID": "C", "ReferralNFA": "true"})
    assert flagged(r, "8815") == {"CINdetails": [0, 1]}


def test_8816_open_episode_must_be_latest():
    r = episodes({"LAchildID": "A", "CINreferralDate": "2024-05-01"},
                 {"LAchildID": "A", "CINreferralDate": "2024-06-01", "CINclosureDate": "2024-07-01"},
                 {"LAchildID": "B", "CINreferralDate": "2024-08-01"},
                 {"LAchildID": "B", "CINreferralDate": "2024-06-01", "CINclosureDate": "2024-07-01"},
                 {"LAchildID": "C", "CINreferralDate": "2024-05-01", "ReferralNFA": "true"},
                 {"LAchildID": "C", "CINreferralDate": "2024-06-01", "CINclosureDate": "2024-06-01"},
                 {"LAchildID": "D", "CINreferralDate": "2024-06-01"},
                 {"LAchildID": "D", "CINreferralDate": "2024-06-01", "CINclosureDate": "2024-06-02"})
    assert flagged(r, "8816") == {"CINdetails": [0]}


def test_8820_overlapping_episodes():
    r = episodes(
        # A: second referral inside the first (closed) episode -> both
        {"LAchildID": "A", "CINreferralDate": "2024-05-01", "CINclosureDate": "2024-07-01"},
        {"LAchildID": "A", "CINreferralDate": "2024-06-01", "CINclosureDate": "2024-08-01"},
        # B: re-referred on the day of closure -> passes
        {"LAchildID": "B", "CINreferralDate": "2024-05-01", "CINclosureDate": "2024-07-01"},
        {"LAchildID": "B", "CINreferralDate": "2024-07-01", "CINclosureDate": "2024-08-01"},
        # C: referral after an open further-action episode started -> both
        {"LAchildID": "C", "CINreferralDate": "2024-05-01"},
        {"LAchildID": "C", "CINreferralDate": "2025-03-31", "CINclosureDate": "2025-03-31"},
        # D: the open episode is NFA -> passes
        {"LAchildID": "D", "CINreferralDate": "2024-05-01", "ReferralNFA": "true"},
        {"LAchildID": "D", "CINreferralDate": "2024-06-01", "CINclosureDate": "2024-07-01"},
        # E: same referral date -> both
        {"LAchildID": "E", "CINreferralDate": "2024-05-01", "CINclosureDate": "2024-05-20"},
        {"LAchildID": "E", "CINreferralDate": "2024-05-01", "CINclosureDate": "2024-06-20"},
        # F: one episode only
        {"LAchildID": "F", "CINreferralDate": "2024-05-01"},
    )
    assert flagged(r, "8820") == {"CINdetails": [0, 1, 4, 5, 8, 9]}


def test_8820_children_sharing_an_id_are_not_compared():
    r = episodes({"LAchildID": "A", "ChildSeq": 1, "CINreferralDate": "2024-05-01"},
                 {"LAchildID": "A", "ChildSeq": 2, "CINreferralDate": "2024-06-01"})
    assert flagged(r, "8820") == {}


# --- Episodes and the child's birth and death -----------------------------------------------------

def test_8555q_referral_after_death():
    children = [{"LAchildID": "A", "PersonDeathDate": "2024-06-01"}, {"LAchildID": "B", "PersonDeathDate": ""},
                {"LAchildID": "C", "PersonDeathDate": "2024-06-01"}]
    r = episodes({"LAchildID": "A", "CINreferralDate": "2024-06-01"}, {"LAchildID": "A", "CINreferralDate": "2024-06-02"},
                 {"LAchildID": "B", "CINreferralDate": "2024-06-02"}, {"LAchildID": "C", "CINreferralDate": "2024-05-02"},
                 children=children)
    assert flagged(r, "8555Q") == {"CINdetails": [1], "ChildIdentifiers": [0]}


def test_8585q_died_without_valid_death_date():
    children = [{"LAchildID": "A", "PersonDeathDate": "2024-06-01"}, {"LAchildID": "B", "PersonDeathDate": ""},
                {"LAchildID": "C", "PersonDeathDate": "2024-06-31"}, {"LAchildID": "D"}]
    r = episodes({"LAchildID": "A", "ReasonForClosure": "RC2"}, {"LAchildID": "B", "ReasonForClosure": "RC2"},
                 {"LAchildID": "C", "ReasonForClosure": "RC2"}, {"LAchildID": "D", "ReasonForClosure": "RC1"},
                 children=children)
    assert flagged(r, "8585Q") == {"CINdetails": [1, 2], "ChildIdentifiers": [1, 2]}


def test_8606_referral_more_than_280_days_before_birth():
    children = [{"LAchildID": "A", "PersonBirthDate": "2025-03-08"},            # 280 days after 2024-06-01
                {"LAchildID": "B", "PersonBirthDate": "2025-03-09"},            # 281 days
                {"LAchildID": "C", "ExpectedPersonBirthDate": "2025-03-09"},
                {"LAchildID": "D", "ExpectedPersonBirthDate": "2025-03-08"},
                {"LAchildID": "E", "PersonBirthDate": "2020-01-01"}]
    r = episodes(*({"LAchildID": k} for k in "ABCDE"), children=children)
    assert flagged(r, "8606") == {"CINdetails": [1, 2], "ChildIdentifiers": [1, 2]}


def test_8775q_child_over_25():
    # ReferenceDate 31 March 2025: born before 31 March 2000 is over 25
    children = [{"LAchildID": "A", "PersonBirthDate": "2000-03-30"}, {"LAchildID": "B", "PersonBirthDate": "2000-03-31"},
                {"LAchildID": "C", "PersonBirthDate": "1999-06-01"}, {"LAchildID": "D", "PersonBirthDate": "1999-06-01"}]
    r = episodes({"LAchildID": "A"},                                   # open: queried
                 {"LAchildID": "B"},                                   # exactly 25 years: not over
                 {"LAchildID": "C", "CINclosureDate": "2024-06-01"},   # closed on the 25th birthday: passes
                 {"LAchildID": "C", "CINclosureDate": "2024-06-02"},   # closed after it: queried
                 {"LAchildID": "D", "CINclosureDate": "2024-05-01"},
                 children=children)
    assert flagged(r, "8775Q") == {"CINdetails": [0, 3], "ChildIdentifiers": [0, 2]}


# --- UPN and the child's episodes -----------------------------------------------------------------

def _upn_case(year, dob, upn="", unknown="", nfa="false", name="A"):
    return ({"LAchildID": name, "PersonBirthDate": dob, "UPN": upn, "UPNunknown": unknown},
            {"LAchildID": name, "ReferralNFA": nfa})


def _upn_run(year, *cases):
    children = [c for c, _ in cases]
    eps = [e for _, e in cases]
    return flagged(episodes(*eps, year=year, children=children), "8770Q")


def test_8770q_up_to_2023_24_born_before_reference_date_minus_6_years():
    # ReferenceDate 31 March 2024: cut-off 31 March 2018 (born that day: not queried)
    assert _upn_run("2023/24",
                    _upn_case("2023/24", "2018-03-30", name="A"),                      # queried
                    _upn_case("2023/24", "2018-03-31", name="B"),                      # not over the threshold
                    _upn_case("2023/24", "2010-01-01", unknown="UN1", name="C"),       # UN1 still accepted
                    _upn_case("2023/24", "2010-01-01", upn="P201123456789", name="D"),
                    _upn_case("2023/24", "2010-01-01", nfa="true", name="E"),          # NFA only
                    _upn_case("2023/24", "2010-01-01", unknown="UN9", name="F"),       # not a valid reason
                    ) == {"ChildIdentifiers": [0, 5]}


def test_8770q_from_2024_25_school_age_and_un1_not_accepted():
    # ReferenceDate 31 March 2025: aged 4 or more = born on or before 31 March 2021
    assert _upn_run("2024/25",
                    _upn_case("2024/25", "2021-03-31", name="A"),                      # exactly 4: queried
                    _upn_case("2024/25", "2021-04-01", name="B"),                      # under 4
                    _upn_case("2024/25", "2015-01-01", unknown="UN1", name="C"),       # UN1 no longer enough
                    _upn_case("2024/25", "2015-01-01", unknown="UN2", name="D"),
                    _upn_case("2024/25", "2015-01-01", nfa="1", name="E"),
                    _upn_case("2024/25", "2015-01-01", nfa="FALSE", name="F"),
                    ) == {"ChildIdentifiers": [0, 2, 5]}


def test_8772_un7_needs_every_episode_nfa():
    children = [{"LAchildID": "A", "UPNunknown": "UN7"}, {"LAchildID": "B", "UPNunknown": "UN7"},
                {"LAchildID": "C", "UPNunknown": "UN2"}]
    r = episodes({"LAchildID": "A", "ReferralNFA": "true"}, {"LAchildID": "A", "ReferralNFA": "1"},
                 {"LAchildID": "B", "ReferralNFA": "True"}, {"LAchildID": "B", "ReferralNFA": "false"},
                 {"LAchildID": "B", "ReferralNFA": ""}, {"LAchildID": "C", "ReferralNFA": "false"},
                 children=children)
    assert flagged(r, "8772") == {"CINdetails": [3, 4], "ChildIdentifiers": [1]}


# --- Disabilities -----------------------------------------------------------------------------------

def test_8540_disability_needed_for_further_action_child_with_birth_date():
    children = [{"LAchildID": k, "PersonBirthDate": "2015-01-01"} for k in "ABCDE"] + [{"LAchildID": "F"}]
    seq = {k: n for n, k in enumerate("ABCDEF", 1)}
    disabilities = [{"LAchildID": k, "ChildSeq": seq[k], "Disability": v} for k, v in [
        ("A", "NONE"), ("B", "MOB"), ("B", "XYZ"),
        ("D", "ABC"),  # D is NFA only: not judged
        ("E", "mob")]]
    r = episodes(*({"LAchildID": k} for k in "ABC"), {"LAchildID": "D", "ReferralNFA": "true"},
                 {"LAchildID": "E", "ReferralNFA": "0"}, {"LAchildID": "F"},
                 children=children, disabilities=disabilities)
    # B has an invalid code, C has none, E's lower-case code is not DfE's; F has no birth date
    assert flagged(r, "8540") == {"ChildIdentifiers": [1, 2, 4], "Disabilities": [2, 4]}


def test_8790_none_with_other_codes():
    d = [{"LAchildID": "A", "Disability": "NONE"}, {"LAchildID": "A", "Disability": "MOB"},
         {"LAchildID": "B", "Disability": "NONE"}, {"LAchildID": "C", "Disability": "MOB"},
         {"LAchildID": "C", "Disability": "HAND"}, {"LAchildID": "D", "Disability": "NONE"},
         {"LAchildID": "D", "Disability": "NONE"}]
    assert flagged(make_cin({"Disabilities": d}), "8790") == {"Disabilities": [0, 1]}


def test_8794_repeated_disability_code():
    d = [{"LAchildID": "A", "Disability": "MOB"}, {"LAchildID": "A", "Disability": "MOB"},
         {"LAchildID": "A", "Disability": "HAND"}, {"LAchildID": "B", "Disability": "MOB"},
         {"LAchildID": "C", "ChildSeq": 3, "Disability": "VIS"}, {"LAchildID": "C", "ChildSeq": 4, "Disability": "VIS"}]
    assert flagged(make_cin({"Disabilities": d}), "8794") == {"Disabilities": [0, 1]}


@pytest.mark.parametrize("code", ["8540", "8555Q", "8585Q", "8606", "8775Q", "8772", "8770Q", "8590", "8820"])
def test_cross_table_rules_run_on_an_empty_return(code):
    assert flagged(make_cin({}), code) == {}
