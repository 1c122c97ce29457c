"""The build, in named stages: load -> compute -> render -> check privacy -> write.

``build()`` is the whole of it. Nothing is written until every stage before ``write`` has succeeded,
and ``write`` replaces the output folder in one step, so bad input leaves the last good output as
it was.

``Progress`` times each stage (the report's ``stages``) and, on long work, says on stderr which
stage the build is in and how many figures are drawn: once the build has run for a couple of
seconds, or from the start when stderr is a terminal.
"""
from __future__ import annotations

import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from .errors import display_path

from . import atomic, paths, privacy
from .compute import compute
from .load import load
from .render import render
from .write import BUILD_ENTRIES, prose_files, write

class Progress:
    """What a build says while it runs, and how long each stage took.

    ``stage(name)`` times a stage (times of one name add up); ``figures(done, total)`` counts the
    figures drawn. Nothing is said until the build has run ``after`` seconds (0 when ``stream`` is a
    terminal): then the stage under way, each later stage as it starts, and the figures drawn (at
    most one line a second, and the last). ``close()`` ends it; ``summary()`` is the stages' times."""

    PREFIX = "build_tables: "

    def __init__(self, stream=None, after: float = 2.0):
        self.stream = sys.stderr if stream is None else stream
        self.after = 0.0 if _is_terminal(self.stream) else after
        self.begun = time.perf_counter()
        self.seconds: dict[str, float] = {}
        self.current: str | None = None
        self.talking = self.after == 0
        self._said_at = 0.0
        self._lock = threading.Lock()
        self._timer = threading.Timer(self.after, self._wake) if not self.talking else None
        if self._timer:
            self._timer.daemon = True
            self._timer.start()

    def _say(self, text: str) -> None:
        with self._lock:
            print(self.PREFIX + text, file=self.stream, flush=True)
            self._said_at = time.perf_counter()

    def _wake(self) -> None:
        """The build has run ``after`` seconds: from now on it says what it does."""
        current = self.current
        self.talking = True
        if current:
            self._say(f"{current} …")

    @contextmanager
    def stage(self, name: str):
        self.current, started = name, time.perf_counter()
        if self.talking:
            self._say(f"{name} …")
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started
            self.current = None

    def figures(self, done: int, total: int) -> None:
        if self.talking and (done == total or time.perf_counter() - self._said_at >= 1.0):
            self._say(f"figures: {done} of {total} drawn")

    def close(self) -> None:
        if self._timer:
            self._timer.cancel()

    def summary(self) -> str:
        return ", ".join(f"{name} {seconds:.1f} s" for name, seconds in self.seconds.items())


def _is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


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
          inputs_fingerprint: str | None = None, progress: Progress | None = None) -> dict:
    """Load and validate, compute, render, check privacy, write. Returns a short report, with the
    time of each stage (``stages``, also as text in ``timing``)."""
    start = time.perf_counter()
    progress = progress or Progress()
    study_path, build_dir, cache_dir, prose_dir = map(Path, (study_path, build_dir, cache_dir, prose_dir))
    atomic.check_output_dir(build_dir, inputs={"the prose pages": prose_dir, "the figure cache": cache_dir},
                            containers={"the project": paths.ROOT, "the survey folder": study_path.parent},
                            legacy=BUILD_ENTRIES.__ge__)
    try:
        with atomic.lock(build_dir.with_name(f".{build_dir.name}.lock"), display_path(build_dir)):
            atomic.recover(build_dir)
            with progress.stage("load"):
                inputs = load(study_path)
            with progress.stage("compute"):
                results = compute(inputs)
            with progress.stage("render"):
                # listed once: named to render, scanned, then copied; the survey's own files win
                prose = {**prose_files(paths.STATIC_DIR), **prose_files(prose_dir)}
                output = render(inputs, results, frozenset(prose))
            with progress.stage("privacy check"):
                check_privacy(inputs, output, prose)
            stats = write(output, prose, build_dir, cache_dir, inputs_fingerprint, progress)
    finally:
        progress.close()
    return {"files": len(output.docs) + len(output.extra), "figures": len(output.specs), **stats,
            "warnings": list(inputs.themes.warnings),
            "notices": list(inputs.responses.notices),
            "stages": dict(progress.seconds), "timing": progress.summary(),
            "seconds": round(time.perf_counter() - start, 2)}
