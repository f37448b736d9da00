"""`returncheck serve`: who may talk to it, what a check returns, how errors reach the page.

Most tests use Flask's test client on the app; the last ones start `python -m validator serve`
as a user would and talk to it over the socket. The browser tests are in test_serve_browser.py.
Inputs are synthetic (fixtures.ssda903), never real children.
"""

from __future__ import annotations

import http.client
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("flask", reason="returncheck serve needs flask (pip install returncheck)")
pytest.importorskip("waitress", reason="returncheck serve needs waitress (pip install returncheck)")

from validator.serve.app import Settings, create_app  # noqa: E402
from validator.serve.jobs import display_name, page_message  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "fixtures" / "samples"


def ssda903_csvs(folder: Path, children: int = 40, bad_sex: bool = True) -> tuple[list[Path], list[Path]]:
    """This year's and last year's CSV tables of a generated 2024/25 SSDA903 return. With bad_sex,
    the first child's SEX is 'Q' (rule 101: an error) so the verdict is 'not ready'."""
    from fixtures.ssda903 import generate_pair
    from fixtures.writers import write_ssda903_csv

    current, previous = generate_pair("2024/25", children, 11)
    if bad_sex:
        current["Header"].loc[current["Header"].index[0], "SEX"] = "Q"
    return write_ssda903_csv(current, folder / "2024-25"), write_ssda903_csv(previous, folder / "2023-24")


def cin_xml(folder: Path) -> Path:
    """The bundled CIN sample when there is one, else the small census of the ingest tests."""
    sample = SAMPLES / "cin_2024_25.xml"
    if sample.exists():
        return sample
    from tests.test_ingest import CIN_XML

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "cin_census.xml"
    path.write_text(CIN_XML, encoding="utf-8")
    return path


