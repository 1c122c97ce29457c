"""The survey responses: the committed reconstructed file, its generator, and the loader's checks.

Expected values come from the manuscript (paper.txt), not from the code under test.
"""
from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from findings.load.instrument import load_instrument
from findings.paths import DATA_DIR, ROOT
from findings.errors import DataError
from findings.load.responses import load_responses, read_qualtrics

RESPONSES = DATA_DIR / "responses.csv"
META = DATA_DIR / "responses.meta.yaml"
FIXTURES = ROOT / "tests" / "fixtures" / "qualtrics"
MARKER = "[answer not published]"
PERSONAL = ["StartDate", "EndDate", "IPAddress", "RecordedDate", "RecipientLastName",
            "RecipientFirstName", "RecipientEmail", "ExternalReference", "LocationLatitude",
            "LocationLongitude", "EmailAddress", "Name"]


@pytest.fixture(scope="module")
def inst():
    return load_instrument(DATA_DIR / "instrument.yaml")


@pytest.fixture(scope="module")
def responses(inst):
    return load_responses(RESPONSES, inst, META)


@pytest.fixture(scope="module")
def df(responses):
    return responses.data


# --------------------------------------------------------------------------- the committed file


def test_63_respondents_with_unique_pseudonymous_ids(df):
    assert len(df) == 63
    assert df.index.is_unique
    assert list(df.index) == [f"P{n}" for n in range(1, 64)]


def test_44_finished_and_progress_agrees_with_finished(df):
    assert int(df.finished.sum()) == 44
    assert (df.loc[df.finished, "progress"] == 100).all()
    assert (df.loc[~df.finished, "progress"] < 100).all()


def test_those_who_stop_answer_nothing_after_where_they_stopped(df, inst):
    order = [q.id for q in inst.questions]
    for rid, row in df[~df.finished].iterrows():
        reached = row.progress * len(order) / 100  # questions reached, from Progress
        answered = [c for c in inst.data_columns() if isinstance(row[c], str)]
        positions = [order.index(inst.column_question(c).id) + 1 for c in answered]
        assert max(positions) <= reached + 0.5, (rid, row.progress, answered[-1])


def test_later_questions_have_fewer_answers(df):
    answered = [int(df[c].notna().sum()) for c in ["Q1", "Q11", "Q13", "Q17", "Q18_1", "Q26", "Q32"]]
    assert answered == sorted(answered, reverse=True)
    assert answered[0] == 63 and answered[-1] == 44


def test_stated_characteristics_by_hand(df):
    # paper.txt line 47
    assert (df.Q2 == "Female").sum() == 54
    assert (df.Q3 == "White").sum() == 49
    assert (df.Q1 == "26 – 35").sum() == 24
    assert (df.Q4 == "No religion").sum() == 44
    assert (df.Q5 == "2-5 years").sum() == 19
    assert df.Q5.value_counts().idxmax() == "2-5 years"
    assert (df.Q7 == "Psychologist").sum() == 16
    assert df.Q7.value_counts().idxmax() == "Psychologist"
    assert (df.Q8 == "NHS").sum() == 46
    assert (df.Q9 == "NHS community based mental health team").sum() == 32
    # an NHS community team is an NHS service
    assert (df.loc[df.Q9 == "NHS community based mental health team", "Q8"] == "NHS").all()


def test_stated_percentages_by_hand(df):
    def pct(column, *labels):
        answered = df[column].dropna()
        return round(100 * answered.isin(labels).sum() / len(answered))

    assert pct("Q11", "Strongly agree", "Somewhat agree") == 70  # line 49
    assert pct("Q11", "Strongly disagree") == 8
    assert pct("Q13", "50-75%", "More than 75%") == 64  # line 70
    assert pct("Q14", "Less than 25%", "25-50%") == 60
    assert pct("Q15", "Few") == 64  # line 71
    assert pct("Q15", "None") == 10
    assert pct("Q17", "Usually me") == 4
    assert (df.Q17 == "Always me").sum() == 0
    assert df.Q21.value_counts().idxmax() == "One-to-one conversations"
    assert pct("Q26", "Yes") == 7


def test_free_text_counts_by_hand(df):
    assert df.Q12.notna().sum() == 45  # line 51
    assert df[["Q18_8_TEXT", "Q19", "Q20"]].notna().any(axis=1).sum() == 39  # lines 63, 65
    assert df[["Q24", "Q25"]].notna().any(axis=1).sum() == 37  # line 73


