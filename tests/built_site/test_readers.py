"""The built site speaks to readers: theme pages open with what the theme is, in readers' names; no
build internals on reader pages; a participants' report with everything a participant needs; one
way to say each count.

Expected values come from the data files read here with PyYAML (themes.yaml, study.yml,
stated_figures.yaml), never from the generator's code.
"""
from __future__ import annotations

import csv
import html
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
THEMES = yaml.safe_load((ROOT / "data/themes.yaml").read_text(encoding="utf-8"))
STUDY = yaml.safe_load((ROOT / "data/study.yml").read_text(encoding="utf-8"))
STATED = {f["id"]: f for f in
          yaml.safe_load((ROOT / "data/stated_figures.yaml").read_text(encoding="utf-8"))["figures"]}

# Pages that keep the appendix's printed titles on purpose: the technical trail of the coding and
# the check of the paper's figures (which quotes the paper's words).
TECHNICAL = {"coding", "data/stated-figures"}


def squash(text: str) -> str:
    return " ".join(text.split())


def walk(node):
    yield node
    for child in node.get("children") or []:
        yield from walk(child)


NODES = {n["id"]: n for step in THEMES["steps"] for n in walk(step)}


def shown(node: dict) -> str:
    return node.get("reader_title") or node["title"]


def theme_pages() -> dict[str, tuple[dict, dict, dict | None]]:
    """Node id -> (node, its analysis, its group) of every theme page: the themes of the final
    analyses, and the themes study.yml adds to an analysis or group."""
    pages = {}
    for analysis in (n for n in NODES.values() if n.get("final")):
        for child in analysis.get("children") or []:
            group = child if child["kind"] == "group" else None
            for theme in (child["children"] if group else [child]):
                pages[theme["id"]] = (theme, analysis, group)
            for added in STUDY.get("added_theme_pages", {}).get(child["id"], []):
                pages[added] = (NODES[added], analysis, group)
    return pages


def article(site: Path, path: str) -> str:
    raw = (site / path / "index.html").read_text(encoding="utf-8")
    return raw.split("<article", 1)[1].split("</article>", 1)[0]


def text(fragment: str) -> str:
    """Visible text, without the permalink signs of headings."""
    fragment = re.sub(r'<a class="headerlink"[^>]*>.*?</a>', "", fragment, flags=re.S)
    return squash(html.unescape(re.sub(r"<[^>]+>", " ", fragment)))


def reader_pages(site: Path) -> list[Path]:
    return [p for p in site.rglob("index.html")
            if str(p.parent.relative_to(site)) not in TECHNICAL]


# ----------------------------------------------------------------------------- theme pages

def test_every_theme_page_opens_with_its_summary_then_prevalence_then_quotes(built_site):
    pages = theme_pages()
    assert len(pages) == 23
    for node_id, (node, _, _) in pages.items():
        assert node.get("summary"), f"{node_id}: no summary in themes.yaml"
        body = article(built_site, f"themes/{node_id}")
        after_title = body.split("</h1>", 1)[1]
        first = re.search(r"<p[^>]*>(.*?)</p>", after_title, re.S)
        assert first and text(first.group(1)) == squash(node["summary"]), node_id
        plain = text(after_title)
        summary_at = plain.index(squash(node["summary"]))
        prevalence_at = min(i for i in (plain.find("The paper reports that"),
                                        plain.find("The paper does not say")) if i >= 0)
        first_quote = text(after_title.split("<blockquote", 1)[1].split("</blockquote>", 1)[0]
                           .split(">", 1)[1])
        assert summary_at < prevalence_at < plain.index(first_quote), node_id


def test_theme_pages_name_their_place_in_readers_words(built_site):
    for node_id, (node, analysis, group) in theme_pages().items():
        body = article(built_site, f"themes/{node_id}")
        plain = text(body)
        assert text(re.search(r"<h1[^>]*>(.*?)</h1>", body, re.S).group(1)) == shown(node)
        where = shown(analysis) + (f" › {shown(group)}" if group else "")
        assert f"Theme in: {where}" in plain, (node_id, where)
        for sub in node.get("children") or []:
            assert f">{html.escape(shown(sub), quote=False)}" in body or shown(sub) in plain


def test_a_theme_group_is_introduced_with_a_plain_explanation(built_site):
    index = text(article(built_site, "themes"))
    groups = [n for a in NODES.values() if a.get("final") for n in a["children"] if n["kind"] == "group"]
    assert len(groups) == 5
    for node in groups + [a for a in NODES.values() if a.get("final")]:
        assert node.get("summary"), node["id"]
        assert f"{shown(node)}" in index and squash(node["summary"]) in index, node["id"]


