"""The web application behind `returncheck serve` (Flask, served by waitress on 127.0.0.1).

Who may talk to it: only this machine (the socket is bound to 127.0.0.1 and the peer address is
checked), only by the address it printed (the Host header must be 127.0.0.1:PORT or
localhost:PORT, which defeats DNS rebinding), only from its own page (a browser's Origin and
Sec-Fetch-Site headers must say so), and only with the session key it printed: the first visit
carries ?key=..., which becomes a SameSite=Strict cookie; a check must also send the key in a
header. Anything else is refused with 403 and a sentence saying why.

Nothing is cached by the browser (Cache-Control: no-store), nothing is logged per request, and
the page and the report run under a Content-Security-Policy that allows no network request
other than to this server.
"""

from __future__ import annotations

import hmac
import io
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, Request, jsonify, make_response, redirect, render_template, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

import validator
from validator.serve.jobs import FIELDS, Jobs, Upload

HERE = Path(__file__).resolve().parent
MAX_FILES = 500
FORM_OVERHEAD = 2**20  # multipart boundaries and the small fields, on top of the files' own size
DOWNLOADS = {  # name in the URL -> (content type, file name suffix)
    "report.html": ("text/html; charset=utf-8", "report.html"),
    "findings.xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "findings.xlsx"),
    "findings.json": ("application/json; charset=utf-8", "findings.json"),
}
REPORT_CSP = ("default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; "
              "frame-ancestors 'self'; base-uri 'none'; form-action 'none'")


@dataclass
class Settings:
    max_upload_bytes: int = 200 * 2**20
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    port: int = 0  # set once the socket is bound

    @property
    def cookie(self) -> str:
        return f"returncheck_{self.port}"

    @property
    def hosts(self) -> set[str]:
        return {f"127.0.0.1:{self.port}", f"localhost:{self.port}"}

    @property
    def origins(self) -> set[str]:
        return {f"http://{h}" for h in self.hosts}


class _MemoryRequest(Request):
    """Uploaded files are held in memory, never spooled to a shared temporary folder."""

    def _get_file_stream(self, total_content_length, content_type, filename=None, content_length=None):
        return io.BytesIO()


def size_message(size: int | None, limit: int) -> str:
    mb = lambda n: f"{n / 2**20:,.0f} MB" if n >= 2**20 else f"{n / 2**10:,.0f} KB"  # noqa: E731
    got = f"These files come to {mb(size)}" if size else "These files are too large"
    return (f"{got}; this page accepts up to {mb(limit)} in one check. Check that these are the right "
            "files, or start returncheck with a larger limit (returncheck serve --max-upload-mb N).")


def _refuse(why: str):
    response = make_response(f"Refused: {why}\n", 403)
    response.mimetype = "text/plain"
    return response


