"""One check run from the web page: the uploaded files in a private temporary folder, the same
steps as `returncheck validate`, progress for the page, and the outputs kept in memory.

The folder (mode 0700, from tempfile.mkdtemp) is removed when the run ends, whatever happens.
Messages for the page never show the temporary folder: every path in them becomes the name the
file had on the user's machine. Nothing here logs a value from the data.
"""

from __future__ import annotations

import re
import secrets
import shutil
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

from validator.errors import UserError

FIELDS = ("current", "previous", "ofsted")
LABELS = {"ret": "Return", "year": "Collection year", "la": "Local authority", "current": "This year's return",
          "previous": "Last year's return", "ofsted": "Ofsted provider lists"}
# What a command-line option is called on the page, for messages written for the command line.
_OPTION_FIELD = {"year": "year", "return": "ret", "la": "la", "previous": "previous", "ofsted": "ofsted"}
RULE_STEPS = 25  # progress updates while the rules run
_FOLDERS: set[Path] = set()  # private folders of the checks running now


def remove_folders() -> None:
    """Remove the private folders of checks still running (the server is stopping)."""
    for folder in list(_FOLDERS):
        shutil.rmtree(folder, ignore_errors=True)
        _FOLDERS.discard(folder)


@dataclass
class Upload:
    field: str  # current, previous or ofsted
    name: str  # as the browser sent it (may hold a relative folder path from a dropped folder)
    data: bytes


@dataclass
class Job:
    id: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    state: str = "running"  # running, done, failed
    stage: str = "reading"  # reading, rules, report, downloads, done
    message: str = "Reading the files"
    done: int = 0
    total: int = 0
    errors: dict[str, str] = field(default_factory=dict)  # page field -> message
    outputs: dict[str, bytes] = field(default_factory=dict)  # report.html, findings.xlsx, findings.json
    result: dict = field(default_factory=dict)  # verdict and counts for the page
    started: float = field(default_factory=time.perf_counter)

    def status(self) -> dict:
        return {"id": self.id, "state": self.state, "stage": self.stage, "message": self.message,
                "done": self.done, "total": self.total, "errors": self.errors, "result": self.result,
                "downloads": sorted(self.outputs)}


def display_name(name: str) -> str:
    """The user's file name made safe to show and to use as a file name part: no folders above,
    no control characters; a dropped folder's relative path is kept ("2024-25/header.csv")."""
    parts = [p for p in re.split(r"[\\/]+", name or "") if p not in ("", ".", "..")]
    clean = "/".join(re.sub(r"[\x00-\x1f\x7f]", "", p).strip() for p in parts)[-200:]
    return clean or "unnamed file"


def _save(uploads: list[Upload], root: Path) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Write the uploads under root/<field>/; return the paths per field and path -> shown name."""
    paths: dict[str, list[str]] = {f: [] for f in FIELDS}
    shown: dict[str, str] = {}
    taken: set[tuple[str, str]] = set()
    for i, u in enumerate(uploads):
        folder = root / u.field
        folder.mkdir(exist_ok=True, mode=0o700)
        name = display_name(u.name)
        base, n = name, 2
        while (u.field, name) in taken:  # two files of one name: keep both, tell them apart
            name, n = f"{base} ({n})", n + 1
        taken.add((u.field, name))
        suffix = re.sub(r"[^A-Za-z0-9.]", "", Path(name).suffix)[:10]
        path = folder / f"{i:04d}{suffix}"
        with open(path, "wb") as f:
            f.write(u.data)
        paths[u.field].append(str(path))
        shown[str(path)] = name
    return paths, shown


def _field_of(message: str, paths: dict[str, list[str]]) -> str:
    for f in ("ofsted", "previous", "current"):
        if any(p in message for p in paths[f]):
            return f
    if message.startswith("Ofsted provider list") or "--ofsted" in message:
        return "ofsted"
    for option, f in _OPTION_FIELD.items():
        if re.search(rf"--{option}\b", message):
            return f
    return "current"


def page_message(message: str, paths: dict[str, list[str]], shown: dict[str, str]) -> tuple[str, str]:
    """(field, text) for a UserError: the field it concerns, and its text in the page's words."""
    where = _field_of(message, paths)
    text = message
    for path in sorted(shown, key=len, reverse=True):
        text = text.replace(path, shown[path])
    if where == "year" and "cannot be read from the input" in text:
        text = ("An SSDA903 return does not say which collection year it is for: choose the year "
                "(for example 2024/25).")
    text = re.sub(r"--(year|return|la|previous|ofsted)\b",
                  lambda m: f"“{LABELS[_OPTION_FIELD[m.group(1)]]}”", text)
    text = text.replace("`returncheck rules`", "the rules list")
    return where, text


def _log_internal(e: BaseException) -> None:
    """An internal error, for the console: the exception type and where it happened, never its
    message (that may quote a value from the data) and never local variables."""
    frames = traceback.extract_tb(e.__traceback__)
    where = "; ".join(f"{Path(f.filename).name}:{f.lineno} in {f.name}" for f in frames[-6:])
    print(f"returncheck serve: internal error {type(e).__name__} at {where}", file=sys.stderr, flush=True)


def prepare(uploads: list[Upload]) -> tuple[Path, dict[str, list[str]], dict[str, str]]:
    """The uploads written to a new private folder (mode 0700); the bytes are let go."""
    root = Path(tempfile.mkdtemp(prefix="returncheck-"))
    _FOLDERS.add(root)
    try:
        paths, shown = _save(uploads, root)
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        _FOLDERS.discard(root)
        raise
    finally:
        uploads.clear()
    return root, paths, shown


