"""Reading the input files in a second process while this one imports pandas.

A run of `returncheck validate` spends its first half second or so importing pandas and numpy,
with the machine's other core idle. Reading the files needs neither (`ingest.read` is plain
Python), so `start()` forks a reader before pandas is imported, and `Reading.result()` takes
what it read (through a pipe, as codes: see `ingest.raw`). For a census of 10,000 children the
reading takes longer than the import, and all of the import is saved; for a large LA's SSDA903
return, all of the reading.

Where a second process does not pay (one core), is not safe (threads already running: a
forked copy could inherit a held lock) or is not available (not Linux), or where the reader
fails in a way that is not the user's (it dies, or hits a bug), the files are read in this
process instead: the result is the same either way.
"""

from __future__ import annotations

import gc
import os
import pickle
import sys
import threading

from validator.errors import UserError
from validator.ingest.files import expand
from validator.ingest.read import Inputs, read_inputs


def _worth_forking() -> bool:
    if not sys.platform.startswith("linux") or threading.active_count() > 1:
        return False
    try:
        return len(os.sched_getaffinity(0)) >= 2
    except (AttributeError, OSError):
        return (os.cpu_count() or 1) >= 2


class Reading:
    """The inputs being read, in a forked reader or (when not started) on demand here."""

    def __init__(self, paths: list[str], previous: list[str] | None):
        self.paths, self.previous = paths, previous
        self._pid: int | None = None
        self._fd: int | None = None

    def _fork(self) -> None:
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the reader: read, send, leave without running the parent's clean-up
            try:
                os.close(r)
                gc.disable()  # millions of strings and no cycles (see ingest._no_cycle_collection)
                try:
                    outcome = ("read", read_inputs(self.paths, self.previous))
                except UserError as e:
                    outcome = ("user", str(e))
                except BaseException:  # noqa: BLE001 - the parent reads the files itself and reports
                    outcome = ("failed", None)
                with os.fdopen(w, "wb") as out:
                    pickle.dump(outcome, out, protocol=pickle.HIGHEST_PROTOCOL)
            finally:
                os._exit(0)
        os.close(w)
        self._pid, self._fd = pid, r

    def result(self) -> Inputs:
        """What was read; a UserError if the inputs cannot be read."""
        if self._pid is None:
            return read_inputs(self.paths, self.previous)
        try:
            with os.fdopen(self._fd, "rb") as f:
                kind, payload = pickle.load(f)
        except Exception:  # noqa: BLE001 - the reader died (killed, out of memory): read here
            kind, payload = "failed", None
        finally:
            self._reap()
        if kind == "read":
            return payload
        if kind == "user":
            raise UserError(payload)
        return read_inputs(self.paths, self.previous)  # a bug shows here as it would have there

    def cancel(self) -> None:
        """Stop the reader (the run ended before its result was wanted)."""
        if self._pid is not None:
            try:
                os.kill(self._pid, 9)
            except OSError:
                pass
            os.close(self._fd)
            self._reap()

    def _reap(self) -> None:
        try:
            os.waitpid(self._pid, 0)
        except ChildProcessError:
            pass
        self._pid = None


# Up to how many bytes of input a forked reader pays. XML is read with plain Python (lxml) in any
# process, so reading it alongside the import saves the whole import until sending the tables back
# costs as much (a census of about 50,000 children). A large CSV is read three times faster by
# pandas' C parser, which only the main process has (csv903.LARGE_CSV_CHARS): past about 5 MB the
# plain reading alone outlasts the import. The size (and the file name's suffix, used only for
# this guess) decides where the files are read, never what is read from them.
PREFETCH_MAX_BYTES = {"xml": 32 * 1024 * 1024, "other": 5 * 1024 * 1024}


def _worth_reading_there(paths: list[str], previous: list[str] | None) -> bool:
    """False when the inputs are too large to gain, or cannot be listed (reading here says why)."""
    try:
        files = expand(paths) + expand(previous or [])
        sizes = {"xml": 0, "other": 0}
        for p in files:
            sizes["xml" if p.suffix.lower() == ".xml" else "other"] += p.stat().st_size
    except (UserError, OSError):
        return False
    return all(sizes[k] <= PREFETCH_MAX_BYTES[k] for k in sizes)


def start(paths: list[str], previous: list[str] | None = None, *, fork: bool = True) -> Reading:
    """Begin reading the inputs; in a forked reader when `fork`, the machine and the size of the
    inputs suit it. Call this before pandas is imported: the point is to read while it imports."""
    reading = Reading(paths, previous)
    if fork and _worth_forking() and _worth_reading_there(paths, previous):
        reading._fork()
    return reading
