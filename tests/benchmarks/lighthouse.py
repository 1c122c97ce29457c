"""Lighthouse scores (performance, accessibility, best practices, SEO) for three pages of the site.

Runs npm's ``lighthouse`` (pinned to 12.2.3 in package-lock.json, the last release that runs on
Node 20; installed here with ``npm ci`` when missing) against the site served on 127.0.0.1, in
Debian's Chromium, with Lighthouse's default mobile settings (simulated slow 4G and CPU).
Pages: the home page, the first results page and the first theme page (in path order). Writes RESULTS.md.

    .venv/bin/python tests/benchmarks/lighthouse.py               # build the site, then measure
    .venv/bin/python tests/benchmarks/lighthouse.py --site site   # measure an existing build
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from benchsite import CHROMIUM, CHROMIUM_ARGS, HERE, build_site, serve, site_pages, write_section

CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


def lighthouse_bin() -> Path:
    tool = HERE / "node_modules" / ".bin" / "lighthouse"
    if not tool.exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=HERE, check=True)
    return tool


def pick_pages(pages: list[str]) -> dict[str, str]:
    """The home page, the first results page and the first theme page of the build."""
    results = [p for p in pages if p.startswith("results/") and p != "results/"]
    themes = [p for p in pages if "themes" in p.split("/")[:-2]]  # inside a themes folder, not its index
    return {"home": "", "results": (results or ["results/"])[0], "theme": (themes or ["themes/"])[0]}


def score(tool: Path, url: str) -> tuple[dict[str, int], list[str]]:
    """Scores out of 100 by category, and the ids of the audits that lost points."""
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
        result = json.loads(report.read_text(encoding="utf-8"))
    categories, audits = result["categories"], result["audits"]
    lost = sorted(
        {
            f"{name}: {ref['id']}"
            for name in CATEGORIES
            for ref in categories[name]["auditRefs"]
            if ref["weight"] > 0 and (audits[ref["id"]].get("score") is not None) and audits[ref["id"]]["score"] < 1
        }
    )
    return {name: round(categories[name]["score"] * 100) for name in CATEGORIES}, lost


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--site", type=Path, help="an already built site folder (default: build one)")
    args = parser.parse_args()
    site = build_site(args.site)
    tool = lighthouse_bin()
    version = subprocess.run([str(tool), "--version"], capture_output=True, text=True).stdout.strip()

    rows, notes = [], []
    with serve(site) as base:
        for label, path in pick_pages(site_pages(site)).items():
            scores, lost = score(tool, base + path)
            rows.append(f"| {label} | /{path} | " + " | ".join(str(scores[c]) for c in CATEGORIES) + " |")
            notes.append(f"- /{path}: " + (", ".join(lost) if lost else "none"))
            print(rows[-1], *lost, sep="\n  ")
    table = "\n".join(["| page | path | " + " | ".join(CATEGORIES) + " |", "|" + " --- |" * (len(CATEGORIES) + 2)] + rows)
    write_section(
        "lighthouse",
        f"""## Lighthouse

Measured {datetime.date.today():%d %B %Y} with Lighthouse {version} (npm, from
`tests/benchmarks/package-lock.json`) in Debian's Chromium, default mobile settings, site served
on 127.0.0.1 by Python's http.server (no compression, no caching headers), command
`.venv/bin/python tests/benchmarks/lighthouse.py{' --site ' + str(args.site) if args.site else ''}`.
Scores out of 100.

{table}

Audits that lost points (category: Lighthouse audit id):

{chr(10).join(notes)}""",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
