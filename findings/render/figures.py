"""Charts: a figure is a plain-data spec (computed from the tables), drawn by matplotlib as SVG + PNG.

Specs are dicts so that they can be hashed (unchanged figures are reused from a cache) and sent to
worker processes (figures dominate build time, so they are drawn on every core).

Drawn for a phone first. Most readers read on a phone, where the page is about 343 CSS px wide at
a 375 px viewport; a figure is ``FIG_WIDTH`` inches (316.8 pt, drawn at its own size up to that
width on a desktop), and no text is smaller than ``MIN_PT`` points, so it is at least 11 CSS px
tall on that phone. Labels sit above their bars (no wide left axis), and every line of text is
wrapped to the figure's width by measuring it in the font it is drawn in. Text stays text in the
SVG (``svg.fonttype: none``).

Readable without colour: every bar carries its count (and, for a bar chart, its percentage) as
text, options keep the questionnaire's order, and the points of a scale step from light to dark.
A count inside a bar is black on a light fill and white on a dark one, whichever contrasts more
(at least 4.5:1); nothing is hatched. Colours come from ColorBrewer's colour-blind-safe schemes:
a sequential one (Blues) for a unipolar scale, a diverging one (BrBG) for a bipolar scale; points
marked nonsubstantive (don't know, not applicable) are grey and drawn apart, right of the scale.
Figures have a white background so they read the same in the light and the dark palette and in
greyscale print.

Non-substantive answers (don't know, prefer not to say) are never on the scale: in a bar chart
they are grey bars below a line, "Left out of the percentages", each the length its count would be
among the bars above, labelled with its count only. A multi-select question's bars are in order of
how many chose each option (several answers could be chosen, and the chart says so); a question
with many options leaves out the options nobody chose and draws at most ``CHART_BARS`` bars, the
rest as one. Typed numbers are histograms: one panel per item (``HISTOGRAM_PANELS`` at most in one
figure), a row per bin.

A scale's polarity (``polarity`` in the instrument) decides the geometry: a unipolar scale (not at
all ... a great deal) is stacked from zero; a bipolar scale (disagree ... agree) diverges around
zero, placed between its two halves, or in the middle of its middle point when it has one.

A chart travels without its page (pasted into a slide, sent on its own), so the image itself says
what it shows and where it comes from: a title stating the finding (the most common answer, or
the item most often at the top of the scale, from the computed result), the question (number and
text), n (answered, of those who took part: the site's one vocabulary), the source (the study's
short title and DOI) and, when the responses are reconstructed, that they are not the study's. All
of it is in the spec (so in the cache key; a change of these words bumps ``STYLE_VERSION``). The alt text is one or two sentences with the same finding; the table beside the
chart has every number.
"""
from __future__ import annotations

from ..compute.variables import VOCABULARY

STYLE_VERSION = "13"  # bump when the drawing code changes, to invalidate the figure cache

FIG_WIDTH = 4.4  # inches: 343 CSS px of a phone show it at 343/316.8 = 1.08 px per point
MARGIN = 0.1  # inches around everything
MIN_PT = 11  # the smallest text: 11 pt is 11.9 CSS px on a 375 px phone (11.35 px in the dark palette)
HEADLINE_PT = 13  # the finding
TEXT_PT = MIN_PT  # everything else: question, n, notice, source, labels, counts, ticks, legend

BAR_COLOUR = "#1b5e8a"  # dark blue, 7:1 on white
NONSUBSTANTIVE_COLOUR = "#8c8c8c"
NONSUBSTANTIVE_SCALE = ["#bdbdbd", "#8c8c8c", "#636363"]  # greys for nonsubstantive scale points
TEXT_COLOUR = "#1a1a1a"
# ColorBrewer Blues (sequential: a unipolar scale, light "none" to dark "most") and BrBG, 4 and 5
# classes (diverging: a bipolar scale); other lengths are sampled from the same colour maps.
UNIPOLAR_COLOURS = {3: ["#c6dbef", "#4292c6", "#08306b"],
                    4: ["#c6dbef", "#6baed6", "#2171b5", "#08306b"],
                    5: ["#deebf7", "#9ecae1", "#4292c6", "#2171b5", "#08306b"]}
BIPOLAR_COLOURS = {2: ["#a6611a", "#018571"],
                   4: ["#a6611a", "#dfc27d", "#80cdc1", "#018571"],
                   5: ["#a6611a", "#dfc27d", "#f5f5f5", "#80cdc1", "#018571"]}
NOTICE_COLOUR = "#8a1c1c"  # dark red, 9:1 on white; the notice is also bold and boxed

RECONSTRUCTED = "Reconstructed data, not the study's responses"


