"""Rendering the question types: the chart first and its table one click away, non-substantive
answers tabled and drawn apart, multi-select shares, many options, typed numbers, and questions with
nothing to chart gathered into one note per page.

Results are computed from frames built by hand (the responses contract); every number expected in
the markdown is counted here with plain loops over the same rows. Figures are drawn to check they
draw, and read back for what they show."""
from __future__ import annotations

import math
import re
import shutil
import statistics
import xml.etree.ElementTree as ET
from types import SimpleNamespace

import matplotlib
import numpy as np
import pandas as pd
import pytest
import yaml

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from findings.compute import compute  # noqa: E402
from findings.compute import questions as cq  # noqa: E402
from findings.load import load  # noqa: E402
from findings.load.instrument import Item, Option, Question  # noqa: E402
from findings.paths import ROOT  # noqa: E402
from findings.pipeline import build  # noqa: E402
from findings.render import _gathered, figures, pages, render  # noqa: E402
from tests.site_config import mkdocs_build_elsewhere  # noqa: E402

META = SimpleNamespace(reconstructed=False, title="", note="")
NAN = float("nan")
PHONE_WIDTH, SMALLEST_PX = 343, 11


def missing(cell) -> bool:
    return cell is None or (isinstance(cell, float) and math.isnan(cell))


def pct(count, of) -> str:
    """A whole percentage rounded half up, by hand."""
    return f"{math.floor(100 * count / of + 0.5)}%"


def single(labels, nonsub=(), qid="Q1", **kw):
    return Question(id=qid, number=qid[1:], part="p", text="Where is it easier to talk?",
                    type="single_choice", options=tuple(Option(label, i + 1, nonsubstantive=label in nonsub)
                                                        for i, label in enumerate(labels)),
                    columns=(qid,), **kw)


def multi(labels, nonsub=(), qid="Q2"):
    return Question(id=qid, number=qid[1:], part="p", text="Which ones?", type="multiple_choice",
                    options=tuple(Option(label, i + 1, nonsubstantive=label in nonsub)
                                  for i, label in enumerate(labels)), columns=(qid,))


def details(md: str) -> str:
    """The body of the 'Show the numbers' note, unindented."""
    head = '??? note "Show the numbers"\n'
    assert md.count(head) == 1, md
    body = md.split(head, 1)[1]
    lines = []
    for line in body.splitlines()[1:]:
        if line and not line.startswith("    "):
            break
        lines.append(line[4:])
    return "\n".join(lines)


def figure_of(spec):
    fig = figures.figure(spec)
    texts = [t.get_text() for t in fig.texts] + [t.get_text() for ax in fig.axes for t in ax.texts]
    gids = [p.get_gid() for ax in fig.axes for p in ax.patches]
    plt.close(fig)
    return " ".join(texts), gids


def smallest_on_a_phone(spec, tmp_path) -> float:
    figures.draw(spec, str(tmp_path / "chart"))
    root = ET.parse(tmp_path / "chart.svg").getroot()
    width = float(root.get("viewBox").split()[2])
    sizes = [float(re.search(r"font-size:\s*([\d.]+)px", el.get("style", "")).group(1))
             for el in root.iter("{http://www.w3.org/2000/svg}text")]
    assert sizes and (tmp_path / "chart.png").stat().st_size > 1000
    return min(sizes) * min(PHONE_WIDTH, width * 4 / 3) / width


# ---------------------------------------------------------------- single choice, apart

ANSWERS = ["One to one", "Unsure", "One to one", NAN, "Group", "Unsure", "One to one", "Other",
           NAN, "One to one", "Unsure"]
LABELS = ("One to one", "Group", "Other", "Unsure")


@pytest.fixture
def with_unsure():
    return cq.choice_result(pd.DataFrame({"Q1": ANSWERS}), single(LABELS, nonsub=("Unsure",)))


def test_the_chart_comes_first_and_its_table_is_one_click_away(with_unsure):
    md, _ = pages.choice_fragment(with_unsure, META, figures.bar_spec(with_unsure))
    assert md.index("<figure") < md.index('??? note "Show the numbers"') < md.index("Download:")
    table = details(md)
    assert "| Answer | Respondents | % |" in table  # the table sits inside the note
    caption = md.split("<figcaption>")[1].split("</figcaption>")[0]
    assert caption == pages.NUMBERS_POINTER  # nothing repeated from the chart's own title and n
    assert "[See question 1 in the survey instrument](/instrument.md#q-q1)" in md


