"""The arithmetic everything is built from: shares, rounding, answered masks."""
import numpy as np
import pandas as pd
import pytest

from findings.compute.stats import Share, answered_mask, count_answered, count_chosen, round_half_up


@pytest.mark.parametrize("value,expected", [(12.5, 13), (69.84, 70), (7.5, 8), (0.5, 1), (2.4999, 2)])
def test_round_half_up_rounds_halves_up(value, expected):
    assert round_half_up(value) == expected


def test_round_half_up_to_one_decimal():
    assert round_half_up(14.285714, 1) == 14.3 and round_half_up(0.25, 1) == 0.3


def test_share_percent_and_its_roundings():
    s = Share(9, 63)  # 14.2857...%
    assert s.percent == pytest.approx(14.285714, rel=1e-6)
    assert (s.rounded, s.one_decimal) == (14, 14.3)
    assert Share(1, 8).rounded == 13  # 12.5 rounds up
    assert Share(0, 0).percent == 0.0


def test_blank_and_missing_cells_are_not_answers():
    mask = answered_mask(pd.Series(["a", "", "  ", np.nan, None, "0"]))
    assert mask.tolist() == [True, False, False, False, False, True]


def test_counts_over_columns_count_people():
    df = pd.DataFrame({"A": ["x", np.nan, "y", np.nan], "B": ["z", "w", np.nan, np.nan]})
    assert count_answered(df, ["A", "B"]) == 3
    assert count_chosen(df, "A", ["x", "y"]) == 2
