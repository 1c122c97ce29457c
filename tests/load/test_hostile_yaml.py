"""Broken or hostile YAML inputs: each is one clear problem naming the file (and line), never a
traceback, never the file's contents, never an expansion (alias bombs) or a flood."""
from __future__ import annotations

import time

import pytest

from findings.errors import DataError
from findings.load import files, yamlfile
from findings.load.instrument import load_instrument
from findings.load.study import load_study

from .survey_copy import assert_safe_message, copy_survey, edited, original, problems


def read_error(path) -> str:
    with pytest.raises(DataError) as info:
        yamlfile.validate(yamlfile.read(path, "a test file"), yamlfile.Schema)
    text = str(info.value)
    assert_safe_message(text)
    return text


def write(tmp_path, data: bytes | str, name: str = "f.yaml"):
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


BILLION_LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8))


def test_an_alias_bomb_is_one_problem_and_never_expands(tmp_path):
    start = time.perf_counter()
    text = read_error(write(tmp_path, BILLION_LAUGHS))
    assert time.perf_counter() - start < 1
    assert text == (f"{tmp_path / 'f.yaml'}, line 1: anchors and aliases (&name, *name) are not "
                    "allowed; write each value out in full")


def test_anchors_and_merge_keys_are_refused_too(tmp_path):
    assert "anchors and aliases" in read_error(write(tmp_path, "a: &x 1\n"))
    assert "line 3: anchors and aliases" in read_error(write(tmp_path, "a: {b: 1}\nc:\n  <<: *a\n"))


def test_duplicate_keys_stay_an_error(tmp_path):
    text = read_error(write(tmp_path, "title: T\nother: 1\ntitle: U\n"))
    assert "line 3: key 'title' is given twice in the same mapping (first at line 1); give it once" in text


def test_not_utf8_names_line_and_byte_offset(tmp_path):
    text = read_error(write(tmp_path, b"a: 1\nb: caf\xe9\n"))
    assert text == (f"{tmp_path / 'f.yaml'}, line 2: not UTF-8 text: byte 0xe9 at byte offset 11 is "
                    "not UTF-8 (invalid continuation byte); save it as UTF-8 text")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_utf16_and_utf32_are_named(tmp_path, encoding):
    text = read_error(write(tmp_path, "a: 1\n".encode(encoding)))
    assert f"is {encoding.upper()} text, not UTF-8; save it as UTF-8 text" in text
    text = read_error(write(tmp_path, "a: 1\n".encode("utf-16-le")))  # without a byte-order mark
    assert "line 1: holds a NUL byte (at byte offset 1): it looks like UTF-16 text without a " \
           "byte-order mark, not UTF-8 text; save it as UTF-8 text" in text


def test_a_byte_order_mark_is_accepted(tmp_path):
    doc = yamlfile.read(write(tmp_path, b"\xef\xbb\xbftitle: T\n"), "a test file")
    assert doc.data == {"title": "T"} and doc.line(("title",)) == 1


def test_nul_bytes_are_a_binary_file(tmp_path):
    text = read_error(write(tmp_path, b"a: 1\nb: x\x00y\n"))
    assert "line 2: holds a NUL byte (at byte offset 9): it looks like a binary file" in text
    assert "x\\x00y" not in text and "x" + "\x00" not in text


def test_control_characters_written_as_escapes_are_refused(tmp_path):
    text = read_error(write(tmp_path, 'a: "x\\0y"\nb: "\\x1b[31mred"\n'))
    assert "line 1: a text holds a control character (U+0000); remove it" in text
    assert "line 2: a text holds a control character (U+001B); remove it" in text


def test_a_raw_control_character_is_refused(tmp_path):
    assert "line 2: holds a character YAML does not allow (U+0007); remove it" in read_error(
        write(tmp_path, "a: 1\nb: x\x07y\n"))


def test_a_folder_a_missing_file_and_an_unreadable_file(tmp_path, monkeypatch):
    (tmp_path / "folder.yaml").mkdir()
    assert read_error(tmp_path / "folder.yaml") == (f"{tmp_path / 'folder.yaml'}: is a folder, not a "
                                                    "file; expected a test file")
    assert read_error(tmp_path / "nowhere.yaml") == (f"{tmp_path / 'nowhere.yaml'}: file not found; "
                                                     "expected a test file")
    path = write(tmp_path, "a: 1\n")

    def refused(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(files, "open", refused, raising=False)
    assert read_error(path) == f"{path}: cannot be read (permission denied); expected a test file"


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "---\n", "\ufeff"])
def test_an_empty_file(tmp_path, text):
    assert read_error(write(tmp_path, text)) == (f"{tmp_path / 'f.yaml'}: the file is empty (or holds "
                                                  "only comments); expected a test file")


@pytest.mark.parametrize("text", ["[" * 10_000 + "]" * 10_000, "a:\n" + "".join(
    " " * (i + 1) + f"k{i}:\n" for i in range(300)), "- " * 10_000 + "x\n", "{a: " * 10_000])
def test_deep_nesting_is_one_problem(tmp_path, text):
    assert "nested too deeply (more than 50 levels of lists and mappings)" in read_error(
        write(tmp_path, text))


