"""A codebook drafted from a responses export alone (no ``.qsf``): every entry is a guess, and says so.

Columns are grouped into questions by their ImportId (``QID5_2`` belongs to ``QID5``), else by
their names (``Q5_2`` to ``Q5``); the question text is the export's second header row when it has
one. Then, from the values each column holds:

- a ``_TEXT`` column is free text (its own question: without a .qsf it is not known which option
  it specifies);
- a group of columns holding only 0 and 1 is a multi-select with one column per option;
- a group of columns sharing a few answers is a matrix (scale points in the order first seen, or
  by code when they are numbers);
- one column of a few answers is a single choice, or a multi-select when some answers are other
  answers joined with ","; numbers only: a single choice labelled by its codes when there are few
  distinct whole numbers, else a number question;
- anything else is free text.
"""
from __future__ import annotations

import re
from collections import Counter

from ..load.yamlfile import is_column, is_id
from . import guess
from .draft import (NUMBER, PANEL, TEXT_IQ, Draft, Summary, _seen, _unique, codebook_names, review_text, study_dict,
                    themes_dict)
from .export import Export, ExportColumn, is_metadata

MAX_CHOICES = 30  # distinct answers of a column read as a choice question
MAX_MULTI_OPTIONS = 40
MAX_JOINS = 500  # distinct answers of a column tried as a multi-select (each against all the others)
SMALL_CODES = 11  # a numeric column with at most this many distinct whole numbers: a choice question
GUESSED = "drafted from the export alone:"
_KEYED = re.compile(r"(QID[0-9]+(?:#[0-9]+)?)(?:_(.+))?\Z")
_NAMED = re.compile(r"(.+?)_([A-Za-z]?[0-9]+)\Z")


def _group_key(col: ExportColumn) -> str:
    """The question a column belongs to: the QID of its ImportId, else its name without the
    ``_<choice>`` and ``_TEXT`` endings."""
    if col.key and (found := _KEYED.match(col.key)):
        return found[1]
    name = col.name.removesuffix("_TEXT")
    found = _NAMED.match(name)
    return found[1] if found else name


def _base(group: str, cols: list[ExportColumn]) -> str:
    """A question id for a group of columns: its one column's name, else the names' common stem
    (``Q5`` of ``Q5_1``, ``Q5_2``), else the group (the QID)."""
    if len(cols) == 1:
        return cols[0].name
    found = _NAMED.match(cols[0].name.removesuffix("_TEXT"))
    if found and is_id(found[1]):
        return found[1]
    return group.replace("#", "_")


def _question_text(cols: list[ExportColumn]) -> str:
    texts = [c.text for c in cols if c.text]
    if not texts:
        return ""
    text = texts[0]
    for cut in (" - Selected Choice", " - Text"):
        text = text.split(cut)[0]
    if len(cols) > 1 and " - " in text:
        text = text.rsplit(" - ", 1)[0]
    return text.strip()


def _part_label(col: ExportColumn, fallback: str) -> str:
    if col.text and " - " in col.text:
        label = col.text.rsplit(" - ", 1)[1].strip()
        if label:
            return label
    return fallback


def _code(value: str) -> int | str:
    return int(float(value)) if re.fullmatch(r"-?[0-9]{1,9}(?:\.0+)?", value) else value


def _is_codes(seen: list[str]) -> bool:
    return bool(seen) and all(re.fullmatch(r"-?[0-9]{1,9}(?:\.0+)?", v) for v in seen)


def _options(labels: list[str], numeric: bool) -> list[dict]:
    out = []
    for label in labels:
        option = {"label": label, "code": _code(label) if numeric else len(out) + 1}
        if guess.nonsubstantive(label) == "yes":
            option["nonsubstantive"] = True
        out.append(option)
    return out


