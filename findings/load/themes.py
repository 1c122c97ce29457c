"""The qualitative codebook: how the free-text answers were coded, step by step.

``load_themes(path, question_ids)`` reads ``data/themes.yaml`` (Appendix B of the manuscript as a
tree: step -> analysis -> group -> theme -> sub-theme -> quotes), checks it, and returns a
``ThemeCodebook`` of frozen dataclasses. Every problem found is collected and raised as one
``DataError`` naming the file, the YAML line and what was expected.

Nothing here is study-specific: titles, question ids, which analyses are final and how bare
labels are read all come from the file.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Literal

from ..errors import DataError, Problem, ProblemList, listing, shown
from . import yamlfile
from .yamlfile import Id, Schema, StrictBool, StrictInt, Text

KINDS = ("step", "analysis", "group", "theme", "subtheme")
CHILD_KINDS = {None: ("step",), "step": ("analysis",), "analysis": ("group", "theme"),
               "group": ("theme",), "theme": ("subtheme",), "subtheme": ()}
ID_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
LABEL_RE = re.compile(r"P?[0-9]{1,9}")
CITED_AS_RE = re.compile(r"[0-9]{1,9}")


@dataclass(frozen=True)
class Quote:
    text: str  # verbatim, after the repairs listed in ``repairs``
    label: str | None  # exactly as printed: "P31", "31", or None
    participant: str | None  # "P31" form, or None (no label, or a bare number that is no participant)
    question: str  # survey question id the quote answers, e.g. "Q19"
    line: int  # first line of the quote in the source text
    annotation: str | None = None  # rating note printed after the label, e.g. ", a little"
    repairs: tuple[str, ...] = ()  # what printing damage was repaired
    note: str | None = None
    cited_as: str | None = None  # participant number as the manuscript's Results cite it ("48" for [ppt. 48])
    cited_line: int | None = None  # line of that citation in the manuscript (paper.txt)


@dataclass(frozen=True)
class Node:
    id: str
    title: str  # exactly as printed
    kind: str  # one of KINDS
    children: tuple[Node, ...]
    quotes: tuple[Quote, ...]
    step: str  # id of the step the node belongs to
    analysis_id: str | None  # id of the analysis the node belongs to (None for a step)
    questions: tuple[str, ...]  # question ids coded here (declared, or inherited from above)
    line: int | None = None  # line of the heading in the source text
    final: bool = False  # an analysis the site presents as final themes
    note: str | None = None
    reader_title: str | None = None  # the name readers see (site pages, nav); the title stays on the coding page
    summary: str | None = None  # what the theme is, in two or three plain sentences (opens its page)
    # respondents coded here in the team's analysis tool beyond those its quotes name (load/qda.py):
    # counted in the prevalence, never shown
    coded: frozenset = frozenset()

    @property
    def shown_title(self) -> str:
        """The title readers see: the reader title where the codebook gives one."""
        return self.reader_title or self.title

    def walk(self) -> Iterator[Node]:
        """This node and all its descendants, in document order."""
        yield self
        for child in self.children:
            yield from child.walk()

    def all_quotes(self) -> list[Quote]:
        """Every quote in this node and its descendants, in document order."""
        return [q for n in self.walk() for q in n.quotes]

    def participants(self) -> set[str]:
        """Normalised participant labels quoted (or coded, ``coded``) in this node and its descendants."""
        return {q.participant for n in self.walk() for q in n.quotes if q.participant} | \
            {p for n in self.walk() for p in n.coded}


@dataclass(frozen=True)
class ThemeCodebook:
    title: str
    source: str | None  # the text the line numbers refer to, as written in the file
    steps: tuple[Node, ...]
    warnings: tuple[Problem, ...] = ()  # label inconsistencies: worth a look, not fatal
    data: dict = field(default_factory=dict, repr=False, compare=False)  # as checked, for the download
    # True when every coding of the team's analysis tool was read (a .qdpx, Taguette's highlights):
    # a theme's respondents are all those coded under it (``Node.coded`` with the quotes'), not only
    # those its published quotes name; False for themes.yaml (the quotes alone) and a bare codebook
    all_codings: bool = field(default=False, compare=False)
    _index: dict[str, Node] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._index.update({n.id: n for step in self.steps for n in step.walk()})

    def node(self, node_id: str) -> Node:
        try:
            return self._index[node_id]
        except KeyError:
            raise KeyError(f"no node with id {node_id!r} in the theme codebook") from None

    def analyses(self) -> list[Node]:
        return [n for step in self.steps for n in step.walk() if n.kind == "analysis"]

    def final_analyses(self) -> list[Node]:
        """The analyses marked ``final: true``, in document order."""
        return [n for n in self.analyses() if n.final]

    def all_quotes(self) -> list[tuple[Quote, tuple[Node, ...]]]:
        """Every quote with the path of nodes from its step down to the node that holds it."""
        found: list[tuple[Quote, tuple[Node, ...]]] = []

        def visit(node: Node, path: tuple[Node, ...]) -> None:
            path = path + (node,)
            found.extend((q, path) for q in node.quotes)
            for child in node.children:
                visit(child, path)

        for step in self.steps:
            visit(step, ())
        return found


# --------------------------------------------------------------------------- the file's schema

class QuoteSchema(Schema):
    text: Text
    label: str | None = None
    line: StrictInt
    question: Id
    annotation: str | None = None
    repairs: list[Text] = []
    note: str | None = None
    cited_as: str | None = None  # with cited_line: where the manuscript's Results cite this quote
    cited_line: StrictInt | None = None


class NodeSchema(Schema):
    id: Id
    title: Text
    kind: Literal["step", "analysis", "group", "theme", "subtheme"]
    line: StrictInt | None = None
    questions: list[Id] | None = None
    final: StrictBool = False
    note: str | None = None
    reader_title: Text | None = None  # a reader's name for a step, analysis or group ("Agree")
    summary: Text | None = None  # two or three sentences on what the theme is, written for readers
    children: list[NodeSchema] = []
    quotes: list[QuoteSchema] = []


class ThemesSchema(Schema):
    title: Text
    source: str | None = None
    bare_labels_are_participants: StrictBool = False
    steps: list[NodeSchema]


# --------------------------------------------------------------------------- checks across keys

class _Reader:
    """Turns the validated tree into nodes, checking what the schema cannot."""

    def __init__(self, doc, question_ids: set[str] | None, bare_are_participants: bool):
        self.doc = doc
        self.question_ids = question_ids
        self.bare_are_participants = bare_are_participants
        self.problems = ProblemList()
        self.ids: dict[str, int | None] = {}

    def add(self, loc, message: str) -> None:
        self.problems.append(self.doc.problem(loc, message))

    def unknown_question(self, qid: str, loc, what: str) -> None:
        if self.question_ids is not None and qid not in self.question_ids:
            self.add(loc, f"{what}: question {shown(qid)} is not a question of the instrument")

    def node(self, m: NodeSchema, parent_kind: str | None, context: dict, loc) -> Node:
        what = f"{m.kind} {shown(m.id)}"
        if not ID_RE.fullmatch(m.id):
            self.add(loc + ("id",), f"{what}: id should be a slug of lower-case letters, digits and "
                                    "hyphens (e.g. 's3-barriers-provider-factors')")
        if m.id in self.ids:
            self.add(loc + ("id",), f"duplicate id {shown(m.id)} (first used on line {self.ids[m.id]}); "
                                    "every id must be unique")
        else:
            self.ids[m.id] = self.doc.line(loc + ("id",))
        if m.kind not in CHILD_KINDS[parent_kind]:
            allowed = " or ".join(CHILD_KINDS[parent_kind]) or "nothing"
            article = "an" if parent_kind == "analysis" else "a"
            under = f"under {article} {parent_kind}" if parent_kind else "at the top level"
            self.add(loc + ("kind",), f"{what}: a {m.kind} cannot stand here; {under} expected {allowed}")
        if m.questions is not None:
            if not m.questions:
                self.add(loc + ("questions",), f"{what}: 'questions' should be a non-empty list of "
                                               "question ids such as [Q12]")
            for i, q in enumerate(m.questions):
                self.unknown_question(q, loc + ("questions", i), what)
        if m.kind == "analysis" and m.questions is None:
            self.add(loc, f"{what} has no 'questions'; expected the survey question ids it codes")
        context = dict(context)
        if m.kind == "step":
            context["step"] = m.id
        if m.kind == "analysis":
            context["analysis"] = m.id
        if m.questions:
            context["questions"] = tuple(m.questions)
        if m.quotes and m.kind not in ("theme", "subtheme"):
            self.add(loc + ("quotes",), f"{what}: quotes belong under a theme or sub-theme, not a {m.kind}")
        if m.kind in ("theme", "subtheme") and not m.quotes and not m.children:
            self.add(loc, f"{what} ({shown(m.title)}) has no quotes and no sub-themes; expected at least one")
        quotes = [self.quote(q, what, context, loc + ("quotes", i)) for i, q in enumerate(m.quotes)]
        children = [self.node(c, m.kind, context, loc + ("children", i))
                    for i, c in enumerate(m.children)]
        return Node(id=m.id, title=m.title, kind=m.kind, children=tuple(children),
                    quotes=tuple(q for q in quotes if q), step=context.get("step") or m.id,
                    analysis_id=context.get("analysis"), questions=context.get("questions", ()),
                    line=m.line, final=m.final, note=m.note, reader_title=m.reader_title,
                    summary=m.summary)

    def quote(self, m: QuoteSchema, where: str, context: dict, loc) -> Quote | None:
        what = f"quote in {where}"
        label = m.label
        if label is not None and not LABEL_RE.fullmatch(label):
            self.add(loc + ("label",), f"{what}: label {shown(label)} should look like 'P31' or '31' "
                                       "(or be null)")
            label = None
        self.unknown_question(m.question, loc + ("question",), what)
        coded = context.get("questions", ())
        if coded and m.question not in coded:
            self.add(loc + ("question",), f"{what}: question {shown(m.question)} is not among the "
                                          f"questions coded here ({listing(coded, quote=False)})")
        if m.line < 1:
            self.add(loc + ("line",), f"{what}: 'line' should be a line number; found {shown(m.line)}")
        cited_as, cited_line = m.cited_as, m.cited_line
        if (cited_as is None) != (cited_line is None):
            given, missing = ("cited_as", "cited_line") if cited_line is None else ("cited_line", "cited_as")
            self.add(loc + (given,), f"{what}: '{given}' is given without '{missing}'; a citation "
                                     "needs both (cited_as: '48' and cited_line: 52) or neither")
            cited_as = cited_line = None
        if cited_as is not None and not CITED_AS_RE.fullmatch(cited_as):
            self.add(loc + ("cited_as",), f"{what}: cited_as {shown(cited_as)} should be the participant "
                                          "number as the manuscript prints it, digits only (e.g. '48')")
            cited_as = cited_line = None
        if cited_line is not None and cited_line < 1:
            self.add(loc + ("cited_line",), f"{what}: 'cited_line' should be a line number; found "
                                            f"{shown(cited_line)}")
            cited_as = cited_line = None
        return Quote(text=m.text, label=label, participant=self.participant(label), question=m.question,
                     line=m.line, annotation=m.annotation, repairs=tuple(m.repairs), note=m.note,
                     cited_as=cited_as, cited_line=cited_line)

    def participant(self, label: str | None) -> str | None:
        if label is None:
            return None
        if label.startswith("P"):
            return f"P{int(label[1:])}"
        return f"P{int(label)}" if self.bare_are_participants else None


def _label_warnings(file: str, steps: tuple[Node, ...]) -> list[Problem]:
    """The same quote text attributed to different participants in different places.

    ``file`` is the source text the quotes' line numbers refer to.

    When one node lists the same text under two participants, the coders saw two answers that
    happen to read alike (e.g. "Lack of training"): that text is not reported.
    """
    seen: dict[str, dict[str, list[int]]] = {}
    alike: set[str] = set()
    for step in steps:
        for node in step.walk():
            here: dict[str, set[str]] = {}
            for q in node.quotes:
                if q.participant:
                    seen.setdefault(q.text, {}).setdefault(q.participant, []).append(q.line)
                    here.setdefault(q.text, set()).add(q.participant)
            alike.update(text for text, ps in here.items() if len(ps) > 1)
    warnings = []
    for text, by_participant in seen.items():
        if len(by_participant) < 2 or text in alike:
            continue
        lines = sorted(n for ns in by_participant.values() for n in ns)
        parts = "; ".join(f"{p} at line{'s' if len(ns) > 1 else ''} {', '.join(map(str, sorted(ns)))}"
                          for p, ns in sorted(by_participant.items(), key=lambda kv: min(kv[1])))
        warnings.append(Problem(file, f"lines {listing(lines, quote=False)}",
                                f"the same quote is attributed to different participants ({parts}): "
                                f"{shown(text)}"))
    return warnings


def load_themes(path: Path | str, question_ids: set[str] | None = None, qda=None) -> ThemeCodebook:
    """Read and check the theme codebook; raise one ``DataError`` listing every problem.

    ``question_ids``: the instrument's question ids; when given, every quote's question (and every
    analysis's questions) must be one of them. A ``.qdpx``, ``.qdc`` or ``.csv`` file is the export
    of the team's analysis tool (REFI-QDA, Taguette), read by ``load/qda.py`` with ``qda``
    (``QdaInputs``: study.yml's ``qda:`` settings and the respondent ids).
    """
    if Path(path).suffix.lower() in (".qdpx", ".qde", ".qdc", ".csv"):
        from .qda import load_qda  # it builds on this module's nodes

        return load_qda(path, question_ids, qda)
    doc = yamlfile.read(path, "the theme codebook (YAML)")
    raw = yamlfile.validate(doc, ThemesSchema)
    reader = _Reader(doc, question_ids, raw.bare_labels_are_participants)
    # an empty list (steps: []) is a survey with no themes yet: the site has no theme pages
    steps = tuple(reader.node(s, None, {}, ("steps", i)) for i, s in enumerate(raw.steps))
    if reader.problems:
        raise DataError(reader.problems)
    return ThemeCodebook(title=raw.title, source=raw.source, steps=steps,
                         warnings=tuple(_label_warnings(raw.source or doc.file, steps)),
                         data=raw.model_dump(mode="json", exclude_unset=True))
