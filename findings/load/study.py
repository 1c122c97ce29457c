"""The one configuration file of a study site (``data/study.yml``): its citation, its input files,
how questions and themes are grouped into results pages, and the site's navigation."""
from __future__ import annotations

import re
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import Field

from ..errors import DataError, Problem, ProblemList, name, shown
from . import yamlfile
from .qda import QdaSchema
from .yamlfile import BibKey, Column, DocsPage, Doi, Id, Schema, StrictInt, Text, Url

# The contact's e-mail address is published on every page (a mailto: link): a plain address only,
# so that it can never carry Markdown, HTML or another kind of link
EMAIL_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                      r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.[A-Za-z]{2,63}\Z")
EMAIL_FORM = ("an e-mail address such as name@example.ac.uk: letters, digits and . _ + - before the @, "
              "a domain name after it, no spaces, no 'mailto:'")


def is_email(value) -> bool:
    return (isinstance(value, str) and len(value) <= 254 and bool(EMAIL_RE.match(value))
            and ".." not in value and not value.split("@")[0].endswith("."))


Email = typing.Annotated[str, yamlfile._form(is_email, EMAIL_FORM)]


class FilesSchema(Schema):  # paths relative to study.yml, inside its folder
    instrument: Text
    responses: Text
    themes: Text | None = None  # the qualitative codebook; none: the site has no theme pages
    responses_meta: Text | None = None  # what the site says about the data; none: real, as exported
    stated_figures: Text | None = None  # figures a paper states, checked; none: no check page
    # with a Taguette highlights CSV as themes: Taguette's codebook CSV, for the tree and summaries
    themes_codebook: Text | None = None


class SectionSchema(Schema):
    id: Id
    title: str
    # the page (docs path) that shows these questions: a prose page of that path, or else the one
    # the build writes (default results/<id>.md)
    page: DocsPage | None = None
    questions: list[Id]
    analyses: list[Id] = []


class DisclosureSchema(Schema):
    # counts of 1 .. threshold-1 participants are hidden in the participants' tables (0 or 1: off);
    # 3 follows UK practice for small surveys (ONS, NHS Digital publish "fewer than 3" or suppress)
    threshold: StrictInt = Field(default=3, ge=0, le=100)


class PrivacySchema(Schema):
    # personal data the team publishes on purpose (the study's contact); the scan lets these through
    allow: list[Text] = []


class MemberSchema(Schema):
    name: Text  # as printed in the paper
    role: Text | None = None  # as the paper states it ("Principal investigator")


class TeamSchema(Schema):
    members: list[MemberSchema]
    institution: Text  # where the study was carried out
    institution_url: Url | None = None  # its web address


class ContactSchema(Schema):
    # the study's published contact; only what the manuscript states: no address or reply time is
    # invented when it gives none (the pages are worded without them)
    name: Text
    role: Text | None = None
    institution: Text | None = None
    email: Email  # also list it under privacy: allow, since the site publishes it on purpose
    postal_address: list[Text] = []  # its lines
    response_days: StrictInt | None = Field(default=None, ge=1, le=365)  # a reply within, working days


class StudySchema(Schema):
    title: Text
    short_title: Text | None = None  # the site's name; default: the title
    summary: Text | None = None  # one or two sentences on what the survey asked and whom (home page)
    # the publication the site presents, when there is one (citation, "how to cite", links)
    authors: list[Text] = []
    year: StrictInt | None = None
    doi: Doi | None = None
    publisher: Text | None = None
    url: Url | None = None
    bibtex_key: BibKey | None = None
    files: FilesSchema
    characteristics: list[Id] = []
    sections: list[SectionSchema]
    item_themes: dict[Column, list[Id]] = {}  # matrix item column -> theme node ids
    theme_questions: dict[Id, list[Id]] = {}  # theme node id -> question ids
    # a theme of an earlier step shown among a final analysis's (or one of its groups') theme pages,
    # where the paper reports it but the final merge has no theme for it: group/analysis id -> ids
    added_theme_pages: dict[Id, list[Id]] = {}
    nav: list[Any] | None = None  # none: the build drafts it from the pages it writes
    disclosure: DisclosureSchema = DisclosureSchema()
    privacy: PrivacySchema = PrivacySchema()
    team: TeamSchema | None = None  # who did the study, and where: shown in every page's footer
    contact: ContactSchema | None = None  # the study's published contact: footer, accessibility page
    # themes from the team's analysis tool (files: themes: coding.qdpx): how sources map to
    # respondents and questions, which passages are published (load/qda.py)
    qda: QdaSchema = QdaSchema()


