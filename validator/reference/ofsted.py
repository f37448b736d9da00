"""Ofsted provider lists (--ofsted PATH ...): what rules 219-229, 1008 (and 241) compare URNs with.

Reads, with openpyxl, either form Ofsted publishes:
  * two workbooks: the children's homes list (one "Provider information" sheet, or "Settings and
    Inspection Info" + "Address Details") and the social care providers list (current providers and
    closed providers sheets);
  * one combined workbook (one sheet, or a providers sheet plus a supported accommodation sheet).
Every sheet whose header row (searched in its first 20 rows) has a URN column is read; other sheets
(notes, contents) are ignored. Header names are matched case-insensitively, trimmed, with runs of
spaces collapsed, against the aliases below. Sheets are combined by URN, so a URN's postcode may come
from one sheet and its placement codes from another.

Values: URNs are text (1234567.0 -> '1234567'); placement and provider codes are split on '/', ',' or
';'; postcodes are upper-cased without spaces; closed/deregistration dates may be real dates or
dd/mm/yyyy text. A supported accommodation sheet without a placement-code column offers K3.
A file that cannot be read as a workbook, or has no sheet with a URN column, is a UserError naming it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from validator.errors import UserError

ALIASES = {
    "URN": {"urn", "provider urn", "setting urn"},
    "LA": {"local authority", "provider local authority", "local authority name", "la", "la name",
           "setting local authority"},
    "PLACE": {"provider placement code", "placement code", "placement codes", "provider placement codes"},
    "PROVIDER": {"provider code", "placement provider code", "placement provider codes", "provider codes"},
    "CLOSED": {"closed date", "deregistration date", "date closed", "closure date", "registration end date",
               "date of deregistration"},
    "POSTCODE": {"setting postcode", "setting address postcode", "postcode", "provider postcode",
                 "setting post code", "address postcode"},
}
_HEADER_ROWS = 20


@dataclass
class OfstedLists:
    """Parsed provider lists, one row per (URN, value): frames with columns URN and the value."""

    sources: list[str]
    urns: pd.Index  # every URN in the lists
    closed: pd.Series  # URN -> latest closed/deregistration date (only URNs that have one)
    place_codes: pd.DataFrame  # URN, PLACE
    provider_codes: pd.DataFrame  # URN, PLACE_PROVIDER
    postcodes: pd.DataFrame  # URN, POSTCODE (normalised)
    la_names: pd.DataFrame  # URN, LA_NAME (as written)
    notes: list[str] = field(default_factory=list)


def _norm_header(v) -> str:
    return re.sub(r"\s+", " ", str(v)).strip().lower() if v is not None else ""


def urn_text(values: pd.Series) -> pd.Series:
    """URNs as text: numbers and '1234567.0' -> '1234567'; trimmed, upper case; blank -> <NA>."""
    def one(v):
        if v is None or (isinstance(v, float) and v != v):
            return None
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        return str(v)
    s = values.astype(object).map(one).astype("string").str.strip().str.upper()
    s = s.str.replace(r"^(\d+)\.0+$", r"\1", regex=True)
    return s.mask(s == "")


def _dates(values: pd.Series) -> pd.Series:
    def one(v):
        if isinstance(v, (dt.datetime, dt.date)):
            return pd.Timestamp(v)
        return v
    s = values.astype(object).map(one)
    text = s.map(lambda v: v if isinstance(v, str) else None)
    as_text = pd.to_datetime(text.str.strip(), format="%d/%m/%Y", errors="coerce")
    iso = pd.to_datetime(text.str.strip().str[:10], format="%Y-%m-%d", errors="coerce")
    real = pd.to_datetime(s.map(lambda v: v if isinstance(v, pd.Timestamp) else None), errors="coerce")
    return real.fillna(as_text).fillna(iso).astype("datetime64[ns]")


def _codes(values: pd.Series) -> pd.Series:
    """Split code cells on / , ; and explode to one code per row (upper case, trimmed)."""
    s = values.astype("string").str.upper().str.split(r"[/,;]", regex=True).explode().str.strip()
    return s[s.notna() & (s != "")]


def _read_workbook(path: str) -> list[tuple[str, pd.DataFrame]]:
    """(sheet name, frame with our column names) for every sheet with a URN header."""
    try:
        import openpyxl

        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise UserError(f"Ofsted provider list '{path}': file not found.") from None
    except Exception as e:  # noqa: BLE001 - zip, xml, format errors all mean the same to the user
        raise UserError(f"Ofsted provider list '{path}' could not be read as an Excel workbook (.xlsx): "
                        f"{type(e).__name__}: {e}") from None
    out = []
    try:
        for ws in wb.worksheets:
            rows = ws.iter_rows(values_only=True)
            header, mapping = None, {}
            for _ in range(_HEADER_ROWS):
                row = next(rows, None)
                if row is None:
                    break
                names = [_norm_header(v) for v in row]
                if "urn" in names or any(n in ALIASES["URN"] for n in names):
                    header = names
                    break
            if header is None:
                continue
            for i, n in enumerate(header):
                for ours, aliases in ALIASES.items():
                    if n in aliases and ours not in mapping:
                        mapping[ours] = i
            data = [r for r in rows if r is not None and any(v not in (None, "") for v in r)]
            frame = pd.DataFrame({ours: [r[i] if i < len(r) else None for r in data] for ours, i in mapping.items()},
                                 dtype=object)
            out.append((ws.title, frame))
    finally:
        wb.close()
    if not out:
        raise UserError(f"Ofsted provider list '{path}' has no sheet with a 'URN' column in its first "
                        f"{_HEADER_ROWS} rows; expected Ofsted's children's homes, social care providers or "
                        "combined provider list.")
    return out


def read_ofsted(paths: list[str]) -> OfstedLists:
    """Read and combine every workbook given."""
    parts = []
    for path in paths:
        for sheet, frame in _read_workbook(str(path)):
            f = pd.DataFrame({"URN": urn_text(frame["URN"]) if "URN" in frame else pd.Series(dtype="string")})
            for col in ("LA", "PLACE", "PROVIDER", "POSTCODE"):
                f[col] = frame[col].astype(object).map(lambda v: None if v is None else str(v)).astype("string") \
                    if col in frame else pd.Series(pd.NA, index=f.index, dtype="string")
            f["CLOSED"] = _dates(frame["CLOSED"]) if "CLOSED" in frame else pd.NaT
            if "PLACE" not in frame and "supported" in sheet.lower():
                f["PLACE"] = "K3"  # Ofsted's supported accommodation register: placement code K3
            f["source"] = f"{Path(path).name}:{sheet}"
            parts.append(f[f["URN"].notna()])
    allrows = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["URN"])
    if allrows.empty:
        raise UserError("The Ofsted provider lists given (" + ", ".join(map(str, paths)) + ") hold no URN.")

    def long(col, name):
        codes = _codes(allrows.set_index("URN")[col])
        return pd.DataFrame({"URN": codes.index.astype("string"), name: codes.to_numpy()}).drop_duplicates(
            ignore_index=True)

    pcs = allrows[["URN", "POSTCODE"]].dropna()
    pcs = pd.DataFrame({"URN": pcs["URN"], "POSTCODE": pcs["POSTCODE"].str.upper().str.replace(r"\s+", "", regex=True)})
    las = allrows[["URN", "LA"]].dropna().rename(columns={"LA": "LA_NAME"})
    las["LA_NAME"] = las["LA_NAME"].str.strip()
    closed = allrows.dropna(subset=["CLOSED"]).groupby("URN")["CLOSED"].max() if "CLOSED" in allrows else pd.Series(
        dtype="datetime64[ns]")
    return OfstedLists(
        sources=[str(p) for p in paths],
        urns=pd.Index(allrows["URN"].unique(), dtype="string"),
        closed=closed,
        place_codes=long("PLACE", "PLACE"),
        provider_codes=long("PROVIDER", "PLACE_PROVIDER"),
        postcodes=pcs.drop_duplicates(ignore_index=True),
        la_names=las[las["LA_NAME"] != ""].drop_duplicates(ignore_index=True),
    )


__all__ = ["OfstedLists", "read_ofsted", "urn_text"]
