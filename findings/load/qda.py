"""Themes from the team's analysis tool: REFI-QDA projects (``.qdpx``), codebooks (``.qdc``) and
Taguette's CSV exports, read into the same ``ThemeCodebook`` as ``themes.yaml``.

``load_qda(path, question_ids, inputs) -> ThemeCodebook``; ``inputs`` (``QdaInputs``) carries
study.yml's ``qda:`` settings (``QdaSchema``), the respondent ids of the responses file, and the
optional Taguette codebook (``files: themes_codebook``).

- **Codes -> themes.** The code tree is kept: non-codable codes are groups, codable ones themes,
  their children sub-themes. Plain codes form one final analysis (``qda: analysis``) in one step.
  A code's description becomes the theme's summary. Codes written by this generator
  (``render/qda.py``) carry a last description line ``findings-site: {...}`` with their id, kind,
  questions and notes, so that a codebook that went into a tool and back keeps its steps, analyses
  and page addresses.
- **Coded selections -> respondents and questions.** ``sources: per_respondent`` (the default): a
  source per respondent, named by the response id; its answers each under a line that holds the
  question id (``Q12`` or ``Q12: the wording``), or all answering ``qda: question``.
  ``sources: per_question``: a source per question (named by its id, or mapped by
  ``qda: questions``), each answer starting with a line ``<response id>: ...``. Every selection
  that maps to no respondent or no question is reported.
- **Prevalence from every coding, quotes only where the team chose.** Every coding counts the
  respondent under its code (``Node.coded``); a selection becomes a quote only when it carries the
  publication code (``qda: publish: code``, default ``Publish``), or lies inside a selection that
  does, or when the publication set (``qda: publish: set``) holds its code or its source. Nothing
  else of the source texts is kept.
- **What real exports do.** Namespaces vary (elements are matched on their local names); GUIDs in
  any case, with or without braces; ``sources/`` or ``Sources/``; text inline or in files, with or
  without ``internal://``; byte-order marks; positions in code points (the standard), in UTF-16
  units with CRLF as two (NVivo for Windows) or with CRLF as one (ATLAS.ti): detected from where
  the selections fall (``positions: auto``), or set; several codings per selection, one selection
  per code, overlapping selections, codes with no codings. Dangling references are reported with
  the file, the element and the GUID.
- **Hostile files.** The zip is read only up to ``MAX_FILE_BYTES``; its members are counted and their
  unzipped size capped before anything is unzipped; XML is parsed with ``defusedxml`` (no DTD, so no
  entity expansion and no external entity). Every problem is one ``Problem`` naming the file and the
  element; never a traceback.
"""
from __future__ import annotations

import codecs
import csv
import io
import json
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Literal
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET
from pydantic import StrictBool, StrictInt, ValidationError

from ..errors import DataError, Problem, ProblemList, display_path, listing, shown
from . import files
from .themes import CHILD_KINDS, ID_RE, LABEL_RE, Node, Quote, ThemeCodebook, _label_warnings
from .yamlfile import Id, Schema, Text

MAX_FILE_BYTES = 200 * files.MB  # a .qdpx (zipped) or .qdc, .csv larger than this is refused unread
MAX_UNZIPPED = 500 * files.MB  # all members of a .qdpx together, as the zip declares them
MAX_MEMBERS = 20_000  # members of a .qdpx
MAX_CODE_DEPTH = 100  # levels of the code tree
META_PREFIX = "findings-site:"  # the last line of a description written by this generator
PUBLISH_CODE = "Publish"  # the default name of the code that marks quotes for publication
UNITS = ("code_points", "utf16", "crlf_as_one")
UNIT_WORDS = {"code_points": "code points (as the standard says)",
              "utf16": "UTF-16 units, CRLF as two (as NVivo for Windows writes them)",
              "crlf_as_one": "code points with CRLF as one (as ATLAS.ti writes them)"}
SOURCE_SUFFIXES = (".txt", ".docx", ".doc", ".rtf", ".pdf", ".odt", ".md", ".html", ".htm", ".csv")
# a line opening an answer: the question id (per respondent) or the response id (per question),
# optionally in brackets, then a colon or the end of the line
HEAD_RE = re.compile(r"^[ \t]*\[?([A-Za-z0-9][A-Za-z0-9_.-]{0,99})\]?[ \t]*(:|\r?$)", re.M)
META_RE = re.compile(r"(?:\A|\n)[ \t]*" + re.escape(META_PREFIX) + r"[ \t]*(\{.*?)\s*\Z", re.S)
PROJECT = "project.qde"
PARTICIPANT_LABEL_RE = re.compile(r"P[0-9]{1,9}")  # a source named like this is published by its name


# --------------------------------------------------------------------------- study.yml qda:

class PublishSchema(Schema):
    code: Text | None = None  # quotes: selections carrying (or inside one carrying) this code
    set: Text | None = None  # quotes: selections whose code or source this set holds


class AnalysisSchema(Schema):
    id: Id = "themes"  # the analysis the plain codes form (nav: {themes: <id>})
    title: Text = "Themes"
    step: Text | None = None  # the title of its step; default: the project's name


class QdaSchema(Schema):
    sources: Literal["per_respondent", "per_question"] = "per_respondent"
    question: Id | None = None  # per respondent: the question every answer answers (no headings)
    questions: dict[Text, Id] = {}  # per question: source (document) name -> question id
    publish: PublishSchema = PublishSchema()
    positions: Literal["auto", "code_points", "utf16", "crlf_as_one"] = "auto"
    analysis: AnalysisSchema = AnalysisSchema()


@dataclass(frozen=True)
class QdaInputs:
    settings: QdaSchema = field(default_factory=QdaSchema)
    respondents: frozenset | None = None  # response ids; None: source names are taken as they are
    codebook: Path | None = None  # files: themes_codebook (Taguette's codebook CSV)
    study_file: str = "study.yml"  # where the settings come from, for messages


def qda_inputs(study, responses) -> QdaInputs:
    """What the reader needs from the rest of the survey folder."""
    return QdaInputs(settings=study.qda or QdaSchema(),
                     respondents=frozenset(str(i) for i in responses.data.index),
                     codebook=study.files.get("themes_codebook"), study_file=display_path(study.path))


def _check_settings(inputs: QdaInputs, question_ids, problems: _Problems) -> None:
    """The questions study.yml's qda: names must be questions of the instrument."""
    if question_ids is None:
        return
    named = [("qda: question", inputs.settings.question)] if inputs.settings.question else []
    named += [(f"qda: questions: {shown(source)}", q) for source, q in inputs.settings.questions.items()]
    for where, question in named:
        if question not in question_ids:
            problems.list.append(Problem(inputs.study_file, where,
                                         f"{shown(question)} is not a question of the instrument"))


