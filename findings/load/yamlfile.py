"""The one reader of the YAML inputs: parse, remember lines, validate against a schema.

``read(path, what) -> Document``: the file parsed with PyYAML's safe loader, with the line of every
key and list entry (``Document.line(loc)``), and every duplicate key found (PyYAML would silently
keep the last one).

``validate(doc, Schema) -> Schema instance``: the data checked against a pydantic model. Every
problem (unknown key, wrong type, missing key, duplicate key) is reported together, each with the
file, its line and the form that was expected, as one ``DataError``.

Schemas subclass ``Schema``: unknown keys are refused, numbers are accepted where text is expected
(``number: 11``), flags and line numbers must be real booleans and integers.
"""
from __future__ import annotations

import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, StrictBool, StrictInt, StringConstraints, ValidationError

from ..errors import DataError, Problem, display_path

__all__ = ["Document", "Schema", "StrictBool", "StrictInt", "Text", "read", "validate"]

Loc = tuple  # a path into the data: keys and 0-based list positions
Text = typing.Annotated[str, StringConstraints(min_length=1)]  # text that may not be empty


class Schema(BaseModel):
    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True, frozen=True)


@dataclass
class Document:
    file: str  # the path as shown in messages
    data: Any
    lines: dict = field(default_factory=dict)  # loc -> 1-based line
    duplicates: list = field(default_factory=list)  # Problems

    def line(self, loc: Loc) -> int | None:
        """The line of ``loc``, or of the nearest enclosing key or entry that has one."""
        loc = tuple(loc)
        while loc not in self.lines and loc:
            loc = loc[:-1]
        return self.lines.get(loc)

    def problem(self, loc: Loc, message: str) -> Problem:
        line = self.line(loc)
        return Problem(self.file, f"line {line}" if line else None, message)


def _plain(node: yaml.Node, loc: Loc, doc: Document, constructor) -> Any:
    doc.lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        constructor.flatten_mapping(node)
        result = {}
        for key_node, value_node in node.value:
            key = constructor.construct_object(key_node, deep=True)
            if isinstance(key, (list, dict)):
                doc.duplicates.append(Problem(doc.file, f"line {key_node.start_mark.line + 1}",
                                              "a key should be a name, not a list or mapping"))
                continue
            if key in result:
                doc.duplicates.append(Problem(
                    doc.file, f"line {key_node.start_mark.line + 1}",
                    f"key {key!r} is given twice in the same mapping (first at line "
                    f"{doc.lines[loc + (key,)]}); give it once"))
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
    return constructor.construct_object(node)


def read(path: Path | str, what: str) -> Document:
    """Parse a YAML file; ``what`` names it in the message when it is missing."""
    path = Path(path)
    file = display_path(path)
    if not path.is_file():
        raise DataError(Problem(file, None, f"file not found; expected {what}"))
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise DataError(Problem(file, None, f"not UTF-8 text ({e.reason}); save it as UTF-8")) from None
    doc = Document(file, None)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        constructor = yaml.constructor.SafeConstructor()
        doc.data = _plain(node, (), doc, constructor) if node is not None else None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        raise DataError(Problem(file, f"line {mark.line + 1}" if mark else None,
                                f"not valid YAML: {e.problem or e.context}")) from None
    except yaml.YAMLError as e:
        raise DataError(Problem(file, None, f"not valid YAML: {e}")) from None
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


def _found(value) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


EXPECTED = {
    "string_type": "text", "int_type": "a whole number", "int_parsing": "a whole number",
    "int_from_float": "a whole number", "bool_type": "true or false", "bool_parsing": "true or false",
    "list_type": "a list", "tuple_type": "a list", "dict_type": "a mapping",
    "float_type": "a number", "float_parsing": "a number", "string_too_short": "non-empty text",
}


def where_text(loc: Loc, data: Any = None) -> str:
    """``('questions', 3, 'label')`` -> ``questions entry 4 (id Q4), label``: list positions count
    from 1, and an entry that has an ``id`` is named by it."""
    out, node = [], data
    for part in loc:
        try:
            node = node[part] if node is not None else None
        except (KeyError, IndexError, TypeError):
            node = None
        if isinstance(part, int) and out:
            name = node.get("id") if isinstance(node, dict) else None
            out[-1] += f" entry {part + 1}" + (f" (id {name})" if isinstance(name, (str, int)) else "")
        else:
            out.append(str(part))
    return ", ".join(out) or "the file"


def schema_problems(doc: Document, error: ValidationError, model) -> list[Problem]:
    problems = []

    def at(loc):
        return where_text(loc, doc.data)

    for e in error.errors(include_url=False):
        loc, kind = tuple(e["loc"]), e["type"]
        if kind == "missing":
            parent = _model_at(model, loc[:-1])
            form = f"; expected {_keys(parent)}" if parent else ""
            message = f"{at(loc[:-1])}: missing key {loc[-1]!r}{form}"
            problems.append(doc.problem(loc[:-1], message))
            continue
        if kind == "extra_forbidden":
            parent = _model_at(model, loc[:-1])
            form = f"; allowed: {', '.join(parent.model_fields)}" if parent else ""
            problems.append(doc.problem(loc, f"{at(loc[:-1])}: unknown key {loc[-1]!r}{form}"))
            continue
        target = _model_at(model, loc)
        if kind in ("model_type", "model_attributes_type") and target is not None:
            expected = f"a mapping with {_keys(target)}"
        elif kind == "literal_error":
            expected = f"one of: {e['ctx']['expected']}"
        elif kind in EXPECTED:
            expected = EXPECTED[kind]
        else:
            problems.append(doc.problem(loc, f"{at(loc)}: {e['msg'].removeprefix('Value error, ')}"))
            continue
        problems.append(doc.problem(loc, f"{at(loc)} should be {expected}; "
                                         f"found {_found(e.get('input'))}"))
    return problems


def validate(doc: Document, model: type[Schema]):
    """``doc.data`` as a ``model``; one DataError with every problem (duplicates included)."""
    problems = list(doc.duplicates)
    try:
        value = model.model_validate(doc.data if doc.data is not None else {})
    except ValidationError as error:
        raise DataError(problems + schema_problems(doc, error, model)) from None
    if problems:
        raise DataError(problems)
    return value
