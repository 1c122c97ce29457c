"""Every finding the prose pages state is bound to the manuscript or to a stated figure.

``data/claims.yaml`` lists the sentences (or clauses) of the hand-written pages in ``docs/`` that
state a finding, each with the line of the manuscript (``data/source/paper.txt``) that supports it,
or the stated figure (``data/stated_figures.yaml``) it rests on and the direction its words give
that figure ("most", "few", ...), or both. Field guide: ``data/README.md``, section ``claims``.

This test reads only files of the repository: the claims, the pages, the manuscript and the stated
figures. Expected values come from the manuscript and the stated figures, never from the code that
builds the site.

- every claim's ``says`` occurs exactly once in its page;
- every claim's ``words`` occur on exactly the line of the manuscript it gives;
- every direction matches the stated number (over the denominator the claim gives, for counts);
- a claim whose words say "most", "few", "half", "split" or "largest" has a figure with that
  direction or manuscript words that say so;
- every quantifier word and every number macro in the findings pages lies inside some claim, so an
  unsupported new sentence fails;
- the macros a claim's sentence uses are the figures the claim names;
- prose never shows a recount from the published quotes as if it were the manuscript's figure, and
  never states a finding from the reconstructed answers (``q.`` and ``matrix.`` variables);
- the theme summaries of ``data/themes.yaml`` (``summary:``, what a theme page opens with) are
  claims too (``page: data/themes.yaml``, ``node: <id>``): every sentence of every summary is bound
  to the manuscript, holds no typed number, and is written fresh (no run of eight words copied from
  the manuscript).
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CLAIMS = ROOT / "data" / "claims.yaml"
PAPER = ROOT / "data" / "source" / "paper.txt"
STATED = ROOT / "data" / "stated_figures.yaml"
DOCS = ROOT / "docs"
THEMES = "data/themes.yaml"  # the claims about its summaries name this page and a node

# The pages whose every quantifier and number macro must be bound by a claim.
FINDINGS_PAGES = ["docs/index.md", "docs/implications.md", "docs/report/index.md",
                  "docs/study/index.md"] + sorted(
    str(p.relative_to(ROOT)) for p in (DOCS / "results").glob("*.md"))

# Words that state how many: a sentence holding one states a finding and needs a claim. ("how
# many" and "how often" ask a question; they state nothing.)
QUANTIFIERS = re.compile(
    r"(?<!how )\b(most|mostly|many|majority|few|fewer|rarely|rare|uncommon|common|often|usually|split|"
    r"mixed|half|nearly all|almost|none|nobody|no one|largest|biggest|highest)\b", re.I)
# Macros that print a study number.
NUMBER_MACRO = re.compile(r"\{\{\s*(stated\[|n\.|q\.|matrix\.|themes\.)[^}]*\}\}")
STATED_MACRO = re.compile(r"stated\[\s*['\"]([^'\"]+)['\"]\s*\]\s*\.\s*(\w+)")
N_MACRO = re.compile(r"\{\{\s*(n\.\w+)")
# The prose variables that count people, and the stated figure each one is.
N_VARIABLES = {"n.respondents": "respondents", "n.finished": "completed"}

DIRECTIONS = {"most", "majority", "minority", "few", "some", "half", "split", "none", "largest"}
# A quantifier in a claim's words, the directions that back it, and the manuscript words that do.
FAMILIES = [
    ("most", re.compile(r"\b(most|mostly|majority)\b(?!\s+(common|often|cited))", re.I),
     {"most", "majority"}, re.compile(r"\b(most|mostly|majority)\b", re.I)),
    ("few", re.compile(r"\b(few|fewer|minority)\b", re.I),
     {"few", "minority", "some", "none"}, re.compile(r"\b(few|fewer|minority|small)\b", re.I)),
    ("half", re.compile(r"\bhalf\b", re.I), {"half"}, re.compile(r"\bhalf\b", re.I)),
    ("split", re.compile(r"\b(split|mixed)\b", re.I), {"split"},
     re.compile(r"\b(split|mixed|similar)\b", re.I)),
    ("largest", re.compile(r"\b(most common|most often|largest|biggest)\b", re.I), {"largest"},
     re.compile(r"\b(most|highest|majority)\b", re.I)),
]
CLAIM_KEYS = {"page", "node", "says", "manuscript", "figure", "note"}


def collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


class _UniqueKeyLoader(yaml.SafeLoader):
    pass


def _mapping(loader, node, deep=False):
    keys = [loader.construct_object(k, deep=deep) for k, _ in node.value]
    duplicates = {k for k in keys if keys.count(k) > 1}
    if duplicates:
        raise yaml.constructor.ConstructorError(
            None, None, f"duplicate key(s) {sorted(duplicates)}", node.start_mark)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def where(claim: dict) -> str:
    return f"{claim.get('page')}: {collapse(str(claim.get('says')))[:70]!r}"


@pytest.fixture(scope="module")
def claims() -> list[dict]:
    data = yaml.load(CLAIMS.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    assert isinstance(data, dict) and set(data) == {"claims"}, "claims.yaml holds one key, claims:"
    assert isinstance(data["claims"], list) and data["claims"]
    return data["claims"]


@pytest.fixture(scope="module")
def paper() -> list[str]:
    return [collapse(line) for line in PAPER.read_text(encoding="utf-8").split("\n")]


@pytest.fixture(scope="module")
def stated() -> dict[str, dict]:
    figures = yaml.safe_load(STATED.read_text(encoding="utf-8"))["figures"]
    return {f["id"]: f for f in figures}


def page_text(page: str) -> str:
    return collapse((ROOT / page).read_text(encoding="utf-8"))


def _walk(node: dict):
    yield node
    for child in node.get("children") or []:
        yield from _walk(child)


@pytest.fixture(scope="module")
def summaries() -> dict[str, str]:
    """Node id -> its summary (whitespace collapsed), for every node of themes.yaml that has one."""
    data = yaml.safe_load((ROOT / THEMES).read_text(encoding="utf-8"))
    found = {n["id"]: collapse(n["summary"]) for step in data["steps"] for n in _walk(step)
             if n.get("summary")}
    assert len(found) >= 20, "themes.yaml should give the theme pages their summaries"
    return found


def claim_text(claim: dict, summaries: dict[str, str]) -> str:
    """Where a claim's sentence must be: its page, or for themes.yaml its node's summary."""
    if claim["page"] == THEMES:
        return summaries.get(claim.get("node"), "")
    return page_text(claim["page"])


# ----------------------------------------------------------------------------- the file's form

def test_every_claim_has_the_documented_form(claims, stated, summaries):
    problems = []
    for i, c in enumerate(claims, 1):
        if not isinstance(c, dict):
            problems.append(f"claim {i}: not a mapping")
            continue
        if set(c) - CLAIM_KEYS:
            problems.append(f"claim {i} ({where(c)}): unknown key(s) {sorted(set(c) - CLAIM_KEYS)}")
        if not isinstance(c.get("page"), str) or not isinstance(c.get("says"), str):
            problems.append(f"claim {i}: page and says are required strings")
            continue
        if c["page"] == THEMES:
            if c.get("node") not in summaries:
                problems.append(f"claim {i} ({where(c)}): node {c.get('node')!r} has no summary in "
                                f"{THEMES}")
        elif not (ROOT / c["page"]).is_file() or not c["page"].startswith("docs/"):
            problems.append(f"claim {i}: no page {c['page']} under docs/ (or {THEMES})")
        elif "node" in c:
            problems.append(f"claim {i} ({where(c)}): node: is for claims about {THEMES} only")
        if not c.get("manuscript") and not c.get("figure"):
            problems.append(f"claim {i} ({where(c)}): needs manuscript, figure, or both")
        for m in as_list(c.get("manuscript")):
            if not (isinstance(m, dict) and set(m) == {"line", "words"} and isinstance(m["line"], int)
                    and isinstance(m["words"], str)):
                problems.append(f"claim {i} ({where(c)}): manuscript entries are {{line: N, words: ...}}")
            elif len(m["words"].split()) < 2:
                problems.append(f"claim {i} ({where(c)}): manuscript words too short to pin: {m['words']!r}")
        for f in as_list(c.get("figure")):
            if not isinstance(f, dict):
                problems.append(f"claim {i} ({where(c)}): a figure is a mapping")
                continue
            if "variable" in f:
                if set(f) != {"variable"}:
                    problems.append(f"claim {i} ({where(c)}): a variable figure has only variable:")
                elif not c.get("manuscript"):
                    problems.append(f"claim {i} ({where(c)}): a variable cannot be checked here; "
                                    "give the manuscript line too")
                continue
            if set(f) - {"stated", "direction", "of", "versus"}:
                problems.append(f"claim {i} ({where(c)}): unknown figure key(s) "
                                f"{sorted(set(f) - {'stated', 'direction', 'of', 'versus'})}")
            if f.get("stated") not in stated:
                problems.append(f"claim {i} ({where(c)}): no stated figure {f.get('stated')!r}")
            if "direction" in f and f["direction"] not in DIRECTIONS:
                problems.append(f"claim {i} ({where(c)}): direction {f['direction']!r} is not one of "
                                f"{sorted(DIRECTIONS)}")
            if isinstance(f.get("of"), str) and (f["of"] not in stated or stated[f["of"]]["unit"] != "count"):
                problems.append(f"claim {i} ({where(c)}): of: {f['of']!r} is not a stated count")
            if "versus" in f and f["versus"] not in stated:
                problems.append(f"claim {i} ({where(c)}): no stated figure {f['versus']!r} (versus)")
    keys = [(c.get("page"), c.get("node"), collapse(str(c.get("says")))) for c in claims
            if isinstance(c, dict)]
    problems += [f"claimed twice: {k}" for k in sorted({k for k in keys if keys.count(k) > 1})]
    assert not problems, "\n".join(problems)


# ----------------------------------------------------------------------------- (a) in its page

def test_every_claim_is_found_once_in_its_page(claims, summaries):
    problems = []
    for c in claims:
        found = claim_text(c, summaries).count(collapse(c["says"]))
        if found != 1:
            problems.append(f"{where(c)}: found {found} times in the page (needs exactly 1)")
    assert not problems, "\n".join(problems)


# ----------------------------------------------------------------------------- (b) in the manuscript

def test_every_claims_words_are_on_its_manuscript_line(claims, paper):
    problems = []
    for c in claims:
        for m in as_list(c.get("manuscript")):
            if not 1 <= m["line"] <= len(paper):
                problems.append(f"{where(c)}: paper.txt has no line {m['line']}")
            elif collapse(m["words"]) not in paper[m["line"] - 1]:
                elsewhere = [n for n, line in enumerate(paper, 1) if collapse(m["words"]) in line]
                problems.append(f"{where(c)}: {m['words']!r} is not on line {m['line']} of paper.txt"
                                + (f" (it is on line(s) {elsewhere})" if elsewhere else ""))
    assert not problems, "\n".join(problems)


# ----------------------------------------------------------------------------- (c) direction

def share(figure: dict, stated: dict) -> float | None:
    """The stated figure as a percentage: its value for a percent, value over ``of`` for a count."""
    s = stated[figure["stated"]]
    if s["unit"] == "percent":
        return float(s["value"])
    if s["unit"] == "count" and "of" in figure:
        of = figure["of"]
        total = stated[of]["value"] if isinstance(of, str) else of
        return 100.0 * s["value"] / total
    return None


def direction_holds(figure: dict, stated: dict) -> tuple[bool, str]:
    d, s = figure["direction"], stated[figure["stated"]]
    measure = s["compute"]["measure"]
    if d == "largest":
        ok = measure in {"most_common", "theme_largest"} or (
            measure == "matrix_rank" and s["compute"].get("top"))
        return ok, f"{s['id']} is stated as the largest or most common ({measure})"
    if d == "none":
        return s["value"] == 0, f"{s['id']} = {s['value']}"
    if s["unit"] == "ranking" and measure == "matrix_majority" and d in {"most", "majority"}:
        return True, f"{s['id']}: each item rated so by more than half"
    if d == "split" and s["value"] == "similar":
        return True, f"{s['id']}: the manuscript says a similar number"
    p = share(figure, stated)
    if p is None:
        return False, (f"{s['id']} ({s['unit']}) gives no share for {d!r}"
                       + ("; a count needs of: (its denominator)" if s["unit"] == "count" else ""))
    if d in {"most", "majority"}:
        return p > 50, f"{p:.0f}% > 50%"
    if d in {"few", "minority"}:
        return p < 50, f"{p:.0f}% < 50%"
    if d == "some":
        return 0 < p < 50, f"0 < {p:.0f}% < 50%"
    if d == "half":
        return abs(p - 50) <= 10, f"{p:.0f}% within 10 points of 50%"
    if d == "split":
        if "versus" not in figure:
            return False, f"{s['id']}: split needs versus: (the other share) or a 'similar' figure"
        other = share({**figure, "stated": figure["versus"]}, stated)
        return other is not None and abs(p - other) <= 15, f"{p:.0f}% vs {other}% within 15 points"
    return False, f"unknown direction {d!r}"


def test_every_direction_matches_the_stated_number(claims, stated):
    problems = []
    for c in claims:
        for f in as_list(c.get("figure")):
            if "direction" in f:
                ok, why = direction_holds(f, stated)
                if not ok:
                    problems.append(f"{where(c)}: {f['direction']!r} does not hold: {why}")
    assert not problems, "\n".join(problems)


def test_a_quantifier_in_a_claim_is_backed_by_a_direction_or_the_manuscripts_words(claims):
    problems = []
    for c in claims:
        says = re.sub(r"\{\{.*?\}\}", " ", collapse(c["says"]))
        directions = {f.get("direction") for f in as_list(c.get("figure"))}
        words = " ".join(m["words"] for m in as_list(c.get("manuscript")))
        for name, in_says, backing, in_words in FAMILIES:
            if in_says.search(says) and not (directions & backing or in_words.search(words)):
                problems.append(f"{where(c)}: says {name!r} but no figure has direction "
                                f"{sorted(backing)} and no manuscript words say so")
    assert not problems, "\n".join(problems)


# ----------------------------------------------------------------------------- (d) coverage

def test_every_quantifier_and_number_in_the_findings_pages_is_claimed(claims):
    problems = []
    for page in FINDINGS_PAGES:
        text = page_text(page)
        spans = []
        for c in claims:
            if c["page"] == page:
                says = collapse(c["says"])
                start = text.find(says)
                if start >= 0:
                    spans.append((start, start + len(says)))
        hits = [(m.start(), m.group(0)) for m in QUANTIFIERS.finditer(text)]
        hits += [(m.start(), m.group(0)) for m in NUMBER_MACRO.finditer(text)]
        for at, what in sorted(hits):
            if not any(a <= at < b for a, b in spans):
                sentence = text[max(0, text.rfind(". ", 0, at) + 2):text.find(". ", at) + 1 or None]
                problems.append(f"{page}: {what!r} is in no claim: {sentence[:160]!r}")
    assert not problems, "\n".join(problems)


def test_every_findings_page_has_claims(claims):
    pages = {c["page"] for c in claims}
    assert set(FINDINGS_PAGES) - pages == set()


# ----------------------------------------------------------------------------- the macros used

def test_a_claims_macros_are_the_figures_it_names(claims, stated):
    problems = []
    for c in claims:
        named = set()
        for f in as_list(c.get("figure")):
            named |= {f.get("stated"), f.get("of"), f.get("versus"), f.get("variable")}
        for figure_id, _ in STATED_MACRO.findall(c["says"]):
            if figure_id not in named:
                problems.append(f"{where(c)}: uses stated[{figure_id!r}] but names no such figure")
        for f in as_list(c.get("figure")):
            if "variable" in f and not re.search(r"\{\{\s*" + re.escape(str(f["variable"])) + r"\b",
                                                 c["says"]):
                problems.append(f"{where(c)}: names variable {f['variable']!r}, which it does not use")
        for variable in N_MACRO.findall(c["says"]):
            if variable not in named and N_VARIABLES.get(variable) not in named:
                problems.append(f"{where(c)}: uses {variable} but names neither it nor the stated "
                                f"figure {N_VARIABLES.get(variable)!r}")
    assert not problems, "\n".join(problems)


def all_pages() -> list[Path]:
    return sorted(DOCS.rglob("*.md"))


def test_prose_shows_the_manuscripts_theme_counts_not_the_recount(stated):
    """``stated[id].shown`` is the count of participants the appendix quotes; for a theme it can
    differ from the manuscript's number (``.stated``), which is the finding."""
    problems = []
    for path in all_pages():
        for figure_id, field in STATED_MACRO.findall(path.read_text(encoding="utf-8")):
            if figure_id not in stated:
                problems.append(f"{path.relative_to(ROOT)}: no stated figure {figure_id!r}")
            elif stated[figure_id]["compute"]["measure"].startswith("theme_") and field != "stated":
                problems.append(f"{path.relative_to(ROOT)}: stated[{figure_id!r}].{field} is a recount "
                                "from the quotes; use .stated (the manuscript's figure)")
    assert not problems, "\n".join(problems)


