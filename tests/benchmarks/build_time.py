"""Benchmark: build time and memory, as ratios to a plain MkDocs build (run by hand, not in `make test`).

    .venv/bin/python tests/benchmarks/build_time.py [--runs 3]

Everything runs in a temporary project (a copy of data/ as the survey folder, the project's docs/,
a mkdocs.yml pointing at the temporary build folder), each step a fresh process, medians of --runs:

  plain MkDocs      mkdocs build --strict of the generated pages (the yardstick)
  clean build       build_tables.py with an empty figure cache, then mkdocs build --strict
  no-change build   build_tables.py with nothing changed (it stops at its fingerprint), then
                    mkdocs build --strict
  one answer        one answer of the responses changed: build_tables.py (one chart redrawn),
                    then mkdocs build --strict

Targets (issue 12): clean <= 2.5x, no-change <= 1.1x the plain MkDocs build. Writes
tests/benchmarks/BUILD_RESULTS.md with the command, the machine and peak memory.
"""
from __future__ import annotations

import argparse
import csv
import io
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from tests.site_config import mkdocs_config_elsewhere  # noqa: E402


STAGES: list[str] = []  # the generator's own report of its stages, one per clean build


def timed(cmd: list[str], cwd: Path, env=None) -> tuple[float, float]:
    """Seconds and peak RSS (MiB) of one command in a fresh process."""
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, check=True, capture_output=True, env=env, text=True)
    seconds = time.perf_counter() - start
    STAGES.extend(line.removeprefix("build_tables: stages: ") for line in done.stdout.splitlines()
                  if line.startswith("build_tables: stages: ") and "--force" in cmd)
    return seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def change_one_answer(csv_path: Path, flip: int) -> None:
    """Swap one single-choice answer of the first respondent between two values seen in its column."""
    rows = list(csv.reader(io.StringIO(csv_path.read_text(encoding="utf-8"), newline="")))
    header, first = rows[0], rows[1]
    for i, name in enumerate(header):
        values = sorted({r[i] for r in rows[1:] if r[i]})
        if name not in ("ResponseId", "Progress", "Finished") and 2 <= len(values) <= 5 and first[i]:
            first[i] = values[(values.index(first[i]) + 1 + flip) % len(values)]
            break
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    csv_path.write_text(out.getvalue(), encoding="utf-8")


NOTES = """What stands in the way of the clean-build target: drawing. The generator's own stages
above: load, compute, render, the privacy check and writing take about 0.7 s together;
drawing the study's 18 figures with matplotlib (an SVG and a PNG each, in parallel on both cores,
each worker importing matplotlib) takes about 2 s, and importing pandas and the pipeline about
0.5 s. With a plain MkDocs build of about 1.2 s, 2.5x leaves 1.8 s for the whole generator: the
figures would need to be drawn about 3 times faster (fewer formats, or SVG written without
matplotlib). The one-answer build redraws only the figures of the changed question; its time is the
imports, the checks and one worker's matplotlib start. The no-change build stops at its input
fingerprint before importing pandas (findings/fingerprint.py)."""


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    py = sys.executable
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        shutil.copytree(ROOT / "data", tmp / "survey")
        (tmp / "mkdocs.yml").write_text(mkdocs_config_elsewhere())
        generate = [py, str(ROOT / "build_tables.py"), "--study", str(tmp / "survey" / "study.yml"),
                    "--docs", str(ROOT / "docs"), "--out", str(tmp / "build")]
        mkdocs = [py, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(tmp / "site")]
        steps: dict[str, list] = {k: [] for k in ("plain", "clean", "no-change", "one answer")}
        for run in range(args.runs):
            cache = ["--cache", str(tmp / f"cache{run}")]
            gen = timed(generate + cache + ["--force"], tmp)
            steps["plain"].append(timed(mkdocs, tmp, env))
            steps["clean"].append((gen[0] + steps["plain"][-1][0], gen[1]))
            nochange = timed(generate + cache, tmp)
            site = timed(mkdocs, tmp, env)
            steps["no-change"].append((nochange[0] + site[0], max(nochange[1], site[1])))
            change_one_answer(tmp / "survey" / "responses.csv", run)
            one = timed(generate + cache, tmp)
            site = timed(mkdocs, tmp, env)
            steps["one answer"].append((one[0] + site[0], max(one[1], site[1])))
        pages = len(list((tmp / "site").rglob("index.html")))
    plain = statistics.median(s for s, _ in steps["plain"])
    rows = []
    for name, runs in steps.items():
        seconds = statistics.median(s for s, _ in runs)
        rows.append(f"| {name} | {seconds:.2f} | {seconds / plain:.2f}x | {max(m for _, m in runs):.0f} |")
    lines = ["# Build benchmark", "",
             f"Command: `.venv/bin/python tests/benchmarks/build_time.py --runs {args.runs}`  ",
             f"Machine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}; "
             f"this study's site, {pages} pages. Each step is whole processes; medians of {args.runs}.", "",
             "Targets (issue 12): clean build <= 2.5x, no-change build <= 1.1x the plain MkDocs build.", "",
             "| step | median seconds | ratio to plain MkDocs | peak RSS so far (MiB) |",
             "| --- | ---: | ---: | ---: |", *rows, "",
             "The clean builds' own report of their stages (`build_tables: stages:`), one per run:", "",
             *[f"- {line}" for line in STAGES], "", NOTES]
    text = "\n".join(lines) + "\n"
    (ROOT / "tests/benchmarks/BUILD_RESULTS.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
