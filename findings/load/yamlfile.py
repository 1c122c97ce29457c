"""The one reader of the YAML inputs: parse, remember lines, validate against a schema.

``read(path, what) -> Document``: the file parsed with PyYAML's safe loader, with the line of every
key and list entry (``Document.line(loc)``), and every duplicate key found (PyYAML would silently
keep the last one).

``validate(doc, Schema) -> Schema instance``: the data checked against a pydantic model. Every
problem (unknown key, wrong type, missing key, duplicate key) is reported together, each with the
file, its line and the form that was expected, as one ``DataError``.

Schemas subclass ``Schema``: unknown keys are refused, numbers are accepted where text is expected
(``number: 11``), flags and line numbers must be real booleans and integers.

Data text must not become code or paths later: every id (and every reference to one) is an ``Id``
(``ID_PATTERN``, no ``..``), export column names are ``Column``, links are ``Url`` (http or https)
and ``Doi``, docs pages ``DocsPage``. A refused value is reported with the form expected, in words.

Hostile files are one clear problem, never a traceback or a flood: the file is read only when it is
at most ``MAX_BYTES``; anchors and aliases are refused (an alias bomb never expands), so is nesting
deeper than ``MAX_DEPTH``, a text longer than ``MAX_TEXT``, a control character, an unknown tag; a
YAML syntax error gives its line and problem, never the text of the line.
"""
from __future__ import annotations

import re
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import (AfterValidator, BaseModel, ConfigDict, StrictBool, StrictInt, StringConstraints,
                      ValidationError)
from pydantic_core import PydanticCustomError

from ..errors import DataError, Problem, ProblemList, name, shown
from . import files

__all__ = ["BibKey", "Column", "DocsPage", "Document", "Doi", "Id", "Schema", "StrictBool", "StrictInt",
           "Text", "Url", "read", "validate"]

Loc = tuple  # a path into the data: keys and 0-based list positions
Text = typing.Annotated[str, StringConstraints(min_length=1)]  # text that may not be empty

MAX_BYTES = 5 * files.MB  # a YAML input larger than this is refused unread (the real ones are < 200 kB)
MAX_DEPTH = 50  # levels of lists and mappings (the theme codebook, the deepest input, needs 14)
MAX_TEXT = 5_000  # characters of one text value (the longest in data/ has 671)

# --------------------------------------------------------------------------- constrained text
# Ids end up in file names, URL anchors and HTML attributes; addresses in links. Each form is
# checked here, once, and a value that does not have it is reported with the form in words.


def _form(check, form: str) -> AfterValidator:
    """A validator refusing a text for which ``check`` is false, saying that it should be ``form``."""
    def validate(value: str) -> str:
        if not check(value):
            raise PydanticCustomError("form", "{form}", {"form": form})
        return value
    return AfterValidator(validate)


ID_MAX_LENGTH = 100  # the longest id of the study's themes codebook is 76: ids are readable page addresses
ID_PATTERN = rf"^[A-Za-z0-9][A-Za-z0-9_.-]{{0,{ID_MAX_LENGTH - 1}}}$"
ID_RE = re.compile(ID_PATTERN.removesuffix("$") + r"\Z")
ID_FORM = ("an id: letters, digits, '_', '-' or '.', starting with a letter or digit, at most "
           f"{ID_MAX_LENGTH} characters, no '..'")


def is_id(value) -> bool:
    return isinstance(value, str) and bool(ID_RE.match(value)) and ".." not in value


# question, part, section, theme node, analysis, stated figure ids, and every reference to one
Id = typing.Annotated[str, StringConstraints(pattern=ID_PATTERN), _form(is_id, ID_FORM)]

COLUMN_FORM = ("an export column name: 1 to 128 visible characters, none of ` < > \\ { } |, no line "
               "breaks and no space at either end")


def is_column(value) -> bool:
    return (isinstance(value, str) and 0 < len(value) <= 128 and value.isprintable()
            and value == value.strip() and not set(value) & set("`<>\\{}|"))


Column = typing.Annotated[str, _form(is_column, COLUMN_FORM)]  # a column of the responses export

