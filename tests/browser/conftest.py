"""Fixtures for the browser tests (see ``browser_helpers`` for what they use)."""
import pytest
from browser_helpers import WatchedPage


@pytest.fixture
def watched_page():
    """Factory: ``watched_page(context, site_url)`` -> a ``WatchedPage`` on a new page of the context."""

    def make(context, base_url: str) -> WatchedPage:
        return WatchedPage(context.new_page(), base_url)

    return make
