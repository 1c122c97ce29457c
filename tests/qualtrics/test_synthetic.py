"""init on small made-up surveys, one quirk at a time: labels kept in the export's form, display
logic that the data breaks, ignored columns, ids, question kinds the real fixtures lack, an export
without the ImportId row."""
from __future__ import annotations

import csv
import io
import json

from findings.load.instrument import load_instrument


def mc(qid, tag, text, choices, selector="SAVR", recodes=None, order=None, logic=None, **extra) -> dict:
    """A multiple-choice question payload; ``choices`` maps id -> display (a tuple adds TextEntry)."""
    payload = {"QuestionID": qid, "DataExportTag": tag, "QuestionText": text, "QuestionType": "MC",
               "Selector": selector, "SubSelector": "TX",
               "Choices": {k: ({"Display": v[0], "TextEntry": "true"} if isinstance(v, tuple) else {"Display": v})
                           for k, v in choices.items()},
               "ChoiceOrder": order or list(choices), **extra}
    if recodes:
        payload["RecodeValues"] = recodes
    if logic:
        target, choice = logic
        payload["DisplayLogic"] = {"0": {"0": {
            "LogicType": "Question", "QuestionID": target, "Operator": "Selected",
            "ChoiceLocator": f"q://{target}/SelectableChoice/{choice}", "Description": f"If {target} {choice}"},
            "Type": "If"}, "Type": "BooleanExpression"}
    return payload


def qsf(questions: list[dict], trash: list[dict] = (), embedded=("panel_id",)) -> str:
    blocks = [{"Type": "Default", "Description": "About <b>you</b>", "ID": "BL_1",
               "BlockElements": [{"Type": "Question", "QuestionID": q["QuestionID"]} for q in questions]},
              {"Type": "Trash", "Description": "Trash / Unused Questions", "ID": "BL_T",
               "BlockElements": [{"Type": "Question", "QuestionID": q["QuestionID"]} for q in trash]}]
    flow = [{"Type": "Block", "ID": "BL_1"},
            {"Type": "EmbeddedData", "EmbeddedData": [{"Field": f} for f in embedded]}]
    elements = [{"Element": "BL", "Payload": blocks},
                {"Element": "FL", "Payload": {"Type": "Root", "Flow": flow}}]
    elements += [{"Element": "SQ", "PrimaryAttribute": q["QuestionID"], "Payload": q}
                 for q in [*questions, *trash]]
    return json.dumps({"SurveyEntry": {"SurveyName": "Made-up survey"}, "SurveyElements": elements})


def export(columns: list[tuple[str, str]], rows: list[list[str]], import_row: bool = True) -> str:
    """A CSV export: ``columns`` are (short name, ImportId key or a JSON object as text)."""
    names = ["ResponseId", "Progress", "Finished"] + [n for n, _ in columns]
    keys = ['{"ImportId":"_recordId"}', '{"ImportId":"progress"}', '{"ImportId":"finished"}'] + [
        k if k.startswith("{") else json.dumps({"ImportId": k}) for _, k in columns]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    if import_row:
        writer.writerow(names)
        writer.writerow(keys)
    for n, row in enumerate(rows, start=1):
        writer.writerow([f"R_{n}", "100", "1", *row])
    return out.getvalue()


def init(tmp_path, run, survey: str | None, responses: str):
    (tmp_path / "in").mkdir(exist_ok=True)
    args = ["--responses", tmp_path / "in" / "export.csv", "--out", tmp_path / "out"]
    (tmp_path / "in" / "export.csv").write_text(responses, encoding="utf-8")
    if survey is not None:
        (tmp_path / "in" / "survey.qsf").write_text(survey, encoding="utf-8")
        args = ["--qsf", tmp_path / "in" / "survey.qsf", *args]
    done = run(args)
    assert done.code == 0, done.err
    load_instrument(tmp_path / "out" / "instrument.yaml")
    return done


