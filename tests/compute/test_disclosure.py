"""Small-cell disclosure control, checked against a brute force that knows nothing of intervals.

The brute force works out, for each hidden cell, every value it takes over all the assignments
consistent with what is published: the total, the shown cells, primary cells in [1, threshold-1],
secondary cells 0 or in [threshold, total]. A cell that takes one value only is disclosed.
"""
import itertools
import random

import pytest

from findings.compute.disclosure import PRIMARY, SECONDARY, Rule, determinable, protect


def domain(mark, threshold, total):
    if mark == PRIMARY:
        return range(1, threshold)
    return [0, *range(max(threshold, 1), total + 1)]


def values_by_enumeration(counts, marks, threshold):
    """Every assignment of the hidden cells, listed; hidden index -> the values it takes."""
    total = sum(counts)
    hidden = [i for i, m in enumerate(marks) if m]
    hidden_sum = total - sum(c for c, m in zip(counts, marks) if m is None)
    taken = {i: set() for i in hidden}
    for values in itertools.product(*(domain(marks[i], threshold, total) for i in hidden)):
        if sum(values) == hidden_sum:
            for i, v in zip(hidden, values):
                taken[i].add(v)
    return taken


def values_by_sums(counts, marks, threshold):
    """The same, faster: every sum the other hidden cells can make, cell by cell, as a set."""
    total = sum(counts)
    hidden = [i for i, m in enumerate(marks) if m]
    hidden_sum = total - sum(c for c, m in zip(counts, marks) if m is None)
    doms = {i: [v for v in domain(marks[i], threshold, total) if v <= hidden_sum] for i in hidden}
    taken = {}
    for i in hidden:
        sums = {0}
        for j in hidden:
            if j != i:
                sums = {a + v for a in sums for v in doms[j] if a + v <= hidden_sum}
        taken[i] = {v for v in doms[i] if hidden_sum - v in sums}
    return taken


def disclosed(taken):
    return sorted(i for i, values in taken.items() if len(values) == 1)


def random_rows(seed, n, cells=(2, 6), values=(0, 12), thresholds=(2, 5)):
    rng = random.Random(seed)
    for _ in range(n):
        row = [rng.randint(*values) for _ in range(rng.randint(*cells))]
        yield row, rng.randint(*thresholds)


def test_brute_force_no_hidden_cell_can_be_worked_out():
    rows = list(random_rows(20240611, 3000))
    secondary_rows = all_hidden_rows = 0
    for counts, t in rows:
        rule = Rule(t)
        marks = protect(counts, rule)
        where = f"{counts} threshold {t}: {marks}"
        assert len(marks) == len(counts)
        for c, m in zip(counts, marks):
            assert (m == PRIMARY) == (1 <= c < t), where  # 1..t-1 always primary; 0 and >= t never
        assert protect(counts, rule, total_published=False) == tuple(
            PRIMARY if m == PRIMARY else None for m in marks), where

        taken = values_by_sums(counts, marks, t)
        assert all(counts[i] in values for i, values in taken.items()), where  # truth is feasible
        found = disclosed(taken)
        assert determinable(counts, marks, rule) == found, where
        if t == 2:  # "fewer than 2" can only mean 1; nothing else is hidden or disclosed
            assert SECONDARY not in marks and found == [i for i, m in enumerate(marks) if m], where
        elif found:  # only when even hiding every cell leaves the total to give it away
            assert all(marks), where
            all_hidden_rows += 1
        if SECONDARY in marks:
            secondary_rows += 1
            # The last secondary cell added (smallest shown, non-zero first) was needed.
            last = max((c == 0, c, i)
                       for i, (c, m) in enumerate(zip(counts, marks)) if m == SECONDARY)[2]
            before = tuple(None if i == last else m for i, m in enumerate(marks))
            assert disclosed(values_by_sums(counts, before, t)), where
    assert secondary_rows > 300 and 0 < all_hidden_rows < secondary_rows  # the rows exercise both


def test_brute_force_determinable_for_any_marking():
    """determinable() against a full listing of assignments, also for other markings."""
    rng = random.Random(7)
    checked = 0
    for counts, t in random_rows(11, 1500, cells=(1, 4), values=(0, 7), thresholds=(1, 4)):
        marks = tuple(PRIMARY if 0 < c < t else rng.choice([None, SECONDARY]) for c in counts)
        if rng.random() < 0.2:  # some primary-sized counts left shown
            marks = tuple(None if m == PRIMARY and rng.random() < 0.5 else m for m in marks)
        taken = values_by_enumeration(counts, marks, t)
        assert taken == values_by_sums(counts, marks, t)
        assert determinable(counts, marks, Rule(t)) == disclosed(taken), (counts, t, marks)
        checked += any(marks)
    assert checked > 1000