# --------------------------------------------------------------------------- the generator's notes

class CodeMeta(Schema):
    id: str
    kind: Literal["step", "analysis", "group", "theme", "subtheme"]
    line: StrictInt | None = None
    questions: list[Id] | None = None
    final: StrictBool = False
    note: str | None = None
    reader_title: str | None = None


class QuoteMeta(Schema):
    n: StrictInt | None = None  # its place among the quotes of its theme
    line: StrictInt | None = None
    label: str | None = None
    participant: str | None = None
    annotation: str | None = None
    repairs: list[str] = []
    note: str | None = None
    cited_as: str | None = None
    cited_line: StrictInt | None = None


class ProjectMeta(Schema):
    title: str | None = None
    source: str | None = None


def split_description(text: str | None) -> tuple[str | None, str | None]:
    """(the description a person wrote, the generator's JSON note or None)."""
    if not text:
        return None, None
    text = text.replace("\r\n", "\n")
    found = META_RE.search(text)
    body = text[:found.start()] if found else text
    return body.strip() or None, found.group(1) if found else None


# --------------------------------------------------------------------------- the neutral model

@dataclass
class Code:
    key: str  # normalised GUID (Taguette: the tag's path)
    name: str
    codable: bool
    description: str | None
    where: str
    children: list = field(default_factory=list)


@dataclass
class Coded:
    """One coded passage, mapped to its respondent and question."""
    codes: list  # code keys
    text: str  # the passage as the site would quote it
    respondent: str | None  # the response id it belongs to (None: not a respondent)
    label: str | None
    question: str | None
    line: int
    published: bool
    order: int
    where: str
    meta: QuoteMeta | None = None


class _Problems:
    def __init__(self, file: str):
        self.file = file
        self.list = ProblemList()
        self.warnings: list[Problem] = []

    def add(self, where: str | None, message: str) -> None:
        self.list.append(Problem(self.file, where, message))

    def warn(self, where: str | None, message: str) -> None:
        self.warnings.append(Problem(self.file, where, message))

    def raise_any(self) -> None:
        if self.list:
            raise DataError(self.list)


def _norm_guid(value: str | None) -> str | None:
    return value.strip().strip("{}").lower() if value else None


def _strip_suffix(name: str) -> str:
    name = name.strip()
    for suffix in SOURCE_SUFFIXES:
        if name.lower().endswith(suffix) and len(name) > len(suffix):
            return name[:-len(suffix)].strip()
    return name


def _matcher(known) -> dict | None:
    """Lower-cased id -> the id as the survey spells it (None when no ids are known)."""
    return None if known is None else {str(k).lower(): str(k) for k in known}


def _match(name: str | None, known: dict | None) -> str | None:
    if not name:
        return None
    name = _strip_suffix(name)
    return name if known is None else known.get(name.lower())


def _natural(text: str):
    return [int(t) if t.isdigit() else t.lower() for t in re.split(r"(\d+)", text)]


# --------------------------------------------------------------------------- XML and zip

def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def _kids(element, name: str) -> list:
    return [c for c in element if isinstance(c.tag, str) and _local(c.tag) == name]


def _kid(element, name: str):
    found = _kids(element, name)
    return found[0] if found else None


def _attr(element, name: str) -> str | None:
    for key, value in element.attrib.items():
        if _local(key).lower() == name.lower():
            return value
    return None


def _text_of(element) -> str | None:
    return None if element is None else "".join(element.itertext())


def parse_xml(data: bytes, problems: _Problems, where: str):
    """The XML's root element; DTDs (and with them entity expansion and external entities) refused."""
    try:
        return SafeET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        problems.add(where, "holds a DTD or entity declarations, which a REFI-QDA file never needs; "
                            "export it again from your analysis tool")
    except ParseError as e:
        line, column = getattr(e, "position", (None, None))
        problems.add(f"{where}, line {line}, column {column}" if line else where,
                     "not well-formed XML; export it again from your analysis tool")
    except (ValueError, RecursionError):
        problems.add(where, "not readable as XML (nested too deeply, or not text); export it again")
    return None


class _Archive:
    """A .qdpx's members, counted and sized before anything is unzipped."""

    def __init__(self, data: bytes, problems: _Problems):
        self.problems = problems
        self.zip = zipfile.ZipFile(io.BytesIO(data))
        infos = [i for i in self.zip.infolist() if not i.is_dir()]
        if len(infos) > MAX_MEMBERS:
            raise DataError(Problem(problems.file, None, f"holds {len(infos):,} files, more than the "
                                    f"{MAX_MEMBERS:,} a REFI-QDA project may hold here"))
        total = sum(i.file_size for i in infos)
        if total > MAX_UNZIPPED:
            raise DataError(Problem(problems.file, None, f"would unzip to {total / files.MB:.0f} MB, "
                                    f"more than the {MAX_UNZIPPED // files.MB} MB allowed"))
        self.members = {self._clean(i.filename).lower(): i for i in infos}

    @staticmethod
    def _clean(name: str) -> str:
        return name.replace("\\", "/").lstrip("/").removeprefix("./")

    def project_name(self) -> str | None:
        names = sorted(self.members, key=lambda n: (n.count("/"), n))
        for want in (lambda n: n == PROJECT, lambda n: n.endswith("/" + PROJECT),
                     lambda n: n.endswith(".qde")):
            found = [n for n in names if want(n)]
            if found:
                return found[0]
        return None

    def read(self, name: str) -> bytes | None:
        info = self.members.get(name.lower())
        if info is None:
            return None
        try:
            with self.zip.open(info) as f:
                return f.read(info.file_size + 1)  # never more than the zip declared
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError, zlib.error, OSError):
            self.problems.add(self._clean(info.filename), "cannot be unzipped (damaged, encrypted or "
                                                          "compressed in a way zip readers do not know)")
            return None

    def find(self, path: str, folder: str) -> str | None:
        """The member a ``plainTextPath`` names: ``internal://x.txt``, ``x.txt``, in ``sources/`` or
        ``Sources/``, any case. Never a file outside the zip."""
        path = re.sub(r"(?i)^internal://", "", path.strip()).replace("\\", "/")
        if "://" in path or re.match(r"[A-Za-z]:/", path):
            path = PurePosixPath(path).name  # an absolute path on the team's computer: look inside
        path = path.lstrip("/")
        for candidate in (folder + path, folder + "sources/" + path, path, "sources/" + path):
            if candidate.lower() in self.members:
                return candidate.lower()
        base = PurePosixPath(path).name.lower()
        found = [n for n in self.members if PurePosixPath(n).name == base]
        return found[0] if len(found) == 1 else None