def provenance(study, meta) -> dict:
    """What every chart of a study says about where its numbers come from: the source line, and
    the reconstructed-data notice ("" when the responses are the study's own)."""
    source = f"Source: {study.short_title}" + (f", doi:{study.doi}" if study.doi else "")
    return {"source": source,
            "notice": RECONSTRUCTED if meta.reconstructed else ""}


# ---------------------------------------------------------------- the finding, in words

def _quoted(labels) -> str:
    """“A”, “A” and “B”, “A”, “B” and “C”."""
    quoted = [f"“{label}”" for label in labels]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _top_options(result) -> list:
    """The most chosen options (more than one on a tie), or [] when there is nothing to say: nobody
    answered, or one of them is a count the disclosure rule hides."""
    if result.top is None:
        return []
    substantive = [o for o in result.options if not o.nonsubstantive]
    count = next(o.share.count for o in substantive if o.label == result.top)
    tied = [o for o in substantive if o.share.count == count]
    return [] if any(o.hidden for o in tied) else tied


def _top_items(result) -> tuple[str | None, list]:
    """The scale's top point and the items most often rated at it (more than one on a tie), or
    (None, []) when nobody chose it. The top point is the last point on the scale; when the last
    points are nonsubstantive (don't know), the last substantive one."""
    if not result.items or not result.scale:
        return None, []
    substantive = [j for j, p in enumerate(result.items[0].points) if not p.nonsubstantive]
    if not substantive:
        return None, []
    j = substantive[-1]
    if j == len(result.scale) - 1:
        ranked = result.ranked_by_top_point()
    else:  # choosing, not counting: the items with the most at that point, in survey order
        best = max(i.points[j].share.count for i in result.items)
        ranked = [i for i in result.items if i.points[j].share.count == best]
    count = ranked[0].points[j].share.count
    if not count:
        return None, []
    return result.scale[j], [i for i in ranked if i.points[j].share.count == count]


def _headline(top: list, several: bool) -> str:
    if not top:
        return ""
    if several:  # a multi-select question: "chosen", of those who answered
        if len(top) == 1:
            return f"Most chosen: {_quoted([top[0].label])} ({top[0].share.rounded}%)"
        return f"Most chosen: {_quoted(o.label for o in top)} ({top[0].share.rounded}% each)"
    if len(top) == 1:
        return f"Most common answer: {_quoted([top[0].label])} ({top[0].share.rounded}%)"
    return f"Most common answers: {_quoted(o.label for o in top)} ({top[0].share.rounded}% each)"


def bar_spec(result, source: str = "", notice: str = "") -> dict:
    """The spec of a closed question's bar chart (single or multiple choice), from its computed
    result. ``source`` and ``notice``: the words of ``provenance``, drawn in the image.

    The bars are ``result.charted``'s (and one for its ``others``); when the disclosure rule keeps
    the non-substantive answers in the percentages, they are grey bars among the others, else they
    are ``apart``: [label, count (None when hidden), the rule's words or ""]."""
    q = result.question
    several = getattr(q, "type", "") == "multiple_choice"
    charted = result.charted
    inside = getattr(result, "nonsubstantive_in_percentages", False)
    bars = list(charted.bars) + (list(charted.apart) if inside else [])
    top = _top_options(result)
    labels = [o.label for o in bars]
    counts = [None if o.hidden else o.share.count for o in bars]
    percents = [0.0 if o.hidden else o.share.percent for o in bars]
    rounded = [o.hidden if o.hidden else o.share.rounded for o in bars]
    nonsubstantive = [o.nonsubstantive for o in bars]
    if charted.others is not None:
        labels.append(f"{len(charted.others_labels)} other answers, together")
        hidden = charted.others_hidden
        counts.append(None if hidden else charted.others.count)
        percents.append(0.0 if hidden else charted.others.percent)
        rounded.append(hidden if hidden else charted.others.rounded)
        nonsubstantive.append(False)
    return {"kind": "bars", "name": q.id, "number": q.number, "title": q.text,
            "source": source, "notice": notice, "headline": _headline(top, several),
            "top": [[o.label, o.share.count, o.share.rounded] for o in top],
            "several": several, "labels": labels,
            # a count the disclosure rule hides is not in the spec at all: no bar, its words instead
            "counts": counts, "percents": percents, "rounded": rounded,
            "answered": result.answered, "respondents": result.respondents,
            "in_percentages": result.in_percentages, "nonsubstantive": nonsubstantive,
            "apart": [] if inside else [[o.label, None if o.hidden else o.share.count, o.hidden or ""]
                                         for o in charted.apart],
            "unchosen": len(charted.unchosen)}


