"""The respondent-level survey data: reading a survey export, and checking it against the codebook.

- ``load_responses(path, instrument, meta_path) -> Responses`` reads the export and checks its
  columns and every value against the instrument codebook; one ``DataError`` lists every problem
  (the first ``MAX_PROBLEMS`` of them in row order, each naming row, file line, respondent and
  column).
- ``read_qualtrics(path) -> RawExport`` reads an export without a codebook (small files: the cells
  are returned as text).

**Layouts read.** The current Qualtrics export (three header rows: short names, question texts,
``{"ImportId": ...}``), a CSV with one header row (our reconstructed ``data/responses.csv``, or an
export that went through R or a spreadsheet: an unnamed row-number first column is dropped, mangled
metadata names such as ``Duration..in.seconds.`` or ``Response ID`` are recognised, ``TRUE``/``FALSE``
and, in R's files, ``NA`` are read), and the legacy layout (byte-order mark, ``V1..V10`` plus a row
of labels, a trailing comma on every line).

**Columns.** With the ImportId row, a codebook column is matched on its ``import_ids`` entry when the
codebook gives one, else on its name, so short names that repeat in the export (``other``) are fine
when their ImportIds tell them apart; without it, on names. Qualtrics metadata (kept: ``ResponseId``,
``Progress``, ``Finished``; IP address, location, names and e-mail addresses never leave this
module), Qualtrics' quality and panel columns (``Q_RecaptchaScore``, ``Q_RelevantID...``) and the
codebook's ``ignore:`` columns are dropped with one notice (``Responses.notices``: names, never
values). Any other column is refused, all of them in one problem.

**Values** (the responses contract, see ``Responses``): choice labels as the codebook spells them
(also after collapsing white space and dropping HTML tags and entities), or the codes the codebook
states (``code:``; a numeric export read against options with only positional codes is refused per
question); multi-select cells split against the option list (labels may hold commas), or one 0/1
column per option; numbers; text. ``-99`` (seen, not answered) and ``-1`` are never answers, except
that ``-1`` is the option whose stated code is -1 when that option is nonsubstantive.

**How.** The file's bytes are checked in chunks (UTF-8, no NUL) in a thread beside the parse; the
header rows are read with the csv module, the rows with pyarrow's CSV reader (C++, on every core),
every answer column dictionary-encoded: codes into its distinct values. Every check is made once per
distinct value and spread over the rows with numpy (no loop over cells). Free-text and "please
specify" columns stay Arrow text: only whether each respondent wrote something is computed (with
Arrow's string kernels, whose white space is Python's), no Python string per cell. A row whose
number of fields does not fit the header, a cell longer than the csv module's limit or any parser
failure sends the file to the csv module, row by row, for the report; line numbers come from the
record numbers when the file's line breaks are all between records (counted when a report needs
them), else from the csv module.

A file that is no CSV export (an Excel workbook, an SPSS file, JSON, a PDF, tab-separated text,
binary junk, text that is not UTF-8) is refused with what it looks like and how to export the right
one. Files up to ``MAX_BYTES`` and ``MAX_ROWS`` respondents are read.
"""
from __future__ import annotations

import csv
import html
import io
import json
import os
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from collections import Counter
from itertools import repeat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import numpy as np
import pandas as pd

from ..errors import MAX_PROBLEMS, DataError, Problem, ProblemList, listing, name, shown
from . import files, yamlfile
from .yamlfile import Column, Schema, StrictBool

ID_COLUMN = "ResponseId"
KEPT_METADATA = ("ResponseId", "Progress", "Finished")
# Qualtrics metadata (current and legacy names). All but KEPT_METADATA are dropped at load time.
METADATA_COLUMNS = frozenset({
    "StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)", "Finished",
    "RecordedDate", "ResponseId", "RecipientLastName", "RecipientFirstName", "RecipientEmail",
    "ExternalReference", "ExternalDataReference", "LocationLatitude", "LocationLongitude",
    "LocationAccuracy", "DistributionChannel", "UserLanguage",
    # legacy layout (before 2018): the labels of V1..V10
    "ResponseID", "ResponseSet", "Name", "EmailAddress",
})
LEGACY_RENAMES = {"ResponseID": "ResponseId", "ExternalDataReference": "ExternalReference"}
# Qualtrics' quality, fraud and panel columns (Q_RecaptchaScore, Q_RelevantIDDuplicate,
# Q_TotalDuration, Q_BallotBoxStuffing, Q_URL, Q_Language ...): dropped with the notice
QUALITY_COLUMN = re.compile(r"Q_[A-Za-z][A-Za-z0-9_]*\Z")
# the first column of a file written by R's write.csv or pandas' to_csv: row numbers, no real name
ROW_NUMBER_NAMES = ("", "X", "...1", "Unnamed: 0")
SEEN_UNANSWERED = -99  # numeric exports: a question shown but not answered
NOT_APPLICABLE = -1  # Qualtrics' code of "not applicable" (a nonsubstantive option may state it)
TRUE_VALUES = {"1", "true", "TRUE", "True"}
FALSE_VALUES = {"0", "false", "FALSE", "False"}


def _metadata_key(column: str) -> str:
    """A metadata name as R, a spreadsheet or another tool may have spelled it, made comparable:
    ``Duration..in.seconds.``, ``Duration (in seconds)`` and ``duration_in_seconds`` all give
    ``durationinseconds``."""
    return re.sub(r"[^0-9a-z]", "", column.lower())


METADATA_BY_KEY = {_metadata_key(c): LEGACY_RENAMES.get(c, c) for c in METADATA_COLUMNS}


@dataclass(frozen=True)
class RawExport:
    """A CSV as read, before any codebook check. Metadata other than KEPT_METADATA is gone."""

    file: str  # the path as shown in messages
    layout: str  # "qualtrics" (three header rows), "single-header" or "legacy"
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]  # data rows, cells as text, aligned with columns
    lines: tuple[int, ...]  # the file line each data row starts on
    dropped: tuple[str, ...]  # names of the columns dropped (names only, never values)
    import_ids: tuple[str | None, ...] = ()  # the ImportId of each column (three-header layout)


@dataclass(frozen=True)
class ResponsesMeta:
    """What the site says about the data: reconstructed or real, and what was not reconstructed."""

    reconstructed: bool
    title: str
    note: str
    source: str
    not_reconstructed_columns: tuple[str, ...] = ()
    generator: dict = field(default_factory=dict)  # {script, seed} for reconstructed data
    conflicts: tuple[dict, ...] = ()  # {figure, decision}: stated figures that could not all be met


@dataclass(frozen=True)
class Responses:
    """One row per respondent (index: respondent id), one column per codebook column.

    ``progress`` (float, 0-100) and ``finished`` (bool) come first. Then, by the column's question:
    single choice, yes/no and matrix items: the option label (str) or NaN; multi-select in one
    column: a tuple of the chosen labels in option order, or NaN; multi-select with one column per
    option: 1.0 chosen, 0.0 shown and not chosen, NaN not answered; number: float or NaN; free text
    and "please specify" text: the text or NaN.

    Storage: labels and tuples are pandas categoricals (categories: the answers given, in the
    codebook's order; one byte a respondent), numbers float64, text pandas' ``str`` dtype kept in
    Arrow (NaN where nothing was written).

    ``notices``: what the build should tell the team without refusing anything (the columns dropped
    on purpose), one line each.
    """

    data: pd.DataFrame
    meta: ResponsesMeta
    notices: tuple[str, ...] = ()

    @property
    def respondents(self) -> int:
        return len(self.data)


# --------------------------------------------------------------------------- what the file is

MAX_BYTES = 2 * 1024 * files.MB  # a responses file larger than this is refused unread
MAX_ROWS = 1_000_000  # respondents
MAX_COLUMNS = 20_000
MAX_LINE_BYTES = 64 * files.MB  # a header line longer than this is no export
HEAD_BYTES = 64 * 1024  # what is read to tell what kind of file it is
JSON_WHOLE = 32 * files.MB  # a file that starts like JSON is parsed whole up to this size
WHAT = "the survey responses as a Qualtrics CSV export"
EXPORT_HINT = ("export the responses from Qualtrics as CSV (Data & Analysis → Export & Import → "
               "Export data → CSV)")
FIX = f"{EXPORT_HINT}, which is UTF-8"
# what a file that is not a CSV text looks like, from its first bytes
MAGIC = (
    (b"PK\x03\x04", "an Excel workbook (.xlsx) or another zip archive"),
    (b"\xd0\xcf\x11\xe0", "an old Excel workbook (.xls) or another Microsoft Office file"),
    (b"$FL2", "an SPSS data file (.sav)"),
    (b"$FL3", "an SPSS data file (.sav)"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"%PDF", "a PDF document"),
)
JSON_START = re.compile(r"\s*(?:\[\s*)*\{\s*\"")


