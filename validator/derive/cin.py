"""Derived frames shared by CIN census rules. Join keys: (ChildSeq, CINdetailsID[, CPPID/AssessmentID])."""

from __future__ import annotations

import numpy as np
import pandas as pd

from validator.derive import derived

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
