"""Reading inputs by content: 903 CSV tables, 903 XML, CIN XML; sources, keys and clear refusals."""

import pytest

from tests.helpers import flagged
from validator.errors import UserError
from validator.ingest import load_return

HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
EPISODES = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"

@pytest.fixture(autouse=True, params=["csv module", "pandas C parser"])
def csv_parser(request, monkeypatch):
    """Every case is read both ways csv903 reads CSV: plain Python (most files) and pandas' parser
    (files over LARGE_CSV_CHARS); they must agree."""
    if request.param == "pandas C parser":
        monkeypatch.setattr("validator.ingest.csv903.LARGE_CSV_CHARS", 0)



def write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


def test_csv_tables_recognised_by_header_not_name(tmp_path):
    write(tmp_path / "whatever.csv", HEADER + "1,M,01/01/2015,WBRI,UN1,,\n")
    write(tmp_path / "x.txt.csv", " child , Decom,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN,NOTES\n"
          "1,01/05/2024,S,C2,N1,U1,PR1,,,,,,,hello\n")
    r = load_return([str(tmp_path)], kind="ssda903", year="2024/25")
    assert set(r.tables) == {"Header", "Episodes"}
    e = r.tables["Episodes"]
    assert list(e.raw.columns)[:3] == ["CHILD", "DECOM", "RNE"]
    assert any("NOTES" in n for i in r.inputs for n in i.notes)


def test_csv_columns_in_any_order_and_blank_rows_keep_line_numbers(tmp_path):
    write(tmp_path / "h.csv", "DOB,CHILD,SEX,ETHNIC,UPN,MOTHER,MC_DOB\n01/01/2015,1,M,WBRI,UN1,,\n,,,,,,\n\n31/02/2015,2,F,WBRI,UN1,,\n")
    r = load_return([str(tmp_path / "h.csv")], kind="ssda903", year="2024/25")
    t = r.tables["Header"]
    assert t.frame["CHILD"].tolist() == ["1", "2"]
    assert t.source_line.tolist() == [2, 5]
    assert t.frame["DOB"].tolist() == ["01/01/2015", "31/02/2015"]  # kept as written
    assert t.frame["DOB_date"].isna().tolist() == [False, True]


def test_utf16_and_cp1252_files(tmp_path):
    write(tmp_path / "h.csv", "\ufeff" + HEADER + "1,M,01/01/2015,WBRI,UN1,,\n", "utf-16")
    write(tmp_path / "e.csv", EPISODES + "1,01/05/2024,S,C2,N1,U1,PR1,,,,,,caf\xe9\n", "cp1252")
    r = load_return([str(tmp_path)], kind="ssda903", year="2024/25")
    assert r.tables["Episodes"].frame["URN"].tolist() == ["café"]


def test_unrelated_csv_is_refused_naming_file_and_nearest_table(tmp_path):
    p = write(tmp_path / "sales.csv", "CHILD,SEX,DOB,PRICE\n1,M,01/01/2015,3\n")
    with pytest.raises(UserError) as e:
        load_return([str(p)], kind="ssda903", year="2024/25")
    msg = str(e.value)
    assert "sales.csv" in msg and "Nearest table:" in msg and "missing columns" in msg and "PRICE" in msg


def test_two_files_for_one_table_are_refused(tmp_path):
    write(tmp_path / "a.csv", HEADER + "1,M,01/01/2015,WBRI,UN1,,\n")
    write(tmp_path / "b.csv", HEADER + "2,M,01/01/2015,WBRI,UN1,,\n")
    with pytest.raises(UserError, match=r"Two inputs hold the Header table: .*a\.csv and .*b\.csv"):
        load_return([str(tmp_path)], kind="ssda903", year="2024/25")


def test_903_needs_a_year(tmp_path):
    write(tmp_path / "a.csv", HEADER + "1,M,01/01/2015,WBRI,UN1,,\n")
    with pytest.raises(UserError, match="--year"):
        load_return([str(tmp_path)], kind="ssda903")


