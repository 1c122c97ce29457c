"""Question types: non-substantive options kept out of the denominators, multi-select questions in
both layouts, typed numbers, many options, administrative questions, and the disclosure rule on
each kind of participant characteristic.

The frames are built by hand following the responses contract (findings/load/responses.py); every
expected count and denominator is counted here with plain Python loops over the same rows, never
taken from the code under test."""
from __future__ import annotations

import math
import statistics
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from findings.compute import _protect, disclosure
from findings.compute import questions as cq
from findings.compute.stats import MAX_BINS, bin_edges, decimal_text
from findings.compute.variables import prose_variables
from findings.errors import DataError
from findings.load.instrument import Item, Option, Question

NAN = float("nan")


def missing(cell) -> bool:
    return cell is None or (isinstance(cell, float) and math.isnan(cell))


def single(qid="Q1", labels=("A", "B", "C"), nonsub=(), **kw):
    kw.setdefault("columns", (qid,))
    return Question(id=qid, number=qid[1:], part="p", text=f"Question {qid}?", type="single_choice",
                    options=tuple(Option(label, i + 1, nonsubstantive=label in nonsub)
                                  for i, label in enumerate(labels)), **kw)


def multi(qid="Q2", labels=("Red", "Green, or blue", "Yellow"), nonsub=(), columns=False):
    options = tuple(Option(label, i + 1, nonsubstantive=label in nonsub,
                           column=f"{qid}_{i + 1}" if columns else None)
                    for i, label in enumerate(labels))
    cols = tuple(o.column for o in options) if columns else (qid,)
    return Question(id=qid, number=qid[1:], part="p", text="Which ones?", type="multiple_choice",
                    options=options, columns=cols)


def number(qid="Q3", items=(), unit=None):
    cols = tuple(c for c, _ in items) or (qid,)
    return Question(id=qid, number=qid[1:], part="p", text="How many?", type="number", columns=cols,
                    items=tuple(Item(c, label) for c, label in items), unit=unit)


# ---------------------------------------------------------------- non-substantive options

CHOICES = ["A", "Don't know", "B", NAN, "A", "Don't know", "C", "A", NAN, "B"]


def test_nonsubstantive_answers_are_counted_apart_and_out_of_the_denominator():
    question = single(labels=("A", "B", "C", "Don't know"), nonsub=("Don't know",))
    r = cq.choice_result(pd.DataFrame({"Q1": CHOICES}), question)
    answered = sum(1 for c in CHOICES if not missing(c))
    substantive = sum(1 for c in CHOICES if c in ("A", "B", "C"))
    assert (r.answered, r.substantive, r.in_percentages) == (answered, substantive, substantive)
    for o in r.options:
        count = sum(1 for c in CHOICES if c == o.label)
        assert o.share.count == count
        assert o.share.of == (answered if o.label == "Don't know" else substantive)
    assert sum(o.share.percent for o in r.options if not o.nonsubstantive) == pytest.approx(100)
    assert r.top == "A"


def test_the_top_answer_is_never_a_nonsubstantive_one():
    rows = ["Don't know"] * 5 + ["B", "B", "A"]
    r = cq.choice_result(pd.DataFrame({"Q1": rows}),
                         single(labels=("A", "B", "Don't know"), nonsub=("Don't know",)))
    assert r.top == "B"
    nobody = cq.choice_result(pd.DataFrame({"Q1": ["Don't know"] * 3}),
                              single(labels=("A", "Don't know"), nonsub=("Don't know",)))
    assert nobody.top is None and nobody.in_percentages == 0 and nobody.answered == 3


def test_a_matrix_scale_leaves_nonsubstantive_points_out_of_each_items_denominator():
    scale = tuple(Option(label, i + 1, nonsubstantive=label == "N/A")
                  for i, label in enumerate(["Low", "High", "N/A"]))
    question = Question(id="M", number="4", part="p", text="Rate", type="matrix",
                        items=(Item("M_1", "First"), Item("M_2", "Second")), scale=scale,
                        columns=("M_1", "M_2"))
    first = ["Low", "N/A", "High", "High", NAN, "N/A"]
    second = [NAN, "N/A", NAN, "Low", NAN, NAN]
    r = cq.matrix_result(pd.DataFrame({"M_1": first, "M_2": second}), question)
    for item, cells in zip(r.items, (first, second)):
        answered = sum(1 for c in cells if not missing(c))
        on_scale = sum(1 for c in cells if c in ("Low", "High"))
        assert (item.answered, item.on_scale) == (answered, on_scale)
        for p in item.points:
            assert p.share.count == sum(1 for c in cells if c == p.label)
            assert p.share.of == (answered if p.label == "N/A" else on_scale)
    assert r.answered_any == sum(1 for a, b in zip(first, second) if not (missing(a) and missing(b)))
    assert r.top_point == "High" and r.nonsubstantive == (False, False, True)
    assert [i.label for i in r.ranked_by_top_point()] == ["First", "Second"]


