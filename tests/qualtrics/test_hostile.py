"""A .qsf edited at random (any JSON where a question's key was, hostile text in its wording and
labels): init drafts a codebook that the build's own reader accepts, or refuses with one DataError;
never another exception."""
from __future__ import annotations

import copy
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from findings.errors import DataError
from findings.load.instrument import load_instrument
from findings.qualtrics.draft import draft
from findings.qualtrics.export import read_export
from findings.qualtrics.init import instrument_text, study_text
from findings.qualtrics.qsf import parse_qsf

from .conftest import PAIRS

FUZZ = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck), print_blob=False)
HOSTILE = ["{{ 7*7 }}", "<script>alert(1)</script>", "\u202eevil\u202c", "zero\u200bwidth", "nul\x00byte",
           "esc\x1b[31m", "line\nbreak", "'\"`", "&a *a", "!!python/object:os.system", "- [unclosed",
           "key: value", "No", "null", "~", "#comment", "x" * 6000, "", " ", "../../etc/passwd", "Q1.2", "QID3",
           "Don't know", "é" * 50]
KEYS = ["QuestionText", "DataExportTag", "Choices", "ChoiceOrder", "RecodeValues", "Answers", "AnswerOrder",
        "DisplayLogic", "QuestionType", "Selector", "SubSelector", "ChoiceDataExportTags", "DynamicChoices",
        "AdditionalQuestions", "Validation"]
QSF = json.loads(PAIRS["erim"][0].read_text(encoding="utf-8"))
EXPORT = read_export(PAIRS["erim"][1])
QUESTIONS = [i for i, e in enumerate(QSF["SurveyElements"]) if e["Element"] == "SQ"]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**12, 10**12) | st.sampled_from(HOSTILE) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(["1", "2", "4", "x", "Display"])
                                                                 | st.text(max_size=5), inner, max_size=4),
    max_leaves=12)


def check(data, tmp_path) -> None:
    try:
        drafted = draft(parse_qsf(data, "survey.qsf"), EXPORT)
    except DataError as error:
        assert len(str(error)) < 10_000
        return
    path = tmp_path / "instrument.yaml"
    path.write_text(instrument_text(drafted, "survey.qsf"), encoding="utf-8")
    load_instrument(path)
    assert study_text(drafted, "survey.qsf")


@FUZZ
@given(which=st.sampled_from(QUESTIONS), key=st.sampled_from(KEYS), value=json_values)
def test_any_value_for_a_question_key(tmp_path_factory, which, key, value):
    data = copy.deepcopy(QSF)
    data["SurveyElements"][which]["Payload"][key] = value
    check(data, tmp_path_factory.mktemp("h"))


@FUZZ
@given(which=st.sampled_from(QUESTIONS), text=st.sampled_from(HOSTILE) | st.text(max_size=40), where=st.integers(0, 3))
def test_hostile_wording_labels_and_tags(tmp_path_factory, which, text, where):
    data = copy.deepcopy(QSF)
    payload = data["SurveyElements"][which]["Payload"]
    if where == 0:
        payload["QuestionText"] = text
    elif where == 1:
        payload["DataExportTag"] = text
    elif isinstance(payload.get("Choices"), dict) and payload["Choices"]:
        for choice in list(payload["Choices"].values())[: where]:
            choice["Display"] = text
    check(data, tmp_path_factory.mktemp("h"))


@FUZZ
@given(value=json_values)
def test_any_document(tmp_path_factory, value):
    check(value, tmp_path_factory.mktemp("h"))
