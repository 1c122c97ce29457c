"""Small-cell disclosure control for published counts (e.g. respondents of each religion).

UK statistical practice, applied to one row of counts that is published with its total:

- **primary suppression**: a count from 1 to ``threshold - 1`` is hidden and shown as
  "fewer than {threshold}"; zero is shown as 0;
- **secondary (complementary) suppression**: further cells are hidden, shown as "hidden", so that
  no hidden cell can be worked out from the total and the other cells.

What a reader knows (the model every decision here rests on): the total (when it is published),
every shown cell, that a primary cell is in ``[1, threshold-1]``, and that a secondary cell is
*not* primary, so it is 0 or at least ``threshold`` -- the markers differ, so the reader can tell
the two kinds apart. The secondary bound is therefore the non-interval set
``{0} ∪ [threshold, S]``, where ``S = total - shown cells`` is the hidden sum. (The looser box
bound ``[0, S]`` is not safe: in ``[1, 3, 10]`` with threshold 3, hiding the 1 and the 3 leaves
``S = 4``; the box bound lets the secondary cell be 2 or 3, but a reader who knows it is not
primary knows it is 3, and so that the primary cell is 1.)

Determinability. With box bounds ``[lo_j, hi_j]`` and one sum constraint, the values cell ``i`` can
take form the interval ``[max(lo_i, S - Σ_{j≠i} hi_j), min(hi_i, S - Σ_{j≠i} lo_j)]``. Here the
secondary bound is a union of two intervals, so the same reasoning is done on unions of intervals:
the feasible values of cell ``i`` are ``D_i ∩ (S - Σ_{j≠i} D_j)`` (a Minkowski sum). It stays small
because every primary cell has the same bound ``[1, t-1]`` and every secondary cell the same bound
``{0} ∪ [t, S]``: ``k`` primary cells sum to ``[k, k(t-1)]`` and ``m >= 1`` secondary cells to
``{0} ∪ [t, S]`` again (that set is closed under addition), so the sums are unions of at most two
intervals and a whole row is decided in O(1) once its hidden sum and the two cell counts are known.
``determinable`` is O(n); ``protect`` is O(n log n) (one sort, then O(1) per added cell).

Limits of the model (what it does not protect against, so callers can decide):

- **the total itself can disclose**: ``[1]`` alone, or ``[1, 1]``, is worked out from its total
  even with every cell hidden. ``protect`` then returns every cell hidden; a caller that publishes
  the total should check ``determinable(counts, protect(counts, rule), rule)`` and, when it is not
  empty, suppress the total as well (or merge categories);
- **threshold 2 discloses by its marker**: "fewer than 2", with zero shown as 0, can only mean 1.
  No secondary suppression can help, so none is added; ``determinable`` still reports those cells;
- **a reader who knows this algorithm** learns more than the model assumes: a secondary cell was
  the smallest shown cell (non-zero first), so its value is at most every cell still shown.
  E.g. ``[2, 10, 10]`` (threshold 3) publishes ``fewer than 3, hidden, 10`` with total 22: the
  model allows (1, 11) and (2, 10), but 11 would have been passed over for the shown 10.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

PRIMARY = "primary"  # 1 <= count < threshold
SECONDARY = "secondary"  # hidden only so that a primary cell cannot be worked out

Spans = list[tuple[int, int]]  # a union of closed integer intervals, sorted and disjoint


@dataclass(frozen=True)
class Rule:
    """Counts ``1 .. threshold-1`` are hidden; threshold 0 or 1 (or below) disables the rule."""

    threshold: int = 3


def protect(counts: Sequence[int], rule: Rule,
            total_published: bool = True) -> tuple[str | None, ...]:
    """For each cell: None (shown), PRIMARY or SECONDARY.

    Every count from 1 to ``threshold-1`` is PRIMARY. When the total is published, the smallest
    shown cell (non-zero cells first, ties to the lowest index) is then made SECONDARY, one at a
    time, while any hidden cell is determinable (see ``determinable``); if that runs out of cells,
    every cell is hidden, which may still not be enough (see the module notes). A row with no
    primary cell, or with the rule disabled, is returned all None; without a published total there
    is no sum to work back from, so the primary cells alone are returned.

    Smallest-first does not look ahead: a shown cell just above the threshold often cannot absorb
    anything (a secondary cell cannot drop below the threshold without becoming 0), so it is hidden
    and then a larger one too. ``[1, 3, 10]`` hides all three, where hiding the 10 alone would do.
    """
    counts = _checked(counts)
    t = rule.threshold
    marks: list[str | None] = [PRIMARY if 0 < c < t else None for c in counts]
    if t <= 1 or PRIMARY not in marks or not total_published:
        return tuple(marks)
    p = marks.count(PRIMARY)
    hidden_sum = sum(c for c, m in zip(counts, marks) if m)
    q = 0
    shown = sorted((c == 0, c, i) for i, (c, m) in enumerate(zip(counts, marks)) if m is None)
    for _, c, i in shown:
        primary_known, secondary_known = _known(p, q, hidden_sum, t)
        # At threshold 2 a primary cell is known from its marker whatever else is hidden.
        if not ((primary_known and t > 2) or (secondary_known and q)):
            break
        marks[i] = SECONDARY
        q += 1
        hidden_sum += c
    return tuple(marks)


def determinable(counts: Sequence[int], hidden: Sequence[str | None], rule: Rule) -> list[int]:
    """Indices of hidden cells whose exact value a reader could work out from what is published.

    ``hidden`` marks each cell as ``protect`` does. The reader is assumed to know the total, every
    shown cell, that each PRIMARY cell is in ``[1, threshold-1]`` and that each SECONDARY cell is 0
    or in ``[threshold, S]`` (``S``: the hidden sum). A cell is determinable when exactly one value
    is feasible for it (module notes: how the feasible values are found).
    """
    counts = _checked(counts)
    hidden = tuple(hidden)
    if len(hidden) != len(counts):
        raise ValueError(f"{len(hidden)} marks for {len(counts)} counts")
    t = rule.threshold
    for i, (c, m) in enumerate(zip(counts, hidden)):
        if m not in (None, PRIMARY, SECONDARY):
            raise ValueError(f"cell {i}: unknown mark {m!r}")
        if (m == PRIMARY) != (0 < c < t) and m is not None:
            raise ValueError(f"cell {i}: count {c} cannot be {m} under threshold {t}")
    p, q = hidden.count(PRIMARY), hidden.count(SECONDARY)
    if not p + q:
        return []
    hidden_sum = sum(c for c, m in zip(counts, hidden) if m)
    primary_known, secondary_known = _known(p, q, hidden_sum, t)
    return [i for i, m in enumerate(hidden)
            if (m == PRIMARY and primary_known) or (m == SECONDARY and secondary_known)]


def _checked(counts: Sequence[int]) -> tuple[int, ...]:
    counts = tuple(counts)
    negative = [c for c in counts if c < 0]
    if negative:
        raise ValueError(f"counts cannot be negative: {negative}")
    return counts


def _known(p: int, q: int, s: int, t: int) -> tuple[bool, bool]:
    """Whether a primary cell, and whether a secondary cell, has exactly one feasible value.

    ``p`` primary cells (each in ``[1, t-1]``) and ``q`` secondary cells (each in ``{0} ∪ [t, s]``)
    sum to ``s``. All cells of one kind share a bound, so they share a feasible set.
    """
    def primaries(k: int) -> Spans:
        return _union([(k, min(k * (t - 1), s))])

    def secondaries(k: int) -> Spans:  # closed under addition, so any k >= 1 gives the same set
        return _union([(0, 0), (max(t, 0), s)]) if k else [(0, 0)]

    def feasible(own: Spans, rest: Spans) -> int:
        return _count(own, [(s - hi, s - lo) for lo, hi in reversed(rest)])

    primary = p and feasible(primaries(1), _plus(primaries(p - 1), secondaries(q), s)) == 1
    secondary = q and feasible(secondaries(1), _plus(primaries(p), secondaries(q - 1), s)) == 1
    return bool(primary), bool(secondary)


def _union(spans: Spans) -> Spans:
    out: Spans = []
    for lo, hi in sorted(x for x in spans if x[0] <= x[1]):
        if out and lo <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def _plus(a: Spans, b: Spans, cap: int) -> Spans:
    """Every sum of a value in ``a`` and one in ``b``, up to ``cap``."""
    return _union([(alo + blo, min(ahi + bhi, cap)) for alo, ahi in a for blo, bhi in b])


def _count(a: Spans, b: Spans) -> int:
    """How many integers lie in both unions."""
    return sum(max(0, min(ahi, bhi) - max(alo, blo) + 1) for alo, ahi in a for blo, bhi in b)


def shown_as(marker: str | None, rule: Rule) -> str | None:
    """What a page shows in place of a hidden count (None: the count itself is shown)."""
    if marker == PRIMARY:
        return f"fewer than {rule.threshold}"
    if marker == SECONDARY:
        return "hidden"
    return None
