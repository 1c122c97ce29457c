"""Reading an input file's bytes and text, refusing what cannot be an input with one clear problem.

``read_bytes(path, what, limit)``: a missing file, a folder, a device or pipe, a file that cannot be
read (permission denied) or one larger than ``limit`` bytes (refused from its size, before it is
read) is a ``DataError`` naming the file and what was expected (``what``), never a traceback and
never the file's contents.

``decode(file, data, fix)``: the bytes as UTF-8 text (a byte-order mark is accepted and dropped).
UTF-16/32 text, NUL bytes (a binary file) and the first byte that is not UTF-8 (its line and byte
offset) are reported; no other encoding is guessed.
"""
from __future__ import annotations

import codecs
import stat
from pathlib import Path

from ..errors import DataError, Problem, display_path

MB = 1024 * 1024


def _size(n: int) -> str:
    return f"{n / MB:.1f} MB" if n >= MB else f"{n:,} bytes"


def read_bytes(path: Path | str, what: str, limit: int) -> tuple[str, bytes]:
    """(the path as messages show it, the file's bytes); DataError when it cannot be an input."""
    path = Path(path)
    file = display_path(path)

    def refuse(message: str):
        return DataError(Problem(file, None, message))

    try:
        info = path.stat()
    except (FileNotFoundError, NotADirectoryError, ValueError):  # ValueError: a NUL in the name
        raise refuse(f"file not found; expected {what}") from None
    except PermissionError:
        raise refuse(f"cannot be read (permission denied); expected {what}") from None
    except OSError as e:
        raise refuse(f"cannot be read ({e.strerror or type(e).__name__}); expected {what}") from None
    if stat.S_ISDIR(info.st_mode):
        raise refuse(f"is a folder, not a file; expected {what}")
    if not stat.S_ISREG(info.st_mode):
        raise refuse(f"is not a regular file (a device, pipe or socket); expected {what}")
    too_big = (f"is {{size}}, larger than the {_size(limit)} an input file may be; expected {what}")
    if info.st_size > limit:
        raise refuse(too_big.format(size=_size(info.st_size)))
    try:
        with open(path, "rb") as f:
            data = f.read(limit + 1)  # never more than the limit, even if the file grows
    except PermissionError:
        raise refuse(f"cannot be read (permission denied); expected {what}") from None
    except IsADirectoryError:
        raise refuse(f"is a folder, not a file; expected {what}") from None
    except OSError as e:
        raise refuse(f"cannot be read ({e.strerror or type(e).__name__}); expected {what}") from None
    if len(data) > limit:
        raise refuse(too_big.format(size=f"more than {_size(limit)}"))
    return file, data


_WIDE = ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
         (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16"))


def decode(file: str, data: bytes, fix: str) -> str:
    """``data`` as UTF-8 text; ``fix`` says how to save the file right (ends each message)."""
    for bom, encoding in _WIDE:
        if data.startswith(bom):
            raise DataError(Problem(file, None, f"is {encoding} text, not UTF-8; {fix}"))
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        looks = ("UTF-16 text without a byte-order mark" if data.count(b"\x00") * 4 >= len(data)
                 else "a binary file")
        raise DataError(Problem(file, f"line {line}", f"holds a NUL byte (at byte offset {nul}): it "
                                f"looks like {looks}, not UTF-8 text; {fix}"))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise DataError(Problem(file, f"line {line}", f"not UTF-8 text: byte 0x{data[e.start]:02x} at "
                                f"byte offset {e.start} is not UTF-8 ({e.reason}); {fix}")) from None
