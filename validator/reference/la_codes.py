"""English upper-tier local authorities: ONS code <-> DfE three-digit number <-> name, by collection year.

Data: validator/reference/data/la_codes.csv (ons_code, dfe_number, name, from_year, to_year, note) and
ltla_utla.csv (lower-tier district -> county); provenance in data/README.md. Includes the April 2023
reorganisations: Cumbria (909) became Cumberland (E06000063, 942) and Westmorland and Furness
(E06000064, 943); North Yorkshire (815) and Somerset (933) became unitary (E06000065, E06000066) and
kept their numbers.

`--la` accepts an ONS code (E09000027) or a DfE number (318): `normalise_la` gives both.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

DATA = Path(__file__).resolve().parent / "data"

# Outside England: what DfE records as the LA of placement (codes.csv LA_PERM).
NON_ENGLISH = {"S": "SCO", "W": "WAL", "N": "NIR", "L": "NUK", "M": "NUK"}  # L/M: Channel Islands, Isle of Man
OUTSIDE_ENGLAND = frozenset({"SCO", "WAL", "NIR", "NUK", "CON"})

# Before 1 April 2023 (collection years up to 2022/23) these unitaries were parts of counties.
_BEFORE_2023 = {"E06000063": "E10000006", "E06000064": "E10000006",
                "E06000065": "E10000023", "E06000066": "E10000027"}
# Before 1 April 2025 (up to 2024/25) Barnsley and Sheffield had their old codes; the postcode
# directory only has the new ones.
_BEFORE_2025 = {"E08000038": "E08000016", "E08000039": "E08000019"}


class LA(NamedTuple):
    ons_code: str
    dfe_number: str
    name: str


def _in_year(row: dict, year: str | None) -> bool:
    return year is None or ((not row["from_year"] or row["from_year"] <= year)
                            and (not row["to_year"] or year <= row["to_year"]))


@cache
def _rows() -> tuple[dict, ...]:
    with open(DATA / "la_codes.csv", encoding="utf-8", newline="") as f:
        return tuple(csv.DictReader(f))


@cache
def table() -> pd.DataFrame:
    """la_codes.csv as a frame (all rows, every year)."""
    return pd.DataFrame(list(_rows()), dtype="string")


@cache
def _ltla_to_utla() -> dict[str, str]:
    with open(DATA / "ltla_utla.csv", encoding="utf-8", newline="") as f:
        return {r["ltla_code"]: r["utla_code"] for r in csv.DictReader(f)}


def normalise_la(value: str | None, year: str | None = None) -> LA | None:
    """The LA for an ONS code (any case, spaces ignored) or a DfE number ('318', '0318' is not
    accepted), valid in collection `year` when given. None when not recognised (or not an LA that year).
    A DfE number shared by an old and a new ONS code (815, 933) resolves to the one valid in `year`,
    or to the current one when no year is given."""
    if value is None:
        return None
    v = re.sub(r"\s+", "", str(value)).upper()
    if not v:
        return None
    key = "ons_code" if re.fullmatch(r"E\d{8}", v) else "dfe_number" if re.fullmatch(r"\d{3}", v) else None
    if key is None:
        return None
    rows = [r for r in _rows() if r[key] == v and _in_year(r, year)]
    if not rows and key == "ons_code":
        # an LA's code of another year (Barnsley's new code on a 2024/25 return): the same DfE
        # number's code of this year, if it has one
        numbers = {r["dfe_number"] for r in _rows() if r["ons_code"] == v}
        rows = [r for r in _rows() if r["dfe_number"] in numbers and _in_year(r, year)]
    if not rows:
        return None
    rows.sort(key=lambda r: (r["to_year"] == "", r["from_year"]))  # current (open-ended) last
    r = rows[-1]
    return LA(r["ons_code"], r["dfe_number"], r["name"])


def _per_value(values: pd.Series, one) -> pd.Series:
    """Apply `one` (str -> str | None) to each distinct non-blank value, then spread back to the rows."""
    codes, uniq = pd.factorize(values.astype(object), use_na_sentinel=True)
    mapped = np.array([one(u) for u in uniq] + [None], dtype=object)  # last slot: blank rows
    return pd.Series(pd.array(mapped[np.where(codes < 0, len(uniq), codes)], dtype="string"), index=values.index)


def dfe_numbers(ons_codes: pd.Series) -> pd.Series:
    """DfE number of each upper-tier ONS code (any year); non-English codes (SCO, WAL, NIR, NUK) map to
    themselves; unknown or blank -> <NA>."""
    m = _numbers()
    return _per_value(ons_codes, m.get)


@cache
def _numbers() -> dict[str, str]:
    m = {r["ons_code"]: r["dfe_number"] for r in _rows()}
    m.update({c: c for c in OUTSIDE_ENGLAND})
    return m


def upper_tier(laua: pd.Series, year: str | None = None) -> pd.Series:
    """Upper-tier LA of each lower-tier ONS code (district -> county; unitaries, metropolitan districts
    and London boroughs are their own upper tier), in the geography of collection `year` (up to 2022/23
    Cumberland/Westmorland and Furness map back to Cumbria, North Yorkshire and Somerset to their county
    codes). Scottish, Welsh, Northern Irish codes -> SCO, WAL, NIR; Channel Islands and Isle of Man -> NUK.
    Blank or unrecognised stays <NA>."""
    districts = _ltla_to_utla()
    before_2023 = year is not None and year <= "2022/23"
    before_2025 = year is not None and year <= "2024/25"

    def one(code: str) -> str | None:
        if code[:1] in NON_ENGLISH:
            return NON_ENGLISH[code[:1]]
        up = districts.get(code) or (code if code[:3] in ("E06", "E08", "E09", "E10") else None)
        up = _BEFORE_2023.get(up, up) if before_2023 else up
        return _BEFORE_2025.get(up, up) if before_2025 else up

    return _per_value(laua, one)


def _name_key(name: str) -> str:
    n = name.lower().replace("&", " and ")
    n = re.sub(r"[^a-z0-9 ]+", " ", n)
    n = re.sub(r"\b(the|council|county council|city council|borough council|metropolitan borough council|"
               r"royal borough of|london borough of|city of|county of|borough of|county)\b", " ", n)
    return re.sub(r"\s+", " ", n).strip()


@cache
def _names(year: str | None) -> dict[str, str]:
    out = {}
    for r in _rows():
        if _in_year(r, year):
            out[_name_key(r["name"])] = r["ons_code"]
    return out


def from_names(names: pd.Series, year: str | None = None) -> pd.Series:
    """Upper-tier ONS code for LA names as Ofsted and others write them ("Bristol, City of",
    "City of Bristol", "St. Helens", "County Durham", "Southend-on-Sea Borough Council"); <NA> when
    not recognised."""
    known = _names(year)
    return _per_value(names, lambda name: known.get(_name_key(name)))


__all__ = ["LA", "normalise_la", "dfe_numbers", "upper_tier", "from_names", "table", "OUTSIDE_ENGLAND"]