def test_secondary_suppression_is_minimal_in_the_simple_case():
    # 1 alone would be 31 - 10 - 20; hiding the 10 as well leaves (1, 10) or (2, 9).
    assert protect([1, 10, 20], Rule(3)) == (PRIMARY, SECONDARY, None)


@pytest.mark.parametrize("counts", [[1, 1, 40], [2, 2, 40]])
def test_two_primaries_whose_sum_gives_them_away_need_a_secondary(counts):
    rule = Rule(3)
    assert determinable(counts, (PRIMARY, PRIMARY, None), rule) == [0, 1]  # 2 = 1+1; 4 = 2+2
    assert protect(counts, rule) == (PRIMARY, PRIMARY, SECONDARY)
    assert determinable(counts, protect(counts, rule), rule) == []


def test_nothing_to_hide():
    assert protect([0, 5, 9], Rule(3)) == (None, None, None)


def test_a_single_cell_is_given_away_by_the_total():
    assert protect([1], Rule(3)) == (PRIMARY,)
    assert determinable([1], (PRIMARY,), Rule(3)) == [0]  # the caller must suppress the total
    assert protect([1], Rule(3), total_published=False) == (PRIMARY,)


def test_without_a_total_primary_cells_alone_suffice():
    assert protect([1, 10, 20], Rule(3), total_published=False) == (PRIMARY, None, None)
    assert protect([1, 1, 40], Rule(3), total_published=False) == (PRIMARY, PRIMARY, None)


def test_secondary_cells_are_known_not_to_be_primary():
    # Hiding the 1 and the 3 leaves 4 hidden. With a box bound [0, 4] the secondary could be 2 or
    # 3, but it is not primary, so it is 3 and the primary is 1: the 10 has to go too. (Hiding the
    # 10 instead of the 3 would have been enough; the smallest-first rule does not look ahead.)
    rule = Rule(3)
    assert determinable([1, 3, 10], (PRIMARY, SECONDARY, None), rule) == [0, 1]
    assert protect([1, 3, 10], rule) == (PRIMARY, SECONDARY, SECONDARY)


def test_a_zero_is_hidden_when_no_other_cell_is_left():
    rule = Rule(5)  # 4+4+4 = 12 gives all three away; a hidden zero could be 5..9
    assert protect([4, 4, 4, 0], rule) == (PRIMARY, PRIMARY, PRIMARY, SECONDARY)
    assert determinable([4, 4, 4, 0], protect([4, 4, 4, 0], rule), rule) == []


def test_non_zero_cells_are_hidden_before_zeros_and_ties_go_to_the_lowest_index():
    assert protect([1, 0, 7, 7], Rule(3)) == (PRIMARY, None, SECONDARY, None)


def test_threshold_two_is_given_away_by_its_marker():
    assert protect([1, 5, 7], Rule(2)) == (PRIMARY, None, None)
    assert determinable([1, 5, 7], (PRIMARY, None, None), Rule(2)) == [0]


@pytest.mark.parametrize("counts", [[], [0], [0, 0, 0]])
def test_empty_and_all_zero_rows(counts):
    assert protect(counts, Rule(3)) == (None,) * len(counts)
    assert determinable(counts, (None,) * len(counts), Rule(3)) == []


@pytest.mark.parametrize("threshold", [-1, 0, 1])
def test_threshold_one_or_less_disables_the_rule(threshold):
    assert protect([1, 2, 0, 30], Rule(threshold)) == (None, None, None, None)


def test_default_threshold_is_three():
    assert Rule() == Rule(3)
    with pytest.raises(AttributeError):
        Rule().threshold = 5  # frozen


def test_negative_counts_are_refused():
    with pytest.raises(ValueError, match="negative"):
        protect([3, -1], Rule(3))
    with pytest.raises(ValueError, match="negative"):
        determinable([3, -1], (None, None), Rule(3))


@pytest.mark.parametrize("marks", [(PRIMARY, None), (None, SECONDARY), (None,), (None, "hidden")])
def test_determinable_refuses_marks_that_do_not_fit_the_counts(marks):
    with pytest.raises(ValueError):
        determinable([5, 1], marks, Rule(3))


def test_large_rows_are_protected():
    rng = random.Random(3)
    for _ in range(200):
        counts = [rng.choice([0, 0, 1, 2, 3, 4, 8, 20, 150]) for _ in range(200)]
        marks = protect(counts, Rule(3))
        assert determinable(counts, marks, Rule(3)) == [] or all(marks)
