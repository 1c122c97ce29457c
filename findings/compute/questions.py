"""Question results: every count, denominator and non-response of the survey's questions, once.

Pure functions over the responses DataFrame (the responses contract: ``findings/load/responses.py``);
each returns a frozen result that pages, figures, downloads and prose variables all read. Every
percentage is over the question's own denominator: the respondents who answered it (or, for a
conditional question, see ``FreeTextResult.shown_to``).

Non-substantive options (``Option.nonsubstantive``: don't know, not applicable, prefer not to
say) are counted apart: the percentages of the other options are of those who gave one of the other
answers (``in_percentages``), and a non-substantive option's share is of everyone who answered. A
matrix's scale is likewise the substantive points only.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from .stats import Share, Summary, count_answered, per_value_mask, summarise, value_counts

MANY_OPTIONS = 10  # a question with more options than this leaves those nobody chose out
CHART_BARS = 25  # at most this many bars in a chart: the most chosen, then one bar for the others


@dataclass(frozen=True)
class OptionResult:
    label: str
    # respondents who chose it, of those who gave a substantive answer to the question (or item);
    # a non-substantive option: of everyone who answered it
    share: Share
    nonsubstantive: bool = False
    hidden: str | None = None  # shown instead of the count and share ("fewer than 3"): disclosure rule
    # an option with a text box ("Other, please specify"): respondents who typed something in it
    # (seen-but-unanswered codes such as -99 are no text); None for an option without a box
    typed: int | None = None


@dataclass(frozen=True)
class Charted:
    """What a closed question's chart and table show of its options.

    ``listed``: the substantive options of the table (all, except those nobody chose when the
    question has many options: ``unchosen``); ``bars``: those drawn, at most ``CHART_BARS`` with
    ``others``; ``others``: the options past that, drawn as one bar (respondents who chose any of
    them, of the same denominator), with their labels in ``others_labels``; ``apart``: the
    non-substantive options, tabled and drawn apart, never in the percentages."""

    listed: tuple[OptionResult, ...]
    bars: tuple[OptionResult, ...]
    apart: tuple[OptionResult, ...]
    unchosen: tuple[str, ...] = ()
    others: Share | None = None
    others_labels: tuple[str, ...] = ()
    others_hidden: str | None = None  # the disclosure rule's words when a count inside is hidden


def _ranked(options) -> list[OptionResult]:
    """Most chosen first, ties in option order; a count the disclosure rule hides goes last (its
    place in the ranking would tell something about it)."""
    return sorted(options, key=lambda o: (o.hidden is not None, -o.share.count))


def _charted(options, by_count: bool, others_share=None) -> Charted:
    """``others_share(options)``: the Share of respondents who chose any of ``options`` (the sum of
    their counts, for a single-choice question)."""
    substantive = [o for o in options if not o.nonsubstantive]
    apart = tuple(o for o in options if o.nonsubstantive)
    unchosen: tuple[str, ...] = ()
    if len(substantive) > MANY_OPTIONS:
        unchosen = tuple(o.label for o in substantive if o.share.count == 0 and not o.hidden)
        substantive = [o for o in substantive if o.label not in unchosen]
    listed = tuple(_ranked(substantive) if by_count else substantive)
    if len(listed) <= CHART_BARS:
        return Charted(listed, listed, apart, unchosen)
    ranked = _ranked(listed)
    bars, rest = tuple(ranked[:CHART_BARS - 1]), ranked[CHART_BARS - 1:]
    hidden = next((o.hidden for o in rest if o.hidden), None)
    share = (others_share or _summed)(rest)
    return Charted(listed, bars, apart, unchosen, share, tuple(o.label for o in rest),
                   "hidden" if hidden else None)


def _summed(options) -> Share:
    """Respondents who chose any of ``options`` of a single-choice question: one answer each."""
    return Share(sum(o.share.count for o in options), options[0].share.of)


@dataclass(frozen=True)
class ChoiceResult:
    """A closed question with one answer column (single choice, yes/no, a dropdown)."""

    question: object  # load.instrument.Question
    options: tuple[OptionResult, ...]
    answered: int  # respondents who gave any answer, non-substantive ones included
    respondents: int
    substantive: int | None = None  # who gave a substantive answer (None: every answer is)
    # True when the disclosure rule keeps the non-substantive answers in the denominator (a
    # participant characteristic whose non-substantive answers are too few to be told apart)
    nonsubstantive_in_percentages: bool = False

    @property
    def not_answered(self) -> int:
        return self.respondents - self.answered

    @property
    def in_percentages(self) -> int:
        """The denominator of the substantive options' percentages (everyone who answered, when
        the disclosure rule keeps the non-substantive answers in it)."""
        if self.substantive is None or self.nonsubstantive_in_percentages:
            return self.answered
        return self.substantive

    @property
    def top(self) -> str | None:
        """The most chosen substantive option (the first in survey order on a tie); None if nobody
        gave a substantive answer."""
        substantive = [o for o in self.options if not o.nonsubstantive]
        if not substantive or not max(o.share.count for o in substantive):
            return None
        return max(substantive, key=lambda o: o.share.count).label

    @property
    def charted(self) -> Charted:
        return _charted(self.options, by_count=False)


@dataclass(frozen=True)
class MultipleChoiceResult:
    """A question where several options may be chosen: per option, the respondents who chose it,
    of those who answered the question (who chose at least one option). Shares add to more than
    100%."""

    question: object
    options: tuple[OptionResult, ...]  # in option order
    answered: int  # chose at least one option, non-substantive ones included
    respondents: int
    substantive: int  # chose at least one substantive option: the denominator of the percentages
    charted: Charted  # options by count, most chosen first (ties in option order)

    @property
    def not_answered(self) -> int:
        return self.respondents - self.answered

    @property
    def in_percentages(self) -> int:
        return self.substantive

    @property
    def ranked(self) -> tuple[OptionResult, ...]:
        return tuple(_ranked([o for o in self.options if not o.nonsubstantive]))

    @property
    def top(self) -> str | None:
        ranked = self.ranked
        return ranked[0].label if ranked and ranked[0].share.count else None


@dataclass(frozen=True)
class ItemResult:
    """One row of a matrix: how many rated it, and how many chose each scale point."""

    label: str
    column: str
    points: tuple[OptionResult, ...]
    answered: int  # rated it, non-substantive points included
    substantive: int | None = None  # rated it on the scale (None: every point is on the scale)

    @property
    def on_scale(self) -> int:
        return self.answered if self.substantive is None else self.substantive


@dataclass(frozen=True)
class MatrixResult:
    question: object
    items: tuple[ItemResult, ...]
    scale: tuple[str, ...]  # every point, non-substantive ones included, in the codebook's order
    answered_any: int  # respondents who rated at least one item
    respondents: int

    @property
    def not_answered(self) -> int:
        return self.respondents - self.answered_any

    @property
    def nonsubstantive(self) -> tuple[bool, ...]:
        if self.items:
            return tuple(bool(p.nonsubstantive) for p in self.items[0].points)
        return tuple(bool(getattr(o, "nonsubstantive", False))
                     for o in getattr(self.question, "scale", ())) or (False,) * len(self.scale)

    @property
    def top_index(self) -> int | None:
        """The position of the scale's top point: its last substantive point."""
        on_scale = [j for j, ns in enumerate(self.nonsubstantive) if not ns]
        return on_scale[-1] if on_scale else None

    @property
    def top_point(self) -> str | None:
        j = self.top_index
        return None if j is None else self.scale[j]

    def ranked_by_top_point(self) -> tuple[ItemResult, ...]:
        """Items by how many chose the top scale point, most first (ties keep survey order)."""
        j = self.top_index
        return self.items if j is None else tuple(sorted(self.items,
                                                         key=lambda i: -i.points[j].share.count))


