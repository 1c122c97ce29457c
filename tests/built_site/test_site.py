"""End to end: data/ -> build_tables.py -> mkdocs build --strict, then the built site is checked:
every page and figure exists, every internal link resolves, each quote sits on its theme page,
prose numbers are the computed ones, no personal data, and the participants' report reads plainly."""
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pandas as pd
import pytest
import yaml

from findings.load.themes import load_themes
from tests.site_config import mkdocs_build_elsewhere

ROOT = Path(__file__).resolve().parents[2]


class _Page(HTMLParser):
    """Links, image sources, element ids, blockquote texts and visible text of one built page."""

    def __init__(self):
        super().__init__()
        self.links, self.images, self.ids, self.quotes = [], [], set(), []
        self.text = []
        self._quote_depth = 0
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "img" and a.get("src"):
            self.images.append((a["src"], a.get("alt", "")))
        if tag == "blockquote":
            self._quote_depth += 1
            self.quotes.append("")
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag == "blockquote":
            self._quote_depth -= 1
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if self._skip:
            return
        self.text.append(data)
        if self._quote_depth:
            self.quotes[-1] += data


def parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.visible = re.sub(r"\s+", " ", "".join(page.text))
    page.quotes = [re.sub(r"\s+", " ", q).strip() for q in page.quotes]
    return page


def page_file(site: Path, src: str) -> Path:
    """The built HTML of a docs-relative markdown page (directory URLs)."""
    stem = src[:-3]
    if stem.endswith("index"):
        return site / stem[: -len("index")] / "index.html"
    return site / stem / "index.html"


def nav_pages(nav) -> list[str]:
    out = []
    for entry in nav:
        value = entry if isinstance(entry, str) else next(iter(entry.values()))
        if isinstance(value, list):
            out += nav_pages(value)
        else:
            out.append(value)
    return out


@pytest.fixture(scope="module")
def nav(built_site):
    """The navigation the build wrote (mkdocs.yml inherits it)."""
    return yaml.safe_load((ROOT / "build" / "nav.yml").read_text(encoding="utf-8"))["nav"]


def test_every_nav_page_is_built(built_site, nav):
    pages = nav_pages(nav)
    assert len(pages) == len(set(pages)) == 40  # 39, and the "none known" current-practice theme
    for src in pages:
        assert page_file(built_site, src).is_file(), src


def test_every_page_of_the_site_is_in_the_nav(built_site, nav):
    """The theme pages are in the nav because the build lists them, one per final theme."""
    themes = load_themes(ROOT / "data/themes.yaml")
    added = yaml.safe_load((ROOT / "data/study.yml").read_text())["added_theme_pages"]
    assert added == {"s3-practice-current": ["s2-q5-none-known"]}  # the paper's 'not sure / none'
    expected = []
    for a in themes.final_analyses():
        for c in a.children:
            expected += [f"themes/{t.id}.md" for t in (c.children if c.kind == "group" else [c])]
            expected += [f"themes/{t}.md" for t in added.get(c.id, [])]
    assert len(expected) == 23
    pages = nav_pages(nav)
    assert [p for p in pages if p.startswith("themes/") and p != "themes/index.md"] == expected
    built = sorted(p.parent.relative_to(built_site).as_posix()
                   for p in built_site.rglob("index.html") if p.parent.name != "404")
    assert len(built) == len(pages)


def test_public_addresses_carry_no_build_internals(built_site):
    for address in ("instrument", "coding", "data/stated-figures", "report",
                    "themes/s3-barriers-provider-factors", "results/barriers"):
        assert (built_site / address / "index.html").is_file(), address
    leaks = [p.relative_to(built_site).as_posix() for p in built_site.rglob("*")
             if "generated" in p.relative_to(built_site).as_posix()]
    assert not leaks
    for page in built_site.rglob("*.html"):
        assert "generated/" not in page.read_text(encoding="utf-8"), page


def test_report_is_at_a_stable_short_address(built_site):
    assert (built_site / "report" / "index.html").is_file()


