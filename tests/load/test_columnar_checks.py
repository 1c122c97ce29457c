"""The checks over columns find exactly the bad cells planted in a large export, with their rows,
file lines and respondents, in row order (issue 12: the small, fast version of the scale run).

An export of 10,000 respondents is generated here from a made-up codebook with every column type
(single choice, a matrix read through stated codes, a multi-select joined with commas inside labels,
a multi-select with one 0/1 column per option, a number, free text behind display logic, "please
specify" text), with -99 and empty cells and free text holding line breaks and commas. Then bad
cells are planted; the expected problems are the planted (row, column) pairs, and the expected lines
come from the csv module.
"""
from __future__ import annotations

import csv
import random
import re
from pathlib import Path

import pytest
import yaml

from findings.errors import MAX_PROBLEMS, DataError
from findings.load.instrument import load_instrument
from findings.load.responses import load_responses

from .test_exports import record_lines

RESPONDENTS = 10_000
SINGLE = ["A", "B", "C", "Other (specify)"]
SCALE = {"Very much": 5, "Much": 4, "Some": 3, "Little": 2, "None": 1}
JOINED = ["Yes, often", "Yes, sometimes", "No, never", "Other"]
INSTRUMENT = {
    "survey": {"title": "Planted"},
    "parts": [{"id": "p", "title": "Part"}],
    "questions": [
        {"id": "q1", "number": "1", "part": "p", "text": "Pick one", "type": "single_choice", "columns": ["q1"],
         "options": [{"label": s, **({"text_column": "q1_TEXT"} if s.startswith("Other") else {})}
                     for s in SINGLE]},
        {"id": "q2", "number": "2", "part": "p", "text": "Rate", "type": "matrix", "polarity": "unipolar",
         "scale": [{"label": k, "code": v} for k, v in SCALE.items()],
         "items": [{"column": f"m_{i}", "label": f"Item {i}"} for i in (1, 2, 3)],
         "columns": ["m_1", "m_2", "m_3"]},
        {"id": "q3", "number": "3", "part": "p", "text": "Pick any", "type": "multiple_choice", "columns": ["q3"],
         "options": [{"label": s, **({"text_column": "q3_TEXT"} if s == "Other" else {})} for s in JOINED]},
        {"id": "q4", "number": "4", "part": "p", "text": "Tick", "type": "multiple_choice",
         "columns": [f"q4_{i}" for i in (1, 2, 3)],
         "options": [{"label": f"Tick {i}", "column": f"q4_{i}"} for i in (1, 2, 3)]},
        {"id": "q5", "number": "5", "part": "p", "text": "How many", "type": "number", "columns": ["q5"]},
        {"id": "q6", "number": "6", "part": "p", "text": "Why A?", "type": "free_text", "columns": ["q6"],
         "condition": {"question": "q1", "equals": "A"}},
        {"id": "q7", "number": "7", "part": "p", "text": "Yes or no", "type": "yes_no", "columns": ["q7"],
         "options": [{"label": "Yes"}, {"label": "No"}]},
    ],
}
HEADER = ["ResponseId", "Progress", "Finished", "q1", "q1_TEXT", "m_1", "m_2", "m_3", "q3", "q3_TEXT",
          "q4_1", "q4_2", "q4_3", "q5", "q6", "q7"]
TEXTS = ["fine", "it helps, mostly", "line one\nline two", "because \"quoted\", and more", "-99"]


def valid_row(rng: random.Random, n: int) -> dict[str, str]:
    """One respondent's valid answers (the display logic and "please specify" rules kept)."""
    row = {"ResponseId": f"R_{n:06d}", "Progress": "100", "Finished": "1"}
    row["q1"] = rng.choice(SINGLE + ["", "-99"])
    row["q1_TEXT"] = rng.choice(["my own words", "-99"]) if row["q1"] == "Other (specify)" else ""
    for item in ("m_1", "m_2", "m_3"):
        row[item] = rng.choice([str(c) for c in SCALE.values()] + ["", "-99"])
    chosen = [label for label in JOINED if rng.random() < 0.4]
    row["q3"] = ",".join(chosen)
    row["q3_TEXT"] = rng.choice(TEXTS) if "Other" in chosen else ""
    for i in (1, 2, 3):
        row[f"q4_{i}"] = rng.choice(["1", "0", "0", "-99", ""])
    row["q5"] = rng.choice(["3", "0.5", "1e3", "-99", "", "12"])
    row["q6"] = rng.choice(TEXTS + [""]) if row["q1"] == "A" else ""
    row["q7"] = rng.choice(["Yes", "No", "", "-99"])
    if rng.random() < 0.1:
        row["Progress"], row["Finished"] = str(rng.randint(0, 99)), "0"
    return row


