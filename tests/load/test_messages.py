"""What a message may show: values quoted short and escaped, at most 20 problems listed, at most 1000
kept; and values of the wrong type in free-form specs are problems, never tracebacks."""
from __future__ import annotations

import pytest

from findings.errors import MAX_PROBLEMS, DataError, Problem, ProblemList, listing, shown
from findings.load import load

from .survey_copy import assert_safe_message, copy_survey, edited, original, problems, yaml_quoted


def test_a_quoted_value_is_short_and_escaped():
    assert shown("Maybe") == "'Maybe'"
    assert shown("x" * 41) == "'" + "x" * 40 + "'…"
    assert shown("a\u202eb\u200bc\x00d\ne\u2066") == "'a\\u202eb\\u200bc\\x00d\\ne\\u2066'"
    assert shown(12) == "12" and len(shown(list(range(1000)))) == 41
    assert listing(range(25)) == ", ".join(map(str, range(10))) + ", … (25 in all)"


def test_a_problem_never_prints_an_invisible_character():
    text = str(Problem("f\u202e.yaml", "line 1", "a\x00b\u200bc\nd"))
    assert text == "f\\u202e.yaml, line 1: a\\x00b\\u200bc\\nd"


def test_at_most_20_problems_are_listed():
    error = DataError([Problem("f.csv", f"row {n}", "bad") for n in range(1, 26)])
    lines = str(error).split("\n")
    assert lines[0] == "25 problems in the input data:" and len(lines) == 22
    assert lines[20] == "  - f.csv, row 20: bad"
    assert lines[21] == "  … and 5 more problems (25 in total)"


def test_at_most_1000_problems_are_kept_and_all_are_counted():
    found = ProblemList(Problem("f.csv", f"row {n}", "bad") for n in range(1, 5001))
    assert len(found) == MAX_PROBLEMS and found.total == 5000 and found.full
    error = DataError(found)
    assert len(error.problems) == MAX_PROBLEMS and error.total == 5000
    assert str(error).endswith("  … and 4980 more problems (5000 in total)")
    found.stop()
    assert str(DataError(found)).startswith("at least 5000 problems in the input data:")
    assert str(DataError(found)).endswith("  … and 4980 more problems; the checks stopped after 5000 "
                                          "problems, so there may be more: fix these and run again")


def test_a_long_problem_is_cut():
    text = str(DataError([Problem("f", None, "x" * 5000), Problem("f", None, "y")]))
    assert len(text) < 600 and "x" * 470 + "…" in text


def test_a_flood_of_schema_problems_is_counted_not_kept(tmp_path):
    study = copy_survey(tmp_path)
    parts = "".join(f"  - {{id: '../{n}', title: T, colour: red}}\n" for n in range(3000))
    edited(study, "instrument.yaml", "parts:\n", "parts:\n" + parts)
    error, text = problems(study)
    assert_safe_message(text)
    assert error.total == 6000 and len(error.problems) == MAX_PROBLEMS
    assert text.endswith("  … and 5980 more problems (6000 in total)")


def test_a_flood_of_duplicate_keys_is_counted_not_kept(tmp_path):
    study = copy_survey(tmp_path)
    edited(study, "responses.meta.yaml", "reconstructed: false\n", "reconstructed: false\n" * 3000)
    error, text = problems(study)
    assert error.total == 2999 and len(error.problems) == MAX_PROBLEMS


# --------------------------------------------------------------------------- free-form values

