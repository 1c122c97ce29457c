"""Shared fixtures: the built site, a local server for it, and one headless Chromium.

- ``built_site``   runs ``build_tables.py`` then ``findings.site.publish`` (``mkdocs build
                   --strict``, then the privacy scan) into a temporary folder (once per session)
                   and returns the folder. Set ``FINDINGS_BUILT_SITE`` to an already built site
                   folder to test that instead (for quick runs by hand).
- ``site_url``     serves the built site on 127.0.0.1 (a free port, ``http.server`` in a thread)
                   and returns its base URL, ending in ``/``.
- ``site_pages``   the site's pages as paths relative to the base URL (``""``, ``"report/"``, ...):
                   every ``index.html`` in the build except the 404 page.
- ``browser``      Debian's Chromium (``/usr/bin/chromium``) driven by Playwright, one per session.
- ``inst``, ``themes``, ``responses``  this study's codebooks and data, loaded once.
- ``new_context``  a factory for a fresh browser context; each test gets its own and they are
                   closed after the test.

Browser tests carry ``@pytest.mark.browser`` (registered in ``pytest.ini``); ``make test`` installs
Chromium and the other tools they need (``make browser``).
"""
from __future__ import annotations

import functools
import os
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import hypothesis.configuration
import pytest

from chromium_launch import CHROMIUM_ARGS
from findings.load.instrument import load_instrument
from findings.load.responses import load_responses
from findings.load.themes import load_themes
from findings.paths import DATA_DIR
from chromium_launch import CHROMIUM as _CHROMIUM

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(_CHROMIUM)


def _run(command: list[str], what: str) -> None:
    """Run a build step in the project root; fail the test with its output if it fails."""
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, (
        f"{what} failed with exit code {done.returncode}\n"
        f"command: {' '.join(command)}\n--- stdout ---\n{done.stdout}\n--- stderr ---\n{done.stderr}"
    )


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Generate build/ from data/ and docs/, build the site strictly, return the site folder."""
    prebuilt = os.environ.get("FINDINGS_BUILT_SITE")
    if prebuilt:
        site = Path(prebuilt).resolve()
        assert (site / "index.html").is_file(), f"FINDINGS_BUILT_SITE={prebuilt} holds no index.html"
        return site
    site = tmp_path_factory.mktemp("site")
    _run([sys.executable, "build_tables.py"], "python build_tables.py")
    _run([sys.executable, "-m", "findings.site.publish", "--site", str(site)],
         "python -m findings.site.publish (mkdocs build --strict, then the privacy scan)")
    return site


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        pass


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        """A browser that drops a connection it no longer needs is not an error."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@pytest.fixture(scope="session")
def site_url(built_site: Path):
    """Serve the built site on 127.0.0.1 on a free port; yield its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(built_site))
    server = _QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def site_pages(built_site: Path) -> list[str]:
    """Every page of the build as a URL path relative to the site root (404 page excluded)."""
    pages = []
    for index in sorted(built_site.rglob("index.html")):
        relative = index.parent.relative_to(built_site).as_posix()
        if relative == "404":
            continue
        pages.append("" if relative == "." else relative + "/")
    assert pages, f"no index.html found under {built_site}"
    return pages


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for the whole session."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} not found: run `make browser` (or `make test`) to install Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_context(browser):
    """Factory for fresh browser contexts (keyword arguments go to ``browser.new_context``)."""
    contexts = []

    def make(**options):
        context = browser.new_context(**options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def inst():
    return load_instrument(DATA_DIR / "instrument.yaml")


@pytest.fixture(scope="session")
def themes():
    return load_themes(DATA_DIR / "themes.yaml")


@pytest.fixture(scope="session")
def responses(inst):
    return load_responses(DATA_DIR / "responses.csv", inst, DATA_DIR / "responses.meta.yaml")


# Hypothesis keeps its caches in pytest's cache folder (.pytest_cache/, ignored by git), not in a
# .hypothesis/ folder of the repository; set before any test module is collected.
def pytest_configure(config):
    cache = getattr(config, "cache", None)  # None when run with -p no:cacheprovider: a temporary folder
    home = cache.mkdir("hypothesis") if cache is not None else \
        pytest.TempPathFactory.from_config(config, _ispytest=True).mktemp("hypothesis")
    hypothesis.configuration.set_hypothesis_home_dir(home)
