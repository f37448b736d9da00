"""ingest.prefetch: the files read in a forked reader are exactly what reading them here gives, a
user error there is the same user error here, and a reader that dies costs nothing but time.

Each case runs in a fresh interpreter: forking is only done where no other thread runs, which a
test process (with its plugins) cannot promise."""

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "fixtures" / "samples" / "ssda903_2024_25"
CIN = ROOT / "fixtures" / "samples" / "cin_2024_25.xml"


def run(script: str) -> str:
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(script)], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.parametrize("paths, previous", [([str(SAMPLE / "current")], [str(SAMPLE / "previous")]),
                                             ([str(CIN)], None)])
def test_forked_reader_reads_what_this_process_would(paths, previous):
    out = run(f"""
        import sys
        from validator.ingest import prefetch
        from validator.ingest.read import read_inputs
        reading = prefetch.start({paths!r}, {previous!r})
        forked = len(reading._readers) == 1
        got = reading.result()
        want = read_inputs({paths!r}, {previous!r})
        assert "pandas" not in sys.modules, "the reader's modules must not import pandas"
        print(forked, got == want, sum(t.rows for r in got.current + got.previous for t in r.tables))
    """)
    forked, same, rows = out.split()
    assert (forked, same) == ("True", "True")
    assert int(rows) > 100


def test_user_error_in_the_reader_is_the_same_user_error_here(tmp_path):
    binary = tmp_path / "h.csv"
    binary.write_bytes(b"CHILD,SEX\n\x00\x01")
    out = run(f"""
        from validator.errors import UserError
        from validator.ingest import prefetch
        reading = prefetch.start([{str(binary)!r}])
        assert len(reading._readers) == 1
        try:
            reading.result()
        except UserError as e:
            print(e)
    """)
    assert out == f"{binary}: not a CSV, XML or Excel file: it holds binary content (a zero byte at byte 10, line 2)."


def test_inputs_that_cannot_be_listed_or_are_large_are_read_here(tmp_path):
    big = tmp_path / "big.csv"
    big.write_bytes(b"CHILD,SEX\n" + b"1,1\n" * 10)
    out = run(f"""
        from validator.ingest import prefetch
        prefetch.PREFETCH_MAX_BYTES["other"] = 49  # the file is 50 bytes
        print(prefetch.start([{str(tmp_path / "nowhere")!r}])._readers, prefetch.start([{str(big)!r}])._readers)
    """)
    assert out == "[] []"


def test_a_reader_that_dies_leaves_the_reading_to_this_process():
    out = run(f"""
        import os
        from validator.ingest import prefetch
        from validator.ingest.read import read_inputs
        prefetch._read_inputs = lambda *a: os._exit(9)  # the reader dies
        reading = prefetch.start([{str(CIN)!r}])
        assert len(reading._readers) == 1
        got = reading.result()
        print(got == read_inputs([{str(CIN)!r}]), [t.name for t in got.current[0].tables][:2])
    """)
    assert out == "True ['Header', 'ChildIdentifiers']"


def test_cancel_stops_and_reaps_the_reader():
    out = run(f"""
        import os
        from validator.ingest import prefetch
        reading = prefetch.start([{str(CIN)!r}])
        pid = reading._readers[0].pid
        reading.cancel()
        try:
            os.kill(pid, 0)
            print("still there")
        except ProcessLookupError:
            print("gone")
    """)
    assert out == "gone"


def test_without_fork_the_files_are_read_when_asked():
    from validator.ingest import prefetch
    from validator.ingest.read import read_inputs

    reading = prefetch.start([str(CIN)], fork=False)
    assert reading._readers == []
    assert reading.result() == read_inputs([str(CIN)])


SPLIT = """
    import sys
    from validator.errors import UserError
    from validator.ingest import load_return, prefetch, xmlread
    xmlread._CHUNK = 2048  # many chunks: the halves really split the file
    prefetch.SPLIT_XML_BYTES = 0
    def frames(inputs=None):
        r = load_return({paths!r}, inputs=inputs, kind={kind!r}, year={year!r})
        return {{k: (t.frame, t.raw, list(t.source_line), list(t.source_path), [n.as_dict() for n in t.normalised])
                for k, t in r.tables.items()}}
    def outcome(read):
        try:
            return read()
        except UserError as e:
            return str(e)
    reading = prefetch.start({paths!r})
    assert len(reading._readers) == 2
    split = outcome(lambda: frames(reading.result()))
    here = outcome(frames)
    if isinstance(here, str):
        print(split == here, here)
    else:
        same = split.keys() == here.keys() and all(
            a[0].equals(b[0]) and a[1].equals(b[1]) and a[2:] == b[2:] for a, b in zip(split.values(), here.values()))
        print(same, sum(len(t[0]) for t in split.values()))
"""


@pytest.mark.parametrize("path, kind, year", [(CIN, "cin", None), (ROOT / "fixtures/samples/ssda903_2024_25.xml",
                                                                     "ssda903", "2024/25")])
def test_two_readers_splitting_an_xml_file_give_the_same_tables(path, kind, year):
    same, rows = run(SPLIT.format(paths=[str(path)], kind=kind, year=year)).split()
    assert same == "True"
    assert int(rows) > 100


def test_two_readers_report_the_first_error_in_the_file(tmp_path):
    """A file broken near its end: the second reader finds it; the message is the one a single
    reading gives."""
    text = CIN.read_text(encoding="utf-8")
    broken = tmp_path / "cin.xml"
    broken.write_text(text[: len(text) * 9 // 10] + "<oops></Message>", encoding="utf-8")
    same, *message = run(SPLIT.format(paths=[str(broken)], kind="cin", year=None)).split(" ", 1)
    assert same == "True"
    assert "the XML is not well formed" in message[0]
