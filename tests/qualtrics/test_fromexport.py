"""init with the export alone (no .qsf): a codebook that loads, every entry marked as a guess, and
the guesses computed here from the CSV."""
from __future__ import annotations

import csv
import json

import pytest

from findings.load.instrument import load_instrument
from findings.load.responses import METADATA_COLUMNS

from .conftest import FIXTURES, PAIRS

EXPORTS = {**{name: pair[1] for name, pair in PAIRS.items()},
           "qualtRics": FIXTURES / "qualtRics_sample_numeric.csv",
           "legacy": FIXTURES / "legacy" / "qualtRics_sample_legacy.csv"}


def read(name: str) -> tuple[list[str], list[str], list[list[str]]]:
    """(short names, ImportId keys, data rows) of a three-header export."""
    with open(EXPORTS[name], newline="", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    keys = []
    for cell in rows[2]:
        value = json.loads(cell)
        keys.append(value["ImportId"] + (f"_{value['choiceId']}" if "choiceId" in value else ""))
    return rows[0], keys, rows[3:]


@pytest.fixture(scope="module")
def alone(tmp_path_factory):
    from .conftest import run_init

    runs = {}
    for name, path in EXPORTS.items():
        runs[name] = run_init(["--responses", path, "--out", tmp_path_factory.mktemp("alone") / name])
        assert runs[name].code == 0, runs[name].err
    return runs


@pytest.mark.parametrize("name", list(EXPORTS))
def test_a_codebook_from_the_export_alone_loads_and_marks_every_guess(alone, name):
    run = alone[name]
    instrument = load_instrument(run.folder / "instrument.yaml")
    assert instrument.questions and all(q.review.startswith("Drafted from the export alone:")
                                        for q in instrument.questions)
    assert "from the export alone" in run.out
    assert run.study["sections"] == [{"id": "survey", "title": EXPORTS[name].stem,
                                      "questions": [q.id for q in instrument.questions]}]


@pytest.mark.parametrize("name", ["winter", "erim", "eur"])
def test_every_column_but_the_metadata_is_a_question_or_ignored(alone, name):
    run = alone[name]
    names, keys, _ = read(name)
    used = {key for q in run.instrument["questions"] for key in q.get("import_ids", {}).values()}
    for short, key in zip(names, keys):
        if short not in METADATA_COLUMNS:
            assert (key in used) != (short in run.instrument["ignore"]), short


def test_numeric_columns_are_choices_labelled_by_their_codes_or_numbers(alone):
    run = alone["winter"]
    names, _, rows = read("winter")
    seen = sorted({r[names.index("mcsa_na")] for r in rows}, key=int)
    q = run.question("mcsa_na")
    assert q["type"] == "single_choice"
    assert [(o["label"], o["code"]) for o in q["options"]] == [(v, int(v)) for v in seen]
    assert "labelled by its codes" in q["review"]
    assert run.question("te_numeric")["type"] == "number"


def test_zero_one_columns_are_a_multi_select_with_one_column_per_option(alone):
    run = alone["winter"]
    names, keys, _ = read("winter")
    q = next(q for q in run.instrument["questions"] if "mcma_standard_1" in q["columns"])
    assert q["type"] == "multiple_choice"
    assert q["columns"] == [n for n, k in zip(names, keys) if k.startswith("QID36_")]
    assert [o["column"] for o in q["options"]] == q["columns"]


def test_joined_answers_are_a_multi_select_and_repeated_names_are_renamed(alone):
    run = alone["erim"]
    names, keys, rows = read("erim")
    q = run.question("Q8.4")
    assert q["type"] == "multiple_choice" and q["columns"] == ["Q8.4"]
    alone_cells = {r[names.index("Q8.4")] for r in rows} - {""}
    labels = {o["label"] for o in q["options"]}
    assert "Yes, I share my knowledge with my colleagues informally" in labels
    assert labels <= alone_cells  # options are answers seen on their own
    renamed = [c for q in run.instrument["questions"] for c in q["columns"] if c.startswith("Q1.2")]
    assert renamed == ["Q1.2 (QID3)", "Q1.2 (QID4)"]
    assert run.instrument["ignore"] == [n for n, k in zip(names, keys) if "Topics" in k]
