"""The case contract (shared/design/case-schema.md): what is accepted, and how refusals name the field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from oligoboard.case.io import case_content_hash, load_case
from oligoboard.case.validate import parse_case
from oligoboard.errors import CaseValidationError
from tests.support.cases import BASE, build, doc, lesion


def problems_of(document: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(CaseValidationError) as info:
        parse_case(document)
    return [(p.path, p.message) for p in info.value.problems]


def test_baseline_is_valid() -> None:
    case = build()
    assert case.lesions is not None and case.lesions[0].organ == "adrenal"


# (edit to the baseline, expected path, phrase expected in the message) — case-schema.md is the source.
INVALID = [
    (
        dict(lesions=[lesion(1, "adrenals")]),
        "lesions[0].organ",
        "text (8 characters) is not one of",
    ),  # schema example
    (dict(tumour={"n": "N2"}), "tumour.n", "N2a and N2b"),  # "a bare N2 is 8th edition and is rejected"
    (dict(patient={"ecog": 5}), "patient.ecog", "less than or equal to 4"),  # ecog 0..4
    (dict(tumour={"pdl1_tps": 120}), "tumour.pdl1_tps", "less than or equal to 100"),  # percent 0..100
    (dict(patient={"sexx": "male"}), "patient.sexx", "unknown field"),  # unknown keys are errors
    (dict(lesions=[lesion(1, "bone", size_mm=-3)]), "lesions[0].size_mm", "greater than or equal to 0"),
    (dict(assessment_date="2026-13-01"), "assessment_date", "date"),  # ISO YYYY-MM-DD
    (dict(histology_confirmed=True), "histology_confirmed", "unknown field"),
    (dict(lesions=[lesion(1, "bone"), lesion(1, "liver")]), "lesions[1].id", "duplicate lesion id"),
    (dict(metastatic_diagnosis_date="2026-10-02"), "metastatic_diagnosis_date", "after assessment_date"),
    (
        dict(systemic_therapy=[{"line": 1, "start_date": "2026-09-01", "end_date": "2026-08-01"}]),
        "systemic_therapy[0].end_date",
        "before start_date",
    ),
    (
        dict(radiotherapy_courses=[{"id": "RT1", "target": "L9", "total_dose_gy": 30, "fractions": 5}]),
        "radiotherapy_courses[0].target",
        "neither 'primary' nor a lesion id",
    ),
    (
        dict(radiotherapy_courses=[{"id": "RT1", "target": "L1", "total_dose_gy": -30, "fractions": 5}]),
        "radiotherapy_courses[0].total_dose_gy",
        "greater than 0",
    ),
    (dict(tumour={"histology_confirmed": "yes"}), "tumour.histology_confirmed", "boolean"),
    (dict(schema="oligoboard/case@2"), "schema", "is not one of"),
]


@pytest.mark.parametrize(("edit", "path", "phrase"), INVALID)
def test_invalid_documents_name_the_field(edit: dict[str, Any], path: str, phrase: str) -> None:
    found = problems_of(doc(**edit))
    assert any(p == path and phrase in m for p, m in found), found


def test_every_problem_is_reported_at_once() -> None:
    document = doc(patient={"ecog": 7}, lesions=[lesion(1, "adrenals"), lesion(2, "bone", status="growing")])
    paths = {p for p, _ in problems_of(document)}
    assert {"patient.ecog", "lesions[0].organ", "lesions[1].status"} <= paths


def test_missing_required_fields() -> None:
    document = doc()
    del document["id"]
    del document["assessment_date"]
    paths = {p for p, _ in problems_of(document)}
    assert paths == {"id", "assessment_date"}


def test_null_and_omitted_mean_unknown_and_empty_list_means_none() -> None:
    omitted = doc()
    del omitted["lesions"]
    assert parse_case(omitted).lesions is None
    assert parse_case(doc(lesions=None)).lesions is None
    assert parse_case(doc(lesions=[])).lesions == []


def test_yaml_and_json_give_the_same_case(tmp_path: Path) -> None:
    import yaml

    (tmp_path / "c.json").write_text(json.dumps(BASE))
    (tmp_path / "c.yaml").write_text(yaml.safe_dump(BASE))
    a, b = load_case(tmp_path / "c.json"), load_case(tmp_path / "c.yaml")
    assert a == b
    assert case_content_hash(a) == case_content_hash(b)


def test_content_hash_changes_with_a_fact() -> None:
    assert case_content_hash(build()) != case_content_hash(build(patient={"ecog": 2}))


def test_unparseable_file_is_an_input_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"id": "x",')
    with pytest.raises(CaseValidationError) as info:
        load_case(bad)
    assert "not valid JSON" in info.value.render()
