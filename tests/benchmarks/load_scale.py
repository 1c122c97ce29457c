"""Benchmark: reading and checking a large survey export (run by hand, not in `make test`).

    .venv/bin/python tests/benchmarks/load_scale.py [--sizes 10000,100000,1000000]

For each size, a synthetic export of that many respondents x 50 codebook columns (15 single-choice
questions answered with labels, a 20-item matrix answered with stated numeric codes, 5 multi-select
questions joined with commas inside labels, one multi-select with 5 option columns, 2 numbers,
3 free-text columns, one of them unique per respondent) plus ResponseId, Progress, Finished and 4
Qualtrics metadata columns is written to a temporary folder from a codebook written beside it.
Then ``load_responses`` reads and checks it in a fresh process, run under ``/usr/bin/time -v``:
whole-process wall time and peak RSS, and inside the process the time of ``load_responses`` and of
its stages (the byte scan and header, the parse of the rows, the checks and the frame).

Writes tests/benchmarks/LOAD_RESULTS.md with the command and the machine. A size whose CSV would not
fit on the temporary disk, or whose estimated memory exceeds the machine's, is skipped (and says so).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
from measure import timed_run  # noqa: E402

RESULTS = Path(__file__).with_name("LOAD_RESULTS.md")
SCALE = {"Very much": 5, "Much": 4, "Somewhat": 3, "A little": 2, "Not at all": 1}
JOINED = ["Yes, at work", "Yes, at home", "No, never", "Sometimes, when asked", "Other", "Don't know"]
PHRASES = ["it depends on the day", "more staff, better training", "I would not change anything",
           "the forms are too long", "time, mostly", "a clearer process, and fewer meetings"]


def codebook() -> dict:
    questions = []
    for i in range(1, 16):
        questions.append({"id": f"s{i}", "type": "single_choice", "columns": [f"s{i}"],
                          "options": [{"label": f"Answer {k}, of question {i}"} for k in range(1, 6)]})
    questions.append({"id": "m", "type": "matrix", "polarity": "unipolar",
                      "scale": [{"label": k, "code": v} for k, v in SCALE.items()],
                      "items": [{"column": f"m_{k}", "label": f"Statement {k}"} for k in range(1, 21)],
                      "columns": [f"m_{k}" for k in range(1, 21)]})
    for i in range(1, 6):
        questions.append({"id": f"j{i}", "type": "multiple_choice", "columns": [f"j{i}"],
                          "options": [{"label": label} for label in JOINED]})
    questions.append({"id": "c", "type": "multiple_choice", "columns": [f"c_{k}" for k in range(1, 6)],
                      "options": [{"label": f"Choice {k}", "column": f"c_{k}"} for k in range(1, 6)]})
    for i in (1, 2):
        questions.append({"id": f"n{i}", "type": "number", "columns": [f"n{i}"]})
    for i in (1, 2, 3):
        questions.append({"id": f"t{i}", "type": "free_text", "columns": [f"t{i}"]})
    for n, q in enumerate(questions, start=1):
        q.update(part="p", number=str(n), text=f"Question {q['id']}")
    return {"survey": {"title": "Scale"}, "parts": [{"id": "p", "title": "Part"}], "questions": questions}


def write_export(path: Path, n: int, seed: int = 1) -> None:
    """A synthetic export of ``n`` respondents (written in blocks, so memory stays small)."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    subsets = np.array([",".join(label for bit, label in enumerate(JOINED) if mask >> bit & 1)
                        for mask in range(2 ** len(JOINED))], dtype=object)
    block = 100_000
    for start in range(0, n, block):
        size = min(block, n - start)
        cols: dict[str, object] = {
            "StartDate": np.full(size, "2024-01-01 10:00:00", dtype=object),
            "EndDate": np.full(size, "2024-01-01 10:12:00", dtype=object),
            "ResponseId": np.array([f"R_{k:012d}" for k in range(start, start + size)], dtype=object),
            "Progress": np.full(size, "100", dtype=object),
            "Duration (in seconds)": rng.integers(60, 3000, size).astype(str).astype(object),
            "Finished": np.full(size, "1", dtype=object),
            "IPAddress": np.full(size, "", dtype=object),
        }
        for i in range(1, 16):
            labels = np.array([f"Answer {k}, of question {i}" for k in range(1, 6)] + [""], dtype=object)
            cols[f"s{i}"] = labels[rng.integers(0, 6, size)]
        codes = np.array(["5", "4", "3", "2", "1", "-99", ""], dtype=object)
        for k in range(1, 21):
            cols[f"m_{k}"] = codes[rng.integers(0, 7, size)]
        for i in range(1, 6):
            cols[f"j{i}"] = subsets[rng.integers(0, len(subsets), size)]
        ticks = np.array(["1", "0", "0", "-99"], dtype=object)
        for k in range(1, 6):
            cols[f"c_{k}"] = ticks[rng.integers(0, 4, size)]
        for i in (1, 2):
            cols[f"n{i}"] = np.round(rng.gamma(2.0, 10.0, size), 1).astype(str).astype(object)
        cols["t1"] = np.array([f"{PHRASES[k % len(PHRASES)]} ({k})" for k in range(start, start + size)],
                              dtype=object)
        pool = np.array(PHRASES + ["", "", "-99"], dtype=object)
        for i in (2, 3):
            cols[f"t{i}"] = pool[rng.integers(0, len(pool), size)]
        pd.DataFrame(cols).to_csv(path, mode="a" if start else "w", header=not start, index=False)