def _looks_like(text: str, whole: bool = True) -> str | None:
    """What a decoded text that is no CSV export looks like (None when it may be one). ``whole``:
    ``text`` is the whole file (a JSON document is then parsed to be sure), else its first bytes."""
    start = text.lstrip()[:200].lower()
    if start[:1] in ("{", "["):
        if not whole:
            if JSON_START.match(text):
                return "JSON, not CSV"
        else:
            try:
                json.loads(text)
            except (ValueError, RecursionError):
                pass
            else:
                return "JSON, not CSV"
    if start.startswith("<?xml"):
        return "XML, not CSV"
    if start.startswith(("<!doctype html", "<html")):
        return "a web page (HTML), not CSV"
    first = text.lstrip().split("\n", 1)[0]
    if "\t" in first and "," not in first:
        return "tab-separated values, not comma-separated"
    return None


class _Scan:
    """The byte scan of a file (UTF-8, no NUL byte: ``files.scan_text``), run in a thread beside the
    reading of the rows (the parser works outside Python's lock). ``result()`` waits for it and
    raises its DataError, so its problem is reported before any other, as when it ran first."""

    def __init__(self, path: Path | str, file: str):
        self._outcome: files.TextScan | BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(path, file), daemon=True)
        self._thread.start()

    def _run(self, path: Path | str, file: str) -> None:
        try:
            self._outcome = files.scan_text(path, file, WHAT, FIX)
        except BaseException as e:  # noqa: BLE001 - handed to the thread that waits
            self._outcome = e

    def result(self) -> files.TextScan:
        self._thread.join()
        if isinstance(self._outcome, BaseException):
            raise self._outcome
        return self._outcome

    def first(self, error: BaseException) -> None:
        """Raise the scan's problem if it has one, else ``error``."""
        self.result()
        raise error


def _refuse_if_not_csv(path: Path | str, file: str, size: int) -> _Scan:
    """DataError when the file is no CSV text (what it looks like, how to export a CSV); else the
    byte scan, under way."""
    head = files.read_head(path, file, WHAT, HEAD_BYTES)
    for magic, kind in MAGIC:
        if head.startswith(magic):
            raise DataError(Problem(file, None, f"looks like {kind}, not a CSV file; {EXPORT_HINT}"))
    scan = _Scan(path, file)
    whole = size <= JSON_WHOLE and head.lstrip()[:1] in (b"{", b"[")
    try:
        text = (files.read_bytes(path, WHAT, JSON_WHOLE)[1] if whole else head).decode("utf-8-sig", "ignore")
        kind = _looks_like(text, whole)
    except DataError as e:
        scan.first(e)
    if kind:
        scan.first(DataError(Problem(file, None, f"looks like {kind}; {EXPORT_HINT}")))
    return scan


# --------------------------------------------------------------------------- records (csv module)

def _record_iter(lines: Iterable[str], file: str, start: int = 1) -> Iterator[tuple[int, list[str]]]:
    """(starting line, cells) of every CSV record with a value; DataError when the CSV cannot be
    parsed (a cell longer than the csv module's field limit included)."""
    reader = csv.reader(lines)
    first = start
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            if "field limit" in str(e):
                message = (f"a cell is longer than {csv.field_size_limit():,} characters (or a quote "
                           "is never closed); expected comma-separated values as Qualtrics exports them")
                raise DataError(Problem(file, f"line {first}", message)) from None
            raise DataError(Problem(file, f"line {start - 1 + reader.line_num}",
                                    f"not a readable CSV file ({str(e)[:80]}); expected comma-separated "
                                    "values as Qualtrics exports them")) from None
        if any(c.strip() for c in cells):
            yield first, cells
        first = start + reader.line_num


def _records(text: str, file: str) -> Iterator[tuple[int, list[str]]]:
    """``_record_iter`` over a text held whole."""
    return _record_iter(io.StringIO(text, newline=""), file)


def _is_import_row(cells: list[str]) -> bool:
    return bool(cells) and all(c.strip().startswith('{"ImportId"') for c in cells if c.strip())


def import_key(cell: str) -> str | None:
    """The ImportId of a header cell as one key: ``{"ImportId":"QID62_4"}`` gives ``QID62_4``, and a
    multi-select option column of the older form ``{"ImportId":"QID20","choiceId":"3"}`` gives
    ``QID20_3``; None when the cell holds none."""
    try:
        value = json.loads(cell)
    except (ValueError, RecursionError):
        return None
    if not isinstance(value, dict) or not isinstance(value.get("ImportId"), str) or not value["ImportId"]:
        return None
    choice = value.get("choiceId")
    if isinstance(choice, (str, int)) and not isinstance(choice, bool) and str(choice):
        return f"{value['ImportId']}_{choice}"
    return value["ImportId"]


# --------------------------------------------------------------------------- the header rows

@dataclass
class _Header:
    """An export's header rows, read; the data rows start at ``offset``."""

    file: str
    path: Path
    layout: str  # "qualtrics", "single-header" or "legacy"
    names: list[str]  # every column's name, stripped (trailing columns without a name included)
    named: int  # columns up to the last one with a name
    keys: list[str | None]  # the ImportId of each column (three-header layout), else None
    line: int  # the line of the names row
    offset: int  # byte offset of the first data row
    data_line: int  # the line the data rows start on
    first_fields: int = 0  # fields of the first data row (a parser would build that many columns)

    @property
    def where(self) -> str:
        return "header" if self.layout == "single-header" else "header rows"


class _WideLine(Exception):
    """A line with more commas than a header of MAX_COLUMNS columns could hold (not parsed: its
    cells alone could fill the memory)."""


WIDE_LINE = 4 * MAX_COLUMNS  # commas (some may be inside quoted question texts)


def _header_lines(f, file: str, ends: list[int]) -> Iterator[str]:
    """The lines of an open binary file as text; after each, its end (byte offset) goes to ``ends``.
    ``_WideLine`` before a line with more than ``WIDE_LINE`` commas."""
    pos = 0
    while True:
        raw = f.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        if len(raw) > MAX_LINE_BYTES:
            raise DataError(Problem(file, f"line {len(ends) + 1}", f"a line longer than "
                                    f"{MAX_LINE_BYTES // files.MB} MB; expected a header row of column "
                                    f"names; {EXPORT_HINT}"))
        if raw.count(b",") > WIDE_LINE:
            raise _WideLine()
        pos += len(raw)
        ends.append(pos)
        yield raw.decode("utf-8-sig" if pos == len(raw) else "utf-8")


def _read_header(path: Path | str, file: str) -> _Header:
    ends: list[int] = []
    head = []  # (line, cells, lines read when the record was complete)
    wide = False  # a line too wide to parse came after the header rows read
    with open(path, "rb") as f:
        try:
            for line, cells in _record_iter(_header_lines(f, file, ends), file):
                head.append((line, cells, len(ends)))
                if len(head) == 4:
                    break
        except _WideLine:
            if not head:
                raise DataError(Problem(file, f"line {len(ends) + 1}", f"the header has more than "
                                        f"{WIDE_LINE:,} commas, more than the {MAX_COLUMNS:,} columns a "
                                        f"survey export may have; {EXPORT_HINT}")) from None
            wide = True
    if not head:
        raise DataError(Problem(file, None, "the file is empty; expected a header row of column "
                                            "names, then one row per respondent"))
    header_line = head[0][0]
    names = [c.strip() for c in head[0][1]]
    if len(names) > MAX_COLUMNS:
        raise DataError(Problem(file, f"line {header_line}", f"the header has {len(names):,} columns, "
                                f"more than the {MAX_COLUMNS:,} a survey export may have; {EXPORT_HINT}"))
    keys: list[str | None] = [None] * len(names)
    if names and names[0] == "V1" and len(head) > 1 and head[1][1][:1] == ["ResponseID"]:
        layout, rows = "legacy", 2
        labels = head[1][1]
        names = [labels[i].strip() if re.fullmatch(r"V[0-9]+", col) and i < len(labels) else col
                 for i, col in enumerate(names)]
        names = [LEGACY_RENAMES.get(col, col) for col in names]
    elif len(head) > 2 and _is_import_row(head[2][1]):
        layout, rows = "qualtrics", 3
        keys = [import_key(c) for c in head[2][1][:len(names)]]
        keys += [None] * (len(names) - len(keys))
    else:
        layout, rows = "single-header", 1
    read = head[rows - 1][2] if len(head) >= rows else head[-1][2]
    named = len(names)
    while named and names[named - 1] == "":  # a trailing comma on every line
        named -= 1
    return _Header(file=file, path=Path(path), layout=layout, names=names, named=named, keys=keys,
                   line=header_line, offset=ends[read - 1], data_line=read + 1,
                   first_fields=(len(head[rows][1]) if len(head) > rows
                                 else WIDE_LINE + 1 if wide and len(head) == rows else 0))


