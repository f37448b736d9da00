import numpy as np

from tests.helpers import flagged, make_903

H = {"SEX": "M", "DOB": "01/02/2008", "ETHNIC": "WBRI", "UPN": "UN2"}


def hdr(*rows):
    return [{**H, **r} for r in rows]


def uasc(*rows):
    return [{"SEX": "M", "DOB": "01/02/2008", **r} for r in rows]


def as_xml(r, *keys):
    """Mark tables as read from XML (rows carry an XML path), as the XML reader does."""
    for key in keys:
        t = r.tables[key]
        t.source_path = np.array([f"/EXPSSDA903/CHILD[{i + 1}]/HEADER" for i in range(len(t.frame))])
    return r


def test_104_duc_not_valid_date():
    r = make_903({"UASC": uasc({"CHILD": "1", "DUC": ""}, {"CHILD": "2", "DUC": "01/05/2024"},
                               {"CHILD": "3", "DUC": "31/04/2024"}, {"CHILD": "4", "DUC": "2024-05-01"})})
    assert flagged(r, "104") == {"UASC": [2, 3]}


def test_105_uasc_flag_xml_only():
    rows = hdr({"CHILD": "1", "UASC": "1"}, {"CHILD": "2", "UASC": "0"}, {"CHILD": "3", "UASC": ""}, {"CHILD": "4", "UASC": "2"})
    assert flagged(make_903({"Header": rows}), "105") == {"Header": [2, 3]}
    # an XML file where no child carries the flag: every row is flagged
    r = as_xml(make_903({"Header": hdr({"CHILD": "1"}, {"CHILD": "2"})}), "Header")
    assert flagged(r, "105") == {"Header": [0, 1]}
    # a CSV Header has no UASC flag at all: nothing to check
    assert flagged(make_903({"Header": hdr({"CHILD": "1"}), "UASC": uasc({"CHILD": "1"})}), "105") == {}


def test_231_uasc_under_11_at_year_end():
    # CSV: UASC children are those in the UASC table. 2024/25 ends 31/03/2025.
    r = make_903({
        "Header": hdr({"CHILD": "1", "DOB": "31/03/2014"}, {"CHILD": "2", "DOB": "01/04/2014"},
                      {"CHILD": "3", "DOB": "01/04/2014"}, {"CHILD": "4", "DOB": "bad"}),
        "UASC": uasc({"CHILD": "1"}, {"CHILD": "2"}, {"CHILD": "4"}),
    })
    assert flagged(r, "231") == {"Header": [1]}
    # XML: the flag decides (child 2 has a UASC row because of a DUC, but flag 0)
    r = make_903({
        "Header": hdr({"CHILD": "1", "DOB": "01/04/2015", "UASC": "1"}, {"CHILD": "2", "DOB": "01/04/2015", "UASC": "0"}),
        "UASC": uasc({"CHILD": "2", "DUC": "01/05/2024"}),
    }, year="2025/26")
    assert flagged(r, "231") == {"Header": [0]}


def test_303_duc_given_but_flag_not_1():
    r = make_903({
        "Header": hdr({"CHILD": "1", "UASC": "1"}, {"CHILD": "2", "UASC": "0"}, {"CHILD": "3", "UASC": "0"},
                      {"CHILD": "4", "UASC": ""}),
        "UASC": uasc({"CHILD": "1", "DUC": "01/05/2024"}, {"CHILD": "2", "DUC": "01/05/2024"}, {"CHILD": "4", "DUC": "x"},
                     {"CHILD": "5", "DUC": "01/05/2024"}),
    })
    assert flagged(r, "303") == {"UASC": [1, 2], "Header": [1, 3]}
    # CSV: being in the UASC table makes the child UASC, so a DUC is always allowed
    csv = make_903({"Header": hdr({"CHILD": "1"}), "UASC": uasc({"CHILD": "1", "DUC": "01/05/2024"})})
    assert flagged(csv, "303") == {}


def test_304_duc_after_18th_birthday():
    r = make_903({
        "Header": hdr({"CHILD": "4", "DOB": "01/02/2007"}),
        "UASC": uasc(
            {"CHILD": "1", "DOB": "01/02/2007", "DUC": "01/02/2025"},  # on the birthday
            {"CHILD": "2", "DOB": "01/02/2007", "DUC": "02/02/2025"},  # day after
            {"CHILD": "3", "DOB": "29/02/2008", "DUC": "01/03/2026"},  # born 29 Feb: 18 on 1 March
            {"CHILD": "4", "DOB": "", "DUC": "02/02/2025"},  # DOB from Header
            {"CHILD": "5", "DOB": "01/02/2007", "DUC": ""},
        ),
    })
    assert flagged(r, "304") == {"UASC": [1, 3]}


def _cross(now_h, now_u, last_h, last_u, year="2024/25"):
    return make_903({"Header": now_h, "UASC": now_u}, year=year, previous={"Header": last_h, "UASC": last_u})