CHILD = """
import json, sys, time, resource
sys.path[:0] = [{root!r}, {here!r}]
start = time.perf_counter()
from findings.load import responses
from findings.load.instrument import load_instrument
from measure import time_stages
stages = time_stages(responses, {{"_open": "scan and header", "_read_table": "parse rows",
                                  "_check": "checks and frame"}})
imported = time.perf_counter()
inst = load_instrument({codebook!r})
t = time.perf_counter()
loaded = responses.load_responses({export!r}, inst)
seconds = time.perf_counter() - t
print(json.dumps({{"load": seconds, "imports": imported - start, "stages": stages,
                  "respondents": loaded.respondents, "columns": len(loaded.data.columns),
                  "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def run_one(folder: Path, n: int) -> dict:
    import yaml

    book = folder / "instrument.yaml"
    book.write_text(yaml.safe_dump(codebook(), sort_keys=False), encoding="utf-8")
    export = folder / f"responses_{n}.csv"
    t = time.perf_counter()
    write_export(export, n)
    made = time.perf_counter() - t
    script = CHILD.format(root=str(ROOT), here=str(HERE), codebook=str(book), export=str(export))
    done, wall, peak = timed_run([sys.executable, "-c", script], ROOT)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result.update(n=n, wall=wall, generated=made, mb=export.stat().st_size / 2**20,
                  peak=result["rss"] if math.isnan(peak) else peak)
    export.unlink()
    return result


def fits(folder: Path, n: int) -> str | None:
    """Why a size is skipped (None when it can run)."""
    bytes_needed = n * 900  # about 0.85 KB a respondent, measured
    free = shutil.disk_usage(folder).free
    if bytes_needed > free * 0.8:
        return f"needs about {bytes_needed / 2**30:.1f} GB of disk, {free / 2**30:.1f} GB free"
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    if n * 2_500 > memory * 0.8:  # about 2.5 KB a respondent at the peak, measured
        return f"needs about {n * 2_500 / 2**30:.1f} GB of memory, {memory / 2**30:.1f} GB in the machine"
    return None


NOTES = """Where the time goes: "parse rows" is pyarrow's CSV reader (C++, both cores) with every kept
column dictionary-encoded as it is parsed (free text and the respondent ids kept as Arrow text),
then each column's codes and distinct values taken out, on both cores; "scan and header" is the
header rows read with the csv module while the byte scan (UTF-8, NUL) starts in its thread (the
scan's time mostly overlaps the parse; the parse waits for it at its end); "checks and frame"
decodes each distinct value once, spreads the results over the rows with numpy and builds the
contract's columns (categoricals, floats, Arrow text). Before the move to pyarrow (pandas' C parser,
one Python string per cell) the same 10^6 file took 13 to 16 s at under 1 GB; the full survey of
issue 12 (100 questions, load and compute) is tests/benchmarks/scale.py."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results, skipped = [], []
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            why = fits(Path(tmp), n)
            if why:
                skipped.append((n, why))
                continue
            result = run_one(Path(tmp), n)
            print(f"{n:>9,} respondents: load {result['load']:.2f} s, process {result['wall']:.2f} s, "
                  f"peak {result['peak']:.0f} MiB", flush=True)
            results.append(result)
    command = " ".join([".venv/bin/python", "tests/benchmarks/load_scale.py"] + sys.argv[1:])
    lines = [
        "# Load benchmark", "",
        f"Command: `{command}`  ",
        f"Machine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}. "
        "Each size is one fresh process under `/usr/bin/time -v`. Load average (1 min) "
        f"{load_before:.1f} before the runs, {os.getloadavg()[0]:.1f} after (other work on the machine "
        "slows every figure below).", "",
        "Synthetic export: 50 codebook columns (15 single choice as labels, a 20-item matrix as stated "
        "numeric codes, 5 multi-select joined with commas inside labels, one multi-select of 5 option "
        "columns, 2 numbers, 3 free text, one unique per respondent) plus ResponseId, Progress, Finished "
        "and 4 metadata columns dropped on load.", "",
        "| respondents | CSV (MiB) | load_responses (s) | scan and header (s) | parse rows (s) | "
        "checks and frame (s) | whole process (s) | peak RSS (MiB) | µs per respondent |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        s = r["stages"]
        lines.append(f"| {r['n']:,} | {r['mb']:.0f} | {r['load']:.2f} | {s.get('scan and header', 0):.2f} | "
                     f"{s.get('parse rows', 0):.2f} | {s.get('checks and frame', 0):.2f} | {r['wall']:.2f} | "
                     f"{r['peak']:.0f} | {r['load'] / r['n'] * 1e6:.1f} |")
    for n, why in skipped:
        lines.append(f"\n{n:,} respondents skipped: {why}.")
    lines += ["", NOTES]
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