def likert_spec(result, source: str = "", notice: str = "") -> dict:
    """The spec of a matrix's stacked bar chart, from its computed result (``source``, ``notice``:
    as for ``bar_spec``): diverging for a bipolar scale, from zero for a unipolar one."""
    q = result.question
    point, top = _top_items(result)
    if not top:
        headline = ""
    elif len(top) == 1:
        i = top[0]
        share = next(p.share for p in i.points if p.label == point)
        headline = (f"Most often rated {_quoted([point])}: {_quoted([i.label])}, by "
                    f"{share.count} of {share.of} ({share.rounded}%)")
    else:
        count = next(p.share.count for p in top[0].points if p.label == point)
        headline = (f"Most often rated {_quoted([point])}: {_quoted(i.label for i in top)} "
                    f"({count} people each)")
    top_rows = []
    for i in top:
        share = next(p.share for p in i.points if p.label == point)
        top_rows.append([i.label, share.count, share.of, share.rounded])
    nonsubstantive = ([bool(p.nonsubstantive) for p in result.items[0].points] if result.items
                      else [False] * len(result.scale))
    return {"kind": "likert", "name": q.id, "number": q.number, "title": q.text,
            "source": source, "notice": notice, "answered_any": result.answered_any,
            "headline": headline, "top_point": point, "top": top_rows,
            "polarity": getattr(q, "polarity", "unipolar") or "unipolar",
            "items": [i.label for i in result.items], "scale": list(result.scale),
            "nonsubstantive": nonsubstantive,
            "counts": [[p.share.count for p in i.points] for i in result.items],
            "percents": [[p.share.percent for p in i.points] for i in result.items],
            "answered": [getattr(i, "on_scale", i.answered) for i in result.items],
            "respondents": result.respondents}


HISTOGRAM_PANELS = 6  # items of a number question drawn in one figure; more make further figures


def decimal_text(value, digits: int) -> str:
    from ..compute.stats import decimal_text as text  # here: drawing workers need not import pandas

    return text(value, digits)


def number_text(value) -> str:
    """A statistic as charts and tables write it: at most two decimals, no trailing zeros."""
    return decimal_text(value, 2)


def _summary_line(summary, unit: str | None) -> str:
    unit = f" {unit}" if unit else ""
    return (f"Median {number_text(summary.median)}{unit}, mean {number_text(summary.mean)}; from "
            f"{number_text(summary.minimum)} to {number_text(summary.maximum)} (n = {summary.n})")


def _number_headline(result) -> str:
    answered = [i for i in result.items if i.summary]
    unit = f" {result.question.unit}" if getattr(result.question, "unit", None) else ""
    if len(result.items) == 1 and answered:
        s = answered[0].summary
        return (f"Median answer: {number_text(s.median)}{unit} (the middle half gave "
                f"{number_text(s.q1)} to {number_text(s.q3)})")
    if not answered:
        return ""
    best = max(i.summary.median for i in answered)
    top = [i for i in answered if i.summary.median == best]
    if len(top) > 1:
        return ""
    return f"Highest median: {_quoted([top[0].label])} ({number_text(best)}{unit})"


def histogram_specs(result, source: str = "", notice: str = "") -> list[dict]:
    """The histograms of a number question: one panel per item that has answers, at most
    ``HISTOGRAM_PANELS`` per figure (the first figure is named after the question, the next
    ``<id>-2`` ...). Bin edges and counts come from the computed summaries."""
    q = result.question
    unit = getattr(q, "unit", None)
    panels = []
    for item in result.items:
        if item.summary is None:
            continue
        h = item.summary.histogram
        panels.append({"label": item.label if q.items else "", "line": _summary_line(item.summary, unit),
                       "whole": h.whole, "values": list(h.values),
                       "edge_text": [] if h.whole else [decimal_text(e, 6) for e in h.edges],
                       "counts": list(h.counts)})
    headline = _number_headline(result)
    specs = []
    for k, start in enumerate(range(0, len(panels), HISTOGRAM_PANELS)):
        specs.append({"kind": "histogram", "name": q.id if k == 0 else f"{q.id}-{k + 1}",
                      "number": q.number, "title": q.text, "source": source, "notice": notice,
                      "headline": headline if k == 0 else "", "unit": unit or "",
                      "items": len(result.items), "panels": panels[start:start + HISTOGRAM_PANELS],
                      "answered": result.answered_any, "respondents": result.respondents})
    return specs


ALT_MAX = 250  # characters: the main message; the table beside the chart has the numbers


def of_everyone(answered: int, respondents: int, what: str = "") -> str:
    """'51 of the 63 who took part answered at least one item': a count in the site's one
    vocabulary (compute/variables.py), ``what`` after "answered"."""
    took_part, said = VOCABULARY["respondents"][0], VOCABULARY["answered"][0]
    return f"{answered} of the {respondents} who {took_part} {said}{' ' + what if what else ''}"