def decode_text(data: bytes) -> str | None:
    """Source text: UTF-8 (byte-order mark dropped) or UTF-16 with its mark; None when neither."""
    try:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return data.decode("utf-16")
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


# --------------------------------------------------------------------------- codes

def _read_codes(parent, problems: _Problems, member: str, depth: int = 0, path: str = "CodeBook") -> list:
    if depth > MAX_CODE_DEPTH:
        problems.add(f"{member}, {path}", f"codes nested more than {MAX_CODE_DEPTH} levels deep")
        return []
    out = []
    for element in _kids(parent, "Code"):
        name = (_attr(element, "name") or "").strip()
        guid = _norm_guid(_attr(element, "guid"))
        where = f"{member}, {path} › Code {shown(name)}" + (f" {{{guid}}}" if guid else "")
        if not guid:
            problems.add(where, "a code without a guid attribute; every code needs one")
            continue
        if not name:
            problems.add(where, "a code without a name")
        codable = (_attr(element, "isCodable") or "true").strip().lower() in ("true", "1")
        code = Code(guid, name or guid, codable, _text_of(_kid(element, "Description")), where)
        code.children = _read_codes(element, problems, member, depth + 1, f"{path} › {shown(name)}")
        out.append(code)
    return out


def _walk(codes):
    for code in codes:
        yield code
        yield from _walk(code.children)


def _code_index(codes, problems: _Problems) -> dict:
    index = {}
    for code in _walk(codes):
        if code.key in index:
            problems.add(code.where, f"repeats the guid of {index[code.key].where.split(', ', 1)[-1]}; "
                                     "every code needs its own")
        index.setdefault(code.key, code)
    return index


def _codebook_codes(root, problems: _Problems, member: str) -> list:
    book = root if _local(root.tag) == "CodeBook" else _kid(root, "CodeBook")
    codes_el = None if book is None else _kid(book, "Codes")
    return [] if codes_el is None else _read_codes(codes_el, problems, member)


# --------------------------------------------------------------------------- sources and selections

@dataclass
class _Selection:
    guid: str
    start: int  # as written
    end: int
    codes: list
    name: str | None
    description: str | None
    where: str
    whole: bool = False  # a coding of the source as a whole


@dataclass
class _Source:
    guid: str
    name: str
    where: str
    text: str | None
    selections: list


def _read_selection(element, source_where: str, codes: dict, problems: _Problems) -> _Selection | None:
    guid = _norm_guid(_attr(element, "guid")) or "?"
    where = f"{source_where} › PlainTextSelection {{{guid}}}"
    try:
        start, end = int(_attr(element, "startPosition")), int(_attr(element, "endPosition"))
    except (TypeError, ValueError):
        problems.add(where, "startPosition and endPosition should be whole numbers")
        return None
    if start < 0 or end < start:
        problems.add(where, f"the selection runs from {start} to {end}; expected 0 <= start <= end")
        return None
    return _Selection(guid, start, end, _codings(element, where, codes, problems),
                      _attr(element, "name"), _text_of(_kid(element, "Description")), where)


def _codings(element, where: str, codes: dict, problems: _Problems) -> list:
    found = []
    for coding in _kids(element, "Coding"):
        ref = _kid(coding, "CodeRef")
        target = _norm_guid(_attr(ref, "targetGUID")) if ref is not None else None
        cguid = _norm_guid(_attr(coding, "guid")) or "?"
        if target is None:
            problems.add(f"{where} › Coding {{{cguid}}}", "a coding without a CodeRef targetGUID")
        elif target not in codes:
            problems.add(f"{where} › Coding {{{cguid}}}", f"refers to code {{{target}}}, which the "
                                                          "project's CodeBook does not hold")
        else:
            found.append(target)
    return found


def _source_text(element, where: str, archive: _Archive | None, folder: str,
                 problems: _Problems) -> str | None:
    inline = _kid(element, "PlainTextContent")
    if inline is not None:
        return _text_of(inline) or ""
    path = _attr(element, "plainTextPath")
    if not path:
        problems.add(where, "has coded selections but no plain text (neither PlainTextContent nor "
                            "plainTextPath); export the project with its sources as plain text")
        return None
    member = archive.find(path, folder) if archive is not None else None
    if member is None:
        problems.add(where, f"its text file {shown(path)} is not in the .qdpx; export the project "
                            "again with its sources")
        return None
    data = archive.read(member)
    text = None if data is None else decode_text(data)
    if data is not None and text is None:
        problems.add(f"{where} ({member})", "the source text is neither UTF-8 nor UTF-16 with a "
                                            "byte-order mark")
    return text


def _read_sources(root, codes: dict, archive, folder: str, problems: _Problems) -> list:
    sources_el = _kid(root, "Sources")
    out = []
    if sources_el is None:
        return out
    for element in sources_el:
        if not isinstance(element.tag, str):
            continue
        kind = _local(element.tag)
        guid = _norm_guid(_attr(element, "guid")) or "?"
        if kind != "TextSource":
            if any(isinstance(e.tag, str) and _local(e.tag) == "Coding" for e in element.iter()):
                problems.warn(f"{PROJECT}, {kind} {{{guid}}}", "coded, but only text sources are read; "
                                                               "its codings are not counted")
            continue
        path = _attr(element, "plainTextPath") or ""
        name = (_attr(element, "name") or _strip_suffix(PurePosixPath(path.replace("\\", "/")).name)
                or guid).strip()
        where = f"{PROJECT}, TextSource {shown(name)} {{{guid}}}"
        selections = [s for e in _kids(element, "PlainTextSelection")
                      if (s := _read_selection(e, where, codes, problems)) is not None]
        whole = _codings(element, where, codes, problems)
        if whole:
            selections.append(_Selection(guid, 0, -1, whole, None, None, where, whole=True))
        text = (_source_text(element, where, archive, folder, problems)
                if any(s.codes for s in selections) else None)
        out.append(_Source(guid, name, where, text, selections))
    return out


def _read_sets(root, codes: dict, sources: dict, problems: _Problems) -> dict:
    """Set name (lower case) -> (member code keys, member source guids)."""
    out = {}
    sets_el = _kid(root, "Sets")
    for element in ([] if sets_el is None else _kids(sets_el, "Set")):
        name = (_attr(element, "name") or "").strip()
        where = f"{PROJECT}, Set {shown(name)} {{{_norm_guid(_attr(element, 'guid')) or '?'}}}"
        member_codes, member_sources = set(), set()
        for kind, known, into in (("MemberCode", codes, member_codes),
                                  ("MemberSource", sources, member_sources)):
            for member in _kids(element, kind):
                target = _norm_guid(_attr(member, "targetGUID") or _attr(member, "guid"))
                if target not in known:
                    problems.add(f"{where} › {kind}", f"refers to {{{target}}}, which the project "
                                                      f"does not hold")
                into.add(target)
        out[name.lower()] = (member_codes, member_sources)
    return out


