"""The build, in named stages: load -> compute -> render -> check privacy -> write.

``build()`` is the whole of it. Nothing is written until every stage before ``write`` has succeeded,
and ``write`` replaces the output folder in one step, so bad input leaves the last good output as
it was.
"""
from __future__ import annotations

import time
from pathlib import Path

from . import paths, privacy
from .compute import compute
from .load import load
from .render import render
from .write import write


def build(study_path: Path = paths.STUDY_CONFIG, build_dir: Path = paths.BUILD_DIR,
          cache_dir: Path = paths.CACHE_DIR, prose_dir: Path = paths.DOCS_DIR) -> dict:
    """Load and validate, compute, render, check privacy, write. Returns a short report."""
    start = time.perf_counter()
    inputs = load(Path(study_path))
    results = compute(inputs)
    output = render(inputs, results)
    privacy.check_output({**{f"docs/{k}": v for k, v in output.docs.items()}, **output.extra})
    stats = write(output, Path(prose_dir), Path(build_dir), Path(cache_dir))
    return {"files": len(output.docs) + len(output.extra), "figures": len(output.specs), **stats,
            "warnings": list(inputs.themes.warnings),
            "seconds": round(time.perf_counter() - start, 2)}
