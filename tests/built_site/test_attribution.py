"""Quotes rightly attributed and themes' prevalence as the paper reports it, on the built site.

Expected values come from the data files read here with PyYAML, never from the generator's code.
"""
from __future__ import annotations

import html
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
THEMES = yaml.safe_load((ROOT / "data/themes.yaml").read_text(encoding="utf-8"))
STUDY = yaml.safe_load((ROOT / "data/study.yml").read_text(encoding="utf-8"))
STATED = yaml.safe_load((ROOT / "data/stated_figures.yaml").read_text(encoding="utf-8"))["figures"]


def walk(node):
    yield node
    for child in node.get("children") or []:
        yield from walk(child)


def quotes_of(node):
    for n in walk(node):
        yield from n.get("quotes") or []


def theme_pages() -> dict[str, dict]:
    """Node id -> node of every theme page: the themes of final analyses (and their groups), and
    the themes study.yml adds."""
    nodes = {n["id"]: n for step in THEMES["steps"] for n in walk(step)}
    pages = {}
    for analysis in (n for n in nodes.values() if n.get("final")):
        for child in analysis.get("children") or []:
            tops = child["children"] if child["kind"] == "group" else [child]
            pages.update({t["id"]: t for t in tops})
    for ids in STUDY.get("added_theme_pages", {}).values():
        pages.update({i: nodes[i] for i in ids})
    return pages


def text_of(site: Path, node_id: str) -> str:
    raw = (site / "themes" / node_id / "index.html").read_text(encoding="utf-8")
    article = raw.split("<article", 1)[1].split("</article>", 1)[0]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", article)).split())


def test_no_page_calls_a_bare_number_a_participant(built_site):
    bare = {str(q["label"]) for step in THEMES["steps"] for q in quotes_of(step)
            if q.get("label") and not str(q["label"]).startswith("P")}
    assert len(bare) > 20
    for page in built_site.rglob("*.html"):
        text = html.unescape(re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8")))
        called = set(re.findall(r"Participant (\d+)\b", text))
        assert not called, (page.relative_to(built_site), sorted(called)[:5])


def test_every_quote_shows_its_label_as_printed(built_site):
    checked = 0
    for node_id, node in theme_pages().items():
        text = text_of(built_site, node_id)
        for q in quotes_of(node):
            label = str(q["label"]) if q.get("label") else None
            shown = label if label is None or label.startswith("P") else f"[{label}]"
            assert f"— {shown or 'no label printed'}, answering question" in text, (node_id, label)
            checked += 1
    assert checked > 200


def test_every_quote_the_results_cite_shows_the_papers_participant(built_site):
    checked = 0
    for node_id, node in theme_pages().items():
        text = text_of(built_site, node_id)
        for q in quotes_of(node):
            if q.get("cited_as"):
                assert f"quoted in the paper as participant {q['cited_as']}" in text, (node_id, q["text"][:40])
                checked += 1
    assert checked >= 30
    # the example of the issue: shown with the appendix's [36], cited by the paper as ppt. 48
    page = next(i for i, n in theme_pages().items()
                if any("all aspects of life" in q["text"] for q in quotes_of(n)))
    assert "quoted in the paper as participant 48" in text_of(built_site, page)


def test_every_theme_with_a_stated_prevalence_leads_with_it(built_site):
    pages = theme_pages()
    stated = {f["compute"]["theme"]: f["value"] for f in STATED
              if f["compute"]["measure"] == "theme_participants" and f["compute"]["theme"] in pages}
    assert len(stated) >= 8
    for node_id, value in stated.items():
        text = text_of(built_site, node_id)
        lead = text.split("The appendix prints", 1)[0]
        assert f"The paper reports that {value} of the " in lead, node_id
    # 'not sure / none' (Results, line 77): 4 of the 37 who answered questions 24 and 25
    assert "The paper reports that 4 of the 37 who answered" in text_of(built_site, "s2-q5-none-known")


def test_no_quote_twice_on_a_page(built_site):
    for node_id in theme_pages():
        raw = (built_site / "themes" / node_id / "index.html").read_text(encoding="utf-8")
        quotes = [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", q)).split())
                  for q in re.findall(r"<blockquote>(.*?)</blockquote>", raw, flags=re.S)]
        sources = re.findall(r'class="quote-source">(.*?)</p>', raw, flags=re.S)
        pairs = list(zip(quotes, [re.sub(r"<[^>]+>", "", s).split(",")[0] for s in sources]))
        assert len(pairs) == len(set(pairs)), node_id


def test_a_conflict_in_the_paper_is_shown_where_its_numbers_are(built_site):
    conflicts = [f for f in STATED if f.get("conflict") and f["compute"].get("question")]
    assert [f["id"] for f in conflicts] == ["male"]
    raw = (built_site / "results/participants/index.html").read_text(encoding="utf-8")
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", raw)).split())
    # beside the gender question's table: the paper's 15 % beside its own 54 of 63 women
    assert text.count("The paper's figures for this question disagree") >= 1
    assert "“only 15% of respondents were male”" in text and "54 female respondents of 63" in text
