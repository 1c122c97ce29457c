"""Ids and links from the data: every id the schemas read (or that refers to an id) has the safe
form, every link is an http(s) address or a DOI, and a refused value is named with its file, line,
field and the form expected, quoted short and escaped."""
from __future__ import annotations

import pytest

from findings.errors import shown
from findings.load import load
from findings.load.yamlfile import BIBKEY_FORM, COLUMN_FORM, DOI_FORM, ID_FORM, PAGE_FORM, URL_FORM

from .survey_copy import assert_safe_message, copy_survey, edited, line_of, problems, yaml_quoted

BAD_IDS = [
    "../../etc/passwd", "a b", "-x", "_x", ".hidden", "a..b", "x" * 101, "<script>alert(1)</script>",
    "{{ 7*7 }}", "a\u202eb", "a\u200bb", "caf\u00e9", "A1\n", "a/b", "a#b", "a'b", "",
]

# (file, text to replace, replacement with {v} for the value, what the message calls the field)
ID_PLACES = [
    ("study.yml", "  - id: about\n", "  - id: {v}\n", "sections entry 1"),
    ("study.yml", "questions: [A1, A2]", "questions: [A1, {v}]", "questions entry 2"),
    ("study.yml", "analyses: [m-why]", "analyses: [{v}]", "analyses entry 1"),
    ("study.yml", "characteristics: [A1]", "characteristics: [{v}]", "characteristics entry 1"),
    ("study.yml", "  A3_1: [m-why-seeds]", "  A3_1: [{v}]", "item_themes, A3_1 entry 1"),
    ("study.yml", "  m-why: [A2]", "  {v}: [A2]", "theme_questions"),
    ("study.yml", "  m-why: [A2]", "  m-why: [{v}]", "theme_questions, m-why entry 1"),
    ("study.yml", "{themes: m-why}", "{themes: {v}}", "themes"),
    ("instrument.yaml", "{id: p1, title", "{id: {v}, title", "parts entry 1"),
    ("instrument.yaml", "  - id: A1\n", "  - id: {v}\n", "questions entry 1"),
    ("instrument.yaml", "    part: p2\n", "    part: {v}\n", "part"),
    ("themes.yaml", "- id: m1\n", "- id: {v}\n", "steps entry 1"),
    ("themes.yaml", "    questions: [A4]\n", "    questions: [{v}]\n", "questions entry 1"),
    ("themes.yaml", "question: A4}", "question: {v}}", "quotes entry 1"),
    ("stated_figures.yaml", "- id: people\n", "- id: {v}\n", "figures entry 1"),
    ("stated_figures.yaml", "theme: m-why-seeds}", "theme: {v}}", "theme should be a theme node id"),
    ("stated_figures.yaml", "question: A2, options", "question: {v}, options", "question should be a question id"),
]


@pytest.mark.parametrize("bad", BAD_IDS, ids=range(len(BAD_IDS)))
@pytest.mark.parametrize("name, old, new, field", ID_PLACES, ids=[f"{p[0]}:{p[3]}" for p in ID_PLACES])
def test_a_bad_id_is_refused_with_file_line_field_and_form(tmp_path, name, old, new, field, bad):
    study = copy_survey(tmp_path)
    text = edited(study, name, old, new.replace("{v}", yaml_quoted(bad)))
    error, message = problems(study)
    assert_safe_message(message)
    [problem] = [p for p in map(str, error.problems) if ID_FORM in p]
    assert problem.startswith(f"{study.parent / name}, line {line_of(text, yaml_quoted(bad))}: "), problem
    assert field in problem and f"found {shown(bad)}" in problem, problem
    if len(bad) > 40:
        assert shown(bad).endswith("…") and bad not in message


