"""One piece of work in a forked copy of this process, its result sent back through a pipe.

Used where a run has work the machine's second core can do alongside: reading the files while
pandas imports (ingest.prefetch), half the rules of a big return (engine), the DfE preview while
the rules run (reports.preview). The copy shares what this process had at the fork for free
(copy-on-write); only the result crosses, pickled. Whatever goes wrong in the copy (it dies, it
raises), `result()` raises `Failed` and the caller does the work itself: a result is the same
either way. Linux only (fork is not safe on macOS once libraries have started threads).
"""

from __future__ import annotations

import gc
import os
import pickle
import sys
import threading


class Failed(Exception):
    """The forked work did not come back; do it here."""


def available() -> bool:
    """A second process can help: Linux, two cores for this process, and no other thread running
    (a forked copy could inherit a lock another thread holds)."""
    if not sys.platform.startswith("linux") or threading.active_count() > 1:
        return False
    try:
        return len(os.sched_getaffinity(0)) >= 2
    except (AttributeError, OSError):
        return (os.cpu_count() or 1) >= 2


class Forked:
    """job() running in a forked child from construction; `result()` waits for its return value."""

    def __init__(self, job):
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the copy: run, send, leave without running this process's clean-up
            try:
                os.close(r)
                gc.disable()  # short-lived: what it allocates is freed at exit
                try:
                    outcome = (True, job())
                except BaseException as e:  # noqa: BLE001 - sent back, raised there as Failed or as itself
                    outcome = (False, e if _picklable(e) else None)
                with os.fdopen(w, "wb") as out:
                    pickle.dump(outcome, out, protocol=pickle.HIGHEST_PROTOCOL)
            finally:
                os._exit(0)
        os.close(w)
        self.pid, self._fd = pid, r

    def result(self, expected: tuple[type[BaseException], ...] = ()):
        """The job's return value. An exception of a type in `expected` that the job raised is raised
        here as it was; anything else that went wrong raises Failed."""
        if self._fd is None:
            raise Failed("already collected")
        try:
            with os.fdopen(self._fd, "rb") as f:
                ok, value = pickle.load(f)
        except Exception as e:  # noqa: BLE001 - the copy died (killed, out of memory) or sent garbage
            raise Failed(str(e)) from None
        finally:
            self._fd = None
            self._reap()
        if ok:
            return value
        if isinstance(value, expected):
            raise value
        raise Failed(repr(value))

    def cancel(self) -> None:
        """Stop the copy (its result is no longer wanted)."""
        if self._fd is None:
            return
        try:
            os.kill(self.pid, 9)
        except OSError:
            pass
        os.close(self._fd)
        self._fd = None
        self._reap()

    def _reap(self) -> None:
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass


def _picklable(e: BaseException) -> bool:
    try:
        pickle.dumps(e)
        return True
    except Exception:  # noqa: BLE001
        return False
