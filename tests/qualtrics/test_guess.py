"""The guesses from words (non-substantive options, a scale's polarity), the split of multi-select
cells whose labels hold commas, and the HTML of the .qsf as plain text."""
from __future__ import annotations

import pytest

from findings.qualtrics.guess import nonsubstantive, polarity, split_cell
from findings.qualtrics.qsf import plain_text


@pytest.mark.parametrize("label", [
    "Don't know", "I don’t know/prefer not to answer", "Do not know", "Not applicable", "N/A",
    "NA - did not use", "NA, I haven't experienced this. (999)", "Prefer not to say",
    "I would prefer not to answer", "Rather not say", "No opinion", "Did not attempt", "Can't say",
    "Cannot say", "Does not apply to me"])
def test_non_substantive_answers(label):
    assert nonsubstantive(label) == "yes"


@pytest.mark.parametrize("label", ["Not sure", "Unsure", "I'm not sure"])
def test_answers_that_may_or_may_not_be_substantive(label):
    assert nonsubstantive(label) == "maybe"


@pytest.mark.parametrize("label", [
    "Yes", "No", "None", "None of the above", "I do not share any of these concerns", "National", "Nature",
    "Neither agree nor disagree", "Knowledge of data", "Narrative review", "Unknowable future"])
def test_substantive_answers(label):
    assert nonsubstantive(label) is None


@pytest.mark.parametrize("labels, expected", [
    (["Strongly agree", "Agree", "Disagree", "Strongly disagree"], "bipolar"),
    (["Very satisfied", "Satisfied", "Dissatisfied", "Very dissatisfied"], "bipolar"),
    (["Very likely", "Likely", "Unlikely", "Very unlikely"], "bipolar"),
    (["Very good", "Good", "Bad", "Very bad"], "bipolar"),
    (["Very Positive", "Generally Positive", "Generally Negative", "Very Negative"], "bipolar"),
    (["Worse", "About the same", "Much better"], "bipolar"),
    (["Low", "Neither high nor low", "High"], "bipolar"),
    (["Not at all", "A little", "Somewhat", "A great deal"], "unipolar"),
    (["Never", "Sometimes", "Often", "Always"], "unipolar"),
    (["Very helpful", "Somewhat helpful", "Not too helpful", "Not at all helpful"], "unipolar"),
    (["Not at all important", "Slightly important", "Extremely important"], "unipolar"),
    (["I am unaware of this", "I am aware of it, but don't use it", "I use this"], "unipolar"),
])
def test_polarity(labels, expected):
    found, why = polarity(labels)
    assert found == expected and why


def test_a_cell_splits_on_the_known_labels_not_on_every_comma():
    labels = ("Yes, informally", "Yes, by seminars, workshops or talks", "No", "Other")
    assert split_cell("Yes, informally,Yes, by seminars, workshops or talks,Other", labels) == [
        ("Yes, informally", "Yes, informally"),
        ("Yes, by seminars, workshops or talks", "Yes, by seminars, workshops or talks"), ("Other", "Other")]
    assert split_cell("No", labels) == [("No", "No")]
    assert split_cell("Yes", labels) is None
    assert split_cell("No,Maybe", labels) is None
    assert split_cell("", labels) is None


def test_a_label_that_is_the_start_of_another_needs_the_whole_cell():
    labels = ("A", "A, B", "C")
    assert [label for label, _ in split_cell("A, B,C", labels)] == ["A, B", "C"]
    assert [label for label, _ in split_cell("A,C", labels)] == ["A", "C"]


def test_whitespace_and_quotes_may_differ_from_the_export():
    labels = ("I don't know", "Very good")
    assert split_cell("Very  good,I don’t know", labels) == [("Very good", "Very  good"),
                                                             ("I don't know", "I don’t know")]


def test_html_becomes_plain_text():
    assert plain_text("<p>In your&nbsp;opinion,<br>how <strong>important</strong>?<o:p></o:p></p>") == \
        "In your opinion, how important?"
    assert plain_text('Rate:<style type="text/css">.Skin .c7 { border: 1px }</style>') == "Rate:"
    assert plain_text("R&amp;D &quot;open&quot;\n\n science") == 'R&D "open" science'
    assert plain_text("a < b and c > d") == "a < b and c > d"
    assert plain_text("zero\u200bwidth\x07bell") == "zerowidthbell"
    assert plain_text(None) == "" and plain_text(12) == ""