def test_nonsubstantive_answers_are_a_separate_row_group_left_out_of_the_percentages(with_unsure):
    md, csv = pages.choice_fragment(with_unsure, META, figures.bar_spec(with_unsure))
    table = details(md)
    answered = sum(1 for a in ANSWERS if not missing(a))
    substantive = sum(1 for a in ANSWERS if a in LABELS[:3])
    for label in LABELS[:3]:
        count = sum(1 for a in ANSWERS if a == label)
        assert f"| {label} | {count} | {pct(count, substantive)} |" in table
    unsure = sum(1 for a in ANSWERS if a == "Unsure")
    assert f"| **Total in the percentages** | {substantive} | 100% |" in table
    assert table.index("Total in the percentages") < table.index("*Left out of the percentages:*") \
        < table.index(f"| Unsure | {unsure} | – |") < table.index(f"| **Total who answered** | {answered} |")
    assert (f"“Unsure” is counted apart and left out of the percentages, which are of the "
            f"{substantive} who") in table
    assert f"**{answered} of the {len(ANSWERS)} who took part answered this question**" in md
    rows = [line.split(",") for line in csv.splitlines()]
    assert rows[0][-1] == "percent_of"
    assert rows[-1][1:] == ["Unsure", str(unsure), "", str(answered), str(len(ANSWERS)), ""]


def test_the_chart_draws_nonsubstantive_answers_apart_in_grey_never_on_the_scale(with_unsure, tmp_path):
    spec = figures.bar_spec(with_unsure)
    unsure = sum(1 for a in ANSWERS if a == "Unsure")
    assert spec["labels"] == list(LABELS[:3]) and spec["apart"] == [["Unsure", unsure, ""]]
    assert spec["headline"].startswith("Most common answer: “One to one”")
    text, gids = figure_of(spec)
    assert figures.APART_TITLE in text
    assert gids.count("bar-apart") == 1
    assert gids.count("bar") == sum(1 for label in LABELS[:3] if label in ANSWERS)
    assert smallest_on_a_phone(spec, tmp_path) >= SMALLEST_PX


def test_a_matrix_table_puts_nonsubstantive_points_in_their_own_columns(tmp_path):
    scale = tuple(Option(label, i + 1, nonsubstantive=label == "Don't know")
                  for i, label in enumerate(["Disagree", "Agree", "Don't know"]))
    question = Question(id="M", number="3", part="p", text="Do you agree?", type="matrix",
                        items=(Item("M_1", "Training helps"),), scale=scale, columns=("M_1",),
                        polarity="bipolar")
    cells = ["Agree", "Don't know", "Agree", "Disagree", NAN, "Don't know", "Agree"]
    r = cq.matrix_result(pd.DataFrame({"M_1": cells}), question)
    spec = figures.likert_spec(r)
    md, csv = pages.matrix_fragment(r, META, spec, {})
    table = details(md)
    on_scale = sum(1 for c in cells if c in ("Disagree", "Agree"))
    answered = sum(1 for c in cells if not missing(c))
    agree = sum(1 for c in cells if c == "Agree")
    disagree = sum(1 for c in cells if c == "Disagree")
    dont = sum(1 for c in cells if c == "Don't know")
    assert "| Item | Disagree | Agree | On the scale | Don&#39;t know (not on the scale) | Answered |" in table
    assert (f"| Training helps | {disagree} ({pct(disagree, on_scale)}) | {agree} ({pct(agree, on_scale)}) "
            f"| {on_scale} | {dont} | {answered} |") in table
    assert "not on the scale: counted apart and left out of the percentages" in table
    assert csv.splitlines()[0].endswith(",answered_on_the_scale")
    assert spec["answered"] == [on_scale]
    assert smallest_on_a_phone(spec, tmp_path) >= SMALLEST_PX


# ---------------------------------------------------------------- multiple choice

CELLS = [("Cost", "Time, mostly"), ("Time, mostly",), NAN, ("Cost", "Time, mostly", "Place"),
         ("Place",), ("Time, mostly",), ("None of these",)]
MULTI = ("Cost", "Time, mostly", "Place", "None of these")


