"""The figures the manuscript states, and the check that the data reproduce them.

``load_stated_figures(path, instrument, themes)`` reads ``data/stated_figures.yaml``: one entry per
number (or ranking) the manuscript states about its results, each with a small declarative
``compute`` spec. Every problem (unknown measure, question, option, column or theme) is collected
into one ``DataError`` naming the file and the YAML line.

``compute(spec, responses, instrument, themes)`` recomputes one figure from the data;
``check(figures, responses, instrument, themes)`` compares every figure with its stated value.

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

``stated_theme_counts(figures)`` and ``variable(check_row)`` serve the pages: stated counts per
theme node, and one figure as a plain dict (``shown`` is the computed value as prose shows it).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from .errors import DataError, Problem, display_path
from .tables import answered_mask, round_half_up

UNITS = ("count", "percent", "label", "ranking")
STATUSES = ("matches", "within rounding", "documented conflict", "differs")
FIGURE_KEYS = {"id": True, "value": True, "unit": True, "statement": True, "where": True,
               "compute": True, "denominator": False, "conflict": False, "note": False}
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
THEME_MEASURES = {"theme_participants", "theme_largest"}
THEME_FEWER = ("The published quotes are only some of the answers, so fewer participants can appear "
               "in them than the study counted.")
THEME_MORE = ("Some answers carry different participant labels in different places of the source "
              "(see the label warnings of the themes file), so more can appear.")


@dataclass(frozen=True)
class StatedFigure:
    id: str
    value: Any  # a number (count, percent), a label, or a list of matrix columns (ranking)
    unit: str  # one of UNITS
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


# --------------------------------------------------------------------------- loading


class _Map(dict):
    line = 0


class _Loader(yaml.SafeLoader):
    pass


def _map(loader, node):
    result = _Map(loader.construct_mapping(node, deep=True))
    result.line = node.start_mark.line + 1
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _map)


def load_stated_figures(path: Path | str, instrument=None, themes=None) -> list[StatedFigure]:
    """Read and check the stated figures; ids of questions, options, columns and themes are
    checked against ``instrument`` and ``themes`` when given."""
    path = Path(path)
    file = display_path(path)
    if not path.is_file():
        raise DataError(Problem(file, None, "file not found; expected the list of stated figures"))
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise DataError(Problem(file, f"line {mark.line + 1}" if mark else None,
                                f"not valid YAML: {getattr(e, 'problem', e)}")) from None
    if not isinstance(raw, dict) or not isinstance(raw.get("figures"), list):
        raise DataError(Problem(file, None, "expected a mapping with a 'figures' list"))

    problems: list[Problem] = []
    figures: list[StatedFigure] = []
    seen: set[str] = set()
    for pos, entry in enumerate(raw["figures"], start=1):
        line = getattr(entry, "line", None)

        def add(message: str, at=line) -> None:
            problems.append(Problem(file, f"line {at}" if at else f"figure {pos}", message))

        if not isinstance(entry, dict):
            add(f"figure {pos} should be a mapping with keys {', '.join(FIGURE_KEYS)}")
            continue
        name = entry.get("id", f"figure {pos}")
        for key in entry:
            if key not in FIGURE_KEYS:
                add(f"{name}: unknown key {key!r}; allowed keys: {', '.join(FIGURE_KEYS)}")
        missing = [k for k, required in FIGURE_KEYS.items() if required and k not in entry]
        if missing:
            add(f"{name}: missing {', '.join(missing)}")
            continue
        if name in seen:
            add(f"duplicate id {name!r}; every figure needs its own id")
        seen.add(name)
        if entry["unit"] not in UNITS:
            add(f"{name}: unknown unit {entry['unit']!r}; expected one of {', '.join(UNITS)}")
        where = entry["where"]
        if not (isinstance(where, dict) and isinstance(where.get("section"), str)
                and isinstance(where.get("line"), int)):
            add(f"{name}: 'where' should be {{section: <name>, line: <paper.txt line>}}")
            continue
        for spec_key in ("compute", "denominator"):
            spec = entry.get(spec_key)
            if spec is not None:
                for message in _spec_problems(spec, instrument, themes):
                    add(f"{name}, {spec_key}: {message}", getattr(spec, "line", line))
        figures.append(StatedFigure(
            id=str(name), value=entry["value"], unit=entry["unit"], statement=str(entry["statement"]),
            section=where["section"], line=where["line"], compute=dict(entry["compute"]),
            denominator=dict(entry["denominator"]) if entry.get("denominator") else None,
            conflict=entry.get("conflict"), note=entry.get("note")))
    if problems:
        raise DataError(problems)
    return figures


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


# --------------------------------------------------------------------------- computing


def _column(spec: dict, instrument) -> str:
    return spec.get("column") or instrument.question(spec["question"]).columns[0]


def _answered(data: pd.DataFrame, columns: list[str]) -> int:
    mask = pd.Series(False, index=data.index)
    for col in columns:
        mask |= answered_mask(data[col])
    return int(mask.sum())


def _item_counts(data: pd.DataFrame, question, option: str) -> dict[str, tuple[int, int]]:
    """Matrix item column -> (count choosing option, count answering the item)."""
    return {i.column: (int((data[i.column] == option).sum()), int(answered_mask(data[i.column]).sum()))
            for i in question.items}


def compute(spec: dict, responses, instrument, themes=None):
    """One figure from the data: a number for counts and percentages, an option label or theme
    title for most_common / theme_largest / similar, a list of item columns for rankings."""
    data = responses.data
    measure = spec["measure"]
    if measure == "respondents":
        return len(data)
    if measure == "finished":
        return int(data["finished"].sum())
    if measure in {"answered", "answered_any"}:
        return _answered(data, list(spec["columns"]))
    if measure in {"count", "percent"}:
        column = _column(spec, instrument)
        n = int(data[column].isin(spec["options"]).sum())
        if measure == "count":
            return n
        answered = _answered(data, [column])
        return 100.0 * n / answered if answered else float("nan")
    if measure == "most_common":
        counts = data[_column(spec, instrument)].value_counts()
        top = counts[counts == counts.max()].index.tolist() if len(counts) else []
        return " = ".join(sorted(top))
    if measure in {"matrix_rank", "matrix_majority"}:
        question = instrument.question(spec["question"])
        counts = _item_counts(data, question, spec["option"])
        if measure == "matrix_majority":
            return [c for c in spec["items"] if counts[c][0] > counts[c][1] / 2]
        pool = [i.column for i in question.items] if spec.get("top") else list(spec["items"])
        ranked = sorted(pool, key=lambda c: -counts[c][0])  # stable: ties keep item order
        return ranked[:len(spec["items"])]
    if measure == "similar":
        column = spec["column"]
        a, b = (int((data[column] == o).sum()) for o in spec["options"])
        answered = _answered(data, [column])
        gap = 100.0 * abs(a - b) / answered if answered else float("inf")
        return "similar" if gap <= spec["within_points"] else "not similar"
    if measure == "theme_participants":
        return len(themes.node(spec["theme"]).participants())
    if measure == "theme_largest":
        nodes = [themes.node(i) for i in spec["themes"]]
        most = max(len(n.participants()) for n in nodes)
        return " = ".join(n.title for n in nodes if len(n.participants()) == most)
    raise ValueError(f"unknown measure {measure!r}")


def _describe_denominator(figure: StatedFigure, responses, instrument, themes) -> str | None:
    spec = figure.denominator
    if spec is None and figure.compute["measure"] in {"percent", "similar", "matrix_majority"}:
        if figure.compute["measure"] == "matrix_majority":
            return "those who rated each item"
        column = _column(figure.compute, instrument)
        return f"{_answered(responses.data, [column])} answered {column}"
    if spec is None:
        return None
    n = compute(spec, responses, instrument, themes)
    if spec["measure"] in {"answered", "answered_any"}:
        cols = list(spec["columns"])
        return f"{n} answered {cols[0]}" if len(cols) == 1 else f"{n} answered any of {', '.join(cols)}"
    if spec["measure"] == "respondents":
        return f"{n} respondents"
    return f"{n} ({spec['measure']})"


def _status(figure: StatedFigure, computed, themes=None) -> tuple[str, str]:
    stated = figure.value
    theme = figure.compute["measure"] in THEME_MEASURES
    if figure.unit == "percent":
        ok = isinstance(computed, float) and round_half_up(computed) == stated
        near = isinstance(computed, float) and abs(computed - stated) < 1
    else:
        ok, near = computed == stated, False
    if ok:
        return "matches", figure.note or ""
    if figure.conflict:
        return "documented conflict", figure.conflict
    if near:
        return "within rounding", (f"{computed:.1f}% is {stated}% rounded the other way "
                                   "(the manuscript does not say how it rounded)")
    why = theme_explanation(figure, themes) if theme else \
        f"the data give {_show(computed)}, the manuscript {_show(stated)}"
    return "differs", why + (f" {figure.note}" if figure.note else "")


def theme_explanation(figure: StatedFigure, themes) -> str:
    """Why a theme count computed from the appendix's quotes differs from the stated count."""
    spec = figure.compute
    if spec["measure"] != "theme_participants":
        return "Computed from the participants quoted in the qualitative codebook, which holds only some answers."
    node = themes.node(spec["theme"])
    labelled = node.participants()
    bare = {f"P{int(q.label)}" for n in node.walk() for q in n.quotes
            if q.label and not q.label.startswith("P")}
    n = len(labelled)
    text = (f"The published quotes name {n} distinct participant{'s' if n != 1 else ''} with P labels "
            f"under ‘{node.title}’")
    if bare - labelled:
        text += (f" ({len(labelled | bare)} if its bare numbers such as [31] are read as participant "
                 "numbers too; the themes file reads them as another numbering)")
    text += f", against the {figure.value} stated. "
    return text + (THEME_FEWER if len(labelled) < figure.value else THEME_MORE)


