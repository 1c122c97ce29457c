"""The check of every figure the manuscript states against the value computed from the data.

``check(figures, data, instrument, themes)`` -> one ``StatedCheck`` per figure. The measures are
described in ``load/stated.py``; each is computed here with the same counting the question results
use (``stats``), so the check and the pages cannot disagree.
"""
from __future__ import annotations

from dataclasses import dataclass

from .questions import finished
from .stats import Share, count_answered, count_chosen, round_half_up
from .themes import small_count

THEME_MEASURES = {"theme_participants", "theme_largest"}
THEME_FEWER = ("The published quotes are only some of the answers, so fewer participants can appear "
               "in them than the study counted.")
THEME_MORE = ("Some answers carry different participant labels in different places of the source "
              "(see the label warnings of the themes file), so more can appear.")


@dataclass(frozen=True)
class StatedCheck:
    """One stated figure beside its computed value."""

    id: str
    statement: str
    where: str
    unit: str
    stated: object  # as people read it: number, label, or item labels joined
    computed: object  # likewise; a float percentage for unit percent
    denominator: str  # what the figure is "of", in words ("" when it has none)
    # matches | within rounding | documented conflict | conflict in the manuscript (the appendix's
    # labels disagree with the count) | cannot be checked (from what was published) | differs |
    # hidden by the disclosure rule
    status: str
    explanation: str

    @property
    def shown(self) -> str:
        """The computed value as prose shows it (a percentage rounded half up, with %)."""
        if self.unit == "percent" and isinstance(self.computed, (int, float)):
            return f"{round_half_up(self.computed)}%"
        if isinstance(self.computed, float) and self.computed.is_integer():
            return str(int(self.computed))
        return str(self.computed)


def _column(spec: dict, instrument) -> str:
    return spec.get("column") or instrument.question(spec["question"]).columns[0]


def compute(spec: dict, data, instrument, themes=None):
    """One figure from the data: a number for counts and percentages, an option label or theme
    title for most_common / theme_largest / similar, a list of item columns for rankings."""
    measure = spec["measure"]
    if measure == "respondents":
        return len(data)
    if measure == "finished":
        return finished(data)
    if measure in {"answered", "answered_any"}:
        return count_answered(data, list(spec["columns"]))
    if measure in {"count", "percent"}:
        column = _column(spec, instrument)
        share = Share(count_chosen(data, column, spec["options"]), count_answered(data, [column]))
        if measure == "count":
            return share.count
        return share.percent if share.of else float("nan")
    if measure == "most_common":
        counts = data[_column(spec, instrument)].value_counts()
        top = counts[counts == counts.max()].index.tolist() if len(counts) else []
        return " = ".join(sorted(top))
    if measure in {"matrix_rank", "matrix_majority"}:
        question = instrument.question(spec["question"])
        counts = {i.column: Share(count_chosen(data, i.column, [spec["option"]]),
                                  count_answered(data, [i.column])) for i in question.items}
        if measure == "matrix_majority":
            return [c for c in spec["items"] if counts[c].count > counts[c].of / 2]
        pool = [i.column for i in question.items] if spec.get("top") else list(spec["items"])
        ranked = sorted(pool, key=lambda c: -counts[c].count)  # stable: ties keep item order
        return ranked[:len(spec["items"])]
    if measure == "similar":
        column = spec["column"]
        answered = count_answered(data, [column])
        a, b = (Share(count_chosen(data, column, [o]), answered) for o in spec["options"])
        gap = abs(a.percent - b.percent) if answered else float("inf")
        return "similar" if gap <= spec["within_points"] else "not similar"
    if measure == "theme_participants":
        return len(themes.node(spec["theme"]).participants())
    if measure == "theme_largest":
        nodes = [themes.node(i) for i in spec["themes"]]
        most = max(len(n.participants()) for n in nodes)
        return " = ".join(n.title for n in nodes if len(n.participants()) == most)
    raise ValueError(f"unknown measure {measure!r}")


