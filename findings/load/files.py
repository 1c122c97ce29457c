"""Reading an input file's bytes and text, refusing what cannot be an input with one clear problem.

``read_bytes(path, what, limit)``: a missing file, a folder, a device or pipe, a file that cannot be
read (permission denied) or one larger than ``limit`` bytes (refused from its size, before it is
read) is a ``DataError`` naming the file and what was expected (``what``), never a traceback and
never the file's contents.

``decode(file, data, fix)``: the bytes as UTF-8 text (a byte-order mark is accepted and dropped).
UTF-16/32 text, NUL bytes (a binary file) and the first byte that is not UTF-8 (its line and byte
offset) are reported; no other encoding is guessed.

For inputs too large to hold twice (a survey export of a million respondents), ``input_size`` makes
the same checks as ``read_bytes`` without reading, ``read_head`` reads the first bytes, and
``scan_text`` makes the checks of ``decode`` while streaming through the file in chunks (the text is
never held whole), counting the bytes it is asked to count on the way.
"""
from __future__ import annotations

import codecs
import stat
from dataclasses import dataclass
from pathlib import Path

from ..errors import DataError, Problem, display_path

MB = 1024 * 1024


def _size(n: int) -> str:
    return f"{n / MB:.1f} MB" if n >= MB else f"{n:,} bytes"


def _refuse(file: str, message: str) -> DataError:
    return DataError(Problem(file, None, message))


def _unreadable(file: str, what: str, e: OSError) -> DataError:
    if isinstance(e, PermissionError):
        return _refuse(file, f"cannot be read (permission denied); expected {what}")
    if isinstance(e, IsADirectoryError):
        return _refuse(file, f"is a folder, not a file; expected {what}")
    return _refuse(file, f"cannot be read ({e.strerror or type(e).__name__}); expected {what}")


def _too_big(what: str, limit: int, size: str) -> str:
    return f"is {size}, larger than the {_size(limit)} an input file may be; expected {what}"


def input_size(path: Path | str, what: str, limit: int) -> tuple[str, int]:
    """(the path as messages show it, the file's size in bytes); DataError when it cannot be an
    input (missing, a folder, a device, unreadable, larger than ``limit``). Nothing is read."""
    path = Path(path)
    file = display_path(path)
    try:
        info = path.stat()
    except (FileNotFoundError, NotADirectoryError, ValueError):  # ValueError: a NUL in the name
        raise _refuse(file, f"file not found; expected {what}") from None
    except OSError as e:
        raise _unreadable(file, what, e) from None
    if stat.S_ISDIR(info.st_mode):
        raise _refuse(file, f"is a folder, not a file; expected {what}")
    if not stat.S_ISREG(info.st_mode):
        raise _refuse(file, f"is not a regular file (a device, pipe or socket); expected {what}")
    if info.st_size > limit:
        raise _refuse(file, _too_big(what, limit, _size(info.st_size)))
    return file, info.st_size


def read_bytes(path: Path | str, what: str, limit: int) -> tuple[str, bytes]:
    """(the path as messages show it, the file's bytes); DataError when it cannot be an input."""
    file, _ = input_size(path, what, limit)
    try:
        with open(path, "rb") as f:
            data = f.read(limit + 1)  # never more than the limit, even if the file grows
    except OSError as e:
        raise _unreadable(file, what, e) from None
    if len(data) > limit:
        raise _refuse(file, _too_big(what, limit, f"more than {_size(limit)}"))
    return file, data


def read_head(path: Path | str, file: str, what: str, size: int) -> bytes:
    """The first ``size`` bytes of a file (fewer when it is shorter)."""
    try:
        with open(path, "rb") as f:
            return f.read(size)
    except OSError as e:
        raise _unreadable(file, what, e) from None


_WIDE = ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
         (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16"))


def decode(file: str, data: bytes, fix: str) -> str:
    """``data`` as UTF-8 text; ``fix`` says how to save the file right (ends each message)."""
    for bom, encoding in _WIDE:
        if data.startswith(bom):
            raise DataError(Problem(file, None, f"is {encoding} text, not UTF-8; {fix}"))
    nul = data.find(b"\x00")
    if nul >= 0:
        raise _nul_problem(file, data, nul, 0, 0, fix)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise _not_utf8(file, e.start, data[e.start], e.reason, data.count(b"\n", 0, e.start) + 1,
                        fix) from None


CHUNK = MB  # what scan_text holds of a file at a time


@dataclass(frozen=True)
class TextScan:
    """What ``scan_text`` saw of a file that is UTF-8 text."""

    size: int  # bytes
    counts: dict[bytes, int]  # byte -> how many times it occurs in the file
    ends_with_newline: bool


def _nul_problem(file: str, data: bytes, nul: int, offset: int, lines_before: int, fix: str) -> DataError:
    line = lines_before + data.count(b"\n", 0, nul) + 1
    looks = ("UTF-16 text without a byte-order mark" if data.count(b"\x00") * 4 >= len(data)
             else "a binary file")
    return DataError(Problem(file, f"line {line}", f"holds a NUL byte (at byte offset {offset + nul}): "
                             f"it looks like {looks}, not UTF-8 text; {fix}"))


def scan_text(path: Path | str, file: str, what: str, fix: str, count: bytes = b"") -> TextScan:
    """Check that a file is UTF-8 text as ``decode`` does (the same problems, the same words), reading
    it in chunks of ``CHUNK`` bytes; count each byte of ``count`` on the way."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    counts = dict.fromkeys((bytes([b]) for b in count), 0)
    offset = lines = 0
    last = b""
    try:
        with open(path, "rb") as f:
            while True:
                chunk = f.read(CHUNK)
                if not chunk:
                    break
                if offset == 0:
                    for bom, encoding in _WIDE:
                        if chunk.startswith(bom):
                            raise _refuse(file, f"is {encoding} text, not UTF-8; {fix}")
                nul = chunk.find(b"\x00")
                if nul >= 0:
                    raise _nul_problem(file, chunk, nul, offset, lines, fix)
                pending = len(decoder.getstate()[0])
                try:
                    if pending or not chunk.isascii():  # ASCII is UTF-8: nothing to decode
                        decoder.decode(chunk)
                except UnicodeDecodeError as e:  # e.start counts the bytes held from the last chunk
                    at = offset - pending + e.start
                    raise _not_utf8(file, at, e.object[e.start], e.reason,
                                    lines + chunk.count(b"\n", 0, max(0, at - offset)) + 1, fix) from None
                for byte in counts:
                    counts[byte] += chunk.count(byte)
                lines += chunk.count(b"\n")
                offset += len(chunk)
                last = chunk[-1:]
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError as e:  # the file ends inside a character
                start = offset - len(e.object) + e.start
                raise _not_utf8(file, start, e.object[e.start], e.reason, lines + 1, fix) from None
    except OSError as e:
        raise _unreadable(file, what, e) from None
    return TextScan(offset, counts, last == b"\n")


def _not_utf8(file: str, offset: int, byte: int, reason: str, line: int, fix: str) -> DataError:
    return DataError(Problem(file, f"line {line}", f"not UTF-8 text: byte 0x{byte:02x} at byte offset "
                             f"{offset} is not UTF-8 ({reason}); {fix}"))