@dataclass(frozen=True)
class Member:
    name: str
    role: str | None = None


@dataclass(frozen=True)
class Team:
    members: tuple[Member, ...]
    institution: str
    institution_url: str | None = None


@dataclass(frozen=True)
class Contact:
    name: str
    email: str
    role: str | None = None
    institution: str | None = None
    postal_address: tuple[str, ...] = ()  # lines; empty when the study gives none
    response_days: int | None = None  # working days; None when the study states none


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
    year: int | None
    doi: str | None
    publisher: str | None
    url: str | None
    bibtex_key: str | None
    # role -> Path (instrument, responses; themes, responses_meta, stated_figures when given)
    files: dict
    characteristics: tuple[str, ...]  # the questions of the participants table
    sections: tuple[Section, ...]
    item_themes: dict = field(default_factory=dict)  # matrix item column -> theme node ids
    theme_questions: dict = field(default_factory=dict)  # theme node id -> closed question ids
    added_theme_pages: dict = field(default_factory=dict)  # final analysis or group id -> node ids
    nav: tuple = ()  # the site's navigation, MkDocs' form; {themes: <analysis id>} expands
    disclosure_threshold: int = 3  # counts of 1 .. threshold-1 participants are hidden
    privacy_allow: tuple[str, ...] = ()  # published on purpose: not personal data to the scan
    team: Team | None = None  # names with roles, institution and its web address (optional)
    contact: Contact | None = None  # the study's published contact (optional)
    document: Any = None  # the parsed file, for messages that point at a line
    summary: str | None = None  # what the survey asked and whom, for the home page
    nav_given: bool = True  # False: study.yml has no nav, the build drafts one
    qda: Any = None  # QdaSchema: study.yml's qda: settings (themes from an analysis tool)

    @property
    def has_publication(self) -> bool:
        """Whether a paper is cited: authors and a year (a DOI or web address optional)."""
        return bool(self.authors and self.year)


def _nav_problems(doc, entries, loc) -> list[Problem]:
    """Nav entries: 'page.md', {Title: 'page.md'}, {Title: [entries]}, {Title: {themes: id}}."""
    out = []
    if not isinstance(entries, list):
        return [doc.problem(loc, "nav should be a list of pages and sections")]
    for i, entry in enumerate(entries):
        here = loc + (i,)
        if isinstance(entry, str):
            if not yamlfile.is_page(entry):
                out.append(doc.problem(here, f"{yamlfile.where_text(here)} should be "
                                             f"{yamlfile.PAGE_FORM}; found {shown(entry)}"))
            continue
        if isinstance(entry, dict) and len(entry) == 1:
            (title, value), = entry.items()
            if not isinstance(title, str) or not title.strip():
                out.append(doc.problem(here, f"nav entry {shown(entry)}: its title should be text"))
                continue
            if isinstance(value, list):
                out += _nav_problems(doc, value, here + (title,))
                continue
            if isinstance(value, str):
                if not yamlfile.is_page(value):
                    out.append(doc.problem(here + (title,), f"nav entry {shown(title)} should be "
                                           f"{yamlfile.PAGE_FORM}; found {shown(value)}"))
                continue
            if isinstance(value, dict) and set(value) == {"themes"} and isinstance(value["themes"], str):
                if not yamlfile.is_id(value["themes"]):
                    out.append(doc.problem(here + (title, "themes"), f"nav entry {shown(title)}, themes "
                                           f"should be {yamlfile.ID_FORM}; found {shown(value['themes'])}"))
                continue
        out.append(doc.problem(here, f"nav entry {shown(entry)} should be 'page.md', {{Title: page.md}}, "
                                     "{Title: [entries]} or {Title: {themes: <final analysis id>}}"))
    return out


