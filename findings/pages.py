"""Rendering: computed tables and codebooks -> markdown pages, fragments and CSV downloads.

Nothing here computes a result: it formats what ``tables`` and ``stated`` computed. Paths inside the
generated tree are relative to ``docs/``; fragments (included into prose pages by the macros) write
``@@ROOT@@/`` where the link must start from the docs root, and the macro replaces it with the right
``../`` for the page that includes it.
"""
from __future__ import annotations

import posixpath
import re

import pandas as pd

from . import figures as fig
from .privacy import redact
from .tables import fmt_pct, round_half_up

ROOT = "@@ROOT@@/"
RECONSTRUCTED_NOTE = "reconstructed data"


# ---------------------------------------------------------------- helpers
def cell(text) -> str:
    """Text safe inside a markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def md_text(text: str) -> str:
    """Participant or questionnaire text safe as markdown: no accidental emphasis, links or HTML."""
    return re.sub(r"([\\`*_{}\[\]<>#|])", r"\\\1", str(text))


def alt_escape(text: str) -> str:
    return str(text).replace("[", "(").replace("]", ")").replace("\n", " ")


def rel(from_page: str, target: str) -> str:
    """Relative link from one docs-relative page to another docs-relative path."""
    return posixpath.relpath(target, posixpath.dirname(from_page) or ".")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def question_anchor(qid: str) -> str:
    return f"q-{qid.lower()}"


def markdown_table(header: list[str], rows: list[list], align: list[str] | None = None) -> str:
    align = align or ["l"] + ["r"] * (len(header) - 1)
    sep = ["---:" if a == "r" else ":---" for a in align]
    lines = ["| " + " | ".join(cell(h) for h in header) + " |", "| " + " | ".join(sep) + " |"]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def figure_block(root: str, name: str, spec: dict, caption: str) -> str:
    """An accessible chart: image with alt text from the data, caption, and downloads."""
    alt = alt_escape(fig.alt_text(spec))
    return (
        f'<figure class="chart" markdown="span">\n'
        f"![{alt}]({root}generated/figures/{name}.svg){{ loading=lazy }}\n"
        f"<figcaption>{caption}</figcaption>\n"
        f"</figure>\n\n"
        f"Download: [chart (SVG)]({root}generated/figures/{name}.svg) · "
        f"[chart (PNG, for slides)]({root}generated/figures/{name}.png) · "
        f"[data (CSV)]({root}generated/data/{name}.csv)\n"
    )


def reconstructed_badge(meta) -> str:
    if not meta.reconstructed:
        return ""
    return (f'!!! warning "{md_text(meta.title)}"\n    {md_text(meta.note)}\n'
            f"    [Read how the data were reconstructed]({ROOT}data/index.md).\n\n")


# ---------------------------------------------------------------- questions
def answered_line(answered: int, respondents: int, what: str = "answered this question") -> str:
    return (f"**{answered} of {respondents} respondents {what}**"
            f" ({respondents - answered} did not: they skipped it or left the survey before it).")


def choice_fragment(question, qtable, meta) -> tuple[str, str, dict]:
    """A closed question: heading, denominator, table, chart, downloads. -> (markdown, csv, spec)."""
    name = question.id
    counts = qtable.counts
    rows = [[o, c, fmt_pct(p)] for o, c, p in zip(counts.option, counts["count"], counts.percent)]
    rows.append(["**Total who answered**", qtable.answered, "100%"])
    table = markdown_table(["Answer", "Respondents", "% of those who answered"], rows)
    spec = fig.bar_spec(name, question.text, list(counts.option), list(counts["count"]),
                        qtable.answered, qtable.respondents, list(counts.nonsubstantive))
    caption = (f"Question {question.number}. {qtable.answered} of {qtable.respondents} respondents "
               f"answered{' (' + RECONSTRUCTED_NOTE + ')' if meta.reconstructed else ''}.")
    md = [
        f"## {question.number}. {md_text(question.text)} {{ #{question_anchor(question.id)} }}\n",
        answered_line(qtable.answered, qtable.respondents) + "\n",
        table + "\n",
        figure_block(ROOT, name, spec, caption),
        f"[See question {question.number} in the survey instrument]"
        f"({ROOT}generated/instrument.md#{question_anchor(question.id)})\n",
    ]
    csv = pd.DataFrame({"question": question.id, "answer": counts.option, "respondents": counts["count"],
                        "percent_of_answered": [round_half_up(p, 1) for p in counts.percent],
                        "answered": qtable.answered, "respondents_total": qtable.respondents})
    return "\n".join(md), csv.to_csv(index=False), spec


def matrix_fragment(question, matrix: pd.DataFrame, respondents: int, meta,
                    item_theme_links: dict) -> tuple[str, str, dict]:
    """A Likert-type matrix: one table (counts and row %), one diverging stacked bar chart."""
    scale = [p.label for p in question.scale]
    header = ["Item"] + scale + ["Answered"]
    rows, related = [], []
    for _, r in matrix.iterrows():
        n = r["answered"]
        cells = [f"{r[s]} ({fmt_pct(100 * r[s] / n) if n else '–'})" for s in scale]
        rows.append([md_text(r["item"])] + cells + [n])
        links = item_theme_links.get(r["column"], [])
        if links:
            related.append(f"- **{md_text(r['item'])}**: {', '.join(links)}")
    table = markdown_table(header, rows, ["l"] + ["r"] * (len(scale) + 1))
    if related:
        table += ("\n\nThemes from the free-text answers that speak to each item:\n\n"
                  + "\n".join(related))
    spec = fig.likert_spec(question.id, question.text, list(matrix["item"]), scale,
                           matrix[scale].values.tolist(), list(matrix["answered"]), respondents)
    answered_any = int(matrix["answered"].max()) if len(matrix) else 0
    caption = (f"Question {question.number}. Each bar is one item, over those who rated it; "
               f"the centre line separates the lower half of the scale from the upper half"
               f"{' (' + RECONSTRUCTED_NOTE + ')' if meta.reconstructed else ''}.")
    notes = []
    if any(i.reconstructed for i in question.items) or getattr(question, "reconstructed", False):
        notes.append('!!! note "Reconstructed items and scale"\n    The manuscript\'s table of this '
                     "question is missing from its text. The items and the rating scale shown here "
                     "were rebuilt from the sentences of the manuscript that name them; "
                     f"[see the instrument]({ROOT}generated/instrument.md#{question_anchor(question.id)}) "
                     "for the source of each.\n")
    md = [
        f"## {question.number}. {md_text(question.text)} {{ #{question_anchor(question.id)} }}\n",
        answered_line(answered_any, respondents, "rated at least one item") + "\n",
        *notes,
        table + "\n",
        figure_block(ROOT, question.id, spec, caption),
    ]
    csv = matrix.copy()
    csv.insert(0, "question", question.id)
    csv["respondents_total"] = respondents
    return "\n".join(md), csv.to_csv(index=False), spec


def free_text_fragment(question, answered: int, respondents: int, theme_links: list[str],
                       in_data: bool = True, shown: tuple[int, str] | None = None) -> str:
    """A free-text question: how many answered it, and the themes its answers were coded to.

    ``shown``: for a conditional question, (how many it was shown to, what made them see it).
    """
    if not in_data:
        return (f"## {question.number}. {md_text(question.text)} {{ #{question_anchor(question.id)} }}\n\n"
                "Free-text question. Its answers are not part of the data this site is built from, so "
                f"not even the number who answered can be shown. [About the data]({ROOT}data/index.md)\n")
    links = "".join(f"\n- {l}" for l in theme_links)
    themes = (f"\n\nThe answers were analysed for themes:\n{links}\n" if theme_links else
              "\n\nThe answers to this question were not analysed for themes in the study.\n")
    if shown is not None:
        count = (f"**{answered} of the {shown[0]} respondents who {shown[1]} answered this question** "
                 "(it was shown only to them).")
    else:
        count = answered_line(answered, respondents)
    return (f"## {question.number}. {md_text(question.text)} {{ #{question_anchor(question.id)} }}\n\n"
            f"Free-text question. " + count
            + " The individual answers are not published; the study published selected quotes, "
              "which appear on the theme pages." + themes)


def unavailable_fragment(question) -> str:
    return (f"## {question.number}. {md_text(question.text)} {{ #{question_anchor(question.id)} }}\n\n"
            '!!! info "Results not available"\n    The answer options of this question were printed in a '
            "table that the manuscript's text does not include, so neither its items nor its results "
            "can be shown. Nothing has been made up in their place.\n")


def characteristics_fragment(table1: pd.DataFrame, questions) -> tuple[str, str]:
    """'Table 1': participant characteristics, one block per question with its own n."""
    rows = []
    for q in questions:
        part = table1[table1.question_id == q.id]
        n = int(part.answered.iloc[0]) if len(part) else 0
        rows.append([f"**{md_text(q.text)}** (n = {n})", "", ""])
        for _, r in part.iterrows():
            rows.append([f"{md_text(r.option)}", r["count"], fmt_pct(r.percent)])
    md = (markdown_table(["Characteristic", "Respondents", "% of those who answered"], rows)
          + f"\n\nDownload: [Table 1 (CSV)]({ROOT}generated/data/table-1.csv)\n")
    csv = table1.copy()
    csv["percent"] = [round_half_up(p, 1) for p in csv.percent]
    return md, csv.drop(columns=["nonsubstantive"]).to_csv(index=False)


# ---------------------------------------------------------------- instrument
def instrument_page(instrument, links: dict) -> str:
    """The survey as participants saw it, rendered from the codebook; each question links to results.

    ``links``: question id -> docs-relative page of its results (or absent).
    """
    page = "generated/instrument.md"
    survey = instrument.survey
    out = ["# Survey instrument\n",
           "The questionnaire as participants saw it, rendered from the study's codebook "
           "([download the codebook (YAML)](data/instrument.yaml)). Wording is exactly as printed in "
           "the study's published questionnaire. Parts that were lost are labelled; nothing is filled in.\n"]
    info = survey.get("information") or []
    if info:
        out.append("## Participant information and consent\n")
        out.append('??? info "Participant information sheet (as shown before the survey)"\n')
        for block in info:
            if block.get("personal_data"):
                out.append("\n    *[Researchers' personal contact details omitted from this site.]*\n")
                continue
            text = redact(block.get("text", ""))
            kind = block.get("kind", "paragraph")
            if kind == "heading":
                out.append(f"    **{md_text(text)}**\n")
            elif kind == "list_item":
                out.append(f"    - {md_text(text)}")
            else:
                out.append(f"\n    {md_text(text)}\n")
        out.append("")
        if survey.get("consent"):
            out.append(f"Consent: *{md_text(redact(str(survey['consent'])))}*\n")
    intro = survey.get("introduction")
    if intro:
        out.append("## Introduction shown to participants\n")
        for para in (intro if isinstance(intro, list) else [intro]):
            text = para.get("text", "") if isinstance(para, dict) else str(para)
            out.append(f"> {md_text(redact(text))}\n>")
        out[-1] = out[-1].rstrip(">").rstrip() + "\n"
    current_part = None
    parts = {p.id: p for p in instrument.parts}
    for q in instrument.questions:
        if q.part != current_part:
            current_part = q.part
            p = parts.get(q.part)
            if p is not None:
                note = "" if getattr(p, "title_printed", True) else " *(heading not printed; named here)*"
                out.append(f"## {md_text(p.title)}{note}\n")
        out.append(f"### {md_text(q.number)}. {md_text(q.text)} {{ #{question_anchor(q.id)} }}\n")
        kind = q.type.replace("_", " ")
        extra = []
        if q.condition:
            extra.append(f"shown only if the answer to question "
                         f"{instrument.question(q.condition.question).number} was “{q.condition.equals}”")
        out.append(f"*{kind.capitalize()}*{'; ' + '; '.join(extra) if extra else ''}. "
                   f"Export column{'s' if len(q.all_columns) != 1 else ''}: "
                   f"{', '.join('`' + c + '`' for c in q.all_columns) or 'none'}.\n")
        if q.options:
            for o in q.options:
                box = " *(with a text box)*" if o.text_column else ""
                out.append(f"- {md_text(o.label)}{box}")
            out.append("")
        if q.type == "matrix" and q.items_available:
            out.append("| Item | Reconstructed |\n| :--- | :--- |")
            for it in q.items:
                out.append(f"| {cell(md_text(it.label))} | {'yes' if it.reconstructed else 'no'} |")
            out.append("")
            if q.scale:
                recon = any(s.reconstructed for s in q.scale) or q.reconstructed
                out.append(f"Rating scale{' (reconstructed)' if recon else ''}: "
                           + " / ".join(md_text(s.label) for s in q.scale) + ".\n")
            srcs = _sources(q)
            if srcs:
                out.append('??? note "Where the reconstructed items come from"\n')
                out += [f"    - {md_text(s)}" for s in srcs]
                out.append("")
        if not q.items_available:
            out.append('!!! info "Items not available"\n    The list of items was printed in a table that '
                       "the manuscript's text does not include. It is not reconstructed.\n")
        if q.note:
            out.append(f"*Note:* {md_text(q.note)}\n")
        target = links.get(q.id)
        if target:
            out.append(f"[Results for question {q.number}]({rel(page, target)}#{question_anchor(q.id)})\n")
    if survey.get("closing"):
        out.append("## Closing text\n")
        closing = survey["closing"]
        for para in (closing if isinstance(closing, list) else [closing]):
            text = para.get("text", "") if isinstance(para, dict) else str(para)
            out.append(f"> {md_text(redact(text))}\n")
    return "\n".join(out) + "\n"


def _sources(q) -> list[str]:
    out = []
    for it in q.items:
        src = it.source
        if not src:
            continue
        for s in src:
            out.append(f"{it.label}: “{s.quote}” (manuscript line {s.line})")
    return out


# ---------------------------------------------------------------- themes
def theme_page_path(node) -> str:
    return f"generated/themes/{node.id}.md"


def quote_block(quote, question_label: str) -> str:
    who = f"Participant {quote.label}" if quote.label else "Participant (label not printed)"
    text = md_text(quote.text)
    note = f" ({md_text(quote.annotation)})" if getattr(quote, "annotation", None) else ""
    return f"> {text}\n\n— {who}, answering {question_label}{note}\n{{ .quote-source }}\n"


def theme_page(node, analysis, group, instrument, study, stated_by_node: dict, results_links: dict) -> str:
    """One final theme: its sub-themes as sections, each quote with its label and question."""
    page = theme_page_path(node)
    qlabel = _question_labeller(instrument)
    crumbs = analysis.title + (f" › {group.title}" if group is not None else "")
    participants = len(node.participants())
    stated = stated_by_node.get(node.id)
    out = [f"# {md_text(node.title)}\n",
           f"*Theme in: {md_text(crumbs)}*\n"]
    summary = (f"**{_plural(len(node.all_quotes()), 'quote')}** from "
               f"**{_plural(participants, 'distinct labelled participant')}** are published for this theme"
               " (a participant label printed as a bare number is kept as printed but not counted)")
    if stated is not None:
        summary += (f"; the manuscript reports that **{stated}** participants' answers were coded to it "
                    "(the appendix quotes only some of them)")
    out.append(summary + ".\n")
    qs = sorted({q.question for q in node.all_quotes() if q.question})
    if qs:
        out.append("Answers to: " + "; ".join(
            f"[question {instrument.question(q).number}]({rel(page, 'generated/instrument.md')}"
            f"#{question_anchor(q)})" for q in qs) + ".\n")
    related = study.theme_questions.get(analysis.id, []) + study.theme_questions.get(node.id, [])
    if related:
        out.append("Related closed questions: " + "; ".join(
            f"[question {instrument.question(q).number}]({rel(page, results_links[q])}#{question_anchor(q)})"
            for q in dict.fromkeys(related) if q in results_links) + ".\n")
    if node.quotes:
        for quote in node.quotes:
            out.append(quote_block(quote, qlabel(quote.question)))
    for sub in node.children:
        out.append(f"## {md_text(sub.title)} {{ #{sub.id} }}\n")
        n = len(sub.participants())
        s = stated_by_node.get(sub.id)
        line = f"{n} distinct labelled participant{'s' if n != 1 else ''} quoted"
        if s is not None:
            line += f"; {s} coded according to the manuscript"
        out.append(f"*{line}.*\n")
        for quote in sub.all_quotes():
            out.append(quote_block(quote, qlabel(quote.question)))
    out.append(f"[All themes]({rel(page, 'themes/index.md')}) · "
               f"[How the themes were built]({rel(page, 'generated/coding-process.md')}"
               f"#{analysis.id})\n")
    return "\n".join(out) + "\n"


def _question_labeller(instrument):
    def label(qid):
        if not qid:
            return "a question not recorded"
        q = instrument.question(qid)
        return f"question {q.number}"
    return label


def theme_summary_fragment(analysis, summary: pd.DataFrame, stated_by_node: dict,
                           top_nodes: dict) -> tuple[str, str]:
    """The site's version of the manuscript's summary tables: participants per theme/sub-theme."""
    rows = []
    for _, r in summary.iterrows():
        indent = "&nbsp;&nbsp;&nbsp;&nbsp;" * int(r.depth)
        stated = stated_by_node.get(r.id)
        target = top_nodes.get(r.id)
        title = md_text(r.title)
        if target is not None:
            title = f"[{title}]({ROOT}{theme_page_path(target)}{'' if target.id == r.id else '#' + r.id})"
        if r.kind == "group":
            title = f"**{title}**"
        rows.append([indent + title, r.kind.replace("subtheme", "sub-theme"),
                     "–" if stated is None else stated, r.participants, r.quotes])
    md = markdown_table(["Theme", "Level", "Participants coded (manuscript)",
                         "Distinct participants quoted", "Quotes"], rows, ["l", "l", "r", "r", "r"])
    csv = summary.copy()
    csv["stated_participants"] = [stated_by_node.get(i) for i in csv.id]
    return md + f"\n\nDownload: [this table (CSV)]({ROOT}generated/data/themes-{analysis.id}.csv)\n", \
        csv.to_csv(index=False)


def coding_process_page(codebook, lineage: dict) -> str:
    """Step 1 codes -> Step 2 themes -> Step 3 merges, navigable. ``lineage``: node id -> later ids."""
    out = ["# The coding process\n",
           f"How the free-text answers were coded, step by step ({len(codebook.steps)} steps), as the "
           "study's qualitative codebook records it. "
           "Each code lists where its quotes went next; follow the links to trace a final theme back to "
           "the first codes. Links between steps are found by matching the quotes each code holds.\n"]
    for step in codebook.steps:
        out.append(f"## {md_text(step.title)} {{ #{step.id} }}\n")
        for analysis in step.children:
            out.append(f"### {md_text(analysis.title)} {{ #{analysis.id} }}\n")
            _coding_tree(analysis, out, 0, lineage, codebook)
            out.append("")
    return "\n".join(out) + "\n"


def _coding_tree(node, out, depth, lineage, codebook):
    for child in node.children:
        n = len(child.all_quotes())
        later = lineage.get(child.id, [])
        nxt = ""
        if later:
            nxt = " → " + ", ".join(f"[{md_text(codebook.node(i).title)}](#{i})" for i in later)
        out.append(f"{'    ' * depth}- <span id=\"{child.id}\"></span>**{md_text(child.title)}** "
                   f"({n} quote{'s' if n != 1 else ''}){nxt}")
        _coding_tree(child, out, depth + 1, lineage, codebook)


# ---------------------------------------------------------------- linked views
def theme_links_by_question(final, top_nodes) -> dict:
    """question id -> markdown links to the final theme pages whose analysis codes it."""
    links: dict[str, list[str]] = {}
    for analysis in final:
        for q in analysis.questions:
            for nid, node in top_nodes.items():
                if node.id == nid and node.analysis_id == analysis.id:
                    link = f"[{md_text(node.title)}]({ROOT}{theme_page_path(node)})"
                    links.setdefault(q, [])
                    if link not in links[q]:
                        links[q].append(link)
    return links


def item_theme_links(item_themes: dict, themes, top_nodes) -> dict:
    """matrix item column -> markdown links to the theme (or sub-theme section) speaking to it."""
    out = {}
    for col, ids in item_themes.items():
        out[col] = []
        for i in ids:
            node = themes.node(i)
            top = top_nodes.get(i, node)
            anchor = "" if top.id == node.id else f"#{node.id}"
            out[col].append(f"[{md_text(node.title)}]({ROOT}{theme_page_path(top)}{anchor})")
    return out


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def theme_index_fragment(final, top_nodes) -> str:
    """Every final theme page, by analysis, with its number of quotes and labelled participants."""
    lines = []
    for analysis in final:
        lines.append(f"- **{md_text(analysis.title)}**")
        for nid, node in top_nodes.items():
            if nid == node.id and node.analysis_id == analysis.id:
                lines.append(f"    - [{md_text(node.title)}]({ROOT}{theme_page_path(node)}) "
                             f"({_plural(len(node.all_quotes()), 'quote')}; "
                             f"{_plural(len(node.participants()), 'labelled participant')})")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- stated figures
STATUS_LABEL = {"matches": "✓ matches", "within rounding": "✓ within rounding",
                "documented conflict": "⚠ documented conflict", "differs": "✗ differs"}


def stated_figures_page(check: pd.DataFrame, meta) -> tuple[str, str]:
    """Every stated figure beside the computed one; explanations as numbered notes below."""
    counts = check.status.value_counts()
    lines = ["---\nhide:\n  - navigation\n---\n", "# Stated figures check\n",
             "Every number the manuscript states about its results, beside the value this site's build "
             "computes from the data files. A figure *matches* when the computed value, rounded as the "
             "manuscript rounds, is the stated value. Where a stated figure cannot be reproduced, a note "
             "below the table gives the reason.\n"]
    if meta.reconstructed:
        lines.append(reconstructed_badge(meta).replace(ROOT, "../"))
    lines.append(markdown_table(["Status", "Figures"],
                                [[STATUS_LABEL.get(s, s), int(n)] for s, n in counts.items()]) + "\n")
    rows, notes = [], []
    for _, r in check.iterrows():
        status = STATUS_LABEL.get(r.status, r.status)
        if isinstance(r.explanation, str) and r.explanation.strip():
            notes.append((r.id, r.explanation))
            status += f" ([note {len(notes)}](#note-{r.id}))"
        computed = _fmt_value(r.computed, r.unit)
        if isinstance(r.denominator, str) and r.denominator:
            computed += f"<br>*of {md_text(r.denominator)}*"
        rows.append([f"“{md_text(r.statement)}”<br>*{md_text(r['where'])}*",
                     _fmt_value(r.stated, r.unit), computed, status])
    lines.append(markdown_table(["Stated in the manuscript", "Stated", "Computed", "Status"], rows,
                                ["l", "r", "r", "l"]))
    if notes:
        lines.append("\n## Notes\n")
        for i, (fid, text) in enumerate(notes, 1):
            lines.append(f"{i}. <span id=\"note-{fid}\"></span>{md_text(text)}")
    lines.append("\nDownload: [this check (CSV)](data/stated-figures.csv)\n")
    return "\n".join(lines) + "\n", check.to_csv(index=False)


def _fmt_value(v, unit) -> str:
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return "–"
    if unit == "percent":
        return f"{round_half_up(float(v), 1):g}%"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


# ---------------------------------------------------------------- citation
def bibtex(study) -> str:
    authors = " and ".join(study.authors)
    return (f"@article{{{study.bibtex_key},\n"
            f"  title = {{{study.title}}},\n"
            f"  author = {{{authors}}},\n"
            f"  year = {{{study.year}}},\n"
            f"  journal = {{{study.publisher}}},\n"
            f"  doi = {{{study.doi}}},\n"
            f"  url = {{{study.url}}}\n"
            f"}}\n")
