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
from typing import Any, Iterator

import yaml

from .errors import DataError, Problem, display_path

KINDS = ("step", "analysis", "group", "theme", "subtheme")
CHILD_KINDS = {None: ("step",), "step": ("analysis",), "analysis": ("group", "theme"),
               "group": ("theme",), "theme": ("subtheme",), "subtheme": ()}
TOP_KEYS = ("title", "source", "bare_labels_are_participants", "steps")
NODE_KEYS = ("id", "title", "kind", "line", "questions", "final", "note", "children", "quotes")
QUOTE_KEYS = ("text", "label", "line", "question", "annotation", "repairs", "note")
ID_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
LABEL_RE = re.compile(r"P?\d+")


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

    def walk(self) -> Iterator[Node]:
        """This node and all its descendants, in document order."""
        yield self
        for child in self.children:
            yield from child.walk()

    def all_quotes(self) -> list[Quote]:
        """Every quote in this node and its descendants, in document order."""
        return [q for n in self.walk() for q in n.quotes]

    def participants(self) -> set[str]:
        """Normalised participant labels quoted in this node and its descendants."""
        return {q.participant for n in self.walk() for q in n.quotes if q.participant}


@dataclass(frozen=True)
class ThemeCodebook:
    title: str
    source: str | None  # the text the line numbers refer to, as written in the file
    steps: tuple[Node, ...]
    warnings: tuple[Problem, ...] = ()  # label inconsistencies: worth a look, not fatal
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


# --------------------------------------------------------------------------- YAML with lines


class _Map(dict):
    """A YAML mapping that remembers its line and the line of each key."""

    line: int = 0
    key_lines: dict


def _plain(node: yaml.Node, constructor: yaml.constructor.SafeConstructor,
           duplicates: list[tuple[int, Any]]) -> Any:
    """A composed YAML node as plain Python values; mappings become ``_Map``s."""
    if isinstance(node, yaml.MappingNode):
        result = _Map()
        result.line, result.key_lines = node.start_mark.line + 1, {}
        for key_node, value_node in node.value:
            key = _plain(key_node, constructor, duplicates)
            if key in result:
                duplicates.append((key_node.start_mark.line + 1, key))
                continue
            result[key] = _plain(value_node, constructor, duplicates)
            result.key_lines[key] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_plain(item, constructor, duplicates) for item in node.value]
    return constructor.construct_object(node)


def _line(m: Any, key: str | None = None) -> int | None:
    if isinstance(m, _Map):
        return m.key_lines.get(key, m.line) if key else m.line
    return None