def test_nesting_deeper_than_python_can_follow_is_a_problem_too(tmp_path, monkeypatch):
    monkeypatch.setattr(yamlfile, "MAX_DEPTH", 10**9)  # the recursion of the reader is the limit
    text = read_error(write(tmp_path, "[" * 10_000 + "]" * 10_000))
    assert text.endswith("nested too deeply (lists and mappings inside each other more levels than "
                         "Python can follow)")


def test_a_huge_file_is_refused_from_its_size_unread(tmp_path, monkeypatch):
    path = tmp_path / "huge.yaml"
    with path.open("wb") as f:
        f.truncate(yamlfile.MAX_BYTES + 1)  # sparse: nothing is written

    def never(*args, **kwargs):
        raise AssertionError("the file was opened")

    monkeypatch.setattr(files, "open", never, raising=False)
    assert read_error(path) == (f"{path}: is 5.0 MB, larger than the 5.0 MB an input file may be; "
                                "expected a test file")


def test_syntax_errors_give_line_and_problem_never_the_text(tmp_path):
    secret = "hunter2-secret-value"
    text = read_error(write(tmp_path, f"title: T\npassword: [{secret}\nitems: []\n"))
    assert "not valid YAML" in text and secret not in text and "line " in text
    text = read_error(write(tmp_path, f"a: 1\n  {secret}: : :\n"))
    assert "not valid YAML" in text and secret not in text
    text = read_error(write(tmp_path, f'a: "{secret}\n'))
    assert secret not in text


def test_unsafe_tags_are_refused(tmp_path):
    text = read_error(write(tmp_path, "a: !!python/object:os.system x\n"))
    assert "not valid YAML: could not determine a constructor for the tag" in text
    text = read_error(write(tmp_path, "a: !!python/object/apply:os.system ['echo x']\n"))
    assert "line 1: a tag ('tag:yaml.org,2002:python/object/apply:os'…) is not allowed on a list or " \
           "mapping; remove it" in text


@pytest.mark.parametrize("value", ["2024-13-45", "1" * 5000, "!!bool maybe", "!!timestamp soon",
                                   "!!float x", "!!int x", "!!binary '@@@'", "!!map x"])
def test_values_that_cannot_be_read_are_problems(tmp_path, value):
    read_error(write(tmp_path, f"a: {value}\n"))


@pytest.mark.parametrize("key", ["? [a, b]\n: 1\n", "? {a: 1}\n: 1\n", "? !!set {a}\n: 1\n",
                                 "[a]: 1\n"])
def test_keys_that_are_no_names(tmp_path, key):
    assert "a key should be a name" in read_error(write(tmp_path, key))


def test_two_documents_in_one_file(tmp_path):
    assert read_error(write(tmp_path, "a: 1\n---\nb: 2\n")).endswith(
        "line 2: a second YAML document starts here; expected one document")


def test_a_file_that_is_no_mapping_is_not_quoted(tmp_path):
    secret = "root:x:0:0:root:/root:/bin/bash"
    study = write(tmp_path, secret + "\n", "study.yml")
    with pytest.raises(DataError) as info:
        load_study(study)
    assert str(info.value) == (f"{study}, line 1: the file should be a mapping with keys title, "
                               "files, sections (optional: short_title, summary, authors, year, doi, "
                               "publisher, url, bibtex_key, characteristics, item_themes, "
                               "theme_questions, added_theme_pages, nav, disclosure, privacy, team, "
                               "contact, qda); found text")


def test_input_files_elsewhere_are_refused_unread(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET: the content of a file outside the survey's folder\n")
    study = copy_survey(tmp_path)
    (study.parent / "linked.yaml").symlink_to(secret)
    for target in ("../secret.txt", str(secret), "linked.yaml", "sub/../../secret.txt"):
        edited(study, "study.yml", "instrument: instrument.yaml", f"instrument: {target!r}")
        error, text = problems(study)
        assert len(error.problems) == 1 and "is outside the folder of study.yml" in text, text
        assert "TOPSECRET" not in text


def test_an_input_that_is_a_folder(tmp_path):
    study = copy_survey(tmp_path)
    (study.parent / "sub").mkdir()
    edited(study, "study.yml", "themes: themes.yaml", "themes: sub")
    error, text = problems(study)
    assert text == f"{study.parent / 'sub'}: is a folder, not a file; expected the theme codebook (YAML)"


@pytest.mark.parametrize("name", ["study.yml", "instrument.yaml", "themes.yaml", "stated_figures.yaml",
                                  "responses.meta.yaml"])
def test_every_yaml_input_takes_a_bom_and_refuses_an_alias(tmp_path, name):
    study = copy_survey(tmp_path)
    path = study.parent / name
    path.write_bytes(b"\xef\xbb\xbf" + original(name).encode("utf-8"))
    from findings.load import load
    assert load(study).study.title == "Reading habits of allotment gardeners"
    path.write_text(original(name) + "\nextra: &x [1]\n", encoding="utf-8")
    error, text = problems(study)
    assert "anchors and aliases (&name, *name) are not allowed" in text


def test_a_large_but_acceptable_codebook_loads_in_seconds(tmp_path):
    options = "".join(f"      - {{label: 'Option {i}'}}\n" for i in range(20_000))
    text = original("instrument.yaml").replace(
        '      - {label: "One"}\n      - {label: "Two or more"}\n', options)
    path = write(tmp_path, text, "instrument.yaml")
    start = time.perf_counter()
    inst = load_instrument(path)
    assert len(inst.question("A1").options) == 20_001
    assert time.perf_counter() - start < 10
