"""The small, fast version of the scale run (issue 12): 10,000 respondents of the synthetic survey
(tests/benchmarks/synthetic.py: 100 questions of every kind, 130 export columns) through load and
compute, with counts checked against the export read independently here with the csv module; the
forms the responses contract keeps at scale; a dropdown of 200 options drawn at a bounded height;
and the build's progress and timing report.

The full run (10^6 respondents, and a site of 300 questions and 2,000 quotes) is
tests/benchmarks/scale.py, by hand; its results are in tests/benchmarks/SCALE_RESULTS.md.
"""
from __future__ import annotations

import csv
import io
import shutil
import struct
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from findings.compute import compute
from findings.load import load
from findings.pipeline import Progress
from tests.benchmarks.synthetic import write_survey

ROOT = Path(__file__).resolve().parent.parent
RESPONDENTS = 10_000
# the labels of the multi-selects joined in one cell (they hold commas themselves)
JOINED = ["Yes, at work", "Yes, at home", "No, never", "Sometimes, when asked", "Other"]
MATRIX = {"5": "Very useful", "4": "Useful", "3": "Somewhat useful", "2": "Not very useful",
          "1": "Not at all useful", "-1": "Not applicable"}


@pytest.fixture(scope="module")
def survey(tmp_path_factory):
    return write_survey(tmp_path_factory.mktemp("scale") / "survey", respondents=RESPONDENTS)