class Server:
    """`python -m validator serve --no-browser` as a user starts it; stopped by its own pid."""

    def __init__(self, *args: str, env: dict | None = None):
        env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1", **(env or {})}
        self.proc = subprocess.Popen([sys.executable, "-m", "validator", "serve", "--no-browser", *args],
                                     cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines: list[str] = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            self.lines.append(line)
            m = re.search(r"(http://127\.0\.0\.1:(\d+))/\?key=(\S+)", line)
            if m:
                self.url, self.base, self.port, self.key = m.group(0), m.group(1), int(m.group(2)), m.group(3)
                return
        self.stop()
        raise RuntimeError("returncheck serve did not print its address: " + "".join(self.lines))

    def stop(self) -> tuple[str, str]:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # what Ctrl+C does
        try:
            out, err = self.proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, err = self.proc.communicate()
        return "".join(self.lines) + out, err


# ------------------------------------------------------------------ the app, through Flask's test client

PORT = 5123
BASE = f"http://127.0.0.1:{PORT}"


@pytest.fixture
def app():
    settings = Settings(max_upload_bytes=2**20, port=PORT)
    a = create_app(settings)
    a.config["TESTING"] = True
    a.settings = settings
    return a


@pytest.fixture
def client(app):
    c = app.test_client()
    c.set_cookie(app.settings.cookie, app.settings.token, domain="127.0.0.1")
    return c


def post_check(client, app, files, **form):
    """POST /check as the page does: Origin of the page, the key header, multipart files."""
    data = {k: v for k, v in form.items()}
    for field, paths in files.items():
        data[field] = [(io.BytesIO(Path(p).read_bytes() if isinstance(p, Path) else p[1]),
                        p.name if isinstance(p, Path) else p[0]) for p in paths]
    return client.post("/check", base_url=BASE, data=data, content_type="multipart/form-data",
                       headers={"Origin": BASE, "X-Returncheck-Key": app.settings.token})


def wait(client, job_id, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        s = client.get(f"/jobs/{job_id}", base_url=BASE).get_json()
        if s["state"] != "running":
            return s
        time.sleep(0.1)
    raise AssertionError("the check did not finish")


@pytest.fixture(scope="module")
def returns(tmp_path_factory):
    folder = tmp_path_factory.mktemp("serve_inputs")
    current, previous = ssda903_csvs(folder)
    return {"current": current, "previous": previous, "cin": cin_xml(folder / "cin")}


def test_the_page_needs_the_session_key_which_becomes_a_strict_cookie(app):
    c = app.test_client()
    refused = c.get("/", base_url=BASE)
    assert refused.status_code == 403 and "open the address" in refused.get_data(as_text=True)
    assert c.get("/?key=wrong", base_url=BASE).status_code == 403
    first = c.get(f"/?key={app.settings.token}", base_url=BASE)
    assert first.status_code == 303 and first.headers["Location"] == "/"  # the key leaves the address bar
    cookie = first.headers["Set-Cookie"]
    assert app.settings.token in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    page = c.get("/", base_url=BASE)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<label class="main" for="year">Collection year</label>' in html
    csp = page.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "connect-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert page.headers["Cache-Control"] == "no-store"
    assert "http://" not in html.replace(BASE, "") and "https://" not in html  # nothing fetched from elsewhere


@pytest.mark.parametrize("headers, why", [
    ({"Host": f"evil.example:{PORT}"}, "wrong Host"),
    ({"Host": "127.0.0.1:9"}, "wrong Host"),
    ({"Origin": "http://evil.example"}, "wrong Origin"),
    ({"Origin": f"http://127.0.0.1:{PORT + 1}"}, "wrong Origin"),
    ({"Sec-Fetch-Site": "cross-site"}, "another web site"),
    ({"Sec-Fetch-Site": "same-site"}, "another web site"),
])
def test_foreign_host_origin_or_site_is_refused_even_with_the_cookie(client, headers, why):
    r = client.get("/", base_url=BASE, headers=headers)
    assert r.status_code == 403 and why in r.get_data(as_text=True)
    r = client.post("/check", base_url=BASE, headers={"Origin": BASE, **headers})
    assert r.status_code == 403


def test_localhost_by_name_is_the_same_machine(client, app):
    c = app.test_client()
    c.set_cookie(app.settings.cookie, app.settings.token, domain="localhost")
    assert c.get("/", base_url=f"http://localhost:{PORT}").status_code == 200


def test_another_computer_is_refused(client):
    r = client.get("/", base_url=BASE, environ_base={"REMOTE_ADDR": "192.168.1.20"})
    assert r.status_code == 403 and "only answers this computer" in r.get_data(as_text=True)


def test_a_check_needs_the_page_origin_and_the_key_header(client, app, returns):
    data = {"current": (io.BytesIO(b"x"), "x.csv")}
    no_origin = client.post("/check", base_url=BASE, data=data, headers={"X-Returncheck-Key": app.settings.token})
    assert no_origin.status_code == 403
    no_key = client.post("/check", base_url=BASE, data={"current": (io.BytesIO(b"x"), "x.csv")},
                         headers={"Origin": BASE})
    assert no_key.status_code == 403 and "key" in no_key.get_data(as_text=True)
    wrong_key = client.post("/check", base_url=BASE, data={"current": (io.BytesIO(b"x"), "x.csv")},
                            headers={"Origin": BASE, "X-Returncheck-Key": "guess"})
    assert wrong_key.status_code == 403
    no_cookie = app.test_client().post("/check", base_url=BASE, data={"current": (io.BytesIO(b"x"), "x.csv")},
                                       headers={"Origin": BASE, "X-Returncheck-Key": app.settings.token})
    assert no_cookie.status_code == 403


def test_oversized_upload_gets_the_message_next_to_the_files(client, app):
    big = ("big.csv", b"CHILD,SEX\n" + b"1,M\n" * (3 * 2**20 // 4))
    r = post_check(client, app, {"current": [big]}, ret="ssda903", year="2024/25")
    assert r.status_code == 413
    message = r.get_json()["errors"]["current"]
    assert message.startswith("These files come to 3 MB; this page accepts up to 1 MB in one check.")
    assert "--max-upload-mb" in message


def test_check_of_903_csvs_gives_the_cli_report_xlsx_and_json(client, app, returns, monkeypatch):
    import tempfile

    made = []
    real = tempfile.mkdtemp
    monkeypatch.setattr(tempfile, "mkdtemp", lambda *a, **k: made.append(real(*a, **k)) or made[-1])
    r = post_check(client, app, {"current": returns["current"], "previous": returns["previous"]},
                   ret="", year="2024/25", la="E09000027")
    assert r.status_code == 202
    s = wait(client, r.get_json()["id"])
    assert s["state"] == "done", s
    assert s["result"]["ready"] is False and s["result"]["errors"] >= 1
    assert (s["result"]["return"], s["result"]["year"], s["result"]["la"]) == ("ssda903", "2024/25", "E09000027")
    assert s["downloads"] == ["findings.json", "findings.xlsx", "report.html"]
    assert made and not any(Path(p).exists() for p in made)  # the private folder went with the run

    report = client.get(f"/jobs/{s['id']}/report.html", base_url=BASE)
    assert "not ready to submit" in report.get_data(as_text=True)
    assert "Content-Disposition" not in report.headers  # shown in the page's frame
    assert "default-src 'none'" in report.headers["Content-Security-Policy"]
    saved = client.get(f"/jobs/{s['id']}/report.html?download=1", base_url=BASE)
    assert saved.headers["Content-Disposition"] == 'attachment; filename="returncheck_ssda903_2024-25_report.html"'
    xlsx = client.get(f"/jobs/{s['id']}/findings.xlsx", base_url=BASE)
    assert "attachment" in xlsx.headers["Content-Disposition"]
    assert "xl/workbook.xml" in zipfile.ZipFile(io.BytesIO(xlsx.data)).namelist()
    d = client.get(f"/jobs/{s['id']}/findings.json", base_url=BASE).get_json()
    assert d["schema"] == "returncheck-findings/1"
    assert any(f["rule"] == "101" and f["values"] == {"SEX": "Q"} for f in d["findings"])
    # the user's file names, never the temporary folder
    assert {i["path"] for i in d["inputs"] if i["year"] == "current"} == {p.name for p in returns["current"]}
    assert {f["source"]["file"] for f in d["findings"]} <= {p.name for p in returns["current"] + returns["previous"]}
    assert made[0] not in json.dumps(d) and made[0] not in report.get_data(as_text=True)

    client.post(f"/jobs/{s['id']}/discard", base_url=BASE, headers={"Origin": BASE, "X-Returncheck-Key": app.settings.token})
    assert client.get(f"/jobs/{s['id']}/report.html", base_url=BASE).status_code == 404


def test_the_page_check_finds_what_the_command_line_finds(client, app, returns):
    from reports.json_out import findings_json
    from validator.cli import validate

    result, findings = validate([str(p) for p in returns["current"]], year="2024/25",
                                previous=[str(p) for p in returns["previous"]])
    cli = findings_json(result, findings)
    s = wait(client, post_check(client, app, {"current": returns["current"], "previous": returns["previous"]},
                                year="2024/25").get_json()["id"])
    page = client.get(f"/jobs/{s['id']}/findings.json", base_url=BASE).get_json()
    assert page["rules_run"] == cli["rules_run"] and page["rules_skipped"] == cli["rules_skipped"]
    for f in cli["findings"]:
        f["source"]["file"] = Path(f["source"]["file"]).name
    assert page["findings"] == cli["findings"] and page["summary"] == cli["summary"]


def test_cin_census_year_and_la_read_from_the_file(client, app, returns):
    r = post_check(client, app, {"current": [returns["cin"]]})
    s = wait(client, r.get_json()["id"])
    assert s["state"] == "done", s
    assert (s["result"]["return"], s["result"]["year"]) == ("cin", "2024/25")


def test_user_errors_come_back_next_to_their_field_in_the_page_words(client, app, returns):
    notes = ("notes.csv", b"Name,Comment\nA,B\n")
    s = wait(client, post_check(client, app, {"current": [notes]}, year="2024/25").get_json()["id"])
    assert s["state"] == "failed" and list(s["errors"]) == ["current"]
    assert s["errors"]["current"].startswith("notes.csv:")  # the user's name for the file
    assert "/tmp" not in s["errors"]["current"] and "returncheck-" not in s["errors"]["current"]

    s = wait(client, post_check(client, app, {"current": returns["current"]}).get_json()["id"])
    assert s["errors"] == {"year": "An SSDA903 return does not say which collection year it is for: choose the "
                                   "year (for example 2024/25)."}

    s = wait(client, post_check(client, app, {"current": returns["current"]}, year="2024/25", la="Narnia").get_json()["id"])
    assert list(s["errors"]) == ["la"] and s["errors"]["la"].startswith("“Local authority” 'Narnia' is not")

    s = wait(client, post_check(client, app, {"current": returns["current"], "previous": [returns["cin"]]},
                                year="2024/25").get_json()["id"])
    assert list(s["errors"]) == ["previous"] and returns["cin"].name in s["errors"]["previous"]

    s = wait(client, post_check(client, app, {"current": [returns["cin"]]}, ret="ssda903", year="2024/25").get_json()["id"])
    assert list(s["errors"]) == ["current"] and "“Return” ssda903 was given" in s["errors"]["current"]


def test_no_files_is_a_message_not_a_check(client, app):
    r = post_check(client, app, {}, year="2024/25")
    assert r.status_code == 400 and r.get_json()["errors"]["current"].startswith("Choose this year's return")


def test_an_internal_error_is_a_sentence_and_the_console_gets_no_data(client, app, returns, monkeypatch, capsys):
    import validator.engine

    def broken(*a, **k):
        raise ValueError("0027468 SEX=Q")  # a message that quotes data

    monkeypatch.setattr(validator.engine, "run", broken)
    s = wait(client, post_check(client, app, {"current": returns["current"]}, year="2024/25").get_json()["id"])
    assert s["state"] == "failed"
    assert "Something went wrong inside returncheck (ValueError)" in s["errors"]["current"]
    assert "0027468" not in json.dumps(s) and "Traceback" not in json.dumps(s)
    err = capsys.readouterr().err
    assert "ValueError" in err and "0027468" not in err and "SEX=Q" not in err


def test_one_check_at_a_time(client, app, returns, monkeypatch):
    import threading

    import validator.ingest

    gate, real = threading.Event(), validator.ingest.load_return
    monkeypatch.setattr(validator.ingest, "load_return", lambda *a, **k: gate.wait(30) and real(*a, **k))
    first = post_check(client, app, {"current": [returns["cin"]]})
    second = post_check(client, app, {"current": [returns["cin"]]})
    assert second.status_code == 409 and "already running" in second.get_json()["errors"]["current"]
    gate.set()
    assert wait(client, first.get_json()["id"])["state"] == "done"


def test_page_messages_and_names():
    paths = {"current": ["/tmp/returncheck-x/current/0000.csv"], "previous": ["/tmp/returncheck-x/previous/0001.csv"],
             "ofsted": ["/tmp/returncheck-x/ofsted/0002.xlsx"]}
    shown = {paths["current"][0]: "header.csv", paths["previous"][0]: "2023-24/header.csv",
             paths["ofsted"][0]: "providers.xlsx"}
    assert page_message(f"{paths['previous'][0]}: no date in the return falls in 2024/25. Give it with --previous, "
                        "or check --year.", paths, shown) == (
        "previous", "2023-24/header.csv: no date in the return falls in 2024/25. Give it with “Last year's return”, "
                    "or check “Collection year”.")
    assert page_message(f"Ofsted provider list '{paths['ofsted'][0]}' could not be read", paths, shown) == (
        "ofsted", "Ofsted provider list 'providers.xlsx' could not be read")
    assert page_message("Collection year '20245' is not understood; write it like 2024/25.", paths, shown)[0] == "current"
    assert page_message("The collection year cannot be read from the input; give it with --year "
                        "(for example --year 2024/25).", paths, shown)[0] == "year"
    assert display_name("../../etc/passwd") == "etc/passwd"
    assert display_name("C:\\Users\\me\\header.csv") == "C:/Users/me/header.csv"
    assert display_name("a\x00b.csv") == "ab.csv" and display_name("") == "unnamed file"


def test_cli_has_serve_and_refuses_a_zero_limit(capsys):
    from validator.cli import _parser, main

    args = _parser().parse_args(["serve", "--no-browser", "--port", "0"])
    assert (args.command, args.no_browser, args.port, args.max_upload_mb) == ("serve", True, 0, 200)
    assert main(["serve", "--no-browser", "--max-upload-mb", "0"]) == 2
    assert "--max-upload-mb must be at least 1" in capsys.readouterr().err


# ------------------------------------------------------------------ the real server, over the socket

@pytest.fixture(scope="module")
def server():
    s = Server("--max-upload-mb", "1")
    yield s
    s.stop()


def raw(server, method, path, headers=None, body=b""):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    for k, v in {"Host": f"127.0.0.1:{server.port}", **(headers or {})}.items():
        conn.putheader(k, v)
    conn.putheader("Content-Length", str(len(body)))
    conn.endheaders(body)
    r = conn.getresponse()
    out = r.status, dict(r.getheaders()), r.read()
    conn.close()
    return out


def test_server_binds_loopback_on_a_free_port_and_refuses_foreign_requests(server):
    assert server.port > 0 and server.url.startswith("http://127.0.0.1:")
    status, headers, _ = raw(server, "GET", f"/?key={server.key}")
    assert status == 303
    cookie = headers["Set-Cookie"].split(";")[0]
    assert raw(server, "GET", "/", {"Cookie": cookie})[0] == 200
    status, _, body = raw(server, "GET", "/", {"Cookie": cookie, "Host": f"attacker.example:{server.port}"})
    assert status == 403 and b"wrong Host" in body
    status, _, body = raw(server, "POST", "/check", {"Cookie": cookie, "Origin": "http://attacker.example",
                                                     "X-Returncheck-Key": server.key})
    assert status == 403 and b"wrong Origin" in body


def test_server_refuses_an_oversized_upload_with_the_message(server):
    status, headers, _ = raw(server, "GET", f"/?key={server.key}")
    cookie = headers["Set-Cookie"].split(";")[0]
    boundary = "b0undary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"current\"; filename=\"big.csv\"\r\n"
            f"Content-Type: text/csv\r\n\r\n").encode() + b"x" * (2 * 2**20 + 5) + f"\r\n--{boundary}--\r\n".encode()
    status, _, out = raw(server, "POST", "/check", {
        "Cookie": cookie, "Origin": f"http://127.0.0.1:{server.port}", "X-Returncheck-Key": server.key,
        "Content-Type": f"multipart/form-data; boundary={boundary}"}, body)
    assert status == 413
    assert json.loads(out)["errors"]["current"].startswith("These files come to 2 MB; this page accepts up to 1 MB")


def multipart(fields: dict[str, list[tuple[str, bytes]]], boundary="b0undary") -> tuple[str, bytes]:
    body = b""
    for name, files in fields.items():
        for filename, data in files:
            body += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\n"
                     "Content-Type: application/octet-stream\r\n\r\n").encode() + data + b"\r\n"
    return f"multipart/form-data; boundary={boundary}", body + f"--{boundary}--\r\n".encode()


def test_stopping_during_a_check_leaves_no_file_behind(tmp_path, returns):
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    s = Server(env={"TMPDIR": str(private_tmp)})
    try:
        cookie = raw(s, "GET", f"/?key={s.key}")[1]["Set-Cookie"].split(";")[0]
        content_type, body = multipart({"current": [(p.name, p.read_bytes()) for p in returns["current"]],
                                        "previous": [(p.name, p.read_bytes()) for p in returns["previous"]]})
        status, _, out = raw(s, "POST", "/check", {
            "Cookie": cookie, "Origin": s.base, "X-Returncheck-Key": s.key, "Content-Type": content_type}, body)
        assert status == 202
        job = json.loads(out)["id"]
        folders = list(private_tmp.iterdir())
        if json.loads(raw(s, "GET", f"/jobs/{job}", {"Cookie": cookie})[2])["state"] == "running":
            # while the check runs, the uploads are in one private folder
            assert len(folders) == 1 and folders[0].name.startswith("returncheck-")
            assert folders[0].stat().st_mode & 0o077 == 0
            assert sorted(p.parent.name for p in folders[0].rglob("*.csv")) == ["current"] * 11 + ["previous"] * 11
    finally:
        s.proc.send_signal(signal.SIGTERM)  # stopped mid-check, as a service manager would
        out, err = s.stop()
    assert "returncheck stopped" in out
    assert list(private_tmp.iterdir()) == []


def test_ctrl_c_stops_the_server_cleanly():
    s = Server()
    out, err = s.stop()
    assert s.proc.returncode == 0, err
    assert "returncheck stopped" in out and "Traceback" not in err
