"""Charts: a figure is a plain-data spec (computed from the tables), drawn by matplotlib as SVG + PNG.

Specs are dicts so that they can be hashed (unchanged figures are reused from a cache) and sent to
worker processes (figures dominate build time, so they are drawn on every core).

Readable without colour: every bar carries its count and percentage as text, options keep the
questionnaire's order, and the outer points of a Likert scale carry hatch patterns as well as colour.
Colours come from ColorBrewer's colour-blind-safe schemes; figures have a white background so they
read the same in the light and the dark palette and in greyscale print.

A chart travels without its page (pasted into a slide, sent on its own), so the image itself says
what it shows and where it comes from: the question (number and text), n (answered, of
respondents), the source (the study's short title and DOI) and, when the responses are
reconstructed, that they are not the study's. All of it is in the spec (so in the cache key).
"""
from __future__ import annotations


STYLE_VERSION = "7"  # bump when the drawing code changes, to invalidate the figure cache

BAR_COLOUR = "#1b5e8a"  # dark blue, 7:1 on white
NONSUBSTANTIVE_COLOUR = "#8c8c8c"
TEXT_COLOUR = "#1a1a1a"
# ColorBrewer BrBG, 4 classes (colour-blind safe); outer classes also hatched
LIKERT_COLOURS = ["#a6611a", "#dfc27d", "#80cdc1", "#018571"]
LIKERT_HATCHES = ["///", "", "", "\\\\\\"]
NOTICE_COLOUR = "#8a1c1c"  # dark red, 9:1 on white; the notice is also bold and boxed

RECONSTRUCTED = "Reconstructed data, not the study's responses"

TITLE_PT, N_PT, NOTICE_PT, SOURCE_PT = 11, 9.5, 10, 9  # the notice at least 9 pt: not small print


def provenance(study, meta) -> dict:
    """What every chart of a study says about where its numbers come from: the source line, and
    the reconstructed-data notice ("" when the responses are the study's own)."""
    return {"source": f"Source: {study.short_title}, doi:{study.doi}",
            "notice": RECONSTRUCTED if meta.reconstructed else ""}


def bar_spec(result, source: str = "", notice: str = "") -> dict:
    """The spec of a closed question's bar chart, from its computed result. ``source`` and
    ``notice``: the words of ``provenance``, drawn in the image."""
    q = result.question
    return {"kind": "bars", "name": q.id, "number": q.number, "title": q.text,
            "source": source, "notice": notice,
            "labels": [o.label for o in result.options],
            # a count the disclosure rule hides is not in the spec at all: no bar, its words instead
            "counts": [None if o.hidden else o.share.count for o in result.options],
            "percents": [0.0 if o.hidden else o.share.percent for o in result.options],
            "rounded": [o.hidden if o.hidden else o.share.rounded for o in result.options],
            "answered": result.answered, "respondents": result.respondents,
            "nonsubstantive": [o.nonsubstantive for o in result.options]}


def likert_spec(result, source: str = "", notice: str = "") -> dict:
    """The spec of a matrix's diverging stacked bar chart, from its computed result (``source``,
    ``notice``: as for ``bar_spec``)."""
    q = result.question
    return {"kind": "likert", "name": q.id, "number": q.number, "title": q.text,
            "source": source, "notice": notice, "answered_any": result.answered_any,
            "items": [i.label for i in result.items], "scale": list(result.scale),
            "counts": [[p.share.count for p in i.points] for i in result.items],
            "percents": [[p.share.percent for p in i.points] for i in result.items],
            "answered": [i.answered for i in result.items], "respondents": result.respondents}


def alt_text(spec: dict) -> str:
    """A description of the chart written from its data, for screen readers."""
    if spec["kind"] == "bars":
        parts = [f"{label}: {p}" if count is None else f"{label}: {count} ({p}%)"
                 for label, count, p in zip(spec["labels"], spec["counts"], spec["rounded"])]
        return (f"Bar chart of answers to '{spec['title']}', {spec['answered']} of "
                f"{spec['respondents']} respondents answered. " + "; ".join(parts) + ".")
    parts = []
    for item, row, n in zip(spec["items"], spec["counts"], spec["answered"]):
        cells = ", ".join(f"{label} {c}" for label, c in zip(spec["scale"], row))
        parts.append(f"{item} ({n} answered): {cells}")
    return (f"Diverging stacked bar chart of '{spec['title']}', rated on the scale "
            f"{', '.join(spec['scale'])}. " + "; ".join(parts) + ".")


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
        "font.size": 10,
        "axes.edgecolor": TEXT_COLOUR,
        "text.color": TEXT_COLOUR,
        "axes.labelcolor": TEXT_COLOUR,
        "xtick.color": TEXT_COLOUR,
        "ytick.color": TEXT_COLOUR,
        "hatch.color": "#ffffff",
        "hatch.linewidth": 0.8,
    })
    return plt


def _wrap(text: str, width: int = 38) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text


