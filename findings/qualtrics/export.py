"""A responses export read for drafting: every column with its short name, its question text (the
second header row), its ImportId (the third) and the values it holds.

``read_export(path) -> Export`` refuses what is no CSV export (an Excel or SPSS file, JSON, a web
page, tab-separated text...) with the same checks and words as the build's reader
(``findings.load.responses``), and a CSV whose rows do not fit its header.

The ImportId of a column is kept as one key (``import_key``): the ``ImportId`` itself
(``QID62_4``, ``QID5_4_TEXT``), and for a multi-select option column of the older form
``{"ImportId":"QID20","choiceId":"3"}`` the two joined as ``QID20_3``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import DataError, Problem
from ..load import files
from ..load.responses import (EXPORT_HINT, MAGIC, MAX_BYTES, METADATA_COLUMNS, _is_import_row, _looks_like,
                              _records, import_key)

EXPORT_WHAT = "the survey responses as a Qualtrics CSV export"


@dataclass(frozen=True)
class ExportColumn:
    position: int  # 0-based
    name: str  # the short name (first header row)
    text: str | None  # the question text (second header row of a Qualtrics export)
    key: str | None  # the ImportId key (import_key), when the export has the ImportId row
    values: tuple[str, ...]  # one cell per data row, as in the file


@dataclass(frozen=True)
class Export:
    file: str  # as messages show it
    name: str  # the file's name
    layout: str  # "qualtrics" (three header rows), "single-header" or "legacy"
    columns: tuple[ExportColumn, ...]
    rows: int
    data: bytes  # the file as read, to copy

    @property
    def has_import_ids(self) -> bool:
        return any(c.key for c in self.columns)

    def named(self, name: str) -> list[ExportColumn]:
        return [c for c in self.columns if c.name == name]


def is_metadata(column: ExportColumn) -> bool:
    """Qualtrics' own metadata (dates, progress, respondent id, IP address...), which the build's
    reader drops or keeps by itself."""
    return column.name in METADATA_COLUMNS


def _refuse(file: str, where: str | None, message: str) -> DataError:
    return DataError(Problem(file, where, message))


def read_export(path: Path | str) -> Export:
    """The export's columns and values; one DataError when it is no CSV export."""
    file, data = files.read_bytes(path, EXPORT_WHAT, MAX_BYTES)
    for magic, kind in MAGIC:
        if data.startswith(magic):
            raise _refuse(file, None, f"looks like {kind}, not a CSV file; {EXPORT_HINT}")
    text = files.decode(file, data, f"{EXPORT_HINT}, which is UTF-8")
    kind = _looks_like(text)
    if kind:
        raise _refuse(file, None, f"looks like {kind}; {EXPORT_HINT}")
    records = list(_records(text, file))
    if not records:
        raise _refuse(file, None, "the file is empty; expected a header row of column names, then one "
                                  "row per respondent")
    header_line, header = records[0][0], [c.strip() for c in records[0][1]]
    texts = keys = None
    if header and header[0] == "V1" and len(records) > 1 and records[1][1][:1] == ["ResponseID"]:
        layout, labels = "legacy", records[1][1]
        header = [labels[i].strip() if re.fullmatch(r"V[0-9]+", c) and i < len(labels) else c
                  for i, c in enumerate(header)]
        body = records[2:]
    elif len(records) > 2 and _is_import_row(records[2][1]):
        layout, texts, keys, body = "qualtrics", records[1][1], records[2][1], records[3:]
    else:
        layout, body = "single-header", records[1:]
    named = len(header)
    while named and header[named - 1] == "":  # a trailing comma on every line
        named -= 1
    if not body:
        raise _refuse(file, None, "holds no responses, only the header; expected one row per respondent "
                                  "after it")
    for line, cells in body:
        if not named <= len(cells) <= len(header) or any(c.strip() for c in cells[named:]):
            raise _refuse(file, f"line {line}", f"has {len(cells)} fields but the header (line "
                                                f"{header_line}) has {named}; {EXPORT_HINT}")
    columns = tuple(
        ExportColumn(position=i, name=header[i],
                     text=" ".join(texts[i].split()) if texts and i < len(texts) else None,
                     key=import_key(keys[i]) if keys and i < len(keys) else None,
                     values=tuple(cells[i] if i < len(cells) else "" for _, cells in body))
        for i in range(named))
    return Export(file=file, name=Path(path).name, layout=layout, columns=columns, rows=len(body), data=data)
