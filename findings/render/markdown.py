"""Markdown building blocks: escaping of data text, tables, links, percentages for display.

Every text that comes from an input file goes through ``md_text`` (or ``cell`` in a table) before it
reaches a page. Links are written from the docs root (``/instrument.md#q-q11``); MkDocs resolves them
(``validation: links: absolute_links: relative_to_docs``) and checks that their targets exist.
"""
from __future__ import annotations

import re


# Characters that mean something to Markdown, its extensions (attr_list, abbr, footnotes, tables,
# admonitions), HTML or Jinja. Data text carries them as numeric character references: the page shows
# the character, and nothing downstream (Markdown, the browser, mkdocs-macros) can act on it.
_ENTITY = {c: f"&#{ord(c)};" for c in "&<>\\`*_{}[]()#!|~^\"'"}
_SPECIAL = re.compile("[" + re.escape("".join(_ENTITY)) + "]")
_LINE_START = re.compile(r"^(?:(\d+)\.|([-+=?]))")  # an ordered or bulleted list, a setext line, ???


def md_text(text) -> str:
    """Data text (participants' words, labels, titles) as inert Markdown on one line.

    Whitespace runs (newlines included) become one space, so data can never start a block of its own;
    every character Markdown, HTML or a template could act on becomes a character reference.
    """
    s = _SPECIAL.sub(lambda m: _ENTITY[m.group(0)], " ".join(str(text).split()))
    return _LINE_START.sub(lambda m: f"{m.group(1)}&#46;" if m.group(1) else f"&#{ord(m.group(2))};", s)


def html_title(text) -> str:
    """Data text as a page or nav title: MkDocs themes put titles into the HTML as they are (and
    Material's ``striptags`` turns references back into characters), so ``<``, ``>`` and quotes are
    escaped, and ``&`` where it would start a character reference."""
    s = " ".join(str(text).split())
    s = re.sub(r"&(?=#?\w+;)", "&amp;", s)
    return s.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def cell(text) -> str:
    """A value (already Markdown) safe inside a table cell: one line, no column separator."""
    return " ".join(str(text).split()).replace("|", "&#124;")


def csv_cell(value):
    """A value safe in a CSV download: text a spreadsheet would run as a formula gets a leading '."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def pct(share) -> str:
    """A share as the site shows it: a whole percentage, or a dash when nobody answered."""
    return f"{share.rounded}%" if share.of else "–"


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def question_anchor(qid: str) -> str:
    return f"q-{qid.lower()}"


def table(header: list[str], rows: list[list], align: list[str] | None = None) -> str:
    align = align or ["l"] + ["r"] * (len(header) - 1)
    sep = ["---:" if a == "r" else ":---" for a in align]
    lines = ["| " + " | ".join(cell(h) for h in header) + " |", "| " + " | ".join(sep) + " |"]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)
