"""``python build_tables.py init``: a survey folder drafted from a Qualtrics survey's own files.

    python build_tables.py init --qsf SURVEY.qsf --responses EXPORT.csv --out FOLDER [--force]
    python build_tables.py init --responses EXPORT.csv --out FOLDER      (no .qsf: every guess marked)

Writes FOLDER/instrument.yaml (the codebook), study.yml, themes.yaml (empty) and responses.csv (a
copy of the export), then prints what it inferred and what a person should review.

Safety: everything is read and drafted before anything is written, so bad input writes nothing.
Only those four files and ``.init.json`` are written, inside FOLDER, each through a temporary file
and ``os.replace``. A folder that holds files init did not write is refused unless ``--force``.
``.init.json`` keeps the sha256 of each file as init wrote it: a rerun rewrites only files still
as init left them and keeps (and names) those the team has edited, unless ``--force``.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path

import yaml

from ..errors import DataError, display_path, failure
from .draft import Draft, Summary, draft
from .export import read_export
from .fromexport import draft_from_export
from .qsf import read_qsf

MANIFEST = ".init.json"
INSTRUMENT, STUDY, THEMES, RESPONSES = "instrument.yaml", "study.yml", "themes.yaml", "responses.csv"
SHOWN = 12  # entries of a list the summary shows before "and N more"


class Refused(Exception):
    """The output folder cannot be used (a message for the person)."""


# --------------------------------------------------------------------------- the files' texts

class _Flow(dict):
    """A small mapping written on one line: ``{label: Agree, code: 4}``."""


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_Flow, lambda dumper, data: dumper.represent_mapping(
    "tag:yaml.org,2002:map", data.items(), flow_style=True))
FLOW_KEYS = ("options", "items", "scale")


def _flowed(data: dict) -> dict:
    """The codebook with its options, items and scale points as one-line mappings."""
    out = dict(data)
    if isinstance(out.get("questions"), list):
        out["questions"] = [{k: [_Flow(o) for o in v] if k in FLOW_KEYS else _Flow(v) if k == "condition" else v
                             for k, v in q.items()} for q in out["questions"]]
    return out


def _dump(data: dict) -> str:
    return yaml.dump(_flowed(data), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100,
                     default_flow_style=False)


def _comment(lines: list[str]) -> str:
    return "".join(f"# {line}".rstrip() + "\n" for line in lines)


def instrument_text(d: Draft, sources: str) -> str:
    left = [f"  {name}: {why}" for name, why in d.summary.left_out]
    head = [f"The survey codebook, drafted by `build_tables.py init` from {sources}.",
            "Check every question that has a `review:` note (what init guessed), then delete the note.",
            "Options are in display order; `code:` is the number a numeric export holds for each.",
            "`nonsubstantive: true` marks answers such as \"Don't know\": tabled apart, never in a "
            "scale's denominators.",
            "`ignore:` lists export columns the site does not use."]
    if left:
        head += ["Left out of the codebook:"] + left
    return _comment(head) + _dump(d.instrument)


def study_text(d: Draft, sources: str) -> str:
    head = [f"The study's configuration, drafted by `build_tables.py init` from {sources}.",
            "Fill in what you know; these keys are optional:",
            "  authors: [\"Surname, Given\"]    year: 2025    doi: 10.xxxx/xxxx    publisher: ...",
            "  url: https://...    bibtex_key: surname2025survey",
            "  team: {members: [{name: ..., role: ...}], institution: ...}",
            "  contact: {name: ..., email: ...}   (and list the e-mail under privacy: allow: [...])",
            "  characteristics: [question ids]   (the participants table, with small counts hidden)",
            "Each section is a results page (results/<id>.md unless it gives `page:`); the navigation",
            "is drafted from the sections when `nav:` is absent."]
    return _comment(head) + _dump(d.study)


def themes_text(d: Draft) -> str:
    head = ["The themes codebook (coding of the free-text answers): empty until the team codes them.",
            "See the project's data/README.md for its form (steps, analyses, themes, quotes)."]
    return _comment(head) + _dump(d.themes)


# --------------------------------------------------------------------------- the folder

def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_manifest(folder: Path) -> dict | None:
    """The hashes init recorded, or None when the folder has no readable manifest."""
    path = folder / MANIFEST
    try:
        if path.is_symlink() or not path.is_file():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
        return None
    return {k: v for k, v in files.items() if k in (INSTRUMENT, STUDY, THEMES, RESPONSES)}


def _current(path: Path) -> str | None:
    """The sha256 of a file as it is now; None when it is absent; '' when it is no regular file."""
    if path.is_symlink():
        return ""
    if not path.exists():
        return None
    if not path.is_file():
        return ""
    return _sha(path.read_bytes())


def check_folder(folder: Path, force: bool) -> dict:
    """The manifest of a folder init may write into ({} for a new or empty one); Refused otherwise."""
    if folder.is_symlink() or folder.exists() and not folder.is_dir():
        raise Refused(f"{display_path(folder)} is a link or a file, not a folder; name a new or empty "
                      "folder for --out")
    if not folder.exists():
        if not folder.parent.is_dir():
            raise Refused(f"{display_path(folder.parent)} does not exist; --out names a folder to make "
                          "inside an existing one")
        return {}
    manifest = _read_manifest(folder)
    if manifest is None and any(folder.iterdir()) and not force:
        raise Refused(f"{display_path(folder)} already holds files that init did not write; name a new "
                      "or empty folder for --out, or add --force to write into it anyway")
    return manifest or {}


def _write(path: Path, data: bytes) -> None:
    """Write through a temporary file in the same folder, then replace: never half a file."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def write_folder(folder: Path, contents: dict[str, bytes], manifest: dict, force: bool) -> tuple[list, list]:
    """Write each file unless the team edited it since init wrote it (kept, unless ``force``).
    Returns (written, kept) file names; the manifest records what init wrote."""
    folder.mkdir(exist_ok=True)
    written, kept, record = [], [], dict(manifest)
    for name, data in contents.items():
        path = folder / name
        now = _current(path)
        edited = now is not None and now != manifest.get(name)
        if edited and not force:
            kept.append(name)
            continue
        if now != _sha(data) or path.is_symlink():
            _write(path, data)
        record[name] = _sha(data)
        written.append(name)
    _write(folder / MANIFEST, (json.dumps({"written_by": "build_tables.py init", "files": record},
                                          indent=2) + "\n").encode("utf-8"))
    return written, kept


