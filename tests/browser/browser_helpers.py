"""What the browser tests share: a watched page, and the scripts they run in it.

``WatchedPage(page, site_url).goto(path)`` loads a page of the site and returns the problems seen
during that load: console errors, uncaught script errors, failed requests, HTTP errors, and any
request to a host other than the local test server.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

# The site's chrome: parts of a page that must not print (header, tabs, sidebars, search, footer)
CHROME = ".md-header, .md-tabs, .md-sidebar, .md-search, .md-footer, .md-skip, .md-top"

# What the page-level tests read from the DOM, in one round trip.
IMAGES_JS = """async () => {
  const images = [...document.images];
  for (const img of images) { img.loading = "eager"; }
  await Promise.all(images.map(img => img.decode().catch(() => null)));
  return images.map(img => ({
    src: img.getAttribute("src"), alt: img.getAttribute("alt"),
    complete: img.complete, width: img.naturalWidth,
    figure: !!img.closest("figure"),
    caption: (img.closest("figure")?.querySelector("figcaption")?.textContent || "").trim(),
  }));
}"""


@dataclass
class WatchedPage:
    page: object  # playwright Page
    base_url: str
    _log: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        local = urlsplit(self.base_url).netloc
        page = self.page
        page.on("console", lambda m: m.type == "error" and self._log.append(f"console error: {m.text}"))
        page.on("pageerror", lambda e: self._log.append(f"script error: {e}"))
        page.on("requestfailed", lambda r: self._log.append(f"request failed: {r.url} ({r.failure})"))
        page.on("response", lambda r: r.status >= 400 and self._log.append(f"HTTP {r.status}: {r.url}"))

        def check_host(request) -> None:
            parts = urlsplit(request.url)
            if parts.scheme in ("http", "https", "ws", "wss") and parts.netloc != local:
                self._log.append(f"request to another host: {request.url}")

        page.on("request", check_host)

    def goto(self, path: str, wait_until: str = "load") -> list[str]:
        """Load ``path`` (relative to the site root); return the problems seen while loading it."""
        self._log.clear()
        response = self.page.goto(self.base_url + path, wait_until=wait_until)
        problems = list(self._log)
        if response is None or response.status != 200:
            problems.append(f"status {response.status if response else 'none'}")
        return [f"/{path}: {p}" for p in problems]
