"""The build, in named stages: load -> compute -> render -> check privacy -> write.

``build()`` is the whole of it. Nothing is written until every stage has succeeded; the output folder
is then replaced in one step, so bad input leaves the last good output untouched.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import config, figures, pages, privacy, stated, tables
from .codebook import load_instrument
from .responses import load_responses
from .study import check_references, load_study
from .themes import load_themes


@dataclass
class Inputs:
    study: object
    instrument: object
    responses: object  # Responses(data, meta)
    themes: object
    stated_figures: object


@dataclass
class Output:
    """What the render stage produced: text files and figure specs, by path relative to the output."""

    files: dict = field(default_factory=dict)
    specs: list = field(default_factory=list)
    warnings: list = field(default_factory=list)


# ---------------------------------------------------------------- stages
def load(study_path: Path) -> Inputs:
    study = load_study(study_path)
    instrument = load_instrument(study.files["instrument"])
    responses = load_responses(study.files["responses"], instrument, study.files["responses_meta"])
    themes = load_themes(study.files["themes"], {q.id for q in instrument.questions})
    node_ids = {n.id for step in themes.steps for n in step.walk()}
    check_references(study, {q.id for q in instrument.questions}, node_ids,
                     set(instrument.data_columns()))
    figures_ = stated.load_stated_figures(study.files["stated_figures"], instrument, themes)
    return Inputs(study, instrument, responses, themes, figures_)


def render(inp: Inputs) -> Output:
    """Compute every table and render every page, fragment, CSV, figure spec and variable."""
    out = Output(warnings=list(inp.themes.warnings))
    study, instrument, themes = inp.study, inp.instrument, inp.themes
    data, meta = inp.responses.data, inp.responses.meta
    respondents = len(data)

    check = stated.check(inp.stated_figures, inp.responses, instrument, themes)
    stated_by_node = stated.stated_theme_counts(inp.stated_figures)

    results_links = {q: s.page for s in study.sections for q in s.questions}
    final = themes.final_analyses()
    top_nodes, theme_paths = _final_theme_nodes(final)
    theme_links_by_question = pages.theme_links_by_question(final, top_nodes)
    item_links = pages.item_theme_links(study.item_themes, themes, top_nodes)

    variables = {"study": _study_vars(study), "reconstructed": bool(meta.reconstructed),
                 "data_title": meta.title, "data_note": meta.note,
                 "n": {"respondents": respondents,
                       "finished": int(data["finished"].sum())},
                 "q": {}, "matrix": {}, "themes": {}, "stated": {}}
    variables["n"]["partial"] = respondents - variables["n"]["finished"]

    # closed and free-text questions of every results section
    for section in study.sections:
        for qid in section.questions:
            q = instrument.question(qid)
            path = f"fragments/questions/{qid}.md"
            if not q.items_available:
                out.files[path] = pages.unavailable_fragment(q)
                variables["q"][qid] = {"number": q.number, "available": False}
            elif q.type == "matrix":
                m = tables.matrix_table(data, q)
                md, csv, spec = pages.matrix_fragment(q, m, respondents, meta, item_links)
                out.files[path], out.files[f"data/{qid}.csv"] = md, csv
                out.specs.append(spec)
                variables["matrix"][qid] = _matrix_vars(q, m)
            elif q.type == "free_text":
                n = tables.free_text_answered(data, list(q.columns))
                in_data = n > 0 or not set(q.columns) <= set(meta.not_reconstructed_columns)
                shown = None
                if q.condition is not None:
                    about = instrument.question(q.condition.question).number
                    shown = (tables.shown_to(data, q.condition),
                             f"answered “{q.condition.equals}” to question {about}")
                out.files[path] = pages.free_text_fragment(
                    q, n, respondents, theme_links_by_question.get(qid, []), in_data, shown)
                variables["q"][qid] = {"number": q.number, "answered": n,
                                       "not_answered": respondents - n}
            else:
                t = tables.single_choice_table(data, q)
                md, csv, spec = pages.choice_fragment(q, t, meta)
                out.files[path], out.files[f"data/{qid}.csv"] = md, csv
                out.specs.append(spec)
                variables["q"][qid] = _choice_vars(q, t)

    # Table 1: participant characteristics
    chars = [instrument.question(q) for q in study.characteristics]
    t1 = tables.characteristics_table(data, chars)
    out.files["fragments/table-1.md"], out.files["data/table-1.csv"] = \
        pages.characteristics_fragment(t1, chars)
    for q in chars:
        if q.id not in variables["q"]:
            variables["q"][q.id] = _choice_vars(q, tables.single_choice_table(data, q))

    # themes: one page per final theme, summary table per analysis
    for analysis in final:
        summary = tables.theme_summary(analysis)
        md, csv = pages.theme_summary_fragment(analysis, summary, stated_by_node, top_nodes)
        out.files[f"fragments/themes/{analysis.id}.md"] = md
        out.files[f"data/themes-{analysis.id}.csv"] = csv
        for node_id, (node, group) in theme_paths.items():
            if node.analysis_id != analysis.id:
                continue
            out.files[pages.theme_page_path(node).removeprefix("generated/")] = pages.theme_page(
                node, analysis, group, instrument, study, stated_by_node, results_links)
    for node in (n for step in themes.steps for n in step.walk()):
        variables["themes"][node.id] = {"title": node.title,
                                        "participants": len(node.participants()),
                                        "stated": stated_by_node.get(node.id)}
    out.files["fragments/themes/index.md"] = pages.theme_index_fragment(final, top_nodes)

    lineage = tables.theme_lineage(themes)
    out.files["coding-process.md"] = pages.coding_process_page(themes, lineage)
    out.files["instrument.md"] = pages.instrument_page(instrument, results_links)
    page, csv = pages.stated_figures_page(check, meta)
    out.files["stated-figures.md"], out.files["data/stated-figures.csv"] = page, csv
    out.files["data/citation.bib"] = pages.bibtex(study)
    out.files["data/instrument.yaml"] = privacy.redact(
        Path(study.files["instrument"]).read_text(encoding="utf-8"))
    out.files["data/themes.yaml"] = Path(study.files["themes"]).read_text(encoding="utf-8")
    out.files["fragments/reconstructed.md"] = pages.reconstructed_badge(meta)
    for _, r in check.iterrows():
        variables["stated"][r.id] = stated.variable(r)
    out.files["variables.yml"] = yaml.safe_dump(variables, allow_unicode=True, sort_keys=True)
    out.files["theme-pages.yml"] = yaml.safe_dump(
        [pages.theme_page_path(n) for n, _ in theme_paths.values()], allow_unicode=True)
    return out


def write(out: Output, out_dir: Path, cache_dir: Path) -> dict:
    """Write everything into a fresh folder beside ``out_dir``, then swap it in."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".generated-", dir=out_dir.parent))
    try:
        for rel, content in out.files.items():
            path = tmp / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
        stats = figures.render_all(out.specs, tmp / "figures", cache_dir / "figures")
        old = out_dir.with_name(out_dir.name + ".old")
        if old.exists():
            shutil.rmtree(old)
        if out_dir.exists():
            os.replace(out_dir, old)
        os.replace(tmp, out_dir)
        shutil.rmtree(old, ignore_errors=True)
        return stats
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def build(study_path: Path = config.STUDY_CONFIG, out_dir: Path = config.GENERATED_DIR,
          cache_dir: Path = config.CACHE_DIR) -> dict:
    """Load and validate, compute and render, check privacy, write. Returns a short report."""
    start = time.perf_counter()
    inputs = load(Path(study_path))
    output = render(inputs)
    privacy.check_output(output.files)
    stats = write(output, Path(out_dir), Path(cache_dir))
    return {"files": len(output.files), "figures": len(output.specs), **stats,
            "warnings": output.warnings, "seconds": round(time.perf_counter() - start, 2)}


