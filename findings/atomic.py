"""All or nothing on disk: one build at a time, folders replaced in one step, nothing half-written.

- ``lock(path)``: an exclusive lock held for the whole of a build; a second build gets a clear
  message instead of racing the first (the lock goes with the process, even if it is killed).
- ``replace_dir(new, target)``: ``new`` takes the place of ``target`` in one step. On Linux the two
  are exchanged with ``renameat2(RENAME_EXCHANGE)``, so at every moment ``target`` is either the old
  folder or the new one. Elsewhere (or on a file system without it) the old folder is first renamed
  to ``<target>.old``; ``recover(target)`` (run before every build) puts it back if a crash came
  between the two renames.
- ``check_output_dir``: the build only ever replaces a folder it wrote itself (or an empty one), and
  never the project, its inputs or its prose.
"""
from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import shutil
from pathlib import Path

from .errors import DataError, Problem, display_path

MARKER = ".findings-output"  # written into every folder the build replaces
_AT_FDCWD, _RENAME_EXCHANGE = -100, 2


@contextlib.contextmanager
def lock(path: Path, what: str):
    """Hold an exclusive lock on ``path`` (created if missing) or refuse with one clear message."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "another process"
            raise DataError(Problem(display_path(path), None,
                                    f"another build is writing {what} (process {holder}); wait for it "
                                    "to finish, then run this one again")) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock


def _libc_exchange():
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    return fn


_EXCHANGE = _libc_exchange()


def _exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths in one step; False when the platform or file system cannot."""
    if _EXCHANGE is None:
        return False
    if _EXCHANGE(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def old_of(target: Path) -> Path:
    return target.with_name(f".{target.name}.old")


def recover(target: Path) -> None:
    """Undo a crash between the two renames of the fallback swap, and drop leftovers of killed
    builds (temporary folders beside ``target``). Call it while holding the lock."""
    old = old_of(target)
    if old.exists() and not target.exists():
        os.replace(old, target)
    shutil.rmtree(old, ignore_errors=True)
    for leftover in target.parent.glob(f".{target.name}.new-*"):
        shutil.rmtree(leftover, ignore_errors=True)


def new_dir(target: Path) -> Path:
    """A fresh folder beside ``target`` to write the next version into."""
    import tempfile

    target.parent.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    (path / MARKER).write_text("written by the findings site generator; replaced by each build\n",
                               encoding="utf-8")
    return path


def replace_dir(new: Path, target: Path) -> None:
    """Put ``new`` in the place of ``target`` so that ``target`` is never missing or half-written."""
    if target.exists() and _exchange(new, target):
        shutil.rmtree(new, ignore_errors=True)  # now the old version
        return
    old = old_of(target)
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.replace(target, old)
    os.replace(new, target)
    shutil.rmtree(old, ignore_errors=True)


def _inside(a: Path, b: Path) -> bool:
    """Whether ``a`` is ``b`` or inside it."""
    return a == b or b in a.parents


def check_output_dir(target: Path, inputs: dict[str, Path], containers: dict[str, Path],
                     legacy) -> None:
    """Refuse an output folder the build must not replace.

    ``inputs``: name -> a folder the output may not be, hold, or sit inside (the prose pages, the
    figure cache). ``containers``: name -> a folder the output may sit inside but neither be nor hold
    (the project, the survey folder; home and the file system root are added). An existing folder is
    replaced only when it is empty, carries the marker, or ``legacy(names of its entries)`` says it
    is what a build wrote before the marker existed.
    """
    out = target.resolve()
    containers = {**containers, "your home folder": Path.home(), "the file system root": Path("/")}
    for name, folder in [*inputs.items(), *containers.items()]:
        folder = folder.resolve()
        if _inside(folder, out) or (name in inputs and _inside(out, folder)):
            raise DataError(Problem(str(target), None,
                                    f"the build replaces its output folder as a whole, and this one would "
                                    f"replace or sit inside {name} ({display_path(folder)}); choose a "
                                    "folder of its own, such as build"))
    if out.exists() and not out.is_dir():
        raise DataError(Problem(str(target), None, "the output must be a folder; this is a file"))
    if out.is_dir():
        entries = {p.name for p in out.iterdir()}
        if entries and MARKER not in entries and not legacy(entries):
            raise DataError(Problem(str(target), None,
                                    "this folder is not empty and was not written by the build; the build "
                                    "replaces its output folder as a whole, so give it a new or empty "
                                    "folder"))
