"""Broken or hostile response files: each is refused with a message saying what the file looks like
and how to export the right one; junk is refused fast, with a capped report and bounded memory."""
from __future__ import annotations

import random
import time
import tracemalloc

import pytest

from findings.errors import MAX_PROBLEMS, DataError
from findings.load import responses
from findings.load.instrument import load_instrument
from findings.load.responses import EXPORT_HINT, load_responses, read_qualtrics

from .survey_copy import MINI, assert_safe_message

HEADER = "ResponseId,Progress,Finished,A1,A2,A3_1,A3_2,A4\n"
ROW = "R1,100,1,One,Yes,Very,Useless,Some words\n"


@pytest.fixture(scope="module")
def mini():
    return load_instrument(MINI / "instrument.yaml")


def refused(tmp_path, mini, data: bytes | str) -> DataError:
    path = tmp_path / "responses.csv"
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    with pytest.raises(DataError) as info:
        load_responses(path, mini)
    assert_safe_message(str(info.value))
    return info.value


def test_the_made_up_responses_load(mini):
    assert load_responses(MINI / "responses.csv", mini).respondents == 5


def test_a_header_without_responses(tmp_path, mini):
    assert str(refused(tmp_path, mini, HEADER)) == (
        f"{tmp_path / 'responses.csv'}: holds no responses: only the header row; expected one row per "
        "respondent after it")


@pytest.mark.parametrize("data", ["", "\n\n", ",,,\n,,\n", "\ufeff", "   \n"])
def test_an_empty_file(tmp_path, mini, data):
    assert str(refused(tmp_path, mini, data)).endswith(
        "the file is empty; expected a header row of column names, then one row per respondent")


