"""Taguette's exports: the highlights CSV (id,document,tag,content), alone or with its codebook CSV
(tag,[parent,]description,number of highlights), and the codebook CSV alone."""
from __future__ import annotations

import pytest

from findings.errors import DataError
from findings.load.qda import QdaInputs, QdaSchema, load_qda

from .projects import FIXTURES, GARDENERS, by_id, quoted

TAGUETTE = FIXTURES / "taguette"
QUESTIONS = {"A2", "A4"}


def read(name: str, codebook=None, **settings):
    return load_qda(TAGUETTE / name, QUESTIONS, QdaInputs(QdaSchema(**settings), GARDENERS,
                                                          codebook=codebook))


def test_highlights_with_their_codebook(tmp_path):
    codebook = read("highlights.csv", TAGUETTE / "codebook.csv", question="A4")
    nodes = by_id(codebook)
    analysis = codebook.final_analyses()[0]
    assert [(n.id, n.title, n.kind) for n in analysis.walk()][1:] == [
        ("planning", "planning", "theme"), ("catalogues", "catalogues", "subtheme"),
        ("company", "company", "theme"), ("weather", "weather", "theme")]  # Publish is no theme
    assert nodes["planning"].summary == "Reading to plan what to sow"
    # highlight 1 carries the Publish tag (a second row of the same id); 2 does not
    assert quoted(nodes["planning"]) == [("R1", "A4", "Seed catalogues are my winter joy.")]
    assert quoted(nodes["catalogues"]) == [("R2", "A4", 'The catalogue tells me when to sow, "always".')]
    assert nodes["company"].quotes == () and nodes["company"].participants() == {"R1"}
    assert nodes["planning"].participants() == {"R1", "R2"}
    assert "untagged" not in " ".join(q.text for n in nodes.values() for q in n.quotes)


def test_highlights_alone_nest_dotted_tags():
    nodes = by_id(read("highlights.csv", question="A4"))
    assert [c.id for c in nodes["planning"].children] == ["catalogues"]
    assert nodes["catalogues"].title == "catalogues"


def test_the_dotted_codebook_alone_is_the_tree_without_quotes():
    codebook = read("codebook_dotted.csv")
    assert [(n.id, n.kind) for n in codebook.final_analyses()[0].walk()][1:] == [
        ("planning", "theme"), ("catalogues", "subtheme"), ("company", "theme")]
    assert not any(n.quotes for step in codebook.steps for n in step.walk())


def test_a_highlights_export_needs_the_question_it_answers():
    with pytest.raises(DataError) as error:
        read("highlights.csv")
    assert "a Taguette export gives no positions" in str(error.value)
    assert len(error.value.problems) == 3  # the three tagged highlights


def test_documents_not_named_after_a_respondent_are_reported_once_each(tmp_path):
    csv = tmp_path / "h.csv"
    csv.write_text("id,document,tag,content\n1,notes.txt,a,One\n2,notes.txt,a,Two\n3,R1.txt,a,Three\n")
    with pytest.raises(DataError) as error:
        load_qda(csv, QUESTIONS, QdaInputs(QdaSchema(question="A4"), GARDENERS))
    assert [str(p) for p in error.value.problems] == [
        f"{csv}, document 'notes.txt': the document's name is not a response id of the responses file; "
        "name each document after its respondent's ResponseId"]


def test_a_csv_of_another_kind_is_named_for_what_it_is_not(tmp_path):
    csv = tmp_path / "h.csv"
    csv.write_text("ResponseId,Progress\nR1,100\n")
    with pytest.raises(DataError) as error:
        load_qda(csv, QUESTIONS, QdaInputs())
    assert "is neither Taguette's highlights (id,document,tag,content) nor its codebook" in str(error.value)