def load_study(path: Path) -> Study:
    """Read and check ``study.yml``; every problem is reported at once, with its line."""
    path = Path(path)
    doc = yamlfile.read(path, "the study's configuration (study.yml)")
    raw = yamlfile.validate(doc, StudySchema)
    problems = ProblemList(_nav_problems(doc, raw.nav, ("nav",)) if raw.nav is not None else [])
    base = path.parent.resolve()
    files = {}
    for role, relative in raw.files.model_dump().items():
        if relative is None:
            continue
        try:  # symbolic links are followed: a link to a file elsewhere is outside too
            target = (base / relative).resolve()
        except (OSError, RuntimeError, ValueError):
            target = None
        if target is None or base not in target.parents:
            problems.append(doc.problem(("files", role), f"files: {role} {shown(relative)} is outside the "
                                        f"folder of {name(path.name)}; name a file inside it"))
        files[role] = target
    if problems:
        raise DataError(problems)
    return Study(path=path, title=raw.title, short_title=raw.short_title or raw.title,
                 authors=tuple(raw.authors),
                 year=raw.year, doi=raw.doi, publisher=raw.publisher, url=raw.url,
                 bibtex_key=raw.bibtex_key, files=files,
                 characteristics=tuple(raw.characteristics),
                 sections=tuple(Section(s.id, s.title, s.page or f"results/{s.id}.md",
                                        tuple(s.questions), tuple(s.analyses))
                                for s in raw.sections),
                 item_themes={k: list(v) for k, v in raw.item_themes.items()},
                 theme_questions={k: list(v) for k, v in raw.theme_questions.items()},
                 added_theme_pages={k: list(v) for k, v in raw.added_theme_pages.items()},
                 nav=tuple(raw.nav or ()), nav_given=raw.nav is not None,
                 summary=raw.summary, disclosure_threshold=raw.disclosure.threshold,
                 privacy_allow=tuple(raw.privacy.allow), team=_team(raw.team),
                 contact=_contact(raw.contact), document=doc, qda=raw.qda)


def _team(raw: TeamSchema | None) -> Team | None:
    if raw is None:
        return None
    return Team(members=tuple(Member(m.name, m.role) for m in raw.members), institution=raw.institution,
                institution_url=raw.institution_url)


def _contact(raw: ContactSchema | None) -> Contact | None:
    if raw is None:
        return None
    return Contact(name=raw.name, email=raw.email, role=raw.role, institution=raw.institution,
                   postal_address=tuple(raw.postal_address), response_days=raw.response_days)


def check_references(study: Study, question_ids: set[str], themes, columns: set[str]) -> None:
    """Every question, theme and column the configuration names must exist in the codebooks."""
    doc = study.document
    node_ids = {n.id for step in themes.steps for n in step.walk()}
    final = {a.id for a in themes.final_analyses()}
    problems = ProblemList()

    def unknown(loc, what, value, known):
        if value not in known:
            problems.append(doc.problem(loc, f"{yamlfile.where_text(loc)}: unknown {what} {shown(value)}"))

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

    in_final = {n.id for a in themes.final_analyses() for n in a.walk() if n.kind in ("analysis", "group")}
    for where, ids in study.added_theme_pages.items():
        unknown(("added_theme_pages", where), "final theme analysis or group", where, in_final)
        for j, i in enumerate(ids):
            unknown(("added_theme_pages", where, j), "theme id", i, node_ids)

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
