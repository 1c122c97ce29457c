"""axe-core (WCAG 2.2 A and AA rules) on every page, in the light and the dark palette; keyboard use."""
from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.browser

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
}
# Material picks the palette whose media query matches on a first visit; the test checks it did.
SCHEMES = {"light": "default", "dark": "slate"}


def describe(path: str, violation: dict) -> list[str]:
    """One line per failing element: page, axe rule id, element, what axe says."""
    lines = []
    for node in violation["nodes"]:
        detail = " ".join((node.get("failureSummary") or "").split())
        detail = detail.removeprefix("Fix any of the following: ").removeprefix("Fix all of the following: ")
        lines.append(f"/{path}: {violation['id']} ({violation['impact']}) {node['target']}: {detail}")
    return lines


@pytest.mark.parametrize("palette", SCHEMES)
def test_axe_finds_no_violations(palette, site_url, site_pages, new_context, watched_page):
    watched = watched_page(new_context(color_scheme=palette), site_url)
    axe = Axe()
    problems = []
    for path in site_pages:
        watched.goto(path)
        scheme = watched.page.get_attribute("body", "data-md-color-scheme")
        assert scheme == SCHEMES[palette], f"/{path}: {palette} palette expected, page shows {scheme}"
        results = axe.run(watched.page, options=AXE_OPTIONS)
        for violation in results.response["violations"]:
            problems += describe(path, violation)
    assert not problems, "\n".join(problems)


def test_keyboard_skip_link_search_and_focus(site_url, site_pages, new_context, watched_page):
    """Tab first reaches a visible "skip to content" link; it moves focus past the header; the
    search opens from the keyboard; focused links show an outline."""
    watched = watched_page(new_context(), site_url)
    page = watched.page
    path = next(p for p in site_pages if p)  # a page with a table of contents
    watched.goto(path)

    page.keyboard.press("Tab")
    skip = page.evaluate(
        """() => { const a = document.activeElement; const r = a.getBoundingClientRect();
                   return { cls: a.className, href: a.getAttribute("href"), text: a.textContent.trim(),
                            visible: r.width > 0 && r.height > 0 && r.bottom > 0 }; }"""
    )
    assert "md-skip" in skip["cls"], f"first Tab stop is {skip}, not the skip link"
    assert skip["visible"], f"skip link is not visible when focused: {skip}"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == skip["href"]

    page.keyboard.press("Escape")
    page.keyboard.press("/")  # Material's keyboard shortcut for search
    assert page.evaluate("document.activeElement.classList.contains('md-search__input')")
    page.keyboard.press("Escape")

    link = page.locator("article a[href]").first
    link.focus()
    outline = link.evaluate("a => [getComputedStyle(a).outlineStyle, getComputedStyle(a).outlineWidth]")
    assert outline[0] != "none" and outline[1] != "0px", f"focused link has no outline: {outline}"


@pytest.mark.parametrize("palette", SCHEMES)
def test_axe_finds_no_violations_in_search_drawer_and_skip_link(palette, site_url, new_context, watched_page):
    """The parts axe cannot see on a page at rest: search results, the mobile drawer, the skip link."""
    problems = []
    axe = Axe()

    watched = watched_page(new_context(color_scheme=palette), site_url)
    page = watched.page
    watched.goto("")
    page.keyboard.press("Tab")  # the skip link is shown while focused
    problems += [line for v in axe.run(page, options=AXE_OPTIONS).response["violations"]
                 for line in describe("(skip link focused)", v)]
    page.keyboard.press("Escape")
    heading = page.locator("article h1").first.inner_text()
    word = max((w.strip(".,:;!?'\"()") for w in heading.split()), key=len)  # a word the site holds
    page.locator("input.md-search__input").click()
    page.keyboard.type(word, delay=20)  # Material searches on key events, not on fill()
    page.locator(".md-search-result__item").first.wait_for()
    problems += [line for v in axe.run(page, options=AXE_OPTIONS).response["violations"]
                 for line in describe("(search results)", v)]

    small = watched_page(new_context(color_scheme=palette, viewport={"width": 375, "height": 812}), site_url)
    small.goto("")
    small.page.locator("label.md-header__button[for=__drawer]").first.click()
    small.page.locator(".md-nav--primary").first.wait_for()
    small.page.wait_for_timeout(300)  # the drawer slides in
    problems += [line for v in axe.run(small.page, options=AXE_OPTIONS).response["violations"]
                 for line in describe("(375 px, navigation drawer open)", v)]
    assert not problems, "\n".join(problems)
