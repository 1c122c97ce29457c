"""The theme codebook (data/themes.yaml) against Appendix B, and its loader's checks.

The expected values here were read off data/source/appendix_b.txt by hand: the repairs table
below and the participant sets in the last tests. The raw text is parsed independently of
findings.load.themes, so a transcription slip in the YAML shows up as a failing comparison.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from findings.errors import DataError
from findings.load.themes import load_themes

ROOT = Path(__file__).resolve().parents[2]
THEMES = ROOT / "data" / "themes.yaml"
APPENDIX = ROOT / "data" / "source" / "appendix_b.txt"

# --- printing damage in the appendix, by line (the decisions data/README.md records) ---------
EMPTY_BULLETS = {186, 219, 346, 360, 372, 398, 758}  # "-" with nothing after it: skipped
CONTINUATIONS = {33: 34, 287: 288, 339: 340, 362: 363, 632: 633, 814: 815}  # quote -> its 2nd line
GLUED = {20: "Recognising healthy relationships and how to behave in them"}  # heading after label
FRAGMENTS = {49, 394}  # "-). I also do outreach ...": the ")." closes the answer's previous sentence
ENCODING = {43, 55, 75, 304, 353, 397, 406}  # ", Äô" for ’
# rating notes (the Q18 answer scale) printed with a label: after it, around it (85), or before it
ANNOTATED = {85: ("7", "(mod; 7)"), 105: ("52", ", a little"), 117: ("52", ", mod")}
RATED_BEFORE = {83: ("4", "(moderate amount)"), 416: ("P2", "(moderate amount)"), 707: ("P2", "(moderate amount)")}
AFTER_LABEL = {254: ",", 265: ".", 584: ".", 621: ".", 788: ".", 834: "."}  # printed after "]"
UNLABELLED = {68, 279, 388}
STEP_OR_ANALYSIS = re.compile(r"(Step \d|Question \d|Merge \d)")


@pytest.fixture(scope="module")
def codebook():
    return load_themes(THEMES)


@pytest.fixture(scope="module")
def raw() -> dict[int, str]:
    return {n: s for n, s in enumerate(APPENDIX.read_text(encoding="utf-8").split("\n"), start=1)}


def is_bullet(line: str) -> bool:
    return line.startswith("-")


def expected_quote(raw: dict[int, str], n: int) -> dict:
    """text / label / annotation of the quote starting on line n, from the raw text alone."""
    body = raw[n][1:].removeprefix(" ")
    if n in FRAGMENTS:
        assert body.startswith(").")
        body = body[2:].lstrip()
    if n in GLUED:
        body = body.removesuffix(" " + GLUED[n])
    if n in CONTINUATIONS:
        body += " " + raw[CONTINUATIONS[n]]
    if n in ENCODING:
        body = body.replace(", Äô", "’")
    if n in UNLABELLED:
        return {"text": body, "label": None, "annotation": None}
    if n in RATED_BEFORE:
        label, note = RATED_BEFORE[n]
        return {"text": body.removesuffix(f" {note} [{label}]"), "label": label, "annotation": note}
    if n in ANNOTATED:
        label, note = ANNOTATED[n]
        body = body.removesuffix(note) if n == 85 else body.removesuffix(note).removesuffix(f" [{label}]")
        return {"text": body.rstrip(), "label": label, "annotation": note}
    if n in AFTER_LABEL:
        mark = AFTER_LABEL[n]
        m = re.fullmatch(r"(.*\S) \[(P?\d+)\]" + re.escape(mark), body)
        return {"text": m[1] + ("." if mark == "." else ""), "label": m[2], "annotation": None}
    m = re.fullmatch(r"(.*\S) \[(P?\d+)\]", body)
    assert m, f"line {n} has no label at its end: {body[-40:]!r}"
    return {"text": m[1], "label": m[2], "annotation": None}


def raw_events(raw: dict[int, str]) -> list[tuple[int, str, str]]:
    """The appendix as (line, 'heading'|'quote', text) in reading order, line 1 (the title) left out."""
    seconds = set(CONTINUATIONS.values())
    events = []
    for n in range(2, len(raw) + 1):
        line = raw[n]
        if n in EMPTY_BULLETS or n in seconds:
            continue
        if is_bullet(line):
            events.append((n, "quote", expected_quote(raw, n)["text"]))
            if n in GLUED:
                events.append((n, "heading", GLUED[n]))
        else:
            events.append((n, "heading", line))
    return events


# --- completeness -----------------------------------------------------------------------------


def test_every_quote_line_is_in_the_codebook_verbatim(codebook, raw):
    bullets = [n for n, s in raw.items() if is_bullet(s) and s[1:].strip()]
    assert sorted(bullets) == sorted(set(bullets))
    assert set(raw) - set(bullets) >= EMPTY_BULLETS
    quotes = {q.line: q for q, _ in codebook.all_quotes()}
    assert len(codebook.all_quotes()) == len(bullets) == len(quotes)
    assert sorted(quotes) == bullets
    for n in bullets:
        q, want = quotes[n], expected_quote(raw, n)
        assert (q.text, q.label, q.annotation) == (want["text"], want["label"], want["annotation"]), f"line {n}"


def test_codebook_in_document_order_reproduces_the_appendix(codebook, raw):
    events = []

    def visit(node):
        events.append((node.line, "heading", node.title))
        events.extend((q.line, "quote", q.text) for q in node.quotes)
        for child in node.children:
            visit(child)

    for step in codebook.steps:
        visit(step)
    assert codebook.title == raw[1]
    assert events == raw_events(raw)


def test_each_quote_sits_under_the_headings_printed_above_it(codebook, raw):
    headings = [(n, i, t) for i, (n, kind, t) in enumerate(raw_events(raw)) if kind == "heading"]
    position = {n: i for i, (n, kind, _) in enumerate(raw_events(raw)) if kind == "quote"}
    for quote, path in codebook.all_quotes():
        before = [h for h in headings if h[1] < position[quote.line]]
        assert before[-1][2] == path[-1].title, f"line {quote.line}"
        bound = position[quote.line]
        for node in reversed(path):  # every ancestor printed above, in order
            found = [h for h in before if h[2] == node.title and h[1] < bound]
            assert found, f"line {quote.line}: {node.title!r} is not printed above it"
            bound = found[-1][1]
        step, analysis = path[0], path[1]
        above = [h[2] for h in before if STEP_OR_ANALYSIS.match(h[2])]
        assert above[-1] == analysis.title and [t for t in above if t.startswith("Step")][-1] == step.title


def test_repairs_are_recorded_exactly_where_the_text_was_damaged(codebook):
    repaired = {q.line: q.repairs for q, _ in codebook.all_quotes() if q.repairs}
    damaged = set(CONTINUATIONS) | set(GLUED) | FRAGMENTS | ENCODING | set(AFTER_LABEL)
    assert set(repaired) == damaged
    for n, second in CONTINUATIONS.items():
        assert f"joined broken line {second}" in repaired[n]
    for n in ENCODING:
        assert any(r.startswith("encoding:") for r in repaired[n])
    assert any("glued" in r for r in repaired[20])
    assert all(any("fragment" in r for r in repaired[n]) for n in FRAGMENTS)
    assert all(any("after the label" in r for r in repaired[n]) for n in AFTER_LABEL)


# --- structure and questions ------------------------------------------------------------------


def test_analyses_record_the_survey_questions_they_code(codebook):
    expected = {"Question 1": ["Q12"], "Question 2": ["Q18"], "Question 3": ["Q19"],
                "Question 4": ["Q20"], "Question 5": ["Q24"], "Question 6": ["Q25"]}
    for step in codebook.steps[:2]:
        assert [a.title.split(",")[0] for a in step.children] == list(expected)
        for analysis in step.children:
            assert list(analysis.questions) == expected[analysis.title.split(",")[0]]
            assert {q.question for n in analysis.walk() for q in n.quotes} == set(analysis.questions)
    merge1, merge2 = codebook.node("s3-barriers"), codebook.node("s3-practice")
    assert {q.question for n in merge1.walk() for q in n.quotes} == {"Q18", "Q19", "Q20", "Q12"}
    by_line = {q.line: q.question for q, _ in codebook.all_quotes()}
    assert [by_line[n] for n in (667, 672, 733, 755, 756, 757)] == ["Q18", "Q19", "Q20", "Q12", "Q12", "Q12"]
    current, suggestions = merge2.children
    assert {q.question for n in current.walk() for q in n.quotes} == {"Q24"}
    assert {q.question for n in suggestions.walk() for q in n.quotes} == {"Q25"}


def test_codebook_validates_against_the_instrument_questions():
    from findings.load.instrument import load_instrument

    instrument = load_instrument(ROOT / "data" / "instrument.yaml")
    load_themes(THEMES, {q.id for q in instrument.questions})


def test_final_analyses_and_their_themes(codebook):
    finals = codebook.final_analyses()
    assert [a.title for a in finals] == [
        "Question 1, Appropriateness: ‘Please explain briefly why you think this is or is not part of "
        "your work role.’",
        "Merge 1: Barriers",
        "Merge 2: Current practice and suggestions",
    ]
    assert [a.step for a in finals] == ["s2", "s3", "s3"]
    barriers = codebook.node("s3-barriers")
    assert [t.title for t in barriers.children] == [
        "Provider factors", "Service user factors", "Organisational factors", "External factors", "None"]
    assert [s.title for s in barriers.children[0].children] == [
        "Provider not feeling able to help", "Inappropriate for the provider", "Communication issues"]
    assert [g.title for g in codebook.node("s3-practice").children] == [
        "Current practice", "Suggestions for future practice"]


def test_participants_are_counted_per_theme(codebook):
    # lines 667-677, read by hand: P38 is quoted twice
    assert codebook.node("s3-barriers-provider-not-feeling-able-to-help").participants() == {
        "P31", "P13", "P40", "P44", "P38", "P30", "P24", "P43", "P57", "P59"}
    # lines 772-789: P48, P31 and P51 are quoted twice; 15 as the manuscript says
    preparing = codebook.node("s3-practice-current-preparing-the-service-user-for-the-dating-world")
    assert preparing.participants() == {"P10", "P48", "P11", "P51", "P25", "P45", "P47", "P7", "P30",
                                        "P31", "P39", "P46", "P59", "P35", "P50"}
    # lines 760-766: five, as the manuscript says
    assert codebook.node("s3-barriers-external-factors").participants() == {"P13", "P5", "P46", "P25", "P51"}
    # bare numbers ([36], [51]) are not participant numbers: kept as printed, counted as nobody
    stable = codebook.node("s3-barriers-service-user-must-be-stable")
    assert [(q.label, q.participant) for q in stable.quotes] == [("36", None), ("51", None)]
    assert stable.participants() == set()


def test_known_label_inconsistency_is_a_warning_with_both_lines(codebook):
    texts = [str(w) for w in codebook.warnings]
    vulnerability = [t for t in texts if "voulnerability" in t]
    assert len(vulnerability) == 1
    assert "P30 at line 672" in vulnerability[0] and "P24 at lines 172, 510, 712" in vulnerability[0]
    assert vulnerability[0].startswith("data/source/appendix_b.txt, lines 172, 510, 672, 712:")
    # two people answering "Lack of training" (P32, P47, listed side by side) is no inconsistency
    assert not [t for t in texts if "'Lack of training'" in t]


# --- validation -------------------------------------------------------------------------------

GOOD = """\
title: A small codebook
source: notes.txt
steps:
- id: s1
  title: 'Step 1: first pass'
  kind: step
  line: 1
  children:
  - id: s1-q1
    title: 'Question 1, Topic'
    kind: analysis
    line: 2
    questions: [Q1]
    children:
    - id: s1-q1-a-theme
      title: A theme
      kind: theme
      line: 3
      quotes:
      - text: Some words
        label: P3
        line: 4
        question: Q1
      - text: More words
        label: '8'
        line: 5
        question: Q1
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "themes.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, fragment: str, start: int = 0) -> int:
    """1-based line of the first occurrence of fragment (after character ``start``)."""
    return text[: text.index(fragment, start)].count("\n") + 1


