"""DfE's rounding and suppression, to show figures "as DfE would publish them" beside the exact ones
(derived_measures.md section 0, [C]).

SSDA903 (children looked after)
  * LA counts are published unrounded; national and regional counts are rounded to the nearest 10.
  * Percentages are whole numbers; a non-zero percentage under 0.5 is shown as `k`.
CIN census
  * National counts are rounded to the nearest 10.
  * LA counts from 1 to 5 are suppressed as `c`, plus secondary suppression: where a table would
    let a suppressed cell be worked out by subtraction from its total, the next smallest cell is
    suppressed too.
  * Percentages to 1 decimal place; a percentage whose numerator or denominator is suppressed is `c`.
Symbols: `c` confidential, `z` not applicable (no denominator), `x` not available.
Rates per 10,000 children need ONS population estimates, which returncheck does not hold: not shown.
"""

from __future__ import annotations

import math

SUPPRESS_MIN, SUPPRESS_MAX = 1, 5  # CIN LA-level counts suppressed as `c`
LEVEL = "la"  # "la" (an LA's own figures) or "national" (rounded to the nearest 10)


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def round_half_up(x: float, ndigits: int = 0) -> float:
    """Round half away from zero (DfE's publications do not use banker's rounding)."""
    q = 10 ** ndigits
    return math.floor(abs(x) * q + 0.5) / q * (1 if x >= 0 else -1)


def count(n, kind: str, level: str = LEVEL) -> str:
    """A count as DfE would publish it for an LA (or nationally)."""
    if _missing(n):
        return "x"
    n = int(n)
    if level == "national":
        return f"{int(round_half_up(n, -1)):,}"
    if kind == "cin" and SUPPRESS_MIN <= n <= SUPPRESS_MAX:
        return "c"
    return f"{n:,}" if kind == "cin" else str(n)


def percent(num, den, kind: str, level: str = LEVEL) -> str:
    """num / den as a published percentage."""
    if _missing(num) or _missing(den):
        return "x"
    if not den:
        return "z"
    if kind == "cin" and level == "la" and (count(num, kind) == "c" or count(den, kind) == "c"):
        return "c"
    p = 100.0 * num / den
    if kind == "ssda903":
        if 0 < p < 0.5:
            return "k"
        return f"{int(round_half_up(p)):d}"
    return f"{round_half_up(p, 1):.1f}"


def table(values: list, kind: str, total=None, level: str = LEVEL) -> tuple[list[str], str | None]:
    """Publish the cells of one breakdown (cells that add up to `total`), with secondary suppression
    for CIN: when exactly one cell is suppressed (and the total is shown), the smallest other non-zero
    cell is suppressed too, so the first cannot be worked out by subtraction."""
    shown = [count(v, kind, level) for v in values]
    shown_total = None if total is None else count(total, kind, level)
    if kind == "cin" and level == "la":
        suppressed = [i for i, s in enumerate(shown) if s == "c"]
        if len(suppressed) == 1 and shown_total not in (None, "c"):
            others = [(values[i], i) for i, s in enumerate(shown) if s not in ("c", "x") and values[i]]
            if others:
                shown[min(others)[1]] = "c"
    return shown, shown_total


__all__ = ["count", "percent", "table", "round_half_up", "LEVEL"]
