"""A Qualtrics survey definition (``.qsf``, JSON) read into typed records.

``read_qsf(path) -> Survey``: the survey's name, its blocks in flow order (the Trash block apart),
and every question (``SurveyElements`` of Element ``SQ``) as a ``QsfQuestion``: its export tag,
type, text with the HTML stripped, choices in display order (``ChoiceOrder``) with their numeric
codes (``RecodeValues``, else the choice id), matrix answers (``AnswerOrder``), matrix row export
tags, "please specify" text boxes, and display logic. A side-by-side question's columns are
questions of their own (``sides``); a carry-forward matrix takes its rows from its source question.

A file that is not JSON, or JSON that is not a Qualtrics survey definition, is one ``DataError``.
Nothing in the file is trusted to have the expected shape: a value of the wrong kind reads as absent.
"""
from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import DataError, Problem
from ..load import files

MAX_BYTES = 50 * files.MB
QSF_WHAT = "the survey definition exported from Qualtrics (.qsf: Survey → Tools → Import/Export → Export Survey)"
MAX_TEXT = 5_000  # characters kept of a text (the codebook's limit for one value)

# --------------------------------------------------------------------------- text

_DROPPED = re.compile(r"<(style|script)\b[^>]*>.*?</\1\s*>", re.I | re.S)
_BREAKS = re.compile(r"<(?:br|/p|/div|/li|/h[1-6]|/tr)\b[^>]*>", re.I)
_TAG = re.compile(r"</?[A-Za-z!?][^<>]*>")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def plain_text(value) -> str:
    """HTML from the .qsf as plain text: style and script blocks dropped, tags removed, entities
    (``&nbsp;``, ``&amp;``...) unescaped, control and invisible characters removed, whitespace
    collapsed to single spaces. Anything that is not text gives ''."""
    if not isinstance(value, str):
        return ""
    text = _DROPPED.sub(" ", value)
    text = _BREAKS.sub(" ", text)
    text = _TAG.sub("", text)
    text = html.unescape(text)
    text = _CONTROL.sub("", text)
    return " ".join(text.split())


def _markup(value) -> tuple[str, ...]:
    """A text's forms with its HTML kept (entities as written, then unescaped), whitespace collapsed."""
    if not isinstance(value, str) or not re.search(r"[<&]", value):
        return ()
    forms = (" ".join(_CONTROL.sub("", value).split()), " ".join(_CONTROL.sub("", html.unescape(value)).split()))
    return tuple(f for f in dict.fromkeys(forms) if f and len(f) <= MAX_TEXT)


def _cut(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT - 1] + "…"


# --------------------------------------------------------------------------- records

@dataclass(frozen=True)
class Choice:
    """A choice (a row of a matrix) or a matrix answer (a point of its scale)."""

    id: str
    label: str  # HTML stripped
    code: int | str  # RecodeValues, else the choice id (a number when it is one)
    text_entry: bool = False  # a "please specify" box: its text goes to a _TEXT column
    export_tag: str | None = None  # matrix rows: ChoiceDataExportTags
    has_logic: bool = False  # shown only under its own display logic
    markup: tuple[str, ...] = ()  # the text with its HTML kept (as some exports hold it), when it has any


@dataclass(frozen=True)
class Logic:
    """A question's display logic: in its simplest form one rule "choice ``choice`` of question
    ``question`` is selected" (``simple``), always described in words (``text``)."""

    text: str
    simple: tuple[str, str] | None = None  # (question id QIDn, choice id)


@dataclass(frozen=True)
class QsfQuestion:
    qid: str  # QIDn (a side of a side-by-side question: QIDn#k)
    tag: str  # DataExportTag ('' when there is none)
    type: str  # QuestionType: MC, Matrix, TE, SBS, CS, Slider, RO, DB, Timing, Meta ...
    selector: str
    subselector: str
    text: str
    choices: tuple[Choice, ...] = ()  # display order
    answers: tuple[Choice, ...] = ()  # a matrix's scale, in AnswerOrder
    content_type: str | None = None  # a text entry's validation (ValidNumber ...)
    logic: Logic | None = None
    sides: tuple["QsfQuestion", ...] = ()  # a side-by-side question's columns
    dynamic_from: str | None = None  # a carry-forward question's source (QIDn)
    recode_problem: str | None = None  # RecodeValues that could not be used, in words

    def choice(self, cid: str) -> Choice | None:
        for c in self.choices:
            if c.id == cid:
                return c
        return None


@dataclass(frozen=True)
class Block:
    id: str
    title: str
    type: str  # Default, Standard, Trash
    qids: tuple[str, ...]


@dataclass(frozen=True)
class Survey:
    name: str
    blocks: tuple[Block, ...]  # in flow order, the Trash block left out
    trash: tuple[str, ...]  # question ids in the Trash block
    questions: dict = field(default_factory=dict)  # QIDn -> QsfQuestion
    embedded: tuple[str, ...] = ()  # embedded data fields set in the flow


