"""The discovery document (`GET {baseUrl}/cds-services`): one `patient-view` service.

The prefetch templates ask for what the FHIR importer reads to build a case (docs/fhir.md): the
Patient, the cancer Conditions (primary and secondary), the Observations (TNM stage, performance status,
tumour markers, genomics, imaging and disease status), the systemic therapy MedicationRequests and
MedicationAdministrations, the Procedures (surgery, radiotherapy courses), the BodyStructures (mCODE
Tumor: one per lesion) and the ImagingStudies (the imaging timeline). Each template stays inside
the specification's "Prefetch query restrictions" (an instance read, or a type-level search by the
patient reference), so any CDS Client can satisfy it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

PATIENT_TOKEN = "{{context.patientId}}"

#: prefetch key → template. Keys are also the names the FHIR-server fallback uses (prefetch.py).
PATIENT_VIEW_PREFETCH: dict[str, str] = {
    "patient": f"Patient/{PATIENT_TOKEN}",
    "conditions": f"Condition?patient={PATIENT_TOKEN}",
    "observations": f"Observation?patient={PATIENT_TOKEN}",
    "medicationRequests": f"MedicationRequest?patient={PATIENT_TOKEN}",
    "medicationAdministrations": f"MedicationAdministration?patient={PATIENT_TOKEN}",
    "procedures": f"Procedure?patient={PATIENT_TOKEN}",
    "bodyStructures": f"BodyStructure?patient={PATIENT_TOKEN}",
    "imagingStudies": f"ImagingStudy?patient={PATIENT_TOKEN}",
}


@dataclass(frozen=True)
class Service:
    """One CDS Service as discovery lists it."""

    id: str
    hook: str
    title: str
    description: str
    prefetch: dict[str, str]
    usage_requirements: str

    def as_json(self) -> dict[str, Any]:
        return {
            "hook": self.hook,
            "title": self.title,
            "description": self.description,
            "id": self.id,
            "prefetch": dict(self.prefetch),
            "usageRequirements": self.usage_requirements,
        }


PATIENT_VIEW = Service(
    id="oligoboard-patient-view",
    hook="patient-view",
    title="oligoboard: oligometastatic NSCLC assessment",
    description=(
        "Disease state (ESTRO/EORTC, OMD, TNM 9 M category), the guideline recommendations that apply "
        "with their grade and source, trials the patient may fit, and the one missing fact that would "
        "settle most, from the patient's mCODE (FHIR R4) record."
    ),
    prefetch=PATIENT_VIEW_PREFETCH,
    usage_requirements=(
        "Needs every prefetch key, or fhirServer with fhirAuthorization (read access to the same "
        "resources) so the service can fetch what was not prefetched; otherwise it answers 412. "
        "Calls carry a bearer JWT of a configured EHR."
    ),
)

SERVICES: dict[str, Service] = {PATIENT_VIEW.id: PATIENT_VIEW}


def discovery() -> dict[str, Any]:
    """The discovery response body.

    Example:
        >>> [s["id"] for s in discovery()["services"]]
        ['oligoboard-patient-view']
    """
    return {"services": [service.as_json() for service in SERVICES.values()]}