def _header_problems(header: _Header, structure: ProblemList, skip_first: bool) -> None:
    """Columns without a name, and names that appear twice (in a Qualtrics export with the ImportId
    row, only when their ImportIds do not tell them apart)."""
    seen: dict[tuple, int] = {}
    for pos, col in enumerate(header.names[:header.named], start=1):
        key = (col, header.keys[pos - 1]) if header.keys[pos - 1] else (col,)
        if not col:
            if not (pos == 1 and skip_first):
                structure.append(Problem(header.file, f"line {header.line}, column {pos}",
                                         "a column has no name; every column needs its export name"))
        elif key in seen:
            structure.append(Problem(header.file, f"line {header.line}, column {pos}",
                                     f"column name {shown(col)} appears twice (columns {seen[key]} and "
                                     f"{pos}); each column needs its own name (give the questions unique "
                                     "export tags in Qualtrics)"))
        else:
            seen[key] = pos


# --------------------------------------------------------------------------- the data rows

def _small_codes(codes: np.ndarray, n: int) -> np.ndarray:
    """Codes into ``n`` distinct values in the smallest integer type that holds them."""
    dtype = np.int8 if n < 2**7 else np.int16 if n < 2**15 else np.int32
    return codes.astype(dtype, copy=False)


@dataclass
class _Cells:
    """What a column's cells hold, for the checks of the file's structure."""

    filled: np.ndarray  # bool per record: not white space only
    newlines: int  # line breaks inside the column's cells
    longest: int  # characters of its longest cell
    stripped: Any = None  # Arrow text columns: the cells without their white space

    @classmethod
    def of(cls, codes: np.ndarray, values: np.ndarray) -> "_Cells":
        """A column as codes into its distinct values: each distinct value looked at once."""
        n = len(values)  # map() over str methods: a loop in C, no Python frame per value
        blank = (values == "") | np.fromiter(map(str.isspace, values), bool, n)
        newlines = np.fromiter(map(str.count, values, repeat("\n")), np.int64, n)
        counts = np.bincount(codes, minlength=n) if newlines.any() else newlines
        return cls(~blank[codes], int(counts @ newlines), max(map(len, values), default=0))

    @classmethod
    def of_text(cls, cells) -> "_Cells":
        """A column as Arrow text (free text: mostly distinct), with Arrow's string kernels; their
        white space is Python's (str.isspace, str.strip), code point for code point."""
        import pyarrow.compute as pc

        def total(counts) -> int:
            return int(pc.sum(counts).as_py() or 0)
        stripped = pc.utf8_trim_whitespace(cells)
        filled = pc.greater(pc.utf8_length(stripped), 0)
        return cls(_numpy(filled, bool), total(pc.count_substring(cells, "\n")),
                   int(pc.max(pc.utf8_length(cells)).as_py() or 0), stripped)


def _numpy(array, dtype) -> np.ndarray:
    """An Arrow array (chunked or not, no nulls) as a numpy array."""
    return np.asarray(array.to_numpy(zero_copy_only=False) if hasattr(array, "to_numpy") else array,
                      dtype=dtype)


@dataclass
class _Table:
    """The data rows of an export: the kept columns as codes into their distinct values, and the
    text columns (free text, "please specify") as Arrow text, never one Python string per cell."""

    header: _Header
    columns: dict[int, tuple[np.ndarray, np.ndarray]]  # position -> (code per record, distinct values)
    records: int  # records read (rows of white space included)
    rows: np.ndarray  # the records that hold a value: respondents, in file order
    stopped: bool  # more than MAX_ROWS respondents: only the first are kept
    scan: files.TextScan
    # line = data line + record number (no line break inside a cell, no blank line); None: not yet
    # known (the line breaks of the file are counted the first time a line is asked for)
    exact_lines: bool | None
    _lines: list[int] | None = None  # the line each respondent's row starts on, when read row by row
    stopped_at: int | None = None
    texts: dict = field(default_factory=dict)  # position -> (Arrow text, stripped) of every record

    def column(self, pos: int) -> tuple[np.ndarray, np.ndarray]:
        """(code per respondent, distinct values) of the column at ``pos``."""
        codes, values = self.columns[pos]
        return (codes if len(self.rows) == len(codes) else codes[self.rows]), values

    def text(self, pos: int) -> tuple:
        """The Arrow text of the column at ``pos``, one cell per respondent, and the same stripped."""
        return tuple(cells if len(self.rows) == len(cells) else cells.take(self.rows)
                     for cells in self.texts[pos])

    def lines(self, rows: Iterable[int]) -> list[int]:
        """The lines the given respondents' rows (0-based, in file order) start on."""
        rows = list(rows)
        if not rows:
            return []
        if self.exact_lines is None:
            self.exact_lines = self._data_newlines() == self.records - (0 if self.scan.ends_with_newline else 1)
        if self.exact_lines:
            return [self.header.data_line + int(self.rows[r]) for r in rows]
        if self._lines is None or len(self._lines) <= max(rows):
            self.read_rows(None, need=max(rows) + 1)
        return [self._lines[r] for r in rows]

    def _data_newlines(self) -> int:
        """Line breaks in the file after the header rows."""
        count = 0
        with open(self.header.path, "rb") as f:
            f.seek(self.header.offset)
            while chunk := f.read(files.MB):
                count += chunk.count(b"\n")
        return count

    def read_rows(self, structure: ProblemList | None, need: int | None = None) -> None:
        """Read the data rows again with the csv module, one by one: the line of each and, given
        ``structure``, a problem for each row whose number of fields does not fit the header (until
        ``structure`` is full) and for a value in a column without a name."""
        lines: list[int] = []
        with open(self.header.path, "rb") as f:
            f.seek(self.header.offset)
            text = io.TextIOWrapper(f, encoding="utf-8", newline="")
            try:
                self._read_rows(text, structure, need, lines)
            finally:
                text.detach()  # the file is closed by its own with
        self._lines = lines

    def _read_rows(self, text, structure: ProblemList | None, need: int | None, lines: list[int]) -> None:
        header, width = self.header, len(self.header.names)
        unnamed_reported = False
        for n, (line, cells) in enumerate(_record_iter(text, header.file, header.data_line), start=1):
            if n > MAX_ROWS:
                self.stopped_at = line
                return
            lines.append(line)
            if need is not None and n >= need:
                return
            if structure is None:
                continue
            if structure.full:
                structure.stop()
                return
            if not header.named <= len(cells) <= width:
                structure.append(Problem(header.file, f"row {n} (line {line})",
                                         f"has {len(cells)} fields but the header has {header.named}"))
            elif not unnamed_reported and any(c.strip() for c in cells[header.named:]):
                structure.append(Problem(header.file, f"line {header.line}, column {header.named + 1}",
                                         f"a column has no name but row {n} (line {line}) has a value "
                                         "in it; every column needs its export name"))
                unnamed_reported = True

    def too_many_rows(self) -> Problem:
        if self.stopped_at is None:
            self.read_rows(None)
        return Problem(self.header.file, f"line {self.stopped_at}", f"more than {MAX_ROWS:,} rows of "
                       "responses; the checks stopped there")


ARROW_BLOCK = 16 * files.MB  # bytes parsed at a time; a longer record is left to the csv module


def _parse(header: _Header, coded: set[int]):
    """The data rows parsed by pyarrow's CSV reader (its C++ parser, on every core): every cell as
    text, the columns at ``coded`` dictionary-encoded (codes into their distinct values). Rows whose
    number of fields does not fit the header are left out: (table, rows left out, whether every
    one of them had fields for all the named columns and no more than the header).

    The parser first splits the file at line breaks, which is fastest; a line break inside a
    quoted cell at one of its splits stops it (pyarrow checks), and the file is parsed again
    with cells allowed to span lines."""
    import pyarrow as pa

    types = {f"c{pos}": pa.dictionary(pa.int32(), pa.string()) if pos in coded else pa.string()
             for pos in range(len(header.names))}
    with pa.OSFile(str(header.path)) as source:
        source.seek(header.offset)
        if not source.read(HEAD_BYTES).strip():  # no data rows (blank lines at most): nothing to parse
            return pa.table({n: pa.array([], t) for n, t in types.items()}), 0, True
    try:
        return _arrow_csv(header, types, multiline=False)
    except pa.ArrowInvalid:
        return _arrow_csv(header, types, multiline=True)


