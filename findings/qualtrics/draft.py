"""The codebook, study configuration and themes codebook drafted from a ``.qsf`` and its export.

``draft(survey, export) -> Draft``: every question of the survey flow that the export holds, typed
from the ``.qsf`` (``draft_question``), with its options in display order and their codes (explicit:
RecodeValues, else the choice id), its export columns matched on the ImportId header row (else on
the export tags), its "please specify" text columns, non-substantive options flagged, a matrix
scale's polarity guessed, and display logic written as a ``condition`` only when it is one
"option X of single-choice question Y is selected" rule that every row of the export satisfies.
Labels are checked against what a choice-text export holds (the export's form is kept when the two
differ only in whitespace or quotes). Every guess is a ``review`` note; the ``Summary`` lists what
was inferred, ignored and left out.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace

from ..errors import DataError, Problem
from ..load.yamlfile import is_column, is_id
from . import guess
from .export import Export, ExportColumn, is_metadata
from .qsf import QsfQuestion, Survey, plain_text

MULTI = {"MAVR", "MAHR", "MACOL", "MSB"}
NOT_QUESTIONS = {"DB": "descriptive text", "Timing": "timing", "Meta": "browser meta info",
                 "Captcha": "captcha"}
NUMERIC_CONTENT = {"ValidNumber", "ValidInteger", "ValidPositiveInteger", "ValidNumeric"}
CODE = re.compile(r"-?[0-9]{1,9}(?:\.0+)?")
NUMBER = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
NOT_ANSWERED = {"", "-99"}
TEXT_IQ = re.compile(r"_TEXT_[0-9a-f]{12,}|\s-\s(?:Parent Topics|Topics|Sentiment(?: Polarity| Score)?|"
                     r"Actionability|Emotion|Emotion Intensity)$")
PANEL = re.compile(r"Q_[A-Za-z]")
ADMINISTRATIVE = re.compile(r"\b(?:copy|summary) of the (?:results|findings|report)\b|\bprize draw\b|"
                            r"\bcontact you\b|\bfollow[- ]?up (?:interview|study|survey)\b", re.I)
PERSONAL = re.compile(r"\be-?mail\b|\bphone\b|\btelephone\b|\baddress\b|\byour (?:full )?name\b|^name:?$",
                      re.I)


# --------------------------------------------------------------------------- records

@dataclass(frozen=True)
class Ref:
    """An export column as a part of a question: its side (a side-by-side column) and the parts of
    its ImportId after the question id (``('3', 'TEXT')`` for ``QID5_3_TEXT``)."""

    column: ExportColumn
    qid: str
    side: str | None
    parts: tuple[str, ...]


@dataclass
class Drafted:
    """One codebook question being drafted."""

    qsf: QsfQuestion
    type: str
    text: str
    suffix: str | None = None  # a side-by-side column or a matrix row: part of the id
    options: list[dict] = field(default_factory=list)
    items: list[dict] = field(default_factory=list)
    scale: list[dict] = field(default_factory=list)
    columns: list[ExportColumn] = field(default_factory=list)  # answer columns, in order
    text_columns: dict = field(default_factory=dict)  # option/item position -> ExportColumn
    polarity: str | None = None
    notes: list[str] = field(default_factory=list)
    decode: dict = field(default_factory=dict)  # a cell's value -> label (single choice)
    choice_labels: dict = field(default_factory=dict)  # choice id -> label (single choice)
    layout: str | None = None
    administrative: bool = False
    reversed: bool = False
    id: str = ""
    condition: dict | None = None


@dataclass
class Summary:
    source: str  # "qsf" or "export"
    respondents: int
    columns: int
    types: Counter = field(default_factory=Counter)
    reversed: list[str] = field(default_factory=list)
    nonsubstantive: list[tuple[str, str]] = field(default_factory=list)
    layouts: dict = field(default_factory=dict)  # question id -> joined | columns
    ignored: list[tuple[str, str]] = field(default_factory=list)  # (column, why)
    left_out: list[tuple[str, str]] = field(default_factory=list)  # (question, why)
    conditions: list[str] = field(default_factory=list)
    review: list[tuple[str, str]] = field(default_factory=list)  # (where, what)


@dataclass
class Draft:
    instrument: dict
    study: dict
    themes: dict
    summary: Summary


# --------------------------------------------------------------------------- columns to questions

_KEY = re.compile(r"(QID[0-9]+)(?:#([0-9]+))?((?:_.+)?)\Z")


def _ref(column: ExportColumn, key: str) -> Ref | None:
    found = _KEY.match(key)
    if not found:
        return None
    rest = found[3][1:]
    parts = tuple(rest.split("_")) if rest else ()
    return Ref(column, found[1], found[2], parts)


def _names(q: QsfQuestion) -> dict[str, str]:
    """Export names Qualtrics gives a question's columns (from its export tags) -> their ImportId,
    for an export without the ImportId row."""
    t, qid, out = q.tag, q.qid, {}
    if not t:
        return out
    if q.type == "MC":
        out[t] = qid
        for c in q.choices:
            for s in dict.fromkeys((c.id, str(c.code))):
                out[f"{t}_{s}_TEXT"] = f"{qid}_{c.id}_TEXT"
                if q.selector in MULTI:
                    out[f"{t}_{s}"] = f"{qid}_{s}"
        if q.selector == "NPS":
            out[f"{t}_NPS_GROUP"] = f"{qid}_NPS_GROUP"
    elif q.type == "Matrix":
        for c in q.choices:
            row = c.export_tag or f"{t}_{c.id}"
            out[row] = f"{qid}_{c.id}"
            out[f"{row}_TEXT"] = f"{qid}_{c.id}_TEXT"
            for a in q.answers:
                for s in dict.fromkeys((a.id, str(a.code))):
                    out[f"{row}_{s}"] = f"{qid}_{c.id}_{s}"
    elif q.type == "SBS":
        for side in q.sides:
            for c in side.choices:
                out[f"{side.tag}_{c.id}"] = f"{side.qid}_{c.id}"
    elif q.type == "TE" and q.selector == "FORM":
        out.update({f"{t}_{c.id}": f"{qid}_{c.id}" for c in q.choices})
    elif q.type == "TE":
        out[t] = f"{qid}_TEXT"
    elif q.type in ("CS", "Slider", "RO"):
        out.update({f"{t}_{c.id}": f"{qid}_{c.id}" for c in q.choices})
    elif q.type == "Timing":
        for name in ("First Click", "Last Click", "Page Submit", "Click Count"):
            out[f"{t}_{name}"] = f"{qid}_{name.upper().replace(' ', '_')}"
    return out


def _keys(survey: Survey, export: Export) -> dict[int, str]:
    """Column position -> ImportId key: from the ImportId row, else from the export tags."""
    if export.has_import_ids:
        return {c.position: c.key for c in export.columns if c.key}
    counts = Counter(c.name for c in export.columns)
    out = {}
    order = [q for b in survey.blocks for q in b.qids] + [q for q in survey.questions]
    for qid in dict.fromkeys(order):
        q = survey.questions.get(qid)
        for name, key in (_names(q).items() if q else ()):
            for c in export.named(name):
                if counts[name] == 1 and c.position not in out:
                    out[c.position] = key
    return out


# --------------------------------------------------------------------------- values and labels

def _seen(columns) -> list[str]:
    """Distinct answers of the columns (stripped), empty cells and -99 left out, in first-seen order."""
    out = {}
    for col in columns:
        for v in col.values:
            v = v.strip()
            if v not in NOT_ANSWERED:
                out.setdefault(v, None)
    return list(out)


def _unique_labels(choices, d: Drafted) -> list[str]:
    labels, counts = [], Counter(c.label for c in choices)
    for c in choices:
        label = c.label or f"Choice {c.id}"
        if not c.label:
            d.notes.append(f"choice {c.id} has no text in the .qsf (an image?); labelled {label!r}.")
        elif counts[c.label] > 1:
            label = f"{c.label} ({c.id})"
            d.notes.append(f"two choices read {c.label!r}; this one is labelled {label!r}, which a "
                           "choice-text export does not hold.")
        labels.append(label)
    return labels


def _export_forms(seen: list[str], labels: list[str], markup: list[tuple[str, ...]],
                  joined: bool) -> tuple[dict, list[str]]:
    """For a choice-text export: label -> the form the export holds when it differs only in
    whitespace, quotes or markup (``markup``: each label's forms with its HTML); and the values that
    are no label at all."""
    known = {label: label for label in labels}
    for label, forms in zip(labels, markup):
        for form in forms:
            known.setdefault(form, label)
    found: dict[str, set] = {}
    unknown = []
    for value in seen:
        if joined:
            parts = guess.split_cell(value, tuple(known))
        else:
            match = [k for k in known if k == value] or [k for k in known if guess.same_text(k, value)] \
                or [label for label in labels if guess.same_text(label, plain_text(value))]
            parts = [(match[0], value)] if match else None
        if parts is None:
            unknown.append(value)
            continue
        for key, text in parts:
            found.setdefault(known[key], set()).add(text.strip())
    renamed = {label: next(iter(f)) for label, f in found.items()
               if len(f) == 1 and next(iter(f)) not in (label, "")}
    clash = Counter([renamed.get(label, label) for label in labels])  # two labels must stay two
    return {k: v for k, v in renamed.items() if clash[v] == 1}, unknown


def _is_numeric_export(seen: list[str], labels: list[str], joined: bool) -> bool:
    if not seen or all(v in labels for v in seen):
        return False
    return all(CODE.fullmatch(p.strip()) for v in seen for p in (v.split(",") if joined else [v]))


def _choice_options(d: Drafted, choices, answer_columns, joined: bool = False) -> list[dict]:
    """Options (or scale points) in display order with explicit codes, labels checked against the
    export, non-substantive ones flagged."""
    labels = _unique_labels(choices, d)
    seen = _seen(answer_columns)
    numeric = _is_numeric_export(seen, labels, joined)
    if numeric:
        codes = {str(c.code) for c in choices}
        bad = sorted({p.strip() for v in seen for p in (v.split(",") if joined else [v])
                      if p.strip() not in codes and p.strip().split(".")[0] not in codes
                      and p.strip().split(".")[0] != "-1"})
        if bad:
            d.notes.append(f"the export holds codes that are no option's code: {', '.join(bad[:10])}; "
                           "the build refuses them until they are added or corrected.")
        if "-1" in {p.strip() for v in seen for p in v.split(",")} and "-1" not in codes:
            d.notes.append("the export holds -1, which no option has as its code: read as no answer.")
    else:
        renamed, unknown = _export_forms(seen, labels, [c.markup for c in choices], joined)
        for old, new in renamed.items():
            d.notes.append(f"label {old!r} is written as the export holds it: {new!r}.")
        labels = [renamed.get(label, label) for label in labels]
        if unknown:
            d.notes.append(f"the export holds {len(unknown)} value(s) that are no option: "
                           f"{'; '.join(repr(u[:60]) for u in unknown[:5])}; the build refuses them "
                           "until the options are corrected.")
    out = []
    for c, label in zip(choices, labels):
        option = {"label": label, "code": c.code}
        kind = guess.nonsubstantive(label)
        if kind == "yes":
            option["nonsubstantive"] = True
        elif kind == "maybe":
            d.notes.append(f"{label!r} may be a non-substantive answer (add nonsubstantive: true) or a "
                           "point of the scale (leave it).")
        out.append(option)
        d.decode[label] = label
        d.decode[str(c.code)] = label
        d.choice_labels[c.id] = label
    if d.qsf.recode_problem:
        d.notes.append(d.qsf.recode_problem + ".")
    return out


def _is_reversed(points: list[dict]) -> bool:
    codes = [p["code"] for p in points if not p.get("nonsubstantive")]
    return len(codes) > 1 and all(isinstance(c, int) for c in codes) and \
        all(a > b for a, b in zip(codes, codes[1:]))


# --------------------------------------------------------------------------- one question per type

def _by_parts(refs: list[Ref]) -> dict[tuple, Ref]:
    out = {}
    for r in refs:
        out.setdefault(r.parts, r)
    return out


def _text_columns(d: Drafted, choices, parts: dict, used: set) -> None:
    """The "please specify" column of each choice that has one in the export."""
    for pos, c in enumerate(choices):
        r = parts.get((c.id, "TEXT"))
        if r is not None:
            d.text_columns[pos] = r.column
            used.add(r.parts)
        elif c.text_entry:
            d.notes.append(f"{c.label!r} has a text box, but the export has no column for it.")


def _single(q: QsfQuestion, refs: list[Ref]) -> tuple[list[Drafted], list[Ref]]:
    parts = _by_parts(refs)
    answer = parts.get(())
    if answer is None:
        return [], refs
    d = Drafted(q, "single_choice", q.text, columns=[answer.column])
    used = {()}
    d.options = _choice_options(d, q.choices, d.columns)
    _text_columns(d, q.choices, parts, used)
    return [d], [r for r in refs if r.parts not in used]


def _option_columns(q: QsfQuestion, parts: dict) -> dict[str, Ref] | None:
    """A multi-select's 0/1 columns by choice id. The suffix of the ImportId is the choice's code
    when the question has RecodeValues, else its id: of the two readings, the one that places every
    column, one column per choice, in display order (the export's order)."""
    singles = {p[0]: r for p, r in parts.items() if len(p) == 1 and p[0] != "TEXT"}
    if not singles:
        return None
    readings = []
    for key in (lambda c: str(c.code), lambda c: c.id):
        found = {c.id: singles[key(c)] for c in q.choices if key(c) in singles}
        if len(found) == len(singles) and len({id(r) for r in found.values()}) == len(found):
            readings.append(found)
    for found in readings:
        positions = [found[c.id].column.position for c in q.choices if c.id in found]
        if positions == sorted(positions):
            return found
    return readings[0] if readings else None


def _multiple(q: QsfQuestion, refs: list[Ref]) -> tuple[list[Drafted], list[Ref]]:
    parts = _by_parts(refs)
    d = Drafted(q, "multiple_choice", q.text)
    used: set = set()
    joined = parts.get(())
    columns = _option_columns(q, parts) if joined is None else None
    if joined is not None:
        d.layout, d.columns = "joined", [joined.column]
        used.add(())
        d.options = _choice_options(d, q.choices, d.columns, joined=True)
    elif columns:
        d.layout = "columns"
        choices = [c for c in q.choices if c.id in columns]
        d.columns = [columns[c.id].column for c in choices]
        used |= {columns[c.id].parts for c in choices}
        d.options = _choice_options(d, choices, [])
        for option, c in zip(d.options, choices):
            option["column"] = columns[c.id].column
        missing = [c.label for c in q.choices if c.id not in columns]
        if missing:
            d.notes.append(f"options with no column in the export, left out: {', '.join(map(repr, missing))}.")
        odd = sorted({v for col in d.columns for v in _seen([col]) if v not in ("0", "1")})
        if odd:
            d.notes.append(f"its option columns hold values other than 1 (selected) and 0: "
                           f"{', '.join(odd[:5])}; the build reads 1, 0, -99 and empty cells only.")
        q = _with_choices(q, choices)
    else:
        return [], refs
    _text_columns(d, q.choices, parts, used)
    return [d], [r for r in refs if r.parts not in used]


def _with_choices(q: QsfQuestion, choices) -> QsfQuestion:
    return replace(q, choices=tuple(choices))


def _matrix(q: QsfQuestion, refs: list[Ref], text: str | None = None,
            suffix: str | None = None) -> tuple[list[Drafted], list[Ref]]:
    parts = _by_parts(refs)
    rows = [c for c in q.choices if (c.id,) in parts]
    if not rows or not q.answers:
        return [], refs
    d = Drafted(q, "matrix", text or q.text, suffix=suffix,
                columns=[parts[(c.id,)].column for c in rows])
    used = {(c.id,) for c in rows}
    d.scale = _choice_options(d, q.answers, d.columns)
    labels = _unique_labels(rows, d)
    d.items = [{"label": label} for label in labels]
    _text_columns(d, rows, parts, used)
    missing = [c.label for c in q.choices if (c.id,) not in parts]
    if missing:
        d.notes.append(f"rows with no column in the export, left out: {', '.join(map(repr, missing[:10]))}.")
    if any(c.has_logic for c in rows):
        d.notes.append("some rows are shown only under their own display logic (a row not shown is "
                       "an empty cell).")
    if q.dynamic_from:
        d.notes.append(f"its rows are carried forward from {q.dynamic_from}: a row is shown only to "
                       "those who chose it there.")
    substantive = [p["label"] for p in d.scale if not p.get("nonsubstantive")]
    d.polarity, why = guess.polarity(substantive)
    if d.polarity == "bipolar" and len(substantive) < 2:
        d.polarity, why = "unipolar", "it has fewer than two substantive points"
    d.notes.append(f"polarity guessed {d.polarity}: {why}.")
    d.reversed = _is_reversed(d.scale)
    if d.reversed:
        d.notes.append(f"its codes run from {d.scale[0]['code']} down in display order "
                       "(RecodeValues): each code is kept with its label; the scale is listed as shown "
                       "to respondents (list it lowest code first to chart it from low to high).")
    if q.selector == "Bipolar":
        d.notes.append("a semantic differential (each row has its own two ends): the items' labels "
                       "name only the rows.")
    return [d], [r for r in refs if r.parts not in used]


def _matrix_multiple(q: QsfQuestion, refs: list[Ref]) -> tuple[list[Drafted], list[Ref]]:
    """A multiple-answer matrix: one multi-select question per row, one 0/1 column per answer."""
    out, used = [], set()
    for c in q.choices:
        by_answer = {r.parts[1]: r for r in refs if len(r.parts) == 2 and r.parts[0] == c.id
                     and r.parts[1] != "TEXT"}
        row = _with_choices(q, q.answers)
        found = _option_columns(row, {(k,): r for k, r in by_answer.items()})
        if not found:
            continue
        answers = [a for a in q.answers if a.id in found]
        d = Drafted(q, "multiple_choice", f"{q.text} — {c.label}".strip(" —"), suffix=c.export_tag or c.id,
                    layout="columns", columns=[found[a.id].column for a in answers])
        d.options = _choice_options(d, answers, [])
        for option, a in zip(d.options, answers):
            option["column"] = found[a.id].column
        used |= {found[a.id].parts for a in answers}
        out.append(d)
    return out, [r for r in refs if r.parts not in used]


def _numbers(q: QsfQuestion, refs: list[Ref]) -> tuple[list[Drafted], list[Ref]]:
    """Constant sum, slider, rank order: a number per choice."""
    parts = _by_parts(refs)
    rows = [c for c in q.choices if (c.id,) in parts]
    if not rows:
        return [], refs
    d = Drafted(q, "number", q.text, columns=[parts[(c.id,)].column for c in rows])
    d.items = [{"label": label} for label in _unique_labels(rows, d)]
    if q.type == "RO":
        d.notes.append("a rank order: each number is the rank given (1 = first).")
    return _numeric_or_text(d), [r for r in refs if r.parts not in {(c.id,) for c in rows}]


def _numeric_or_text(d: Drafted) -> list[Drafted]:
    """A number question whose columns hold only numbers; else free text, noted."""
    bad = [v for v in _seen(d.columns) if not NUMBER.fullmatch(v)]
    if not bad:
        return [d]
    d.notes.append(f"drafted as free text: its columns hold text that is no number ({bad[0][:40]!r}).")
    d.type, d.items = "free_text", []
    return [d]


def _text(q: QsfQuestion, refs: list[Ref]) -> tuple[list[Drafted], list[Ref]]:
    parts = _by_parts(refs)
    if q.selector == "FORM":
        fields = [c for c in q.choices if (c.id,) in parts]
        used = {(c.id,) for c in fields}
        columns = [parts[(c.id,)].column for c in fields]
        if fields:
            names = ", ".join(c.label for c in fields)
            text = f"{q.text} ({names})" if q.text else names
        else:
            text = q.text
    else:
        used = {("TEXT",)} if ("TEXT",) in parts else ({()} if () in parts else set())
        columns = [parts[u].column for u in used]
        text = q.text
    if not columns:
        return [], refs
    numeric = q.content_type in NUMERIC_CONTENT and len(columns) == 1
    d = Drafted(q, "number" if numeric else "free_text", text, columns=columns)
    if numeric:
        d.notes.append("a text entry validated as a number: drafted as a number question.")
    words = [q.text] + [c.label for c in q.choices]
    if any(PERSONAL.search(w) for w in words if w):
        d.notes.append("it may hold personal data (names, e-mail or postal addresses, phone numbers): "
                       "the build stops when it finds personal data in what it would publish.")
    return (_numeric_or_text(d) if numeric else [d]), [r for r in refs if r.parts not in used]


def _sbs(q: QsfQuestion, refs: list[Ref]) -> tuple[list[Drafted], list[Ref]]:
    """A side-by-side question: one question per column."""
    out, left = [], []
    for k, side in enumerate(q.sides, start=1):
        mine = [r for r in refs if r.side == side.qid.split("#")[1]]
        text = f"{q.text} — {side.text}".strip(" —")
        if side.type == "Matrix" and side.subselector in ("SingleAnswer", "DL", "") and side.answers:
            drafted, rest = _matrix(side, mine, text, suffix=str(k))
        elif side.type == "Matrix" and side.subselector == "MultipleAnswer":
            drafted, rest = _matrix_multiple(side, mine)
            for d in drafted:
                d.suffix = f"{k}_{d.suffix}"
        else:
            drafted, rest = [], mine
        out += drafted
        left += rest
    left += [r for r in refs if r.side is None]
    return out, left


def draft_question(q: QsfQuestion, refs: list[Ref]) -> tuple[list[Drafted], list[Ref], str | None]:
    """The codebook questions of one .qsf question, the columns it left, and why it gave none."""
    if q.type == "MC" and q.selector in MULTI:
        drafted, rest = _multiple(q, refs)
    elif q.type == "MC":
        drafted, rest = _single(q, refs)
    elif q.type == "Matrix" and q.subselector == "MultipleAnswer":
        drafted, rest = _matrix_multiple(q, refs)
    elif q.type == "Matrix" and q.selector in ("Likert", "Bipolar") and q.answers:
        drafted, rest = _matrix(q, refs)
    elif q.type == "Matrix" and q.selector in ("CS", "RO", "Slider") or q.type in ("CS", "Slider", "RO"):
        drafted, rest = _numbers(q, refs)
    elif q.type == "TE":
        drafted, rest = _text(q, refs)
    elif q.type == "SBS":
        drafted, rest = _sbs(q, refs)
    else:
        return [], refs, f"type {q.type}/{q.selector} is not drafted; its columns are ignored"
    if not drafted:
        return [], refs, (f"its export columns do not fit a {q.type}/{q.selector} question; they are "
                          "ignored")
    return drafted, rest, None


# --------------------------------------------------------------------------- ids and names

def _slug(text: str, fallback: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60].strip("-")
    return slug if slug and is_id(slug) else fallback


def _unique(value: str, taken: set[str]) -> str:
    out, n = value, 2
    while out.lower() in taken:
        out, n = f"{value}-{n}", n + 1
    taken.add(out.lower())
    return out


def _assign_ids(drafted: list[Drafted]) -> None:
    """Ids from the export tags when valid and unique (ignoring case), else from the QID."""
    tags = Counter(q.tag.split("#")[0].lower() for q in {d.qsf.qid.split("#")[0]: d.qsf for d in drafted}.values())
    taken: set[str] = set()
    for d in drafted:
        qid = d.qsf.qid.split("#")[0]
        tag = d.qsf.tag.split("#")[0]
        base = tag if is_id(tag) and tags[tag.lower()] == 1 else qid
        if base != tag and tag:
            d.notes.append(f"id {base} (its export tag {tag!r} is {'used twice' if is_id(tag) else 'no valid id'}).")
        value = f"{base}_{d.suffix}" if d.suffix else base
        if not is_id(value):
            value = f"{qid}_{len(taken) + 1}"
        d.id = _unique(value, taken)


def codebook_names(export: Export, used: list[tuple[ExportColumn, str]]) -> dict[int, tuple[str, str | None]]:
    """Position -> (the codebook's name, a note or None) for each (column, question id) used: its
    export name, unless that name is repeated in the export or is no valid column name; then the
    name with its question id (``other (QID30)``), or its ImportId."""
    counts = Counter(c.name for c in export.columns)
    taken = set(counts)
    out = {}
    for col, qid in used:
        if is_column(col.name) and counts[col.name] == 1:
            out[col.position] = (col.name, None)
            continue
        tries = [f"{col.name} ({qid})", f"{col.name} ({col.key})", col.key or "",
                 f"{col.name} (column {col.position + 1})"]
        tries += [f"column {col.position + 1}" + (f" ({n})" if n else "") for n in range(len(taken) + 1)]
        name = next(t for t in tries if t and is_column(t) and t not in taken)
        taken.add(name)
        why = "its name repeats in the export" if counts[col.name] > 1 else "its name is no valid column name"
        out[col.position] = (name, f"export column {col.name!r} is named {name!r} in the codebook ({why}); "
                                   "it is matched on its ImportId.")
    return out


def _column_names(export: Export, drafted: list[Drafted]) -> dict[int, str]:
    used = [(col, d) for d in drafted for col in d.columns + list(d.text_columns.values())]
    names = codebook_names(export, [(col, d.qsf.qid.split("#")[0]) for col, d in used])
    for col, d in used:
        note = names[col.position][1]
        if note:
            d.notes.append(note)
    return {pos: name for pos, (name, _) in names.items()}


# --------------------------------------------------------------------------- display logic

def _answered(d: Drafted, row: int) -> bool:
    if d.layout == "columns":
        return any(c.values[row].strip() == "1" for c in d.columns)
    return any(c.values[row].strip() not in NOT_ANSWERED for c in d.columns)


def _conditions(drafted: list[Drafted], summary: Summary, rows: int) -> None:
    by_qid: dict[str, list[Drafted]] = {}
    for d in drafted:
        by_qid.setdefault(d.qsf.qid.split("#")[0], []).append(d)
    for d in drafted:
        logic = d.qsf.logic
        if logic is None:
            continue
        why = None
        target = by_qid.get(logic.simple[0], []) if logic.simple else []
        if not logic.simple:
            why = "it is not one 'option X of question Y is selected' rule"
        elif len(target) != 1 or target[0].type != "single_choice":
            why = "the question it depends on is not a single-choice question of this codebook"
        elif logic.simple[1] not in target[0].choice_labels:
            why = "the option it names is not in the export"
        else:
            t = target[0]
            label = t.choice_labels[logic.simple[1]]
            broken = [r for r in range(rows) if _answered(d, r)
                      and t.decode.get(t.columns[0].values[r].strip()) != label]
            if broken:
                why = f"{len(broken)} row(s) of the export answer it without that answer"
            else:
                d.condition = {"question": t.id, "equals": label}
                d.notes.append(f"shown only when {t.id} is {label!r} (display logic; every row of the "
                               "export agrees).")
                summary.conditions.append(d.id)
                continue
        d.notes.append(f"display logic not written as a condition ({why}): {logic.text}")


# --------------------------------------------------------------------------- the codebook entries

def review_text(notes: list[str]) -> str:
    """Notes as one text: each a sentence starting with a capital."""
    return " ".join(n[:1].upper() + n[1:] for n in notes)


def _entry(d: Drafted, number: int, part: str, names: dict[int, str], with_ids: bool) -> dict:
    def name(col):
        return names[col.position]

    entry = {"id": d.id, "number": str(number), "part": part, "text": d.text or d.id, "type": d.type}
    if d.polarity:
        entry["polarity"] = d.polarity
    if d.options:
        options = []
        for pos, o in enumerate(d.options):
            o = dict(o)
            if "column" in o:
                o["column"] = name(o["column"])
            if pos in d.text_columns:
                o["text_column"] = name(d.text_columns[pos])
            options.append(o)
        entry["options"] = options
    if d.items:
        entry["items"] = [{"label": i["label"], "column": name(col),
                           **({"text_column": name(d.text_columns[pos])} if pos in d.text_columns else {})}
                          for pos, (i, col) in enumerate(zip(d.items, d.columns))]
    if d.scale:
        entry["scale"] = d.scale
    entry["columns"] = [name(c) for c in d.columns]
    if d.condition:
        entry["condition"] = d.condition
    if d.administrative:
        entry["administrative"] = True
    if with_ids:
        cols = d.columns + [d.text_columns[k] for k in sorted(d.text_columns)]
        entry["import_ids"] = {name(c): c.key for c in cols if c.key}
    if d.notes:
        entry["review"] = review_text(d.notes)
    return entry


def _ignore_reason(col: ExportColumn, key: str | None, survey: Survey | None) -> str:
    if TEXT_IQ.search(col.name) or (key and TEXT_IQ.search(key)):
        return "Text iQ analysis"
    if PANEL.match(col.name):
        return "panel or quality column"
    if survey is not None and col.name in survey.embedded:
        return "embedded data"
    if key and re.match(r"[0-9]+_QID[0-9]", key):
        return "a loop and merge column (not drafted)"
    if key and not _KEY.match(key):
        return "embedded data or other non-question column"
    return "matches no question"


def _administrative(d: Drafted) -> None:
    if d.type != "matrix" and ADMINISTRATIVE.search(d.text):
        d.administrative = True
        d.notes.append("marked administrative (about the survey itself, listed and not charted): "
                       "its wording asks about results, a prize draw or contacting the respondent.")


def _match(survey: Survey, export: Export) -> tuple[dict[str, list[Ref]], list[tuple[ExportColumn, str]]]:
    """The export's columns by question (QIDn), and those that belong to none, with why."""
    keys = _keys(survey, export)
    refs: dict[str, list[Ref]] = {}
    loose = []
    for col in export.columns:
        if is_metadata(col):
            continue
        key = keys.get(col.position)
        ref = _ref(col, key) if key and not TEXT_IQ.search(key) and not TEXT_IQ.search(col.name) else None
        if ref is None or ref.qid not in survey.questions:
            loose.append((col, _ignore_reason(col, key, survey)))
        else:
            refs.setdefault(ref.qid, []).append(ref)
    return refs, loose


@dataclass
class _Drafting:
    """The questions drafted so far, with their parts (the blocks that have one)."""

    summary: Summary
    loose: list  # (column, why ignored)
    drafted: list = field(default_factory=list)
    parts: dict = field(default_factory=dict)  # block id -> {id, title}
    part_of: dict = field(default_factory=dict)  # id(Drafted) -> part id
    taken: set = field(default_factory=lambda: {"index"})  # results/index.md is the build's own page

    def leave_out(self, q: QsfQuestion, why: str, refs=(), column_why: str = "") -> None:
        self.summary.left_out.append((f"{q.qid} ({q.tag})" if q.tag else q.qid, why))
        self.loose += [(r.column, column_why) for r in refs]

    def add(self, block, found: list[Drafted]) -> None:
        if found and block.id not in self.parts:
            pid = _unique(_slug(block.title, f"block-{len(self.parts) + 1}"), self.taken)
            self.parts[block.id] = {"id": pid, "title": block.title or f"Block {len(self.parts) + 1}"}
        for d in found:
            _administrative(d)
            _text_outside_its_option(d)
            self.part_of[id(d)] = self.parts[block.id]["id"]
            self.drafted.append(d)


def _draft_all(survey: Survey, refs: dict[str, list[Ref]], work: _Drafting) -> None:
    """Every question in flow order (then those in no block of the flow): drafted, or left out."""
    placed = [(b, qid) for b in survey.blocks for qid in b.qids]
    in_flow = {qid for _, qid in placed}
    trash = set(survey.trash)
    for block, qid in placed + [(None, q) for q in survey.questions if q not in in_flow]:
        q = survey.questions.get(qid)
        if q is None:
            continue
        mine = refs.pop(qid, [])
        if q.type in NOT_QUESTIONS:
            work.loose += [(r.column, f"{NOT_QUESTIONS[q.type]} ({qid})") for r in mine]
        elif qid in trash:
            work.leave_out(q, "in the Trash block", mine, f"question {qid} is in the Trash")
        elif not mine:
            work.leave_out(q, "not in the export")
        elif block is None:
            work.leave_out(q, "in no block of the survey flow", mine, f"question {qid} is in no block of the flow")
        else:
            found, rest, why = draft_question(q, mine)
            if why:
                work.leave_out(q, why)
            work.loose += [(r.column, f"a column of {qid} that fits none of its parts" if not why else
                            f"question {qid} is not drafted") for r in rest]
            work.add(block, found)
    for qid, rest in refs.items():  # columns of questions the .qsf has in no block at all
        work.loose += [(r.column, f"question {qid} is in no block") for r in rest]


def _text_outside_its_option(d: Drafted) -> None:
    """A "please specify" text where its option was not chosen: the build refuses such a row."""
    if d.type != "single_choice":
        return
    for pos, col in d.text_columns.items():
        label = d.options[pos]["label"]
        rows = sum(1 for text, answer in zip(col.values, d.columns[0].values)
                   if text.strip() not in NOT_ANSWERED and d.decode.get(answer.strip()) != label)
        if rows:
            d.notes.append(f"{rows} row(s) hold text in {col.name!r} but did not choose {label!r}; the "
                           "build refuses such rows until the export or the codebook is corrected.")


def draft(survey: Survey, export: Export) -> Draft:
    summary = Summary("qsf", export.rows, len(export.columns))
    refs, loose = _match(survey, export)
    work = _Drafting(summary, loose)
    _draft_all(survey, refs, work)
    if not work.drafted and any(not is_metadata(c) for c in export.columns):
        raise DataError(Problem(export.file, "header", "no column of the export belongs to a question of "
                                f"the .qsf ({survey.name or 'the survey'}); are they the same survey? "
                                "Export the responses of this survey, or run init without --qsf"))
    _assign_ids(work.drafted)
    names = _column_names(export, work.drafted)
    _conditions(work.drafted, summary, export.rows)
    questions = [_entry(d, n, work.part_of[id(d)], names, export.has_import_ids)
                 for n, d in enumerate(work.drafted, start=1)]
    ignore = _ignore_list(work.loose, summary)
    _summarise(work.drafted, questions, summary)
    title = survey.name or export.name.rsplit(".", 1)[0]
    parts = list(work.parts.values())
    instrument = {"survey": {"title": title, "platform": "Qualtrics"}, "ignore": ignore,
                  "parts": parts, "questions": questions}
    return Draft(instrument, study_dict(title, parts, questions), themes_dict(title), summary)


def _ignore_list(loose: list[tuple[ExportColumn, str]], summary: Summary) -> list[str]:
    out = []
    for col, why in sorted(loose, key=lambda x: x[0].position):
        summary.ignored.append((col.name, why))
        if not is_column(col.name):
            summary.review.append(("ignore", f"column {col.position + 1} ({col.name[:40]!r}) has no valid "
                                             "name, so it cannot be listed under ignore: rename it in "
                                             "the export"))
        elif col.name not in out:
            out.append(col.name)
    return out


def _summarise(drafted: list[Drafted], questions: list[dict], summary: Summary) -> None:
    for d, entry in zip(drafted, questions):
        summary.types[d.type] += 1
        if d.reversed:
            codes = [p["code"] for p in d.scale]
            summary.reversed.append(f"{d.id} (codes {', '.join(map(str, codes))})")
        for o in entry.get("options", []) + entry.get("scale", []):
            if o.get("nonsubstantive"):
                summary.nonsubstantive.append((d.id, o["label"]))
        if d.layout:
            summary.layouts[d.id] = d.layout
        if d.notes:
            summary.review.append((d.id, review_text(d.notes)))


# --------------------------------------------------------------------------- study and themes

def study_dict(title: str, parts: list[dict], questions: list[dict], responses: str = "responses.csv") -> dict:
    sections = []
    for p in parts:
        ids = [q["id"] for q in questions if q["part"] == p["id"]]
        if ids:
            sections.append({"id": p["id"], "title": p["title"], "questions": ids})
    return {"title": title, "short_title": title if len(title) <= 60 else title[:59] + "…",
            "files": {"instrument": "instrument.yaml", "themes": "themes.yaml", "responses": responses},
            "sections": sections}


def themes_dict(title: str) -> dict:
    return {"title": f"Themes of the free-text answers: {title}", "steps": []}
