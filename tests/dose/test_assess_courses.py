"""`assess` checks each course by its own protocol (case@2 `radiotherapy_courses[].protocol`), end to end
through the case model and the `oligoboard assess --json` command."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from oligoboard.cli.main import app
from oligoboard.dose.section import radiotherapy_section
from tests.case.v2 import build2, doc2

COURSES: list[dict[str, Any]] = [
    # off trial: 30 Gy / 5 fx SBRT to the metastasis, cord 20 Gy
    {"id": "RT1", "target": "L1", "technique": "sbrt", "total_dose_gy": 30, "fractions": 5,
     "oar": {"spinal_cord_dmax_gy": 20.0}},
    # on MAASTRO: 55 Gy / 20 fx, cord 50 Gy → EQD2₂ 56.25 Gy > "spinal cord max: 54Gy"
    {"id": "RT2", "target": "L1", "technique": "imrt", "total_dose_gy": 55, "fractions": 20,
     "oar": {"spinal_cord_dmax_gy": 50.0}, "protocol": "NCT01282450"},
]  # fmt: skip


def by_course(section: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, dict[str, Any]]]:
    return {str(c["course"]): {str(k["id"]): k for k in c["checks"]} for c in section}


def check_section(section: Sequence[Mapping[str, Any]]) -> None:
    courses = by_course(section)
    assert not [rule for rule in courses["RT1"] if rule.startswith("nct")]
    assert all(k["status"] != "fail" for k in courses["RT1"].values())
    cord = courses["RT2"]["nct01282450-spinal-cord-dmax"]
    assert (cord["status"], cord["comparison_mode"], cord["value_eqd2_gy"]) == ("fail", "eqd2", 56.25)
    assert "dlcg-2025-ablative-bed10" not in courses["RT2"]


def test_section_from_the_case_model() -> None:
    case = build2(radiotherapy_courses=COURSES)
    check_section(radiotherapy_section(case.radiotherapy_courses))


def test_assess_json_depends_on_the_course_protocol(tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(doc2(radiotherapy_courses=COURSES)), encoding="utf-8")
    result = CliRunner().invoke(app, ["assess", str(path), "--json"])
    assert result.exit_code == 0, result.output
    check_section(json.loads(result.stdout)["radiotherapy"])
