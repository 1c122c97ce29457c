"""Real Qualtrics exports (tests/fixtures/qualtrics/, licences and provenance in its README) read
against small codebooks written here: ImportId matching, reversed recode values, -99 and -1, the
multi-select layouts, exports that went through R or a spreadsheet, dropped columns, the legacy
layout and files that are no CSV export.

Every expected count is computed here from the file with the csv module, never by the loader.
"""
from __future__ import annotations

import csv
import json
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from findings.errors import DataError
from findings.load import responses as responses_module
from findings.load.instrument import load_instrument
from findings.load.responses import EXPORT_HINT, load_responses, read_qualtrics
from findings.paths import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "qualtrics"
WINTER = FIXTURES / "QualtricsTools_Winter2021_numeric.csv"
ERIM = FIXTURES / "ERIM_OS_Survey_2021" / "ERIM_OS_Survey_2021_choicetext.csv"
LEGACY = FIXTURES / "legacy" / "qualtRics_sample_legacy.csv"
# Qualtrics' own metadata names, as the fixtures' README lists them
METADATA = {"StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)", "Finished",
            "RecordedDate", "ResponseId", "RecipientLastName", "RecipientFirstName", "RecipientEmail",
            "ExternalReference", "LocationLatitude", "LocationLongitude", "DistributionChannel",
            "UserLanguage"}


