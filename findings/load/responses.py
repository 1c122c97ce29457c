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
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import DataError, Problem, display_path
from . import yamlfile
from .yamlfile import Schema, StrictBool

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


def _records(text: str, file: str) -> list[tuple[int, list[str]]]:
    """(starting line, cells) of every CSV record; DataError when the CSV cannot be parsed."""
    reader = csv.reader(io.StringIO(text, newline=""))
    out, start = [], 1
    try:
        for cells in reader:
            out.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as e:
        raise DataError(Problem(file, f"line {reader.line_num}",
                                f"not a readable CSV file ({e}); expected comma-separated values "
                                "as Qualtrics exports them")) from None
    return [(line, cells) for line, cells in out if cells and any(c.strip() for c in cells)]


def _is_import_row(cells: list[str]) -> bool:
    return bool(cells) and all(c.strip().startswith('{"ImportId"') for c in cells if c.strip())


def read_qualtrics(path: Path | str) -> RawExport:
    """Read a Qualtrics CSV in any of its layouts; drop the personal metadata columns."""
    path = Path(path)
    file = display_path(path)
    if not path.is_file():
        raise DataError(Problem(file, None, "file not found; expected the survey responses as a "
                                            "Qualtrics CSV export"))
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n") + 1
        raise DataError(Problem(file, f"line {line}", f"not UTF-8 text (byte 0x{data[e.start]:02x}); "
                                "export the responses from Qualtrics as a UTF-8 CSV")) from None
    records = _records(text, file)
    if not records:
        raise DataError(Problem(file, None, "the file is empty; expected a header row of column "
                                            "names, then one row per respondent"))

    header = [c.strip() for c in records[0][1]]
    if header and header[0] == "V1" and len(records) > 1 and records[1][1][:1] == ["ResponseID"]:
        layout = "legacy"
        labels = records[1][1]
        header = [labels[i].strip() if re.fullmatch(r"V\d+", name) and i < len(labels) else name
                  for i, name in enumerate(header)]
        header = [LEGACY_RENAMES.get(name, name) for name in header]
        body = records[2:]
    elif len(records) > 2 and _is_import_row(records[2][1]):
        layout, body = "qualtrics", records[3:]
    else:
        layout, body = "single-header", records[1:]

    # a trailing comma on every line gives a last column without a name: ignore it
    while header and header[-1] == "" and all(len(c) < len(header) or c[len(header) - 1] == ""
                                                 for _, c in body):
        header = header[:-1]
        body = [(line, cells[:len(header)]) for line, cells in body]

    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for pos, name in enumerate(header, start=1):
        if not name:
            problems.append(Problem(file, f"line {records[0][0]}, column {pos}",
                                    "a column has no name; every column needs its export name"))
        elif name in seen:
            problems.append(Problem(file, f"line {records[0][0]}, column {pos}",
                                    f"column name {name!r} appears twice (columns {seen[name]} and {pos}); "
                                    "each column needs its own name (give the questions unique "
                                    "export tags in Qualtrics)"))
        else:
            seen[name] = pos
    for n, (line, cells) in enumerate(body, start=1):
        if len(cells) != len(header):
            problems.append(Problem(file, f"row {n} (line {line})",
                                    f"has {len(cells)} fields but the header has {len(header)}"))
    if problems:
        raise DataError(problems)

    keep = [i for i, name in enumerate(header)
            if name not in METADATA_COLUMNS or name in KEPT_METADATA]
    dropped = tuple(name for name in header if name in METADATA_COLUMNS and name not in KEPT_METADATA)
    return RawExport(
        file=file, layout=layout, columns=tuple(header[i] for i in keep),
        rows=tuple(tuple(cells[i] for i in keep) for _, cells in body),
        lines=tuple(line for line, _ in body), dropped=dropped)


# --------------------------------------------------------------------------- the meta file

class ConflictSchema(Schema):
    figure: str
    decision: str


class MetaSchema(Schema):
    reconstructed: StrictBool
    title: str
    note: str
    source: str
    not_reconstructed_columns: list[str] = []
    generator: dict[str, Any] = {}
    conflicts: list[ConflictSchema] = []


def load_responses_meta(path: Path | str, instrument=None) -> ResponsesMeta:
    """Read ``responses.meta.yaml``; column names are checked against the codebook if given."""
    doc = yamlfile.read(path, "the description of the responses (reconstructed, title, note, source)")
    raw = yamlfile.validate(doc, MetaSchema)
    if instrument is not None:
        known = set(instrument.data_columns())
        unknown = [doc.problem(("not_reconstructed_columns", i), f"column {col!r} is not in the codebook")
                   for i, col in enumerate(raw.not_reconstructed_columns) if col not in known]
        if unknown:
            raise DataError(unknown)
    return ResponsesMeta(
        reconstructed=raw.reconstructed, title=raw.title.strip(), note=" ".join(raw.note.split()),
        source=raw.source.strip(), not_reconstructed_columns=tuple(raw.not_reconstructed_columns),
        generator=dict(raw.generator), conflicts=tuple(c.model_dump() for c in raw.conflicts))


# --------------------------------------------------------------------------- checking the values


