"""Benchmark: a national survey's size through the generator (run by hand, not in `make test`).

    .venv/bin/python tests/benchmarks/scale.py [--sizes 10000,1000000] [--runs 3] [--keep DIR]
    .venv/bin/python tests/benchmarks/scale.py --only pages

Two parts, each written to tests/benchmarks/SCALE_RESULTS.md with the command, the machine and its
load average:

**Respondents** (issue 12: 10^6 respondents x 100 questions through load, validation and compute in
<= 10 s and <= 2 GB). For each size a synthetic survey folder (tests/benchmarks/synthetic.py: 100
questions of every kind, 130 export columns) is written, then in fresh processes under
``/usr/bin/time -v``: load + compute (``findings.load.load``, ``findings.compute.compute``; the
time of each stage inside, and of the loader's parts), medians of ``--runs``; and the whole
generator (``build_tables.py --data``) with a cold figure cache and again with a warm one, with
its own report of stages (render and figures must not grow with respondents).

**Pages** (issue 12: 300 questions and 2,000 quotes build with a sectioned nav, <= 150 KB sent per
page, gzip, search index included). A survey of that size (2,000 respondents) is generated, built
with ``build_tables.py --data`` and ``mkdocs build --strict`` in a temporary project
(tests/site_config.py's ``mkdocs_config_elsewhere``); then for every page: its HTML, the CSS and
JavaScript it links and ``search/search_index.json``, each gzip-compressed (level 6, as
benchsite.py's GitHub Pages-like server sends them), and the size of its navigation.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urljoin

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))
from measure import timed_run  # noqa: E402
from synthetic import write_survey  # noqa: E402
from tests.site_config import mkdocs_config_elsewhere  # noqa: E402

RESULTS = HERE / "SCALE_RESULTS.md"
TARGET_SECONDS, TARGET_MIB = 10.0, 2048
PAGE_BUDGET = 150_000  # bytes sent per page (gzip), search index included

CHILD = """
import json, resource, sys, time
sys.path[:0] = [{root!r}, {here!r}]
start = time.perf_counter()
from findings.load import load, responses
from findings.compute import compute
from measure import time_stages
parts = time_stages(responses, {{"_read_table": "parse rows", "_check": "checks and frame"}})
imported = time.perf_counter()
inputs = load({study!r})
loaded = time.perf_counter()
results = compute(inputs)
done = time.perf_counter()
print(json.dumps({{"imports": imported - start, "load": loaded - imported, "compute": done - loaded,
                  "parts": parts, "respondents": inputs.responses.respondents,
                  "questions": len(results.questions)}}))
