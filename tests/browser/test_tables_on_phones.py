"""Wide tables on phones: a table wider than its box shows that it scrolls sideways, and its first
column (what each row is) stays in view however far it is scrolled.

What site.js and site.css build, and what these tests read:
- the scrolling box (Material's ``.md-typeset__scrollwrap``) gets the class ``scrolls-sideways``,
  ``tabindex="0"`` and ``role="region"`` while its table does not fit, and ``is-scrolled`` once it
  is scrolled away from its start;
- such a box has a shadow on its right edge: two gradients in its background, one attached to the
  table (``local``, the cover that hides the shadow at the end) and one to the box (``scroll``);
- a line "Scroll sideways for more columns" (``p.table-scroll-hint``) is shown just above it;
- the first cell of every row is sticky, on an opaque background.
A table that fits shows none of this.

A question's table sits in a collapsed "Show the numbers" note (a <details>): every <details> of
the article is opened before anything is measured (a closed one has no width, so its table would
pass unmeasured), and a table that still has no width is a problem.
"""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 800}
DESKTOP = {"width": 1280, "height": 900}
SCHEMES = {"light": "default", "dark": "slate"}

# Helpers defined in the page: the scrolling box of a table, and what a box shows.
HELPERS = """
  const frames = async (n) => { for (let i = 0; i < n; i++) await new Promise(r => requestAnimationFrame(r)); };
  // open every collapsed note ("Show the numbers"), as a reader does, so its table is laid out
  const openAll = async () => {
    const closed = [...document.querySelectorAll("article details:not([open])")];
    closed.forEach(d => { d.open = true; });
    if (closed.length) await frames(3);
  };
  const scroller = el => {
    for (let node = el.parentElement; node; node = node.parentElement) {
      const overflow = getComputedStyle(node).overflowX;
      if (overflow === "auto" || overflow === "scroll") return node;
    }
    return null;
  };
  const shown = el => {
    if (!el) return false;
    const r = el.getBoundingClientRect();
    return getComputedStyle(el).display !== "none" && getComputedStyle(el).visibility !== "hidden"
      && r.width > 0 && r.height > 0;
  };
  const cue = box => {
    const style = getComputedStyle(box);
    const before = box.previousElementSibling;
    const hint = before && before.classList.contains("table-scroll-hint") ? before : null;
    return {
      marked: box.classList.contains("scrolls-sideways"),
      gradients: (style.backgroundImage.match(/gradient\\(/g) || []).length,
      attachment: style.backgroundAttachment,
      hint: shown(hint), hintText: hint ? hint.textContent.trim() : "",
      tabindex: box.getAttribute("tabindex"), role: box.getAttribute("role"),
    };
  };
  const alpha = colour => {
    const m = colour.match(/rgba?\\(([^)]*)\\)/);
    if (!m) return 0;
    const parts = m[1].split(/[ ,\\/]+/).filter(Boolean);
    return parts.length > 3 ? parseFloat(parts[3]) : 1;
  };
"""

# Every table of the article: does it overflow its box, and what does the box show.
TABLES_JS = """async () => {""" + HELPERS + """
  await frames(3);  // site.js works on an animation frame after the page is shown
  await openAll();
  return [...document.querySelectorAll("article table")].map((table, i) => {
    const box = scroller(table);
    const laidOut = table.getBoundingClientRect().width > 0;
    const inDetails = !!table.closest("details");
    if (!box) return { index: i + 1, box: false, laidOut, inDetails,
                       overflows: table.getBoundingClientRect().width > innerWidth };
    return { index: i + 1, box: true, laidOut, inDetails, overflows: box.scrollWidth > box.clientWidth + 1,
             scrollWidth: box.scrollWidth, clientWidth: box.clientWidth, ...cue(box) };
  });
}"""

