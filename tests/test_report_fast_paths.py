"""The outputs' fast paths give what the plain ones gave: escaping as Jinja's autoescape does it,
compiled templates reused from the cache folder only while the template is unchanged, and the JSON
file holding exactly findings_json, one finding per line."""

import json
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given, strategies as st
from markupsafe import escape

from reports import html
from reports.json_out import findings_json, write_json
from validator.engine import run
from validator.findings import findings_table
from tests.helpers import make_903


@given(st.text())
def test_escaping_matches_autoescape(text):
    assert html._h(text) == str(escape(text))


def _result():
    r = make_903({
        "Header": [{"CHILD": "1", "SEX": "</script>&'\"", "DOB": "01/01/2015", "ETHNIC": "WBRI", "UPN": "UN1"}],
        "Episodes": [{"CHILD": "1", "DECOM": "01/05/2024", "RNE": "S", "LS": "C2", "CIN": "N1", "PLACE": "ZZ",
                      "PLACE_PROVIDER": "PR1"}],
    })
    result = run(r, select=["101,146"])
    return result, findings_table(result)


def _page() -> str:
    page = html.render(*_result(), 0.1)
    return re.sub(r"checked \d{4}-\d\d-\d\d \d\d:\d\d", "checked (when)", page)


def test_json_file_is_findings_json_with_one_finding_per_line(tmp_path):
    result, findings = _result()
    write_json(result, findings, tmp_path / "f.json")
    text = (tmp_path / "f.json").read_text(encoding="utf-8")
    expected = findings_json(result, findings)
    assert json.loads(text) == json.loads(json.dumps(expected))
    assert list(json.loads(text)) == list(expected)  # keys in the contract's order
    assert len(expected["findings"]) == 2
    assert sum(line.startswith('  {"rule": ') for line in text.splitlines()) == 2
    assert "</script>&'\\\"" in text  # not \u-escaped (ensure_ascii off), quotes JSON-escaped


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A fresh cache folder and template environment; the environment is dropped again afterwards."""
    monkeypatch.setenv("RETURNCHECK_CACHE", str(tmp_path / "cache"))
    html._environment.cache_clear()
    yield tmp_path / "cache"
    html._environment.cache_clear()


def _no_compiling(monkeypatch):
    env = html._environment(html.template_cache_dir())

    def refuse(*args, **kwargs):
        raise AssertionError("template compiled although its compiled code is in the cache")

    monkeypatch.setattr(env, "compile", refuse)


def test_compiled_templates_are_cached_and_reused(cache, monkeypatch):
    first = _page()
    assert len(list(html.template_cache_dir().glob("*.cache"))) == 2  # the report and its preview section
    html._environment.cache_clear()  # as a new run would start
    _no_compiling(monkeypatch)
    assert _page() == first


def test_an_edited_template_is_compiled_again(cache, tmp_path, monkeypatch):
    copy = tmp_path / "templates"
    shutil.copytree(html.TEMPLATES, copy)
    monkeypatch.setattr(html, "TEMPLATES", copy)
    assert "EDITED" not in _page()
    source = copy / "report.html.j2"
    source.write_text(source.read_text(encoding="utf-8").replace("<h1>", "<h1>EDITED "), encoding="utf-8")
    html._environment.cache_clear()
    assert "EDITED" in _page()


def test_an_unwritable_or_damaged_cache_only_costs_the_compile(cache, monkeypatch):
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text("a file where the cache folder should be")
    page = _page()
    assert "&lt;/script&gt;&amp;&#39;&#34;" in page
    monkeypatch.setenv("RETURNCHECK_CACHE", str(cache.parent / "other"))
    html._environment.cache_clear()
    _page()
    for f in html.template_cache_dir().glob("*.cache"):
        f.write_bytes(f.read_bytes()[:40])  # truncated mid-way
    html._environment.cache_clear()
    assert _page() == page


def test_without_a_home_folder_the_templates_are_compiled_each_run(cache, monkeypatch):
    def no_home(cls):
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.delenv("RETURNCHECK_CACHE")
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(Path, "home", classmethod(no_home))
    assert html.template_cache_dir() is None
    assert "not ready to submit" in _page()