@pytest.mark.parametrize("old, new, expected", [
    ("{measure: respondents}", "{measure: [respondents]}", "unknown measure a list"),
    ("{measure: respondents}", "{measure: {a: 1}}", "unknown measure a mapping"),
    ("question: A2, options: [\"Yes\"]", "question: [A2], options: [\"Yes\"]", "question should be a question id"),
    ("options: [\"Yes\"]", "options: Yes", "options should be a non-empty list of option labels"),
    ("options: [\"Yes\"]", "options: []", "options should be a non-empty list of option labels"),
    ("options: [\"Yes\"]", "options: [[Yes]]", "options should be a non-empty list of option labels"),
    ("columns: [A2]}", "columns: A2}", "columns should be a non-empty list of columns"),
    ("columns: [A2]}", "columns: []}", "columns should be a non-empty list of columns"),
    ("theme: m-why-seeds}", "theme: 5}", "theme should be a theme node id"),
    ("{measure: theme_participants, theme: m-why-seeds}", "{measure: theme_largest, themes: 5}",
     "themes should be a non-empty list of theme node ids"),
    ("{measure: respondents}", "{measure: similar, column: A2, options: [\"Yes\", \"No\", \"Yes\"], "
     "within_points: 5}", "measure similar compares two options; found 3"),
    ("{measure: respondents}", "{measure: similar, column: A2, options: [\"Yes\", \"No\"], "
     "within_points: lots}", "within_points should be a number of percentage points"),
    ("{measure: respondents}", "{measure: matrix_rank, question: A2, option: \"Yes\", items: [A2]}",
     "measure matrix_rank needs a matrix question with items"),
    ("value: 5\n", "value: {a: 1}\n", "value: a figure with unit count should state a whole number; found a mapping"),
    ("value: 5\n", "value: -1\n", "should state a whole number; found -1"),
    ("value: 50\n", "value: .nan\n", "should state a number (the percentage as printed); found nan"),
    ("value: 2\n  unit: count", "value: 2\n  unit: label", "a figure of measure theme_participants is stated in unit count, not label"),
    ("value: 5\n  unit: count", "value: [A1]\n  unit: ranking", "a figure of measure respondents is stated in unit count, not ranking"),
    ("{measure: respondents}", "{measure: respondents, " + "k" * 100 + ": 1}", "takes no 'kkkkkkkkkk"),
])
def test_a_stated_figure_of_the_wrong_type_is_a_problem(tmp_path, old, new, expected):
    study = copy_survey(tmp_path)
    edited(study, "stated_figures.yaml", old, new)
    error, text = problems(study)
    assert_safe_message(text)
    assert expected in text, text


@pytest.mark.parametrize("label", ["P" + "1" * 4500, "\u0663", "P\u0663", "P-1", "12345678901"])
def test_a_quote_label_of_the_wrong_form_is_a_problem(tmp_path, label):
    study = copy_survey(tmp_path)
    edited(study, "themes.yaml", "label: P1,", f"label: {yaml_quoted(label)},")
    error, text = problems(study)
    assert_safe_message(text)
    assert "should look like 'P31' or '31' (or be null)" in text


@pytest.mark.parametrize("name", ["study.yml", "instrument.yaml", "themes.yaml", "stated_figures.yaml",
                                  "responses.meta.yaml"])
@pytest.mark.parametrize("hostile", ["{{ 7*7 }}", "{% for x in y %}", "<script>alert(1)</script>",
                                     "<img src=x onerror=alert(1)>", "javascript:alert(1)",
                                     "../../etc/passwd", "\u202eevil", "zero\u200bwidth"])
def test_hostile_text_in_a_text_field_loads_as_text_or_is_refused_cleanly(tmp_path, name, hostile):
    """Text fields keep text as it is (the render stage escapes it); fields that are ids, links or
    paths refuse it. Either way: no traceback, no raw invisible character in a message."""
    study = copy_survey(tmp_path)
    field = {"study.yml": 'title: "Reading habits of allotment gardeners"',
             "instrument.yaml": 'text: "How many plots do you tend?"',
             "themes.yaml": "title: Coding of the mini survey",
             "stated_figures.yaml": 'statement: "Five gardeners answered"',
             "responses.meta.yaml": 'title: "Made-up test data"'}[name]
    key = field.split(":")[0]
    edited(study, name, field, f"{key}: {yaml_quoted(hostile)}")
    inputs = load(study)
    assert hostile in {inputs.study.title, inputs.instrument.question("A1").text, inputs.themes.title,
                       inputs.stated_figures[0].statement, inputs.responses.meta.title}
    assert original(name)  # the copy was edited, not the fixture


def test_two_options_with_one_label_are_refused(tmp_path):
    study = copy_survey(tmp_path)
    edited(study, "instrument.yaml", '{label: "Two or more"}', '{label: "One"}')
    error, text = problems(study)
    assert "instrument.yaml, line 21: questions entry 1, options: label 'One' is used by more than one entry; every " \
           "label must be unique" in text


def test_a_text_longer_than_5000_characters_is_one_problem(tmp_path):
    study = copy_survey(tmp_path)
    edited(study, "themes.yaml", '"Catalogues are my winter joy"', yaml_quoted("x" * 200_000))
    error, text = problems(study)
    assert len(error.problems) == 1 and text.endswith(
        "line 22: a text of 200,000 characters, longer than the 5,000 a value may be; shorten it")
