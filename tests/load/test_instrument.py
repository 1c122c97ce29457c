"""The instrument codebook: the real data/instrument.yaml, and the loader's error reports."""
from __future__ import annotations

from pathlib import Path

import pytest

from findings.load.instrument import load_instrument
from findings.paths import DATA_DIR
from findings.errors import DataError

INSTRUMENT = DATA_DIR / "instrument.yaml"
PAPER = DATA_DIR / "source" / "paper.txt"


@pytest.fixture(scope="module")
def inst():
    return load_instrument(INSTRUMENT)


@pytest.fixture(scope="module")
def paper() -> list[str]:
    return PAPER.read_text(encoding="utf-8").split("\n")


def printed(paper: list[str], prefix: str) -> str:
    """The Appendix A line (118-239) that starts with ``prefix``, prefix removed."""
    hits = [line for line in paper[117:239] if line.startswith(prefix)]
    assert len(hits) == 1, hits
    return hits[0][len(prefix):]


# --------------------------------------------------------------------------- the real file


def test_all_33_questions_in_survey_order(inst):
    expected = [f"Q{n}" for n in range(1, 27)] + ["Q26a"] + [f"Q{n}" for n in range(27, 33)]
    assert [q.id for q in inst.questions] == expected
    assert inst.question("Q26a").number == "26a"
    assert [p.title for p in inst.parts[:3]] == [
        "Part 1 – About you", "Part 2. Talking to Service Users", "Part 3. Exploring barriers"]
    assert inst.parts[3].title_printed is False
    assert [q.id for q in inst.questions_in(inst.parts[3].id)] == ["Q30", "Q31", "Q32"]
    assert [q.id for q in inst.questions_in(inst.parts[0].id)] == [f"Q{n}" for n in range(1, 11)]


def test_question_wording_matches_the_manuscript(inst, paper):
    assert inst.question("Q11").text == printed(paper, "11. ")
    assert inst.question("Q1").text == printed(paper, "1. ")
    assert inst.question("Q32").text == printed(paper, "32. ")
    # options printed on one line, separated by " / "
    q3 = inst.question("Q3")
    assert [o.label for o in q3.options] == paper[175].split(" / ")  # line 176
    assert [o.label for o in inst.question("Q1").options] == [l[2:] for l in paper[162:169]]
    assert inst.question("Q1").options[1].label == "26 – 35"  # en dash kept
    assert inst.question("Q5").options[1].label == "2-5 years"


def test_every_question_text_is_printed_in_appendix_a(inst, paper):
    appendix_a = "\n".join(paper[117:239])
    for q in inst.questions:
        assert q.text in appendix_a, q.id
        assert q.text in paper[q.line - 1], q.id
        for o in q.options:
            assert o.label in appendix_a, (q.id, o.label)


def test_types_codes_and_special_options(inst):
    free = {"Q6", "Q12", "Q19", "Q20", "Q23", "Q24", "Q25", "Q26a", "Q27"}
    assert {q.id for q in inst.questions if q.type == "free_text"} == free
    assert inst.question("Q21").type == "single_choice"
    assert [o.label for o in inst.question("Q30").options] == ["Yes", "no"]
    assert [o.label for o in inst.question("Q26").options] == ["Yes", "No"]
    q2 = inst.question("Q2")
    assert {o.code: o.label for o in q2.options} == {1: "Male", 2: "Female",
                                                     3: "Other (please specify)", 4: "Prefer not to say"}
    assert q2.all_columns == ("Q2", "Q2_3_TEXT")
    assert q2.option("Prefer not to say").nonsubstantive
    assert not q2.option("Female").nonsubstantive
    assert inst.question("Q17").option(
        "Not applicable – I don’t have these conversations").nonsubstantive
    assert inst.question("Q21").option("Unsure").nonsubstantive
    assert inst.question("Q26a").condition.question == "Q26"
    assert inst.question("Q26a").condition.equals == "Yes"


def test_q18_items_and_scale_are_reconstructed_with_real_sources(inst, paper):
    q18 = inst.question("Q18")
    assert q18.type == "matrix"
    assert len(q18.items) == 8
    assert q18.columns == tuple(f"Q18_{n}" for n in range(1, 9))
    assert q18.items[-1].text_column == "Q18_8_TEXT"
    assert [o.label for o in q18.scale] == ["Not at all", "A little", "A moderate amount",
                                            "A great deal"]
    for element in q18.items + q18.scale:
        assert element.reconstructed, element.label
        assert element.source, element.label
        for s in element.source:
            assert s.quote in paper[s.line - 1], (element.label, s)
    assert q18.text == printed(paper, "18. ")


@pytest.mark.parametrize("qid", ["Q22", "Q28", "Q29"])
def test_lost_item_lists_are_not_invented(inst, qid):
    q = inst.question(qid)
    assert q.items_available is False
    assert q.columns == () and q.items == () and q.options == ()
    assert "missing" in q.note
    assert inst.question("Q22").type == "multiple_choice"


def test_data_columns(inst):
    cols = inst.data_columns()
    assert cols[:3] == ["Q1", "Q2", "Q2_3_TEXT"]
    assert cols.count("Q18_8_TEXT") == 1 and len(cols) == len(set(cols))
    assert not any(c.startswith(("Q22", "Q28", "Q29")) for c in cols)
    assert inst.column_question("Q18_8_TEXT").id == "Q18"
    assert inst.column_question("Q10_2_TEXT").id == "Q10"
    with pytest.raises(KeyError):
        inst.column_question("Q99")