def _show(value) -> str:
    if isinstance(value, list):
        return " > ".join(map(str, value))
    if isinstance(value, float):
        return f"{value:.1f}%"
    return str(value)


def _display(value, figure: StatedFigure, instrument):
    """Lists of matrix columns become their item labels, in order, for people to read."""
    if isinstance(value, list):
        question = instrument.question(figure.compute["question"])
        labels = {i.column: i.label for i in question.items}
        sep = " > " if figure.compute["measure"] == "matrix_rank" else "; "
        return sep.join(labels.get(c, c) for c in value)
    return value


def check(figures: list[StatedFigure], responses, instrument, themes=None) -> pd.DataFrame:
    """Every stated figure beside its recomputed value, with a status and an explanation."""
    rows = []
    for f in figures:
        computed = compute(f.compute, responses, instrument, themes)
        if f.compute["measure"] == "most_common" and f.unit == "count" \
                and computed == f.compute["expect"]:  # the right option: now check its count
            computed = int((responses.data[_column(f.compute, instrument)] == computed).sum())
        status, explanation = _status(f, computed, themes)
        rows.append({"id": f.id, "statement": f.statement, "where": f.where,
                     "stated": _display(f.value, f, instrument),
                     "computed": _display(computed, f, instrument), "unit": f.unit,
                     "denominator": _describe_denominator(f, responses, instrument, themes) or "",
                     "status": status, "explanation": explanation})
    return pd.DataFrame(rows, columns=["id", "statement", "where", "stated", "computed", "unit",
                                       "denominator", "status", "explanation"])


def stated_theme_counts(figures: list[StatedFigure]) -> dict[str, int]:
    """Theme node id -> the participant count the manuscript states for it."""
    return {f.compute["theme"]: f.value for f in figures
            if f.compute["measure"] == "theme_participants"}


def _plain(value):
    """A value YAML can write: numpy and pandas scalars become Python ones, NaN becomes None."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if hasattr(value, "item"):
        value = value.item()
    return value


def variable(row) -> dict:
    """One row of ``check()`` for the pages' macros; ``shown`` is the computed value as prose
    shows it (a percentage rounded half up, with %)."""
    computed = _plain(row["computed"])
    if row["unit"] == "percent" and isinstance(computed, (int, float)):
        shown = f"{round_half_up(computed)}%"
    elif isinstance(computed, float) and computed.is_integer():
        shown = str(int(computed))
    else:
        shown = str(computed)
    return {"stated": _plain(row["stated"]), "computed": computed, "shown": shown,
            "unit": row["unit"], "status": row["status"], "denominator": row["denominator"] or None}