@dataclass(frozen=True)
class NumberItem:
    """One column of numbers: its label (the question's text for a one-column question)."""

    label: str
    column: str
    summary: Summary | None  # None when nobody gave a number

    @property
    def answered(self) -> int:
        return self.summary.n if self.summary else 0


@dataclass(frozen=True)
class NumberResult:
    """Typed numbers (one column, or items such as a constant sum or sliders)."""

    question: object
    items: tuple[NumberItem, ...]
    answered_any: int  # gave at least one number
    respondents: int

    @property
    def answered(self) -> int:
        return self.answered_any

    @property
    def not_answered(self) -> int:
        return self.respondents - self.answered_any


@dataclass(frozen=True)
class FreeTextResult:
    question: object
    answered: int
    respondents: int
    in_data: bool  # False when the data hold no answers to it at all (not reconstructed)
    shown_to: int | None = None  # conditional question: how many met its condition

    @property
    def not_answered(self) -> int:
        return self.respondents - self.answered


@dataclass(frozen=True)
class AdministrativeResult:
    """A question about the survey itself ("would you like a copy of the results?"): only how many
    answered it; it is listed, not charted or tabled as a finding."""

    question: object
    answered: int
    respondents: int

    @property
    def not_answered(self) -> int:
        return self.respondents - self.answered