def _describe_denominator(figure, data, instrument, themes) -> str:
    spec = figure.denominator
    if spec is None and figure.compute["measure"] in {"percent", "similar", "matrix_majority"}:
        if figure.compute["measure"] == "matrix_majority":
            return "those who rated each item"
        column = _column(figure.compute, instrument)
        return f"{count_answered(data, [column])} answered {column}"
    if spec is None:
        return ""
    n = compute(spec, data, instrument, themes)
    if spec["measure"] in {"answered", "answered_any"}:
        cols = list(spec["columns"])
        return f"{n} answered {cols[0]}" if len(cols) == 1 else f"{n} answered any of {', '.join(cols)}"
    if spec["measure"] == "respondents":
        return f"{n} respondents"
    return f"{n} ({spec['measure']})"


def _status(figure, computed, themes=None) -> tuple[str, str]:
    stated = figure.value
    if figure.unit == "percent":
        ok = isinstance(computed, float) and round_half_up(computed) == stated
        near = isinstance(computed, float) and abs(computed - stated) < 1
    else:
        ok, near = computed == stated, False
    if ok:
        return "matches", figure.note or ""
    if figure.conflict:
        return "documented conflict", figure.conflict
    if near:
        return "within rounding", (f"{computed:.1f}% is {stated}% rounded the other way "
                                   "(the manuscript does not say how it rounded)")
    note = f" {figure.note}" if figure.note else ""
    if figure.compute["measure"] in THEME_MEASURES and themes.all_codings:
        # every coding was read: a count that differs is a real difference
        return "differs", theme_explanation(figure, themes) + note
    if figure.compute["measure"] in THEME_MEASURES:
        # the appendix prints only some answers: fewer quoted participants cannot contradict the
        # count; more can only come from the appendix's own inconsistent labels
        fewer = isinstance(computed, int) and isinstance(stated, int) and computed < stated
        return ("cannot be checked" if fewer or figure.compute["measure"] == "theme_largest"
                else "conflict in the manuscript"), theme_explanation(figure, themes) + note
    return "differs", f"the data give {_show(computed)}, the manuscript {_show(stated)}" + note


def theme_explanation(figure, themes) -> str:
    """Why a theme count computed from the codebook differs from the stated count: from the
    appendix's quotes (themes.yaml), or from every coding of the team's analysis tool. Themes are
    named by the titles readers see (``Node.shown_title``)."""
    spec = figure.compute
    if themes.all_codings:
        return _coded_explanation(figure, themes)
    if spec["measure"] != "theme_participants":
        return "Computed from the participants quoted in the qualitative codebook, which holds only some answers."
    node = themes.node(spec["theme"])
    labelled = node.participants()
    bare = {f"P{int(q.label)}" for n in node.walk() for q in n.quotes
            if q.label and q.label.isdigit()}
    n = len(labelled)
    text = (f"The published quotes name {n} distinct participant{'s' if n != 1 else ''} with P labels "
            f"under ‘{node.shown_title}’")
    if bare - labelled:
        text += (f" ({len(labelled | bare)} if its bare numbers such as [31] are read as participant "
                 "numbers too; the themes file reads them as another numbering)")
    text += f", against the {figure.value} stated. "
    return text + (THEME_FEWER if len(labelled) < figure.value else THEME_MORE)


def _coded_explanation(figure, themes) -> str:
    """A theme count from the team's analysis tool: every coding counted, not only the quotes."""
    spec = figure.compute
    if spec["measure"] != "theme_participants":
        return ("Compared by the respondents coded under each theme in the team's analysis tool "
                "(every coding counted).")
    node = themes.node(spec["theme"])
    n = len(node.participants())
    return (f"{n} respondent{'s were' if n != 1 else ' was'} coded under ‘{node.shown_title}’ in the "
            f"team's analysis tool (every coding counted), against the {figure.value} stated.")


def _show(value) -> str:
    if isinstance(value, list):
        return " > ".join(map(str, value))
    if isinstance(value, float):
        return f"{value:.1f}%"
    return str(value)


