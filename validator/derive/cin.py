"""Derived frames shared by CIN census rules. Join keys: (ChildSeq, CINdetailsID[, CPPID/AssessmentID])."""

from __future__ import annotations

import numpy as np
import pandas as pd

from validator.derive import derived, truthy

EPISODE_KEY = ["ChildSeq", "CINdetailsID"]


def char_matrix(values: pd.Series, width: int) -> np.ndarray:
    """The first `width` characters of each value as Unicode code points, one row per value (0 past
    the end of the text, and all 0 where blank): per-character tests run on the matrix instead of a
    string method per row."""
    text = values.to_numpy(dtype=object, na_value="").astype(f"U{width}")  # longer text is cut
    return text.view(np.uint32).reshape(len(text), width)


@derived
def upn_chars(r) -> np.ndarray:
    """ChildIdentifiers.UPN as a `char_matrix` of 14 characters: a 14th shows a UPN too long."""
    return char_matrix(r.table("ChildIdentifiers")["UPN"], 14)


@derived
def la_child_id_chars(r) -> np.ndarray:
    """ChildIdentifiers.LAchildID as a `char_matrix` of 21 characters: a 21st shows an id too long."""
    return char_matrix(r.table("ChildIdentifiers")["LAchildID"], 21)


def _known(flag: pd.Series) -> np.ndarray:
    """True where a nullable boolean is true; <NA> counts as false."""
    return flag.to_numpy(dtype=bool, na_value=False)


@derived
def episode_flags(r) -> pd.DataFrame:
    """Booleans on each CINdetails row (same index) that many rules read:
      nfa_true, nfa_false   ReferralNFA is true/1, false/0 (any case: `truthy`); blank or any other
                            value is neither;
      open_further_action   no CINclosureDate written and nfa_false."""
    e = r.table("CINdetails")
    nfa = truthy(e["ReferralNFA"])
    nfa_false = _known(~nfa)
    return pd.DataFrame({"nfa_true": _known(nfa), "nfa_false": nfa_false,
                         "open_further_action": e["CINclosureDate"].isna().to_numpy() & nfa_false}, index=e.index)


@derived
def s47_flags(r) -> pd.DataFrame:
    """Booleans on each Section47 row (same index) that many rules read:
      icpc_not_required_true, icpc_not_required_false   ICPCnotRequired is true/1, false/0 (any case:
                            `truthy`); blank or any other value is neither;
      open                  no DateOfInitialCPC written and ICPCnotRequired not true/1 (an enquiry
                            still waiting for its conference)."""
    s = r.table("Section47")
    flag = truthy(s["ICPCnotRequired"])
    not_required = _known(flag)
    return pd.DataFrame({"icpc_not_required_true": not_required, "icpc_not_required_false": _known(~flag),
                         "open": s["DateOfInitialCPC"].isna().to_numpy() & ~not_required}, index=s.index)
