"""The quotes the manuscript's Results cite carry that citation in the codebook.

The Results (``data/source/paper.txt``, lines 38-100) quote participants' words and cite them as
``“all aspects of life” [ppt. 48]`` (sometimes ``“… not stigmatising [ppt. 33]”``, the bracket inside
the closing quote mark). Every quote of ``data/themes.yaml`` (Appendix B) whose text holds the cited
words carries ``cited_as`` (the number as the paper prints it, digits only) and ``cited_line`` (the
line of the citation in ``paper.txt``).

Cited words match a quote when each fragment of them (split at editorial brackets ``[..]`` and at
ellipses ``…`` or ``...``; fragments of two words or more, or the whole citation if it is one word)
occurs in the quote's text, compared case-insensitively with punctuation and quote marks
normalised. The same answer is printed under Steps 1, 2 and 3, so one citation usually marks two or
three quotes.

This test reads ``paper.txt`` and ``themes.yaml`` itself (``yaml.safe_load``); only the last two
tests use the loader, to check that it keeps the fields and refuses half a citation. Where the
quote's label disagrees with the cited number (``[36]`` or ``[P30]`` where the paper says ppt. 48 or
24), that is what the manuscript prints and is kept: it is data, not an error.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
PAPER = ROOT / "data" / "source" / "paper.txt"
THEMES = ROOT / "data" / "themes.yaml"
RESULTS = range(38, 101)  # lines of paper.txt holding the Results (with some Analysis and Discussion)

# Citations whose words no quote of Appendix B holds: (number, line) -> why.
UNMATCHED = {
    ("43", 57): "the Results write out 'OTs' without editorial brackets: Appendix B prints "
                "'social workers / OTs' (lines 73 and 401, label [31])",
}

# Quotes that hold a citation's words but are not the cited answer: (number, line, appendix line) -> why.
NOT_THE_CITED_ANSWER = {
    **{("62", 65, n): "P10's answer ('building interpersonal social skills and recognising how they might "
                      "be vulnerable to exploitation'), which line 74 cites whole as ppt. 10; ppt. 62's "
                      "answer is 'worries about service user being vulnerable to exploitation'"
       for n in (249, 594, 772)},
    **{("32", 77, n): "'not sure' in ppt. 41's answer to Q12 (cited at line 54); line 77 reports being "
                      "not sure of current practice (Q24), P32's answer at 267 and 605"
       for n in (28, 374)},
    **{("32", 77, n): "'I’m not sure how appropriate…' answers Q12 (appropriateness); line 77 reports "
                      "current practice (Q24), and Question 1's bare numbers rise with the paper's "
                      "(3=3, 15=24, 17=26, 22=33), so [12] is not ppt. 32"
       for n in (65, 382)},
    **{("13", 67, n): "P5's answer ('If the family are heavily involved…'); the citation is the one word "
                      "'overprotective', which P13's answer at 114, 450 and 761 holds too"
       for n in (115, 451, 762)},
}

OPEN, CLOSE = "“", "”"
PPT = re.compile(r"\[ppt\.\s*([0-9]+)\]")


def paper_lines() -> list[str]:
    return PAPER.read_text(encoding="utf-8").splitlines()


def citations() -> list[tuple[str, int, str]]:
    """(number, line, cited words) of every ``[ppt. N]`` in the Results that follows quoted words."""
    found = []
    lines = paper_lines()
    for n in RESULTS:
        text = lines[n - 1]
        for m in PPT.finditer(text):
            before = text[: m.start()].rstrip()
            if before.endswith(CLOSE):  # “words” [ppt. N]
                words = before[before.rindex(OPEN) + 1: -1]
            elif text[m.end():].lstrip().startswith(CLOSE):  # “words [ppt. N]”
                words = before[before.rindex(OPEN) + 1:]
            else:
                words = ""
            found.append((m[1], n, words.strip()))
    return found


def normal(text: str) -> str:
    text = text.lower()
    for mark in "’‘'`":
        text = text.replace(mark, "")  # it’s = its
    return " ".join(re.sub(r"\W+", " ", text).split())


def fragments(words: str) -> list[str]:
    parts = [normal(p) for p in re.split(r"\[[^\]]*\]|…|\.\.\.", words)]
    long = [p for p in parts if len(p.split()) >= 2]
    return long or [normal(words)]


def holds(quote_text: str, words: str) -> bool:
    text = normal(quote_text)
    return all(f in text for f in fragments(words))


def quotes() -> list[dict]:
    found = []

    def visit(node):
        if isinstance(node, dict):
            if "text" in node and "question" in node:
                found.append(node)
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(yaml.safe_load(THEMES.read_text(encoding="utf-8")))
    return found


@pytest.fixture(scope="module")
def cited():
    return citations()


@pytest.fixture(scope="module")
def codebook():
    return quotes()


def test_results_citations_are_read(cited):
    text = "\n".join(paper_lines()[RESULTS.start - 1: RESULTS.stop - 1])
    assert len(cited) == len(PPT.findall(text)) == 37
    assert all(words for _, _, words in cited), [c for c in cited if not c[2]]
    assert ("48", 52, "all aspects of life") in cited
    assert ("33", 80, "more open… and not stigmatising") in cited
    assert ("58", 53, "form[ing] relationships in general") in cited


def test_fragments_split_at_editorial_brackets_and_ellipses():
    assert fragments("form[ing] relationships in general") == ["relationships in general"]
    assert fragments("scenarios [to] explore what they would do in [certain] situation[s]") == [
        "explore what they would do in"]
    assert fragments("just having a conversation … and finding out their thoughts") == [
        "just having a conversation", "and finding out their thoughts"]
    assert fragments("overprotective") == ["overprotective"]
    assert holds("I think its only our work role if its MH related",
                 "I think it’s only our work role if it’s [mental health] related")
    assert not holds("social workers / OTs", "social workers / occupational therapists")


def test_every_citation_is_attached_to_a_quote_holding_its_words(cited, codebook):
    missing = []
    for number, line, words in cited:
        attached = [q for q in codebook if q.get("cited_as") == number and q.get("cited_line") == line]
        if (number, line) in UNMATCHED:
            assert not attached, (number, line, words)
            assert not any(holds(q["text"], words) for q in codebook), \
                f"line {line} ppt. {number}: now matched; remove it from UNMATCHED"
            continue
        if not any(holds(q["text"], words) for q in attached):
            missing.append(f"line {line} [ppt. {number}] “{words}”")
    assert not missing, "citations attached to no quote holding their words:\n" + "\n".join(missing)
    assert set(UNMATCHED) <= {(n, line) for n, line, _ in cited}


def test_every_quote_holding_cited_words_carries_the_citation(cited, codebook):
    unmarked, used = [], set()
    for number, line, words in cited:
        for q in codebook:
            if not holds(q["text"], words):
                continue
            if (number, line, q["line"]) in NOT_THE_CITED_ANSWER:
                used.add((number, line, q["line"]))
                assert (q.get("cited_as"), q.get("cited_line")) != (number, line), q["line"]
                continue
            if (q.get("cited_as"), q.get("cited_line")) != (number, line):
                unmarked.append(f"appendix line {q['line']} ({q['label']}): paper line {line} "
                                f"[ppt. {number}] “{words}”, but it carries "
                                f"{q.get('cited_as')!r}/{q.get('cited_line')!r}")
    assert not unmarked, "\n".join(unmarked)
    assert used == set(NOT_THE_CITED_ANSWER), "stale entries: " + repr(set(NOT_THE_CITED_ANSWER) - used)


def test_no_quote_carries_a_citation_the_paper_does_not_have(cited, codebook):
    by_key = {(number, line): words for number, line, words in cited}
    wrong = []
    for q in codebook:
        if "cited_as" not in q and "cited_line" not in q:
            continue
        number, line = q.get("cited_as"), q.get("cited_line")
        if not (isinstance(number, str) and number.isdigit() and type(line) is int):
            wrong.append(f"appendix line {q['line']}: cited_as {number!r} (digits as text) and "
                         f"cited_line {line!r} (a number) go together")
        elif (number, line) not in by_key:
            wrong.append(f"appendix line {q['line']}: paper line {line} has no [ppt. {number}]")
        elif not holds(q["text"], by_key[number, line]):
            wrong.append(f"appendix line {q['line']}: does not hold “{by_key[number, line]}”")
    assert not wrong, "\n".join(wrong)
    assert sum("cited_as" in q for q in codebook) == 112


def test_citation_keys_follow_the_question_key():
    lines = THEMES.read_text(encoding="utf-8").splitlines()
    for i, text in enumerate(lines):
        if text.lstrip().startswith("cited_as:"):
            indent = text[: len(text) - len(text.lstrip())]
            assert lines[i - 1].startswith(indent + "question: "), i + 1
            assert lines[i + 1].startswith(indent + "cited_line: "), i + 1
        elif text.lstrip().startswith("cited_line:"):
            assert lines[i - 1].lstrip().startswith("cited_as:"), i + 1


# --- the loader keeps the citation and refuses half of one ------------------------------------

def test_loader_carries_the_citation(codebook):
    from findings.load.themes import load_themes

    loaded = [q for q, _ in load_themes(THEMES).all_quotes()]
    assert [(q.line, q.cited_as, q.cited_line) for q in loaded] == [
        (q["line"], q.get("cited_as"), q.get("cited_line")) for q in codebook]
    first = next(q for q in loaded if q.cited_as)
    assert (first.line, first.label, first.cited_as, first.cited_line) == (12, "36", "48", 52)


SMALL = """\
title: A small codebook
steps:
- id: s1
  title: Step 1
  kind: step
  children:
  - id: s1-q1
    title: Question 1
    kind: analysis
    questions: [Q1]
    children:
    - id: s1-q1-a
      title: A theme
      kind: theme
      quotes:
      - text: Some words
        label: P3
        line: 4
        question: Q1
        cited_as: '3'
        cited_line: 60
"""


@pytest.mark.parametrize("change, key", [
    ("        cited_line: 60\n", "cited_as"),
    ("        cited_as: '3'\n", "cited_line"),
])
def test_loader_refuses_half_a_citation(tmp_path, change, key):
    from findings.errors import DataError
    from findings.load.themes import load_themes

    text = SMALL.replace(change, "")
    path = tmp_path / "themes.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_themes(path)
    line = text.splitlines().index(next(t for t in text.splitlines() if t.lstrip().startswith(key))) + 1
    assert f"{path}, line {line}" in str(caught.value)
    assert "needs both" in str(caught.value)


def test_loader_refuses_a_cited_number_that_is_not_digits(tmp_path):
    from findings.errors import DataError
    from findings.load.themes import load_themes

    path = tmp_path / "themes.yaml"
    path.write_text(SMALL.replace("cited_as: '3'", "cited_as: P3"), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_themes(path)
    assert f"{path}, line 20" in str(caught.value) and "digits only" in str(caught.value)
    path.write_text(SMALL, encoding="utf-8")
    assert [(q.cited_as, q.cited_line) for q, _ in load_themes(path).all_quotes()] == [("3", 60)]
