"""Compute: the loaded inputs -> every result the site shows, each computed once, as typed values.

``compute(inputs) -> Results``. Pure: no file is read or written here.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from . import disclosure
from . import questions as q
from .stated import StatedCheck, check, stated_cells, stated_theme_counts
from .themes import ThemeResults, theme_results
from .variables import prose_variables


@dataclass(frozen=True)
class Results:
    respondents: int
    finished: int
    questions: dict  # question id -> QuestionResult, for every question of a results section
    characteristics: tuple  # ChoiceResult of each participant-characteristics question
    themes: ThemeResults
    stated: tuple[StatedCheck, ...]
    variables: dict  # what prose pages read through the macros
    disclosure: disclosure.Rule  # applied to the counts of the participant-characteristics questions
    # (question id, option) of the participant-characteristics counts the manuscript states (Table 1)
    stated_cells: frozenset = frozenset()
    conflicts: dict = None  # question id -> the stated figures about it the paper contradicts


def _protect(result, rule: disclosure.Rule):
    """A participant-characteristics question with the disclosure rule applied to its counts."""
    if not isinstance(result, q.ChoiceResult):
        return result
    counts = [o.share.count for o in result.options]
    markers = disclosure.protect(counts, rule)
    if disclosure.determinable(counts, markers, rule):
        # the published total still gives a small count away (e.g. 3, 1, 1 of 5): no count is shown,
        # and none is marked as small, so the total tells nothing
        markers = (disclosure.SECONDARY,) * len(counts)
    return replace(result, options=tuple(replace(o, hidden=disclosure.shown_as(m, rule))
                                         for o, m in zip(result.options, markers)))


def _conflicts(figures, checks) -> dict:
    """Question id -> the checks of stated figures about it that the paper itself contradicts."""
    out: dict = {}
    for f, c in zip(figures, checks):
        if c.status == "documented conflict" and f.compute.get("question"):
            out.setdefault(f.compute["question"], []).append(c)
    return {qid: tuple(cs) for qid, cs in out.items()}


def compute(inputs) -> Results:
    study, instrument, meta = inputs.study, inputs.instrument, inputs.responses.meta
    data = inputs.responses.data
    not_reconstructed = set(meta.not_reconstructed_columns)
    wanted = [qid for s in study.sections for qid in s.questions]
    wanted += [qid for qid in study.characteristics if qid not in wanted]
    results = {qid: q.question_result(data, instrument.question(qid), not_reconstructed)
               for qid in wanted}
    rule = disclosure.Rule(study.disclosure_threshold)
    for qid in study.characteristics:
        results[qid] = _protect(results[qid], rule)
    hidden = {(r.question.columns[0], o.label): o.hidden for qid in study.characteristics
              for r in [results[qid]] if isinstance(r, q.ChoiceResult) for o in r.options if o.hidden}
    checks = check(inputs.stated_figures, data, instrument, inputs.themes, hidden)
    themes = theme_results(inputs.themes, stated_theme_counts(inputs.stated_figures, data, instrument),
                           study.added_theme_pages)
    finished = q.finished(data)
    return Results(
        respondents=len(data), finished=finished, questions=results,
        characteristics=tuple(results[qid] for qid in study.characteristics),
        themes=themes, stated=checks, disclosure=rule,
        stated_cells=stated_cells(inputs.stated_figures, study.characteristics),
        conflicts=_conflicts(inputs.stated_figures, checks),
        variables=prose_variables(study, meta, len(data), finished, results, themes, checks,
                                  rule.threshold))
