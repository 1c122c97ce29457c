"""Question results: every count, denominator and non-response of the survey's questions, once.

Pure functions over the responses DataFrame; each returns a frozen result that pages, figures,
downloads and prose variables all read. Every percentage is over the question's own denominator:
the respondents who answered it (or, for a conditional question, see ``FreeTextResult.shown_to``).
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .stats import Share, answered_mask, count_answered


@dataclass(frozen=True)
class OptionResult:
    label: str
    share: Share  # respondents who chose it, of those who answered the question (or item)
    nonsubstantive: bool = False
    hidden: str | None = None  # shown instead of the count and share ("fewer than 3"): disclosure rule


@dataclass(frozen=True)
class ChoiceResult:
    """A closed question with one answer column."""

    question: object  # load.instrument.Question
    options: tuple[OptionResult, ...]
    answered: int
    respondents: int

    @property
    def not_answered(self) -> int:
        return self.respondents - self.answered

    @property
    def top(self) -> str | None:
        """The most chosen option (the first in survey order on a tie); None if nobody answered."""
        if not self.answered or not self.options:
            return None
        return max(self.options, key=lambda o: o.share.count).label


@dataclass(frozen=True)
class ItemResult:
    """One row of a matrix: how many rated it, and how many chose each scale point."""

    label: str
    column: str
    points: tuple[OptionResult, ...]
    answered: int


@dataclass(frozen=True)
class MatrixResult:
    question: object
    items: tuple[ItemResult, ...]
    scale: tuple[str, ...]
    answered_any: int  # respondents who rated at least one item
    respondents: int

    @property
    def not_answered(self) -> int:
        return self.respondents - self.answered_any

    @property
    def top_point(self) -> str | None:
        return self.scale[-1] if self.scale else None

    def ranked_by_top_point(self) -> tuple[ItemResult, ...]:
        """Items by how many chose the top scale point, most first (ties keep survey order)."""
        return tuple(sorted(self.items, key=lambda i: -i.points[-1].share.count)) if self.scale \
            else self.items


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
class UnavailableResult:
    """A question whose items or options were lost: no result can be computed."""

    question: object


QuestionResult = ChoiceResult | MatrixResult | FreeTextResult | UnavailableResult


def _option_results(series: pd.Series, options) -> tuple[tuple[OptionResult, ...], int]:
    mask = answered_mask(series)
    answered = int(mask.sum())
    values = series[mask]
    return tuple(OptionResult(o.label, Share(int((values == o.label).sum()), answered),
                              bool(o.nonsubstantive)) for o in options), answered


def choice_result(data: pd.DataFrame, question) -> ChoiceResult:
    options, answered = _option_results(data[question.columns[0]], question.options)
    return ChoiceResult(question, options, answered, len(data))


def matrix_result(data: pd.DataFrame, question) -> MatrixResult:
    items = []
    for item in question.items:
        points, answered = _option_results(data[item.column], question.scale)
        items.append(ItemResult(item.label, item.column, points, answered))
    return MatrixResult(question, tuple(items), tuple(p.label for p in question.scale),
                        count_answered(data, [i.column for i in question.items]), len(data))


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
    if question.type == "matrix":
        return matrix_result(data, question)
    if question.type == "free_text":
        return free_text_result(data, question, not_reconstructed)
    return choice_result(data, question)


def finished(data: pd.DataFrame) -> int:
    return int(data["finished"].sum())