def test_q18_orderings_by_hand(df):
    great = {c: (df[c] == "A great deal").sum() for c in [f"Q18_{n}" for n in range(1, 9)]}
    top = sorted(great, key=great.get, reverse=True)[:4]
    assert top == ["Q18_1", "Q18_2", "Q18_3", "Q18_4"]  # line 59
    assert len(set(great[c] for c in top)) == 4  # no ties
    for item in ["Q18_6", "Q18_7", "Q18_1"]:  # a majority "Not at all"
        assert (df[item] == "Not at all").sum() > df[item].notna().sum() / 2


def test_no_words_are_invented(df, inst):
    free = [c for c in inst.data_columns()
            if inst.column_question(c).type == "free_text" or c.endswith("_TEXT")]
    for c in free:
        assert set(df[c].dropna()) <= {MARKER}, c
    assert df.Q6.isna().all()


def test_q26a_only_after_yes(df):
    assert df.Q26a.notna().sum() == (df.Q26 == "Yes").sum() == 3
    assert (df.loc[df.Q26a.notna(), "Q26"] == "Yes").all()


def test_no_personal_data_columns_in_the_file():
    header = next(csv.reader(RESPONSES.open(encoding="utf-8")))
    assert header[:3] == ["ResponseId", "Progress", "Finished"]
    assert not set(header) & set(PERSONAL)


def test_quoted_participants_answered_what_they_are_quoted_for(df, inst):
    """Appendix Steps 2-3: a participant quoted for a question answered it. The meta file documents
    the only exceptions: bare [8] for Q12 and bare [37] for Q20 (each would break a stated count)."""
    from findings.load.themes import load_themes

    themes = load_themes(DATA_DIR / "themes.yaml")
    missing = set()
    for quote, path in themes.all_quotes():
        if path[0].id == "s1" or not quote.label:  # Step 1 numbers answers differently
            continue
        who = "P" + quote.label.lstrip("P")
        columns = inst.question(quote.question).all_columns
        if not df.loc[who, list(columns)].notna().any():
            missing.add((who, quote.question, quote.label))
    assert missing == {("P8", "Q12", "8"), ("P37", "Q20", "37")}
    documented = yaml.safe_load(META.read_text(encoding="utf-8"))["conflicts"]
    for who, question, _ in missing:
        assert any(c["figure"] == f"{who} is quoted for {question}" for c in documented)


def test_meta_says_reconstructed_and_what_is_not(responses, inst):
    meta = responses.meta
    assert meta.reconstructed is True
    assert meta.title and meta.note and "\n" not in meta.note
    assert "Q6" in meta.not_reconstructed_columns and "Q12" in meta.not_reconstructed_columns
    assert meta.generator["script"] == "data/reconstruction/make_responses.py"
    assert any("15%" in c["figure"] for c in meta.conflicts)


def test_generator_is_deterministic_and_matches_the_committed_files(tmp_path):
    script = ROOT / "data" / "reconstruction" / "make_responses.py"
    for out in ("a", "b"):
        subprocess.run([sys.executable, str(script), str(tmp_path / out)], check=True, cwd=ROOT)
    for name in ("responses.csv", "responses.meta.yaml"):
        first = (tmp_path / "a" / name).read_bytes()
        assert first == (tmp_path / "b" / name).read_bytes(), name
        assert first == (DATA_DIR / name).read_bytes(), f"data/{name} is not what the script writes"


# --------------------------------------------------------------------------- the loader's checks


def _rewrite(tmp_path: Path, edit) -> Path:
    """A copy of responses.csv with ``edit(header, rows)`` applied (rows are dicts)."""
    with RESPONSES.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        header, rows = list(reader.fieldnames), list(reader)
    header = edit(header, rows) or header
    path = tmp_path / "responses.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def _problems(path, inst) -> list[str]:
    with pytest.raises(DataError) as info:
        load_responses(path, inst)
    return [str(p) for p in info.value.problems]


def test_a_value_that_is_no_option_names_row_respondent_column_and_options(tmp_path, inst):
    def edit(header, rows):
        rows[1]["Q11"] = "Maybe"  # P2, data row 2, file line 3

    [message] = _problems(_rewrite(tmp_path, edit), inst)
    assert "responses.csv" in message
    assert "row 2 (line 3, respondent P2), column Q11" in message
    assert "'Maybe' is not an answer to question Q11" in message
    assert "'Strongly agree', 'Somewhat agree', 'Somewhat disagree', 'Strongly disagree'" in message


