"""The stated-figures file: its schema and its references to the codebooks, with lines."""
from __future__ import annotations

import pytest
import yaml

from findings.errors import DataError
from findings.load.stated import load_stated_figures


def test_bad_specs_are_all_reported_with_file_and_line(tmp_path, inst, themes):
    path = tmp_path / "stated.yaml"
    path.write_text("""\
figures:
- id: a
  value: 1
  unit: count
  statement: "x"
  where: {section: Results, line: 47}
  compute: {measure: median, question: Q2}
- id: b
  value: 1
  unit: count
  statement: "x"
  where: {section: Results, line: 47}
  compute: {measure: count, question: Q99, options: [Female]}
- id: c
  value: 1
  unit: count
  statement: "x"
  where: {section: Results, line: 47}
  compute: {measure: count, question: Q2, options: [Femal]}
- id: d
  value: 1
  unit: count
  statement: "x"
  where: {section: Results, line: 47}
  compute: {measure: answered, columns: [Q12x]}
- id: e
  value: 1
  unit: count
  statement: "x"
  where: {section: Results, line: 47}
  compute: {measure: theme_participants, theme: no-such-theme}
""", encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_stated_figures(path, inst, themes)
    problems = [str(p) for p in info.value.problems]
    assert len(problems) == 5, problems
    text = "\n".join(problems)
    assert "stated.yaml, line 7: a, compute: unknown measure 'median'" in text
    assert "stated.yaml, line 13: b, compute: unknown question 'Q99'" in text
    assert "stated.yaml, line 19: c, compute: 'Femal' is not an option of question Q2" in text
    assert "stated.yaml, line 25: d, compute: unknown column 'Q12x'" in text
    assert "stated.yaml, line 31: e, compute: unknown theme 'no-such-theme'" in text


def test_a_figure_of_the_wrong_form_is_reported_with_its_line(tmp_path, inst, themes):
    path = tmp_path / "stated.yaml"
    path.write_text("""\
figures:
- id: f
  value: 1
  unit: parsecs
  statement: "x"
  where: {section: Results, line: forty}
  compute: {measure: respondents}
  colour: red
""", encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_stated_figures(path, inst, themes)
    problems = [str(p) for p in info.value.problems]
    assert problems == [
        f"{path}, line 4: figures entry 1 (id f), unit should be one of: 'count', 'percent', "
        "'label' or 'ranking'; found 'parsecs'",
        f"{path}, line 6: figures entry 1 (id f), where, line should be a whole number; found 'forty'",
        f"{path}, line 8: figures entry 1 (id f): unknown key 'colour'; allowed: id, value, unit, "
        "statement, where, compute, denominator, conflict, note"]
