"""`returncheck serve` in a real browser: Playwright drives the machine's Chromium.

Started as a user starts it (`python -m validator serve --no-browser`), the page is used as a
person would: choose the year, add generated SSDA903 CSVs (and last year's), press Check, watch
the progress, read the verdict, download the outputs; the same with a CIN census; mistakes
come back next to the field; a page from another site cannot use the server.

Screenshots of the page before, during and after a check go to $RETURNCHECK_SHOTS (default
/tmp/serve_shots/). Skipped, with the reason, where Playwright or a Chromium is missing.
Chromium is found at $RETURNCHECK_CHROMIUM, else /usr/bin/chromium (or chromium, chromium-browser,
google-chrome on PATH). Playwright starts it with a fresh temporary profile every time.
"""

from __future__ import annotations

import contextlib
import http.server
import io
import json
import os
import shutil
import threading
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("flask", reason="returncheck serve needs flask")
pytest.importorskip("waitress", reason="returncheck serve needs waitress")
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install playwright)")


def _chromium() -> str | None:
    for candidate in (os.environ.get("RETURNCHECK_CHROMIUM"), "/usr/bin/chromium"):
        if candidate and Path(candidate).exists():
            return candidate
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    return None


CHROMIUM = _chromium()
if CHROMIUM is None:
    pytest.skip("no Chromium on this machine (set RETURNCHECK_CHROMIUM to its path)", allow_module_level=True)

from tests.test_serve import Server, cin_xml, ssda903_csvs  # noqa: E402

SHOTS = Path(os.environ.get("RETURNCHECK_SHOTS", "/tmp/serve_shots"))
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--host-resolver-rules=MAP evil.test 127.0.0.1"]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("browser_inputs")
    current, previous = ssda903_csvs(folder, children=60)
    return {"current": current, "previous": previous, "cin": cin_xml(folder / "cin"), "folder": folder}


@pytest.fixture(scope="module")
def server():
    s = Server("--max-upload-mb", "1")
    yield s
    s.stop()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        try:
            b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        except Exception as e:  # noqa: BLE001 - a browser that will not start is a skip with its reason
            pytest.skip(f"Chromium at {CHROMIUM} did not start: {e}")
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    SHOTS.mkdir(parents=True, exist_ok=True)
    ctx = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    pg = ctx.new_page()
    pg.problems = []
    pg.on("pageerror", lambda e: pg.problems.append(str(e)))
    pg.on("console", lambda m: m.type == "error" and pg.problems.append(m.text))
    pg.goto(server.url)
    assert pg.url == server.base + "/"  # the key went into a cookie, out of the address bar
    yield pg
    ctx.close()


def shot(pg, name, full=True):
    pg.screenshot(path=str(SHOTS / name), full_page=full)