def _arrow_csv(header: _Header, types: dict, multiline: bool):
    import pyarrow as pa
    from pyarrow import csv as arrow_csv

    left_out = []

    def leave_out(row) -> str:
        left_out.append(header.named <= row.actual_columns <= len(types))
        return "skip"
    with pa.OSFile(str(header.path)) as source:
        source.seek(header.offset)
        table = arrow_csv.read_csv(
            source,
            read_options=arrow_csv.ReadOptions(column_names=list(types), block_size=ARROW_BLOCK),
            parse_options=arrow_csv.ParseOptions(newlines_in_values=multiline, invalid_row_handler=leave_out),
            convert_options=arrow_csv.ConvertOptions(column_types=types, strings_can_be_null=False,
                                                     quoted_strings_can_be_null=False, check_utf8=False))
    return table, len(left_out), all(left_out)


def _parse_padded(header: _Header, coded: set[int]):
    """The data rows read by the csv module, each padded to the header's width: for an export
    whose rows may leave off trailing columns without a name (a legacy export's last comma)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    width = len(header.names)
    with open(header.path, "rb") as f:
        f.seek(header.offset)
        text = io.TextIOWrapper(f, encoding="utf-8", newline="")
        try:
            rows = [(cells + [""] * width)[:width] for _, cells in _record_iter(text, header.file, header.data_line)]
        finally:
            text.detach()
    columns = {f"c{pos}": pa.array([row[pos] for row in rows], pa.string()) for pos in range(width)}
    return pa.table({n: pc.dictionary_encode(a) if pos in coded else a
                     for pos, (n, a) in enumerate(columns.items())})


def _coded(column) -> tuple[np.ndarray, np.ndarray]:
    """A dictionary-encoded Arrow column as (code per record, distinct values)."""
    import pyarrow as pa

    column = column.unify_dictionaries()
    if not column.num_chunks:
        return np.zeros(0, np.int8), np.array([], dtype=object)
    values = _numpy(column.chunk(0).dictionary, object)
    codes = _numpy(pa.chunked_array([c.indices for c in column.chunks], pa.int32()), np.int32)
    return _small_codes(codes, len(values)), values


def _unclosed_quote(header: _Header, last_cell: str) -> bool:
    """Whether the file ends inside a quoted cell (a quote opened and never closed): the parser
    then took the rest of the file into the last cell of the last row, so the file ends with a
    quote and that cell's text, its quotes doubled, and no closing quote."""
    tail = b'"' + last_cell.replace('"', '""').encode("utf-8")
    with open(header.path, "rb") as f:
        f.seek(0, io.SEEK_END)
        size = f.tell()
        if size - header.offset < len(tail):
            return False
        f.seek(size - len(tail))
        return f.read() == tail


def _read_column(job) -> tuple:
    """One parsed column: (codes and distinct values, or None; the Arrow text, or None; its cells)."""
    array, coded = job
    if coded:
        codes = _coded(array)
        return codes, None, _Cells.of(*codes)
    return None, array, _Cells.of_text(array)


def _read_table(header: _Header, scan: _Scan, keep: set[int], structure: ProblemList,
                text: frozenset[int] = frozenset()) -> _Table:
    """Read the data rows, keeping the columns at ``keep`` (those at ``text`` as Arrow text); rows
    whose fields do not fit the header (and the other problems of the file's structure) go to
    ``structure``."""
    width = len(header.names)
    newlines = longest = records = left_out = 0
    unnamed_value = False
    error: str | None = None
    columns = {pos: (np.zeros(0, np.int8), np.array([], dtype=object)) for pos in keep}
    texts: dict = {}
    nonblank = np.zeros(0, bool)
    try:
        if header.first_fields > width:  # the parser would first build every one of its columns
            raise ValueError(f"the first row has {header.first_fields} fields")
        parsed, left_out, short = _parse(header, keep - text)
        if left_out and short:  # rows that leave off unnamed trailing columns: no problem, padded
            parsed = _parse_padded(header, keep - text)
        records = parsed.num_rows
        if records and _unclosed_quote(header, parsed.column(width - 1)[-1].as_py()):
            raise ValueError("a quote that opens a cell is never closed: EOF inside string")
        nonblank = np.zeros(records, bool)
        jobs = [(array, pos in keep and pos not in text) for pos, array in enumerate(parsed.columns)]
        del parsed
        # Arrow's kernels and most of numpy's work outside Python's lock: the columns on every core
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            read = pool.map(_read_column, jobs)
            del jobs  # each column's memory goes once it is read
            for pos, (coded, raw, cells) in enumerate(read):
                if coded is not None:
                    columns[pos] = coded
                elif pos in keep:
                    texts[pos] = (raw, cells.stripped)
                nonblank |= cells.filled
                unnamed_value = unnamed_value or (pos >= header.named and bool(cells.filled.any()))
                newlines += cells.newlines
                longest = max(longest, cells.longest)
    except Exception as e:  # noqa: BLE001 - any parser failure: the csv module says what is wrong
        error = " ".join(str(e).split())
        columns = {pos: (np.zeros(0, np.int8), np.array([], dtype=object)) for pos in keep}
        texts, nonblank, records = {}, np.zeros(0, bool), 0
    rows = np.flatnonzero(nonblank)
    table = _Table(header, columns, records, rows[:MAX_ROWS], len(rows) > MAX_ROWS, scan.result(),
                   exact_lines=None, texts=texts)
    # every record the parser kept has a field for each column (it leaves out the others)
    fits = (error is None and not left_out and not table.stopped and not unnamed_value
            and longest <= csv.field_size_limit())
    if not fits:
        table.read_rows(structure)
        if error is not None and not structure:
            structure.append(Problem(header.file, None, f"not a readable CSV file ({error[:80]}); expected "
                                     "comma-separated values as Qualtrics exports them"))
    if not fits or newlines:
        table.exact_lines = False
    if error is None and not len(rows) and not left_out:
        structure.append(Problem(header.file, None, "holds no responses: only the header row"
                                 f"{'' if header.layout == 'single-header' else 's'}; expected one row "
                                 "per respondent after it"))
    if table.stopped and table.stopped_at is None:
        table.read_rows(None)
    return table


# --------------------------------------------------------------------------- matching the columns

@dataclass
class _Match:
    """Which export column is which: codebook columns, kept metadata, dropped, unknown."""

    columns: dict[str, int]  # codebook column -> its position in the export
    metadata: dict[str, int]  # ResponseId / Progress / Finished -> position
    dropped: dict[str, list[str]]  # why -> export names
    problems: list[Problem]
    row_numbers: bool  # the first column has no name: row numbers (from R, a spreadsheet), once checked
    r_style: bool  # went through R: its "NA" is an empty cell

    @property
    def keep(self) -> set[int]:
        return set(self.columns.values()) | set(self.metadata.values()) | ({0} if self.row_numbers else set())


def _shown_column(header: _Header, pos: int) -> str:
    """An export column in a message: its name, and its ImportId when the name is not unique."""
    col, key = header.names[pos], header.keys[pos]
    return f"{col} ({key})" if key and header.names.count(col) > 1 else col


def _match_codebook(header: _Header, instrument, problems: list[Problem]) -> tuple[dict, set]:
    """Codebook column -> export position; the positions claimed (matched, or named by a codebook
    column that cannot tell them apart). With the ImportId row, a column the codebook gives an
    ImportId is matched on it only; the others, and every column without that row, on names."""
    use_keys = header.layout == "qualtrics" and any(header.keys)
    by_key: dict[str, list[int]] = {}
    by_name: dict[str, list[int]] = {}
    for pos in range(header.named):
        by_name.setdefault(header.names[pos], []).append(pos)
        if header.keys[pos]:
            by_key.setdefault(header.keys[pos], []).append(pos)
    matched: dict[str, int] = {}
    claimed: set[int] = set()
    owner: dict[int, str] = {}
    by_id = [(col, dict(instrument.column_question(col).import_ids).get(col))
             for col in instrument.data_columns()]

    def take(col: str, pos: int) -> None:
        if pos in owner:
            problems.append(Problem(header.file, header.where, f"codebook columns {shown(owner[pos])} and "
                                    f"{shown(col)} both match export column {pos + 1} "
                                    f"({shown(_shown_column(header, pos))}); give each its own ImportId "
                                    "under import_ids"))
            return
        owner[pos] = col
        matched[col] = pos
        claimed.add(pos)

    for col, key in by_id:  # ImportIds first: they are unambiguous
        if not (use_keys and key):
            continue
        found = by_key.get(key, [])
        if len(found) == 1:
            take(col, found[0])
        elif found:
            claimed.update(found)
            problems.append(Problem(header.file, header.where, f"ImportId {shown(key)} of codebook column "
                                    f"{shown(col)} appears {len(found)} times in the export (columns "
                                    f"{listing((p + 1 for p in found), quote=False)}); each column needs "
                                    "its own ImportId"))
    for col, key in by_id:  # then names, for the columns the codebook gives no ImportId
        if col in matched or (use_keys and key):
            continue
        found = [p for p in by_name.get(col, []) if p not in owner]
        if len(found) == 1:
            take(col, found[0])
        elif found:
            claimed.update(found)
            ids = listing((header.keys[p] or "none" for p in found), quote=False)
            problems.append(Problem(header.file, header.where, f"codebook column {shown(col)} (question "
                                    f"{instrument.column_question(col).id}) matches {len(found)} export "
                                    f"columns of that name (columns {listing((p + 1 for p in found), quote=False)}"
                                    f"; ImportIds {ids}); give it its ImportId under import_ids to say "
                                    "which one it is"))
    return matched, claimed


