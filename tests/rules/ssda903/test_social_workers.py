"""SWEpisodes rules (from 2023/24), each version by year."""

import pytest

from tests.helpers import flagged, make_903

SW = {"DOB": "01/01/2015", "SW_ID": "SW123", "SW_REASON": "MANAGE"}
EP = {"RNE": "S", "LS": "C2", "CIN": "N1", "PLACE": "U1", "PLACE_PROVIDER": "PR1"}


def sw(rows, year="2024/25", episodes=()):
    """rows: (CHILD, changes) pairs for SWEpisodes; episodes likewise for Episodes."""
    tables = {"SWEpisodes": [{**SW, "CHILD": c, **ch} for c, ch in rows]}
    if episodes:
        tables["Episodes"] = [{**EP, "CHILD": c, **ch} for c, ch in episodes]
    return make_903(tables, year=year)


# --- completeness --------------------------------------------------------------------------------

def test_sw01stg1_cla_without_sw_episodes_2023():
    r = sw([("a", {"SW_DECOM": "01/04/2023"})], year="2023/24",
           episodes=[("a", {"DECOM": "01/01/2020"}), ("b", {"DECOM": "01/01/2020"}),
                     ("c", {"DECOM": "01/01/2020", "LS": "V3"}),  # short breaks: not CLA at 31 March
                     ("d", {"DECOM": "01/01/2020", "DEC": "01/05/2023", "REC": "E8"})])  # left care
    assert flagged(r, "SW01STG1") == {"Episodes": [1]}


def test_sw03stg1_complete_2023():
    r = sw([("a", {"SW_DECOM": "01/04/2023"}), ("b", {"SW_DECOM": "01/04/2023", "SW_REASON": ""}),
            ("c", {"SW_DECOM": ""}), ("d", {"SW_DECOM": "01/04/2023", "SW_ID": ""})], year="2023/24")
    assert flagged(r, "SW03STG1") == {"SWEpisodes": [1, 2, 3]}


def test_sw01a_sw01b_complete_by_start_date_2024():
    r = sw([
        ("a", {"SW_DECOM": "01/01/2023", "SW_REASON": ""}),  # before 1 April 2023: reason not needed
        ("b", {"SW_DECOM": "01/01/2023", "SW_ID": ""}),  # SW01a
        ("c", {"SW_DECOM": "01/04/2023", "SW_REASON": ""}),  # SW01b
        ("d", {"SW_DECOM": "01/04/2023", "SW_ID": ""}),  # SW01b
        ("e", {"SW_DECOM": ""}),  # both
        ("f", {"SW_DECOM": "01/06/2024"}),
    ])
    assert flagged(r, "SW01aSTG1") == {"SWEpisodes": [1, 4]}
    assert flagged(r, "SW01bSTG1") == {"SWEpisodes": [2, 3, 4]}


# --- codes and dates -----------------------------------------------------------------------------

def test_sw02stg1_prefix_by_year():
    rows = [(str(i), {"SW_DECOM": "01/06/2024", "SW_ID": v}) for i, v in enumerate(["SW123", "XX9", "AB123", "sw123", "SW", ""])]
    assert flagged(sw(rows, year="2023/24"), "SW02STG1") == {"SWEpisodes": [2, 3]}
    assert flagged(sw(rows, year="2024/25"), "SW02STG1") == {"SWEpisodes": [2, 3]}
    assert flagged(sw(rows, year="2025/26"), "SW02STG1") == {"SWEpisodes": [1, 2, 3, 4]}  # too short from 2025/26


@pytest.mark.parametrize("year", ["2023/24", "2025/26"])
def test_sw04_sw05_dates(year):
    r = sw([("a", {"SW_DECOM": "01/06/2023", "SW_DEC": "02/07/2023"}), ("b", {"SW_DECOM": "31/02/2023", "SW_DEC": ""}),
            ("c", {"SW_DECOM": "2023-06-01", "SW_DEC": "1/13/2023"}), ("d", {"SW_DECOM": ""})], year=year)
    assert flagged(r, "SW04STG1") == {"SWEpisodes": [1, 2]}
    assert flagged(r, "SW05STG1") == {"SWEpisodes": [2]}


def test_sw13stg1_reason_by_year():
    rows = [(str(i), {"SW_DECOM": "01/06/2023", "SW_REASON": v}) for i, v in enumerate(["FCONTA", "XXXXXX", "", "pcchan"])]
    rows.append(("bad_date", {"SW_DECOM": "31/02/2024", "SW_REASON": "NOPE"}))  # a bad date does not stop the rule
    assert flagged(sw(rows, year="2023/24"), "SW13STG1") == {"SWEpisodes": [1, 2, 3, 4]}
    assert flagged(sw(rows, year="2024/25"), "SW13STG1") == {"SWEpisodes": [1, 3, 4]}
    assert flagged(sw(rows, year="2026/27"), "SW13STG1") == {"SWEpisodes": [1, 3, 4]}


