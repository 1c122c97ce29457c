"""The respondent-level survey data: reading a Qualtrics CSV, and checking it against the codebook.

Two steps, both collecting every problem they find into one ``DataError``:

- ``read_qualtrics(path) -> RawExport`` reads any of three CSV layouts (no codebook needed):
  the current Qualtrics export (three header rows: short names, question texts, ``{"ImportId": ...}``),
  a CSV with one header row (our reconstructed ``data/responses.csv``), and the legacy layout
  (byte-order mark, ``V1..V10`` plus a row of labels, a trailing comma on every line).
  Qualtrics metadata columns are dropped here, except ``ResponseId``, ``Progress`` and ``Finished``:
  IP address, location, names and e-mail addresses never leave this module.
- ``load_responses(path, instrument, meta_path) -> Responses`` checks the columns and every value
  against the instrument codebook (choice labels, or the numeric codes of a numeric-values export,
  which are mapped to labels), the respondent ids, Progress/Finished and the display conditions.

A file that is no CSV export (an Excel workbook, an SPSS file, JSON, binary junk, text that is not
UTF-8) is refused with what it looks like and how to export the right one. The file is read only when
it is at most ``MAX_BYTES``; rows are checked as they are read, and the checks stop after
``MAX_PROBLEMS`` problems or ``MAX_ROWS`` rows, so junk is refused in seconds with a short report.
"""
from __future__ import annotations

import csv
import io
import itertools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import pandas as pd

from ..errors import DataError, Problem, ProblemList, listing, name, shown
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
SEEN_UNANSWERED = -99  # numeric exports: a question shown but not answered
TRUE_VALUES = {"1", "true", "TRUE", "True"}
FALSE_VALUES = {"0", "false", "FALSE", "False"}