def _unknown(header: _Header, cols: list[str]) -> Problem:
    """One problem for the export columns that are neither the codebook's, metadata nor ignored."""
    what = f"column {shown(cols[0])} is" if len(cols) == 1 else f"{len(cols)} columns are"
    them = "it" if len(cols) == 1 else "them"
    listed = "" if len(cols) == 1 else f": {listing(cols, limit=20)}"
    return Problem(header.file, header.where, f"{what} not in the codebook and not Qualtrics metadata"
                   f"{listed}; add {them} to the codebook (instrument.yaml), or list {them} under ignore: "
                   f"to leave {them} out")


def _match(header: _Header, instrument) -> _Match:
    problems: list[Problem] = []
    matched, claimed = _match_codebook(header, instrument, problems)
    ignore = set(instrument.ignore)
    metadata: dict[str, int] = {}
    dropped: dict[str, list[str]] = {}
    unknown: list[int] = []
    r_style = False
    row_numbers = (header.layout == "single-header" and header.named > 0 and 0 not in claimed
                   and header.names[0] in ROW_NUMBER_NAMES)
    for pos in range(header.named):
        col = header.names[pos]
        if pos in claimed or not col or (pos == 0 and row_numbers):
            continue
        canonical = METADATA_BY_KEY.get(_metadata_key(col))
        if canonical in KEPT_METADATA and canonical not in metadata:
            metadata[canonical] = pos
        elif canonical:
            dropped.setdefault("metadata", []).append(col)
        elif QUALITY_COLUMN.match(col):
            dropped.setdefault("quality", []).append(col)
        elif col in ignore:
            dropped.setdefault("ignore", []).append(col)
        else:
            unknown.append(pos)
            continue
        r_style = r_style or (canonical is not None and col not in METADATA_COLUMNS and "." in col)
    if unknown:
        problems.append(_unknown(header, [_shown_column(header, p) for p in unknown]))
    absent = []
    for col in KEPT_METADATA:
        if col not in metadata:
            hint = (" (the legacy Qualtrics export has no Progress column: export the responses "
                    "again in the current CSV format)" if header.layout == "legacy" and col == "Progress"
                    else "")
            absent.append(Problem(header.file, header.where, f"column {col!r} is missing; expected "
                                  f"the Qualtrics columns {', '.join(KEPT_METADATA)}{hint}"))
    problems[:0] = absent
    missing = [col for col in instrument.data_columns() if col not in matched]
    if missing:
        def described(col: str) -> str:
            question = instrument.column_question(col)
            key = dict(question.import_ids).get(col) if header.layout == "qualtrics" else None
            return f"{col} (question {question.id}{f', ImportId {key}' if key else ''})"

        listed = ", ".join(described(col) for col in missing[:20])
        more = f", … ({len(missing)} in all)" if len(missing) > 20 else ""
        problems.append(Problem(header.file, header.where, f"codebook column{'s' if len(missing) > 1 else ''} "
                                f"missing from the data: {listed}{more}; expected every column of the "
                                "codebook (instrument.yaml)"))
    return _Match(matched, metadata, dropped, problems, row_numbers, r_style or row_numbers)


def _check_row_numbers(table: _Table, match: _Match, structure: ProblemList) -> None:
    """The first column without a name is dropped when it holds the row numbers 1..n (or 0..n-1)."""
    if not match.row_numbers:
        return
    codes, values = table.column(0)
    numbers = pd.to_numeric(pd.Series(values, dtype=object).str.strip(), errors="coerce").to_numpy()
    got = numbers[codes] if len(values) else np.zeros(0)
    n = len(codes)
    if n and (np.array_equal(got, np.arange(1, n + 1)) or np.array_equal(got, np.arange(n))):
        match.dropped.setdefault("row numbers", []).append(table.header.names[0] or "(no name)")
        return
    match.row_numbers = False
    if table.header.names[0]:
        match.problems.append(_unknown(table.header, [table.header.names[0]]))
    else:
        structure.append(Problem(table.header.file, f"line {table.header.line}, column 1",
                                 "a column has no name; every column needs its export name"))


DROPPED_AS = (("metadata", "Qualtrics metadata"), ("quality", "quality or panel"),
              ("ignore", "listed under ignore:"), ("row numbers", "row numbers without a name"))


def _notice(file: str, dropped: dict[str, list[str]]) -> tuple[str, ...]:
    """One line naming the columns dropped on purpose (names and counts, never values)."""
    total = sum(len(v) for v in dropped.values())
    if not total:
        return ()
    parts = [f"{len(dropped[k])} {what} ({listing(dropped[k], limit=10, quote=False)})"
             for k, what in DROPPED_AS if dropped.get(k)]
    return (f"{file}: {total} column{'s' if total > 1 else ''} dropped, not used by the site: "
            f"{'; '.join(parts)}",)


# --------------------------------------------------------------------------- values

CODE_RE = re.compile(r"-?[0-9]{1,9}(?:\.0+)?")
CODES_RE = re.compile(r"-?[0-9]{1,9}(?:\.0+)?(?:\s*,\s*-?[0-9]{1,9}(?:\.0+)?)*")
NUMBER_RE = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
TAG_RE = re.compile(r"<[^<>]*>")
NAN = float("nan")


def _normal(text: str) -> str:
    """A label as compared when it does not match exactly: HTML tags dropped, entities decoded,
    white space collapsed."""
    return " ".join(html.unescape(TAG_RE.sub("", text)).split())


def _code(value: str) -> int | None:
    return int(value.split(".")[0]) if CODE_RE.fullmatch(value) else None


class _Choices:
    """The options of a question (or the points of a matrix scale) as cells may give them."""

    def __init__(self, options):
        self.labels = [o.label for o in options]
        self.exact = set(self.labels)
        normal = Counter(_normal(label) for label in self.labels)
        self.normal = {_normal(label): label for label in self.labels if normal[_normal(label)] == 1}
        stated = [o for o in options if o.code_stated]
        self.stated = bool(stated)
        self.codes = {str(o.code): o.label for o in stated}
        self.minus_one = next((o.label for o in stated if o.code == NOT_APPLICABLE and o.nonsubstantive),
                              None)

    def by_code(self, number: int) -> str | None | bool:
        """The label of a numeric code; None for no answer; False when the codebook has no such code."""
        if number == SEEN_UNANSWERED:
            return None
        if number == NOT_APPLICABLE:
            return self.minus_one
        return self.codes.get(str(number), False)

    def allowed(self) -> str:
        codes = f" (or their codes {listing(self.codes, quote=False)})" if self.codes else ""
        return f"{listing(self.labels)}{codes}"