LIKERT = {"1": "Very&nbsp;&nbsp;good", "2": "Good", "3": "Bad", "4": "Not sure", "5": "Don't know"}


def test_labels_take_the_exports_form_and_guesses_are_noted(tmp_path, run):
    survey = qsf([mc("QID1", "Q1", "<p>How was it?</p>", LIKERT)])
    done = init(tmp_path, run, survey, export([("Q1", "QID1")], [["Very  good"], ["Bad"], ["Don’t know"], [""]]))
    q = done.question("Q1")
    assert [o["label"] for o in q["options"]] == ["Very  good", "Good", "Bad", "Not sure", "Don’t know"]
    assert [o.get("nonsubstantive", False) for o in q["options"]] == [False] * 4 + [True]
    assert "'Not sure' may be a non-substantive answer" in q["review"]
    assert "'Very good' is written as the export holds it" in q["review"]
    assert done.instrument["parts"] == [{"id": "about-you", "title": "About you"}]


def test_display_logic_that_a_row_breaks_is_described_not_written(tmp_path, run):
    survey = qsf([mc("QID1", "Q1", "Member?", {"1": "Yes", "2": "No"}),
                  mc("QID2", "Q2", "Since when?", {"1": "This year", "2": "Before"}, logic=("QID1", "1")),
                  mc("QID3", "Q3", "Why not?", {"1": "Cost", "2": "Time"}, logic=("QID1", "2"))])
    rows = [["Yes", "Before", ""], ["No", "This year", "Cost"], ["No", "", "Time"]]
    done = init(tmp_path, run, survey, export([("Q1", "QID1"), ("Q2", "QID2"), ("Q3", "QID3")], rows))
    assert "condition" not in done.question("Q2")
    assert "1 row(s) of the export answer it without that answer" in done.question("Q2")["review"]
    assert done.question("Q3")["condition"] == {"question": "Q1", "equals": "No"}


def test_columns_that_are_no_question_are_ignored_and_left_out_questions_listed(tmp_path, run):
    timing = {"QuestionID": "QID9", "DataExportTag": "Q9", "QuestionType": "Timing", "Selector": "PageTimer",
              "QuestionText": "Timing"}
    survey = qsf([mc("QID1", "Q1", "Member?", {"1": "Yes", "2": "No"}), timing,
                  mc("QID4", "Q4", "Never exported", {"1": "A"})],
                 trash=[mc("QID5", "Q5", "Old", {"1": "A", "2": "B"})])
    columns = [("Q1", "QID1"), ("Q9_First Click", "QID9_FIRST_CLICK"), ("panel_id", "panel_id"),
               ("Q_RecaptchaScore", "Q_RecaptchaScore"), ("Q5", "QID5"),
               ("Q1 - Topics", "QID1_TEXT_0123456789abcdef01Topics")]
    done = init(tmp_path, run, survey, export(columns, [["Yes", "1.5", "p1", "0.9", "A", ""]]))
    assert done.instrument["ignore"] == ["Q9_First Click", "panel_id", "Q_RecaptchaScore", "Q5", "Q1 - Topics"]
    assert [q["id"] for q in done.instrument["questions"]] == ["Q1"]
    assert "  questions left out: 2\n    not in the export: 1 (QID4 (Q4))\n    in the Trash block: 1 (QID5 (Q5))\n" \
        in done.out
    for reason in ("timing (QID9)", "embedded data", "panel or quality column", "in the Trash", "Text iQ"):
        assert reason in done.out


def test_ids_come_from_valid_unique_tags_else_the_qid(tmp_path, run):
    survey = qsf([mc("QID1", "Q 1", "a", {"1": "A"}), mc("QID2", "Q2", "b", {"1": "A"}),
                  mc("QID3", "q2", "c", {"1": "A"}), mc("QID4", "Q4", "d", {"1": "A"})])
    columns = [("Q 1", "QID1"), ("Q2", "QID2"), ("q2", "QID3"), ("Q4", "QID4")]
    done = init(tmp_path, run, survey, export(columns, [["A", "A", "A", "A"]]))
    assert [q["id"] for q in done.instrument["questions"]] == ["QID1", "QID2", "QID3", "Q4"]
    assert done.question("QID1")["columns"] == ["Q 1"]


