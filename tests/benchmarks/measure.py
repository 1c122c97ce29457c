"""What the benchmark scripts share to measure a fresh process: its wall time and peak memory under
``/usr/bin/time -v`` (``timed_run``) and, inside the process, the seconds spent in named functions
of a module (``time_stages``). Standard library only: a measured process imports it for free."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path


def timed_run(command: list[str], cwd: Path) -> tuple[subprocess.CompletedProcess, float, float]:
    """A command in a fresh process under /usr/bin/time -v: (its result, wall seconds, peak MiB; NaN
    when time reports none). A failing command ends the benchmark with its output."""
    start = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-v", *command], cwd=cwd, capture_output=True, text=True,
                          env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))
    wall = time.perf_counter() - start
    if done.returncode:
        sys.exit(f"{' '.join(command)} failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    return done, wall, int(peak.group(1)) / 1024 if peak else float("nan")


def time_stages(module, names: dict[str, str]) -> dict[str, float]:
    """Wrap the functions ``names`` (attribute -> stage name) of ``module`` so that each call adds
    its seconds to the returned dict under its stage name (calls of one name add up)."""
    seconds: dict[str, float] = {}

    def wrap(fn, stage):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                seconds[stage] = seconds.get(stage, 0.0) + time.perf_counter() - started
        return wrapper

    for attribute, stage in names.items():
        setattr(module, attribute, wrap(getattr(module, attribute), stage))
    return seconds
