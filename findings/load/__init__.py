"""Load: read and validate every input file; return typed inputs. Nothing is computed here.

``load(study_path) -> Inputs``. Each reader reports every problem of its file at once (file, line
or row, what was expected) as one ``DataError``.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import display_path

from .instrument import Instrument, load_instrument
from .qda import qda_inputs
from .responses import Responses, load_responses
from .stated import StatedFigure, load_stated_figures
from .study import Study, check_references, load_study
from .themes import ThemeCodebook, load_themes


@dataclass(frozen=True)
class Inputs:
    study: Study
    instrument: Instrument
    responses: Responses
    themes: ThemeCodebook
    stated_figures: tuple[StatedFigure, ...]
    files: dict  # file as shown in messages -> its path: every input, for the privacy scan's messages


def load(study_path: Path) -> Inputs:
    study = load_study(study_path)
    instrument = load_instrument(study.files["instrument"])
    responses = load_responses(study.files["responses"], instrument, study.files.get("responses_meta"))
    question_ids = {q.id for q in instrument.questions}
    themes = (load_themes(study.files["themes"], question_ids, qda_inputs(study, responses))
              if "themes" in study.files
              else ThemeCodebook(title="", source=None, steps=()))  # optional: no theme pages
    check_references(study, question_ids, themes, set(instrument.data_columns()))
    stated = (load_stated_figures(study.files["stated_figures"], instrument, themes)
              if "stated_figures" in study.files else ())
    files = {display_path(p): Path(p) for p in (study.path, *study.files.values())}
    return Inputs(study, instrument, responses, themes, tuple(stated), files)