def test_every_problem_is_reported_at_once(tmp_path, inst):
    def edit(header, rows):
        rows[2]["ResponseId"] = "P2"  # duplicate id
        rows[4]["Progress"] = "most"  # not a number
        rows[5]["Q1"] = "Ninety"  # not an option
        for row in rows:
            row["Q99"] = ""
        header.remove("Q13")
        return header + ["Q99"]

    problems = _problems(_rewrite(tmp_path, edit), inst)
    assert len(problems) == 5, problems
    text = "\n".join(problems)
    assert "row 3 (line 4, respondent P2), column ResponseId: duplicate respondent id 'P2' (also row 2)" in text
    assert "row 5 (line 6, respondent P5), column Progress: Progress 'most' is not a number" in text
    assert "row 6 (line 7, respondent P6), column Q1: 'Ninety' is not an answer to question Q1" in text
    assert "column 'Q99' is not in the codebook" in text
    assert "codebook column missing from the data: Q13 (question Q13)" in text


def test_an_answer_the_display_logic_would_not_show(tmp_path, inst):
    def edit(header, rows):
        row = next(r for r in rows if r["Q26"] == "No")
        row["Q26a"] = "some text"
        edit.who = row["ResponseId"]

    [message] = _problems(_rewrite(tmp_path, edit), inst)
    assert f"respondent {edit.who}), column Q26a" in message
    assert "shown only to those who answered 'Yes' to question Q26" in message
    assert "answered 'No'" in message


def test_a_finished_response_needs_progress_100(tmp_path, inst):
    def edit(header, rows):
        rows[1]["Progress"] = "90"  # P2 finished

    [message] = _problems(_rewrite(tmp_path, edit), inst)
    assert "respondent P2), column Progress: Finished is 1 but Progress is 90" in message


def test_numeric_codes_are_refused_when_the_codebook_states_no_codes(tmp_path, inst):
    """Issue 8 changed this: a code is read only through a code the codebook states (``code:``); an
    option's position is no code (a reversed scale would be read upside down), so numeric cells
    against options without codes are refused, one problem per question."""
    def edit(header, rows):
        rows[1]["Q11"] = "1"
        rows[4]["Q11"] = "3"
        rows[1]["Q2"] = "2"

    problems = _problems(_rewrite(tmp_path, edit), inst)
    assert len(problems) == 2, problems
    q2, q11 = problems
    assert "column Q2: question Q2 holds numeric codes ('2') but the codebook states no code" in q2
    assert "column Q11: question Q11 holds numeric codes ('1', '3')" in q11
    assert "build_tables.py init --qsf" in q11 and "code:" in q11


def test_numeric_codes_are_read_through_the_codes_the_codebook_states(tmp_path):
    text = (DATA_DIR / "instrument.yaml").read_text(encoding="utf-8")
    stated = {"Strongly agree": 4, "Somewhat agree": 3, "Somewhat disagree": 2, "Strongly disagree": 1}
    for label, code in stated.items():  # Q11's options, given codes in reverse
        text = text.replace(f'{{label: "{label}"}}', f'{{label: "{label}", code: {code}}}', 1)
    (tmp_path / "instrument.yaml").write_text(text, encoding="utf-8")
    inst = load_instrument(tmp_path / "instrument.yaml")
    assert [o.code for o in inst.question("Q11").options] == [4, 3, 2, 1]

    def edit(header, rows):
        rows[1]["Q11"] = "1"
        rows[2]["Q11"] = "4"
        rows[3]["Q11"] = "-99"

    data = load_responses(_rewrite(tmp_path, edit), inst).data
    assert data.loc["P2", "Q11"] == "Strongly disagree"
    assert data.loc["P3", "Q11"] == "Strongly agree"
    assert data.loc["P4", "Q11"] != data.loc["P4", "Q11"]  # -99: seen, not answered (NaN)


def test_an_unreadable_file_is_refused_with_its_name(tmp_path, inst):
    bad = tmp_path / "latin1.csv"
    bad.write_bytes("ResponseId,Progress\nP1,caf\xe9\n".encode("latin-1"))
    [message] = _problems(bad, inst)
    assert "latin1.csv, line 2: not UTF-8 text" in message

    ragged = tmp_path / "ragged.csv"
    ragged.write_text("ResponseId,Progress,Finished\nP1,100\n", encoding="utf-8")
    [message] = _problems(ragged, inst)
    assert "ragged.csv, row 1 (line 2): has 2 fields but the header has 3" in message

    [message] = _problems(tmp_path / "absent.csv", inst)
    assert "absent.csv: file not found" in message