def test_every_internal_link_and_image_resolves(built_site):
    broken = []
    # 404.html links from the deployed site's root (site_url), so it is checked by the browser tests
    pages = sorted(p for p in built_site.rglob("*.html") if p.name != "404.html")
    parsed = {p: parse(p) for p in pages}
    for path, page in parsed.items():
        for href in page.links + [src for src, _ in page.images]:
            parts = urlsplit(href)
            if parts.scheme or href.startswith(("mailto:", "//")):
                continue
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{path.relative_to(built_site)} -> {href}")
            elif parts.fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else parse(target).ids
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{path.relative_to(built_site)} -> {href} (no such anchor)")
    assert not broken, "\n".join(broken[:30])


def test_every_chart_has_alt_text_from_its_data_and_its_downloads(built_site):
    page = parse(built_site / "results/appropriateness/index.html")
    charts = [(src, alt) for src, alt in page.images if "figures/" in src]
    assert [Path(s).name for s, _ in charts] == ["Q11.svg"]
    responses = pd.read_csv(ROOT / "data/responses.csv")
    agree = int((responses.Q11 == "Strongly agree").sum())
    assert f"Strongly agree: {agree} (" in charts[0][1]
    assert f"{responses.Q11.notna().sum()} of the {len(responses)} who took part answered" in charts[0][1]
    for target in ("Q11.png", "Q11.csv"):
        assert any(l.endswith(target) for l in page.links), target
    for name in ["Q11.svg", "Q11.png", "Q18.svg"]:
        assert (built_site / "figures" / name).stat().st_size > 1000


def test_question_tables_match_an_independent_count(built_site):
    # keep_default_na=False: "None" is an answer option here, not a missing value
    responses = pd.read_csv(ROOT / "data/responses.csv", keep_default_na=False).replace("", pd.NA)
    page = parse(built_site / "results/current-practice/index.html")
    q15 = responses.Q15.dropna()
    few = int((q15 == "Few").sum())
    pct = int(100 * few / len(q15) + 0.5)
    assert f"Few {few} {pct}%" in page.visible
    assert f"{len(q15)} of the {len(responses)} who took part answered this question" in page.visible


def test_prose_numbers_come_from_the_data(built_site):
    responses = pd.read_csv(ROOT / "data/responses.csv")
    participants = parse(built_site / "results/participants/index.html").visible
    assert f"Most were women ({(responses.Q2 == 'Female').sum()} people)" in participants
    assert f"{len(responses)} mental health and social care staff took part, and " \
           f"{int(responses.Finished.sum())} of them completed the survey" in participants
    q11 = responses.Q11.dropna()
    agree = int(100 * q11.isin(["Strongly agree", "Somewhat agree"]).sum() / len(q11) + 0.5)
    home = parse(built_site / "index.html").visible
    assert f"{agree}% of those who answered agreed that helping with relationships" in home
    assert "{{" not in home and "}}" not in home


def test_each_final_theme_page_holds_exactly_its_quotes(built_site):
    themes = load_themes(ROOT / "data/themes.yaml")
    checked = 0
    for analysis in themes.final_analyses():
        tops = [t for c in analysis.children for t in (c.children if c.kind == "group" else [c])]
        for top in tops:
            page = parse(page_file(built_site, f"themes/{top.id}.md"))
            # each answer once per page, though the appendix may code it under two sub-themes
            once = {(re.sub(r"\s+", " ", q.text).strip(), q.label): None for n in top.walk() for q in n.quotes}
            expected = [text for text, _ in once]
            assert sorted(page.quotes) == sorted(expected), top.id
            checked += len(expected)
    assert checked > 200


def test_results_pages_say_the_data_are_reconstructed(built_site):
    meta = yaml.safe_load((ROOT / "data/responses.meta.yaml").read_text())
    assert meta["reconstructed"] is True
    for page in ["results/participants", "results/appropriateness", "results/barriers",
                 "results/current-practice", "results/suggestions", "", "report", "themes"]:
        assert meta["title"] in parse(built_site / page / "index.html").visible, page


def test_instrument_labels_reconstructed_and_missing_parts(built_site):
    page = parse(built_site / "instrument/index.html").visible
    assert "Rating scale (reconstructed): Not at all / A little / A moderate amount / A great deal" in page
    assert page.count("Items not available") == 3  # questions 22, 28 and 29
    assert "How old are you?" in page and "Results for question 11" in page


