"""SSDA903 rules on the Episodes table: codes, dates, and the order of a child's episodes."""

import numpy as np

from rules.ssda903 import rule
from validator.derive import array, invalid_date, text
from validator.derive.ssda903 import neighbours


@rule("141")
def decom_not_valid_date(r):
    """Episodes.DECOM must be a real date written dd/mm/yyyy (blank is not valid)."""
    return {"Episodes": text(r, "Episodes", "DECOM").blank | invalid_date(r, "Episodes", "DECOM")}


@rule("142")
def previous_episode_not_ended(r):
    """Every episode of a child except the latest (by DECOM) must have ended: a later episode
    started. Flags an earlier episode with a blank DEC or a blank REC (DfE's fields for 142; rule
    148 also reports a DEC without a REC). In a child with an episode whose DECOM is not a date
    (rule 141), which episode is the latest is unknown: an episode is then judged only where the
    next one starts on its DEC (`neighbours`), which leaves only a blank REC to flag."""
    ended = text(r, "Episodes", "DEC").given & text(r, "Episodes", "REC").given
    return {"Episodes": (neighbours(r)[1] >= 0) & ~ended}


@rule("143")
def rne_not_valid(r):
    """Episodes.RNE must be present and a valid reason-for-new-episode code."""
    return {"Episodes": ~text(r, "Episodes", "RNE").isin(r.codes("RNE"))}


@rule("144")
def ls_not_valid(r):
    """Episodes.LS must be present and a valid legal status code."""
    return {"Episodes": ~text(r, "Episodes", "LS").isin(r.codes("LS"))}


@rule("145")
def cin_not_valid(r):
    """Episodes.CIN must be present and one of N1-N8."""
    return {"Episodes": ~text(r, "Episodes", "CIN").isin(r.codes("CIN"))}


@rule("146")
def place_not_valid(r):
    """Episodes.PLACE must be present and a placement code of the collection year (the list changes
    in 2024/25: K3 added, H5 and P2 gone; and in 2025/26: Z1 replaced by Z11-Z14). Case matters:
    DfE's codes are upper case, so `k3` is not valid."""
    return {"Episodes": ~text(r, "Episodes", "PLACE").isin(r.codes("PLACE"))}


@rule("147")
def dec_not_valid_date(r):
    """Episodes.DEC, where given, must be a real date written dd/mm/yyyy (blank = episode open)."""
    return {"Episodes": invalid_date(r, "Episodes", "DEC")}


@rule("148")
def dec_and_rec_together(r):
    """DEC and REC must both be given or both be blank."""
    return {"Episodes": text(r, "Episodes", "DEC").given != text(r, "Episodes", "REC").given}


@rule("149")
def rec_not_valid(r):
    """Episodes.REC, where given, must be a valid reason-episode-ceased code."""
    rec = text(r, "Episodes", "REC")
    return {"Episodes": rec.given & ~rec.isin(r.codes("REC"))}


@rule("356")
def dec_before_decom(r):
    """On one episode, DEC must not be before DECOM (same day is left to rule 355)."""
    return {"Episodes": array(r, "Episodes", "DEC_date") < array(r, "Episodes", "DECOM_date")}


@rule("353")
def decom_before_october_1991(r):
    """No episode can start before 14 October 1991 (the Children Act 1989 came into force): flags
    episodes whose DECOM is before 14/10/1991 (that day passes)."""
    return {"Episodes": array(r, "Episodes", "DECOM_date") < np.datetime64("1991-10-14")}


@rule("354")
def decom_after_year_end(r):
    """An episode cannot start after the collection year: flags episodes whose DECOM is after 31
    March of the collection year (DfE's message speaks of the date ceased, but the rule's field is
    DECOM)."""
    return {"Episodes": array(r, "Episodes", "DECOM_date") > r.year.end.to_datetime64()}


@rule("385")
def dec_after_year_end(r):
    """DEC must be on or before 31 March of the collection year: flags episodes whose DEC is after
    it (31 March itself passes)."""
    return {"Episodes": array(r, "Episodes", "DEC_date") > r.year.end.to_datetime64()}


@rule("355")
def episode_under_24_hours(r):
    """An episode must last at least a day: flags episodes whose DEC is the same date as their
    DECOM (both valid dates; DEC before DECOM is rule 356)."""
    return {"Episodes": array(r, "Episodes", "DECOM_date") == array(r, "Episodes", "DEC_date")}


@rule("1009")
def reason_place_change_not_valid(r):
    """REASON_PLACE_CHANGE, where given, must be a valid code (case matters: DfE's codes are upper
    case)."""
    reason = text(r, "Episodes", "REASON_PLACE_CHANGE")
    return {"Episodes": reason.given & ~reason.isin(r.codes("REASON_PLACE_CHANGE"))}


@rule("233")
def reason_place_change_while_open(r):
    """REASON_PLACE_CHANGE describes how an episode ended: flags open episodes (blank DEC) that give
    one. An episode whose DEC is written but not a valid date is not open and is not flagged."""
    return {"Episodes": text(r, "Episodes", "DEC").blank & text(r, "Episodes", "REASON_PLACE_CHANGE").given}
