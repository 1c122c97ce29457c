"""The one configuration file of a study site (``data/study.yml``): its citation, its input files,
and how questions and themes are grouped into results pages. Typed, validated, with errors that say
what was expected.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import DataError, Problem, display_path


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    page: str  # the prose page (relative to docs/) that presents this section
    questions: tuple[str, ...]
    analyses: tuple[str, ...] = ()  # theme analyses (node ids in themes.yaml) shown with it


@dataclass(frozen=True)
class Study:
    path: Path
    title: str
    short_title: str
    authors: tuple[str, ...]
    year: int
    doi: str
    publisher: str
    url: str
    bibtex_key: str
    files: dict  # role -> Path (instrument, themes, responses, responses_meta, stated_figures)
    characteristics: tuple[str, ...]  # the questions of "Table 1"
    sections: tuple[Section, ...]
    item_themes: dict = field(default_factory=dict)  # matrix item column -> theme node ids
    theme_questions: dict = field(default_factory=dict)  # analysis node id -> closed question ids

    def section_of(self, question_id: str) -> Section | None:
        for s in self.sections:
            if question_id in s.questions:
                return s
        return None


REQUIRED_FILES = ("instrument", "themes", "responses", "responses_meta", "stated_figures")
ALLOWED = {"title", "short_title", "authors", "year", "doi", "publisher", "url", "bibtex_key",
           "files", "characteristics", "sections", "item_themes", "theme_questions"}


def load_study(path: Path) -> Study:
    """Read and check ``study.yml``; every problem is reported at once, with its line."""
    name = display_path(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
        raw = yaml.safe_load(text)
    except FileNotFoundError:
        raise DataError(Problem(name, None, "file not found")) from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else None
        raise DataError(Problem(name, where, f"not valid YAML: {getattr(e, 'problem', e)}")) from None
    if not isinstance(raw, dict):
        raise DataError(Problem(name, None, "expected a mapping of settings at the top level"))

    lines = _key_lines(text)
    problems: list[Problem] = []

    def need(key, kind, where=None):
        if key not in raw:
            problems.append(Problem(name, where, f"missing setting '{key}' ({kind})"))
            return None
        return raw[key]

    for key in raw:
        if key not in ALLOWED:
            problems.append(Problem(name, lines.get(key), f"unknown setting '{key}'; "
                                    f"allowed: {', '.join(sorted(ALLOWED))}"))
    for key in ("title", "short_title", "doi", "publisher", "url", "bibtex_key"):
        v = need(key, "text")
        if v is not None and not isinstance(v, str):
            problems.append(Problem(name, lines.get(key), f"'{key}' should be text, got {v!r}"))
    files = need("files", f"a mapping with {', '.join(REQUIRED_FILES)}") or {}
    base = Path(path).parent
    resolved = {}
    for role in REQUIRED_FILES:
        if role not in files:
            problems.append(Problem(name, lines.get("files"), f"files: missing '{role}'"))
        else:
            resolved[role] = base / str(files[role])
    sections = []
    for i, s in enumerate(need("sections", "a list of results sections") or []):
        missing = [k for k in ("id", "title", "page", "questions") if k not in s]
        if missing:
            problems.append(Problem(name, lines.get("sections"),
                                    f"section {i + 1} lacks {', '.join(missing)}"))
            continue
        sections.append(Section(str(s["id"]), str(s["title"]), str(s["page"]),
                                tuple(str(q) for q in s["questions"]),
                                tuple(str(a) for a in s.get("analyses", []))))
    if problems:
        raise DataError(problems)
    return Study(path=Path(path), title=raw["title"], short_title=raw["short_title"],
                 authors=tuple(raw.get("authors", [])), year=int(raw.get("year", 0)),
                 doi=raw["doi"], publisher=raw["publisher"], url=raw["url"],
                 bibtex_key=raw["bibtex_key"], files=resolved,
                 characteristics=tuple(raw.get("characteristics", [])), sections=tuple(sections),
                 item_themes={str(k): list(v) for k, v in (raw.get("item_themes") or {}).items()},
                 theme_questions={str(k): list(v) for k, v in
                                  (raw.get("theme_questions") or {}).items()})


def check_references(study: Study, question_ids: set[str], node_ids: set[str],
                     columns: set[str]) -> None:
    """Every question, theme and column the configuration names must exist in the codebooks."""
    name = display_path(study.path)
    problems = []
    for q in study.characteristics:
        if q not in question_ids:
            problems.append(Problem(name, "characteristics", f"unknown question '{q}'"))
    for s in study.sections:
        for q in s.questions:
            if q not in question_ids:
                problems.append(Problem(name, f"section '{s.id}'", f"unknown question '{q}'"))
        for a in s.analyses:
            if a not in node_ids:
                problems.append(Problem(name, f"section '{s.id}'",
                                        f"unknown theme analysis '{a}' (not an id in the themes file)"))
    for col, ids in study.item_themes.items():
        if col not in columns:
            problems.append(Problem(name, "item_themes", f"unknown column '{col}'"))
        for i in ids:
            if i not in node_ids:
                problems.append(Problem(name, f"item_themes, {col}", f"unknown theme id '{i}'"))
    for a, qs in study.theme_questions.items():
        if a not in node_ids:
            problems.append(Problem(name, "theme_questions", f"unknown theme id '{a}'"))
        for q in qs:
            if q not in question_ids:
                problems.append(Problem(name, f"theme_questions, {a}", f"unknown question '{q}'"))
    if problems:
        raise DataError(problems)


def _key_lines(text: str) -> dict:
    """Top-level key -> 'line N' for messages."""
    out = {}
    for i, line in enumerate(text.splitlines(), 1):
        if line and not line[0].isspace() and ":" in line and not line.startswith("#"):
            out.setdefault(line.split(":", 1)[0].strip(), f"line {i}")
    return out
