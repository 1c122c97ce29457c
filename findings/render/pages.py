"""Pages and fragments: computed results and the codebooks' words -> markdown and CSV text.

Nothing here counts, divides or reads a file: every number comes from a result of the compute
stage, and every text from the loaded codebooks. Paths are docs-root paths of the site's source tree
(``PATHS``); links start from the docs root and MkDocs turns them into relative URLs.
"""
from __future__ import annotations

import csv
import io
import json

from ..compute.questions import (NOBODY, NOT_IN_DATA, UNAVAILABLE, ChoiceResult, FreeTextResult,
                                 MatrixResult, MultipleChoiceResult, NumberResult)
from ..compute.stats import round_half_up
from ..compute.themes import quote_key
from ..compute.variables import VOCABULARY
from ..load.qda import PARTICIPANT_LABEL_RE
from ..privacy import redact
from . import figures as fig
from .markdown import cell, csv_cell, html_title, md_text, pct, plural, question_anchor, table

INSTRUMENT = "instrument.md"
CODING = "coding.md"
STATED = "data/stated-figures.md"
DATA_PAGE = "data/index.md"


def theme_path(node) -> str:
    return f"themes/{node.id}.md"


def figure_path(name: str, ext: str) -> str:
    return f"figures/{name}.{ext}"


def download_path(name: str) -> str:
    return f"downloads/{name}"


CSV_RECONSTRUCTED = "RECONSTRUCTED: not the study's responses"


def _csv_label(meta) -> str:
    """The words every row of a download computed from the responses carries ("" for real data)."""
    return CSV_RECONSTRUCTED if meta is not None and meta.reconstructed else ""


def _csv(header: list[str], rows: list[list], label: str = "") -> str:
    """A CSV download. ``label``: when given, a first column ``data`` holding it in every row, so a
    row copied out of a spreadsheet keeps it. Which downloads carry it (``_csv_label``):

    - the question downloads and ``table-1.csv``: counts of the responses, so reconstructed
      responses make them reconstructed numbers: labelled whenever ``meta.reconstructed``;
    - ``themes-*.csv``: counts of the quotes of the published appendix (``themes.yaml``) and the
      participant counts the manuscript states (each out of a number of answerers that is itself a
      stated figure, e.g. "45 answered"), or the respondents coded in the team's analysis tool
      (counted from its codings, not from the responses file); no split of the responses is in
      them: never;
    - ``stated-figures.csv``: the manuscript's own figures, each beside its recomputation; the
      reconstruction was built to reproduce exactly those figures, so the download adds no number
      of its own making (its page carries the notice, and a differing figure says why): never.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["data", *header] if label else header)
    writer.writerows([csv_cell(v) for v in ([label, *row] if label else row)] for row in rows)
    return out.getvalue()


def _heading(question, level: int = 2) -> str:
    return (f"{'#' * level} {md_text(question.number)}. {md_text(question.text)} "
            f"{{ #{question_anchor(question.id)} }}\n")


TOOK_PART = VOCABULARY["respondents"][0]  # the site's one word for each count (compute/variables.py)
ANSWERED = VOCABULARY["answered"][0]


def _answered_line(answered: int, respondents: int, what: str = f"{ANSWERED} this question") -> str:
    """How many answered, of everyone who took part, in the site's one vocabulary."""
    return (f"**{answered} of the {respondents} who {TOOK_PART} {what}**"
            f" ({respondents - answered} did not: they skipped it or left the survey before it).")


def _reconstructed(meta) -> str:
    return " (reconstructed data)" if meta.reconstructed else ""


def reconstructed_notice(meta) -> str:
    if not meta.reconstructed:
        return ""
    return (f'!!! warning "{md_text(meta.title)}"\n    {md_text(meta.note)}\n'
            f"    [Read how the data were reconstructed](/{DATA_PAGE}).\n\n")


NUMBERS_POINTER = "Every count is in the table under “Show the numbers”, below."


def figure_block(spec: dict, caption: str = "") -> str:
    """An accessible chart: image with alt text stating its finding, and a caption that adds what
    the chart's own title does not say (``caption``, if anything) and where its numbers are (the
    table one click away). The image is drawn for a phone's width (figures.FIG_WIDTH) and shown at
    its own size, or narrower where the page is narrower."""
    name = spec["name"]
    alt = md_text(fig.alt_text(spec))
    caption = f"{caption} {NUMBERS_POINTER}" if caption else NUMBERS_POINTER
    return (
        f'<figure class="chart" markdown="span">\n'
        f"![{alt}](/{figure_path(name, 'svg')}){{ loading=lazy }}\n"
        f"<figcaption>{caption}</figcaption>\n"
        f"</figure>\n"
    )


def downloads_line(specs, csv_name: str, question=None) -> str:
    """The chart(s) as SVG and PNG, the numbers as CSV, and the question in the instrument."""
    links = []
    for k, spec in enumerate(specs):
        which = f" {k + 1}" if len(specs) > 1 else ""
        links += [f"[chart{which} (SVG)](/{figure_path(spec['name'], 'svg')})",
                  f"[chart{which} (PNG, for slides)](/{figure_path(spec['name'], 'png')})"]
    links.append(f"[data (CSV)](/{download_path(csv_name + '.csv')})")
    line = "Download: " + " · ".join(links)
    if question is not None:
        line += (f" · [See question {md_text(question.number)} in the survey instrument]"
                 f"(/{INSTRUMENT}#{question_anchor(question.id)})")
    return line + "\n"


SHOW_NUMBERS = "Show the numbers"


def numbers_block(*parts: str) -> str:
    """A question's table and its notes, one click away (a collapsed note: ``??? note``), so the
    chart comes first and the page stays short. Empty parts are left out."""
    body = "\n\n".join(p.strip("\n") for p in parts if p and p.strip())
    indented = "\n".join(f"    {line}" if line else "" for line in body.splitlines())
    return f'??? note "{SHOW_NUMBERS}"\n\n{indented}\n'


def _count_pct(option) -> list:
    """An option's count and percentage cells, or the disclosure rule's words in their place."""
    if option.hidden:
        return [f"*{option.hidden}*", "–"]
    return [option.share.count, pct(option.share)]