def test_a_numeric_export_with_an_unknown_code_is_flagged(tmp_path, run):
    survey = qsf([mc("QID1", "Q1", "How was it?", {"1": "Good", "2": "Bad"}, recodes={"1": "5", "2": "1"})])
    done = init(tmp_path, run, survey, export([("Q1", "QID1")], [["5"], ["1"], ["7"], ["-99"]]))
    q = done.question("Q1")
    assert [(o["label"], o["code"]) for o in q["options"]] == [("Good", 5), ("Bad", 1)]
    assert "codes that are no option's code: 7" in q["review"]


def test_constant_sum_typed_numbers_and_a_matrix_of_many_answers(tmp_path, run):
    cs = {"QuestionID": "QID6", "DataExportTag": "Q6", "QuestionType": "CS", "Selector": "VRTL",
          "QuestionText": "Share your time", "Choices": {"1": {"Display": "Work"}, "2": {"Display": "Play"}},
          "ChoiceOrder": ["1", "2"]}
    te = {"QuestionID": "QID7", "DataExportTag": "Q7", "QuestionType": "TE", "Selector": "SL",
          "QuestionText": "Age?", "Validation": {"Settings": {"Type": "ContentType", "ContentType": "ValidNumber"}}}
    te2 = {**te, "QuestionID": "QID8", "DataExportTag": "Q8", "QuestionText": "Height?"}
    mam = {"QuestionID": "QID10", "DataExportTag": "Q10", "QuestionType": "Matrix", "Selector": "Likert",
           "SubSelector": "MultipleAnswer", "QuestionText": "Which do you use where?",
           "Choices": {"1": {"Display": "Home"}, "2": {"Display": "Work"}}, "ChoiceOrder": ["1", "2"],
           "Answers": {"1": {"Display": "Phone"}, "2": {"Display": "Laptop"}}, "AnswerOrder": [1, 2],
           "ChoiceDataExportTags": {"1": "home", "2": "work"}}
    columns = [("Q6_1", "QID6_1"), ("Q6_2", "QID6_2"), ("Q7", "QID7_TEXT"), ("Q8", "QID8_TEXT"),
               ("home_1", "QID10_1_1"), ("home_2", "QID10_1_2"), ("work_1", "QID10_2_1"), ("work_2", "QID10_2_2")]
    rows = [["60", "40", "31", "1.80", "1", "0", "0", "1"], ["100", "0", "45", "tall", "0", "1", "-99", "-99"]]
    done = init(tmp_path, run, qsf([cs, te, te2, mam]), export(columns, rows))
    assert done.question("Q6")["type"] == "number"
    assert done.question("Q6")["items"] == [{"label": "Work", "column": "Q6_1"}, {"label": "Play", "column": "Q6_2"}]
    assert done.question("Q7")["type"] == "number"
    assert done.question("Q8")["type"] == "free_text" and "no number ('tall')" in done.question("Q8")["review"]
    home, work = done.question("Q10_home"), done.question("Q10_work")
    assert home["type"] == work["type"] == "multiple_choice"
    assert home["options"] == [{"label": "Phone", "code": 1, "column": "home_1"},
                               {"label": "Laptop", "code": 2, "column": "home_2"}]
    assert work["columns"] == ["work_1", "work_2"]
    assert "Q10_home" in done.out and "one 0/1 column per option 2" in done.out


