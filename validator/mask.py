"""--mask: stable pseudonyms so a report can be shared outside the data team.

Child ids become `C-` and 8 hex characters of a keyed hash (the same child gets the same
pseudonym everywhere in one run's outputs; give --mask-key to keep them across runs). Personal
values (identifiers, postcodes, dates of birth and death) are replaced: identifiers and
postcodes by a pseudonym, dates by their year alone (`**/**/2015`), so age-related findings stay
readable.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

import pandas as pd

ID_FIELDS = {"CHILD", "LAchildID", "UPN", "FormerUPN", "SW_ID"}
POSTCODE_FIELDS = {"HOME_POST", "PL_POST"}
DATE_FIELDS = {"DOB", "MC_DOB", "PersonBirthDate", "ExpectedPersonBirthDate", "PersonDeathDate"}
PERSONAL = ID_FIELDS | POSTCODE_FIELDS | DATE_FIELDS


class Masker:
    def __init__(self, key: str | None = None):
        self.key = (key or secrets.token_hex(16)).encode()

    def pseudonym(self, value, prefix: str = "C") -> str:
        if value is None or value is pd.NA or (isinstance(value, float) and value != value) or str(value).strip() == "":
            return ""
        digest = hmac.new(self.key, str(value).strip().encode(), hashlib.sha256).hexdigest()[:8]
        return f"{prefix}-{digest}"

    def value(self, field: str, value) -> str:
        text = "" if value is None or value is pd.NA else str(value)
        if not text.strip() or field not in PERSONAL:
            return text
        if field in ("CHILD", "LAchildID"):
            return self.pseudonym(text)
        if field in DATE_FIELDS:
            year = text.strip()[-4:] if "/" in text else text.strip()[:4]
            return f"**/**/{year}" if year.isdigit() else "masked"
        return self.pseudonym(text, prefix="P" if field in POSTCODE_FIELDS else "ID")

    def findings(self, f: pd.DataFrame) -> pd.DataFrame:
        out = f.copy()
        out["child"] = [self.pseudonym(c) if c is not None else None for c in out["child"]]
        out["values"] = [{k: self.value(k, v) for k, v in vals.items()} for vals in out["values"]]
        return out