"""


def load_and_compute(study: Path, runs: int) -> dict:
    """Medians of ``runs`` fresh processes: wall, peak memory, and each stage inside."""
    script = CHILD.format(root=str(ROOT), here=str(HERE), study=str(study))
    measured = []
    for _ in range(runs):
        done, wall, peak = timed_run([sys.executable, "-c", script], ROOT)
        inside = json.loads(done.stdout.strip().splitlines()[-1])
        measured.append({"wall": wall, "peak": peak, **inside})
    middle = statistics.median

    def med(key, part=None):
        return middle(m["parts"][part] if part else m[key] for m in measured)
    return {"wall": med("wall"), "peak": max(m["peak"] for m in measured), "imports": med("imports"),
            "load": med("load"), "compute": med("compute"), "parse": med(None, "parse rows"),
            "checks": med(None, "checks and frame"), "respondents": measured[0]["respondents"],
            "questions": measured[0]["questions"], "walls": [m["wall"] for m in measured]}


def generator(survey: Path, out: Path, cache: Path) -> dict:
    """The whole generator once: wall, peak memory and its own stages (from its last line)."""
    done, wall, peak = timed_run([sys.executable, "build_tables.py", "--data", str(survey), "--out", str(out),
                                  "--cache", str(cache), "--force"], ROOT)
    stages = re.search(r"build_tables: stages: (.*)", done.stdout)
    return {"wall": wall, "peak": peak, "stages": stages.group(1) if stages else "?"}


def verdict_of(measured: dict) -> str:
    """Whether the 10^6 run meets the target, or by how much it misses."""
    misses = []
    if measured["wall"] > TARGET_SECONDS:
        misses.append(f"{measured['wall'] - TARGET_SECONDS:.1f} s")
    if measured["peak"] > TARGET_MIB:
        misses.append(f"{measured['peak'] - TARGET_MIB:.0f} MiB")
    return "met" if not misses else "missed by " + " and ".join(misses)


def respondents_part(sizes: list[int], runs: int, keep: Path | None) -> list[str]:
    rows = []
    base = keep or Path(tempfile.mkdtemp(prefix="scale-"))
    try:
        for n in sizes:
            folder = base / f"survey-{n}"
            if not (folder / "responses.csv").exists():
                start = time.perf_counter()
                write_survey(folder, respondents=n, questions=100)
                print(f"wrote a survey of {n:,} respondents in {time.perf_counter() - start:.0f} s", flush=True)
            size = (folder / "responses.csv").stat().st_size / 2**20
            measured = load_and_compute(folder / "study.yml", runs)
            cache = base / f"cache-{n}"
            shutil.rmtree(cache, ignore_errors=True)
            cold = generator(folder, base / f"build-{n}", cache)
            warm = generator(folder, base / f"build-{n}", cache)
            print(f"{n:>9,}: load+compute {measured['wall']:.2f} s, {measured['peak']:.0f} MiB; generator "
                  f"cold {cold['wall']:.1f} s, warm {warm['wall']:.1f} s", flush=True)
            rows.append((n, size, measured, cold, warm))
    finally:
        if keep is None:
            shutil.rmtree(base, ignore_errors=True)
    lines = ["## Respondents: load, validation and compute", "",
             f"Target (issue 12): 10^6 respondents x 100 questions in <= {TARGET_SECONDS:g} s and "
             f"<= {TARGET_MIB} MiB peak, whole process. Synthetic survey (tests/benchmarks/synthetic.py): "
             "100 questions (55 single choice with labels, a dropdown of 200 options among them, 10 "
             "yes/no, 10 multi-selects joined with commas inside labels, 5 multi-selects of 3 0/1 "
             "columns, 5 matrices of 4 items in stated numeric codes, 10 free text, one unique per "
             "respondent in every other block, 5 numbers), 130 codebook columns plus 7 metadata columns.",
             "",
             f"Load + compute: one fresh process per run (`findings.load.load` then `findings.compute.compute`), "
             f"under `/usr/bin/time -v`; medians of {runs} (peak memory: the largest).", "",
             "| respondents | CSV (MiB) | whole process (s) | runs (s) | peak RSS (MiB) | imports (s) | load (s) | "
             "of which parse rows (s) | of which checks and frame (s) | compute (s) | target |",
             "| ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for n, size, m, _, _ in rows:
        verdict = verdict_of(m) if n == 1_000_000 else ""
        lines.append(f"| {n:,} | {size:.0f} | {m['wall']:.2f} | {', '.join(f'{w:.1f}' for w in m['walls'])} | "
                     f"{m['peak']:.0f} | {m['imports']:.2f} | {m['load']:.2f} | {m['parse']:.2f} | "
                     f"{m['checks']:.2f} | {m['compute']:.2f} | {verdict} |")
    lines += ["", "The whole generator (`build_tables.py --data FOLDER --force`), one run each: with an empty "
              "figure cache, then with the cache warm (nothing drawn). Its own report of stages:", "",
              "| respondents | cold: wall (s) | cold: peak (MiB) | cold: stages | warm: wall (s) | warm: stages |",
              "| ---: | ---: | ---: | --- | ---: | --- |"]
    for n, _, _, cold, warm in rows:
        lines.append(f"| {n:,} | {cold['wall']:.1f} | {cold['peak']:.0f} | {cold['stages']} | {warm['wall']:.1f} | "
                     f"{warm['stages']} |")
    return lines


# ------------------------------------------------------------------------------------------ pages

LINKED = re.compile(r'<(?:link[^>]*\brel="stylesheet"[^>]*\bhref|script[^>]*\bsrc)="([^"]+)"')
NAV = re.compile(r'<nav class="md-nav md-nav--primary".*?</nav>\s*</div>\s*</div>\s*</div>', re.S)


def gzipped(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=6, mtime=0))


def page_weights(site: Path) -> list[dict]:
    """Per page: gzip bytes of its HTML, of the CSS and JS it links, of the search index, and its nav."""
    index = site / "search" / "search_index.json"
    search = gzipped(index) if index.exists() else 0
    sizes: dict[Path, int] = {}
    pages = []
    for html_file in sorted(site.rglob("index.html")):
        rel = html_file.parent.relative_to(site).as_posix()
        if rel == "404":
            continue
        url = "/" + ("" if rel == "." else rel + "/")
        html = html_file.read_text(encoding="utf-8")
        linked = 0
        for href in sorted(set(LINKED.findall(html))):
            if href.startswith(("http:", "https:", "//", "data:")):
                continue
            target = site / urljoin(url, href.split("?")[0]).lstrip("/")
            if target.is_file():
                sizes.setdefault(target, gzipped(target))
                linked += sizes[target]
        nav = NAV.search(html)
        pages.append({"page": url, "html": gzipped(html_file), "linked": linked, "search": search,
                      "raw": html_file.stat().st_size, "nav": len(nav.group(0)) if nav else 0})
    for p in pages:
        p["total"] = p["html"] + p["linked"] + p["search"]
    return pages


# What mkdocs.yml would do to make the nav not quadratic in pages (its owner's to make): Material's
# navigation.prune, each page carrying only the nav items it shows, not every page of the site.
# Applied here to a copy of the built project. (The quotes are already kept out of the search
# index by render/pages.py: data-search-exclude.)
def with_proposed_fixes(project: Path) -> Path:
    variant = project.with_name(project.name + "-proposed")
    shutil.rmtree(variant, ignore_errors=True)
    shutil.copytree(project / "build", variant / "build")
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    assert "    - navigation.sections\n" in config
    (variant / "mkdocs.yml").write_text(config.replace("    - navigation.sections\n",
                                                       "    - navigation.sections\n    - navigation.prune\n"),
                                        encoding="utf-8")
    return variant


def mkdocs(project: Path) -> tuple[float, float]:
    _, wall, peak = timed_run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d",
                               str(project / "site")], cwd=project)
    return wall, peak


def pages_part(keep: Path | None) -> list[str]:
    base = keep or Path(tempfile.mkdtemp(prefix="pages-"))
    try:
        survey = base / "survey-pages"
        if not (survey / "responses.csv").exists():
            write_survey(survey, respondents=2_000, questions=300, quotes=2_000)
        project = base / "project"
        shutil.rmtree(project, ignore_errors=True)
        shutil.rmtree(base / "cache-pages", ignore_errors=True)
        project.mkdir()
        (project / "mkdocs.yml").write_text(mkdocs_config_elsewhere(), encoding="utf-8")
        generated = generator(survey, project / "build", base / "cache-pages")
        mkdocs_wall, mkdocs_peak = mkdocs(project)
        pages = page_weights(project / "site")
        nav_entries = (project / "build" / "nav.yml").read_text(encoding="utf-8").count(".md")
        variant = with_proposed_fixes(project)
        proposed_wall, _ = mkdocs(variant)
        proposed = page_weights(variant / "site")
        html_total = [sum(f.stat().st_size for f in (p / "site").rglob("*.html")) for p in (project, variant)]
    finally:
        if keep is None:
            shutil.rmtree(base, ignore_errors=True)
    over = [p for p in pages if p["total"] > PAGE_BUDGET]
    heaviest = sorted(pages, key=lambda p: -p["total"])[:10]
    lines = ["## Pages: 300 questions, 2,000 quotes", "",
             f"Target (issue 12): a sectioned nav, not quadratic in pages; <= {PAGE_BUDGET / 1000:.0f} KB sent per "
             "page (gzip, search index included). Synthetic survey: 300 questions (15 parts of 20), 2,000 "
             "respondents, 2,000 quotes over 150 themes of the 30 free-text questions.", "",
             f"- generator (`build_tables.py --data`, empty figure cache): {generated['wall']:.1f} s, peak "
             f"{generated['peak']:.0f} MiB; stages: {generated['stages']}",
             f"- `mkdocs build --strict` of the generated pages: {mkdocs_wall:.1f} s, peak {mkdocs_peak:.0f} MiB",
             f"- {len(pages)} pages; the nav (`build/nav.yml`) lists {nav_entries} pages in sections",
             f"- pages over budget as built: {len(over)}; with `navigation.prune` as well: "
             f"{sum(p['total'] > PAGE_BUDGET for p in proposed)}", "",
             "As built (quote blocks marked `data-search-exclude` by render/pages.py), and with Material's "
             "`navigation.prune` as well (proposed, see the note), per kind of page: gzip KB (1,000 bytes) of "
             "the HTML, of the CSS and JS it links, of the search index, and the total a page sends; the "
             "uncompressed size of the primary nav every page carries; the HTML of all pages together.", "",
             "| build | pages | how many | HTML (max) | CSS+JS | search index | total (max) | nav (max, raw KB) | "
             "all HTML (raw MB) |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for label, measured, total in (("as built", pages, html_total[0]), ("pruned nav", proposed, html_total[1])):
        kinds: dict[str, list] = {}
        for p in measured:
            kinds.setdefault(p["page"].split("/")[1] or "home", []).append(p)
        for kind, group in sorted(kinds.items()):
            lines.append(f"| {label} | /{kind}/… | {len(group)} | {max(p['html'] for p in group) / 1000:.1f} | "
                         f"{max(p['linked'] for p in group) / 1000:.1f} | {group[0]['search'] / 1000:.1f} | "
                         f"{max(p['total'] for p in group) / 1000:.1f} | {max(p['nav'] for p in group) / 1000:.1f} | "
                         f"{total / 1e6:.1f} |")
    lines += ["", f"`mkdocs build --strict` with `navigation.prune`: {proposed_wall:.1f} s.", "",
              "The ten heaviest pages as built:", "", "| page | HTML | CSS+JS | search index | total |",
              "| --- | ---: | ---: | ---: | ---: |"]
    for p in heaviest:
        lines.append(f"| {p['page']} | {p['html'] / 1000:.1f} | {p['linked'] / 1000:.1f} | "
                     f"{p['search'] / 1000:.1f} | {p['total'] / 1000:.1f} |")
    return lines


def write_results(sections: dict[str, list[str]], command: str, load_before: float) -> None:
    """Replace this run's sections of SCALE_RESULTS.md (the others stay)."""
    current = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Scale benchmark\n"
    for name, lines in sections.items():
        start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
        block = "\n".join([start, *lines, "",
                           f"Command: `{command}`; machine: {os.cpu_count()} cores, {platform.machine()}, "
                           f"Python {platform.python_version()}; load average (1 min) {load_before:.1f} before, "
                           f"{os.getloadavg()[0]:.1f} after; {time.strftime('%d %B %Y')}.", end])
        pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
        current = (pattern.sub(lambda _: block, current) if pattern.search(current)
                   else current.rstrip() + "\n\n" + block)
    RESULTS.write_text(current.rstrip() + "\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,1000000", help="respondents, comma-separated")
    parser.add_argument("--runs", type=int, default=3, help="load+compute runs per size (medians)")
    parser.add_argument("--only", choices=["respondents", "pages"], default=None)
    parser.add_argument("--keep", type=Path, default=None,
                        help="keep the generated surveys in this folder (and reuse them next time)")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    sections = {}
    if args.only != "pages":
        sections["respondents"] = respondents_part([int(s) for s in args.sizes.split(",")], args.runs, args.keep)
    if args.only != "respondents":
        sections["pages"] = pages_part(args.keep)
    command = " ".join([".venv/bin/python", "tests/benchmarks/scale.py", *sys.argv[1:]])
    write_results(sections, command, load_before)
    print(RESULTS.read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
