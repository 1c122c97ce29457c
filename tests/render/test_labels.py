"""Reconstructed numbers never travel without their label: what the figure specs, the drawn charts,
the CSV downloads and Table 1 say about where their numbers come from.

The expected words and cells are written here or read from the data files with yaml, never taken
from the code under test."""
from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from types import SimpleNamespace

import pytest
import yaml

from findings.compute import compute
from findings.compute.questions import ChoiceResult, ItemResult, MatrixResult, OptionResult
from findings.compute.stats import Share
from findings.load import load
from findings.load.instrument import Question
from findings.paths import DATA_DIR, ROOT, STUDY_CONFIG
from findings.render import figures, pages, render
from findings.render.markdown import md_text
from findings.write import spec_key

WORDS = "Reconstructed data, not the study's responses"  # in every chart of reconstructed data
CSV_WORDS = "RECONSTRUCTED: not the study's responses"  # in every row of its computed downloads
MARK = "✓ stated in the paper"

STUDY = SimpleNamespace(short_title="A short title", doi="10.0000/x.1")
RECONSTRUCTED = SimpleNamespace(reconstructed=True, title="Made up", note="Made up.")
REAL = SimpleNamespace(reconstructed=False, title="", note="")


def question(**kw):
    base = dict(id="Q1", number="1a", part="p", text="Which one?", type="single_choice", columns=("Q1",))
    return Question(**{**base, **kw})


def choice(hidden: str | None = None):
    return ChoiceResult(question(), (OptionResult("Yes", Share(3, 4)),
                                     OptionResult("No", Share(1, 4), hidden=hidden)),
                        answered=4, respondents=7)


def matrix():
    q = question(id="M", number="2", type="matrix", columns=("M_1", "M_2"))
    def points(lo, hi, n):
        return (OptionResult("Lo", Share(lo, n)), OptionResult("Hi", Share(hi, n)))

    items = (ItemResult("First", "M_1", points(1, 2, 3), 3), ItemResult("Second", "M_2", points(0, 2, 2), 2))
    return MatrixResult(q, items, ("Lo", "Hi"), answered_any=5, respondents=9)


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def assert_labelled(text: str, labelled: bool) -> None:
    """Rectangular, one header row; the label in every data row exactly when ``labelled``."""
    table = rows(text)
    assert len({len(r) for r in table}) == 1, "not rectangular"
    assert len(table) > 1
    header, *data = table
    if labelled:
        assert header[0] == "data" and header[1:].count("data") == 0
        assert all(r[0] == CSV_WORDS for r in data)
    else:
        assert "data" not in header
        assert not any(CSV_WORDS in cell for r in data for cell in r)


# ---------------------------------------------------------------- figure specs and charts
@pytest.mark.parametrize("make, spec_of", [(choice, figures.bar_spec), (matrix, figures.likert_spec)])
def test_a_spec_carries_the_question_its_n_the_source_and_the_notice(make, spec_of):
    r = make()
    spec = spec_of(r, **figures.provenance(STUDY, RECONSTRUCTED))
    assert spec["number"] == r.question.number and spec["title"] == r.question.text
    assert spec["source"] == "Source: A short title, doi:10.0000/x.1"
    assert spec["notice"] == WORDS
    assert spec["respondents"] == r.respondents
    real = spec_of(r, **figures.provenance(STUDY, REAL))
    assert real["notice"] == "" and real["source"] == spec["source"]
    # what the chart draws is in the spec, so it is in the cache key
    assert spec_key(spec) != spec_key(real)


def test_the_alt_text_stays_the_description_of_the_data():
    r = choice()
    spec = figures.bar_spec(r, **figures.provenance(STUDY, RECONSTRUCTED))
    assert figures.alt_text(spec) == figures.alt_text(figures.bar_spec(r))


def svg_texts(path) -> list[tuple[str, float]]:
    """(text, font size in pt) of every text element of an SVG matplotlib wrote (1 px = 1 pt)."""
    out = []
    for el in ET.parse(path).iter("{http://www.w3.org/2000/svg}text"):
        size = re.search(r"font-size:\s*([\d.]+)px", el.get("style", ""))
        out.append(("".join(el.itertext()), float(size.group(1)) if size else 0.0))
    return out


@pytest.mark.parametrize("make, spec_of", [(choice, figures.bar_spec), (matrix, figures.likert_spec)])
@pytest.mark.parametrize("meta", [RECONSTRUCTED, REAL])
def test_the_drawn_chart_shows_them_as_text(tmp_path, make, spec_of, meta):
    r = make()
    figures.draw(spec_of(r, **figures.provenance(STUDY, meta)), str(tmp_path / "chart"))
    assert (tmp_path / "chart.png").stat().st_size > 1000
    texts = svg_texts(tmp_path / "chart.svg")
    joined = "\n".join(t for t, _ in texts)
    assert f"Question {r.question.number}. {r.question.text}" in joined
    answered = r.answered if isinstance(r, ChoiceResult) else r.answered_any
    assert f"n = {answered} " in joined and f"of the {r.respondents} who took" in joined
    assert "Source: A short title, doi:10.0000/x.1" in joined
    notice = [size for t, size in texts if t == WORDS]
    if meta.reconstructed:
        assert notice and min(notice) >= 9
    else:
        assert not notice and "Reconstructed" not in joined


# ---------------------------------------------------------------- CSV downloads
@pytest.mark.parametrize("meta", [RECONSTRUCTED, REAL])
def test_question_downloads_carry_the_label_in_every_row_only_when_reconstructed(meta):
    _, text = pages.choice_fragment(choice("fewer than 3"), meta, figures.bar_spec(choice()))
    assert_labelled(text, meta.reconstructed)
    _, text = pages.matrix_fragment(matrix(), meta, figures.likert_spec(matrix()), {})
    assert_labelled(text, meta.reconstructed)
    _, text = pages.characteristics_fragment([choice()], 3, meta)
    assert_labelled(text, meta.reconstructed)


