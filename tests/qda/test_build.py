"""A survey folder whose themes come from the team's analysis tool (files: themes: coding.qdpx)
builds a whole site: theme pages, prevalence counted from every coding, the chosen quotes and no
other word of the sources; quotes go through the privacy scan like everything else."""
from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
import zipfile

import pytest
import yaml

from findings.errors import DataError
from findings.pipeline import build
from tests.site_config import mkdocs_config_elsewhere

from .projects import MINI, PROJECTS, zip_folder

# the answers' words in tests/fixtures/qda/projects/mini_coding that are coded but not published
UNPUBLISHED = ("because my neighbour reads too", "Catalogues are my winter joy")


def survey(tmp_path, project=PROJECTS / "mini_coding"):
    """The made-up survey with its themes from ``project`` (zipped) instead of its themes.yaml."""
    data = tmp_path / "data"
    shutil.copytree(MINI, data)
    (data / "themes.yaml").unlink()
    zip_folder(project, data / "coding.qdpx")
    study = yaml.safe_load((data / "study.yml").read_text(encoding="utf-8"))
    study["files"]["themes"] = "coding.qdpx"
    study["qda"] = {"analysis": {"id": "m-why", "title": "Why gardeners read"}}
    study["item_themes"] = {"A3_1": ["planning-the-season"]}
    (data / "study.yml").write_text(yaml.safe_dump(study, sort_keys=False), encoding="utf-8")
    stated = (data / "stated_figures.yaml").read_text(encoding="utf-8")
    (data / "stated_figures.yaml").write_text(stated.replace("theme: m-why-seeds", "theme: planning-the-season"),
                                              encoding="utf-8")
    return data


def run(data, tmp_path):
    return build(data / "study.yml", tmp_path / "build", tmp_path / "cache", data / "docs")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("qdpx-survey")
    run(survey(tmp), tmp)
    return tmp / "build"


def rows(path) -> dict:
    with open(path, newline="", encoding="utf-8") as f:
        return {r["id"]: r for r in csv.DictReader(line for line in f if not line.startswith("#"))}


def test_theme_pages_with_the_chosen_quotes_and_the_nav(built):
    planning = (built / "docs/themes/planning-the-season.md").read_text(encoding="utf-8")
    company = (built / "docs/themes/company.md").read_text(encoding="utf-8")
    assert planning.startswith("---") and "# Planning the season" in planning
    assert "To pick the best marrow seeds" in planning and "## Seed catalogues" in planning
    assert "answering question 4" in planning
    assert "# Company" in company and "> " not in company  # coded, nothing published
    nav = yaml.safe_load((built / "nav.yml").read_text(encoding="utf-8"))["nav"]
    assert {"Why they read": [{"Planning the season": "themes/planning-the-season.md"},
                              {"Company": "themes/company.md"}]} in nav[4]["Themes"]


def test_prevalence_counts_every_coding_and_quotes_only_the_published(built):
    # by hand from the fixture: Seed catalogues codes R1 (published) and R2 (not); Company codes R1
    table = rows(built / "docs/downloads/themes-m-why.csv")
    got = {i: (table[i]["participants_named_in_the_printed_quotes"], table[i]["quotes_printed_in_the_appendix"])
           for i in ("planning-the-season", "seed-catalogues", "company")}
    assert got == {"planning-the-season": ("2", "1"), "seed-catalogues": ("2", "1"), "company": ("1", "0")}
    check = rows(built / "docs/downloads/stated-figures.csv")
    assert (check["seed-theme"]["computed"], check["seed-theme"]["status"]) == ("2", "matches")
    planning = (built / "docs/themes/planning-the-season.md").read_text(encoding="utf-8")
    assert "**2** were coded to this theme" in planning


def test_nothing_else_of_the_sources_reaches_any_file(built):
    for path in built.rglob("*"):
        if path.is_file():
            text = path.read_bytes().decode("utf-8", "replace")
            for words in UNPUBLISHED:
                assert words not in text, (path, words)


def test_the_codebook_is_offered_for_the_tools_and_the_teams_project_is_not_republished(built):
    downloads = {p.name for p in (built / "docs/downloads").iterdir()}
    assert {"codebook.qdc", "themes.yaml"} <= downloads and "coding.qdpx" not in downloads
    qdc = (built / "docs/downloads/codebook.qdc").read_text(encoding="utf-8")
    assert 'name="Planning the season"' in qdc and "Reading to plan what to sow, and when." in qdc
    themes = yaml.safe_load((built / "docs/downloads/themes.yaml").read_text(encoding="utf-8"))
    assert themes["steps"][0]["children"][0]["id"] == "m-why"


def test_a_yaml_coded_survey_offers_its_coding_as_a_project(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(MINI, data)
    run(data, tmp_path)
    qdpx = (tmp_path / "build/docs/downloads/coding.qdpx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(qdpx)) as archive:
        assert archive.testzip() is None and "project.qde" in archive.namelist()
    assert (tmp_path / "build/docs/downloads/codebook.qdc").is_file()


def test_the_site_builds_strictly_with_mkdocs(built, tmp_path):
    shutil.copytree(built, tmp_path / "build")
    (tmp_path / "mkdocs.yml").write_text(mkdocs_config_elsewhere())
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
                          capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    page = (tmp_path / "site/themes/planning-the-season/index.html").read_text(encoding="utf-8")
    assert "To pick the best marrow seeds" in page
    assert (tmp_path / "site/downloads/codebook.qdc").is_file()


def test_a_published_quote_with_personal_data_stops_the_build(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(PROJECTS / "mini_coding", project)
    r1 = next(project.glob("sources/*0005.txt"))
    text = r1.read_text(encoding="utf-8")
    published = "To pick the best marrow seeds"
    r1.write_text(text.replace(published, "Mail me: tess@example.org now"), encoding="utf-8")
    assert len("Mail me: tess@example.org now") == len(published)  # the selection still covers it
    data = survey(tmp_path, project)
    with pytest.raises(DataError) as error:
        run(data, tmp_path)
    found = {p.file for p in error.value.problems}
    # the theme page (the sub-theme's quotes are on it) and the themes codebook download
    assert found == {"build/docs/themes/planning-the-season.md", "build/docs/downloads/themes.yaml"}
    assert all("looks like a personal e-mail" in p.message for p in error.value.problems)
    assert "tess@example.org" not in str(error.value)


def test_personal_data_in_an_unpublished_passage_never_reaches_the_site(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(PROJECTS / "mini_coding", project)
    r1 = next(project.glob("sources/*0005.txt"))
    r1.write_text(r1.read_text(encoding="utf-8") + "Call me on 07700 900123 or tess@example.org.\n",
                  encoding="utf-8")
    data = survey(tmp_path, project)
    run(data, tmp_path)
    for path in (tmp_path / "build").rglob("*"):
        if path.is_file():
            text = path.read_bytes().decode("utf-8", "replace")
            assert "tess@example.org" not in text and "07700 900123" not in text, path