PAGE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*(?:/[A-Za-z0-9][A-Za-z0-9_.-]*)*\.md\Z")
PAGE_FORM = ("a page of the site's docs folder: a relative path such as 'results/about.md' (letters, "
             "digits, '_', '-' or '.', folders separated by '/', no '..', ending in .md)")


def is_page(value) -> bool:
    return isinstance(value, str) and len(value) <= 200 and bool(PAGE_RE.match(value)) and ".." not in value


DocsPage = typing.Annotated[str, _form(is_page, PAGE_FORM)]

URL_RE = re.compile(r"(?i:https?)://[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?(?::[0-9]{1,5})?"
                    r"(?:[/?#][A-Za-z0-9._~:/?#\[\]@!$&()*+,;=%-]*)?\Z")
SCHEME_RE = re.compile(r"\s*([A-Za-z][A-Za-z0-9+.-]*):")
URL_FORM = ("a web address starting with https:// or http://, then a host name, and no spaces, quotes, "
            "< > \\ ` { } | or ^")


def url_problem(value) -> str | None:
    """What is wrong with a web address from the data (None when it is fine)."""
    if not isinstance(value, str):
        return URL_FORM
    scheme = SCHEME_RE.match(value)
    if scheme and scheme[1].lower() not in ("http", "https"):
        return f"{URL_FORM} ('{scheme[1].lower()}:' addresses are refused)"
    if len(value) > 2000 or not URL_RE.match(value):
        return URL_FORM
    return None


def _url(value: str) -> str:
    problem = url_problem(value)
    if problem:
        raise PydanticCustomError("form", "{form}", {"form": problem})
    return value


Url = typing.Annotated[str, AfterValidator(_url)]

DOI_RE = re.compile(r"10\.[0-9]{4,9}/[A-Za-z0-9._;:/-]+\Z")
DOI_FORM = ("a DOI such as 10.1101/2024.05.09.24307104: '10.', 4 to 9 digits, '/', then letters, digits "
            "and . _ ; : / - only (no spaces or parentheses; the DOI itself, not its https://doi.org/ address)")
Doi = typing.Annotated[str, _form(lambda v: len(v) <= 300 and bool(DOI_RE.match(v)), DOI_FORM)]

BIBKEY_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}\Z")
BIBKEY_FORM = ("a BibTeX key: letters, digits, '_', '-', '.' or ':', starting with a letter or digit, "
               "at most 100 characters")
BibKey = typing.Annotated[str, _form(lambda v: bool(BIBKEY_RE.match(v)), BIBKEY_FORM)]

# C0 and C1 control characters other than tab and line breaks: never part of a text in the data
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")


class Schema(BaseModel):
    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True, frozen=True)


@dataclass
class Document:
    file: str  # the path as shown in messages
    data: Any
    lines: dict = field(default_factory=dict)  # loc -> 1-based line
    problems: ProblemList = field(default_factory=ProblemList)  # found while reading (duplicate keys...)
    what: str = "a YAML file"  # what the file should hold, for messages

    def line(self, loc: Loc) -> int | None:
        """The line of ``loc``, or of the nearest enclosing key or entry that has one."""
        loc = tuple(loc)
        while loc not in self.lines and loc:
            loc = loc[:-1]
        return self.lines.get(loc)

    def problem(self, loc: Loc, message: str) -> Problem:
        line = self.line(loc)
        return Problem(self.file, f"line {line}" if line else None, message)


class _Refused(yaml.MarkedYAMLError):
    """Well-formed YAML this reader refuses (anchors and aliases, deep nesting)."""


# libyaml's parser when PyYAML was built with it (the pure-Python one is 10 to 50 times slower)
_Parser = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader
_NODES = {yaml.SequenceStartEvent: yaml.SequenceNode, yaml.MappingStartEvent: yaml.MappingNode}