# --------------------------------------------------------------------------- positions

def unit_map(text: str, unit: str) -> list | None:
    """Position in ``unit`` -> index into ``text`` (None inside a character); None: the same."""
    if unit == "utf16" and all(ord(c) <= 0xFFFF for c in text):
        return None
    if unit == "crlf_as_one" and "\r\n" not in text:
        return None
    if unit == "code_points":
        return None
    out: list = []
    for i, c in enumerate(text):
        if unit == "crlf_as_one" and c == "\r" and text[i + 1:i + 2] == "\n":
            continue
        out.append(i)
        if unit == "utf16" and ord(c) > 0xFFFF:
            out.append(None)  # between the two halves of a surrogate pair
    out.append(len(text))
    return out


def to_index(position: int, mapping: list | None, text: str) -> int | None:
    if mapping is None:
        return position if 0 <= position <= len(text) else None
    return mapping[position] if 0 <= position < len(mapping) else None


def clean_cut(text: str, i: int) -> bool:
    """Whether a boundary at ``i`` splits no word and no CRLF."""
    if i <= 0 or i >= len(text):
        return True
    a, b = text[i - 1], text[i]
    if a == "\r" and b == "\n":
        return False
    return not (a.isalnum() and b.isalnum())


def _squash(text: str) -> str:
    return " ".join(text.split())


def _score(source: _Source, unit: str) -> int:
    text, score = source.text, 0
    mapping = unit_map(text, unit)
    for s in source.selections:
        if s.whole:
            continue
        start, end = to_index(s.start, mapping, text), to_index(s.end, mapping, text)
        if start is None or end is None:
            score -= 5
            continue
        score += clean_cut(text, start) + clean_cut(text, end)
        if s.name and len(_squash(s.name)) >= 5 and _squash(text[start:end]).startswith(_squash(s.name)):
            score += 3  # QualCoder and ATLAS.ti put the quote in the selection's name
    return score


def choose_unit(sources: list, setting: str, problems: _Problems) -> str:
    """The unit the selections count in: the setting, or the reading under which they fall on word
    and line boundaries (ties go to the standard's code points)."""
    if setting != "auto":
        return setting
    readable = [s for s in sources if s.text is not None]
    scores = {unit: sum(_score(s, unit) for s in readable) for unit in UNITS}
    best = max(UNITS, key=lambda u: (scores[u], -UNITS.index(u)))
    if best != "code_points":
        problems.warn(None, f"selection positions read as {UNIT_WORDS[best]}: the selections fall on "
                            f"word boundaries that way; if quotes look cut wrongly, set qda: positions: "
                            f"in study.yml (code_points, utf16 or crlf_as_one)")
    return best


# --------------------------------------------------------------------------- answers in a source

@dataclass(frozen=True)
class _Block:
    head: int  # where its opening line starts
    content: int  # where the answer starts
    end: int
    id: str | None  # the question (per respondent) or response id (per question) it opens


def answer_blocks(text: str, known: dict | None, same_line: bool) -> list[_Block]:
    """The answers of a source, each opened by a line holding a known id (with no ids known: answers
    per respondent have no headings; per question, any id followed by a colon opens one).
    ``same_line``: the answer starts after the id (``R_1aB: text``), else on the next line (``Q12``
    or ``Q12: the question's wording``)."""
    heads = []
    for m in HEAD_RE.finditer(text if known is not None or same_line else ""):
        token, colon = m.group(1), m.group(2) == ":"
        canonical = known.get(token.lower()) if known is not None else (token if colon else None)
        if canonical is not None:
            heads.append((m.start(), m.end() if same_line else _next_line(text, m.end()), canonical))
    first = heads[0][0] if heads else len(text)
    blocks = [_Block(0, 0, first, None)] if first > 0 or not heads else []
    for i, (head, content, canonical) in enumerate(heads):
        end = heads[i + 1][0] if i + 1 < len(heads) else len(text)
        blocks.append(_Block(head, min(content, end), end, canonical))
    return blocks


def _next_line(text: str, at: int) -> int:
    newline = text.find("\n", at)
    return len(text) if newline < 0 else newline + 1


def _block_of(blocks: list[_Block], start: int) -> _Block:
    found = blocks[0]
    for block in blocks:
        if block.head <= start:
            found = block
    return found


# --------------------------------------------------------------------------- selections -> passages

@dataclass(frozen=True)
class _Publication:
    markers: frozenset  # codes that only mark passages for publication (not themes)
    codes: frozenset  # a passage carrying one of these (or inside one that does) is published
    sources: frozenset  # every passage of these sources is published