# ---------------------------------------------------------------- multiple choice

JOINED = [("Red", "Green, or blue"), NAN, ("Green, or blue",), ("Red", "Green, or blue", "Yellow"),
          ("Yellow",), NAN, ("Red",), ("Green, or blue",)]


def by_hand_multi(cells, labels):
    answered = [c for c in cells if not missing(c)]
    return len(answered), {label: sum(1 for c in answered if label in c) for label in labels}


def test_multiple_choice_joined_counts_each_option_over_those_who_answered():
    question = multi()
    r = cq.multiple_choice_result(pd.DataFrame({"Q2": JOINED}), question)
    answered, counts = by_hand_multi(JOINED, [o.label for o in question.options])
    assert (r.answered, r.in_percentages, r.respondents) == (answered, answered, len(JOINED))
    assert {o.label: (o.share.count, o.share.of) for o in r.options} == \
        {label: (c, answered) for label, c in counts.items()}
    assert sum(o.share.count for o in r.options) > r.answered  # several answers each
    # horizontal bars by count, ties in option order (Red and Yellow: 3 and 2)
    expected = sorted(counts, key=lambda label: (-counts[label], list(counts).index(label)))
    assert [o.label for o in r.charted.bars] == expected == [o.label for o in r.ranked]
    assert r.top == expected[0] == "Green, or blue"


def test_multiple_choice_with_a_column_per_option():
    question = multi(columns=True)
    cells = {"Q2_1": [1.0, 0.0, NAN, 1.0, 0.0, NAN],
             "Q2_2": [0.0, 0.0, NAN, 1.0, 1.0, NAN],
             "Q2_3": [1.0, 0.0, NAN, 0.0, NAN, 1.0]}
    r = cq.multiple_choice_result(pd.DataFrame(cells), question)
    rows = list(zip(*cells.values()))
    # answered: any option column is 1 (row 2 saw the question and chose nothing: not answered)
    answered = sum(1 for row in rows if any(v == 1.0 for v in row))
    assert r.answered == answered == 4
    for o, col in zip(r.options, cells):
        assert o.share.count == sum(1 for v in cells[col] if v == 1.0)
        assert o.share.of == answered
    assert cq.answered_question(pd.DataFrame(cells), question) == answered


def test_a_multiple_choice_nonsubstantive_option_is_apart():
    question = multi(labels=("Red", "Yellow", "Don't know"), nonsub=("Don't know",))
    cells = [("Red",), ("Don't know",), ("Red", "Yellow"), NAN, ("Don't know",)]
    r = cq.multiple_choice_result(pd.DataFrame({"Q2": cells}), question)
    answered = sum(1 for c in cells if not missing(c))
    substantive = sum(1 for c in cells if not missing(c) and {"Red", "Yellow"} & set(c))
    assert (r.answered, r.substantive) == (answered, substantive) == (4, 2)
    assert [o.label for o in r.charted.apart] == ["Don't know"]
    assert r.charted.apart[0].share == cq.Share(2, 4)
    assert [o.share.of for o in r.charted.bars] == [2, 2]


def test_a_multiple_choice_cell_that_is_not_a_tuple_is_refused_loudly():
    with pytest.raises(ValueError, match="tuple of option labels"):
        cq.multiple_choice_result(pd.DataFrame({"Q2": ["Red,Yellow"]}), multi())


# ---------------------------------------------------------------- many options

def test_many_options_leave_out_those_nobody_chose_and_cap_the_bars():
    labels = tuple(f"Place {i}" for i in range(40))
    rows = [f"Place {i}" for i in range(30) for _ in range(i % 4 + 1)] + [NAN, NAN]
    r = cq.choice_result(pd.DataFrame({"Q1": rows}), single(labels=labels))
    chosen = {label: sum(1 for c in rows if c == label) for label in labels}
    assert set(r.charted.unchosen) == {label for label, n in chosen.items() if n == 0}
    assert len(r.charted.unchosen) == 10 and [o.label for o in r.charted.listed] == list(labels[:30])
    assert len(r.charted.bars) == cq.CHART_BARS - 1
    # the most chosen first, ties in option order
    ranked = sorted((label for label in labels if chosen[label]),
                    key=lambda label: (-chosen[label], labels.index(label)))
    assert [o.label for o in r.charted.bars] == ranked[:cq.CHART_BARS - 1]
    rest = ranked[cq.CHART_BARS - 1:]
    assert list(r.charted.others_labels) == rest
    assert r.charted.others == cq.Share(sum(chosen[label] for label in rest),
                                        sum(1 for c in rows if not missing(c)))


