"""fixtures.benchmark: the table, growth ratios and budget verdicts on a fake result (no real timing)."""

import json

from fixtures import benchmark


def _row(kind, children, seconds, mb, ref_seconds=None):
    rc = {"seconds": seconds, "peak_mb": mb, "exit": 0,
          "phases": {"ingest": 0.1, "derive": 0.1, "rules": 0.2, "findings": 0.0, "outputs": 0.1, "startup": 0.3},
          "slowest_rules": [["101", 0.05], ["8500", 0.01]], "findings": 1234}
    row = {"return": kind, "children": children, "returncheck": rc}
    row["budget"] = benchmark.budget_check(kind, children, rc)
    if ref_seconds is not None:
        row["reference"] = {"seconds": ref_seconds, "peak_mb": 500.0, "exit": 0}
        row["ratio"] = round(ref_seconds / seconds, 1)
    return row


def test_report_shape_budgets_and_growth():
    results = [_row("ssda903", 2_700, 0.8, 120, ref_seconds=9.9), _row("ssda903", 27_000, 9.0, 400, ref_seconds=99),
               _row("ssda903", 107_000, 40.0, 3000), _row("cin", 10_000, 1.5, 150)]
    results[2]["reference"] = {"error": "timed out after 900 s"}
    assert results[0]["budget"]["pass"] and results[0]["budget"]["text"] == "<= 1 s"
    assert results[1]["budget"] is None  # 27,000 has no budget of its own
    assert not results[2]["budget"]["pass"] and results[2]["budget"]["text"] == "<= 30 s, <= 2 GB"

    growths = benchmark.growth(results)
    first = growths[0]
    assert (first["from"], first["to"], first["size_ratio"]) == (2_700, 27_000, 10.0)
    assert first["per_child_ratio"] == round((9.0 / 27_000) / (0.8 / 2_700), 2)
    assert first["reference_per_child_ratio"] == 1.0
    assert "reference_per_child_ratio" not in growths[1]  # reference failed at 107,000

    text = benchmark.format_report(results, growths)
    lines = text.splitlines()
    assert lines[0].split()[:5] == ["return", "children", "flagged", "seconds", "peak"] and "ref/rc" in lines[0]
    assert lines[2].split()[:4] == ["ssda903", "2,700", "1,234", "0.80"]
    assert "pass" in lines[2] and "12.4x" in lines[2]
    assert "FAIL" in lines[4] and "failed" in lines[4]
    assert "reference ssda903 107,000: timed out after 900 s" in text
    assert "Ten slowest rules, cin 10,000: 101 0.05s, 8500 0.01s" in text
    json.dumps({"results": results, "growth": growths})  # the --json document is plain JSON


def test_repeat_keeps_the_fastest_complete_run_and_bytecode_caching_is_on(monkeypatch):
    runs = iter([{"seconds": 2.0}, {"seconds": 1.2}, {"seconds": 0.9, "error": "exit code 2"}, {"seconds": 1.5}])
    monkeypatch.setattr(benchmark, "_run_returncheck_once", lambda kind, inputs, out: next(runs))
    best = benchmark.run_returncheck("cin", {}, None, repeat=4)
    assert best["seconds"] == 1.2 and best["all_seconds"] == [2.0, 1.2, 0.9, 1.5]

    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    env = benchmark._env(PYTHONPATH="x")
    assert "PYTHONDONTWRITEBYTECODE" not in env and env["PYTHONPATH"] == "x"


def test_import_pandas_floor_is_the_fastest_of_fresh_interpreters(monkeypatch):
    calls, clock = [], iter([0.0, 0.5, 1.0, 1.3, 2.0, 2.9])
    monkeypatch.setattr(benchmark.subprocess, "run", lambda cmd, **kw: calls.append((cmd, kw["env"])))
    monkeypatch.setattr(benchmark.time, "perf_counter", lambda: next(clock))
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    assert benchmark.import_pandas_seconds(3) == 0.3
    assert [cmd[1:] for cmd, _ in calls] == [["-c", "import pandas"]] * 3
    assert all("PYTHONDONTWRITEBYTECODE" not in env for _, env in calls)


def test_inject_gives_returns_with_findings_beside_the_clean_ones(tmp_path):
    from validator.cli import validate

    for kind in ("ssda903", "cin"):
        clean = benchmark.generate(kind, 60, 3, tmp_path)
        broken = benchmark.generate(kind, 60, 3, tmp_path, inject=1)
        assert broken["folder"].endswith(f"{kind}_60_seed3_inject1") and clean["folder"] != broken["folder"]
        counts = []
        for inputs in (clean, broken):
            if kind == "ssda903":
                _, f = validate([inputs["current"]], previous=[inputs["previous"]], ret=kind, year=benchmark.YEAR,
                                la=benchmark.LA)
            else:
                _, f = validate([inputs["file"]], ret=kind)
            counts.append(int((f["severity"] == "error").sum()))
        assert counts[0] == 0 and counts[1] > 5, counts