class _Mapper:
    """Selections of a source -> coded passages with respondent, question, text and publication."""

    def __init__(self, settings: QdaSchema, question_ids, respondents, problems: _Problems,
                 publish: _Publication):
        self.settings = settings
        self.per_question = settings.sources == "per_question"
        self.questions = _matcher(question_ids)
        self.respondents = _matcher(respondents)
        self.problems = problems
        self.publish = publish
        self.order = 0

    def source_key(self, source: _Source) -> str | None:
        """The respondent (per respondent) or question (per question) a whole source belongs to."""
        if not self.per_question:
            return _match(source.name, self.respondents)
        mapped = {k.strip().lower(): v for k, v in self.settings.questions.items()}
        return mapped.get(source.name.strip().lower()) or _match(source.name, self.questions)

    def passages(self, source: _Source, unit: str) -> list[Coded]:
        if source.text is None or not any(s.codes for s in source.selections):
            return []
        text = source.text
        mapping = unit_map(text, unit)
        known = self.respondents if self.per_question else self.questions
        blocks = answer_blocks(text, known, same_line=self.per_question)
        spans = [(s, span) for s in source.selections if s.codes
                 for span in self._spans(s, mapping, text, blocks)]
        markers = [span for s, span in spans if set(s.codes) & self.publish.codes]
        key = self.source_key(source)
        if key is None and self.per_question:
            self.problems.add(source.where, f"the source's name {shown(source.name)} is not a question "
                                            "id; name it after its question, or map it under "
                                            "qda: questions in study.yml")
        out, unmatched = [], False
        for s, span in spans:
            themes = [c for c in s.codes if c not in self.publish.markers]
            passage = self._passage(source, s, span, themes, blocks, key, markers, text) if themes else None
            if passage is not None:
                labelled = passage.meta is not None and "label" in passage.meta.model_fields_set
                unmatched = unmatched or (passage.respondent is None and not labelled)
                out.append(passage)
        if unmatched and not self.per_question:
            self.problems.add(source.where, f"the source's name {shown(source.name)} is not a response "
                                            "id of the responses file; name each source after its "
                                            "respondent's ResponseId, or set qda: sources: per_question")
        return out

    def _spans(self, s: _Selection, mapping, text: str, blocks: list[_Block]) -> list[tuple[int, int]]:
        """Where a selection lies in the text; a coding of a whole source: each of its answers."""
        if s.whole:
            return [(b.content, b.end) for b in blocks if text[b.content:b.end].strip()]
        start, end = to_index(s.start, mapping, text), to_index(s.end, mapping, text)
        if start is None or end is None:
            self.problems.add(s.where, f"the selection ({s.start} to {s.end}) does not fall inside its "
                                       f"source's text ({len(text)} characters), or splits a character; "
                                       "check qda: positions in study.yml")
            return []
        return [(start, end)]

    def _passage(self, source, s, span, themes, blocks, key, markers, text) -> Coded | None:
        start, end = span
        block = _block_of(blocks, start)
        start = max(start, block.content)
        if end > block.end and text[block.end:end].strip():
            self.problems.add(s.where, "the selection runs over two answers (into the one opened by "
                                       f"{shown(text[block.end:text.find(chr(10), block.end)].strip())}); "
                                       "code each answer on its own")
            return None
        quote = _squash(text[start:min(end, block.end)])
        if not quote:
            self.problems.add(s.where, "the selection holds no text (only spaces, or an answer's opening "
                                       "line); check qda: positions in study.yml")
            return None
        meta = self._meta(split_description(s.description)[1], s.where)
        respondent, question = (block.id, key) if self.per_question else (key, block.id)
        question = question or self.settings.question
        if meta is not None and "participant" in meta.model_fields_set:
            respondent = meta.participant
        label = meta.label if meta is not None and "label" in meta.model_fields_set else respondent
        if question is None:
            self.problems.add(s.where, "no question: the source has no line with a question id before "
                                       "this selection, and study.yml sets no qda: question")
        if self.per_question and block.id is None and label is None:
            self.problems.add(s.where, "no respondent: no line '<response id>: ...' opens the answer "
                                       "that holds this selection")
        published = (source.guid in self.publish.sources or bool(set(s.codes) & self.publish.codes)
                     or any(m[0] <= span[0] and span[1] <= m[1] for m in markers))
        self.order += 1
        return Coded(themes, quote, respondent, label, question, text.count("\n", 0, start) + 1,
                     published, self.order, s.where, meta)

    def _meta(self, raw: str | None, where: str) -> QuoteMeta | None:
        if raw is None:
            return None
        try:
            return QuoteMeta.model_validate(json.loads(raw))
        except (ValueError, ValidationError):
            self.problems.add(where, f"the {META_PREFIX} line of its description is damaged; restore it "
                                     "or remove it")
            return None


# --------------------------------------------------------------------------- codes -> nodes

class _TreeBuilder:
    """The code tree and the coded passages -> steps of ``Node``s."""

    def __init__(self, codes: list, passages: list[Coded], settings: QdaSchema, project_name: str,
                 question_ids, problems: _Problems):
        self.codes = codes
        self.settings = settings
        self.project_name = project_name
        self.question_ids = question_ids
        self.problems = problems
        self.by_code: dict[str, list[Coded]] = {}
        for p in passages:
            for key in dict.fromkeys(p.codes):
                self.by_code.setdefault(key, []).append(p)
        self.meta = {c.key: self._code_meta(c) for c in _walk(codes)}
        self.ids: set[str] = set()
        for code in _walk(codes):
            meta = self.meta[code.key]
            if meta is not None and meta.id in self.ids:
                problems.add(code.where, f"repeats the findings-site id {shown(meta.id)} of another code "
                                         f"(a copied code?); remove the {META_PREFIX} line from one")
                self.meta[code.key] = None
            elif meta is not None:
                self.ids.add(meta.id)

    def _code_meta(self, code: Code) -> CodeMeta | None:
        _, raw = split_description(code.description)
        if raw is None:
            return None
        try:
            meta = CodeMeta.model_validate(json.loads(raw))
        except (ValueError, ValidationError):
            self.problems.add(code.where, f"the {META_PREFIX} line of its description is damaged; "
                                          "restore it or remove it")
            return None
        if not ID_RE.fullmatch(meta.id):
            self.problems.add(code.where, f"the findings-site id {shown(meta.id)} is not a slug of "
                                          "lower-case letters, digits and hyphens")
            return None
        return meta

    def unique_id(self, name: str) -> str:
        base = "-".join(re.findall(r"[a-z0-9]+", name.lower()))[:80].strip("-") or "code"
        candidate, n = base, 1
        while candidate in self.ids:
            n += 1
            candidate = f"{base}-{n}"
        self.ids.add(candidate)
        return candidate

    def steps(self) -> tuple[Node, ...]:
        """Steps in the code tree's order: the generator's steps as they were, and the plain codes
        (a tool's own, or added in one) as one final analysis in a step of their own."""
        plain = [c for c in self.codes if self.meta[c.key] is None or self.meta[c.key].kind != "step"]
        ids = self._reserve() if plain else None
        plain_codes = {id(c) for c in plain}
        out, placed = [], False
        for code in self.codes:
            if id(code) not in plain_codes:
                out.append(self.node(code, None, {}))
            elif not placed:
                out.append(self._plain_step(plain, *ids))
                placed = True
        return tuple(out)

    def _reserve(self) -> tuple[str, str]:
        """The ids of the plain codes' analysis (qda: analysis: id) and of its step."""
        analysis_id = self.settings.analysis.id
        if not ID_RE.fullmatch(analysis_id):
            self.problems.add(None, f"qda: analysis: id {shown(analysis_id)} in study.yml should be a slug "
                                    "of lower-case letters, digits and hyphens (e.g. 'themes')")
        elif analysis_id in self.ids:
            self.problems.add(None, f"qda: analysis: id {shown(analysis_id)} in study.yml is also the id "
                                    "of a code; choose another")
        self.ids.add(analysis_id)
        return analysis_id, self.unique_id("coding")

    def _plain_step(self, codes: list, analysis_id: str, step_id: str) -> Node:
        questions = self._questions(codes)
        context = {"step": step_id, "analysis": analysis_id, "questions": questions}
        children = tuple(self.node(c, "analysis", context) for c in codes)
        analysis = Node(id=analysis_id, title=self.settings.analysis.title, kind="analysis",
                        children=children, quotes=(), step=step_id, analysis_id=analysis_id,
                        questions=questions, final=True)
        title = self.settings.analysis.step or self.project_name
        return Node(id=step_id, title=title, kind="step", children=(analysis,), quotes=(),
                    step=step_id, analysis_id=None, questions=())

    def _questions(self, codes: list) -> tuple[str, ...]:
        found = {p.question for c in codes for code in _walk([c]) for p in self.by_code.get(code.key, ())
                 if p.question}
        return tuple(sorted(found, key=_natural))

    def _kind(self, code: Code, parent_kind: str | None, meta: CodeMeta | None) -> str:
        allowed = CHILD_KINDS[parent_kind] + (("subtheme",) if parent_kind == "subtheme" else ())
        if meta is not None:
            if meta.kind not in allowed:
                self.problems.add(code.where, f"a {meta.kind} cannot stand under a "
                                              f"{parent_kind or 'the top level'} (its findings-site note "
                                              f"says {meta.kind}); move the code back, or remove the note")
            return meta.kind
        if parent_kind in ("theme", "subtheme"):
            return "subtheme"
        if parent_kind == "step":
            return "analysis"
        if parent_kind == "group":
            return "theme"
        return "theme" if code.codable else "group"

    def node(self, code: Code, parent_kind: str | None, context: dict) -> Node:
        meta = self.meta[code.key]
        kind = self._kind(code, parent_kind, meta)
        node_id = meta.id if meta is not None else self.unique_id(code.name)
        context = dict(context)
        if kind == "step":
            context["step"] = node_id
        if kind == "analysis":
            context["analysis"] = node_id
            context["questions"] = tuple(meta.questions) if meta and meta.questions else \
                self._questions([code])
        elif meta is not None and meta.questions:
            context["questions"] = tuple(meta.questions)
        summary, _ = split_description(code.description)
        passages = self.by_code.get(code.key, [])
        if passages and kind not in ("theme", "subtheme"):
            self.problems.add(code.where, f"holds codings, but it is a {kind}: code the passages to one "
                                          "of its themes")
        quotes = self._quotes(passages, context.get("questions", ()), code)
        quoted = {q.participant for q in quotes if q.participant}
        coded = frozenset(p.respondent for p in passages if p.respondent) - quoted
        children = tuple(self.node(c, kind, context) for c in code.children)
        return Node(id=node_id, title=code.name, kind=kind, children=children, quotes=quotes,
                    step=context.get("step") or node_id, analysis_id=context.get("analysis"),
                    questions=context.get("questions", ()), line=meta.line if meta else None,
                    final=meta.final if meta else False, note=meta.note if meta else None,
                    reader_title=meta.reader_title if meta else None, summary=summary, coded=coded)

    def _quotes(self, passages: list[Coded], questions: tuple, code: Code) -> tuple[Quote, ...]:
        chosen = sorted((p for p in passages if p.published),
                        key=lambda p: (p.meta.n if p.meta and p.meta.n is not None else 10 ** 9, p.order))
        out = []
        for p in chosen:
            if p.question and questions and p.question not in questions:
                self.problems.add(p.where, f"answers question {shown(p.question)}, which is not among "
                                           f"the questions of its analysis ({listing(questions)})")
            if self.question_ids is not None and p.question and p.question not in self.question_ids:
                self.problems.add(p.where, f"question {shown(p.question)} is not a question of the "
                                           "instrument")
            out.append(_quote(p))
        return tuple(out)


