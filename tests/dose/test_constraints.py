"""The DVH-metric notation: parsing, and pass / within_tolerance / fail (on / off target for ± bands) exactly at the boundary."""

from __future__ import annotations

import pytest

from oligoboard.dose.constraints import parse_constraint
from oligoboard.errors import KnowledgeError


@pytest.mark.parametrize(
    ("text", "metric", "parameter", "operator", "limit", "unit"),
    [
        ("Dmax < 54 Gy", "dmax", None, "<", 54.0, "Gy"),
        ("D0.03cc < 30 Gy", "dvol_cc", 0.03, "<", 30.0, "Gy"),
        ("D95% >= 57 Gy", "dvol_pct", 95.0, ">=", 57.0, "Gy"),
        ("V20Gy < 35 %", "vdose", 20.0, "<", 35.0, "%"),
        ("V12Gy <= 5 cc", "vdose", 12.0, "<=", 5.0, "cc"),
        ("Dmean 20 ± 1 Gy", "dmean", None, "band", 20.0, "Gy"),
        ("Dmean 20 +/- 1 Gy", "dmean", None, "band", 20.0, "Gy"),
    ],
)
def test_parse(
    text: str, metric: str, parameter: float | None, operator: str, limit: float, unit: str
) -> None:
    c = parse_constraint(text)
    assert (c.metric, c.parameter, c.operator, c.limit, c.unit) == (metric, parameter, operator, limit, unit)


@pytest.mark.parametrize("text", ["Dmax 54", "V20 < 35 Gy", "Dfoo < 3 Gy", "Dmax < 54 cc"])
def test_bad_notation_is_a_knowledge_error(text: str) -> None:
    with pytest.raises(KnowledgeError, match="constraint"):
        parse_constraint(text)


@pytest.mark.parametrize(
    ("text", "tolerance", "value", "expected"),
    [
        ("Dmax < 54 Gy", None, 53.99, "pass"),
        ("Dmax < 54 Gy", None, 54.0, "fail"),
        ("Dmax <= 54 Gy", None, 54.0, "pass"),
        ("Dmax <= 54 Gy", "1 Gy", 55.0, "within_tolerance"),
        ("Dmax <= 54 Gy", "1 Gy", 55.01, "fail"),
        ("V20Gy < 35 %", None, 34.9, "pass"),
        # MAASTRO "to an MLD (Mean Lung Dose) of 20 +/- 1Gy": a prescription target, on or off target
        ("Dmean 20 ± 1 Gy", None, 21.0, "on_target"),
        ("Dmean 20 ± 1 Gy", None, 19.0, "on_target"),
        ("Dmean 20 ± 1 Gy", None, 18.99, "off_target"),
        ("Dmean 20 ± 1 Gy", None, 14.0, "off_target"),
        ("D95% >= 57 Gy", None, 57.0, "pass"),
    ],
)
def test_evaluate_at_boundary(text: str, tolerance: str | None, value: float, expected: str) -> None:
    assert parse_constraint(text, tolerance).evaluate(value)[0] == expected