XML_903 = """<?xml version="1.0"?>
<EXPSSDA903>
 <CHILD>
  <HEADER><CHILDID>7</CHILDID><SEX>F</SEX><DOB>01/01/2010</DOB><ETHNIC>WBRI</ETHNIC><UPN>UN1</UPN>
   <UASC>1</UASC><DUC/>
   <AREVIEW><REVIEW>01/06/2024</REVIEW><REVIEW_CODE>PN1</REVIEW_CODE></AREVIEW>
   <AREVIEW><REVIEW>01/12/2024</REVIEW><REVIEW_CODE>PN2</REVIEW_CODE></AREVIEW>
   <AMISSING><MISSING>M</MISSING><MIS_START>02/06/2024</MIS_START><MIS_END>03/06/2024</MIS_END></AMISSING>
  </HEADER>
  <EPISODE><DECOM>01/05/2024</DECOM><RNE>S</RNE><LS>C2</LS><CIN>N1</CIN><PL>U1</PL><PL_POST>AB1 2CD</PL_POST><HOME_POST>AB1 2CE</HOME_POST><URN/><PLACE_PROVIDER>PR1</PLACE_PROVIDER><DEC/><REC/><REASON_PLACE_CHANGE/></EPISODE>
 </CHILD>
 <CHILD>
  <HEADER><CHILDID>8</CHILDID><SEX>M</SEX><DOB>02/02/2012</DOB><ETHNIC>WBRI</ETHNIC><UPN>UN1</UPN><UASC>0</UASC></HEADER>
 </CHILD>
</EXPSSDA903>
"""


def test_903_xml_into_the_same_tables(tmp_path):
    p = write(tmp_path / "return.xml", XML_903)
    r = load_return([str(p)], year="2024/25")
    assert r.kind == "ssda903"
    assert r.tables["Header"].frame["CHILD"].tolist() == ["7", "8"]
    assert r.tables["UASC"].frame["CHILD"].tolist() == ["7"]  # <UASC>0</UASC> gives no UASC row
    rev = r.tables["Reviews"]
    assert rev.frame["REVIEW_CODE"].tolist() == ["PN1", "PN2"]
    assert rev.frame["DOB"].tolist() == ["01/01/2010"] * 2
    assert rev.source_path.tolist() == ["/EXPSSDA903/CHILD[1]/HEADER/AREVIEW[1]", "/EXPSSDA903/CHILD[1]/HEADER/AREVIEW[2]"]
    ep = r.tables["Episodes"]
    assert ep.frame["PLACE"].tolist() == ["U1"] and ep.frame["DEC"].isna().all()
    assert ep.source_line.tolist() == [10]


CIN_XML = """<?xml version="1.0" encoding="UTF-8"?>
<Message xmlns="http://www.example.org/cin">
 <Header><CollectionDetails><Collection>CIN</Collection><Year>2025</Year><ReferenceDate>2025-03-31</ReferenceDate></CollectionDetails>
  <Source><SourceLevel>L</SourceLevel><LEA>201</LEA></Source></Header>
 <Children>
  <Child>
   <ChildIdentifiers><LAchildID>A1</LAchildID><PersonBirthDate>2015-01-01</PersonBirthDate><Sex>F</Sex></ChildIdentifiers>
   <ChildCharacteristics><Ethnicity>WBRI</Ethnicity><Disabilities><Disability>MOB</Disability><Disability>HAND</Disability></Disabilities></ChildCharacteristics>
   <CINdetails><CINreferralDate>2024-05-01</CINreferralDate><ReferralSource>1A</ReferralSource><ReferralNFA>false</ReferralNFA>
    <Assessments><AssessmentActualStartDate>2024-05-02</AssessmentActualStartDate>
     <FactorsIdentifiedAtAssessment><AssessmentFactors>2A</AssessmentFactors><AssessmentFactors>3A</AssessmentFactors></FactorsIdentifiedAtAssessment></Assessments>
    <ChildProtectionPlans><CPPstartDate>2024-06-01</CPPstartDate>
     <Reviews><CPPreviewDate>2024-08-01</CPPreviewDate><CPPreviewDate>2024-11-01</CPPreviewDate></Reviews></ChildProtectionPlans>
   </CINdetails>
   <CINdetails><CINreferralDate>2024-09-01</CINreferralDate><ReferralNFA>1</ReferralNFA>
    <ChildProtectionPlans><CPPstartDate>2024-10-01</CPPstartDate></ChildProtectionPlans>
    <ChildProtectionPlans><CPPstartDate>2024-12-01</CPPstartDate><Reviews><CPPreviewDate>2025-01-01</CPPreviewDate></Reviews></ChildProtectionPlans>
   </CINdetails>
  </Child>
  <Child><ChildIdentifiers><LAchildID>A1</LAchildID></ChildIdentifiers><ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>
   <CINdetails><CINreferralDate>2024-05-01</CINreferralDate></CINdetails></Child>
 </Children>
</Message>
"""