def _compose(text: str) -> yaml.Node | None:
    """The single document of ``text`` as a tree of nodes (None when there is none), composed here
    from the parser's events, without recursion: anchors and aliases are refused (so an alias bomb
    never expands) and so is nesting deeper than ``MAX_DEPTH``."""
    loader = _Parser(text)
    try:
        loader.get_event()  # the stream's start
        if loader.check_event(yaml.StreamEndEvent):
            return None
        loader.get_event()  # the document's start
        root, stack, keys = None, [], []  # open collections; a mapping's key waiting for its value
        while True:
            event = loader.get_event()
            if isinstance(event, yaml.DocumentEndEvent):
                break
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
                raise _Refused(problem="anchors and aliases (&name, *name) are not allowed; write each "
                                       "value out in full", problem_mark=event.start_mark)
            if isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                stack.pop().end_mark = event.end_mark
                keys.pop()
                continue
            if isinstance(event, yaml.ScalarEvent):
                tag = event.tag if event.tag not in (None, "!") else \
                    loader.resolve(yaml.ScalarNode, event.value, event.implicit)
                node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, style=event.style)
            else:
                kind = _NODES[type(event)]
                tag = event.tag if event.tag not in (None, "!") else loader.resolve(kind, None, event.implicit)
                node = kind(tag, [], event.start_mark, None, flow_style=event.flow_style)
            if not stack:
                root = node
            elif isinstance(stack[-1], yaml.SequenceNode):
                stack[-1].value.append(node)
            elif keys[-1] is None:
                keys[-1] = node
            else:
                stack[-1].value.append((keys[-1], node))
                keys[-1] = None
            if not isinstance(node, yaml.ScalarNode):
                if len(stack) >= MAX_DEPTH:
                    raise _Refused(problem=f"nested too deeply (more than {MAX_DEPTH} levels of lists and "
                                           "mappings)", problem_mark=event.start_mark)
                stack.append(node)
                keys.append(None)
        if not loader.check_event(yaml.StreamEndEvent):
            raise _Refused(problem="a second YAML document starts here; expected one document",
                           problem_mark=loader.get_event().start_mark)
        return root
    finally:
        loader.dispose()


def _scalar(node: yaml.Node, doc: Document, constructor) -> Any:
    line = node.start_mark.line + 1
    try:
        value = constructor.construct_object(node, deep=True)
    except yaml.YAMLError:
        raise
    except Exception:  # a date that does not exist, a number of thousands of digits, !!bool maybe...
        doc.problems.append(Problem(doc.file, f"line {line}", "a value that cannot be read as what "
                                    "it looks like (a date that does not exist, a number too long...); "
                                    "put it in quotes to make it text"))
        return node.value  # as text: the checks of the schema go on
    if isinstance(value, str):
        if len(value) > MAX_TEXT:
            doc.problems.append(Problem(doc.file, f"line {line}", f"a text of {len(value):,} characters, "
                                        f"longer than the {MAX_TEXT:,} a value may be; shorten it"))
            return value[:MAX_TEXT]  # the checks of the schema go on
        control = CONTROL_RE.search(value)
        if control:
            doc.problems.append(Problem(doc.file, f"line {line}", f"a text holds a control character "
                                        f"(U+{ord(control[0]):04X}); remove it"))
    return value


PLAIN_TAGS = {yaml.SequenceNode: "tag:yaml.org,2002:seq", yaml.MappingNode: "tag:yaml.org,2002:map"}


def _plain(node: yaml.Node, loc: Loc, doc: Document, constructor) -> Any:
    doc.lines.setdefault(loc, node.start_mark.line + 1)
    if type(node) in PLAIN_TAGS and node.tag != PLAIN_TAGS[type(node)]:
        doc.problems.append(Problem(doc.file, f"line {node.start_mark.line + 1}", f"a tag "
                                    f"({shown(node.tag)}) is not allowed on a list or mapping; remove it"))
        return None
    if isinstance(node, yaml.MappingNode):
        constructor.flatten_mapping(node)
        result = {}
        for key_node, value_node in node.value:
            where = f"line {key_node.start_mark.line + 1}"
            if not isinstance(key_node, yaml.ScalarNode):
                doc.problems.append(Problem(doc.file, where, "a key should be a name, not a list or "
                                                             "mapping"))
                continue
            key = _scalar(key_node, doc, constructor)
            try:
                hash(key)
            except TypeError:
                doc.problems.append(Problem(doc.file, where, "a key should be a name"))
                continue
            if key in result:
                doc.problems.append(Problem(
                    doc.file, where, f"key {shown(key)} is given twice in the same mapping (first at "
                                     f"line {doc.lines[loc + (key,)]}); give it once"))
                continue
            doc.lines[loc + (key,)] = key_node.start_mark.line + 1
            result[key] = _plain(value_node, loc + (key,), doc, constructor)
        return result
    if isinstance(node, yaml.SequenceNode):
        out = []
        for i, item in enumerate(node.value):
            doc.lines[loc + (i,)] = item.start_mark.line + 1
            out.append(_plain(item, loc + (i,), doc, constructor))
        return out
    return _scalar(node, doc, constructor)