# --------------------------------------------------------------------------- reading

def _d(value) -> dict:
    return value if isinstance(value, dict) else {}


def _l(value) -> list:
    return value if isinstance(value, list) else []


def _s(value) -> str:
    return value.strip() if isinstance(value, str) else str(value) if isinstance(value, int) else ""


def _number(key) -> bool:
    return isinstance(key, str) and re.fullmatch(r"[0-9]{1,9}", key) is not None


def as_code(value: str) -> int | str:
    """A code as the codebook writes it: a whole number when it is one, else the text."""
    return int(value) if re.fullmatch(r"-?[0-9]{1,9}", value) else value


def _order(order, keys) -> list[str]:
    """The ids in their display order: ``order`` (ids as text or numbers), then any id it misses."""
    out = []
    for entry in _l(order):
        key = _s(entry)
        if key in keys and key not in out:
            out.append(key)
    out += [k for k in keys if k not in out]
    return out


def _recodes(payload) -> dict[str, str]:
    return {_s(k): _s(v) for k, v in _d(payload.get("RecodeValues")).items() if _s(k) and _s(v)}


def _choices(raw, order, recodes: dict[str, str], tags: dict[str, str]) -> tuple[tuple[Choice, ...], str | None]:
    """Choices in display order with their codes; a problem in words when RecodeValues give two
    choices the same code (then every code is the choice id)."""
    if isinstance(raw, list):  # some exports give choices as a list (ids are positions from 1)
        raw = {str(i + 1): c for i, c in enumerate(raw)}
    raw = _d(raw)
    keys = [_s(k) for k in raw if _s(k)]
    out = []
    for cid in _order(order, keys):
        entry = _d(raw.get(cid))
        code = recodes.get(cid)
        out.append(Choice(id=cid, label=_cut(plain_text(entry.get("Display"))),
                          code=as_code(code) if code else as_code(cid),
                          text_entry=_s(entry.get("TextEntry")).lower() in ("true", "on", "1"),
                          export_tag=tags.get(cid) or None, markup=_markup(entry.get("Display")),
                          has_logic=bool(_d(entry.get("DisplayLogic")))))
    codes = [c.code for c in out]
    if len(set(codes)) == len(codes):
        return tuple(out), None
    same = sorted({str(c) for c in codes if codes.count(c) > 1})
    return (tuple(replace(c, code=as_code(c.id)) for c in out),
            f"RecodeValues give more than one choice the code {', '.join(same)}; the choice ids are "
            "used as codes instead, so a numeric export of this question cannot be decoded")


_LOCATOR = re.compile(r"q://(QID[0-9]+)/(?:SelectableChoice|ChoiceGroup/SelectedChoices)/([A-Za-z0-9]+)\Z")


def _logic(raw) -> Logic | None:
    """Display logic: its rules described in words, and the single "X is selected" rule if that is
    all it is."""
    raw = _d(raw)
    sets = [_d(v) for k, v in raw.items() if _number(k)]
    if not sets:
        return None
    rules = [_d(e) for s in sets for k, e in s.items() if _number(k)]
    words = " ".join(plain_text(r.get("Description")) for r in rules).strip()
    simple = None
    if len(sets) == 1 and len(rules) == 1:
        rule = rules[0]
        found = _LOCATOR.match(_s(rule.get("ChoiceLocator")))
        if rule.get("LogicType") == "Question" and rule.get("Operator") == "Selected" and found:
            simple = (found[1], found[2])
    return Logic(text=words or "display logic (no description in the .qsf)", simple=simple)


def _question(qid: str, p: dict) -> QsfQuestion:
    recodes = _recodes(p)
    tags = p.get("ChoiceDataExportTags")
    tags = {_s(k): _s(v) for k, v in _d(tags).items()}
    answers, problem = (), None
    if p.get("Answers"):  # a matrix: its RecodeValues code its answers (the scale), not its rows
        answers, problem = _choices(p.get("Answers"), p.get("AnswerOrder"), recodes, {})
        recodes = {}
    choices, problem2 = _choices(p.get("Choices"), p.get("ChoiceOrder"), recodes, tags)
    settings = _d(_d(p.get("Validation")).get("Settings"))
    content = _s(settings.get("ContentType")) if _s(settings.get("Type")) == "ContentType" else ""
    dynamic = _d(p.get("DynamicChoices"))
    source = re.match(r"q://(QID[0-9]+)/", _s(dynamic.get("Locator")))
    question = QsfQuestion(
        qid=qid, tag=_s(p.get("DataExportTag")), type=_s(p.get("QuestionType")),
        selector=_s(p.get("Selector")), subselector=_s(p.get("SubSelector")),
        text=_cut(plain_text(p.get("QuestionText"))), choices=choices, answers=answers,
        content_type=content or None, logic=_logic(p.get("DisplayLogic")),
        dynamic_from=source[1] if source else None, recode_problem=problem or problem2)
    if question.type == "SBS":
        sides = []
        extra = _d(p.get("AdditionalQuestions"))
        for k in sorted((k for k in extra if _number(k)), key=int):
            side = _question(f"{qid}#{k}", {**_d(extra[k]), "Choices": p.get("Choices"),
                                            "ChoiceOrder": p.get("ChoiceOrder")})
            sides.append(replace(side, tag=_s(_d(extra[k]).get("DataExportTag")) or f"{question.tag}#{k}"))
        question = replace(question, sides=tuple(sides))
    return question