def test_short_answers_are_listed_together_each_quote_exact(built_site):
    """Quotes of a few words are one list per section, not a block quote each; still every quote,
    exact, with its source."""
    listed = 0
    for node_id, (node, _, _) in theme_pages().items():
        body = article(built_site, f"themes/{node_id}")
        for block in re.findall(r'<ul class="quote-fragments">(.*?)</ul>', body, re.S):
            items = re.findall(r"<li>(.*?)</li>", block, re.S)
            assert len(items) >= 2, node_id
            for item in items:
                quote = text(item.split("</blockquote>", 1)[0])
                assert len(quote.split()) <= 6, (node_id, quote)
                assert any(squash(q["text"]) == quote for n in walk(node) for q in n.get("quotes") or [])
                assert "answering question" in text(item)
                listed += 1
        for section in re.split(r"<h2", body):  # per sub-theme: no short quote left on its own
            outside = re.sub(r'<ul class="quote-fragments">.*?</ul>', "", section, flags=re.S)
            short = [q for q in re.findall(r"<blockquote>(.*?)</blockquote>", outside, re.S)
                     if len(text(q).split()) <= 6]
            assert len(short) <= 1 and not (short and "quote-fragments" in section), (node_id, short)
    assert listed >= 30


def test_no_build_internals_on_reader_pages(built_site):
    internals = ["AGREE THEMES", "DISAGREE THEMES", "NEITHER AGREE NOR DISAGREE", "Merge 1:", "Merge 2:",
                 "Question 1, Appropriateness", "labelled participants", "seven qualitative questions"]
    checked = 0
    for page in reader_pages(built_site):
        raw = page.read_text(encoding="utf-8")
        plain = text(raw)
        found = [w for w in internals if w in plain]
        assert not found, (page.relative_to(built_site), found)
        headings = [text(h) for h in re.findall(r"<h[1-6][^>]*>(.*?)</h[1-6]>", raw, re.S)]
        assert not [h for h in headings if h in {"None", ""}], page
        title = re.search(r"<title>(.*?)</title>", raw, re.S).group(1)
        assert not title.startswith("None - "), page
        checked += 1
    assert checked > 35


def test_the_coding_page_keeps_the_printed_titles_and_says_which_survey_question(built_site):
    plain = text(article(built_site, "coding"))
    s2q1 = NODES["s2-q1"]
    assert squash(s2q1["title"]) in plain and "AGREE THEMES" in plain
    # the appendix's "Question 1" is the survey's question 12: said from the data
    number = str(next(q["number"] for q in yaml.safe_load((ROOT / "data/instrument.yaml")
                                                            .read_text(encoding="utf-8"))["questions"]
                      if q["id"] == s2q1["questions"][0]))
    assert number == "12"
    assert f"Codes the answers to survey question {number}." in plain
    # the step headings say seven questions; the page says what the appendix lists
    assert "six are listed" in plain


# ----------------------------------------------------------------------------- the report

def figure(figure_id: str) -> str:
    f = STATED[figure_id]
    return f"{f['value']}%" if f["unit"] == "percent" else str(f["value"])