def _line(text: str | bytes, position: int) -> int:
    return text.count("\n" if isinstance(text, str) else b"\n", 0, position) + 1


def read(path: Path | str, what: str) -> Document:
    """Parse a YAML file; ``what`` names what it should hold in messages (missing, empty...).

    Refused with one problem each: a missing, unreadable or oversized file (over ``MAX_BYTES``), a
    folder, text that is not UTF-8 (a byte-order mark is fine), YAML syntax errors (line and problem,
    never the offending text), anchors and aliases, nesting deeper than ``MAX_DEPTH``."""
    file, data = files.read_bytes(path, what, MAX_BYTES)
    text = files.decode(file, data, "save it as UTF-8 text")
    doc = Document(file, None, what=what)
    try:
        node = _compose(text)
        constructor = yaml.constructor.SafeConstructor()
        doc.data = _plain(node, (), doc, constructor) if node is not None else None
    except yaml.MarkedYAMLError as e:  # the line and the problem; never the snippet of the file
        mark = e.problem_mark or e.context_mark
        problem = " ".join(str(e.problem or e.context or "").split())
        problem = problem if len(problem) <= 120 else problem[:119] + "…"
        if e.problem and e.context and e.context_mark and mark and e.context_mark.line != mark.line:
            problem += f" ({' '.join(str(e.context).split())[:80]}, from line {e.context_mark.line + 1})"
        raise DataError(Problem(file, f"line {mark.line + 1}" if mark else None,
                                problem if isinstance(e, _Refused) else f"not valid YAML: {problem}")) \
            from None
    except yaml.reader.ReaderError as e:
        line = _line(text.encode("utf-8") if _Parser is not yaml.SafeLoader else text, e.position)
        character = f" (U+{e.character:04X})" if isinstance(e.character, int) else ""
        raise DataError(Problem(file, f"line {line}", f"holds a character YAML does not allow"
                                f"{character}; remove it")) from None
    except yaml.YAMLError:
        raise DataError(Problem(file, None, "not valid YAML")) from None
    except RecursionError:
        raise DataError(Problem(file, None, "nested too deeply (lists and mappings inside each other "
                                            "more levels than Python can follow)")) from None
    return doc


# --------------------------------------------------------------------------- schema problems

def _unwrap(annotation):
    """The model class or element type behind Optional[...], list[...], tuple[...]."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _unwrap(args[0]) if len(args) == 1 else annotation
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    return annotation


def _model_at(model, loc: Loc):
    """The schema class that describes the mapping at ``loc`` (None when it is not a model)."""
    current = model
    for part in loc:
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            origin = typing.get_origin(current)
            if origin in (list, tuple) and isinstance(part, int):
                current = _unwrap(typing.get_args(current)[0])
                continue
            if origin is dict and not isinstance(part, int):
                current = _unwrap(typing.get_args(current)[1])
                continue
            return None
        info = current.model_fields.get(part) if isinstance(part, str) else None
        if info is None:
            return None
        current = _unwrap(info.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _keys(model) -> str:
    fields = model.model_fields
    required = [k for k, f in fields.items() if f.is_required()]
    optional = [k for k, f in fields.items() if not f.is_required()]
    text = "keys " + ", ".join(required) if required else "keys"
    return text + (f" (optional: {', '.join(optional)})" if optional else "")


def described(value, whole_file: bool = False) -> str:
    """A value found in the data, for a message: its kind for lists and mappings, else ``shown``."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    if whole_file:  # never quote a file that is no mapping at all: it may be anything
        return "text" if isinstance(value, str) else f"a {type(value).__name__}"
    return shown(value)


