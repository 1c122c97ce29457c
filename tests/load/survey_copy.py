"""A copy of the made-up survey (tests/fixtures/mini_survey/) in a temporary folder, one file edited,
loaded the way the build loads it: the helpers of the hostile-input tests."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from findings.errors import DataError
from findings.load import load
from findings.paths import ROOT

MINI = ROOT / "tests" / "fixtures" / "mini_survey"
INPUTS = ("study.yml", "instrument.yaml", "themes.yaml", "stated_figures.yaml", "responses.csv",
          "responses.meta.yaml")


def copy_survey(folder: Path) -> Path:
    """The made-up survey's inputs copied into ``folder``/data; the path of its study.yml."""
    data = folder / "data"
    data.mkdir(parents=True, exist_ok=True)
    for name in INPUTS:
        shutil.copyfile(MINI / name, data / name)
    return data / "study.yml"


def original(name: str) -> str:
    return (MINI / name).read_text(encoding="utf-8")


def edited(study: Path, name: str, old: str, new: str) -> str:
    """Replace the first ``old`` in input ``name`` by ``new``; the new text."""
    text = original(name)
    assert old in text, (name, old)
    text = text.replace(old, new, 1)
    (study.parent / name).write_text(text, encoding="utf-8")
    return text


def line_of(text: str, fragment: str) -> int:
    return text[:text.index(fragment)].count("\n") + 1


def yaml_quoted(value: str) -> str:
    """``value`` as a double-quoted YAML scalar (JSON's escapes are YAML's)."""
    return json.dumps(value)


def problems(study: Path) -> tuple[DataError, str]:
    """Load the survey; the DataError it must raise and its text."""
    with pytest.raises(DataError) as info:
        load(study)
    return info.value, str(info.value)


def assert_safe_message(text: str) -> None:
    """What every message must be: bounded, and nothing in it invisible or reordering."""
    assert len(text) < 10_000, len(text)
    assert all(c.isprintable() or c == "\n" for c in text), [c for c in text if not c.isprintable()][:5]