def _count_only(option) -> list:
    """A non-substantive option's cells: its count, and no percentage (it is not in them)."""
    return [f"*{option.hidden}*" if option.hidden else option.share.count, "–"]


def _csv_count(option) -> list:
    return [option.hidden, ""] if option.hidden else [option.share.count, option.share.one_decimal]


def disclosure_note(results, threshold: int) -> str:
    """What the rule is, said once wherever it has hidden a count."""
    if not any(o.hidden for r in results for o in getattr(r, "options", ())):
        return ""
    return (f"*Counts of fewer than {threshold} people are shown as “fewer than {threshold}”, and where "
            "the other numbers would give such a count away, further counts are shown as “hidden” too. "
            "This keeps small groups of participants from being identified.*\n")


def _labels(labels) -> str:
    """“A”, “A” and “B”, “A”, “B” and “C”, as inert text."""
    quoted = [f"“{md_text(label)}”" for label in labels]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def apart_note(labels, in_percentages: int, what: str = "gave one of the other answers") -> str:
    """The table note of non-substantive answers: counted, shown apart, not in the percentages."""
    if not labels:
        return ""
    verb = "is" if len(labels) == 1 else "are"
    return (f"*{_labels(labels)} {verb} counted apart and left out of the percentages, which are of "
            f"the {in_percentages} who {what}.*\n")


UNCHOSEN_LISTED = 10  # the options nobody chose are named when there are at most this many


def unchosen_note(labels) -> str:
    if not labels:
        return ""
    k = len(labels)
    named = f": {_labels(labels)}" if k <= UNCHOSEN_LISTED else ""
    return f"*{k} option{'s' if k != 1 else ''} chosen by nobody {'are' if k != 1 else 'is'} not shown{named}.*\n"


def others_note(charted) -> str:
    if charted.others is None:
        return ""
    return (f"*The chart shows the {len(charted.bars)} most chosen answers, and the other "
            f"{len(charted.others_labels)} as one bar; this table lists them all.*\n")


# ---------------------------------------------------------------- questions
def conflict_note(conflicts) -> str:
    """Where the paper's own figures about a question disagree, said beside its numbers."""
    if not conflicts:
        return ""
    lines = [f"    - “{md_text(c.statement)}” ({md_text(c.where)}): {md_text(c.explanation)}"
             for c in conflicts]
    return ('!!! warning "The paper\'s figures for this question disagree"\n' + "\n".join(lines)
            + f"\n\n    [All the paper's figures, checked](/{STATED})\n")


def _choice_table(r) -> tuple[str, str]:
    """The table of a single- or multiple-choice question, and its notes."""
    charted = r.charted
    several = isinstance(r, MultipleChoiceResult)
    inside = getattr(r, "nonsubstantive_in_percentages", False)
    listed = list(charted.listed) + (list(charted.apart) if inside else [])
    apart = [] if inside else list(charted.apart)
    rows = [[md_text(o.label), *_count_pct(o)] for o in listed]
    if apart:
        rows.append(["**Chose an answer above**" if several else "**Total in the percentages**",
                     r.in_percentages, "100%" if r.in_percentages and not several else "–"])
        rows.append(["*Left out of the percentages:*", "", ""])
        rows += [[md_text(o.label), *_count_only(o)] for o in apart]
        rows.append(["**Total who answered**", r.answered, ""])
    else:
        rows.append(["**Total who answered**", r.answered,
                     "100%" if r.answered and not several else "–"])
    header = ["Answer", "Respondents", "% of those who answered" if not apart else "%"]
    notes = []
    if several:
        notes.append(f"*Several answers could be chosen, so the percentages add to more than 100%: "
                     f"each is of the {r.in_percentages} who chose at least one "
                     f"{'of the answers above the line' if apart else 'answer'}.*\n")
    elif apart:
        notes.append(apart_note([o.label for o in apart], r.in_percentages,
                                "gave one of the answers above the line"))
    if inside:
        labels = [o.label for o in charted.apart]
        notes.append(f"*Here the percentages are of everyone who answered, {_labels(labels)} "
                     "included: counting it apart would give away how few chose it.*\n")
    notes += [unchosen_note(charted.unchosen), others_note(charted)]
    return table(header, rows), "".join(n + ("\n" if n else "") for n in notes)


def choice_fragment(r, meta, spec: dict, threshold: int = 0, conflicts=()) -> tuple[str, str]:
    """A closed question (single or multiple choice): heading, denominator, chart, then its table one
    click away, downloads. -> (markdown, csv). ``conflicts``: the stated figures about this question
    that the paper contradicts elsewhere."""
    q = r.question
    several = isinstance(r, MultipleChoiceResult)
    body, notes = _choice_table(r)
    caption = ("Several answers could be chosen, so the percentages add to more than 100%."
               if several else "")
    typed = [f"{o.typed} of the {o.share.count} who chose “{md_text(o.label)}” typed an answer in its "
             "text box (those answers are not published)." for o in r.options
             if o.typed is not None and not o.hidden]
    md = [
        _heading(q),
        _answered_line(r.answered, r.respondents) + "\n",
        figure_block(spec, caption),
        " ".join(typed) + "\n" if typed else "",
        numbers_block(body, notes, disclosure_note([r], threshold)),
        conflict_note(conflicts),
        downloads_line([spec], q.id, q),
    ]
    apart = any(o.nonsubstantive for o in r.options)
    boxes = any(o.typed is not None for o in r.options)
    header = ["question", "answer", "respondents", "percent_of_answered", "answered",
              "respondents_total"] + (["percent_of"] if apart or several else []) \
        + (["typed_in_text_box"] if boxes else [])
    csv_rows = []
    for o in r.options:
        row = [q.id, o.label, *_csv_count(o), r.answered, r.respondents]
        if apart or several:
            left_out = o.nonsubstantive and not getattr(r, "nonsubstantive_in_percentages", False)
            if left_out:
                row[3] = ""
            row.append("" if left_out else o.share.of)
        if boxes:
            row.append("" if o.typed is None or o.hidden else o.typed)
        csv_rows.append(row)
    return "\n".join(p for p in md if p), _csv(header, csv_rows, _csv_label(meta))