def test_sw06stg2_start_after_year_end():
    r = sw([("a", {"SW_DECOM": "31/03/2025"}), ("b", {"SW_DECOM": "01/04/2025"}), ("c", {"SW_DECOM": "01/01/2019"}),
            ("d", {"SW_DECOM": "99/99/2025"})])
    assert flagged(r, "SW06STG2") == {"SWEpisodes": [1]}


def test_sw07stg2_end_date_window_by_year():
    rows = [("a", {"SW_DECOM": "01/01/2022", "SW_DEC": d}) for d in ("31/03/2023", "01/04/2023", "31/03/2024",
                                                                     "01/04/2024", "31/03/2025", "01/04/2025", "")]
    assert flagged(sw(rows, year="2023/24"), "SW07STG2") == {"SWEpisodes": [0, 3, 4, 5]}
    # from 2024/25 the reporting period starts a year earlier (1 April 2023 for 2024/25)
    assert flagged(sw(rows, year="2024/25"), "SW07STG2") == {"SWEpisodes": [0, 5]}


def test_sw09_sw18_duration():
    rows = [("a", {"SW_DECOM": "01/06/2025", "SW_DEC": "01/06/2025"}), ("b", {"SW_DECOM": "01/06/2025", "SW_DEC": "02/06/2025"}),
            ("c", {"SW_DECOM": "01/06/2025", "SW_DEC": "31/05/2025"}), ("d", {"SW_DECOM": "01/06/2025"})]
    assert flagged(sw(rows, year="2023/24"), "SW09STG2") == {"SWEpisodes": [0]}
    assert flagged(sw(rows, year="2025/26"), "SW09STG2") == {"SWEpisodes": [0]}
    assert flagged(sw(rows, year="2025/26"), "SW18STG2") == {"SWEpisodes": [2]}


def test_sw19stg2_same_start_twice():
    r = sw([("a", {"SW_DECOM": "01/06/2025", "SW_DEC": "05/06/2025"}), ("a", {"SW_DECOM": "01/06/2025"}),
            ("a", {"SW_DECOM": "06/06/2025"}), ("b", {"SW_DECOM": "01/06/2025"}), ("b", {"SW_DECOM": "bad"}),
            ("b", {"SW_DECOM": "bad"})], year="2025/26")
    assert flagged(r, "SW19STG2") == {"SWEpisodes": [0, 1]}


# --- sequences -----------------------------------------------------------------------------------

def test_sw08_sw14_open_episode_followed_by_another():
    rows = [("a", {"SW_DECOM": "01/06/2023"}), ("a", {"SW_DECOM": "01/05/2023"}),  # row 1 open, later one exists
            ("b", {"SW_DECOM": "01/05/2023", "SW_DEC": "01/06/2023"}), ("b", {"SW_DECOM": "01/06/2023"}),
            ("c", {"SW_DECOM": "01/05/2023"}), ("c", {"SW_DECOM": "bad"})]
    assert flagged(sw(rows, year="2023/24"), "SW08STG2") == {"SWEpisodes": [1]}
    assert flagged(sw(rows, year="2023/24"), "SW14STG2") == {"SWEpisodes": [1]}
    assert flagged(sw(rows, year="2026/27"), "SW08STG2") == {"SWEpisodes": [1]}


def _gap_rows():
    return [
        ("a", {"SW_DECOM": "01/05/2023", "SW_DEC": "01/06/2023"}), ("a", {"SW_DECOM": "08/06/2023"}),  # 7 days: fine
        ("b", {"SW_DECOM": "01/05/2023", "SW_DEC": "01/06/2023"}), ("b", {"SW_DECOM": "09/06/2023"}),  # 8 days: flagged
        ("c", {"SW_DECOM": "01/05/2023", "SW_DEC": "01/08/2023"}), ("c", {"SW_DECOM": "01/07/2023"}),  # overlap 31 days
        ("d", {"SW_DECOM": "01/05/2023", "SW_DEC": "01/06/2023"}), ("d", {"SW_DECOM": "01/09/2023", "SW_REASON": "FCONTA"}),
        ("e", {"SW_DECOM": "01/05/2023"}), ("e", {"SW_DECOM": "01/09/2023"}),  # previous open: SW08's concern
        ("f", {"SW_DECOM": "01/05/2023", "SW_DEC": "01/06/2023"}), ("f", {"SW_DECOM": "01/09/2023", "SW_REASON": ""}),
    ]


def test_sw10stg2_by_year():
    assert flagged(sw(_gap_rows(), year="2023/24"), "SW10STG2") == {"SWEpisodes": [3, 5, 7, 11]}
    assert flagged(sw(_gap_rows(), year="2024/25"), "SW10STG2") == {"SWEpisodes": [3, 5, 11]}  # FCONTA exempt


def test_sw10a_sw10b_2025():
    rows = _gap_rows() + [
        ("g", {"SW_DECOM": "01/05/2025", "SW_DEC": "01/06/2025"}), ("g", {"SW_DECOM": "01/06/2025", "SW_REASON": "FCONTA"}),
        ("h", {"SW_DECOM": "01/05/2025", "SW_DEC": "01/06/2025"}), ("h", {"SW_DECOM": "02/06/2025", "SW_REASON": "FCONTA"}),
    ]
    r = sw(rows, year="2025/26")
    assert flagged(r, "SW10aSTG2") == {"SWEpisodes": [3, 5, 11]}
    assert flagged(r, "SW10bSTG2") == {"SWEpisodes": [13]}  # first contact on the previous end day


