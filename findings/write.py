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
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path, PurePosixPath

from .errors import DataError, Problem, display_path
from .render.figures import STYLE_VERSION, draw


def spec_key(spec: dict) -> str:
    payload = json.dumps(spec, sort_keys=True, ensure_ascii=False) + STYLE_VERSION
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:20]


def _draw_into_cache(spec: dict, base: str) -> None:
    """Draw to temporary names, then rename: a killed build leaves no half-written entry."""
    tmp = f"{base}.tmp{os.getpid()}"
    draw(spec, tmp)
    for ext in (".png", ".svg"):
        os.replace(tmp + ext, base + ext)


def draw_figures(specs: list[dict], out_dir: Path, cache_dir: Path) -> dict:
    """``<name>.svg`` and ``.png`` of every spec into ``out_dir``, drawing only what the cache lacks."""
    out_dir.mkdir(parents=True, exist_ok=True)
    cache_dir.mkdir(parents=True, exist_ok=True)
    todo = [(spec, str(cache_dir / spec_key(spec))) for spec in specs
            if not all((cache_dir / (spec_key(spec) + ext)).exists() for ext in (".svg", ".png"))]
    if len(todo) > 2 and (os.cpu_count() or 1) > 1:
        with ProcessPoolExecutor(max_workers=min(len(todo), os.cpu_count() or 1)) as pool:
            list(pool.map(_draw_into_cache, *zip(*todo)))
    else:
        for spec, base in todo:
            _draw_into_cache(spec, base)
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


def write(output, prose_dir: Path, build_dir: Path, cache_dir: Path) -> dict:
    """Write prose + generated pages + figures into a fresh folder, then swap it in for build_dir."""
    prose = {p.relative_to(prose_dir).as_posix(): p for p in sorted(prose_dir.rglob("*"))
             if p.is_file()} if prose_dir.is_dir() else {}
    clash = sorted(set(prose) & set(output.docs))
    if clash:
        raise DataError([Problem(display_path(prose_dir / rel), None,
                                 "a hand-written file has the path of a generated page or download; "
                                 "rename it") for rel in clash])
    build_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{build_dir.name}-", dir=build_dir.parent))
    try:
        for rel, source in prose.items():
            target = tmp / "docs" / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        for folder, files in (("docs", output.docs), (".", output.extra)):
            for rel, content in files.items():
                target = tmp / folder / _safe(rel)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(content, encoding="utf-8")
        stats = draw_figures(output.specs, tmp / "docs" / "figures", cache_dir / "figures")
        old = build_dir.with_name(build_dir.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if build_dir.exists():
            os.replace(build_dir, old)
        os.replace(tmp, build_dir)
        shutil.rmtree(old, ignore_errors=True)
        return stats
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
