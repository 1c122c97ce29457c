"""Benchmark: how long the build takes and how much memory it needs (run by hand, not in `make test`).

    .venv/bin/python tests/benchmarks/build_time.py [--runs 3]

Measures, each as the median of --runs, in fresh processes:
  generate (cold)   build_tables.py with an empty figure cache (every chart drawn)
  generate (warm)   build_tables.py with the cache filled (no chart drawn)
  mkdocs build      mkdocs build --strict of the built site source
  publish           make site's last step: mkdocs build --strict into a fresh folder, the privacy
                    scan of every published file, the swap into the site folder
and the peak resident memory of each. Writes tests/benchmarks/BUILD_RESULTS.md.
"""
from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def timed(cmd: list[str], env=None) -> tuple[float, float]:
    """Seconds and peak RSS (MiB) of one command in a fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, env=env)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) / 1024


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    py = sys.executable
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        out, site = Path(tmp) / "build", Path(tmp) / "site"
        cold, warm, mk, pub = [], [], [], []
        for i in range(args.runs):
            cache = Path(tmp) / f"cache{i}"
            cold.append(timed([py, "build_tables.py", "--out", str(out), "--cache", str(cache)]))
            warm.append(timed([py, "build_tables.py", "--out", str(out), "--cache", str(cache)]))
        subprocess.run([py, "build_tables.py"], cwd=ROOT, check=True, capture_output=True)
        for _ in range(args.runs):
            mk.append(timed([py, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)], env=env))
        for _ in range(args.runs):
            pub.append(timed([py, "-m", "findings.site.publish", "--site", str(Path(tmp) / "published")],
                             env=env))
        pages = len(list(site.rglob("index.html")))
    for name, runs in [("generate (cold cache)", cold), ("generate (warm cache)", warm),
                       ("mkdocs build --strict", mk), ("publish (mkdocs build + privacy scan)", pub)]:
        rows[name] = (statistics.median(s for s, _ in runs), max(m for _, m in runs))
    lines = ["# Build benchmark", "",
             f"Command: `.venv/bin/python tests/benchmarks/build_time.py --runs {args.runs}`  ",
             f"Machine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}; "
             f"site of {pages} pages.", "",
             "| step | median seconds | peak memory so far (MiB, RSS of any step up to this one) |", "| --- | ---: | ---: |"]
    lines += [f"| {k} | {s:.2f} | {m:.0f} |" for k, (s, m) in rows.items()]
    text = "\n".join(lines) + "\n"
    (ROOT / "tests/benchmarks/BUILD_RESULTS.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