def test_a_label_keeps_the_columns_and_values_of_the_download():
    _, plain = pages.choice_fragment(choice(), REAL, figures.bar_spec(choice()))
    _, labelled = pages.choice_fragment(choice(), RECONSTRUCTED, figures.bar_spec(choice()))
    assert [r[1:] for r in rows(labelled)] == rows(plain)


# ---------------------------------------------------------------- the real study
@pytest.fixture(scope="module")
def study():
    inputs = load(STUDY_CONFIG)
    results = compute(inputs)
    return inputs, results, render(inputs, results)


def stated_cells_from_the_yaml() -> set[tuple[str, str]]:
    """Independently of the code: the characteristics counts data/stated_figures.yaml states."""
    characteristics = set(yaml.safe_load((DATA_DIR / "study.yml").read_text())["characteristics"])
    figures_ = yaml.safe_load((DATA_DIR / "stated_figures.yaml").read_text())["figures"]
    cells = {(f["compute"]["question"], f["compute"]["options"][0]) for f in figures_
             if f["compute"]["measure"] == "count" and f["compute"].get("question") in characteristics
             and len(f["compute"]["options"]) == 1}
    # "most ... psychologists (n=16)": the count of the most common option, which the figure names
    cells |= {(f["compute"]["question"], f["compute"]["expect"]) for f in figures_
              if f["compute"]["measure"] == "most_common" and f["unit"] == "count"
              and f["compute"].get("question") in characteristics}
    return cells


def test_every_chart_of_the_study_says_what_and_whence(study):
    inputs, _, out = study
    doc = yaml.safe_load((DATA_DIR / "study.yml").read_text())
    reconstructed = yaml.safe_load((DATA_DIR / "responses.meta.yaml").read_text())["reconstructed"]
    assert reconstructed is True  # the data of this repository are reconstructed
    assert out.specs
    for spec in out.specs:
        assert spec["number"] == inputs.instrument.question(spec["name"]).number
        assert spec["source"] == f"Source: {doc['short_title']}, doi:{doc['doi']}"
        assert spec["notice"] == WORDS


def test_every_computed_download_of_the_study_is_labelled_and_the_others_are_not(study):
    _, results, out = study
    downloads = {path: text for path, text in out.docs.items()
                 if path.startswith("downloads/") and path.endswith(".csv")}
    computed = {f"downloads/{q}.csv" for q in results.questions if f"downloads/{q}.csv" in downloads}
    computed.add("downloads/table-1.csv")
    assert len(computed) > 10
    for path, text in downloads.items():
        # themes-*.csv: the appendix's quotes and the manuscript's counts; stated-figures.csv: the
        # manuscript's figures. Neither holds a split of the reconstructed responses.
        assert path in computed or path == "downloads/stated-figures.csv" \
            or path.startswith("downloads/themes-"), path
        assert_labelled(text, path in computed)


def test_table_1_marks_exactly_the_cells_the_paper_states(study):
    inputs, results, out = study
    expected = stated_cells_from_the_yaml()
    assert expected  # the paper states some characteristics counts (female, white, ...)
    assert results.stated_cells == expected
    table1 = rows(out.docs["downloads/table-1.csv"])
    header, *data = table1
    col = {name: i for i, name in enumerate(header)}
    marked = {(r[col["question_id"]], r[col["option"]]) for r in data
              if r[col["count_stated_in_paper"]] == "yes"}
    assert marked == expected
    md = out.extra["fragments/table-1.md"]
    md_rows = [line for line in md.splitlines() if line.startswith("| ") and MARK in line]
    assert sorted(line.split(" | ")[0][2:] for line in md_rows) == sorted(md_text(o) for _, o in expected)
    for q, option in expected:  # the marked count is the count the data give for that answer
        r = results.questions[q]
        count = next(o.share.count for o in r.options if o.label == option)
        assert f"| {md_text(option)} | {count} {MARK} |" in md
    caption = md.split("\n\n")[0]
    assert MARK in caption and "reconstructed data, not the study's responses" in caption


def test_a_hidden_cell_stays_hidden_and_unmarked_even_when_stated():
    r = choice("fewer than 3")
    stated = frozenset({("Q1", "Yes"), ("Q1", "No")})
    md, text = pages.characteristics_fragment([r], 3, RECONSTRUCTED, stated)
    assert f"| Yes | 3 {MARK} | 75% |" in md
    assert "| No | *fewer than 3* | – |" in md
    assert md.count(MARK) == 2  # the caption and the one shown count
    by_option = {row[3]: row for row in rows(text)[1:]}
    assert by_option["Yes"][-1] == "yes" and by_option["No"][-1] == ""
    assert by_option["No"][4] == "fewer than 3"


def test_table_1_of_real_data_says_only_what_the_paper_also_reports():
    md, _ = pages.characteristics_fragment([choice()], 3, REAL, frozenset({("Q1", "Yes")}))
    assert "reconstructed" not in md.lower() and md.count(MARK) == 2
    md, _ = pages.characteristics_fragment([choice()], 3, REAL, frozenset())
    assert MARK not in md and "reconstructed" not in md.lower()


def test_the_made_up_second_survey_is_not_reconstructed_so_nothing_says_it_is():
    mini = ROOT / "tests" / "fixtures" / "mini_survey" / "study.yml"
    inputs = load(mini)
    out = render(inputs, compute(inputs))
    assert all(s["notice"] == "" and s["source"].startswith("Source: ") for s in out.specs)
    for path, text in out.docs.items():
        if path.endswith(".csv"):
            assert_labelled(text, False)
