"""validator.forked: a forked copy's result comes back whole (through the shared memory file, or
the pipe where there is none), its exceptions come back as they were or as Failed."""

import os

import pytest

from validator import forked

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")

BIG = {"rows": list(range(300_000)), "text": "x" * 3_000_000}  # far more than a pipe holds


def test_a_big_result_comes_back_whole_through_the_memory_file():
    job = forked.Forked(lambda: BIG)
    assert job._memory is not None  # Linux has memfd
    assert job.result() == BIG
    assert job._memory is None and job._fd is None  # closed, and the copy reaped


def test_without_a_memory_file_the_result_comes_through_the_pipe(monkeypatch):
    monkeypatch.setattr(forked, "_memory_file", lambda: None)
    job = forked.Forked(lambda: BIG)
    assert job.result() == BIG


def test_an_expected_exception_is_raised_here_as_it_was_and_others_as_failed():
    def fails():
        raise ValueError("bad input")

    with pytest.raises(ValueError, match="bad input"):
        forked.Forked(fails).result(expected=(ValueError,))
    with pytest.raises(forked.Failed, match="bad input"):
        forked.Forked(fails).result()


def test_a_copy_that_ends_without_sending_is_failed():
    with pytest.raises(forked.Failed, match="no result"):
        forked.Forked(lambda: os._exit(3)).result()


def test_a_result_that_cannot_be_pickled_is_failed():
    with pytest.raises(forked.Failed):
        forked.Forked(lambda: (lambda: None)).result()  # a lambda does not pickle


def test_cancel_stops_the_copy_and_a_result_is_then_failed():
    job = forked.Forked(lambda: __import__("time").sleep(60))
    job.cancel()
    with pytest.raises(forked.Failed, match="already collected"):
        job.result()


def test_the_result_does_not_wait_for_the_copy_to_end_and_the_next_copy_reaps_it(monkeypatch):
    sent = forked._send

    def send_then_linger(*args):  # in the copy: the result goes, then the copy takes its time to end
        sent(*args)
        __import__("time").sleep(3)

    monkeypatch.setattr(forked, "_send", send_then_linger)
    job = forked.Forked(lambda: 42)
    assert job.result() == 42
    assert os.waitpid(job.pid, os.WNOHANG) == (0, 0)  # still there: result() did not wait for it
    assert job.pid in forked._ending
    os.kill(job.pid, 9)
    os.waitid(os.P_PID, job.pid, os.WEXITED | os.WNOWAIT)  # wait until it has ended, leaving it to be reaped
    monkeypatch.setattr(forked, "_send", sent)
    assert forked.Forked(lambda: 1).result() == 1
    assert job.pid not in forked._ending
    with pytest.raises(ChildProcessError):
        os.waitpid(job.pid, os.WNOHANG)  # reaped as the next copy started
