"""ingest: files -> Return. Decides from content which return and table each input is.

Two steps: `read` (plain Python: bytes -> RawTable, the text of each cell as codes) and `frames`
(pandas: RawTable -> the typed frames the rules read), joined by `load`. This package's own import
loads nothing more: `prefetch` forks the readers as early as it can, before pandas is imported.
"""

from __future__ import annotations


def load_return(paths: list[str], previous: list[str] | None = None, kind: str | None = None,
                year: str | None = None, la: str | None = None, inputs=None):
    """The Return of the files at `paths` (and last year's at `previous`). `inputs`: those files
    already read (by `prefetch`); else they are read here."""
    from validator.ingest.load import load

    return load(paths, previous, kind, year, la, inputs)


__all__ = ["load_return"]