@dataclass(frozen=True)
class UnavailableResult:
    """A question whose items or options were lost: no result can be computed."""

    question: object


QuestionResult = (ChoiceResult | MultipleChoiceResult | MatrixResult | NumberResult | FreeTextResult
                  | AdministrativeResult | UnavailableResult)

# Why a question has no result to show (``empty_reason``)
UNAVAILABLE, NOT_IN_DATA, NOBODY = "unavailable", "not in the data", "nobody answered"


def empty_reason(result) -> str | None:
    """UNAVAILABLE, NOT_IN_DATA or NOBODY when the result has nothing to show; None otherwise.
    An administrative question is listed whatever its count, so it is never empty."""
    if isinstance(result, UnavailableResult):
        return UNAVAILABLE
    if isinstance(result, AdministrativeResult):
        return None
    if isinstance(result, FreeTextResult) and not result.in_data:
        return NOT_IN_DATA
    answered = result.answered_any if isinstance(result, MatrixResult) else result.answered
    return NOBODY if answered == 0 else None


# ---------------------------------------------------------------- counting

def _option_results(series: pd.Series, options) -> tuple[tuple[OptionResult, ...], int, int]:
    """Each option's count over its denominator; (options, answered, answered substantively)."""
    given = value_counts(series)
    counts = [given.get(o.label, 0) for o in options]
    answered = sum(given.values())
    substantive = sum(c for c, o in zip(counts, options) if not o.nonsubstantive)
    return tuple(OptionResult(o.label, Share(c, answered if o.nonsubstantive else substantive),
                              bool(o.nonsubstantive)) for o, c in zip(options, counts)), \
        answered, substantive


def _with_typed(data: pd.DataFrame, question, options: tuple) -> tuple:
    """Each option with a text box gets the number of respondents who typed in it."""
    boxes = {o.label: o.text_column for o in question.options if o.text_column}
    return tuple(replace(o, typed=count_answered(data, [boxes[o.label]])) if o.label in boxes else o
                 for o in options)


def choice_result(data: pd.DataFrame, question) -> ChoiceResult:
    options, answered, substantive = _option_results(data[question.columns[0]], question.options)
    return ChoiceResult(question, _with_typed(data, question, options), answered, len(data), substantive)


def matrix_result(data: pd.DataFrame, question) -> MatrixResult:
    items = []
    for item in question.items:
        points, answered, substantive = _option_results(data[item.column], question.scale)
        items.append(ItemResult(item.label, item.column, points, answered, substantive))
    return MatrixResult(question, tuple(items), tuple(p.label for p in question.scale),
                        count_answered(data, [i.column for i in question.items]), len(data))