def matrix_fragment(r: MatrixResult, meta, spec: dict, item_links: dict) -> tuple[str, str]:
    """A Likert-type matrix: one stacked bar chart, its table one click away (counts and row % of
    the substantive points, then the non-substantive ones counted apart)."""
    q = r.question
    ns = r.nonsubstantive
    on_scale = [j for j, x in enumerate(ns) if not x]
    apart = [j for j, x in enumerate(ns) if x]
    rows, related = [], []
    for item in r.items:
        cells = [f"{item.points[j].share.count} ({pct(item.points[j].share)})" for j in on_scale]
        if apart:
            cells += [item.on_scale] + [item.points[j].share.count for j in apart]
        rows.append([md_text(item.label), *cells, item.answered])
        if item_links.get(item.column):
            related.append(f"- **{md_text(item.label)}**: {', '.join(item_links[item.column])}")
    header = ["Item", *(md_text(r.scale[j]) for j in on_scale)]
    if apart:
        header += ["On the scale", *(f"{md_text(r.scale[j])} (not on the scale)" for j in apart)]
    body = table(header + ["Answered"], rows, ["l"] + ["r"] * (len(header)))
    note = ""
    if apart:
        note = (f"*{_labels([r.scale[j] for j in apart])} {'is' if len(apart) == 1 else 'are'} not "
                "on the scale: counted apart and left out of the percentages, which are of those who "
                "rated each item on the scale (“On the scale”).*\n")
    caption = ("The centre line separates the lower half of the scale from the upper half."
               if spec.get("polarity") == "bipolar" else "")
    notes = []
    if q.any_reconstructed:
        notes.append('!!! note "Reconstructed items and scale"\n    The items and the rating scale shown '
                     "here are reconstructed: rebuilt from the text of the source document, not copied "
                     "from the questionnaire; "
                     f"[see the instrument](/{INSTRUMENT}#{question_anchor(q.id)}) "
                     "for the source of each.\n")
    themes = ("Themes from the free-text answers that speak to each item:\n\n" + "\n".join(related)
              + "\n") if related else ""
    md = [_heading(q), _answered_line(r.answered_any, r.respondents, f"{ANSWERED} at least one item") + "\n",
          *notes, figure_block(spec, caption), numbers_block(body, note), themes,
          downloads_line([spec], q.id, q)]
    csv_rows = [[q.id, i.label, i.column, *(p.share.count for p in i.points), i.answered,
                 r.respondents] + ([i.on_scale] if apart else []) for i in r.items]
    return "\n".join(p for p in md if p), _csv(
        ["question", "item", "column", *r.scale, "answered", "respondents_total"]
        + (["answered_on_the_scale"] if apart else []), csv_rows, _csv_label(meta))


def _stat(value) -> str:
    return fig.number_text(value)


def _bins_table(summary, unit: str | None) -> str:
    h = summary.histogram
    what = f"Answer ({md_text(unit)})" if unit else "Answer"
    if h.whole:
        labels = [str(v) for v in h.values]
    else:
        edges = [fig.decimal_text(e, 6) for e in h.edges]
        labels = [f"{lo} to {hi}" for lo, hi in zip(edges, edges[1:])]
    return table([what, "Respondents"], [[label, count] for label, count in zip(labels, h.counts)])


def number_fragment(r: NumberResult, meta, specs: list) -> tuple[str, str]:
    """Typed numbers: the histogram(s) first, then, one click away, the summary statistics per item
    and the counts of each bar. -> (markdown, csv)."""
    q = r.question
    unit = getattr(q, "unit", None)
    rows = []
    for i in r.items:
        s = i.summary
        rows.append([md_text(i.label) if q.items else "All answers", i.answered]
                    + ([_stat(x) for x in (s.mean, s.median, s.q1, s.q3, s.minimum, s.maximum)]
                       if s else ["–"] * 6))
    summary = table(["Item" if q.items else "", "Answered", "Mean", "Median", "Lower quartile",
                     "Upper quartile", "Lowest", "Highest"], rows)
    notes = [f"*Answers in {md_text(unit)}.*\n" if unit else "",
             "*Half the answers lie between the lower and the upper quartile. Each bar of the "
             "histogram counts the answers from its first value up to, not including, its last "
             "(the last bar includes both), or one whole number.*\n"]
    bins = []
    for i in r.items:
        if i.summary is not None:
            title = f"**{md_text(i.label)}**\n\n" if q.items else ""
            bins.append(title + _bins_table(i.summary, unit))
    what = f"{ANSWERED} at least one item" if q.items else f"{ANSWERED} this question"
    md = [_heading(q), _answered_line(r.answered_any, r.respondents, what) + "\n",
          *(figure_block(spec) for spec in specs),
          numbers_block(summary, "".join(notes), *bins),
          downloads_line(specs, q.id, q) if specs else ""]
    csv_rows = []
    for i in r.items:
        s = i.summary
        csv_rows.append([q.id, i.label, i.column, "answered", "", "", i.answered])
        if s is None:
            continue
        for name, value in (("mean", s.mean), ("median", s.median), ("lower_quartile", s.q1),
                            ("upper_quartile", s.q3), ("lowest", s.minimum), ("highest", s.maximum)):
            csv_rows.append([q.id, i.label, i.column, name, "", "", value])
        for lo, hi, count in zip(s.histogram.edges, s.histogram.edges[1:], s.histogram.counts):
            csv_rows.append([q.id, i.label, i.column, "histogram_bin", lo, hi, count])
    return "\n".join(p for p in md if p), _csv(
        ["question", "item", "column", "what", "bin_from", "bin_to", "value"], csv_rows,
        _csv_label(meta))