def test_a_multi_select_says_shares_add_to_more_than_100_and_sorts_by_count(tmp_path):
    r = cq.multiple_choice_result(pd.DataFrame({"Q2": CELLS}), multi(MULTI))
    spec = figures.bar_spec(r)
    md, csv = pages.choice_fragment(r, META, spec)
    answered = sum(1 for c in CELLS if not missing(c))
    counts = {label: sum(1 for c in CELLS if not missing(c) and label in c) for label in MULTI}
    order = sorted(MULTI, key=lambda label: (-counts[label], MULTI.index(label)))
    table = details(md)
    rows = [line for line in table.splitlines() if line.startswith("| ") and "**" not in line][2:]
    assert [row.split(" | ")[0][2:] for row in rows] == order
    for label in MULTI:
        assert f"| {label} | {counts[label]} | {pct(counts[label], answered)} |" in table
    assert f"| **Total who answered** | {answered} | – |" in table
    assert "Several answers could be chosen, so the percentages add to more than 100%" in table
    assert "add to more than 100%" in md.split("<figcaption>")[1]
    assert spec["labels"] == order and spec["headline"] == f"Most chosen: “{order[0]}” ({pct(counts[order[0]], answered)})"
    text, _ = figure_of(spec)
    assert "add to more than 100%" in re.sub(r"\s+", " ", text)
    assert smallest_on_a_phone(spec, tmp_path) >= SMALLEST_PX
    assert "Time, mostly" in figures.alt_text(spec) and "Most chosen" in figures.alt_text(spec)
    lines = csv.splitlines()
    assert lines[0].endswith(",percent_of") and len(lines) == 1 + len(MULTI)


def test_many_options_leave_the_unchosen_out_and_cap_the_chart(tmp_path):
    labels = tuple(f"Town {i}" for i in range(45))
    rows = [f"Town {i}" for i in range(33) for _ in range(1 + i % 3)]
    r = cq.choice_result(pd.DataFrame({"Q1": rows}), single(labels))
    spec = figures.bar_spec(r)
    md, _ = pages.choice_fragment(r, META, spec)
    unchosen = [label for label in labels if label not in rows]
    table = details(md)
    assert f"*{len(unchosen)} options chosen by nobody are not shown.*" in table  # too many to name
    assert not any(f"| {label} |" in table for label in unchosen)
    assert len(spec["labels"]) == cq.CHART_BARS
    rest = 33 - (cq.CHART_BARS - 1)
    assert spec["labels"][-1] == f"{rest} other answers, together"
    counts = {label: rows.count(label) for label in labels}
    ranked = sorted((x for x in labels if counts[x]), key=lambda x: (-counts[x], labels.index(x)))
    assert spec["counts"][-1] == sum(counts[x] for x in ranked[cq.CHART_BARS - 1:])
    assert f"and the other {rest} as one bar" in table
    text, _ = figure_of(spec)
    assert f"{len(unchosen)} options nobody chose are not shown" in re.sub(r"\s+", " ", text)
    assert smallest_on_a_phone(spec, tmp_path) >= SMALLEST_PX


def test_a_few_unchosen_options_are_named():
    labels = tuple(f"Town {i}" for i in range(12))
    r = cq.choice_result(pd.DataFrame({"Q1": [f"Town {i}" for i in range(10)]}), single(labels))
    md, _ = pages.choice_fragment(r, META, figures.bar_spec(r))
    assert "*2 options chosen by nobody are not shown: “Town 10” and “Town 11”.*" in details(md)


# ---------------------------------------------------------------- numbers

def quartile(values, q):
    xs = sorted(values)
    pos = (len(xs) - 1) * q
    lo = int(pos)
    return xs[lo] + (xs[min(lo + 1, len(xs) - 1)] - xs[lo]) * (pos - lo)


