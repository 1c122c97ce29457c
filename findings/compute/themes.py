"""Theme results: how many participants and quotes each code holds, which final themes get a page,
and where each code's quotes went in the next step of the analysis."""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class NodeResult:
    """One code of the qualitative codebook, counted once."""

    node: object  # load.themes.Node
    participants: int  # distinct labelled participants quoted in it and beneath it
    quotes: int  # quotes in it and beneath it
    stated: int | None  # participants coded to it according to the manuscript, where stated
    depth: int = 0  # depth below its analysis (0: a child of the analysis)
    stated_of: int | None = None  # of how many (those who answered the question), where stated


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


def theme_results(codebook, stated_counts: dict[str, tuple[int, int | None]],
                  added_pages: dict[str, list[str]] | None = None) -> ThemeResults:
    """``stated_counts``: node id -> (participants the manuscript counts in it, of how many);
    ``added_pages``: study.yml's ``added_theme_pages``."""
    nodes: dict[str, NodeResult] = {}
    for step in codebook.steps:
        for node in step.walk():
            stated, of = stated_counts.get(node.id, (None, None))
            nodes[node.id] = NodeResult(node, len(node.participants()), len(node.all_quotes()),
                                        stated, stated_of=of)
    final = codebook.final_analyses()
    summaries = {}
    for analysis in final:
        rows: list[NodeResult] = []

        def walk(node, depth):
            for child in node.children:
                r = nodes[child.id]
                rows.append(NodeResult(r.node, r.participants, r.quotes, r.stated, depth, r.stated_of))
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
                        {k: tuple(v) for k, v in labels_of.items()})
