"""The built site publishes no placeholder text, and every page's footer names the study's
institution and contact.

Expected values are read from ``data/study.yml`` with yaml (not from the build's code): the team's
institution and the contact's name and e-mail address, which must be a working ``mailto:`` link."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]

# What a draft leaves behind. Words are matched whole and in any case ("todo", "Lorem"); the
# bracketed forms are an elision marker with nothing in it, or a capitalised note such as
# "[CONTACT EMAIL ADDRESS TO BE ADDED]".
PLACEHOLDERS = [
    ("to be added", re.compile(r"\bto\s+be\s+added\b", re.I)),
    ("TODO", re.compile(r"\btodo\b", re.I)),
    ("TBD", re.compile(r"\btbd\b", re.I)),
    ("TBC", re.compile(r"\btbc\b", re.I)),
    ("FIXME", re.compile(r"\bfixme\b", re.I)),
    ("lorem", re.compile(r"\blorem\b", re.I)),
    ("ipsum", re.compile(r"\bipsum\b", re.I)),
    ("XXX", re.compile(r"(?<![^\W_])x{3,}(?![^\W_])", re.I)),
    ("[…] or [...]", re.compile(r"\[\s*(?:…|\.\s*\.\s*\.)\s*\]")),
    ("[CAPITALISED NOTE]", re.compile(r"\[[A-Z0-9 ,.'’/-]*?\b(?:TO BE|TODO|TBC|TBD|INSERT|ADD|"
                                      r"ADDRESS|NAME|NUMBER|DATE|EMAIL|PHONE)\b[A-Z0-9 ,.'’/-]*\]")),
]
# Attributes that a reader, a screen reader or a search engine gets as text
TEXT_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder", "content"}


class _Page(HTMLParser):
    """A page's text (scripts and styles left out), its text attributes, and its footer: the
    footer's text and its links (href -> link text)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.footer_text: list[str] = []
        self.footer_links: dict[str, str] = {}
        self._skip = self._footer = 0
        self._href = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "style"):
            self._skip += 1
        if tag == "footer":
            self._footer += 1
        if tag == "a" and self._footer:
            self._href = a.get("href") or ""
            self.footer_links.setdefault(self._href, "")
        self.text += [v for k, v in attrs if k in TEXT_ATTRIBUTES and v]

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1
        if tag == "footer" and self._footer:
            self._footer -= 1
        if tag == "a":
            self._href = None

    def handle_data(self, data):
        if self._skip:
            return
        self.text.append(data)
        if self._footer:
            self.footer_text.append(data)
            if self._href is not None:
                self.footer_links[self._href] += data


def read(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    page.visible = re.sub(r"\s+", " ", " ".join(page.text))
    page.footer = re.sub(r"\s+", " ", "".join(page.footer_text)).strip()
    page.footer_links = {k: " ".join(v.split()) for k, v in page.footer_links.items()}
    return page


@pytest.fixture(scope="module")
def pages(built_site) -> dict[str, _Page]:
    found = {p.relative_to(built_site).as_posix(): read(p) for p in sorted(built_site.rglob("*.html"))}
    assert "index.html" in found and "accessibility/index.html" in found and "404.html" in found
    return found


@pytest.fixture(scope="module")
def study() -> dict:
    return yaml.safe_load((ROOT / "data" / "study.yml").read_text(encoding="utf-8"))


def test_the_patterns_catch_what_a_draft_leaves_behind():
    drafts = ["email: [CONTACT EMAIL ADDRESS TO BE ADDED]", "We will reply within [NUMBER] days",
              "todo: check", "Status: TBD.", "Lorem ipsum dolor", "call xxx", "as she said […] then",
              "as she said [...] then", "[INSERT DATE]", "FixMe", "(to be added)"]
    for draft in drafts:
        assert any(p.search(draft) for _, p in PLACEHOLDERS), draft
    prose = ["Things to do today", "the tbsp", "Table 1 [Appendix B]", "box (XL)", "Ipswich",
             "taxxing", "[e-mail address removed]", "a list [1, 2, 3]", "NHS (UK)"]
    for text in prose:
        assert not [n for n, p in PLACEHOLDERS if p.search(text)], text


def test_no_page_publishes_placeholder_text(pages):
    found = [f"{path}: {name}: …{page.visible[max(0, m.start() - 40):m.end() + 40]}…"
             for path, page in pages.items() for name, pattern in PLACEHOLDERS
             for m in pattern.finditer(page.visible)]
    assert not found, "\n".join(found)


def test_every_footer_names_the_team_institution_and_the_contact(pages, study):
    team, contact = study["team"], study["contact"]
    mailto = f"mailto:{contact['email']}"
    for path, page in pages.items():
        assert team["institution"] in page.footer, (path, page.footer)
        assert contact["name"] in page.footer and contact["email"] in page.footer, (path, page.footer)
        # the e-mail is a working link, and its text is the address itself
        assert page.footer_links.get(mailto) == contact["email"], (path, page.footer_links)
        if team.get("institution_url"):
            assert page.footer_links.get(team["institution_url"]) == team["institution"], path
        for member in team["members"]:
            assert member["name"] in page.footer, (path, member["name"])


def test_the_accessibility_statement_gives_the_contact_and_only_what_the_study_states(
        built_site, pages, study):
    contact = study["contact"]
    text = pages["accessibility/index.html"].visible
    assert contact["name"] in text and contact["email"] in text
    assert "placeholder" not in text.lower() and "to be completed" not in text.lower()
    article = (built_site / "accessibility/index.html").read_text(encoding="utf-8")
    article = article.split("<article", 1)[1].split("</article>", 1)[0]
    assert f'<a href="mailto:{contact["email"]}">{contact["email"]}</a>' in article
    # a postal address or a reply time only where study.yml gives one: none is invented
    assert ("post:" in text) == bool(contact.get("postal_address"))
    assert ("working days" in text) == bool(contact.get("response_days"))
