"""A hostile survey, built through MkDocs and opened in Chromium: nothing in the data runs.

Every text field a research team (or a survey platform, or a participant) controls in the made-up
survey is replaced by a payload: HTML with script and event handlers, a ``javascript:`` link,
Markdown attribute lists, footnotes and abbreviations, and Jinja template syntax. The option labels
change in the responses too, so the counts still work. The site must build, show every payload as
the text it is, evaluate no template, and run no script (each payload would set ``window.__xss``).
"""
from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from findings.paths import ROOT
from tests.site_config import mkdocs_build_elsewhere

MINI = ROOT / "tests" / "fixtures" / "mini_survey"


def payload(i: int) -> str:
    return (f'P{i} <img src=x onerror="window.__xss={i}"><script>window.__xss={i}</script> '
            f"{{{{ 7*7 }}}} {{% if true %}}T{i}{{% endif %}} [go](javascript:window.__xss={i}) "
            f'{{: onclick="window.__xss={i}" }} *[P{i}]: abbr [^{i}] &amp; \u202eRTL\u202c')


class Poison:
    """Replaces text values with numbered payloads and remembers old -> new."""

    def __init__(self):
        self.count = 0
        self.labels: dict[str, str] = {}

    def text(self) -> str:
        self.count += 1
        return payload(self.count)

    def label(self, old: str) -> str:
        self.labels.setdefault(old, self.text())
        return self.labels[old]


def poison_survey(folder: Path) -> Poison:
    p = Poison()

    def load(name):
        return yaml.safe_load((folder / name).read_text(encoding="utf-8"))

    def dump(name, data):
        (folder / name).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                                   encoding="utf-8")

    study = load("study.yml")
    for key in ("title", "short_title", "publisher"):
        study[key] = p.text()
    study["authors"] = [p.text(), p.text()]
    dump("study.yml", study)

    inst = load("instrument.yaml")
    survey = inst["survey"]
    survey["title"], survey["consent"] = p.text(), p.text()
    survey["introduction"] = [p.text()]
    for block in survey["information"]:
        if not block.get("personal_data"):
            block["text"] = p.text()
    survey["closing"] = [{"text": p.text()}]
    for part in inst["parts"]:
        part["title"] = p.text()
    for q in inst["questions"]:
        q["number"] = f"{q['number']} {{{{ 7*7 }}}} <b>bold</b>"
        q["text"] = p.text()
        for option in q.get("options", []) + q.get("scale", []):
            option["label"] = p.label(option["label"])
        for item in q.get("items", []):
            item["label"] = p.text()
        if q.get("condition"):
            q["condition"]["equals"] = p.labels[q["condition"]["equals"]]
    dump("instrument.yaml", inst)

    themes = load("themes.yaml")

    def walk(node):
        if isinstance(node, dict):
            if "title" in node:
                node["title"] = p.text()
            if "text" in node and isinstance(node["text"], str):
                node["text"] = p.text()
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(themes)
    dump("themes.yaml", themes)

    stated = load("stated_figures.yaml")
    for figure in stated["figures"]:
        figure["statement"] = p.text()
        spec = figure["compute"]
        if "options" in spec:
            spec["options"] = [p.labels.get(o, o) for o in spec["options"]]
        for key in ("option", "expect"):
            if key in spec:
                spec[key] = p.labels.get(spec[key], spec[key])
    dump("stated_figures.yaml", stated)

    # the prose pages read data text through the macros' variables too
    index = folder / "docs" / "index.md"
    index.write_text(index.read_text(encoding="utf-8") + "\n{{ study.title }} by {{ study.authors | join('; ') }}"
                     " ({{ study.publisher }}). Most chosen: {{ q.A2.top }}.\n", encoding="utf-8")

    rows = list(csv.reader(io.StringIO((folder / "responses.csv").read_text(encoding="utf-8"))))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(rows[0])
    for row in rows[1:]:
        writer.writerow([p.labels.get(cell, cell) for cell in row])
    (folder / "responses.csv").write_text(out.getvalue(), encoding="utf-8")
    return p


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    project = tmp_path_factory.mktemp("hostile")
    data = project / "data"
    shutil.copytree(MINI, data)
    poison = poison_survey(data)
    built = subprocess.run([sys.executable, str(ROOT / "build_tables.py"), "--study", str(data / "study.yml"),
                            "--out", str(project / "build"), "--cache", str(project / "cache"),
                            "--docs", str(data / "docs")], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr[-3000:]
    site = project / "site"
    done = mkdocs_build_elsewhere(project)
    assert done.returncode == 0, done.stderr[-3000:]
    return site, poison


def test_the_hostile_survey_builds_and_its_html_carries_no_markup_from_the_data(hostile_site):
    site, poison = hostile_site
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 8
    for page in pages:
        html = page.read_text(encoding="utf-8")
        rel = page.relative_to(site)
        assert "<script>window.__xss" not in html, rel
        assert 'onerror="window.__xss' not in html and "onerror=window" not in html, rel
        assert 'onclick="window.__xss' not in html, rel
        assert 'href="javascript:' not in html.lower(), rel
        assert "<b>bold</b>" not in html, rel
        assert " 49 " not in html.replace("\n", " ") and ">49<" not in html, rel  # {{ 7*7 }} stayed text
        assert not any(f">T{i}<" in html or f" T{i} " in html for i in range(1, poison.count + 1)), rel


def test_every_payload_is_shown_as_the_text_it_is(hostile_site):
    site, poison = hostile_site
    text = "".join(p.read_text(encoding="utf-8") for p in site.rglob("*.html"))
    import html as html_lib

    shown = html_lib.unescape(text)
    for i in range(1, poison.count + 1):
        if f"P{i} " in shown:
            assert f"{{{{ 7*7 }}}} {{% if true %}}T{i}{{% endif %}}" in shown, i
    assert "{{ 7*7 }}" in shown and "<b>bold</b>" in shown  # as text, once unescaped


def test_no_script_from_the_data_runs_in_the_browser(hostile_site, new_context):
    site, _ = hostile_site
    import threading
    from functools import partial
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        page = new_context().new_page()
        dialogs = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        for path in sorted(site.rglob("index.html")):
            rel = path.parent.relative_to(site).as_posix()
            url = base + ("" if rel == "." else rel + "/")
            page.goto(url, wait_until="load")
            page.keyboard.press("Tab")  # focus handlers
            for selector in ("a", "img", "h1", "h2", "h3"):
                for element in page.query_selector_all(selector)[:40]:
                    element.dispatch_event("mouseover")
            assert page.evaluate("() => window.__xss") is None, url
        # search results render the index's text: the payloads must stay text there too
        page.goto(base + "themes/m-why-seeds/", wait_until="load")
        page.keyboard.press("/")
        page.keyboard.type("onerror script")
        page.wait_for_selector(".md-search-result__item", timeout=10_000)
        assert page.locator(".md-search-result__item").count() > 0  # the payloads were found
        assert page.evaluate("() => window.__xss") is None, "search results ran a script"
        assert not dialogs
    finally:
        server.shutdown()
