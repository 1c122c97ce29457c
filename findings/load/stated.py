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

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ..errors import DataError, Problem
from . import yamlfile
from .yamlfile import Schema, StrictInt

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


class WhereSchema(Schema):
    section: str
    line: StrictInt


class FigureSchema(Schema):
    id: str
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
    problems: list[Problem] = []
    seen: set[str] = set()
    for pos, f in enumerate(raw.figures):
        if f.id in seen:
            problems.append(doc.problem(("figures", pos, "id"),
                                        f"duplicate id {f.id!r}; every figure needs its own id"))
        seen.add(f.id)
        for key in ("compute", "denominator"):
            spec = getattr(f, key)
            if spec is not None:
                problems += [doc.problem(("figures", pos, key), f"{f.id}, {key}: {message}")
                             for message in _spec_problems(spec, instrument, themes)]
    if problems:
        raise DataError(problems)
    return [StatedFigure(id=f.id, value=f.value, unit=f.unit, statement=f.statement,
                         section=f.where.section, line=f.where.line, compute=dict(f.compute),
                         denominator=dict(f.denominator) if f.denominator else None,
                         conflict=f.conflict, note=f.note) for f in raw.figures]


def _spec_problems(spec: Any, instrument, themes) -> list[str]:
    """What is wrong with one compute (or denominator) spec."""
    if not isinstance(spec, dict) or "measure" not in spec:
        return ["should be a mapping with a 'measure'"]
    measure = spec["measure"]
    if measure not in MEASURES:
        return [f"unknown measure {measure!r}; expected one of {', '.join(MEASURES)}"]
    required, optional = MEASURES[measure]
    out = [f"measure {measure} needs {k!r}" for k in sorted(required - set(spec))]
    out += [f"measure {measure} takes no {k!r} (it takes {', '.join(sorted(required | optional)) or 'nothing'})"
            for k in spec if k != "measure" and k not in required | optional]
    if measure in {"count", "percent", "most_common"} and not ({"question", "column"} & set(spec)):
        out.append(f"measure {measure} needs a 'question' or a 'column'")
    if instrument is not None:
        out += _id_problems(spec, instrument)
    if themes is not None:
        for node_id in ([spec["theme"]] if "theme" in spec else []) + list(spec.get("themes") or []):
            try:
                themes.node(node_id)
            except KeyError:
                out.append(f"unknown theme {node_id!r}; expected a node id of the theme codebook")
    return out


def _id_problems(spec: dict, instrument) -> list[str]:
    out: list[str] = []
    known_columns = set(instrument.data_columns())
    question = None
    if "question" in spec:
        try:
            question = instrument.question(spec["question"])
        except KeyError:
            return [f"unknown question {spec['question']!r}"]
    columns = list(spec.get("columns") or []) + ([spec["column"]] if "column" in spec else [])
    for col in columns:
        if col not in known_columns:
            out.append(f"unknown column {col!r}; expected a column of the codebook")
        elif question is None and "column" in spec and col == spec["column"]:
            question = instrument.column_question(col)
    for col in spec.get("items") or []:
        if question is not None and col not in [i.column for i in question.items]:
            out.append(f"{col!r} is not an item of question {question.id}")
    if question is not None:
        labels = [o.label for o in question.options + question.scale]
        wanted = list(spec.get("options") or []) + [spec[k] for k in ("option", "expect") if k in spec]
        for label in wanted:
            if label not in labels:
                out.append(f"{label!r} is not an option of question {question.id}; its options: "
                           + ", ".join(repr(x) for x in labels))
    return out
