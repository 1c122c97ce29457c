"""Markdown building blocks: escaping of data text, tables, links, percentages for display.

Every text that comes from an input file goes through ``md_text`` (or ``cell`` in a table) before it
reaches a page. Links are written from the docs root (``/instrument.md#q-q11``); MkDocs resolves them
(``validation: links: absolute_links: relative_to_docs``) and checks that their targets exist.
"""
from __future__ import annotations

import re


def md_text(text) -> str:
    """Participant or questionnaire text safe as markdown: no accidental emphasis, links or HTML."""
    return re.sub(r"([\\`*_{}\[\]<>#|])", r"\\\1", str(text))


def cell(text) -> str:
    """Text safe inside a markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def alt_text_safe(text: str) -> str:
    return str(text).replace("[", "(").replace("]", ")").replace("\n", " ")


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
