"""Charts: the geometry a scale's polarity gives, a title and an alt text that state the finding,
counts readable on every fill, and text legible on a phone.

Expected values are written here (or read from the data files with yaml), not taken from the code
under test; drawn geometry is read back from the matplotlib figure that ``draw`` saves."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from types import SimpleNamespace

import matplotlib
import pytest
import yaml

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

from findings.compute import compute  # noqa: E402
from findings.compute.questions import ChoiceResult, ItemResult, MatrixResult, OptionResult  # noqa: E402
from findings.compute.stats import Share  # noqa: E402
from findings.errors import DataError  # noqa: E402
from findings.load import load  # noqa: E402
from findings.load.instrument import Question, load_instrument  # noqa: E402
from findings.paths import DATA_DIR, ROOT, STUDY_CONFIG  # noqa: E402
from findings.render import figures, render  # noqa: E402

PHONE_WIDTH = 343  # CSS px of page content at a 375 px viewport
SMALLEST_PX = 11
STUDY = SimpleNamespace(short_title="A short title", doi="10.0000/x.1")
RECONSTRUCTED = SimpleNamespace(reconstructed=True, title="Made up", note="Made up.")

HOW_MUCH = ("Not at all", "A little", "A moderate amount", "A great deal")
AGREE4 = ("Strongly disagree", "Disagree", "Agree", "Strongly agree")
AGREE5 = ("Strongly disagree", "Disagree", "Neither", "Agree", "Strongly agree")


def matrix(scale, rows, polarity=None, nonsubstantive=(), labels=None):
    """A matrix result: ``rows`` of counts, one per item, each over the item's total."""
    extra = {} if polarity is None else {"polarity": polarity}
    q = Question(id="M", number="5", part="p", text="How much does each get in the way?",
                 type="matrix", columns=tuple(f"M_{i}" for i in range(len(rows))), **extra)
    labels = labels or [f"Item {i + 1}" for i in range(len(rows))]
    items = tuple(ItemResult(label, f"M_{i}", tuple(
        OptionResult(point, Share(c, sum(counts)), point in nonsubstantive)
        for point, c in zip(scale, counts)), sum(counts))
        for i, (label, counts) in enumerate(zip(labels, rows)))
    return MatrixResult(q, items, tuple(scale), answered_any=max(sum(r) for r in rows), respondents=70)


def choice(counts, labels=("Yes", "No", "Unsure"), hidden=None):
    q = Question(id="Q1", number="1", part="p", text="Which one?", type="single_choice", columns=("Q1",))
    hidden = hidden or {}
    total = sum(counts)
    options = tuple(OptionResult(label, Share(c, total), hidden=hidden.get(label))
                    for label, c in zip(labels, counts))
    return ChoiceResult(q, options, answered=total, respondents=total + 3)


def drawn(spec):
    """The drawn segments {(item, point): (left, right)}, count texts {(item, point): colour} and
    segment fills {(item, point): colour} of a matrix chart, read back from the figure."""
    fig = figures.figure(spec)
    try:
        segments, fills, counts, hatched = {}, {}, {}, []
        for ax in fig.axes:
            for patch in ax.patches:
                gid = patch.get_gid() or ""
                if patch.get_hatch():
                    hatched.append(gid)
                if gid.startswith("seg-"):
                    _, i, j = gid.split("-")
                    segments[int(i), int(j)] = (patch.get_x(), patch.get_x() + patch.get_width())
                    fills[int(i), int(j)] = to_hex(patch.get_facecolor())
            for text in ax.texts:
                gid = text.get_gid() or ""
                if gid.startswith("count-"):
                    _, i, j = gid.split("-")
                    counts[int(i), int(j)] = to_hex(text.get_color())
        return SimpleNamespace(segments=segments, fills=fills, counts=counts, hatched=hatched)
    finally:
        plt.close(fig)


def svg_texts(path):
    """(text, font size in SVG user units) of every <text> element; and the viewBox width."""
    root = ET.parse(path).getroot()
    width = float(root.get("viewBox").split()[2])
    out = []
    for el in root.iter("{http://www.w3.org/2000/svg}text"):
        style = el.get("style", "")
        size = re.search(r"font-size:\s*([\d.]+)px", style) or re.search(r"font:[^;]*?([\d.]+)px", style)
        out.append(("".join(el.itertext()), float(size.group(1)) if size else 0.0))
    return out, width


# ---------------------------------------------------------------- polarity: the geometry

