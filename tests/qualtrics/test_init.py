"""init on the three real Qualtrics surveys: the drafted codebooks load, and what they say is what
the .qsf and the export say, computed here from their JSON and CSV with nothing of the code under
test."""
from __future__ import annotations

import csv
import html
import json
import re
from collections import Counter

import pytest

from findings.load.instrument import load_instrument
from findings.load.responses import METADATA_COLUMNS, load_responses
from findings.load.study import load_study
from findings.load.themes import load_themes

from .conftest import PAIRS


# --------------------------------------------------------------------------- independent readings

def sq(name: str) -> dict:
    """QID -> the question payload of the .qsf."""
    data = json.loads(PAIRS[name][0].read_text(encoding="utf-8"))
    return {e["PrimaryAttribute"]: e["Payload"] for e in data["SurveyElements"] if e["Element"] == "SQ"}


def elements(name: str, kind: str) -> list:
    data = json.loads(PAIRS[name][0].read_text(encoding="utf-8"))
    return [e["Payload"] for e in data["SurveyElements"] if e["Element"] == kind]


def blocks(name: str) -> list[dict]:
    payload = elements(name, "BL")[0]  # a list in some .qsf files, a mapping in others
    return list(payload.values()) if isinstance(payload, dict) else payload


def text(value: str) -> str:
    """HTML as a reader sees it: tags out, entities in, whitespace collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]*>", " ", value)).split())


def labels(payload: dict, key: str = "Choices", order: str = "ChoiceOrder") -> list[tuple[str, str]]:
    """(id, label) in display order."""
    return [(str(i), text(payload[key][str(i)]["Display"])) for i in payload[order]]


class Export:
    def __init__(self, name: str):
        with open(PAIRS[name][1], newline="", encoding="utf-8-sig") as f:
            rows = list(csv.reader(f))
        self.names = rows[0]
        self.keys = []
        for cell in rows[2]:
            value = json.loads(cell)
            self.keys.append(value["ImportId"] + (f"_{value['choiceId']}" if "choiceId" in value else ""))
        self.rows = rows[3:]

    def name_of(self, key: str) -> str:
        return self.names[self.keys.index(key)]

    def values(self, key: str) -> list[str]:
        i = self.keys.index(key)
        return [r[i] for r in self.rows]


def by_import_id(run, key: str) -> tuple[dict, str]:
    """The drafted question holding the column of this ImportId, and the codebook column's name."""
    for q in run.instrument["questions"]:
        for column, k in q.get("import_ids", {}).items():
            if k == key:
                return q, column
    raise KeyError(key)


def split(cell: str, options: list[str]) -> list[str] | None:
    """A choice-text multi-select cell as its labels (labels may hold commas): the first split that
    uses the whole cell, trying labels in the given order."""
    if cell == "":
        return []
    for label in options:
        if cell == label:
            return [label]
        if cell.startswith(label + ","):
            rest = split(cell[len(label) + 1:], options)
            if rest is not None:
                return [label] + rest
    return None


# --------------------------------------------------------------------------- every survey

@pytest.mark.parametrize("name", list(PAIRS))
def test_the_drafted_codebook_loads_and_names_every_column_once(drafted, name):
    run = drafted[name]
    instrument = load_instrument(run.folder / "instrument.yaml")
    columns = instrument.data_columns()
    assert columns and len(columns) == len(set(columns))
    assert [q.id for q in instrument.questions] == [q["id"] for q in run.instrument["questions"]]
    # every question has its ImportIds, one per column, each a column the export really has
    export = Export(name)
    for q in instrument.questions:
        assert {c for c, _ in q.import_ids} == set(q.all_columns), q.id
        for column, key in q.import_ids:
            assert key in export.keys, (q.id, column, key)
            short = export.name_of(key)
            assert column == short or column.startswith(f"{short} ("), (column, short)


@pytest.mark.parametrize("name", list(PAIRS))
def test_every_export_column_is_in_the_codebook_or_ignored_once(drafted, name):
    run, export = drafted[name], Export(name)
    used = {key for q in run.instrument["questions"] for key in q.get("import_ids", {}).values()}
    ignored = run.instrument["ignore"]
    for short, key in zip(export.names, export.keys):
        if short in METADATA_COLUMNS:
            assert key not in used and short not in ignored
        else:
            assert (key in used) != (short in ignored), (short, key)