def test_903_csvs_progress_report_and_downloads(page, inputs):
    page.get_by_label("Collection year").select_option("2024/25")
    page.get_by_label("Local authority").fill("E09000027")
    page.set_input_files("#current", [str(p) for p in inputs["current"]])
    page.set_input_files("#previous", [str(p) for p in inputs["previous"]])
    assert page.locator("#current-list li").count() == len(inputs["current"])
    assert "header.csv" in page.inner_text("#current-list")
    shot(page, "01_before_check.png")

    page.get_by_role("button", name="Check", exact=True).click()
    progress = page.locator("#progress")
    progress.wait_for(state="visible")
    try:  # the rules count shows while they run; a fast machine may already be past it
        page.wait_for_selector("#progress-text:has-text('Running the rules')", timeout=15000)
    except sync_api.TimeoutError:
        pass
    shot(page, "02_during_check.png", full=False)
    # while the check runs the button is disabled; a fast machine may already show the result
    # (the form is then hidden): read both in one step so the check cannot finish in between
    assert page.evaluate("() => document.getElementById('check').disabled"
                         " || !document.getElementById('result').hidden")

    page.wait_for_selector("#result:not([hidden])", timeout=120000)
    verdict = page.inner_text("#verdict")
    assert verdict.startswith("Not ready to submit: ") and "error" in verdict
    assert "SSDA903 2024/25, LA E09000027" in page.inner_text("#result-meta")
    report = page.frame_locator("#report")
    assert "not ready to submit" in report.locator(".verdict").inner_text()
    assert "101" in report.locator("#rule-101").inner_text()
    assert page.evaluate("document.activeElement.id") == "result-h"  # focus moves to the result
    report.locator("#f-rule").select_option("101")  # the report's own script works inside the frame
    assert report.locator("#f-count").inner_text() != ""
    shot(page, "03_after_check.png", full=False)

    with page.expect_download() as d:
        page.get_by_role("link", name="Download the findings (Excel)").click()
    assert d.value.suggested_filename == "returncheck_ssda903_2024-25_findings.xlsx"
    assert "xl/workbook.xml" in zipfile.ZipFile(io.BytesIO(Path(d.value.path()).read_bytes())).namelist()
    with page.expect_download() as d:
        page.get_by_role("link", name="Download the report (HTML)").click()
    assert d.value.suggested_filename == "returncheck_ssda903_2024-25_report.html"
    assert "not ready to submit" in Path(d.value.path()).read_text(encoding="utf-8")
    with page.expect_download() as d:
        page.get_by_role("link", name="Download the findings (JSON)").click()
    data = json.loads(Path(d.value.path()).read_text(encoding="utf-8"))
    assert data["return"] == "ssda903" and any(f["rule"] == "101" for f in data["findings"])
    assert page.problems == []


def test_cin_census_after_check_other_files(page, inputs):
    page.set_input_files("#current", str(inputs["cin"]))
    page.get_by_role("button", name="Check", exact=True).click()
    page.wait_for_selector("#result:not([hidden])", timeout=120000)
    assert page.inner_text("#result-meta").startswith("CIN census 2024/25")
    assert page.inner_text("#verdict").split(":")[0] in ("Ready to submit", "Not ready to submit")
    report = page.frame_locator("#report")
    assert "CIN census 2024/25" in report.locator("h1").inner_text()
    shot(page, "04_cin_after_check.png", full=False)
    with page.expect_download() as d:
        page.get_by_role("link", name="Download the findings (JSON)").click()
    assert json.loads(Path(d.value.path()).read_text(encoding="utf-8"))["return"] == "cin"

    page.get_by_role("button", name="Check other files").click()  # back to the form, files kept
    assert page.locator("#form-section").is_visible() and not page.locator("#result").is_visible()
    assert page.locator("#current-list li").count() == 1
    assert page.evaluate("document.activeElement.textContent") == "Choose files"
    assert page.problems == []


def test_a_file_that_is_not_a_return_gets_the_message_next_to_the_field(page, inputs):
    notes = inputs["folder"] / "notes.csv"
    notes.write_text("Name,Comment\nA,B\n", encoding="utf-8")
    page.get_by_label("Collection year").select_option("2024/25")
    page.set_input_files("#current", str(notes))
    page.get_by_role("button", name="Check", exact=True).click()
    error = page.locator("#current-error")
    error.wait_for(state="visible", timeout=60000)
    assert error.text_content().startswith("Error: notes.csv:")
    assert "/tmp" not in error.text_content() and "Traceback" not in page.content()
    assert page.locator("#error-summary").is_visible()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    # the error summary links to the field; the field's controls point at the message
    page.locator("#error-list a").first.click()
    assert page.evaluate("document.activeElement.dataset.input") == "current"
    assert "current-error" in page.get_attribute('button[data-input="current"]', "aria-describedby")
    shot(page, "05_error_not_a_return.png", full=False)
    # removing the file with the keyboard clears the message
    page.get_by_role("button", name="Remove notes.csv").focus()
    page.keyboard.press("Enter")
    assert page.locator("#current-list li").count() == 0


