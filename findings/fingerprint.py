"""A content hash of everything a build reads, so that a build whose inputs did not change can stop
at once, before pandas or matplotlib are imported.

The fingerprint covers, byte for byte: every file of the survey folder (study.yml's folder), every
hand-written page of the prose folder, the generator's own code and static files, its pinned
requirements, the Python version, and the paths the build was given. The write stage stores it in
the build folder (``STAMP``) as part of the same atomic swap as the pages, so a stamp always
describes the output beside it. Standard library only: importing this module costs nothing.
"""
from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from . import paths

STAMP = ".inputs.sha256"  # in the build folder: the fingerprint of the inputs it was built from
_SKIP_DIRS = {"__pycache__", ".git"}


def files_under(folder: Path):
    """Every file below ``folder`` in path order, caches and git's folder left out (none when it is
    no folder)."""
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not _SKIP_DIRS & set(path.relative_to(folder).parts):
            yield path


def fingerprint(study_path: Path, prose_dir: Path) -> str:
    """The hex digest of the build's inputs (see the module docstring)."""
    study, prose = Path(study_path).resolve(), Path(prose_dir).resolve()
    digest = hashlib.blake2b(digest_size=20)
    digest.update(f"{sys.version}\0{study}\0{prose}\0".encode())
    folders = {"survey": study.parent, "prose": prose, "code": paths.ROOT / "findings"}
    named = [(role, path, path.relative_to(root)) for role, root in folders.items()
             for path in files_under(root)]
    named += [("entry", paths.ROOT / name, name) for name in ("build_tables.py", "requirements.txt")]
    for role, path, name in named:
        digest.update(f"{role}\0{name}\0".encode())
        with open(path, "rb") as handle:
            digest.update(hashlib.file_digest(handle, "blake2b").digest())
    return digest.hexdigest()


def unchanged(build_dir: Path, value: str) -> bool:
    """Whether ``build_dir`` holds a whole build (its marker) made from inputs of this fingerprint."""
    from .atomic import MARKER  # stdlib only

    try:
        return ((build_dir / MARKER).is_file()
                and (build_dir / STAMP).read_text(encoding="ascii").strip() == value)
    except (OSError, UnicodeDecodeError):
        return False