def problems_of(path: Path, **kwargs) -> str:
    with pytest.raises(DataError) as caught:
        load_themes(path, **kwargs)
    return str(caught.value)


def test_small_codebook_loads(tmp_path):
    cb = load_themes(write(tmp_path, GOOD), {"Q1"})
    quotes = cb.all_quotes()
    assert [(q.text, q.label, q.participant, q.question) for q, _ in quotes] == [
        ("Some words", "P3", "P3", "Q1"), ("More words", "8", None, "Q1")]
    assert [n.id for n in quotes[0][1]] == ["s1", "s1-q1", "s1-q1-a-theme"]
    assert cb.node("s1-q1-a-theme").analysis_id == "s1-q1" and cb.final_analyses() == []


def test_bare_labels_read_as_participants_when_the_file_says_so(tmp_path):
    cb = load_themes(write(tmp_path, GOOD.replace("source: notes.txt", "bare_labels_are_participants: true")))
    assert cb.node("s1-q1-a-theme").participants() == {"P3", "P8"}


def test_malformed_yaml_names_file_and_line(tmp_path):
    text = GOOD.replace("      title: A theme", "      title: [A theme")
    path = write(tmp_path, text)
    message = problems_of(path)
    assert message.startswith(f"{path}, line ")
    assert "not valid YAML" in message
    reported = int(re.search(r"line (\d+)", message)[1])
    assert line_of(text, "[A theme") <= reported <= line_of(text, "[A theme") + 2


