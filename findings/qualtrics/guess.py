"""What init guesses from words: every guess is written down for a person to review.

- ``nonsubstantive(label)``: "yes" for an answer that is no position on the question (don't know,
  not applicable, prefer not to say, no opinion, did not attempt, can't say), "maybe" for one that
  may or may not be ("not sure", "unsure": on some scales a middle point), else None.
- ``polarity(labels)``: ("bipolar", why) when the scale's points name opposites (agree ... disagree,
  satisfied ... dissatisfied, likely ... unlikely, good ... bad, "neither ... nor"), else
  ("unipolar", why).
- ``split_cell(cell, labels)``: a multi-select cell of a choice-text export (labels joined with ",",
  labels that may themselves hold commas) split against the known labels, whitespace-insensitively;
  each part with the text the export holds for it. None when the cell is no such join.
"""
from __future__ import annotations

import re
from functools import lru_cache

_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})

_NONSUBSTANTIVE = re.compile(r"""
    \bdon'?t\s+know\b | \bdo\s+not\s+know\b | \bdidn'?t\s+know\b
  | \bnot\s+applicable\b | \bn/a\b | ^n\.?a\.?\b | \bdoes\s+not\s+apply\b | \bdoesn'?t\s+apply\b
  | \bprefer\s+not\s+to\s+(?:say|answer|disclose|respond)\b | \brather\s+not\s+(?:say|answer)\b
  | \bdecline\s+to\s+(?:say|answer)\b
  | \bno\s+opinion\b | \bdid\s+not\s+attempt\b | \bdidn'?t\s+attempt\b
  | \bcan'?t\s+say\b | \bcannot\s+say\b | \bcan\s+not\s+say\b
""", re.I | re.X)
_MAYBE = re.compile(r"\bnot\s+sure\b|\bunsure\b", re.I)


def nonsubstantive(label: str) -> str | None:
    text = label.translate(_QUOTES).strip()
    if _NONSUBSTANTIVE.search(text):
        return "yes"
    if _MAYBE.search(text):
        return "maybe"
    return None


OPPOSITES = (
    ("agree", "disagree"), ("satisfied", "dissatisfied"), ("satisfied", "unsatisfied"),
    ("likely", "unlikely"), ("good", "bad"), ("positive", "negative"), ("approve", "disapprove"),
    ("support", "oppose"), ("favorable", "unfavorable"), ("favourable", "unfavourable"),
    ("acceptable", "unacceptable"), ("comfortable", "uncomfortable"), ("effective", "ineffective"),
    ("helpful", "unhelpful"), ("important", "unimportant"), ("better", "worse"),
    ("increase", "decrease"), ("increased", "decreased"), ("happy", "unhappy"), ("easy", "difficult"),
    ("appropriate", "inappropriate"), ("pleased", "displeased"), ("useful", "useless"),
)


def _words(label: str) -> set[str]:
    return set(re.findall(r"[a-z]+", label.translate(_QUOTES).lower()))


def polarity(labels: list[str]) -> tuple[str, str]:
    """The guessed polarity of a scale from its substantive points' labels, and why."""
    words = [_words(label) for label in labels]
    for a, b in OPPOSITES:
        if any(a in w for w in words) and any(b in w for w in words):
            return "bipolar", f"its points run from {a} to {b}"
    for label in labels:
        if re.search(r"\bneither\b.*\bnor\b", label, re.I):
            return "bipolar", f"it has a neutral middle point ({label!r})"
    return "unipolar", "its points name no opposites (such as agree … disagree)"


def loose(label: str) -> re.Pattern:
    """A pattern matching ``label`` whatever the whitespace (none, one or several spaces, line
    breaks, no-break spaces) between and around its characters, with straight or curly quotes."""
    parts = []
    for ch in "".join(label.translate(_QUOTES).split()):
        parts.append("['’‘`´]" if ch == "'" else re.escape(ch))
    return re.compile(r"\s*" + r"\s*".join(parts) + r"\s*")


def same_text(a: str, b: str) -> bool:
    """True when two texts differ only in whitespace and the form of their quotes."""
    return "".join(a.translate(_QUOTES).split()) == "".join(b.translate(_QUOTES).split())


def split_cell(cell: str, labels: tuple[str, ...], loose_match: bool = True) -> list[tuple[str, str]] | None:
    """``cell`` as a join of labels with ','; each part as (label, the text the cell holds for it).
    Exact labels are preferred to loose matches (``loose_match``: whitespace and quotes may differ),
    longer labels to shorter ones; None if no split."""
    def exact(label, pos):
        return pos + len(label) if cell.startswith(label, pos) else None

    found = _split(cell, labels, exact)
    if found is not None or not loose_match:
        return found

    def similar(label, pos):
        match = _loose(label).match(cell, pos)
        return match.end() if match else None

    return _split(cell, labels, similar)


@lru_cache(maxsize=4096)
def _loose(label: str) -> re.Pattern:
    return loose(label)


def _split(cell: str, labels, match) -> list[tuple[str, str]] | None:
    order = sorted(labels, key=len, reverse=True)
    memo: dict[int, list | None] = {}

    def at(pos: int) -> list | None:
        if pos == len(cell):
            return []
        if pos in memo:
            return memo[pos]
        memo[pos] = None
        for label in order:
            end = match(label, pos)
            if end is None or end == pos:
                continue
            if end == len(cell):
                rest = []
            elif cell[end] == ",":
                rest = at(end + 1)
            else:
                continue
            if rest is not None:
                memo[pos] = [(label, cell[pos:end].strip())] + rest
                break
        return memo[pos]

    return at(0) if cell else None
