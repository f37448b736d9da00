"""Finding the input files and reading their bytes as text. Decided by content, never by name."""

from __future__ import annotations

import codecs
import hashlib
from pathlib import Path

from validator.errors import UserError

# Larger inputs are refused with a message rather than exhausting memory. An England-sized
# SSDA903 table or a 50,000-child CIN census is well under 200 MB.
MAX_BYTES = 512 * 1024 * 1024

IGNORED_SUFFIXES = {".html", ".json", ".md", ".txt", ".log", ".pdf", ".py", ".junit", ".xsd"}


def expand(paths: list[str]) -> list[Path]:
    """Files given, plus the files inside folders given (hidden files and our own outputs skipped)."""
    out: list[Path] = []
    for p in paths:
        path = Path(p)
        if not path.exists():
            raise UserError(f"{p}: no such file or folder.")
        if path.is_dir():
            found = sorted(
                f for f in path.rglob("*")
                if f.is_file() and not any(part.startswith(".") for part in f.relative_to(path).parts)
                and f.suffix.lower() not in IGNORED_SUFFIXES
            )
            if not found:
                raise UserError(f"{p}: the folder holds no CSV, XML or XLSX files.")
            out.extend(found)
        else:
            out.append(path)
    return out


def read_bytes(path: Path) -> bytes:
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise UserError(f"{path}: the file is {size / 2**20:,.0f} MB; returncheck reads files up to "
                        f"{MAX_BYTES // 2**20} MB. Is it really one return?")
    data = path.read_bytes()
    if not data.strip():
        raise UserError(f"{path}: the file is empty.")
    return data


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sniff(data: bytes) -> str:
    """'xml', 'xlsx' or 'csv' from the first bytes."""
    if data[:4] == b"PK\x03\x04":
        return "xlsx"
    head = data[:4096]
    for bom, enc in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(bom):
            head = head[len(bom):].decode(enc, errors="ignore").encode("utf-8")
            break
    if head.lstrip().startswith(b"<"):
        return "xml"
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "binary"
    return "csv"


def decode(data: bytes, path: Path) -> tuple[str, str]:
    """Text and the encoding found: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252.
    A byte-order mark left at the start of the text (some exports write two) is dropped."""
    text, encoding = _decode(data, path)
    return text.lstrip("\ufeff"), encoding


def _decode(data: bytes, path: Path) -> tuple[str, str]:
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[3:], "utf-8", path), "utf-8-sig"
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return _strict(data, "utf-16", path), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as e:
        raise UserError(f"{path}: cannot read the text (not UTF-8, UTF-16 or Windows-1252) at byte {e.start}.") from None


def _strict(data: bytes, enc: str, path: Path) -> str:
    try:
        return data.decode(enc)
    except UnicodeDecodeError as e:
        raise UserError(f"{path}: the file says it is {enc.upper()} but byte {e.start} is not valid {enc.upper()}.") from None
