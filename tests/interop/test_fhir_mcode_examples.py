"""The official mCODE 4.0.0 examples (npm package hl7.fhir.us.mcode, fetched by `make install`).

Every example parses with the R4B models and imports without a crash; the lung-cancer examples import to
the facts they state (table below: each row quotes the example's element). Nothing is invented: the EGFR
protein test, the Karnofsky score and the brain-metastasis Condition without lesions stay out of the case.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from oligoboard.case.validate import parse_case
from oligoboard.interop.fhir.importer import ImportResult, import_resources
from tests.interop.fhir_support import example, mcode_examples, resources_of_patient


@pytest.mark.parametrize("path", mcode_examples(), ids=lambda p: p.name)
def test_every_official_example_imports_and_reports_every_resource(path: Path) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    result = import_resources(document)
    expected = len(document.get("entry", [])) if document["resourceType"] == "Bundle" else 1
    assert len(result.report.resources) == expected
    for entry in result.report.resources:  # never dropped silently: used for a field, or a reason given
        assert entry.mapped_to or entry.not_mapped, entry.label
    if not result.problems:
        parse_case(result.case)


@pytest.fixture(scope="module")
def john() -> ImportResult:
    """All example resources of the NSCLC example patient (john-anyperson), imported together."""
    return import_resources(resources_of_patient("cancer-patient-john-anyperson"))


def _at(case: dict[str, Any], path: str) -> Any:
    node: Any = case
    for part in path.split("."):
        node = node[int(part)] if isinstance(node, list) else node.get(part)
        if node is None:
            return None
    return node


# (case path, expected value, the example and element quoted)
JOHN_FACTS = [
    (
        "tumour.histology",
        "adenocarcinoma",
        'Condition-primary-cancer-condition-nsclc: histology-morphology-behavior "Adenocarcinoma (morphologic abnormality)"',
    ),
    (
        "tumour.diagnosis_date",
        "2019-04-01",
        'Condition-primary-cancer-condition-nsclc: "onsetDateTime": "2019-04-01"',
    ),
    (
        "tumour.histology_confirmed",
        True,
        'Observation-histologic-behavior-and-type-non-small-cell: "specimen": Specimen/human-specimen-lung',
    ),
    (
        "tumour.t",
        "T3",
        'Observation-tnm-clinical-primary-tumor-category-cT3: "American Joint Committee on Cancer cT3"',
    ),
    (
        "tumour.n",
        "N3",
        'Observation-tnm-clinical-regional-nodes-category-cN3: "American Joint Committee on Cancer cN3"',
    ),
    ("patient.ecog", 0, 'Observation-ecog-performance-status-fully-active: "valueInteger": 0'),
    ("patient.sex", "male", 'Patient-cancer-patient-john-anyperson: "gender": "male"'),
    (
        "metastatic_diagnosis_date",
        "2019-05-01",
        'Condition-secondary-cancer-condition-brain-mets: "onsetDateTime": "2019-05-01"',
    ),
    (
        "local_treatments.0.modality",
        "surgery",
        'Procedure-cancer-related-surgical-procedure-lobectomy: "Partial lobectomy of lung (procedure)"',
    ),
    ("local_treatments.0.date", "2019-03-01", 'Procedure-…-lobectomy: "performedDateTime": "2019-03-01"'),
    (
        "local_treatments.0.intent",
        "curative",
        'Procedure-…-lobectomy: procedure-intent "Curative - procedure intent"',
    ),
    (
        "local_treatments.0.target",
        "primary",
        'Procedure-…-lobectomy: "reasonReference": Condition/primary-cancer-condition-nsclc',
    ),
]


@pytest.mark.parametrize(("path", "expected", "quote"), JOHN_FACTS, ids=[row[0] for row in JOHN_FACTS])
def test_the_nsclc_example_imports_to_the_facts_it_states(
    john: ImportResult, path: str, expected: object, quote: str
) -> None:
    assert _at(john.case, path) == expected, quote


def test_the_gefitinib_request_is_a_targeted_line_from_its_bounds_period(john: ImportResult) -> None:
    # MedicationRequest-…-gefitinib: "gefitinib 250 MG Oral Tablet", "boundsPeriod": {"start": "2019-04-30"}
    lines = [t for t in john.case["systemic_therapy"] if t.get("regimen") == "gefitinib"]
    assert lines == [{"regimen": "gefitinib", "category": "targeted", "start_date": "2019-04-30"}]
    stopped = next(
        e for e in john.report.resources if e.id == "cancer-related-medication-request-cisplatin-stopped"
    )
    # "statusReason": "Treatment not tolerated (situation)"
    assert "systemic_therapy[].end_reason" in stopped.mapped_to


def test_nothing_is_invented_from_the_nsclc_example(john: ImportResult) -> None:
    case = john.case
    # Observation-tumor-marker-test-egf: "Epidermal growth factor receptor Ag [Presence] in Tissue" positive:
    # a protein test, not an EGFR mutation
    assert (case["tumour"].get("drivers") or {}).get("egfr") is None
    egf = next(e for e in john.report.resources if e.id == "tumor-marker-test-egf")
    assert egf.status == "not_mapped" and "protein" in egf.not_mapped[0]
    # the brain-metastasis Condition names no lesions: the count, and so `lesions`, stays unknown
    assert "lesions" not in case
    assert any(u.field == "lesions" for u in john.report.unknowns)
    # Karnofsky 90 is not converted to an ECOG score; ECOG comes from the ECOG Observation only
    karnofsky = next(
        e for e in john.report.resources if e.id == "karnofsky-performance-status-normal-activity"
    )
    assert karnofsky.status == "not_mapped"


def test_the_contradictions_of_the_nsclc_example_are_reported(john: ImportResult) -> None:
    kinds = {(c.kind, c.resources) for c in john.report.contradictions}
    # cM0 (2019-04-01) next to a brain metastasis with onset 2019-05-01
    assert (
        "m0-with-metastasis",
        (
            "Observation/tnm-clinical-distant-metastases-category-cM0",
            "Condition/secondary-cancer-condition-brain-mets",
        ),
    ) in kinds
    # the lobectomy ("performedDateTime": "2019-03-01") before the diagnosis ("onsetDateTime": "2019-04-01")
    assert (
        "procedure-before-diagnosis",
        ("Procedure/cancer-related-surgical-procedure-lobectomy", "Condition/primary-cancer-condition-nsclc"),
    ) in kinds


def test_the_genomic_bundle_gives_alk_from_the_fusion_and_braf_negative_from_the_pertinent_negative() -> None:
    result = import_resources(example("Bundle-gx-genomic-bundle-adam-anyperson.json"))
    drivers = result.case["tumour"]["drivers"]
    # Observation-gx-genomic-variant-fusion-met-alk: genes MET + ALK, "complex chromosomal rearrangement", Present
    assert drivers["alk"] == "positive"
    # a MET rearrangement is not MET exon 14 skipping: left unknown
    assert "met_ex14" not in drivers
    # Observation-gx-genomic-variant-pertinent-negative-nras-kit-braf: NRAS, KIT, BRAF "Absent"
    assert drivers["braf_v600e"] == "negative"


def test_a_breast_cancer_bundle_gives_no_lung_cancer_facts() -> None:
    # Bundle-mcode-patient-bundle-jenny-m: a breast cancer with TNM, paclitaxel and a chest-wall RT course
    result = import_resources(example("Bundle-mcode-patient-bundle-jenny-m.json"))
    assert "tumour" not in result.case and "systemic_therapy" not in result.case
    assert "radiotherapy_courses" not in result.case
    tnm = next(e for e in result.report.resources if e.id == "tnm-clinical-primary-tumor-category-jenny-m")
    assert tnm.status == "not_mapped" and "not lung cancer" in tnm.not_mapped[0]
