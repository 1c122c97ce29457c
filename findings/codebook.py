"""The survey instrument as a codebook: parts, questions, options, matrix items.

``load_instrument(path)`` reads a YAML codebook (``data/instrument.yaml``), checks it, and
returns an ``Instrument`` of frozen dataclasses. Every problem found is collected and raised
as one ``DataError`` naming the file, the YAML line and what was expected.

Nothing here is study-specific: question ids, wording and columns all come from the file.
Codes of options are their 1-based position unless the option states ``code:``.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import DataError, Problem, display_path

TYPES = ("single_choice", "multiple_choice", "matrix", "free_text", "yes_no")
CHOICE_TYPES = ("single_choice", "multiple_choice", "yes_no")

TOP_KEYS = {"survey": True, "parts": True, "questions": True}  # key -> required
SURVEY_KEYS = {"title": True, "title_note": False, "platform": False, "source_document": False,
               "information": False, "consent": False, "introduction": False, "closing": False,
               "email_collection": False}
INFO_KEYS = {"kind": True, "text": True, "line": False, "personal_data": False}
INFO_KINDS = ("heading", "paragraph", "list_item")
CLOSING_KEYS = {"text": True, "line": False}
PART_KEYS = {"id": True, "title": True, "title_printed": False, "line": False, "note": False}
QUESTION_KEYS = {"id": True, "number": True, "part": True, "text": True, "type": True,
                 "columns": True, "line": False, "options": False, "items": False, "scale": False,
                 "items_available": False, "condition": False, "reconstructed": False,
                 "source": False, "note": False}
OPTION_KEYS = {"label": True, "code": False, "text_column": False, "nonsubstantive": False,
               "reconstructed": False, "source": False}
ITEM_KEYS = {"label": True, "column": True, "text_column": False, "reconstructed": False,
             "source": False}
SOURCE_KEYS = {"line": True, "quote": True}
CONDITION_KEYS = {"question": True, "equals": True}


@dataclass(frozen=True)
class Source:
    """Where a reconstructed element comes from: a line of the source document and its words."""

    line: int
    quote: str


@dataclass(frozen=True)
class Option:
    """One answer option (or one point of a matrix scale)."""

    label: str
    code: int | str
    text_column: str | None = None
    nonsubstantive: bool = False
    reconstructed: bool = False
    source: tuple[Source, ...] = ()


@dataclass(frozen=True)
class Item:
    """One row of a matrix question and the export column holding its answer."""

    column: str
    label: str
    text_column: str | None = None
    reconstructed: bool = False
    source: tuple[Source, ...] = ()


@dataclass(frozen=True)
class Condition:
    """Display logic: the question is shown only when ``question`` was answered ``equals``."""

    question: str
    equals: str


@dataclass(frozen=True)
class Question:
    id: str
    number: str
    part: str
    text: str
    type: str
    options: tuple[Option, ...] = ()
    items: tuple[Item, ...] = ()
    scale: tuple[Option, ...] = ()
    columns: tuple[str, ...] = ()
    items_available: bool = True
    condition: Condition | None = None
    reconstructed: bool = False
    source: tuple[Source, ...] = ()
    note: str | None = None
    line: int | None = None  # where the question is printed in the source document

    @property
    def text_columns(self) -> tuple[str, ...]:
        """Export columns holding typed-in text for 'please specify' options and items."""
        found = [o.text_column for o in self.options] + [i.text_column for i in self.items]
        return tuple(c for c in found if c)

    @property
    def all_columns(self) -> tuple[str, ...]:
        """Answer columns, then their text columns (the order Qualtrics exports them in)."""
        return self.columns + self.text_columns

    @property
    def any_reconstructed(self) -> bool:
        """True when the question or any of its options, items or scale points is reconstructed."""
        parts = (self, *self.options, *self.items, *self.scale)
        return any(p.reconstructed for p in parts)

    def option(self, label: str) -> Option:
        """The option (or scale point) with this exact label; KeyError if there is none."""
        for o in self.options + self.scale:
            if o.label == label:
                return o
        raise KeyError(f"question {self.id} has no option {label!r}")

    def labels_by_code(self) -> dict[int | str, str]:
        """Code -> label for the options, or for the scale of a matrix."""
        return {o.code: o.label for o in (self.options or self.scale)}


@dataclass(frozen=True)
class Part:
    id: str
    title: str
    title_printed: bool = True
    note: str | None = None


@dataclass(frozen=True)
class Instrument:
    survey: dict
    parts: tuple[Part, ...]
    questions: tuple[Question, ...]

    def question(self, qid: str) -> Question:
        for q in self.questions:
            if q.id == qid:
                return q
        raise KeyError(f"no question {qid!r} in the instrument")

    def part(self, pid: str) -> Part:
        for p in self.parts:
            if p.id == pid:
                return p
        raise KeyError(f"no part {pid!r} in the instrument")

    def questions_in(self, pid: str) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.part == pid)

    def data_columns(self) -> list[str]:
        """Every column the response data may hold, in survey order, text columns included."""
        return [c for q in self.questions for c in q.all_columns]

    def column_question(self, column: str) -> Question:
        """The question an export column belongs to; KeyError for an unknown column."""
        for q in self.questions:
            if column in q.all_columns:
                return q
        raise KeyError(f"column {column!r} belongs to no question in the instrument")


# --------------------------------------------------------------------------- YAML with lines


class _Map(dict):
    """A YAML mapping that remembers the line it starts on and the line of each key."""

    line: int = 0
    key_lines: dict


class _Loader(yaml.SafeLoader):
    """SafeLoader whose mappings are ``_Map``s; duplicate keys are recorded, not overwritten."""

    def __init__(self, stream):
        super().__init__(stream)
        self.duplicates: list[tuple[int, Any]] = []


def _construct_map(loader: _Loader, node: yaml.MappingNode) -> _Map:
    loader.flatten_mapping(node)
    result = _Map()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            loader.duplicates.append((key_node.start_mark.line + 1, key))
            continue
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)


# --------------------------------------------------------------------------- validation


class _Checker:
    """Collects problems while turning the parsed YAML into dataclasses."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []

    def add(self, line: int | None, message: str) -> None:
        self.problems.append(Problem(self.file, f"line {line}" if line else None, message))

    def mapping(self, value: Any, what: str, keys: dict[str, bool], line: int | None) -> bool:
        """Is ``value`` a mapping with only allowed keys and all required ones? Reports if not."""
        if not isinstance(value, dict):
            self.add(line, f"{what} should be a mapping with keys {', '.join(keys)}; "
                           f"found {_kind(value)}")
            return False
        where = getattr(value, "line", line)
        for key in value:
            if key not in keys:
                self.add(value.key_lines.get(key, where),
                         f"{what} has unknown key {key!r}; allowed keys: {', '.join(keys)}")
        for key, required in keys.items():
            if required and value.get(key) in (None, ""):
                self.add(where, f"{what} is missing {key!r} (required keys: "
                                f"{', '.join(k for k, r in keys.items() if r)})")
        return True

    def text(self, m: dict, key: str, what: str) -> str | None:
        value = m.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or isinstance(value, (dict, list)):
            self.add(_line(m, key), f"{what}: {key!r} should be text; found {_kind(value)}")
            return None
        return str(value)

    def flag(self, m: dict, key: str, what: str, default: bool) -> bool:
        value = m.get(key, default)
        if not isinstance(value, bool):
            self.add(_line(m, key), f"{what}: {key!r} should be true or false; found {value!r}")
            return default
        return value

    def list_of(self, m: dict, key: str, what: str) -> list:
        value = m.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.add(_line(m, key), f"{what}: {key!r} should be a list; found {_kind(value)}")
            return []
        return value

    def sources(self, m: dict, what: str) -> tuple[Source, ...]:
        found = []
        for s in self.list_of(m, "source", what):
            if self.mapping(s, f"{what}, source", SOURCE_KEYS, _line(m, "source")):
                line = s.get("line")
                if not isinstance(line, int) or isinstance(line, bool) or line < 1:
                    self.add(s.line, f"{what}, source: 'line' should be a line number; found {line!r}")
                    continue
                if s.get("quote"):
                    found.append(Source(line, str(s["quote"])))
        reconstructed = m.get("reconstructed") is True
        if reconstructed and not found:
            self.add(m.line, f"{what} is marked reconstructed but gives no source; expected "
                             "source: a list of {line: N, quote: \"...\"}")
        return tuple(found)


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    return f"{value!r}"


