"""A survey folder whose themes come from the team's analysis tool (files: themes: coding.qdpx)
builds a whole site: theme pages, prevalence counted from every coding (under the disclosure rule),
the chosen quotes and no other word of the sources; no respondent's record id anywhere; quotes go
through the privacy scan like everything else."""
from __future__ import annotations

import csv
import io
import shutil
import zipfile

import pytest
import yaml

from findings.errors import DataError
from findings.pipeline import build
from tests.site_config import mkdocs_build_elsewhere

from .projects import (MINI, PROJECTS, QUALTRICS_IDS, coded_by_hand, rename_respondents, renamed,
                       zip_folder)

# the answers' words in tests/fixtures/qda/projects/mini_coding that are coded but not published
UNPUBLISHED = ("because my neighbour reads too", "Catalogues are my winter joy")
# the fixture's codes -> the theme ids the build gives them
THEME_IDS = {"Planning the season": "planning-the-season", "Seed catalogues": "seed-catalogues",
             "Company": "company"}
COMPANY_STATED = 3  # a figure stated for "Company" in the open survey: it differs from the coding


def survey(tmp_path, project=PROJECTS / "mini_coding", ids: dict | None = None,
           threshold: int | None = None):
    """The made-up survey with its themes from ``project`` (zipped) instead of its themes.yaml;
    ``ids``: its respondents renamed (in the responses and the project's sources) as another
    platform names them; ``threshold``: study.yml's disclosure threshold (default: the site's, 3)."""
    data = tmp_path / "data"
    shutil.copytree(MINI, data)
    (data / "themes.yaml").unlink()
    if ids:
        project = renamed(project, tmp_path / "renamed-project", ids)
        rename_respondents(data / "responses.csv", ids)
    zip_folder(project, data / "coding.qdpx")
    study = yaml.safe_load((data / "study.yml").read_text(encoding="utf-8"))
    study["files"]["themes"] = "coding.qdpx"
    study["qda"] = {"analysis": {"id": "m-why", "title": "Why gardeners read"}}
    study["item_themes"] = {"A3_1": ["planning-the-season"]}
    if threshold is not None:
        study["disclosure"] = {"threshold": threshold}
    (data / "study.yml").write_text(yaml.safe_dump(study, sort_keys=False), encoding="utf-8")
    stated = (data / "stated_figures.yaml").read_text(encoding="utf-8")
    (data / "stated_figures.yaml").write_text(stated.replace("theme: m-why-seeds", "theme: planning-the-season"),
                                              encoding="utf-8")
    return data


def state_company(data) -> None:
    """A figure the paper states for "Company" that the coding does not give."""
    path = data / "stated_figures.yaml"
    figures = yaml.safe_load(path.read_text(encoding="utf-8"))
    figures["figures"].append({"id": "company-theme", "value": COMPANY_STATED, "unit": "count",
                               "statement": "three read for company",
                               "where": {"section": "Results", "line": 4},
                               "compute": {"measure": "theme_participants", "theme": "company"}})
    path.write_text(yaml.safe_dump(figures, sort_keys=False), encoding="utf-8")