def test_quote_without_text(tmp_path):
    text = GOOD.replace("- text: More words", "- text: ''")
    message = problems_of(write(tmp_path, text))
    assert (f"themes.yaml, line {line_of(text, chr(39) * 2)}: steps entry 1 (id s1), children entry 1 "
            "(id s1-q1), children entry 1 (id s1-q1-a-theme), quotes entry 2, text should be non-empty "
            "text; found ''") in message


def test_theme_without_quotes_or_subthemes(tmp_path):
    text = GOOD + "    - id: s1-q1-empty\n      title: Nothing here\n      kind: theme\n      line: 6\n"
    message = problems_of(write(tmp_path, text))
    assert (f"themes.yaml, line {line_of(text, 'id: s1-q1-empty')}: theme 's1-q1-empty' ('Nothing here') "
            "has no quotes and no sub-themes") in message


def test_quote_question_not_in_the_instrument(tmp_path):
    text = GOOD.replace("[Q1]", "[Q1, Q9]").replace("question: Q1\n", "question: Q9\n", 1)
    message = problems_of(write(tmp_path, text), question_ids={"Q1"})
    assert "2 problems" in message
    assert f"line {line_of(text, 'questions: [Q1, Q9]')}: analysis 's1-q1': question 'Q9' is not a question" in message
    assert f"line {line_of(text, 'question: Q9')}: quote in theme 's1-q1-a-theme': question 'Q9' is not a " \
           "question of the instrument" in message


