"""The one configuration file of a study site (``data/study.yml``): its citation, its input files,
how questions and themes are grouped into results pages, and the site's navigation."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import DataError, Problem
from . import yamlfile
from .yamlfile import Schema, StrictInt


class FilesSchema(Schema):
    instrument: str
    themes: str
    responses: str
    responses_meta: str
    stated_figures: str


class SectionSchema(Schema):
    id: str
    title: str
    page: str  # the prose page (docs path) that shows these questions
    questions: list[str]
    analyses: list[str] = []


class StudySchema(Schema):
    title: str
    short_title: str
    authors: list[str]
    year: StrictInt
    doi: str
    publisher: str
    url: str
    bibtex_key: str
    files: FilesSchema
    characteristics: list[str] = []
    sections: list[SectionSchema]
    item_themes: dict[str, list[str]] = {}
    theme_questions: dict[str, list[str]] = {}
    nav: list[Any]


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    page: str
    questions: tuple[str, ...]
    analyses: tuple[str, ...] = ()


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
    characteristics: tuple[str, ...]  # the questions of the participants table
    sections: tuple[Section, ...]
    item_themes: dict = field(default_factory=dict)  # matrix item column -> theme node ids
    theme_questions: dict = field(default_factory=dict)  # theme node id -> closed question ids
    nav: tuple = ()  # the site's navigation, MkDocs' form; {themes: <analysis id>} expands
    document: Any = None  # the parsed file, for messages that point at a line


def _nav_problems(doc, entries, loc) -> list[Problem]:
    """Nav entries: 'page.md', {Title: 'page.md'}, {Title: [entries]}, {Title: {themes: id}}."""
    out = []
    if not isinstance(entries, list):
        return [doc.problem(loc, "nav should be a list of pages and sections")]
    for i, entry in enumerate(entries):
        here = loc + (i,)
        if isinstance(entry, str):
            if not entry.endswith(".md"):
                out.append(doc.problem(here, f"nav entry {entry!r} should be a page ending in .md"))
            continue
        if isinstance(entry, dict) and len(entry) == 1:
            (title, value), = entry.items()
            if isinstance(value, list):
                out += _nav_problems(doc, value, here + (title,))
                continue
            if isinstance(value, str) and value.endswith(".md"):
                continue
            if isinstance(value, dict) and set(value) == {"themes"} and isinstance(value["themes"], str):
                continue
        out.append(doc.problem(here, f"nav entry {entry!r} should be 'page.md', {{Title: page.md}}, "
                                     "{Title: [entries]} or {Title: {themes: <final analysis id>}}"))
    return out


def load_study(path: Path) -> Study:
    """Read and check ``study.yml``; every problem is reported at once, with its line."""
    path = Path(path)
    doc = yamlfile.read(path, "the study's configuration (study.yml)")
    raw = yamlfile.validate(doc, StudySchema)
    problems = _nav_problems(doc, raw.nav, ("nav",))
    base = path.parent.resolve()
    files = {}
    for role, name in raw.files.model_dump().items():
        target = (base / name).resolve()
        if base not in target.parents:
            problems.append(doc.problem(("files", role), f"files: {role} {name!r} is outside the "
                                        f"folder of {path.name}; name a file inside it"))
        files[role] = target
    if problems:
        raise DataError(problems)
    return Study(path=path, title=raw.title, short_title=raw.short_title, authors=tuple(raw.authors),
                 year=raw.year, doi=raw.doi, publisher=raw.publisher, url=raw.url,
                 bibtex_key=raw.bibtex_key, files=files,
                 characteristics=tuple(raw.characteristics),
                 sections=tuple(Section(s.id, s.title, s.page, tuple(s.questions), tuple(s.analyses))
                                for s in raw.sections),
                 item_themes={k: list(v) for k, v in raw.item_themes.items()},
                 theme_questions={k: list(v) for k, v in raw.theme_questions.items()},
                 nav=tuple(raw.nav), document=doc)


def check_references(study: Study, question_ids: set[str], themes, columns: set[str]) -> None:
    """Every question, theme and column the configuration names must exist in the codebooks."""
    doc = study.document
    node_ids = {n.id for step in themes.steps for n in step.walk()}
    final = {a.id for a in themes.final_analyses()}
    problems = []

    def unknown(loc, what, value, known):
        if value not in known:
            problems.append(doc.problem(loc, f"{yamlfile.where_text(loc)}: unknown {what} {value!r}"))

    for i, q in enumerate(study.characteristics):
        unknown(("characteristics", i), "question", q, question_ids)
    for i, s in enumerate(study.sections):
        for j, q in enumerate(s.questions):
            unknown(("sections", i, "questions", j), "question", q, question_ids)
        for j, a in enumerate(s.analyses):
            unknown(("sections", i, "analyses", j), "theme analysis", a, node_ids)
    for col, ids in study.item_themes.items():
        unknown(("item_themes", col), "column", col, columns)
        for j, i in enumerate(ids):
            unknown(("item_themes", col, j), "theme id", i, node_ids)
    for a, qs in study.theme_questions.items():
        unknown(("theme_questions", a), "theme id", a, node_ids)
        for j, q in enumerate(qs):
            unknown(("theme_questions", a, j), "question", q, question_ids)

    def nav(entries, loc):
        for i, entry in enumerate(entries):
            if isinstance(entry, dict):
                (title, value), = entry.items()
                if isinstance(value, list):
                    nav(value, loc + (i, title))
                elif isinstance(value, dict):
                    unknown(loc + (i, title, "themes"), "final theme analysis (final: true in the "
                            "themes file)", value["themes"], final)

    nav(study.nav, ("nav",))
    if problems:
        raise DataError(problems)