def alt_text(spec: dict) -> str:
    """The chart's main message in one or two sentences, for screen readers: what kind of chart,
    how many answered, and the finding its title states. Every number is in the table beside it."""
    number = spec["number"]
    if spec["kind"] == "histogram":
        many = spec["items"] > 1
        answered = of_everyone(spec["answered"], spec["respondents"], "at least one item" if many else "")
        per_item = ", one per item" if many else ""
        first = f"Histogram{'s' if many else ''} of question {number}{per_item}: {answered}."
        finding = f" {spec['headline']}." if spec["headline"] else ""
    elif spec["kind"] == "bars":
        first = f"Bar chart of question {number}: {of_everyone(spec['answered'], spec['respondents'])}."
        top = spec["top"]
        finding = ""
        if top:
            said = " and ".join(f"{label}: {count} ({p}%)" for label, count, p in top)
            what = "Most chosen" if spec.get("several") else "Most common answer"
            finding = f" {what}{'s' if len(top) > 1 and not spec.get('several') else ''}: {said}."
    else:
        scale = [s for s, ns in zip(spec["scale"], spec["nonsubstantive"]) if not ns]
        kind = "Diverging stacked bar chart" if spec["polarity"] == "bipolar" else "Stacked bar chart"
        span = f", rated from {scale[0]} to {scale[-1]}" if len(scale) > 1 else ""
        answered = of_everyone(spec["answered_any"], spec["respondents"], "at least one item")
        first = f"{kind} of question {number}{span}: {answered}."
        if len(first) > ALT_MAX // 2:
            first = f"{kind} of question {number}: {answered}."
        top = spec["top"]
        finding = ""
        if len(top) == 1:
            label, count, of, p = top[0]
            finding = (f" The item most often rated {spec['top_point']} is {label}: {count} of {of} "
                       f"({p}%).")
        elif top:
            finding = (f" The items most often rated {spec['top_point']} are "
                       f"{' and '.join(t[0] for t in top)} ({top[0][1]} people each).")
    text = first + finding
    ending = " The table gives every count."
    return text + ending if len(text + ending) <= ALT_MAX else text


# ---------------------------------------------------------------- drawing

def _setup():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({
        "svg.fonttype": "none",  # text stays text: smaller files, selectable, readable by tools
        "svg.hashsalt": "findings",  # deterministic ids
        "text.parse_math": False,  # data text is text: "$x$" is not mathtext, "$" alone not an error
        "text.usetex": False,
        "font.family": "sans-serif",
        "font.size": TEXT_PT,
        "axes.edgecolor": TEXT_COLOUR,
        "text.color": TEXT_COLOUR,
        "axes.labelcolor": TEXT_COLOUR,
        "xtick.color": TEXT_COLOUR,
        "ytick.color": TEXT_COLOUR,
        "hatch.linewidth": 0.8,
    })
    return plt


def _luminance(colour) -> float:
    from matplotlib.colors import to_rgb

    def channel(c):
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in to_rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b) -> float:
    """The WCAG contrast ratio of two colours (1 to 21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def label_colour(fill) -> str:
    """Black or white, whichever contrasts more with ``fill`` (always at least 4.58:1)."""
    return "#000000" if contrast(fill, "#000000") >= contrast(fill, "#ffffff") else "#ffffff"


def scale_colours(spec: dict) -> list:
    """The fill of each scale point: a sequential ramp over the substantive points of a unipolar
    scale, a diverging one for a bipolar scale, greys for nonsubstantive points."""
    import matplotlib

    ns = spec["nonsubstantive"]
    k = sum(1 for x in ns if not x)
    if spec["polarity"] == "bipolar":
        ramp = BIPOLAR_COLOURS.get(k) or [matplotlib.colors.to_hex(c) for c in
                                          matplotlib.colormaps["BrBG"]([0.05 + 0.9 * i / max(k - 1, 1)
                                                                       for i in range(k)])]
    else:
        ramp = UNIPOLAR_COLOURS.get(k) or [matplotlib.colors.to_hex(c) for c in
                                           matplotlib.colormaps["Blues"]([0.3 + 0.7 * i / max(k - 1, 1)
                                                                         for i in range(k)])]
    out, s, g = [], 0, 0
    for x in ns:
        if x:
            out.append(NONSUBSTANTIVE_SCALE[g % len(NONSUBSTANTIVE_SCALE)])
            g += 1
        else:
            out.append(ramp[s])
            s += 1
    return out


class _Measure:
    """Text sizes in inches, measured by the renderer in the font the text is drawn in (DejaVu
    Sans, which a browser also uses when it has it; the usual phone fonts are narrower)."""

    def __init__(self, fig):
        self.fig = fig
        self.renderer = fig.canvas.get_renderer()

    def width(self, text: str, pt: float, bold: bool = False) -> float:
        from matplotlib.font_manager import FontProperties

        prop = FontProperties(size=pt, weight="bold" if bold else "normal")
        w, _, _ = self.renderer.get_text_width_height_descent(text, prop, ismath=False)
        return w / self.fig.dpi

    def height(self, text: str, pt: float, bold: bool = False) -> float:
        """Height of ``text`` (its lines) as matplotlib lays it out."""
        t = self.fig.text(0, 0, text, fontsize=pt, fontweight="bold" if bold else "normal")
        h = t.get_window_extent(self.renderer).height / self.fig.dpi
        t.remove()
        return h

    def wrap(self, text: str, width: float, pt: float, bold: bool = False) -> str:
        """``text`` broken into lines no wider than ``width`` inches (words kept whole where a
        word fits on a line; a longer one is cut)."""
        lines = []
        for para in str(text).split("\n"):
            current = ""
            for word in para.split():
                trial = f"{current} {word}" if current else word
                if current and self.width(trial, pt, bold) > width:
                    lines.append(current)
                    current = word
                else:
                    current = trial
                while len(current) > 1 and self.width(current, pt, bold) > width:
                    cut = len(current) - 1
                    while cut > 1 and self.width(current[:cut], pt, bold) > width:
                        cut -= 1
                    lines.append(current[:cut])
                    current = current[cut:]
            lines.append(current)
        return "\n".join(lines)


def _n_line(spec: dict) -> str:
    """'n = 51 answered at least one item, of the 63 who took part': the site's one vocabulary."""
    took_part, said = VOCABULARY["respondents"][0], VOCABULARY["answered"][0]
    everyone = f"of the {spec['respondents']} who {took_part}"
    if spec["kind"] == "bars":
        line = f"n = {spec['answered']} {said}, {everyone}"
        if spec.get("apart") and spec.get("in_percentages") != spec["answered"]:
            line += f"; percentages of the {spec['in_percentages']} whose answers are above the line"
        return line
    if spec["kind"] == "histogram":
        many = " at least one item" if spec["items"] > 1 else ""
        return f"n = {spec['answered']} {said}{many}, {everyone}"
    return f"n = {spec['answered_any']} {said} at least one item, {everyone}"