def shown(x) -> str:
    """Two decimals, half up, no trailing zeros (by hand)."""
    text = f"{math.floor(x * 100 + 0.5) / 100:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def test_a_number_question_tables_its_summary_and_draws_a_histogram(tmp_path):
    values = [2, 5, NAN, 3, 3, 8, 13, 3, NAN, 6]
    question = Question(id="Q7", number="7", part="p", text="How many years in post?", type="number",
                        columns=("Q7",), unit="years")
    r = cq.number_result(pd.DataFrame({"Q7": values}), question)
    specs = figures.histogram_specs(r)
    md, csv = pages.number_fragment(r, META, specs)
    given = [v for v in values if not missing(v)]
    table = details(md)
    expected = [len(given), statistics.mean(given), statistics.median(given), quartile(given, .25),
                quartile(given, .75), min(given), max(given)]
    assert ("| All answers | " + " | ".join([str(expected[0])] + [shown(x) for x in expected[1:]])
            + " |") in table
    for value in range(min(given), max(given) + 1):
        assert f"| {value} | {sum(1 for v in given if v == value)} |" in table
    assert "*Answers in years.*" in table
    assert f"**{len(given)} of the {len(values)} who took part answered this question**" in md
    assert md.index("<figure") < md.index('??? note "Show the numbers"')
    assert len(specs) == 1 and specs[0]["panels"][0]["counts"] == \
        [sum(1 for v in given if v == k) for k in range(min(given), max(given) + 1)]
    assert specs[0]["headline"] == (f"Median answer: {shown(statistics.median(given))} years (the "
                                    f"middle half gave {shown(quartile(given, .25))} to "
                                    f"{shown(quartile(given, .75))})")
    assert len(figures.alt_text(specs[0])) <= figures.ALT_MAX
    assert smallest_on_a_phone(specs[0], tmp_path) >= SMALLEST_PX
    rows = [line.split(",") for line in csv.splitlines()]
    assert rows[0] == ["question", "item", "column", "what", "bin_from", "bin_to", "value"]
    assert ["Q7", "How many years in post?", "Q7", "median", "", "", str(float(statistics.median(given)))] in rows
    assert sum(int(r[-1]) for r in rows if r[3] == "histogram_bin") == len(given)


def test_number_items_are_small_multiples_of_at_most_six(tmp_path):
    rng = np.random.default_rng(3)
    items = tuple(Item(f"S_{i}", f"Share {i}") for i in range(8))
    question = Question(id="S", number="8", part="p", text="Split 100 points", type="number",
                        columns=tuple(i.column for i in items), items=items)
    frame = pd.DataFrame({i.column: rng.uniform(0, 40, 30).round(1) for i in items})
    frame.loc[:4, "S_7"] = NAN
    r = cq.number_result(frame, question)
    specs = figures.histogram_specs(r)
    assert [s["name"] for s in specs] == ["S", "S-2"]
    assert [len(s["panels"]) for s in specs] == [6, 2]
    for spec in specs:
        assert smallest_on_a_phone(spec, tmp_path) >= SMALLEST_PX
    md, _ = pages.number_fragment(r, META, specs)
    assert md.count("<figure") == 2 and "[chart 2 (SVG)](/figures/S-2.svg)" in md
    table = details(md)
    given = frame["S_7"].dropna().tolist()
    assert f"| Share 7 | {len(given)} | {shown(statistics.mean(given))} | {shown(statistics.median(given))} |" in table


# ---------------------------------------------------------------- gathered notes

def test_questions_with_nothing_to_chart_are_gathered_into_one_note_per_page():
    frame = pd.DataFrame({"A": ["x", NAN, "y"], "B": [NAN, NAN, NAN], "C": ["Yes", NAN, "No"],
                          "D": ["No", "No", NAN]})
    lost = Question(id="L", number="2", part="p", text="Lost one", type="matrix", items_available=False)
    nobody = Question(id="B", number="3", part="p", text="Nobody", type="single_choice",
                      options=(Option("x", 1),), columns=("B",))
    admin = [Question(id=q, number=n, part="p", text=f"Report {q}?", type="yes_no",
                      options=(Option("Yes", 1), Option("No", 2)), columns=(q,), administrative=True)
             for q, n in (("C", "4"), ("D", "5"))]
    shown_q = Question(id="A", number="1", part="p", text="Shown", type="single_choice",
                       options=(Option("x", 1), Option("y", 2)), columns=("A",))
    results = {q.id: cq.question_result(frame, q, set()) for q in (shown_q, lost, nobody, *admin)}
    study = SimpleNamespace(sections=[SimpleNamespace(questions=("A", "L", "B", "C", "D"))])
    gathered = _gathered(study, results)
    assert set(gathered) == {"L", "B", "C", "D"}  # A is charted as usual
    assert gathered["B"] == "" and gathered["D"] == ""
    note = gathered["L"]
    assert note.count('!!! info "Not shown here"') == 1
    assert '<span id="q-l"></span>[Question 2]' in note and '<span id="q-b"></span>[Question 3]' in note
    assert "nobody answered it" in note and "no results can be shown" in note
    listing = gathered["C"]
    assert listing.count("!!! note") == 1
    for qid, col in (("C", "C"), ("D", "D")):
        answered = sum(1 for v in frame[col] if not missing(v))
        assert f'<span id="q-{qid.lower()}"></span>' in listing
        assert f"{answered} of the {len(frame)} who took part answered" in listing