def run(data, tmp_path):
    return build(data / "study.yml", tmp_path / "build", tmp_path / "cache", data / "docs")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Sources named R1, R2 (ids of no participant-label form); the default threshold, 3."""
    tmp = tmp_path_factory.mktemp("qdpx-survey")
    run(survey(tmp), tmp)
    return tmp / "build"


@pytest.fixture(scope="module")
def built_open(tmp_path_factory):
    """Sources named by Qualtrics ResponseIds; the disclosure rule off, so every count shows."""
    tmp = tmp_path_factory.mktemp("qdpx-survey-open")
    data = survey(tmp, ids=QUALTRICS_IDS, threshold=0)
    state_company(data)
    run(data, tmp)
    return tmp / "build"


def rows(path) -> dict:
    with open(path, newline="", encoding="utf-8") as f:
        return {r["id"]: r for r in csv.DictReader(line for line in f if not line.startswith("#"))}


def page(build_dir, theme: str) -> str:
    return (build_dir / f"docs/themes/{theme}.md").read_text(encoding="utf-8")


def test_theme_pages_with_the_chosen_quotes_and_the_nav(built):
    planning, company = page(built, "planning-the-season"), page(built, "company")
    assert planning.startswith("---") and "# Planning the season" in planning
    assert "To pick the best marrow seeds" in planning and "## Seed catalogues" in planning
    assert "answering question 4" in planning
    assert "# Company" in company and "> " not in company  # coded, nothing published
    nav = yaml.safe_load((built / "nav.yml").read_text(encoding="utf-8"))["nav"]
    assert {"Why they read": [{"Planning the season": "themes/planning-the-season.md"},
                              {"Company": "themes/company.md"}]} in nav[4]["Themes"]


def test_prevalence_counts_every_coding_and_says_how_many_answers_are_quoted(built_open):
    by_hand = coded_by_hand(PROJECTS / "mini_coding")  # code -> (sources coded, selections published)
    table = rows(built_open / "docs/downloads/themes-m-why.csv")
    for code, theme in THEME_IDS.items():
        sources, published = by_hand[code]
        assert table[theme]["respondents_coded"] == str(len(sources)), theme
        assert table[theme]["quotes_printed_in_the_appendix"] == str(published), theme
        assert table[theme]["participants_named_in_the_printed_quotes"] == "0", theme  # no label shown
    assert (len(by_hand["Planning the season"][0]), by_hand["Planning the season"][1]) == (2, 1)
    assert (len(by_hand["Company"][0]), by_hand["Company"][1]) == (1, 0)
    planning, company = page(built_open, "planning-the-season"), page(built_open, "company")
    assert ("The paper reports that **2** were coded to this theme. **2** respondents' answers were "
            "coded under this theme; 1 is quoted below, chosen by the team.") in planning
    assert ("***2** respondents' answers were coded under this sub-theme; 1 is quoted below, chosen "
            "by the team.*") in planning
    assert (f"The paper reports that **{COMPANY_STATED}** were coded to this theme. **1** "
            "respondent's answer was coded under this theme; the team chose none to quote.") in company
    for text in (planning, company):
        assert "appendix" not in text and "does not say how many" not in text
    summary = (built_open / "fragments/themes/m-why.md").read_text(encoding="utf-8")
    assert summary.splitlines()[0] == ("| Theme | Level | Respondents coded | Participants coded (as the "
                                       "paper reports) | Quotes published |")
    index = (built_open / "fragments/themes/index.md").read_text(encoding="utf-8")
    assert "(the paper reports 2 participants; 2 respondents coded; 1 quote published)" in index
    assert "(the paper reports 3 participants; 1 respondent coded; 0 quotes published)" in index


def test_the_stated_figures_check_counts_every_coding(built_open):
    check = rows(built_open / "docs/downloads/stated-figures.csv")
    assert (check["seed-theme"]["computed"], check["seed-theme"]["status"]) == ("2", "matches")
    company = check["company-theme"]
    assert (company["computed"], company["status"]) == ("1", "differs")  # every coding was read
    assert company["explanation"] == ("1 respondent was coded under ‘Company’ in the team's analysis "
                                      f"tool (every coding counted), against the {COMPANY_STATED} stated.")
    stated_page = (built_open / "docs/data/stated-figures.md").read_text(encoding="utf-8")
    for words in ("published quotes", "appendix prints only some", "cannot be checked"):
        assert words not in stated_page, words


def test_small_counts_follow_the_disclosure_rule(built):
    # threshold 3 (the default): every theme here holds 1 or 2 respondents (coded_by_hand)
    by_hand = coded_by_hand(PROJECTS / "mini_coding")
    assert all(0 < len(sources) < 3 for sources, _ in by_hand.values())
    table = rows(built / "docs/downloads/themes-m-why.csv")
    for theme in THEME_IDS.values():
        assert table[theme]["respondents_coded"] == "fewer than 3", theme
        # the paper's count is not repeated beside a count the rule hides: it would give it away
        assert table[theme]["participants_coded_as_the_paper_reports"] == "", theme
    planning, company = page(built, "planning-the-season"), page(built, "company")
    assert ("Fewer than 3 respondents' answers were coded under this theme; the team chose the quotes "
            "below.") in planning
    assert "Fewer than 3 respondents' answers were coded under this theme; the team chose none to quote." \
        in company
    assert "**2**" not in planning and "**1**" not in company
    check = rows(built / "docs/downloads/stated-figures.csv")["seed-theme"]
    assert (check["stated"], check["computed"], check["status"]) == \
        ("fewer than 3", "fewer than 3", "hidden by the disclosure rule")
    index = (built / "fragments/themes/index.md").read_text(encoding="utf-8")
    assert "(fewer than 3 respondents coded; 1 quote published)" in index
    assert "paper reports 2" not in index


def test_a_quote_from_a_source_named_by_its_response_id_is_a_respondents(built, built_open):
    for build_dir in (built, built_open):
        planning = page(build_dir, "planning-the-season")
        assert "— a respondent, answering question 4" in planning
        assert "&#91;" not in planning and "not a participant number" not in planning
        themes = yaml.safe_load((build_dir / "docs/downloads/themes.yaml").read_text(encoding="utf-8"))
        quotes = [q for step in themes["steps"] for n in _walk(step) for q in n.get("quotes", [])]
        assert quotes and all(q["label"] is None for q in quotes)


def test_no_response_id_reaches_any_file(built_open):
    seen = 0
    for path in built_open.rglob("*"):
        if path.is_file():
            seen += 1
            text = path.read_bytes().decode("utf-8", "replace")
            for rid in QUALTRICS_IDS.values():
                assert rid not in text, (path, rid)
    assert seen > 20


def test_a_participant_label_is_published_as_it_is(tmp_path):
    data = survey(tmp_path, ids={"R1": "P12", "R2": "P7"})
    run(data, tmp_path)
    planning = page(tmp_path / "build", "planning-the-season")
    assert "— P12, answering question 4" in planning and "a respondent" not in planning
    table = rows(tmp_path / "build/docs/downloads/themes-m-why.csv")
    assert table["planning-the-season"]["participants_named_in_the_printed_quotes"] == "1"  # P12 quoted
    assert table["company"]["participants_named_in_the_printed_quotes"] == "0"


def _walk(node):
    yield node
    for child in node.get("children") or []:
        yield from _walk(child)


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
    done = mkdocs_build_elsewhere(tmp_path)
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


def test_a_response_id_in_a_published_quote_stops_the_build(tmp_path):
    # the respondent's id typed into an answer the team chose to quote: the privacy scan refuses it
    project = tmp_path / "project"
    shutil.copytree(PROJECTS / "mini_coding", project)
    r1 = next(project.glob("sources/*0005.txt"))
    published, rid = "To pick the best marrow seeds", QUALTRICS_IDS["R3"]
    replacement = f"see {rid} and us."
    r1.write_text(r1.read_text(encoding="utf-8").replace(published, replacement), encoding="utf-8")
    assert len(replacement) == len(published)  # the selection still covers it
    data = survey(tmp_path, project)
    with pytest.raises(DataError) as error:
        run(data, tmp_path)
    found = {p.file for p in error.value.problems}
    assert "build/docs/themes/planning-the-season.md" in found
    assert all("survey platform's response id" in p.message for p in error.value.problems)
    assert rid not in str(error.value)


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