def _draw_bars(plt, spec: dict):
    n = len(spec["labels"])
    fig, ax = plt.subplots(figsize=(7.2, 0.5 * n + 1.1))
    ys = list(range(n))[::-1]
    colours = [NONSUBSTANTIVE_COLOUR if ns else BAR_COLOUR for ns in spec["nonsubstantive"]]
    ax.barh(ys, spec["percents"], color=colours, height=0.65)
    top = max(spec["percents"] + [1.0])
    for y, c, p, r in zip(ys, spec["counts"], spec["percents"], spec["rounded"]):
        ax.text(p + top * 0.015, y, r if c is None else f"{c} ({r}%)", va="center", fontsize=9)
    ax.set_yticks(ys, [_wrap(label) for label in spec["labels"]])
    ax.set_xlim(0, top * 1.25)
    ax.set_xlabel(f"Percentage of the {spec['answered']} respondents who answered "
                  f"(of {spec['respondents']})")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig


def _draw_likert(plt, spec: dict):
    items, scale, counts = spec["items"], spec["scale"], spec["counts"]
    k = len(scale)
    lower = k // 2  # points left of the centre line
    fig, ax = plt.subplots(figsize=(8.0, 0.6 * len(items) + 1.6))
    ys = list(range(len(items)))[::-1]
    colours = (LIKERT_COLOURS if k == 4 else plt.get_cmap("BrBG")(
        [i / max(k - 1, 1) for i in range(k)]))
    hatches = LIKERT_HATCHES if k == 4 else [""] * k
    extent = 0.0
    for y, row, shares in zip(ys, counts, spec["percents"]):
        left = -sum(shares[:lower])
        extent = max(extent, abs(left), sum(shares[lower:]))
        for j, share in enumerate(shares):
            ax.barh(y, share, left=left, color=colours[j], hatch=hatches[j], height=0.65,
                    edgecolor="white", linewidth=0.6, label=scale[j] if y == ys[0] else None)
            if row[j] and share >= 6:
                dark = j in (0, k - 1)
                ax.text(left + share / 2, y, str(row[j]), ha="center", va="center", fontsize=8.5,
                        color="white" if dark else TEXT_COLOUR,
                        bbox=dict(boxstyle="round,pad=0.15", fc=colours[j], ec="none") if dark else None)
            left += share
    ax.axvline(0, color=TEXT_COLOUR, linewidth=0.8)
    ax.set_yticks(ys, [f"{_wrap(i, 34)} (n={n})" for i, n in zip(items, spec["answered"])])
    lim = max(extent * 1.05, 10)
    ax.set_xlim(-lim, lim)
    ticks = [t for t in range(-100, 101, 25) if abs(t) <= lim]
    ax.set_xticks(ticks, [f"{abs(t)}%" for t in ticks])
    ax.set_xlabel("Percentage of those who rated the item (numbers in bars are counts)")
    ax.legend(ncols=k, loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False, fontsize=9)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig


def _n_line(spec: dict) -> str:
    if spec["kind"] == "bars":
        return f"n = {spec['answered']} answered, of {spec['respondents']} respondents"
    return (f"n = {spec['answered_any']} rated at least one item, of {spec['respondents']} "
            "respondents")


def _chars(width: float, pt: float) -> int:
    """Roughly how many characters of ``pt``-point text fit on a line ``width`` inches wide."""
    return int(width * 72 / (pt * 0.6))


def _height(pt: float, text: str) -> float:
    """The height in inches of ``text`` (its lines) at ``pt`` points."""
    return (text.count("\n") + 1) * pt * 1.3 / 72


def _frame(fig, spec: dict) -> None:
    """Above the chart: the question, n and (for reconstructed data) the notice, boxed; below it,
    the source. The figure grows by their height and the chart keeps its own."""
    width, height = fig.get_size_inches()
    title = _wrap(f"Question {spec['number']}. {spec['title']}", _chars(width, TITLE_PT))
    source = _wrap(spec["source"], _chars(width, SOURCE_PT)) if spec["source"] else ""
    pad = 0.08
    blocks = [(title, dict(fontsize=TITLE_PT, fontweight="bold"), _height(TITLE_PT, title)),
              (_n_line(spec), dict(fontsize=N_PT), _height(N_PT, "n") + 0.02)]
    if spec["notice"]:
        box = dict(boxstyle="square,pad=0.35", fc="white", ec=NOTICE_COLOUR, lw=1.2)
        blocks.append((spec["notice"], dict(fontsize=NOTICE_PT, fontweight="bold",
                                            color=NOTICE_COLOUR, bbox=box),
                       _height(NOTICE_PT, spec["notice"]) + 0.1))
    header = pad + sum(h for _, _, h in blocks)
    footer = pad + (_height(SOURCE_PT, source) if source else 0.0)
    total = height + header + footer
    fig.set_size_inches(width, total)
    fig.tight_layout(rect=(0, footer / total, 1, 1 - header / total))
    y = total - pad
    for text, style, h in blocks:
        top = y - (0.05 if "bbox" in style else 0.0)  # a boxed text starts below its box's edge
        fig.text(0.1 / width, top / total, text, ha="left", va="top", **style)
        y -= h
    if source:
        fig.text(0.1 / width, pad / total, source, ha="left", va="bottom", fontsize=SOURCE_PT)


def draw(spec: dict, out_base: str) -> None:
    """Draw one spec to ``out_base + '.svg'`` and ``'.png'``."""
    plt = _setup()
    fig = _draw_bars(plt, spec) if spec["kind"] == "bars" else _draw_likert(plt, spec)
    fig.patch.set_facecolor("white")
    _frame(fig, spec)
    fig.savefig(out_base + ".svg", format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    fig.savefig(out_base + ".png", format="png", dpi=150, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
