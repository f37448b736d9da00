"""`returncheck serve`: a local web page for checking a return without the command line.

Flask (the application) served by waitress (a pure-Python WSGI server that runs the same on
Windows, where most local authority staff work) on 127.0.0.1 only, on a free port. The address
printed and opened carries a per-session key; see validator/serve/app.py for who may talk to it
and validator/serve/jobs.py for where the uploaded files live while they are checked.
"""

from __future__ import annotations

import signal
import sys
import threading
import webbrowser

from validator.errors import UserError

DEFAULT_MAX_UPLOAD_MB = 200


def make_server(port: int = 0, max_upload_mb: int = DEFAULT_MAX_UPLOAD_MB):
    """(server, url): the waitress server bound to 127.0.0.1 and the address with the session key."""
    from waitress.server import create_server

    from validator.serve.app import FORM_OVERHEAD, Settings, create_app

    if max_upload_mb < 1:
        raise UserError("--max-upload-mb must be at least 1.")
    settings = Settings(max_upload_bytes=max_upload_mb * 2**20)
    app = create_app(settings)
    limit = settings.max_upload_bytes + FORM_OVERHEAD
    try:
        server = create_server(
            app, host="127.0.0.1", port=port, threads=4, ident="returncheck",
            max_request_body_size=limit + 2**20,  # above it waitress refuses; below it the page says why
            inbuf_overflow=limit + 2**20,  # keep request bodies in memory, not in a temporary file
            clear_untrusted_proxy_headers=True)
    except OSError as e:
        raise UserError(f"cannot listen on 127.0.0.1 port {port}: {e.strerror or e}. "
                        "Leave out --port to use a free one.") from None
    settings.port = server.effective_port
    return server, f"http://127.0.0.1:{settings.port}/?key={settings.token}"


def serve(port: int = 0, open_browser: bool = True, max_upload_mb: int = DEFAULT_MAX_UPLOAD_MB) -> int:
    server, url = make_server(port, max_upload_mb)
    from validator.serve.jobs import remove_folders

    opener = threading.Timer(0.3, _open, args=(url,))
    opener.daemon = True
    if threading.current_thread() is threading.main_thread():  # a stop request is treated as Ctrl+C
        signal.signal(signal.SIGTERM, _interrupt)
    try:
        print("returncheck is ready. Open this address in your web browser (it holds a key for this session "
              f"only):\n\n    {url}\n\nKeep this window open while you use the page; press Ctrl+C here to stop "
              "returncheck.", flush=True)
        if open_browser:
            opener.start()
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        opener.cancel()
        server.close()
        remove_folders()  # a check cut short leaves no files behind
    print("returncheck stopped; the results it held are gone.", flush=True)
    return 0


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _open(url: str) -> None:
    try:
        if not webbrowser.open(url):
            print("No web browser could be opened here: copy the address above into one.", file=sys.stderr, flush=True)
    except Exception:  # noqa: BLE001 - the address is printed anyway
        print("No web browser could be opened here: copy the address above into one.", file=sys.stderr, flush=True)