def _split_options(seen: list[str]) -> list[str] | None:
    """The options of a multi-select whose cells join labels with ',' (None when it is not one)."""
    if len(seen) > MAX_JOINS or not any("," in v for v in seen):
        return None
    atoms = [v for v in seen if guess.split_cell(v, tuple(a for a in seen if a != v), False) is None]
    composite = len(seen) - len(atoms)
    if composite < 2 or len(atoms) > MAX_MULTI_OPTIONS:
        return None
    if any(guess.split_cell(v, tuple(atoms), False) is None for v in seen):
        return None
    return atoms


class _Builder:
    def __init__(self, export: Export, summary: Summary):
        self.export, self.summary = export, summary
        self.questions: list[dict] = []
        self.ids: set[str] = set()
        self.ignore: list[str] = []

    def add(self, base: str, text: str, kind: str, cols: list[ExportColumn], notes: list[str], **keys) -> dict:
        qid = _unique(base if is_id(base) else f"column-{cols[0].position + 1}", self.ids)
        group = _group_key(cols[0])
        names = codebook_names(self.export, [(c, group if group.startswith("QID") else qid) for c in cols])
        notes = notes + [note for _, note in names.values() if note]
        for point in keys.get("options", []) + keys.get("items", []):
            if "column" in point:  # the ExportColumn, named now
                point["column"] = names[point["column"].position][0]
        entry = {"id": qid, "number": str(len(self.questions) + 1), "part": "survey",
                 "text": text or qid, "type": kind, **keys, "columns": [names[c.position][0] for c in cols]}
        if self.export.has_import_ids:
            entry["import_ids"] = {names[c.position][0]: c.key for c in cols if c.key}
        entry["review"] = review_text([GUESSED] + notes)
        self.questions.append(entry)
        self.summary.types[kind] += 1
        self.summary.review.append((qid, entry["review"]))
        for o in keys.get("options", []) + keys.get("scale", []):
            if o.get("nonsubstantive"):
                self.summary.nonsubstantive.append((qid, o["label"]))
        return entry

    def skip(self, col: ExportColumn, why: str) -> None:
        self.summary.ignored.append((col.name, why))
        if is_column(col.name) and col.name not in self.ignore:
            self.ignore.append(col.name)

    # one question per group of columns
    def single(self, base: str, col: ExportColumn, text: str) -> None:
        seen = _seen([col])
        if _is_codes(seen) and len({_code(v) for v in seen}) <= SMALL_CODES:
            labels = sorted({str(_code(v)) for v in seen}, key=int)
            self.add(base, text, "single_choice", [col],
                     ["a numeric column with few values: a single choice labelled by its codes; write the "
                      "option texts as labels (keep each code), or make it a number question."],
                     options=_options(labels, numeric=True))
        elif _is_codes(seen) or all(NUMBER.fullmatch(v) for v in seen) and seen:
            self.add(base, text, "number", [col], ["numbers only: a number question."])
        elif (options := _split_options(seen)) is not None:
            entry = self.add(base, text, "multiple_choice", [col],
                             ["some answers are other answers joined with ',': a multi-select; check "
                              "the options (those never chosen alone are missing) and put them in the "
                              "survey's order."], options=_options(options, numeric=False))
            self.summary.layouts[entry["id"]] = "joined"
        elif 0 < len(seen) <= MAX_CHOICES and self.export.rows >= 2 * len(seen):
            self.add(base, text, "single_choice", [col],
                     ["a few distinct answers: a single choice; options in the order first seen, put "
                      "them in the survey's order."], options=_options(seen, numeric=False))
        else:
            self.text_or_number(base, [col], text)

    def text_or_number(self, base: str, cols: list[ExportColumn], text: str) -> None:
        seen = _seen(cols)
        if seen and len(cols) == 1 and all(NUMBER.fullmatch(v) for v in seen):
            self.add(base, text, "number", cols, ["typed-in numbers only: a number question."])
        else:
            self.add(base, text, "free_text", cols, ["free text."])

    def group(self, base: str, cols: list[ExportColumn], text: str) -> None:
        seen = _seen(cols)
        if set(seen) <= {"0", "1"} and seen:
            options = [{"label": _part_label(c, c.name), "code": n + 1, "column": c}
                       for n, c in enumerate(cols)]
            labels = Counter(o["label"] for o in options)
            for o in options:
                if labels[o["label"]] > 1:
                    o["label"] = f"{o['label']} ({o['column'].name})"
                if guess.nonsubstantive(o["label"]) == "yes":
                    o["nonsubstantive"] = True
            entry = self.add(base, text, "multiple_choice", cols,
                             ["columns of 0 and 1: a multi-select with one column per option; option "
                              "labels from the header, check them."], options=options)
            self.summary.layouts[entry["id"]] = "columns"
        elif _is_codes(seen) and len({_code(v) for v in seen}) <= SMALL_CODES \
                or not _is_codes(seen) and 0 < len(seen) <= MAX_CHOICES:
            numeric = _is_codes(seen)
            points = sorted({str(_code(v)) for v in seen}, key=int) if numeric else seen
            scale = _options(points, numeric)
            substantive = [p["label"] for p in scale if not p.get("nonsubstantive")]
            polarity, why = guess.polarity(substantive)
            if len(substantive) < 2:
                polarity = "unipolar"
            items = [{"label": _part_label(c, c.name), "column": c} for c in cols]
            self.add(base, text, "matrix", cols,
                     [f"columns sharing a few answers: a matrix; scale points {'by code' if numeric else 'in the order first seen'} "
                      f"(put them in the survey's order{', with their texts' if numeric else ''}); "
                      f"polarity guessed {polarity}: {why}."],
                     polarity=polarity, items=items, scale=scale)
        elif all(NUMBER.fullmatch(v) for v in seen):
            self.add(base, text, "number", cols, ["numbers only: a number per item."],
                     items=[{"label": _part_label(c, c.name), "column": c} for c in cols])
        else:
            self.add(base, text, "free_text", cols, ["text in several columns: free text."])