def run_check(job: Job, root: Path, paths: dict[str, list[str]], shown: dict[str, str], *,
              ret: str | None, year: str | None, la: str | None) -> None:
    """The whole run, in a worker thread. Never raises. job.state becomes done or failed only
    once the private folder is gone."""
    errors: dict[str, str] = {}
    try:
        _validate(job, root, paths, shown, ret=ret, year=year, la=la)
    except UserError as e:
        where, text = page_message(str(e), paths, shown)
        errors = {where: text}
    except MemoryError:
        errors = {"current": "The computer ran out of memory while checking these files. Close other programs "
                             "and try again, or use `returncheck validate` for very large returns."}
    except Exception as e:  # noqa: BLE001 - never a traceback for the user
        _log_internal(e)
        errors = {"current": f"Something went wrong inside returncheck ({type(e).__name__}). Your files are not "
                             "the cause you can fix here. Please report it on the returncheck issue tracker (say "
                             "what you did, not your data)."}
    finally:
        shutil.rmtree(root, ignore_errors=True)
        _FOLDERS.discard(root)
    if errors:
        job.errors, job.outputs, job.state = errors, {}, "failed"
    else:
        job.stage, job.message, job.state = "done", "Finished", "done"


def _validate(job: Job, root: Path, paths: dict[str, list[str]], shown: dict[str, str], *, ret, year, la) -> None:
    import pandas as pd

    from reports.outputs import write_outputs
    from validator.engine import FINDING_COLUMNS, RunResult, run, select_rules
    from validator.findings import findings_table, summary
    from validator.ingest import load_return
    from validator.reference import attach_reference

    if not paths["current"]:
        raise UserError("Choose this year's return: the files to check.")
    job.stage, job.message = "reading", "Reading the files"
    r = load_return(paths["current"], previous=paths["previous"] or None, kind=ret, year=year, la=la)
    attach_reference(r, ofsted=paths["ofsted"] or None)
    for t in r.tables.values():  # the report and downloads name the user's files, not our folder
        t.source_file = shown.get(t.source_file, t.source_file)
    for i in r.inputs:
        i.path = shown.get(i.path, i.path)
    if "ofsted_paths" in r.reference:
        r.reference["ofsted_paths"] = [shown.get(p, p) for p in r.reference["ofsted_paths"]]

    # The rules in steps, so the page can count them; run() itself is the same as for the CLI.
    codes = list(dict.fromkeys(v.code for v in select_rules(r, None, None)))
    job.stage, job.total, job.done = "rules", len(codes), 0
    job.message = f"Running the rules: 0 of {len(codes)}"
    parts: list[RunResult] = []
    step = max(1, -(-len(codes) // RULE_STEPS))
    for start in range(0, len(codes), step):
        chunk = codes[start:start + step]
        parts.append(run(r, select=chunk))
        job.done = start + len(chunk)
        job.message = f"Running the rules: {job.done} of {len(codes)}"
    flags = [p.flags for p in parts if len(p.flags)]
    empty = pd.DataFrame({c: pd.Series([], dtype="int64" if c == "row" else "object") for c in FINDING_COLUMNS})
    result = RunResult(
        ret=r, rules_run=[v for p in parts for v in p.rules_run],
        rules_skipped=[s for p in parts for s in p.rules_skipped],
        flags=pd.concat(flags, ignore_index=True) if flags else empty,
        timings={k: v for p in parts for k, v in p.timings.items()})

    job.stage, job.message = "report", "Building the report, the preview of DfE's tables and the downloads"
    findings = findings_table(result)
    # The outputs are written exactly as `returncheck validate --html --xlsx --json` writes them,
    # into the private folder, then held in memory for the page's download buttons.
    out = root / "outputs"
    out.mkdir(mode=0o700)
    files = {"report.html": out / "report.html", "findings.xlsx": out / "findings.xlsx",
             "findings.json": out / "findings.json"}
    args = SimpleNamespace(html=str(files["report.html"]), xlsx=str(files["findings.xlsx"]),
                           json=str(files["findings.json"]), csv=None, junit=None)
    from reports.preview import configure

    configure(result.ret)
    failed = write_outputs(args, result, findings, time.perf_counter() - job.started, None)
    broken = {name for name, path in files.items() if any(str(path) in m for m in failed)}
    if broken:  # the messages may quote data: the console gets the names of the outputs only
        print(f"returncheck serve: could not write {', '.join(sorted(broken))}", file=sys.stderr, flush=True)
    if "report.html" in broken or not files["report.html"].exists():
        raise RuntimeError("the report could not be written")
    job.outputs = {name: path.read_bytes() for name, path in files.items() if name not in broken and path.exists()}
    s = summary(findings)
    job.result = {"return": r.kind, "year": r.year.label, "la": r.la, "ready": s["errors"] == 0,
                  "errors": s["errors"], "queries": s["queries"], "children": s["children"],
                  "rules_run": len(result.rules_run), "rules_skipped": len(result.rules_skipped),
                  "seconds": round(time.perf_counter() - job.started, 1)}


class Jobs:
    """The checks of this server: one runs at a time; only the latest result is kept in memory."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: dict[str, Job] = {}

    def start(self, uploads: list[Upload], **options) -> Job | None:
        """A new check, its files already in its private folder; None while another one runs.
        An OSError saving the files (disk full) reaches the caller."""
        with self._lock:
            if any(j.state == "running" for j in self._jobs.values()):
                uploads.clear()
                return None
            self._jobs.clear()  # the previous result (and its data) goes
            root, paths, shown = prepare(uploads)
            job = Job()
            self._jobs[job.id] = job
        threading.Thread(target=run_check, args=(job, root, paths, shown), kwargs=options, daemon=True,
                         name="returncheck-check").start()
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def discard(self, job_id: str) -> None:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is not None and job.state != "running":
                del self._jobs[job_id]
