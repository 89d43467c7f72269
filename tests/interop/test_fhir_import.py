"""Import rules on small synthetic resources: invalid FHIR is refused naming resource and element (no
value), and the mapping never invents a fact (docs/fhir.md)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from oligoboard.interop.fhir import codes as C
from oligoboard.interop.fhir.importer import import_resources
from oligoboard.interop.fhir.resources import FhirInputError

PATIENT: dict[str, Any] = {
    "resourceType": "Patient",
    "id": "p1",
    "gender": "female",
    "birthDate": "1960-05-01",
}
SUBJECT = {"reference": "Patient/p1"}


def _obs(rid: str, system: str, code: str, **fields: Any) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": rid,
        "status": "final",
        "code": {"coding": [{"system": system, "code": code}]},
        "subject": SUBJECT,
        **fields,
    }


def _variant(
    rid: str, genes: list[str], present: bool, extra: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    components = [
        {
            "code": {"coding": [{"system": C.LOINC, "code": C.LOINC_GENE_STUDIED}]},
            "valueCodeableConcept": {"coding": [{"system": C.HGNC, "code": g}]},
        }
        for g in genes
    ]
    value = {"coding": [{"system": C.LOINC, "code": C.LOINC_PRESENT if present else C.LOINC_ABSENT}]}
    return _obs(
        rid,
        C.LOINC,
        C.LOINC_GENETIC_VARIANT,
        valueCodeableConcept=value,
        component=components + (extra or []),
    )


def _aa(change: str) -> dict[str, Any]:
    return {
        "code": {"coding": [{"system": C.LOINC, "code": C.LOINC_AMINO_ACID_CHANGE}]},
        "valueCodeableConcept": {"coding": [{"system": "http://varnomen.hgvs.org", "code": change}]},
    }


def _fusion() -> dict[str, Any]:
    return {
        "code": {"coding": [{"system": C.LOINC, "code": C.LOINC_DNA_CHANGE_TYPE}]},
        "valueCodeableConcept": {
            "coding": [{"system": "http://www.sequenceontology.org/", "code": "SO:0001565"}]
        },
    }


def _drivers(*resources: dict[str, Any]) -> dict[str, str]:
    result = import_resources([PATIENT, *resources])
    drivers: dict[str, str] = result.case.get("tumour", {}).get("drivers", {})
    return drivers


# (resources, expected drivers, why)
DRIVER_ROWS = [
    (
        [_variant("v1", ["HGNC:1097"], True, [_aa("p.Val600Glu")])],
        {"braf_v600e": "positive"},
        "BRAF p.V600E present",
    ),
    (
        [_variant("v2", ["HGNC:1097"], True, [_aa("p.Gly469Ala")])],
        {},
        "a BRAF variant that is not V600E: unknown",
    ),
    ([_variant("v3", ["HGNC:6407"], True, [_aa("p.Gly12Cys")])], {"kras_g12c": "positive"}, "KRAS p.G12C"),
    ([_variant("v4", ["HGNC:6407"], True, [_aa("p.Gly12Asp")])], {}, "KRAS G12D is not G12C: unknown"),
    ([_variant("v5", ["HGNC:427"], True, [_fusion()])], {"alk": "positive"}, "ALK fusion present"),
    ([_variant("v6", ["HGNC:427"], True)], {}, "an ALK variant without a rearrangement: unknown"),
    ([_variant("v7", ["HGNC:10261"], False)], {"ros1": "negative"}, "ROS1 absent"),
    ([_variant("v8", ["HGNC:8031"], False)], {}, "NTRK1 alone absent does not rule out an NTRK2/3 fusion"),
    (
        [_variant("v9", ["HGNC:8031", "HGNC:8032", "HGNC:8033"], False)],
        {"ntrk": "negative"},
        "NTRK1, NTRK2 and NTRK3 absent",
    ),
    ([_variant("v10", ["HGNC:3236"], True, [_aa("p.Leu858Arg")])], {"egfr": "positive"}, "EGFR L858R"),
    ([_variant("v11", ["HGNC:3430"], True)], {}, "an ERBB2 variant of unstated kind: HER2 mutation unknown"),
    ([_variant("v12", ["HGNC:7029"], True, [_fusion()])], {}, "a MET fusion is not MET exon 14 skipping"),
    (
        [
            _obs(
                "ihc",
                C.LOINC,
                "48676-1",
                valueCodeableConcept={"coding": [{"system": C.SNOMED, "code": "10828004"}]},
            )
        ],
        {},
        "HER2 [Interpretation] in Tissue (IHC) positive: a protein test, not a mutation",
    ),
    (
        [
            _obs(
                "fish",
                C.LOINC,
                "78205-2",
                valueCodeableConcept={"coding": [{"system": C.SNOMED, "code": "10828004"}]},
            )
        ],
        {"alk": "positive"},
        "ALK gene rearrangements by FISH positive",
    ),
    (
        [_obs("amp", C.LOINC, "31150-6", valueBoolean=True)],
        {},
        "ERBB2 duplication (amplification) is not a mutation",
    ),
]


@pytest.mark.parametrize(("resources", "expected", "why"), DRIVER_ROWS, ids=[r[2] for r in DRIVER_ROWS])
def test_drivers_only_from_the_alteration_case2_records(
    resources: list[dict[str, Any]], expected: dict[str, str], why: str
) -> None:
    assert _drivers(*resources) == expected, why


def test_pdl1_tps_and_tnm9_categories() -> None:
    pdl1 = _obs(
        "pd",
        C.LOINC,
        C.LOINC_PDL1_TPS,
        valueQuantity={"value": 80, "unit": "%", "system": C.UCUM, "code": "%"},
    )
    t = _obs(
        "t", C.SNOMED, C.SCT_CT, valueCodeableConcept={"coding": [{"system": C.SNOMED, "code": "1228931008"}]}
    )
    n2 = _obs(
        "n", C.SNOMED, C.SCT_CN, valueCodeableConcept={"coding": [{"system": C.SNOMED, "code": "1229978004"}]}
    )
    result = import_resources([PATIENT, pdl1, t, n2])
    assert result.case["tumour"] == {"pdl1_tps": 80, "t": "T2a"}  # cN2 (8th edition) is not N2a/N2b
    n_entry = next(e for e in result.report.resources if e.id == "n")
    assert "8th edition" in n_entry.not_mapped[0]


def test_lesions_come_from_tumours_linked_to_a_secondary_condition() -> None:
    secondary = {
        "resourceType": "Condition",
        "id": "met1",
        "subject": SUBJECT,
        "code": {"coding": [{"system": C.ICD10CM, "code": "C79.31"}]},
        "onsetDateTime": "2026-03-01",
    }
    tumour = {
        "resourceType": "BodyStructure",
        "id": "tum1",
        "patient": SUBJECT,
        "extension": [{"url": C.EXT_RELATED_CONDITION, "valueReference": {"reference": "Condition/met1"}}],
    }
    without = import_resources([PATIENT, secondary])
    assert "lesions" not in without.case and without.case["metastatic_diagnosis_date"] == "2026-03-01"
    with_tumour = import_resources([PATIENT, secondary, tumour])
    assert with_tumour.case["lesions"] == [{"id": "tum1", "organ": "brain", "detected_date": "2026-03-01"}]


def test_resources_of_another_patient_are_not_mapped() -> None:
    other = _obs("e", C.LOINC, C.LOINC_ECOG, valueInteger=2, subject={"reference": "Patient/someone-else"})
    result = import_resources([PATIENT, other])
    assert "ecog" not in result.case["patient"]
    assert "not the bundle's Patient" in result.report.resources[1].not_mapped[0]


def test_invalid_fhir_names_resource_and_element_never_the_value() -> None:
    bad = _obs("e1", C.LOINC, C.LOINC_ECOG, valueInteger="SECRET-VALUE-123")
    bad2 = {**PATIENT, "id": "p2", "birthDate": "not-a-date-XYZ"}
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": bad}, {"resource": bad2}],
    }
    with pytest.raises(FhirInputError) as caught:
        import_resources(bundle)
    rendered = caught.value.render()
    assert "entry[0] Observation/e1: valueInteger" in rendered
    assert "entry[1] Patient/p2: birthDate" in rendered
    assert "SECRET" not in rendered and "XYZ" not in rendered
    assert "SECRET" not in json.dumps(caught.value.as_dict())


@pytest.mark.parametrize(
    "document",
    [[1, 2], {"resourceType": "Bundle", "entry": {"x": 1}}, {"no": "type"}, {"resourceType": "Nonsense"}],
    ids=["list of numbers", "entry not a list", "no resourceType", "unknown resource type"],
)
def test_what_is_not_fhir_is_refused(document: object) -> None:
    with pytest.raises(FhirInputError):
        import_resources(document)  # type: ignore[arg-type]


def test_the_case_problems_are_returned_not_raised() -> None:
    late = {**PATIENT, "birthDate": "2030-01-01"}
    result = import_resources([late], assessment_date=date(2026, 1, 1))
    assert [p.path for p in result.problems] == ["patient.birth_date"]


def _med(rid: str, kind: str, drug: str, day: str, **fields: Any) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": kind,
        "id": rid,
        "status": "completed",
        "medicationCodeableConcept": {
            "coding": [
                {"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "0", "display": drug}
            ]
        },
        "subject": SUBJECT,
        **fields,
    }
    if kind == "MedicationAdministration":
        resource["effectiveDateTime"] = day
    else:
        resource["intent"] = "order"
        resource["dosageInstruction"] = [{"timing": {"repeat": {"boundsPeriod": {"start": day}}}}]
    return resource


def test_agents_of_one_day_are_one_line_and_supportive_drugs_are_no_line() -> None:
    resources = [
        PATIENT,
        _med("a1", "MedicationAdministration", "CARBOplatin", "2026-02-01"),
        _med("a2", "MedicationAdministration", "pemetrexed 500 MG", "2026-02-01"),
        _med("r1", "MedicationRequest", "pembrolizumab 25 MG/ML", "2026-02-01", status="active"),
        _med("d1", "MedicationAdministration", "dexamethasone 4 MG", "2026-02-01"),
        _med("x1", "MedicationRequest", "osimertinib 80 MG", "2026-01-01", status="entered-in-error"),
    ]
    result = import_resources(resources)
    assert result.case["systemic_therapy"] == [
        {
            "regimen": "carboplatin-pemetrexed-pembrolizumab",
            "category": "chemo_io",
            "start_date": "2026-02-01",
            "end_date": "2026-02-01",
        }
    ]
    reasons = {e.id: e.not_mapped for e in result.report.resources}
    assert "not a line of systemic therapy" in reasons["d1"][0]
    assert "voided" in reasons["x1"][0]


def test_a_completed_rt_course_summary_is_a_course_and_a_treatment_of_unstated_modality() -> None:
    secondary = {
        "resourceType": "Condition",
        "id": "met1",
        "subject": SUBJECT,
        "code": {"coding": [{"system": C.ICD10CM, "code": "C79.71"}]},
        "onsetDateTime": "2026-03-01",
    }
    tumour = {
        "resourceType": "BodyStructure",
        "id": "tum1",
        "patient": SUBJECT,
        "extension": [{"url": C.EXT_RELATED_CONDITION, "valueReference": {"reference": "Condition/met1"}}],
    }
    course = {
        "resourceType": "Procedure",
        "id": "rt1",
        "meta": {"profile": [C.PROFILE_RT_SUMMARY]},
        "status": "completed",
        "code": {"coding": [{"system": C.SNOMED, "code": C.SCT_RT_COURSE}]},
        "subject": SUBJECT,
        "performedPeriod": {"start": "2026-04-01", "end": "2026-04-08"},
        "extension": [
            {
                "url": C.EXT_RT_MODALITY_TECHNIQUE,
                "extension": [
                    {
                        "url": C.MCODE + "mcode-radiotherapy-technique",
                        "valueCodeableConcept": {"coding": [{"system": C.SNOMED, "code": "1156530009"}]},
                    }
                ],
            },
            {
                "url": C.EXT_RT_DOSE,
                "extension": [
                    {"url": "volume", "valueReference": {"reference": "BodyStructure/tum1"}},
                    {
                        "url": "totalDoseDelivered",
                        "valueQuantity": {"value": 4500, "system": C.UCUM, "code": "cGy"},
                    },
                    {"url": "fractionsDelivered", "valueUnsignedInt": 3},
                ],
            },
        ],
    }
    result = import_resources([PATIENT, secondary, tumour, course])
    assert result.case["radiotherapy_courses"] == [
        {
            "id": "rt1",
            "target": "tum1",
            "technique": "vmat",
            "total_dose_gy": 45,
            "fractions": 3,
            "start_date": "2026-04-01",
            "end_date": "2026-04-08",
        }
    ]
    # VMAT says nothing of SBRT vs conventional RT: the treatment's modality stays unknown
    assert result.case["local_treatments"] == [
        {"id": "rt1-given", "rt_course": "rt1", "target": "tum1", "date": "2026-04-01"}
    ]


def test_prefetch_bundles_in_a_list_are_flattened_and_repeats_mapped_once() -> None:
    ecog = _obs("e1", C.LOINC, C.LOINC_ECOG, valueInteger=1)
    search = {
        "resourceType": "Bundle",
        "type": "searchset",
        "entry": [{"resource": ecog}, {"resource": ecog}],
    }
    result = import_resources([PATIENT, search])
    assert result.case["patient"]["ecog"] == 1
    assert [e.status for e in result.report.resources] == ["mapped", "mapped", "not_mapped"]
    assert "repeats" in result.report.resources[2].not_mapped[0]


def test_a_refuted_condition_is_not_mapped() -> None:
    refuted = {
        "resourceType": "Condition",
        "id": "met1",
        "subject": SUBJECT,
        "verificationStatus": {
            "coding": [
                {"system": "http://terminology.hl7.org/CodeSystem/condition-ver-status", "code": "refuted"}
            ]
        },
        "code": {"coding": [{"system": C.ICD10CM, "code": "C79.31"}]},
        "onsetDateTime": "2026-03-01",
    }
    result = import_resources([PATIENT, refuted])
    assert "metastatic_diagnosis_date" not in result.case
