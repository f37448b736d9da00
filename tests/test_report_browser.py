"""The HTML report in a real browser (Playwright driving the machine's Chromium): it opens from
file:// with no console error and no request leaving the file, filters work, deep links open
the right view, and a hostile child id stays text. Also: the XLSX opens and the JUnit parses."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from validator.cli import main

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
CHROMIUM = next((p for p in ("/usr/bin/chromium", shutil.which("chromium") or "") if p and Path(p).exists()), None)
if CHROMIUM is None:
    pytest.skip("no Chromium on this machine", allow_module_level=True)

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
EVIL = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    d = tmp_path_factory.mktemp("report")
    (d / "in").mkdir()
    (d / "in" / "h.csv").write_text(HEADER + f'"{EVIL}",Q,01/01/2015,WBRI,UN1,,\n2,M,01/01/2015,XXXX,UN1,,\n'
                                    "3,M,01/01/2015,WBRI,UN1,,\n")
    main(["validate", str(d / "in"), "--year", "2024/25", "--select", "101,103", "--html", str(d / "r.html"),
          "--xlsx", str(d / "r.xlsx"), "--junit", str(d / "r.xml")])
    return d


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


def _open(browser, url):
    page = browser.new_page()
    errors, requests, dialogs = [], [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url) if not r.url.startswith("file:") else None)
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(url)
    return page, errors, requests, dialogs


def test_opens_clean_and_hostile_id_stays_text(browser, outputs):
    page, errors, requests, dialogs = _open(browser, (outputs / "r.html").as_uri())
    assert "2 errors and 0 queries across 2 children" in page.inner_text("[role=status]")
    assert page.get_by_text(EVIL).count() >= 1 and not dialogs
    assert errors == [] and requests == []
    page.screenshot(path=str(outputs / "report.png"), full_page=True)


def test_filters_and_deep_links(browser, outputs):
    page, errors, _, _ = _open(browser, (outputs / "r.html").as_uri() + "#rule=103")
    assert page.locator("#rule-103").is_visible() and not page.locator("#rule-101").is_visible()
    page.select_option("#f-rule", "")
    assert page.locator("#rule-101").is_visible()
    page.fill("#f-child", "2")
    rows = page.locator("section.rule tbody tr:not([hidden])")
    assert rows.count() == 1 and "XXXX" in rows.first.inner_text()
    assert "child=2" in page.url
    page2, _, _, _ = _open(browser, (outputs / "r.html").as_uri() + "#child=2")
    views = page2.locator("article.child-view:not([hidden])")
    assert views.count() == 1 and "Child 2" in views.first.inner_text()
    assert errors == []


def test_xlsx_and_junit_twins(outputs):
    from openpyxl import load_workbook

    wb = load_workbook(outputs / "r.xlsx")
    assert wb.sheetnames[:4] == ["Summary", "By rule", "By child", "Findings"]
    suite = ET.parse(outputs / "r.xml").getroot()
    assert suite.get("tests") == "2" and suite.get("failures") == "2"