@pytest.mark.parametrize("name", list(PAIRS))
def test_study_configuration_has_the_blocks_in_flow_order_and_no_nav(drafted, name):
    run = drafted[name]
    study = load_study(run.folder / "study.yml")
    assert "nav" not in run.study
    assert run.study["files"] == {"instrument": "instrument.yaml", "themes": "themes.yaml",
                                  "responses": "responses.csv"}
    assert (run.folder / "responses.csv").read_bytes() == PAIRS[name][1].read_bytes()
    # the survey's name, and its blocks in flow order (those with a question in the export)
    entry = json.loads(PAIRS[name][0].read_text(encoding="utf-8"))["SurveyEntry"]
    assert study.title == entry["SurveyName"]
    flow = [f["ID"] for f in elements(name, "FL")[0]["Flow"]]
    by_id = {b["ID"]: b for b in blocks(name)}
    exported = {re.match(r"QID[0-9]+", k)[0] for k in Export(name).keys if k.startswith("QID")}
    expected = [text(by_id[b]["Description"]) for b in flow
                if any(e.get("QuestionID") in exported for e in by_id[b].get("BlockElements", []))]
    assert [s.title for s in study.sections] == expected
    assert all(s.page == f"results/{s.id}.md" for s in study.sections)
    ids = [q for s in study.sections for q in s.questions]
    assert ids == [q["id"] for q in run.instrument["questions"]]


@pytest.mark.parametrize("name", list(PAIRS))
def test_an_empty_themes_codebook_is_written_and_loads(drafted, name):
    run = drafted[name]
    themes = load_themes(run.folder / "themes.yaml")
    assert themes.title and themes.steps == ()


@pytest.mark.parametrize("name", list(PAIRS))
def test_the_folder_reads_as_a_survey(drafted, name):
    """The build's own readers take the drafted folder: codebook, then the export against it."""
    run = drafted[name]
    instrument = load_instrument(run.folder / "instrument.yaml")
    responses = load_responses(run.folder / "responses.csv", instrument)
    assert responses.respondents == len(Export(name).rows)


# --------------------------------------------------------------------------- QualtricsTools (numeric)

def test_a_reversed_scale_keeps_each_code_with_its_label(drafted):
    run, payloads = drafted["winter"], sq("winter")
    matrices = [qid for qid, p in payloads.items() if p["QuestionType"] == "Matrix" and p.get("Answers")]
    checked = 0
    for qid in matrices:
        p = payloads[qid]
        first = next(f"{qid}_{c}" for c in p["ChoiceDataExportTags"])
        question, _ = by_import_id(run, first)
        expected = {label: int(p["RecodeValues"][aid]) for aid, label in labels(p, "Answers", "AnswerOrder")}
        assert {s["label"]: s["code"] for s in question["scale"]} == expected, qid
        assert [s["label"] for s in question["scale"]] == [label for _, label in labels(p, "Answers", "AnswerOrder")]
        checked += 1
    assert checked == 7
    agree = by_import_id(run, "QID6_1")[0]
    assert {s["label"]: s["code"] for s in agree["scale"]} == {
        "Strongly agree": 4, "Agree": 3, "Disagree": 2, "Strongly disagree": 1, "Not applicable": -1}
    assert [s["label"] for s in agree["scale"] if s.get("nonsubstantive")] == ["Not applicable"]
    assert agree["polarity"] == "bipolar" and "polarity guessed bipolar" in agree["review"].lower()
    assert [i["column"] for i in agree["items"]] == ["program_agree_students", "program_agree_fit"]
    assert "matrix_italic_nabar (codes 4, 3, 2, 1, -1)" in run.out


def test_single_choice_codes_are_the_recode_values(drafted):
    run, p = drafted["winter"], sq("winter")["QID8"]
    question = run.question("mcsa_na")
    assert [(o["label"], o["code"]) for o in question["options"]] == \
        [(label, int(p["RecodeValues"][cid])) for cid, label in labels(p)]
    assert [o["label"] for o in question["options"] if o.get("nonsubstantive")] == ["NA - did not use"]
    assert set(Export("winter").values("QID8")) <= {str(o["code"]) for o in question["options"]}


