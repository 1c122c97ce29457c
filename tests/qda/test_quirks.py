"""What real REFI-QDA exports do, one made-up project per tool (tests/fixtures/qda/projects, see its
README): each read into themes with the quotes a person reads off the source texts, typed here by
hand."""
from __future__ import annotations

import pytest

from findings.errors import DataError
from findings.load.qda import QdaInputs, QdaSchema, load_qda

from .projects import GARDENERS, by_id, qdpx, quoted

QUESTIONS = {"A1", "A2", "A3", "A4"}


def read(name: str, tmp_path, respondents=GARDENERS, **settings):
    return load_qda(qdpx(name, tmp_path), QUESTIONS, QdaInputs(QdaSchema(**settings), respondents))


def problems_of(error: DataError) -> list[str]:
    return [str(p) for p in error.problems]


def test_nvivo_for_windows_utf16_positions_bom_crlf_capital_sources_braced_guids(tmp_path):
    codebook = read("nvivo_windows", tmp_path)
    nodes = by_id(codebook)
    # the tree: one final analysis of the plain codes; the code with no coding is kept
    analysis = codebook.final_analyses()[0]
    assert (analysis.id, analysis.title, analysis.questions) == ("themes", "Themes", ("A4",))
    assert [(c.id, c.kind) for c in analysis.children] == [
        ("planning-the-season", "theme"), ("company", "theme"), ("never-used", "theme")]
    assert [(c.id, c.kind) for c in nodes["planning-the-season"].children] == [("seed-catalogues", "subtheme")]
    assert nodes["planning-the-season"].summary == "Reading to plan what to grow and when."
    # UTF-16 units with CRLF as two: each emoji counts twice, so reading code points would shift
    # every selection after one; the quotes below are cut right only in UTF-16 units
    assert quoted(nodes["seed-catalogues"]) == [
        ("R1", "A4", "Seed catalogues \U0001F331 are my winter joy."),
        ("R2", "A4", "The catalogue \U0001F4D7\U0001F4D7 tells me when to sow.")]
    assert quoted(nodes["company"]) == [("R1", "A4", "Also my neighbour lends me hers \U0001F60A and we swap tips.")]
    # an overlapping selection inside a published span (Publish coded on a span of its own) is published
    assert quoted(nodes["planning-the-season"]) == [("R1", "A4", "Seed catalogues")]
    assert nodes["never-used"].quotes == () and nodes["never-used"].participants() == set()
    assert nodes["planning-the-season"].participants() == {"R1", "R2"}
    assert "publish" not in nodes  # the publication code is no theme
    assert any("UTF-16 units" in w.message for w in codebook.warnings)


def test_a_position_setting_is_obeyed_and_a_wrong_one_shows_in_the_quotes(tmp_path):
    codebook = read("nvivo_windows", tmp_path, positions="code_points")
    # one emoji (two UTF-16 units) before it: read as code points, the cut starts a character late
    assert quoted(by_id(codebook)["company"]) == [
        ("R1", "A4", "lso my neighbour lends me hers \U0001F60A and we swap tips.")]
    assert not codebook.warnings


def test_atlas_ti_crlf_as_one_prefixed_namespace_quote_names_and_a_named_publication_code(tmp_path):
    codebook = read("atlas_ti", tmp_path, publish={"code": "report quote"})
    nodes = by_id(codebook)
    assert any("CRLF as one" in w.message for w in codebook.warnings)
    # sources named "R1.txt": the response id R1
    assert quoted(nodes["planning-the-season"]) == [("R1", "A4", "Seed catalogues are my winter joy.")]
    assert quoted(nodes["company"]) == [("R3", "A4", "I read to keep up with the other plot holders.")]
    # R1's "Also my neighbour lends me hers." carries Company and Planning, unpublished: counted only
    assert nodes["company"].participants() == {"R1", "R3"}
    assert nodes["planning-the-season"].participants() == {"R1"}
    assert "report-quote" not in nodes


def test_with_no_publication_code_nothing_is_quoted_but_everything_counts(tmp_path):
    codebook = read("atlas_ti", tmp_path)  # the default code "Publish" is not in this project
    nodes = by_id(codebook)
    assert all(not n.quotes for n in nodes.values())
    assert nodes["company"].participants() == {"R1", "R3"}
    assert "report-quote" in nodes  # not the publication code here: a theme like any other
    assert any("no code is named 'Publish'" in w.message for w in codebook.warnings)