def test_ids_of_100_characters_are_fine_101_are_not(tmp_path):
    study = copy_survey(tmp_path)
    edited(study, "stated_figures.yaml", "- id: people\n", f"- id: {'p' * 100}\n")
    assert load(study).stated_figures[0].id == "p" * 100
    edited(study, "stated_figures.yaml", "- id: people\n", f"- id: {'p' * 101}\n")
    error, message = problems(study)
    assert "at most 100 characters" in message and f"found '{'p' * 40}'…" in message


def test_the_id_form_is_said_in_words():
    assert ID_FORM.startswith("an id: letters, digits, '_', '-' or '.', starting with a letter or digit, "
                              "at most 100 characters")


def test_numbers_are_ids_and_dotted_ids_are_fine(tmp_path):
    study = copy_survey(tmp_path)
    edited(study, "stated_figures.yaml", "- id: people\n", "- id: 11\n")
    text = (study.parent / "instrument.yaml").read_text(encoding="utf-8")
    (study.parent / "instrument.yaml").write_text(text.replace("p1", "v1.2_x-y"), encoding="utf-8")
    inputs = load(study)
    assert inputs.stated_figures[0].id == "11" and inputs.instrument.parts[0].id == "v1.2_x-y"


@pytest.mark.parametrize("name, old, new", [
    ("instrument.yaml", "columns: [A1]", "columns: [{v}]"),
    ("instrument.yaml", "{column: A3_1, label", "{column: {v}, label"),
    ("responses.meta.yaml", "not_reconstructed_columns: []", "not_reconstructed_columns: [{v}]"),
    ("study.yml", "  A3_1: [m-why-seeds]", "  {v}: [m-why-seeds]"),
    ("stated_figures.yaml", "columns: [A2]}", "columns: [{v}]}"),
])
@pytest.mark.parametrize("bad", ["a`b", "<b>", "a|b", "{{ x }}", "a\nb", " A1", "a\u202eb", "x" * 129, ""])
def test_a_column_name_that_could_become_markup_is_refused(tmp_path, name, old, new, bad):
    study = copy_survey(tmp_path)
    edited(study, name, old, new.replace("{v}", yaml_quoted(bad)))
    error, message = problems(study)
    assert_safe_message(message)
    assert any(f"{name}, line " in p and (COLUMN_FORM in p or "non-empty" in p) for p in map(str, error.problems)), message


def test_real_qualtrics_column_names_are_fine(tmp_path):
    study = copy_survey(tmp_path)
    edited(study, "responses.meta.yaml", "not_reconstructed_columns: []", "not_reconstructed_columns: [A3_1]")
    assert load(study).responses.meta.not_reconstructed_columns == ("A3_1",)
    from findings.load.yamlfile import is_column
    assert all(map(is_column, ["Q2 - Topics", "Duration (in seconds)", "Q18_8_TEXT", "Q26a"]))


# --------------------------------------------------------------------------- links

@pytest.mark.parametrize("url", [
    "https://example.org/allotments", "http://example.org", "https://doi.org/10.1101/2024.05.09.24307104",
    "https://example.org:8080/a/b?c=d&e=f#g", "https://en.wikipedia.org/wiki/Allotment_(gardening)",
    "HTTPS://EXAMPLE.ORG/",
])
def test_web_addresses_that_are_fine(tmp_path, url):
    study = copy_survey(tmp_path)
    edited(study, "study.yml", 'url: "https://example.org/allotments"', f"url: {yaml_quoted(url)}")
    assert load(study).study.url == url


