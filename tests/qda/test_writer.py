"""The site's REFI-QDA downloads: valid against the standard's schemas, and read back to the same
themes (YAML -> .qdpx -> themes gives the same tree, quotes and labels), also after a coder added a
theme in their tool."""
from __future__ import annotations

import re
import zipfile
from xml.etree import ElementTree as ET

import pytest
import yaml

from findings.load.instrument import load_instrument
from findings.load.qda import QdaInputs, load_qda
from findings.load.themes import load_themes
from findings.render.qda import codebook_qdc, project_qdpx

from .projects import (GARDENERS, MINI, ROOT, by_id, codebook_schema, members, project_schema,
                       response_ids)

DATA = ROOT / "data"
NS = {"q": "urn:QDA-XML:project:1.0"}


@pytest.fixture(scope="module")
def study():
    questions = {q.id for q in load_instrument(DATA / "instrument.yaml").questions}
    return load_themes(DATA / "themes.yaml", questions), questions


@pytest.fixture(scope="module")
def mini():
    questions = {q.id for q in load_instrument(MINI / "instrument.yaml").questions}
    return load_themes(MINI / "themes.yaml", questions), questions


def test_the_codebook_and_project_validate_against_the_refi_qda_schemas(study, mini):
    for codebook, _ in (study, mini):
        codebook_schema().validate(codebook_qdc(codebook))
        files = members(project_qdpx(codebook))
        project_schema().validate(files["project.qde"].decode("utf-8"))


def test_round_trip_of_this_studys_coding_gives_the_same_tree_quotes_and_labels(study, tmp_path):
    codebook, questions = study
    path = tmp_path / "coding.qdpx"
    path.write_bytes(project_qdpx(codebook))
    back = load_qda(path, questions, QdaInputs(respondents=response_ids(DATA / "responses.csv")))
    assert back.steps == codebook.steps  # every node and quote field: ids, kinds, labels, lines...
    assert (back.title, back.source, back.warnings) == (codebook.title, codebook.source, codebook.warnings)
    assert [n.id for n in back.final_analyses()] == [n.id for n in codebook.final_analyses()]


def test_round_trip_of_the_made_up_survey(mini, tmp_path):
    codebook, questions = mini
    path = tmp_path / "coding.qdpx"
    path.write_bytes(project_qdpx(codebook))
    assert load_qda(path, questions, QdaInputs(respondents=GARDENERS)).steps == codebook.steps


def test_the_qdc_reads_back_to_the_same_tree(mini, tmp_path):
    codebook, questions = mini
    path = tmp_path / "codebook.qdc"
    path.write_text(codebook_qdc(codebook), encoding="utf-8")
    back = load_qda(path, questions, QdaInputs())
    shape = lambda cb: [(n.id, n.title, n.kind, n.final, n.questions)  # noqa: E731
                        for s in cb.steps for n in s.walk()]
    assert shape(back) == shape(codebook)
    assert not any(n.quotes for s in back.steps for n in s.walk())


def test_the_project_holds_one_source_per_label_and_each_quote_once_in_it(mini):
    codebook, _ = mini
    raw = yaml.safe_load((MINI / "themes.yaml").read_text(encoding="utf-8"))
    quotes = []

    def collect(node):
        quotes.extend(node.get("quotes", []))
        for child in node.get("children", []):
            collect(child)

    for step in raw["steps"]:
        collect(step)
    files = members(project_qdpx(codebook))
    root = ET.fromstring(files["project.qde"])
    sources = root.findall("q:Sources/q:TextSource", NS)
    assert sorted(s.get("name") for s in sources) == ["(no label)", "P1", "P2"]
    assert len(root.findall(".//q:PlainTextSelection", NS)) == len(quotes) == 5
    text_of = {s.get("name"): files[f"sources/{s.get('guid')}.txt"].decode("utf-8") for s in sources}
    assert text_of["P1"] == "A4\nTo pick the best marrow seeds\n\n"  # printed twice, written once
    assert text_of["(no label)"] == "A4\nMy neighbour lends me hers\n\n"
    for s in sources:
        for sel in s.findall("q:PlainTextSelection", NS):
            cut = text_of[s.get("name")][int(sel.get("startPosition")):int(sel.get("endPosition"))]
            assert cut == sel.get("name")  # code points, as the standard counts them


def test_the_download_is_deterministic_and_a_stored_zip(study):
    codebook, _ = study
    first, second = project_qdpx(codebook), project_qdpx(codebook)
    assert first == second
    assert "OTs work holistically with all aspects of life" in first.decode("utf-8", "replace")


def test_a_theme_a_coder_adds_in_their_tool_joins_the_themes(mini, tmp_path):
    """A new code (no findings-site note) under the final analysis, coded to a passage of the
    source and published: it appears beside the themes the site wrote, which keep their ids."""
    codebook, questions = mini
    files = members(project_qdpx(codebook))
    qde = files["project.qde"].decode("utf-8")
    new_code = ('<Code guid="99999999-9999-4999-8999-999999999999" name="Winter reading" isCodable="true">'
                '<Description>Reading when the plot sleeps.</Description></Code>')
    analysis = re.search(r'<Code guid="[^"]+" name="Why gardeners read" isCodable="false">', qde)
    qde = qde[:analysis.end()] + new_code + qde[analysis.end():]
    publish = re.search(r'<Code guid="([^"]+)" name="Publish"', qde).group(1)
    p2 = re.search(r'<TextSource guid="[^"]+" name="P2" plainTextPath="[^"]+">', qde)
    member = "sources/" + re.search(r'internal://([^"]+)', p2.group(0)).group(1)
    text = files[member].decode("utf-8")
    start = text.index("winter joy")
    coding = (f'<PlainTextSelection guid="99999999-9999-4999-8999-999999999998" startPosition="{start}" '
              f'endPosition="{start + len("winter joy")}">'
              f'<Coding guid="99999999-9999-4999-8999-999999999997"><CodeRef '
              f'targetGUID="99999999-9999-4999-8999-999999999999"/></Coding>'
              f'<Coding guid="99999999-9999-4999-8999-999999999996"><CodeRef targetGUID="{publish}"/></Coding>'
              f'</PlainTextSelection>')
    qde = qde[:p2.end()] + coding + qde[p2.end():]
    path = tmp_path / "edited.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, qde.encode("utf-8") if name == "project.qde" else data)
    back = load_qda(path, questions, QdaInputs())  # its labels P1, P2 are no response ids: as they are
    nodes = by_id(back)
    assert [c.id for c in nodes["m-why"].children] == ["winter-reading", "m-why-seeds", "m-why-company"]
    added = nodes["winter-reading"]
    assert (added.kind, added.summary, added.analysis_id, added.questions) == (
        "theme", "Reading when the plot sleeps.", "m-why", ("A4",))
    assert [(q.label, q.participant, q.text) for q in added.quotes] == [("P2", "P2", "winter joy")]
    assert by_id(back)["m-why-seeds-catalogues"] == by_id(codebook)["m-why-seeds-catalogues"]
