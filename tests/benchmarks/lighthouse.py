"""Lighthouse scores (performance, accessibility, best practices, SEO) for three pages of the site.

Runs npm's ``lighthouse`` (pinned to 12.2.3 in package-lock.json, the last release that runs on
Node 20; installed here with ``npm ci`` when missing) against the site served on 127.0.0.1, in
Debian's Chromium, with Lighthouse's default mobile settings (simulated slow 4G and CPU).
Pages: the home page, results/barriers/ (a results page with charts; else the first results
page) and the first theme page (in path order). Each page is measured ``--runs`` times (default
3); the table gives the median of each score and metric, and the range of the performance score.
The server serves like GitHub Pages (gzip, Cache-Control) unless given ``--plain``. Writes
RESULTS.md (section "lighthouse", or "lighthouse-plain" with ``--plain``).

    .venv/bin/python tests/benchmarks/lighthouse.py               # build the site, then measure
    .venv/bin/python tests/benchmarks/lighthouse.py --site site   # measure an existing build
    .venv/bin/python tests/benchmarks/lighthouse.py --plain       # plain http.server, no gzip
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from benchsite import (CHROMIUM, CHROMIUM_ARGS, HERE, SERVER_MODES, add_server_option, build_site, serve, site_pages,
                       write_section)

CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
# The metrics the performance score is made of: audit id, column heading, unit divisor, unit
METRICS = (
    ("first-contentful-paint", "FCP", 1000, "s"),
    ("largest-contentful-paint", "LCP", 1000, "s"),
    ("speed-index", "SI", 1000, "s"),
    ("total-blocking-time", "TBT", 1, "ms"),
    ("cumulative-layout-shift", "CLS", 1, ""),
)
RESULTS_PAGE = "results/barriers/"


def lighthouse_bin() -> Path:
    tool = HERE / "node_modules" / ".bin" / "lighthouse"
    if not tool.exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=HERE, check=True)
    return tool


def pick_pages(pages: list[str]) -> dict[str, str]:
    """The home page, results/barriers/ (else the first results page) and the first theme page."""
    results = [p for p in pages if p.startswith("results/") and p != "results/"]
    themes = [p for p in pages if "themes" in p.split("/")[:-2]]  # inside a themes folder, not its index
    result = RESULTS_PAGE if RESULTS_PAGE in results else (results or ["results/"])[0]
    return {"home": "", "results": result, "theme": (themes or ["themes/"])[0]}


def run_lighthouse(tool: Path, url: str) -> dict:
    """One Lighthouse run on ``url``: its JSON report."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        command = [
            str(tool), url, "--quiet", "--output=json", f"--output-path={report}",
            f"--only-categories={','.join(CATEGORIES)}",
            f"--chrome-flags={' '.join(CHROMIUM_ARGS)} --user-data-dir={tmp}/profile",
        ]
        env = {**os.environ, "CHROME_PATH": CHROMIUM}
        done = subprocess.run(command, env=env, capture_output=True, text=True)
        if done.returncode or not report.exists():
            sys.exit(f"lighthouse failed on {url}:\n{done.stdout}{done.stderr}")
        return json.loads(report.read_text(encoding="utf-8"))


def scores(report: dict) -> dict[str, float]:
    """Category scores out of 100 and metric values (ms, or unitless for CLS) of one report."""
    missing = [name for name in CATEGORIES if report["categories"][name]["score"] is None]
    if missing:  # a weighted audit failed: Lighthouse gives its category no score
        sys.exit(f"Lighthouse gave no {', '.join(missing)} score for {report['finalDisplayedUrl']}: "
                 f"audits in error: {', '.join(sorted(errored_audits(report)))}")
    values = {name: report["categories"][name]["score"] * 100 for name in CATEGORIES}
    values.update({audit: report["audits"][audit]["numericValue"] for audit, *_ in METRICS})
    return values


def lost_audits(report: dict) -> set[str]:
    """'category: audit id' for each weighted audit that scored below 1."""
    categories, audits = report["categories"], report["audits"]
    return {
        f"{name}: {ref['id']}"
        for name in CATEGORIES
        for ref in categories[name]["auditRefs"]
        if ref["weight"] > 0 and audits[ref["id"]].get("score") is not None and audits[ref["id"]]["score"] < 1
    }


