"""A bundle made from a case imports to the same case facts: every demo case and a synthetic cohort sample
(with its missing data: unknown must come back unknown, `[]` must come back known-none)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from oligoboard.case.io import load_case
from oligoboard.case.models import Case
from oligoboard.case.validate import parse_case
from oligoboard.cohort.synth import run
from oligoboard.interop.fhir.case_to_bundle import case_to_bundle
from oligoboard.interop.fhir.importer import import_resources
from tests.interop.fhir_support import DEMO_CASES


def _round_trip(case: Case) -> Case:
    bundle = json.loads(json.dumps(case_to_bundle(case)))  # as a file would carry it
    result = import_resources(bundle)
    assert result.problems == [], [p.render() for p in result.problems]
    assert result.report.contradictions == [] or all(
        c.kind == "procedure-before-diagnosis" for c in result.report.contradictions
    )
    return parse_case(result.case)


@pytest.mark.parametrize("path", sorted(DEMO_CASES.glob("*.json")), ids=lambda p: p.stem)
def test_demo_case_round_trips(path: Path) -> None:
    case = load_case(path)
    assert _round_trip(case).model_dump(mode="json") == case.model_dump(mode="json")


def test_synthetic_cohort_sample_round_trips(tmp_path: Path) -> None:
    run(tmp_path / "cohort", 300, 17, sample=30, chunk=300)
    paths = sorted((tmp_path / "cohort" / "cases").glob("*.json"))
    assert len(paths) == 30
    differing = []
    for path in paths:
        case = load_case(path)
        if _round_trip(case).model_dump(mode="json") != case.model_dump(mode="json"):
            differing.append(path.name)
    assert differing == []


def test_the_bundle_says_the_lesion_count_only_through_its_tumours() -> None:
    """Drop the Tumor BodyStructures: the secondary Conditions remain, the lesion count becomes unknown."""
    case = load_case(DEMO_CASES / "demo-02-sync-two-bone-on-induction.json")
    bundle = case_to_bundle(case)
    bundle["entry"] = [e for e in bundle["entry"] if e["resource"]["resourceType"] != "BodyStructure"]
    result = import_resources(bundle)
    assert "lesions" not in result.case
    assert [u.field for u in result.report.unknowns] == ["lesions"]
    assert len(result.report.unknowns[0].resources) == 2  # both secondary Conditions named