def _notes(spec: dict) -> list[str]:
    """Lines under the n line: what a reader of the chart alone needs to know."""
    notes = []
    if spec.get("several"):
        notes.append("Several answers could be chosen, so the percentages add to more than 100%.")
    if spec.get("unchosen"):
        k = spec["unchosen"]
        notes.append(f"{k} option{'s' if k != 1 else ''} nobody chose {'are' if k != 1 else 'is'} "
                     "not shown.")
    if spec.get("unit"):
        notes.append(f"Answers in {spec['unit']}.")
    return notes


LABEL_GAP = 0.04  # inches between a label and its bar
APART_TITLE = "Left out of the percentages:"


def _bars_body(m: _Measure, spec: dict, inner: float):
    """Rows of (label above, bar below, count and percentage right of the bar's end); then, below
    a line, the non-substantive answers: grey bars as long as their counts would be among the bars
    above, labelled with the count alone."""
    bar_h, row_gap, offset = 0.2, 0.14, 0.05
    rows, y = [], 0.0
    colours = [NONSUBSTANTIVE_COLOUR if ns else BAR_COLOUR for ns in spec["nonsubstantive"]]
    for label, count, rounded, p, colour in zip(spec["labels"], spec["counts"], spec["rounded"],
                                                spec["percents"], colours):
        text = m.wrap(label, inner, TEXT_PT)
        value = rounded if count is None else f"{count} ({rounded}%)"
        lh = m.height(text, TEXT_PT)
        rows.append((y, text, y + lh + LABEL_GAP + bar_h / 2, value, m.width(value, TEXT_PT), p,
                     count, colour, "bar"))
        y += lh + LABEL_GAP + bar_h + row_gap
    apart = spec.get("apart") or []
    rule_y = title = None
    if apart:
        rule_y = y + 0.02
        title = m.wrap(APART_TITLE, inner, TEXT_PT)
        y = rule_y + 0.1
        title_y, y = y, y + m.height(title, TEXT_PT) + 0.08
        # the length a count has among the bars above: people per percentage point
        per_person = 100.0 / (spec["in_percentages"] or spec["answered"] or 1)
        for label, count, words in apart:
            text = m.wrap(label, inner, TEXT_PT)
            value = words if count is None else str(count)
            lh = m.height(text, TEXT_PT)
            rows.append((y, text, y + lh + LABEL_GAP + bar_h / 2, value, m.width(value, TEXT_PT),
                         0.0 if count is None else count * per_person, count,
                         NONSUBSTANTIVE_COLOUR, "bar-apart"))
            y += lh + LABEL_GAP + bar_h + row_gap
    height = y - row_gap
    # the longest bar and its words fill the width: the scale's end is where they fit
    xmax = 0.0
    for *_, vw, p, _, _, _ in rows:
        room = max(inner - vw - offset - 0.02, inner * 0.3)
        xmax = max(xmax, p * inner / room)
    xmax = xmax or 100.0
    per_inch = xmax / inner

    def draw(ax):
        for top, text, mid, value, _, p, c, colour, gid in rows:
            ax.text(0, top, text, ha="left", va="top", fontsize=TEXT_PT)
            if c is not None:
                bar = ax.barh(mid, p, height=bar_h, left=0, color=colour, linewidth=0)
                bar.patches[0].set_gid(gid)
            ax.text(p + offset * per_inch, mid, value, ha="left", va="center", fontsize=TEXT_PT,
                    color=TEXT_COLOUR)
            # the zero line, beside each bar (not through its label)
            ax.plot([0, 0], [mid - bar_h / 2 - 0.03, mid + bar_h / 2 + 0.03], color=TEXT_COLOUR,
                    linewidth=0.8)
        if apart:
            ax.plot([0, xmax], [rule_y, rule_y], color=NONSUBSTANTIVE_COLOUR, linewidth=0.8,
                    gid="apart-rule")
            ax.text(0, title_y, title, ha="left", va="top", fontsize=TEXT_PT, style="italic")
        ax.set_xlim(0, xmax)
        return height

    return height, draw