def test_cin_xml_namespaced_keeps_every_repeat_and_parent_keys(tmp_path):
    p = write(tmp_path / "cin.xml", CIN_XML)
    r = load_return([str(p)])
    assert (r.kind, r.year.label, r.la) == ("cin", "2024/25", "201")
    assert r.tables["Disabilities"].frame["Disability"].tolist() == ["MOB", "HAND"]
    assert r.tables["AssessmentFactors"].frame["AssessmentFactors"].tolist() == ["2A", "3A"]
    rev = r.tables["Reviews"].frame
    assert rev[["ChildSeq", "CINdetailsID", "CPPID"]].values.tolist() == [[1, 1, 1], [1, 1, 1], [1, 2, 2]]
    assert rev["CPPreviewDate"].tolist() == ["2024-08-01", "2024-11-01", "2025-01-01"]
    plans = r.tables["ChildProtectionPlans"]
    assert plans.frame[["CINdetailsID", "CPPID"]].values.tolist() == [[1, 1], [2, 1], [2, 2]]
    assert plans.source_path.tolist()[2] == "/Message/Children/Child[1]/CINdetails[2]/ChildProtectionPlans[2]"
    cin = r.tables["CINdetails"].frame
    assert cin[["ChildSeq", "CINdetailsID"]].values.tolist() == [[1, 1], [1, 2], [2, 1]]
    assert r.tables["Header"].frame["ReferenceDate_date"].iloc[0].strftime("%Y-%m-%d") == "2025-03-31"


def test_cin_empty_reviews_group_is_a_review_without_a_date(tmp_path):
    """<Reviews/> holds no CPPreviewDate: one Reviews row with a blank date, so that 8842Q sees it."""
    xml = CIN_XML.replace("<CPPstartDate>2024-10-01</CPPstartDate></ChildProtectionPlans>",
                          "<CPPstartDate>2024-10-01</CPPstartDate><Reviews/><Reviews> </Reviews></ChildProtectionPlans>")
    r = load_return([str(write(tmp_path / "cin.xml", xml))])
    rev = r.tables["Reviews"]
    assert rev.frame[["CINdetailsID", "CPPID"]].values.tolist() == [[1, 1], [1, 1], [2, 1], [2, 1], [2, 2]]
    assert rev.frame["CPPreviewDate"].isna().tolist() == [False, False, True, True, False]
    assert rev.source_path.tolist()[2:4] == ["/Message/Children/Child[1]/CINdetails[2]/ChildProtectionPlans[1]/Reviews[1]",
                                             "/Message/Children/Child[1]/CINdetails[2]/ChildProtectionPlans[1]/Reviews[2]"]
    assert flagged(r, "8842Q") == {"Reviews": [2, 3]}


def test_cin_record_elements_last_one_wins_and_generated_keys_are_never_overwritten(tmp_path):
    child = """<Child>
   <ChildIdentifiers><LAchildID>OLD</LAchildID><UPN>U1</UPN></ChildIdentifiers>
   <ChildIdentifiers><LAchildID>B2</LAchildID><UPN>U2</UPN><UPN>U3</UPN><Sex><x/>F</Sex></ChildIdentifiers>
   <CINdetails><CINreferralDate>2024-05-01</CINreferralDate><CINdetailsID>9</CINdetailsID>
    <Assessments><LAchildID>OTHER</LAchildID><AssessmentID>7</AssessmentID><ChildSeq>x</ChildSeq>
     <AssessmentActualStartDate>2024-05-02</AssessmentActualStartDate></Assessments>
    <Section47><S47ActualStartDate>2024-05-03</S47ActualStartDate></Section47></CINdetails></Child>"""
    p = write(tmp_path / "cin.xml", CIN_XML.replace("<Children>", "<Children>" + child))
    r = load_return([str(p)])
    ids = r.tables["ChildIdentifiers"]
    assert ids.raw.iloc[0][["LAchildID", "UPN", "Sex"]].tolist() == ["B2", "U3", ""]  # an element holding one is no value
    assert ids.source_line.tolist()[0] == 7
    a = r.tables["Assessments"].frame.iloc[0]
    assert (a["LAchildID"], a["ChildSeq"], a["CINdetailsID"], a["AssessmentID"]) == ("OTHER", 1, 1, 1)
    s47 = r.tables["Section47"].frame.iloc[0]
    assert (s47["LAchildID"], s47["ChildSeq"], s47["CINdetailsID"]) == ("B2", 1, 1)
    assert r.tables["CINdetails"].frame["CINdetailsID"].tolist()[0] == 1
    assert r.tables["CINdetails"].frame["ChildSeq"].tolist() == [1, 2, 2, 3]


