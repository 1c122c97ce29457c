"""The arithmetic every result is built from: answered masks, counts, shares, rounding.

Every percentage on the site is a ``Share``: a count over its own denominator. Nothing outside the
compute stage divides.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd


def round_half_up(value: float, digits: int = 0) -> float | int:
    """Round as people do (12.5 -> 13), not as Python's banker's rounding does (12.5 -> 12)."""
    quant = Decimal(1).scaleb(-digits)
    rounded = Decimal(repr(float(value))).quantize(quant, rounding=ROUND_HALF_UP)
    return int(rounded) if digits == 0 else float(rounded)


@dataclass(frozen=True)
class Share:
    """``count`` of ``of``: a number with its denominator, and the percentage they make."""

    count: int
    of: int

    @property
    def percent(self) -> float:
        """Unrounded; 0 when the denominator is 0."""
        return 100.0 * self.count / self.of if self.of else 0.0

    @property
    def rounded(self) -> int:
        """Whole-number percentage, rounded half up (as the manuscript reports them)."""
        return round_half_up(self.percent)

    @property
    def one_decimal(self) -> float:
        return round_half_up(self.percent, 1)


def answered_mask(series: pd.Series) -> pd.Series:
    """True where the respondent gave an answer (not missing, not blank)."""
    return series.notna() & (series.astype("string").str.strip() != "")


def answered_any_mask(data: pd.DataFrame, columns) -> pd.Series:
    """True where the respondent answered at least one of ``columns``."""
    mask = pd.Series(False, index=data.index)
    for column in columns:
        mask |= answered_mask(data[column])
    return mask


def count_answered(data: pd.DataFrame, columns) -> int:
    """Respondents who answered at least one of ``columns``."""
    return int(answered_any_mask(data, columns).sum())


def count_chosen(data: pd.DataFrame, column: str, labels) -> int:
    """Respondents whose answer in ``column`` is one of ``labels``."""
    return int(data[column].isin(list(labels)).sum())
