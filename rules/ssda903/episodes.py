"""SSDA903 rules on the Episodes table: codes, dates, and the order of a child's episodes."""

import pandas as pd

from rules.common import missing_or_not_in, not_in
from rules.ssda903 import rule
from validator.derive import invalid_date
from validator.derive.ssda903 import episodes


@rule("141")
def decom_not_valid_date(r):
    """Episodes.DECOM must be a real date written dd/mm/yyyy (blank is not valid)."""
    e = r.table("Episodes")
    return {"Episodes": e["DECOM"].isna() | invalid_date(r, "Episodes", "DECOM")}


@rule("142")
def previous_episode_not_ended(r):
    """Every episode of a child except the latest (by DECOM) must have a DEC: a later episode
    started, so this one ended. Flags the unended earlier episode."""
    e = episodes(r)
    return {"Episodes": (e["next_row"] >= 0) & e["DEC"].isna()}


@rule("143")
def rne_not_valid(r):
    """Episodes.RNE must be present and a valid reason-for-new-episode code."""
    e = r.table("Episodes")
    return {"Episodes": missing_or_not_in(e["RNE"], r.codes("RNE"))}


@rule("144")
def ls_not_valid(r):
    """Episodes.LS must be present and a valid legal status code."""
    e = r.table("Episodes")
    return {"Episodes": missing_or_not_in(e["LS"], r.codes("LS"))}


@rule("145")
def cin_not_valid(r):
    """Episodes.CIN must be present and one of N1-N8."""
    e = r.table("Episodes")
    return {"Episodes": missing_or_not_in(e["CIN"], r.codes("CIN"))}


@rule("146")
def place_not_valid(r):
    """Episodes.PLACE must be present and a placement code of the collection year (the list changes
    in 2024/25: K3 added, H5 and P2 gone; and in 2025/26: Z1 replaced by Z11-Z14). Case matters:
    DfE's codes are upper case, so `k3` is not valid."""
    e = r.table("Episodes")
    return {"Episodes": missing_or_not_in(e["PLACE"], r.codes("PLACE"))}


@rule("147")
def dec_not_valid_date(r):
    """Episodes.DEC, where given, must be a real date written dd/mm/yyyy (blank = episode open)."""
    return {"Episodes": invalid_date(r, "Episodes", "DEC")}


@rule("148")
def dec_and_rec_together(r):
    """DEC and REC must both be given or both be blank."""
    e = r.table("Episodes")
    return {"Episodes": e["DEC"].notna() != e["REC"].notna()}


@rule("149")
def rec_not_valid(r):
    """Episodes.REC, where given, must be a valid reason-episode-ceased code."""
    e = r.table("Episodes")
    return {"Episodes": not_in(e["REC"], r.codes("REC"))}


@rule("356")
def dec_before_decom(r):
    """On one episode, DEC must not be before DECOM (same day is left to rule 355)."""
    e = r.table("Episodes")
    return {"Episodes": e["DEC_date"] < e["DECOM_date"]}


@rule("353")
def decom_before_october_1991(r):
    """No episode can start before 14 October 1991 (the Children Act 1989 came into force): flags
    episodes whose DECOM is before 14/10/1991 (that day passes)."""
    e = r.table("Episodes")
    return {"Episodes": e["DECOM_date"] < pd.Timestamp(1991, 10, 14)}


@rule("354")
def decom_after_year_end(r):
    """An episode cannot start after the collection year: flags episodes whose DECOM is after 31
    March of the collection year (DfE's message speaks of the date ceased, but the rule's field is
    DECOM)."""
    e = r.table("Episodes")
    return {"Episodes": e["DECOM_date"] > r.year.end}


@rule("385")
def dec_after_year_end(r):
    """DEC must be on or before 31 March of the collection year: flags episodes whose DEC is after
    it (31 March itself passes)."""
    e = r.table("Episodes")
    return {"Episodes": e["DEC_date"] > r.year.end}


@rule("355")
def episode_under_24_hours(r):
    """An episode must last at least a day: flags episodes whose DEC is the same date as their
    DECOM (both valid dates; DEC before DECOM is rule 356)."""
    e = r.table("Episodes")
    return {"Episodes": e["DECOM_date"] == e["DEC_date"]}


@rule("1009")
def reason_place_change_not_valid(r):
    """REASON_PLACE_CHANGE, where given, must be a valid code (case matters: DfE's codes are upper
    case)."""
    e = r.table("Episodes")
    return {"Episodes": not_in(e["REASON_PLACE_CHANGE"], r.codes("REASON_PLACE_CHANGE"))}


@rule("233")
def reason_place_change_while_open(r):
    """REASON_PLACE_CHANGE describes how an episode ended: flags open episodes (blank DEC) that give
    one. An episode whose DEC is written but not a valid date is not open and is not flagged."""
    e = r.table("Episodes")
    return {"Episodes": e["DEC"].isna() & e["REASON_PLACE_CHANGE"].notna()}