# --------------------------------------------------------------------------- real Qualtrics exports

MINI_INSTRUMENT = """\
survey: {title: "Sample"}
parts: [{id: p1, title: "Part 1"}]
questions:
  - {id: Q1, number: "1", part: p1, text: "A multiple choice question", type: single_choice,
     options: [{label: "One", code: 1}, {label: "Two", code: 2}, {label: "Three", code: 3}], columns: [Q1]}
  - {id: Q2, number: "2", part: p1, text: "A free text question", type: free_text, columns: [Q2]}
  - {id: Q2t, number: "2t", part: p1, text: "Topics", type: free_text, columns: ["Q2 - Topics"]}
"""


def _fixture(name: str) -> Path:
    path = FIXTURES / name
    assert path.is_file(), f"{path} is missing: the fixture is committed with the tests"
    return path


@pytest.fixture
def mini(tmp_path):
    path = tmp_path / "instrument.yaml"
    path.write_text(MINI_INSTRUMENT, encoding="utf-8")
    return load_instrument(path)


def test_current_qualtrics_export_is_read_and_its_personal_metadata_dropped(mini):
    path = _fixture("qualtRics_sample_numeric.csv")
    raw = read_qualtrics(path)
    assert raw.layout == "qualtrics"
    assert raw.columns == ("Progress", "Finished", "ResponseId", "Q1", "Q2", "Q2 - Topics")
    assert {"IPAddress", "LocationLatitude", "RecipientEmail"} <= set(raw.dropped)
    data = load_responses(path, mini).data
    assert list(data.index) == ["R_2YPOQ602ER1jkf1"]
    assert data.loc["R_2YPOQ602ER1jkf1", "Q1"] == "Two"  # numeric export: code 2
    assert data.loc["R_2YPOQ602ER1jkf1", "Q2"] == "Hello World!"
    assert bool(data.finished.iloc[0]) and data.progress.iloc[0] == 100
    flat = data.astype(str).to_csv()
    assert "130.92.34.66" not in flat and "47.115097045898" not in flat
    assert not set(data.columns) & set(PERSONAL)


def test_current_qualtrics_export_of_another_survey_is_refused_clearly(inst):
    path = _fixture("qualtRics_sample_numeric.csv")
    problems = _problems(path, inst)
    text = "\n".join(problems)
    assert "qualtRics_sample_numeric.csv, header rows: column 'Q2 - Topics' is not in the codebook" in text
    assert "codebook columns missing from the data: Q2_3_TEXT (question Q2), Q3 (question Q3)" in text
    assert "column Q2: 'Hello World!' is not an answer to question Q2" in text


def test_legacy_export_is_read_then_refused_for_lacking_progress(mini):
    path = _fixture("legacy/qualtRics_sample_legacy.csv")
    raw = read_qualtrics(path)
    assert raw.layout == "legacy"
    assert raw.columns == ("ResponseId", "Finished", "Q1", "Q2")
    assert {"IPAddress", "EmailAddress", "Name", "LocationLatitude"} <= set(raw.dropped)
    assert raw.rows == (("R_2YPOQ602ER1jkf1", "1", "2", "Hello World!"),)
    problems = _problems(path, mini)
    assert any("column 'Progress' is missing" in p and "legacy Qualtrics export" in p for p in problems)


def test_repeated_column_names_are_read_when_their_import_ids_differ(tmp_path):
    """Issue 8 changed this: a three-header export whose short names repeat (``other`` twice) is read,
    since the ImportIds tell the columns apart; one header row gives no ImportIds, so it is refused."""
    path = _fixture("QualtricsTools_Winter2021_numeric.csv")
    raw = read_qualtrics(path)
    others = [key for col, key in zip(raw.columns, raw.import_ids) if col == "other"]
    assert others == ["QID30_6", "QID25_6"]

    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    single = tmp_path / "single.csv"
    with single.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([rows[0]] + rows[3:])
    with pytest.raises(DataError) as info:
        read_qualtrics(single)
    assert "single.csv, line 1, column 104: column name 'other' appears twice (columns 97 and 104)" \
        in str(info.value)