def published_label(p: Coded) -> str | None:
    """The label a quote is published with: a source's name only when it is a participant label
    such as P12, never a survey platform's record id (a ResponseId such as ``R_1abc…`` links back to
    the respondent's record: such a quote is published as a respondent's, without a label); a label
    this generator wrote (``themes.yaml``'s, as printed) only in the form that file allows."""
    if p.meta is not None and "label" in p.meta.model_fields_set:
        return p.label if p.label is None or LABEL_RE.fullmatch(p.label) else None
    return p.label if p.label is not None and PARTICIPANT_LABEL_RE.fullmatch(p.label) else None


def _quote(p: Coded) -> Quote:
    m = p.meta
    label = published_label(p)  # the respondent (p.respondent) is kept for counting, never shown
    if m is None:
        return Quote(text=p.text, label=label, participant=p.respondent, question=p.question or "",
                     line=p.line)
    return Quote(text=p.text, label=label, participant=p.respondent, question=p.question or "",
                 line=m.line if m.line is not None else p.line, annotation=m.annotation,
                 repairs=tuple(m.repairs), note=m.note, cited_as=m.cited_as, cited_line=m.cited_line)


# --------------------------------------------------------------------------- the download's data

def codebook_data(title: str, source: str | None, steps) -> dict:
    """The codebook in the form of ``themes.yaml`` (for the download): published quotes only."""
    def node(n: Node, parent_questions: tuple) -> dict:
        out = {"id": n.id, "title": n.title, "kind": n.kind}
        for key in ("line", "note", "reader_title", "summary"):
            if getattr(n, key) is not None:
                out[key] = getattr(n, key)
        if n.questions and (n.kind == "analysis" or n.questions != parent_questions):
            out["questions"] = list(n.questions)
        if n.final:
            out["final"] = True
        if n.children:
            out["children"] = [node(c, n.questions) for c in n.children]
        if n.quotes:
            out["quotes"] = [quote(q) for q in n.quotes]
        return out

    def quote(q: Quote) -> dict:
        out = {"text": q.text, "label": q.label, "line": q.line, "question": q.question}
        for key in ("annotation", "note", "cited_as", "cited_line"):
            if getattr(q, key) is not None:
                out[key] = getattr(q, key)
        if q.repairs:
            out["repairs"] = list(q.repairs)
        return out

    data = {"title": title}
    if source is not None:
        data["source"] = source
    data["steps"] = [node(s, ()) for s in steps]
    return data


def _codebook(title: str, source: str | None, steps, file: str, problems: _Problems,
              all_codings: bool = False) -> ThemeCodebook:
    warnings = tuple(problems.warnings) + tuple(_label_warnings(source or file, steps))
    return ThemeCodebook(title=title, source=source, steps=steps, warnings=warnings,
                         data=codebook_data(title, source, steps), all_codings=all_codings)


# --------------------------------------------------------------------------- REFI-QDA

