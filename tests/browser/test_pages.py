"""Every page of the built site, loaded in Chromium: clean load, images, charts, tables, print
styles (one pass over the site, shared by the tests below), and reflow at 375 px."""
from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from browser_helpers import CHROME, IMAGES_JS, WatchedPage

pytestmark = pytest.mark.browser

PRINT_JS = """(chrome) => ({
  shown: [...document.querySelectorAll(chrome + ", [data-md-component=palette]")]
    .filter(el => getComputedStyle(el).display !== "none").map(el => el.className),
  split: [...document.querySelectorAll("article table, article figure, article img")]
    .filter(el => getComputedStyle(el).breakInside !== "avoid").map(el => el.tagName.toLowerCase()),
})"""


@dataclass
class PageFacts:
    load_problems: list[str]
    images: list[dict]
    tables_without_th: list[int]
    article_tables: int
    printed_chrome: list[str] = field(default_factory=list)
    split_in_print: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def survey(browser, site_url, site_pages) -> dict[str, PageFacts]:
    """Visit every page once (in its own browser context) and record what the tests check."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    watched = WatchedPage(context.new_page(), site_url)
    page = watched.page
    facts = {}
    try:
        for path in site_pages:
            # networkidle: also catch what loads after the load event (search worker and index)
            problems = watched.goto(path, wait_until="networkidle")
            images = page.evaluate(IMAGES_JS)
            th_counts = page.eval_on_selector_all("table", "ts => ts.map(t => t.querySelectorAll('th').length)")
            facts[path] = PageFacts(
                load_problems=problems,
                images=images,
                tables_without_th=[i + 1 for i, n in enumerate(th_counts) if n == 0],
                article_tables=page.locator("article table").count(),
            )
            page.emulate_media(media="print")
            printed = page.evaluate(PRINT_JS, CHROME)
            facts[path].printed_chrome, facts[path].split_in_print = printed["shown"], printed["split"]
            page.emulate_media(media="screen")
    finally:
        context.close()
    return facts


def report(problems: list[str]) -> str:
    return "\n".join(problems)


def test_every_page_loads_without_errors_or_other_hosts(survey):
    problems = [p for facts in survey.values() for p in facts.load_problems]
    assert not problems, report(problems)


def test_every_image_loads_and_has_alt_text(survey):
    problems = []
    for path, facts in survey.items():
        for img in facts.images:
            if not (img["complete"] and img["width"] > 0):
                problems.append(f"/{path}: image {img['src']} did not load")
            if not (img["alt"] or "").strip():
                problems.append(f"/{path}: image {img['src']} has no alt text")
    assert not problems, report(problems)


def test_charts_are_svg_figures_with_a_caption_and_a_table(survey):
    """A chart is an <img> of an SVG inside a <figure> with a caption, on a page with a table."""
    problems = []
    for path, facts in survey.items():
        charts = [img for img in facts.images  # the charts; the header's logo is an SVG too
                  if (img["src"] or "").lower().split("?")[0].endswith(".svg") and "figures/" in img["src"]]
        for chart in charts:
            if not chart["figure"]:
                problems.append(f"/{path}: chart {chart['src']} is not inside a <figure>")
            elif not chart["caption"]:
                problems.append(f"/{path}: chart {chart['src']} has no <figcaption>")
        if charts and facts.article_tables == 0:
            problems.append(f"/{path}: has charts but no data table")
    assert not problems, report(problems)


def test_every_table_has_header_cells(survey):
    problems = [
        f"/{path}: table {n} has no <th> cells" for path, facts in survey.items() for n in facts.tables_without_th
    ]
    assert not problems, report(problems)


def test_print_hides_chrome_and_keeps_tables_and_figures_whole(survey):
    problems = []
    for path, facts in survey.items():
        problems += [f"/{path}: printed: {name}" for name in facts.printed_chrome]
        problems += [f"/{path}: <{tag}> may be cut across pages" for tag in facts.split_in_print]
    assert not problems, report(problems)


REFLOW_JS = """() => {
  const width = window.innerWidth;
  const scroller = el => {
    for (let node = el.parentElement; node; node = node.parentElement) {
      const overflow = getComputedStyle(node).overflowX;
      if (overflow === "auto" || overflow === "scroll") return node;
    }
    return null;
  };
  const tables = [...document.querySelectorAll("article table")].map((table, i) => {
    const box = scroller(table);
    const right = box ? box.getBoundingClientRect().right : null;
    return { index: i + 1, wide: table.getBoundingClientRect().width > width,
             inBox: !!box, boxFits: box ? right <= width + 0.5 : false };
  });
  return { width, scrollWidth: document.scrollingElement.scrollWidth, tables };
}"""


def test_no_page_scrolls_sideways_at_375px(site_url, site_pages, new_context, watched_page):
    """WCAG 1.4.10 reflow: at 375 CSS px only wide tables scroll, each inside its own box."""
    watched = watched_page(new_context(viewport={"width": 375, "height": 812}), site_url)
    problems = []
    for path in site_pages:
        watched.goto(path)
        found = watched.page.evaluate(REFLOW_JS)
        assert found["width"] == 375
        if found["scrollWidth"] > 375:
            problems.append(f"/{path}: page is {found['scrollWidth']} px wide at 375 px")
        for table in found["tables"]:
            if table["wide"] and not (table["inBox"] and table["boxFits"]):
                problems.append(f"/{path}: wide table {table['index']} does not scroll in its own box")
    assert not problems, report(problems)