def _bin_label(spec: dict, panel: dict, k: int) -> str:
    if panel["whole"]:
        return str(panel["values"][k])
    return f"{panel['edge_text'][k]} to {panel['edge_text'][k + 1]}"


def _histogram_body(m: _Measure, spec: dict, inner: float):
    """One panel per item: its label and summary line, then a row per bin (the bin's values left,
    a bar, its count right of the bar's end), lowest values at the top."""
    bar_h, row_gap, offset, panel_gap = 0.17, 0.07, 0.05, 0.22
    panels, y = [], 0.0
    for panel in spec["panels"]:
        head = []
        if panel["label"]:
            text = m.wrap(panel["label"], inner, TEXT_PT, bold=True)
            head.append((y, text, True))
            y += m.height(text, TEXT_PT, True) + 0.04
        line = m.wrap(panel["line"], inner, TEXT_PT)
        head.append((y, line, False))
        y += m.height(line, TEXT_PT) + 0.08
        labels = [_bin_label(spec, panel, k) for k in range(len(panel["counts"]))]
        label_w = max(m.width(t, TEXT_PT) for t in labels) + 0.08
        count_w = max(m.width(str(c), TEXT_PT) for c in panel["counts"])
        bars = []
        for text, count in zip(labels, panel["counts"]):
            bars.append((y + bar_h / 2, text, count))
            y += bar_h + row_gap
        panels.append((head, bars, label_w, count_w, max(panel["counts"]) or 1))
        y += panel_gap
    height = y - panel_gap - row_gap

    def draw(ax):
        ax.set_xlim(0, inner)
        for head, bars, label_w, count_w, most in panels:
            for top, text, bold in head:
                ax.text(0, top, text, ha="left", va="top", fontsize=TEXT_PT,
                        fontweight="bold" if bold else "normal")
            room = inner - label_w - count_w - offset - 0.02
            for mid, text, count in bars:
                ax.text(label_w - 0.08, mid, text, ha="right", va="center", fontsize=TEXT_PT)
                width = room * count / most
                if count:
                    ax.barh(mid, width, height=bar_h, left=label_w, color=BAR_COLOUR,
                            linewidth=0).patches[0].set_gid("bin")
                ax.text(label_w + width + offset, mid, str(count), ha="left", va="center",
                        fontsize=TEXT_PT)
                ax.plot([label_w, label_w], [mid - bar_h / 2 - 0.035, mid + bar_h / 2 + 0.035],
                        color=TEXT_COLOUR, linewidth=0.8)
        return height

    return height, draw