# Scroll each overflowing box to its right end; then where is each row's first cell, and is it on top.
FIRST_COLUMN_JS = """async () => {""" + HELPERS + """
  await openAll();
  const results = [];
  const tables = [...document.querySelectorAll("article table")];
  for (const [i, table] of tables.entries()) {
    const box = scroller(table);
    if (!box || box.scrollWidth <= box.clientWidth + 1) continue;
    box.scrollLeft = box.scrollWidth;
    await frames(2);
    const outer = box.getBoundingClientRect();
    const rows = [...table.rows];
    const cells = rows.map(row => row.cells[0]).filter(Boolean);
    const outside = cells.filter(cell => {
      const r = cell.getBoundingClientRect();
      return r.width < 1 || r.left < outer.left - 0.5 || r.right > outer.right + 0.5;
    }).map(cell => cell.textContent.trim().slice(0, 40));
    const see = cell => {
      // bring the cell's row into the window (vertically only: the box keeps its scroll)
      const r = cell.getBoundingClientRect();
      window.scrollBy(0, r.top - innerHeight / 3);
      const s = cell.getBoundingClientRect();
      const hit = document.elementFromPoint(s.left + Math.min(8, s.width / 2), s.top + s.height / 2);
      return !!hit && (hit === cell || cell.contains(hit));
    };
    const checked = [cells[0], cells[1]].filter(Boolean);
    results.push({
      index: i + 1,
      atEnd: box.scrollLeft + box.clientWidth >= box.scrollWidth - 1,
      scrolledMark: box.classList.contains("is-scrolled"),
      outside,
      covered: checked.filter(cell => !see(cell)).map(cell => cell.textContent.trim().slice(0, 40)),
      transparent: checked.filter(cell => alpha(getComputedStyle(cell).backgroundColor) < 1)
                          .map(cell => cell.textContent.trim().slice(0, 40)),
      firstText: cells[0] ? cells[0].textContent.trim().slice(0, 40) : "",
    });
  }
  return results;
}"""


def cue_problems(where: str, table: dict) -> list[str]:
    """What is missing from the cue of a table that overflows its box."""
    problems = []
    name = f"{where} table {table['index']} ({table.get('scrollWidth')} px in a {table.get('clientWidth')} px box)"
    if not table["box"]:
        return [f"{where} table {table['index']} is wider than the window and not in a scrolling box"]
    if not table["marked"]:
        problems.append(f"{name}: box not marked .scrolls-sideways")
    if table["gradients"] < 2 or "local" not in table["attachment"] or "scroll" not in table["attachment"]:
        problems.append(f"{name}: no scroll shadow (background {table['gradients']} gradients, "
                        f"attachment {table['attachment']!r})")
    if not table["hint"] or "scroll" not in table["hintText"].lower():
        problems.append(f"{name}: no visible 'scroll sideways' line above it ({table['hintText']!r})")
    if table["tabindex"] != "0" or table["role"] != "region":
        problems.append(f"{name}: box cannot be scrolled from the keyboard "
                        f"(tabindex={table['tabindex']!r}, role={table['role']!r})")
    return problems


def no_cue_problems(where: str, table: dict) -> list[str]:
    """What a table that fits its box shows, and should not."""
    shown = [what for what, on in (("class .scrolls-sideways", table["marked"]),
                                    ("a shadow", table["gradients"] > 0),
                                    ("the 'scroll sideways' line", table["hint"]),
                                    ("a tab stop", table["tabindex"] is not None)) if on]
    return [f"{where} table {table['index']} fits its box but shows {', '.join(shown)}"] if shown else []


