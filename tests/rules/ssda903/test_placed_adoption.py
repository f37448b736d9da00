from tests.helpers import flagged, make_903

PA = {"CHILD": "1", "DOB": "01/01/2020", "DATE_PLACED": "01/06/2024"}
AD = {"CHILD": "1", "DOB": "01/01/2020", "DATE_INT": "01/06/2024", "DATE_MATCH": "01/07/2024", "FOSTER_CARE": "0",
      "NB_ADOPTR": "2", "SEX_ADOPTR": "MF", "LS_ADOPTR": "L11"}
CEASED = {"DATE_PLACED_CEASED": "01/09/2024", "REASON_PLACED_CEASED": "RD1"}


def pa(*rows, year="2024/25", previous=None, **tables):
    return make_903({"PlacedAdoption": [{**PA, **r} for r in rows], **tables}, year=year, previous=previous)


def test_115_116_dates_not_valid():
    r = pa({}, {"DATE_PLACED": "31/09/2024", "DATE_PLACED_CEASED": "1/10/2024"}, {"DATE_PLACED": ""},
           {"DATE_PLACED_CEASED": "02/10/2024"})
    assert flagged(r, "115") == {"PlacedAdoption": [1]}
    assert flagged(r, "116") == {"PlacedAdoption": [1]}


def test_119_ceased_date_and_reason_together():
    r = pa({}, CEASED, {"DATE_PLACED_CEASED": "01/09/2024"}, {"REASON_PLACED_CEASED": "RD2"})
    assert flagged(r, "119") == {"PlacedAdoption": [2, 3]}


def test_120_reason_code():
    r = pa({}, CEASED, {**CEASED, "REASON_PLACED_CEASED": "RD5"}, {**CEASED, "REASON_PLACED_CEASED": "rd1"})
    assert flagged(r, "120") == {"PlacedAdoption": [2, 3]}


def test_522_ceased_before_placed():
    r = pa({}, {**CEASED, "DATE_PLACED_CEASED": "01/06/2024"}, {**CEASED, "DATE_PLACED_CEASED": "31/05/2024"},
           {**CEASED, "DATE_PLACED_CEASED": "31/02/2024"})
    assert flagged(r, "522") == {"PlacedAdoption": [2]}


def test_563_ceased_without_date_placed():
    r = pa({}, {**CEASED, "DATE_PLACED": ""}, {"DATE_PLACED": "", "REASON_PLACED_CEASED": "RD1"},
           {"DATE_PLACED": ""})
    assert flagged(r, "563") == {"PlacedAdoption": [1, 2]}


def test_579_decisions_overlap_or_start_while_open():
    r = pa(
        {"CHILD": "1", "DATE_PLACED": "01/05/2024", "DATE_PLACED_CEASED": "01/07/2024", "REASON_PLACED_CEASED": "RD1"},
        {"CHILD": "1", "DATE_PLACED": "01/07/2024"},  # starts the day the previous ceased: fine
        {"CHILD": "2", "DATE_PLACED": "01/08/2024"},  # later row, earlier decision still open
        {"CHILD": "2", "DATE_PLACED": "01/05/2024"},
        {"CHILD": "3", "DATE_PLACED": "01/05/2024", "DATE_PLACED_CEASED": "01/09/2024", "REASON_PLACED_CEASED": "RD1"},
        {"CHILD": "3", "DATE_PLACED": "01/06/2024", "DATE_PLACED_CEASED": "01/07/2024", "REASON_PLACED_CEASED": "RD1"},
        {"CHILD": "3", "DATE_PLACED": "01/08/2024"},  # before the first one ceased (01/09), after the second
        {"CHILD": "4", "DATE_PLACED": "01/05/2024", "DATE_PLACED_CEASED": "bad", "REASON_PLACED_CEASED": "RD1"},
        {"CHILD": "4", "DATE_PLACED": "01/06/2024"},  # earlier ceased date unreadable: not compared
        {"CHILD": "5", "DATE_PLACED": "01/05/2024", "DATE_PLACED_CEASED": "01/09/2024", "REASON_PLACED_CEASED": "RD1"},
        {"CHILD": "5", "DATE_PLACED": "01/06/2024", "DATE_PLACED_CEASED": "bad", "REASON_PLACED_CEASED": "RD1"},
        {"CHILD": "5", "DATE_PLACED": "01/07/2024"},  # the first one (readable) had not ceased yet
    )
    assert flagged(r, "579") == {"PlacedAdoption": [2, 5, 6, 10, 11]}


def test_583_earlier_decision_not_revoked():
    r = pa({"CHILD": "1", "DATE_PLACED": "01/05/2024"}, {"CHILD": "1", "DATE_PLACED": "01/08/2024"},
           {"CHILD": "2", "DATE_PLACED": "01/05/2024", **CEASED}, {"CHILD": "2", "DATE_PLACED": "01/10/2024"},
           {"CHILD": "3", "DATE_PLACED": "01/05/2024"})
    assert flagged(r, "583") == {"PlacedAdoption": [0]}


