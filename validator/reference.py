"""Reference inputs besides the return: Ofsted provider lists (and, later, postcodes and LA codes)."""

from __future__ import annotations

from validator.model import Return


def attach_reference(r: Return, ofsted: list[str] | None = None) -> None:
    """Attach what the user gave. Ofsted lists are recorded but not read yet, so the URN rules stay
    skipped with a reason rather than pretending to pass."""
    if ofsted:
        r.reference["ofsted_paths"] = list(ofsted)