# ---------------------------------------------------------------- small helpers
def _final_theme_nodes(final):
    """Top-level themes of the final analyses (children of the analysis, or of its groups).

    Returns (node id -> top theme node for every node beneath, top id -> (node, group)).
    """
    top_for, paths = {}, {}
    for analysis in final:
        for child in analysis.children:
            if child.kind == "group":
                top_for[child.id] = None
                for theme in child.children:
                    paths[theme.id] = (theme, child)
            else:
                paths[child.id] = (child, None)
    for theme, _ in paths.values():
        for n in theme.walk():
            top_for[n.id] = theme
    return {k: v for k, v in top_for.items() if v is not None}, paths


def _choice_vars(q, t) -> dict:
    counts = dict(zip(t.counts.option, (int(c) for c in t.counts["count"])))
    pcts = dict(zip(t.counts.option, (tables.round_half_up(p) for p in t.counts.percent)))
    top = max(counts, key=counts.get) if counts and t.answered else None
    return {"number": q.number, "answered": t.answered, "not_answered": t.not_answered,
            "count": counts, "pct": pcts, "top": top}


def _matrix_vars(q, m) -> dict:
    scale = [s.label for s in q.scale]
    items = {}
    for _, r in m.iterrows():
        items[r["column"]] = {"label": r["item"], "answered": int(r["answered"]),
                              "count": {s: int(r[s]) for s in scale},
                              "pct": {s: tables.round_half_up(tables.pct(r[s], r["answered"]))
                                      for s in scale}}
    top_point = scale[-1] if scale else None
    ranked = sorted(items.values(), key=lambda v: -v["count"].get(top_point, 0))
    return {"number": q.number, "items": items,
            "ranked_by_top_point": [v["label"] for v in ranked], "top_point": top_point}


def _study_vars(study) -> dict:
    return {"title": study.title, "short_title": study.short_title, "doi": study.doi,
            "doi_url": f"https://doi.org/{study.doi}", "year": study.year,
            "authors": list(study.authors), "publisher": study.publisher, "url": study.url}