def test_the_report_has_what_a_participant_needs(built_site):
    body = article(built_site, "report")
    plain = text(body)
    assert "thank you" in text(re.search(r"<h1[^>]*>(.*?)</h1>", body, re.S).group(1)).lower()
    headings = [text(h) for h in re.findall(r"<h2[^>]*>(.*?)</h2>", body, re.S)]
    for wanted in ["What we asked", "Who took part", "What we found", "What happens next"]:
        assert wanted in headings, headings
    # who took part, in the site's words
    assert f"{figure('respondents')} staff took part" in plain
    assert f"{figure('completed')} completed" in plain
    # three or four findings, each with its number, and its n where the paper gives one
    found = re.search(r"<ol>(.*?)</ol>", body.split("What we found", 1)[1], re.S).group(1)
    findings = [text(li) for li in re.findall(r"<li>(.*?)</li>", found, re.S)]
    assert 3 <= len(findings) <= 4
    assert all(re.search(r"\d", f) for f in findings), findings
    expected = [("q11-agree", "appropriateness-benefits", "appropriateness-answered"),
                ("q15-few", "q26-training"),
                ("barriers-staff-factors", "barriers-answered"),
                ("practice-preparing", "practice-answered")]
    for finding, ids in zip(findings, expected):
        for figure_id in ids:
            assert re.search(rf"(?<![\d.]){re.escape(figure(figure_id))}(?![\d])", finding), (figure_id, finding)
    assert f"Of the {figure('appropriateness-answered')} who told us why, " \
           f"{figure('appropriateness-benefits')}" in findings[0]
    # the paper, the team and its institution, a contact, support, the site's address
    doi = f"https://doi.org/{STUDY['doi']}"
    assert f'href="{doi}"' in body
    for member in STUDY["team"]["members"]:
        assert member["name"] in plain
    assert html.unescape(STUDY["team"]["institution"]) in plain
    assert f'href="mailto:{STUDY["contact"]["email"]}"' in body and STUDY["contact"]["name"] in plain
    assert "Samaritans" in plain and "116 123" in plain and "GP" in plain
    assert re.search(r"https?://[^ ]+/", plain), "the site's address is not written out"
    # the data are said to be rebuilt once, plainly, and the researchers' notice is not repeated
    meta = yaml.safe_load((ROOT / "data/responses.meta.yaml").read_text(encoding="utf-8"))
    if meta["reconstructed"]:
        assert plain.count("rebuilt") == 1
        assert squash(meta["note"]) not in plain
        for jargon in ["respondent-level", "P1 to P63", "answer not published", "manuscript"]:
            assert jargon not in plain, jargon


def test_the_reports_lines_are_capped_for_reading(built_site):
    body = (built_site / "report/index.html").read_text(encoding="utf-8")
    assert '<div class="report">' in body
    css = (built_site / "stylesheets/site.css").read_text(encoding="utf-8")
    rule = re.search(r"\.md-typeset \.report\s*\{([^}]*)\}", css)
    width = re.search(r"max-width:\s*(\d+)ch", rule.group(1)) if rule else None
    assert width and 60 <= int(width.group(1)) <= 75, "the report's lines should be about 70 characters"


# ----------------------------------------------------------------------------- one vocabulary

def test_each_count_is_said_one_way(built_site):
    respondents, completed = figure("respondents"), figure("completed")
    said = {"": None, "report": None, "results": None, "results/participants": None, "study": None}
    for path in said:
        plain = text(article(built_site, path) if path else article(built_site, ""))
        assert re.search(rf"\b{respondents} (?:[a-z ]+ )?took part\b", plain), path
        assert re.search(rf"\b{completed} (?:of them )?completed\b", plain), path
    for page in built_site.rglob("index.html"):
        plain = text(page.read_text(encoding="utf-8"))
        for other in ["answered every question", "reached the end", "answered at least one of questions",
                      "rated at least one item", "respondents answered", "respondents rated"]:
            assert other not in plain, (page.relative_to(built_site), other)
    # the free-text barrier questions: never called "questions 18 to 20", whose question 18 is rated
    themes_page = text(article(built_site, "themes"))
    assert f"{figure('barriers-answered')} people answered at least one of them" in themes_page
    assert "questions 18 to 20" not in themes_page


def test_a_rated_question_is_counted_in_the_sites_words(built_site):
    """Question 18, items rated on a scale: "51 of the 63 who took part answered at least one item"
    in its page, its alt text and its chart's own subtitle (counted here with the csv module)."""
    instrument = yaml.safe_load((ROOT / "data/instrument.yaml").read_text(encoding="utf-8"))
    question = next(q for q in instrument["questions"] if str(q.get("number")) == "18")
    columns = [item["column"] for item in question["items"]]
    with open(ROOT / "data/responses.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    answered = sum(any(row[c].strip() not in ("", "-99", "-1") for c in columns) for row in rows)
    assert 0 < answered < len(rows)
    said = f"{answered} of the {len(rows)} who took part answered at least one item"
    raw = (built_site / "results/barriers/index.html").read_text(encoding="utf-8")
    assert said in text(article(built_site, "results/barriers"))
    image = next(tag for tag in re.findall(r"<img\b[^>]*>", raw) if "Q18.svg" in tag)
    assert said in html.unescape(re.search(r'alt="([^"]*)"', image).group(1))
    subtitle = text((built_site / "figures/Q18.svg").read_text(encoding="utf-8"))
    assert f"n = {answered} answered at least one item, of the {len(rows)} who took part" in subtitle
    for page in (raw, subtitle):
        assert "rated at least one item" not in page and "respondents rated" not in page
