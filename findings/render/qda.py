"""The theme codebook in the REFI-QDA exchange format, for the site's downloads: a codebook (``.qdc``)
and a project (``.qdpx``) a team opens in NVivo, ATLAS.ti, MAXQDA, QualCoder or Taguette.

``codebook_qdc(codebook) -> str``: the code tree (``urn:QDA-XML:codebook:1.0``): steps, analyses and
groups as codes that cannot be coded, themes and sub-themes as codes that can, each theme's summary
as its description; and a code ``Publish`` that marks the passages the site may quote.

``project_qdpx(codebook) -> bytes``: a zip holding ``project.qde`` (``urn:QDA-XML:project:1.0``, the
same code tree) and one text source per respondent (quote label) holding each of its quotes once,
under a line with the question id it answers; each quote is a selection coded to its theme (and to
``Publish``). A source is named by the label as the site prints it, never by a survey platform's
record id (quotes without a published label share the source ``(no label)``). Positions count
code points, as the standard says. A quote printed under several themes is one passage of the
source with a selection per theme, as NVivo writes them.

What the exchange format has no place for (ids, kinds, questions, notes, appendix lines, labels as
printed) rides in a last description line ``findings-site: {...}``, which ``load/qda.py`` reads
back, so that YAML -> .qdpx -> themes gives the same tree, quotes and labels. Everything is
deterministic (GUIDs derived from the ids, no dates), so an unchanged codebook gives the same bytes.
No file is read or written here.
"""
from __future__ import annotations

import io
import json
import uuid
import zipfile
from xml.etree import ElementTree as ET

from ..load.qda import META_PREFIX, PARTICIPANT_LABEL_RE, PUBLISH_CODE
from ..load.themes import LABEL_RE

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
ORIGIN = "findings site generator"
GUIDS = uuid.UUID("6f1d3c2a-8b7e-4f0a-9c55-2e4b7a1d9e30")  # the namespace of every GUID written here
NO_LABEL = "(no label)"  # the source of the quotes printed without a label
PUBLISH_DESCRIPTION = ("Passages coded here are published on the site as quotes (qda: publish in "
                       "study.yml); every other coding counts in the themes' prevalence only.")
STAMP = (1980, 1, 1, 0, 0, 0)  # zip members' date: none, so the same codebook gives the same bytes


def _published(value: str | None, form) -> str | None:
    """A label (or participant) as the site may publish it, None for anything else (a record id)."""
    return value if value is not None and form.fullmatch(value) else None


def guid(*parts) -> str:
    return str(uuid.uuid5(GUIDS, "\x1f".join(map(str, parts))))


def _empty(value) -> bool:
    return value is None or value is False or (isinstance(value, (list, tuple)) and not value)


def _note(values: dict) -> str:
    """The generator's note: what the exchange format has no place for (``label`` and
    ``participant`` are kept when empty: a quote printed without a label says so)."""
    kept = {k: v for k, v in values.items() if not _empty(v) or k in ("label", "participant")}
    return f"{META_PREFIX} {json.dumps(kept, ensure_ascii=False, sort_keys=True)}"


def _description(parent, *paragraphs) -> None:
    text = "\n\n".join(p for p in paragraphs if p)
    if text:
        ET.SubElement(parent, "Description").text = text


def _code(parent, node, parent_questions: tuple) -> None:
    element = ET.SubElement(parent, "Code", {
        "guid": guid("code", node.id), "name": node.title,
        "isCodable": "true" if node.kind in ("theme", "subtheme") else "false"})
    questions = list(node.questions) if node.kind == "analysis" or node.questions != parent_questions \
        else None
    _description(element, node.summary, _note({
        "id": node.id, "kind": node.kind, "line": node.line, "questions": questions,
        "final": node.final, "note": node.note, "reader_title": node.reader_title}))
    for child in node.children:
        _code(element, child, node.questions)


def _codes(parent, codebook) -> None:
    codes = ET.SubElement(parent, "Codes")
    for step in codebook.steps:
        _code(codes, step, ())
    publish = ET.SubElement(codes, "Code", {"guid": guid("publish"), "name": PUBLISH_CODE,
                                                     "isCodable": "true"})
    _description(publish, PUBLISH_DESCRIPTION)