def test_malformed_xml_gives_line_and_column(tmp_path):
    p = write(tmp_path / "bad.xml", "<Message>\n<Children>\n<Child></Chil>\n</Children></Message>")
    with pytest.raises(UserError, match=r"bad\.xml: the XML is not well formed at line 3, column"):
        load_return([str(p)])


def test_external_entities_are_not_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    p = write(tmp_path / "xxe.xml", f"""<?xml version="1.0"?>
<!DOCTYPE Message [<!ENTITY x SYSTEM "file://{secret}">]>
<Message><Header><CollectionDetails><ReferenceDate>2025-03-31</ReferenceDate></CollectionDetails></Header>
<Children><Child><ChildIdentifiers><LAchildID>&x;</LAchildID></ChildIdentifiers></Child></Children></Message>""")
    r = load_return([str(p)])
    assert "TOPSECRET" not in str(r.tables["ChildIdentifiers"].raw.values.tolist())


def test_cin_given_as_903_is_refused(tmp_path):
    p = write(tmp_path / "cin.xml", CIN_XML)
    with pytest.raises(UserError, match=r"cin\.xml: this is a CIN census, but --return ssda903 was given"):
        load_return([str(p)], kind="ssda903", year="2024/25")


def test_empty_file_and_other_xml(tmp_path):
    with pytest.raises(UserError, match="empty"):
        load_return([str(write(tmp_path / "e.csv", "  \n"))], kind="ssda903", year="2024/25")
    with pytest.raises(UserError, match="root element is <rss>"):
        load_return([str(write(tmp_path / "f.xml", "<rss><channel/></rss>"))])


def test_messy_values_are_normalised_for_rules_and_reported(tmp_path):
    write(tmp_path / "h.csv", HEADER + " 1.0 ,M ,2015-01-01,NULL,UN1,,\n2,F,01/01/2015,WBRI,UN1,-,\n3,M,42005,WBRI,UN1,,\n")
    r = load_return([str(tmp_path)], kind="ssda903", year="2024/25")
    t = r.tables["Header"]
    assert t.frame["CHILD"].tolist() == ["1", "2", "3"]
    assert t.frame["SEX"].tolist() == ["M", "F", "M"]
    assert t.frame["ETHNIC"].isna().tolist() == [True, False, False]
    assert t.frame["DOB_date"].dt.strftime("%Y-%m-%d").tolist() == ["2015-01-01", "2015-01-01", "2015-01-01"]
    assert t.raw["CHILD"].tolist()[0] == " 1.0 "  # as written, for the report
    kinds = {(n.column, n.kind): (n.count, n.examples) for n in t.normalised}
    assert kinds == {
        ("CHILD", "spaces"): (1, [" 1.0 "]), ("CHILD", "excel-number"): (1, [" 1.0 "]),
        ("SEX", "spaces"): (1, ["M "]), ("ETHNIC", "blank-token"): (1, ["NULL"]),
        ("MOTHER", "blank-token"): (1, ["-"]), ("DOB", "date-layout"): (1, ["2015-01-01"]),
        ("DOB", "excel-serial-date"): (1, ["42005"]),
    }


def test_cin_none_disability_is_a_code_not_a_blank(tmp_path):
    p = write(tmp_path / "cin.xml", CIN_XML.replace("<Disability>MOB</Disability>", "<Disability>NONE</Disability>"))
    r = load_return([str(p)])
    assert r.tables["Disabilities"].frame["Disability"].tolist() == ["NONE", "HAND"]


