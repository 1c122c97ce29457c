"""Respondents' record ids are counted, never published: a quote from a source named by a survey
platform's id (a Qualtrics ResponseId, ``R_…``) is a respondent's, with no label, in the codebook,
its download, the project written back and the theme page; a participant label (``P12``) is shown
as it is. And the prevalence of a theme coded in a tool is every respondent coded there, under the
disclosure rule."""
from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from findings.compute.disclosure import Rule
from findings.compute.themes import theme_results
from findings.load.qda import QdaInputs, QdaSchema, load_qda
from findings.load.themes import load_themes
from findings.render.pages import RESPONDENT, printed_label, quote_source, speaker
from findings.render.qda import NO_LABEL, project_qdpx

from .projects import (FIXTURES, MINI, PROJECTS, QUALTRICS_IDS, by_id, coded_by_hand, members,
                       project_schema, renamed, zip_folder)

QUESTIONS = {"A1", "A2", "A3", "A4"}
THEMES = {"Planning the season": "planning-the-season", "Seed catalogues": "seed-catalogues",
          "Company": "company"}


def load(tmp_path, ids: dict, description: str | None = None):
    """The mini project with its sources renamed by ``ids``, read against those respondents;
    ``description``: put on its first selection (a generator's note a coder may have edited)."""
    folder = renamed(PROJECTS / "mini_coding", tmp_path / "project", ids)
    if description is not None:
        qde = folder / "project.qde"
        text = qde.read_text(encoding="utf-8")
        first = text.index(">", text.index("<PlainTextSelection")) + 1
        qde.write_text(text[:first] + f"<Description>{description}</Description>" + text[first:],
                       encoding="utf-8")
    path = zip_folder(folder, tmp_path / "coding.qdpx")
    respondents = frozenset(ids.get(r, r) for r in ("R1", "R2", "R3", "R4", "R5"))
    return load_qda(path, QUESTIONS, QdaInputs(respondents=respondents))


def quotes(codebook) -> list:
    return [q for step in codebook.steps for q in step.all_quotes()]


def test_a_source_named_by_a_response_id_counts_and_is_never_a_label(tmp_path):
    codebook = load(tmp_path, QUALTRICS_IDS)
    assert codebook.all_codings
    found = quotes(codebook)
    assert [(q.label, q.participant) for q in found] == [(None, QUALTRICS_IDS["R1"])]
    nodes = by_id(codebook)
    by_hand = coded_by_hand(renamed(PROJECTS / "mini_coding", tmp_path / "by-hand", QUALTRICS_IDS))
    for code, theme in THEMES.items():
        assert nodes[theme].participants() == by_hand[code][0], theme  # counted by their ids
    download = json.dumps(codebook.data)  # the themes.yaml download
    assert not any(rid in download for rid in QUALTRICS_IDS.values())


def test_a_participant_label_is_kept(tmp_path):
    codebook = load(tmp_path, {"R1": "P12", "R2": "P7"})
    assert [(q.label, q.participant) for q in quotes(codebook)] == [("P12", "P12")]


@pytest.mark.parametrize("label, kept", [(QUALTRICS_IDS["R4"], None), ("R4", None), ("31", "31"),
                                         ("P31", "P31")])
def test_a_label_from_the_generators_note_is_kept_only_in_a_printed_form(tmp_path, label, kept):
    # a coder may edit the note; only what themes.yaml allows (P31, 31) is a label
    note = 'findings-site: {"label": "%s", "participant": null}' % label
    codebook = load(tmp_path, QUALTRICS_IDS, note)
    assert [q.label for q in quotes(codebook)] == [kept]
    assert label not in json.dumps(codebook.data) or kept == label


def test_the_project_written_back_holds_no_record_id(tmp_path):
    codebook = load(tmp_path, QUALTRICS_IDS)
    data = project_qdpx(codebook)
    files = members(data)
    project_schema().validate(files["project.qde"].decode("utf-8"))
    text = data.decode("utf-8", "replace")
    assert not any(rid in text for rid in QUALTRICS_IDS.values())
    assert f'name="{NO_LABEL}"' in files["project.qde"].decode("utf-8")


def test_only_codings_read_from_a_tool_count_every_respondent():
    inputs = QdaInputs(QdaSchema(question="A4"), frozenset({"R1", "R2", "R3", "R4", "R5"}))
    assert not load_qda(FIXTURES / "codebook.qdc", QUESTIONS, inputs).all_codings  # no codings
    taguette = FIXTURES / "taguette"
    assert load_qda(taguette / "highlights.csv", QUESTIONS, inputs).all_codings
    assert not load_qda(taguette / "codebook.csv", QUESTIONS, inputs).all_codings


@pytest.mark.parametrize("threshold", [0, 2, 3])
def test_prevalence_is_every_respondent_coded_under_the_disclosure_rule(tmp_path, threshold):
    codebook = load(tmp_path, QUALTRICS_IDS)
    by_hand = coded_by_hand(PROJECTS / "mini_coding")
    results = theme_results(codebook, {}, None, Rule(threshold))
    assert results.all_codings
    for code, theme in THEMES.items():
        r = results.nodes[theme]
        coded = len(by_hand[code][0])
        assert (r.coded, r.quotes) == (coded, by_hand[code][1]), theme
        small = 0 < coded < threshold
        assert r.hidden == (f"fewer than {threshold}" if small else None), theme
        assert r.coded_shown == (f"fewer than {threshold}" if small else str(coded)), theme
        assert r.participants == 0  # no quote names a participant


def test_a_yaml_codebook_has_no_count_of_respondents_coded():
    codebook = load_themes(MINI / "themes.yaml", QUESTIONS)
    results = theme_results(codebook, {}, None, Rule(3))
    assert not results.all_codings
    assert all(r.coded is None and r.hidden is None and r.coded_shown == "" for r in results.nodes.values())


def test_the_page_never_prints_an_id_as_a_label():
    rid = QUALTRICS_IDS["R1"]
    assert printed_label(rid) == RESPONDENT == "a respondent"
    assert (printed_label("P12"), printed_label("31"), printed_label(None)) == \
        ("P12", "&#91;31&#93;", "no label printed")
    tool = SimpleNamespace(label=None, participant=rid, annotation=None, cited_as=None)
    appendix = SimpleNamespace(label=None, participant=None, annotation=None, cited_as=None)
    assert speaker(tool) == "a respondent" and speaker(appendix) == "no label printed"
    source = quote_source(tool, "question 4", (rid, "P12"))
    assert source == "— a respondent, answering question 4 · the appendix also prints these words under P12"
    assert rid not in source
