"""Property-based tests of every loader entry point, through ``load()`` as the build calls it.

For each input of the made-up survey (tests/fixtures/mini_survey/, copied to a temporary folder),
one file is replaced by random bytes, random text, a truncation of the valid file, the valid file
with one value replaced by a hostile string (template syntax, HTML, a javascript: link, a path, bidi
and zero-width characters, NUL, a million characters), or the valid file in another encoding.

The property: loading succeeds or raises ``DataError``, never any other exception, and the error's
text is under 10,000 characters with no invisible or reordering character in it.

Deterministic (``derandomize=True``) and without a database, so CI runs the same examples every
time and nothing is written into the repository (Hypothesis's own cache goes to a temporary folder).
"""
from __future__ import annotations

import csv
import io
import json

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from findings.errors import DataError
from findings.load import load

from .survey_copy import INPUTS, MINI, assert_safe_message, copy_survey

FUZZ = settings(max_examples=100, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck), print_blob=False)
HOSTILE = [
    "{{ 7*7 }}", "{% for x in range(9) %}x{% endfor %}", "{#", "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>", "javascript:alert(1)", "data:text/html,<b>x</b>",
    "../../etc/passwd", "/etc/passwd", "C:\\Windows\\win.ini", "\u202eevil\u202c", "zero\u200bwidth",
    "nul\x00byte", "esc\x1b[31m", "line\nbreak", "tab\there", "\ufeffbom", "'\"`", "&a *a", "!!python/object:os.system",
    "- [unclosed", "key: value", "%YAML 1.1", "10.1101/(x)", "https://exa mple.org", "P" + "9" * 5000,
    "9" * 5000, "2024-13-45", "", " ", "x" * 1_000_000,
]
ORIGINAL = {name: (MINI / name).read_bytes() for name in INPUTS}


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    return copy_survey(tmp_path_factory.mktemp("fuzz"))


def check(study, name: str, data: bytes) -> None:
    """The property, with ``name`` replaced by ``data`` (restored afterwards)."""
    path = study.parent / name
    path.write_bytes(data)
    try:
        load(study)
    except DataError as error:
        assert_safe_message(str(error))
    finally:
        path.write_bytes(ORIGINAL[name])


def scalar_spans(name: str) -> list[tuple[int, int]]:
    """Where the values (and keys) of an input are in its text: (start, end) character offsets."""
    text = ORIGINAL[name].decode("utf-8")
    if name.endswith(".csv"):
        spans, offset = [], 0
        for line in text.splitlines(keepends=True):
            for cell in line.rstrip("\n").split(","):
                spans.append((offset, offset + len(cell)))
                offset += len(cell) + 1
        return spans
    spans, stack = [], [yaml.compose(text, Loader=yaml.SafeLoader)]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            spans.append((node.start_mark.index, node.end_mark.index))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        else:
            stack.extend(n for pair in node.value for n in pair)
    return sorted(spans)


SPANS = {name: scalar_spans(name) for name in INPUTS}


def quoted(name: str, value: str) -> str:
    if name.endswith(".csv"):
        out = io.StringIO()
        csv.writer(out, lineterminator="").writerow([value])
        return out.getvalue()
    return json.dumps(value)  # a double-quoted YAML scalar


def replaced(name: str, span: tuple[int, int], value: str, quote: bool) -> bytes:
    text = ORIGINAL[name].decode("utf-8")
    start, end = span
    return (text[:start] + (quoted(name, value) if quote else value) + text[end:]).encode(
        "utf-8", "surrogatepass")


names = pytest.mark.parametrize("name", INPUTS)
hostile = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=60))


@names
@FUZZ
@given(data=st.binary(max_size=4096))
def test_random_bytes(study, name, data):
    check(study, name, data)


@names
@FUZZ
@given(text=st.text(max_size=2000))
def test_random_text(study, name, text):
    check(study, name, text.encode("utf-8", "surrogatepass"))


@names
@FUZZ
@given(cut=st.floats(0, 1))
def test_every_truncation(study, name, cut):
    data = ORIGINAL[name]
    check(study, name, data[:int(len(data) * cut)])


@names
@FUZZ
@given(data=st.data(), value=hostile, quote=st.booleans())
def test_one_value_replaced_by_a_hostile_string(study, name, data, value, quote):
    span = data.draw(st.sampled_from(SPANS[name]), label="span")
    check(study, name, replaced(name, span, value, quote))


@names
@FUZZ
@given(data=st.data(), encoding=st.sampled_from(["utf-16", "utf-16-le", "utf-32", "latin-1", "cp1252"]),
       value=st.sampled_from(["café – ‘quoted’ ☃", "naïve", "plain"]))
def test_another_encoding(study, name, data, encoding, value):
    span = data.draw(st.sampled_from(SPANS[name]), label="span")
    text = replaced(name, span, value, quote=True).decode("utf-8")
    check(study, name, text.encode(encoding, "replace"))


@names
@pytest.mark.parametrize("quote", [True, False])
def test_a_million_characters_in_the_first_and_the_last_value(study, name, quote):
    for span in (SPANS[name][0], SPANS[name][-1]):
        check(study, name, replaced(name, span, "x" * 1_000_000, quote))
        check(study, name, replaced(name, span, "\u202e" * 1_000_000, quote))


def test_the_copies_load(study):
    assert load(study).responses.respondents == 5
