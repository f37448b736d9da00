"""SSDA903 rules comparing Episodes.URN with Ofsted's provider lists (--ofsted; the engine skips them
without the lists). Lists are parsed by validator/reference/ofsted.py into one row per (URN, value).

Common conventions: only URNs given and not XXXXXXX (the regional adoption agency placeholder) are
checked, compared with the lists upper case; a URN absent from the lists is reported once, by rule 1008, and not again by the rules that
compare its details; a detail the lists do not give for a URN (no placement codes, no postcode, ...)
is not evaluated for that URN.
"""

import pandas as pd

from rules.ssda903 import rule
from validator.derive.ssda903_placement import provider_las
from validator.reference import postcodes, responsible_la

URN_PLACEHOLDER = "XXXXXXX"


def _lists(r):
    return r.reference["ofsted"]


def _with_urn(r) -> pd.DataFrame:
    """Episodes with a URN to check (given, not XXXXXXX), with the row label in `row`. URNs are
    matched upper case ('sc123456' is SC123456): case does not identify a provider."""
    e = r.table("Episodes")
    e["row"] = e.index
    e["URN"] = e["URN"].str.upper()
    return e[e["URN"].notna() & (e["URN"] != URN_PLACEHOLDER)]


def _not_among(e: pd.DataFrame, column: str, facts: pd.DataFrame, fact_column: str) -> pd.Index:
    """Rows of `e` whose URN has at least one `fact_column` value in `facts` but none equal to
    e[column] (rows where e[column] is blank are not evaluated)."""
    e = e[e[column].notna() & e["URN"].isin(facts["URN"])]
    hit = e[["row", "URN", column]].merge(facts.rename(columns={fact_column: column}), on=["URN", column])
    return e.index[~e["row"].isin(hit["row"])]


@rule("1008")
def urn_not_in_lists(r):
    """Flags episodes whose URN (given, not XXXXXXX) is not in the Ofsted provider lists supplied
    (compared as text, upper case, trimmed)."""
    e = _with_urn(r)
    return {"Episodes": e.index[~e["URN"].isin(_lists(r).urns)]}


@rule("219")
def urn_does_not_match_place(r):
    """Flags episodes whose PLACE (given) is not one of the placement codes Ofsted lists for the URN."""
    return {"Episodes": _not_among(_with_urn(r), "PLACE", _lists(r).place_codes, "PLACE")}


def _postcode_mismatch(r, places: list[str]):
    e = _with_urn(r)
    e = e[~e["LS"].isin(["V3", "V4"]) & e["PLACE"].isin(places) & e["PL_POST"].notna()].copy()
    e["PL_KEY"] = postcodes.normalise(e["PL_POST"])
    return {"Episodes": _not_among(e, "PL_KEY", _lists(r).postcodes, "POSTCODE")}


@rule("221", years="-2022/23")
def urn_does_not_match_postcode(r):
    """Flags episodes not on a short break (LS V3/V4) with PLACE K1, K2, R3 or S1 and a PL_POST, whose
    PL_POST (upper case, no spaces) is not a postcode Ofsted lists for the URN."""
    return _postcode_mismatch(r, ["K1", "K2", "R3", "S1"])


@rule("221", years="2023/24")
def urn_does_not_match_postcode_2023(r):
    """As 2022/23 with H5 added: PLACE H5, K1, K2, R3 or S1."""
    return _postcode_mismatch(r, ["H5", "K1", "K2", "R3", "S1"])


@rule("221", years="2024/25-")
def urn_does_not_match_postcode_2024(r):
    """From 2024/25 H5 is replaced by K3: PLACE K1, K2, K3, R3 or S1."""
    return _postcode_mismatch(r, ["K1", "K2", "K3", "R3", "S1"])


@rule("224")
def urn_does_not_match_provider(r):
    """Flags episodes whose PLACE_PROVIDER (given) is not one of the placement provider codes Ofsted
    lists for the URN."""
    return {"Episodes": _not_among(_with_urn(r), "PLACE_PROVIDER", _lists(r).provider_codes, "PLACE_PROVIDER")}


def _closed(r) -> pd.DataFrame:
    e = _with_urn(r)
    closed = _lists(r).closed
    e["REG_END"] = closed.reindex(e["URN"].to_numpy()).to_numpy()  # .map fails on an empty date Series
    return e[e["REG_END"].notna()]


@rule("227")
def urn_closed_before_decom(r):
    """Flags episodes whose URN's provider closed (Ofsted closed / deregistration date) on or before the
    episode started: DECOM must be before the closing date. An unreadable DECOM is not evaluated."""
    e = _closed(r)
    return {"Episodes": e.index[e["DECOM_date"] >= e["REG_END"]]}


@rule("228")
def urn_closed_before_dec(r):
    """Flags episodes whose URN's provider closed before the episode ended: DEC after the closing date,
    or, for an open episode, the closing date before 31 March of the collection year (DfE: the provider
    must still be open at the end of the year). Closing on DEC itself passes. An unreadable DEC is not
    evaluated."""
    e = _closed(r)
    ended_after = e["DEC_date"].notna() & (e["DEC_date"] > e["REG_END"])
    open_after = e["DEC"].isna() & (pd.Timestamp(r.year.end) > e["REG_END"])
    return {"Episodes": e.index[ended_after | open_after]}


def _provider_la_mismatch(r, exempt: list[str]):
    la = responsible_la(r)
    if la is None:
        raise ValueError(f"the local authority code '{r.la}' is not an English LA in {r.year.label} (--la)")
    e = _with_urn(r)
    e = e[~e["PLACE"].isin(exempt) & e["PLACE_PROVIDER"].isin(["PR1", "PR2"])]
    las = provider_las(r)
    e = e[e["URN"].isin(las["URN"])]
    own = e["URN"].isin(las.loc[las["LA_DFE"] == la.dfe_number, "URN"])
    bad = ((e["PLACE_PROVIDER"] == "PR1") & ~own) | ((e["PLACE_PROVIDER"] == "PR2") & own)
    return {"Episodes": e.index[bad]}


@rule("229", years="-2024/25")
def provider_la_does_not_match(r):
    """Flags episodes with a URN in the lists whose provider's LA is known (the LA named in the list, or
    containing the provider's postcode) where PLACE_PROVIDER is PR1 (own provision) but the responsible
    LA is not the provider's LA, or PR2 (another LA's provision) but it is. LAs compared by DfE number."""
    return _provider_la_mismatch(r, [])


@rule("229", years="2025/26-")
def provider_la_does_not_match_2025(r):
    """As before, but placements K3, P1, P3, R1, R2, R5, T0-T4 and Z11-Z14 are not checked."""
    return _provider_la_mismatch(r, ["K3", "P1", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4",
                                     "Z11", "Z12", "Z13", "Z14"])
