"""What must never reach ``docs/`` or the site: personal data.

Two guards:

- ``redact`` removes e-mail addresses (also the ``name{at}host`` form) from any text the site shows,
  such as the researchers' contact lines in the participant information;
- ``check_output`` scans every generated file before it is written and refuses the build when one
  holds an e-mail address, an IP address, or a Qualtrics personal-data field name. Respondent-level
  free-text answers are never rendered at all: participants' words reach the site only as the quotes
  the study published in its appendix.
"""
from __future__ import annotations

import re

from .errors import DataError, Problem

EMAIL = re.compile(r"[\w.+-]+(?:@|\{at\}|\[at\]|\(at\))[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
IPV4 = re.compile(r"\b(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}\b")
PERSONAL_FIELDS = ("IPAddress", "LocationLatitude", "LocationLongitude", "RecipientEmail",
                   "RecipientFirstName", "RecipientLastName", "ExternalReference")
REDACTED = "[e-mail address removed]"


def redact(text: str) -> str:
    """Text with every e-mail address replaced by a marker."""
    return EMAIL.sub(REDACTED, text)


def find_personal_data(text: str) -> list[str]:
    """What in ``text`` looks like personal data (e-mail, IP address, personal-data field names)."""
    found = [m.group(0) for m in EMAIL.finditer(text)]
    found += [m.group(0) for m in IPV4.finditer(text)]
    found += [f for f in PERSONAL_FIELDS if f in text]
    return found


def check_output(files: dict[str, str]) -> None:
    """Refuse generated text files that hold personal data. ``files``: relative path -> content."""
    problems = []
    for path, content in sorted(files.items()):
        for i, line in enumerate(content.splitlines(), 1):
            for hit in find_personal_data(line):
                problems.append(Problem(f"build/{path}", f"line {i}",
                                        f"would publish personal data ({hit!r}); the build stops "
                                        "so that it never reaches the site"))
    if problems:
        raise DataError(problems)