def _xml(root) -> bytes:
    """The document, its elements in the namespace the root's ``xmlns`` names (ElementTree cannot
    write a default namespace beside attributes without one)."""
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def codebook_qdc(codebook) -> str:
    """The code tree as a REFI-QDA codebook (``.qdc``), as text."""
    root = ET.Element("CodeBook", {"xmlns": CODEBOOK_NS, "origin": ORIGIN})
    _codes(root, codebook)
    return _xml(root).decode("utf-8")


# --------------------------------------------------------------------------- the project

class _Source:
    """One respondent's quotes as a text: each distinct quote once, under its question's line."""

    def __init__(self, label: str | None):
        self.label = label
        self.guid = guid("source", "" if label is None else label, label is None)
        self.by_question: dict[str, list[str]] = {}
        self.selections: list = []  # (quote, node, place among the node's quotes)

    def add(self, quote, node, n: int) -> None:
        texts = self.by_question.setdefault(quote.question, [])
        if quote.text not in texts:
            texts.append(quote.text)
        self.selections.append((quote, node, n))

    def text(self) -> tuple[str, dict]:
        """The source's text and where each (question, quote text) starts in it (code points)."""
        parts, at, where = [], 0, {}
        for question, texts in self.by_question.items():
            head = f"{question}\n"
            parts.append(head)
            at += len(head)
            for text in texts:
                where[(question, text)] = at
                parts.append(text + "\n\n")
                at += len(text) + 2
        return "".join(parts), where


def _sources(codebook) -> list[_Source]:
    sources: dict = {}
    for step in codebook.steps:
        for node in step.walk():
            for n, quote in enumerate(node.quotes):
                label = _published(quote.label, LABEL_RE)
                sources.setdefault(label, _Source(label)).add(quote, node, n)
    return list(sources.values())


def _selection(parent, source: _Source, quote, node, n: int, start: int) -> None:
    element = ET.SubElement(parent, "PlainTextSelection", {
        "guid": guid("selection", node.id, n), "name": quote.text[:80],
        "startPosition": str(start), "endPosition": str(start + len(quote.text))})
    _description(element, _note({
        "n": n, "line": quote.line, "label": _published(quote.label, LABEL_RE),
        "participant": _published(quote.participant, PARTICIPANT_LABEL_RE),
        "annotation": quote.annotation, "repairs": list(quote.repairs), "note": quote.note,
        "cited_as": quote.cited_as, "cited_line": quote.cited_line}))
    for target in (guid("code", node.id), guid("publish")):
        coding = ET.SubElement(element, "Coding", {"guid": guid("coding", node.id, n, target)})
        ET.SubElement(coding, "CodeRef", {"targetGUID": target})


def project_qdpx(codebook) -> bytes:
    """The codebook and its quotes as a REFI-QDA project (``.qdpx``): a stored (uncompressed) zip,
    so that the privacy scan of the built site reads its text as it reads any other download."""
    root = ET.Element("Project", {"xmlns": PROJECT_NS, "name": codebook.title, "origin": ORIGIN})
    _codes(ET.SubElement(root, "CodeBook"), codebook)
    sources = _sources(codebook)
    texts = {}
    if sources:
        holder = ET.SubElement(root, "Sources")
        for source in sources:
            text, where = source.text()
            texts[source.guid] = text
            element = ET.SubElement(holder, "TextSource", {
                "guid": source.guid, "name": NO_LABEL if source.label is None else source.label,
                "plainTextPath": f"internal://{source.guid}.txt"})
            for quote, node, n in source.selections:
                _selection(element, source, quote, node, n, where[(quote.question, quote.text)])
    _description(root, _note({"title": codebook.title, "source": codebook.source}))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        _member(archive, "project.qde", _xml(root))
        for source_guid, text in texts.items():
            _member(archive, f"sources/{source_guid}.txt", text.encode("utf-8"))
    return buffer.getvalue()


def _member(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, STAMP)
    info.external_attr = 0o644 << 16
    archive.writestr(info, data)
