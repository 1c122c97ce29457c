"""The real Qualtrics exports of tests/fixtures/qualtrics/, each drafted once by ``init`` per session.

``drafted[name]`` is a ``Run``: the folder written, what init printed, its exit status, and the
written codebook and study configuration parsed as plain YAML (``instrument``, ``study``; read
once, when first asked for).
"""
from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pytest
import yaml

from findings.qualtrics.init import main as init

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "qualtrics"
PAIRS = {
    "winter": (FIXTURES / "QualtricsTools_Winter2021.qsf", FIXTURES / "QualtricsTools_Winter2021_numeric.csv"),
    "erim": (FIXTURES / "ERIM_OS_Survey_2021" / "ERIM_OS_Survey_2021.qsf",
             FIXTURES / "ERIM_OS_Survey_2021" / "ERIM_OS_Survey_2021_choicetext.csv"),
    "eur": (FIXTURES / "EUR_OS_Survey_2022" / "EUR_OS_Survey_2022.qsf",
            FIXTURES / "EUR_OS_Survey_2022" / "EUR_OS_Survey_2022_choicetext.csv"),
}


@dataclass
class Run:
    folder: Path
    code: int
    out: str
    err: str

    @cached_property
    def instrument(self) -> dict:
        return yaml.safe_load((self.folder / "instrument.yaml").read_text(encoding="utf-8"))

    @cached_property
    def study(self) -> dict:
        return yaml.safe_load((self.folder / "study.yml").read_text(encoding="utf-8"))

    def question(self, qid: str) -> dict:
        return next(q for q in self.instrument["questions"] if q["id"] == qid)


def run_init(args: list) -> Run:
    """init run in this process with ``args``; what it printed is captured."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = init([str(a) for a in args])
    folder = Path(args[args.index("--out") + 1]) if "--out" in args else Path()
    return Run(folder, code, out.getvalue(), err.getvalue())


@pytest.fixture(scope="session")
def drafted(tmp_path_factory) -> dict[str, Run]:
    runs = {}
    for name, (qsf, csv) in PAIRS.items():
        folder = tmp_path_factory.mktemp("init") / name
        runs[name] = run_init(["--qsf", qsf, "--responses", csv, "--out", folder])
        assert runs[name].code == 0, runs[name].err
    return runs


@pytest.fixture
def run():
    return run_init