@pytest.fixture(scope="module")
def mini_site(tmp_path_factory):
    """The made-up survey with a question whose items were lost, one nobody answered and one about
    the survey itself, built and published with MkDocs --strict."""
    tmp = tmp_path_factory.mktemp("types")
    data = tmp / "data"
    shutil.copytree(ROOT / "tests/fixtures/mini_survey", data)
    instrument = yaml.safe_load((data / "instrument.yaml").read_text())
    instrument["questions"] += [
        {"id": "A5", "number": "5", "part": "p1", "text": "Rate these tools", "type": "matrix",
         "items_available": False, "columns": []},
        {"id": "A6", "number": "6", "part": "p1", "text": "Would you like the results?",
         "type": "yes_no", "administrative": True, "columns": ["A6"],
         "options": [{"label": "Yes"}, {"label": "No"}]},
        {"id": "A7", "number": "7", "part": "p1", "text": "Which shed?", "type": "single_choice",
         "columns": ["A7"], "options": [{"label": "Red"}, {"label": "Green"}]}]
    (data / "instrument.yaml").write_text(yaml.safe_dump(instrument, allow_unicode=True))
    responses = pd.read_csv(data / "responses.csv", dtype=str, keep_default_na=False)
    responses["A6"] = ["Yes", "No", "Yes", "", ""][:len(responses)]
    responses["A7"] = ""
    responses.to_csv(data / "responses.csv", index=False)
    study = yaml.safe_load((data / "study.yml").read_text())
    study["sections"][0]["questions"] += ["A5", "A6", "A7"]
    (data / "study.yml").write_text(yaml.safe_dump(study, allow_unicode=True, sort_keys=False))
    about = data / "docs/results/about.md"
    about.write_text(about.read_text() + "\n{{ question('A5') }}\n\n{{ question('A6') }}\n\n"
                     "{{ question('A7') }}\n")
    build(data / "study.yml", tmp / "build", tmp / "cache", data / "docs")
    done = mkdocs_build_elsewhere(tmp)
    assert done.returncode == 0, done.stderr[-3000:]
    return SimpleNamespace(tmp=tmp, responses=responses,
                           about=(tmp / "site/results/about/index.html").read_text())


def test_a_built_page_shows_one_note_for_its_empty_questions_and_lists_the_administrative(mini_site):
    about = mini_site.about
    assert about.count("Not shown here") == 1 and about.count("Questions about taking part") == 1
    for anchor in ("q-a5", "q-a6", "q-a7"):  # the instrument's links to them still land
        assert f'id="{anchor}"' in about
    answered = sum(1 for v in mini_site.responses["A6"] if v)
    assert f"{answered} of the {len(mini_site.responses)} who took part answered" in about
    assert "figures/A6.svg" not in about and "figures/A7.svg" not in about
    assert not (mini_site.tmp / "site/figures/A6.svg").exists()
    instrument = (mini_site.tmp / "site/instrument/index.html").read_text()
    assert 'href="../results/about/#q-a5"' in instrument


def test_a_built_page_keeps_each_table_in_a_show_the_numbers_details(mini_site):
    about = mini_site.about
    blocks = re.findall(r"<details class=\"note\">\s*<summary>Show the numbers</summary>(.*?)</details>",
                        about, re.S)
    assert len(blocks) == 2  # A1 and A2, each with its table
    assert all("<table>" in b for b in blocks)
    assert about.index('src="../../figures/A2.svg"') < about.index(blocks[1])


def test_the_study_builds_every_question_type_it_has():
    inputs = load(ROOT / "data" / "study.yml")
    out = render(inputs, compute(inputs))
    # lost in the manuscript: Q22 on one page, Q28 and Q29 together in one note on another
    assert out.extra["fragments/questions/Q29.md"] == ""
    assert out.extra["fragments/questions/Q28.md"].count("Not shown here") == 1
    assert "q-q29" in out.extra["fragments/questions/Q28.md"]
    assert out.extra["fragments/questions/Q22.md"].count("Not shown here") == 1