def _line(m: Any, key: str | None = None) -> int | None:
    if isinstance(m, _Map):
        return m.key_lines.get(key, m.line) if key else m.line
    return None


def _options(c: _Checker, q: dict, key: str, what: str) -> tuple[Option, ...]:
    options = []
    for pos, o in enumerate(c.list_of(q, key, what), start=1):
        owhat = f"{what}, {key} {pos}"
        if not c.mapping(o, owhat, OPTION_KEYS, _line(q, key)) or o.get("label") in (None, ""):
            continue
        code = o.get("code", pos)
        if isinstance(code, (bool, dict, list)) or code is None:
            c.add(_line(o, "code"), f"{owhat}: 'code' should be a number or text; found {code!r}")
            code = pos
        options.append(Option(
            label=c.text(o, "label", owhat), code=code,
            text_column=c.text(o, "text_column", owhat),
            nonsubstantive=c.flag(o, "nonsubstantive", owhat, False),
            reconstructed=c.flag(o, "reconstructed", owhat, False),
            source=c.sources(o, owhat)))
    codes = [o.code for o in options]
    for code in sorted({x for x in codes if codes.count(x) > 1}, key=str):
        c.add(_line(q, key), f"{what}: code {code!r} is used by more than one of its {key}")
    return tuple(options)


