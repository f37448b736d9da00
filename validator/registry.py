"""The rule registry: every implemented DfE rule, keyed by (return, code), with its versions by year.

What DfE says about a rule (message, fields, tables, years, severity) is data in
rules/<return>/data/rules.csv (validator.spec). What the rule checks is one small function in
rules/<return>/<group>.py, registered here with the `rule` decorator:

    @rule("ssda903", "101")
    def sex_not_valid(r: Return) -> Flags:
        '''Header.SEX must be a code of the collection year.'''
        h = r.table("Header")
        return {"Header": h["SEX"].notna() & ~h["SEX"].isin(r.codes("SEX"))}

`needs=("ofsted",)` (or "la", "previous") adds an input the rule cannot run without, beyond the
spec's flags; without it the engine lists the rule as skipped with the reason.

A rule returns the rows it flags, per table key ("Episodes", "Header_last", or RETURN_LEVEL for a
finding about the whole return): a boolean Series aligned with that table, or the row labels.
Where DfE changed a rule, register one function per version with `years=`; each collection year
runs its own version. Versions of one code must not overlap.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Callable, Mapping, NamedTuple

from validator.spec import RETURNS, RuleMeta, spec
from validator.years import SUPPORTED

class NotApplicable(Exception):
    """Raised by a rule that cannot be evaluated on this input (the reason is shown as 'not run')."""


RETURN_LEVEL = "(return)"  # table key of a finding about the whole return (no row)

Flags = Mapping[str, object]


class RuleVersion(NamedTuple):
    ret: str
    code: str
    years: tuple[str, ...]
    func: Callable
    limited_confidence: bool = False  # DfE's rule needs more history than two years can show
    field_override: tuple[str, ...] = ()  # this version highlights other fields than the spec lists
    extra_needs: tuple[str, ...] = ()  # inputs needed beyond the spec's flags: "ofsted", "la", "previous"

    @property
    def fields(self) -> tuple[str, ...]:
        return self.field_override or self.meta.fields

    @property
    def meta(self) -> RuleMeta:
        return spec(self.ret).rules[self.code]

    @property
    def doc(self) -> str:
        return (self.func.__doc__ or "").strip()

    @property
    def where(self) -> str:
        return f"{self.func.__module__}.{self.func.__name__}"


_REGISTRY: dict[tuple[str, str], list[RuleVersion]] = {}


def _years(spec_years: tuple[str, ...], years: str | tuple[str, ...] | None) -> tuple[str, ...]:
    """'2024/25-' (from), '-2023/24' (up to), '2023/24' (one), 'a-b' (range), or a tuple."""
    if years is None:
        return tuple(y for y in SUPPORTED if y in spec_years)
    if isinstance(years, tuple):
        chosen = years
    elif "-" in years:
        lo, hi = years.split("-", 1)
        chosen = tuple(y for y in SUPPORTED if (not lo or lo <= y) and (not hi or y <= hi))
    else:
        chosen = (years,)
    return tuple(y for y in chosen if y in spec_years)


def rule(ret: str, code: str, years: str | tuple[str, ...] | None = None, limited_confidence: bool = False,
         fields: tuple[str, ...] = (), needs: tuple[str, ...] = ()):
    """Register the decorated function as DfE rule `code` of return `ret` for `years`."""
    meta = spec(ret).rules.get(code)
    if meta is None:
        raise ValueError(f"{ret} rule {code} is not in DfE's specification (rules/{ret}/data/rules.csv)")

    def register(func):
        chosen = _years(meta.active_years, years)
        if not chosen:
            raise ValueError(f"{ret} rule {code}: years {years!r} are not among its active years")
        versions = _REGISTRY.setdefault((ret, code), [])
        for v in versions:
            clash = set(v.years) & set(chosen)
            if clash and v.func.__qualname__ != func.__qualname__:
                raise ValueError(f"{ret} rule {code}: two versions for {sorted(clash)}")
        versions[:] = [v for v in versions if v.func.__qualname__ != func.__qualname__]
        unknown = set(needs) - {"ofsted", "la", "previous"}
        if unknown:
            raise ValueError(f"{ret} rule {code}: unknown needs {sorted(unknown)}")
        versions.append(RuleVersion(ret, code, chosen, func, limited_confidence, tuple(fields), tuple(needs)))
        return func

    return register


_loaded: set[str] = set()


def load(ret: str) -> None:
    """Import every module under rules/<ret>/ so their decorators register (a new file needs no
    listing). Only the return being checked is imported: start-up time counts."""
    if ret in _loaded:
        return
    package = importlib.import_module(f"rules.{ret}")
    for mod in pkgutil.walk_packages(package.__path__, prefix=f"rules.{ret}."):
        importlib.import_module(mod.name)
    _loaded.add(ret)


def load_all() -> None:
    for ret in RETURNS:
        load(ret)


def versions(ret: str, code: str) -> list[RuleVersion]:
    load(ret)
    return list(_REGISTRY.get((ret, code), []))


# Years DfE has not published a ruleset for yet: checked against the nearest published year, and
# said so in every output. CIN 2026/27: the spec pack says to treat it as the 2025/26 set.
PROVISIONAL = {("cin", "2026/27"): "2025/26"}


def ruleset_year(ret: str, year: str) -> str:
    """The collection year whose DfE rules check a `year` return (itself, or a provisional stand-in)."""
    return PROVISIONAL.get((ret, year), year)


def ruleset(ret: str, year: str) -> list[RuleVersion]:
    """The rules that run for `ret` in `year`, in DfE's specification order."""
    load(ret)
    year = ruleset_year(ret, year)
    order = {c: i for i, c in enumerate(spec(ret).rules)}
    out = [v for (r, _), vs in _REGISTRY.items() if r == ret for v in vs if year in v.years]
    return sorted(out, key=lambda v: order[v.code])


def implemented_codes(ret: str) -> set[str]:
    load(ret)
    return {c for (r, c) in _REGISTRY if r == ret}


__all__ = ["rule", "ruleset", "versions", "load", "load_all", "RETURN_LEVEL", "RuleVersion", "Flags", "RETURNS"]
