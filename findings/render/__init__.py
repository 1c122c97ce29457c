"""Render: inputs' words + computed results -> the text of every file the build writes.

``render(inputs, results) -> Output``. No arithmetic and no file reading happen here: numbers come
from ``results``, words from the loaded codebooks, and downloads of the input files from the text
the load stage kept.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import json

import yaml

from ..compute.questions import (AdministrativeResult, ChoiceResult, FreeTextResult, MatrixResult,
                                 MultipleChoiceResult, NumberResult, empty_reason)
from ..errors import DataError, Problem
from ..privacy import redact
from . import defaults, figures, pages, qda
from .markdown import html_title, md_text


class Files(dict):
    """Path -> text, where a second file of the same path is an error, not an overwrite (a question
    id ``table-1`` would otherwise replace Table 1's download without a word)."""

    def __setitem__(self, path: str, text: str) -> None:
        if path in self:
            raise DataError(Problem("build output", path, "two generated files would have this path; "
                                    "an id in the input files clashes with a page or download the "
                                    "build writes, rename it"))
        super().__setitem__(path, text)


@dataclass
class Output:
    """What the build writes: the site's source tree and the files MkDocs reads besides pages."""

    docs: dict = field(default_factory=Files)  # docs-root path -> text (pages and downloads)
    extra: dict = field(default_factory=Files)  # build-folder path -> text (fragments, variables, nav)
    # docs-root path -> text: pages every site has (home, report, results, data), but only those
    # the survey's prose folder has no page of; written beside the prose pages
    defaults: dict = field(default_factory=Files)
    specs: list = field(default_factory=list)  # figure specs, drawn to docs figures/<name>.svg|png


def _nav(entries, themes) -> list:
    """study.yml's nav with each ``{themes: <analysis id>}`` replaced by that analysis's theme pages."""
    out = []
    for entry in entries:
        if isinstance(entry, dict) and len(entry) == 1:
            (title, value), = entry.items()
            if isinstance(value, dict) and "themes" in value:
                out.append({html_title(title): _theme_nav(value["themes"], themes)})
            elif isinstance(value, list):
                out.append({html_title(title): _nav(value, themes)})
            else:
                out.append({html_title(title): value})
        else:
            out.append(entry)
    return out


def _nav_pages(entries):
    """Every page path a nav names."""
    for entry in entries:
        value = next(iter(entry.values())) if isinstance(entry, dict) and len(entry) == 1 else entry
        if isinstance(value, str):
            yield value
        elif isinstance(value, list):
            yield from _nav_pages(value)


def _theme_nav(analysis_id: str, themes) -> list:
    """An analysis's theme pages, in groups where it has them, by the names readers see."""
    entries, groups = [], {}
    for page in themes.pages:
        if page.analysis.id != analysis_id:
            continue
        item = {html_title(page.node.shown_title): pages.theme_path(page.node)}
        if page.group is None:
            entries.append(item)
        else:
            if page.group.id not in groups:
                groups[page.group.id] = []
                entries.append({html_title(page.group.shown_title): groups[page.group.id]})
            groups[page.group.id].append(item)
    return entries


def _yaml(data) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


# checked as a DOI or an http(s) address when loaded; mailto: is "mailto:" + an e-mail address
# checked as a plain one (letters, digits, . _ + -)
LINK_VARIABLES = ("doi", "doi_url", "url", "institution_url", "mailto")


def _inert(value, key=None):
    """The prose variables with every text value made inert Markdown (``md_text``): a title or label
    reaches a prose page as text, never as Markdown, HTML or a template. Links are left as links."""
    if isinstance(value, dict):
        return {k: _inert(v, k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_inert(v) for v in value]
    if isinstance(value, str) and key not in LINK_VARIABLES:
        return md_text(value)
    return value


def _gathered(study, questions: dict) -> dict:
    """Questions with nothing to chart, gathered per page: those with no results (lost, not in the
    data, nobody answered) in one note, the questions about the survey itself in one list. A note
    takes the place of the fragment of the first such question of the page (in the order of its
    results section), and the others' fragments are empty, so a page shows each note once wherever
    it includes its questions. -> question id -> fragment."""
    in_sections = {qid for s in study.sections for qid in s.questions}
    groups = [s.questions for s in study.sections] + [(qid,) for qid in questions
                                                      if qid not in in_sections]
    out: dict = {}
    for qids in groups:
        qids = [qid for qid in qids if qid in questions and qid not in out]
        empty = [(qid, empty_reason(questions[qid])) for qid in qids
                 if empty_reason(questions[qid]) is not None]
        admin = [qid for qid in qids if isinstance(questions[qid], AdministrativeResult)]
        if empty:
            out.update({qid: "" for qid, _ in empty})
            out[empty[0][0]] = pages.not_shown_note([(questions[qid].question, why) for qid, why in empty])
        if admin:
            out.update({qid: "" for qid in admin})
            out[admin[0]] = pages.administrative_note([questions[qid] for qid in admin])
    return out


def render(inputs, results, prose_pages: frozenset[str] = frozenset()) -> Output:
    """``prose_pages``: the docs-root paths of the hand-written pages (names only), which take the
    place of the default pages of the same path and join a drafted nav."""
    study, instrument, meta = inputs.study, inputs.instrument, inputs.responses.meta
    out = Output()
    results_pages = {qid: s.page for s in study.sections for qid in s.questions}
    themes = results.themes
    item_links = {col: [pages.theme_link(themes.page_of[i], inputs.themes.node(i))
                        if i in themes.page_of else md_text(inputs.themes.node(i).shown_title)
                        for i in ids] for col, ids in study.item_themes.items()}
    theme_links = {}  # question id -> [(analysis title, [links to its themes holding answers to it])]
    for qid, ps in themes.by_question.items():
        groups: dict = {}
        for p in ps:
            groups.setdefault(p.analysis.shown_title, []).append(pages.theme_link(p))
        theme_links[qid] = list(groups.items())

    provenance = figures.provenance(study, meta)  # drawn in every chart: source, reconstructed
    gathered = _gathered(study, results.questions)
    for qid, r in results.questions.items():
        fragment = f"fragments/questions/{qid}.md"
        if qid in gathered:
            out.extra[fragment] = gathered[qid]
        elif isinstance(r, MatrixResult):
            spec = figures.likert_spec(r, **provenance)
            out.extra[fragment], out.docs[pages.download_path(f"{qid}.csv")] = \
                pages.matrix_fragment(r, meta, spec, item_links)
            out.specs.append(spec)
        elif isinstance(r, (ChoiceResult, MultipleChoiceResult)):
            spec = figures.bar_spec(r, **provenance)
            out.extra[fragment], out.docs[pages.download_path(f"{qid}.csv")] = \
                pages.choice_fragment(r, meta, spec, results.disclosure.threshold,
                                      (results.conflicts or {}).get(qid, ()))
            out.specs.append(spec)
        elif isinstance(r, NumberResult):
            specs = figures.histogram_specs(r, **provenance)
            out.extra[fragment], out.docs[pages.download_path(f"{qid}.csv")] = \
                pages.number_fragment(r, meta, specs)
            out.specs += specs
        elif isinstance(r, FreeTextResult):
            cond = r.question.condition
            condition_text = None if cond is None else (
                f"answered “{md_text(cond.equals)}” to question "
                f"{md_text(instrument.question(cond.question).number)}")
            out.extra[fragment] = pages.free_text_fragment(r, theme_links.get(qid, []), condition_text)

    if study.characteristics:
        out.extra["fragments/table-1.md"], out.docs[pages.download_path("table-1.csv")] = \
            pages.characteristics_fragment(results.characteristics, results.disclosure.threshold, meta,
                                           results.stated_cells, results.conflicts)
    final = inputs.themes.final_analyses()
    for analysis in final:
        out.extra[f"fragments/themes/{analysis.id}.md"], \
            out.docs[pages.download_path(f"themes-{analysis.id}.csv")] = \
            pages.theme_summary_fragment(analysis, themes.summaries[analysis.id], themes)
    out.extra["fragments/themes/index.md"] = pages.theme_index_fragment(themes, final)
    out.extra["fragments/reconstructed.md"] = pages.reconstructed_notice(meta)
    titles = [p.node.shown_title for p in themes.pages]
    for page in themes.pages:
        # a browser tab's title names the page alone: two themes of one name say where each sits
        where = page.group.shown_title if page.group is not None else page.analysis.shown_title
        name = page.node.shown_title
        title = name if titles.count(name) == 1 else f"{name} ({where})"
        out.docs[pages.theme_path(page.node)] = pages.generated_page(pages.theme_page(
            page, themes, instrument, study.theme_questions, results_pages), title=title)

    has_themes = bool(inputs.themes.steps)
    if has_themes:
        out.docs[pages.CODING] = pages.generated_page(pages.coding_process_page(inputs.themes, themes, instrument))
    out.docs[pages.INSTRUMENT] = pages.generated_page(pages.instrument_page(instrument, results_pages))
    if results.stated:
        stated_page, out.docs[pages.download_path("stated-figures.csv")] = \
            pages.stated_figures_page(results.stated, meta)
        out.docs[pages.STATED] = pages.generated_page(stated_page, hide=("navigation",))
    if study.has_publication:
        out.docs[pages.download_path("citation.bib")] = pages.bibtex(study)
    # the codebooks as the build read and checked them: no comments, e-mail addresses removed
    out.docs[pages.download_path("instrument.yaml")] = redact(_yaml(instrument.data))
    if has_themes:
        out.docs[pages.download_path("themes.yaml")] = _yaml(inputs.themes.data)
        # the codebook for the team's analysis tool (REFI-QDA); the coding too where it came from
        # YAML (a project a tool exported is never republished: it holds every answer)
        out.docs[pages.download_path("codebook.qdc")] = qda.codebook_qdc(inputs.themes)
        if study.files["themes"].suffix.lower() in (".yaml", ".yml"):
            out.docs[pages.download_path("coding.qdpx")] = qda.project_qdpx(inputs.themes)
    _defaults(out, inputs, results, final, prose_pages)
    out.extra["variables.yml"] = yaml.safe_dump(_inert(results.variables), allow_unicode=True,
                                                sort_keys=True)
    out.extra["privacy.json"] = json.dumps({"allow": list(study.privacy_allow),
                                            "sources": list(inputs.files)}, ensure_ascii=False)
    # nav.yml, inherited by mkdocs.yml: the nav, and the footer of every page (copyright:, which
    # Material shows as HTML): the team, its institution and the contact, from study.yml; escaped
    drafted = defaults.nav(study, final, bool(results.stated), prose_pages)
    # the theme writes the site's name and description into HTML unescaped (<title>, the header,
    # meta tags): escaped here, as nav titles are
    inherited = {"site_name": html_title(study.short_title),
                 "site_description": html_title(study.summary or study.title),
                 "nav": _nav(study.nav if study.nav_given else drafted, themes)}
    footer = pages.footer_html(study.team, study.contact)
    if footer:
        inherited["copyright"] = footer
    out.extra["nav.yml"] = ("# Written by build_tables.py from the survey's study.yml (site name, "
                            "nav, footer); mkdocs.yml inherits it.\n"
                            + yaml.safe_dump(inherited, allow_unicode=True, sort_keys=False))
    return out


DOWNLOADS = (("instrument.yaml", "Survey codebook (YAML): every question, its options and export columns"),
             ("themes.yaml", "Themes codebook (YAML): every theme and published quote"),
             ("codebook.qdc", "Themes codebook for NVivo, ATLAS.ti, MAXQDA, QualCoder or Taguette "
                              "(REFI-QDA codebook)"),
             ("coding.qdpx", "The coding and its published quotes, as a project for those tools "
                             "(REFI-QDA project)"),
             ("table-1.csv", "Who took part (CSV)"),
             ("stated-figures.csv", "Stated figures check (CSV)"),
             ("citation.bib", "Citation (BibTeX)"))


def _defaults(out: Output, inputs, results, final, prose_pages) -> None:
    """The pages every site has, from what render already made (fragments, chart specs)."""
    study = inputs.study
    specs = {s["name"]: s for s in out.specs}
    fragments = {qid: out.extra[f"fragments/questions/{qid}.md"] for qid in results.questions}
    theme_fragments = {a.id: out.extra[f"fragments/themes/{a.id}.md"] for a in final}
    notice = out.extra["fragments/reconstructed.md"]
    has_themes = bool(final)
    out.defaults[defaults.HOME] = defaults.home(study, results, specs, has_themes)
    out.defaults[defaults.REPORT] = defaults.report(study, results, specs)
    out.defaults[defaults.RESULTS] = defaults.results_index(study)
    for section in study.sections:
        out.defaults[section.page] = defaults.section_page(section, fragments, notice, theme_fragments)
    downloads = [(pages.download_path(name), text) for name, text in DOWNLOADS
                 if pages.download_path(name) in out.docs]
    out.defaults[defaults.DATA] = defaults.data_page(study, downloads, notice)
    if has_themes:
        out.defaults[defaults.THEMES] = defaults.themes_index(out.extra["fragments/themes/index.md"])
    if study.nav_given:  # a nav written by the team names the pages it wants
        named = set(_nav_pages(study.nav))
        for path in [p for p in out.defaults if p not in named]:
            del out.defaults[path]
    for path in set(out.defaults) & set(out.docs):  # a section page named like a generated page
        raise DataError(Problem("study.yml", path, "a results section's page has the path of a page "
                                "the build writes; give the section another page"))
    for path in set(out.defaults) & prose_pages:  # the survey's own page of that path is used
        del out.defaults[path]