def rows_of(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def column(rows: list[list[str]], name: str, nth: int = 0, header_rows: int = 3) -> list[str]:
    """The cells of the ``nth`` column called ``name``."""
    index = [i for i, col in enumerate(rows[0]) if col == name][nth]
    return [r[index] for r in rows[header_rows:]]


def record_lines(path: Path) -> list[int]:
    """The line each record of a CSV file starts on, by the csv module."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader, lines, start = csv.reader(f), [], 1
        for _ in reader:
            lines.append(start)
            start = reader.line_num + 1
    return lines


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def codebook(tmp_path: Path, questions: list[dict], ignore: list[str] = (), name: str = "instrument.yaml"):
    doc = {"ignore": list(ignore), "survey": {"title": "Test"}, "parts": [{"id": "p1", "title": "Part"}],
           "questions": [{"part": "p1", "number": str(n), "text": q["id"], **q}
                         for n, q in enumerate(questions, start=1)]}
    path = tmp_path / name
    doc = json.loads(json.dumps(doc))  # no shared objects, so no YAML anchors
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return load_instrument(path)


def rest(header: list[str], instrument, matched: set[str] = frozenset()) -> list[str]:
    """The export's columns that are neither metadata nor the codebook's (to ignore)."""
    used = set(instrument.data_columns()) | set(matched)
    return sorted({c for c in header if c not in METADATA and c not in used})


def problems(path, instrument) -> list[str]:
    with pytest.raises(DataError) as info:
        load_responses(path, instrument)
    return [str(p) for p in info.value.problems]


# --------------------------------------------------------------------------- QualtricsTools (numeric)

SATISFACTION = [{"label": "Very satisfied", "code": 4}, {"label": "Satisfied", "code": 3},
                {"label": "Dissatisfied", "code": 2}, {"label": "Very dissatisfied", "code": 1},
                {"label": "Not applicable", "code": -1, "nonsubstantive": True}]
AGREEMENT = [{"label": "Strongly agree", "code": 4}, {"label": "Agree", "code": 3},
             {"label": "Disagree", "code": 2}, {"label": "Strongly disagree", "code": 1},
             {"label": "Not applicable", "code": -1, "nonsubstantive": True}]
SPORTS = [("Soccer", "mcma_te1_4"), ("Frisbee", "mcma_te1_5"), ("Climbing", "mcma_te1_6"),
          ("Track", "mcma_te1_7"), ("Baseball", "mcma_te1_8"), ("Hockey", "mcma_te1_9"),
          ("Basketball", "mcma_te1_10"), ("Other sport, please specify:", "mcma_te1_1000"),
          ("NA, I haven't experienced this. (999)", "mcma_te1_999"),
          ("NA, I don't have any opinion. (997)", "mcma_te1_997"),
          ("NA, I really just don't care. (998)", "mcma_te1_998")]


def winter_questions(names: dict[str, str] | None = None, with_ids: bool = True) -> list[dict]:
    """Codebook entries for six questions of the QualtricsTools survey (labels and recode values
    from its .qsf). ``names``: export names to use instead (an export without the ImportId row)."""
    n = (names or {}).get
    sat = {"id": "sat", "type": "matrix", "polarity": "bipolar", "scale": SATISFACTION,
           "items": [{"column": "library", "label": "Library"}, {"column": "fitness", "label": "Fitness Center"},
                     {"column": "health", "label": "Health Services"},
                     {"column": n("sat_other", "sat_other"), "label": "Other",
                      "text_column": n("sat_other_TEXT", "sat_other_TEXT")}],
           "columns": ["library", "fitness", "health", n("sat_other", "sat_other")]}
    env = {"id": "env", "type": "matrix", "polarity": "bipolar", "scale": SATISFACTION,
           "items": [{"column": "class", "label": "Quality of classes"},
                     {"column": "faculty", "label": "Responsiveness of faculty"},
                     {"column": "community", "label": "Sense of community"},
                     {"column": "extracurricular", "label": "Extracurricular opportunities",
                      "text_column": "extracurricular_TEXT"},
                     {"column": n("env_other", "env_other"), "label": "Other",
                      "text_column": n("env_other_TEXT", "env_other_TEXT")}],
           "columns": ["class", "faculty", "community", "extracurricular", n("env_other", "env_other")]}
    if with_ids:  # the two "other" columns of the export are told apart by their ImportIds only
        sat["import_ids"] = {"library": "QID30_1", "fitness": "QID30_2", "health": "QID30_4",
                             "sat_other": "QID30_6", "sat_other_TEXT": "QID30_6_TEXT"}
        env["import_ids"] = {"env_other": "QID25_6", "env_other_TEXT": "QID25_6_TEXT"}
    agree = {"id": "agree", "type": "matrix", "polarity": "bipolar", "scale": AGREEMENT,
             "items": [{"column": "program_agree_students", "label": "Welcomed by the students"},
                       {"column": "program_agree_fit", "label": "A good fit"}],
             "columns": ["program_agree_students", "program_agree_fit"]}
    na = {"id": "mcsa_na", "type": "single_choice", "columns": ["mcsa_na"],
          "options": [{"label": "Yes", "code": 3}, {"label": "Maybe", "code": 2}, {"label": "No", "code": 1},
                      {"label": "NA - did not use", "code": -1, "nonsubstantive": True}]}
    ste = {"id": "mcsa_ste", "type": "single_choice", "columns": ["mcsa_ste"],
           "options": [{"label": "Option1", "code": 11}, {"label": "Option 2", "code": 22},
                       {"label": "Other:", "code": 33, "text_column": "mcsa_ste_33_TEXT"}]}
    sports = {"id": "sports", "type": "multiple_choice", "columns": [c for _, c in SPORTS],
              "options": [{"label": label, "column": col, **({"text_column": "mcma_te1_1000_TEXT"}
                                                              if col.endswith("1000") else {})}
                          for label, col in SPORTS]}
    return [sat, env, agree, na, ste, sports]


@pytest.fixture(scope="module")
def winter_rows():
    return rows_of(WINTER)


@pytest.fixture
def winter(tmp_path, winter_rows):
    draft = codebook(tmp_path, winter_questions(), name="draft.yaml")
    matched = {"other", "other_TEXT"}  # both pairs are codebook columns, under other names
    inst = codebook(tmp_path, winter_questions(), rest(winter_rows[0], draft, matched))
    return inst, load_responses(WINTER, inst)


def test_repeated_short_names_are_matched_on_their_import_ids(winter, winter_rows):
    _, loaded = winter
    data = loaded.data
    scale = {str(o["code"]): o["label"] for o in SATISFACTION}
    ids = column(winter_rows, "ResponseId")
    first, second = column(winter_rows, "other", 0), column(winter_rows, "other", 1)
    assert first != second  # the two columns differ: a swap would show
    assert [data.loc[r, "sat_other"] for r in ids] == [scale[v] for v in first]
    assert [data.loc[r, "env_other"] for r in ids] == [scale[v] for v in second]
    assert [data.loc[r, "env_other_TEXT"] for r in ids] == column(winter_rows, "other_TEXT", 1)
    assert len(data) == 150 and list(data.index) == ids


def test_a_short_name_that_repeats_without_an_import_id_is_refused(tmp_path, winter_rows):
    questions = winter_questions(names={"sat_other": "other", "sat_other_TEXT": "other_TEXT"})
    questions[0]["import_ids"] = {"library": "QID30_1"}
    questions = questions[:1]
    draft = codebook(tmp_path, questions, name="draft.yaml")
    inst = codebook(tmp_path, questions, rest(winter_rows[0], draft, {"other", "other_TEXT"}))
    text = "\n".join(problems(WINTER, inst))
    assert ("codebook column 'other' (question sat) matches 2 export columns of that name (columns 97, 104; "
            "ImportIds QID30_6, QID25_6); give it its ImportId under import_ids") in text
    assert "codebook column 'other_TEXT' (question sat) matches 2 export columns" in text


def test_a_column_is_found_by_its_import_id_or_not_at_all(tmp_path, winter_rows):
    """With the ImportId row, a codebook column that gives an ImportId is matched on it only: an
    export column of the same name but another ImportId is not taken in its place."""
    questions = winter_questions()
    questions[0]["import_ids"]["library"] = "QID99_1"
    draft = codebook(tmp_path, questions, name="draft.yaml")
    inst = codebook(tmp_path, questions, rest(winter_rows[0], draft, {"other", "other_TEXT"}))
    found = problems(WINTER, inst)
    assert len(found) == 2, found
    assert found[0].endswith("header rows: column 'library' is not in the codebook and not Qualtrics "
                             "metadata; add it to the codebook (instrument.yaml), or list it under ignore: "
                             "to leave it out")
    assert "codebook column missing from the data: library (question sat, ImportId QID99_1)" in found[1]


def test_a_reversed_scale_is_read_through_its_recode_values(winter, winter_rows):
    _, loaded = winter
    data = loaded.data
    for col in ("program_agree_students", "program_agree_fit"):
        cells = Counter(column(winter_rows, col))
        got = data[col].value_counts()
        # RecodeValues 4..1: code 4 is "Strongly agree", not the fourth option
        assert got["Strongly agree"] == cells["4"] and got["Strongly disagree"] == cells["1"]
        assert got["Agree"] == cells["3"] and got["Disagree"] == cells["2"]
        assert got["Not applicable"] == cells["-1"] > 0  # -1: the nonsubstantive option coded -1
        assert data[col].notna().sum() == 150
    na = Counter(column(winter_rows, "mcsa_na"))
    assert (data.mcsa_na == "Yes").sum() == na["3"] and (data.mcsa_na == "NA - did not use").sum() == na["-1"]


def test_minus_one_is_no_answer_unless_a_nonsubstantive_option_states_it(tmp_path, winter_rows):
    questions = winter_questions()
    questions[2]["scale"] = AGREEMENT[:4] + [{"label": "Not applicable", "nonsubstantive": True}]
    draft = codebook(tmp_path, questions, name="draft.yaml")
    inst = codebook(tmp_path, questions, rest(winter_rows[0], draft, {"other", "other_TEXT"}))
    data = load_responses(WINTER, inst).data
    cells = column(winter_rows, "program_agree_students")
    assert data.program_agree_students.isna().sum() == cells.count("-1") > 0
    assert (data.program_agree_students == "Not applicable").sum() == 0


def test_minus_99_in_text_columns_is_no_answer(winter, winter_rows):
    _, loaded = winter
    data = loaded.data
    for col in ("mcsa_ste_33_TEXT", "mcma_te1_1000_TEXT"):
        cells = column(winter_rows, col)
        answered = [c for c in cells if c.strip() and c.strip() != "-99"]
        assert "-99" in cells and data[col].notna().sum() == len(answered)
        assert set(data[col].dropna()) == set(answered)
    assert data.mcsa_ste_33_TEXT.notna().sum() == 59  # the "truly 59", not 150


def test_multi_select_option_columns_are_one_zero_or_not_answered(winter, winter_rows):
    _, loaded = winter
    data = loaded.data
    for label, col in SPORTS:
        cells = column(winter_rows, col)
        assert (data[col] == 1.0).sum() == cells.count("1")
        assert (data[col] == 0.0).sum() == cells.count("0")
    chosen_any = sum(any(column(winter_rows, c)[i] == "1" for _, c in SPORTS) for i in range(150))
    assert int((data[[c for _, c in SPORTS]] == 1.0).any(axis=1).sum()) == chosen_any


def test_positional_codes_against_a_numeric_export_are_refused_per_question(tmp_path, winter_rows):
    questions = winter_questions()
    questions[2]["scale"] = [{"label": o["label"]} for o in AGREEMENT]  # no code: positions only
    questions[3]["options"] = [{"label": o["label"]} for o in questions[3]["options"]]
    draft = codebook(tmp_path, questions, name="draft.yaml")
    inst = codebook(tmp_path, questions, rest(winter_rows[0], draft, {"other", "other_TEXT"}))
    found = problems(WINTER, inst)
    assert len(found) == 2, found
    agree, na = found
    assert "columns program_agree_students, program_agree_fit: question agree holds numeric codes " \
           "('1', '2', '3', '4')" in agree
    assert "column mcsa_na: question mcsa_na holds numeric codes" in na
    for text in found:
        assert "build_tables.py init --qsf" in text and "code:" in text


def test_dropped_columns_are_named_in_one_notice_never_their_values(winter, winter_rows):
    inst, loaded = winter
    assert len(loaded.notices) == 1
    notice = loaded.notices[0]
    metadata = [c for c in winter_rows[0] if c in METADATA and c not in ("ResponseId", "Progress", "Finished")]
    assert f"{len(metadata) + len(inst.ignore)} columns dropped" in notice
    assert f"{len(metadata)} Qualtrics metadata (StartDate, EndDate" in notice
    assert f"{len(inst.ignore)} listed under ignore:" in notice
    values = set(column(winter_rows, "LocationLatitude")) | set(column(winter_rows, "StartDate"))
    assert not any(v in notice for v in values if v)
    assert "LocationLatitude" not in loaded.data.columns


def test_quality_and_ignored_columns_give_one_notice_and_unknown_ones_one_problem(tmp_path, winter_rows):
    rows = [list(r) for r in winter_rows]
    quality = ["Q_RecaptchaScore", "Q_RelevantIDDuplicate", "Q_RelevantIDFraudScore", "Q_TotalDuration",
               "Q_BallotBoxStuffing", "Q_URL"]
    for i, r in enumerate(rows):
        r += quality if i == 0 else ['{"ImportId":"%s"}' % q for q in quality] if i == 2 else \
            [q if i == 1 else "0.9" for q in quality]
    path = write_csv(tmp_path / "quality.csv", rows)
    draft = codebook(tmp_path, winter_questions(), name="draft.yaml")
    ignore = rest(winter_rows[0], draft, {"other", "other_TEXT"})
    loaded = load_responses(path, codebook(tmp_path, winter_questions(), ignore))
    [notice] = loaded.notices
    assert "6 quality or panel (Q_RecaptchaScore, Q_RelevantIDDuplicate" in notice and "0.9" not in notice

    unknown = ignore[:25]  # no longer ignored: one problem lists them all
    found = problems(path, codebook(tmp_path, winter_questions(), ignore[25:]))
    assert len(found) == 1
    assert "header rows: 25 columns are not in the codebook and not Qualtrics metadata: " in found[0]
    assert ", … (25 in all); add them to the codebook (instrument.yaml), or list them under ignore:" in found[0]
    in_file_order = [c for c in winter_rows[0] if c in set(unknown)]
    assert ", ".join(repr(c) for c in in_file_order[:20]) in found[0]


# --------------------------------------------------------------------------- exports that went through R

def r_names(header: list[str]) -> list[str]:
    """R's make.names(unique = TRUE), as read.csv applies it."""
    out, seen = [], Counter()
    for col in header:
        made = re.sub(r"[^A-Za-z0-9._]", ".", col)
        if not re.match(r"[A-Za-z]|\.(?![0-9])", made):
            made = "X" + made
        unique, k = made, 0
        while unique in seen:
            k += 1
            unique = f"{made}.{k}"
        seen[unique] += 1
        out.append(unique)
    return out


def as_r_export(rows: list[list[str]], missing: set[tuple[int, str]]) -> list[list[str]]:
    """What read.csv then write.csv make of a Qualtrics export: one header row of R names, a first
    column of row numbers without a name, TRUE/FALSE, dates rewritten, NA for missing numbers
    (``missing``: (data row, column) pairs R read as NA)."""
    header = r_names(rows[0])
    out = [[""] + header]
    finished = rows[0].index("Finished")
    for n, row in enumerate(rows[3:], start=1):
        cells = list(row)
        cells[finished] = "TRUE" if cells[finished] == "1" else "FALSE"
        cells[0] = re.sub(r"(\d+)/(\d+)/(\d+) (\d+:\d+)", r"\3-0\1-\2 \4:00", cells[0])
        for i, col in enumerate(header):
            if (n, col) in missing or cells[i] == "":
                cells[i] = "NA"
        out.append([str(n)] + cells)
    return out


def test_an_export_that_went_through_r_reads_as_the_original(tmp_path, winter_rows, winter):
    _, original = winter
    missing = {(3, "program_agree_students"), (7, "mcsa_na")}  # R wrote NA there
    path = write_csv(tmp_path / "from_r.csv", as_r_export(winter_rows, missing))
    header = next(csv.reader(path.open(encoding="utf-8")))
    assert header[:1] == [""] and "Duration..in.seconds." in header and "other.1" in header
    names = {"sat_other": "other", "sat_other_TEXT": "other_TEXT", "env_other": "other.1",
             "env_other_TEXT": "other_TEXT.1"}
    questions = winter_questions(names, with_ids=False)
    draft = codebook(tmp_path, questions, name="draft.yaml")
    inst = codebook(tmp_path, questions, [c for c in rest(header, draft) if c and "Duration" not in c
                                          and c not in ("StartDate", "EndDate", "RecordedDate")])
    loaded = load_responses(path, inst)
    data = loaded.data.rename(columns={v: k for k, v in names.items()})
    expected = original.data.copy()
    ids = list(expected.index)
    for n, col in missing:
        expected.loc[ids[n - 1], col] = float("nan")
    assert list(data.index) == ids
    assert data.finished.all() and (data.progress == 100).all()
    for col in expected.columns:
        assert data[col].equals(expected[col]), col
    [notice] = loaded.notices
    assert "row numbers without a name" in notice and "Duration..in.seconds." in notice


def test_a_first_column_without_a_name_that_is_no_row_number_is_refused(tmp_path, winter_rows):
    rows = as_r_export(winter_rows, set())
    rows[5][0] = "x"
    path = write_csv(tmp_path / "from_r.csv", rows)
    questions = winter_questions({"sat_other": "other", "sat_other_TEXT": "other_TEXT",
                                  "env_other": "other.1", "env_other_TEXT": "other_TEXT.1"}, with_ids=False)
    found = problems(path, codebook(tmp_path, questions))
    assert found == [f"{path}, line 1, column 1: a column has no name; every column needs its export name"]


def test_a_spreadsheet_export_with_renamed_metadata(tmp_path):
    rows = rows_of(ERIM)
    keep = [i for i, c in enumerate(rows[0]) if c != "Q1.2"]  # one header row: no ImportIds to tell them apart
    header = [{"ResponseId": "Response ID", "Duration (in seconds)": "Duration_in_seconds"}.get(c, c)
              for c in (rows[0][i] for i in keep)]
    body = [[r[i].upper() if r[i] in ("True", "False") else r[i] for i in keep] for r in rows[3:]]
    path = write_csv(tmp_path / "sheet.csv", [header] + body)
    questions = [q for q in erim_questions() if q["id"] not in ("rsm", "ese", "tools")]
    draft = codebook(tmp_path, questions, name="draft.yaml")
    inst = codebook(tmp_path, questions, [c for c in rest(header, draft)
                                          if c not in ("Response ID", "Duration_in_seconds")])
    data = load_responses(path, inst).data
    finished = column(rows, "Finished")
    assert int(data.finished.sum()) == finished.count("True") == 113
    assert list(data.index) == column(rows, "ResponseId")


# --------------------------------------------------------------------------- ERIM (choice text)

Q84 = ["No", "Yes, I share my knowledge with my colleagues informally",
       "Yes, I share my knowledge with my colleagues by offering seminars and/or giving talks",
       "Yes, I share my knowledge with my students or fellow research students",
       "Yes, I teach open science practices in postgraduate units",
       "Yes, I teach open science practices in undergraduate units",
       "Yes, I share my knowledge with others through forum discussions (e.g. Facebook groups)",
       "Yes, I share my knowledge with others through writing posting (e.g. blogs, webs, magazines)",
       "I don’t know/prefer not to answer", "Other"]
RSM = ["Accounting and control", "Business-society management", "Finance", "Marketing management",
       "Organisation & personnel management", "Strategic management & entrepreneurship",
       "Technology & operation management"]
ESE = ["Applied economics", "Business economics", "Econometrics", "Economics"]
SCHOOLS = ["Erasmus School of Economics (ESE)", "Rotterdam School of Management (RSM)"]
AWARE = ["I am unaware of this", "I am aware of it, but don't use it", "I use this"]


def erim_questions() -> list[dict]:
    return [
        {"id": "school", "type": "single_choice", "columns": ["Q1.1"], "options": [{"label": s} for s in SCHOOLS]},
        {"id": "rsm", "type": "single_choice", "columns": ["dept_rsm"], "options": [{"label": s} for s in RSM],
         "import_ids": {"dept_rsm": "QID3"}, "condition": {"question": "school", "equals": SCHOOLS[1]}},
        {"id": "ese", "type": "single_choice", "columns": ["dept_ese"], "options": [{"label": s} for s in ESE],
         "import_ids": {"dept_ese": "QID4"}, "condition": {"question": "school", "equals": SCHOOLS[0]}},
        {"id": "share", "type": "multiple_choice", "columns": ["Q8.4"],
         "options": [{"label": s, **({"text_column": "Q8.4_10_TEXT"} if s == "Other" else {})} for s in Q84]},
        {"id": "tools", "type": "matrix", "scale": [{"label": s} for s in AWARE],
         "items": [{"column": "osf", "label": "Open Science Framework"}, {"column": "figshare",
                                                                          "label": "EUR data repository/Figshare"}],
         "columns": ["osf", "figshare"], "import_ids": {"osf": "QID62_1", "figshare": "QID62_4"}},
    ]


def erim_codebook(tmp_path: Path, header: list[str]):
    draft = codebook(tmp_path, erim_questions(), name="draft.yaml")
    used = {"Q1.2", "Q8.1_1", "Q8.1_3"}  # matched on their ImportIds, under other names
    keep = {"Response ID", "Duration_in_seconds"}
    return codebook(tmp_path, erim_questions(), [c for c in rest(header, draft, used) if c not in keep])


def test_multi_select_cells_with_commas_in_labels_are_split_on_the_option_list(tmp_path):
    rows = rows_of(ERIM)
    data = load_responses(ERIM, erim_codebook(tmp_path, rows[0])).data
    cells = column(rows, "Q8.4")
    assert not any(a != b and a in b for a in Q84 for b in Q84)  # so a substring count is a count
    for label in Q84:
        chosen = data["Q8.4"].map(lambda v: isinstance(v, tuple) and label in v)
        assert int(chosen.sum()) == sum(label in c for c in cells), label
    assert sum("," in label for label in Q84) == 7 and data["Q8.4"].notna().sum() == sum(map(bool, cells))
    # each cell is exactly its labels joined again (Qualtrics joins them in option order)
    for rid, cell in zip(column(rows, "ResponseId"), cells):
        value = data.loc[rid, "Q8.4"]
        assert (",".join(value) if isinstance(value, tuple) else "") == cell


def test_a_repeated_short_name_behind_display_logic_and_matrix_ids_out_of_order(tmp_path):
    rows = rows_of(ERIM)
    data = load_responses(ERIM, erim_codebook(tmp_path, rows[0])).data
    ids = column(rows, "ResponseId")
    assert [data.loc[r, "dept_rsm"] if isinstance(data.loc[r, "dept_rsm"], str) else "" for r in ids] == \
        column(rows, "Q1.2", 0)
    assert [data.loc[r, "dept_ese"] if isinstance(data.loc[r, "dept_ese"], str) else "" for r in ids] == \
        column(rows, "Q1.2", 1)
    # Q8.1_3 is QID62_4 (the column suffixes follow the display order)
    assert [data.loc[r, "figshare"] if isinstance(data.loc[r, "figshare"], str) else "" for r in ids] == \
        column(rows, "Q8.1_3")


def test_an_answer_against_the_display_logic_is_reported_with_its_row(tmp_path):
    rows = [list(r) for r in rows_of(ERIM)]
    school, rsm = rows[0].index("Q1.1"), rows[0].index("Q1.2")
    row = next(i for i, r in enumerate(rows[3:], start=3) if r[school] == SCHOOLS[1] and r[rsm])
    rows[row][school] = SCHOOLS[0]
    path = write_csv(tmp_path / "erim.csv", rows)
    found = problems(path, erim_codebook(tmp_path, rows[0]))
    line = record_lines(path)[row]
    assert line > row + 1  # the header rows hold line breaks: lines are not rows
    assert len(found) == 1
    assert f"row {row - 2} (line {line}, respondent {rows[row][rows[0].index('ResponseId')]}), column dept_rsm: " \
           f"answered, but question rsm is shown only to those who answered {SCHOOLS[1]!r}" in found[0]


def test_an_unknown_piece_of_a_multi_select_cell_is_reported(tmp_path):
    rows = [list(r) for r in rows_of(ERIM)]
    col = rows[0].index("Q8.4")
    row = next(i for i, r in enumerate(rows[3:], start=3) if r[col].count(",") >= 2)
    rows[row][col] = rows[row][col] + ",Yes, I blog"
    path = write_csv(tmp_path / "erim.csv", rows)
    [found] = problems(path, erim_codebook(tmp_path, rows[0]))
    assert f"row {row - 2} (line " in found
    assert "column Q8.4: 'Yes', 'I blog' are not an option of question share" in found


def test_a_choice_label_matches_after_white_space_and_html(tmp_path):
    rows = [list(r) for r in rows_of(ERIM)]
    col = rows[0].index("Q1.1")
    rows[3][col], rows[4][col] = "Rotterdam  School of\u00a0Management (RSM)", "<b>Rotterdam</b> School of " \
                                                                            "Management (RSM)"
    path = write_csv(tmp_path / "erim.csv", rows)
    data = load_responses(path, erim_codebook(tmp_path, rows[0])).data
    assert data.loc[rows[3][6], "Q1.1"] == data.loc[rows[4][6], "Q1.1"] == SCHOOLS[1]


# --------------------------------------------------------------------------- the legacy layout

def test_the_legacy_layout_is_read_and_refused_for_lacking_progress(tmp_path):
    inst = codebook(tmp_path, [{"id": "Q1", "type": "single_choice", "columns": ["Q1"],
                                "options": [{"label": "One", "code": 1}, {"label": "Two", "code": 2}]},
                               {"id": "Q2", "type": "free_text", "columns": ["Q2"]}])
    raw = read_qualtrics(LEGACY)
    assert raw.layout == "legacy" and raw.rows == (("R_2YPOQ602ER1jkf1", "1", "2", "Hello World!"),)
    [found] = problems(LEGACY, inst)
    assert "header rows: column 'Progress' is missing" in found and "legacy Qualtrics export" in found


# --------------------------------------------------------------------------- files that are no CSV export

@pytest.mark.parametrize("data, kind", [
    (json.dumps({"data": [{"id": "114", "response_status": "completed", "pages": [{"id": "1", "questions": []}]}],
                 "per_page": 50, "page": 1, "total": 1}).encode(), "JSON, not CSV"),  # another platform's API
    (json.dumps({"result": {"responses": [{"responseId": "R_1", "values": {"QID1": 1}}]}}).encode(), "JSON"),
    (b"PK\x03\x04\x14\x00\x06\x00[Content_Types].xml", "an Excel workbook (.xlsx)"),
    (b"$FL2@(#) IBM SPSS STATISTICS 64-bit", "an SPSS data file (.sav)"),
    (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3 a report", "a PDF document"),
    ("StartDate\tEndDate\tResponseId\n1/1/2021\t1/1/2021\tR_1\n".encode(), "tab-separated values"),
])
def test_a_file_that_is_no_export_says_what_it_is_and_how_to_export(tmp_path, data, kind):
    path = tmp_path / "responses.csv"
    path.write_bytes(data)
    inst = codebook(tmp_path, [{"id": "Q1", "type": "free_text", "columns": ["Q1"]}])
    [found] = problems(path, inst)
    assert found.startswith(f"{path}: looks like {kind}") and found.endswith(EXPORT_HINT)


def test_a_json_file_too_big_to_parse_whole_is_still_named(tmp_path, monkeypatch):
    monkeypatch.setattr(responses_module, "JSON_WHOLE", 100)
    path = tmp_path / "responses.csv"
    path.write_text(json.dumps([{"ResponseId": f"R_{n}", "Q1": "x" * 50} for n in range(50)]), encoding="utf-8")
    inst = codebook(tmp_path, [{"id": "Q1", "type": "free_text", "columns": ["Q1"]}])
    [found] = problems(path, inst)
    assert found.startswith(f"{path}: looks like JSON, not CSV")


def test_a_header_too_wide_for_any_export_is_refused_before_it_is_parsed(tmp_path):
    path = tmp_path / "responses.csv"
    path.write_text("c," * 1_000_000 + "\n1\n", encoding="utf-8")
    inst = codebook(tmp_path, [{"id": "Q1", "type": "free_text", "columns": ["Q1"]}])
    [found] = problems(path, inst)
    assert found == (f"{path}, line 1: the header has more than 80,000 commas, more than the 20,000 columns "
                     f"a survey export may have; {EXPORT_HINT}")