def create_app(settings: Settings) -> Flask:
    app = Flask("validator.serve", template_folder=str(HERE), static_folder=None)
    app.request_class = _MemoryRequest
    app.config["MAX_CONTENT_LENGTH"] = settings.max_upload_bytes + FORM_OVERHEAD
    app.config["MAX_FORM_PARTS"] = 3 * MAX_FILES + 20
    jobs = Jobs()

    def key_ok(value: str | None) -> bool:
        return bool(value) and hmac.compare_digest(value.encode(), settings.token.encode())

    @app.before_request
    def guard():
        if request.remote_addr not in ("127.0.0.1", "::1"):
            return _refuse("returncheck serve only answers this computer.")
        if request.headers.get("Host", "") not in settings.hosts:
            return _refuse("this address is not the one returncheck printed (wrong Host).")
        origin = request.headers.get("Origin")
        if origin is not None and origin not in settings.origins:
            return _refuse("the request came from another web page (wrong Origin).")
        if request.headers.get("Sec-Fetch-Site", "none") not in ("same-origin", "none"):
            return _refuse("the request came from another web site.")
        if request.method not in ("GET", "HEAD") and origin is None:
            return _refuse("a change must come from the returncheck page (no Origin).")
        if request.endpoint == "page" and key_ok(request.args.get("key")):
            return None  # the first visit: page() sets the cookie
        if not key_ok(request.cookies.get(settings.cookie)):
            return _refuse("open the address that `returncheck serve` printed; it holds this session's key.")
        if request.method not in ("GET", "HEAD") and not key_ok(request.headers.get("X-Returncheck-Key")):
            return _refuse("the request does not carry this session's key.")
        return None

    @app.after_request
    def headers(response):
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(e):
        return jsonify(errors={"current": size_message(request.content_length, settings.max_upload_bytes)}), 413

    @app.errorhandler(Exception)
    def internal(e):
        if isinstance(e, HTTPException):
            return e
        from validator.serve.jobs import _log_internal

        _log_internal(e)
        return jsonify(errors={"current": f"Something went wrong inside returncheck ({type(e).__name__}). "
                                          "Please report it on the returncheck issue tracker."}), 500

    @app.get("/")
    def page():
        if "key" in request.args:  # set the cookie, then drop the key from the address bar
            response = redirect("/", code=303)
            response.set_cookie(settings.cookie, settings.token, httponly=True, samesite="Strict", path="/")
            return response
        from validator.serve.options import la_options, year_options

        nonce = secrets.token_urlsafe(16)
        response = make_response(render_template(
            "page.html.j2", nonce=nonce, key=settings.token, version=validator.__version__,
            years=year_options(), las=la_options(), max_upload=settings.max_upload_bytes,
            max_upload_text=size_message(None, settings.max_upload_bytes).split("; ", 1)[1],
            max_files=MAX_FILES))
        response.headers["Content-Security-Policy"] = (
            f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'unsafe-inline'; img-src 'self' data:; "
            "connect-src 'self'; frame-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
        return response

    @app.get("/favicon.ico")
    def favicon():
        return "", 204

    @app.post("/check")
    def check():
        form = request.form
        ret = form.get("ret") or None
        if ret not in (None, "ssda903", "cin"):
            return jsonify(errors={"ret": "Choose SSDA903, CIN census, or let returncheck detect it."}), 400
        uploads = [Upload(f, fs.filename or "", fs.read()) for f in FIELDS for fs in request.files.getlist(f)]
        if len(uploads) > MAX_FILES:
            return jsonify(errors={"current": f"{len(uploads)} files were sent; one check takes up to {MAX_FILES}."}), 400
        if not any(u.field == "current" for u in uploads):
            return jsonify(errors={"current": "Choose this year's return: the files to check."}), 400
        try:
            job = jobs.start(uploads, ret=ret, year=(form.get("year") or "").strip() or None,
                             la=(form.get("la") or "").strip() or None)
        except OSError as e:
            return jsonify(errors={"current": "returncheck could not keep the files in a temporary folder "
                                              f"({e.strerror or type(e).__name__}). Is the disk full?"}), 507
        if job is None:
            return jsonify(errors={"current": "A check is already running; wait for it to finish."}), 409
        return jsonify(job.status()), 202

    def _job(job_id):
        job = jobs.get(job_id)
        if job is None:
            return None, (jsonify(errors={"current": "That result is no longer kept; check the files again."}), 404)
        return job, None

    @app.get("/jobs/<job_id>")
    def status(job_id):
        job, missing = _job(job_id)
        return missing or jsonify(job.status())

    @app.post("/jobs/<job_id>/discard")
    def discard(job_id):
        jobs.discard(job_id)
        return "", 204

    @app.get("/jobs/<job_id>/<name>")
    def download(job_id, name):
        job, missing = _job(job_id)
        if missing:
            return missing
        if name not in DOWNLOADS or name not in job.outputs:
            return jsonify(errors={"current": "No such download."}), 404
        mime, suffix = DOWNLOADS[name]
        response = make_response(job.outputs[name])
        response.headers["Content-Type"] = mime
        r = job.result
        stem = f"returncheck_{r.get('return', 'return')}_{str(r.get('year', '')).replace('/', '-')}"
        if request.args.get("download") or name != "report.html":
            response.headers["Content-Disposition"] = f'attachment; filename="{stem}_{suffix}"'
        if name == "report.html":
            response.headers["Content-Security-Policy"] = REPORT_CSP
            response.headers["X-Frame-Options"] = "SAMEORIGIN"
        return response

    app.extensions["returncheck_jobs"] = jobs
    return app