@dataclass
class _Decoded:
    """A column's distinct values decoded: one value each (the responses contract), and for those
    that are no valid answer, why."""

    values: np.ndarray  # object or float, one per distinct value
    bad: dict[int, str] = field(default_factory=dict)  # distinct value -> what is wrong with it
    unstated: dict[int, str] = field(default_factory=dict)  # distinct value -> numeric code, unreadable
    kind: str = "choice"  # choice, joined, columns, number
    # the codebook's order of the answers (choice, joined): the order of the column's categories
    rank: Callable[[Any], Any] | None = None

    def mask(self, test: Callable[[Any], bool]) -> np.ndarray:
        """Per distinct value: ``test(value)``."""
        return np.fromiter((test(v) for v in self.values), bool, len(self.values))

    def answered(self) -> np.ndarray:
        if self.kind == "columns":
            return self.values == 1.0
        return ~pd.isna(self.values) if self.kind != "joined" else self.mask(lambda v: isinstance(v, tuple))

    def column(self, codes: np.ndarray) -> np.ndarray | pd.Categorical:
        """The responses contract's column from each respondent's code: numbers as floats; labels
        and tuples of labels as a categorical of the answers given, in the codebook's order (codes
        into them, one byte a respondent; NaN where not answered)."""
        if self.kind in ("number", "columns"):
            return self.values.astype(float)[codes]
        # every distinct value is some respondent's (a row of blank cells only is no respondent,
        # and a blank cell is no answer), so each answer is a category
        categories = sorted({v for v in self.values if not isinstance(v, float)}, key=self.rank)
        position = {c: i for i, c in enumerate(categories)}
        per_value = [position[v] if not isinstance(v, float) else -1 for v in self.values]
        small = _small_codes(np.array(per_value, dtype=np.int32), len(categories) + 1)
        return pd.Categorical.from_codes(small[codes], categories=pd.Index(categories, tupleize_cols=False),
                                         validate=False)


def _is_empty(value: str, r_style: bool) -> bool:
    return not value or (r_style and value == "NA")


def _decode_choice(values: np.ndarray, choices: _Choices, question, r_style: bool) -> _Decoded:
    out = _Decoded(np.full(len(values), NAN, dtype=object), rank={k: i for i, k in enumerate(choices.labels)}.get)
    for i, raw in enumerate(values):
        v = raw.strip()
        if v in choices.exact and _code(v) not in (SEEN_UNANSWERED, NOT_APPLICABLE):
            out.values[i] = v
            continue
        if _is_empty(v, r_style):
            continue
        number = _code(v)
        label = choices.by_code(number) if number is not None else choices.codes.get(v, False)
        if label is False:
            label = choices.normal.get(_normal(v), False)
        if label is False and number is not None and not choices.stated:
            out.unstated[i] = v
        elif label is False:
            out.bad[i] = (f"{shown(v)} is not an answer to question {question.id}; allowed: "
                          f"{choices.allowed()}")
        elif label is not None:
            out.values[i] = label
    return out


def _split(cell: str, labels: dict[str, str]) -> list[str] | None:
    """The labels a multi-select cell joins with ',' (labels may hold commas themselves): the
    longest label that fits at each place, going back to a shorter one when the rest does not
    split; None when the cell does not split into labels."""
    by_length = sorted(labels, key=len, reverse=True)
    starts = [0] + [i + 1 for i, ch in enumerate(cell) if ch == ","]
    after: dict[int, tuple[str, int] | None] = {len(cell) + 1: None}  # start -> (label, next start)
    for start in reversed(starts):
        p = start
        while p < len(cell) and cell[p] == " ":  # "A, B" as well as "A,B"
            p += 1
        for text in by_length:
            end = p + len(text)
            if cell.startswith(text, p) and (end == len(cell) or (cell[end] == "," and end + 1 in after)):
                after[start] = (labels[text], end + 1)
                break
    if 0 not in after:
        return None
    chosen, start = [], 0
    while start <= len(cell):
        label, start = after[start]
        chosen.append(label)
    return chosen


def _unknown_pieces(cell: str, labels: dict[str, str]) -> list[str]:
    """The parts of a multi-select cell that are no label, cut at commas where no label fits."""
    by_length = sorted(labels, key=len, reverse=True)
    unknown, p = [], 0
    while p < len(cell):
        while p < len(cell) and cell[p] == " ":
            p += 1
        fit = next((t for t in by_length if cell.startswith(t, p)
                    and (p + len(t) == len(cell) or cell[p + len(t)] == ",")), None)
        end = p + len(fit) if fit else (cell.find(",", p) if "," in cell[p:] else len(cell))
        if not fit:
            unknown.append(cell[p:end])
        p = end + 1
    return [piece for piece in dict.fromkeys(unknown) if piece.strip()] or [cell]


def _decode_joined(values: np.ndarray, choices: _Choices, question, r_style: bool) -> _Decoded:
    exact = {label: label for label in choices.labels}
    order = {label: i for i, label in enumerate(choices.labels)}
    out = _Decoded(np.full(len(values), NAN, dtype=object), kind="joined",
                   rank=lambda chosen: tuple(map(order.__getitem__, chosen)))

    def chosen(labels) -> tuple[str, ...] | float:
        found = sorted(set(labels), key=order.__getitem__)
        return tuple(found) if found else NAN

    for i, raw in enumerate(values):
        v = raw.strip()
        if _is_empty(v, r_style) and v not in exact:
            continue
        labels = _split(v, exact)
        if labels is not None:
            out.values[i] = chosen(labels)
            continue
        if CODES_RE.fullmatch(v):
            codes = [_code(c.strip()) for c in v.split(",")]
            if not choices.stated and any(c not in (SEEN_UNANSWERED, NOT_APPLICABLE) for c in codes):
                out.unstated[i] = v
                continue
            found = [choices.by_code(c) for c in codes]
            missing = [str(c) for c, label in zip(codes, found) if label is False]
            if not missing:
                out.values[i] = chosen(label for label in found if label)
                continue
            out.bad[i] = (f"code{'s' if len(missing) > 1 else ''} {listing(missing, quote=False)} "
                          f"{'are' if len(missing) > 1 else 'is'} not an option of question {question.id}; "
                          f"allowed: {choices.allowed()}")
            continue
        labels = _split(_normal(v), choices.normal)
        if labels is not None:
            out.values[i] = chosen(labels)
            continue
        pieces = _unknown_pieces(v, exact)
        out.bad[i] = (f"{listing(pieces)} {'are' if len(pieces) > 1 else 'is'} not an option of question "
                      f"{question.id} (a multi-select cell holds the chosen options joined with ','); "
                      f"allowed: {choices.allowed()}")
    return out


def _decode_option_column(values: np.ndarray, option, question, r_style: bool) -> _Decoded:
    out = _Decoded(np.full(len(values), NAN), kind="columns")
    for i, raw in enumerate(values):
        v = raw.strip()
        if _is_empty(v, r_style):
            continue
        number = _code(v)
        if number in (1, 0):
            out.values[i] = float(number)
        elif number in (SEEN_UNANSWERED, NOT_APPLICABLE):
            continue
        elif v == option.label or _normal(v) == _normal(option.label):  # a choice-text export
            out.values[i] = 1.0
        else:
            out.bad[i] = (f"{shown(v)} is not an answer to question {question.id} in the column of its "
                          f"option {shown(option.label)}; expected 1 (chosen), 0 (not chosen) or empty")
    return out


def _decode_number(values: np.ndarray, question, r_style: bool) -> _Decoded:
    out = _Decoded(np.full(len(values), NAN), kind="number")
    unit = f" ({question.unit})" if question.unit else ""
    for i, raw in enumerate(values):
        v = raw.strip()
        if _is_empty(v, r_style):
            continue
        number = float(v) if NUMBER_RE.fullmatch(v) else None
        if number is None or not np.isfinite(number):
            out.bad[i] = f"{shown(v)} is not a number; question {question.id} takes numbers{unit}"
        elif number not in (SEEN_UNANSWERED, NOT_APPLICABLE):
            out.values[i] = number
    return out


NEVER_ANSWERED = r"-(?:0{0,7}99|0{0,8}1)(?:\.0+)?"  # -99 and -1 as CODE_RE writes them


@dataclass
class _Text:
    """A free-text or "please specify" column as Arrow text (no Python string per cell): all the
    checks need is whether each respondent wrote something. White space only, -99 and -1 (and
    ``NA`` from R) are no text."""

    cells: Any  # pyarrow ChunkedArray, one cell per respondent
    stripped: Any  # the same without white space at either end
    r_style: bool
    _answered: Any = None

    def arrow_answered(self):
        import pyarrow.compute as pc

        if self._answered is None:
            stripped = self.stripped
            none = pc.or_(pc.equal(pc.utf8_length(stripped), 0),
                          pc.match_substring_regex(stripped, f"^{NEVER_ANSWERED}$"))
            if self.r_style:
                none = pc.or_(none, pc.equal(stripped, "NA"))
            self._answered = pc.invert(none)
        return self._answered

    def answered(self) -> np.ndarray:
        return _numpy(self.arrow_answered(), bool)

    def series(self, index: pd.Index) -> pd.Series:
        """The text, or NaN where nothing was written (pandas' str dtype, kept in Arrow)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        text = pc.if_else(self.arrow_answered(), self.cells, pa.scalar(None, pa.string()))
        return pd.Series(_str_array(text), index=index, copy=False)


def _str_array(text):
    """Arrow text as pandas' ``str`` array, still in Arrow (NaN where missing)."""
    import pyarrow as pa

    return text.to_pandas(types_mapper={pa.string(): pd.StringDtype("pyarrow", na_value=NAN)}.get).array


