"""Question results: counts, percentages over each question's own denominator, non-response.

Expected values are counted by hand from the small frames below."""
import numpy as np
import pandas as pd

from findings.compute import questions as cq
from findings.load.instrument import Condition, Item, Option, Question


def q(qid, labels, nonsub=(), qtype="single_choice", **kw):
    return Question(id=qid, number=qid[1:], part="p", text=f"Question {qid}?", type=qtype,
                    options=tuple(Option(label, i + 1, nonsubstantive=label in nonsub)
                                  for i, label in enumerate(labels)),
                    columns=(qid,), **kw)


def matrix():
    scale = tuple(Option(label, i + 1) for i, label in enumerate(["Low", "Mid", "High"]))
    return Question(id="Q9", number="9", part="p", text="Rate", type="matrix",
                    items=(Item("Q9_1", "First"), Item("Q9_2", "Second")), scale=scale,
                    columns=("Q9_1", "Q9_2"))


def test_percentages_use_only_those_who_answered():
    df = pd.DataFrame({"Q1": ["Yes", "Yes", "No", np.nan, "", "Yes", None]})
    r = cq.choice_result(df, q("Q1", ["Yes", "No"]))
    assert (r.answered, r.not_answered, r.respondents) == (4, 3, 7)
    assert [(o.label, o.share.count, o.share.of) for o in r.options] == [("Yes", 3, 4), ("No", 1, 4)]
    assert [o.share.percent for o in r.options] == [75.0, 25.0]
    assert r.top == "Yes"


def test_options_with_no_answers_are_listed_in_questionnaire_order():
    df = pd.DataFrame({"Q2": ["C", "A", "C"]})
    r = cq.choice_result(df, q("Q2", ["A", "B", "C", "Prefer not to say"], nonsub=("Prefer not to say",)))
    assert [o.label for o in r.options] == ["A", "B", "C", "Prefer not to say"]
    assert [o.share.count for o in r.options] == [1, 0, 2, 0]
    assert [o.nonsubstantive for o in r.options] == [False, False, False, True]


def test_nobody_answered_gives_zero_percent_and_no_top_answer():
    df = pd.DataFrame({"Q3": [np.nan, np.nan]})
    r = cq.choice_result(df, q("Q3", ["A"]))
    assert r.answered == 0 and r.options[0].share.percent == 0.0 and r.top is None


def test_matrix_counts_each_item_over_its_own_answers():
    df = pd.DataFrame({"Q9_1": ["Low", "High", "High", np.nan, np.nan],
                       "Q9_2": ["Low", np.nan, np.nan, "Mid", np.nan]})
    r = cq.matrix_result(df, matrix())
    first, second = r.items
    assert [p.share.count for p in first.points] == [1, 0, 2] and first.answered == 3
    assert [p.share.count for p in second.points] == [1, 1, 0] and second.answered == 2
    assert round(first.points[2].share.percent, 2) == 66.67
    assert second.points[0].share.percent == 50.0


def test_matrix_rated_at_least_one_item_counts_people_not_the_largest_item():
    # rows 0-3 rated something (row 3 only the second item): 4, not max(3, 2) = 3
    df = pd.DataFrame({"Q9_1": ["Low", "High", "High", np.nan, np.nan],
                       "Q9_2": ["Low", np.nan, np.nan, "Mid", np.nan]})
    r = cq.matrix_result(df, matrix())
    assert r.answered_any == 4 and r.not_answered == 1


def test_matrix_ranking_by_top_point_keeps_survey_order_on_ties():
    df = pd.DataFrame({"Q9_1": ["High", "Low"], "Q9_2": ["High", "High"]})
    r = cq.matrix_result(df, matrix())
    assert [i.label for i in r.ranked_by_top_point()] == ["Second", "First"]
    df = pd.DataFrame({"Q9_1": ["High"], "Q9_2": ["High"]})
    assert [i.label for i in cq.matrix_result(df, matrix()).ranked_by_top_point()] == ["First", "Second"]


def test_free_text_answered_counts_people_not_answers():
    question = Question(id="Q5", number="5", part="p", text="Say", type="free_text", columns=("A", "B"))
    df = pd.DataFrame({"A": ["x", "", np.nan, "y"], "B": ["z", "w", np.nan, np.nan]})
    r = cq.free_text_result(df, question, set())
    assert (r.answered, r.not_answered, r.in_data, r.shown_to) == (3, 1, True, None)


def test_free_text_absent_from_the_data_says_so():
    question = Question(id="Q5", number="5", part="p", text="Say", type="free_text", columns=("A",))
    df = pd.DataFrame({"A": [np.nan, np.nan]})
    assert cq.free_text_result(df, question, {"A"}).in_data is False
    assert cq.free_text_result(df, question, set()).in_data is True


def test_conditional_question_counts_those_it_was_shown_to():
    question = Question(id="Q6", number="6", part="p", text="Why?", type="free_text", columns=("Q6",),
                        condition=Condition("Q26", "Yes"))
    df = pd.DataFrame({"Q26": ["Yes", "No", "Yes", np.nan], "Q6": ["a", np.nan, np.nan, np.nan]})
    r = cq.free_text_result(df, question, set())
    assert (r.answered, r.shown_to) == (1, 2)


def test_question_result_switches_on_type_and_availability():
    lost = q("Q7", [], items_available=False)
    df = pd.DataFrame({"Q7": [np.nan]})
    assert isinstance(cq.question_result(df, lost, set()), cq.UnavailableResult)
    assert isinstance(cq.question_result(pd.DataFrame({"Q1": ["A"]}), q("Q1", ["A"]), set()),
                      cq.ChoiceResult)
