"""FHIR R4 (mCODE 4.0) Bundle or resources → a case@2 document and an import report (docs/fhir.md).

`import_resources` is the one public entry: the CLI (`oligoboard import-fhir`), the web
(`POST /api/v1/fhir/import`) and the CDS Hooks service (prefetch resources) call it.

Rules that shape every mapping:
- **Never invent a fact.** A field is set only when an element says it. A protein (IHC) test is not a
  mutation result; a Karnofsky score is not an ECOG score; an 8th-edition cN2 is not a 9th-edition N2a/N2b;
  a secondary cancer Condition without its lesions (mCODE Tumor BodyStructures) leaves the lesion count, and
  so `lesions`, unknown; a bundle without a record of something is not "none" (case@2 `[]` comes only from an
  explicit oligoboard `known-none` statement).
- **Never drop silently.** Every resource appears in the report with the elements used and the case fields
  they gave, or why it was not mapped.
- Contradictions between resources (a cM0 next to a metastasis, a procedure before the diagnosis) are
  reported, not resolved: the case keeps what each resource said.

The mapping of each resource family is a mixin in its own module (`patient`, `lesions`, `imaging`,
`biomarkers`, `facts`, `observations`, `medications`, `procedures`, on the shared state of `mapper_base`);
this module runs them in order, checks the contradictions between them and builds the result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from oligoboard.errors import CaseValidationError, Problem
from oligoboard.interop.fhir import codes as C
from oligoboard.interop.fhir.mapper_base import DRIVERS, LISTS, _fact_code
from oligoboard.interop.fhir.medications import MedicationMapping
from oligoboard.interop.fhir.observations import ObservationMapping
from oligoboard.interop.fhir.procedures import ProcedureMapping
from oligoboard.interop.fhir.report import ImportReport
from oligoboard.interop.fhir.resources import date_of, items_of, start_of, validate_r4

__all__ = ["DRIVERS", "LISTS", "ImportResult", "import_resources"]


@dataclass
class ImportResult:
    """The case@2 document built from the resources, the import report, and the case contract's problems
    with that document (empty when it is a valid case; the CLI then refuses to write it)."""

    case: dict[str, Any]
    report: ImportReport
    problems: list[Problem] = field(default_factory=list)


def import_resources(
    resources: list[dict[str, Any]] | dict[str, Any], *, assessment_date: date | None = None
) -> ImportResult:
    """Map a FHIR R4 Bundle (or a list of resources, e.g. CDS Hooks prefetch) to a case@2 document.

    Raises `FhirInputError` (an `InputError`: exit 2 / HTTP 422) when the input is not FHIR R4: not a
    Bundle or resource list, or a resource invalid against its `fhir.resources.R4B` model; the problems
    name the resource (bundle index, type/id) and the element, never a value. Everything else is reported:
    `result.report` lists every resource with the elements used and not mapped, the contradictions and the
    fields left unknown; `result.problems` are the case contract's objections to the built document
    (e.g. a date after the assessment date), empty when `result.case` is a valid case@2.

    `assessment_date` ("today" of the case) overrides the bundle's: an oligoboard `assessment_date` fact,
    else the date of `Bundle.timestamp`, else the latest date found in the resources.
    """
    items, bundle = items_of(resources)
    validate_r4(items, bundle)
    return _Mapper(items, bundle, assessment_date).run()


# --- the mapper ------------------------------------------------------------------------------------------


class _Mapper(ObservationMapping, MedicationMapping, ProcedureMapping):
    """All resource families; the order of the mapping, the contradictions and the result."""

    # -- run
    def run(self) -> ImportResult:
        self.patient()
        self.conditions()
        for it in self.items:
            if it.type == "BodyStructure" and self.about_patient(it):
                self.body_structure(it)
        self.lesions_list()
        for it in self.items:
            if it.type == "ImagingStudy" and self.about_patient(it):
                self.imaging_study(it)
        # a bundle written by oligoboard lists local treatments as Procedures of their own
        self.explicit_treatments = any(
            it.type == "Procedure"
            and (self.identifier(it, C.TREATMENT_ID_SYSTEM) or self.identifier(it, C.COURSE_ID_SYSTEM))
            for it in self.items
        )
        for it in self.items:
            if it.type == "Observation" and _fact_code(it.resource.get("code")) == "known-none":
                value = it.resource.get("valueString")
                if value in (*LISTS, "answers"):
                    self.known_none.add(str(value))
        handlers = {
            "Observation": self.observation,
            "MedicationRequest": self.medication,
            "MedicationAdministration": self.medication,
            "Procedure": self.procedure,
        }
        for it in self.items:
            handler = handlers.get(it.type)
            if handler is not None and self.about_patient(it) and self.about_lung_cancer(it):
                handler(it)
        self.finish_lines()
        self.contradictions()
        for it in self.items:
            entry = self.e(it)
            if not entry.mapped_to and not entry.not_mapped and not entry.used:
                entry.skip(f"{it.type}: no case@2 field is taken from this resource type")
        return self.result()

    # -- contradictions and the result
    def contradictions(self) -> None:
        diagnosis = date_of(self.case.get("tumour", {}).get("diagnosis_date"))
        for it, treatment in self.case.get("_treatments", []):
            day = date_of(treatment.get("date"))
            if (
                diagnosis is not None
                and day is not None
                and day < diagnosis
                and treatment.get("target")
                in (
                    "primary",
                    None,
                )
            ):
                labels = (it.label, self.primary.label) if self.primary else (it.label,)
                self.report.contradiction(
                    "procedure-before-diagnosis",
                    labels,
                    "a cancer-related procedure is dated before the primary cancer's diagnosis (onset)",
                )
        for it, when in self.m0:
            for s in self.secondaries:
                _, onset = start_of(s.resource, "onset")
                later = when is not None and onset is not None and onset > when
                self.report.contradiction(
                    "m0-with-metastasis",
                    (it.label, s.label),
                    "cM0 staging next to a secondary cancer Condition"
                    + (" with a later onset (restage: M0 no longer holds)" if later else " known by then"),
                )

    def result(self) -> ImportResult:
        from oligoboard.case.validate import parse_case

        treatments = [t for _, t in self.case.pop("_treatments", [])]
        if treatments or "local_treatments" in self.known_none:
            self.case["local_treatments"] = treatments
        courses = list(self.course_of_proc.values())
        if courses or "radiotherapy_courses" in self.known_none:
            self.case["radiotherapy_courses"] = courses
        scans = list(self.scan_of_study.values())
        if scans or "imaging" in self.known_none:
            self.case["imaging"] = scans
        if "lesions" in self.known_none and not self.secondaries:
            self.case["lesions"] = []
        if "answers" in self.known_none:
            self.case.setdefault("answers", {})
        for lesion in self.case.get("lesions", []):
            if lesion.get("treated") is None and any(t.get("target") == lesion["id"] for t in treatments):
                pass  # `treated` is stated by the sender or stays unknown: a treatment record is not its summary
        if self.given_date is not None:
            day, source = self.given_date, "given by the caller"
        elif self.fact_date is not None:
            day, source = self.fact_date, "oligoboard assessment_date Observation"
        elif self.bundle is not None and date_of(self.bundle.get("timestamp")) is not None:
            day, source = date_of(self.bundle.get("timestamp")), "Bundle.timestamp"  # type: ignore[assignment]
        elif self.dates:
            day, source = max(self.dates), "latest date in the resources"
        else:
            day, source = date.today(), "today (the resources carry no date)"
        self.report.assessment_date_source = source
        ordered: dict[str, Any] = {"schema": self.case.pop("schema"), "id": self.case.pop("id")}
        ordered["assessment_date"] = day.isoformat()
        for key in _CASE_ORDER:
            if key in self.case and (key == "answers" or self.case[key] not in ({}, None)):
                ordered[key] = self.case[key]
        tumour = ordered.get("tumour")
        if isinstance(tumour, dict) and tumour.get("drivers") == {}:
            tumour.pop("drivers")
        problems: list[Problem] = []
        try:
            parse_case(ordered, source="FHIR import")
        except CaseValidationError as exc:
            problems = list(exc.problems) or [Problem("<case>", exc.message)]
        return ImportResult(case=ordered, report=self.report, problems=problems)


_CASE_ORDER = [
    "patient",
    "tumour",
    "primary",
    "metastatic_diagnosis_date",
    "history",
    "lesions",
    "systemic_therapy",
    "staging",
    "imaging",
    "local_treatments",
    "radiotherapy_courses",
    "answers",
]
