"""The folder init writes: what it holds, reruns that keep the team's edits, --force, folders it did
not make, and bad input that writes nothing."""
from __future__ import annotations

import hashlib
import json

import pytest

import build_tables

from .conftest import FIXTURES, PAIRS

FILES = ["instrument.yaml", "study.yml", "themes.yaml", "responses.csv"]
QSF, CSV = PAIRS["erim"]


def args(folder, *more) -> list:
    return ["--qsf", QSF, "--responses", CSV, "--out", folder, *more]


def test_the_folder_holds_the_four_files_and_their_hashes(tmp_path, run):
    folder = tmp_path / "survey"
    done = run(args(folder))
    assert done.code == 0 and done.err == ""
    assert sorted(p.name for p in folder.iterdir()) == sorted(FILES + [".init.json"])  # no temporary file left
    manifest = json.loads((folder / ".init.json").read_text(encoding="utf-8"))
    assert manifest["files"] == {n: hashlib.sha256((folder / n).read_bytes()).hexdigest() for n in FILES}
    assert (folder / "responses.csv").read_bytes() == CSV.read_bytes()
    assert "wrote: instrument.yaml, study.yml, themes.yaml, responses.csv" in done.out


def test_a_rerun_keeps_an_edited_file_and_force_overwrites_it(tmp_path, run):
    folder = tmp_path / "survey"
    assert run(args(folder)).code == 0
    original = {n: (folder / n).read_bytes() for n in FILES}
    edited = original["study.yml"] + b'authors: ["Tester, Tess"]\n'
    (folder / "study.yml").write_bytes(edited)
    (folder / "themes.yaml").unlink()  # a file the team deleted comes back

    again = run(args(folder))
    assert again.code == 0
    assert "kept (edited since init wrote them; --force overwrites): study.yml" in again.out
    assert "wrote: instrument.yaml, themes.yaml, responses.csv" in again.out
    assert (folder / "study.yml").read_bytes() == edited
    assert {n: (folder / n).read_bytes() for n in FILES if n != "study.yml"} == \
        {n: v for n, v in original.items() if n != "study.yml"}

    still = run(args(folder))  # the manifest still knows what init wrote: the edit is still kept
    assert "kept (edited since init wrote them; --force overwrites): study.yml" in still.out
    assert (folder / "study.yml").read_bytes() == edited

    forced = run(args(folder, "--force"))
    assert forced.code == 0 and "kept (edited" not in forced.out
    assert (folder / "study.yml").read_bytes() == original["study.yml"]


def test_a_rerun_with_another_export_replaces_files_init_wrote(tmp_path, run):
    folder = tmp_path / "survey"
    assert run(args(folder)).code == 0
    other_qsf, other_csv = PAIRS["eur"]
    done = run(["--qsf", other_qsf, "--responses", other_csv, "--out", folder])
    assert done.code == 0 and "kept (edited" not in done.out
    assert (folder / "responses.csv").read_bytes() == other_csv.read_bytes()
    assert "EUR Open Science Survey 2022" in (folder / "study.yml").read_text(encoding="utf-8")


def test_a_folder_init_did_not_make_is_refused_unless_forced(tmp_path, run):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("ours", encoding="utf-8")
    refused = run(args(folder))
    assert refused.code == 1 and refused.out == ""
    assert refused.err.count("init: error:") == 1 and "--force" in refused.err
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
    forced = run(args(folder, "--force"))
    assert forced.code == 0
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "ours"
    assert all((folder / n).is_file() for n in FILES)


def test_an_empty_folder_is_used_and_a_file_is_refused(tmp_path, run):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run(args(empty)).code == 0
    a_file = tmp_path / "file"
    a_file.write_text("x", encoding="utf-8")
    refused = run(args(a_file))
    assert refused.code == 1 and "not a folder" in refused.err
    assert a_file.read_text(encoding="utf-8") == "x"
    nowhere = run(args(tmp_path / "no" / "such" / "survey"))
    assert nowhere.code == 1 and "does not exist" in nowhere.err and not (tmp_path / "no").exists()