def test_multi_select_option_columns_and_text_columns(drafted):
    run, payloads, export = drafted["winter"], sq("winter"), Export("winter")
    multi = [qid for qid, p in payloads.items() if p["QuestionType"] == "MC" and p["Selector"] == "MAVR"]
    assert len(multi) == 7
    for qid in multi:
        p = payloads[qid]
        recodes = p.get("RecodeValues") or {}
        question = by_import_id(run, f"{qid}_{recodes.get(p['ChoiceOrder'][0], p['ChoiceOrder'][0])}")[0]
        assert question["type"] == "multiple_choice"
        expected = []
        for cid, label in labels(p):
            option = {"label": label, "code": int(recodes.get(cid, cid)),
                      "column": export.name_of(f"{qid}_{recodes.get(cid, cid)}")}
            if p["Choices"][cid].get("TextEntry"):
                option["text_column"] = export.name_of(f"{qid}_{cid}_TEXT")
            expected.append(option)
        got = [{k: v for k, v in o.items() if k != "nonsubstantive"} for o in question["options"]]
        assert got == expected, qid
    te1 = run.question("mcma_te1")  # "Other sport" (choice 14, recode 1000) is shown before the N/As
    other = next(o for o in te1["options"] if o["label"] == "Other sport, please specify:")
    assert (other["column"], other["text_column"]) == ("mcma_te1_1000", "mcma_te1_1000_TEXT")
    assert te1["import_ids"]["mcma_te1_1000_TEXT"] == "QID26_14_TEXT"
    assert "one 0/1 column per option 7" in run.out


def test_repeated_short_names_get_unique_codebook_names(drafted):
    run, export = drafted["winter"], Export("winter")
    assert Counter(export.names)["other"] == 2 and Counter(export.names)["other_TEXT"] == 2
    for qid in ("QID30", "QID25"):
        question, column = by_import_id(run, f"{qid}_6")
        assert column == f"other ({qid})"
        other = question["items"][-1]
        assert other == {"label": "Other, please specify:", "column": f"other ({qid})",
                         "text_column": f"other_TEXT ({qid})"}
        assert question["import_ids"][f"other_TEXT ({qid})"] == f"{qid}_6_TEXT"


def test_display_logic_becomes_a_condition_when_every_row_agrees(drafted):
    run, payloads, export = drafted["winter"], sq("winter"), Export("winter")
    rule = payloads["QID34"]["DisplayLogic"]["0"]["0"]
    target, choice = re.match(r"q://(QID[0-9]+)/SelectableChoice/([0-9]+)", rule["ChoiceLocator"]).groups()
    label = dict(labels(payloads[target]))[choice]
    followup = by_import_id(run, "QID34_TEXT")[0]
    assert followup["condition"] == {"question": by_import_id(run, target)[0]["id"], "equals": label}
    answered = [t for t, v in zip(export.values("QID34_TEXT"), export.values(target)) if t.strip()]
    assert answered and all(v == choice for t, v in zip(export.values("QID34_TEXT"), export.values(target))
                            if t.strip())


def test_other_question_kinds(drafted):
    run = drafted["winter"]
    assert run.question("te_numeric")["type"] == "number"
    assert run.question("te_standard")["type"] == "free_text"
    form = run.question("te_form")
    assert form["type"] == "free_text" and form["columns"] == ["te_form_1", "te_form_2", "te_form_3"]
    assert form["administrative"] is True and "personal data" in form["review"]
    sides = [q for q in run.instrument["questions"] if q["id"].startswith("sbs_notes")]
    assert [q["id"] for q in sides] == ["sbs_notes_1", "sbs_notes_2"]
    assert sides[1]["columns"] == [f"sbs_notes#2_{i}" for i in range(1, 7)]
    assert [(s["label"], s["code"]) for s in sides[0]["scale"]] == \
        [("Seen the movie", 3), ("Heard of but have not seen", 2), ("Never heard of", 1)]
    carried = by_import_id(run, "QID38_x4")[0]  # rows carried forward from QID36, choice 4 first
    assert [i["label"] for i in carried["items"]] == [label for _, label in labels(sq("winter")["QID36"])]
    assert "carried forward" in carried["review"]
    assert "mcsa_italic" in [q["id"] for q in run.instrument["questions"]]
    assert run.question("mcsa_italic")["options"][0]["label"] == \
        "to be of higher quality than other programs that I considered."


# --------------------------------------------------------------------------- ERIM 2021 (choice text)

def test_multi_select_labels_with_commas_split_the_export(drafted):
    run, p, export = drafted["erim"], sq("erim")["QID82"], Export("erim")
    question, column = by_import_id(run, "QID82")
    options = [o["label"] for o in question["options"]]
    assert options == [label for _, label in labels(p)]
    assert sum("," in o for o in options) >= 5
    assert question["type"] == "multiple_choice" and question["columns"] == [column] == ["Q8.4"]
    cells = [c for c in export.values("QID82") if c]
    assert cells and all(split(c, sorted(options, key=len, reverse=True)) is not None for c in cells)
    assert any(len(split(c, sorted(options, key=len, reverse=True))) > 1 for c in cells)
    other_id = next(cid for cid, c in p["Choices"].items() if c.get("TextEntry"))
    other = next(o for o in question["options"] if o["label"] == text(p["Choices"][other_id]["Display"]))
    assert other["text_column"] == export.name_of(f"QID82_{other_id}_TEXT") == "Q8.4_10_TEXT"


