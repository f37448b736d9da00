"""Reading the input files in a second process while this one imports pandas.

A run of `returncheck validate` spends its first half second or so importing pandas and numpy,
with the machine's other core idle. Reading the files needs neither (`ingest.read` is plain
Python), so `start()` forks a reader before pandas is imported, and `Reading.result()` takes
what it read (as codes: see `ingest.raw`; `validator.forked` says how it travels). For a
census of 10,000 children the reading takes longer than the import, and all of the import is
saved; for a large LA's SSDA903 return, all of the reading.

Where a second process does not pay (one core), is not safe (threads already running: a
forked copy could inherit a held lock) or is not available (not Linux), or where the reader
fails in a way that is not the user's (it dies, or hits a bug), the files are read in this
process instead: the result is the same either way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from validator import forked
from validator.errors import UserError
from validator.ingest.files import expand

if TYPE_CHECKING:
    from validator.ingest.read import Inputs

# The reading modules (and dataclasses, which they use) are imported in the readers, after the
# fork: the sooner a reader starts, the sooner a large census is read.


class Reading:
    """The inputs being read: by one forked reader, by two (a large XML file split between them,
    see xmlread._iter), or (none started) here on demand."""

    def __init__(self, paths: list[str], previous: list[str] | None):
        self.paths, self.previous = paths, previous
        self._readers: list[forked.Forked] = []

    @property
    def forked(self) -> bool:
        """Whether readers are at work in other processes."""
        return bool(self._readers)

    def result(self) -> Inputs:
        """What was read; a UserError if the inputs cannot be read."""
        from validator.ingest.read import joined, read_inputs

        readers, self._readers = self._readers, []
        try:
            parts = [reader.result(expected=(UserError,)) for reader in readers]
        except forked.Failed:
            parts = []
        finally:
            for reader in readers:
                reader.cancel()  # after a UserError from the first, the other is not wanted
        if len(parts) == 2:
            return joined(self.paths, self.previous, *parts)
        if len(parts) == 1:
            return parts[0]
        return read_inputs(self.paths, self.previous)  # none started, or one failed: a bug shows here

    def cancel(self) -> None:
        """Stop the readers (the run ended before their result was wanted)."""
        for reader in self._readers:
            reader.cancel()
        self._readers = []


# Up to how many bytes of input forked readers pay. XML is read with plain Python (lxml) in any
# process, and from SPLIT_XML_BYTES two readers share it, so reading alongside saves the import and
# half the reading (a 50,000-child census, 42 MB: 9.0 s -> 6.0 s); the tables come back through
# shared memory (validator.forked), which costs far less. The limit is memory: a reader holds its
# half's tables, about ten times its bytes, until it has sent them (a 150,000-child census is about
# 128 MB). A large CSV is read three times faster by pandas' C parser, which only the main process
# has (csv903.LARGE_CSV_CHARS): past about 5 MB the plain reading alone outlasts the import. The
# sizes (and the file names' suffixes, used only for this guess) decide where the files are read,
# never what is read from them.
PREFETCH_MAX_BYTES = {"xml": 128 * 1024 * 1024, "other": 5 * 1024 * 1024}
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
    if not (fork and forked.available()):
        return reading
    sizes = _sizes(paths, previous)
    if sizes is None or any(sizes[k] > PREFETCH_MAX_BYTES[k] for k in sizes):
        return reading
    if sizes["xml"] >= SPLIT_XML_BYTES:
        reading._readers = [forked.Forked(lambda half=half: _read_part(paths, previous, half)) for half in (0, 1)]
    else:
        reading._readers = [forked.Forked(lambda: _read_inputs(paths, previous))]
    return reading


def _read_inputs(paths, previous):
    from validator.ingest.read import read_inputs

    return read_inputs(paths, previous)


def _read_part(paths, previous, half):
    from validator.ingest.read import read_part

    return read_part(paths, previous, half)
