"""The one error type the build shows to a person.

Loaders collect every problem they find (file, place, what is wrong) and raise one
``DataError`` holding all of them, so a research team fixes a file in one pass.
``build_tables.py`` prints ``str(error)`` and exits non-zero; no traceback.

What a message may show of the input is bounded: a value from a file is quoted with ``shown``
(at most ``SHOWN_CHARS`` characters, control, bidi and zero-width characters escaped), a message
shows at most ``MAX_SHOWN`` problems and each at most ``MAX_LINE`` characters, and a loader keeps
at most ``MAX_PROBLEMS`` problems (``ProblemList``), so hostile input can neither flood the
terminal nor fill the memory.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

SHOWN_CHARS = 40  # characters of an input value a message quotes
MAX_SHOWN = 20  # problems str(DataError) lists
MAX_LINE = 480  # characters of one listed problem
MAX_PROBLEMS = 1000  # problems a loader collects before it stops checking
SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


def shown(value, limit: int = SHOWN_CHARS) -> str:
    """A value from an input file as a message quotes it: its repr (so control characters, line
    breaks and invisible bidi or zero-width characters appear escaped, e.g. ``'\\u202e'``), cut to
    ``limit`` characters of the value with ``…`` after it."""
    if isinstance(value, str):
        return repr(value) if len(value) <= limit else repr(value[:limit]) + "…"
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


def name(value) -> str:
    """An id or key in a message: as it is when it is a plain name, else quoted with ``shown``."""
    return value if isinstance(value, str) and SAFE_NAME.fullmatch(value) else shown(value)


def listing(values, limit: int = 10, quote: bool = True) -> str:
    """Values for a message, comma-separated: at most ``limit`` of them, each ``shown`` (or ``name``
    when ``quote`` is false), then how many there are in all."""
    values = list(values)
    show = shown if quote else name
    text = ", ".join(show(v) for v in values[:limit])
    return text + (f", … ({len(values)} in all)" if len(values) > limit else "")


def printable(text: str) -> str:
    """``text`` with every character that is not printable (control characters, line breaks,
    bidi and zero-width characters...) written as an escape, so a message shows it and cannot
    reorder or hide what follows."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def _cut(text: str, limit: int = MAX_LINE) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


@dataclass(frozen=True)
class Problem:
    file: str  # path as the person knows it, e.g. "data/responses.csv"
    where: str | None  # "line 12", "row 5, column Q3", "question Q18" ... or None
    message: str  # what is wrong, and what was expected

    def __str__(self) -> str:
        place = f", {self.where}" if self.where else ""
        return printable(f"{self.file}{place}: {self.message}")


class DataError(Exception):
    """Bad input. Holds the problems found; its text names file, place and problem.

    ``total`` is how many problems were found (at least ``len(problems)``); ``stopped`` is True
    when the checks stopped at ``MAX_PROBLEMS`` and there may be more. At most ``MAX_PROBLEMS``
    problems are kept.
    """

    def __init__(self, problems: list[Problem] | Problem, total: int | None = None,
                 stopped: bool | None = None):
        if isinstance(problems, Problem):
            problems = [problems]
        if not problems:
            raise ValueError("DataError needs at least one problem")
        if stopped is None:
            stopped = getattr(problems, "stopped", False)
        if total is None:
            total = getattr(problems, "total", 0)
        problems = list(problems)
        self.total = max(total, len(problems))
        self.stopped = bool(stopped)
        self.problems = problems[:MAX_PROBLEMS]
        super().__init__(str(self))

    def __str__(self) -> str:
        if len(self.problems) == 1 and not self.stopped and self.total == 1:
            return _cut(str(self.problems[0]))
        count = f"at least {self.total}" if self.stopped else str(self.total)
        lines = [f"{count} problems in the input data:"]
        lines += [f"  - {_cut(str(p))}" for p in self.problems[:MAX_SHOWN]]
        rest = self.total - min(len(self.problems), MAX_SHOWN)
        if self.stopped:
            more = f"and {rest} more problems; " if rest else ""
            lines.append(f"  … {more}the checks stopped after {self.total} problems, so there may be "
                         "more: fix these and run again")
        elif rest:
            lines.append(f"  … and {rest} more problems ({self.total} in total)")
        return "\n".join(lines)


class ProblemList(list):
    """A list of problems that keeps the first ``MAX_PROBLEMS`` and counts the rest (``total``).
    A loader whose checks could run long stops when the list is ``full`` and calls ``stop()``;
    ``DataError(problem_list)`` then says how many were found, or that there are more."""

    def __init__(self, problems=()):
        super().__init__()
        self.total = 0
        self.stopped = False
        self.extend(problems)

    def append(self, problem: Problem) -> None:
        self.total += 1
        if len(self) < MAX_PROBLEMS:
            super().append(problem)

    def extend(self, problems) -> None:
        for p in problems:
            self.append(p)

    def __iadd__(self, problems):
        self.extend(problems)
        return self

    def absorb(self, error: DataError) -> None:
        """Every problem of ``error`` (kept or counted)."""
        self.extend(error.problems)
        self.total += error.total - len(error.problems)
        self.stopped = self.stopped or error.stopped

    @property
    def full(self) -> bool:
        return self.total >= MAX_PROBLEMS

    def stop(self) -> None:
        """The checks stopped here: there may be more problems than ``total``."""
        self.stopped = True


def failure(error: BaseException) -> str:
    """One line for a failure that is not bad input (a full disk, a read-only folder, memory), for a
    person to act on; never a traceback."""
    if isinstance(error, OSError):
        where = f" ({display_path(error.filename)})" if error.filename else ""
        return f"could not read or write a file{where}: {error.strerror or error}"
    if isinstance(error, RecursionError):
        return "an input is nested too deeply to be read"
    if isinstance(error, MemoryError):
        return "the build ran out of memory; an input may be far larger than expected"
    if isinstance(error, KeyboardInterrupt):
        return "stopped"
    return (f"an unexpected error ({type(error).__name__}: {printable(str(error))[:200]}); this is a bug "
            "in the generator, please report it with the command you ran")


def display_path(path: Path | str) -> str:
    """A path relative to the project root when it is inside it (for messages)."""
    from .paths import ROOT

    try:
        p = Path(path).resolve()
        return str(p.relative_to(ROOT))
    except (ValueError, OSError, RuntimeError):
        return str(path)
