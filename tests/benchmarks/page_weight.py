"""Page weight: what each page of the site transfers, by kind, against a budget.

Loads every page in a fresh Chromium context (cold cache), scrolls to its end so that lazily
loaded charts load too, adds up the bodies of all responses, page and worker alike, by kind
(HTML, CSS, JS, fonts, images, search index, other), and writes the table to RESULTS.md. Sizes by
kind are uncompressed (the budget applies to them); two totals follow: the bodies gzip-compressed
here (an estimate of what a compressing host sends, the same in both server modes) and the bytes
the server actually sent (its Content-Length), which with the default GitHub Pages-like server
are compressed.

    .venv/bin/python tests/benchmarks/page_weight.py              # build the site, then measure
    .venv/bin/python tests/benchmarks/page_weight.py --site site  # measure an existing build
    .venv/bin/python tests/benchmarks/page_weight.py --plain      # plain http.server, no gzip

Exits 1 if a page is over budget.
"""
from __future__ import annotations

import argparse
import datetime
import gzip
import sys
from collections import defaultdict
from pathlib import Path

from benchsite import (CHROMIUM, CHROMIUM_ARGS, SERVER_MODES, add_server_option, build_site, serve, site_pages,
                       write_section)

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
    """Bytes by kind for one cold page load: {kind: [uncompressed, gzip estimate, as sent]}."""
    context = browser.new_context()
    sizes: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
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
        # What the server sent: its Content-Length (Playwright reports 0 body bytes for worker requests)
        entry[2] += int(response.headers.get("content-length", len(body)))
    context.close()
    return sizes


def kb(n: int) -> str:
    return f"{n / 1000:,.1f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--site", type=Path, help="an already built site folder (default: build one)")
    add_server_option(parser)
    args = parser.parse_args()
    site = build_site(args.site)
    from playwright.sync_api import sync_playwright

    rows, over = [], []
    with serve(site, args.mode) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for path in site_pages(site):
            sizes = measure(browser, base + path)
            raw = {k: sizes[k][0] if k in sizes else 0 for k in KINDS}
            total = sum(raw.values())
            zipped = sum(v[1] for v in sizes.values())
            sent = sum(v[2] for v in sizes.values())
            rows.append((path, raw, total, zipped, sent))
            for kind, limit in BUDGET.items():
                value = total if kind == "total" else raw[kind]
                if value > limit:
                    over.append(f"/{path}: {kind} {kb(value)} kB > budget {kb(limit)} kB")
        browser.close()

    header = "| page | " + " | ".join(KINDS) + " | total | total, gzip estimate | total, as sent |"
    lines = [header, "|" + " --- |" * (len(KINDS) + 4)]
    for path, raw, total, zipped, sent in rows:
        lines.append(f"| /{path} | " + " | ".join(kb(raw[k]) for k in KINDS)
                     + f" | {kb(total)} | {kb(zipped)} | {kb(sent)} |")
    budget = ", ".join(f"{k} {kb(v)}" for k, v in BUDGET.items())
    verdict = "All pages are within budget." if not over else "Over budget:\n\n" + "\n".join(f"- {o}" for o in over)
    write_section(
        "page-weight-plain" if args.mode == "plain" else "page-weight",
        f"""## Page weight{', plain server (no compression)' if args.mode == 'plain' else ''}

Measured {datetime.date.today():%d %B %Y} with
`.venv/bin/python tests/benchmarks/page_weight.py{' --site ' + str(args.site) if args.site else ''}{' --plain' if args.mode == 'plain' else ''}`,
site {SERVER_MODES[args.mode]}:
every page loaded once in a fresh Chromium context (cold cache) and scrolled to its end (charts
load lazily), all responses of the page and its search worker added up by kind. Sizes in kB
(1,000 bytes). The sizes by kind and "total" are uncompressed (the budget applies to them);
"total, gzip estimate" is every body gzip-compressed (level 6) by the script, images included;
"total, as sent" is what the server sent (the sum of its Content-Length headers), compressed
for text files when served like GitHub Pages. The 1.9 kB of images on pages without charts is
the favicon.

Budget per page (kB, uncompressed): {budget}.

{chr(10).join(lines)}

{verdict}""",
    )
    print("\n".join(lines))
    print(verdict)
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
