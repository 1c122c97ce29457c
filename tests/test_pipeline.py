"""The generator as a whole: a second, made-up survey builds with no code change; bad input stops the
build with one clear message and leaves the last good output untouched."""
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from tests.site_config import mkdocs_build_elsewhere

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "fixtures" / "mini_survey"


def run_build(study: Path, out: Path, cache: Path, docs: Path | None = None):
    docs = docs or study.parent / "docs"
    return subprocess.run([sys.executable, str(ROOT / "build_tables.py"), "--study", str(study),
                           "--out", str(out), "--cache", str(cache), "--docs", str(docs)],
                          cwd=ROOT, capture_output=True, text=True)


def tree_digest(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def mini_build(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("mini")
    data = tmp / "data"
    shutil.copytree(MINI, data)
    done = run_build(data / "study.yml", tmp / "build", tmp / "cache")
    assert done.returncode == 0, done.stderr
    return tmp


def test_a_second_survey_builds_its_own_pages(mini_build):
    out = mini_build / "build"
    for rel in ["docs/instrument.md", "docs/data/stated-figures.md", "docs/coding.md",
                "docs/themes/m-why-seeds.md", "docs/themes/m-why-company.md", "docs/index.md",
                "fragments/questions/A1.md", "fragments/questions/A3.md",
                "fragments/questions/A4.md", "fragments/table-1.md", "docs/figures/A1.svg",
                "docs/figures/A1.png", "docs/figures/A3.svg", "docs/downloads/A2.csv",
                "docs/downloads/citation.bib", "variables.yml", "nav.yml"]:
        assert (out / rel).is_file(), rel
    # no page of the real study leaks into it
    assert not list(out.rglob("Q11*")) and not (out / "docs/report").exists()


def test_a_build_writes_exactly_these_files(mini_build):
    """The whole output of the made-up survey, listed by hand from its inputs: 4 questions (A1-A2
    closed, A3 a matrix, A4 free text), one final analysis with two themes, one prose page."""
    out = mini_build / "build"
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    figures = [f"docs/figures/{q}.{ext}" for q in ("A1", "A2", "A3") for ext in ("png", "svg")]
    assert written == sorted([
        "docs/index.md", "docs/results/about.md", "docs/results/habits.md", "docs/themes/index.md",
        "docs/instrument.md", "docs/coding.md", "docs/data/stated-figures.md",
        "docs/themes/m-why-seeds.md", "docs/themes/m-why-company.md",
        "docs/downloads/A1.csv", "docs/downloads/A2.csv", "docs/downloads/A3.csv",
        "docs/downloads/table-1.csv", "docs/downloads/themes-m-why.csv",
        "docs/downloads/stated-figures.csv", "docs/downloads/citation.bib",
        "docs/downloads/instrument.yaml", "docs/downloads/themes.yaml", "docs/downloads/codebook.qdc",
        "docs/downloads/coding.qdpx", *figures,
        "fragments/questions/A1.md", "fragments/questions/A2.md", "fragments/questions/A3.md",
        "fragments/questions/A4.md", "fragments/table-1.md", "fragments/themes/m-why.md",
        "fragments/themes/index.md", "fragments/reconstructed.md", "variables.yml", "nav.yml",
        "privacy.json", ".findings-output",
        # every site's stylesheet, script, logo, favicon and social card (findings/site/static/)
        "docs/stylesheets/site.css", "docs/javascripts/site.js", "docs/assets/logo.svg",
        "docs/assets/favicon.svg", "docs/assets/social-card.png",
        ".inputs.sha256"])  # the fingerprint of the inputs, for an unchanged rebuild
    nav = yaml.safe_load((out / "nav.yml").read_text())["nav"]
    assert nav[4] == {"Themes": ["themes/index.md", {"Why they read": [
        {"Planning the season": "themes/m-why-seeds.md"}, {"Company": "themes/m-why-company.md"}]}]}


def test_the_second_survey_site_builds_strictly_with_mkdocs(mini_build, tmp_path):
    """The whole chain, with no code change: its pages, nav, links and macros pass --strict."""
    shutil.copytree(mini_build / "build", tmp_path / "build")
    done = mkdocs_build_elsewhere(tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    home = (tmp_path / "site/index.html").read_text()
    assert "5 gardeners answered." in home
    assert 'href="themes/m-why-seeds/"' in home  # a fragment's docs-root link, made relative
    about = (tmp_path / "site/results/about/index.html").read_text()
    assert 'href="../../instrument/#q-a1"' in about and 'src="../../figures/A1.svg"' in about
    seeds = (tmp_path / "site/themes/m-why-seeds/index.html").read_text()
    assert 'href="../../instrument/#q-a4"' in seeds  # the quotes answer question A4


def variables_of(out: Path) -> dict:
    return yaml.safe_load((out / "variables.yml").read_text())


def test_second_survey_counts_and_denominators(mini_build):
    out = mini_build / "build"
    responses = pd.read_csv(MINI / "responses.csv")
    answered = responses.A2.notna().sum()  # R5 left before A2
    yes = (responses.A2 == "Yes").sum()
    assert (answered, yes) == (4, 2)
    a2 = (out / "fragments/questions/A2.md").read_text()
    assert f"**{answered} of the 5 who took part answered this question** (1 did not" in a2
    assert "| Yes | 2 | 50% |" in a2 and "| No | 2 | 50% |" in a2
    a1 = (out / "fragments/questions/A1.md").read_text()
    # A1 is a participant characteristic: 3, 1 and 1 of 5. Hiding the two 1s ("fewer than 3") and
    # the 3 would still give them away (the total is 5 and small cells are at least 1), so no count
    # of it is shown at all, anywhere
    assert responses.A1.value_counts().to_dict() == {"One": 3, "Two or more": 1, "Prefer not to say": 1}
    for option in ("One", "Two or more", "Prefer not to say"):
        assert f"| {option} | *hidden* | – |" in a1
    assert "| One | 3 |" not in (out / "fragments/table-1.md").read_text()
    table1 = pd.read_csv(out / "docs/downloads/table-1.csv")
    assert set(table1["count"]) == {"hidden"} and table1["percent"].isna().all()
    assert set(variables_of(out)["q"]["A1"]["count"].values()) == {"hidden"}
    csv = pd.read_csv(out / "docs/downloads/A2.csv")
    assert csv.set_index("answer").respondents.to_dict() == {"Yes": 2, "No": 2}
    assert set(csv.answered) == {4} and set(csv.respondents_total) == {5}
    variables = yaml.safe_load((out / "variables.yml").read_text())
    assert variables["n"] == {"respondents": 5, "finished": 3, "partial": 2}
    assert variables["q"]["A2"]["pct"] == {"Yes": 50, "No": 50}
    assert variables["matrix"]["A3"]["items"]["A3_1"]["count"]["Very"] == 2


def test_second_survey_theme_pages_hold_their_quotes(mini_build):
    seeds = (mini_build / "build/docs/themes/m-why-seeds.md").read_text()
    assert "## Seed catalogues" in seeds
    assert "To pick the best marrow seeds" in seeds and "— P1, answering question 4" in seeds
    assert "My neighbour lends me hers" not in seeds
    company = (mini_build / "build/docs/themes/m-why-company.md").read_text()
    assert "My neighbour lends me hers" in company and "— no label printed, answering question 4" in company
    summary = (mini_build / "build/fragments/themes/m-why.md").read_text()
    assert "Participants coded (as the paper reports) | Quotes printed in the appendix" in \
        summary.splitlines()[0]
    seeds_row = next(l for l in summary.splitlines() if "[Planning the season]" in l)
    assert seeds_row.rstrip(" |").split("|")[-2:] == [" 2 ", " 2"]  # stated (seed-theme), quotes printed
    assert "The paper reports that **2** were coded to this theme. The appendix prints 2 quotes" in seeds


def test_second_survey_stated_figures_are_checked(mini_build):
    check = pd.read_csv(mini_build / "build/docs/downloads/stated-figures.csv").set_index("id")
    assert check.loc["people", "status"] == "matches"
    assert check.loc["read-magazines", "status"] == "matches"
    assert check.loc["seed-theme", "computed"] == 2


def test_personal_data_in_the_instrument_is_not_published(mini_build):
    page = (mini_build / "build/docs/instrument.md").read_text()
    assert "tess.tester@example.org" not in page
    assert "Contact &#91;e-mail address removed&#93; with questions." in page
    assert "1 Plot Lane" not in page
    assert "example.org" not in (mini_build / "build/docs/downloads/instrument.yaml").read_text()


def test_bad_value_stops_the_build_and_keeps_the_last_good_output(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(MINI, data)
    out, cache = tmp_path / "build", tmp_path / "cache"
    assert run_build(data / "study.yml", out, cache).returncode == 0
    before = tree_digest(out)
    csv = (data / "responses.csv").read_text().replace("R3,100,1,One,No", "R3,100,1,Three,No")
    (data / "responses.csv").write_text(csv)
    done = run_build(data / "study.yml", out, cache)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "responses.csv" in done.stderr and "R3" in done.stderr and "'Three'" in done.stderr
    assert "A1" in done.stderr
    assert tree_digest(out) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".build-")]


def test_malformed_yaml_is_reported_with_its_line(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(MINI, data)
    text = (data / "themes.yaml").read_text().replace("  kind: step\n  line: 6", "  kind: step\n line: [6")
    (data / "themes.yaml").write_text(text)
    done = run_build(data / "study.yml", tmp_path / "out", tmp_path / "cache")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "themes.yaml" in done.stderr and "line" in done.stderr
    assert not (tmp_path / "out").exists()


def test_study_config_naming_an_unknown_question_is_refused(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(MINI, data)
    (data / "study.yml").write_text((data / "study.yml").read_text().replace("[A3, A4]", "[A3, A9]"))
    done = run_build(data / "study.yml", tmp_path / "out", tmp_path / "cache")
    assert done.returncode == 1
    assert "study.yml" in done.stderr and "unknown question 'A9'" in done.stderr


def test_unchanged_figures_come_from_the_cache(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(MINI, data)
    first = run_build(data / "study.yml", tmp_path / "o1", tmp_path / "cache")
    second = run_build(data / "study.yml", tmp_path / "o2", tmp_path / "cache")
    assert "3 drawn, 0 from cache" in first.stdout
    assert "0 drawn, 3 from cache" in second.stdout
    assert (tmp_path / "o1/docs/figures/A1.svg").read_bytes() == (tmp_path / "o2/docs/figures/A1.svg").read_bytes()
