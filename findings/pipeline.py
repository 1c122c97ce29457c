"""The build, in named stages: load -> compute -> render -> check privacy -> write.

``build()`` is the whole of it. Nothing is written until every stage before ``write`` has succeeded,
and ``write`` replaces the output folder in one step, so bad input leaves the last good output as
it was.
"""
from __future__ import annotations

import time
from pathlib import Path

from .errors import display_path

from . import atomic, paths, privacy
from .compute import compute
from .load import load
from .render import render
from .write import BUILD_ENTRIES, prose_files, write

TEXT_SUFFIXES = {".md", ".html", ".txt", ".csv", ".yml", ".yaml", ".json", ".bib", ".svg", ".xml"}


def check_privacy(inputs, output, prose_files: dict[str, Path]) -> None:
    """Everything the build would publish, scanned for personal data before anything is written:
    generated pages and downloads, fragments and variables, chart texts, the hand-written pages."""
    prose = {display_path(p): p for p in prose_files.values() if p.suffix in TEXT_SUFFIXES}
    # a zip download is stored uncompressed (render/qda.py): its bytes read as its members' text
    published = {f"build/docs/{k}": v.decode("utf-8", "replace") if isinstance(v, bytes) else v
                 for k, v in output.docs.items()}
    published.update({f"build/{k}": v for k, v in output.extra.items()})
    published.update({f"build/docs/{k}": v for k, v in output.defaults.items()})
    published.update({f"build/docs/figures/{s['name']}.svg": "\n".join(privacy.strings(s)) for s in output.specs})
    published.update({name: p.read_text(encoding="utf-8", errors="replace") for name, p in prose.items()})
    privacy.check_output(published, inputs.study.privacy_allow, {**inputs.files, **prose})


def build(study_path: Path = paths.STUDY_CONFIG, build_dir: Path = paths.BUILD_DIR,
          cache_dir: Path = paths.CACHE_DIR, prose_dir: Path = paths.DOCS_DIR,
          inputs_fingerprint: str | None = None) -> dict:
    """Load and validate, compute, render, check privacy, write. Returns a short report."""
    start = time.perf_counter()
    study_path, build_dir, cache_dir, prose_dir = map(Path, (study_path, build_dir, cache_dir, prose_dir))
    atomic.check_output_dir(build_dir, inputs={"the prose pages": prose_dir, "the figure cache": cache_dir},
                            containers={"the project": paths.ROOT, "the survey folder": study_path.parent},
                            legacy=BUILD_ENTRIES.__ge__)
    with atomic.lock(build_dir.with_name(f".{build_dir.name}.lock"), display_path(build_dir)):
        atomic.recover(build_dir)
        inputs = load(study_path)
        results = compute(inputs)
        # listed once: named to render, scanned, then copied; the survey's own files win
        prose = {**prose_files(paths.STATIC_DIR), **prose_files(prose_dir)}
        output = render(inputs, results, frozenset(prose))
        check_privacy(inputs, output, prose)
        stats = write(output, prose, build_dir, cache_dir, inputs_fingerprint)
    return {"files": len(output.docs) + len(output.extra), "figures": len(output.specs), **stats,
            "warnings": list(inputs.themes.warnings),
            "notices": list(inputs.responses.notices),
            "seconds": round(time.perf_counter() - start, 2)}