def test_a_unipolar_scale_is_stacked_from_zero_with_no_negative_side():
    r = matrix(HOW_MUCH, [[26, 1, 1, 23], [0, 4, 5, 3], [14, 9, 10, 18]], polarity="unipolar")
    spec = figures.likert_spec(r)
    assert spec["polarity"] == "unipolar"
    d = drawn(spec)
    assert len(d.segments) == 3 * 4
    assert min(left for left, _ in d.segments.values()) == 0
    for i in range(3):  # each bar starts at 0 with its first point and ends at 100%
        assert d.segments[i, 0][0] == 0
        assert d.segments[i, 3][1] == pytest.approx(100)
        for j in range(3):
            assert d.segments[i, j][1] == pytest.approx(d.segments[i, j + 1][0])


def test_a_scale_that_declares_no_polarity_is_drawn_unipolar():
    spec = figures.likert_spec(matrix(HOW_MUCH, [[5, 1, 1, 3]]))
    assert spec["polarity"] == "unipolar"
    assert min(left for left, _ in drawn(spec).segments.values()) >= 0


def test_a_bipolar_scale_is_centred_between_its_halves():
    r = matrix(AGREE4, [[10, 20, 30, 40], [40, 30, 20, 10]], polarity="bipolar")
    d = drawn(figures.likert_spec(r))
    for i in range(2):
        assert d.segments[i, 1][1] == pytest.approx(0)  # disagree ends at the centre...
        assert d.segments[i, 2][0] == pytest.approx(0)  # ...where agree starts
        assert d.segments[i, 0][0] < 0 and d.segments[i, 3][1] > 0
    assert d.segments[0, 0][0] == pytest.approx(-30) and d.segments[0, 3][1] == pytest.approx(70)


def test_a_bipolar_scale_with_a_middle_point_is_centred_on_it():
    r = matrix(AGREE5, [[5, 5, 20, 30, 40]], polarity="bipolar")
    d = drawn(figures.likert_spec(r))
    left, right = d.segments[0, 2]
    assert (left + right) / 2 == pytest.approx(0)
    assert d.segments[0, 0][0] == pytest.approx(-(5 + 5 + 10))


@pytest.mark.parametrize("polarity, scale_end", [("unipolar", 100), ("bipolar", None)])
def test_nonsubstantive_points_are_drawn_apart_from_the_scale(polarity, scale_end):
    scale = AGREE4 + ("Don't know",)
    r = matrix(scale, [[10, 20, 30, 30, 10], [30, 30, 10, 10, 20]], polarity=polarity,
               nonsubstantive={"Don't know"})
    spec = figures.likert_spec(r)
    assert spec["nonsubstantive"] == [False, False, False, False, True]
    d = drawn(spec)
    on_scale = max(right for (i, j), (_, right) in d.segments.items() if j != 4)
    apart = [d.segments[i, 4] for i in range(2)]
    assert all(left > on_scale for left, _ in apart)
    assert apart[0][0] == apart[1][0]  # one column, whatever the bars' lengths
    if polarity == "bipolar":  # the halves are the substantive points only
        assert d.segments[0, 1][1] == pytest.approx(0) and d.segments[0, 2][0] == pytest.approx(0)
    else:
        assert d.segments[0, 0][0] == 0
        assert on_scale <= scale_end
    assert spec["top_point"] == "Strongly agree"  # the top of the scale, not "Don't know"


# ---------------------------------------------------------------- polarity: the codebook

INSTRUMENT = """\
survey:
  title: Test
parts:
  - {id: p1, title: Part one}
questions:
  - id: A
    number: "1"
    part: p1
    text: Pick one
    type: single_choice
    options:
      - {label: "Yes"}
      - {label: "No"}
    columns: [A]
  - id: M
    number: "2"
    part: p1
    text: Rate
    type: matrix
    polarity: POLARITY
    items:
      - {label: One, column: M_1}
    scale:
      - {label: Never}
      - {label: Always}
    columns: [M_1]
"""


def load_text(tmp_path, text):
    path = tmp_path / "instrument.yaml"
    path.write_text(text, encoding="utf-8")
    return load_instrument(path)


@pytest.mark.parametrize("polarity", ["bipolar", "unipolar"])
def test_a_declared_polarity_is_loaded(tmp_path, polarity):
    inst = load_text(tmp_path, INSTRUMENT.replace("POLARITY", polarity))
    assert inst.question("M").polarity == polarity


def test_an_absent_polarity_is_unipolar(tmp_path):
    inst = load_text(tmp_path, INSTRUMENT.replace("    polarity: POLARITY\n", ""))
    assert inst.question("M").polarity == "unipolar"


