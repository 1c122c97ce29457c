"""The study's team and contact (``team:`` and ``contact:`` in study.yml): both optional, checked
like every other field (a bad e-mail address or web address is refused with the file, its line and
the form expected), given to prose pages as variables (text inert, the e-mail a working mailto:
link) and shown in every page's footer (``copyright:`` in build/nav.yml, HTML-escaped)."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from findings.errors import DataError
from findings.load import load
from findings.load.study import EMAIL_FORM, load_study
from tests.site_config import mkdocs_build_elsewhere

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "fixtures" / "mini_survey"

TEAM = """
team:
  members:
    - name: "Tess Tester"
      role: "Lead researcher"
    - name: "Sam <b>Sample</b> {{ 7 * 7 }}"
  institution: "Allotment Institute & <i>Co</i>"
  institution_url: "https://example.org/institute?a=1&b=2"
"""
CONTACT = """
contact:
  name: "Tess Tester"
  role: "Lead researcher"
  email: "tess.tester@example.org"
"""
ALLOW = """
privacy:
  allow: [tess.tester@example.org]
"""


def survey(tmp_path: Path, extra: str = "", edit=lambda t: t) -> Path:
    """A copy of the made-up survey with ``extra`` appended to its study.yml; returns study.yml."""
    data = tmp_path / "data"
    shutil.copytree(MINI, data)
    path = data / "study.yml"
    path.write_text(edit(path.read_text(encoding="utf-8") + extra), encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(DataError) as info:
        load(path)
    return [str(p) for p in info.value.problems]


def line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def run_build(study: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "build_tables.py"), "--study", str(study),
                           "--out", str(out), "--cache", str(out.parent / "cache"),
                           "--docs", str(study.parent / "docs")],
                          cwd=ROOT, capture_output=True, text=True)


# --------------------------------------------------------------------------- the loader

@pytest.mark.parametrize("bad", ["tess.tester at example.org", "tess.tester[at]example.org",
                                 "mailto:tess.tester@example.org", "tess.tester@example",
                                 "tess tester@example.org", "<tess@example.org>",
                                 "tess..tester@example.org", "tess@example.org, sam@example.org",
                                 "[tess](javascript:alert(1))@example.org", "tess@-example.org", ""])
def test_a_bad_email_is_refused_with_the_file_and_its_line(tmp_path, bad):
    path = survey(tmp_path, TEAM + CONTACT.replace('"tess.tester@example.org"', f'"{bad}"'))
    found = problems(path)
    assert len(found) == 1, found
    line = line_of(path, "  email:")
    assert found[0].startswith(f"{path}, line {line}: contact, email should be {EMAIL_FORM}; found "), \
        found[0]


def test_every_problem_of_team_and_contact_is_reported_at_once(tmp_path):
    path = survey(tmp_path, TEAM.replace("https://example.org/institute?a=1&b=2", "javascript:alert(1)")
                  + CONTACT.replace("tess.tester@example.org", "nobody")
                  + "  response_days: soon\n  phone: 0\n")
    found = problems(path)
    assert len(found) == 4, found
    assert any(f"line {line_of(path, 'institution_url')}: team, institution_url should be a web address "
               "starting with https:// or http://" in p and "'javascript:' addresses are refused" in p
               for p in found), found
    assert any(f"line {line_of(path, '  email:')}: contact, email should be an e-mail address" in p
               for p in found), found
    assert any(f"line {line_of(path, 'response_days')}: contact, response_days should be a whole "
               "number; found 'soon'" in p for p in found), found
    assert any(f"line {line_of(path, 'phone:')}: contact: unknown key 'phone'; allowed: name, role, "
               "institution, email, postal_address, response_days" in p for p in found), found


def test_a_contact_needs_a_name_and_an_email(tmp_path):
    path = survey(tmp_path, "contact:\n  role: Lead researcher\n")
    found = problems(path)
    assert len(found) == 2, found
    assert all(f"line {line_of(path, 'contact:')}: contact: missing key" in p for p in found), found
    assert "expected keys name, email (optional: role, institution, postal_address, response_days)" \
        in found[0]


@pytest.mark.parametrize("days", ["0", "-3", "2.5", "true"])
def test_a_response_time_is_a_whole_number_of_working_days(tmp_path, days):
    path = survey(tmp_path, CONTACT + f"  response_days: {days}\n" + ALLOW)
    found = problems(path)
    assert len(found) == 1 and f"line {line_of(path, 'response_days')}: contact, response_days" \
        in found[0], found


def test_team_and_contact_are_optional(tmp_path):
    plain = load_study(MINI / "study.yml")
    assert plain.team is None and plain.contact is None
    # only the required keys: the others are absent, never invented
    path = survey(tmp_path, "team:\n  members: []\n  institution: Allotment Institute\n"
                            "contact:\n  name: Tess Tester\n  email: tess@example.org\n")
    study = load_study(path)
    assert study.team.members == () and study.team.institution_url is None
    assert (study.contact.role, study.contact.institution, study.contact.postal_address,
            study.contact.response_days) == (None, None, (), None)


def test_the_studys_own_team_and_contact_come_from_the_manuscript():
    study = load_study(ROOT / "data" / "study.yml")
    paper = (ROOT / "data" / "source" / "paper.txt").read_text(encoding="utf-8")
    sheet = "\n".join(paper.splitlines()[117:239])  # Appendix A: the participant information sheet
    assert study.contact.email in sheet and study.contact.name in sheet
    assert f"{study.contact.name} ({study.contact.role})".lower() in sheet.lower()
    assert study.contact.email in study.privacy_allow
    # the manuscript gives neither, so the site states neither
    assert study.contact.postal_address == () and study.contact.response_days is None
    for member in study.team.members:
        assert member.name in paper, member.name
    assert [m.name.split()[-1] for m in study.team.members] == \
        [a.split(",")[0] for a in study.authors]


# --------------------------------------------------------------------------- the build

def test_the_made_up_survey_still_builds_without_team_or_contact(tmp_path):
    path = survey(tmp_path)
    done = run_build(path, tmp_path / "build")
    assert done.returncode == 0, done.stderr
    inherited = yaml.safe_load((tmp_path / "build/nav.yml").read_text())
    assert set(inherited) == {"site_name", "site_description", "nav"}  # no footer text is made up
    variables = yaml.safe_load((tmp_path / "build/variables.yml").read_text())
    assert "contact" not in variables and "team" not in variables["study"]


def test_the_footer_and_the_variables_carry_team_and_contact_escaped(tmp_path):
    path = survey(tmp_path, TEAM + CONTACT + ALLOW)
    done = run_build(path, tmp_path / "build")
    assert done.returncode == 0, done.stderr
    footer = yaml.safe_load((tmp_path / "build/nav.yml").read_text())["copyright"]
    # escaped as nav titles are (markdown.html_title): < > " always, & where it starts a reference
    assert footer == (
        "Study team: Tess Tester and Sam &lt;b&gt;Sample&lt;/b&gt; {{ 7 * 7 }} — "
        '<a href="https://example.org/institute?a=1&b=2">Allotment Institute & &lt;i&gt;Co&lt;/i&gt;</a>'
        "<br>Contact: Tess Tester (Lead researcher), "
        '<a href="mailto:tess.tester@example.org">tess.tester@example.org</a>'), footer
    variables = yaml.safe_load((tmp_path / "build/variables.yml").read_text())
    contact = variables["contact"]
    assert contact["mailto"] == "mailto:tess.tester@example.org"  # a link: left as it is
    assert contact["email"] == "tess.tester@example.org"
    assert (contact["postal_address"], contact["response_days"]) == (None, None)
    team = variables["study"]["team"]
    assert team["institution_url"] == "https://example.org/institute?a=1&b=2"
    assert "<" not in team["members"][1]["name"] and "{{" not in team["members"][1]["name"]


def test_the_contacts_email_must_be_on_the_allow_list(tmp_path):
    """The footer publishes the e-mail on every page: without ``privacy: allow`` the scan stops the
    build and says where it came from and what to do."""
    path = survey(tmp_path, CONTACT)
    done = run_build(path, tmp_path / "build")
    assert done.returncode == 1, done.stdout
    assert "build/nav.yml" in done.stderr and "privacy: allow" in done.stderr
    assert f"comes from {path}" in done.stderr or "comes from data/study.yml" in done.stderr, done.stderr
    assert "tess.tester@example.org" not in done.stderr and "Traceback" not in done.stderr


def test_the_made_up_survey_site_shows_the_footer_and_a_working_mailto_link(tmp_path):
    path = survey(tmp_path, TEAM + CONTACT + ALLOW)
    index = path.parent / "docs" / "index.md"
    index.write_text(index.read_text() + "\nWrite to [{{ contact.email }}]({{ contact.mailto }}) at "
                     "{{ study.team.institution }}.\n")
    done = run_build(path, tmp_path / "build")
    assert done.returncode == 0, done.stderr
    done = mkdocs_build_elsewhere(tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    home = (tmp_path / "site/index.html").read_text()
    assert 'Write to <a href="mailto:tess.tester@example.org">tess.tester@example.org</a>' in home
    assert "at Allotment Institute &#38; &#60;i&#62;Co&#60;/i&#62;." in home  # inert text
    for page in (tmp_path / "site").rglob("*.html"):
        footer = page.read_text().split('<footer class="md-footer">', 1)[1]
        assert '<a href="mailto:tess.tester@example.org">tess.tester@example.org</a>' in footer, page
        assert "Sam &lt;b&gt;Sample&lt;/b&gt; {{ 7 * 7 }}" in footer and "<b>" not in footer, page