def test_the_contact_details_in_the_participant_information_are_nowhere_in_the_site(built_site):
    """The instrument's participant information names the researchers' e-mail addresses; the site
    publishes that text (and the codebook as a download) without them, in any file."""
    source = (ROOT / "data" / "instrument.yaml").read_text(encoding="utf-8")
    addresses = set(re.findall(r"[\w.+-]+(?:@|\{at\}|\(at\)|\[at\])[\w-]+(?:\.[\w-]+)+", source))
    assert len(addresses) >= 2
    # the study's published contact (privacy: allow in study.yml) is on the site on purpose, written
    # as an address; the other addresses, and the contact's disguised forms, are not
    allowed = set(yaml.safe_load((ROOT / "data" / "study.yml").read_text())["privacy"]["allow"])
    addresses = {a.rstrip(".") for a in addresses} - allowed
    local_parts = {re.split(r"@|\{at\}|\(at\)|\[at\]", a)[0] for a in addresses}
    # a person's name as an address's local part, not a role word ("ethics"), nor the contact's own
    local_parts -= {"ethics", "data-protection"} | {a.split("@")[0] for a in allowed}
    for path in built_site.rglob("*"):
        if path.is_file() and path.suffix not in {".png", ".woff", ".woff2", ".ico"}:
            text = path.read_bytes().decode("utf-8", errors="replace")
            assert not [a for a in addresses | local_parts if a in text], path.relative_to(built_site)


def test_participants_report_reads_at_age_twelve_or_under(built_site):
    import textstat

    textstat.set_lang("en_GB")
    page = parse(built_site / "report/index.html")
    html = (built_site / "report/index.html").read_text()
    body = html.split('<article', 1)[1].split("</article>", 1)[0]
    article = _Page()
    article.feed("<article" + body)
    text = re.sub(r"\s+", " ", "".join(article.text))
    # drop the data notice: it is about the data, not the findings, and is kept on every page
    meta = yaml.safe_load((ROOT / "data/responses.meta.yaml").read_text())
    text = text.replace(re.sub(r"\s+", " ", meta["note"]), "")
    grade = textstat.flesch_kincaid_grade(text)
    assert len(text.split()) > 250
    assert grade <= 7.0, f"Flesch-Kincaid grade {grade} (reading age {grade + 5:.0f}); keep it plain"
    assert "Thank you" in page.visible


def test_an_undefined_variable_fails_the_build(built_site, tmp_path):
    shutil.copytree(ROOT / "build", tmp_path / "build")
    (tmp_path / "build/docs/index.md").write_text("# Home\n\n{{ n.respondants }} people\n")
    done = mkdocs_build_elsewhere(tmp_path)
    assert done.returncode != 0
    assert "respondants" in done.stdout + done.stderr, done.stderr[-2000:]


def test_a_conditional_question_counts_over_those_it_was_shown_to(built_site):
    responses = pd.read_csv(ROOT / "data/responses.csv", keep_default_na=False).replace("", pd.NA)
    said_yes = int((responses.Q26 == "Yes").sum())
    answered = int(responses.Q26a.notna().sum())
    page = parse(built_site / "results/current-practice/index.html").visible
    assert (f"{answered} of the {said_yes} respondents who answered “Yes” to question 26 answered "
            "this question (it was shown only to them)") in page


def test_no_markdown_is_left_unrendered(built_site):
    """Admonitions, emphasis and macros all rendered: none of their syntax shows as text."""
    leftovers = []
    for path in sorted(built_site.rglob("index.html")):
        page = parse(path)
        for mark in ("??? ", "!!! ", "**", "{{", "{%", "@@ROOT@@", "{ #"):
            if mark in page.visible:
                leftovers.append(f"{path.relative_to(built_site)}: {mark!r}")
        if "<pre>" in path.read_text():  # an indented block that should have been an admonition
            leftovers.append(f"{path.relative_to(built_site)}: a code block")
    assert not leftovers, leftovers
