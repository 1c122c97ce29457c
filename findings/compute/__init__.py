"""Compute: the loaded inputs -> every result the site shows, each computed once, as typed values.

``compute(inputs) -> Results``. Pure: no file is read or written here.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from ..errors import DataError, Problem, display_path
from . import disclosure
from . import questions as q
from .stats import Share
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


def _row(counts: list[int], rule: disclosure.Rule) -> tuple:
    """The disclosure rule on one row of counts published with its total."""
    markers = disclosure.protect(counts, rule)
    if disclosure.determinable(counts, markers, rule):
        # the published total still gives a small count away (e.g. 3, 1, 1 of 5): no count is shown,
        # and none is marked as small, so the total tells nothing
        markers = (disclosure.SECONDARY,) * len(counts)
    return markers


def _hide(options, markers, rule: disclosure.Rule) -> tuple:
    """Each option with the rule's words for its marker; a count typed in an option's text box that
    is itself small, or belongs to a hidden count, is not published either."""
    return tuple(replace(o, hidden=disclosure.shown_as(m, rule),
                         typed=None if o.typed is not None and (m or 0 < o.typed < rule.threshold)
                         else o.typed)
                 for o, m in zip(options, markers))


def _protect_choice(result: q.ChoiceResult, rule: disclosure.Rule) -> q.ChoiceResult:
    """Two totals are published: those who gave a substantive answer (the percentages' denominator)
    and those who answered, so the substantive and the non-substantive options are each a row with
    its own total. When the non-substantive answers are one option too small to show, their total
    would give it away: then the percentages are of everyone who answered and the rule applies to
    the whole row at once, as one total."""
    options = result.options
    counts = [o.share.count for o in options]
    apart = [i for i, o in enumerate(options) if o.nonsubstantive]
    on_scale = [i for i, o in enumerate(options) if not o.nonsubstantive]
    apart_total = sum(counts[i] for i in apart)
    if not apart_total:
        return replace(result, options=_hide(options, _row(counts, rule), rule))
    if len(apart) == 1 and 0 < apart_total < rule.threshold:
        rebased = tuple(replace(o, share=Share(o.share.count, result.answered)) for o in options)
        return replace(result, options=_hide(rebased, _row(counts, rule), rule),
                       nonsubstantive_in_percentages=True)
    markers = [None] * len(options)
    for group in (on_scale, apart):
        for i, m in zip(group, _row([counts[i] for i in group], rule)):
            markers[i] = m
    return replace(result, options=_hide(options, markers, rule))


def _protect_multiple(result: q.MultipleChoiceResult, rule: disclosure.Rule) -> q.MultipleChoiceResult:
    """Options of a multi-select question are not exclusive, so their counts have no sum; but every
    one of the ``in_percentages`` respondents chose at least one substantive option (and everyone
    else who answered a non-substantive one), so the hidden counts together make up at least what
    the shown ones leave. When that floor (or the group's size) pins a small count down, every count
    of the question is hidden."""
    t = rule.threshold
    counts = [o.share.count for o in result.options]
    markers = [disclosure.PRIMARY if 0 < c < t else None for c in counts]
    if t <= 1 or disclosure.PRIMARY not in markers:
        return result
    groups = ([i for i, o in enumerate(result.options) if not o.nonsubstantive], result.substantive,
              result.substantive), \
        ([i for i, o in enumerate(result.options) if o.nonsubstantive],
         result.answered - result.substantive, result.answered)
    for members, floor, ceiling in groups:
        hidden = [i for i in members if markers[i]]
        if not hidden:
            continue
        left = floor - sum(counts[i] for i in members if not markers[i])
        lowest = max(1, left - (len(hidden) - 1) * (t - 1))
        if lowest >= min(t - 1, ceiling):
            markers = [disclosure.SECONDARY] * len(counts)
            break
    hidden_options = _hide(result.options, markers, rule)
    by_label = {o.label: o for o in hidden_options}
    charted = result.charted
    charted = replace(charted, listed=tuple(by_label[o.label] for o in charted.listed),
                      bars=tuple(by_label[o.label] for o in charted.bars),
                      apart=tuple(by_label[o.label] for o in charted.apart),
                      others_hidden="hidden" if any(by_label[x].hidden for x in charted.others_labels)
                      else None)
    return replace(result, options=hidden_options, charted=charted)


def _protect(result, rule: disclosure.Rule, study):
    """A participant-characteristics question with the disclosure rule applied to its counts.
    Only closed questions can be: any other kind is refused with a message."""
    if isinstance(result, q.ChoiceResult):
        return _protect_choice(result, rule)
    if isinstance(result, q.MultipleChoiceResult):
        return _protect_multiple(result, rule)
    question = result.question
    why = ("its options are not available" if isinstance(result, q.UnavailableResult) else
           "it is about the survey itself (administrative)" if isinstance(result, q.AdministrativeResult)
           else f"it is a {question.type.replace('_', ' ')} question")
    raise DataError(Problem(display_path(study.path), "characteristics",
                            f"question {question.id} cannot be a participant characteristic: {why}. "
                            "The participants' table shows the counts of closed questions (single "
                            "choice, yes/no, multiple choice), with small counts hidden; remove it "
                            "from 'characteristics'"))


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
        results[qid] = _protect(results[qid], rule, study)
    hidden = {(r.question.columns[0], o.label): o.hidden for qid in study.characteristics
              for r in [results[qid]] for o in r.options if o.hidden}
    checks = check(inputs.stated_figures, data, instrument, inputs.themes, hidden, rule)
    themes = theme_results(inputs.themes, stated_theme_counts(inputs.stated_figures, data, instrument),
                           study.added_theme_pages, rule)
    finished = q.finished(data)
    return Results(
        respondents=len(data), finished=finished, questions=results,
        characteristics=tuple(results[qid] for qid in study.characteristics),
        themes=themes, stated=checks, disclosure=rule,
        stated_cells=stated_cells(inputs.stated_figures, study.characteristics),
        conflicts=_conflicts(inputs.stated_figures, checks),
        variables=prose_variables(study, meta, len(data), finished, results, themes, checks,
                                  rule.threshold))
