"""The figures the manuscript states, and the check that the data reproduce them.

``load_stated_figures(path, instrument, themes)`` reads ``data/stated_figures.yaml``: one entry per
number (or ranking) the manuscript states about its results, each with a small declarative
``compute`` spec. Every problem (unknown measure, question, option, column or theme) is collected
into one ``DataError`` naming the file and the YAML line.

The figures are computed and checked in ``compute/stated.py``.

Measures (the ``compute`` spec's ``measure``):

- ``respondents``, ``finished``: rows, and rows with Finished = 1.
- ``count`` / ``percent`` of ``options`` in a ``question`` (or a matrix item ``column``); a percent
  is over those who answered that column.
- ``answered`` / ``answered_any``: respondents who answered any of ``columns``.
- ``most_common``: the most often chosen option of a ``question`` (or ``column``); ``expect`` names
  the stated option. With a stated count (unit ``count``) that option's count is checked too.
- ``matrix_rank``: matrix items ordered by how many chose ``option``. With ``top: true`` the
  question's leading items must be ``items`` in that order; otherwise ``items`` must be in that
  order among themselves.
- ``matrix_majority``: which of ``items`` were rated ``option`` by more than half who rated them.
- ``similar``: two options of one ``column`` chosen by counts no more than ``within_points``
  percentage points apart.
- ``theme_participants``: distinct participants quoted under a ``theme`` (node id in themes.yaml).
- ``theme_largest``: the title of the node of ``themes`` with the most quoted participants.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ..errors import DataError, ProblemList, listing, shown
from . import yamlfile
from .yamlfile import Id, Schema, StrictInt

# measure -> (required keys, optional keys) of its compute spec, besides "measure"
MEASURES = {
    "respondents": (set(), set()),
    "finished": (set(), set()),
    "count": ({"options"}, {"question", "column"}),
    "percent": ({"options"}, {"question", "column"}),
    "answered": ({"columns"}, set()),
    "answered_any": ({"columns"}, set()),
    "most_common": ({"expect"}, {"question", "column"}),
    "matrix_rank": ({"question", "option", "items"}, {"top"}),
    "matrix_majority": ({"question", "option", "items"}, set()),
    "similar": ({"column", "options", "within_points"}, set()),
    "theme_participants": ({"theme"}, set()),
    "theme_largest": ({"themes"}, set()),
}
@dataclass(frozen=True)
class StatedFigure:
    id: str
    value: Any  # a number (count, percent), a label, or a list of matrix columns (ranking)
    unit: str  # count, percent, label or ranking
    statement: str  # the manuscript's words, exactly
    section: str
    line: int  # line in the manuscript text (paper.txt)
    compute: dict
    denominator: dict | None = None
    conflict: str | None = None  # why the figure cannot be reproduced, when it cannot
    note: str | None = None

    @property
    def where(self) -> str:
        return f"{self.section}, line {self.line}"


# the units a measure's figure may be stated in
UNITS = {
    "respondents": ("count",), "finished": ("count",), "count": ("count",), "percent": ("percent",),
    "answered": ("count",), "answered_any": ("count",), "most_common": ("label", "count"),
    "matrix_rank": ("ranking",), "matrix_majority": ("ranking",), "similar": ("label",),
    "theme_participants": ("count",), "theme_largest": ("label",),
}


def _number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _label(v) -> bool:
    return isinstance(v, str) and v != "" or _number(v)


def _non_empty(check):
    return lambda v: isinstance(v, list) and bool(v) and all(check(x) for x in v)


# what each key of a compute spec holds: (check, the form in words)
_ID = f"({yamlfile.ID_FORM})"
_COLUMN = f"({yamlfile.COLUMN_FORM})"
SPEC_FORMS = {
    "question": (yamlfile.is_id, f"a question id {_ID}"),
    "column": (yamlfile.is_column, f"a column {_COLUMN}"),
    "columns": (_non_empty(yamlfile.is_column), f"a non-empty list of columns {_COLUMN}"),
    "items": (_non_empty(yamlfile.is_column), f"a non-empty list of matrix item columns {_COLUMN}"),
    "theme": (yamlfile.is_id, f"a theme node id {_ID}"),
    "themes": (_non_empty(yamlfile.is_id), f"a non-empty list of theme node ids {_ID}"),
    "options": (_non_empty(_label), "a non-empty list of option labels"),
    "option": (_label, "an option label"),
    "expect": (_label, "an option label"),
    "top": (lambda v: isinstance(v, bool), "true or false"),
    "within_points": (lambda v: _number(v) and v >= 0, "a number of percentage points"),
}
# the stated value, by unit: (check, the form in words)
VALUE_FORMS = {
    "count": (lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0, "a whole number"),
    "percent": (_number, "a number (the percentage as printed)"),
    "label": (_label, "the stated label, as text"),
    "ranking": (_non_empty(yamlfile.is_column), f"a non-empty list of matrix item columns {_COLUMN}"),
}


class WhereSchema(Schema):
    section: str
    line: StrictInt


class FigureSchema(Schema):
    id: Id
    value: Any
    unit: Literal["count", "percent", "label", "ranking"]
    statement: str
    where: WhereSchema
    compute: dict[str, Any]
    denominator: dict[str, Any] | None = None
    conflict: str | None = None
    note: str | None = None


class StatedSchema(Schema):
    figures: list[FigureSchema]


def load_stated_figures(path: Path | str, instrument=None, themes=None) -> list[StatedFigure]:
    """Read and check the stated figures; ids of questions, options, columns and themes are
    checked against ``instrument`` and ``themes`` when given."""
    doc = yamlfile.read(path, "the list of stated figures")
    raw = yamlfile.validate(doc, StatedSchema)
    problems = ProblemList()
    seen: set[str] = set()
    known_columns = set(instrument.data_columns()) if instrument is not None else None
    for pos, f in enumerate(raw.figures):
        if f.id in seen:
            problems.append(doc.problem(("figures", pos, "id"),
                                        f"duplicate id {shown(f.id)}; every figure needs its own id"))
        seen.add(f.id)
        check, form = VALUE_FORMS[f.unit]
        if not check(f.value):
            problems.append(doc.problem(("figures", pos, "value"), f"{f.id}, value: a figure with unit "
                                        f"{f.unit} should state {form}; found {yamlfile.described(f.value)}"))
        for key in ("compute", "denominator"):
            spec = getattr(f, key)
            if spec is not None:
                problems += [doc.problem(("figures", pos, key), f"{f.id}, {key}: {message}")
                             for message in _spec_problems(spec, instrument, themes, known_columns)]
        measure = f.compute.get("measure")
        if isinstance(measure, str) and measure in UNITS and f.unit not in UNITS[measure]:
            problems.append(doc.problem(("figures", pos, "unit"), f"{f.id}: a figure of measure {measure} "
                                        f"is stated in unit {' or '.join(UNITS[measure])}, not {f.unit}"))
    if problems:
        raise DataError(problems)
    return [StatedFigure(id=f.id, value=f.value, unit=f.unit, statement=f.statement,
                         section=f.where.section, line=f.where.line, compute=dict(f.compute),
                         denominator=dict(f.denominator) if f.denominator else None,
                         conflict=f.conflict, note=f.note) for f in raw.figures]


def _spec_problems(spec: Any, instrument, themes, known_columns=None) -> list[str]:
    """What is wrong with one compute (or denominator) spec."""
    if not isinstance(spec, dict) or "measure" not in spec:
        return ["should be a mapping with a 'measure'"]
    measure = spec["measure"]
    if not isinstance(measure, str) or measure not in MEASURES:
        return [f"unknown measure {yamlfile.described(measure)}; expected one of {', '.join(MEASURES)}"]
    required, optional = MEASURES[measure]
    out = [f"measure {measure} needs {k!r}" for k in sorted(required - set(spec))]
    out += [f"measure {measure} takes no {shown(k)} (it takes {', '.join(sorted(required | optional)) or 'nothing'})"
            for k in spec if k != "measure" and k not in required | optional]
    if measure in {"count", "percent", "most_common"} and not ({"question", "column"} & set(spec)):
        out.append(f"measure {measure} needs a 'question' or a 'column'")
    for key, (check, form) in SPEC_FORMS.items():
        if key in spec and key in required | optional and not check(spec[key]):
            out.append(f"{key} should be {form}; found {yamlfile.described(spec[key])}")
    if measure == "similar" and isinstance(spec.get("options"), list) and len(spec["options"]) != 2:
        out.append(f"measure similar compares two options; found {len(spec['options'])}")
    if out:
        return out
    if instrument is not None:
        out += _id_problems(spec, instrument, known_columns)
    if themes is not None:
        for node_id in ([spec["theme"]] if "theme" in spec else []) + list(spec.get("themes") or []):
            try:
                themes.node(node_id)
            except KeyError:
                out.append(f"unknown theme {shown(node_id)}; expected a node id of the theme codebook")
    return out


def _id_problems(spec: dict, instrument, known_columns=None) -> list[str]:
    out: list[str] = []
    if known_columns is None:
        known_columns = set(instrument.data_columns())
    question = None
    if "question" in spec:
        try:
            question = instrument.question(spec["question"])
        except KeyError:
            return [f"unknown question {shown(spec['question'])}"]
        if "column" not in spec and spec["measure"] in {"count", "percent", "most_common"} \
                and not question.columns:
            out.append(f"question {question.id} has no answer column (items_available: false); "
                       "name a 'column'")
        if spec["measure"] in {"matrix_rank", "matrix_majority"} and not question.items:
            out.append(f"measure {spec['measure']} needs a matrix question with items; question "
                       f"{question.id} has none")
    columns = list(spec.get("columns") or []) + ([spec["column"]] if "column" in spec else [])
    for col in columns:
        if col not in known_columns:
            out.append(f"unknown column {shown(col)}; expected a column of the codebook")
        elif question is None and "column" in spec and col == spec["column"]:
            question = instrument.column_question(col)
    for col in spec.get("items") or []:
        if question is not None and col not in [i.column for i in question.items]:
            out.append(f"{shown(col)} is not an item of question {question.id}")
    if question is not None:
        labels = [o.label for o in question.options + question.scale]
        wanted = list(spec.get("options") or []) + [spec[k] for k in ("option", "expect") if k in spec]
        for label in wanted:
            if label not in labels:
                out.append(f"{shown(label)} is not an option of question {question.id}; its options: "
                           + (listing(labels) or "none"))
    return out
