"""Theme results: how many participants and quotes each code holds, which final themes get a page,
and where each code's quotes went in the next step of the analysis.

Two kinds of codebook count differently (``ThemeCodebook.all_codings``):

- ``themes.yaml`` holds the published quotes alone: a theme's participants are those its quotes
  name, and the count the paper states (``stated``) is the one readers are given;
- a project from the team's analysis tool holds every coding: a theme's respondents are all those
  coded under it and its sub-themes (``coded``), its quotes the passages the team chose to publish.
  Such a count is a count of people, so the disclosure rule applies: 1 .. threshold-1 is shown as
  "fewer than N" (``hidden``). Only the rule's primary suppression applies: a respondent can be
  coded under several themes, so the counts of a theme's sub-themes have no total to work back from.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from . import disclosure


@dataclass(frozen=True)
class NodeResult:
    """One code of the qualitative codebook, counted once."""

    node: object  # load.themes.Node
    # distinct participants its published quotes name by a label, in it and beneath it (themes.yaml:
    # also those the codebook counts there without a quote, ``Node.coded``, which it never has)
    participants: int
    quotes: int  # quotes in it and beneath it
    stated: int | None  # participants coded to it according to the manuscript, where stated
    depth: int = 0  # depth below its analysis (0: a child of the analysis)
    stated_of: int | None = None  # of how many (those who answered the question), where stated
    # respondents coded under it and beneath it by every coding of the team's analysis tool; None
    # when the codebook holds no codings (themes.yaml, a bare .qdc)
    coded: int | None = None
    hidden: str | None = None  # the disclosure rule's words shown in place of ``coded`` ("fewer than 3")
    quoted: int | None = None  # with ``coded``: the answers its published quotes come from

    @property
    def coded_shown(self) -> str:
        """The count of respondents coded as a page shows it: the number, or the rule's words."""
        return self.hidden or ("" if self.coded is None else str(self.coded))


@dataclass(frozen=True)
class ThemePage:
    """A final theme that gets a page of its own."""

    node: object
    analysis: object
    group: object | None  # the group it sits in, if any
    added_from: object | None = None  # the earlier analysis it comes from, when study.yml adds it


@dataclass(frozen=True)
class ThemeResults:
    nodes: dict  # node id -> NodeResult, for every node of every step
    pages: tuple[ThemePage, ...]  # final themes, in document order
    page_of: dict  # node id -> ThemePage holding it (every node beneath a final theme)
    summaries: dict  # final analysis id -> tuple[NodeResult, ...] in tree order
    lineage: dict  # node id -> ids of the next step's nodes holding the same quotes
    by_question: dict  # question id -> tuple[ThemePage, ...] holding answers to that question
    labels_of: dict = None  # quote words (normalised) -> every label the appendix prints them with
    all_codings: bool = False  # counted from every coding of the team's analysis tool (``coded``)


