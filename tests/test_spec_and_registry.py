"""The spec copy shipped in rules/*/data matches ../shared/spec, and the registry is consistent."""

import re
from pathlib import Path

import pytest

from validator.registry import implemented_codes, load_all, ruleset, versions
from validator.spec import spec

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "spec"


@pytest.mark.skipif(not SHARED.exists(), reason="../shared/spec is not beside this checkout")
@pytest.mark.parametrize("ret, name", [(r, n) for r in ("ssda903", "cin") for n in ("rules.csv", "codes.csv", "tables.csv")])
def test_shipped_spec_copy_matches_shared_spec(ret, name):
    assert (ROOT / "rules" / ret / "data" / name).read_bytes() == (SHARED / ret / name).read_bytes()


def test_spec_counts_per_year_match_dfe():
    s = spec("ssda903")
    counts = {y: sum(y in m.active_years for m in s.rules.values()) for y in ("2022/23", "2023/24", "2024/25", "2025/26", "2026/27")}
    assert counts == {"2022/23": 293, "2023/24": 312, "2024/25": 305, "2025/26": 316, "2026/27": 327}
    c = spec("cin")
    assert sum("2024/25" in m.active_years for m in c.rules.values()) == 109
    assert {m.severity for m in c.rules.values() if m.code.endswith("Q")} == {"query"}


def test_code_lists_by_year():
    s = spec("ssda903")
    assert s.codes("SEX", "2023/24") == {"1", "2"}
    assert s.codes("SEX", "2024/25") == {"M", "F", "U"}
    assert "K3" in s.codes("PLACE", "2024/25") and "K3" not in s.codes("PLACE", "2023/24")


def test_message_follows_the_year():
    m = spec("ssda903").rules["101"]
    assert m.message_for("2023/24") == "Gender code is not valid."
    assert m.message_for("2024/25") == "The child or young person’s reported sex is not valid."


def test_every_registered_version_is_within_active_years_and_versions_do_not_overlap():
    load_all()
    for ret in ("ssda903", "cin"):
        for code in implemented_codes(ret):
            vs = versions(ret, code)
            years = [y for v in vs for y in v.years]
            assert len(years) == len(set(years)), f"{ret} {code}: overlapping versions"
            assert set(years) <= set(spec(ret).rules[code].active_years), f"{ret} {code}"
            for v in vs:
                assert v.doc, f"{ret} {code} ({v.where}) has no docstring"


def test_every_registered_rule_has_a_test_that_names_it():
    load_all()
    text = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").rglob("test_*.py"))
    missing = [f"{ret} {code}" for ret in ("ssda903", "cin") for code in sorted(implemented_codes(ret))
               if not re.search(r'"%s"' % re.escape(code), text)]
    assert not missing, f"rules without a test naming them: {missing}"


def test_ruleset_is_in_spec_order_and_year_specific():
    codes_2425 = [v.code for v in ruleset("cin", "2024/25")]
    order = list(spec("cin").rules)
    assert codes_2425 == sorted(codes_2425, key=order.index)
    v2324 = [v for v in ruleset("cin", "2023/24") if v.code == "4180"]
    v2425 = [v for v in ruleset("cin", "2024/25") if v.code == "4180"]
    assert v2324[0].func is not v2425[0].func


def test_the_parsed_spec_is_kept_in_the_cache_folder_and_a_damaged_copy_costs_only_the_parse(tmp_path, monkeypatch):
    from validator import spec as module

    monkeypatch.setenv("RETURNCHECK_CACHE", str(tmp_path))
    parsed = module.ReturnSpec("cin")
    module.spec.cache_clear()
    try:
        assert module.spec("cin").rules == parsed.rules  # parsed, then written
        [copy] = (tmp_path / "spec").glob("cin-*.pickle")
        module.spec.cache_clear()
        monkeypatch.setattr(module.ReturnSpec, "__init__", lambda self, ret: (_ for _ in ()).throw(AssertionError))
        loaded = module.spec("cin")  # no parse: the copy
        assert (loaded.rules, loaded.columns, loaded._codes, loaded.labels) == (
            parsed.rules, parsed.columns, parsed._codes, parsed.labels)
        monkeypatch.undo()
        monkeypatch.setenv("RETURNCHECK_CACHE", str(tmp_path))
        copy.write_bytes(copy.read_bytes()[:100])  # damaged (a truncated write)
        module.spec.cache_clear()
        assert module.spec("cin").rules == parsed.rules
        assert module.spec.cache_info().currsize == 1
    finally:
        module.spec.cache_clear()