@pytest.mark.parametrize("palette", SCHEMES)
def test_wide_tables_at_375px_show_they_scroll_and_keep_their_first_column(
        palette, site_url, site_pages, new_context, watched_page):
    watched = watched_page(new_context(viewport=PHONE, color_scheme=palette), site_url)
    page = watched.page
    problems, wide, in_details = [], [], 0
    for path in site_pages:
        watched.goto(path)
        assert page.get_attribute("body", "data-md-color-scheme") == SCHEMES[palette]
        tables = page.evaluate(TABLES_JS)
        in_details += sum(1 for t in tables if t["inDetails"] and t["laidOut"])
        problems += [f"/{path} table {t['index']} has no width even with its note opened"
                     for t in tables if not t["laidOut"]]
        for table in tables:
            if table["overflows"]:
                wide.append(f"/{path} table {table['index']}")
                problems += cue_problems(f"/{path}", table)
            else:
                problems += no_cue_problems(f"/{path}", table)
        if not any(t["overflows"] for t in tables):
            continue
        for table in page.evaluate(FIRST_COLUMN_JS):
            where = f"/{path} table {table['index']} ({table['firstText']!r}...), scrolled to the right end"
            if not table["atEnd"]:
                problems.append(f"{where}: the box did not scroll to its end")
            if table["outside"]:
                problems.append(f"{where}: first column out of the box: {table['outside'][:3]}")
            if table["covered"]:
                problems.append(f"{where}: first column covered by other cells: {table['covered']}")
            if table["transparent"]:
                problems.append(f"{where}: first column has a see-through background: {table['transparent']}")
            if not table["scrolledMark"]:
                problems.append(f"{where}: box not marked .is-scrolled (no shadow beside the first column)")
    assert wide, "no table overflows its box at 375 px: this test checked nothing"
    assert in_details, "no table in a 'Show the numbers' note was measured: this test checked nothing"
    assert not problems, "\n".join(problems)


def test_tables_that_fit_at_1280px_show_no_scroll_cue(site_url, site_pages, new_context, watched_page):
    watched = watched_page(new_context(viewport=DESKTOP), site_url)
    problems, fitting = [], 0
    for path in site_pages:
        watched.goto(path)
        for table in watched.page.evaluate(TABLES_JS):
            if table["overflows"]:
                problems += cue_problems(f"/{path} (1280 px)", table)
            else:
                fitting += 1
                problems += no_cue_problems(f"/{path} (1280 px)", table)
    assert fitting, "no table fits its box at 1280 px: this test checked nothing"
    assert not problems, "\n".join(problems)


def _first_wide_page(page, watched, site_pages) -> str:
    for path in site_pages:
        watched.goto(path)
        if any(t["overflows"] for t in page.evaluate(TABLES_JS)):
            return path
    pytest.fail("no page has a table wider than its box at 375 px")


def test_cue_follows_the_window_width_and_the_keyboard_scrolls_the_box(
        site_url, site_pages, new_context, watched_page):
    """Widening the window takes the cue away, narrowing it brings it back; arrow keys scroll the
    focused box and the first column's shadow appears."""
    watched = watched_page(new_context(viewport=PHONE), site_url)
    page = watched.page
    path = _first_wide_page(page, watched, site_pages)

    def first_wide() -> dict:
        return next(t for t in page.evaluate(TABLES_JS) if t["box"] and t["index"] == index)

    index = next(t["index"] for t in page.evaluate(TABLES_JS) if t["overflows"])
    page.set_viewport_size(DESKTOP)
    table = first_wide()
    if not table["overflows"]:
        assert not no_cue_problems(f"/{path} widened to 1280 px", table), table
    page.set_viewport_size(PHONE)
    table = first_wide()
    assert table["overflows"] and not cue_problems(f"/{path} narrowed to 375 px", table), table

    box = page.locator("article .md-typeset__scrollwrap.scrolls-sideways").first
    box.focus()
    assert box.evaluate("b => b === document.activeElement && b.scrollLeft === 0")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.activeElement.scrollLeft > 0")
    page.wait_for_function("() => document.activeElement.classList.contains('is-scrolled')")
    page.wait_for_function(  # the shadow beside the first column, once its fade-in is over
        "() => getComputedStyle(document.activeElement.querySelector('table tr > :first-child'),"
        " '::after').opacity === '1'")


def test_the_first_column_shadow_does_not_animate_when_motion_is_reduced(
        site_url, site_pages, new_context, watched_page):
    durations = {}
    for motion in ("no-preference", "reduce"):
        watched = watched_page(new_context(viewport=PHONE, reduced_motion=motion), site_url)
        page = watched.page
        _first_wide_page(page, watched, site_pages)
        durations[motion] = page.evaluate(
            """() => getComputedStyle(document.querySelector(
                 '.md-typeset__scrollwrap.scrolls-sideways table tr > :first-child'), '::after')
                 .transitionDuration""")
    assert durations["reduce"] == "0s", durations
    assert durations["no-preference"] != "0s", durations