def free_text_fragment(r: FreeTextResult, theme_links: list, condition_text: str | None) -> str:
    """A free-text question: how many answered it, and the themes its answers were coded to.
    ``theme_links``: [(analysis title, [links to its themes that hold answers to this question])]."""
    q = r.question
    if not r.in_data:
        return (_heading(q) + "\nFree-text question. Its answers are not part of the data this site "
                "is built from, so not even the number who answered can be shown. "
                f"[About the data](/{DATA_PAGE})\n")
    links = "".join(f"\n- **{md_text(title)}**: {', '.join(group)}" for title, group in theme_links)
    themes = (f"\n\nThe study's coding put answers to this question under these themes:\n{links}\n"
              if theme_links else
              "\n\nThe answers to this question were not analysed for themes in the study.\n")
    if r.shown_to is not None:
        count = (f"**{r.answered} of the {r.shown_to} respondents who {condition_text} answered "
                 "this question** (it was shown only to them).")
    else:
        count = _answered_line(r.answered, r.respondents)
    return (_heading(q) + "\nFree-text question. " + count
            + " The individual answers are not published; the study published selected quotes, "
              "which appear on the theme pages." + themes)


EMPTY_REASON = {UNAVAILABLE: "its options or items are not available, so no results can be shown "
                             "(nothing has been made up in their place)",
                NOT_IN_DATA: "its answers are not part of the data this site is built from",
                NOBODY: "nobody answered it"}


def _listed_question(question, words: str) -> str:
    """One question in a page's gathered note, carrying its anchor (links to it still land)."""
    return (f'- <span id="{question_anchor(question.id)}"></span>[Question {md_text(question.number)}]'
            f"(/{INSTRUMENT}#{question_anchor(question.id)}), “{md_text(question.text)}”: {words}.")


def not_shown_note(empty) -> str:
    """One note for every question of a page that has no results: [(question, reason)], where the
    reason is one of compute.questions' UNAVAILABLE, NOT_IN_DATA, NOBODY."""
    if not empty:
        return ""
    lines = [_listed_question(q, EMPTY_REASON[reason]) for q, reason in empty]
    return '!!! info "Not shown here"\n\n' + "\n".join(f"    {line}" for line in lines) + "\n"


def administrative_note(results) -> str:
    """One list for a page's questions about the survey itself (AdministrativeResult): listed with
    how many answered, not charted or tabled as findings."""
    if not results:
        return ""
    lines = [_listed_question(r.question, f"{r.answered} of the {r.respondents} who {TOOK_PART} {ANSWERED}")
             for r in results]
    return ('!!! note "Questions about taking part"\n\n    These questions were about the survey itself, '
            "not its topic, so their answers are not findings.\n\n"
            + "\n".join(f"    {line}" for line in lines) + "\n")


STATED_MARK = "✓ stated in the paper"


def _table1_caption(meta, stated) -> str:
    """Which numbers of Table 1 are the study's: the stated counts are marked, the rest said to be
    reconstructed (when they are)."""
    if meta is not None and meta.reconstructed:
        return (f"*Table 1: participant characteristics. Counts marked “{STATED_MARK}” are the "
                "manuscript's own figures, which the reconstructed data reproduce. Every other count, "
                "each question's n and every percentage come from the reconstructed data, not the "
                f"study's responses; the [stated figures check](/{STATED}) lists every figure the "
                "paper gives.*\n\n")
    if stated:
        return (f"*Table 1: participant characteristics. Counts marked “{STATED_MARK}” are also "
                "reported in the manuscript.*\n\n")
    return ""


def characteristics_fragment(results, threshold: int = 0, meta=None, stated: frozenset = frozenset(),
                             conflicts: dict | None = None) -> tuple[str, str]:
    """'Table 1': participant characteristics, one block per question with its own n. ``stated``:
    (question id, option) of the counts the manuscript states (``Results.stated_cells``); they are
    marked, except where the disclosure rule hides the count."""
    rows, csv_rows = [], []
    for r in results:
        inside = getattr(r, "nonsubstantive_in_percentages", False)
        counted_apart = not inside and any(o.nonsubstantive and o.share.count for o in r.options)
        how = []
        if counted_apart:
            how.append(f"percentages of the {r.in_percentages} who gave one of the other answers")
        if isinstance(r, MultipleChoiceResult):
            how.append("several answers could be chosen")
        rows.append([f"**{md_text(r.question.text)}** (n = {r.answered}"
                     + "".join(f"; {h}" for h in how) + ")", "", ""])
        for o in r.options:
            left_out = o.nonsubstantive and not inside
            cells = _count_only(o) if left_out else _count_pct(o)
            said = not o.hidden and (r.question.id, o.label) in stated
            if said:
                cells[0] = f"{cells[0]} {STATED_MARK}"
            rows.append([md_text(o.label) + (" *(not in the percentages)*" if left_out else ""), *cells])
            count = _csv_count(o)
            if left_out:
                count[1] = ""
            csv_rows.append([r.question.id, r.question.text, o.label, *count, r.answered,
                             "" if o.hidden else "yes" if said else "no"])
    md = (_table1_caption(meta, stated)
          + table(["Characteristic", "Respondents", "% of those who answered"], rows) + "\n\n"
          + disclosure_note(results, threshold)
          + "".join(conflict_note((conflicts or {}).get(r.question.id, ())) for r in results)
          + f"\nDownload: [Table 1 (CSV)](/{download_path('table-1.csv')})\n")
    return md, _csv(["question_id", "question", "option", "count", "percent", "answered",
                     "count_stated_in_paper"], csv_rows, _csv_label(meta))


