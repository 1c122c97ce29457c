"""A synthetic survey folder of any size, for the scale benchmark and its small test.

    write_survey(folder, respondents=10_000, questions=100, quotes=0, seed=1) -> Survey

The codebook is the made-up allotment survey's kinds of question (tests/fixtures/mini_survey:
single choice with a non-substantive option, yes/no, a matrix, free text) scaled up and mixed with
the other kinds the codebook contract has: every block of 20 questions holds 11 single-choice
questions (agree-disagree with "Don't know" apart, frequencies, a role with "Other, please
specify" text), 2 yes/no, 2 multi-selects joined with commas inside their labels, 1 multi-select
with one 0/1 column per option, 1 matrix of 4 items answered with stated numeric codes ("Not
applicable" is -1), 2 free-text questions (one shown only to those who said Yes) and 1 number; the
first block's second question is a dropdown of 200 options. 100 questions are 130 export columns.

The export (``responses.csv``) is written in blocks of rows with numpy and pandas, so memory stays
small; it follows the rules the loader checks (text in "Other" boxes only beside that option, the
conditional question answered only by those shown it), with -99 (seen, not answered), empty cells,
free text with commas and quotes, and one free-text column per block unique to each respondent.
With ``quotes``, themes.yaml holds that many quotes over themes of the free-text questions.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

AGREE = ["Strongly agree", "Agree", "Neither agree nor disagree", "Disagree", "Strongly disagree"]
FREQ = ["Every day", "Every week", "Every month", "Less often", "Never"]
ROLE = ["Nurse", "Doctor", "Social worker", "Psychologist", "Other, please specify"]
JOINED = ["Yes, at work", "Yes, at home", "No, never", "Sometimes, when asked", "Other"]
SCALE = {"Very useful": 5, "Useful": 4, "Somewhat useful": 3, "Not very useful": 2,
         "Not at all useful": 1}
DROPDOWN = [f"Area {k:03d}" for k in range(1, 201)]
PHRASES = ["it depends on the day", "more staff, better training", "I would not change anything",
           "the forms are too long", "time, mostly", 'a "clearer" process, and fewer meetings']
# the kinds of question in each block of 20
BLOCK = ["agree", "freq", "role", "agree", "freq", "agree", "freq", "agree", "freq", "agree",
         "yes_no", "yes_no", "joined", "joined", "columns", "matrix", "free", "free_cond", "number",
         "agree"]
METADATA = ["StartDate", "EndDate", "Duration (in seconds)", "IPAddress"]  # dropped by the loader
ROWS_PER_BLOCK = 50_000


@dataclass(frozen=True)
class Survey:
    folder: Path
    study: Path
    responses: Path
    instrument: dict  # the codebook as written
    respondents: int


def _question(n: int, kind: str, block_start: int, first_block: bool) -> dict:
    qid = f"Q{n}"
    q: dict = {"id": qid, "number": str(n), "text": f"Question {n}: what do you think about topic {n}?"}
    if kind == "freq" and first_block and n == block_start + 1:
        kind = "dropdown"
    if kind in ("agree", "freq", "dropdown", "role"):
        labels = {"agree": AGREE, "freq": FREQ, "dropdown": DROPDOWN, "role": ROLE}[kind]
        options = [{"label": label} for label in labels]
        if kind == "agree":
            options.append({"label": "Don't know", "nonsubstantive": True})
        if kind == "role":
            options[-1]["text_column"] = f"{qid}_TEXT"
        q.update(type="single_choice", options=options, columns=[qid])
    elif kind == "yes_no":
        q.update(type="yes_no", options=[{"label": "Yes"}, {"label": "No"}], columns=[qid])
    elif kind == "joined":
        q.update(type="multiple_choice", options=[{"label": label} for label in JOINED], columns=[qid])
    elif kind == "columns":
        q.update(type="multiple_choice", columns=[f"{qid}_{k}" for k in (1, 2, 3)],
                 options=[{"label": f"Choice {k}", "column": f"{qid}_{k}"} for k in (1, 2, 3)])
    elif kind == "matrix":
        scale = [{"label": label, "code": code} for label, code in SCALE.items()]
        scale.append({"label": "Not applicable", "code": -1, "nonsubstantive": True})
        q.update(type="matrix", polarity="unipolar", scale=scale,
                 items=[{"column": f"{qid}_{k}", "label": f"Source {k} of topic {n}"} for k in (1, 2, 3, 4)],
                 columns=[f"{qid}_{k}" for k in (1, 2, 3, 4)])
    elif kind in ("free", "free_cond"):
        q.update(type="free_text", columns=[qid])
        if kind == "free_cond":
            q["condition"] = {"question": f"Q{block_start + 10}", "equals": "Yes"}  # the block's first yes/no
    elif kind == "number":
        q.update(type="number", columns=[qid], unit="years")
    q["kind"] = kind
    return q


def codebook(questions: int) -> dict:
    """The codebook of ``questions`` questions (blocks of 20; a part per block)."""
    out, parts = [], []
    for n in range(1, questions + 1):
        block_start = (n - 1) // 20 * 20 + 1
        if n == block_start:
            parts.append({"id": f"p{len(parts) + 1}", "title": f"Part {len(parts) + 1}"})
        q = _question(n, BLOCK[(n - 1) % 20], block_start, block_start == 1)
        q["part"] = parts[-1]["id"]
        out.append(q)
    return {"survey": {"title": "Synthetic survey"}, "parts": parts, "questions": out}


def _public(book: dict) -> dict:
    """The codebook as the loader reads it (without the generator's ``kind``)."""
    return {**book, "questions": [{k: v for k, v in q.items() if k != "kind"} for q in book["questions"]]}


def _pick(rng, pool: list[str], size: int, blank: float = 0.05) -> np.ndarray:
    """Cells drawn from ``pool``, a share ``blank`` of them empty."""
    cells = np.array(pool, dtype=object)[rng.integers(0, len(pool), size)]
    cells[rng.random(size) < blank] = ""
    return cells


def _texts(rng, size: int, share: float, unique_from: int | None) -> np.ndarray:
    cells = np.array(PHRASES, dtype=object)[rng.integers(0, len(PHRASES), size)]
    if unique_from is not None:
        cells = np.array([f"{c} ({k})" for c, k in zip(cells, range(unique_from, unique_from + size))],
                         dtype=object)
    unanswered = rng.random(size)
    cells[unanswered >= share] = ""
    cells[(unanswered >= share) & (unanswered < share + 0.05)] = "-99"
    return cells


def _block_columns(book: dict, rng, start: int, size: int) -> dict[str, np.ndarray]:
    subsets = [",".join(label for bit, label in enumerate(JOINED) if mask >> bit & 1)
               for mask in range(2 ** len(JOINED))]
    cols: dict[str, np.ndarray] = {
        "StartDate": np.full(size, "2024-01-01 10:00:00", dtype=object),
        "EndDate": np.full(size, "2024-01-01 10:12:00", dtype=object),
        "ResponseId": np.array([f"R_{k:012d}" for k in range(start, start + size)], dtype=object),
    }
    finished = rng.random(size) < 0.9
    cols["Progress"] = np.where(finished, "100", rng.integers(5, 99, size).astype(str)).astype(object)
    cols["Duration (in seconds)"] = rng.integers(60, 3000, size).astype(str).astype(object)
    cols["Finished"] = np.where(finished, "1", "0").astype(object)
    cols["IPAddress"] = np.full(size, "", dtype=object)
    yes: dict[str, np.ndarray] = {}
    for q in book["questions"]:
        kind, qid = q["kind"], q["id"]
        if kind in ("agree", "freq", "dropdown", "role"):
            cols[qid] = _pick(rng, [o["label"] for o in q["options"]], size)
            if kind == "role":
                text = _texts(rng, size, 0.7, None)
                text[cols[qid] != ROLE[-1]] = ""
                cols[f"{qid}_TEXT"] = text
        elif kind == "yes_no":
            cols[qid] = _pick(rng, ["Yes", "No"], size)
            yes[qid] = cols[qid] == "Yes"
        elif kind == "joined":
            cols[qid] = _pick(rng, subsets, size)  # the empty subset is an empty cell
        elif kind == "columns":
            for column in q["columns"]:
                cols[column] = _pick(rng, ["1", "0", "0", "-99"], size, blank=0.0)
        elif kind == "matrix":
            for column in q["columns"]:
                cols[column] = _pick(rng, ["5", "4", "3", "2", "1", "-1", "-99"], size)
        elif kind == "free":
            unique = start if int(qid[1:]) % 40 == 17 else None  # every other block: one text per person
            cols[qid] = _texts(rng, size, 0.3, unique)
        elif kind == "free_cond":
            text = _texts(rng, size, 0.5, None)
            text[~yes[q["condition"]["question"]]] = ""
            cols[qid] = text
        elif kind == "number":
            numbers = rng.integers(0, 40, size).astype(str).astype(object)
            numbers[rng.random(size) < 0.1] = ""
            cols[qid] = numbers
    return cols


def write_export(path: Path, book: dict, respondents: int, seed: int = 1) -> None:
    import pandas as pd

    rng = np.random.default_rng(seed)
    for start in range(0, respondents, ROWS_PER_BLOCK):
        size = min(ROWS_PER_BLOCK, respondents - start)
        pd.DataFrame(_block_columns(book, rng, start, size)).to_csv(
            path, mode="a" if start else "w", header=not start, index=False, lineterminator="\n")


def _sentences(rng):
    """Quotes of 8 to 50 words drawn from 5,000 made-up words: about as hard to compress as
    people's writing (real quotes repeat words more, so gzip does better on them)."""
    syllables = ["ka", "ro", "mi", "sel", "tan", "pu", "ver", "do", "lin", "gas", "te", "fo", "bri",
                 "nu", "cha", "wel", "os", "ip", "ar", "en"]
    words = sorted({"".join(rng.choice(syllables, rng.integers(1, 4))) for _ in range(8_000)})[:5_000]
    while True:
        chosen = rng.choice(words, rng.integers(8, 51))
        yield (" ".join(chosen) + ".").capitalize()


def themes(book: dict, quotes: int) -> dict:
    """A qualitative codebook: one analysis per free-text question, 5 themes each, ``quotes``
    quotes spread over them."""
    free = [q for q in book["questions"] if q["type"] == "free_text"]
    themes_of = [(q, k) for q in free for k in range(1, 6)]
    per_theme = [quotes // len(themes_of) + (i < quotes % len(themes_of)) for i in range(len(themes_of))]
    line = 1
    analyses = []
    sentences = _sentences(np.random.default_rng(7))
    for q in free:
        children = []
        for (question, k), count in zip(themes_of, per_theme):
            if question is not q:
                continue
            line += 1
            quoted = []
            for j in range(count):
                line += 1
                quoted.append({"text": next(sentences), "label": f"P{j + 1}", "line": line,
                               "question": q["id"]})
            children.append({"id": f"{q['id'].lower()}-t{k}", "title": f"Theme {k} of {q['id']}",
                             "kind": "theme", "line": line, "quotes": quoted})
        line += 1
        analyses.append({"id": f"{q['id'].lower()}-why", "title": f"{q['id']}: the reasons given",
                         "kind": "analysis", "line": line, "questions": [q["id"]], "final": True,
                         "children": children})
    return {"title": "Synthetic coding", "source": "none", "bare_labels_are_participants": False,
            "steps": [{"id": "s1", "title": "Themes", "kind": "step", "line": 1, "children": analyses}]}


def study(book: dict, with_themes: bool) -> dict:
    """study.yml: one results section (and page) per part of 20 questions."""
    sections = []
    for part in book["parts"]:
        ids = [q["id"] for q in book["questions"] if q["part"] == part["id"]]
        free = [q["id"] for q in book["questions"] if q["part"] == part["id"] and q["type"] == "free_text"]
        section = {"id": part["id"], "title": part["title"], "questions": ids}
        if with_themes:
            section["analyses"] = [f"{qid.lower()}-why" for qid in free]
        sections.append(section)
    files = {"instrument": "instrument.yaml", "responses": "responses.csv"}
    if with_themes:
        files["themes"] = "themes.yaml"
    return {"title": "A synthetic survey of many questions", "summary": "Made-up answers for a benchmark.",
            "files": files, "sections": sections}


def write_survey(folder: Path, respondents: int = 10_000, questions: int = 100, quotes: int = 0,
                 seed: int = 1) -> Survey:
    folder.mkdir(parents=True, exist_ok=True)
    book = codebook(questions)
    (folder / "instrument.yaml").write_text(yaml.safe_dump(_public(book), sort_keys=False), encoding="utf-8")
    if quotes:
        (folder / "themes.yaml").write_text(yaml.safe_dump(themes(book, quotes), sort_keys=False),
                                            encoding="utf-8")
    (folder / "study.yml").write_text(yaml.safe_dump(study(book, bool(quotes)), sort_keys=False),
                                      encoding="utf-8")
    write_export(folder / "responses.csv", book, respondents, seed)
    return Survey(folder, folder / "study.yml", folder / "responses.csv", book, respondents)