def test_205a_uasc_last_year_not_this_year():
    # XML flags. 2024/25: last year 2023/24 ended 31/03/2024.
    r = _cross(
        hdr(*({"CHILD": c, "UASC": "0"} for c in "12345")),
        uasc({"CHILD": "4", "DUC": "01/06/2024"}, {"CHILD": "5", "DUC": "01/06/2023"}),
        hdr(*({"CHILD": c, "UASC": "1"} for c in "123456")),
        uasc({"CHILD": "1", "DUC": "01/06/2023"},  # ceased last year: fine
             {"CHILD": "2", "DUC": ""},  # still UASC at the end of last year: flagged
             {"CHILD": "3", "DUC": "01/06/2024"},  # ceases after last year: flagged
             {"CHILD": "4", "DUC": "01/06/2023"},  # this year's DUC disagrees: flagged
             {"CHILD": "5", "DUC": "01/06/2023"}),  # same DUC both years: fine
    )
    assert flagged(r, "205A") == {"Header": [1, 2, 3], "UASC": [0]}


def test_205a_csv_uses_uasc_table():
    r = _cross(hdr({"CHILD": "1"}, {"CHILD": "2"}), [], hdr({"CHILD": "1"}, {"CHILD": "2"}),
               uasc({"CHILD": "1", "DUC": "10/10/2023"}, {"CHILD": "2", "DUC": ""}))
    assert flagged(r, "205A") == {"Header": [1]}


def test_205b_uasc_both_years_dates_disagree():
    # 2024/25; last year ended 31/03/2024
    now_duc = ["", "01/06/2024", "01/06/2023", "", "01/06/2024", "01/06/2023", "01/06/2025", "bad"]
    last_duc = ["", "", "01/06/2023", "01/06/2023", "01/06/2023", "", "01/06/2024", "01/06/2023"]
    kids = [str(i) for i in range(len(now_duc))]
    r = _cross(hdr(*({"CHILD": c} for c in kids)), uasc(*({"CHILD": c, "DUC": d} for c, d in zip(kids, now_duc))),
               hdr(*({"CHILD": c} for c in kids)), uasc(*({"CHILD": c, "DUC": d} for c, d in zip(kids, last_duc))))
    # 0 still UASC; 1 ceased this year; 2 same DUC carried over; 3 ceased last year but blank now;
    # 4 ceased last year, another date now; 5 ceased before this year but still UASC last year;
    # 6 projected date changed; 7 not a date
    assert flagged(r, "205B") == {"Header": [3, 4, 5], "UASC": [3, 4, 5]}
    # a child not UASC this year (CSV: not in the UASC table) is rule 205A's
    r = _cross(hdr({"CHILD": "1"}), [], hdr({"CHILD": "1"}), uasc({"CHILD": "1", "DUC": "01/06/2023"}))
    assert flagged(r, "205B") == {}


def test_205c_duc_but_not_uasc_either_year():
    r = _cross(
        hdr({"CHILD": "1", "UASC": "0"}, {"CHILD": "2", "UASC": "0"}, {"CHILD": "3", "UASC": "0"}, {"CHILD": "4", "UASC": "1"},
            {"CHILD": "5", "UASC": "0"}),
        uasc({"CHILD": "1", "DUC": "01/06/2024"}),
        hdr({"CHILD": "1", "UASC": "0"}, {"CHILD": "2", "UASC": "0"}, {"CHILD": "3", "UASC": "0"}, {"CHILD": "4", "UASC": "0"}),
        uasc({"CHILD": "2", "DUC": "01/06/2023"}, {"CHILD": "4", "DUC": "01/06/2023"}),
    )
    # 1: DUC this year; 2: DUC last year; 3: no DUC; 4: UASC this year; 5: not in last year's return
    assert flagged(r, "205C") == {"Header": [0, 1], "UASC": [0]}


def test_205d_uasc_now_not_last_year():
    r = _cross(
        hdr({"CHILD": "1"}, {"CHILD": "2"}, {"CHILD": "3"}, {"CHILD": "4"}),
        uasc({"CHILD": "1"}, {"CHILD": "2"}, {"CHILD": "4"}),
        hdr({"CHILD": "1"}, {"CHILD": "2"}, {"CHILD": "3"}),
        uasc({"CHILD": "2"}),
    )
    # 1 UASC now, not last year: flagged; 2 both; 3 neither; 4 new this year
    assert flagged(r, "205D") == {"Header": [0], "UASC": [0]}


def test_xml_uasc_table_does_not_repeat_sex_and_dob():
    """The XML form has no UASC.SEX / UASC.DOB columns: 304 uses the Header DOB, INT18/INT21 find nothing."""
    r = as_xml(make_903({
        "Header": hdr({"CHILD": "1", "DOB": "01/02/2007", "UASC": "1"}, {"CHILD": "2", "DOB": "01/02/2007", "UASC": "1"}),
        "UASC": uasc({"CHILD": "1", "DUC": "01/02/2025"}, {"CHILD": "2", "DUC": "02/02/2025", "SEX": "F", "DOB": "01/01/2000"}),
    }), "Header", "UASC")
    r.tables["UASC"].frame = r.tables["UASC"].frame.drop(columns=["SEX", "DOB", "DOB_date"])
    assert flagged(r, "304") == {"UASC": [1]}
    assert flagged(r, "INT18") == {}
    assert flagged(r, "INT21") == {}
