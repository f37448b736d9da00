"""SSDA903 placement fields DfE derives from postcodes (spec derived_fields.csv), per Episodes row.

  PL_LA        upper-tier LA (ONS code) containing PL_POST, in the geography of the return's collection
               year; SCO / WAL / NIR for Scottish, Welsh, Northern Irish postcodes, NUK for Channel
               Islands and Isle of Man; <NA> when PL_POST is blank or not in the directory.
  PL_LOCATION  IN when PL_LA is the responsible LA (--la; compared by DfE number so old and new ONS
               codes of one LA agree), OUT otherwise; <NA> when PL_LA is <NA> or no LA was given.
  PL_DISTANCE  miles between HOME_POST and PL_POST: sqrt(dE^2 + dN^2) / 1000 / 1.6093 rounded to 1 dp;
               NaN when either postcode is blank, unknown, or has no grid reference.
Also: HOME_FOUND / PL_FOUND (postcode given and in the directory), PL_LA_DFE (DfE number of PL_LA, or
SCO/WAL/NIR/NUK). Last year's Episodes are derived with this year's geography so the two compare.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from validator.derive import Text, array, cached, derived, text
from validator.derive.ssda903 import children, episodes, first_of_child
from validator.reference import la_codes, postcodes, responsible_la


def _placement(r, home_post: pd.Series, pl_post: pd.Series) -> pd.DataFrame:
    """The derived placement fields of episodes with these HOME_POST and PL_POST (aligned Series)."""
    n = len(home_post)
    found = postcodes.lookup(pd.concat([home_post, pl_post], ignore_index=True))  # one look-up for both
    home, place = found.iloc[:n].set_axis(home_post.index), found.iloc[n:].set_axis(home_post.index)
    out = pd.DataFrame(index=home_post.index)
    out["HOME_FOUND"] = home["found"].astype(bool)
    out["PL_FOUND"] = place["found"].astype(bool)
    out["PL_LA"] = la_codes.upper_tier(place["laua"], r.year.label)
    out["PL_LA_DFE"] = la_codes.dfe_numbers(out["PL_LA"])
    la = responsible_la(r)
    loc = pd.Series(pd.NA, index=home_post.index, dtype="string")
    if la is not None:
        known = out["PL_LA"].notna()
        loc[known] = "OUT"
        loc[known & (out["PL_LA_DFE"] == la.dfe_number)] = "IN"
    out["PL_LOCATION"] = loc
    out["PL_DISTANCE"] = postcodes.distance_miles(home, place)
    return out


@derived
def final_last_year(r) -> np.ndarray:
    """Row labels of last year's final episode of each child (latest valid DECOM; the later row in
    the file on a tie), in row order. Episodes without a valid DECOM or a CHILD are never final."""
    child = children(r).of("Episodes_last")
    decom = array(r, "Episodes_last", "DECOM_date")
    return first_of_child(child, np.flatnonzero(~np.isnat(decom) & (child >= 0)), decom, last=True)


@derived
def continuing_rows(r) -> tuple[np.ndarray, np.ndarray]:
    """For each child whose final episode last year was open (DEC blank) and who has episodes this
    year: this year's first episode (by DECOM) and that final episode, as two arrays of row labels
    (Episodes, Episodes_last), in this year's row order."""
    c = children(r)
    final = final_last_year(r)
    final = final[text(r, "Episodes_last", "DEC").blank[final]]
    open_row = np.full(c.count + 1, -1)
    open_row[c.of("Episodes_last")[final]] = final  # per child; the blank slot stays -1
    first = np.flatnonzero(episodes(r)["order"].to_numpy() == 0)
    last = open_row[c.of("Episodes")[first]]
    return first[last >= 0], last[last >= 0]


@derived
def _placements(r) -> pd.DataFrame:
    """`_placement` of this year's Episodes, then of last year's episodes in `continuing_rows`
    (in this year's geography): one postcode look-up for both."""
    last = continuing_rows(r)[1]
    e, before = r.table("Episodes"), r.table("Episodes_last")
    return _placement(r, pd.concat([e["HOME_POST"], before["HOME_POST"].iloc[last]], ignore_index=True),
                      pd.concat([e["PL_POST"], before["PL_POST"].iloc[last]], ignore_index=True))


@derived
def placement(r) -> pd.DataFrame:
    """PL_LA, PL_LOCATION, PL_DISTANCE (and helpers) for every row of this year's Episodes."""
    return _placements(r).iloc[:len(children(r).of("Episodes"))]


PLACEMENT_FIELDS = ["PL_LA", "PL_LOCATION", "PL_DISTANCE"]


@derived
def continuing_episodes(r) -> pd.DataFrame:
    """The pairs of `continuing_rows` (this year's first episode, last year's open final episode of
    each child), in this year's row order: row labels `row` and `row_last`, and the derived PL_LA,
    PL_LOCATION, PL_DISTANCE of both (last year's suffixed `_last`, in this year's geography, so the
    two compare)."""
    first, last = continuing_rows(r)
    fields = _placements(r)[PLACEMENT_FIELDS]
    n = len(children(r).of("Episodes"))
    now = fields.iloc[first].reset_index(drop=True)
    before = fields.iloc[n:].reset_index(drop=True).add_suffix("_last")
    return pd.concat([pd.DataFrame({"row": first, "row_last": last}), now, before], axis=1)


def placement_text(r, column: str) -> Text:
    """Text column `column` of `placement(r)` (PL_LA, PL_LA_DFE, PL_LOCATION) as a `Text`, made once per run."""
    return cached(r, f"placement text {column}", lambda: Text.of(placement(r)[column]))


@derived
def uasc_now_or_before(r) -> np.ndarray:
    """Per child number (`children`; index it with numbers): shown as unaccompanied asylum-seeking now
    or before: listed in this year's or last year's UASC table (CSV) or with Header.UASC = 1 (XML) in
    either year. DfE also looks two years back; a child UASC only then is not visible here."""
    c = children(r)
    numbers = [c.of(key) for key in ("UASC", "UASC_last")]
    for key in ("Header", "Header_last"):
        if "UASC" in r.table(key).columns:
            numbers.append(c.of(key)[text(r, key, "UASC").eq("1")])
    listed = np.concatenate(numbers)
    return c.mark(listed[listed >= 0])


@derived
def provider_las(r) -> pd.DataFrame:
    """(URN, LA) pairs from the Ofsted lists: the LA named in the list (matched by name to an ONS code in
    this year's geography) and the LA containing the provider's postcode, both as DfE numbers (LA_DFE)
    with the ONS code (LA). Empty when no lists were given."""
    lists = r.reference.get("ofsted")
    if lists is None:
        return pd.DataFrame({"URN": pd.Series(dtype="string"), "LA": pd.Series(dtype="string"),
                             "LA_DFE": pd.Series(dtype="string")})
    named = pd.DataFrame({"URN": lists.la_names["URN"], "LA": la_codes.from_names(lists.la_names["LA_NAME"], r.year.label)})
    pcs = lists.postcodes
    found = postcodes.lookup(pcs["POSTCODE"])
    located = pd.DataFrame({"URN": pcs["URN"], "LA": la_codes.upper_tier(found["laua"], r.year.label)})
    both = pd.concat([named, located], ignore_index=True).dropna().drop_duplicates(ignore_index=True)
    both["LA_DFE"] = la_codes.dfe_numbers(both["LA"])
    return both.dropna(subset=["LA_DFE"]).reset_index(drop=True)


__all__ = ["placement", "placement_text", "final_last_year", "continuing_rows", "continuing_episodes",
           "uasc_now_or_before", "provider_las"]
