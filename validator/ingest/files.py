"""Finding the input files and reading their bytes as text. Decided by content, never by name."""

from __future__ import annotations

import codecs
import hashlib
import stat
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


def _too_big(path: Path, size: int) -> UserError:
    return UserError(f"{path}: the file is {size / 2**20:,.0f} MB; returncheck reads files up to "
                     f"{MAX_BYTES // 2**20} MB. Is it really one return?")


def read_bytes(path: Path) -> bytes:
    try:
        st = path.stat()
        # A device or pipe (/dev/zero, a FIFO) reports size 0 and never ends: refuse it unread.
        if not stat.S_ISREG(st.st_mode):
            raise UserError(f"{path}: not a regular file; give the CSV, XML or XLSX file itself.")
        if st.st_size > MAX_BYTES:
            raise _too_big(path, st.st_size)
        with open(path, "rb") as f:
            data = f.read(MAX_BYTES + 1)  # never more than the limit, even if the file grew
    except OSError as e:  # permission denied, vanished, I/O error: the user's to fix, not a crash
        raise UserError(f"{path}: cannot read the file ({e.strerror or e}).") from None
    if len(data) > MAX_BYTES:
        raise _too_big(path, len(data))
    if not data or data.isspace():  # isspace, not strip(): no copy of a large file
        raise UserError(f"{path}: the file is empty.")
    return data


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (Excel 97-2003) and password-protected .xlsx


def _bomless_utf16(head: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' for text saved as UTF-16 without a byte-order mark (every other
    byte zero, as ASCII text is in UTF-16), else None."""
    head = head[: len(head) // 2 * 2]
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) == len(odd) and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) == len(even) and odd.count(0) == 0:
        return "utf-16-be"
    return None


def sniff(data: bytes) -> str:
    """'xml', 'xlsx', 'ole2', 'binary' or 'csv' from the first bytes."""
    if data[:4] == b"PK\x03\x04":
        return "xlsx"
    if data[:8] == OLE2_MAGIC:
        return "ole2"
    head = data[:4096]
    boms = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
    for bom, enc in boms:
        if head.startswith(bom):
            head = head[len(bom):].decode(enc, errors="ignore").encode("utf-8")
            break
    else:
        if enc := _bomless_utf16(head):
            head = head.decode(enc, errors="ignore").encode("utf-8")
    if head.lstrip().startswith(b"<"):
        return "xml"
    if b"\x00" in head:
        return "binary"
    return "csv"


def line_of(data: bytes, offset: int) -> int:
    """1-based line of a byte offset (for messages)."""
    return data.count(b"\n", 0, offset) + 1


def decode(data: bytes, path: Path) -> tuple[str, str]:
    """Text and the encoding found: UTF-8 (with or without BOM), UTF-16 (with BOM, or plainly
    UTF-16 without), else Windows-1252. A byte-order mark left at the start of the text (some
    exports write two) is dropped. A text holding a zero byte is refused (damaged or binary)."""
    text, encoding, skipped = _decode(data, path)
    nul = text.find("\x00")
    if nul >= 0:
        at = skipped + len(text[:nul].encode(encoding.replace("-sig", "")))
        line = text.count("\n", 0, nul) + 1
        raise UserError(f"{path}: byte {at} (line {line}) is a zero byte, which a CSV export never holds; "
                        "the file is damaged or not a text file.")
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise UserError(f"{path}: the file is empty.")
    return text, encoding


def _decode(data: bytes, path: Path) -> tuple[str, str, int]:
    """(text, encoding, bytes of BOM skipped): offsets in messages count from the start of the file."""
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data, 3, "utf-8", path), "utf-8-sig", 3
    for bom, enc in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return _strict(data, 2, enc, path), enc, 2
    if enc := _bomless_utf16(data[:4096]):
        return _strict(data, 0, enc, path), enc, 0
    try:
        return data.decode("utf-8"), "utf-8", 0
    except UnicodeDecodeError as e:
        bad = e.start
    # Text before the bad byte that is UTF-8 beyond ASCII means a UTF-8 file with a damaged or
    # foreign byte: reading it all as Windows-1252 would garble every accented name silently.
    if not data[:bad].isascii():
        raise UserError(f"{path}: cannot read the text: byte {bad} (line {line_of(data, bad)}) is not valid "
                        "UTF-8, though the text before it is UTF-8. Save the file again as UTF-8.") from None
    try:
        return data.decode("cp1252"), "cp1252", 0
    except UnicodeDecodeError as e:
        raise UserError(f"{path}: cannot read the text (not UTF-8, UTF-16 or Windows-1252): byte {e.start} "
                        f"(line {line_of(data, e.start)}) is not a character in any of them.") from None


def _strict(data: bytes, skip: int, enc: str, path: Path) -> str:
    try:
        return codecs.decode(memoryview(data)[skip:], enc)
    except UnicodeDecodeError as e:
        name = enc.upper().replace("-LE", "").replace("-BE", "")
        says = "says it is" if skip else "looks like"  # a byte-order mark says so; else the zero bytes
        raise UserError(f"{path}: the file {says} {name} but byte {skip + e.start} is not valid {name}.") from None