def _kind_of(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return "nothing" if value is None else repr(value)


# --------------------------------------------------------------------------- validation


class _Reader:
    """Turns the parsed YAML into nodes, collecting every problem on the way."""

    def __init__(self, file: str, question_ids: set[str] | None, bare_are_participants: bool):
        self.file = file
        self.question_ids = question_ids
        self.bare_are_participants = bare_are_participants
        self.problems: list[Problem] = []
        self.ids: dict[str, int | None] = {}

    def add(self, line: int | None, message: str) -> None:
        self.problems.append(Problem(self.file, f"line {line}" if line else None, message))

    def mapping(self, value: Any, what: str, keys: tuple[str, ...], line: int | None) -> bool:
        if not isinstance(value, dict):
            self.add(line, f"{what} should be a mapping; found {_kind_of(value)}")
            return False
        for key in value:
            if key not in keys:
                self.add(_line(value, key), f"{what} has unknown key {key!r}; allowed keys: {', '.join(keys)}")
        return True

    def text(self, m: dict, key: str, what: str, required: bool = False) -> str | None:
        value = m.get(key)
        if isinstance(value, (dict, list, bool)) or (value is not None and not isinstance(value, (str, int))):
            self.add(_line(m, key), f"{what}: {key!r} should be text; found {_kind_of(value)}")
            return None
        if value is None or str(value).strip() == "":
            if required:
                self.add(_line(m, key), f"{what} has no {key!r}; expected non-empty text")
            return None
        return str(value)

    def line_number(self, m: dict, what: str, required: bool) -> int | None:
        value = m.get("line")
        if value is None:
            if required:
                self.add(_line(m), f"{what} has no 'line'; expected its line number in the source text")
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            self.add(_line(m, "line"), f"{what}: 'line' should be a line number; found {value!r}")
            return None
        return value

    def questions(self, m: dict, what: str) -> tuple[str, ...] | None:
        value = m.get("questions")
        if value is None:
            return None
        if not isinstance(value, list) or not value or not all(isinstance(q, str) for q in value):
            self.add(_line(m, "questions"), f"{what}: 'questions' should be a non-empty list of question "
                                            f"ids such as [Q12]; found {_kind_of(value)}")
            return None
        for q in value:
            self.unknown_question(q, _line(m, "questions"), what)
        return tuple(value)

    def unknown_question(self, qid: str, line: int | None, what: str) -> None:
        if self.question_ids is not None and qid not in self.question_ids:
            self.add(line, f"{what}: question {qid!r} is not a question of the instrument")

    def node(self, m: Any, parent_kind: str | None, context: dict, line: int | None) -> Node | None:
        if not self.mapping(m, "node", NODE_KEYS, line):
            return None
        node_id = self.text(m, "id", "node", required=True)
        title = self.text(m, "title", f"node {node_id!r}" if node_id else "node", required=True)
        kind = self.text(m, "kind", f"node {node_id!r}", required=True)
        what = f"{kind or 'node'} {node_id!r}" if node_id else (kind or "node")
        if node_id is not None:
            if not ID_RE.fullmatch(node_id):
                self.add(_line(m, "id"), f"{what}: id should be a slug of lower-case letters, digits and "
                                         f"hyphens (e.g. 's3-barriers-provider-factors')")
            if node_id in self.ids:
                self.add(_line(m, "id"), f"duplicate id {node_id!r} (first used on line {self.ids[node_id]}); "
                                         f"every id must be unique")
            else:
                self.ids[node_id] = _line(m, "id")
        if kind is not None and kind not in KINDS:
            self.add(_line(m, "kind"), f"{what}: unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
            kind = None
        elif kind is not None and parent_kind != "?" and kind not in CHILD_KINDS[parent_kind]:
            allowed = " or ".join(CHILD_KINDS[parent_kind]) or "nothing"
            article = "an" if parent_kind == "analysis" else "a"
            under = f"under {article} {parent_kind}" if parent_kind else "at the top level"
            self.add(_line(m, "kind"), f"{what}: a {kind} cannot stand here; {under} expected {allowed}")
        final = m.get("final", False)
        if not isinstance(final, bool):
            self.add(_line(m, "final"), f"{what}: 'final' should be true or false; found {final!r}")
            final = False
        questions = self.questions(m, what)
        if kind == "analysis" and questions is None and "questions" not in m:
            self.add(_line(m), f"{what} has no 'questions'; expected the survey question ids it codes")
        context = dict(context)
        if kind == "step":
            context["step"] = node_id
        if kind == "analysis":
            context["analysis"] = node_id
        if questions is not None:
            context["questions"] = questions

        quotes_raw = m.get("quotes") or []
        children_raw = m.get("children") or []
        for key, value in (("quotes", quotes_raw), ("children", children_raw)):
            if not isinstance(value, list):
                self.add(_line(m, key), f"{what}: {key!r} should be a list; found {_kind_of(value)}")
        quotes_raw = quotes_raw if isinstance(quotes_raw, list) else []
        children_raw = children_raw if isinstance(children_raw, list) else []
        if quotes_raw and kind not in ("theme", "subtheme", None):
            self.add(_line(m, "quotes"), f"{what}: quotes belong under a theme or sub-theme, not a {kind}")
        if kind in ("theme", "subtheme") and not quotes_raw and not children_raw:
            self.add(_line(m), f"{what} ({title!r}) has no quotes and no sub-themes; expected at least one")

        quotes = [self.quote(q, what, context, _line(m, "quotes")) for q in quotes_raw]
        children = [self.node(c, kind or "?", context, _line(m, "children")) for c in children_raw]
        if node_id is None or title is None or kind is None:
            return None
        return Node(id=node_id, title=title, kind=kind,
                    children=tuple(c for c in children if c), quotes=tuple(q for q in quotes if q),
                    step=context.get("step") or node_id, analysis_id=context.get("analysis"),
                    questions=context.get("questions", ()), line=self.line_number(m, what, False),
                    final=final, note=self.text(m, "note", what))

    def quote(self, m: Any, where: str, context: dict, line: int | None) -> Quote | None:
        what = f"quote in {where}"
        if not self.mapping(m, what, QUOTE_KEYS, line):
            return None
        text = self.text(m, "text", what, required=True)
        label = self.text(m, "label", what)
        if label is not None and not LABEL_RE.fullmatch(label):
            self.add(_line(m, "label"), f"{what}: label {label!r} should look like 'P31' or '31' (or be null)")
            label = None
        question = self.text(m, "question", what, required=True)
        if question is not None:
            self.unknown_question(question, _line(m, "question"), what)
            coded = context.get("questions", ())
            if coded and question not in coded:
                self.add(_line(m, "question"), f"{what}: question {question!r} is not among the questions "
                                               f"coded here ({', '.join(coded)})")
        repairs = m.get("repairs") or []
        if not isinstance(repairs, list) or not all(isinstance(r, str) and r.strip() for r in repairs):
            self.add(_line(m, "repairs"), f"{what}: 'repairs' should be a list of texts; found {_kind_of(repairs)}")
            repairs = []
        number = self.line_number(m, what, True)
        annotation, note = self.text(m, "annotation", what), self.text(m, "note", what)
        if text is None or question is None or number is None:
            return None
        return Quote(text=text, label=label, participant=self.participant(label), question=question,
                     line=number, annotation=annotation, repairs=tuple(repairs), note=note)

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
        short = text if len(text) <= 60 else text[:57] + "..."
        warnings.append(Problem(file, f"lines {', '.join(map(str, lines))}",
                                f"the same quote is attributed to different participants ({parts}): {short!r}"))
    return warnings


def load_themes(path: Path | str, question_ids: set[str] | None = None) -> ThemeCodebook:
    """Read and check the theme codebook; raise one ``DataError`` listing every problem.

    ``question_ids``: the instrument's question ids; when given, every quote's question (and every
    analysis's questions) must be one of them.
    """
    path = Path(path)
    file = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(Problem(file, None, "file not found; expected the theme codebook (YAML)")) from None
    try:
        composed = yaml.compose(text, Loader=yaml.SafeLoader)
        duplicates: list[tuple[int, Any]] = []
        data = _plain(composed, yaml.constructor.SafeConstructor(), duplicates) if composed else None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else None
        problem = getattr(error, "problem", None) or str(error)
        raise DataError(Problem(file, where, f"not valid YAML: {problem}")) from None

    bare = data.get("bare_labels_are_participants", False) if isinstance(data, dict) else False
    reader = _Reader(file, question_ids, bare if isinstance(bare, bool) else False)
    for line, key in duplicates:
        reader.add(line, f"key {key!r} appears twice in the same mapping")
    if not reader.mapping(data, "the theme codebook", TOP_KEYS, 1):
        raise DataError(reader.problems)
    if not isinstance(bare, bool):
        reader.add(_line(data, "bare_labels_are_participants"),
                   f"'bare_labels_are_participants' should be true or false; found {bare!r}")
    title = reader.text(data, "title", "the theme codebook", required=True)
    steps_raw = data.get("steps")
    if not isinstance(steps_raw, list) or not steps_raw:
        reader.add(_line(data, "steps"), f"'steps' should be a non-empty list of steps; found {_kind_of(steps_raw)}")
        steps_raw = []
    steps = tuple(s for s in (reader.node(s, None, {}, _line(data, "steps")) for s in steps_raw) if s)
    if reader.problems:
        raise DataError(reader.problems)
    source = reader.text(data, "source", "the theme codebook")
    return ThemeCodebook(title=title or "", source=source, steps=steps,
                         warnings=tuple(_label_warnings(source or file, steps)))