def errored_audits(report: dict) -> set[str]:
    """Ids of the audits Lighthouse could not run (scoreDisplayMode "error")."""
    return {audit_id for audit_id, audit in report["audits"].items() if audit.get("scoreDisplayMode") == "error"}


def critical_chain(report: dict, base: str) -> list[str]:
    """Lighthouse's critical request chains: 'path (kB sent)' for each request, in chain order."""
    found = []

    def walk(chains: dict) -> None:
        for chain in chains.values():
            request = chain["request"]
            found.append(f"/{request['url'].removeprefix(base)} ({request['transferSize'] / 1000:.1f} kB)")
            walk(chain.get("children", {}))

    walk(report["audits"]["critical-request-chains"].get("details", {}).get("chains", {}))
    return found


def cell(values: list[float], divisor: float, unit: str) -> str:
    median = statistics.median(values) / divisor
    return f"{median:.2f}" if unit != "ms" else f"{median:.0f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--site", type=Path, help="an already built site folder (default: build one)")
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page; the median is reported (default 3)")
    add_server_option(parser)
    args = parser.parse_args()
    site = build_site(args.site)
    tool = lighthouse_bin()
    version = subprocess.run([str(tool), "--version"], capture_output=True, text=True).stdout.strip()
    browser = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True).stdout.strip()

    rows, notes, chains, errors = [], [], [], set()
    with serve(site, args.mode) as base:
        for label, path in pick_pages(site_pages(site)).items():
            reports = [run_lighthouse(tool, base + path) for _ in range(args.runs)]
            runs = [scores(report) for report in reports]
            column = {key: [run[key] for run in runs] for key in runs[0]}
            performance = column["performance"]
            cells = [f"{statistics.median(performance):.0f} ({min(performance):.0f}-{max(performance):.0f})"]
            cells += [f"{statistics.median(column[name]):.0f}" for name in CATEGORIES[1:]]
            cells += [cell(column[audit], divisor, unit) for audit, _, divisor, unit in METRICS]
            rows.append(f"| {label} | /{path} | " + " | ".join(cells) + " |")
            lost = sorted(set().union(*map(lost_audits, reports)))
            notes.append(f"- /{path}: " + (", ".join(lost) if lost else "none"))
            chains.append(f"- /{path}: " + ", ".join(critical_chain(reports[0], base)))
            errors |= set().union(*map(errored_audits, reports))
            print(rows[-1], *lost, sep="\n  ")

    metric_heads = [f"{head} ({unit})" if unit else head for _, head, _, unit in METRICS]
    heads = ["page", "path", "performance (range)", *CATEGORIES[1:], *metric_heads]
    table = "\n".join(["| " + " | ".join(heads) + " |", "|" + " --- |" * len(heads)] + rows)
    flags = (f" --site {args.site}" if args.site else "") + (f" --runs {args.runs}" if args.runs != 3 else "") \
        + (" --plain" if args.mode == "plain" else "")
    plain = args.mode == "plain"
    write_section(
        "lighthouse-plain" if plain else "lighthouse",
        f"""## Lighthouse{', plain server (no compression)' if plain else ''}

Measured {datetime.date.today():%d %B %Y} with Lighthouse {version} (npm, from
`tests/benchmarks/package-lock.json`) in {browser or 'Chromium'}, default mobile settings
(simulated slow 4G, 4x CPU slowdown), site {SERVER_MODES[args.mode]},
command `.venv/bin/python tests/benchmarks/lighthouse.py{flags}`.
Each page was measured {args.runs} times: each score and metric is the median of the
{args.runs} runs (taken separately), the performance score's lowest and highest follow in
brackets. Scores out of 100; FCP first contentful paint, LCP largest contentful paint, SI
speed index, TBT total blocking time, CLS cumulative layout shift, as Lighthouse simulates them.

{table}

Audits that lost points in any run (category: Lighthouse audit id):

{chr(10).join(notes)}

Lighthouse's critical request chains (the high-priority requests of the load; first run; kB as sent):

{chr(10).join(chains)}

Audits Lighthouse could not run, in one run or more (they weigh nothing in the scores: a
failed weighted audit leaves its category without a score, which stops this script):
{', '.join(f'`{e}`' for e in sorted(errors)) or 'none'}.""",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
