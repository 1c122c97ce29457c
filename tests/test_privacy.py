"""Personal data never reaches the site: redaction, the scan of what the build would write, the scan
of the built site, and the build as a whole refusing each kind of personal data in each kind of input.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from findings import privacy
from findings.errors import DataError

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "fixtures" / "mini_survey"

# One example of each kind the scan must stop (all made up; the NHS number passes its check digit).
PERSONAL = {
    "e-mail address": "jo.bloggs@nhs.net",
    "disguised e-mail address": "jo dot bloggs at nhs dot net",
    "full-width e-mail address": "jo.bloggs＠nhs.net",
    "phone number": "07700 900123",
    "UK postcode": "SW1A 1AA",
    "NHS number": "943 476 5919",
    "National Insurance number": "AB 12 34 56 C",
    "IPv4 address": "192.168.20.14",
    "IPv6 address": "2001:db8::8a2e:370:7334",
}


def test_redact_removes_plain_and_obfuscated_email_addresses():
    text = "Contact a.b-c.22@ucl.ac.uk or b.lloyd-evans{at}ucl.ac.uk today."
    out = privacy.redact(text)
    assert "ucl" not in out and out.count(privacy.REDACTED) == 2 and out.startswith("Contact ")


def test_a_hit_names_file_line_and_source_without_repeating_the_data():
    files = {"build/docs/page.md": "# Title\nfine\nmail me at someone@example.org\n"}
    sources = {"data/themes.yaml": "a: 1\nb: mail me at someone@example.org\n"}
    with pytest.raises(DataError) as e:
        privacy.check_output(files, (), sources)
    msg = str(e.value)
    assert "build/docs/page.md, line 3" in msg and "e-mail address" in msg
    assert "data/themes.yaml, line 2" in msg
    assert "someone@example.org" not in msg  # the log of a public CI run is published too


def test_markdown_is_read_as_the_page_will_show_it():
    with pytest.raises(DataError):  # character references resolved: md_text's escaping hides nothing
        privacy.check_output({"p.md": "jo&#46;bloggs&#64;nhs&#46;net"})


def test_the_allow_list_lets_the_published_contact_through():
    privacy.check_output({"a.md": "Contact b.lloyd-evans@ucl.ac.uk"}, ["b.lloyd-evans@ucl.ac.uk"])
    with pytest.raises(DataError):
        privacy.check_output({"a.md": "Contact someone.else@ucl.ac.uk"}, ["b.lloyd-evans@ucl.ac.uk"])


@pytest.mark.parametrize("leak", ["column IPAddress", "LocationLatitude"])
def test_personal_field_names_are_refused(leak):
    with pytest.raises(DataError):
        privacy.check_output({"a.csv": leak})


def test_clean_output_passes():
    privacy.check_output({"a.md": "70% of 50 respondents; version 1.2.3; doi 10.1101/2024.05.09.24307104"})


def test_the_site_scan_reads_page_text_attributes_and_the_search_index(tmp_path):
    site = tmp_path / "site"
    (site / "search").mkdir(parents=True)
    (site / "assets").mkdir()
    (site / "index.html").write_text('<p>fine</p><svg><path d="M2.41.44.82 3"/></svg>'
                                     '<script>var x = "192.168.0.1"</script>')
    (site / "assets" / "bundle.js").write_text("07700 900123")  # the theme's, not scanned
    privacy.check_site(site)
    (site / "search" / "search_index.json").write_text('{"docs": [{"text": "call 07700 900123"}]}')
    (site / "page.html").write_text('<img alt="jo.bloggs@nhs.net" src="x.png">')
    with pytest.raises(DataError) as e:
        privacy.check_site(site)
    assert "site/search/search_index.json" in str(e.value) and "site/page.html" in str(e.value)


# ------------------------------------------------------------------ the whole build
def build(data: Path, out: Path):
    return subprocess.run([sys.executable, str(ROOT / "build_tables.py"), "--study", str(data / "study.yml"),
                           "--out", str(out), "--cache", str(out.parent / "cache"),
                           "--docs", str(data / "docs")], capture_output=True, text=True, cwd=ROOT)


def inject(data: Path, where: str, text: str) -> str:
    """Put ``text`` into one kind of input; returns the file it went into."""
    if where == "quote":
        path = data / "themes.yaml"
        path.write_text(path.read_text().replace("To pick the best marrow seeds",
                                                 f"To pick the best marrow seeds, ring {text}"))
    elif where == "question text":
        path = data / "instrument.yaml"
        path.write_text(path.read_text().replace("How many plots do you tend?",
                                                 f"How many plots do you tend ({text})?"))
    elif where == "option label":
        for name in ("responses.csv", "instrument.yaml"):  # the codebook is named as the source
            path = data / name
            path.write_text(path.read_text().replace("Two or more", f"Two or more {text}"))
    elif where == "prose page":
        path = data / "docs" / "index.md"
        path.write_text(path.read_text() + f"\nWrite to us: {text}\n")
    elif where == "study title":
        path = data / "study.yml"
        path.write_text(path.read_text().replace("Reading habits of allotment gardeners",
                                                 f"Reading habits {text}"))
    return str(path.relative_to(data.parent))


@pytest.mark.parametrize("kind", sorted(PERSONAL))
@pytest.mark.parametrize("where", ["quote", "question text", "option label", "prose page", "study title"])
def test_personal_data_in_any_input_stops_the_build_naming_its_source(tmp_path, kind, where):
    data = tmp_path / "data"
    shutil.copytree(MINI, data)
    source = inject(data, where, PERSONAL[kind])
    done = build(data, tmp_path / "build")
    assert done.returncode == 1, done.stdout
    assert "Traceback" not in done.stderr and "would publish what looks like a personal" in done.stderr
    assert f"it comes from {source}" in done.stderr or f"comes from {tmp_path / source}" in done.stderr, \
        done.stderr  # the input it came from is named
    assert PERSONAL[kind] not in done.stderr
    assert not (tmp_path / "build").exists()


def test_the_published_contact_can_be_allowed_in_study_yml(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(MINI, data)
    inject(data, "prose page", "tess.tester@example.org")
    with (data / "study.yml").open("a") as f:
        f.write("privacy:\n  allow: [tess.tester@example.org]\n")
    done = build(data, tmp_path / "build")
    assert done.returncode == 0, done.stderr
    assert "tess.tester@example.org" in (tmp_path / "build/docs/index.md").read_text()
