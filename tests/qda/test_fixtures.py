"""The project's own REFI-QDA export of this study's coding (tests/fixtures/qda/study_coding.qdpx,
written by make_fixtures.py from data/themes.yaml): valid against the standard's schema, and read
back whole: every code a theme, every selection a quote under its source's label. (That the export
of the current data/themes.yaml reads back to it exactly is tests/qda/test_writer.py's round trip.)"""
from __future__ import annotations

from xml.etree import ElementTree as ET

from findings.load.instrument import load_instrument
from findings.load.qda import QdaInputs, load_qda

from .projects import FIXTURES, ROOT, members, project_schema, response_ids

STUDY_CODING = FIXTURES / "study_coding.qdpx"
NS = {"q": "urn:QDA-XML:project:1.0"}


def test_the_export_validates_and_reads_back_whole():
    files = members(STUDY_CODING.read_bytes())
    project_schema().validate(files["project.qde"].decode("utf-8"))
    root = ET.fromstring(files["project.qde"])
    sources = root.findall("q:Sources/q:TextSource", NS)
    for source in sources:
        assert f"sources/{source.get('guid')}.txt" in files
    selections = {s.get("name"): len(s.findall("q:PlainTextSelection", NS)) for s in sources}
    questions = {q.id for q in load_instrument(ROOT / "data" / "instrument.yaml").questions}
    back = load_qda(STUDY_CODING, questions, QdaInputs(respondents=response_ids(ROOT / "data" / "responses.csv")))
    nodes = [n for step in back.steps for n in step.walk()]
    assert len(nodes) == len(root.findall(".//q:Code", NS)) - 1  # every code but Publish
    quotes = [q for n in nodes for q in n.quotes]
    assert len(quotes) == sum(selections.values()) > 500
    per_label: dict = {}
    for q in quotes:
        key = "(no label)" if q.label is None else q.label
        per_label[key] = per_label.get(key, 0) + 1
    assert per_label == selections
    assert {q.participant for q in quotes if q.participant} <= response_ids(ROOT / "data" / "responses.csv")
    assert [a.id for a in back.final_analyses()] == ["s2-q1", "s3-barriers", "s3-practice"]