def test_survey_texts(inst, paper):
    survey = inst.survey
    assert survey["platform"] == "Qualtrics"
    assert survey["consent"] == paper[152]
    assert survey["introduction"] == paper[154:160]
    info = survey["information"]
    assert [e["text"] for e in info] == paper[118:152]
    assert [e["text"] for e in info if e["kind"] == "heading"] == [
        "Researcher contact details:", "Who are we looking for?",
        "What happens if you agree to take part?", "Local Data Protection Privacy Notice",
        "Contact for further information"]
    # every entry holding a researcher's personal email address is flagged
    for e in info:
        assert ("@ucl.ac.uk" in e["text"] and "data-protection" not in e["text"]) == bool(
            e.get("personal_data")), e["line"]
    assert [c["text"] for c in survey["closing"]] == [
        "Thank you for taking part in this study.", paper[238]]


# --------------------------------------------------------------------------- bad files

GOOD = """\
survey:
  title: Test
parts:
  - {id: p1, title: Part one}
questions:
  - id: A
    number: "1"
    part: p1
    text: Pick one
    type: single_choice
    options:
      - {label: "Yes"}
      - {label: "No"}
    columns: [A]
  - id: B
    number: "2"
    part: p1
    text: Why?
    type: free_text
    condition: {question: A, equals: "Yes"}
    columns: [B]
"""


def load_text(tmp_path, text):
    path = tmp_path / "instrument.yaml"
    path.write_text(text, encoding="utf-8")
    return load_instrument(path)


def problems(tmp_path, text) -> str:
    with pytest.raises(DataError) as info:
        load_text(tmp_path, text)
    message = str(info.value)
    assert "instrument.yaml" in message
    return message


def test_minimal_file_loads(tmp_path):
    inst = load_text(tmp_path, GOOD)
    assert [q.id for q in inst.questions] == ["A", "B"]
    assert inst.question("B").condition.equals == "Yes"


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match="missing.yaml: file not found"):
        load_instrument(tmp_path / "missing.yaml")


def test_malformed_yaml_names_its_line(tmp_path):
    msg = problems(tmp_path, GOOD.replace("    text: Why?", "    text: [Why?"))
    assert "not valid YAML" in msg and "line 18" in msg


def test_unknown_type(tmp_path):
    msg = problems(tmp_path, GOOD.replace("type: free_text", "type: essay"))
    assert ("line 19: questions entry 2 (id B), type should be one of: 'single_choice', "
            "'multiple_choice', 'matrix', 'free_text', 'yes_no' or 'number'; found 'essay'") in msg


def test_choice_question_without_options(tmp_path):
    bad = GOOD.replace('    options:\n      - {label: "Yes"}\n      - {label: "No"}\n', "")
    msg = problems(tmp_path, bad.replace('condition: {question: A, equals: "Yes"}', "note: x"))
    assert "line 6: question A: a single_choice question needs 'options'" in msg


def test_duplicate_question_id_and_column(tmp_path):
    msg = problems(tmp_path, GOOD.replace("  - id: B", "  - id: A").replace(
        "columns: [B]", "columns: [A]"))
    assert "2 problems" in msg
    assert "line 15: duplicate question id 'A' (first used at line 6;" in msg
    assert "line 15: question A: duplicate column 'A' (also used by question A)" in msg


def test_question_ids_that_differ_only_in_capitals_are_one_id(tmp_path):
    msg = problems(tmp_path, GOOD.replace("  - id: B", "  - id: a"))
    assert "duplicate question id 'a' (first used at line 6; ids that differ only in capitals" in msg


def test_condition_on_unknown_question(tmp_path):
    msg = problems(tmp_path, GOOD.replace("question: A, equals", "question: Z, equals"))
    assert "line 20: question B: condition names question 'Z', which is not in the instrument" in msg


def test_condition_on_unknown_option(tmp_path):
    msg = problems(tmp_path, GOOD.replace('equals: "Yes"', 'equals: "yes"'))
    assert ("line 20: question B: condition expects 'yes' but question A has no such option "
            "(its options: 'Yes', 'No')") in msg


def test_matrix_items_without_scale(tmp_path):
    matrix = """\
  - id: M
    number: "3"
    part: p1
    text: Rate
    type: matrix
    items:
      - {label: One, column: M_1}
    columns: [M_1]
"""
    msg = problems(tmp_path, GOOD + matrix)
    assert "line 27: question M: a matrix with items needs a 'scale'" in msg


def test_unknown_keys_name_the_allowed_ones(tmp_path):
    msg = problems(tmp_path, GOOD.replace("    columns: [B]", "    colums: [B]"))
    assert ("line 21: questions entry 2 (id B): unknown key 'colums'; allowed: id, number, part, "
            "text, type, columns, line, options") in msg
    assert ("line 15: questions entry 2 (id B): missing key 'columns'; expected keys id, number, "
            "part, text, type, columns (optional: line, options") in msg
    msg = problems(tmp_path, GOOD.replace('{label: "No"}', '{label: "No", nonsubstantiv: true}'))
    assert ("line 13: questions entry 1 (id A), options entry 2: unknown key 'nonsubstantiv'; "
            "allowed: label, code") in msg


def test_unknown_part_and_reconstructed_without_source(tmp_path):
    bad = GOOD.replace("    part: p1\n    text: Why?", "    part: p9\n    reconstructed: true\n    text: Why?")
    msg = problems(tmp_path, bad)
    assert "2 problems" in msg
    assert "question B: part 'p9' is not one of the parts listed under 'parts' (p1)" in msg
    assert "line 15: question B: it is marked reconstructed but gives no source" in msg
