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
from validator.ingest.read import Inputs, joined, read_inputs, read_part


def _worth_forking() -> bool:
    if not sys.platform.startswith("linux") or threading.active_count() > 1:
        return False
    try:
        return len(os.sched_getaffinity(0)) >= 2
    except (AttributeError, OSError):
        return (os.cpu_count() or 1) >= 2


class Reading:
    """The inputs being read: by one forked reader, by two (a large XML file split between them,
    see xmlread._iter), or (none started) here on demand."""

    def __init__(self, paths: list[str], previous: list[str] | None):
        self.paths, self.previous = paths, previous
        self._readers: list[tuple[int, int]] = []  # (pid, read end of its pipe)

    def _fork(self, job) -> None:
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:  # a reader: read, send, leave without running the parent's clean-up
            try:
                os.close(r)
                gc.disable()  # millions of strings and no cycles (see ingest._no_cycle_collection)
                try:
                    outcome = ("read", job())
                except UserError as e:
                    outcome = ("user", str(e))
                except BaseException:  # noqa: BLE001 - the parent reads the files itself and reports
                    outcome = ("failed", None)
                with os.fdopen(w, "wb") as out:
                    pickle.dump(outcome, out, protocol=pickle.HIGHEST_PROTOCOL)
            finally:
                os._exit(0)
        os.close(w)
        self._readers.append((pid, r))

    def _receive(self, pid: int, fd: int):
        try:
            with os.fdopen(fd, "rb") as f:
                return pickle.load(f)
        except Exception:  # noqa: BLE001 - the reader died (killed, out of memory)
            return "failed", None
        finally:
            _reap(pid)

    def result(self) -> Inputs:
        """What was read; a UserError if the inputs cannot be read."""
        outcomes = [self._receive(pid, fd) for pid, fd in self._readers]
        self._readers = []
        if not outcomes or any(kind == "failed" for kind, _ in outcomes):
            return read_inputs(self.paths, self.previous)  # a bug shows here as it would have there
        for kind, payload in outcomes:
            if kind == "user":
                raise UserError(payload)
        if len(outcomes) == 1:
            return outcomes[0][1]
        return joined(self.paths, self.previous, outcomes[0][1], outcomes[1][1])

    def cancel(self) -> None:
        """Stop the readers (the run ended before their result was wanted)."""
        for pid, fd in self._readers:
            try:
                os.kill(pid, 9)
            except OSError:
                pass
            os.close(fd)
            _reap(pid)
        self._readers = []


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


# Up to how many bytes of input a forked reader pays. XML is read with plain Python (lxml) in any
# process, so reading it alongside the import saves the whole import until sending the tables back
# costs as much (a census of about 50,000 children). A large CSV is read three times faster by
# pandas' C parser, which only the main process has (csv903.LARGE_CSV_CHARS): past about 5 MB the
# plain reading alone outlasts the import. The sizes (and the file names' suffixes, used only for
# this guess) decide where the files are read, never what is read from them.
PREFETCH_MAX_BYTES = {"xml": 32 * 1024 * 1024, "other": 5 * 1024 * 1024}
# From this much XML, two readers share it: reading a 10,000-child census takes twice the import.
SPLIT_XML_BYTES = 4 * 1024 * 1024


def _sizes(paths: list[str], previous: list[str] | None) -> dict[str, int] | None:
    """Bytes of XML and of other input files; None when they cannot be listed (reading says why)."""
    try:
        sizes = {"xml": 0, "other": 0}
        for p in expand(paths) + expand(previous or []):
            sizes["xml" if p.suffix.lower() == ".xml" else "other"] += p.stat().st_size
    except (UserError, OSError):
        return None
    return sizes


def start(paths: list[str], previous: list[str] | None = None, *, fork: bool = True) -> Reading:
    """Begin reading the inputs; in forked readers when `fork`, the machine and the size of the
    inputs suit it. Call this before pandas is imported: the point is to read while it imports."""
    reading = Reading(paths, previous)
    if not (fork and _worth_forking()):
        return reading
    sizes = _sizes(paths, previous)
    if sizes is None or any(sizes[k] > PREFETCH_MAX_BYTES[k] for k in sizes):
        return reading
    if sizes["xml"] >= SPLIT_XML_BYTES:
        reading._fork(lambda: read_part(paths, previous, 0))
        reading._fork(lambda: read_part(paths, previous, 1))
    else:
        reading._fork(lambda: read_inputs(paths, previous))
    return reading