def chosen_masks(data: pd.DataFrame, question) -> dict[str, pd.Series]:
    """Option label -> True where the respondent chose it, for a multiple_choice question in either
    layout: 'columns' (1.0 chosen, 0.0 shown and not chosen, NaN not answered) or 'joined' (a tuple
    of the chosen labels, NaN when not answered)."""
    if question.layout == "columns":
        return {o.label: data[o.column].eq(1).fillna(False).astype(bool) for o in question.options}
    cells = data[question.columns[0]]
    wrong = per_value_mask(cells, lambda cell: not (isinstance(cell, (tuple, list)) or pd.isna(cell)))
    if wrong.any():
        row = wrong.idxmax()
        raise ValueError(f"question {question.id}, respondent {row}: a multiple_choice answer "
                         f"should be a tuple of option labels (the responses contract), not "
                         f"{type(cells[row]).__name__}")
    return {o.label: per_value_mask(cells, lambda cell, label=o.label: isinstance(cell, (tuple, list))
                                    and label in cell)
            for o in question.options}


def multiple_choice_result(data: pd.DataFrame, question) -> MultipleChoiceResult:
    masks = chosen_masks(data, question)

    def any_of(labels) -> pd.Series:
        """True where the respondent chose at least one of ``labels``."""
        mask = pd.Series(False, index=data.index)
        for label in labels:
            mask |= masks[label]
        return mask

    substantive_labels = [o.label for o in question.options if not o.nonsubstantive]
    answered = int(any_of(masks).sum())
    substantive = int(any_of(substantive_labels).sum())
    options = _with_typed(data, question, tuple(
        OptionResult(o.label, Share(int(masks[o.label].sum()), answered if o.nonsubstantive else substantive),
                     bool(o.nonsubstantive)) for o in question.options))

    def others(rest) -> Share:  # a person choosing two of them counts once
        return Share(int(any_of([o.label for o in rest]).sum()), substantive)

    return MultipleChoiceResult(question, options, answered, len(data), substantive,
                                _charted(options, by_count=True, others_share=others))


def number_result(data: pd.DataFrame, question) -> NumberResult:
    if question.items:
        columns = [(i.label, i.column) for i in question.items]
    else:
        columns = [(question.text, question.columns[0])]
    items = tuple(NumberItem(label, column, summarise(data[column])) for label, column in columns)
    answered = int(data[[c for _, c in columns]].notna().any(axis=1).sum())
    return NumberResult(question, items, answered, len(data))


def answered_question(data: pd.DataFrame, question) -> int:
    """Respondents who answered a question of any type (a 0/1 multiple_choice: chose something)."""
    if question.type == "multiple_choice" and question.layout == "columns":
        return multiple_choice_result(data, question).answered
    return count_answered(data, question.columns)


def administrative_result(data: pd.DataFrame, question) -> AdministrativeResult:
    return AdministrativeResult(question, answered_question(data, question), len(data))


def free_text_result(data: pd.DataFrame, question, not_reconstructed: set[str]) -> FreeTextResult:
    answered = count_answered(data, question.columns)
    in_data = answered > 0 or not set(question.columns) <= not_reconstructed
    shown = None
    if question.condition is not None:
        shown = int((data[question.condition.question] == question.condition.equals).sum())
    return FreeTextResult(question, answered, len(data), in_data, shown)


def question_result(data: pd.DataFrame, question, not_reconstructed: set[str]) -> QuestionResult:
    """The result of any question, by its type."""
    if not question.items_available:
        return UnavailableResult(question)
    if getattr(question, "administrative", False):
        return administrative_result(data, question)
    if question.type == "matrix":
        return matrix_result(data, question)
    if question.type == "free_text":
        return free_text_result(data, question, not_reconstructed)
    if question.type == "multiple_choice":
        return multiple_choice_result(data, question)
    if question.type == "number":
        return number_result(data, question)
    return choice_result(data, question)


def finished(data: pd.DataFrame) -> int:
    return int(data["finished"].sum())
