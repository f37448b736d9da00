"""One piece of work in a forked copy of this process, its result sent back.

Used where a run has work the machine's second core can do alongside: reading the files while
pandas imports (ingest.prefetch), half the rules of a big return (engine), the DfE preview and
the outputs while the rules run (reports.outputs). The copy shares what this process had at the
fork for free (copy-on-write); only the result crosses, pickled. It goes into a memory file the
two processes share (memfd, made before the fork: no name, in no folder), so the copy finishes its
write without waiting for this process to read, and a pipe only says that it is there; where
there is no memfd, the result goes through the pipe. Whatever goes wrong in the copy (it dies, it raises), `result()`
raises `Failed` and the caller does the work itself: a result is the same either way. Linux only
(fork is not safe on macOS once libraries have started threads).
"""

from __future__ import annotations

import gc
import os
import pickle
import struct
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


# Copies that had sent their result but were still ending when it was collected. A copy that leaves
# a large process behind takes several milliseconds to end (the system frees its memory), and
# nothing waits on that: they are reaped as the next copy starts, or go with this process.
_ending: set[int] = set()


def _reap_ended() -> None:
    for pid in list(_ending):
        try:
            if os.waitpid(pid, os.WNOHANG)[0] == 0:
                continue
        except ChildProcessError:
            pass
        _ending.discard(pid)


class Forked:
    """job() running in a forked child from construction; `result()` waits for its return value."""

    def __init__(self, job):
        _reap_ended()
        r, w = os.pipe()
        memory = _memory_file()
        pid = os.fork()
        if pid == 0:  # the copy: run, send, leave without running this process's clean-up
            try:
                os.close(r)
                gc.disable()  # short-lived: what it allocates is freed at exit
                try:
                    outcome = (True, job())
                except BaseException as e:  # noqa: BLE001 - sent back, raised there as Failed or as itself
                    outcome = (False, e if _picklable(e) else None)
                _send(pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL), w, memory)
            finally:
                os._exit(0)
        os.close(w)
        self.pid, self._fd, self._memory = pid, r, memory

    def result(self, expected: tuple[type[BaseException], ...] = ()):
        """The job's return value. An exception of a type in `expected` that the job raised is raised
        here as it was; anything else that went wrong raises Failed."""
        if self._fd is None:
            raise Failed("already collected")
        try:
            with os.fdopen(self._fd, "rb") as f:
                ok, value = pickle.loads(_received(f.read(), self._memory))
        except Exception as e:  # noqa: BLE001 - the copy died (killed, out of memory) or sent garbage
            raise Failed(str(e)) from None
        finally:
            self._fd = None
            self._done(wait=False)  # the result is here: the copy's exit is not waited for
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
        self._done(wait=True)

    def _done(self, wait: bool) -> None:
        if self._memory is not None:
            os.close(self._memory)
            self._memory = None
        try:
            if os.waitpid(self.pid, 0 if wait else os.WNOHANG)[0] == 0:
                _ending.add(self.pid)
        except ChildProcessError:
            pass


def _memory_file() -> int | None:
    """A memory file for the copy's result, or None where the system has none."""
    try:
        return os.memfd_create("returncheck-result", os.MFD_CLOEXEC)
    except (AttributeError, OSError):
        return None


# What the pipe carries: "M" and the result's size (the result is in the memory file), or "P" and
# the result itself.
_IN_MEMORY, _IN_PIPE = b"M", b"P"


def _send(data: bytes, pipe: int, memory: int | None) -> None:
    """In the copy: `data` into the memory file and its size down the pipe, or all of it down the pipe."""
    message = _IN_PIPE + data
    if memory is not None:
        try:
            view, at = memoryview(data), 0
            while at < len(data):
                at += os.pwrite(memory, view[at:], at)
            message = _IN_MEMORY + struct.pack("<Q", len(data))
        except OSError:  # no room for the file: the pipe still works
            pass
    with os.fdopen(pipe, "wb") as out:
        out.write(message)


def _received(message: bytes, memory: int | None) -> bytes:
    """Here: the result `_send` sent."""
    if message[:1] == _IN_MEMORY and memory is not None and len(message) == 9:
        (size,) = struct.unpack("<Q", message[1:])
        data = bytearray()
        while len(data) < size:  # pread reads at most about 2 GB at once
            chunk = os.pread(memory, min(size - len(data), 1 << 30), len(data))
            if not chunk:
                raise Failed(f"the result is {len(data)} bytes of {size}")
            data += chunk
        return data
    if message[:1] == _IN_PIPE:
        return message[1:]
    raise Failed("no result (the copy ended without sending one)")


def _picklable(e: BaseException) -> bool:
    try:
        pickle.dumps(e)
        return True
    except Exception:  # noqa: BLE001
        return False