@pytest.mark.parametrize("value, found", [("sideways", "'sideways'"), ("Bipolar", "'Bipolar'"),
                                          ("true", "True"), ("[bipolar]", "list")])
def test_any_other_polarity_is_one_clear_problem_with_file_and_line(tmp_path, value, found):
    with pytest.raises(DataError) as info:
        load_text(tmp_path, INSTRUMENT.replace("POLARITY", value))
    message = str(info.value)
    assert "instrument.yaml, line 20: questions entry 2 (id M), polarity should be one of: " \
           "'bipolar' or 'unipolar'; found " in message, message
    assert found in message.split("found ", 1)[1], message


def test_polarity_belongs_to_a_matrix_scale(tmp_path):
    text = INSTRUMENT.replace("    polarity: POLARITY\n", "").replace(
        "    type: single_choice\n", "    type: single_choice\n    polarity: bipolar\n")
    with pytest.raises(DataError) as info:
        load_text(tmp_path, text)
    assert "instrument.yaml, line 11: question A: only a matrix question with a 'scale' takes " \
           "'polarity'" in str(info.value)


def test_every_matrix_scale_of_the_study_and_the_mini_survey_declares_its_polarity():
    """Read with yaml, not the loader: the files say it, not the default."""
    for path in (DATA_DIR / "instrument.yaml", ROOT / "tests/fixtures/mini_survey/instrument.yaml"):
        questions = yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]
        scales = {q["id"]: q.get("polarity") for q in questions if q["type"] == "matrix" and q.get("scale")}
        assert scales and all(scales.values()), (path, scales)
    q18 = next(q for q in yaml.safe_load((DATA_DIR / "instrument.yaml").read_text())["questions"]
               if q["id"] == "Q18")
    # "how much ... form barriers": Not at all ... A great deal, no middle and nothing negative
    assert [p["label"] for p in q18["scale"]][0] == "Not at all"
    assert q18["polarity"] == "unipolar"


# ---------------------------------------------------------------- the title and the alt text

def joined_svg_text(spec, tmp_path) -> str:
    figures.draw(spec, str(tmp_path / "chart"))
    texts, _ = svg_texts(tmp_path / "chart.svg")
    return " ".join(t for t, _ in texts)


def test_a_bar_chart_title_states_the_most_common_answer_and_its_share(tmp_path):
    spec = figures.bar_spec(choice([6, 3, 1]))
    assert spec["headline"] == "Most common answer: “Yes” (60%)"
    assert spec["headline"] in joined_svg_text(spec, tmp_path)


def test_a_tie_names_every_most_common_answer():
    spec = figures.bar_spec(choice([4, 4, 2]))
    assert spec["headline"] == "Most common answers: “Yes” and “No” (40% each)"


def test_no_finding_is_stated_from_a_hidden_count_or_from_nobody():
    assert figures.bar_spec(choice([6, 3, 1], hidden={"Yes": "hidden"}))["headline"] == ""
    assert figures.bar_spec(choice([0, 0, 0]))["headline"] == ""
    assert "Most common" not in figures.alt_text(figures.bar_spec(choice([0, 0, 0])))


def test_a_matrix_title_states_the_item_most_often_at_the_top_point(tmp_path):
    r = matrix(HOW_MUCH, [[26, 1, 1, 23], [14, 9, 10, 18], [0, 4, 5, 3]], polarity="unipolar",
               labels=["Lack of training", "Boundaries", "Other"])
    spec = figures.likert_spec(r)
    assert spec["headline"] == "Most often rated “A great deal”: “Lack of training”, by 23 of 51 (45%)"
    text = joined_svg_text(spec, tmp_path)
    assert "Lack of training" in text and "A great deal" in text and "23 of 51 (45%)" in text


def test_the_alt_text_is_short_and_states_the_finding():
    alt = figures.alt_text(figures.bar_spec(choice([6, 3, 1])))
    assert len(alt) <= 250 and alt.count(". ") <= 3
    assert "Yes: 6 (60%)" in alt and "10 of the 13 who took part answered." in alt
    assert "No:" not in alt and "Unsure" not in alt  # the other answers are the table's job
    r = matrix(HOW_MUCH, [[26, 1, 1, 23], [14, 9, 10, 18]], polarity="unipolar",
               labels=["Lack of training", "Boundaries"])
    alt = figures.alt_text(figures.likert_spec(r))
    assert len(alt) <= 250
    assert "The item most often rated A great deal is Lack of training: 23 of 51 (45%)" in alt
    assert "Boundaries" not in alt