EXPECTED = {
    "string_type": "text", "int_type": "a whole number", "int_parsing": "a whole number",
    "int_from_float": "a whole number", "bool_type": "true or false", "bool_parsing": "true or false",
    "list_type": "a list", "tuple_type": "a list", "dict_type": "a mapping",
    "float_type": "a number", "float_parsing": "a number", "string_too_short": "non-empty text",
}
FORMS = {ID_PATTERN: ID_FORM}  # pattern of a StringConstraints -> the form in words


def where_text(loc: Loc, data: Any = None) -> str:
    """``('questions', 3, 'label')`` -> ``questions entry 4 (id Q4), label``: list positions count
    from 1, and an entry that has an ``id`` is named by it. Keys and ids that are not plain names
    are quoted (``shown``)."""
    out, node = [], data
    for part in loc:
        if part == "[key]" and out:  # pydantic: the key itself of a mapping entry
            out[-1] = f"key {out[-1]}"
            continue
        try:
            node = node[part] if node is not None else None
        except (KeyError, IndexError, TypeError):
            node = None
        if isinstance(part, int) and out:
            entry_id = node.get("id") if isinstance(node, dict) else None
            out[-1] += f" entry {part + 1}" + (f" (id {name(entry_id)})"
                                                if isinstance(entry_id, (str, int)) else "")
        else:
            out.append(name(part) if isinstance(part, str) else shown(part))
    return ", ".join(out) or "the file"


def schema_problems(doc: Document, error: ValidationError, model) -> ProblemList:
    problems = ProblemList()

    def at(loc):
        return where_text(loc, doc.data)

    for e in error.errors(include_url=False, include_context=True):
        if problems.full:
            break
        loc, kind = tuple(e["loc"]), e["type"]
        if kind == "missing":
            parent = _model_at(model, loc[:-1])
            form = f"; expected {_keys(parent)}" if parent else ""
            message = f"{at(loc[:-1])}: missing key {shown(loc[-1])}{form}"
            problems.append(doc.problem(loc[:-1], message))
            continue
        if kind == "extra_forbidden":
            parent = _model_at(model, loc[:-1])
            form = f"; allowed: {', '.join(parent.model_fields)}" if parent else ""
            problems.append(doc.problem(loc, f"{at(loc[:-1])}: unknown key {shown(loc[-1])}{form}"))
            continue
        target = _model_at(model, loc)
        ctx = e.get("ctx") or {}
        if kind in ("model_type", "model_attributes_type") and target is not None:
            expected = f"a mapping with {_keys(target)}"
        elif kind == "literal_error":
            expected = f"one of: {ctx['expected']}"
        elif kind == "form":
            expected = ctx["form"]
        elif kind == "string_pattern_mismatch":
            expected = FORMS.get(ctx.get("pattern"), f"text of the form {ctx.get('pattern')}")
        elif kind in EXPECTED:
            expected = EXPECTED[kind]
        else:
            message = str(e["msg"]).removeprefix("Value error, ")
            problems.append(doc.problem(loc, f"{at(loc)}: {message[:200]}"))
            continue
        problems.append(doc.problem(loc, f"{at(loc)} should be {expected}; "
                                         f"found {described(e.get('input'), whole_file=not loc)}"))
    return problems


def validate(doc: Document, model: type[Schema]):
    """``doc.data`` as a ``model``; one DataError with every problem (duplicate keys included).
    At most ``MAX_PROBLEMS`` are kept; the message counts them all."""
    problems = ProblemList()
    problems.extend(doc.problems)
    problems.total = doc.problems.total
    if doc.data is None:
        problems.append(Problem(doc.file, None, f"the file is empty (or holds only comments); "
                                                f"expected {doc.what}"))
        raise DataError(problems)
    try:
        value = model.model_validate(doc.data)
    except ValidationError as error:
        found = schema_problems(doc, error, model)
        total = problems.total + error.error_count()
        problems.extend(found)
        raise DataError(problems, total=total) from None
    if problems:
        raise DataError(problems)
    return value