# ---------------------------------------------------------------- instrument
def instrument_page(instrument, results_pages: dict) -> str:
    """The survey as participants saw it, rendered from the codebook; each question links to its
    results. ``results_pages``: question id -> docs path of its results page."""
    survey = instrument.survey
    out = ["# Survey instrument\n",
           "The questionnaire as participants saw it, rendered from the study's codebook "
           f"([download the codebook (YAML)](/{download_path('instrument.yaml')})). Wording is exactly "
           "as printed in the study's published questionnaire. Parts that were lost are labelled; "
           "nothing is filled in.\n"]
    info = survey.get("information") or []
    if info:
        out.append("## Participant information and consent\n")
        out.append('??? info "Participant information sheet (as shown before the survey)"\n')
        for block in info:
            if block.get("personal_data"):
                out.append("\n    *[Researchers' personal contact details omitted from this site.]*\n")
                continue
            text = md_text(redact(block.get("text", "")))
            kind = block.get("kind", "paragraph")
            out.append(f"    **{text}**\n" if kind == "heading" else
                       f"    - {text}" if kind == "list_item" else f"\n    {text}\n")
        out.append("")
        if survey.get("consent"):
            out.append(f"Consent: *{md_text(redact(str(survey['consent'])))}*\n")
    intro = survey.get("introduction")
    if intro:
        out.append("## Introduction shown to participants\n")
        out += [f"> {md_text(redact(text))}\n>" for text in intro]
        out[-1] = out[-1].rstrip(">").rstrip() + "\n"
    current_part = None
    parts = {p.id: p for p in instrument.parts}
    for q in instrument.questions:
        if q.part != current_part:
            current_part = q.part
            p = parts.get(q.part)
            if p is not None:
                note = "" if p.title_printed else " *(heading not printed; named here)*"
                out.append(f"## {md_text(p.title)}{note}\n")
        out.append(_heading(q, 3))
        extra = ""
        if q.condition:
            extra = (f"; shown only if the answer to question "
                     f"{md_text(instrument.question(q.condition.question).number)} was "
                     f"“{md_text(q.condition.equals)}”")
        columns = ", ".join(f"<code>{md_text(c)}</code>" for c in q.all_columns) or "none"
        out.append(f"*{q.type.replace('_', ' ').capitalize()}*{extra}. "
                   f"Export column{'s' if len(q.all_columns) != 1 else ''}: {columns}.\n")
        if q.options:
            out += [f"- {md_text(o.label)}{' *(with a text box)*' if o.text_column else ''}"
                    for o in q.options]
            out.append("")
        if q.type == "matrix" and q.items_available:
            out.append("| Item | Reconstructed |\n| :--- | :--- |")
            out += [f"| {cell(md_text(it.label))} | {'yes' if it.reconstructed else 'no'} |"
                    for it in q.items]
            out.append("")
            if q.scale:
                recon = any(s.reconstructed for s in q.scale) or q.reconstructed
                out.append(f"Rating scale{' (reconstructed)' if recon else ''}: "
                           + " / ".join(md_text(s.label) for s in q.scale) + ".\n")
            sources = [f"{it.label}: “{s.quote}” (manuscript line {s.line})"
                       for it in q.items for s in it.source]
            if sources:
                out.append('??? note "Where the reconstructed items come from"\n')
                out += [f"    - {md_text(s)}" for s in sources]
                out.append("")
        if not q.items_available:
            out.append('!!! info "Items not available"\n    The list of items was printed in a table that '
                       "the manuscript's text does not include. It is not reconstructed.\n")
        if q.note:
            out.append(f"*Note:* {md_text(q.note)}\n")
        if q.id in results_pages:
            out.append(f"[Results for question {md_text(q.number)}]"
                       f"(/{results_pages[q.id]}#{question_anchor(q.id)})\n")
    closing = survey.get("closing")
    if closing:
        out.append("## Closing text\n")
        out += [f"> {md_text(redact(para['text']))}\n" for para in closing]
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- themes
def theme_link(page, node=None, text: str | None = None) -> str:
    """A link to a theme page (or to the section of one of its sub-themes)."""
    node = node or page.node
    anchor = "" if node.id == page.node.id else f"#{node.id}"
    return f"[{text or md_text(node.shown_title)}](/{theme_path(page.node)}{anchor})"


RESPONDENT = "a respondent"  # a quote whose respondent is known only by a record id, never shown


def is_participant_label(label: str | None) -> bool:
    """'P36': a participant label, published as it is."""
    return bool(label) and PARTICIPANT_LABEL_RE.fullmatch(label) is not None


def is_bare_label(label: str | None) -> bool:
    """'36': the appendix's numbering of the answers, published in square brackets."""
    return bool(label) and label.isascii() and label.isdigit()


def printed_label(label: str | None) -> str:
    """A quote's label in the appendix's own terms: 'P36' names a participant; a bare number is the
    appendix's numbering of the answers, shown in square brackets as printed. A label of any other
    form (a survey platform's record id, which links back to the respondent) is never printed: the
    quote is a respondent's."""
    if not label:
        return "no label printed"
    if is_participant_label(label):
        return md_text(label)
    return f"&#91;{md_text(label)}&#93;" if is_bare_label(label) else RESPONDENT


def speaker(quote) -> str:
    """Who said a quote, as the site may say it: its printed label, or "a respondent" for a quote
    from the team's analysis tool whose respondent has no participant label (load/qda.py keeps the
    respondent for counting and publishes no label)."""
    if not quote.label and getattr(quote, "participant", None):
        return RESPONDENT
    return printed_label(quote.label)


BARE_LABEL_NOTE = ("*A label such as P36 names a participant. A number in square brackets, such as "
                   "[36], is how the appendix numbers the answers of one step of the analysis: it is "
                   "not a participant number.*\n")


def quote_source(quote, question_label: str, other_labels: tuple[str, ...] = ()) -> str:
    """Who said a quote and where: its label as printed, the participant the paper's Results cite
    for the same words (when they do), and any other label the appendix gives them."""
    note = f" ({md_text(quote.annotation)})" if quote.annotation else ""
    source = [f"— {speaker(quote)}, answering {question_label}{note}"]
    if getattr(quote, "cited_as", None):
        source.append(f"quoted in the paper as participant {md_text(quote.cited_as)}")
    # another participant label for the same words is a conflict worth showing; another bare
    # number is only another step's numbering
    others = [printed_label(x) for x in other_labels if x != quote.label and is_participant_label(x)]
    if others:
        source.append("the appendix also prints these words under " + " and ".join(others))
    return " · ".join(source)


def quote_block(quote, question_label: str, other_labels: tuple[str, ...] = ()) -> str:
    """A quote as the appendix prints it, with its source (``quote_source``) below it."""
    return (f"> {md_text(quote.text)}\n{{ {SEARCH_EXCLUDE} }}\n\n"
            f"{quote_source(quote, question_label, other_labels)}\n{{ .quote-source }}\n")


# Quotes stay out of the search index, which every page downloads: with 2,000 quotes it would be
# ~200 KB (gzip) by itself. Theme titles, summaries, questions and tables stay searchable; a quote
# is found on its page with the browser's own find.
SEARCH_EXCLUDE = "data-search-exclude"


