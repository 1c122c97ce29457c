"""Computations: counts, percentages over each question's own denominator, missing answers."""
import numpy as np
import pandas as pd
import pytest

from findings import tables
from findings.codebook import Item, Option, Question


def q(qid, labels, nonsub=()):
    return Question(id=qid, number=qid[1:], part="p", text=f"Question {qid}?", type="single_choice",
                    options=tuple(Option(l, i + 1, nonsubstantive=l in nonsub)
                                  for i, l in enumerate(labels)),
                    columns=(qid,))


def test_percentages_use_only_those_who_answered():
    df = pd.DataFrame({"Q1": ["Yes", "Yes", "No", np.nan, "", "Yes", None]})
    t = tables.single_choice_table(df, q("Q1", ["Yes", "No"]))
    assert t.answered == 4 and t.not_answered == 3 and t.respondents == 7
    got = dict(zip(t.counts.option, t.counts["count"]))
    assert got == {"Yes": 3, "No": 1}
    assert list(t.counts.percent) == [75.0, 25.0]


def test_options_with_no_answers_are_listed_in_questionnaire_order():
    df = pd.DataFrame({"Q2": ["C", "A", "C"]})
    t = tables.single_choice_table(df, q("Q2", ["A", "B", "C", "Prefer not to say"],
                                         nonsub=("Prefer not to say",)))
    assert list(t.counts.option) == ["A", "B", "C", "Prefer not to say"]
    assert list(t.counts["count"]) == [1, 0, 2, 0]
    assert list(t.counts.nonsubstantive) == [False, False, False, True]


def test_nobody_answered_gives_zero_percent_not_a_division_error():
    df = pd.DataFrame({"Q3": [np.nan, np.nan]})
    t = tables.single_choice_table(df, q("Q3", ["A"]))
    assert t.answered == 0 and list(t.counts.percent) == [0.0]


@pytest.mark.parametrize("value,expected", [(12.5, 13), (69.84, 70), (7.5, 8), (0.5, 1), (2.4999, 2)])
def test_round_half_up_rounds_halves_up(value, expected):
    assert tables.round_half_up(value) == expected


def test_matrix_counts_each_item_over_its_own_answers():
    scale = tuple(Option(l, i + 1) for i, l in enumerate(["Low", "High"]))
    matrix = Question(id="Q9", number="9", part="p", text="Rate", type="matrix",
                      items=(Item("Q9_1", "First"), Item("Q9_2", "Second")), scale=scale,
                      columns=("Q9_1", "Q9_2"))
    df = pd.DataFrame({"Q9_1": ["Low", "High", "High", np.nan], "Q9_2": ["Low", np.nan, np.nan, np.nan]})
    m = tables.matrix_table(df, matrix)
    assert m.loc[0, ["Low", "High", "answered"]].tolist() == [1, 2, 3]
    assert m.loc[1, ["Low", "High", "answered"]].tolist() == [1, 0, 1]
    p = tables.matrix_percentages(m, ["Low", "High"])
    assert round(p.loc[0, "High"], 2) == 66.67 and p.loc[1, "Low"] == 100.0


def test_free_text_answered_counts_people_not_answers():
    df = pd.DataFrame({"A": ["x", "", np.nan, "y"], "B": ["z", "w", np.nan, np.nan]})
    assert tables.free_text_answered(df, ["A", "B"]) == 3
    assert tables.free_text_answered(df, ["A"]) == 2


def test_characteristics_table_keeps_each_questions_own_n():
    df = pd.DataFrame({"Q1": ["A", "B", "B"], "Q2": ["X", np.nan, np.nan]})
    t1 = tables.characteristics_table(df, [q("Q1", ["A", "B"]), q("Q2", ["X", "Y"])])
    assert t1[t1.question_id == "Q1"].answered.unique().tolist() == [3]
    assert t1[t1.question_id == "Q2"].answered.unique().tolist() == [1]
    assert t1[(t1.question_id == "Q2") & (t1.option == "X")].percent.item() == 100.0


def test_shown_to_counts_those_who_met_the_condition():
    from findings.codebook import Condition

    df = pd.DataFrame({"Q26": ["Yes", "No", "Yes", np.nan]})
    assert tables.shown_to(df, Condition("Q26", "Yes")) == 2