def test_a_publication_code_named_in_study_yml_must_exist(tmp_path):
    with pytest.raises(DataError) as error:
        read("atlas_ti", tmp_path, publish={"code": "Quote for the report"})
    assert "no code is named 'Quote for the report'" in str(error.value)


def test_qualcoder_a_source_per_question_inline_text_and_publication_by_a_set(tmp_path):
    codebook = read("qualcoder", tmp_path, sources="per_question", publish={"set": "For the report"})
    nodes = by_id(codebook)
    assert [(c.id, c.kind) for c in codebook.final_analyses()[0].children] == [
        ("why-they-read", "group"), ("nobody-said-this", "theme")]  # not codable: a group
    assert [c.id for c in nodes["why-they-read"].children] == ["planning-the-season", "company"]
    # one selection, two codings; the set holds Company, so the selection is published under both
    assert quoted(nodes["company"]) == [("R1", "A4", "My neighbour lends me hers.")]
    assert quoted(nodes["planning-the-season"]) == [("R1", "A4", "My neighbour lends me hers.")]
    # R2's answer is coded to Planning but not published: counted, never quoted
    assert nodes["planning-the-season"].participants() == {"R1", "R2"}
    assert nodes["planning-the-season"].coded == {"R2"}
    all_text = " ".join(q.text for n in nodes.values() for q in n.quotes)
    assert "winter joy" not in all_text and "sow" not in all_text and "Nothing" not in all_text


def test_a_source_per_question_read_as_per_respondent_is_reported(tmp_path):
    with pytest.raises(DataError) as error:
        read("qualcoder", tmp_path, publish={"set": "For the report"})
    assert "TextSource 'A4'" in str(error.value)
    assert "is not a response id of the responses file" in str(error.value)


def test_qc_unnamed_sources_plain_paths_whole_lines_deep_codes_and_parent_codes_coded(tmp_path):
    codebook = read("qc_style", tmp_path, question="A4", publish={"code": "publish"})
    nodes = by_id(codebook)
    assert [(n.id, n.kind) for n in codebook.final_analyses()[0].walk()][1:] == [
        ("planning", "theme"), ("seeds", "subtheme"), ("catalogues", "subtheme"), ("unused", "subtheme"),
        ("company", "theme"), ("unused-2", "subtheme")]  # names repeat under two parents
    # whole lines with their "\n": trimmed; a parent code coded directly holds its own quotes
    assert quoted(nodes["planning"]) == [("R1", "A4", "Seed catalogues are my winter joy."),
                                         ("R2", "A4", "The catalogue tells me when to sow.")]
    assert quoted(nodes["catalogues"]) == [("R1", "A4", "Seed catalogues are my winter joy.")]
    assert nodes["company"].quotes == () and nodes["company"].participants() == {"R1"}


def test_without_question_headings_or_qda_question_every_selection_is_reported(tmp_path):
    with pytest.raises(DataError) as error:
        read("qc_style", tmp_path, publish={"code": "publish"})
    found = problems_of(error.value)
    assert len(found) == 3  # three coded selections
    assert all("no question" in p and "qda: question" in p for p in found)


def test_dangling_references_are_reported_with_file_element_and_guid(tmp_path):
    with pytest.raises(DataError) as error:
        read("dangling", tmp_path)
    found = problems_of(error.value)
    assert len(found) == 5
    text = "\n".join(found)
    assert "dangling.qdpx, project.qde, TextSource 'R1' {bbbbbbbb-0000-4000-8000-000000000001} › " \
           "PlainTextSelection {cccccccc-0000-4000-8000-000000000001} › Coding " \
           "{dddddddd-0000-4000-8000-000000000001}: refers to code {eeeeeeee-0000-4000-8000-00000000dead}" in text
    assert "TextSource 'R2' {bbbbbbbb-0000-4000-8000-000000000002}: its text file" in text
    assert "Set 'For the report' {ffffffff-0000-4000-8000-000000000001} › MemberCode: refers to " \
           "{ffffffff-0000-4000-8000-00000000beef}" in text
    assert "PlainTextSelection {cccccccc-0000-4000-8000-000000000002}: the selection (3 to 900) does " \
           "not fall inside its source's text (31 characters)" in text
    assert "TextSource 'Interview with the chair'" in text and "not a response id" in text


def test_without_the_responses_source_names_are_taken_as_they_are(tmp_path):
    codebook = read("nvivo_windows", tmp_path, respondents=None)
    assert {q.participant for n in by_id(codebook).values() for q in n.quotes} == {"R1", "R2"}
