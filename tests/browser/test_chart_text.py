"""Chart text is legible where most people read: on a 375 px phone, no text of any chart on any
results page renders smaller than 11 CSS px, in the light and the dark palette (where the chart sits
on a padded white card, a little narrower).

For each chart <img>: the smallest font size of the SVG's <text> elements (in SVG user units)
times the image's rendered content width over the SVG's viewBox width is the rendered size in CSS
px (the image keeps its aspect ratio, so the viewBox scales by that ratio)."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 375, "height": 800}
SMALLEST_PX = 11
SVG_NS = "{http://www.w3.org/2000/svg}"

CHARTS_JS = """async () => {
  const images = [...document.querySelectorAll("article img")]
    .filter(img => (img.getAttribute("src") || "").toLowerCase().split("?")[0].endsWith(".svg"));
  for (const img of images) { img.loading = "eager"; }
  await Promise.all(images.map(img => img.decode().catch(() => null)));
  return images.map(img => {
    const box = img.getBoundingClientRect();
    const style = getComputedStyle(img);
    const px = name => parseFloat(style[name]) || 0;
    return {
      src: img.getAttribute("src"), url: img.currentSrc || img.src, loaded: img.naturalWidth > 0,
      chart: !!img.closest("figure"),
      width: box.width - px("paddingLeft") - px("paddingRight") - px("borderLeftWidth")
             - px("borderRightWidth"),
    };
  });
}"""


def font_sizes(svg_text: str) -> tuple[list[tuple[str, float]], float]:
    """(text, font size in user units) of every <text>, and the viewBox width."""
    root = ET.fromstring(svg_text)
    view_box = root.get("viewBox")
    width = float(view_box.split()[2]) if view_box else float(re.match(r"[\d.]+", root.get("width")).group())
    sizes = []
    for el in root.iter(f"{SVG_NS}text"):
        style = el.get("style", "") + ";" + (f"font-size:{el.get('font-size')}px" if el.get("font-size") else "")
        found = re.search(r"font-size:\s*([\d.]+)(?:px)?", style) or re.search(r"font:[^;]*?([\d.]+)px", style)
        assert found, f"a <text> with no font size: {ET.tostring(el)[:200]!r}"
        sizes.append(("".join(el.itertext()), float(found.group(1))))
    return sizes, width


@pytest.mark.parametrize("palette", ["light", "dark"])
def test_no_chart_text_is_below_11_css_px_at_375_px(palette, site_url, site_pages, new_context):
    context = new_context(viewport=VIEWPORT, color_scheme=palette)
    page = context.new_page()
    results_pages = [p for p in site_pages if p.startswith("results/")]
    assert results_pages
    svgs: dict[str, tuple[list, float]] = {}
    problems, checked = [], 0
    for path in results_pages:
        page.goto(site_url + path, wait_until="load")
        for chart in page.evaluate(CHARTS_JS):
            where = f"/{path} {chart['src']}"
            if not (chart["loaded"] and chart["chart"]):
                problems.append(f"{where}: not loaded, or not a chart in a <figure>")
                continue
            if chart["url"] not in svgs:
                response = context.request.get(chart["url"])
                assert response.ok, f"{where}: HTTP {response.status}"
                svgs[chart["url"]] = font_sizes(response.text())
            sizes, view_width = svgs[chart["url"]]
            assert sizes, f"{where}: no text in the SVG (text drawn as paths?)"
            text, smallest = min(sizes, key=lambda s: s[1])
            rendered = smallest * chart["width"] / view_width
            checked += 1
            if rendered < SMALLEST_PX:
                problems.append(f"{where}: '{text[:40]}' renders at {rendered:.1f} px "
                                f"({smallest} units x {chart['width']:.0f} px / {view_width:.0f})")
    assert checked, "no chart found on the results pages"
    assert not problems, "\n".join(problems)