def _is_text(question, column: str) -> bool:
    return column in question.text_columns or question.type == "free_text"


def _decode(question, column: str, values: np.ndarray, r_style: bool, choices: dict) -> _Decoded:
    """A column's distinct values as the responses contract has them, by its question's type."""
    if question.type == "number":
        return _decode_number(values, question, r_style)
    if question.type == "multiple_choice" and question.layout == "columns":
        option = next(o for o in question.options if o.column == column)
        return _decode_option_column(values, option, question, r_style)
    if question.id not in choices:
        choices[question.id] = _Choices(question.scale if question.type == "matrix" else question.options)
    if question.type == "multiple_choice":
        return _decode_joined(values, choices[question.id], question, r_style)
    return _decode_choice(values, choices[question.id], question, r_style)


# --------------------------------------------------------------------------- the checks over columns

@dataclass
class _Found:
    """Cells one check found wrong: their respondents (positions among the rows, ascending), how
    many in all, where the check comes in a row's report, the column, and each one's message."""

    rows: np.ndarray
    order: int
    column: str
    message: Callable[[int], str]
    total: int = 0

    @classmethod
    def where(cls, mask: np.ndarray, order: int, column: str, message: Callable[[int], str]) -> "_Found | None":
        rows = np.flatnonzero(mask)
        if not len(rows):
            return None
        return cls(rows[:MAX_PROBLEMS], order, column, message, len(rows))


def _per_value(codes: np.ndarray, distinct: int, messages: dict[int, str], order: int,
               column: str) -> "_Found | None":
    """Respondents whose cell is one of the ``distinct`` values that ``messages`` describes."""
    if not messages:
        return None
    bad = np.zeros(distinct, bool)
    bad[list(messages)] = True
    return _Found.where(bad[codes], order, column, lambda r: messages[int(codes[r])])


@dataclass
class _Rows:
    """The kept metadata of every respondent."""

    ids: np.ndarray  # object: the respondent id ('' when empty)
    progress: np.ndarray  # float, NaN when not a number from 0 to 100
    finished: np.ndarray  # object: True, False or None


def _metadata_checks(table: _Table, match: _Match, found: list) -> _Rows:
    n = len(table.rows)
    ids = np.full(n, "", dtype=object)
    if ID_COLUMN in match.metadata and match.metadata[ID_COLUMN] in table.texts:
        ids, rid, is_empty, distinct = _ids(table.text(match.metadata[ID_COLUMN])[1])
        first = np.full(distinct, -1)
        present, first_row = np.unique(rid, return_index=True)
        first[present] = first_row
        found.append(_Found.where(is_empty, 0, ID_COLUMN, lambda r: "the respondent id is empty; every "
                                  "row needs one"))
        found.append(_Found.where((first[rid] != np.arange(n)) & ~is_empty, 0, ID_COLUMN,
                                  lambda r: f"duplicate respondent id {shown(ids[r])} (also row "
                                            f"{first[rid[r]] + 1}); every respondent needs a unique id"))
    progress = np.full(n, NAN)
    if "Progress" in match.metadata:
        codes, values = table.column(match.metadata["Progress"])
        per_value = np.array([_progress(v.strip()) for v in values], dtype=float)
        messages = {i: f"Progress {shown(v.strip())} is not a number from 0 to 100"
                    for i, v in enumerate(values) if np.isnan(per_value[i])}
        found.append(_per_value(codes, len(values), messages, 1, "Progress"))
        progress = per_value[codes] if len(values) else progress
    finished = np.full(n, None, dtype=object)
    if "Finished" in match.metadata:
        codes, values = table.column(match.metadata["Finished"])
        per_value = np.array([True if v.strip() in TRUE_VALUES else False if v.strip() in FALSE_VALUES
                              else None for v in values], dtype=object)
        messages = {i: f"Finished {shown(v.strip())} should be 1 (finished) or 0 (not finished)"
                    for i, v in enumerate(values) if per_value[i] is None}
        found.append(_per_value(codes, len(values), messages, 2, "Finished"))
        finished = per_value[codes] if len(values) else finished
    unfinished = (finished == True) & ~np.isnan(progress) & (progress != 100)  # noqa: E712
    found.append(_Found.where(unfinished, 3, "Progress", lambda r: f"Finished is 1 but Progress is "
                              f"{progress[r]:g}; a finished response has Progress 100"))
    return _Rows(ids, progress, finished)


def _ids(stripped) -> tuple[pd.Index, np.ndarray, np.ndarray, int]:
    """The respondent ids (Arrow text, stripped; no Python string each) as pandas' ``str`` index,
    each respondent's code into the distinct ids, where the id is empty, and how many are distinct."""
    import pyarrow as pa
    import pyarrow.compute as pc

    stripped = stripped.combine_chunks() if isinstance(stripped, pa.ChunkedArray) else stripped
    encoded = pc.dictionary_encode(stripped)
    rid = _numpy(encoded.indices, np.int64)
    return pd.Index(_str_array(stripped)), rid, _numpy(pc.equal(stripped, ""), bool), len(encoded.dictionary)


