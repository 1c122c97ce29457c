"""A research team's own survey, end to end, as the README's "Your own survey" tells them: `init`
drafts a survey folder from the real Qualtrics files in tests/fixtures/qualtrics/, `build_tables.py
--data` builds it with no edit, MkDocs builds the site strictly, and the counts the site publishes
equal counts computed here straight from the export and the .qsf (csv and json modules only)."""
from __future__ import annotations

import csv
import html
import io
import json
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from tests.site_config import mkdocs_build_elsewhere

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "qualtrics"
SURVEYS = {
    "winter": ("QualtricsTools_Winter2021.qsf", "QualtricsTools_Winter2021_numeric.csv"),
    "erim": ("ERIM_OS_Survey_2021/ERIM_OS_Survey_2021.qsf",
             "ERIM_OS_Survey_2021/ERIM_OS_Survey_2021_choicetext.csv"),
}


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, str(ROOT / "build_tables.py"), *args], cwd=cwd,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    return done


_BUILT: dict = {}


def build_site(name: str, tmp_path_factory):
    """init -> build_tables.py --data -> mkdocs build --strict, in a temporary project (once)."""
    if name in _BUILT:
        return _BUILT[name]
    qsf, export = SURVEYS[name]
    tmp = tmp_path_factory.mktemp(name)
    run("init", "--qsf", str(FIXTURES / qsf), "--responses", str(FIXTURES / export),
        "--out", str(tmp / "survey"), cwd=tmp)
    built = run("--data", str(tmp / "survey"), "--out", str(tmp / "build"),
                "--cache", str(tmp / "cache"), cwd=tmp)
    done = mkdocs_build_elsewhere(tmp)
    assert done.returncode == 0, done.stderr[-3000:]
    _BUILT[name] = (name, tmp, built)
    return _BUILT[name]


@pytest.fixture(scope="module", params=sorted(SURVEYS))
def site(request, tmp_path_factory):
    return build_site(request.param, tmp_path_factory)


@pytest.fixture(scope="module")
def winter(tmp_path_factory):
    return build_site("winter", tmp_path_factory)


@pytest.fixture(scope="module")
def erim(tmp_path_factory):
    return build_site("erim", tmp_path_factory)


# ------------------------------------------------------------------ independent reading of the inputs

def export_rows(name: str) -> tuple[list[str], list[dict]]:
    """The export's short names and its data rows (after Qualtrics' three header rows), by position."""
    text = (FIXTURES / SURVEYS[name][1]).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return rows[0], rows[3:]


def import_ids(name: str) -> list[str]:
    text = (FIXTURES / SURVEYS[name][1]).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return [json.loads(cell)["ImportId"] for cell in rows[2]]


def qsf_question(name: str, tag: str) -> dict:
    survey = json.loads((FIXTURES / SURVEYS[name][0]).read_text(encoding="utf-8"))
    found = [e["Payload"] for e in survey["SurveyElements"]
             if e["Element"] == "SQ" and e["Payload"].get("DataExportTag") == tag]
    assert len(found) == 1, tag
    return found[0]


