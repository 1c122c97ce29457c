"""The survey instrument as a codebook: parts, questions, options, matrix items.

``load_instrument(path)`` reads a YAML codebook (``data/instrument.yaml``), checks it, and
returns an ``Instrument`` of frozen dataclasses. Every problem found is collected and raised
as one ``DataError`` naming the file, the YAML line and what was expected.

Nothing here is study-specific: question ids, wording and columns all come from the file.
Codes of options are their 1-based position unless the option states ``code:``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from collections import Counter

from ..errors import DataError, Problem, ProblemList, listing, shown
from . import yamlfile
from .yamlfile import Column, Id, Schema, StrictBool, StrictInt, Text

CHOICE_TYPES = ("single_choice", "multiple_choice", "yes_no")
DEFAULT_POLARITY = "unipolar"  # no negative side is invented for a scale that does not declare one

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
    column: str | None = None  # multiple_choice, one column per option: the option's 0/1 column
    code_stated: bool = False  # the codebook states the code (so a numeric export may use it)


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
    # a matrix scale's polarity: "bipolar" (agree ... disagree: two opposite halves, drawn diverging
    # around its centre) or "unipolar" (not at all ... a great deal: drawn stacked from zero)
    polarity: str = DEFAULT_POLARITY
    administrative: bool = False  # about the survey itself (e.g. "would you like a report?"): listed, not charted
    import_ids: tuple[tuple[str, str], ...] = ()  # (codebook column, Qualtrics ImportId) pairs
    review: str | None = None  # what a person should check in a drafted entry (never published)
    unit: str | None = None  # number questions: the unit of the answers ("years")

    @property
    def layout(self) -> str | None:
        """multiple_choice only: 'joined' (one column of labels or codes joined with commas) or
        'columns' (one 0/1 column per option); None for other types."""
        if self.type != "multiple_choice":
            return None
        return "columns" if self.options and all(o.column for o in self.options) else "joined"

    @cached_property
    def text_columns(self) -> tuple[str, ...]:
        """Export columns holding typed-in text for 'please specify' options and items."""
        found = [o.text_column for o in self.options] + [i.text_column for i in self.items]
        return tuple(c for c in found if c)

    @cached_property
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
    data: dict = field(default_factory=dict, repr=False, compare=False)  # as checked, for the download
    ignore: tuple[str, ...] = ()  # export columns dropped on purpose (embedded data, panel columns)
    _by_id: dict = field(default_factory=dict, repr=False, compare=False)
    _by_column: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for q in self.questions:
            self._by_id.setdefault(q.id, q)
            for c in q.all_columns:
                self._by_column.setdefault(c, q)

    def question(self, qid: str) -> Question:
        try:
            return self._by_id[qid]
        except KeyError:
            raise KeyError(f"no question {qid!r} in the instrument") from None

    def questions_in(self, pid: str) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.part == pid)

    def data_columns(self) -> list[str]:
        """Every column the response data may hold, in survey order, text columns included."""
        return [c for q in self.questions for c in q.all_columns]

    def column_question(self, column: str) -> Question:
        """The question an export column belongs to; KeyError for an unknown column."""
        try:
            return self._by_column[column]
        except KeyError:
            raise KeyError(f"column {column!r} belongs to no question in the instrument") from None


# --------------------------------------------------------------------------- the file's schema

class SourceSchema(Schema):
    line: StrictInt
    quote: Text


class OptionSchema(Schema):
    label: Text
    code: Any = None  # a number or text; the option's 1-based position when absent
    text_column: Column | None = None
    nonsubstantive: StrictBool = False
    reconstructed: StrictBool = False
    source: list[SourceSchema] = []
    column: Column | None = None  # multiple_choice with one 0/1 column per option: the option's


class ItemSchema(Schema):
    label: Text
    column: Column
    text_column: Column | None = None
    reconstructed: StrictBool = False
    source: list[SourceSchema] = []


class ConditionSchema(Schema):
    question: Id
    equals: Text


class QuestionSchema(Schema):
    id: Id
    number: Text
    part: Id
    text: Text
    type: Literal["single_choice", "multiple_choice", "matrix", "free_text", "yes_no", "number"]
    columns: list[Column]
    line: StrictInt | None = None
    options: list[OptionSchema] = []
    items: list[ItemSchema] = []
    scale: list[OptionSchema] = []
    # The scale's polarity (matrix questions with a scale only): 'bipolar' when its two ends are
    # opposites (strongly disagree ... strongly agree; a middle point, if any, is neutral), drawn as
    # diverging bars centred between its halves (or on its middle point); 'unipolar' when it runs
    # from none to much (not at all ... a great deal, never ... always), drawn stacked from zero.
    # Absent: unipolar, the safer reading (no negative side is invented). Scale points marked
    # nonsubstantive (don't know, not applicable) are drawn apart, on neither side.
    polarity: Literal["bipolar", "unipolar"] | None = None
    items_available: StrictBool = True
    condition: ConditionSchema | None = None
    reconstructed: StrictBool = False
    source: list[SourceSchema] = []
    note: str | None = None
    administrative: StrictBool = False  # about the survey, not a finding: listed, not charted
    import_ids: dict[Column, Text] = {}  # codebook column -> the export's ImportId ("QID5_4_TEXT")
    review: str | None = None  # for the team: what a drafted entry needs checked (never published)
    unit: Text | None = None  # number questions only


class PartSchema(Schema):
    id: Id
    title: Text
    title_printed: StrictBool = True
    line: StrictInt | None = None
    note: str | None = None


class InfoSchema(Schema):
    kind: Literal["heading", "paragraph", "list_item"]
    text: Text
    line: StrictInt | None = None
    personal_data: StrictBool = False


class ClosingSchema(Schema):
    text: Text
    line: StrictInt | None = None


class SurveySchema(Schema):
    title: Text
    title_note: str | None = None
    platform: str | None = None
    source_document: str | None = None
    information: list[InfoSchema] = []
    consent: str | None = None
    introduction: list[str] = []
    closing: list[ClosingSchema] = []
    email_collection: str | None = None


class InstrumentSchema(Schema):
    # export columns the site never uses (embedded data, panel and quality columns): dropped with
    # one notice; Qualtrics' own metadata and quality columns are dropped without being listed
    ignore: list[Column] = []
    survey: SurveySchema
    parts: list[PartSchema]
    questions: list[QuestionSchema]


# --------------------------------------------------------------------------- checks across keys

def _sources(entries) -> tuple[Source, ...]:
    return tuple(Source(s.line, s.quote) for s in entries)


def _options(doc, loc, entries) -> tuple[tuple[Option, ...], list[Problem]]:
    problems, options = ProblemList(), []
    for pos, o in enumerate(entries):
        code = pos + 1 if o.code is None else o.code
        if isinstance(code, bool) or not isinstance(code, (int, str)) or isinstance(code, str) and not code:
            problems.append(doc.problem(loc + (pos, "code"), f"{yamlfile.where_text(loc + (pos, 'code'))} "
                                        f"should be a number or text; found {shown(code)}"))
            code = pos + 1
        options.append(Option(o.label, code, o.text_column, o.nonsubstantive, o.reconstructed,
                              _sources(o.source), o.column, o.code is not None))
    counts = Counter(o.code for o in options)
    for code in sorted((c for c, n in counts.items() if n > 1), key=str):
        problems.append(doc.problem(loc, f"{yamlfile.where_text(loc)}: code {shown(code)} is used by more "
                                         "than one entry; every code must be unique"))
    labels = Counter(o.label for o in options)
    for label in (x for x, n in labels.items() if n > 1):  # an answer would not say which option
        problems.append(doc.problem(loc, f"{yamlfile.where_text(loc)}: label {shown(label)} is used by "
                                         "more than one entry; every label must be unique"))
    return tuple(options), problems


def _question(doc, pos: int, q: QuestionSchema, part_ids: set[str]) -> tuple[Question, list[Problem]]:
    loc = ("questions", pos)
    what = f"question {q.id}"
    problems = ProblemList()

    def add(key, message):
        problems.append(doc.problem(loc + ((key,) if key else ()), f"{what}: {message}"))

    if q.part not in part_ids:
        add("part", f"part {shown(q.part)} is not one of the parts listed under 'parts' "
                    f"({listing(sorted(part_ids), quote=False) or 'none'})")
    options, found = _options(doc, loc + ("options",), q.options)
    scale, found2 = _options(doc, loc + ("scale",), q.scale)
    problems += found + found2
    if q.options and q.type not in CHOICE_TYPES:
        add("options", f"a {q.type} question takes no 'options' (only {', '.join(CHOICE_TYPES)} do)")
    if q.scale and q.type != "matrix":
        add("scale", "only a matrix question takes a 'scale'")
    if q.items and q.type not in ("matrix", "number"):
        add("items", "only a matrix or number question takes 'items'")
    if q.type == "number" and q.items and q.columns != [i.column for i in q.items]:
        add("columns", f"columns [{listing(q.columns)}] should list the items' columns in order: "
                       f"[{listing(i.column for i in q.items)}]")
    if q.type == "number" and not q.items and len(q.columns) != 1 and q.items_available:
        add("columns", "a number question without items has one column")
    if q.unit is not None and q.type != "number":
        add("unit", "only a number question takes a 'unit'")
    with_column = [o for o in q.options if o.column]
    if with_column and q.type != "multiple_choice":
        add("options", "only a multiple_choice option takes a 'column' (its 0/1 column)")
    elif with_column and len(with_column) != len(q.options):
        add("options", "either every option gives its 'column' (one 0/1 column per option) or none "
                       "does (one column of answers joined with commas)")
    elif with_column and q.columns != [o.column for o in q.options]:
        add("columns", f"columns [{listing(q.columns)}] should list the options' columns in order: "
                       f"[{listing(o.column for o in q.options)}]")
    elif q.type == "multiple_choice" and not with_column and q.items_available and len(q.columns) != 1:
        add("columns", "a multiple_choice question has one column (answers joined with commas) "
                       "unless every option gives its own 'column'")
    for col in q.import_ids:
        if col not in q.columns and col not in [o.text_column for o in q.options] \
                and col not in [i.text_column for i in q.items]:
            add("import_ids", f"{shown(col)} is not one of this question's columns")
    if q.type in CHOICE_TYPES and not q.options and q.items_available:
        add(None, f"a {q.type} question needs 'options' (or items_available: false when the option "
                  "list is lost)")
    if q.type == "matrix":
        if q.items and not q.scale:
            add("items", "a matrix with items needs a 'scale' (the answer options every item is "
                         "rated on)")
        if not q.items and q.items_available:
            add(None, "a matrix question needs 'items' (or items_available: false when the item list "
                      "is lost)")
        if q.items and q.columns != [i.column for i in q.items]:
            add("columns", f"columns [{listing(q.columns)}] should list the items' columns in order: "
                           f"[{listing(i.column for i in q.items)}]")
    if q.polarity is not None and not (q.type == "matrix" and q.scale):
        add("polarity", "only a matrix question with a 'scale' takes 'polarity' (the polarity of "
                        "its scale: bipolar or unipolar)")
    if q.polarity == "bipolar" and len([o for o in scale if not o.nonsubstantive]) < 2:
        add("polarity", "a bipolar scale needs at least two points that are not nonsubstantive "
                        "(one for each side)")
    if not q.items_available and q.columns:
        add("columns", "items_available is false, so columns should be []")
    for key, entry in ([((), q)] + [(("options", i), o) for i, o in enumerate(q.options)]
                       + [(("items", i), o) for i, o in enumerate(q.items)]
                       + [(("scale", i), o) for i, o in enumerate(q.scale)]):
        if entry.reconstructed and not entry.source:
            problems.append(doc.problem(loc + key, f"{what}: {yamlfile.where_text(key) if key else 'it'} "
                                        "is marked reconstructed but gives no source; expected "
                                        "source: a list of {line: N, quote: \"...\"}"))
    items = tuple(Item(i.column, i.label, i.text_column, i.reconstructed, _sources(i.source))
                  for i in q.items)
    condition = Condition(q.condition.question, q.condition.equals) if q.condition else None
    return Question(id=q.id, number=q.number, part=q.part, text=q.text, type=q.type,
                    options=options, items=items, scale=scale, columns=tuple(q.columns),
                    items_available=q.items_available, condition=condition,
                    reconstructed=q.reconstructed, source=_sources(q.source), note=q.note,
                    line=q.line, polarity=q.polarity or DEFAULT_POLARITY,
                    administrative=q.administrative, import_ids=tuple(q.import_ids.items()),
                    review=q.review, unit=q.unit), problems


def _references(doc, questions: list[Question]) -> list[Problem]:
    """Duplicate ids and columns; conditions that name a missing question or option."""
    problems = ProblemList()
    seen_ids: dict[str, int] = {}
    seen_cols: dict[str, str] = {}
    for pos, q in enumerate(questions):
        loc = ("questions", pos)
        key = q.id.lower()  # ids become anchors and file names, where case may not tell them apart
        if key in seen_ids:
            problems.append(doc.problem(loc + ("id",), f"duplicate question id {shown(q.id)} (first used at "
                                        f"line {doc.line(('questions', seen_ids[key]))}; ids that "
                                        "differ only in capitals count as the same); every question "
                                        "needs its own id"))
        seen_ids.setdefault(key, pos)
        for col in q.all_columns:
            if col in seen_cols:
                problems.append(doc.problem(loc, f"question {q.id}: duplicate column {shown(col)} (also used "
                                            f"by question {seen_cols[col]}); every export column "
                                            "belongs to one question"))
            seen_cols.setdefault(col, q.id)
    by_id = {}
    for q in questions:
        by_id.setdefault(q.id, q)
    for pos, q in enumerate(questions):
        if q.condition is None:
            continue
        loc = ("questions", pos, "condition")
        target = by_id.get(q.condition.question)
        if target is None:
            problems.append(doc.problem(loc, f"question {q.id}: condition names question "
                                        f"{shown(q.condition.question)}, which is not in the instrument"))
        elif q.condition.equals not in [o.label for o in target.options]:
            labels = listing(o.label for o in target.options) or "none"
            problems.append(doc.problem(loc, f"question {q.id}: condition expects "
                                        f"{shown(q.condition.equals)} but question {target.id} has no such "
                                        f"option (its options: {labels})"))
    return problems


def load_instrument(path: Path | str) -> Instrument:
    """Read and check the instrument codebook; raise one DataError listing every problem."""
    doc = yamlfile.read(path, "the instrument codebook (YAML with survey, parts and questions)")
    raw = yamlfile.validate(doc, InstrumentSchema)
    problems = ProblemList()
    parts, seen = [], set()
    for pos, p in enumerate(raw.parts):
        if p.id in seen:
            problems.append(doc.problem(("parts", pos, "id"),
                                        f"duplicate part id {shown(p.id)}; every part needs its own id"))
        seen.add(p.id)
        parts.append(Part(p.id, p.title, p.title_printed, p.note))
    part_ids = {p.id for p in parts}
    questions = []
    for pos, q in enumerate(raw.questions):
        question, found = _question(doc, pos, q, part_ids)
        questions.append(question)
        problems += found
    problems += _references(doc, questions)
    if problems:
        raise DataError(problems)
    return Instrument(raw.survey.model_dump(), tuple(parts), tuple(questions),
                      data=raw.model_dump(mode="json", exclude_unset=True), ignore=tuple(raw.ignore))
