"""Derived frames shared by CIN census rules. Join keys: (ChildSeq, CINdetailsID[, CPPID/AssessmentID])."""

from __future__ import annotations

EPISODE_KEY = ["ChildSeq", "CINdetailsID"]