def _progress(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        return NAN
    return number if 0 <= number <= 100 else NAN


@dataclass
class _Column:
    """A codebook column, read: its codes per respondent and its distinct values decoded."""

    codes: np.ndarray
    decoded: _Decoded

    def answered(self) -> np.ndarray:
        return self.decoded.answered()[self.codes]

    def value(self, row: int):
        return self.decoded.values[self.codes[row]]

    def series(self, index: pd.Index) -> pd.Series:
        return pd.Series(self.decoded.column(self.codes), index=index, copy=False)


def _chosen(question, label: str, read: dict[str, _Column]) -> tuple[np.ndarray, Callable[[int], Any]] | None:
    """Where each respondent chose ``label`` in answer to ``question``, and what they answered
    (None when the answer's column is not in the data)."""
    if question.type == "multiple_choice" and question.layout == "columns":
        columns = [read.get(o.column) for o in question.options]
        if any(c is None for c in columns):
            return None
        mine = read[question.option(label).column]

        def given(r: int):
            labels = [o.label for o, c in zip(question.options, columns) if c.value(r) == 1.0]
            return ", ".join(labels) if labels else None
        return mine.answered(), given
    if not question.columns or question.columns[0] not in read:
        return None
    column = read[question.columns[0]]
    if column.decoded.kind == "joined":
        per_value = column.decoded.mask(lambda v: isinstance(v, tuple) and label in v)
        return per_value[column.codes], lambda r: (", ".join(column.value(r))
                                                   if isinstance(column.value(r), tuple) else None)
    per_value = column.decoded.mask(lambda v: v == label)
    return per_value[column.codes], lambda r: None if pd.isna(column.value(r)) else column.value(r)


def _logic_checks(instrument, read: dict[str, _Column], base: int, found: list) -> None:
    """Answers that the survey's display logic would not have allowed, and "please specify" text
    without its option."""
    by_id = {q.id: q for q in instrument.questions}
    for qi, q in enumerate(instrument.questions):
        order = base + 2 * qi
        target = by_id.get(q.condition.question) if q.condition else None
        columns = [read[c] for c in q.columns if c in read]
        condition = _chosen(target, q.condition.equals, read) if target is not None else None
        if condition is not None and columns:
            answered = np.vstack([c.answered() for c in columns])
            shown_to, given = condition
            wrong = answered.any(axis=0) & ~shown_to
            first = answered.argmax(axis=0)
            names = [c for c in q.columns if c in read]
            equals, asked = q.condition.equals, q.condition.question

            def message(r: int, q=q, given=given, equals=equals, asked=asked) -> str:
                answer = given(r)
                said = (f"this respondent answered {shown(answer)}" if answer is not None
                        else "this respondent did not answer it")
                return (f"answered, but question {q.id} is shown only to those who answered "
                        f"{shown(equals)} to question {asked} ({said})")
            for k, name_ in enumerate(names):
                found.append(_Found.where(wrong & (first == k), order, name_, message))
        for o in q.options:
            if not o.text_column or o.text_column not in read:
                continue
            chosen = _chosen(q, o.label, read)
            if chosen is None:
                continue
            text = read[o.text_column].answered()
            found.append(_Found.where(text & ~chosen[0], order + 1, o.text_column,
                                      lambda r, q=q, o=o: f"holds text, but the answer to question {q.id} "
                                                          f"is not {shown(o.label)} (the option this text "
                                                          "belongs to)"))


def _respondent(rid: str) -> str:
    return name(rid) if rid else "?"


def _report(found: list, table: _Table, ids: np.ndarray, problems: ProblemList) -> None:
    """The problems of the rows in row order (within a row, in the order of the checks), at most as
    many as ``problems`` still keeps; the rest are counted."""
    found = [f for f in found if f is not None]
    room = max(0, MAX_PROBLEMS - len(problems))
    ranked = sorted(((int(r), f.order, k, j) for k, f in enumerate(found) for j, r in enumerate(f.rows)))
    shown_now = ranked[:room]
    lines = dict(zip(sorted({r for r, *_ in shown_now}), table.lines(sorted({r for r, *_ in shown_now}))))
    for r, _, k, _ in shown_now:
        f = found[k]
        who = f"row {r + 1} (line {lines[r]}, respondent {_respondent(ids[r])})"
        problems.append(Problem(table.header.file, f"{who}, column {f.column}", f.message(r)))
    problems.total += sum(f.total for f in found) - len(shown_now)


def _unstated_codes(question, columns: list[tuple[str, _Column]], file: str) -> Problem | None:
    """One problem for a question whose cells hold numeric codes the codebook does not state."""
    examples = []
    for _, column in columns:
        if not isinstance(column, _Column) or not column.decoded.unstated:
            continue
        present = np.zeros(len(column.decoded.values), bool)
        present[column.codes] = True
        examples += [v for k, v in column.decoded.unstated.items() if present[k]]
    if not examples:
        return None
    names = [c for c, _ in columns]
    return Problem(file, f"column{'s' if len(names) > 1 else ''} {listing(names, limit=5, quote=False)}",
                   f"question {question.id} holds numeric codes ({listing(sorted(set(examples), key=str), limit=5)}) "
                   "but the codebook states no code for its options, so they cannot be read as answers (the "
                   "position of an option is not its code: a survey may number its options in any order); "
                   "the codes must come from the survey definition (build_tables.py init --qsf SURVEY.qsf) "
                   "or be written as code: on each option")


# --------------------------------------------------------------------------- the meta file

class ConflictSchema(Schema):
    figure: str
    decision: str


class MetaSchema(Schema):
    reconstructed: StrictBool
    title: str
    note: str
    source: str
    not_reconstructed_columns: list[Column] = []
    generator: dict[str, Any] = {}
    conflicts: list[ConflictSchema] = []


def load_responses_meta(path: Path | str, instrument=None) -> ResponsesMeta:
    """Read ``responses.meta.yaml``; column names are checked against the codebook if given."""
    doc = yamlfile.read(path, "the description of the responses (reconstructed, title, note, source)")
    raw = yamlfile.validate(doc, MetaSchema)
    if instrument is not None:
        known = set(instrument.data_columns())
        unknown = ProblemList(doc.problem(("not_reconstructed_columns", i),
                                          f"column {shown(col)} is not in the codebook")
                              for i, col in enumerate(raw.not_reconstructed_columns) if col not in known)
        if unknown:
            raise DataError(unknown)
    return ResponsesMeta(
        reconstructed=raw.reconstructed, title=raw.title.strip(), note=" ".join(raw.note.split()),
        source=raw.source.strip(), not_reconstructed_columns=tuple(raw.not_reconstructed_columns),
        generator=dict(raw.generator), conflicts=tuple(c.model_dump() for c in raw.conflicts))


# --------------------------------------------------------------------------- reading, whole

def _open(path: Path | str) -> tuple[_Header, _Scan]:
    """The header of a file that is a CSV text, and the scan of its bytes (under way); DataError
    when it is none."""
    file, size = files.input_size(path, WHAT, MAX_BYTES)
    scan = _refuse_if_not_csv(path, file, size)
    try:
        return _read_header(path, file), scan
    except Exception as e:  # noqa: BLE001 - bytes that are not UTF-8 are the scan's to report
        scan.first(e)


def read_qualtrics(path: Path | str) -> RawExport:
    """Read a Qualtrics CSV in any of its layouts without a codebook; drop the metadata columns
    (all but ResponseId, Progress and Finished) and the quality and panel columns."""
    structure = ProblemList()
    header, scan = _open(path)
    _header_problems(header, structure, skip_first=False)
    keep, dropped = [], []
    for pos, col in enumerate(header.names[:header.named]):
        canonical = METADATA_BY_KEY.get(_metadata_key(col))
        if (canonical and canonical not in KEPT_METADATA) or QUALITY_COLUMN.match(col):
            dropped.append(col)
        else:
            keep.append(pos)
    table = _read_table(header, scan, set(keep), structure)
    if table.stopped:
        structure.append(table.too_many_rows())
        structure.stop()
    if structure:
        raise DataError(structure)
    columns = [table.column(pos) for pos in keep]
    rows = tuple(tuple(values[codes[r]] for codes, values in columns) for r in range(len(table.rows)))
    return RawExport(file=header.file, layout=header.layout,
                     columns=tuple(header.names[p] for p in keep), rows=rows,
                     lines=tuple(table.lines(range(len(table.rows)))), dropped=tuple(dropped),
                     import_ids=tuple(header.keys[p] for p in keep))


def load_responses(path: Path | str, instrument, meta_path: Path | str | None = None) -> Responses:
    """Read the responses and check them against the codebook; one DataError lists every problem
    (the first ``MAX_PROBLEMS`` in row order, all of them counted)."""
    problems = ProblemList()  # of the codebook checks
    structure = ProblemList()  # of the CSV itself: when there are any, only they are reported
    meta_problems = ProblemList()
    meta = None
    if meta_path is not None:
        try:
            meta = load_responses_meta(meta_path, instrument)
        except DataError as e:
            meta_problems.absorb(e)
    try:
        header, scan = _open(path)
    except DataError as e:
        meta_problems.absorb(e)
        raise DataError(meta_problems) from None
    if meta is None and meta_path is None:
        meta = ResponsesMeta(reconstructed=False, title="Survey responses", note="", source=header.file)
    match = _match(header, instrument)
    _header_problems(header, structure, skip_first=match.row_numbers)
    text = frozenset([pos for col, pos in match.columns.items() if _is_text(instrument.column_question(col), col)]
                     + [match.metadata[c] for c in (ID_COLUMN,) if c in match.metadata])
    try:
        table = _read_table(header, scan, match.keep, structure, text)
    except DataError as e:
        meta_problems.absorb(e)
        raise DataError(meta_problems) from None
    _check_row_numbers(table, match, structure)
    if structure:
        if table.stopped:
            structure.append(table.too_many_rows())
            structure.stop()
        meta_problems.absorb(DataError(structure))
        raise DataError(meta_problems)
    problems += match.problems
    frame = _check(table, match, instrument, problems)
    if table.stopped:
        problems.append(table.too_many_rows())
        problems.stop()
    if problems:
        meta_problems.absorb(DataError(problems))
    if meta_problems:
        raise DataError(meta_problems)
    return Responses(frame, meta, _notice(header.file, match.dropped))


def _check(table: _Table, match: _Match, instrument, problems: ProblemList) -> pd.DataFrame | None:
    """Every value checked against the codebook, over columns; the responses as the contract has
    them when there is no problem (None otherwise)."""
    found: list[_Found | None] = []
    rows = _metadata_checks(table, match, found)
    expected = instrument.data_columns()
    read: dict[str, _Column] = {}
    choices: dict = {}
    for k, col in enumerate(expected):
        if col not in match.columns:
            continue
        question = instrument.column_question(col)
        if match.columns[col] in table.texts:
            read[col] = _Text(*table.text(match.columns[col]), match.r_style)
            continue
        codes, values = table.column(match.columns[col])
        column = _Column(codes, _decode(question, col, values, match.r_style, choices))
        read[col] = column
        found.append(_per_value(codes, len(values), column.decoded.bad, 10 + k, col))
    for question in instrument.questions:
        problem = _unstated_codes(question, [(c, read[c]) for c in question.columns if c in read],
                                  table.header.file)
        if problem:
            problems.append(problem)
    _logic_checks(instrument, read, 10 + len(expected), found)
    _report(found, table, rows.ids, problems)
    if problems or len(read) < len(expected) or len(match.metadata) < len(KEPT_METADATA):
        return None
    return _frame(rows, read, expected)


def _frame(rows: _Rows, read: dict, expected: list[str]) -> pd.DataFrame:
    index = pd.Index(rows.ids, name="respondent")
    data = {"progress": pd.Series(rows.progress, index=index, dtype=float),
            "finished": pd.Series(rows.finished.astype(bool), index=index, dtype=bool)}
    for col in expected:
        data[col] = read[col].series(index)
    return pd.DataFrame(data, index=index, copy=False)