FRAGMENT_WORDS = 6  # a quote of at most this many words is a fragment: listed with the others


def is_fragment(quote) -> bool:
    return len(quote.text.split()) <= FRAGMENT_WORDS


def fragment_list(items) -> str:
    """Short quotes of one section as one list instead of a block quote each; each quote is still
    exact, in its own quotation, with its source. ``items``: (quote, source) pairs."""
    rows = "".join(f'<li><blockquote {SEARCH_EXCLUDE}>{md_text(q.text)}</blockquote> <p class="quote-source">{source}</p></li>\n'
                   for q, source in items)
    return f'Short answers:\n\n<ul class="quote-fragments">\n{rows}</ul>\n'


def _paper_reports(result, what: str) -> str:
    of = f" of the {result.stated_of} who answered" if result.stated_of else ""
    return f"The paper reports that **{result.stated}**{of} were coded to {what}. "


def prevalence(result, what: str = "this theme") -> str:
    """How many participants the manuscript counts in a theme, then how many quotes the appendix
    prints for it, called that (the appendix prints only some of the answers). A theme coded in the
    team's analysis tool (``result.coded``): how many respondents were coded under it, by every
    coding, and how many of their answers the team chose to quote."""
    if result.coded is not None:
        return coded_prevalence(result, what)
    if result.stated is not None:
        lead = _paper_reports(result, what)
    else:
        lead = f"The paper does not say how many participants were coded to {what}. "
    return lead + f"The appendix prints {plural(result.quotes, 'quote')} for it."


def coded_prevalence(result, what: str = "this theme") -> str:
    """"12 respondents' answers were coded under this theme; 3 are quoted below, chosen by the
    team." A count the disclosure rule hides is given in its words, with neither the number of
    answers quoted nor the paper's count beside it (either would give it away)."""
    if result.hidden:
        return (f"{result.hidden.capitalize()} respondents' answers were coded under {what}"
                + ("; the team chose none to quote." if not result.quotes else
                   "; the team chose the quotes below."))
    lead = _paper_reports(result, what) if result.stated is not None else ""
    if not result.coded:
        return lead + f"No respondent's answer was coded under {what}."
    whose = "respondent's answer was" if result.coded == 1 else "respondents' answers were"
    quoted = ("the team chose none to quote" if not result.quoted else
              f"{result.quoted} {'is' if result.quoted == 1 else 'are'} quoted below, chosen by the team")
    return lead + f"**{result.coded}** {whose} coded under {what}; {quoted}."


def theme_page(page, themes, instrument, theme_questions: dict, results_pages: dict) -> str:
    """One final theme: its sub-themes as sections, each quote with its label and question."""
    node, analysis, group = page.node, page.analysis, page.group
    result = themes.nodes[node.id]

    def qlabel(qid):
        return f"question {md_text(instrument.question(qid).number)}" if qid else \
            "a question not recorded"

    crumbs = analysis.shown_title + (f" › {group.shown_title}" if group is not None else "")
    # what the theme is, then how many it holds, then where it sits, then the quotes
    out = [f"# {md_text(node.shown_title)}\n"]
    if node.summary:
        out.append(f"{md_text(node.summary)}\n{{ .theme-summary }}\n")
    out += [prevalence(result) + "\n", f"*Theme in: {md_text(crumbs)}*\n"]
    if page.added_from is not None:
        out.append(f'!!! note "From an earlier step of the analysis"\n    The final step of the coding has '
                   f"no theme for these answers; the paper reports them with the others here, so the "
                   f"page shows the theme as an earlier step of the coding named it, among its "
                   f"“{md_text(page.added_from.shown_title)}” themes.\n")
    if any(is_bare_label(q.label) for q in node.all_quotes()):
        out.append(BARE_LABEL_NOTE)
    answered = sorted({q.question for q in node.all_quotes() if q.question})
    if answered:
        out.append("Answers to: " + "; ".join(
            f"[question {md_text(instrument.question(q).number)}](/{INSTRUMENT}#{question_anchor(q)})"
            for q in answered) + ".\n")
    related = [q for q in dict.fromkeys(theme_questions.get(analysis.id, [])
                                        + theme_questions.get(node.id, [])) if q in results_pages]
    if related:
        out.append("Related closed questions: " + "; ".join(
            f"[question {md_text(instrument.question(q).number)}]"
            f"(/{results_pages[q]}#{question_anchor(q)})" for q in related) + ".\n")
    shown: set = set()

    def quotes(items) -> list[str]:
        """Each quote once per page (the appendix may code the same answer under two sub-themes);
        two or more short ones (``is_fragment``) listed together after the others."""
        blocks, short, repeated = [], [], 0
        for quote in items:
            key = (quote_key(quote), quote.label)
            if key in shown:
                repeated += 1
                continue
            shown.add(key)
            others = (themes.labels_of or {}).get(quote_key(quote), ())
            if is_fragment(quote):
                short.append((quote, quote_source(quote, qlabel(quote.question), others)))
            else:
                blocks.append(quote_block(quote, qlabel(quote.question), others))
        if len(short) > 1:
            blocks.append(fragment_list(short))
        elif short:
            (quote, _), = short
            blocks.append(quote_block(quote, qlabel(quote.question),
                                      (themes.labels_of or {}).get(quote_key(quote), ())))
        if repeated:
            blocks.append(f"*{plural(repeated, 'quote')} coded here also "
                          f"{'appears' if repeated == 1 else 'appear'} above.*\n")
        return blocks

    out += quotes(node.quotes)
    for sub in node.children:
        s = themes.nodes[sub.id]
        out.append(f"## {md_text(sub.shown_title)} {{ #{sub.id} }}\n")
        out.append(f"*{prevalence(s, 'this sub-theme')}*\n")
        out += quotes(sub.all_quotes())
    out.append(f"[All themes](/themes/index.md) · [How the themes were built](/{CODING}#{analysis.id})\n")
    return "\n".join(out) + "\n"


SMALL_GROUP = "not repeated (small group)"  # the paper's count beside a count the rule hides


