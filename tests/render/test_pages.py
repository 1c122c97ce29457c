"""render/pages.py on results built by hand: what a fragment says, how data text is escaped, and
that pages only format the numbers they are given."""
from __future__ import annotations

from types import SimpleNamespace

from findings.compute.questions import (ChoiceResult, FreeTextResult, ItemResult, MatrixResult,
                                        OptionResult)
from findings.compute.stats import Share
from findings.load.instrument import Condition, Question
from findings.render import figures, pages
from findings.render.markdown import md_text

META = SimpleNamespace(reconstructed=False, title="", note="")


def question(**kw):
    base = dict(id="Q1", number="1", part="p", text="Which *one*?", type="single_choice", columns=("Q1",))
    return Question(**{**base, **kw})


def choice():
    return ChoiceResult(question(), (OptionResult("Yes <b>", Share(3, 4)), OptionResult("No", Share(1, 4))),
                        answered=4, respondents=7)


def test_a_closed_question_shows_its_denominator_table_chart_and_downloads():
    r = choice()
    md, csv = pages.choice_fragment(r, META, figures.bar_spec(r))
    assert "## 1. Which &#42;one&#42;? { #q-q1 }" in md
    assert "**4 of the 7 who took part answered this question** (3 did not" in md
    assert "| Yes &#60;b&#62; | 3 | 75% |" in md and "| No | 1 | 25% |" in md
    assert "| **Total who answered** | 4 | 100% |" in md
    assert "](/figures/Q1.svg)" in md and "[data (CSV)](/downloads/Q1.csv)" in md
    assert "[See question 1 in the survey instrument](/instrument.md#q-q1)" in md
    assert csv.splitlines() == ["question,answer,respondents,percent_of_answered,answered,respondents_total",
                                "Q1,Yes <b>,3,75.0,4,7", "Q1,No,1,25.0,4,7"]


def test_a_matrix_says_how_many_answered_at_least_one_item_from_its_result():
    q = question(id="M", number="2", type="matrix", columns=("M_1", "M_2"))
    items = (ItemResult("First", "M_1", (OptionResult("Lo", Share(1, 3)), OptionResult("Hi", Share(2, 3))), 3),
             ItemResult("Second", "M_2", (OptionResult("Lo", Share(0, 0)), OptionResult("Hi", Share(0, 0))), 0))
    r = MatrixResult(q, items, ("Lo", "Hi"), answered_any=5, respondents=9)
    md, _ = pages.matrix_fragment(r, META, figures.likert_spec(r), {})
    assert "**5 of the 9 who took part answered at least one item** (4 did not" in md
    assert "| First | 1 (33%) | 2 (67%) | 3 |" in md
    assert "| Second | 0 (–) | 0 (–) | 0 |" in md  # nobody rated it: no percentage is invented


def test_a_conditional_free_text_question_counts_over_those_shown_it():
    q = question(id="F", number="3", type="free_text", columns=("F",), condition=Condition("Q1", "Yes"))
    md = pages.free_text_fragment(FreeTextResult(q, 2, 7, True, shown_to=3), [],
                                  "answered “Yes” to question 1")
    assert "**2 of the 3 respondents who answered “Yes” to question 1 answered this question**" in md
    assert "were not analysed for themes" in md