def test_matrix_rows_follow_their_import_ids_not_their_short_names(drafted):
    run, p, export = drafted["erim"], sq("erim")["QID62"], Export("erim")
    question = run.question("Q8.1")
    rows = labels(p)
    assert [i["label"] for i in question["items"]] == [label for _, label in rows]
    assert [i["column"] for i in question["items"]] == [export.name_of(f"QID62_{cid}") for cid, _ in rows]
    by_label = {i["label"]: i for i in question["items"]}
    assert by_label[dict(rows)["4"]]["column"] == "Q8.1_3"  # the display-order suffix
    texts = {cid for cid, c in p["Choices"].items() if c.get("TextEntry")}
    for cid, label in rows:
        expected = export.name_of(f"QID62_{cid}_TEXT") if cid in texts else None
        assert by_label[label].get("text_column") == expected
    assert [(s["label"], s["code"]) for s in question["scale"]] == \
        [(label, int(aid)) for aid, label in labels(p, "Answers", "AnswerOrder")]
    seen = {v for i in question["items"] for v in export.values(question["import_ids"][i["column"]]) if v}
    assert seen <= {s["label"] for s in question["scale"]}


def test_text_iq_columns_are_ignored(drafted):
    run, export = drafted["erim"], Export("erim")
    expected = [n for n, k in zip(export.names, export.keys) if "Topics" in k]
    assert len(expected) == 2 and run.instrument["ignore"] == expected


def test_one_short_name_for_two_questions(drafted):
    run, payloads, export = drafted["erim"], sq("erim"), Export("erim")
    assert Counter(export.names)["Q1.2"] == 2
    for qid in ("QID3", "QID4"):
        question, column = by_import_id(run, qid)
        assert question["id"] == qid and column == f"Q1.2 ({qid})"
        rule = payloads[qid]["DisplayLogic"]["0"]["0"]
        target, choice = re.match(r"q://(QID[0-9]+)/SelectableChoice/([0-9]+)", rule["ChoiceLocator"]).groups()
        label = dict(labels(payloads[target]))[choice]
        assert question["condition"] == {"question": "Q1.1", "equals": label}
        assert all(school == label for school, answer in zip(export.values(target), export.values(qid)) if answer)


# --------------------------------------------------------------------------- EUR 2022 (choice text)

def test_trash_questions_are_left_out_and_listed(drafted):
    run, payloads = drafted["eur"], sq("eur")
    trash = [q["QuestionID"] for b in blocks("eur") if b["Type"] == "Trash"
             for q in b.get("BlockElements", []) if q.get("Type") == "Question"]
    assert len(trash) == 34
    used = {re.match(r"QID[0-9]+", k)[0] for q in run.instrument["questions"] for k in q["import_ids"].values()}
    assert not used & set(trash)
    questions = [q for q in trash if payloads[q]["QuestionType"] != "DB"]
    assert f"  questions left out: {len(questions)}\n    in the Trash block: {len(questions)} (" in run.out
    header = (run.folder / "instrument.yaml").read_text(encoding="utf-8").split("\nsurvey:")[0]
    for qid in questions:
        assert f"#   {qid} ({payloads[qid]['DataExportTag']}): in the Trash block" in header


def test_multi_selects_of_many_comma_labels(drafted):
    run, payloads, export = drafted["eur"], sq("eur"), Export("eur")
    for qid in ("QID48", "QID56", "QID120", "QID125", "QID124", "QID75", "QID122", "QID113", "QID114"):
        question = by_import_id(run, qid)[0]
        options = [o["label"] for o in question["options"]]
        assert question["type"] == "multiple_choice" and options == [label for _, label in labels(payloads[qid])]
        ordered = sorted(options, key=len, reverse=True)
        assert all(split(c, ordered) is not None for c in export.values(qid)), qid
    q10 = by_import_id(run, "QID48")[0]
    assert sum("," in o["label"] for o in q10["options"]) >= 3


def test_logic_with_two_rules_is_described_not_written(drafted):
    run = drafted["eur"]
    question = by_import_id(run, "QID122")[0]
    assert "condition" not in question
    assert "display logic not written as a condition" in question["review"].lower()
    for qid in ("QID120", "QID125", "QID124"):
        assert by_import_id(run, qid)[0]["condition"]["question"] == by_import_id(run, "QID1")[0]["id"]
