"""The one error type the build shows to a person.

Loaders collect every problem they find (file, place, what is wrong) and raise one
``DataError`` holding all of them, so a research team fixes a file in one pass.
``build_tables.py`` prints ``str(error)`` and exits non-zero; no traceback.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    file: str  # path as the person knows it, e.g. "data/responses.csv"
    where: str | None  # "line 12", "row 5, column Q3", "question Q18" ... or None
    message: str  # what is wrong, and what was expected

    def __str__(self) -> str:
        place = f", {self.where}" if self.where else ""
        return f"{self.file}{place}: {self.message}"


class DataError(Exception):
    """Bad input. Holds every problem found; its text names file, place and problem."""

    def __init__(self, problems: list[Problem] | Problem):
        if isinstance(problems, Problem):
            problems = [problems]
        if not problems:
            raise ValueError("DataError needs at least one problem")
        self.problems = list(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        if len(self.problems) == 1:
            return str(self.problems[0])
        lines = [f"{len(self.problems)} problems in the input data:"]
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)


def display_path(path: Path | str) -> str:
    """A path relative to the project root when it is inside it (for messages)."""
    from .paths import ROOT

    p = Path(path).resolve()
    try:
        return str(p.relative_to(ROOT))
    except ValueError:
        return str(path)