def test_cin_xml_text_like_null_is_a_value_not_a_blank(tmp_path):
    """Exports of tables write NULL or NA for an empty cell (read as blank, with a note); in XML an
    element's text is what the system wrote, and DfE reads it so: NA is an invalid FormerUPN."""
    xml = CIN_XML.replace("<Sex>F</Sex>", "<Sex>F</Sex><FormerUPN>NA</FormerUPN>").replace(
        "<ReferralSource>1A</ReferralSource>", "<ReferralSource>NULL</ReferralSource>")
    r = load_return([str(write(tmp_path / "cin.xml", xml))])
    assert r.tables["ChildIdentifiers"].frame["FormerUPN"].tolist()[0] == "NA"
    assert r.tables["CINdetails"].frame["ReferralSource"].tolist()[0] == "NULL"
    assert not [n for t in r.tables.values() for n in t.normalised if n.kind == "blank-token"]
    assert flagged(r, "1560Q") == {"ChildIdentifiers": [0]}


def test_xlsx_sheets_with_title_rows_hidden_rows_numbers_and_dates(tmp_path):
    import datetime as dt

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Children"
    ws.append(["SSDA903 header extract"])  # title row
    ws.append([])
    ws.append(["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB", None])
    ws.append([1234, "M", dt.datetime(2015, 1, 2), "WBRI", "UN1", None, None, None])
    ws.append([None] * 8)
    ws.append([5678.0, "F", "03/04/2016", "WBRI", "UN1", 0, None, None])
    ws.row_dimensions[6].hidden = True
    wb.create_sheet("Notes").append(["anything"])
    p = tmp_path / "return.xlsx"
    wb.save(p)
    r = load_return([str(p)], kind="ssda903", year="2024/25")
    t = r.tables["Header"]
    assert t.frame["CHILD"].tolist() == ["1234", "5678"]
    assert t.frame["DOB"].tolist() == ["02/01/2015", "03/04/2016"]
    assert t.frame["MOTHER"].tolist()[1] == "0"
    assert t.source_line.tolist() == [4, 6]
    notes = " | ".join(r.inputs[0].notes)
    assert "header found on row 3" in notes and "1 hidden row(s) read as data (rows 6)" in notes
    assert "sheet 'Notes' ignored" in notes


def test_last_years_return_given_as_current_is_refused(tmp_path):
    rows = "".join(f"{i},01/05/2023,S,C2,N1,U1,PR1,01/06/2023,E11,,,,\n" for i in range(25))
    write(tmp_path / "e.csv", EPISODES + rows)
    with pytest.raises(UserError, match=r"no date in the return falls in 2024/25 .*last year's return"):
        load_return([str(tmp_path)], kind="ssda903", year="2024/25")
    assert load_return([str(tmp_path)], kind="ssda903", year="2023/24").year.label == "2023/24"


def test_cin_year_option_contradicting_header_is_refused(tmp_path):
    p = write(tmp_path / "cin.xml", CIN_XML)
    with pytest.raises(UserError, match=r"header says 2024/25, but --year 2023/24 was given"):
        load_return([str(p)], year="2023/24")


def test_cin_year_is_the_headers_year_and_a_stale_reference_date_is_rule_100s(tmp_path):
    """<Year>2025</Year> is the 2024/25 census; a ReferenceDate of 2024-03-31 is wrong (rule 100),
    not a sign of another year."""
    p = write(tmp_path / "cin.xml", CIN_XML.replace("<ReferenceDate>2025-03-31", "<ReferenceDate>2024-03-31"))
    for year in (None, "2024/25"):
        r = load_return([str(p)], year=year)
        assert r.year.label == "2024/25"
        assert flagged(r, "100") == {"Header": [0]}
    no_year = write(tmp_path / "no_year.xml", CIN_XML.replace("<Year>2025</Year>", ""))
    assert load_return([str(no_year)]).year.label == "2024/25"  # from the ReferenceDate


def test_binary_junk_and_header_only_tables(tmp_path):
    with pytest.raises(UserError, match="binary content"):
        load_return([str(write(tmp_path / "x.csv", "abc\x00\x01\x02def"))], kind="ssda903", year="2024/25")
    (tmp_path / "x.csv").unlink()
    write(tmp_path / "h.csv", HEADER)
    r = load_return([str(tmp_path)], kind="ssda903", year="2024/25")
    assert r.tables["Header"].frame.empty
    assert "Header: the table has a header row and no data rows" in r.inputs[0].notes


