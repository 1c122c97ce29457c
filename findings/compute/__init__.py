"""Compute: the loaded inputs -> every result the site shows, each computed once, as typed values.

``compute(inputs) -> Results``. Pure: no file is read or written here.
"""
from __future__ import annotations

from dataclasses import dataclass

from . import questions as q
from .stated import StatedCheck, check, stated_theme_counts
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


def compute(inputs) -> Results:
    study, instrument, meta = inputs.study, inputs.instrument, inputs.responses.meta
    data = inputs.responses.data
    not_reconstructed = set(meta.not_reconstructed_columns)
    wanted = [qid for s in study.sections for qid in s.questions]
    wanted += [qid for qid in study.characteristics if qid not in wanted]
    results = {qid: q.question_result(data, instrument.question(qid), not_reconstructed)
               for qid in wanted}
    checks = check(inputs.stated_figures, data, instrument, inputs.themes)
    themes = theme_results(inputs.themes, stated_theme_counts(inputs.stated_figures))
    finished = q.finished(data)
    return Results(
        respondents=len(data), finished=finished, questions=results,
        characteristics=tuple(results[qid] for qid in study.characteristics),
        themes=themes, stated=checks,
        variables=prose_variables(study, meta, len(data), finished, results, themes, checks))
