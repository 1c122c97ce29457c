"""The arithmetic every result is built from: answered masks, counts, shares, rounding.

Every percentage on the site is a ``Share``: a count over its own denominator. Nothing outside the
compute stage divides.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
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


def distinct(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(each respondent's code into the column's distinct values, -1 where missing; the distinct
    values). A categorical column (as the loader gives labels and tuples of labels) has them
    already; any other is factorised once. Every count over a column's values is made on these:
    one look at each distinct value, and numpy over the codes."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        return series.cat.codes.to_numpy(), np.asarray(series.cat.categories, dtype=object)
    codes, values = pd.factorize(series, use_na_sentinel=True)
    return codes, np.asarray(values, dtype=object)


def _is_answer(value) -> bool:
    """A distinct value that is an answer: not missing, and not blank when made text."""
    if isinstance(value, (tuple, list)):
        return True
    return not pd.isna(value) and str(value).strip() != ""


def _spread(codes: np.ndarray, per_value: np.ndarray) -> np.ndarray:
    """A property of each distinct value, per respondent (False where missing)."""
    return np.append(per_value, False)[codes] if len(codes) else np.zeros(0, bool)


def per_value_mask(series: pd.Series, test) -> pd.Series:
    """True where the respondent's value passes ``test`` (each distinct value tested once)."""
    codes, values = distinct(series)
    per_value = np.fromiter((bool(test(v)) for v in values), bool, len(values))
    return pd.Series(_spread(codes, per_value), index=series.index)


def answered_mask(series: pd.Series) -> pd.Series:
    """True where the respondent gave an answer (not missing, not blank)."""
    if isinstance(series.dtype, pd.StringDtype):  # text (kept in Arrow by the loader): its kernels
        return (series.notna() & (series.str.strip() != "")).fillna(False).astype(bool)
    return per_value_mask(series, _is_answer)


def value_counts(series: pd.Series) -> dict:
    """Distinct answer -> respondents who gave it (answers only: missing and blank left out)."""
    codes, values = distinct(series)
    counts = np.bincount(codes[codes >= 0], minlength=len(values))
    return {v: int(c) for v, c in zip(values, counts) if c and _is_answer(v)}


def answered_any_mask(data: pd.DataFrame, columns) -> pd.Series:
    """True where the respondent answered at least one of ``columns``."""
    mask = np.zeros(len(data), bool)
    for column in columns:
        mask |= answered_mask(data[column]).to_numpy()
    return pd.Series(mask, index=data.index)


def count_answered(data: pd.DataFrame, columns) -> int:
    """Respondents who answered at least one of ``columns``."""
    return int(answered_any_mask(data, columns).sum())


def count_chosen(data: pd.DataFrame, column: str, labels) -> int:
    """Respondents whose answer in ``column`` is one of ``labels``."""
    return int(data[column].isin(list(labels)).sum())


def decimal_text(value: float, digits: int = 1) -> str:
    """A number as the site writes it: rounded half up to ``digits`` places, with no trailing zeros
    (12.0 -> '12', 3.25 -> '3.3', -0.04 -> '0')."""
    rounded = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    text = f"{rounded:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


# ---------------------------------------------------------------- numbers: summaries and bins
MAX_BINS = 20  # a histogram has at most this many bars


@dataclass(frozen=True)
class Histogram:
    """Bars of a histogram: ``edges`` (one more than ``counts``; each bin holds values from its
    left edge up to, not including, its right edge, the last bin both edges). ``whole``: one bin
    per whole number (edges at n - 0.5 and n + 0.5), labelled by that number."""

    edges: tuple[float, ...]
    counts: tuple[int, ...]
    whole: bool

    @property
    def values(self) -> tuple[int, ...]:
        """The whole number of each bin (``whole`` histograms only)."""
        return tuple(int(round(lo + 0.5)) for lo in self.edges[:-1]) if self.whole else ()


@dataclass(frozen=True)
class Summary:
    """The distribution of one column of numbers, over those who gave one."""

    n: int
    mean: float
    median: float
    minimum: float
    maximum: float
    q1: float  # lower quartile (pandas' linear interpolation)
    q3: float  # upper quartile
    histogram: Histogram


def _nice(width: float) -> float:
    """The smallest of 1, 2, 2.5 and 5 times a power of ten that is at least ``width``."""
    power = Decimal(10) ** Decimal(repr(width)).adjusted()
    for step in (1, 2, Decimal("2.5"), 5, 10):
        if power * step >= Decimal(repr(width)):
            return float(power * step)
    return float(power * 10)


def bin_edges(values: pd.Series) -> tuple[tuple[float, ...], bool]:
    """Histogram bin edges, by a simple rule: whole numbers spanning at most ``MAX_BINS`` values get
    one bin each (so every value has its own bar); anything else gets bins of numpy's 'auto' width
    rounded up to a round number (1, 2, 2.5 or 5 times a power of ten), starting at a multiple of
    it, and wider still if that would make more than ``MAX_BINS`` bins. Returns (edges, whole)."""
    import math

    lo, hi = float(values.min()), float(values.max())
    if bool((values == values.round()).all()) and hi - lo + 1 <= MAX_BINS:
        return tuple(v - 0.5 for v in range(int(lo), int(hi) + 2)), True
    if hi == lo:
        return (lo - 0.5, hi + 0.5), False
    auto = np.histogram_bin_edges(values.to_numpy(dtype=float), bins="auto")
    width = _nice(max(float(auto[1] - auto[0]), (hi - lo) / MAX_BINS))
    while True:
        step = Decimal(repr(width))
        start = Decimal(math.floor(lo / width)) * step
        # the last bin holds its right edge too, so a maximum on an edge needs no bin of its own
        count = max(1, math.ceil((Decimal(repr(hi)) - start) / step))
        if count <= MAX_BINS:
            break
        width = _nice(width * 1.01)
    return tuple(float(start + step * k) for k in range(count + 1)), False


def summarise(series: pd.Series) -> Summary | None:
    """The summary statistics and histogram of a column of numbers (NaN: not answered); None when
    nobody gave a number."""
    values = series.dropna().astype(float)
    if values.empty:
        return None
    edges, whole = bin_edges(values)
    counts, _ = np.histogram(values.to_numpy(), bins=np.asarray(edges))
    q1, median, q3 = (float(x) for x in values.quantile([0.25, 0.5, 0.75]))
    return Summary(n=int(values.size), mean=float(values.mean()), median=median,
                   minimum=float(values.min()), maximum=float(values.max()), q1=q1, q3=q3,
                   histogram=Histogram(edges, tuple(int(c) for c in counts), whole))
