"""The participants' report printed to PDF: its content only, with the targets of outside links.

(Print styles of every page are checked in test_pages.py.)
"""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from browser_helpers import CHROME

pytestmark = pytest.mark.browser

REPORT = "report/"


def squash(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def poppler() -> dict[str, str]:
    """Paths of pdftotext and pdfinfo (Debian's poppler-utils)."""
    tools = {name: shutil.which(name) for name in ("pdftotext", "pdfinfo")}
    if not all(tools.values()):
        pytest.fail("pdftotext/pdfinfo not found: run `make browser` (or `make test`) to install poppler-utils")
    return tools


def test_report_prints_as_a_clean_document(site_url, new_context, watched_page, tmp_path, poppler):
    # Printed from the dark palette on purpose: paper must still be black on white.
    watched = watched_page(new_context(color_scheme="dark"), site_url)
    page = watched.page
    assert not watched.goto(REPORT)

    content = page.locator("article").first
    article_text = squash(content.inner_text())
    headings = content.locator("h1, h2, h3").evaluate_all(
        "hs => hs.map(h => [...h.childNodes].filter(n => !n.classList?.contains('headerlink'))"
        ".map(n => n.textContent).join(''))"
    )
    headings = [squash(h) for h in headings]
    paragraphs = [squash(p) for p in content.locator("p").all_inner_texts() if len(p.split()) >= 4]
    external = content.locator("a[href^='http']").evaluate_all("links => links.map(a => a.href)")
    # Words of the site's chrome (header, navigation, search, footer) that the report itself lacks
    chrome_lines = {
        squash(line)
        for text in page.locator(CHROME).all_inner_texts()
        for line in text.splitlines()
        if len(line.strip()) >= 4
    }
    chrome_only = sorted(line for line in chrome_lines if line.lower() not in article_text.lower())
    assert chrome_only, "found no navigation text to look for in the PDF"

    pdf = tmp_path / "report.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    done = subprocess.run([poppler["pdftotext"], "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    printed = squash(done.stdout)
    printed_without_urls = squash(re.sub(r"\((?:https?|mailto):[^)]*\)", " ", printed))

    leaked = [line for line in chrome_only if line in printed]
    assert not leaked, f"navigation/search/footer text printed: {leaked}"
    assert "¶" not in printed, "permalink signs printed"
    missing = [h for h in headings if h not in printed]
    assert not missing, f"headings missing from the PDF: {missing}"
    for paragraph in paragraphs:
        opening = " ".join(paragraph.split()[:8])
        assert opening in printed_without_urls, f"paragraph missing from the PDF: {opening!r}"
    pages = subprocess.run([poppler["pdfinfo"], str(pdf)], capture_output=True, text=True)
    count = re.search(r"^Pages:\s+(\d+)", pages.stdout, re.MULTILINE)
    assert count and int(count.group(1)) == 1, f"the report should print on one A4 page: {pages.stdout}"
    compact = re.sub(r"\s+", "", printed)
    for href in external:
        assert href.rstrip("/") in compact, f"link target {href} not printed"


def _site_address() -> str:
    """The site's public address, as mkdocs.yml configures it (SITE_URL, else its default)."""
    import os
    from pathlib import Path

    config = (Path(__file__).resolve().parents[2] / "mkdocs.yml").read_text(encoding="utf-8")
    default = re.search(r'^site_url:\s*!ENV\s*\[\s*SITE_URL\s*,\s*"([^"]+)"\s*\]', config, re.MULTILINE)
    assert default, "mkdocs.yml: site_url: !ENV [SITE_URL, \"...\"] not found"
    return os.environ.get("SITE_URL") or default.group(1)


def test_report_prints_on_one_a4_page_with_the_address_the_team_and_a_contact(
        site_url, new_context, watched_page, tmp_path, poppler):
    """What a participant keeps on paper says where the rest is, who did the study and whom to ask."""
    from pathlib import Path

    import yaml

    study = yaml.safe_load((Path(__file__).resolve().parents[2] / "data/study.yml").read_text(encoding="utf-8"))
    watched = watched_page(new_context(), site_url)
    assert not watched.goto(REPORT)
    pdf = tmp_path / "report.pdf"
    watched.page.pdf(path=str(pdf), format="A4", print_background=True)
    info = subprocess.run([poppler["pdfinfo"], str(pdf)], capture_output=True, text=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.MULTILINE), f"not one page: {info}"
    size = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info, re.MULTILINE)
    assert size and abs(float(size.group(1)) - 595.3) < 2 and abs(float(size.group(2)) - 841.9) < 2, info
    printed = squash(subprocess.run([poppler["pdftotext"], "-enc", "UTF-8", str(pdf), "-"],
                                    capture_output=True, text=True).stdout)
    compact = re.sub(r"\s+", "", printed)
    address = _site_address()
    assert address.rstrip("/") in compact, f"the site's address {address} is not printed"
    for member in study["team"]["members"]:
        assert member["name"] in printed, f"team member {member['name']} not printed"
    institution = study["team"]["institution"]
    assert institution in printed, "the institution is not printed"
    assert study["contact"]["email"] in compact, "the contact's e-mail is not printed"
    assert study["contact"]["name"] in printed, "the contact's name is not printed"
    # each address once: a link whose text is its address is not followed by it again
    assert compact.count(study["contact"]["email"]) == 1
    assert compact.count(address.rstrip("/")) == 1
