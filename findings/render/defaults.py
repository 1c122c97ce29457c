"""The pages every survey's site has, written by the build: home, the participants' report, the
results pages, data and downloads, and the navigation when ``study.yml`` gives none.

A survey folder needs no hand-written page at all. A hand-written page of the same path (in the
survey's ``docs/`` folder) takes the place of the one written here: these are defaults, and the
write stage copies one only where no prose page has its path.

Like the rest of render, this module computes nothing and reads no file: words come from the
codebooks and ``study.yml``, numbers from the computed results, and the fragments and chart specs
from what ``render`` already made.
"""
from __future__ import annotations

from ..compute.questions import ChoiceResult, MatrixResult
from . import pages
from .markdown import md_text

HOME, REPORT, RESULTS, DATA, THEMES = "index.md", "report/index.md", "results/index.md", \
    pages.DATA_PAGE, "themes/index.md"
REPORT_FINDINGS = 4  # findings in the participants' report: one printed page
SITE_ADDRESS = "site-address"  # an element site.js fills with the site's address


def _front(title: str, description: str, body: str, hide: tuple[str, ...] = ()) -> str:
    return pages.generated_page(body, hide=hide, title=title, description=description)


def _link(path: str, text: str) -> str:
    return f"[{md_text(text)}](/{path})"


def _took_part(n: dict) -> str:
    """Who took part, in the site's one vocabulary: took part, completed."""
    if n["finished"] == n["respondents"]:
        return f"{n['respondents']} people took part in the survey, and all of them completed it."
    return (f"{n['respondents']} people took part in the survey; {n['finished']} of them completed it "
            f"(the others stopped part way).")


def _citation(study) -> str:
    if not study.has_publication:
        return ""
    authors = md_text("; ".join(study.authors))
    where = f" *{md_text(study.publisher)}*." if study.publisher else ""
    link = (f" [doi:{md_text(study.doi)}](https://doi.org/{study.doi})" if study.doi
            else f" <{study.url}>" if study.url else "")
    return f"{authors} ({study.year}). {md_text(study.title)}.{where}{link}\n"


def _team(study) -> str:
    lines = []
    if study.team is not None:
        names = ", ".join(md_text(m.name) + (f" ({md_text(m.role)})" if m.role else "")
                          for m in study.team.members)
        lines.append(f"The survey was run by {names}, {md_text(study.team.institution)}.")
    if study.contact is not None:
        lines.append(f"Questions about it: {md_text(study.contact.name)}, "
                     f"[{md_text(study.contact.email)}](mailto:{study.contact.email}).")
    return " ".join(lines)


def _headlines(study, results, specs: dict) -> list[str]:
    """One finding per results section (its first charted question), as its chart's title states
    it, with the question and how many answered: at most REPORT_FINDINGS."""
    found = []
    for section in study.sections:
        for qid in section.questions:
            r, spec = results.questions.get(qid), specs.get(qid)
            if spec is None or not spec.get("headline") or getattr(r.question, "administrative", False):
                continue
            if isinstance(r, (ChoiceResult, MatrixResult)):
                answered = r.answered if isinstance(r, ChoiceResult) else r.answered_any
                found.append(f"**{md_text(section.title)}.** {md_text(spec['headline'])} "
                             f"(question {md_text(r.question.number)}: {md_text(r.question.text)}; "
                             f"{answered} answered).")
                break
        if len(found) == REPORT_FINDINGS:
            break
    return found


def _section_list(study) -> str:
    lines = []
    for s in study.sections:
        count = len(s.questions)
        lines.append(f"- {_link(s.page, s.title)}: {count} question{'s' if count != 1 else ''}")
    return "\n".join(lines) + "\n"


def home(study, results, specs: dict, has_themes: bool) -> str:
    n = results.variables["n"]
    body = [f"# {md_text(study.title)}\n"]
    if study.summary:
        body.append(md_text(study.summary) + "\n")
    body.append(_took_part(n) + "\n")
    findings = _headlines(study, results, specs)
    if findings:
        body.append("## Main findings\n")
        body.append("\n".join(f"- {f}" for f in findings) + "\n")
    body.append("## Read the findings\n")
    body.append(f"- {_link(REPORT, 'Results for participants')}: a one-page summary in plain words\n"
                + "".join(f"- {_link(s.page, s.title)}\n" for s in study.sections)
                + (f"- {_link(THEMES, 'Themes')}: what people wrote, in their own words\n" if has_themes else "")
                + f"- {_link(pages.INSTRUMENT, 'The survey')}: every question as it was asked\n"
                + f"- {_link(DATA, 'Data and downloads')}: how the numbers are computed, and the files\n")
    team, citation = _team(study), _citation(study)
    if team or citation:
        body.append("## About the study\n")
        body += [x + "\n" for x in (team, citation) if x]
    summary = study.summary or f"Findings of the survey: {study.title}"
    return _front(study.short_title, summary, "\n".join(body))