def test_billion_laughs_is_not_expanded(tmp_path):
    lol = "".join(f'<!ENTITY l{i} "{"&l%d;" % (i - 1) * 10}">' for i in range(1, 10))
    p = write(tmp_path / "lol.xml", f"""<?xml version="1.0"?>
<!DOCTYPE Message [<!ENTITY l0 "lol">{lol}]>
<Message><Header><CollectionDetails><ReferenceDate>2025-03-31</ReferenceDate></CollectionDetails></Header>
<Children><Child><ChildIdentifiers><LAchildID>&l9;</LAchildID></ChildIdentifiers></Child></Children></Message>""")
    try:
        r = load_return([str(p)])
        assert len(r.tables["ChildIdentifiers"].raw["LAchildID"].iloc[0]) < 1000
    except UserError as e:  # refusing the file is fine too, as long as nothing is expanded
        assert "lol.xml" in str(e)


def test_exported_derived_placement_columns_are_kept_not_reported_as_extra(tmp_path):
    write(tmp_path / "e.csv", EPISODES.strip() + ",pl_location,Other\n1,01/05/2024,S,C2,N1,U1,PR1,,,,,,,IN,x\n")
    r = load_return([str(tmp_path)], kind="ssda903", year="2024/25")
    assert r.tables["Episodes"].frame["PL_LOCATION"].tolist() == ["IN"]
    assert r.inputs[0].notes == ["Episodes: extra columns not used by DfE: Other"]


def test_cycle_collection_is_paused_while_reading_only(tmp_path):
    import gc

    write(tmp_path / "h.csv", HEADER + "1,M,01/01/2015,WBRI,UN1,,\n")
    load_return([str(tmp_path)], kind="ssda903", year="2024/25")
    assert gc.isenabled()
    with pytest.raises(UserError):
        load_return([str(write(tmp_path / "x.xml", "<Message><Children>"))])
    assert gc.isenabled()


def test_last_years_tables_are_typed_when_first_read_and_alike(tmp_path):
    """Last year's tables are typed on first use (the rules of a year read only some of them); their
    normalisations alone (what the reports need) do not type the frame. Both are what this year's
    typing makes of the same file."""
    from validator.model import TypedLater

    messy = HEADER + " 1.0 ,M ,2015-01-01,NULL,UN1,,\n2,F,01/01/2015,WBRI,UN1,-,\n"
    write((tmp_path / "now").mkdir() or tmp_path / "now" / "h.csv", messy)
    write((tmp_path / "then").mkdir() or tmp_path / "then" / "h.csv", messy)
    r = load_return([str(tmp_path / "now")], previous=[str(tmp_path / "then")], kind="ssda903", year="2024/25")
    now, then = r.tables["Header"], r.tables["Header_last"]
    assert not isinstance(now.__dict__["_frame"], TypedLater)
    assert isinstance(then.__dict__["_frame"], TypedLater)
    assert then.rows == 2 and then.has_column("CHILD") and not then.has_column("DOB_date")
    assert isinstance(then.__dict__["_frame"], TypedLater)  # neither typed the table
    notes = [n.as_dict() for n in then.normalised]
    assert isinstance(then.__dict__["_frame"], TypedLater)
    assert notes == [n.as_dict() for n in now.normalised] and len(notes) == 6
    assert then.frame.equals(now.frame)
    assert not isinstance(then.__dict__["_frame"], TypedLater)
    assert [n.as_dict() for n in then.normalised] == notes


def test_written_in_is_isin_on_the_text_as_written(tmp_path):
    """Table.written_in asks each distinct text once; the rows are those raw[column].isin gives."""
    write(tmp_path / "h.csv", HEADER + " 1 ,M,01/01/2015,WBRI,UN1,,\n1,F,01/01/2015,WBRI,UN1,,\n2,M,,,,,\n1,M,,,,,\n")
    t = load_return([str(tmp_path)], kind="ssda903", year="2024/25").tables["Header"]
    for texts in ({"1"}, {" 1 "}, {"1", "2"}, {"UN1"}, set()):
        assert t.written_in("CHILD", texts).tolist() == t.raw["CHILD"].isin(texts).tolist()
    assert t.written_in("CHILD", {"1"}).tolist() == [False, True, False, True]