def test_184_decision_before_birth_flags_both_tables():
    r = pa({"CHILD": "1", "DATE_PLACED": "31/12/2019"}, {"CHILD": "2", "DATE_PLACED": "01/01/2020"},
           Header=[{"CHILD": "1", "DOB": "01/01/2020"}, {"CHILD": "2", "DOB": "01/01/2020"}])
    assert flagged(r, "184") == {"PlacedAdoption": [0], "Header": [0]}


def test_523_latest_decision_should_equal_date_int():
    r = pa({"CHILD": "1", "DATE_PLACED": "01/02/2024", **CEASED}, {"CHILD": "1", "DATE_PLACED": "01/06/2024"},
           {"CHILD": "2", "DATE_PLACED": "02/06/2024"}, {"CHILD": "3", "DATE_PLACED": "01/06/2024"},
           AD1=[{**AD, "CHILD": "1"}, {**AD, "CHILD": "2"}, {**AD, "CHILD": "3", "DATE_INT": ""}])
    assert flagged(r, "523") == {"PlacedAdoption": [2], "AD1": [1]}


def test_525_adopted_though_latest_decision_reversed():
    r = pa({"CHILD": "1", **CEASED}, {"CHILD": "2", "DATE_PLACED": "01/02/2024", **CEASED},
           {"CHILD": "2", "DATE_PLACED": "01/10/2024"}, {"CHILD": "3", **CEASED},
           AD1=[{**AD, "CHILD": "1"}, {**AD, "CHILD": "2"}])
    assert flagged(r, "525") == {"PlacedAdoption": [0], "AD1": [0]}


def test_559_earlier_decision_not_in_last_year():
    r = pa({"CHILD": "1", "DATE_PLACED": "31/03/2024"}, {"CHILD": "2", "DATE_PLACED": "31/03/2024"},
           {"CHILD": "3", "DATE_PLACED": "01/04/2024"}, {"CHILD": "4", "DATE_PLACED": "01/01/2024"},
           previous={"PlacedAdoption": [{**PA, "CHILD": "2", "DATE_PLACED": "31/03/2024"},
                                        {**PA, "CHILD": "4", "DATE_PLACED": ""}]})
    assert flagged(r, "559") == {"PlacedAdoption": [0, 3]}


def test_560_open_decision_must_keep_its_date():
    r = pa({"CHILD": "1", "DATE_PLACED": "01/03/2024"},  # same date: fine
           {"CHILD": "2", "DATE_PLACED": "02/03/2024"},  # changed
           {"CHILD": "3", "DATE_PLACED": "01/03/2024", **CEASED}, {"CHILD": "3", "DATE_PLACED": "01/10/2024"},
           {"CHILD": "4", "DATE_PLACED": "05/03/2024"},  # last year's decision had ceased: not this rule
           previous={"PlacedAdoption": [{**PA, "CHILD": c, "DATE_PLACED": "01/03/2024"} for c in "123"]
                     + [{**PA, "CHILD": "4", "DATE_PLACED": "01/03/2024", **CEASED}]})
    assert flagged(r, "560") == {"PlacedAdoption": [1]}


def test_560_blank_child_is_compared_with_last_years_blank_child():
    # rows without a CHILD pair with last year's rows without one (as the join on CHILD does); this
    # used to stop the rule ("could not run")
    r = pa({"CHILD": "", "DATE_PLACED": "02/03/2024"}, {"CHILD": "1", "DATE_PLACED": "01/03/2024"},
           previous={"PlacedAdoption": [{**PA, "CHILD": c, "DATE_PLACED": "01/03/2024"} for c in ("", "1")]})
    assert flagged(r, "560") == {"PlacedAdoption": [0]}


def test_561_same_date_as_reversed_decision():
    r = pa({"CHILD": "1", "DATE_PLACED": "01/03/2024"}, {"CHILD": "2", "DATE_PLACED": "01/03/2024"},
           {"CHILD": "3", "DATE_PLACED": "01/06/2024"},
           previous={"PlacedAdoption": [{**PA, "CHILD": "1", "DATE_PLACED": "01/03/2024", "DATE_PLACED_CEASED": "01/03/2024"},
                                        {**PA, "CHILD": "2", "DATE_PLACED": "01/03/2024"},
                                        {**PA, "CHILD": "3", "DATE_PLACED": "01/03/2024", "REASON_PLACED_CEASED": "RD1"}]})
    assert flagged(r, "561") == {"PlacedAdoption": [0]}


def test_584_new_decision_must_be_later_than_reversed_one():
    r = pa({"CHILD": "1", "DATE_PLACED": "01/02/2024"}, {"CHILD": "2", "DATE_PLACED": "01/06/2024"},
           {"CHILD": "3", "DATE_PLACED": "01/03/2024"}, {"CHILD": "4", "DATE_PLACED": "01/01/2024"},
           previous={"PlacedAdoption": [{**PA, "CHILD": c, "DATE_PLACED": "01/03/2024", **CEASED} for c in "123"]
                     + [{**PA, "CHILD": "4", "DATE_PLACED": "01/03/2024"}]})
    assert flagged(r, "584") == {"PlacedAdoption": [0]}
