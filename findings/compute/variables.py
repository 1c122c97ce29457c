"""The variables prose pages use (``{{ n.respondents }}``, ``{{ q.Q11.count['Agree'] }}``, ...).

Built from the computed results only: a sentence and the table beside it read the same value.
Plain data (ints, strings, lists, dicts) so that it can be written as YAML for mkdocs-macros.

- ``study``: title, short_title, doi, doi_url, year, authors, publisher, url; ``study.team`` when
  study.yml has one: members (name, role), institution, institution_url (None when not given)
- ``contact`` when study.yml has one: name, role, institution, email (as text), mailto (the link:
  ``[{{ contact.email }}]({{ contact.mailto }})``), postal_address (lines, or None) and
  response_days (or None): None where the study states nothing, so a page is worded without it
- ``reconstructed``, ``data_title``, ``data_note``: what the site says about the data
- ``n``: respondents, finished, partial
- ``vocabulary``: the one word the site uses with each count (``VOCABULARY``): respondents
  "took part", finished "completed", answered "answered"; ``vocabulary_meaning``: what each means
- ``q.<id>``: number, answered, not_answered; closed questions also count, pct (by option; None for
  a non-substantive option, which is left out of the percentages), in_percentages (their
  denominator), top; number questions: items (by column: label, answered, mean, median, min, max,
  q1, q3); a question whose options were lost: number, available (false); an administrative
  question: number, answered, administrative (true)
- ``matrix.<id>``: number, items (by column: label, answered, count, pct), top_point,
  ranked_by_top_point (item labels)
- ``themes.<node id>``: title, participants (distinct labelled participants quoted), stated
- ``stated.<id>``: stated, computed, shown, unit, status, denominator
- ``disclosure.threshold``: counts below it are hidden in the participants' tables
"""
from __future__ import annotations

from .questions import (AdministrativeResult, ChoiceResult, FreeTextResult, MatrixResult,
                        MultipleChoiceResult, NumberResult, UnavailableResult)


# One way to say each count, on every page: the word that goes with the number, and what it means.
# "Completed" is not "answered every question": a respondent who completed the survey reached its
# end, and could leave any question unanswered on the way.
VOCABULARY = {
    "respondents": ("took part", "started the survey and gave at least one answer"),
    "finished": ("completed", "went through to the end of the survey; they could still leave a "
                              "question unanswered"),
    "answered": ("answered", "gave an answer to the question in hand; each percentage is out of "
                             "these people"),
}


def _choice(r: ChoiceResult | MultipleChoiceResult) -> dict:
    """Single and multiple choice alike; a non-substantive option has a count and no percentage."""
    top = r.top if not any(o.hidden for o in r.options if o.label == r.top) else None
    in_pct = getattr(r, "nonsubstantive_in_percentages", False)
    return {"number": r.question.number, "answered": r.answered, "not_answered": r.not_answered,
            "in_percentages": r.in_percentages,
            "count": {o.label: o.hidden or o.share.count for o in r.options},
            "pct": {o.label: None if o.hidden or (o.nonsubstantive and not in_pct) else o.share.rounded
                    for o in r.options}, "top": top}


def _number(r: NumberResult) -> dict:
    items = {i.column: {"label": i.label, "answered": i.answered,
                        **({k: getattr(i.summary, k) for k in ("mean", "median", "q1", "q3")}
                           | {"min": i.summary.minimum, "max": i.summary.maximum}
                           if i.summary else {})} for i in r.items}
    return {"number": r.question.number, "answered": r.answered_any, "not_answered": r.not_answered,
            "items": items}


def _matrix(r: MatrixResult) -> dict:
    items = {i.column: {"label": i.label, "answered": i.answered,
                        "on_scale": i.on_scale,
                        "count": {p.label: p.share.count for p in i.points},
                        "pct": {p.label: None if p.nonsubstantive else p.share.rounded
                                for p in i.points}} for i in r.items}
    return {"number": r.question.number, "answered": r.answered_any,
            "not_answered": r.not_answered, "items": items, "top_point": r.top_point,
            "ranked_by_top_point": [i.label for i in r.ranked_by_top_point()]}


def _plain(value):
    """A value YAML can write: numpy and pandas scalars become Python ones, NaN becomes None."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if hasattr(value, "item"):
        value = value.item()
    return value


def _team(team) -> dict:
    return {"members": [{"name": m.name, "role": m.role} for m in team.members],
            "institution": team.institution, "institution_url": team.institution_url}


def _contact(contact) -> dict:
    return {"name": contact.name, "role": contact.role, "institution": contact.institution,
            "email": contact.email, "mailto": f"mailto:{contact.email}",
            "postal_address": list(contact.postal_address) or None,
            "response_days": contact.response_days}


def prose_variables(study, meta, respondents: int, finished: int, questions: dict,
                    themes, checks, threshold: int) -> dict:
    q, matrix = {}, {}
    for qid, r in questions.items():
        if isinstance(r, MatrixResult):
            matrix[qid] = _matrix(r)
        elif isinstance(r, (ChoiceResult, MultipleChoiceResult)):
            q[qid] = _choice(r)
        elif isinstance(r, NumberResult):
            q[qid] = _number(r)
        elif isinstance(r, AdministrativeResult):
            q[qid] = {"number": r.question.number, "answered": r.answered,
                      "not_answered": r.not_answered, "administrative": True}
        elif isinstance(r, FreeTextResult):
            q[qid] = {"number": r.question.number, "answered": r.answered,
                      "not_answered": r.not_answered}
        elif isinstance(r, UnavailableResult):
            q[qid] = {"number": r.question.number, "available": False}
    about = {"title": study.title, "short_title": study.short_title, "doi": study.doi,
             "doi_url": f"https://doi.org/{study.doi}" if study.doi else None, "year": study.year,
             "authors": list(study.authors), "publisher": study.publisher, "url": study.url}
    people = {}  # present only when study.yml names them (a page may test `contact is defined`)
    if study.team is not None:
        about["team"] = _team(study.team)
    if study.contact is not None:
        people["contact"] = _contact(study.contact)
    return {
        "study": about, **people,
        "reconstructed": bool(meta.reconstructed), "data_title": meta.title, "data_note": meta.note,
        "n": {"respondents": respondents, "finished": finished, "partial": respondents - finished},
        "vocabulary": {k: word for k, (word, _) in VOCABULARY.items()},
        "vocabulary_meaning": {k: meaning for k, (_, meaning) in VOCABULARY.items()},
        "disclosure": {"threshold": threshold},
        "q": q, "matrix": matrix,
        "themes": {nid: {"title": r.node.title, "participants": r.participants, "stated": r.stated}
                   for nid, r in themes.nodes.items()},
        "stated": {c.id: {"stated": _plain(c.stated), "computed": _plain(c.computed),
                          "shown": c.shown, "unit": c.unit, "status": c.status,
                          "denominator": c.denominator or None} for c in checks},
    }

