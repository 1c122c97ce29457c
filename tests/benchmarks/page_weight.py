"""Page weight: what each page of the site transfers, by kind, against a budget.

Loads every page in a fresh Chromium context (cold cache), scrolls to its end so that lazily
loaded charts load too, adds up the bodies of all responses, page and worker alike, by kind (HTML, CSS, JS, fonts, images, search index, other), and writes
the table to RESULTS.md. Sizes are as served by the local server (uncompressed) and, in the
"gzip" column, as a compressing host such as GitHub Pages would roughly send them.

    .venv/bin/python tests/benchmarks/page_weight.py            # build the site, then measure
    .venv/bin/python tests/benchmarks/page_weight.py --site site  # measure an existing build

Exits 1 if a page is over budget.
"""
from __future__ import annotations

import argparse
import datetime
import gzip
import sys
from collections import defaultdict
from pathlib import Path

from benchsite import CHROMIUM, CHROMIUM_ARGS, build_site, serve, site_pages, write_section

KINDS = ("html", "css", "js", "fonts", "images", "search index", "other")
# Budget per page in bytes, uncompressed (what the local server sends).
BUDGET = {
    "html": 200_000,
    "css": 250_000,
    "js": 450_000,
    "fonts": 0,  # the theme font is off: the system font stack is used
    "images": 600_000,
    "search index": 600_000,
    "total": 1_600_000,
}


def kind_of(url: str, resource_type: str) -> str:
    path = url.split("?")[0].split("#")[0].lower()
    if path.endswith("search_index.json"):
        return "search index"
    if resource_type == "document":
        return "html"
    if resource_type == "stylesheet" or path.endswith(".css"):
        return "css"
    if resource_type == "script" or path.endswith(".js"):
        return "js"
    if resource_type == "font" or path.endswith((".woff", ".woff2", ".ttf", ".otf")):
        return "fonts"
    if resource_type == "image" or path.endswith((".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".ico")):
        return "images"
    return "other"


def measure(browser, url: str) -> dict[str, list[int]]:
    """Bytes by kind for one cold page load: {kind: [raw, gzip]}."""
    context = browser.new_context()
    sizes: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    bodies = []
    context.on("response", lambda response: bodies.append(response))
    page = context.new_page()
    page.goto(url, wait_until="networkidle")
    # Charts below the fold load lazily: scroll through the page as a reader would, then settle
    page.evaluate("""async () => {
      for (let y = 0; y < document.body.scrollHeight; y += window.innerHeight / 2) {
        window.scrollTo(0, y);
        await new Promise(done => setTimeout(done, 30));
      }
    }""")
    page.wait_for_load_state("networkidle")
    for response in bodies:
        try:
            body = response.body()
        except Exception:  # redirects and aborted requests have no body
            continue
        entry = sizes[kind_of(response.url, response.request.resource_type)]
        entry[0] += len(body)
        entry[1] += len(gzip.compress(body, 6))
    context.close()
    return sizes


def kb(n: int) -> str:
    return f"{n / 1000:,.1f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--site", type=Path, help="an already built site folder (default: build one)")
    args = parser.parse_args()
    site = build_site(args.site)
    from playwright.sync_api import sync_playwright

    rows, over = [], []
    with serve(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for path in site_pages(site):
            sizes = measure(browser, base + path)
            raw = {k: sizes[k][0] if k in sizes else 0 for k in KINDS}
            total = sum(raw.values())
            zipped = sum(v[1] for v in sizes.values())
            rows.append((path, raw, total, zipped))
            for kind, limit in BUDGET.items():
                value = total if kind == "total" else raw[kind]
                if value > limit:
                    over.append(f"/{path}: {kind} {kb(value)} kB > budget {kb(limit)} kB")
        browser.close()

    header = "| page | " + " | ".join(KINDS) + " | total | total, gzip |"
    lines = [header, "|" + " --- |" * (len(KINDS) + 3)]
    for path, raw, total, zipped in rows:
        lines.append(f"| /{path} | " + " | ".join(kb(raw[k]) for k in KINDS) + f" | {kb(total)} | {kb(zipped)} |")
    budget = ", ".join(f"{k} {kb(v)}" for k, v in BUDGET.items())
    verdict = "All pages are within budget." if not over else "Over budget:\n\n" + "\n".join(f"- {o}" for o in over)
    write_section(
        "page-weight",
        f"""## Page weight

Measured {datetime.date.today():%d %B %Y} with
`.venv/bin/python tests/benchmarks/page_weight.py{' --site ' + str(args.site) if args.site else ''}`:
every page loaded once in a fresh Chromium context (cold cache) and scrolled to its end (charts
load lazily), all responses of the page and its search worker added up by kind. Sizes in kB
(1,000 bytes), uncompressed as served; the last column is the same total gzip-compressed,
roughly what a compressing host sends. The 1.9 kB of images on pages without charts is the
favicon.

Budget per page (kB, uncompressed): {budget}.

{chr(10).join(lines)}

{verdict}""",
    )
    print("\n".join(lines))
    print(verdict)
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
