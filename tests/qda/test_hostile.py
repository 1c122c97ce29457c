"""Files that are not what they claim, or are made to hurt: each refused with one message naming the
file (and the element), never a traceback, and never unzipped or expanded past the caps."""
from __future__ import annotations

import zipfile

import pytest

from findings.errors import DataError
from findings.load import qda
from findings.load.qda import QdaInputs, QdaSchema, load_qda

from .projects import GARDENERS, PROJECTS, qdpx, zip_folder

QUESTIONS = {"A2", "A4"}
CODES = ('<CodeBook><Codes><Code guid="11111111-1111-4111-8111-111111111111" name="Company" '
         'isCodable="true"/><Code guid="22222222-2222-4222-8222-222222222222" name="Publish" '
         'isCodable="true"/></Codes></CodeBook>')


def refused(path, **settings) -> str:
    with pytest.raises(DataError) as error:
        load_qda(path, QUESTIONS, QdaInputs(QdaSchema(**settings), GARDENERS))
    return str(error.value)


def project(tmp_path, body: str, files: dict | None = None, name="p.qdpx"):
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", f'<Project xmlns="urn:QDA-XML:project:1.0" name="x">{body}</Project>')
        for member, data in (files or {}).items():
            archive.writestr(member, data)
    return path


def source(text_file: str, selections: str) -> str:
    return (f'<Sources><TextSource guid="33333333-3333-4333-8333-333333333333" name="R1" '
            f'plainTextPath="internal://{text_file}">{selections}</TextSource></Sources>')


def selection(start: int, end: int, *codes: str) -> str:
    codings = "".join(f'<Coding guid="4444444{i}-4444-4444-8444-444444444444"><CodeRef targetGUID="{c}"/>'
                      f'</Coding>' for i, c in enumerate(codes))
    return (f'<PlainTextSelection guid="55555555-5555-4555-8555-555555555555" startPosition="{start}" '
            f'endPosition="{end}">{codings}</PlainTextSelection>')


COMPANY, PUBLISH = "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"


def test_a_dtd_with_entities_is_refused_before_anything_expands(tmp_path):
    message = refused(qdpx("hostile", tmp_path))
    assert message == (f"{tmp_path / 'hostile.qdpx'}, project.qde: holds a DTD or entity declarations, "
                       "which a REFI-QDA file never needs; export it again from your analysis tool")


def test_too_many_members_or_too_much_unzipped_is_refused_before_unzipping(tmp_path, monkeypatch):
    path = qdpx("mini_coding", tmp_path)  # 3 members, a few hundred bytes unzipped
    monkeypatch.setattr(qda, "MAX_MEMBERS", 2)
    assert "holds 3 files, more than the 2 a REFI-QDA project may hold here" in refused(path)
    monkeypatch.setattr(qda, "MAX_MEMBERS", 20_000)
    monkeypatch.setattr(qda, "MAX_UNZIPPED", 100)
    assert "would unzip to" in refused(path) and "more than the 0 MB allowed" in refused(path)


def test_a_zip_of_zeros_is_refused_from_its_declared_size(tmp_path, monkeypatch):
    monkeypatch.setattr(qda, "MAX_UNZIPPED", 2 * qda.files.MB)
    path = tmp_path / "bomb.qdpx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", "<Project/>")
        archive.writestr("sources/a.txt", b"\0" * (3 * qda.files.MB))
    assert path.stat().st_size < 50_000
    assert "would unzip to 3 MB, more than the 2 MB allowed" in refused(path)


def test_not_a_zip_nor_xml_and_a_zip_without_a_project(tmp_path):
    junk = tmp_path / "junk.qdpx"
    junk.write_bytes(b"%PDF-1.4 not a project")
    assert "neither a zip (.qdpx) nor XML" in refused(junk)
    empty = tmp_path / "empty.qdpx"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert "holds no project.qde" in refused(empty)


def test_xml_that_is_not_well_formed_is_reported_with_its_line_and_column(tmp_path):
    path = tmp_path / "broken.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", '<Project name="x">\n<CodeBook>\n<Codes></CodeBook>')
    assert refused(path) == (f"{path}, project.qde, line 3, column 9: not well-formed XML; export it "
                             "again from your analysis tool")


def test_a_root_that_is_no_project_is_refused(tmp_path):
    path = tmp_path / "book.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes/></CodeBook>')
    assert "the root element should be <Project>" in refused(path)