def test_a_link_in_the_folder_is_replaced_never_followed(tmp_path, run):
    folder = tmp_path / "survey"
    assert run(args(folder)).code == 0
    outside = tmp_path / "outside.yml"
    outside.write_text("not init's", encoding="utf-8")
    (folder / "study.yml").unlink()
    (folder / "study.yml").symlink_to(outside)
    kept = run(args(folder))
    assert "kept (edited since init wrote them; --force overwrites): study.yml" in kept.out
    forced = run(args(folder, "--force"))
    assert forced.code == 0
    assert not (folder / "study.yml").is_symlink() and (folder / "study.yml").is_file()
    assert outside.read_text(encoding="utf-8") == "not init's"


def _bad(tmp_path):
    (tmp_path / "in").mkdir()
    tsv = tmp_path / "in" / "export.tsv"
    tsv.write_text("StartDate\tQ1\n2021\t1\n", encoding="utf-8")
    xlsx = tmp_path / "in" / "export.xlsx"
    xlsx.write_bytes(b"PK\x03\x04" + b"\x00" * 64)
    not_qsf = tmp_path / "in" / "other.json"
    not_qsf.write_text('{"questions": []}', encoding="utf-8")
    header_only = tmp_path / "in" / "header.csv"
    header_only.write_text("ResponseId,Q1\n", encoding="utf-8")
    ragged = tmp_path / "in" / "ragged.csv"
    ragged.write_text("ResponseId,Q1\nR_1,1,extra\n", encoding="utf-8")
    return {
        "a CSV given as the .qsf": (["--qsf", CSV, "--responses", CSV], "is not JSON"),
        "JSON that is no .qsf": (["--qsf", not_qsf, "--responses", CSV], "not a Qualtrics survey definition"),
        "the .qsf given as the export": (["--qsf", QSF, "--responses", QSF], "looks like JSON, not CSV"),
        "an Excel file": (["--qsf", QSF, "--responses", xlsx], "Excel workbook"),
        "tab-separated values": (["--responses", tsv], "tab-separated"),
        "a missing export": (["--qsf", QSF, "--responses", tmp_path / "none.csv"], "file not found"),
        "a missing .qsf": (["--qsf", tmp_path / "none.qsf", "--responses", CSV], "file not found"),
        "an export of headers only": (["--responses", header_only], "holds no responses"),
        "a row longer than the header": (["--responses", ragged], "has 3 fields but the header"),
        "the .qsf of another survey": (["--qsf", PAIRS["eur"][0], "--responses", PAIRS["winter"][1]],
                                       "are they the same survey?"),
    }


BAD = ["a CSV given as the .qsf", "JSON that is no .qsf", "the .qsf given as the export", "an Excel file",
       "tab-separated values", "a missing export", "a missing .qsf", "an export of headers only",
       "a row longer than the header", "the .qsf of another survey"]


@pytest.mark.parametrize("case", BAD)
def test_bad_input_is_one_message_and_writes_nothing(tmp_path, run, case):
    inputs, expected = _bad(tmp_path)[case]
    folder = tmp_path / "out"
    done = run([*inputs, "--out", folder])
    assert done.code == 1 and done.out == ""
    lines = done.err.strip().splitlines()
    assert len(lines) == 2 and lines[0].startswith("init: error: ") and expected in lines[0], done.err
    assert lines[1] == "init: nothing was written."
    assert "Traceback" not in done.err
    assert not folder.exists()


def test_build_tables_dispatches_init(tmp_path, capsys):
    folder = tmp_path / "survey"
    assert build_tables.main(["init", "--qsf", str(QSF), "--responses", str(CSV), "--out", str(folder)]) == 0
    assert "init: drafted" in capsys.readouterr().out
    assert (folder / "instrument.yaml").is_file()
    with pytest.raises(SystemExit) as stop:
        build_tables.main(["init", "--help"])
    assert stop.value.code == 0 and "--qsf" in capsys.readouterr().out


def test_every_bad_case_is_tested(tmp_path):
    assert sorted(_bad(tmp_path)) == sorted(BAD) and FIXTURES.is_dir()