def _publication(settings: QdaSchema, codes: dict, sets: dict, problems: _Problems) -> _Publication:
    """What marks a passage for publication (qda: publish): the code of that name (default
    ``Publish``), and the codes and sources of the named set."""
    wanted = settings.publish.code or (None if settings.publish.set else PUBLISH_CODE)
    markers = {k for k, c in codes.items() if wanted and c.name.strip().lower() == wanted.strip().lower()}
    if wanted and not markers:
        message = (f"no code is named {shown(wanted)}, so no quote is published (themes and their "
                   "counts still are); code the passages to publish with it, or name another code or "
                   "set under qda: publish in study.yml")
        (problems.add if settings.publish.code else problems.warn)(None, message)
    for key in markers:
        if codes[key].children:
            problems.add(codes[key].where, "the publication code has sub-codes; keep it a single code "
                                           "outside the theme tree")
    set_codes, set_sources = set(), set()
    if settings.publish.set:
        found = sets.get(settings.publish.set.strip().lower())
        if found is None:
            problems.add(None, f"qda: publish: set {shown(settings.publish.set)}: the project has no "
                               f"set of that name (it has {listing(sets) if sets else 'none'})")
        else:
            set_codes, set_sources = found
    return _Publication(frozenset(markers), frozenset(markers | set_codes), frozenset(set_sources))


def _prune(codes: list, drop: set) -> list:
    out = []
    for code in codes:
        if code.key in drop and not code.children:
            continue
        code.children = _prune(code.children, drop)
        out.append(code)
    return out


def _load_project(file: str, data: bytes, question_ids, inputs: QdaInputs) -> ThemeCodebook:
    problems = _Problems(file)
    archive, folder = None, ""
    if zipfile.is_zipfile(io.BytesIO(data)):
        try:
            archive = _Archive(data, problems)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
            raise DataError(Problem(file, None, "a damaged zip file; export the project again")) from None
        member = archive.project_name()
        if member is None:
            raise DataError(Problem(file, None, f"holds no {PROJECT}; a .qdpx is the zip your analysis "
                                                "tool exports as a REFI-QDA project"))
        folder = member[:member.rfind("/") + 1]
        xml = archive.read(member)
    elif data.lstrip(codecs.BOM_UTF8 + b" \t\r\n")[:1] == b"<":
        member, xml = PROJECT, data
    else:
        raise DataError(Problem(file, None, "neither a zip (.qdpx) nor XML; expected a REFI-QDA "
                                            "project exported by your analysis tool"))
    root = parse_xml(xml, problems, member) if xml is not None else None
    problems.raise_any()
    if root is None or _local(root.tag) != "Project":
        raise DataError(Problem(file, member, "the root element should be <Project> (a REFI-QDA project)"))
    codes = _codebook_codes(root, problems, member)
    index = _code_index(codes, problems)
    sources = _read_sources(root, index, archive, folder, problems)
    sets = _read_sets(root, index, {s.guid for s in sources}, problems)
    settings = inputs.settings
    _check_settings(inputs, question_ids, problems)
    publish = _publication(settings, index, sets, problems)
    unit = choose_unit(sources, settings.positions, problems)
    mapper = _Mapper(settings, question_ids, inputs.respondents, problems, publish)
    passages = [p for s in sources for p in mapper.passages(s, unit)]
    meta = _project_meta(root, problems)
    codes = _prune(codes, publish.markers)
    title = (meta.title if meta and meta.title else None) or (_attr(root, "name") or "").strip() or \
        Path(file).stem
    builder = _TreeBuilder(codes, passages, settings, title, question_ids, problems)
    steps = builder.steps()
    problems.raise_any()
    return _codebook(title, meta.source if meta else None, steps, file, problems, all_codings=True)


def _project_meta(root, problems: _Problems) -> ProjectMeta | None:
    _, raw = split_description(_text_of(_kid(root, "Description")))
    if raw is None:
        return None
    try:
        return ProjectMeta.model_validate(json.loads(raw))
    except (ValueError, ValidationError):
        problems.add(f"{PROJECT}, Project › Description", f"the {META_PREFIX} line is damaged; restore "
                                                          "it or remove it")
        return None


def _load_codebook_xml(file: str, data: bytes, question_ids, inputs: QdaInputs) -> ThemeCodebook:
    problems = _Problems(file)
    root = parse_xml(data, problems, Path(file).name)
    problems.raise_any()
    if root is None or _local(root.tag) != "CodeBook":
        raise DataError(Problem(file, None, "the root element should be <CodeBook> (a REFI-QDA codebook)"))
    codes = _codebook_codes(root, problems, Path(file).name)
    index = _code_index(codes, problems)
    drop = {k for k, c in index.items() if c.name.strip().lower() ==
            (inputs.settings.publish.code or PUBLISH_CODE).strip().lower()}
    codes = _prune(codes, drop)
    title = Path(file).stem
    builder = _TreeBuilder(codes, [], inputs.settings, title, question_ids, problems)
    steps = builder.steps()
    problems.raise_any()
    return _codebook(title, None, steps, file, problems)


# --------------------------------------------------------------------------- Taguette

HIGHLIGHTS_HEADER = ["id", "document", "tag", "content"]