def _stated_count(r) -> str:
    if r.stated is None:
        return "not reported"
    if r.hidden:
        return SMALL_GROUP
    return f"{r.stated} of {r.stated_of}" if r.stated_of else str(r.stated)


def _coded_count(r) -> str:
    """'12 respondents coded', 'fewer than 3 respondents coded' (a theme from the analysis tool)."""
    one = r.coded == 1 and not r.hidden
    return f"{r.coded_shown} respondent{'' if one else 's'} coded"


THEMES_CSV = ["id", "title", "kind", "depth", "participants_coded_as_the_paper_reports",
              "of_those_who_answered", "quotes_printed_in_the_appendix",
              "participants_named_in_the_printed_quotes", "respondents_coded"]


def _theme_csv_row(r) -> list:
    """One theme's row of the themes download. ``respondents_coded``: every respondent coded under
    it in the team's analysis tool (the disclosure rule's words for a small count; empty when the
    codebook holds only the published quotes); ``participants_named_in_the_printed_quotes``: only
    those a published quote names by a participant label. The paper's count is left out beside a
    count the rule hides."""
    paper = r.stated is not None and not r.hidden
    return [r.node.id, r.node.title, r.node.kind, r.depth, r.stated if paper else "",
            r.stated_of if paper and r.stated_of is not None else "", r.quotes, r.participants,
            r.coded_shown]


def theme_summary_fragment(analysis, rows, themes) -> tuple[str, str]:
    """Participants per theme and sub-theme of one final analysis: as the paper reports them, with
    the quotes the appendix prints; or, coded in the team's analysis tool, the respondents coded
    under each (and the paper's count too, where it gives one) with the quotes published."""
    coded = themes.all_codings
    paper = not coded or any(r.stated is not None for r in rows)
    md_rows = []
    for r in rows:
        node = r.node
        title = md_text(node.shown_title)
        page = themes.page_of.get(node.id)
        if page is not None:
            title = theme_link(page, node, title)
        if node.kind == "group":
            title = f"**{title}**"
        level = node.kind.replace("subtheme", "sub-theme")
        md_rows.append(["&nbsp;&nbsp;&nbsp;&nbsp;" * r.depth + title, level]
                       + ([r.coded_shown] if coded else []) + ([_stated_count(r)] if paper else [])
                       + [r.quotes])
    header = ["Theme", "Level"] + (["Respondents coded"] if coded else []) \
        + (["Participants coded (as the paper reports)"] if paper else []) \
        + ["Quotes published" if coded else "Quotes printed in the appendix"]
    md = table(header, md_rows, ["l", "l"] + ["r"] * (len(header) - 2))
    name = download_path(f"themes-{analysis.id}.csv")
    return (md + f"\n\nDownload: [this table (CSV)](/{name})\n",
            _csv(THEMES_CSV, [_theme_csv_row(r) for r in rows]))


def _introduced(node, result=None) -> str:
    """An analysis or group of themes by its reader's name, with its plain explanation (and the
    participants the paper counts in it, where it does, or the respondents coded under it in the
    team's analysis tool)."""
    counted = ""
    if result is not None and result.coded is not None:
        counted = f" ({_coded_count(result)})"
    elif result is not None and result.stated is not None:
        counted = f" (the paper reports {_stated_count(result)} participants)"
    return (f"**{md_text(node.shown_title)}**{counted}"
            + (f": {md_text(node.summary)}" if node.summary else ""))


def theme_index_fragment(themes, final) -> str:
    """Every final theme page, by analysis and group (each with its explanation), with the number of
    participants the paper reports and of quotes the appendix prints (or, coded in the team's
    analysis tool, of respondents coded and of quotes published)."""
    lines = []
    for analysis in final:
        lines.append(f"- {_introduced(analysis)}")
        group = None
        for page in themes.pages:
            if page.analysis.id != analysis.id:
                continue
            if page.group is not None and page.group is not group:
                group = page.group
                lines.append(f"    - {_introduced(group, themes.nodes.get(group.id))}")
            r = themes.nodes[page.node.id]
            paper = (f"the paper reports {_stated_count(r)} participants; "
                     if r.stated is not None and not r.hidden else "")
            counts = (f"{_coded_count(r)}; {plural(r.quotes, 'quote')} published" if r.coded is not None
                      else f"{plural(r.quotes, 'quote')} printed")
            indent = "        " if page.group is not None else "    "
            lines.append(f"{indent}- {theme_link(page)} ({paper}{counts})")
    return "\n".join(lines) + "\n"


def _coded_questions(analysis, instrument) -> str:
    """Which survey questions an analysis codes, by the survey's own numbers (the appendix numbers
    the questions it codes from 1)."""
    if instrument is None or not analysis.questions:
        return ""
    order = {q.id: i for i, q in enumerate(instrument.questions)}
    ids = sorted(analysis.questions, key=lambda q: order.get(q, len(order)))
    numbers = [md_text(instrument.question(q).number) for q in ids]
    said = numbers[0] if len(numbers) == 1 else ", ".join(numbers[:-1]) + " and " + numbers[-1]
    return f"*Codes the answers to survey question{'s' if len(numbers) > 1 else ''} {said}.*\n"


def coding_process_page(codebook, themes, instrument=None) -> str:
    """Step 1 codes -> Step 2 themes -> Step 3 merges, navigable through the lineage links. Titles
    as printed (the technical trail); each analysis says which survey questions it codes."""
    out = ["# The coding process\n",
           f"How the free-text answers were coded, step by step ({len(codebook.steps)} steps), as the "
           "study's qualitative codebook records it. "
           "Each code lists where its quotes went next; follow the links to trace a final theme back to "
           "the first codes. Links between steps are found by matching the quotes each code holds.\n"]

    def tree(node, depth):
        for child in node.children:
            later = themes.lineage.get(child.id, [])
            nxt = (" → " + ", ".join(f"[{md_text(codebook.node(i).title)}](#{i})" for i in later)
                   if later else "")
            out.append(f"{'    ' * depth}- <span id=\"{child.id}\"></span>**{md_text(child.title)}** "
                       f"({plural(themes.nodes[child.id].quotes, 'quote')}){nxt}")
            tree(child, depth + 1)

    for step in codebook.steps:
        out.append(f"## {md_text(step.title)} {{ #{step.id} }}\n")
        if step.note:
            out.append(f"*Note:* {md_text(step.note)}\n")
        for analysis in step.children:
            out.append(f"### {md_text(analysis.title)} {{ #{analysis.id} }}\n")
            out.append(_coded_questions(analysis, instrument))
            if analysis.note:
                out.append(f"*Note:* {md_text(analysis.note)}\n")
            tree(analysis, 0)
            out.append("")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- stated figures