def _to_label(value: str, options) -> str | None | bool:
    """The label a cell stands for; None for no answer; False when it is not a valid answer."""
    if value in {o.label for o in options}:
        return value
    if re.fullmatch(r"-?\d+(\.0+)?", value):
        number = int(float(value))
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
    labels = ", ".join(repr(o.label) for o in options)
    codes = ", ".join(str(o.code) for o in options)
    return f"{labels} (or their codes {codes})"


def load_responses(path: Path | str, instrument, meta_path: Path | str | None = None) -> Responses:
    """Read the responses and check them against the codebook; one DataError lists every problem."""
    problems: list[Problem] = []
    meta = None
    if meta_path is not None:
        try:
            meta = load_responses_meta(meta_path, instrument)
        except DataError as e:
            problems += e.problems
    try:
        raw = read_qualtrics(path)
    except DataError as e:
        raise DataError(problems + e.problems) from None
    file = raw.file
    if meta is None and meta_path is None:
        meta = ResponsesMeta(reconstructed=False, title="Survey responses", note="", source=file)

    expected = instrument.data_columns()
    known = set(expected)
    header_where = "header" if raw.layout == "single-header" else "header rows"
    for name in KEPT_METADATA:
        if name not in raw.columns:
            hint = (" (the legacy Qualtrics export has no Progress column: export the responses "
                    "again in the current CSV format)" if raw.layout == "legacy" and name == "Progress"
                    else "")
            problems.append(Problem(file, header_where, f"column {name!r} is missing; expected the "
                                    f"Qualtrics columns {', '.join(KEPT_METADATA)}{hint}"))
    for name in raw.columns:
        if name not in known and name not in KEPT_METADATA:
            problems.append(Problem(file, header_where, f"column {name!r} is not in the codebook "
                                    "(data/instrument.yaml) and is not Qualtrics metadata; expected "
                                    "only the codebook's columns"))
    missing = [name for name in expected if name not in raw.columns]
    if missing:
        listed = ", ".join(f"{name} (question {instrument.column_question(name).id})" for name in missing)
        problems.append(Problem(file, header_where, f"codebook column{'s' if len(missing) > 1 else ''} "
                                f"missing from the data: {listed}; expected every column of the "
                                "codebook (data/instrument.yaml)"))

    index = {name: i for i, name in enumerate(raw.columns)}
    records, ids, first_row = [], [], {}
    for n, (line, cells) in enumerate(zip(raw.lines, raw.rows), start=1):
        rid = cells[index[ID_COLUMN]].strip() if ID_COLUMN in index else ""
        who = f"row {n} (line {line}, respondent {rid or '?'})"
        if ID_COLUMN in index:
            if not rid:
                problems.append(Problem(file, f"{who}, column {ID_COLUMN}",
                                        "the respondent id is empty; every row needs one"))
            elif rid in first_row:
                problems.append(Problem(file, f"{who}, column {ID_COLUMN}",
                                        f"duplicate respondent id {rid!r} (also row {first_row[rid]}); "
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
                                        f"Progress {value!r} is not a number from 0 to 100"))
                progress = None
        if "Finished" in index:
            value = cells[index["Finished"]].strip()
            finished = True if value in TRUE_VALUES else False if value in FALSE_VALUES else None
            if finished is None:
                problems.append(Problem(file, f"{who}, column Finished",
                                        f"Finished {value!r} should be 1 (finished) or 0 (not finished)"))
        if finished and progress is not None and progress != 100:
            problems.append(Problem(file, f"{who}, column Progress",
                                    f"Finished is 1 but Progress is {progress:g}; a finished "
                                    "response has Progress 100"))
        record["progress"], record["finished"] = progress, finished

        for col in expected:
            if col not in index:
                continue
            value = cells[index[col]].strip()
            question = instrument.column_question(col)
            if not value:
                record[col] = None
                continue
            options = _options_for(question, col)
            if options is None:  # free text
                record[col] = cells[index[col]]
                continue
            label = _to_label(value, options)
            if label is False:
                problems.append(Problem(file, f"{who}, column {col}",
                                        f"{value!r} is not an answer to question {question.id}; "
                                        f"allowed: {_allowed(options)}"))
                label = None
            record[col] = label
        records.append(record)
        ids.append(rid or f"row {n}")

    by_id = {q.id: q for q in instrument.questions}
    for n, (line, record) in enumerate(zip(raw.lines, records), start=1):
        who = f"row {n} (line {line}, respondent {ids[n - 1]})"
        problems += _condition_problems(file, who, record, instrument, by_id)

    if problems:
        raise DataError(problems)
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
                                   f"{q.condition.equals!r} to question {q.condition.question} "
                                   f"(this respondent answered {given!r})" if given is not None else
                                   f"answered, but question {q.id} is shown only to those who answered "
                                   f"{q.condition.equals!r} to question {q.condition.question} "
                                   "(this respondent did not answer it)"))
        for o in q.options:
            if o.text_column and record.get(o.text_column) is not None and q.columns \
                    and record.get(q.columns[0]) != o.label:
                out.append(Problem(file, f"{who}, column {o.text_column}",
                                   f"holds text, but the answer to question {q.id} is not "
                                   f"{o.label!r} (the option this text belongs to)"))
    return out