def _csv_rows(file: str, data: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    text = files.decode(file, data, "export it again from Taguette (CSV)")
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = []
    try:
        header = [h.strip().lower() for h in next(reader, [])]
        line = reader.line_num + 1
        for row in reader:
            rows.append((line, row))
            line = reader.line_num + 1
    except csv.Error as e:
        raise DataError(Problem(file, f"line {reader.line_num}", f"not a readable CSV ({e})")) from None
    return header, rows


def _taguette_tags(file: str, header: list[str], rows, problems: _Problems) -> list:
    """A Taguette codebook CSV (tag, [parent,] description, number of highlights) -> codes."""
    col = {h: i for i, h in enumerate(header)}
    if "tag" not in col:
        raise DataError(Problem(file, "line 1", "a Taguette codebook CSV starts with the header "
                                                "tag,parent,description,number of highlights"))
    entries = []
    for line, row in rows:
        cell = lambda h: row[col[h]].strip() if h in col and col[h] < len(row) else ""  # noqa: E731
        if not cell("tag"):
            problems.add(f"line {line}", "a row without a tag")
            continue
        entries.append((cell("tag"), cell("parent") or None, cell("description") or None, line))
    return _tag_tree(entries, problems)


def _tag_tree(entries: list, problems: _Problems) -> list:
    """(path, parent path or None, description, line) -> codes; without a parent column, a dotted
    path sits under the tag its prefix names (Taguette shows ``a.b`` under ``a``)."""
    codes, by_path, top = [], {}, []
    for path, parent, description, line in entries:
        if path in by_path:
            problems.add(f"line {line}", f"the tag {shown(path)} is listed twice")
            continue
        by_path[path] = Code(path, path, True, description, f"line {line}, tag {shown(path)}")
        codes.append((path, parent))
    for path, parent in codes:
        if parent is None and "." in path and path.rsplit(".", 1)[0] in by_path:
            parent = path.rsplit(".", 1)[0]
            by_path[path].name = path.rsplit(".", 1)[1]
        if parent is not None and parent in by_path and parent != path:
            if path.startswith(parent + "."):
                by_path[path].name = path[len(parent) + 1:]
            by_path[parent].children.append(by_path[path])
        else:
            if parent is not None:
                problems.add(by_path[path].where, f"its parent {shown(parent)} is not a tag of the codebook")
            top.append(by_path[path])
    return top


def _add_tag(codes: list, code: Code) -> None:
    """A tag the codebook does not list: under the tag its dotted prefix names, else at the top."""
    parent = next((c for c in _walk(codes) if "." in code.key and c.key == code.key.rsplit(".", 1)[0]),
                  None)
    if parent is None:
        codes.append(code)
    else:
        code.name = code.key.rsplit(".", 1)[1]
        parent.children.append(code)


def _taguette_highlights(file: str, rows, inputs: QdaInputs, question_ids, problems: _Problems,
                         codes: list) -> list[Coded]:
    settings = inputs.settings
    per_question = settings.sources == "per_question"
    respondents, questions = _matcher(inputs.respondents), _matcher(question_ids)
    marker = (settings.publish.code or PUBLISH_CODE).strip().lower()
    if settings.publish.set:
        problems.add(None, "qda: publish: set: Taguette has no sets; mark the quotes to publish with a "
                           "tag (qda: publish: code)")
    known = {c.key for c in _walk(codes)}
    highlights: dict[str, dict] = {}
    for line, row in rows:
        if len(row) != 4:
            problems.add(f"line {line}", f"{len(row)} fields; a Taguette highlights row has 4 "
                                         "(id, document, tag, content)")
            continue
        hid, document, tag, content = (c.strip() if i < 3 else c for i, c in enumerate(row))
        entry = highlights.setdefault(hid, {"line": line, "document": document, "content": content,
                                            "tags": []})
        if tag:
            entry["tags"].append(tag)
    unmatched: set = set()
    out = []
    for n, (hid, h) in enumerate(highlights.items()):
        where = f"line {h['line']}, highlight {shown(hid)}"
        tags = [t for t in h["tags"] if t.strip().lower() != marker]
        for t in tags:
            if t not in known:
                known.add(t)
                _add_tag(codes, Code(t, t, True, None, where))
        if not tags:
            continue
        text = h["content"]
        if per_question:
            question = {k.strip().lower(): v for k, v in settings.questions.items()}.get(
                h["document"].strip().lower()) or _match(h["document"], questions)
            head = HEAD_RE.match(text)
            respondent = None
            if head and head.group(2) == ":":
                respondent = respondents.get(head.group(1).lower()) if respondents else head.group(1)
                text = text[head.end():] if respondent else text
            if respondent is None:
                problems.add(where, "the highlight does not start with its respondent's id and a colon "
                                    "(e.g. 'R_1aB: ...'), as answers of a source per question must")
            if question is None:
                unmatched.add(("question", h["document"]))
        else:
            respondent = _match(h["document"], respondents)
            question = settings.question
            if respondent is None:
                unmatched.add(("respondent", h["document"]))
            if question is None:
                problems.add(where, "a Taguette export gives no positions, so no question heading can "
                                    "be found: set qda: question in study.yml")
        quote = _squash(text)
        if not quote:
            problems.add(where, "the highlight holds no text")
            continue
        published = any(t.strip().lower() == marker for t in h["tags"])
        out.append(Coded(tags, quote, respondent, respondent, question, h["line"], published, n, where))
    for kind, document in sorted(unmatched):
        what = ("a response id of the responses file; name each document after its respondent's "
                "ResponseId" if kind == "respondent" else
                "a question id; name it after its question, or map it under qda: questions")
        problems.add(f"document {shown(document)}", f"the document's name is not {what}")
    return out


def _load_taguette(file: str, data: bytes, question_ids, inputs: QdaInputs) -> ThemeCodebook:
    problems = _Problems(file)
    _check_settings(inputs, question_ids, problems)
    header, rows = _csv_rows(file, data)
    title = Path(file).stem
    if header == HIGHLIGHTS_HEADER:
        codes = _extra_codebook(inputs, problems)
        passages = _taguette_highlights(file, rows, inputs, question_ids, problems, codes)
    elif "tag" in header and ("description" in header or "number of highlights" in header):
        codes, passages = _taguette_tags(file, header, rows, problems), []
    else:
        raise DataError(Problem(file, "line 1", f"the header {shown(','.join(header))} is neither "
                                                "Taguette's highlights (id,document,tag,content) nor its "
                                                "codebook (tag,parent,description,number of highlights)"))
    problems.raise_any()
    marker = (inputs.settings.publish.code or PUBLISH_CODE).strip().lower()
    codes = _prune(codes, {c.key for c in _walk(codes) if c.name.strip().lower() == marker})
    steps = _TreeBuilder(codes, passages, inputs.settings, title, question_ids, problems).steps()
    problems.raise_any()
    return _codebook(title, None, steps, file, problems, all_codings=header == HIGHLIGHTS_HEADER)


def _extra_codebook(inputs: QdaInputs, problems: _Problems) -> list:
    """The tags of ``files: themes_codebook`` (Taguette's codebook CSV), for the tree and the
    descriptions; none when it is not given."""
    if inputs.codebook is None:
        return []
    file, data = files.read_bytes(inputs.codebook, "the codebook exported by Taguette (CSV)", MAX_FILE_BYTES)
    sub = _Problems(file)
    header, rows = _csv_rows(file, data)
    codes = _taguette_tags(file, header, rows, sub)
    sub.raise_any()
    return codes


# --------------------------------------------------------------------------- entry point

READERS = {".qdpx": _load_project, ".qde": _load_project, ".qdc": _load_codebook_xml,
           ".csv": _load_taguette}


def load_qda(path: Path | str, question_ids: set[str] | None = None,
             inputs: QdaInputs | None = None) -> ThemeCodebook:
    """Read a .qdpx, .qdc or Taguette CSV into a ``ThemeCodebook``; one DataError lists every problem."""
    path = Path(path)
    inputs = inputs or QdaInputs()
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise DataError(Problem(display_path(path), None, "expected a .qdpx (REFI-QDA project), .qdc "
                                                          "(REFI-QDA codebook) or Taguette .csv export"))
    file, data = files.read_bytes(path, "the themes exported by your analysis tool", MAX_FILE_BYTES)
    try:
        return reader(file, data, question_ids, inputs)
    except RecursionError:
        raise DataError(Problem(file, None, "nested too deeply to be read")) from None
