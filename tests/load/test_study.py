"""study.yml: its schema (every problem at once, with lines and the expected form), its paths
confined to its folder, its nav, and its references to the codebooks."""
from __future__ import annotations

import shutil

import pytest

from findings.errors import DataError
from findings.load import load
from findings.load.study import load_study
from findings.paths import DATA_DIR, ROOT

MINI = ROOT / "tests" / "fixtures" / "mini_survey"


def problems(tmp_path, edit) -> list[str]:
    data = tmp_path / "data"
    shutil.copytree(MINI, data)
    path = data / "study.yml"
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(DataError) as info:
        load(path)
    return [str(p) for p in info.value.problems]


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_the_studys_configuration_loads():
    study = load_study(DATA_DIR / "study.yml")
    assert study.year == 2024 and len(study.sections) == 5
    assert study.files["responses"] == (DATA_DIR / "responses.csv").resolve()
    assert study.nav[0] == {"Home": "index.md"}


def test_wrong_types_and_unknown_keys_are_reported_together(tmp_path):
    text = (MINI / "study.yml").read_text(encoding="utf-8")
    edited = (text.replace("year: 2025", "year: soon")
              .replace("    questions: [A1, A2]", "    questions: [A1, A2]\n    colour: red")
              .replace("  - id: habits\n", "  - 7\n  - id: habits\n"))
    found = problems(tmp_path, lambda _: edited)
    assert found == [
        f"{tmp_path}/data/study.yml, line {line_of(edited, 'year: soon')}: year should be a whole "
        "number; found 'soon'",
        f"{tmp_path}/data/study.yml, line {line_of(edited, 'colour: red')}: sections entry 1 "
        "(id about): unknown key 'colour'; allowed: id, title, page, questions, analyses",
        f"{tmp_path}/data/study.yml, line {line_of(edited, '  - 7')}: sections entry 2 should be a "
        "mapping with keys id, title, questions (optional: page, analyses); found 7",
    ]


def test_missing_and_duplicate_keys(tmp_path):
    found = problems(tmp_path, lambda t: t.replace('title: "Reading habits of allotment gardeners"\n', "")
                     .replace("year: 2025", "year: 2025\nyear: 2026"))
    assert any("line 5: key 'year' is given twice in the same mapping (first at line 4)" in p
               for p in found), found
    assert any("the file: missing key 'title'; expected keys title, files, sections" in p
               for p in found), found


def test_input_files_must_lie_in_the_studys_folder(tmp_path):
    found = problems(tmp_path, lambda t: t.replace("responses: responses.csv",
                                                   "responses: ../../../etc/passwd"))
    assert found == [f"{tmp_path}/data/study.yml, line 13: files: responses '../../../etc/passwd' "
                     "is outside the folder of study.yml; name a file inside it"]


def test_references_to_the_codebooks_name_their_line(tmp_path):
    found = problems(tmp_path, lambda t: t.replace("questions: [A3, A4]", "questions: [A3, A9]")
                     .replace("{themes: m-why}", "{themes: m-nope}"))
    assert len(found) == 2, found
    assert found[0].endswith("line 25: sections entry 2, questions entry 2: unknown question 'A9'")
    assert "unknown final theme analysis (final: true in the themes file) 'm-nope'" in found[1]


def test_a_malformed_nav_entry_is_refused(tmp_path):
    found = problems(tmp_path, lambda t: t.replace("  - Survey: instrument.md", "  - Survey: 12"))
    assert len(found) == 1 and "nav entry {'Survey': 12} should be 'page.md'" in found[0]