def _items(c: _Checker, q: dict, what: str) -> tuple[Item, ...]:
    items = []
    for pos, i in enumerate(c.list_of(q, "items", what), start=1):
        iwhat = f"{what}, item {pos}"
        if not c.mapping(i, iwhat, ITEM_KEYS, _line(q, "items")):
            continue
        if i.get("label") in (None, "") or i.get("column") in (None, ""):
            continue
        items.append(Item(
            column=c.text(i, "column", iwhat), label=c.text(i, "label", iwhat),
            text_column=c.text(i, "text_column", iwhat),
            reconstructed=c.flag(i, "reconstructed", iwhat, False),
            source=c.sources(i, iwhat)))
    return tuple(items)


def _question(c: _Checker, q: dict, pos: int, part_ids: set[str]) -> Question | None:
    what = f"question {q.get('id') or pos}" if isinstance(q, dict) else f"question {pos}"
    if not c.mapping(q, what, QUESTION_KEYS, None):
        return None
    qtype = q.get("type")
    if qtype is not None and qtype not in TYPES:
        c.add(_line(q, "type"), f"{what}: unknown type {qtype!r}; expected one of: {', '.join(TYPES)}")
    part = c.text(q, "part", what)
    if part is not None and part not in part_ids:
        c.add(_line(q, "part"), f"{what}: part {part!r} is not one of the parts listed under "
                                f"'parts' ({', '.join(sorted(part_ids)) or 'none'})")
    options = _options(c, q, "options", what)
    items = _items(c, q, what)
    scale = _options(c, q, "scale", what)
    columns = []
    for col in c.list_of(q, "columns", what):
        if isinstance(col, (dict, list, bool)) or col in (None, ""):
            c.add(_line(q, "columns"), f"{what}: columns should be column names; found {col!r}")
        else:
            columns.append(str(col))
    available = c.flag(q, "items_available", what, True)

    if options and qtype not in CHOICE_TYPES:
        c.add(_line(q, "options"), f"{what}: a {qtype} question takes no 'options' "
                                   f"(only {', '.join(CHOICE_TYPES)} do)")
    if (items or scale) and qtype != "matrix":
        c.add(_line(q, "items" if items else "scale"),
              f"{what}: only a matrix question takes 'items' and 'scale'")
    if qtype in CHOICE_TYPES and not options and available:
        c.add(q.line, f"{what}: a {qtype} question needs 'options' (or items_available: false "
                      "when the option list is lost)")
    if qtype == "matrix":
        if items and not scale:
            c.add(_line(q, "items"), f"{what}: a matrix with items needs a 'scale' (the answer "
                                     "options every item is rated on)")
        if not items and available:
            c.add(q.line, f"{what}: a matrix question needs 'items' (or items_available: false "
                          "when the item list is lost)")
        if items and columns != [i.column for i in items]:
            c.add(_line(q, "columns"), f"{what}: columns {columns} should list the items' "
                                       f"columns in order: {[i.column for i in items]}")
    if not available and columns:
        c.add(_line(q, "columns"), f"{what}: items_available is false, so columns should be []")

    condition = None
    if "condition" in q and c.mapping(q["condition"], f"{what}, condition", CONDITION_KEYS,
                                      _line(q, "condition")):
        cond = q["condition"]
        if cond.get("question") and cond.get("equals") is not None:
            condition = Condition(str(cond["question"]), str(cond["equals"]))
    return Question(
        id=c.text(q, "id", what) or "", number=c.text(q, "number", what) or "",
        part=part or "", text=c.text(q, "text", what) or "", type=qtype or "",
        options=options, items=items, scale=scale, columns=tuple(columns),
        items_available=available, condition=condition,
        reconstructed=c.flag(q, "reconstructed", what, False), source=c.sources(q, what),
        note=c.text(q, "note", what), line=q.get("line") if isinstance(q.get("line"), int) else None)