def test_oversized_upload_gets_the_message(page, inputs):
    big = inputs["folder"] / "big_episodes.csv"
    big.write_bytes(b"CHILD,DECOM\n" + b"1,01/05/2024\n" * (2 * 2**20 // 13))
    page.set_input_files("#current", str(big))
    page.get_by_role("button", name="Check", exact=True).click()
    error = page.locator("#current-error")
    error.wait_for(state="visible")
    assert "this page accepts up to 1 MB in one check" in error.text_content()
    assert error.text_content().startswith("Error: These files come to 2.0 MB")
    assert page.locator("#progress").is_hidden()
    shot(page, "06_error_too_large.png", full=False)

    # the server says the same when the page's own check is bypassed
    status = page.evaluate("""async () => {
        const fd = new FormData();
        fd.append("current", new Blob([new Uint8Array(2 * 1048576)]), "big.csv");
        const r = await fetch("/check", {method: "POST", body: fd, headers: {"X-Returncheck-Key": KEY}});
        return [r.status, (await r.json()).errors.current];
    }""")
    assert status[0] == 413 and "this page accepts up to 1 MB" in status[1]


def test_keyboard_only_check_without_files_is_told_what_to_do(page):
    page.keyboard.press("Tab")  # Return
    assert page.evaluate("document.activeElement.id") == "ret"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "la"
    page.focus("#check")
    page.keyboard.press("Enter")
    assert page.locator("#current-error").text_content() == "Error: Choose this year's return: the files to check."
    page.get_by_label("Return", exact=True).select_option("ssda903")
    page.focus("#check")
    page.keyboard.press("Enter")
    assert "choose the year" in page.locator("#year-error").text_content()
    assert page.get_attribute("#year", "aria-invalid") == "true"


PAGE = "<!doctype html><title>another page</title><p>another page</p>"


@contextlib.contextmanager
def _other_local_site():
    """Another web server on this machine (another port: the same site to the browser)."""
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(PAGE.encode())

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_other_sites_cannot_use_the_server(browser, server):
    ctx = browser.new_context()
    pg = ctx.new_page()
    # DNS rebinding: a name that resolves to this machine is not the address returncheck printed
    response = pg.goto(f"http://evil.test:{server.port}/?key={server.key}")
    assert response.status == 403 and "wrong Host" in pg.inner_text("body")
    # a page of another site, then one of another port of this machine (same site, so the browser
    # sends the session cookie it holds): both try to start a check and get nothing readable back
    pg.goto(server.url)
    answers, failures = [], []
    pg.on("response", lambda r: r.url.startswith(server.base + "/check") and answers.append(r.status))
    pg.on("requestfailed", lambda r: r.url.startswith(server.base + "/check") and failures.append(r.failure))
    with _other_local_site() as local:
        pg.route("http://elsewhere.test/", lambda route: route.fulfill(status=200, content_type="text/html", body=PAGE))
        for origin in ("http://elsewhere.test", local):
            pg.goto(origin + "/")
            outcome = pg.evaluate("""async (url) => {
                const fd = new FormData();
                fd.append("current", new Blob(["CHILD,SEX\\n1,M\\n"]), "header.csv");
                try {
                    const r = await fetch(url + "/check", {method: "POST", body: fd, mode: "no-cors", credentials: "include"});
                    return r.type;
                } catch (e) { return "blocked: " + e.name; }
            }""", server.base)
            assert outcome == "opaque" or outcome.startswith("blocked"), outcome  # nothing readable comes back
    # The other local page's request did reach returncheck (which refuses a foreign Origin: see
    # test_serve.py), and the browser withheld even that refusal from it (Cross-Origin-Resource-Policy).
    assert "net::ERR_BLOCKED_BY_RESPONSE.NotSameOrigin" in failures and set(answers) <= {403}
    ctx.close()


def test_the_server_logged_no_data(server, inputs):
    out, err = server.stop()
    children = [line.split(",")[0] for line in
                next(p for p in inputs["current"] if p.name == "header.csv").read_text().splitlines()[1:]]
    for text in (out, err):
        assert not any(c and c in text for c in children)
        assert "header.csv" not in text and "notes.csv" not in text and "Traceback" not in text