# --------------------------------------------------------------------------- the summary

def _some(values: list[str]) -> str:
    shown = ", ".join(values[:SHOWN])
    return shown + (f", … ({len(values)} in all)" if len(values) > SHOWN else "")


def _counted(values: list[str]) -> str:
    return f"{len(values)} ({_some(values)})" if values else "0"


def summary_lines(s: Summary, folder: Path, written: list[str], kept: list[str]) -> list[str]:
    """What init inferred, what it left out, and what a person should review."""
    kinds = ", ".join(f"{k} {n}" for k, n in sorted(s.types.items()))
    layouts = {v: [k for k, x in s.layouts.items() if x == v] for v in ("joined", "columns")}
    reasons: dict[str, list[str]] = {}
    for question, why in s.left_out:
        reasons.setdefault(why, []).append(question)
    lines = [f"init: drafted {display_path(folder)} ({s.respondents} respondents, {s.columns} columns"
             f"{', from the export alone' if s.source == 'export' else ''})",
             f"  questions: {sum(s.types.values())} ({kinds or 'none'})",
             f"  reversed scales (codes kept with their labels): {_counted(s.reversed)}",
             f"  non-substantive options flagged: {_counted([f'{q}: {label!r}' for q, label in s.nonsubstantive])}",
             f"  multi-select layouts: joined {_counted(layouts['joined'])}, one 0/1 column per option "
             f"{_counted(layouts['columns'])}",
             f"  display logic written as conditions: {_counted(s.conditions)}",
             f"  columns ignored: {_counted([f'{c} ({why})' for c, why in s.ignored])}",
             f"  questions left out: {len(s.left_out)}"]
    lines += [f"    {why}: {_counted(questions)}" for why, questions in reasons.items()]
    lines.append(f"  wrote: {', '.join(written) if written else 'nothing'}")
    if kept:
        lines.append(f"  kept (edited since init wrote them; --force overwrites): {', '.join(kept)}")
    if s.review:
        lines.append(f"To review ({len(s.review)}; the same notes are under `review:` in {INSTRUMENT}):")
        lines += [f"  - {where}: {what}" for where, what in s.review]
    return lines


# --------------------------------------------------------------------------- the command

def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build_tables.py init",
        description="Draft a survey folder (codebook, study.yml, themes, the export) from a Qualtrics "
                    "survey definition (.qsf) and its CSV export.")
    parser.add_argument("--qsf", type=Path, help="the survey definition (Survey → Tools → Import/Export "
                                                 "→ Export Survey); without it the codebook is drafted "
                                                 "from the export alone")
    parser.add_argument("--responses", type=Path, required=True,
                        help="the responses, exported from Qualtrics as CSV (choice text or numeric values)")
    parser.add_argument("--out", type=Path, required=True, help="the survey folder to write")
    parser.add_argument("--force", action="store_true",
                        help="write into a folder init did not make, and overwrite files edited since init")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    folder = args.out
    try:
        survey = read_qsf(args.qsf) if args.qsf is not None else None
        export = read_export(args.responses)
        drafted = draft(survey, export) if survey is not None else draft_from_export(export)
        sources = " and ".join(p.name for p in (args.qsf, args.responses) if p is not None)
        contents = {INSTRUMENT: instrument_text(drafted, sources).encode("utf-8"),
                    STUDY: study_text(drafted, sources).encode("utf-8"),
                    THEMES: themes_text(drafted).encode("utf-8"),
                    RESPONSES: export.data}
        manifest = check_folder(folder, args.force)
    except (DataError, Refused) as error:  # bad input, or an output folder init may not use
        print(f"init: error: {error}", file=sys.stderr)
        print("init: nothing was written.", file=sys.stderr)
        return 1
    except (Exception, KeyboardInterrupt) as error:  # noqa: BLE001 - one message, never a traceback
        print(f"init: error: {failure(error)}", file=sys.stderr)
        print("init: nothing was written.", file=sys.stderr)
        return 1
    try:
        written, kept = write_folder(folder, contents, manifest, args.force)
    except (Exception, KeyboardInterrupt) as error:  # noqa: BLE001
        print(f"init: error: {failure(error)}", file=sys.stderr)
        return 1
    print("\n".join(summary_lines(drafted.summary, folder, written, kept)))
    return 0
