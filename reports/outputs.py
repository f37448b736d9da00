"""Writing the outputs a run asked for (JSON, CSV, JUnit, Excel, HTML), here or in a second process.

`write_outputs` writes them in this process. `WrittenAlongside` has a forked copy of this process
write them: the copy is made once the return is loaded (and what the preview shares with the rules
is derived: validator.derive.preview.derive_shared), works out DfE's preview and imports the
report writers while this process runs the rules, then writes every output from the findings
this process sends it; the HTML report's child records (html_rows.child_records), its biggest
part when there are many findings, are made here meanwhile and sent after the findings. The
outputs are the same either way; if the copy fails, they are written here (`write` returns None).
"""

from __future__ import annotations

import os
import pickle
from dataclasses import replace

from validator import forked
from validator.errors import ISSUES_URL


def write_outputs(targets, result, findings, elapsed, masker, records=None) -> list[str]:
    """Write every output `targets` names (attributes json, csv, junit, xlsx, html: a path or None),
    with the preview options set (reports.preview.configure). One that fails does not stop the
    others; returns what failed, for one-line messages. `records`: see html.render."""
    from reports import html, json_out

    def exports():  # CSV, JUnit and XLSX only when asked for (the JUnit writer's XML escaping imports urllib)
        from reports import exports as module

        return module

    plain = findings
    findings = masker.findings(findings) if masker else findings
    writers = [
        (targets.json, lambda p: json_out.write_json(result, findings, p)),
        (getattr(targets, "csv", None), lambda p: exports().write_csv(findings, p)),
        (getattr(targets, "junit", None), lambda p: exports().write_junit(result, findings, p)),
        (getattr(targets, "xlsx", None), lambda p: exports().write_xlsx(result, findings, p)),
        (targets.html, lambda p: html.write_html(result, plain, p, elapsed, masker, records)),
    ]
    failed = []
    for path, write in writers:
        if not path:
            continue
        try:
            write(path)
        except OSError as e:
            failed.append(f"cannot write {path}: {e.strerror or e}")
        except Exception as e:  # noqa: BLE001 - keep the other outputs; report ours as a bug
            failed.append(f"internal error writing {path} ({type(e).__name__}: {e}); please report it to {ISSUES_URL}")
    return failed


# What the run adds to Return.reference after the rules (validator.followup), sent to the copy.
_LATER_REFERENCE = ("baseline", "explained")


class WrittenAlongside:
    """The outputs of Return `r`, written by a forked copy of this process (see the module doc)."""

    def __init__(self, r, targets, masker):
        from validator.derive.preview import derive_shared

        self._targets, self._masker = targets, masker
        derive_shared(r)  # before the fork, so that the copy does not derive it a second time
        request_read, self._request = os.pipe()
        self._job = forked.Forked(lambda: _write_there(r, targets, masker, request_read, self._request))
        os.close(request_read)

    def write(self, result, findings, elapsed) -> list[str] | None:
        """Send the run's findings and wait for the copy to write: what failed (as write_outputs),
        or None when the copy could not write (then write here). While the copy writes the other
        outputs and the rest of the HTML report, this process makes the report's child records
        (html_rows.child_records, the report's biggest part when there are many findings) and sends them."""
        later = {k: result.ret.reference[k] for k in _LATER_REFERENCE if k in result.ret.reference}
        try:
            with os.fdopen(self._request, "wb") as f:
                self._request = None
                pickle.dump((replace(result, ret=None), findings, later, elapsed), f, protocol=pickle.HIGHEST_PROTOCOL)
                f.flush()
                if self._targets.html:
                    from reports.html_rows import child_records

                    try:
                        records = child_records(result, findings, self._masker)
                    except Exception:  # noqa: BLE001 - a bug: write everything here, reported as any output's
                        self._job.cancel()
                        return None
                    pickle.dump(records, f, protocol=pickle.HIGHEST_PROTOCOL)
            return self._job.result()
        except (OSError, pickle.PicklingError, forked.Failed):
            self._job.cancel()
            return None

    def cancel(self) -> None:
        if self._request is not None:
            os.close(self._request)
            self._request = None
        self._job.cancel()


def _write_there(r, targets, masker, request_read: int, request_write: int) -> list[str]:
    """In the copy: the preview, the writers' imports and what the HTML report needs of neither the
    findings (html.prepare) first, while the rules run there; then the outputs from the findings sent."""
    os.close(request_write)
    from reports import html, json_out  # noqa: F401 - imported now, used by write_outputs
    from reports.preview import preview_of

    preview_of(r)
    # every output lists what was read differently; for last year's tables no rule read, that is
    # worked out here (model.TypedLater)
    for t in r.tables.values():
        t.normalised  # noqa: B018
    if targets.html:
        html.prepare(r, masker)
    with os.fdopen(request_read, "rb") as f:
        result, findings, later, elapsed = pickle.load(f)
        r.reference.update(later)
        return write_outputs(targets, replace(result, ret=r), findings, elapsed, masker, records=lambda: pickle.load(f))