def test_a_few_options_keep_their_zeros_and_their_order():
    r = cq.choice_result(pd.DataFrame({"Q1": ["C", "C", "A"]}), single())
    assert [o.label for o in r.charted.bars] == ["A", "B", "C"] and r.charted.unchosen == ()


def test_the_others_bar_of_a_multi_select_counts_people_once():
    labels = tuple(f"Option {i}" for i in range(30))
    cells = [tuple(labels[j] for j in range(i % 30, min(30, i % 30 + 3))) for i in range(60)]
    question = multi(labels=labels)
    r = cq.multiple_choice_result(pd.DataFrame({"Q2": cells}), question)
    rest = set(r.charted.others_labels)
    assert len(rest) == 30 - (cq.CHART_BARS - 1)
    people = sum(1 for c in cells if rest & set(c))
    assert r.charted.others == cq.Share(people, len(cells))
    assert people < sum(1 for c in cells for label in c if label in rest)  # not the sum of counts


# ---------------------------------------------------------------- numbers

def quartile(values, q):
    """Linear interpolation between order statistics, as pandas' default (by hand)."""
    xs = sorted(values)
    pos = (len(xs) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def test_a_number_question_is_summarised_and_binned_by_whole_numbers():
    values = [3, 7, NAN, 4, 4, 12, 3, NAN, 9, 4]
    r = cq.number_result(pd.DataFrame({"Q3": values}), number(unit="years"))
    given = [v for v in values if not missing(v)]
    (item,) = r.items
    s = item.summary
    assert (r.answered_any, r.not_answered, s.n) == (len(given), 2, len(given))
    assert s.mean == pytest.approx(statistics.mean(given))
    assert s.median == statistics.median(given)
    assert (s.minimum, s.maximum) == (min(given), max(given))
    assert (s.q1, s.q3) == (pytest.approx(quartile(given, .25)), pytest.approx(quartile(given, .75)))
    h = s.histogram
    assert h.whole and h.values == tuple(range(3, 13))
    assert h.counts == tuple(sum(1 for v in given if v == k) for k in range(3, 13))


def test_numbers_that_are_not_whole_get_round_bins_that_hold_every_value():
    rng = np.random.default_rng(7)
    values = list(rng.normal(50, 15, 200).round(2))
    (item,) = cq.number_result(pd.DataFrame({"Q3": values}), number()).items
    h = item.summary.histogram
    assert not h.whole and 1 <= len(h.counts) <= MAX_BINS
    widths = {round(b - a, 9) for a, b in zip(h.edges, h.edges[1:])}
    assert len(widths) == 1
    (width,) = widths
    mantissa = width / 10 ** math.floor(math.log10(width))
    assert round(mantissa, 6) in (1, 2, 2.5, 5)
    for k, (lo, hi) in enumerate(zip(h.edges, h.edges[1:])):
        last = k == len(h.counts) - 1
        expected = sum(1 for v in values if lo <= v < hi or (last and v == hi))
        assert h.counts[k] == expected
    assert sum(h.counts) == len(values)
    assert h.edges[0] <= min(values) < h.edges[1] and h.edges[-2] < max(values) <= h.edges[-1]


def test_a_maximum_on_a_bin_edge_goes_in_the_last_bin_not_a_bin_of_its_own():
    values = [0.0, 12.5, 40.0, 55.5, 80.0, 100.0, 100.0]
    edges, whole = bin_edges(pd.Series(values))
    assert not whole and edges[0] == 0 and edges[-1] == 100  # no bin from 100 up
    (item,) = cq.number_result(pd.DataFrame({"Q3": values}), number()).items
    assert item.summary.histogram.counts[-1] == sum(1 for v in values if v >= edges[-2])


def test_a_wide_range_of_whole_numbers_is_capped_at_twenty_bins():
    values = list(range(0, 1000, 7))
    edges, whole = bin_edges(pd.Series(values, dtype=float))
    assert not whole and len(edges) - 1 <= MAX_BINS
    assert edges[0] <= min(values) and edges[-1] >= max(values)


def test_number_items_are_summarised_one_by_one():
    cells = {"N_1": [10.0, 20.0, NAN, 70.0], "N_2": [90.0, NAN, NAN, 30.0]}
    question = number(items=(("N_1", "Rent"), ("N_2", "Food")))
    r = cq.number_result(pd.DataFrame(cells), question)
    assert [i.label for i in r.items] == ["Rent", "Food"]
    for item, col in zip(r.items, cells):
        given = [v for v in cells[col] if not missing(v)]
        assert item.answered == len(given) and item.summary.median == statistics.median(given)
    assert r.answered_any == sum(1 for a, b in zip(*cells.values()) if not (missing(a) and missing(b)))
    nobody = cq.number_result(pd.DataFrame({"Q3": [NAN, NAN]}), number())
    assert nobody.items[0].summary is None and cq.empty_reason(nobody) == cq.NOBODY


@pytest.mark.parametrize("value, digits, text", [(12.0, 1, "12"), (3.25, 1, "3.3"), (2.675, 2, "2.68"),
                                                 (-0.04, 1, "0"), (1500000.0, 2, "1500000")])
def test_numbers_are_written_rounded_half_up_without_trailing_zeros(value, digits, text):
    assert decimal_text(value, digits) == text


# ---------------------------------------------------------------- administrative and empty

def test_an_administrative_question_is_only_counted():
    question = single(qid="Q9", labels=("Yes", "No"), administrative=True)
    rows = ["Yes", NAN, "No", "Yes"]
    r = cq.question_result(pd.DataFrame({"Q9": rows}), question, set())
    assert isinstance(r, cq.AdministrativeResult)
    assert (r.answered, r.not_answered) == (3, 1) and cq.empty_reason(r) is None


def test_empty_reasons():
    lost = single(qid="Q8", labels=(), items_available=False, columns=())
    assert cq.empty_reason(cq.question_result(pd.DataFrame({"x": [1]}), lost, set())) == cq.UNAVAILABLE
    nobody = cq.choice_result(pd.DataFrame({"Q1": [NAN, NAN]}), single())
    assert cq.empty_reason(nobody) == cq.NOBODY
    some = cq.choice_result(pd.DataFrame({"Q1": [NAN, "A"]}), single())
    assert cq.empty_reason(some) is None
    text = Question(id="F", number="5", part="p", text="Say", type="free_text", columns=("F",))
    assert cq.empty_reason(cq.free_text_result(pd.DataFrame({"F": [NAN]}), text, {"F"})) == \
        cq.NOT_IN_DATA


def test_question_result_dispatches_the_new_types():
    frame = pd.DataFrame({"Q2": [("Red",)], "Q3": [4.0]})
    assert isinstance(cq.question_result(frame, multi(), set()), cq.MultipleChoiceResult)
    assert isinstance(cq.question_result(frame, number(), set()), cq.NumberResult)


# ---------------------------------------------------------------- the disclosure rule

STUDY = SimpleNamespace(path="data/study.yml")
RULE = disclosure.Rule(3)


def test_a_characteristic_with_few_nonsubstantive_answers_keeps_them_in_the_percentages():
    # 1 "Prefer not to say" beside 62 other answers: with the two totals (62 and 63) published, the
    # 1 would be given away, so the percentages stay of all 63 and one row is protected at once
    rows = ["A"] * 30 + ["B"] * 30 + ["C"] * 2 + ["Prefer not"]
    r = cq.choice_result(pd.DataFrame({"Q1": rows}),
                         single(labels=("A", "B", "C", "Prefer not"), nonsub=("Prefer not",)))
    p = _protect(r, RULE, STUDY)
    assert p.nonsubstantive_in_percentages and p.in_percentages == len(rows)
    assert all(o.share.of == len(rows) for o in p.options)
    hidden = {o.label: o.hidden for o in p.options}
    assert hidden["C"] == "fewer than 3" and hidden["Prefer not"] == "fewer than 3"
    counts = [o.share.count for o in r.options]
    marks = [disclosure.PRIMARY if h == "fewer than 3" else disclosure.SECONDARY if h else None
             for h in hidden.values()]
    assert disclosure.determinable(counts, marks, RULE) == []


def test_a_characteristic_with_enough_nonsubstantive_answers_protects_each_group_with_its_total():
    rows = ["A"] * 20 + ["B"] * 2 + ["C"] * 9 + ["Prefer not"] * 4 + ["Don't know"] * 5
    labels = ("A", "B", "C", "Prefer not", "Don't know")
    r = cq.choice_result(pd.DataFrame({"Q1": rows}),
                         single(labels=labels, nonsub=("Prefer not", "Don't know")))
    p = _protect(r, RULE, STUDY)
    assert not p.nonsubstantive_in_percentages and p.in_percentages == 31
    substantive = [o for o in p.options if not o.nonsubstantive]
    assert {o.label: o.hidden for o in substantive}["B"] == "fewer than 3"
    # the 2, and one more, so that it cannot be worked out from the total of 31
    assert sum(1 for o in substantive if o.hidden) == 2
    marks = [disclosure.PRIMARY if o.hidden == "fewer than 3" else disclosure.SECONDARY if o.hidden
             else None for o in substantive]
    assert disclosure.determinable([o.share.count for o in substantive], marks, RULE) == []
    assert all(o.hidden is None for o in p.options if o.nonsubstantive)  # 4 and 5: shown


def test_a_multi_select_characteristic_goes_through_the_rule():
    labels = ("Red", "Yellow", "Blue")
    cells = [("Red",)] * 6 + [("Red", "Yellow")] + [("Blue",)] * 5
    r = cq.multiple_choice_result(pd.DataFrame({"Q2": cells}), multi(labels=labels))
    p = _protect(r, RULE, STUDY)
    hidden = {o.label: o.hidden for o in p.options}
    assert hidden == {"Red": None, "Yellow": "fewer than 3", "Blue": None}
    assert [o.hidden for o in p.charted.bars] == [hidden[o.label] for o in p.charted.bars]


def test_a_multi_select_small_count_pinned_down_by_the_answered_total_hides_every_count():
    # 5 answered; Red 3 and Yellow 2, nobody chose both: the 2 is at least 5 - 3 = 2, so "fewer than
    # 3" would say it is 2. Every count is hidden.
    cells = [("Red",)] * 3 + [("Yellow",)] * 2
    r = cq.multiple_choice_result(pd.DataFrame({"Q2": cells}), multi(labels=("Red", "Yellow")))
    p = _protect(r, RULE, STUDY)
    assert all(o.hidden == "hidden" for o in p.options)


def test_a_small_count_typed_in_a_characteristics_text_box_is_not_published():
    question = Question(id="Q1", number="1", part="p", text="Job?", type="single_choice", columns=("Q1",),
                        options=(Option("Nurse", 1), Option("Other", 2, text_column="Q1_2_TEXT")))
    frame = pd.DataFrame({"Q1": ["Nurse"] * 5 + ["Other"] * 4,
                          "Q1_2_TEXT": [NAN] * 5 + ["Porter", NAN, NAN, NAN]})
    r = cq.choice_result(frame, question)
    typed = sum(1 for t in frame["Q1_2_TEXT"] if not missing(t))
    assert {o.label: o.typed for o in r.options} == {"Nurse": None, "Other": typed}
    assert typed < RULE.threshold
    assert all(o.typed is None for o in _protect(r, RULE, STUDY).options)
    frame.loc[6:8, "Q1_2_TEXT"] = "Porter"  # 4 typed: shown
    r = cq.choice_result(frame, question)
    assert {o.label: o.typed for o in _protect(r, RULE, STUDY).options}["Other"] == 4


@pytest.mark.parametrize("make, words", [
    (lambda: cq.number_result(pd.DataFrame({"Q3": [30.0, 41.0]}), number()), "number question"),
    (lambda: cq.AdministrativeResult(single(administrative=True), 2, 3), "administrative"),
])
def test_other_kinds_of_characteristic_are_refused_with_a_message(make, words):
    with pytest.raises(DataError) as caught:
        _protect(make(), RULE, STUDY)
    message = str(caught.value)
    assert "data/study.yml" in message and "characteristics" in message and words in message


def test_prose_variables_give_nonsubstantive_options_a_count_and_no_percentage():
    question = single(labels=("A", "B", "C", "Don't know"), nonsub=("Don't know",))
    r = cq.choice_result(pd.DataFrame({"Q1": CHOICES}), question)
    study = SimpleNamespace(title="t", short_title="t", doi=None, year=2024, authors=(),
                            publisher=None, url=None, team=None, contact=None)
    meta = SimpleNamespace(reconstructed=False, title="", note="")
    themes = SimpleNamespace(nodes={})
    v = prose_variables(study, meta, 10, 8, {"Q1": r}, themes, (), 3)["q"]["Q1"]
    assert v["count"]["Don't know"] == sum(1 for c in CHOICES if c == "Don't know")
    assert v["pct"]["Don't know"] is None
    substantive = sum(1 for c in CHOICES if c in ("A", "B", "C"))
    assert v["in_percentages"] == substantive
    assert v["pct"]["A"] == round(100 * sum(1 for c in CHOICES if c == "A") / substantive)