def draft_from_export(export: Export) -> Draft:
    summary = Summary("export", export.rows, len(export.columns))
    builder = _Builder(export, summary)
    groups: dict[str, list[ExportColumn]] = {}
    for col in export.columns:
        if is_metadata(col):
            continue
        if TEXT_IQ.search(col.name) or (col.key and TEXT_IQ.search(col.key)):
            builder.skip(col, "Text iQ analysis")
        elif PANEL.match(col.name) and not (col.key or "").startswith("QID"):
            builder.skip(col, "panel or quality column")
        elif col.key and not _KEYED.match(col.key):
            builder.skip(col, "embedded data or other non-question column (its ImportId is no QID)")
        elif not is_column(col.name):
            builder.skip(col, "no valid column name")
        else:
            groups.setdefault(_group_key(col), []).append(col)
    for base, cols in groups.items():
        text_cols = [c for c in cols if c.name.endswith("_TEXT") or (c.key or "").endswith("_TEXT")]
        answer_cols = [c for c in cols if c not in text_cols]
        name = _base(base, cols)
        if len(answer_cols) == 1:
            builder.single(name if len(cols) == 1 else answer_cols[0].name, answer_cols[0],
                           _question_text(answer_cols))
        elif answer_cols:
            builder.group(name, answer_cols, _question_text(answer_cols))
        for c in text_cols:
            builder.text_or_number(c.name, [c], _question_text([c]) or f"Text typed in: {c.name}")
    title = export.name.rsplit(".", 1)[0]
    parts = [{"id": "survey", "title": title}]
    instrument = {"survey": {"title": title, "platform": "Qualtrics"}, "ignore": builder.ignore,
                  "parts": parts, "questions": builder.questions}
    return Draft(instrument, study_dict(title, parts, builder.questions), themes_dict(title), summary)
