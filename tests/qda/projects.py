"""The REFI-QDA fixtures of tests/fixtures/qda, ready for a test: each made-up project folder zipped
into a .qdpx (as a tool would export it), and the schemas to validate against."""
from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import xmlschema

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "qda"
PROJECTS = FIXTURES / "projects"
SCHEMA = FIXTURES / "schema"
MINI = ROOT / "tests" / "fixtures" / "mini_survey"
# the made-up gardeners' survey the fixtures code (tests/fixtures/mini_survey): its respondents
GARDENERS = frozenset({"R1", "R2", "R3", "R4", "R5"})


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
    """A node's own quotes as (label, question, text)."""
    return [(q.label, q.question, q.text) for q in node.quotes]
