"""Data text through ``md_text`` is inert: Markdown (with the site's extensions) shows it exactly,
as one paragraph of text, whatever it holds: HTML, links, template syntax, list markers, attributes."""
from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import markdown
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from findings.paths import ROOT
from findings.render.markdown import cell, csv_cell, md_text, table


class _Loader(yaml.SafeLoader):
    pass


_Loader.add_multi_constructor("!", lambda loader, suffix, node: None)


def site_extensions() -> list:
    """The Markdown extensions (with their settings) mkdocs.yml gives every page."""
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader)
    names, configs = [], {}
    for entry in config["markdown_extensions"]:
        name, options = next(iter(entry.items())) if isinstance(entry, dict) else (entry, None)
        names.append(name)
        if options:
            configs[name] = options
    return [names, configs]


NAMES, CONFIGS = site_extensions()
MD = markdown.Markdown(extensions=NAMES, extension_configs=CONFIGS)


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.text = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_data(self, data):
        self.text.append(data)


def rendered(markdown_text: str) -> _Elements:
    parser = _Elements()
    parser.feed(MD.reset().convert(markdown_text))
    return parser


def shown(text: str) -> str:
    return " ".join(text.split())


HOSTILE = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "{{ 7*7 }}", "{% for x in y %}",
    "{# comment #}", "[click](javascript:alert(1))", "![x](javascript:alert(1))", "<https://evil.example>",
    "Hi {: onclick=\"alert(1)\" }", "*[HTML]: Hyper", "[^1]: a footnote", "1. not a list", "- nor this",
    "# not a heading", "!!! warning \"not an admonition\"", "??? note", "> not a quote",
    "| a | b |", "&lt;b&gt; stays as typed", "a_b_c *e* **f** `code`", "back\\slash\\", "x\n\n# y",
    "    indented code?", "===", "$x$ and 100%", "O'Brien said \"no\"", "\u202eevil\u202c", "a\u200bb",
]


def test_hostile_strings_render_as_the_text_they_are():
    for text in HOSTILE:
        out = rendered(md_text(text))
        assert [tag for tag, _ in out.tags] == ["p"], (text, out.tags)
        assert shown("".join(out.text)) == shown(text), text


@settings(max_examples=300, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=80)
       .filter(lambda s: s.strip()))
def test_any_text_renders_as_itself_in_one_paragraph(text):
    out = rendered(md_text(text))
    assert [tag for tag, _ in out.tags] == ["p"]
    assert shown("".join(out.text)) == shown(text)


def test_md_text_never_leaves_template_or_html_syntax():
    for text in HOSTILE:
        escaped = md_text(text)
        assert not re.search(r"[{}<>\[\]`]", escaped), escaped


@settings(max_examples=100, deadline=None, derandomize=True, database=None)
@given(st.lists(st.text(min_size=1, max_size=30).filter(lambda s: s.strip()), min_size=2, max_size=4))
def test_a_table_keeps_its_columns_whatever_the_cells_hold(cells):
    md = table([f"h{i}" for i in range(len(cells))], [[md_text(c) for c in cells]])
    out = rendered(md)
    assert sum(1 for tag, _ in out.tags if tag == "td") == len(cells)
    assert all(tag in {"table", "thead", "tbody", "tr", "th", "td"} for tag, _ in out.tags)


def test_cell_keeps_markdown_but_not_column_separators():
    assert cell("**a** | b\nc") == "**a** &#124; b c"


def test_csv_cells_that_a_spreadsheet_would_run_get_a_leading_quote():
    assert csv_cell("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert csv_cell("+1") == "'+1" and csv_cell("@SUM(A1)") == "'@SUM(A1)" and csv_cell("-2") == "'-2"
    assert csv_cell("Agree") == "Agree" and csv_cell(12) == 12
    assert html.unescape(md_text("=x")) == "=x"  # pages show the text as it is