def test_prose_states_no_finding_from_the_reconstructed_answers():
    """``q.`` and ``matrix.`` variables are computed from the reconstructed responses; a finding
    takes its number from a stated figure instead."""
    problems = []
    for path in all_pages():
        for m in re.finditer(r"\{\{\s*(q|matrix)\.[^}]*\}\}", path.read_text(encoding="utf-8")):
            problems.append(f"{path.relative_to(ROOT)}: {m.group(0)}")
    assert not problems, "\n".join(problems)


# ----------------------------------------------------------------------------- the theme summaries

def test_every_sentence_of_every_theme_summary_is_claimed(claims, summaries):
    """A summary is prose a reader takes as the study's finding: all of it rests on the manuscript."""
    problems = []
    for node_id, summary in summaries.items():
        left = summary
        for c in claims:
            if c["page"] == THEMES and c.get("node") == node_id:
                left = left.replace(collapse(c["says"]), " ")
        if re.search(r"[A-Za-z]", left):
            problems.append(f"{THEMES} {node_id}: not in any claim: {collapse(left)[:120]!r}")
    assert not problems, "\n".join(problems)


def test_theme_summaries_type_no_number_and_copy_no_sentence(summaries, paper):
    """Numbers come from the build (the theme page gives the paper's count beside the summary); the
    words are the site's own: no run of eight words is the manuscript's."""
    manuscript = " ".join(re.sub(r"[^\w\s]", " ", line.lower()) for line in paper)
    manuscript = " " + " ".join(manuscript.split()) + " "
    problems = []
    for node_id, summary in summaries.items():
        if re.search(r"\d", summary):
            problems.append(f"{node_id}: a typed number in {summary[:80]!r}")
        words = re.sub(r"[^\w\s]", " ", summary.lower()).split()
        for i in range(len(words) - 7):
            run = " ".join(words[i:i + 8])
            if f" {run} " in manuscript:
                problems.append(f"{node_id}: copies the manuscript: {run!r}")
                break
    assert not problems, "\n".join(problems)