def report(study, results, specs: dict) -> str:
    n = results.variables["n"]
    body = [f"# Results for participants\n",
            f"**{md_text(study.title)}**\n",
            "Thank you for taking part in this survey. This page sums up what we found.\n",
            "## What we asked\n",
            "The survey asked about: " + "; ".join(md_text(s.title) for s in study.sections) + ".\n",
            "## Who took part\n", _took_part(n) + "\n"]
    findings = _headlines(study, results, specs)
    if findings:
        body += ["## What we found\n", "\n".join(f"- {f}" for f in findings) + "\n"]
    body += ["## Read more\n",
             f"All the results, with every table and chart, are on this website: "
             f"{_link(RESULTS, 'the results')}, at "
             # the site's address as the reader sees it, printed too (site.js fills it in)
             f'<span class="{SITE_ADDRESS}">this website</span>.\n']
    citation, team = _citation(study), _team(study)
    if citation:
        body.append(f"The study's paper: {citation}")
    if team:
        body.append(team + "\n")
    if results.variables.get("reconstructed"):
        body.append(f"*{md_text(results.variables['data_title'])}: {md_text(results.variables['data_note'])}*\n")
    return _front("Results for participants", f"A one-page summary of the results of {study.short_title}",
                  "\n".join(body))


def results_index(study) -> str:
    body = ["# Results\n", "The survey's questions, grouped as the survey grouped them. Each chart "
            "has a table of its numbers and a CSV download.\n", _section_list(study)]
    return _front("Results", f"All results of {study.short_title}, page by page", "\n".join(body))


def section_page(section, fragments: dict, notice: str, theme_fragments: dict) -> str:
    parts = [f"# {md_text(section.title)}\n", notice]
    parts += [fragments[qid] for qid in section.questions if qid in fragments]
    parts += [theme_fragments[a] for a in section.analyses if a in theme_fragments]
    return _front(section.title, f"Results: {section.title}", "\n".join(p for p in parts if p))


def data_page(study, downloads: list[tuple[str, str]], notice: str) -> str:
    body = ["# Data and downloads\n",
            "Every number on this site is computed from the survey's files when the site is built, "
            "so a chart, its table and any sentence about it always agree. Percentages are of the "
            "people who answered each question; answers such as \"Don't know\" are shown apart and "
            "left out of the percentages.\n", notice,
            "## Privacy\n",
            "No personal data are published. The survey platform's identifying fields (such as IP "
            "address and location) are dropped when the data are read; free-text answers are never "
            "shown except as quotes the team chose to publish; every page and download is checked for "
            "e-mail addresses, phone numbers, postcodes and other identifiers before it is "
            "published.\n",
            "## Downloads\n",
            "\n".join(f"- {_link(path, text)}" for path, text in downloads) + "\n"]
    return _front("Data and downloads", f"How the numbers of {study.short_title} are computed, and "
                  "the files to download", "\n".join(b for b in body if b))


def themes_index(index_fragment: str) -> str:
    body = ["# Themes\n", "What people wrote in their own words, grouped into themes by the "
            "research team. Each theme's page gives how many people wrote about it and their words.\n",
            index_fragment]
    return _front("Themes", "Themes of the free-text answers", "\n".join(body))


def nav(study, final_analyses, has_stated: bool, prose_pages: set[str]) -> list:
    """The navigation when study.yml gives none: home, report, results, themes, survey, data."""
    entries: list = [{"Home": HOME}, {"Results for participants": REPORT},
                     {"Results": [RESULTS] + [{s.title: s.page} for s in study.sections]}]
    if final_analyses:
        entries.append({"Themes": [THEMES] + [{a.title: {"themes": a.id}} for a in final_analyses]})
    entries.append({"The survey": pages.INSTRUMENT})
    data = [DATA] + ([{"Stated figures check": pages.STATED}] if has_stated else [])
    if final_analyses:
        data.append({"How the themes were coded": pages.CODING})
    entries.append({"Data and downloads": data})
    listed = {HOME, REPORT, RESULTS, THEMES, DATA, pages.INSTRUMENT, pages.STATED, pages.CODING,
              *(s.page for s in study.sections)}
    extra = sorted(p for p in prose_pages if p.endswith(".md") and p not in listed)
    return entries + extra
