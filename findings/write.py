"""Write: the rendered output -> the build folder, in one atomic swap; figures through a cache.

The build folder (``build/``) holds everything MkDocs reads that is not hand-written config:

- ``docs/``: the site's source tree: the hand-written prose pages copied from ``docs/``, the
  generated pages and downloads, and the figures;
- ``fragments/``, ``variables.yml``: what the macros give prose pages;
- ``nav.yml``: the navigation, inherited by ``mkdocs.yml``.

Everything is written into a fresh folder beside it; only when all of it is there is the old folder
replaced, so a failed build leaves the last good output as it was. Figures are drawn only when the
cache (keyed by a hash of the figure's data and the drawing code's version) lacks them, in parallel;
a cache entry appears only once it is complete.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import nullcontext
from pathlib import Path, PurePosixPath

from . import atomic
from .errors import DataError, Problem, display_path
from .fingerprint import STAMP
from .render.figures import STYLE_VERSION, draw

# What a build writes into its folder (an older build/ holding only these may be replaced).
BUILD_ENTRIES = {"docs", "fragments", "variables.yml", "nav.yml", "privacy.json", atomic.MARKER, STAMP}
_PNG_START, _PNG_END = b"\x89PNG\r\n\x1a\n", b"IEND\xaeB`\x82"


def spec_key(spec: dict) -> str:
    payload = json.dumps(spec, sort_keys=True, ensure_ascii=False) + STYLE_VERSION
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:20]


def _draw_into_cache(spec: dict, base: str) -> None:
    """Draw to temporary names, then rename: a killed build leaves no half-written entry."""
    tmp = f"{base}.tmp{os.getpid()}"
    draw(spec, tmp)
    for ext in (".png", ".svg"):
        os.replace(tmp + ext, base + ext)


def _complete(base: Path) -> bool:
    """Whether a cache entry is whole: an SVG that ends its document and a PNG with its last chunk.
    Anything else (a full disk, a file truncated or emptied by hand) is drawn again."""
    try:
        with open(f"{base}.svg", "rb") as svg, open(f"{base}.png", "rb") as png:
            svg.seek(0, os.SEEK_END)
            svg.seek(max(0, svg.tell() - 16))
            if not svg.read().rstrip().endswith(b"</svg>"):
                return False
            if png.read(8) != _PNG_START:
                return False
            png.seek(0, os.SEEK_END)
            png.seek(max(8, png.tell() - 8))
            return png.read() == _PNG_END
    except OSError:
        return False


def _worker_start(parent: int) -> None:
    """A drawing worker ends with the build: on Linux the kernel kills it when the build dies."""
    try:
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the build died before the line above took effect
        os._exit(1)


def draw_figures(specs: list[dict], out_dir: Path, cache_dir: Path, drawn=None) -> dict:
    """``<name>.svg`` and ``.png`` of every spec into ``out_dir``, drawing only what the cache lacks.
    ``drawn(done, total)`` is told of each figure drawn."""
    drawn = drawn or (lambda done, total: None)
    out_dir.mkdir(parents=True, exist_ok=True)
    cache_dir.mkdir(parents=True, exist_ok=True)
    for leftover in cache_dir.glob("*.tmp*"):  # from a killed build (builds hold a lock: none is live)
        leftover.unlink(missing_ok=True)
    todo = [(spec, str(cache_dir / spec_key(spec))) for spec in specs
            if not _complete(cache_dir / spec_key(spec))]
    if len(todo) > 2 and (os.cpu_count() or 1) > 1:
        with ProcessPoolExecutor(max_workers=min(len(todo), os.cpu_count() or 1),
                                 initializer=_worker_start, initargs=(os.getpid(),)) as pool:
            for done, future in enumerate(as_completed([pool.submit(_draw_into_cache, *job) for job in todo]), 1):
                future.result()
                drawn(done, len(todo))
    else:
        for done, (spec, base) in enumerate(todo, 1):
            _draw_into_cache(spec, base)
            drawn(done, len(todo))
    for spec in specs:
        for ext in (".svg", ".png"):
            shutil.copyfile(cache_dir / (spec_key(spec) + ext), out_dir / (spec["name"] + ext))
    return {"drawn": len(todo), "cached": len(specs) - len(todo)}


def _safe(rel: str) -> PurePosixPath:
    path = PurePosixPath(rel)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise DataError(Problem("build output", rel, "a generated file would be written outside the "
                                "build folder; check the ids in the input files"))
    return path


def prose_files(prose_dir: Path) -> dict[str, Path]:
    """The hand-written pages and assets: docs-root path -> file."""
    if not prose_dir.is_dir():
        return {}
    return {p.relative_to(prose_dir).as_posix(): p for p in sorted(prose_dir.rglob("*")) if p.is_file()}


def write(output, prose: dict[str, Path], build_dir: Path, cache_dir: Path,
          fingerprint: str | None = None, progress=None) -> dict:
    """Write prose + generated pages + figures into a fresh folder, then swap it in for build_dir.
    ``prose``: the hand-written files (``prose_files``); ``fingerprint``: of the inputs, stored with
    the output (``STAMP``) so that an unchanged rebuild can stop early; ``progress``: a
    ``pipeline.Progress`` told of the stages "write" and "figures" and of each figure drawn."""

    def stage(name: str):
        return progress.stage(name) if progress else nullcontext()

    clash = sorted(set(prose) & set(output.docs))
    if clash:
        raise DataError([Problem(display_path(prose[rel]), None,
                                 "a hand-written file has the path of a generated page or download; "
                                 "rename it") for rel in clash])
    tmp = atomic.new_dir(build_dir)
    try:
        with stage("write"):
            _write_files(output, prose, tmp)
        with stage("figures"):
            stats = draw_figures(output.specs, tmp / "docs" / "figures", cache_dir / "figures",
                                 progress.figures if progress else None)
        with stage("write"):
            if fingerprint:
                (tmp / STAMP).write_text(fingerprint + "\n", encoding="ascii")
            atomic.replace_dir(tmp, build_dir)
        return stats
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _write_files(output, prose: dict[str, Path], tmp: Path) -> None:
    """The hand-written files, the generated pages, downloads and extras, into ``tmp``."""
    for rel, source in prose.items():
        target = tmp / "docs" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    for folder, files in (("docs", output.docs), ("docs", output.defaults), (".", output.extra)):
        for rel, content in files.items():
            target = tmp / folder / _safe(rel)
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):  # a zip download (downloads/coding.qdpx)
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8")