def plain(text: str) -> str:
    """A .qsf display text as a person reads it: no tags, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def download(tmp: Path, qid: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO((tmp / "site" / "downloads" / f"{qid}.csv").read_text())))


def page_with(tmp: Path, text: str) -> str:
    """The published results page that holds ``text`` (as HTML)."""
    for page in (tmp / "site" / "results").rglob("index.html"):
        body = page.read_text(encoding="utf-8")
        if text in body:
            return body
    raise AssertionError(f"no results page holds {text!r}")


# ------------------------------------------------------------------ the tests

def test_the_site_is_complete(site):
    name, tmp, built = site
    for page in ("index.html", "report/index.html", "results/index.html", "instrument/index.html",
                 "data/index.html"):
        assert (tmp / "site" / page).is_file(), page
    home = (tmp / "site" / "index.html").read_text(encoding="utf-8")
    respondents = len(export_rows(name)[1])
    assert f"{respondents} people took part" in home
    report = (tmp / "site" / "report" / "index.html").read_text(encoding="utf-8")
    assert f"{respondents} people took part" in report
    assert 'class="site-address"' in report  # the printed report says where the site is
    assert "columns dropped" in built.stderr  # metadata (and any ignored column): one notice


def test_single_choice_numeric_codes_through_recode_values(winter):
    name, tmp, _ = winter
    header, rows = export_rows(name)
    q = qsf_question(name, "mcsa_ste")
    code_to_label = {q["RecodeValues"][cid]: plain(q["Choices"][cid]["Display"]) for cid in q["Choices"]}
    i = header.index("mcsa_ste")
    expected = Counter(code_to_label[r[i]] for r in rows if r[i] not in ("", "-99", "-1"))
    answered = sum(expected.values())
    published = {row["answer"]: (int(row["respondents"]), int(row["answered"]))
                 for row in download(tmp, "mcsa_ste")}
    assert published == {label: (count, answered) for label, count in expected.items()}
    assert answered == 150 and expected["Other:"] == 59


def test_likert_matrix_with_reversed_recodes_and_not_applicable_apart(winter):
    name, tmp, _ = winter
    header, rows = export_rows(name)
    q = qsf_question(name, "matrix_italic_nabar")
    code_to_label = {q["RecodeValues"][aid]: plain(q["Answers"][aid]["Display"]) for aid in q["Answers"]}
    assert code_to_label["4"] == "Strongly agree" and code_to_label["-1"] == "Not applicable"
    published = {row["column"]: row for row in download(tmp, "matrix_italic_nabar")}
    for column in ("program_agree_students", "program_agree_fit"):
        i = header.index(column)
        counts = Counter(code_to_label[r[i]] for r in rows if r[i] not in ("", "-99"))
        row = published[column]
        for label, count in counts.items():
            assert int(row[label]) == count, (column, label)
        on_scale = sum(n for label, n in counts.items() if label != "Not applicable")
        assert int(row["answered_on_the_scale"]) == on_scale  # "Not applicable" is not on the scale
    body = page_with(tmp, "I felt welcomed by the students in")
    assert "Not applicable" in body


def test_multi_select_one_column_per_option(winter):
    name, tmp, _ = winter
    header, rows = export_rows(name)
    q = qsf_question(name, "mcma_standard")
    # a column per option, found by its ImportId object: {"ImportId": QID, "choiceId": the option's
    # recode value} (Qualtrics numbers multi-select columns by recode value)
    text = (FIXTURES / SURVEYS[name][1]).read_text(encoding="utf-8-sig")
    objects = [json.loads(c) for c in list(csv.reader(io.StringIO(text, newline="")))[2]]
    idx = [objects.index({"ImportId": q["QuestionID"], "choiceId": q["RecodeValues"][str(cid)]})
           for cid in q["ChoiceOrder"]]
    labels = [plain(q["Choices"][str(cid)]["Display"]) for cid in q["ChoiceOrder"]]
    answered = sum(1 for r in rows if any(r[i] == "1" for i in idx))
    published = {row["answer"]: row for row in download(tmp, "mcma_standard")}
    for label, i in zip(labels, idx):
        assert int(published[label]["respondents"]) == sum(r[i] == "1" for r in rows), label
        assert int(published[label]["answered"]) == answered
    body = page_with(tmp, "Soccer")
    assert "more than 100" in body  # several answers could be chosen


def test_multi_select_labels_with_commas_are_split_by_the_option_list(erim):
    name, tmp, _ = erim
    header, rows = export_rows(name)
    q = qsf_question(name, "Q8.4")
    labels = [plain(q["Choices"][str(cid)]["Display"]) for cid in q["ChoiceOrder"]]
    assert any("," in label for label in labels)
    i = import_ids(name).index("QID82")
    counts, answered = Counter(), 0
    for r in rows:
        cell = r[i]
        if not cell:
            continue
        answered += 1
        chosen = [label for label in labels if re.search(rf"(^|,){re.escape(label)}(,|$)", cell)]
        assert ",".join(chosen) == cell  # the whole cell is these labels, in the option order
        counts.update(chosen)
    qid = next(p.stem for p in (tmp / "site" / "downloads").glob("*.csv")
               if any(row.get("answer") == labels[1] for row in download(tmp, p.stem)))
    published = {row["answer"]: row for row in download(tmp, qid)}
    for label in labels:
        assert int(published[label]["respondents"]) == counts[label], label
        assert int(published[label]["answered"]) == answered


def test_seen_but_not_answered_text_is_not_an_answer(winter):
    """-99 in a `_TEXT` column: 91 of 150 cells. The build counts only the 59 typed answers."""
    name, tmp, _ = winter
    header, rows = export_rows(name)
    i = header.index("mcsa_ste_33_TEXT")
    typed = sum(1 for r in rows if r[i] not in ("", "-99", "-1"))
    assert typed == 59
    published = {row["answer"]: row for row in download(tmp, "mcsa_ste")}
    assert published["Other:"]["typed_in_text_box"] == str(typed)
    assert published["Option1"]["typed_in_text_box"] == ""  # no text box
    body = re.sub(r"<[^>]+>", "", page_with(tmp, "Option 2"))
    assert f"{typed} of the 59 who chose “Other:” typed an answer" in body