def _display(value, figure, instrument):
    """Lists of matrix columns become their item labels, in order, for people to read."""
    if isinstance(value, list):
        question = instrument.question(figure.compute["question"])
        labels = {i.column: i.label for i in question.items}
        sep = " > " if figure.compute["measure"] == "matrix_rank" else "; "
        return sep.join(labels.get(c, c) for c in value)
    return value


HIDDEN = "hidden by the disclosure rule"


def _hidden(spec: dict, instrument, hidden: dict, themes=None, rule=None) -> str | None:
    """The words shown instead of a count the disclosure rule hides (None when it is not hidden):
    a characteristic's option in ``hidden``, or a theme's respondents counted from every coding of
    the team's analysis tool (``themes.all_codings``), as the theme's page shows them."""
    if spec["measure"] == "theme_participants" and themes is not None and themes.all_codings:
        return small_count(len(themes.node(spec["theme"]).participants()), rule)
    if spec["measure"] not in {"count", "percent"}:
        return None
    column = _column(spec, instrument)
    words = [hidden[(column, o)] for o in spec["options"] if (column, o) in hidden]
    return words[0] if words else None


def check(figures, data, instrument, themes=None, hidden: dict | None = None,
          rule=None) -> tuple[StatedCheck, ...]:
    """Every stated figure beside its recomputed value, with a status and an explanation.
    ``hidden``: (column, option) -> the words shown instead of a count the disclosure rule hides;
    ``rule``: the disclosure rule, for the theme counts of a codebook from the team's analysis tool.
    A figure the rule hides is shown as hidden on both sides, stated and computed."""
    rows = []
    for f in figures:
        words = _hidden(f.compute, instrument, hidden or {}, themes, rule)
        if words is not None:
            rows.append(StatedCheck(f.id, "(not repeated: the figure is about a small group)", f.where,
                                    f.unit, words, words, "", HIDDEN,
                                    "This figure counts a group of fewer participants than the site's "
                                    "disclosure rule allows to be shown, so neither the manuscript's "
                                    "figure nor the computed one is repeated here."))
            continue
        computed = compute(f.compute, data, instrument, themes)
        if f.compute["measure"] == "most_common" and f.unit == "count" \
                and computed == f.compute["expect"]:  # the right option: now check its count
            computed = count_chosen(data, _column(f.compute, instrument), [computed])
        status, explanation = _status(f, computed, themes)
        rows.append(StatedCheck(f.id, f.statement, f.where, f.unit, _display(f.value, f, instrument),
                                _display(computed, f, instrument),
                                _describe_denominator(f, data, instrument, themes), status,
                                explanation))
    return tuple(rows)


def stated_theme_counts(figures, data, instrument) -> dict[str, tuple[int, int | None]]:
    """Theme node id -> (the participant count the manuscript states for it, the number it is out of:
    those who answered the question(s), as the figure's denominator says)."""
    return {f.compute["theme"]: (f.value, compute(f.denominator, data, instrument) if f.denominator
                                 else None)
            for f in figures if f.compute["measure"] == "theme_participants"}


def stated_cells(figures, questions) -> frozenset[tuple[str, str]]:
    """(question id, option label) of every answer of ``questions`` (the participant
    characteristics) whose count the manuscript states: a figure measured as the count of that
    one option of that question, or as the count of the most common option it names ("most were
    psychologists (n=16)"). Table 1 marks these cells; every other one is from the data."""
    wanted = set(questions)
    cells = set()
    for f in figures:
        spec = f.compute
        if spec.get("question") not in wanted or "column" in spec:
            continue
        if spec["measure"] == "count" and len(spec["options"]) == 1:
            cells.add((spec["question"], spec["options"][0]))
        elif spec["measure"] == "most_common" and f.unit == "count" and spec.get("expect"):
            cells.add((spec["question"], spec["expect"]))
    return frozenset(cells)
