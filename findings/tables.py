"""Computations over the responses: counts, percentages and denominators. Pure functions, no I/O.

Every percentage is over the question's own denominator: the respondents who answered it.
Those who did not answer (they skipped it, or stopped before reaching it) are counted apart.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

CLOSED_TYPES = {"single_choice", "multiple_choice", "yes_no", "matrix"}


def pct(count: int, denominator: int) -> float:
    """Percentage, unrounded; 0 when the denominator is 0."""
    return 100.0 * count / denominator if denominator else 0.0


def round_half_up(value: float, digits: int = 0) -> float | int:
    """Round as people do (12.5 -> 13), not as Python's banker's rounding does (12.5 -> 12)."""
    quant = Decimal(1).scaleb(-digits)
    rounded = Decimal(repr(value)).quantize(quant, rounding=ROUND_HALF_UP)
    return int(rounded) if digits == 0 else float(rounded)


def fmt_pct(value: float) -> str:
    """A percentage for display: whole numbers, as the manuscript reports them."""
    return f"{round_half_up(value)}%"


def answered_mask(series: pd.Series) -> pd.Series:
    """True where the respondent gave an answer (not missing, not blank)."""
    return series.notna() & (series.astype("string").str.strip() != "")


@dataclass(frozen=True)
class QuestionTable:
    """The counts of one closed question (or one matrix item) over its own denominator."""

    question_id: str
    title: str  # the question's wording, or the matrix item's label
    counts: pd.DataFrame  # columns: option, count, percent, nonsubstantive
    answered: int
    not_answered: int
    respondents: int


def single_choice_table(responses: pd.DataFrame, question, column: str | None = None,
                        options=None, title: str | None = None) -> QuestionTable:
    """Counts of each option of a single-choice (or yes/no, or one matrix row) column."""
    column = column or question.columns[0]
    options = options if options is not None else question.options
    series = responses[column]
    mask = answered_mask(series)
    answered = int(mask.sum())
    values = series[mask]
    rows = []
    for option in options:
        n = int((values == option.label).sum())
        rows.append({"option": option.label, "count": n, "percent": pct(n, answered),
                     "nonsubstantive": bool(option.nonsubstantive)})
    counts = pd.DataFrame(rows, columns=["option", "count", "percent", "nonsubstantive"])
    return QuestionTable(question.id, title or question.text, counts, answered,
                         len(series) - answered, len(series))


def matrix_table(responses: pd.DataFrame, question) -> pd.DataFrame:
    """A Likert-type matrix: one row per item, one column per scale point, with answered counts.

    Columns: item, column, <each scale label> (counts), answered. Items with a text column only
    (an "Other (please specify)" row) are included; their rating column is counted like the rest.
    """
    rows = []
    for item in question.items:
        series = responses[item.column]
        mask = answered_mask(series)
        row = {"item": item.label, "column": item.column}
        for point in question.scale:
            row[point.label] = int((series[mask] == point.label).sum())
        row["answered"] = int(mask.sum())
        rows.append(row)
    return pd.DataFrame(rows)


def matrix_percentages(matrix: pd.DataFrame, scale_labels: list[str]) -> pd.DataFrame:
    """Row percentages of a matrix table, each over that item's own answered count."""
    out = matrix[["item"]].copy()
    for label in scale_labels:
        out[label] = [pct(c, n) for c, n in zip(matrix[label], matrix["answered"])]
    out["answered"] = matrix["answered"]
    return out


def free_text_answered(responses: pd.DataFrame, columns: list[str]) -> int:
    """Respondents who answered at least one of the given free-text columns."""
    if not columns:
        return 0
    mask = pd.Series(False, index=responses.index)
    for col in columns:
        mask |= answered_mask(responses[col])
    return int(mask.sum())


def shown_to(responses: pd.DataFrame, condition) -> int:
    """How many respondents a conditional question was shown to (their answer met the condition)."""
    return int((responses[condition.question] == condition.equals).sum())


def characteristics_table(responses: pd.DataFrame, questions) -> pd.DataFrame:
    """'Table 1': every option of each characteristics question, stacked, with per-question n.

    Columns: question_id, question, option, count, percent, answered.
    """
    frames = []
    for q in questions:
        t = single_choice_table(responses, q)
        f = t.counts.copy()
        f.insert(0, "question", q.text)
        f.insert(0, "question_id", q.id)
        f["answered"] = t.answered
        frames.append(f)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def theme_summary(analysis) -> pd.DataFrame:
    """Distinct participants quoted per theme and sub-theme of one analysis (tree order).

    Columns: id, title, kind, depth, participants (distinct labelled participants quoted),
    quotes (number of quotes).
    """
    rows = []

    def walk(node, depth):
        for child in node.children:
            quotes = child.all_quotes()
            rows.append({"id": child.id, "title": child.title, "kind": child.kind, "depth": depth,
                         "participants": len(child.participants()), "quotes": len(quotes)})
            walk(child, depth + 1)

    walk(analysis, 0)
    return pd.DataFrame(rows, columns=["id", "title", "kind", "depth", "participants", "quotes"])


def _norm_quote(text: str) -> str:
    import re

    return re.sub(r"[^a-z0-9]+", " ", str(text).lower()).strip()


def theme_lineage(codebook) -> dict[str, list[str]]:
    """Where each code's quotes went in the next step of the analysis.

    For every node of step k, the ids of the nodes of step k+1 that hold at least one of the same
    quotes (matched on their words, ignoring case and punctuation), in document order.
    """
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
