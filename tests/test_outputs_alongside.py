"""reports.outputs.WrittenAlongside: the outputs a forked copy writes are the ones this process
writes (`--jobs 1`), and a copy that dies leaves the writing to this process.

Run in fresh interpreters: forking is only done where no other thread runs."""

import re
import subprocess
import sys
import textwrap
from pathlib import Path

from validator.errors import ISSUES_URL

ROOT = Path(__file__).resolve().parent.parent
CIN = ROOT / "fixtures" / "samples" / "cin_2024_25.xml"


def _html(path: Path) -> str:
    return re.sub(r"checked [0-9-]+ [0-9:]+ in [0-9.]+ s", "checked", path.read_text(encoding="utf-8"))


def _outputs(folder: Path) -> list[str]:
    return ["--json", str(folder / "f.json"), "--csv", str(folder / "f.csv"), "--html", str(folder / "r.html")]


def test_outputs_written_alongside_are_the_ones_written_here(tmp_path):
    for jobs in ("1", "2"):
        out = tmp_path / jobs
        out.mkdir()
        done = subprocess.run([sys.executable, "-m", "validator", "validate", str(CIN), "--jobs", jobs, "--mask",
                               "--mask-key", "k", "--change-threshold", "5", *_outputs(out)],
                              capture_output=True, text=True, cwd=ROOT, timeout=120)
        assert done.returncode in (0, 1), done.stderr
    for name in ("f.json", "f.csv"):
        assert (tmp_path / "1" / name).read_bytes() == (tmp_path / "2" / name).read_bytes()
    assert _html(tmp_path / "1" / "r.html") == _html(tmp_path / "2" / "r.html")
    assert "masked" in _html(tmp_path / "2" / "r.html")


def test_a_copy_that_dies_leaves_the_writing_here(tmp_path):
    script = textwrap.dedent(f"""
        import os, sys
        import reports.outputs as outputs
        from validator.cli import main
        parent = os.getpid()
        real = outputs._write_there
        outputs._write_there = lambda *a: os._exit(9) if os.getpid() != parent else real(*a)
        sys.exit(main(["validate", {str(CIN)!r}, *{_outputs(tmp_path)!r}]))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode in (0, 1), done.stderr
    assert done.stderr == ""
    assert (tmp_path / "f.json").stat().st_size > 1000
    assert "<html" in _html(tmp_path / "r.html")


def test_a_copy_that_dies_after_taking_the_findings_leaves_the_writing_here(tmp_path):
    """The copy dies while this process makes the child records for it: the write here is whole."""
    script = textwrap.dedent(f"""
        import os, sys
        import reports.outputs as outputs
        from validator.cli import main
        parent = os.getpid()
        real = outputs.write_outputs
        outputs.write_outputs = lambda *a, **k: os._exit(9) if os.getpid() != parent else real(*a, **k)
        sys.exit(main(["validate", {str(CIN)!r}, "--jobs", "2", *{_outputs(tmp_path / "2")!r}]))
    """)
    (tmp_path / "2").mkdir()
    (tmp_path / "1").mkdir()
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 1, done.stderr  # the sample has errors
    assert done.stderr == ""
    here = subprocess.run([sys.executable, "-m", "validator", "validate", str(CIN), "--jobs", "1",
                           *_outputs(tmp_path / "1")], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert here.returncode == 1, here.stderr
    assert _html(tmp_path / "1" / "r.html") == _html(tmp_path / "2" / "r.html")
    assert (tmp_path / "1" / "f.json").read_bytes() == (tmp_path / "2" / "f.json").read_bytes()


def test_child_records_failing_here_is_reported_as_the_html_output_failing(tmp_path):
    """A bug in the child records (made by this process for the copy): the other outputs are still
    written and the HTML report's failure is one line naming it, exit 2."""
    script = textwrap.dedent(f"""
        import sys
        import reports.html_rows as rows
        from validator.cli import main
        def broken(*a, **k):
            raise KeyError("boom")
        rows.child_records = broken
        import reports.html
        reports.html.child_records = broken
        sys.exit(main(["validate", {str(CIN)!r}, "--jobs", "2", *{_outputs(tmp_path)!r}]))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 2
    assert done.stderr == (f"returncheck: internal error writing {tmp_path / 'r.html'} (KeyError: 'boom'); "
                           f"please report it to {ISSUES_URL}\n")
    assert (tmp_path / "f.json").stat().st_size > 1000
    assert not (tmp_path / "r.html").exists()