def test_source_text_that_is_no_unicode_is_reported(tmp_path):
    path = project(tmp_path, CODES + source("a.txt", selection(3, 8, COMPANY)),
                   {"sources/a.txt": "A4\nCaf\xe9 talk\n".encode("latin-1")})
    assert "neither UTF-8 nor UTF-16 with a byte-order mark" in refused(path)


def test_a_utf16_source_with_its_mark_is_read(tmp_path):
    text = "A4\nCafé talk\n"
    path = project(tmp_path, CODES + source("a.txt", selection(3, 12, COMPANY, PUBLISH)),
                   {"sources/a.txt": text.encode("utf-16")})
    codebook = load_qda(path, QUESTIONS, QdaInputs(QdaSchema(), GARDENERS))
    assert [q.text for q in codebook.final_analyses()[0].children[0].quotes] == ["Café talk"]


def test_a_selection_over_two_answers_or_over_no_text_is_reported(tmp_path):
    text = "A4\nFirst answer.\nA2\nSecond.\n\n"
    over = project(tmp_path, CODES + source("a.txt", selection(3, 21, COMPANY)), {"sources/a.txt": text},
                   name="over.qdpx")
    assert "the selection runs over two answers (into the one opened by 'A2')" in refused(over)
    blank = project(tmp_path, CODES + source("a.txt", selection(28, 29, COMPANY)), {"sources/a.txt": text},
                    name="blank.qdpx")
    assert "the selection holds no text" in refused(blank)


def test_a_question_study_yml_names_must_be_in_the_instrument(tmp_path):
    message = refused(qdpx("qc_style", tmp_path), question="Q99", publish={"code": "publish"})
    assert "study.yml, qda: question: 'Q99' is not a question of the instrument" in message


def test_repeated_guids_and_a_damaged_generator_note_are_reported(tmp_path):
    codes = ('<CodeBook><Codes><Code guid="{11111111-1111-4111-8111-111111111111}" name="A" isCodable="true"/>'
             '<Code guid="11111111-1111-4111-8111-111111111111" name="B" isCodable="true">'
             '<Description>findings-site: {"id": "b", "kind": </Description></Code></Codes></CodeBook>')
    message = refused(project(tmp_path, codes))
    assert "Code 'B' {11111111-1111-4111-8111-111111111111}: repeats the guid of CodeBook › Code 'A'" in message
    assert "the findings-site: line of its description is damaged" in message


def test_codes_nested_past_the_cap_are_reported(tmp_path, monkeypatch):
    monkeypatch.setattr(qda, "MAX_CODE_DEPTH", 2)
    nested = "".join(f'<Code guid="{i}1111111-1111-4111-8111-111111111111" name="c{i}" isCodable="true">'
                     for i in range(5)) + "</Code>" * 5
    assert "codes nested more than 2 levels deep" in refused(project(tmp_path, f"<CodeBook><Codes>{nested}"
                                                                               "</Codes></CodeBook>"))


def test_an_unknown_suffix_is_refused(tmp_path):
    path = tmp_path / "coding.nvp"
    path.write_bytes(b"x")
    assert "expected a .qdpx (REFI-QDA project), .qdc (REFI-QDA codebook) or Taguette .csv" in refused(path)


def test_a_stored_zip_reads_like_a_deflated_one(tmp_path):
    stored = zip_folder(PROJECTS / "mini_coding", tmp_path / "stored.qdpx", zipfile.ZIP_STORED)
    deflated = qdpx("mini_coding", tmp_path)
    read = lambda p: load_qda(p, QUESTIONS, QdaInputs(QdaSchema(), GARDENERS)).steps  # noqa: E731
    assert read(stored) == read(deflated)


def test_a_coding_of_a_whole_source_codes_each_of_its_answers(tmp_path):
    text = "A4\nFirst answer.\nA2\nSecond answer.\n"
    body = CODES + ('<Sources><TextSource guid="33333333-3333-4333-8333-333333333333" name="R1">'
                    f'<PlainTextContent>{text}</PlainTextContent>'
                    f'<Coding guid="66666666-6666-4666-8666-666666666661"><CodeRef targetGUID="{COMPANY}"/></Coding>'
                    f'<Coding guid="66666666-6666-4666-8666-666666666662"><CodeRef targetGUID="{PUBLISH}"/></Coding>'
                    '</TextSource></Sources>')
    codebook = load_qda(project(tmp_path, body), QUESTIONS, QdaInputs(QdaSchema(), GARDENERS))
    company = codebook.final_analyses()[0].children[0]
    assert [(q.question, q.text) for q in company.quotes] == [("A4", "First answer."), ("A2", "Second answer.")]
    assert codebook.final_analyses()[0].questions == ("A2", "A4")
