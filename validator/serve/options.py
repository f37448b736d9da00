"""Choices the page offers: collection years and English local authorities."""

from __future__ import annotations

from validator.years import SUPPORTED


def year_options() -> list[str]:
    """Supported collection years, newest first."""
    return list(reversed(SUPPORTED))


def la_options() -> list[dict]:
    """ONS code, DfE number and name of each LA, for the field's suggestions; empty when the
    reference table cannot be read (the field still takes a typed code)."""
    try:
        from validator.reference.la_codes import table

        t = table()
    except Exception:  # noqa: BLE001 - suggestions are a convenience
        return []
    seen, out = set(), []
    for row in t.sort_values("name").itertuples(index=False):
        if row.ons_code in seen:
            continue
        seen.add(row.ons_code)
        out.append({"value": row.ons_code, "label": f"{row.name} ({row.dfe_number})"})
    return out
