"""All or nothing: a killed, crashed or concurrent build never leaves a half-written output, a broken
figure cache or a process behind; the build never replaces a folder it did not write."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from findings import atomic
from findings.errors import DataError

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "fixtures" / "mini_survey"


def command(tmp: Path, out: Path | None = None) -> list[str]:
    return [sys.executable, str(ROOT / "build_tables.py"), "--study", str(tmp / "data" / "study.yml"),
            "--out", str(out or tmp / "build"), "--cache", str(tmp / "cache"),
            "--docs", str(tmp / "data" / "docs"), "--force"]  # builds even when nothing changed


def run(tmp: Path, out: Path | None = None):
    return subprocess.run(command(tmp, out), cwd=ROOT, capture_output=True, text=True)


def digest(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


@pytest.fixture
def survey(tmp_path):
    shutil.copytree(MINI, tmp_path / "data")
    return tmp_path


def processes_mentioning(text: str) -> list[int]:
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmdline = (proc / "cmdline").read_bytes().decode(errors="replace")
                state = next((line for line in (proc / "status").read_text().splitlines()
                              if line.startswith("State:")), "")
            except OSError:
                continue
            if text in cmdline and "zombie" not in state:
                found.append(int(proc.name))
    return found


def test_replace_dir_swaps_in_one_step_and_leaves_nothing_beside(tmp_path):
    target = tmp_path / "out"
    target.mkdir()
    (target / "old.txt").write_text("old")
    new = atomic.new_dir(target)
    (new / "new.txt").write_text("new")
    atomic.replace_dir(new, target)
    assert sorted(p.name for p in target.iterdir()) == [atomic.MARKER, "new.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_crash_between_the_two_renames_is_undone_before_the_next_build(tmp_path):
    target = tmp_path / "out"
    old = atomic.old_of(target)
    old.mkdir()
    (old / "page.md").write_text("last good")  # the fallback renamed it away, then the build died
    (tmp_path / ".out.new-abc").mkdir()  # and a half-written new version
    atomic.recover(target)
    assert (target / "page.md").read_text() == "last good"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_second_build_while_one_runs_is_refused_with_a_clear_message(survey):
    out = survey / "build"
    with atomic.lock(out.with_name(".build.lock"), "build"):
        done = run(survey)
    assert done.returncode == 1
    assert "another build is writing" in done.stderr and f"process {os.getpid()}" in done.stderr
    assert "Traceback" not in done.stderr and not out.exists()
    assert run(survey).returncode == 0  # the lock went with the first build


def test_a_build_killed_while_drawing_leaves_the_last_good_output_and_no_process(survey):
    assert run(survey).returncode == 0
    before = digest(survey / "build")
    shutil.rmtree(survey / "cache")  # every figure must be drawn again
    (survey / "data" / "responses.csv").write_text(
        (survey / "data" / "responses.csv").read_text().replace("R3,100,1,One", "R3,100,1,Two or more"))
    build = subprocess.Popen(command(survey), cwd=ROOT, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while not list(survey.glob(".build.new-*")) and time.monotonic() < deadline:
        time.sleep(0.005)
    assert build.poll() is None, "the build ended before it could be killed"
    time.sleep(0.3)  # inside the drawing step
    build.send_signal(signal.SIGKILL)
    build.wait()
    time.sleep(0.5)
    assert processes_mentioning(str(survey / "cache")) == [], "a drawing worker outlived the build"
    assert digest(survey / "build") == before
    cache = survey / "cache" / "figures"
    # the next build cleans up, draws what is missing, and publishes only whole figures
    done = run(survey)
    assert done.returncode == 0, done.stderr
    assert [p.name for p in survey.iterdir() if p.name.startswith(".build.new-")] == []
    assert not [p for p in cache.iterdir() if ".tmp" in p.name]
    for svg in (survey / "build" / "docs" / "figures").glob("*.svg"):
        assert svg.read_text().rstrip().endswith("</svg>"), svg.name


def test_a_truncated_cache_entry_is_drawn_again(survey):
    assert run(survey).returncode == 0
    cache = survey / "cache" / "figures"
    victim = sorted(cache.glob("*.svg"))[0]
    whole = victim.read_bytes()
    victim.write_bytes(whole[: len(whole) // 2])  # a full disk, or a kill on an older version
    (cache / (victim.stem + ".png")).write_bytes(b"")
    done = run(survey)
    assert done.returncode == 0 and "1 drawn" in done.stdout, done.stdout
    assert victim.read_bytes() == whole


@pytest.mark.parametrize("where", ["docs", "data", ".", "..", "cache", "foreign"])
def test_the_output_may_not_be_an_input_the_project_or_a_folder_the_build_did_not_write(survey, where):
    foreign = survey / "foreign"
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("years of work")
    (survey / "cache").mkdir()
    (survey / "cache" / "keep").write_text("x")
    out = {"docs": survey / "data" / "docs", "data": survey / "data", ".": survey, "..": survey.parent,
           "cache": survey / "cache", "foreign": foreign}[where]
    docs = survey / "data" / "docs"
    before = {p: digest(p) for p in (docs, survey / "data", foreign, survey / "cache")}
    done = run(survey, out)
    assert done.returncode == 1, done.stdout
    assert "Traceback" not in done.stderr and "folder" in done.stderr, done.stderr
    assert {p: digest(p) for p in before} == before


def test_the_project_root_is_refused_as_output():
    with pytest.raises(DataError, match="would replace or sit inside the project"):
        atomic.check_output_dir(ROOT, inputs={}, containers={"the project": ROOT}, legacy=lambda e: True)


def test_a_full_disk_is_one_message_and_the_last_good_output_stays(survey, monkeypatch, capsys):
    import errno

    import build_tables
    from findings import write

    assert run(survey).returncode == 0
    before = digest(survey / "build")

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(survey / "build" / "docs"))

    monkeypatch.setattr(write.shutil, "copyfile", full)
    code = build_tables.main(["--study", str(survey / "data" / "study.yml"), "--out", str(survey / "build"),
                              "--cache", str(survey / "cache"), "--docs", str(survey / "data" / "docs"),
                              "--force"])
    err = capsys.readouterr().err
    assert code == 1 and "No space left on device" in err and "Traceback" not in err
    assert digest(survey / "build") == before
    assert not list(survey.glob(".build.new-*"))


def test_an_id_that_clashes_with_a_generated_file_is_refused(survey):
    for name in ("instrument.yaml", "study.yml", "responses.csv", "stated_figures.yaml"):
        path = survey / "data" / name
        text = path.read_text()
        text = (text.replace("id: A2\n", "id: table-1\n").replace("[A1, A2]", "[A1, table-1]")
                .replace("m-why: [A2]", "m-why: [table-1]").replace("question: A2,", "question: table-1,"))
        path.write_text(text)
    done = run(survey)
    assert done.returncode == 1, done.stdout
    assert "downloads/table-1.csv: two generated files would have this path" in done.stderr, done.stderr