@dataclass(frozen=True)
class RawExport:
    """A CSV as read, before any codebook check. Metadata other than KEPT_METADATA is gone."""

    file: str  # the path as shown in messages
    layout: str  # "qualtrics" (three header rows), "single-header" or "legacy"
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]  # data rows, cells as text, aligned with columns
    lines: tuple[int, ...]  # the file line each data row starts on
    dropped: tuple[str, ...]  # names of the metadata columns dropped (names only, never values)


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

    Values are choice labels, free text, or NaN for no answer; ``progress`` (0-100) and
    ``finished`` (bool) come first.
    """

    data: pd.DataFrame
    meta: ResponsesMeta

    @property
    def respondents(self) -> int:
        return len(self.data)


# --------------------------------------------------------------------------- reading the CSV

MAX_BYTES = 50 * files.MB  # a responses file larger than this is refused unread
MAX_ROWS = 200_000  # respondents
MAX_COLUMNS = 20_000
EXPORT_HINT = ("export the responses from Qualtrics as CSV (Data & Analysis → Export & Import → "
               "Export data → CSV)")
# what a file that is not a CSV text looks like, from its first bytes
MAGIC = (
    (b"PK\x03\x04", "an Excel workbook (.xlsx) or another zip archive"),
    (b"\xd0\xcf\x11\xe0", "an old Excel workbook (.xls) or another Microsoft Office file"),
    (b"$FL2", "an SPSS data file (.sav)"),
    (b"$FL3", "an SPSS data file (.sav)"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"%PDF", "a PDF document"),
)


def _looks_like(text: str) -> str | None:
    """What a decoded text that is no CSV export looks like (None when it may be one)."""
    start = text.lstrip()[:200].lower()
    if start[:1] in ("{", "["):
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


def _records(text: str, file: str) -> Iterator[tuple[int, list[str]]]:
    """(starting line, cells) of every CSV record with a value; DataError when the CSV cannot be
    parsed (a cell longer than the csv module's field limit included)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            if "field limit" in str(e):
                message = (f"a cell is longer than {csv.field_size_limit():,} characters (or a quote "
                           "is never closed); expected comma-separated values as Qualtrics exports them")
                raise DataError(Problem(file, f"line {start}", message)) from None
            raise DataError(Problem(file, f"line {reader.line_num}",
                                    f"not a readable CSV file ({str(e)[:80]}); expected comma-separated "
                                    "values as Qualtrics exports them")) from None
        if any(c.strip() for c in cells):
            yield start, cells
        start = reader.line_num + 1


def _is_import_row(cells: list[str]) -> bool:
    return bool(cells) and all(c.strip().startswith('{"ImportId"') for c in cells if c.strip())


@dataclass
class _Export:
    """A CSV opened: its header read, its data rows still to come (``rows``)."""

    file: str
    layout: str
    columns: tuple[str, ...]  # kept columns
    dropped: tuple[str, ...]
    rows: Iterator[tuple[int, int, tuple[str, ...]]] = iter(())  # (row number, line, kept cells)
    stopped_at: int | None = None  # the line where reading stopped after MAX_ROWS rows

    def too_many_rows(self) -> Problem:
        return Problem(self.file, f"line {self.stopped_at}", f"more than {MAX_ROWS:,} rows of "
                       "responses; the checks stopped there")


def _open_export(path: Path | str, problems: ProblemList) -> _Export:
    """Read the file and its header; problems of the header and of each row's length go to
    ``problems`` (rows of the wrong length are not yielded). DataError when it is no CSV at all."""
    file, data = files.read_bytes(path, "the survey responses as a Qualtrics CSV export", MAX_BYTES)
    for magic, kind in MAGIC:
        if data.startswith(magic):
            raise DataError(Problem(file, None, f"looks like {kind}, not a CSV file; {EXPORT_HINT}"))
    text = files.decode(file, data, f"{EXPORT_HINT}, which is UTF-8")
    del data
    kind = _looks_like(text)
    if kind:
        raise DataError(Problem(file, None, f"looks like {kind}; {EXPORT_HINT}"))
    records = _records(text, file)
    head = list(itertools.islice(records, 3))
    if not head:
        raise DataError(Problem(file, None, "the file is empty; expected a header row of column "
                                            "names, then one row per respondent"))
    header_line = head[0][0]
    header = [c.strip() for c in head[0][1]]
    if len(header) > MAX_COLUMNS:
        raise DataError(Problem(file, f"line {header_line}", f"the header has {len(header):,} columns, "
                                f"more than the {MAX_COLUMNS:,} a survey export may have; {EXPORT_HINT}"))
    if header and header[0] == "V1" and len(head) > 1 and head[1][1][:1] == ["ResponseID"]:
        layout = "legacy"
        labels = head[1][1]
        header = [labels[i].strip() if re.fullmatch(r"V[0-9]+", col) and i < len(labels) else col
                  for i, col in enumerate(header)]
        header = [LEGACY_RENAMES.get(col, col) for col in header]
        body = itertools.chain(head[2:], records)
    elif len(head) > 2 and _is_import_row(head[2][1]):
        layout, body = "qualtrics", records
    else:
        layout, body = "single-header", itertools.chain(head[1:], records)

    # a trailing comma on every line gives last columns without a name: ignored while empty
    named = len(header)
    while named and header[named - 1] == "":
        named -= 1
    seen: dict[str, int] = {}
    for pos, col in enumerate(header[:named], start=1):
        if not col:
            problems.append(Problem(file, f"line {header_line}, column {pos}",
                                    "a column has no name; every column needs its export name"))
        elif col in seen:
            problems.append(Problem(file, f"line {header_line}, column {pos}",
                                    f"column name {shown(col)} appears twice (columns {seen[col]} and "
                                    f"{pos}); each column needs its own name (give the questions unique "
                                    "export tags in Qualtrics)"))
        else:
            seen[col] = pos
    width = len(header)  # rows may have as many fields, the last ones empty
    header = header[:named]
    keep = [i for i, col in enumerate(header)
            if col not in METADATA_COLUMNS or col in KEPT_METADATA]
    dropped = tuple(col for col in header if col in METADATA_COLUMNS and col not in KEPT_METADATA)
    unnamed_reported = False
    export = _Export(file, layout, tuple(header[i] for i in keep), dropped)

    def rows():
        nonlocal unnamed_reported
        n = 0
        for line, cells in body:
            n += 1
            if n > MAX_ROWS:
                export.stopped_at = line
                return
            if not named <= len(cells) <= width:
                problems.append(Problem(file, f"row {n} (line {line})",
                                        f"has {len(cells)} fields but the header has {named}"))
                continue
            if len(cells) > named and any(c.strip() for c in cells[named:]):
                if not unnamed_reported:
                    problems.append(Problem(file, f"line {header_line}, column {named + 1}",
                                            f"a column has no name but row {n} (line {line}) has a value "
                                            "in it; every column needs its export name"))
                    unnamed_reported = True
                continue
            yield n, line, tuple(cells[i] for i in keep)
        if n == 0:
            problems.append(Problem(file, None, f"holds no responses: only the header "
                                    f"row{'' if layout == 'single-header' else 's'}; expected one row "
                                    "per respondent after it"))

    export.rows = rows()
    return export


def read_qualtrics(path: Path | str) -> RawExport:
    """Read a Qualtrics CSV in any of its layouts; drop the personal metadata columns."""
    problems = ProblemList()
    export = _open_export(path, problems)
    rows, lines = [], []
    for _, line, cells in export.rows:
        if problems.full:
            problems.stop()
            break
        if not problems:
            rows.append(cells)
            lines.append(line)
    if export.stopped_at:
        problems.append(export.too_many_rows())
        problems.stop()
    if problems:
        raise DataError(problems)
    return RawExport(file=export.file, layout=export.layout, columns=export.columns,
                     rows=tuple(rows), lines=tuple(lines), dropped=export.dropped)


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


# --------------------------------------------------------------------------- checking the values

CODE_RE = re.compile(r"-?[0-9]{1,9}(?:\.0+)?")


def _to_label(value: str, options) -> str | None | bool:
    """The label a cell stands for; None for no answer; False when it is not a valid answer."""
    if value in {o.label for o in options}:
        return value
    if CODE_RE.fullmatch(value):
        number = int(value.split(".")[0])
        if number == SEEN_UNANSWERED:
            return None
        for o in options:
            if o.code == number or str(o.code) == value:
                return o.label
        return False
    for o in options:
        if str(o.code) == value:
            return o.label
    return False


def _allowed(options) -> str:
    labels = listing(o.label for o in options)
    codes = listing((o.code for o in options), quote=False)
    return f"{labels} (or their codes {codes})"


def _respondent(rid: str) -> str:
    return name(rid) if rid else "?"


def load_responses(path: Path | str, instrument, meta_path: Path | str | None = None) -> Responses:
    """Read the responses and check them against the codebook; one DataError lists every problem
    (at most ``MAX_PROBLEMS``: the checks stop there, so a file of junk is refused quickly)."""
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
        raw = _open_export(path, structure)
    except DataError as e:
        meta_problems.absorb(e)
        raise DataError(meta_problems) from None
    file = raw.file
    if meta is None and meta_path is None:
        meta = ResponsesMeta(reconstructed=False, title="Survey responses", note="", source=file)

    expected = instrument.data_columns()
    known = set(expected)
    header_where = "header" if raw.layout == "single-header" else "header rows"
    for col in KEPT_METADATA:
        if col not in raw.columns:
            hint = (" (the legacy Qualtrics export has no Progress column: export the responses "
                    "again in the current CSV format)" if raw.layout == "legacy" and col == "Progress"
                    else "")
            problems.append(Problem(file, header_where, f"column {col!r} is missing; expected the "
                                    f"Qualtrics columns {', '.join(KEPT_METADATA)}{hint}"))
    for col in raw.columns:
        if col not in known and col not in KEPT_METADATA:
            problems.append(Problem(file, header_where, f"column {shown(col)} is not in the codebook "
                                    "(data/instrument.yaml) and is not Qualtrics metadata; expected "
                                    "only the codebook's columns"))
    present = set(raw.columns)
    missing = [col for col in expected if col not in present]
    if missing:
        listed = ", ".join(f"{col} (question {instrument.column_question(col).id})" for col in missing[:20])
        more = f", … ({len(missing)} in all)" if len(missing) > 20 else ""
        problems.append(Problem(file, header_where, f"codebook column{'s' if len(missing) > 1 else ''} "
                                f"missing from the data: {listed}{more}; expected every column of the "
                                "codebook (data/instrument.yaml)"))

    index = {col: i for i, col in enumerate(raw.columns)}
    by_id = {q.id: q for q in instrument.questions}
    columns = [(col, index[col], instrument.column_question(col)) for col in expected if col in index]
    records, ids, first_row = [], [], {}
    for n, line, cells in raw.rows:
        if problems.full or structure.full:
            (problems if problems.full else structure).stop()
            break
        rid = cells[index[ID_COLUMN]].strip() if ID_COLUMN in index else ""
        who = f"row {n} (line {line}, respondent {_respondent(rid)})"
        if ID_COLUMN in index:
            if not rid:
                problems.append(Problem(file, f"{who}, column {ID_COLUMN}",
                                        "the respondent id is empty; every row needs one"))
            elif rid in first_row:
                problems.append(Problem(file, f"{who}, column {ID_COLUMN}",
                                        f"duplicate respondent id {shown(rid)} (also row {first_row[rid]}); "
                                        "every respondent needs a unique id"))
            else:
                first_row[rid] = n
        record = {}
        progress = finished = None
        if "Progress" in index:
            value = cells[index["Progress"]].strip()
            try:
                progress = float(value)
                if not 0 <= progress <= 100:
                    raise ValueError
            except ValueError:
                problems.append(Problem(file, f"{who}, column Progress",
                                        f"Progress {shown(value)} is not a number from 0 to 100"))
                progress = None
        if "Finished" in index:
            value = cells[index["Finished"]].strip()
            finished = True if value in TRUE_VALUES else False if value in FALSE_VALUES else None
            if finished is None:
                problems.append(Problem(file, f"{who}, column Finished",
                                        f"Finished {shown(value)} should be 1 (finished) or 0 (not finished)"))
        if finished and progress is not None and progress != 100:
            problems.append(Problem(file, f"{who}, column Progress",
                                    f"Finished is 1 but Progress is {progress:g}; a finished "
                                    "response has Progress 100"))
        record["progress"], record["finished"] = progress, finished

        for col, i, question in columns:
            value = cells[i].strip()
            if not value:
                record[col] = None
                continue
            options = _options_for(question, col)
            if options is None:  # free text
                record[col] = cells[i]
                continue
            label = _to_label(value, options)
            if label is False:
                problems.append(Problem(file, f"{who}, column {col}",
                                        f"{shown(value)} is not an answer to question {question.id}; "
                                        f"allowed: {_allowed(options)}"))
                label = None
            record[col] = label
        problems += _condition_problems(file, who, record, instrument, by_id)
        if problems or structure:  # the data will not be used: keep no more of it
            records.clear()
            ids.clear()
        else:
            records.append(record)
            ids.append(rid or f"row {n}")

    found = structure or problems
    if raw.stopped_at:
        found.append(raw.too_many_rows())
        found.stop()
    if found:
        meta_problems.absorb(DataError(found))
    if meta_problems:
        raise DataError(meta_problems)
    columns = ["progress", "finished"] + expected
    frame = pd.DataFrame(records, columns=columns, index=pd.Index(ids, name="respondent"))
    frame[expected] = frame[expected].astype(object).where(frame[expected].notna(), float("nan"))
    frame["progress"] = frame["progress"].astype(float)
    frame["finished"] = frame["finished"].astype(bool)
    return Responses(frame, meta)


def _options_for(question, column: str):
    """The answer options of a column (options or matrix scale); None for a free-text column."""
    if column in question.text_columns or question.type == "free_text":
        return None
    if question.type == "matrix":
        return question.scale
    return question.options


def _condition_problems(file, who, record, instrument, by_id) -> list[Problem]:
    """Answers that the survey's display logic would not have allowed."""
    out = []
    for q in instrument.questions:
        answered = [c for c in q.columns if record.get(c) is not None]
        if q.condition and answered:
            target = by_id.get(q.condition.question)
            given = record.get(target.columns[0]) if target and target.columns else None
            if given != q.condition.equals:
                out.append(Problem(file, f"{who}, column {answered[0]}",
                                   f"answered, but question {q.id} is shown only to those who answered "
                                   f"{shown(q.condition.equals)} to question {q.condition.question} "
                                   f"(this respondent answered {shown(given)})" if given is not None else
                                   f"answered, but question {q.id} is shown only to those who answered "
                                   f"{shown(q.condition.equals)} to question {q.condition.question} "
                                   "(this respondent did not answer it)"))
        for o in q.options:
            if o.text_column and record.get(o.text_column) is not None and q.columns \
                    and record.get(q.columns[0]) != o.label:
                out.append(Problem(file, f"{who}, column {o.text_column}",
                                   f"holds text, but the answer to question {q.id} is not "
                                   f"{shown(o.label)} (the option this text belongs to)"))
    return out