@pytest.mark.parametrize("data, kind", [
    (b"PK\x03\x04\x14\x00\x06\x00rest of a workbook", "an Excel workbook (.xlsx)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "an old Excel workbook (.xls)"),
    (b"$FL2@(#) IBM SPSS STATISTICS", "an SPSS data file (.sav)"),
    (b"$FL3@(#) IBM SPSS STATISTICS", "an SPSS data file (.sav)"),
    (b'{"responses": [{"ResponseId": "R1"}]}', "JSON"),
    (b'  [{"ResponseId": "R1"}]\n', "JSON"),
    (b"<?xml version='1.0'?><Responses/>", "XML"),
    (b"<!DOCTYPE html><html><body>Sign in</body></html>", "a web page (HTML)"),
    (b"ResponseId\tProgress\tFinished\nR1\t100\t1\n", "tab-separated values"),
    (b"\x1f\x8b\x08\x00compressed", "a gzip-compressed file"),
    (b"%PDF-1.7 a report", "a PDF document"),
])
def test_a_file_that_is_no_csv_export_says_what_it_looks_like(tmp_path, mini, data, kind):
    text = str(refused(tmp_path, mini, data))
    assert text.startswith(f"{tmp_path / 'responses.csv'}: looks like {kind}")
    assert text.endswith(EXPORT_HINT) and "Data & Analysis → Export & Import → Export data → CSV" in text


def test_binary_junk(tmp_path, mini):
    text = str(refused(tmp_path, mini, bytes(range(256)) * 4))
    assert "holds a NUL byte (at byte offset 0): it looks like a binary file, not UTF-8 text" in text


def test_not_utf8_gives_line_and_byte_and_guesses_no_encoding(tmp_path, mini):
    data = (HEADER + ROW.replace("Some words", "caf\u00e9 au lait")).encode("cp1252")
    text = str(refused(tmp_path, mini, data))
    offset = data.index(b"\xe9")
    assert text == (f"{tmp_path / 'responses.csv'}, line 2: not UTF-8 text: byte 0xe9 at byte offset "
                    f"{offset} is not UTF-8 (invalid continuation byte); {EXPORT_HINT}, which is UTF-8")


def test_utf16_is_named(tmp_path, mini):
    assert "is UTF-16 text, not UTF-8" in str(refused(tmp_path, mini, (HEADER + ROW).encode("utf-16")))


def test_a_byte_order_mark_is_fine(tmp_path, mini):
    path = tmp_path / "responses.csv"
    path.write_bytes(b"\xef\xbb\xbf" + (HEADER + ROW).encode("utf-8"))
    assert load_responses(path, mini).respondents == 1


def test_an_overlong_cell_or_an_unclosed_quote(tmp_path, mini):
    text = str(refused(tmp_path, mini, HEADER + ROW.replace("Some words", "x" * 200_000)))
    assert "line 2: a cell is longer than 131,072 characters (or a quote is never closed)" in text
    text = str(refused(tmp_path, mini, HEADER + 'R1,100,1,One,Yes,Very,Useless,"never closed\n' + ROW * 30_000))
    assert "a cell is longer than 131,072 characters (or a quote is never closed)" in text


def test_an_overlong_line_and_too_many_columns(tmp_path, mini):
    text = str(refused(tmp_path, mini, HEADER + "x," * 2_000_000 + "\n"))
    assert "row 1 (line 2): has 2000001 fields but the header has 8" in text
    text = str(refused(tmp_path, mini, "c," * 30_000 + "\n1\n"))
    assert "the header has 30,001 columns, more than the 20,000 a survey export may have" in text


def test_ten_megabytes_of_junk_is_refused_in_seconds_with_a_capped_report(tmp_path, mini):
    rng = random.Random(7)
    junk = "".join(rng.choice('abc,"\n x;\t1\u00e9') for _ in range(10 * 2**20))
    path = tmp_path / "responses.csv"
    path.write_text(junk, encoding="utf-8")
    tracemalloc.start()
    start = time.perf_counter()
    try:
        with pytest.raises(DataError) as info:
            load_responses(path, mini)
        seconds = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    text = str(info.value)
    assert seconds < 5 and peak < 150 * 2**20, (seconds, peak)
    assert len(info.value.problems) <= MAX_PROBLEMS and len(text) < 10_000
    assert text.count("\n  - ") == 20 and "the checks stopped after" in text


def test_rows_of_junk_that_fit_the_header_are_capped_too(tmp_path, mini, monkeypatch):
    monkeypatch.setattr(responses, "MAX_ROWS", 1000)
    error = refused(tmp_path, mini, "x\n" + "y\n" * 5000)
    assert error.stopped and "line 1002: more than 1,000 rows of responses; the checks stopped there" in str(error)
    assert "column 'x' is not in the codebook" in str(error)


def test_values_from_the_file_are_quoted_short_and_escaped(tmp_path, mini):
    hostile = "\u202e<script>alert(1)</script>{{ 7*7 }}" + "x" * 100
    error = refused(tmp_path, mini, HEADER + ROW.replace("R1,100,1,One", f"R\u200b1,100,1,{hostile}"))
    text = str(error)
    assert "\u202e" not in text and "\u200b" not in text and "x" * 41 not in text
    assert "respondent 'R\\u200b1'), column A1: '\\u202e<script>alert(1)</script>{{ 7*7 }}xxxxx'… is " \
           "not an answer to question A1" in text


@pytest.mark.parametrize("value", ["1" * 5000, "1e400", "\u0661", "-99.000", "nan", "inf", "1_0"])
def test_odd_numbers_are_answers_or_problems_never_tracebacks(tmp_path, mini, value):
    path = tmp_path / "responses.csv"
    path.write_text(HEADER + ROW.replace(",One,", f",{value},").replace("R1,100,", f"R1,{value},"),
                    encoding="utf-8")
    try:
        load_responses(path, mini)
    except DataError as e:
        assert_safe_message(str(e))


def test_a_legacy_export_with_a_value_in_an_unnamed_column(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("ResponseId,Progress,\nR1,100,\nR2,100,oops\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_qualtrics(path)
    assert "line 1, column 3: a column has no name but row 2 (line 3) has a value in it" in str(info.value)
    path.write_text("ResponseId,Progress,\nR1,100,\nR2,100\n", encoding="utf-8")
    assert read_qualtrics(path).rows == (("R1", "100"), ("R2", "100"))