def _norm_quote(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", str(text).lower()).strip()


def quote_key(quote) -> str:
    """The same words, wherever the appendix prints them (case and punctuation ignored)."""
    return _norm_quote(quote.text)


def theme_lineage(codebook) -> dict[str, list[str]]:
    """For every node of step k, the ids of the nodes of step k+1 holding at least one of the same
    quotes (matched on their words, ignoring case and punctuation), in document order."""
    steps = list(codebook.steps)
    out: dict[str, list[str]] = {}
    for earlier, later in zip(steps, steps[1:]):
        holders: dict[str, list[str]] = {}
        for node in list(later.walk())[1:]:
            for q in node.quotes:
                holders.setdefault(_norm_quote(q.text), []).append(node.id)
        for node in list(earlier.walk())[1:]:
            targets: list[str] = []
            for q in node.all_quotes():
                for nid in holders.get(_norm_quote(q.text), []):
                    if nid not in targets:
                        targets.append(nid)
            if targets:
                out[node.id] = targets
    return out


def _theme_pages(codebook, added: dict[str, list[str]]) -> list[ThemePage]:
    """A page per theme of each final analysis, in codebook order; after each analysis or group, the
    themes of earlier steps that study.yml adds to it (``added_theme_pages``)."""
    analysis_of = {n.id: a for a in codebook.analyses() for n in a.walk()}

    def extra(where, analysis, group):
        return [ThemePage(codebook.node(i), analysis, group, analysis_of.get(i)) for i in added.get(where, [])]

    pages = []
    for analysis in codebook.final_analyses():
        for child in analysis.children:
            if child.kind == "group":
                pages += [ThemePage(theme, analysis, child) for theme in child.children]
                pages += extra(child.id, analysis, child)
            else:
                pages.append(ThemePage(child, analysis, None))
        pages += extra(analysis.id, analysis, None)
    return pages


def small_count(count: int, rule: disclosure.Rule | None) -> str | None:
    """The disclosure rule's words for one count of people published on its own (no total to work
    back from, so only the rule's primary suppression applies); None when the count is shown."""
    if rule is None:
        return None
    marker, = disclosure.protect([count], rule, total_published=False)
    return disclosure.shown_as(marker, rule)


def _node_result(node, stated: int | None, of: int | None, all_codings: bool,
                 rule: disclosure.Rule | None) -> NodeResult:
    quotes = node.all_quotes()
    if not all_codings:
        return NodeResult(node, len(node.participants()), len(quotes), stated, stated_of=of)
    coded = len(node.participants())  # the quotes' respondents and every other one coded there
    named = len({q.participant for q in quotes if q.participant and q.label})
    return NodeResult(node, named, len(quotes), stated, stated_of=of, coded=coded,
                      hidden=small_count(coded, rule), quoted=_answers(quotes))


def _answers(quotes) -> int:
    """The answers quotes come from: one per respondent and question (two passages of one answer
    are one answer), and each quote without a respondent on its own."""
    return len({(q.participant, q.question) if q.participant else ("", i) for i, q in enumerate(quotes)})


def theme_results(codebook, stated_counts: dict[str, tuple[int, int | None]],
                  added_pages: dict[str, list[str]] | None = None,
                  rule: disclosure.Rule | None = None) -> ThemeResults:
    """``stated_counts``: node id -> (participants the manuscript counts in it, of how many);
    ``added_pages``: study.yml's ``added_theme_pages``; ``rule``: the disclosure rule, applied to
    the counts of respondents coded in the team's analysis tool."""
    all_codings = codebook.all_codings
    nodes: dict[str, NodeResult] = {}
    for step in codebook.steps:
        for node in step.walk():
            stated, of = stated_counts.get(node.id, (None, None))
            nodes[node.id] = _node_result(node, stated, of, all_codings, rule)
    final = codebook.final_analyses()
    summaries = {}
    for analysis in final:
        rows: list[NodeResult] = []

        def walk(node, depth):
            for child in node.children:
                rows.append(replace(nodes[child.id], depth=depth))
                walk(child, depth + 1)

        walk(analysis, 0)
        summaries[analysis.id] = tuple(rows)
    pages = _theme_pages(codebook, added_pages or {})
    page_of = {n.id: page for page in pages for n in page.node.walk()}
    by_question: dict[str, list[ThemePage]] = {}  # from the quotes: the themes coded to each question
    for page in pages:
        for q in dict.fromkeys(quote.question for quote in page.node.all_quotes() if quote.question):
            by_question.setdefault(q, []).append(page)
    labels_of: dict[str, list[str]] = {}
    for step in codebook.steps:
        for quote in step.all_quotes():
            labels = labels_of.setdefault(quote_key(quote), [])
            if quote.label and quote.label not in labels:
                labels.append(quote.label)
    return ThemeResults(nodes, tuple(pages), page_of, summaries, theme_lineage(codebook),
                        {q: tuple(p) for q, p in by_question.items()},
                        {k: tuple(v) for k, v in labels_of.items()}, all_codings)