STATUS_LABEL = {"matches": "✓ reproduced", "within rounding": "✓ reproduced (within rounding)",
                "documented conflict": "⚠ conflict in the manuscript",
                "conflict in the manuscript": "⚠ conflict in the manuscript",
                "cannot be checked": "○ cannot be checked from what was published",
                "differs": "✗ differs", "hidden by the disclosure rule": "hidden (small group)"}


def _value(v, unit) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return "–"
    if unit == "percent":
        return f"{round_half_up(float(v), 1):g}%"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return md_text(v)


def stated_figures_page(checks, meta) -> tuple[str, str]:
    """Every stated figure beside the computed one; explanations as numbered notes below."""
    tally: dict[str, int] = {}
    for c in checks:
        label = STATUS_LABEL.get(c.status, c.status)
        tally[label] = tally.get(label, 0) + 1
    # said only where a figure has that status: a theme counted from every coding of the team's
    # analysis tool is never "cannot be checked"
    unchecked = ("Some figures *cannot be checked from what was published*: the paper counts everyone "
                 "whose answer was coded to a theme, but its appendix prints only some of those answers, "
                 "so a smaller count from the printed quotes does not contradict it. "
                 if any(c.status == "cannot be checked" for c in checks) else "")
    lines = ["# Stated figures check\n",
             "Every number the manuscript states about its results, beside the value this site's build "
             "computes from the data files. A figure is *reproduced* when the computed value, rounded as "
             "the manuscript rounds, is the stated value. " + unchecked + "A *conflict in the "
             "manuscript* is a figure the paper itself contradicts elsewhere. A note below the table "
             "gives the details.\n", reconstructed_notice(meta),
             table(["Status", "Figures"], [[label, n] for label, n in tally.items()]) + "\n"]
    rows, notes = [], []
    for c in checks:
        status = STATUS_LABEL.get(c.status, c.status)
        if c.explanation.strip():
            notes.append((c.id, c.explanation))
            status += f" ([note {len(notes)}](#note-{c.id}))"
        computed = _value(c.computed, c.unit)
        if c.denominator:
            computed += f"<br>*of {md_text(c.denominator)}*"
        rows.append([f"“{md_text(c.statement)}”<br>*{md_text(c.where)}*", _value(c.stated, c.unit),
                     computed, status])
    lines.append(table(["Stated in the manuscript", "Stated", "Computed", "Status"], rows,
                       ["l", "r", "r", "l"]))
    if notes:
        lines.append("\n## Notes\n")
        lines += [f"{i}. <span id=\"note-{fid}\"></span>{md_text(text)}"
                  for i, (fid, text) in enumerate(notes, 1)]
    lines.append(f"\nDownload: [this check (CSV)](/{download_path('stated-figures.csv')})\n")
    csv_rows = [[c.id, c.statement, c.where, c.stated, c.computed, c.unit, c.denominator, c.status,
                 c.explanation] for c in checks]
    return "\n".join(lines) + "\n", _csv(["id", "statement", "where", "stated", "computed", "unit",
                                          "denominator", "status", "explanation"], csv_rows)


def generated_page(body: str, hide: tuple[str, ...] = (), title: str | None = None,
                   description: str | None = None) -> str:
    """A generated page with its front matter. ``render_macros: false``: mkdocs-macros never treats a
    generated page as a template (its text is data; ``md_text`` already makes braces inert).
    ``title``: a title from the data, given to the theme escaped (``html_title``)."""
    front = "render_macros: false\n" + ("hide:\n" + "".join(f"  - {h}\n" for h in hide) if hide else "")
    if title is not None:
        front += f"title: {json.dumps(html_title(title), ensure_ascii=False)}\n"
    if description is not None:  # for the sharing tags (overrides/main.html escapes it)
        front += f"description: {json.dumps(' '.join(description.split()), ensure_ascii=False)}\n"
    return f"---\n{front}---\n\n{body}"


# ---------------------------------------------------------------- footer
def footer_html(team, contact) -> str:
    """The footer of every page (MkDocs' ``copyright``, which Material shows as HTML): the team, its
    institution and the contact, from study.yml, escaped. "" when study.yml names neither."""
    footer = []
    if team is not None:
        names = [html_title(m.name) for m in team.members]
        where = html_title(team.institution)
        if team.institution_url:
            where = f'<a href="{html_title(team.institution_url)}">{where}</a>'
        names = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)
        footer.append(f"Study team: {names} — {where}" if names else where)
    if contact is not None:
        who = html_title(contact.name) + (f" ({html_title(contact.role)})" if contact.role else "")
        if contact.institution and (team is None or contact.institution != team.institution):
            who += f", {html_title(contact.institution)}"
        email = html_title(contact.email)
        footer.append(f'Contact: {who}, <a href="mailto:{email}">{email}</a>')
    return "<br>".join(footer)


# ---------------------------------------------------------------- citation
def _bib(text) -> str:
    """A BibTeX field value: braces and backslashes from the data cannot close or extend it."""
    return " ".join(str(text).split()).replace("\\", "\\textbackslash{}").replace("{", "\\{") \
        .replace("}", "\\}")


def bibtex(study) -> str:
    """The study's publication as a BibTeX entry; fields the study does not give are left out."""
    key = study.bibtex_key or "study"
    fields = [("title", study.title), ("author", " and ".join(study.authors)), ("year", study.year),
              ("journal", study.publisher), ("doi", study.doi), ("url", study.url)]
    body = ",\n".join(f"  {k} = {{{_bib(v)}}}" for k, v in fields if v)
    return f"@article{{{key},\n{body}\n}}\n"