@pytest.fixture(scope="module")
def study_specs():
    inputs = load(STUDY_CONFIG)
    results = compute(inputs)
    return {s["name"]: s for s in render(inputs, results).specs}, results


def test_every_chart_of_the_study_has_a_short_alt_text_naming_its_top_answer(study_specs):
    specs, results = study_specs
    for name, spec in specs.items():
        alt = figures.alt_text(spec)
        assert len(alt) <= 250, (name, len(alt), alt)
        r = results.questions[name]
        if isinstance(r, ChoiceResult) and spec["top"]:
            assert r.top in alt and r.top in spec["headline"], name
    q18 = results.questions["Q18"]
    top = q18.ranked_by_top_point()[0]
    assert specs["Q18"]["polarity"] == "unipolar"
    assert top.label in figures.alt_text(specs["Q18"]) and top.label in specs["Q18"]["headline"]
    assert "A great deal" in specs["Q18"]["headline"]


# ---------------------------------------------------------------- legible and readable

LONG = ["Worries about it breaking professional boundaries, and about being seen to intrude",
        "Other barrier (if applicable, please specify)"]


def charts(study_specs):
    specs, _ = study_specs
    bipolar = figures.likert_spec(matrix(AGREE5 + ("Not applicable",), [[5, 5, 20, 30, 40, 3],
                                                                        [40, 20, 10, 5, 1, 0]],
                                         polarity="bipolar", nonsubstantive={"Not applicable"},
                                         labels=LONG))
    return [figures.bar_spec(choice([6, 3, 1]), **figures.provenance(STUDY, RECONSTRUCTED)),
            specs["Q18"], specs["Q11"], specs["Q2"], specs["Q17"], bipolar]


def test_no_text_is_smaller_than_11_css_px_on_a_phone(tmp_path, study_specs):
    for spec in charts(study_specs):
        figures.draw(spec, str(tmp_path / "chart"))
        texts, width = svg_texts(tmp_path / "chart.svg")
        assert texts and all(size > 0 for _, size in texts)
        smallest = min(size for _, size in texts)
        # drawn no wider than the phone's page: shown at 343 px, or narrower at its own size
        shown = min(PHONE_WIDTH, width * 4 / 3)
        assert smallest * shown / width >= SMALLEST_PX, (spec["name"], smallest, width)


def test_every_text_stays_inside_the_image(study_specs):
    for spec in charts(study_specs):
        fig = figures.figure(spec)
        try:
            fig.canvas.draw()
            renderer = fig.canvas.get_renderer()
            frame = fig.bbox
            texts = list(fig.texts) + [t for ax in fig.axes for t in ax.texts]
            for t in texts:
                box = t.get_window_extent(renderer)
                assert box.x0 >= frame.x0 - 0.5 and box.x1 <= frame.x1 + 0.5, (spec["name"], t.get_text())
                assert box.y0 >= frame.y0 - 0.5 and box.y1 <= frame.y1 + 0.5, (spec["name"], t.get_text())
        finally:
            plt.close(fig)


def contrast(a, b) -> float:
    def lum(hex_colour):
        rgb = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("scale, polarity", [(HOW_MUCH, "unipolar"), (AGREE4, "bipolar"),
                                             (AGREE5, "bipolar"), (HOW_MUCH + ("Unsure",), "unipolar"),
                                             (tuple(f"P{i}" for i in range(7)), "bipolar"),
                                             (tuple(f"P{i}" for i in range(6)), "unipolar")])
def test_every_count_in_a_bar_is_readable_on_its_fill(scale, polarity):
    rows = [[20] * len(scale), [10 * (i + 1) for i in range(len(scale))]]
    d = drawn(figures.likert_spec(matrix(scale, rows, polarity=polarity, nonsubstantive={"Unsure"})))
    assert d.counts, "no count drawn"
    assert not d.hatched, "hatching under counts"
    for key, colour in d.counts.items():
        assert contrast(colour, d.fills[key]) >= 4.5, (key, colour, d.fills[key])


def test_the_svg_keeps_text_as_text_and_the_header_and_footer(tmp_path, study_specs):
    spec = study_specs[0]["Q18"]
    figures.draw(spec, str(tmp_path / "chart"))
    svg = (tmp_path / "chart.svg").read_text(encoding="utf-8")
    assert "<pattern" not in svg  # no hatching
    texts, _ = svg_texts(tmp_path / "chart.svg")
    joined = " ".join(t for t, _ in texts)
    for words in ("Question 18.", "n = ", "Source: ", "Reconstructed data, not the study's responses"):
        assert words in joined, words
