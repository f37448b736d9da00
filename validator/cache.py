"""Where returncheck keeps what it builds once and reuses on later runs (the compact postcode
directory, bank holidays, compiled report templates, the parsed DfE spec): `$RETURNCHECK_CACHE`, else
`$XDG_CACHE_HOME/returncheck`, else `~/.cache/returncheck`. Every cached file is named by the
version of what it was built from, and a cache that cannot be written or read only costs time.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path


def cache_root() -> Path:
    """The cache folder (not created here). Raises RuntimeError when there is no home folder."""
    if os.environ.get("RETURNCHECK_CACHE"):
        return Path(os.environ["RETURNCHECK_CACHE"])
    if os.environ.get("XDG_CACHE_HOME"):
        return Path(os.environ["XDG_CACHE_HOME"]) / "returncheck"
    return Path.home() / ".cache" / "returncheck"


def installed_version(module: str, distribution: str) -> str | None:
    """Version of the installed `distribution` that provides `module`, from the name of its
    dist-info folder (importlib.metadata costs tens of milliseconds of imports); None if not found."""
    found = importlib.util.find_spec(module)
    if found is None or not found.origin:
        return None
    prefix = distribution.replace("-", "_") + "-"
    infos = list(Path(found.origin).parent.parent.glob(f"{prefix}*.dist-info"))
    if len(infos) != 1:
        from importlib import metadata

        try:
            return metadata.version(distribution)
        except metadata.PackageNotFoundError:
            return None
    return infos[0].name[len(prefix):-len(".dist-info")]
