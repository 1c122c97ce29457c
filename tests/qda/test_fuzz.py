"""Property-based tests of the REFI-QDA and Taguette readers: random bytes, truncated and damaged
projects, and hostile strings in every name and text of a valid project. The property: the reader
returns themes or raises ``DataError``, never any other exception, and the message is bounded and
shows nothing invisible."""
from __future__ import annotations

import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from findings.errors import DataError
from findings.load.qda import QdaInputs, QdaSchema, load_qda

from tests.load.survey_copy import assert_safe_message

from .projects import GARDENERS, PROJECTS, zip_folder

FUZZ = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck), print_blob=False)
HOSTILE = ["{{ 7*7 }}", "<script>alert(1)</script>", "&amp;&lt;", "]]>", "\u202eevil\u202c", "zero\u200bwidth",
           "../../etc/passwd", "internal://../../x.txt", "x" * 100_000, "", " ", "\ufeff", "{", "-1",
           "99999999999999999999", "R1", "A4", "findings-site: {\"id\": 3}"]
PROJECT = (PROJECTS / "nvivo_windows" / "project.qde").read_text(encoding="utf-8")
# what a hostile string replaces (one occurrence of it): names, paths, positions, GUIDs, flags
TEXTS = ["Planning the season", "Seed catalogues", "R1", "R2", "internal://", 'startPosition="',
         "{8A1C2E10-0000-4000-8000-000000000002}", 'isCodable="true"', "A4"]


def check(path) -> None:
    try:
        load_qda(path, {"A2", "A4"}, QdaInputs(QdaSchema(), GARDENERS))
    except DataError as error:
        assert_safe_message(str(error))


def valid_zip(tmp_path) -> bytes:
    return zip_folder(PROJECTS / "nvivo_windows", tmp_path / "valid.qdpx").read_bytes()


@FUZZ
@given(data=st.binary(max_size=4000), suffix=st.sampled_from([".qdpx", ".qdc", ".csv"]))
def test_random_bytes(tmp_path_factory, data, suffix):
    path = tmp_path_factory.mktemp("bytes") / f"themes{suffix}"
    path.write_bytes(data)
    check(path)


@FUZZ
@given(cut=st.integers(min_value=0, max_value=10_000), flip=st.integers(min_value=0, max_value=10_000),
       byte=st.integers(min_value=0, max_value=255))
def test_truncated_and_damaged_zips(tmp_path_factory, cut, flip, byte):
    tmp = tmp_path_factory.mktemp("zip")
    data = bytearray(valid_zip(tmp))
    data[flip % len(data)] = byte
    path = tmp / "damaged.qdpx"
    path.write_bytes(bytes(data[:max(1, cut % (len(data) + 1))]))
    check(path)


@FUZZ
@given(target=st.sampled_from(TEXTS), value=st.sampled_from(HOSTILE), where=st.integers(0, 5))
def test_hostile_strings_in_the_project(tmp_path_factory, target, value, where):
    tmp = tmp_path_factory.mktemp("xml")
    parts = PROJECT.split(target)
    at = 1 + where % max(1, len(parts) - 1)
    text = target.join(parts[:at]) + value + target.join(parts[at:]) if len(parts) > 1 else PROJECT
    path = tmp / "hostile.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", text)
        for source in (PROJECTS / "nvivo_windows" / "Sources").iterdir():
            archive.writestr(f"Sources/{source.name}", source.read_bytes())
    check(path)
