"""The one YAML reader: lines of keys and entries, duplicate keys, syntax errors, schema problems."""
from __future__ import annotations

import pytest

from findings.errors import DataError
from findings.load import yamlfile
from findings.load.yamlfile import Schema, StrictBool, StrictInt, Text


class Item(Schema):
    name: Text
    size: StrictInt = 0
    flag: StrictBool = False


class File(Schema):
    title: str
    items: list[Item]


def doc(tmp_path, text):
    path = tmp_path / "f.yaml"
    path.write_text(text, encoding="utf-8")
    return yamlfile.read(path, "a test file")


def test_lines_of_keys_and_entries(tmp_path):
    d = doc(tmp_path, "title: T\nitems:\n  - name: a\n  - name: b\n    size: 3\n")
    assert d.line(("title",)) == 1 and d.line(("items", 1)) == 4 and d.line(("items", 1, "size")) == 5
    assert d.line(("items", 1, "nothing", "here")) == 4  # the nearest enclosing entry


def test_every_schema_problem_at_once_with_lines(tmp_path):
    d = doc(tmp_path, "title: T\nitems:\n  - name: ''\n    size: big\n  - {name: b, flag: 'yes', hue: 2}\n")
    with pytest.raises(DataError) as info:
        yamlfile.validate(d, File)
    f = tmp_path / "f.yaml"
    assert [str(p) for p in info.value.problems] == [
        f"{f}, line 3: items entry 1, name should be non-empty text; found ''",
        f"{f}, line 4: items entry 1, size should be a whole number; found 'big'",
        f"{f}, line 5: items entry 2, flag should be true or false; found 'yes'",
        f"{f}, line 5: items entry 2: unknown key 'hue'; allowed: name, size, flag",
    ]


def test_duplicate_keys_are_problems_not_silently_the_last(tmp_path):
    d = doc(tmp_path, "title: T\ntitle: U\nitems: []\n")
    with pytest.raises(DataError) as info:
        yamlfile.validate(d, File)
    assert str(info.value) == (f"{tmp_path / 'f.yaml'}, line 2: key 'title' is given twice in the "
                               "same mapping (first at line 1); give it once")


def test_syntax_error_and_missing_file(tmp_path):
    with pytest.raises(DataError, match=r"f.yaml, line 2: not valid YAML"):
        doc(tmp_path, "title: [T\nitems: []\n")
    with pytest.raises(DataError, match="nowhere.yaml: file not found; expected a test file"):
        yamlfile.read(tmp_path / "nowhere.yaml", "a test file")


def test_numbers_are_accepted_as_text(tmp_path):
    value = yamlfile.validate(doc(tmp_path, "title: 11\nitems: [{name: 7}]\n"), File)
    assert value.title == "11" and value.items[0].name == "7"
