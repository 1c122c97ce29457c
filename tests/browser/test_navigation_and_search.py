"""Navigation links and the search box, used as a visitor would."""
from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
# A word of one theme's summary (data/themes.yaml), on that theme's page only: search must find it.
SEARCH_WORD = "closeness"
# A participant's word (their spelling) in one quote only: quotes stay out of the search index
# (findings/render/pages.py SEARCH_EXCLUDE), which every page downloads.
QUOTE_WORD = "daughting"


def article_text(html_file: Path) -> str:
    """The text inside a built page's <article> (the content, without navigation)."""
    match = re.search(r"<article\b.*?</article>", html_file.read_text(encoding="utf-8"), re.DOTALL)
    return html.unescape(re.sub(r"<[^>]+>", " ", match.group(0))) if match else ""


def page_path(url: str, base: str) -> str:
    """The site page a URL points at, as a path like "themes/x/" (query and anchor dropped)."""
    path = urlsplit(url).path
    base_path = urlsplit(base).path
    return path[len(base_path):] if path.startswith(base_path) else path


VISIBLE_NAV_LINKS_JS = """() => [...document.querySelectorAll(".md-sidebar--primary a.md-nav__link[href]")]
  .map((a, index) => ({index, href: a.href, text: a.textContent.trim(), visible: a.checkVisibility({checkVisibilityCSS: true, checkOpacity: true})
    && a.getBoundingClientRect().height > 0}))
  .filter(link => link.visible)"""


def test_every_navigation_link_leads_to_its_page(site_url, site_pages, new_context, watched_page):
    """From the first page that shows the navigation sidebar, follow each link it shows."""
    watched = watched_page(new_context(viewport={"width": 1280, "height": 900}), site_url)
    page = watched.page
    start, links = None, []
    for path in site_pages:
        watched.goto(path)
        links = page.evaluate(VISIBLE_NAV_LINKS_JS)
        if len(links) >= 3:
            start = path
            break
    assert start is not None, "no page shows a navigation sidebar with links"
    problems = []
    for link in links:
        watched.goto(start)
        page.locator(".md-sidebar--primary a.md-nav__link[href]").nth(link["index"]).click()
        page.wait_for_load_state("load")
        if page.url.split("#")[0] != link["href"].split("#")[0]:
            problems.append(f"'{link['text']}' led to {page.url}, expected {link['href']}")
            continue
        if page.locator("article h1").count() != 1:
            problems.append(f"'{link['text']}' -> {page.url}: no single <h1>")
        active = page.locator(".md-sidebar--primary .md-nav__link--active").all_inner_texts()
        if page.locator(".md-sidebar--primary").first.is_visible() and not any(
            link["text"] in text for text in active
        ):
            problems.append(f"'{link['text']}' -> {page.url}: not marked active in the navigation ({active})")
    assert not problems, "\n".join(problems)


def test_navigation_drawer_works_at_375px(site_url, site_pages, new_context, watched_page):
    watched = watched_page(new_context(viewport={"width": 375, "height": 812}), site_url)
    page = watched.page
    watched.goto("")
    page.locator("label.md-header__button[for=__drawer]").click()
    link = page.locator(".md-nav--primary a.md-nav__link[href]").last
    link.wait_for(state="visible")
    target = link.evaluate("a => a.href")
    link.click()
    page.wait_for_load_state("load")
    assert page.url.split("#")[0] == target.split("#")[0]
    assert page_path(page.url, site_url) in site_pages


def test_quotes_stay_out_of_the_search_index(built_site):
    themes_yaml = (ROOT / "data" / "themes.yaml").read_text(encoding="utf-8")
    assert QUOTE_WORD in themes_yaml, f"'{QUOTE_WORD}' is not in data/themes.yaml any more: pick another word"
    assert any(QUOTE_WORD in article_text(p).lower() for p in built_site.rglob("index.html"))
    index = (built_site / "search" / "search_index.json").read_text(encoding="utf-8").lower()
    assert QUOTE_WORD not in index
    assert SEARCH_WORD in index


def test_search_finds_a_theme_summary_word_on_its_theme_page(built_site, site_url, new_context, watched_page):
    themes_yaml = (ROOT / "data" / "themes.yaml").read_text(encoding="utf-8")
    assert SEARCH_WORD in themes_yaml, f"'{SEARCH_WORD}' is not in data/themes.yaml any more: pick another word"

    # Where the word is, read from the built pages (not assumed)
    holding = {
        "" if index.parent == built_site else index.parent.relative_to(built_site).as_posix() + "/"
        for index in built_site.rglob("index.html")
        if SEARCH_WORD in article_text(index).lower()
    }
    # a theme page: a page inside a "themes" folder of the site, other than that folder's index
    theme_pages = {p for p in holding if "themes" in p.split("/")[:-2]}
    assert theme_pages, f"no theme page holds '{SEARCH_WORD}' (pages holding it: {sorted(holding)})"

    watched = watched_page(new_context(viewport={"width": 1280, "height": 900}), site_url)
    page = watched.page
    watched.goto("")
    page.locator("input.md-search__input").click()
    page.keyboard.type(SEARCH_WORD, delay=20)  # Material searches on key events
    page.locator(".md-search-result__item").first.wait_for()
    hrefs = page.eval_on_selector_all(".md-search-result__link", "links => links.map(a => a.href)")
    found = {page_path(urljoin(site_url, href), site_url) for href in hrefs}
    assert found <= holding, f"search links to pages without the word: {sorted(found - holding)}"
    assert found & theme_pages, f"search results {sorted(found)} miss the theme page(s) {sorted(theme_pages)}"

    # Follow the first result that points into a theme page with the word: it opens there, highlighted
    first = next(
        i for i, h in enumerate(hrefs)
        if page_path(urljoin(site_url, h), site_url) in theme_pages and f"h={SEARCH_WORD}" in h
    )
    page.locator(".md-search-result__link").nth(first).click()
    page.wait_for_load_state("load")
    assert page_path(page.url, site_url) in theme_pages
    page.locator("article mark").first.wait_for()
    marked = page.locator("article mark").all_inner_texts()
    assert any(SEARCH_WORD in text.lower() for text in marked), f"'{SEARCH_WORD}' not highlighted: {marked}"