def _blocks(payload) -> list[Block]:
    entries = payload.values() if isinstance(payload, dict) else _l(payload)
    out = []
    for b in entries:
        b = _d(b)
        qids = tuple(_s(e.get("QuestionID")) for e in map(_d, _l(b.get("BlockElements")))
                     if e.get("Type") == "Question" and _s(e.get("QuestionID")))
        out.append(Block(id=_s(b.get("ID")), title=plain_text(b.get("Description")),
                         type=_s(b.get("Type")), qids=qids))
    return out


def _flow(entries, blocks: list[str], embedded: list[str]) -> None:
    """Block ids in flow order and embedded data field names, through branches, groups and
    randomizers."""
    for e in map(_d, _l(entries)):
        if e.get("Type") in ("Block", "Standard") and _s(e.get("ID")):
            blocks.append(_s(e.get("ID")))
        for field_ in map(_d, _l(e.get("EmbeddedData"))):
            name = _s(field_.get("Field"))
            if name and name not in embedded:
                embedded.append(name)
        _flow(e.get("Flow"), blocks, embedded)


def _carry_forward(questions: dict) -> dict:
    """A carry-forward question's choices are its source's, with ids prefixed 'x' (Qualtrics' form)."""
    out = dict(questions)
    for qid, q in questions.items():
        source = questions.get(q.dynamic_from) if q.dynamic_from else None
        if source is not None and not q.choices:
            rows = tuple(replace(c, id=f"x{c.id}", code=as_code(c.id), text_entry=False,
                                 export_tag=None) for c in source.choices)
            out[qid] = replace(q, choices=rows)
    return out


def parse_qsf(data, file: str) -> Survey:
    """The survey in a parsed .qsf; DataError when it is not one."""
    if not isinstance(data, dict) or not isinstance(data.get("SurveyElements"), list) \
            or not isinstance(data.get("SurveyEntry"), dict):
        raise DataError(Problem(file, None, "is JSON but not a Qualtrics survey definition (no "
                                            f"SurveyEntry and SurveyElements); expected {QSF_WHAT}"))
    name = plain_text(data["SurveyEntry"].get("SurveyName"))
    blocks, flow, embedded, questions = [], [], [], {}
    for element in map(_d, data["SurveyElements"]):
        kind = element.get("Element")
        if kind == "BL":
            blocks += _blocks(element.get("Payload"))
        elif kind == "FL":
            _flow(_d(element.get("Payload")).get("Flow"), flow, embedded)
        elif kind == "SQ":
            payload = _d(element.get("Payload"))
            qid = _s(element.get("PrimaryAttribute")) or _s(payload.get("QuestionID"))
            if re.fullmatch(r"QID[0-9]+", qid):
                questions[qid] = _question(qid, payload)
    if not questions:
        raise DataError(Problem(file, None, f"holds no questions (no SQ survey elements); expected {QSF_WHAT}"))
    by_id = {b.id: b for b in blocks}
    if not flow:  # no survey flow in the file: the blocks as listed
        flow = [b.id for b in blocks]
    ordered = [by_id[i] for i in dict.fromkeys(flow) if i in by_id and by_id[i].type != "Trash"]
    trash = tuple(q for b in blocks if b.type == "Trash" for q in b.qids)
    return Survey(name=name, blocks=tuple(ordered), trash=trash, questions=_carry_forward(questions),
                  embedded=tuple(embedded))


def read_qsf(path: Path | str) -> Survey:
    """Read and parse a .qsf file; one DataError when it cannot be one."""
    file, data = files.read_bytes(path, QSF_WHAT, MAX_BYTES)
    text = files.decode(file, data, "export the survey from Qualtrics again as a .qsf file")
    try:
        parsed = json.loads(text)
    except (ValueError, RecursionError) as e:
        line = f"line {e.lineno}" if isinstance(e, json.JSONDecodeError) else None
        raise DataError(Problem(file, line, f"is not JSON, so not a Qualtrics .qsf file; expected {QSF_WHAT}")) \
            from None
    return parse_qsf(parsed, file)
