"""The REFI-QDA fixtures of tests/fixtures/qda, ready for a test: each made-up project folder zipped
into a .qdpx (as a tool would export it), and the schemas to validate against."""
from __future__ import annotations

import csv
import io
import shutil
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import xmlschema

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "qda"
PROJECTS = FIXTURES / "projects"
SCHEMA = FIXTURES / "schema"
MINI = ROOT / "tests" / "fixtures" / "mini_survey"
# the made-up gardeners' survey the fixtures code (tests/fixtures/mini_survey): its respondents
GARDENERS = frozenset({"R1", "R2", "R3", "R4", "R5"})
# the same respondents as a Qualtrics export names them: "R_" and 15 letters and digits (made up)
QUALTRICS_IDS = {"R1": "R_3kTq9ZpLmW2xYvB", "R2": "R_1aBcDeFgHiJkLmN", "R3": "R_2zYxWvUtSrQpOnM",
                 "R4": "R_9qWeRtYuIoPaSdF", "R5": "R_5mNbVcXzLkJhGfD"}


def zip_folder(folder: Path, target: Path, compression: int = zipfile.ZIP_DEFLATED) -> Path:
    """``folder``'s files (project.qde, sources/...) as a zip at ``target``."""
    with zipfile.ZipFile(target, "w", compression) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
    return target


def qdpx(name: str, where: Path) -> Path:
    """The made-up project ``projects/<name>/`` zipped into ``where/<name>.qdpx``."""
    return zip_folder(PROJECTS / name, where / f"{name}.qdpx")


def project_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(SCHEMA / "Project.xsd"))


def codebook_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(SCHEMA / "Codebook.xsd"))


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def response_ids(path: Path) -> frozenset:
    """The ResponseId column of a responses CSV, read with the csv module."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        return frozenset(row["ResponseId"] for row in csv.DictReader(f))


def by_id(codebook) -> dict:
    return {n.id: n for step in codebook.steps for n in step.walk()}


def quoted(node) -> list[tuple]:
    """A node's own quotes as (respondent, question, text): the respondent each maps to (its label,
    which is published, is another matter: see ``labels``)."""
    return [(q.participant, q.question, q.text) for q in node.quotes]


def labels(codebook) -> set:
    """Every label a quote of the codebook is published with."""
    return {q.label for step in codebook.steps for q in step.all_quotes()}


def renamed(folder: Path, target: Path, ids: dict) -> Path:
    """A copy of the project ``folder`` at ``target`` whose sources are named by ``ids`` (old name
    -> new name), as a tool names the documents it imported."""
    shutil.copytree(folder, target)
    qde = target / "project.qde"
    text = qde.read_text(encoding="utf-8")
    for old, new in ids.items():
        text = text.replace(f'name="{old}"', f'name="{new}"')
    qde.write_text(text, encoding="utf-8")
    return target


def rename_respondents(responses: Path, ids: dict) -> None:
    """The responses CSV with its ResponseIds replaced by ``ids`` (csv module)."""
    with open(responses, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    column = rows[0].index("ResponseId")
    for row in rows[1:]:
        row[column] = ids.get(row[column], row[column])
    with open(responses, "w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


PROJECT_NS = "{urn:QDA-XML:project:1.0}"


def coded_by_hand(folder: Path, publish: str = "Publish") -> dict:
    """Code name -> (the source names coded under it or under a code beneath it, the selections
    coded with it (or beneath it) and with the publication code), read from ``project.qde`` with
    ElementTree: the count a theme's prevalence must give, found without the code under test."""
    root = ET.parse(folder / "project.qde").getroot()
    names, below = {}, {}

    def visit(code, ancestors):
        guid = code.get("guid")
        names[guid] = code.get("name")
        for a in ancestors + [guid]:
            below.setdefault(a, set()).add(guid)
        for child in code.findall(f"{PROJECT_NS}Code"):
            visit(child, ancestors + [guid])

    for code in root.find(f"{PROJECT_NS}CodeBook/{PROJECT_NS}Codes").findall(f"{PROJECT_NS}Code"):
        visit(code, [])
    marker = next(g for g, n in names.items() if n == publish)
    out = {}
    for guid, name in names.items():
        if guid == marker:
            continue
        sources, published = set(), 0
        for source in root.iter(f"{PROJECT_NS}TextSource"):
            for selection in source.findall(f"{PROJECT_NS}PlainTextSelection"):
                targets = {ref.get("targetGUID") for ref in selection.iter(f"{PROJECT_NS}CodeRef")}
                if targets & below[guid]:
                    sources.add(source.get("name"))
                    published += marker in targets
        out[name] = (sources, published)
    return out