def test_duplicate_id(tmp_path):
    text = GOOD.replace("id: s1-q1-a-theme", "id: s1-q1")
    message = problems_of(write(tmp_path, text))
    first, second = line_of(text, "id: s1-q1"), line_of(text, "id: s1-q1", text.index("kind: analysis"))
    assert first < second
    assert f"themes.yaml, line {second}: duplicate id 's1-q1' (first used on line {first})" in message


def test_unknown_kind(tmp_path):
    text = GOOD.replace("kind: theme", "kind: topic")
    message = problems_of(write(tmp_path, text))
    assert (f"themes.yaml, line {line_of(text, 'kind: topic')}: steps entry 1 (id s1), children entry 1 "
            "(id s1-q1), children entry 1 (id s1-q1-a-theme), kind should be one of: 'step', "
            "'analysis', 'group', 'theme' or 'subtheme'; found 'topic'") in message


def test_every_problem_is_reported_at_once(tmp_path):
    """Problems of form are reported together; once the form is right, problems across entries."""
    text = (GOOD.replace("kind: theme", "kind: topic").replace("- text: More words", "- text: ''")
            .replace("line: 3\n", "line: three\n", 1))
    message = problems_of(write(tmp_path, text))
    assert message.startswith("3 problems in the input data:")
    assert "found 'topic'" in message and "text should be non-empty text" in message
    assert "line should be a whole number; found 'three'" in message
    text = GOOD.replace("id: s1-q1\n", "id: s1\n").replace("[Q1]", "[Q1, Q9]")
    message = problems_of(write(tmp_path, text), question_ids={"Q1"})
    assert message.startswith("2 problems in the input data:")
    assert "duplicate id 's1'" in message and "question 'Q9' is not a question" in message


def test_missing_file(tmp_path):
    path = tmp_path / "nowhere.yaml"
    assert problems_of(path) == f"{path}: file not found; expected the theme codebook (YAML)"