def test_an_export_without_the_import_id_row_is_matched_on_export_tags(tmp_path, run):
    matrix = {"QuestionID": "QID2", "DataExportTag": "Q2", "QuestionType": "Matrix", "Selector": "Likert",
              "SubSelector": "SingleAnswer", "QuestionText": "Agree?",
              "Choices": {"1": {"Display": "Tea"}, "3": {"Display": "Other", "TextEntry": "true"}},
              "ChoiceOrder": ["1", "3"], "ChoiceDataExportTags": {"1": "tea"},
              "Answers": {"1": {"Display": "Agree"}, "2": {"Display": "Disagree"}}, "AnswerOrder": [1, 2],
              "RecodeValues": {"1": "2", "2": "1"}}
    survey = qsf([mc("QID1", "Q1", "Which?", {"1": "Red, or pink", "2": "Blue", "3": ("Other",)}, selector="MAVR"),
                  matrix])
    columns = [("Q1", ""), ("Q1_3_TEXT", ""), ("tea", ""), ("Q2_3", ""), ("Q2_3_TEXT", "")]
    rows = [["Red, or pink,Other", "green", "2", "1", "mate"], ["Blue", "", "1", "", ""]]
    done = init(tmp_path, run, survey, export(columns, rows, import_row=False))
    q1, q2 = done.question("Q1"), done.question("Q2")
    assert q1["options"][0] == {"label": "Red, or pink", "code": 1}
    assert q1["options"][2]["text_column"] == "Q1_3_TEXT" and q1["columns"] == ["Q1"]
    assert [(i["label"], i["column"], i.get("text_column")) for i in q2["items"]] == \
        [("Tea", "tea", None), ("Other", "Q2_3", "Q2_3_TEXT")]
    assert [(s["label"], s["code"]) for s in q2["scale"]] == [("Agree", 2), ("Disagree", 1)]
    assert "import_ids" not in q1 and done.instrument["ignore"] == []


def test_text_typed_for_an_option_not_chosen_is_flagged(tmp_path, run):
    survey = qsf([mc("QID1", "Q1", "Which?", {"1": "Tea", "2": ("Other",)})])
    columns = [("Q1", "QID1"), ("Q1_2_TEXT", "QID1_2_TEXT")]
    rows = [["Other", "mate"], ["Tea", "coffee"], ["Tea", ""], ["", "juice"]]
    done = init(tmp_path, run, survey, export(columns, rows))
    q = done.question("Q1")
    assert q["options"][1] == {"label": "Other", "code": 2, "text_column": "Q1_2_TEXT"}
    assert "2 row(s) hold text in 'Q1_2_TEXT' but did not choose 'Other'" in q["review"]


def test_labels_whose_export_keeps_their_markup(tmp_path, run):
    survey = qsf([mc("QID1", "Q1", "Rate", {"1": "<em>Very</em> good", "2": "Fine"}),
                  mc("QID2", "Q2", "Which?", {"1": "R&amp;D, or not", "2": "<b>Teaching</b>", "3": "None"},
                     selector="MAVR")])
    rows = [["<em>Very</em> good", "R&D, or not,<b>Teaching</b>"], ["Fine", "None"]]
    done = init(tmp_path, run, survey, export([("Q1", "QID1"), ("Q2", "QID2")], rows))
    assert [o["label"] for o in done.question("Q1")["options"]] == ["<em>Very</em> good", "Fine"]
    assert [o["label"] for o in done.question("Q2")["options"]] == ["R&D, or not", "<b>Teaching</b>", "None"]
    assert "'Teaching' is written as the export holds it: '<b>Teaching</b>'" in done.question("Q2")["review"]


def test_a_block_called_index_does_not_take_the_results_index_page(tmp_path, run):
    survey = json.loads(qsf([mc("QID1", "Q1", "Member?", {"1": "Yes", "2": "No"})]))
    survey["SurveyElements"][0]["Payload"][0]["Description"] = "Index"
    done = init(tmp_path, run, json.dumps(survey), export([("Q1", "QID1")], [["Yes"]]))
    assert done.instrument["parts"] == [{"id": "index-2", "title": "Index"}]
    assert [s["id"] for s in done.study["sections"]] == ["index-2"]
