"""The FHIR export of an assessment: valid against the R4B models and the HL7 R4 JSON Schema, and parsed
back it says the same recommendations, trials and missing facts, citing the knowledge version."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle

from oligoboard.assessment import assess
from oligoboard.case.io import load_case
from oligoboard.engine.runner import Engine
from oligoboard.interop.fhir.exporter import assessment_to_fhir, summary_of_assessment, summary_of_export
from oligoboard.interop.fhir.packages import r4_schema_errors, r4b_model_errors
from tests.interop.fhir_support import DEMO_CASES, schema_installed

CASES = sorted(DEMO_CASES.glob("*.json"))


def _assessment(engine: Engine, path: Path) -> dict[str, Any]:
    out: dict[str, Any] = json.loads(json.dumps(assess(load_case(path), engine), default=str))
    return out


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_export_is_valid_r4_and_round_trips(engine: Engine, path: Path) -> None:
    schema_installed()
    assessment = _assessment(engine, path)
    bundle = assessment_to_fhir(assessment)
    assert r4b_model_errors(bundle) == []
    assert r4_schema_errors(bundle) == []
    parsed = Bundle.model_validate(json.loads(json.dumps(bundle)))
    back = json.loads(parsed.model_dump_json(exclude_none=True))
    assert summary_of_export(back) == summary_of_assessment(assessment)
    guidance = back["entry"][0]["resource"]
    assert guidance["moduleUri"].endswith(assessment["knowledge_version"])
    assert guidance["status"] == (
        "data-required" if summary_of_assessment(assessment)["missing"] else "success"
    )


def test_the_round_trip_sees_a_changed_recommendation(engine: Engine) -> None:
    assessment = _assessment(engine, CASES[0])
    bundle = assessment_to_fhir(assessment)
    changed = copy.deepcopy(bundle)
    action = changed["entry"][1]["resource"]["action"][0]["action"][0]
    action["extension"][0]["valueCode"] = "changed"
    assert summary_of_export(changed) != summary_of_assessment(assessment)


@pytest.mark.parametrize(
    ("edit", "checker"),
    [
        # the R4 JSON Schema cannot require a primitive (its value may sit in `_status`): the models do
        (lambda b: b["entry"][0]["resource"].pop("status"), r4b_model_errors),
        (lambda b: b["entry"][1]["resource"].update(intent=7), r4_schema_errors),
        (lambda b: b["entry"][0]["resource"].update(unknownElement=True), r4_schema_errors),
        (lambda b: b["entry"][0]["resource"].update(unknownElement=True), r4b_model_errors),
    ],
    ids=[
        "missing status (models)",
        "wrong type (schema)",
        "unknown element (schema)",
        "unknown element (models)",
    ],
)
def test_the_checks_catch_an_invalid_export(engine: Engine, edit: Any, checker: Any) -> None:
    schema_installed()
    bundle = assessment_to_fhir(_assessment(engine, CASES[0]))
    assert checker(bundle) == []
    edit(bundle)
    assert checker(bundle) != []
