"""Snapshot tests: the markdown the made-up survey generates, compared with the reviewed copies in
``tests/snapshots/mini_survey/``. A change to the output shows as a diff of those files.

To accept a deliberate change: ``UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/render``, then
review ``git diff tests/snapshots`` before committing."""
from __future__ import annotations

import os
import shutil

import pytest

from findings.pipeline import build
from findings.paths import ROOT

MINI = ROOT / "tests" / "fixtures" / "mini_survey"
SNAPSHOTS = ROOT / "tests" / "snapshots" / "mini_survey"


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("snap")
    shutil.copytree(MINI, tmp / "data")
    build(tmp / "data" / "study.yml", tmp / "build", tmp / "cache", tmp / "data" / "docs")
    out = tmp / "build"
    return {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(out.rglob("*")) if p.suffix in (".md", ".csv", ".yml")
            and not p.relative_to(out).as_posix().startswith(("docs/index.md", "docs/results/",
                                                               "docs/themes/index.md"))}


def test_generated_markdown_matches_the_reviewed_snapshots(generated):
    if os.environ.get("UPDATE_SNAPSHOTS"):
        shutil.rmtree(SNAPSHOTS, ignore_errors=True)
        for rel, text in generated.items():
            (SNAPSHOTS / rel).parent.mkdir(parents=True, exist_ok=True)
            (SNAPSHOTS / rel).write_text(text, encoding="utf-8")
    stored = {p.relative_to(SNAPSHOTS).as_posix(): p.read_text(encoding="utf-8")
              for p in sorted(SNAPSHOTS.rglob("*")) if p.is_file()}
    assert sorted(stored) == sorted(generated), "files added or removed: update the snapshots"
    for rel, text in generated.items():
        assert text == stored[rel], f"{rel} differs from its snapshot"