def likert_geometry(spec: dict) -> dict:
    """Where each segment of a matrix chart goes, in percentage units of the x axis: ``segments``
    [(item, point, left, width)], the scale's extent (``lo``, ``hi``) and the start of the
    nonsubstantive points' column (``apart``, None when there are none). Unipolar: from 0;
    bipolar: the lower half left of 0, the upper half right of it, a middle point across it."""
    ns = spec["nonsubstantive"]
    substantive = [j for j, x in enumerate(ns) if not x]
    bipolar = spec["polarity"] == "bipolar"
    k = len(substantive)
    lower = substantive[:k // 2]
    middle = substantive[k // 2] if bipolar and k % 2 else None
    segments, lo, hi, apart_width = [], 0.0, 0.0, 0.0
    for i, shares in enumerate(spec["percents"]):
        if bipolar:
            left = -sum(shares[j] for j in lower)
            if middle is not None:
                left -= shares[middle] / 2
        else:
            left = 0.0
        lo = min(lo, left)
        for j in substantive:
            segments.append((i, j, left, shares[j]))
            left += shares[j]
        hi = max(hi, left)
        apart_width = max(apart_width, sum(shares[j] for j in range(len(ns)) if ns[j]))
    if bipolar:
        lim = max(-lo, hi, 10.0) * 1.05
        lo, hi = -lim, lim
    else:
        lo, hi = 0.0, 100.0
    apart = None
    if any(ns):
        apart = hi + (hi - lo) * 0.06
        for i, shares in enumerate(spec["percents"]):
            left = apart
            for j in (j for j in range(len(ns)) if ns[j]):
                segments.append((i, j, left, shares[j]))
                left += shares[j]
    return {"segments": segments, "lo": lo, "hi": hi, "apart": apart,
            "end": (apart + max(apart_width, (hi - lo) * 0.1)) if apart is not None else hi}


def _ticks(lo: float, hi: float) -> list:
    step = 25 if hi - lo >= 100 else 10
    return [t for t in range(-100, 101, step) if lo <= t <= hi]


def _likert_body(m: _Measure, spec: dict, inner: float):
    """A legend (scale points in order, row by row), then rows of (item label above, stacked bar
    below), then the percentage axis and what the numbers are."""
    geo = likert_geometry(spec)
    colours = scale_colours(spec)
    # the scale's ends are inset by half a tick label, so "0%" and "100%" are not cut off; labels
    # and legend start where the bars do
    inset = m.width("100%", TEXT_PT) / 2 + 0.02
    inner -= inset
    scale, ns = spec["scale"], spec["nonsubstantive"]
    # legend: swatch + label cells in a grid, in scale order
    sw, gap, colgap = 0.15, 0.06, 0.16
    names = [f"{s} (not on the scale)" if x else s for s, x in zip(scale, ns)]
    widest = max((m.width(n, TEXT_PT) for n in names), default=0.0)
    cell = sw + gap + widest
    ncols = max(1, min(len(names), int((inner + colgap) // (cell + colgap)))) if names else 1
    colw = (inner - colgap * (ncols - 1)) / ncols
    legend, y = [], 0.0
    line_h = m.height("Ag", TEXT_PT)
    for start in range(0, len(names), ncols):
        row = []
        for c, j in enumerate(range(start, min(start + ncols, len(names)))):
            text = m.wrap(names[j], colw - sw - gap, TEXT_PT)
            row.append((c * (colw + colgap), j, text))
        h = max(max(m.height(t, TEXT_PT) for _, _, t in row), sw)
        legend.append((y, h, row))
        y += h + 0.06
    y += 0.12
    bar_h, row_gap = 0.28, 0.16
    rows = []
    for label, n in zip(spec["items"], spec["answered"]):
        text = m.wrap(f"{label} (n={n})", inner, TEXT_PT)
        lh = m.height(text, TEXT_PT)
        rows.append((y, text, y + lh + LABEL_GAP + bar_h / 2))
        y += lh + LABEL_GAP + bar_h + row_gap
    rows_end = y - row_gap
    tick_h = m.height("100%", TEXT_PT)
    note = ("Bar length: % of those who rated the item on the scale; grey, right: answers not on "
            "the scale, % of all who rated it. Numbers in the bars: people." if any(ns) else
            "Bar length: % of those who rated the item. Numbers in the bars: people.")
    note = m.wrap(note, inner, TEXT_PT)
    note_top = rows_end + 0.08 + tick_h + 0.1
    height = note_top + m.height(note, TEXT_PT)
    per_inch = (geo["end"] - geo["lo"]) / (inner - inset)
    lo, end = geo["lo"], geo["end"] + inset * per_inch

    def draw(ax):
        from matplotlib.patches import Rectangle

        ax.set_xlim(lo - inset * per_inch, end)
        for top, h, row in legend:
            for x, j, text in row:
                ax.add_patch(Rectangle((lo + x * per_inch, top + (line_h - sw) / 2),
                                       sw * per_inch, sw, facecolor=colours[j],
                                       edgecolor=TEXT_COLOUR, linewidth=0.5, gid="swatch"))
                ax.text(lo + (x + sw + gap) * per_inch, top, text, ha="left", va="top",
                        fontsize=TEXT_PT)
        axis_y = rows_end + 0.02
        ax.plot([geo["lo"], geo["hi"]], [axis_y, axis_y], color=TEXT_COLOUR, linewidth=0.8)
        for t in _ticks(geo["lo"], geo["hi"]):
            ax.plot([t, t], [axis_y, axis_y + 0.04], color=TEXT_COLOUR, linewidth=0.8)
            ax.text(t, axis_y + 0.06, f"{abs(t)}%", ha="center", va="top", fontsize=TEXT_PT)
        for top, text, _ in rows:
            ax.text(lo, top, text, ha="left", va="top", fontsize=TEXT_PT)
        for i, j, left, width in geo["segments"]:
            mid = rows[i][2]
            ax.add_patch(Rectangle((left, mid - bar_h / 2), width, bar_h, facecolor=colours[j],
                                   edgecolor="white", linewidth=0.8, zorder=2, gid=f"seg-{i}-{j}"))
            count = spec["counts"][i][j]
            label = str(count)
            if count and width / per_inch >= m.width(label, TEXT_PT) + 0.06:
                ax.text(left + width / 2, mid, label, ha="center", va="center", fontsize=TEXT_PT,
                        color=label_colour(colours[j]), zorder=3, gid=f"count-{i}-{j}")
        for _, _, mid in rows:  # zero: the start (unipolar) or the centre (bipolar) of each bar,
            # behind the bar (a count may sit on it), showing above and below it
            ax.plot([0, 0], [mid - bar_h / 2 - 0.05, mid + bar_h / 2 + 0.05], color=TEXT_COLOUR,
                    linewidth=1.2 if spec["polarity"] == "bipolar" else 0.8, zorder=1)
        ax.text(lo, note_top, note, ha="left", va="top", fontsize=TEXT_PT)
        return height

    return height, draw


def figure(spec: dict):
    """The chart of ``spec`` as a matplotlib figure (``draw`` saves it; tests read it)."""
    plt = _setup()
    fig = plt.figure(figsize=(FIG_WIDTH, 4.0), dpi=72)
    fig.patch.set_facecolor("white")
    m = _Measure(fig)
    inner = FIG_WIDTH - 2 * MARGIN
    pad = 0.06  # the notice's box, each side (the notice fits one line at 11 pt bold)
    header = []  # (text, style, height, gap after)
    if spec.get("headline"):
        text = m.wrap(spec["headline"], inner, HEADLINE_PT, bold=True)
        header.append((text, dict(fontsize=HEADLINE_PT, fontweight="bold"),
                       m.height(text, HEADLINE_PT, True), 0.08))
    question = m.wrap(f"Question {spec['number']}. {spec['title']}", inner, TEXT_PT)
    header.append((question, dict(fontsize=TEXT_PT), m.height(question, TEXT_PT), 0.06))
    n_line = m.wrap(_n_line(spec), inner, TEXT_PT)
    header.append((n_line, dict(fontsize=TEXT_PT), m.height(n_line, TEXT_PT), 0.06))
    for note in _notes(spec):
        note = m.wrap(note, inner, TEXT_PT)
        header.append((note, dict(fontsize=TEXT_PT, style="italic"), m.height(note, TEXT_PT), 0.06))
    if spec["notice"]:
        text = m.wrap(spec["notice"], inner - 2 * pad, TEXT_PT, bold=True)
        box = dict(boxstyle=f"square,pad={pad * 72 / TEXT_PT:.3f}", fc="white", ec=NOTICE_COLOUR,
                   lw=1.2)
        header.append((text, dict(fontsize=TEXT_PT, fontweight="bold", color=NOTICE_COLOUR, bbox=box),
                       m.height(text, TEXT_PT, True) + 2 * pad, 0.06))
    source = m.wrap(spec["source"], inner, TEXT_PT) if spec["source"] else ""
    footer = m.height(source, TEXT_PT) if source else 0.0
    body = {"bars": _bars_body, "histogram": _histogram_body}.get(spec["kind"], _likert_body)
    body_h, draw_body = body(m, spec, inner)
    head_h = sum(h + g for _, _, h, g in header)
    total = MARGIN + head_h + 0.12 + body_h + (0.16 + footer if source else 0.0) + MARGIN
    fig.set_size_inches(FIG_WIDTH, total)
    y = MARGIN  # from the top, in inches
    for text, style, h, g in header:
        inset = pad if "bbox" in style else 0.0  # a boxed text starts inside its box
        fig.text((MARGIN + inset) / FIG_WIDTH, 1 - (y + inset) / total, text, ha="left", va="top",
                 **style)
        y += h + g
    y += 0.12
    ax = fig.add_axes((MARGIN / FIG_WIDTH, 1 - (y + body_h) / total, inner / FIG_WIDTH,
                       body_h / total))
    ax.set_axis_off()
    ax.set_ylim(body_h, 0)  # y in inches from the top of the chart
    draw_body(ax)
    ax.set_ylim(body_h, 0)
    if source:
        fig.text(MARGIN / FIG_WIDTH, MARGIN / total, source, ha="left", va="bottom",
                 fontsize=TEXT_PT)
    return fig


def draw(spec: dict, out_base: str) -> None:
    """Draw one spec to ``out_base + '.svg'`` and ``'.png'``, at the figure's own size."""
    import matplotlib.pyplot as plt

    fig = figure(spec)
    fig.savefig(out_base + ".svg", format="svg", metadata={"Date": None, "Creator": None})
    fig.savefig(out_base + ".png", format="png", dpi=200, metadata={"Software": None})
    plt.close(fig)
