"""The built site: every chart image and every download of computed counts carries its label, so a
chart pasted into a slide or a row copied out of a spreadsheet still says where its numbers come
from. Expected words come from the data files (read with yaml) and from the wording agreed for the
labels, never from the code under test."""
from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
WORDS = "Reconstructed data, not the study's responses"
CSV_WORDS = "RECONSTRUCTED: not the study's responses"
MARK = "✓ stated in the paper"
# downloads that hold no split of the responses: the appendix's quotes and the manuscript's counts
# (themes-*.csv), the manuscript's figures beside their recomputation (stated-figures.csv)
NOT_COMPUTED_FROM_RESPONSES = re.compile(r"^(themes-.*|stated-figures)\.csv$")


def _yaml(name: str):
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))


def _reconstructed() -> bool:
    return bool(_yaml("responses.meta.yaml").get("reconstructed"))


def _svg_texts(path: Path) -> list[tuple[str, float]]:
    out = []
    for el in ET.parse(path).iter("{http://www.w3.org/2000/svg}text"):
        size = re.search(r"font-size:\s*([\d.]+)px", el.get("style", ""))
        out.append(("".join(el.itertext()), float(size.group(1)) if size else 0.0))
    return out


def test_every_chart_says_its_question_n_source_and_whether_it_is_reconstructed(built_site):
    study = _yaml("study.yml")
    numbers = {q["id"]: str(q["number"]) for q in _yaml("instrument.yaml")["questions"]}
    svgs = sorted((built_site / "figures").glob("*.svg"))
    assert len(svgs) > 10
    for svg in svgs:
        texts = _svg_texts(svg)
        joined = "\n".join(t for t, _ in texts)
        assert f"Question {numbers[svg.stem]}." in joined, svg.name
        assert "n = " in joined, svg.name
        # a long line may wrap onto two text lines of the image
        assert f"Source: {study['short_title']}, doi:{study['doi']}" in " ".join(joined.split()), svg.name
        notice = [size for t, size in texts if t == WORDS]
        if _reconstructed():
            assert notice and min(notice) >= 9, f"{svg.name}: no notice of at least 9 pt"
        else:
            assert not notice, svg.name


def test_every_png_has_its_svg_twin(built_site):
    figures = built_site / "figures"
    pngs = {p.stem for p in figures.glob("*.png")}
    svgs = {p.stem for p in figures.glob("*.svg")}
    assert pngs and pngs == svgs
    for stem in pngs:  # drawn together from one spec: the same words, as pixels
        assert (figures / f"{stem}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_every_download_of_computed_counts_is_labelled_in_every_row(built_site):
    downloads = sorted((built_site / "downloads").glob("*.csv"))
    computed = [p for p in downloads if not NOT_COMPUTED_FROM_RESPONSES.match(p.name)]
    names = {p.name for p in computed}
    charts = {f"{p.stem}.csv" for p in (built_site / "figures").glob("*.svg")}
    assert "table-1.csv" in names and charts <= names
    for path in downloads:
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
        assert len(rows) > 1 and len({len(r) for r in rows}) == 1, f"{path.name}: not rectangular"
        header, *data = rows
        if path in computed and _reconstructed():
            assert header[0] == "data", path.name
            bad = [i for i, r in enumerate(data, 2) if r[0] != CSV_WORDS]
            assert not bad, f"{path.name}: rows {bad[:5]} lack the label"
        else:
            assert "data" not in header, path.name
            assert CSV_WORDS not in path.read_text(encoding="utf-8"), path.name


def test_table_1_marks_the_counts_the_paper_states(built_site):
    characteristics = set(_yaml("study.yml")["characteristics"])
    stated = [f for f in _yaml("stated_figures.yaml")["figures"]
              if f["compute"].get("question") in characteristics
              and ((f["compute"]["measure"] == "count" and len(f["compute"]["options"]) == 1)
                   or (f["compute"]["measure"] == "most_common" and f["unit"] == "count"))]
    html = (built_site / "results" / "participants" / "index.html").read_text(encoding="utf-8")
    table = html[html.index("Table 1: participant characteristics"):]
    table = table[:table.index("</table>")]
    # one mark after each stated count, and one in the caption that explains it
    assert len(re.findall(rf">\s*\d+ {MARK}\s*<", table)) == len(stated)
    assert table.count(MARK) == len(stated) + 1
    if _reconstructed():
        assert "reconstructed data, not the study" in table
