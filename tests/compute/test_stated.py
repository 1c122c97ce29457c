"""The check of stated figures: matches, within rounding, differs; the shown value."""
from __future__ import annotations

import pytest
import yaml

from findings.errors import DataError
from findings.load.stated import load_stated_figures


from findings.compute.stated import check


def _one(tmp_path, value, inst, themes):
    path = tmp_path / "figures.yaml"
    path.write_text(yaml.safe_dump({"figures": [{
        "id": "single", "value": value, "unit": "percent", "statement": "x",
        "where": {"section": "Results", "line": 70},
        "compute": {"measure": "percent", "question": "Q13", "options": ["50-75%", "More than 75%"]},
    }]}), encoding="utf-8")
    return load_stated_figures(path, inst, themes)


def test_percent_status_rules(tmp_path, responses, inst, themes):
    df = responses.data
    q13 = df.Q13.dropna()
    computed = 100 * q13.isin(["50-75%", "More than 75%"]).sum() / len(q13)  # 37 of 58 = 63.8
    nearest = int(computed + 0.5)
    other = int(computed) if nearest != int(computed) else int(computed) + 1
    for value, status in [(nearest, "matches"), (other, "within rounding"), (nearest + 2, "differs")]:
        table = check(_one(tmp_path, value, inst, themes), responses.data, inst, themes)
        assert [c.status for c in table] == [status], (value, computed)
    table = check(_one(tmp_path, nearest + 2, inst, themes), responses.data, inst, themes)
    assert "the data give 63.8%, the manuscript 66" in table[0].explanation
    assert table[0].denominator == "58 answered Q13" and table[0].shown == "64%"