def plant(rows: list[dict], rng: random.Random, count: int) -> set[tuple[int, str]]:
    """Put ``count`` bad cells into rows (1-based row numbers returned with their column); each
    planted cell is wrong on its own and makes no other check fail."""
    kinds = [
        ("q1", lambda r: r["q6"] == "" and r["q1_TEXT"] == "", "D"),
        ("m_2", lambda r: True, "7"),
        ("q3", lambda r: r["q3_TEXT"] == "", "Yes, often,Maybe"),
        ("q4_2", lambda r: True, "2"),
        ("q5", lambda r: True, "many"),
        ("q6", lambda r: r["q1"] not in ("A",), "text where none belongs"),
        ("q1_TEXT", lambda r: r["q1"] != "Other (specify)", "typed in"),
        ("Progress", lambda r: True, "most"),
        ("Finished", lambda r: True, "maybe"),
        ("q7", lambda r: True, "Perhaps"),
    ]
    planted: set[tuple[int, str]] = set()
    used_rows: set[int] = set()
    while len(planted) < count:
        index = rng.randrange(len(rows))
        column, fits, value = kinds[len(planted) % len(kinds)]
        if index in used_rows or not fits(rows[index]):
            continue
        rows[index][column] = value
        used_rows.add(index)
        planted.add((index + 1, column))
    return planted


def write(tmp_path: Path, rows: list[dict]) -> Path:
    path = tmp_path / "responses.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=HEADER, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture(scope="module")
def instrument(tmp_path_factory):
    path = tmp_path_factory.mktemp("planted") / "instrument.yaml"
    path.write_text(yaml.safe_dump(INSTRUMENT, sort_keys=False), encoding="utf-8")
    return load_instrument(path)


@pytest.fixture(scope="module")
def generated():
    rng = random.Random(20240601)
    return [valid_row(rng, n) for n in range(1, RESPONDENTS + 1)]


WHERE = re.compile(r"row (\d+) \(line (\d+), respondent ([^)]*)\), column (.+?): ")


def reported(error: DataError) -> list[tuple[int, int, str, str]]:
    """(row, line, respondent, column) of every problem of the rows."""
    found = []
    for p in error.problems:
        match = WHERE.match(p.where + ": ")
        assert match, p
        row, line, who, col = match.groups()
        found.append((int(row), int(line), who, col))
    return found


def test_the_valid_export_loads_and_counts_by_hand(tmp_path, instrument, generated):
    data = load_responses(write(tmp_path, generated), instrument).data
    assert len(data) == RESPONDENTS
    by_hand = sum(1 for r in generated if r["q1"] == "A")
    assert int((data.q1 == "A").sum()) == by_hand
    answered_q6 = sum(1 for r in generated if r["q6"].strip() not in ("", "-99"))
    assert int(data.q6.notna().sum()) == answered_q6
    often = sum(1 for r in generated if "Yes, often" in r["q3"])
    assert int(data.q3.map(lambda v: isinstance(v, tuple) and "Yes, often" in v).sum()) == often
    assert int((data.m_1 == "Very much").sum()) == sum(1 for r in generated if r["m_1"] == "5")
    assert float(data.q5.sum()) == sum(float(r["q5"]) for r in generated if r["q5"] not in ("", "-99"))


def test_the_checks_over_columns_report_exactly_the_planted_cells(tmp_path, instrument, generated):
    rows = [dict(r) for r in generated]
    planted = plant(rows, random.Random(7), 36)
    path = write(tmp_path, rows)
    with pytest.raises(DataError) as info:
        load_responses(path, instrument)
    found = reported(info.value)
    assert {(row, col) for row, _, _, col in found} == planted
    assert len(found) == len(planted) == info.value.total
    assert [row for row, *_ in found] == sorted(row for row, *_ in found)  # in row order
    lines = record_lines(path)
    assert any(lines[r] != r + 1 for r in range(len(lines)))  # line breaks inside cells
    for row, line, who, _ in found:
        assert line == lines[row] and who == rows[row - 1]["ResponseId"]


def test_a_duplicate_id_names_the_first_row(tmp_path, instrument, generated):
    rows = [dict(r) for r in generated]
    rows[8_000]["ResponseId"] = rows[123]["ResponseId"]
    rows[9_000]["ResponseId"] = ""
    with pytest.raises(DataError) as info:
        load_responses(write(tmp_path, rows), instrument)
    found = [str(p) for p in info.value.problems]
    assert len(found) == 2
    assert f"row 8001 (line " in found[0] and "column ResponseId: duplicate respondent id 'R_000124' " \
                                              "(also row 124)" in found[0]
    assert "row 9001 (line " in found[1] and "respondent ?), column ResponseId: the respondent id is empty" in found[1]


def test_more_bad_cells_than_are_kept_are_all_counted(tmp_path, instrument, generated):
    rows = [dict(r) for r in generated]
    bad = random.Random(3).sample(range(RESPONDENTS), 1_500)
    for index in bad:
        rows[index]["q7"] = "Perhaps"
    with pytest.raises(DataError) as info:
        load_responses(write(tmp_path, rows), instrument)
    found = reported(info.value)
    first = sorted(bad)[:MAX_PROBLEMS]
    assert [row for row, *_ in found] == [i + 1 for i in first]
    assert info.value.total == 1_500 and str(info.value).endswith("(1500 in total)")