def _check_survey(c: _Checker, survey: Any, line: int | None) -> None:
    if not c.mapping(survey, "survey", SURVEY_KEYS, line):
        return
    for pos, entry in enumerate(c.list_of(survey, "information", "survey"), start=1):
        ewhat = f"survey, information entry {pos}"
        if c.mapping(entry, ewhat, INFO_KEYS, _line(survey, "information")):
            if entry.get("kind") is not None and entry["kind"] not in INFO_KINDS:
                c.add(_line(entry, "kind"), f"{ewhat}: unknown kind {entry['kind']!r}; expected "
                                            f"one of: {', '.join(INFO_KINDS)}")
    for pos, entry in enumerate(c.list_of(survey, "closing", "survey"), start=1):
        c.mapping(entry, f"survey, closing text {pos}", CLOSING_KEYS, _line(survey, "closing"))


def _check_references(c: _Checker, questions: list[Question], lines: dict[int, int]) -> None:
    """Duplicate ids and columns; conditions that name a missing question or option."""
    seen_ids: dict[str, int] = {}
    seen_cols: dict[str, str] = {}
    for pos, q in enumerate(questions):
        line = lines[pos]
        if q.id in seen_ids:
            c.add(line, f"duplicate question id {q.id!r} (first used at line {seen_ids[q.id]}); "
                        "every question needs its own id")
        seen_ids.setdefault(q.id, line)
        for col in q.all_columns:
            if col in seen_cols:
                c.add(line, f"question {q.id}: duplicate column {col!r} (also used by question "
                            f"{seen_cols[col]}); every export column belongs to one question")
            seen_cols.setdefault(col, q.id)
    by_id: dict[str, Question] = {}
    for q in questions:
        by_id.setdefault(q.id, q)  # a duplicated id is reported above; use its first question
    for pos, q in enumerate(questions):
        if q.condition is None:
            continue
        target = by_id.get(q.condition.question)
        if target is None:
            c.add(lines[pos], f"question {q.id}: condition names question "
                              f"{q.condition.question!r}, which is not in the instrument")
        elif q.condition.equals not in [o.label for o in target.options]:
            labels = ", ".join(repr(o.label) for o in target.options) or "none"
            c.add(lines[pos], f"question {q.id}: condition expects {q.condition.equals!r} but "
                              f"question {target.id} has no such option (its options: {labels})")


def _plain(value: Any) -> Any:
    """Turn ``_Map``s back into ordinary dicts (for ``Instrument.survey``)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def load_instrument(path: Path | str) -> Instrument:
    """Read and check the instrument codebook; raise one DataError listing every problem."""
    path = Path(path)
    file = display_path(path)
    if not path.is_file():
        raise DataError(Problem(file, None, "file not found; expected the instrument codebook "
                                            "(YAML with survey, parts and questions)"))
    loader = _Loader(path.read_text(encoding="utf-8"))
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = f"line {mark.line + 1}" if mark else None
        raise DataError(Problem(file, line, f"not valid YAML: {e.problem or e.context}")) from None
    except yaml.YAMLError as e:
        raise DataError(Problem(file, None, f"not valid YAML: {e}")) from None
    finally:
        loader.dispose()

    c = _Checker(file)
    for line, key in loader.duplicates:
        c.add(line, f"key {key!r} is given twice in the same mapping; give it once")
    if not c.mapping(data, "the codebook", TOP_KEYS, 1):
        raise DataError(c.problems)
    _check_survey(c, data.get("survey"), _line(data, "survey"))

    parts = []
    for pos, p in enumerate(c.list_of(data, "parts", "the codebook"), start=1):
        if c.mapping(p, f"part {p.get('id') or pos}" if isinstance(p, dict) else f"part {pos}",
                     PART_KEYS, _line(data, "parts")) and p.get("id") and p.get("title"):
            pwhat = f"part {p['id']}"
            if any(x.id == str(p["id"]) for x in parts):
                c.add(p.line, f"duplicate part id {p['id']!r}; every part needs its own id")
            parts.append(Part(str(p["id"]), str(p["title"]),
                              c.flag(p, "title_printed", pwhat, True), c.text(p, "note", pwhat)))
    part_ids = {p.id for p in parts}

    questions, lines = [], {}
    for pos, q in enumerate(c.list_of(data, "questions", "the codebook"), start=1):
        built = _question(c, q, pos, part_ids)
        if built is not None:
            lines[len(questions)] = q.line
            questions.append(built)
    _check_references(c, questions, lines)

    if c.problems:
        raise DataError(c.problems)
    return Instrument(_plain(data["survey"]), tuple(parts), tuple(questions))