@pytest.fixture(scope="module")
def rows(survey) -> list[dict[str, str]]:
    with open(survey.responses, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def built(survey):
    inputs = load(survey.study)
    return inputs, compute(inputs)


def kind(survey, qid: str) -> str:
    return next(q["kind"] for q in survey.instrument["questions"] if q["id"] == qid)


def answered(cell: str) -> bool:
    """An answer in the export's terms: not empty, not -99 (seen, not answered)."""
    return cell.strip() not in ("", "-99")


def test_the_survey_has_every_kind_at_scale(survey, rows):
    kinds = Counter(q["type"] for q in survey.instrument["questions"])
    assert kinds == {"single_choice": 55, "yes_no": 10, "multiple_choice": 15, "matrix": 5, "free_text": 10,
                     "number": 5}
    assert len(rows) == RESPONDENTS and len(rows[0]) == 137  # 130 codebook columns, 7 metadata
    assert any("\n" not in c and "," in c and c.startswith(JOINED[0]) for c in (r["Q13"] for r in rows))


def test_respondents_and_finished(built, rows):
    _, results = built
    assert results.respondents == len(rows)
    assert results.finished == sum(r["Finished"] == "1" for r in rows)


def test_single_choice_counts_and_denominators(built, rows, survey):
    _, results = built
    for qid in ("Q1", "Q2", "Q3", "Q41"):
        result = results.questions[qid]
        cells = Counter(r[qid] for r in rows if r[qid])
        assert result.answered == sum(cells.values())
        substantive = sum(n for label, n in cells.items() if label != "Don't know")
        for option in result.options:
            assert option.share.count == cells.get(option.label, 0), (qid, option.label)
            assert option.share.of == (result.answered if option.label == "Don't know" else substantive)
    typed = results.questions["Q3"].options[-1].typed  # "Other, please specify": text in its box
    assert typed == sum(answered(r["Q3_TEXT"]) for r in rows) > 0
    assert kind(survey, "Q2") == "dropdown" and len(results.questions["Q2"].options) == 200


def test_multi_select_counts_both_layouts(built, rows):
    _, results = built
    subsets = {",".join(label for bit, label in enumerate(JOINED) if mask >> bit & 1):
               {label for bit, label in enumerate(JOINED) if mask >> bit & 1} for mask in range(1, 32)}
    chosen = [subsets[r["Q13"]] for r in rows if r["Q13"]]
    result = results.questions["Q13"]
    assert result.answered == len(chosen)
    for option in result.options:
        assert option.share.count == sum(option.label in c for c in chosen)
    ticks = results.questions["Q15"]
    assert ticks.answered == sum(any(r[f"Q15_{k}"] == "1" for k in (1, 2, 3)) for r in rows)
    for k, option in enumerate(ticks.options, start=1):
        assert option.share.count == sum(r[f"Q15_{k}"] == "1" for r in rows)


def test_matrix_counts_with_not_applicable_apart(built, rows):
    _, results = built
    matrix = results.questions["Q16"]
    for item in matrix.items:
        codes = Counter(r[item.column] for r in rows if r[item.column] in MATRIX)
        assert item.answered == sum(codes.values())
        assert item.on_scale == item.answered - codes["-1"]
        assert {p.label: p.share.count for p in item.points} == {MATRIX[c]: codes[c] for c in MATRIX}
    assert matrix.answered_any == sum(any(r[f"Q16_{k}"] in MATRIX for k in (1, 2, 3, 4)) for r in rows)


def test_free_text_answered_and_shown_to(built, rows):
    _, results = built
    assert results.questions["Q17"].answered == sum(answered(r["Q17"]) for r in rows)
    conditional = results.questions["Q18"]  # shown to those who said Yes to Q11
    assert conditional.answered == sum(answered(r["Q18"]) for r in rows)
    assert conditional.shown_to == sum(r["Q11"] == "Yes" for r in rows)


def test_numbers(built, rows):
    _, results = built
    numbers = [float(r["Q19"]) for r in rows if r["Q19"]]
    summary = results.questions["Q19"].items[0].summary
    assert summary.n == len(numbers) and summary.mean == pytest.approx(sum(numbers) / len(numbers))


def test_the_contract_at_scale(built, rows):
    """Labels and tuples of labels are categoricals (one byte a respondent), free text stays text."""
    inputs, _ = built
    data = inputs.responses.data
    assert isinstance(data["Q1"].dtype, pd.CategoricalDtype) and data["Q1"].memory_usage(index=False) < 2 * len(data)
    assert list(data.index[:2]) == [rows[0]["ResponseId"], rows[1]["ResponseId"]]
    first = rows[0]
    assert (data["Q1"].iloc[0] if first["Q1"] else None) == (first["Q1"] or None)
    joined = next(i for i, r in enumerate(rows) if r["Q13"].count(",") >= 2)
    assert isinstance(data["Q13"].iloc[joined], tuple) and ",".join(data["Q13"].iloc[joined]) == rows[joined]["Q13"]
    unique = next(i for i, r in enumerate(rows) if answered(r["Q17"]))
    assert data["Q17"].iloc[unique] == rows[unique]["Q17"]
    skipped = next(i for i, r in enumerate(rows) if r["Q17"] == "-99")
    assert pd.isna(data["Q17"].iloc[skipped])


def test_a_dropdown_of_200_options_draws_a_chart_of_bounded_height(built, tmp_path):
    from findings.render.figures import bar_spec, draw

    _, results = built
    charted = results.questions["Q2"].charted
    assert len(charted.bars) == 24 and len(charted.others_labels) == 176  # 24 bars and "the others"
    draw(bar_spec(results.questions["Q2"]), str(tmp_path / "Q2"))
    width, height = struct.unpack(">II", (tmp_path / "Q2.png").read_bytes()[16:24])
    assert height < 4 * width  # 193 options once drew a chart 14,624 px tall


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_is_quiet_on_short_work_and_times_every_stage():
    stream = io.StringIO()
    progress = Progress(stream, after=2.0)
    with progress.stage("load"):
        pass
    with progress.stage("figures"):
        progress.figures(1, 1)
    progress.close()
    assert stream.getvalue() == ""
    assert list(progress.seconds) == ["load", "figures"]
    assert progress.summary().startswith("load 0.0 s, figures 0.0 s")


def test_progress_speaks_once_the_work_is_long_and_at_once_on_a_terminal():
    stream = io.StringIO()
    progress = Progress(stream, after=0.05)
    with progress.stage("load"):
        waited = time.perf_counter()
        while not progress.talking and time.perf_counter() - waited < 10:  # the timer's thread
            time.sleep(0.01)
        time.sleep(0.05)
    with progress.stage("figures"):
        progress.figures(3, 3)
    progress.close()
    assert stream.getvalue().splitlines() == ["build_tables: load …", "build_tables: figures …",
                                              "build_tables: figures: 3 of 3 drawn"]
    terminal = Terminal()
    progress = Progress(terminal)
    with progress.stage("compute"):
        pass
    progress.close()
    assert terminal.getvalue() == "build_tables: compute …\n"


def test_the_build_reports_its_stages(tmp_path):
    shutil.copytree(ROOT / "tests" / "fixtures" / "mini_survey", tmp_path / "survey")
    done = subprocess.run([sys.executable, "build_tables.py", "--data", str(tmp_path / "survey"),
                           "--out", str(tmp_path / "build"), "--cache", str(tmp_path / "cache")],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    line = next(x for x in done.stdout.splitlines() if x.startswith("build_tables: stages: "))
    stages = [part.rsplit(" ", 2)[0] for part in line.removeprefix("build_tables: stages: ").split(", ")]
    assert stages == ["load", "compute", "render", "privacy check", "write", "figures"]


def test_a_quote_never_closed_is_refused_not_swallowed(tmp_path, survey):
    """pyarrow's parser would take the rest of the file into a last cell whose quote never closes
    (the rows after it lost without a word); the loader refuses the file, as with pandas before."""
    from findings.errors import DataError
    from findings.load.instrument import load_instrument
    from findings.load.responses import load_responses

    mini = ROOT / "tests" / "fixtures" / "mini_survey"
    inst = load_instrument(mini / "instrument.yaml")
    lines = (mini / "responses.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    broken = tmp_path / "responses.csv"
    broken.write_text("".join(lines[:3]) + lines[3].rstrip("\n") + '"it goes on\n' + "".join(lines[4:]),
                      encoding="utf-8")
    assert lines[3].rstrip("\n").endswith(",")  # the quote opens the row's last cell
    with pytest.raises(DataError) as refused:
        load_responses(broken, inst)
    assert str(refused.value) == (f"{broken}: not a readable CSV file (a quote that opens a cell is never "
                                  "closed: EOF inside string); expected comma-separated values as Qualtrics "
                                  "exports them")
    closed = tmp_path / "closed.csv"
    closed.write_text("".join(lines[:3]) + lines[3].rstrip("\n") + '"it goes ""on"", and on"\n'
                      + "".join(lines[4:]), encoding="utf-8")
    data = load_responses(closed, inst).data
    assert len(data) == len(lines) - 1 and data["A4"].iloc[2] == 'it goes "on", and on'