@pytest.mark.parametrize("url, refused", [
    ("javascript:alert(1)", "'javascript:' addresses are refused"),
    ("JavaScript:alert(1)", "'javascript:' addresses are refused"),
    (" javascript:alert(1)", "'javascript:' addresses are refused"),
    ("data:text/html,<script>alert(1)</script>", "'data:' addresses are refused"),
    ("vbscript:msgbox", "'vbscript:' addresses are refused"),
    ("file:///etc/passwd", "'file:' addresses are refused"),
    ("mailto:someone@example.org", "'mailto:' addresses are refused"),
    ("ftp://example.org", "'ftp:' addresses are refused"),
    ("//evil.example", URL_FORM), ("example.org", URL_FORM), ("https://", URL_FORM),
    ("https://exa mple.org", URL_FORM), ('https://example.org/"onmouseover="x', URL_FORM),
    ("https://example.org/'x", URL_FORM), ("https://example.org/<x>", URL_FORM),
    ("https://example.org/a\\b", URL_FORM), ("https://example.org/`x`", URL_FORM),
    ("https://example.org/{x}", URL_FORM), ("https://example.org/a|b", URL_FORM),
    ("https://example.org/a^b", URL_FORM), ("https://example.org/\u202ex", URL_FORM),
    ("https://example.org/\nx", URL_FORM), ("https://example.org/" + "x" * 3000, URL_FORM),
])
def test_a_link_that_is_no_web_address_is_refused(tmp_path, url, refused):
    study = copy_survey(tmp_path)
    text = edited(study, "study.yml", 'url: "https://example.org/allotments"', f"url: {yaml_quoted(url)}")
    error, message = problems(study)
    assert_safe_message(message)
    assert message.startswith(f"{study}, line {line_of(text, 'url: ')}: url should be a web address")
    assert refused in message and f"found {shown(url)}" in message


@pytest.mark.parametrize("doi, fine", [
    ("10.1101/2024.05.09.24307104", True), ("10.1000/xyz_123;4:5/6-7", True),
    ("10.1101/(abc)", False), ("10.1101/a b", False), ("10.11/x", False), ("https://doi.org/10.1101/x", False),
    ("doi:10.1101/x", False), ("10.1101/", False), ("10.1101/x\"onclick", False), ("10.1101/<x>", False),
    ("10.1101/x\u202e", False), ("javascript:alert(1)", False), ("", False),
])
def test_a_doi(tmp_path, doi, fine):
    study = copy_survey(tmp_path)
    edited(study, "study.yml", 'doi: "10.0000/example.0001"', f"doi: {yaml_quoted(doi)}")
    if fine:
        assert load(study).study.doi == doi
        return
    error, message = problems(study)
    assert_safe_message(message)
    assert f"doi should be {DOI_FORM}; found {shown(doi)}" in message


@pytest.mark.parametrize("key, fine", [("tester2025allotment", True), ("Tester:2025", True),
                                       ("a,b", False), ("a}b", False), ("a b", False), ("", False)])
def test_a_bibtex_key(tmp_path, key, fine):
    study = copy_survey(tmp_path)
    edited(study, "study.yml", 'bibtex_key: "tester2025allotment"', f"bibtex_key: {yaml_quoted(key)}")
    if fine:
        assert load(study).study.bibtex_key == key
    else:
        assert f"bibtex_key should be {BIBKEY_FORM}" in problems(study)[1]


@pytest.mark.parametrize("page", ["../secret.md", "/etc/passwd.md", "results/../../x.md", "a b.md",
                                  "results/about.html", "javascript:alert(1).md", "results//x.md",
                                  "results\\about.md", "<x>.md", ".hidden.md"])
@pytest.mark.parametrize("where", ["section", "nav page", "nav entry"])
def test_a_page_path_outside_docs_or_not_markdown_is_refused(tmp_path, page, where):
    study = copy_survey(tmp_path)
    old, new = {"section": ("page: results/about.md", "page: {v}"),
                "nav page": ("  - About you: results/about.md", "  - About you: {v}"),
                "nav entry": ("      - themes/index.md", "      - {v}")}[where]
    text = edited(study, "study.yml", old, new.replace("{v}", yaml_quoted(page)))
    error, message = problems(study)
    assert_safe_message(message)
    assert f"{study}, line {line_of(text, yaml_quoted(page))}: " in message
    assert PAGE_FORM in message and shown(page) in message
