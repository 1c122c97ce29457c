"""What must never be published: personal data.

Three guards, all built on ``pii.find`` (e-mail addresses in their disguises, phone numbers, IP
addresses, UK postcodes, NHS and National Insurance numbers):

- ``redact`` removes e-mail addresses from text the site shows on purpose, such as the researchers'
  contact lines in the participant information;
- ``check_output``, in the build, scans every file the build is about to write (generated pages,
  fragments, variables, downloads, chart texts) and every hand-written prose page; a hit stops the
  build, naming the file and line and, where the text came from an input, that input's file and line;
- ``check_site`` (``findings.site.publish``) scans the built site before it replaces ``site/``: every
  HTML page (text and attributes), the search index, the sitemap and every download.

Both scans also refuse a survey platform's response id (``RESPONSE_ID_RE``: Qualtrics' ``R_…``),
which links a published line back to a respondent's record.

What the team publishes on purpose (the study's contact) goes in ``study.yml``'s ``privacy: allow``.
Messages never repeat the personal data they found: they show only its first and last characters.
"""
from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

from . import pii
from .errors import DataError, Problem

PERSONAL_FIELDS = ("IPAddress", "LocationLatitude", "LocationLongitude", "RecipientEmail",
                   "RecipientFirstName", "RecipientLastName", "ExternalReference")
REDACTED = "[e-mail address removed]"
# a survey platform's record id links a published line back to the respondent's record: Qualtrics'
# ResponseId ("R_" and 15 letters and digits; a few more or fewer allowed) is never published
RESPONSE_ID_RE = re.compile(r"(?<![A-Za-z0-9_])R_[A-Za-z0-9]{11,20}(?![A-Za-z0-9_])")
# What the published site is made of that can carry text from the inputs (the theme's own assets,
# fonts and images cannot).
# Attributes that carry words a person or a search engine reads (not drawing paths or class names).
TEXT_ATTRIBUTES = {"alt", "title", "aria-label", "aria-description", "content", "href", "src",
                   "placeholder", "value", "label", "summary", "data-md-source"}
SITE_TEXT = {".html", ".json", ".xml", ".csv", ".yaml", ".yml", ".bib", ".txt", ".svg", ".md", ".qdc",
             ".qdpx"}  # the REFI-QDA project download is a stored zip: its text reads as it is


def redact(text: str) -> str:
    """Text with every e-mail address (in any of its disguises) replaced by a marker."""
    return pii.redact(text, REDACTED)


def masked(text: str) -> str:
    """Enough of a hit to find it in the file, not enough to publish it again in a build log."""
    text = " ".join(text.split())
    return f"{text[:2]}…{text[-2:]}" if len(text) > 5 else "…"


def locate(hit: str, sources: dict[str, Path | str]) -> str:
    """'; it comes from <input file>, line N' for the first input that holds ``hit`` ('' when none
    does). ``sources``: file as shown -> its text, or its path (read only when there is a hit)."""
    for name, text in sources.items():
        if isinstance(text, Path):
            try:
                text = text.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
        at = text.find(hit)
        if at >= 0:
            return f"; it comes from {name}, line {text.count(chr(10), 0, at) + 1}"
    return ""


def _problems(path: str, text: str, allow, sources: dict, lines: bool = True) -> list[Problem]:
    problems = [Problem(path, f"line {hit.line}" if lines else None,
                        f"would publish what looks like a personal {hit.kind} ({masked(hit.text)!r})"
                        f"{locate(hit.text, sources)}. Remove it from the input, or, if it is the study's "
                        "published contact, list it under privacy: allow in study.yml")
                for hit in pii.find(text, allow)]
    problems += [Problem(path, None, f"would publish the personal-data field {field}; drop the "
                                     "column from the input")
                 for field in PERSONAL_FIELDS if field in text]
    problems += [Problem(path, f"line {text.count(chr(10), 0, m.start()) + 1}" if lines else None,
                         f"would publish what looks like a survey platform's response id "
                         f"({masked(m.group())!r}), which links back to the respondent's record"
                         f"{locate(m.group(), sources)}. Remove it from the input (a quote from a "
                         "source named by a response id is shown as a respondent's, without it)")
                 for m in RESPONSE_ID_RE.finditer(text)]
    return problems


def check_output(files: dict[str, str], allow=(), sources: dict | None = None) -> None:
    """Refuse text files that hold personal data. ``files``: path as shown -> content (Markdown is
    read as the page will show it, character references resolved); ``sources``: input file name ->
    its text, to say where a hit came from."""
    problems = []
    for path, content in sorted(files.items()):
        text = html.unescape(content) if path.endswith(".md") else content
        problems += _problems(path, text, allow, sources or {})
    if problems:
        raise DataError(problems)


class _Text(HTMLParser):
    """An HTML page's text and attribute values, line by line (scripts and styles are the theme's)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        self.lines += [value for name, value in attrs if value and name in TEXT_ATTRIBUTES]

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.lines.append(data)


def strings(value) -> list[str]:
    """Every text in nested data (a figure spec, a parsed search index), in order."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        return [t for v in value for t in strings(v)]
    return []


def site_text(path: Path) -> str:
    """The text a reader (or a search engine) gets from one published file."""
    raw = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".html":
        parser = _Text()
        parser.feed(raw)
        return "\n".join(parser.lines)
    if path.suffix == ".json":
        try:
            data = json.loads(raw)
        except ValueError:
            return raw
        return "\n".join(html.unescape(t) for t in strings(data))
    if path.suffix in (".svg", ".xml", ".qdc", ".qdpx"):
        return html.unescape(raw)
    return raw


def check_site(site: Path, allow=(), sources: dict | None = None) -> None:
    """Refuse a built site that publishes personal data anywhere a reader or a search engine can
    see it. The theme's bundled assets (``assets/``) carry no input text and are not scanned."""
    problems = []
    for path in sorted(site.rglob("*")):
        rel = path.relative_to(site)
        if not path.is_file() or path.suffix not in SITE_TEXT or rel.parts[0] == "assets":
            continue
        problems += _problems(f"site/{rel.as_posix()}", site_text(path), allow, sources or {},
                              lines=path.suffix not in (".html", ".json"))
    if problems:
        raise DataError(problems)