def _ended_rows(y):
    """Episodes ending around 31 March of year y + 1 (the end of collection year y/y+1)."""
    z = y + 1
    return [
        ("a", {"SW_DECOM": f"01/05/{y}", "SW_DEC": f"01/02/{z}"}),  # ended early, nothing after: 11a
        ("b", {"SW_DECOM": f"01/05/{y}", "SW_DEC": f"01/02/{z}"}), ("b", {"SW_DECOM": f"02/02/{z}"}),
        ("c", {"SW_DECOM": f"01/05/{y}", "SW_DEC": f"27/03/{z}"}),  # near the end: 11b
        ("d", {"SW_DECOM": f"01/05/{y}", "SW_DEC": f"26/03/{z}"}),  # 5 days before: 11b
        ("e", {"SW_DECOM": f"01/05/{y}", "SW_DEC": f"25/03/{z}"}),  # 6 days before: 11a
        ("f", {"SW_DECOM": f"01/05/{y}", "SW_DEC": f"31/03/{z}"}),  # on 31 March: not "before"
        ("g", {"SW_DECOM": f"01/05/{y}", "SW_DEC": f"28/03/{z}"}), ("g", {"SW_DECOM": "bad"}),  # unknown: skipped
        ("h", {"SW_DECOM": f"01/05/{y}"}),
    ]


def test_sw11a_sw11b_ended_without_successor():
    r = sw(_ended_rows(2023), year="2023/24")
    assert flagged(r, "SW11aSTG2") == {"SWEpisodes": [0, 5]}
    assert flagged(r, "SW11bSTG2") == {"SWEpisodes": [3, 4]}
    assert flagged(sw(_ended_rows(2025), year="2025/26"), "SW11bSTG2") == {"SWEpisodes": [3, 4]}
    assert flagged(sw(_ended_rows(2023), year="2025/26"), "SW11bSTG2") == {}  # other years' dates


def test_sw17stg2_latest_episode_must_be_open():
    r = sw([
        ("a", {"SW_DECOM": "01/05/2025", "SW_DEC": "01/06/2025"}), ("a", {"SW_DECOM": "02/06/2025"}),
        ("b", {"SW_DECOM": "01/05/2025"}), ("b", {"SW_DECOM": "02/06/2025", "SW_DEC": "01/07/2025"}),  # latest closed
        ("c", {"SW_DECOM": "01/05/2025", "SW_DEC": "01/06/2025"}), ("c", {"SW_DECOM": "bad"}),  # cannot tell
        ("d", {"SW_DECOM": "01/05/2025", "SW_DEC": "01/07/2025"}),
    ], year="2025/26")
    assert flagged(r, "SW17STG2") == {"SWEpisodes": [3, 6]}


@pytest.mark.parametrize("year", ["2023/24", "2024/25"])
def test_sw12stg2_sw_episodes_cover_the_year(year):
    y = int(year[:4])
    eps = [(c, {"DECOM": f"01/06/{y}"}) for c in "abcde"] + [("f", {"DECOM": "01/01/2020", "DEC": f"01/06/{y}", "REC": "E8"})]
    rows = [
        ("a", {"SW_DECOM": f"01/01/{y}", "SW_DEC": f"01/07/{y}"}), ("a", {"SW_DECOM": f"01/07/{y}"}),  # covers the year
        ("b", {"SW_DECOM": f"01/06/{y}"}),  # starts 1 June: flagged
        ("c", {"SW_DECOM": f"01/06/{y}", "SW_REASON": "FCONTA"}),  # first contact: fine
        ("d", {"SW_DECOM": f"05/05/{y}", "DOB": f"01/05/{y}"}), ("d", {"SW_DECOM": f"01/06/{y}"}),  # born 1 May: flagged
        ("e", {"SW_DECOM": f"01/05/{y}", "DOB": f"01/05/{y}"}),  # from birth: fine
        ("f", {"SW_DECOM": f"01/05/{y}"}),  # not looked after on 31 March
    ]
    assert flagged(sw(rows, year=year, episodes=eps), "SW12STG2") == {"SWEpisodes": [2, 4]}


def test_sw12stg2_from_2024_a_cla_child_without_sw_episodes():
    eps = [("a", {"DECOM": "01/01/2020"}), ("b", {"DECOM": "01/01/2020"}), ("c", {"DECOM": "01/01/2020", "LS": "V4"})]
    rows = [("a", {"SW_DECOM": "01/01/2020"})]
    assert flagged(sw(rows, year="2023/24", episodes=eps), "SW12STG2") == {}  # SW01STG1's finding that year
    assert flagged(sw(rows, year="2024/25", episodes=eps), "SW12STG2") == {"Episodes": [1]}
    assert flagged(sw(rows, year="2026/27", episodes=eps), "SW12STG2") == {"Episodes": [1]}
