"""A rebuild with nothing changed stops at once (no pandas, no matplotlib, output untouched); any
change to the survey folder, the prose pages or the generator's code builds again."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "fixtures" / "mini_survey"

# runs build_tables.main in a fresh interpreter and reports whether pandas or matplotlib were imported
PROBE = """
import sys
sys.path.insert(0, {root!r})
import build_tables
code = build_tables.main({argv!r})
heavy = sorted(m for m in ("pandas", "matplotlib", "numpy") if m in sys.modules)
print("EXIT", code, "HEAVY", ",".join(heavy) or "none")
"""


def build(tmp_path: Path, *extra: str) -> str:
    argv = ["--data", str(tmp_path / "survey"), "--out", str(tmp_path / "build"),
            "--cache", str(tmp_path / "cache"), *extra]
    done = subprocess.run([sys.executable, "-c", PROBE.format(root=str(ROOT), argv=argv)],
                          capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def snapshot(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
            for p in folder.rglob("*") if p.is_file()}


def test_an_unchanged_rebuild_stops_before_importing_pandas(tmp_path):
    shutil.copytree(MINI, tmp_path / "survey")
    first = build(tmp_path)
    assert "wrote" in first and "pandas" in first.split("HEAVY")[1]  # the probe sees a real build
    before = snapshot(tmp_path / "build")
    second = build(tmp_path)
    assert "nothing changed since the last build" in second
    assert "EXIT 0 HEAVY none" in second
    assert snapshot(tmp_path / "build") == before  # not a file rewritten


def test_a_changed_answer_a_prose_page_or_force_builds_again(tmp_path):
    survey = tmp_path / "survey"
    shutil.copytree(MINI, survey)
    build(tmp_path)
    csv = survey / "responses.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace("Somewhat", "Very", 1), encoding="utf-8")
    changed = build(tmp_path)
    assert "wrote" in changed and "1 drawn, 2 from cache" in changed  # only the changed question's chart
    page = survey / "docs" / "index.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    assert "wrote" in build(tmp_path)
    assert "nothing changed" in build(tmp_path)
    assert "wrote" in build(tmp_path, "--force")


def test_a_hand_damaged_build_folder_is_built_again(tmp_path):
    shutil.copytree(MINI, tmp_path / "survey")
    build(tmp_path)
    os.remove(tmp_path / "build" / ".findings-output")  # no longer a whole build of ours
    assert "wrote" in build(tmp_path)
