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
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from oligoboard.errors import CaseValidationError, Problem, safe_key
from oligoboard.interop.fhir import codes as C
from oligoboard.interop.fhir.report import ImportReport, ResourceEntry
from oligoboard.interop.fhir.resources import (
    Item,
    Json,
    code_in,
    codings,
    date_of,
    end_of,
    extension_value,
    extensions,
    has_code,
    items_of,
    profiles,
    reference,
    start_of,
    validate_r4,
)

DRIVERS = ("egfr", "alk", "ros1", "ret", "braf_v600e", "met_ex14", "ntrk", "kras_g12c", "her2")
LISTS = ("lesions", "systemic_therapy", "imaging", "local_treatments", "radiotherapy_courses")


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


def _fact_code(concept: object) -> str | None:
    for system, code, _ in codings(concept):
        if system == C.FACT_SYSTEM:
            return code
    return None


def _value(resource: Mapping[str, Any]) -> tuple[str, Any] | None:
    for key, value in resource.items():
        if key.startswith("value"):
            return key, value
    return None


def _fact_ext(element: Mapping[str, Any], name: str) -> Any:
    found = extension_value(element, C.FACT_EXT + name)
    if found is None:
        return None
    key, value = found
    if key in ("valueCodeableConcept", "valueCoding"):
        return _fact_code(value)
    return value


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z]+", text.lower())


class _Mapper:
    def __init__(self, items: list[Item], bundle: Json | None, assessment_date: date | None) -> None:
        self.items = items
        self.bundle = bundle
        self.given_date = assessment_date
        self.report = ImportReport()
        self.entries: dict[int, ResourceEntry] = {}
        self.by_ref: dict[str, Item] = {}
        for it in items:
            self.entries[it.index] = self.report.entry(it.index, it.type, it.id)
            if it.id:
                self.by_ref.setdefault(f"{it.type}/{it.id}", it)
            if it.full_url:
                self.by_ref.setdefault(it.full_url, it)
        self.items = self.usable(items)
        self.case: dict[str, Any] = {"schema": "oligoboard/case@2"}
        self.patient_ref: set[str] = set()
        self.primary: Item | None = None
        self.other_primaries: list[Item] = []
        self.secondaries: list[Item] = []
        self.lesion_of_body: dict[int, dict[str, Any]] = {}
        self.lesions_of_condition: dict[int, list[str]] = {}
        self.scan_of_study: dict[int, dict[str, Any]] = {}
        self.course_of_proc: dict[int, dict[str, Any]] = {}
        self.known_none: set[str] = set()
        self.dates: list[date] = []
        self.m0: list[tuple[Item, date | None]] = []
        self.fact_date: date | None = None
        self.explicit_treatments = False

    def usable(self, items: list[Item]) -> list[Item]:
        """The items to map: not a repeat of an earlier type/id (CDS prefetch bundles overlap), not voided
        (entered in error, refuted, cancelled, not done). The others stay in the report with the reason."""
        out: list[Item] = []
        first: dict[str, Item] = {}
        for it in items:
            key = f"{it.type}/{it.id}" if it.id else None
            if key is not None and key in first:
                self.entries[it.index].skip(
                    f"repeats {first[key].type} of entry {first[key].index}: mapped once"
                )
                continue
            if key is not None:
                first[key] = it
            res = it.resource
            status = res.get("status")
            verification = {c for _, c, _ in codings(res.get("verificationStatus"))}
            voided = status in _VOID_STATUS.get(it.type, {"entered-in-error"})
            if voided or verification & {"refuted", "entered-in-error"}:
                self.entries[it.index].skip("voided (status or verificationStatus): not mapped")
                continue
            out.append(it)
        return out

    # -- helpers
    def e(self, it: Item) -> ResourceEntry:
        return self.entries[it.index]

    def resolve(self, ref: str | None) -> Item | None:
        return self.by_ref.get(ref) if ref else None

    def section(self, name: str) -> dict[str, Any]:
        sec: dict[str, Any] = self.case.setdefault(name, {})
        return sec

    def seen(self, d: date | None) -> date | None:
        if d is not None:
            self.dates.append(d)
        return d

    def about_patient(self, it: Item) -> bool:
        """False (and reported) when the resource names another patient than the bundle's."""
        subject = reference(it.resource.get("subject") or it.resource.get("patient"))
        if subject is None or not self.patient_ref or subject in self.patient_ref:
            return True
        self.e(it).skip("subject is not the bundle's Patient: not mapped")
        return False

    def about_lung_cancer(self, it: Item) -> bool:
        """False (and reported) when the resource is about a cancer that is not the lung primary: it names a
        non-lung primary (focus, reasonReference, related condition), or the bundle's only primary cancer
        Condition is not lung cancer. Performance status and oligoboard facts are about the patient."""
        res = it.resource
        if _fact_code(res.get("code")) is not None or has_code(res.get("code"), C.LOINC, C.LOINC_ECOG):
            return True
        links = [reference(x) for x in res.get("focus", []) + res.get("reasonReference", [])]
        related = extension_value(res, C.EXT_RELATED_CONDITION)
        links.append(reference(related[1]) if related else None)
        named = [self.resolve(r) for r in links if r]
        if any(n is not None and n in self.other_primaries for n in named):
            self.e(it).skip("about a primary cancer that is not lung cancer: not mapped")
            return False
        if self.primary is None and self.other_primaries and not any(n is self.primary for n in named):
            self.e(it).skip("the bundle's primary cancer is not lung cancer: not mapped")
            return False
        return True

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

    @staticmethod
    def identifier(it: Item, system: str) -> str | None:
        for ident in it.resource.get("identifier", []):
            if (
                isinstance(ident, Mapping)
                and ident.get("system") == system
                and isinstance(ident.get("value"), str)
            ):
                return str(ident["value"])
        return None

    # -- Patient
    def patient(self) -> None:
        patients = [it for it in self.items if it.type == "Patient"]
        for extra in patients[1:]:
            self.e(extra).skip("a second Patient: a case is one patient, only the first Patient is mapped")
        if self.bundle is not None:
            case_id = None
            ident = self.bundle.get("identifier")
            if isinstance(ident, Mapping) and ident.get("system") == C.CASE_ID_SYSTEM:
                case_id = ident.get("value")
            if isinstance(case_id, str) and case_id:
                self.case["id"] = case_id
        if not patients:
            self.report.unknown("patient", "no Patient resource")
            self.case.setdefault("id", "fhir-import")
            return
        it = patients[0]
        self.patient_ref = {f"Patient/{it.id}"} | ({it.full_url} if it.full_url else set())
        self.case.setdefault("id", it.id or "fhir-import")
        entry = self.e(it)
        if self.case["id"] == it.id:
            entry.use("id", "id")
        res = it.resource
        birth = date_of(res.get("birthDate"))
        if birth is not None:
            self.section("patient")["birth_date"] = birth.isoformat()
            entry.use("birthDate", "patient.birth_date")
        elif "birthDate" in res:
            entry.skip("birthDate: not a full date (year or month only): age left unknown")
        gender = res.get("gender")
        if gender in ("female", "male", "other"):
            self.section("patient")["sex"] = gender
            entry.use("gender", "patient.sex")
        elif gender is not None:
            entry.skip("gender 'unknown': sex left unknown")
        for key in res:
            if key in (
                "name",
                "identifier",
                "address",
                "telecom",
                "communication",
                "extension",
                "maritalStatus",
            ):
                entry.skip(f"{key}: not part of a case")

    # -- Conditions
    def conditions(self) -> None:
        for it in self.items:
            if it.type != "Condition" or not self.about_patient(it):
                continue
            res = it.resource
            prof = profiles(res)
            organ = self.secondary_organ(res)
            if C.PROFILE_SECONDARY in prof or organ is not None:
                self.secondaries.append(it)
                self.secondary(it, organ)
            elif C.PROFILE_PRIMARY in prof or self.is_lung_primary(res):
                if not self.is_lung_primary(res):
                    self.other_primaries.append(it)
                    self.e(it).skip("primary cancer Condition that is not lung cancer: not mapped")
                elif self.primary is not None:
                    self.e(it).skip("a second primary lung cancer Condition: only the first is mapped")
                else:
                    self.primary = it
                    self.primary_condition(it)
            else:
                self.e(it).skip("Condition that is neither a primary lung cancer nor a secondary cancer")

    @staticmethod
    def is_lung_primary(res: Mapping[str, Any]) -> bool:
        concept = res.get("code")
        if code_in(concept, C.SNOMED, C.LUNG_CANCER_SNOMED):
            return True
        if any(s == C.ICD10CM and c.startswith(C.LUNG_CANCER_ICD10_PREFIX) for s, c, _ in codings(concept)):
            return True
        return bool(C.PROFILE_PRIMARY in profiles(res) and _Mapper.site_organ(res) == "lung")

    @staticmethod
    def site_organ(res: Mapping[str, Any]) -> str | None:
        for site in res.get("bodySite", []):
            code = code_in(site, C.SNOMED, C.BODY_SITE_ORGAN)
            if code:
                return C.BODY_SITE_ORGAN[code]
        return None

    @staticmethod
    def secondary_organ(res: Mapping[str, Any]) -> str | None:
        concept = res.get("code")
        code = code_in(concept, C.SNOMED, C.SECONDARY_SNOMED_ORGAN)
        if code:
            return C.SECONDARY_SNOMED_ORGAN[code]
        for system, value, _ in codings(concept):
            if system == C.ICD10CM:
                for prefix, organ in C.SECONDARY_ICD10_ORGAN:
                    if value.startswith(prefix):
                        return organ
        return None

    def primary_condition(self, it: Item) -> None:
        res, entry = it.resource, self.e(it)
        tumour = self.section("tumour")
        histology = None
        found = extension_value(res, C.EXT_HISTOLOGY)
        if found is not None:
            code = code_in(found[1], C.SNOMED, C.HISTOLOGY_SNOMED)
            if code:
                histology = C.HISTOLOGY_SNOMED[code]
                entry.use("extension[histology-morphology-behavior]", "tumour.histology")
            else:
                entry.skip(
                    "extension[histology-morphology-behavior]: morphology code not in the histology map"
                )
        if histology is None:
            code = code_in(res.get("code"), C.SNOMED, C.LUNG_CANCER_SNOMED)
            if code and C.LUNG_CANCER_SNOMED[code]:
                histology = C.LUNG_CANCER_SNOMED[code]
                entry.use("code", "tumour.histology")
        if histology is not None:
            tumour["histology"] = histology
        entry.use("code")
        onset_key, onset = start_of(res, "onset")
        if onset is not None:
            tumour["diagnosis_date"] = self.seen(onset).isoformat()  # type: ignore[union-attr]
            entry.use(onset_key, "tumour.diagnosis_date")
        else:
            self.report.unknown("tumour.diagnosis_date", "primary Condition has no onset day", (it.label,))
        if res.get("bodySite"):
            entry.use("bodySite")
        if res.get("stage"):
            entry.use("stage.assessment")
            entry.skip("stage.summary: case@2 has no stage group (T and N come from their Observations)")

    def secondary(self, it: Item, organ: str | None) -> None:
        res, entry = it.resource, self.e(it)
        entry.use("code")
        site = self.site_organ(res)
        if site is not None:
            entry.use("bodySite")
        onset_key, onset = start_of(res, "onset")
        self.seen(onset)
        if onset_key:
            entry.use(onset_key, "metastatic_diagnosis_date")
        if (site or organ) is None:
            entry.skip("code/bodySite: metastatic site not in the organ map")

    # -- lesions (mCODE Tumor BodyStructures)
    def body_structure(self, it: Item) -> None:
        res, entry = it.resource, self.e(it)
        related = extension_value(res, C.EXT_RELATED_CONDITION)
        condition = self.resolve(reference(related[1])) if related else None
        lesion_id = self.identifier(it, C.LESION_ID_SYSTEM)
        if condition is None or condition not in self.secondaries:
            if C.PROFILE_TUMOR in profiles(res) or lesion_id:
                entry.skip(
                    "Tumor not linked (mcode-related-condition) to a secondary cancer Condition: not a lesion"
                )
            else:
                entry.skip("BodyStructure: used only when a radiotherapy course or finding refers to it")
            return
        lesion: dict[str, Any] = {"id": lesion_id or it.id or f"lesion-{it.index}"}
        entry.use("identifier" if lesion_id else "id", "lesions[].id")
        entry.use("extension[mcode-related-condition]")
        code = code_in(res.get("location"), C.SNOMED, C.BODY_SITE_ORGAN)
        fact_organ = _fact_ext(res, "organ")
        if isinstance(fact_organ, str):
            lesion["organ"] = fact_organ
            entry.use("extension[organ]", "lesions[].organ")
        elif code:
            lesion["organ"] = C.BODY_SITE_ORGAN[code]
            entry.use("location", "lesions[].organ")
        else:
            organ = self.secondary_organ(condition.resource) or self.site_organ(condition.resource)
            if organ:
                lesion["organ"] = organ
                self.e(condition).use("code", "lesions[].organ")
        for q in res.get("locationQualifier", []):
            lat = code_in(q, C.SNOMED, C.LATERALITY_SNOMED)
            if lat:
                lesion["laterality"] = C.LATERALITY_SNOMED[lat]
                entry.use("locationQualifier", "lesions[].laterality")
        _, onset = start_of(condition.resource, "onset")
        if onset is not None:
            lesion["detected_date"] = onset.isoformat()
            self.e(condition).use("onset", "lesions[].detected_date")
        self.lesion_of_body[it.index] = lesion
        self.lesions_of_condition.setdefault(condition.index, []).append(lesion["id"])
        self.e(condition).use("(its Tumor BodyStructures)", "lesions[]")

    def lesions_list(self) -> None:
        if not self.secondaries:
            self.report.unknown(
                "lesions",
                "no secondary cancer Condition: lesions unknown (absence in a bundle is not 'none')",
            )
            return
        uncounted = [s for s in self.secondaries if s.index not in self.lesions_of_condition]
        if uncounted:
            for s in uncounted:
                self.e(s).skip("no lesion count (no mCODE Tumor BodyStructure for it): lesion count unknown")
            self.report.unknown(
                "lesions",
                "a secondary cancer Condition gives no lesion count: the number of lesions, and so "
                "`lesions`, is unknown",
                tuple(s.label for s in uncounted),
            )
        else:
            self.case["lesions"] = list(self.lesion_of_body.values())
        onsets = [d for s in self.secondaries if (d := start_of(s.resource, "onset")[1]) is not None]
        if onsets:
            self.case["metastatic_diagnosis_date"] = min(onsets).isoformat()

    def lesion_for(self, resource: Mapping[str, Any]) -> dict[str, Any] | None:
        for focus in resource.get("focus", []):
            target = self.resolve(reference(focus))
            if target is not None and target.index in self.lesion_of_body:
                return self.lesion_of_body[target.index]
        return None

    # -- imaging
    def imaging_study(self, it: Item) -> None:
        res, entry = it.resource, self.e(it)
        scan: dict[str, Any] = {"id": self.identifier(it, C.SCAN_ID_SYSTEM) or it.id or f"scan-{it.index}"}
        entry.use("identifier", "imaging[].id")
        started = self.seen(date_of(res.get("started")))
        if started is not None:
            scan["date"] = started.isoformat()
            entry.use("started", "imaging[].date")
        modality = None
        for proc in res.get("procedureCode", []):
            modality = _fact_code(proc) or modality
        if modality:
            entry.use("procedureCode", "imaging[].modality")
        else:
            dicom = {c for m in res.get("modality", []) for s, c, _ in codings(m) if s == C.DICOM}
            if len(dicom) == 1 and next(iter(dicom)) in C.DICOM_MODALITY:
                modality = C.DICOM_MODALITY[next(iter(dicom))]
                entry.use("modality", "imaging[].modality")
            elif dicom:
                entry.skip("modality: PET or mixed modalities without the tracer named: modality unknown")
        if modality:
            scan["modality"] = modality
        for reason in res.get("reasonCode", []):
            purpose = _fact_code(reason)
            if purpose:
                scan["purpose"] = purpose
                entry.use("reasonCode", "imaging[].purpose")
        brain = _fact_ext(res, "brain")
        if isinstance(brain, bool):
            scan["brain"] = brain
            entry.use("extension[brain]", "imaging[].brain")
        response = _fact_ext(res, "response")
        if isinstance(response, str):
            scan["response"] = response
            entry.use("extension[response]", "imaging[].response")
        if _fact_ext(res, "findings-recorded") is True:
            scan["findings"] = []
            entry.use("extension[findings-recorded]", "imaging[].findings")
        if res.get("series"):
            entry.skip("series: instance-level detail is not part of a case")
        self.scan_of_study[it.index] = scan

    # -- observations
    def observation(self, it: Item) -> None:
        res, entry = it.resource, self.e(it)
        concept = res.get("code")
        fact = _fact_code(concept)
        if fact is not None:
            self.fact(it, fact)
            return
        prof = profiles(res)
        _, when = start_of(res, "effective")
        self.seen(when)
        value = _value(res)
        if has_code(concept, C.LOINC, C.LOINC_ECOG) or C.PROFILE_ECOG in prof:
            self.ecog(it, value, when)
        elif has_code(concept, C.LOINC, C.LOINC_KARNOFSKY):
            entry.skip(
                "Karnofsky score: case@2 holds ECOG only; Karnofsky→ECOG tables disagree, not converted"
            )
        elif has_code(concept, C.LOINC, C.LOINC_AGE):
            if value and value[0] == "valueQuantity" and value[1].get("code") in ("a", None):
                self.section("patient")["age_years"] = int(value[1]["value"])
                entry.use("valueQuantity", "patient.age_years")
            else:
                entry.skip("Age: not a quantity in years")
        elif has_code(concept, C.SNOMED, C.SCT_CT):
            self.tnm(it, "t", C.T_SNOMED, C.T_UNMAPPED)
        elif has_code(concept, C.SNOMED, C.SCT_CN):
            self.tnm(it, "n", C.N_SNOMED, C.N_UNMAPPED)
        elif has_code(concept, C.SNOMED, C.SCT_CM):
            self.m_category(it, when)
        elif code_in(concept, C.SNOMED, {C.SCT_PT, C.SCT_PN, C.SCT_PM}):
            entry.use("code")
            entry.skip("pathological TNM category: case@2 records the clinical T and N only")
        elif has_code(concept, C.SNOMED, C.SCT_STAGE_GROUP_CLINICAL) or C.PROFILE_STAGE_GROUP in prof:
            entry.use("code")
            entry.use("hasMember")
            entry.skip("stage group: case@2 has no stage group; T and N come from their own Observations")
        elif has_code(concept, C.LOINC, C.LOINC_HISTOLOGY):
            self.histology(it)
        elif has_code(concept, C.LOINC, C.LOINC_GENETIC_VARIANT) or C.PROFILE_GENOMIC_VARIANT in prof:
            self.variant(it)
        elif has_code(concept, C.LOINC, C.LOINC_PDL1_TPS):
            self.pdl1(it, value)
        elif code_in(concept, C.LOINC, C.PROTEIN_TESTS):
            gene = C.PROTEIN_TESTS[code_in(concept, C.LOINC, C.PROTEIN_TESTS) or ""]
            entry.use("code")
            entry.skip(
                f"protein (IHC/immunoassay) test of {gene.upper()}: not a mutation result, driver left unknown"
            )
        elif code_in(concept, C.LOINC, C.ALK_FISH_TESTS):
            self.alk_fish(it, value)
        elif code_in(concept, C.LOINC, C.ERBB2_AMPLIFICATION_TESTS):
            entry.use("code")
            entry.skip("ERBB2 copy number (amplification): not the HER2 mutation case@2 records")
        elif has_code(concept, C.LOINC, C.LOINC_TUMOR_SIZE):
            self.tumour_size(it)
        elif has_code(concept, C.LOINC, C.LOINC_DISEASE_STATUS) or C.PROFILE_DISEASE_STATUS in prof:
            self.disease_status(it, when)
        elif C.PROFILE_TUMOR_MARKER in prof:
            entry.skip("tumour marker not among the drivers and PD-L1 of case@2")
        else:
            entry.skip("Observation code not in the mapping (docs/fhir.md)")

    def ecog(self, it: Item, value: tuple[str, Any] | None, when: date | None) -> None:
        entry = self.e(it)
        score = None
        if value and value[0] == "valueInteger":
            score = value[1]
            entry.use("valueInteger", "patient.ecog")
        elif value and value[0] == "valueCodeableConcept":
            code = code_in(value[1], C.LOINC, C.ECOG_ANSWERS)
            score = C.ECOG_ANSWERS[code] if code else None
            entry.use("valueCodeableConcept", "patient.ecog")
        if not isinstance(score, int) or not 0 <= score <= 4:
            entry.skip("value: not an ECOG score 0-4 (5 = dead is not a performance status of a case)")
            return
        previous = getattr(self, "_ecog_when", None)
        if previous is not None and when is not None and previous[0] is not None and when < previous[0]:
            entry.skip("an older ECOG score: the latest is used")
            return
        self._ecog_when = (when, it)
        self.section("patient")["ecog"] = score

    def tnm(self, it: Item, key: str, table: Mapping[str, str], unmapped: Mapping[str, str]) -> None:
        entry = self.e(it)
        concept = it.resource.get("valueCodeableConcept")
        code = code_in(concept, C.SNOMED, table)
        if code:
            self.section("tumour")[key] = table[code]
            entry.use("valueCodeableConcept", f"tumour.{key}")
            return
        entry.use("code")
        other = code_in(concept, C.SNOMED, unmapped)
        reason = unmapped[other] if other else "category code not in the map"
        entry.skip(f"valueCodeableConcept: {reason}: tumour.{key} left unknown")

    def m_category(self, it: Item, when: date | None) -> None:
        entry = self.e(it)
        concept = it.resource.get("valueCodeableConcept")
        entry.use("valueCodeableConcept")
        entry.skip("cM category: case@2 derives M from the lesions; used to check for contradictions")
        if code_in(concept, C.SNOMED, C.M0_SNOMED):
            self.m0.append((it, when))

    def histology(self, it: Item) -> None:
        entry = self.e(it)
        res = it.resource
        for system, code, _ in codings(res.get("valueCodeableConcept")):
            if system == C.ICDO3 and code[:4] in C.HISTOLOGY_ICDO3:
                tumour = self.section("tumour")
                if "histology" not in tumour or tumour["histology"] == "nsclc_nos":
                    tumour["histology"] = C.HISTOLOGY_ICDO3[code[:4]]
                    entry.use("valueCodeableConcept", "tumour.histology")
                else:
                    entry.use("valueCodeableConcept")
                    entry.skip("histology already stated more specifically by the primary Condition")
                if res.get("specimen"):
                    tumour["histology_confirmed"] = True
                    entry.use("specimen", "tumour.histology_confirmed")
                return
        entry.skip("valueCodeableConcept: morphology code not in the histology map")

    def drivers(self) -> dict[str, Any]:
        drivers: dict[str, Any] = self.section("tumour").setdefault("drivers", {})
        return drivers

    def set_driver(self, it: Item, key: str, status: str) -> None:
        drivers = self.drivers()
        old = drivers.get(key)
        if old is not None and old != status:
            self.report.contradiction(
                "driver-results-differ",
                (it.label,),
                f"{key}: results of two Observations differ; kept positive",
            )
            status = "positive"
        drivers[key] = status
        self.e(it).use("valueCodeableConcept", f"tumour.drivers.{key}")

    def variant(self, it: Item) -> None:
        """A genomic variant: positive only for the variant class case@2 records (docs/fhir.md, "Drivers")."""
        res, entry = it.resource, self.e(it)
        presence = res.get("valueCodeableConcept")
        present = has_code(presence, C.LOINC, C.LOINC_PRESENT)
        absent = has_code(presence, C.LOINC, C.LOINC_ABSENT)
        genes: list[str] = []
        change_types: set[str] = set()
        texts: list[str] = []
        driver_fact: str | None = None
        for comp in res.get("component", []):
            concept, value = comp.get("code"), comp.get("valueCodeableConcept")
            if has_code(concept, C.LOINC, C.LOINC_GENE_STUDIED):
                for system, code, display in codings(value):
                    gene = C.GENES.get(code) if system == C.HGNC else None
                    gene = gene or C.GENE_SYMBOLS.get(display.upper())
                    if gene and gene not in genes:
                        genes.append(gene)
                entry.use("component[gene-studied]")
            elif has_code(concept, C.LOINC, C.LOINC_DNA_CHANGE_TYPE):
                change_types |= {code for _, code, _ in codings(value)}
                entry.use("component[dna-change-type]")
            elif _fact_code(concept) == "driver":
                driver_fact = _fact_code(value)
                entry.use("component[driver]")
            else:
                texts += [f"{code} {display}" for _, code, display in codings(value)]
                if isinstance(comp.get("valueString"), str):
                    texts.append(comp["valueString"])
        if driver_fact in DRIVERS and (present or absent):
            self.set_driver(it, driver_fact, "positive" if present else "negative")
            return
        if not genes:
            entry.skip("no gene studied among the case@2 drivers")
            return
        hgvs = " ".join(texts)
        for gene in genes:
            key = {"braf": "braf_v600e", "met": "met_ex14", "kras": "kras_g12c", "erbb2": "her2"}.get(
                gene, gene
            )
            if key.startswith("ntrk"):
                key = "ntrk"
            if absent:
                if key == "ntrk" and not {"ntrk1", "ntrk2", "ntrk3"} <= set(genes):
                    entry.skip("NTRK: not all of NTRK1-3 reported absent: ntrk left unknown")
                    continue
                self.set_driver(it, key, "negative")
            elif present:
                verdict = self.positive_variant(key, change_types, hgvs, driver_fact)
                if verdict is None:
                    entry.skip(
                        f"{gene.upper()} variant present but not the {key} alteration case@2 records: left unknown"
                    )
                else:
                    self.set_driver(it, key, "positive")
            else:
                entry.skip("value: neither Present nor Absent: driver left unknown")

    @staticmethod
    def positive_variant(key: str, change_types: set[str], hgvs: str, driver_fact: str | None) -> str | None:
        if driver_fact == key:
            return "positive"
        if change_types & C.SO_COPY_NUMBER:
            return None
        rearranged = bool(change_types & C.SO_REARRANGEMENT)
        if key in ("alk", "ros1", "ret", "ntrk"):
            return "positive" if rearranged else None
        if key == "braf_v600e":
            return "positive" if re.search(r"p\.(V600E|Val600Glu)\b", hgvs) else None
        if key == "kras_g12c":
            return "positive" if re.search(r"p\.(G12C|Gly12Cys)\b", hgvs) else None
        if key == "egfr":
            return (
                "positive"
                if re.search(r"p\.(L858R|Leu858Arg)\b|p\.\w*7(4[5-9]|5[0-9])\w*del", hgvs)
                else None
            )
        return None  # met_ex14 and her2: only an explicit oligoboard driver statement, see docs/fhir.md

    def alk_fish(self, it: Item, value: tuple[str, Any] | None) -> None:
        if value and value[0] == "valueCodeableConcept":
            if code_in(value[1], C.SNOMED, {"10828004"}) or has_code(value[1], C.LOINC, C.LOINC_PRESENT):
                self.set_driver(it, "alk", "positive")
                return
            if code_in(value[1], C.SNOMED, {"260385009"}) or has_code(value[1], C.LOINC, C.LOINC_ABSENT):
                self.set_driver(it, "alk", "negative")
                return
        self.e(it).skip("ALK FISH result not positive/negative: left unknown")

    def pdl1(self, it: Item, value: tuple[str, Any] | None) -> None:
        entry = self.e(it)
        if value and value[0] == "valueQuantity" and value[1].get("code") == "%" and "value" in value[1]:
            tps = float(value[1]["value"])
            self.section("tumour")["pdl1_tps"] = int(tps) if tps.is_integer() else tps
            entry.use("valueQuantity", "tumour.pdl1_tps")
        else:
            entry.skip("PD-L1: not a percentage of tumour cells: pdl1_tps left unknown")

    def tumour_size(self, it: Item) -> None:
        res, entry = it.resource, self.e(it)
        lesion = self.lesion_for(res)
        size: float | None = None
        for comp in res.get("component", []):
            q = comp.get("valueQuantity")
            if isinstance(q, Mapping) and "value" in q:
                size = self.millimetres(q)
                entry.use("component.valueQuantity")
                break
        if size is None and isinstance(res.get("valueQuantity"), Mapping):
            size = self.millimetres(res["valueQuantity"])
            entry.use("valueQuantity")
        status = None
        for comp in res.get("component", []):
            if _fact_code(comp.get("code")) == "lesion-status":
                status = _fact_code(comp.get("valueCodeableConcept"))
        scan = None
        for d in res.get("derivedFrom", []):
            target = self.resolve(reference(d))
            if target is not None and target.index in self.scan_of_study:
                scan = self.scan_of_study[target.index]
        if lesion is None:
            entry.skip("focus is not a lesion (Tumor of a secondary cancer Condition): not mapped")
            return
        if scan is not None:
            finding: dict[str, Any] = {"lesion": lesion["id"]}
            if status:
                finding["status"] = status
            if size is not None:
                finding["size_mm"] = size
            scan.setdefault("findings", []).append(finding)
            entry.use("focus", "imaging[].findings[]")
            entry.use("derivedFrom")
        elif size is not None:
            lesion["size_mm"] = size
            entry.use("focus", "lesions[].size_mm")

    @staticmethod
    def millimetres(q: Mapping[str, Any]) -> float | None:
        factor = {"mm": 1.0, "cm": 10.0}.get(str(q.get("code")))
        if factor is None:
            return None
        value = float(q["value"]) * factor
        return int(value) if value.is_integer() else round(value, 3)

    def disease_status(self, it: Item, when: date | None) -> None:
        res, entry = it.resource, self.e(it)
        evidence = [
            v for e in extensions(res, C.EXT_EVIDENCE_TYPE) for k, v in e.items() if k.startswith("value")
        ]
        imaging = any(has_code(v, C.SNOMED, C.SCT_IMAGING_EVIDENCE) for v in evidence)
        entry.use("valueCodeableConcept")
        entry.skip(
            "disease status (improved/stable/worse) is not a RECIST response: not mapped to a response"
        )
        if imaging and when is not None:
            scan = {"id": it.id or f"status-{it.index}", "date": when.isoformat()}
            self.scan_of_study[-1 - it.index] = scan
            entry.use("extension[evidence-type]", "imaging[].date")
        elif not imaging:
            entry.skip("evidence is not imaging: no scan of the timeline")

    # -- oligoboard facts (case@2 fields mCODE has no element for)
    def fact(self, it: Item, name: str) -> None:
        res, entry = it.resource, self.e(it)
        value = _value(res)
        raw: Any = None
        if value is not None:
            key, raw = value
            if key in ("valueCodeableConcept", "valueCoding"):
                raw = _fact_code(raw)
            elif key == "valueDateTime":
                raw = raw[:10]
            elif key == "valueQuantity":
                raw = raw.get("value")
        if name == "assessment_date":
            self.fact_date = date_of(raw)
            entry.use("valueDateTime", "assessment_date")
            return
        if name == "known-none":
            if raw in (*LISTS, "answers"):
                self.known_none.add(str(raw))
                entry.use("valueString", str(raw))
            return
        if name == "answer":
            key_text = None
            for comp in res.get("component", []):
                if _fact_code(comp.get("code")) == "answer-key":
                    key_text = comp.get("valueString")
            if isinstance(key_text, str):
                self.case.setdefault("answers", {})[key_text] = raw if isinstance(raw, bool) else None
                entry.use("component[answer-key]", "answers")
            return
        if name.startswith("lesion."):
            lesion = self.lesion_for(res)
            if lesion is None:
                entry.skip("focus is not a lesion of the bundle: not mapped")
                return
            lesion[name.split(".", 1)[1]] = raw
            entry.use("focus", f"lesions[].{name.split('.', 1)[1]}")
            return
        section, _, field_name = name.partition(".")
        allowed = {
            "tumour": {"histology", "histology_confirmed"},
            "primary": {"status", "radically_treatable"},
            "history": {"polymetastatic_before", "omd_before", "prior_thoracic_rt"},
            "staging": {"mediastinal_staging"},
            "metastatic_diagnosis_date": {""},
        }
        if name == "metastatic_diagnosis_date":
            self.case["metastatic_diagnosis_date"] = raw
            entry.use("valueDateTime", name)
        elif section == "tumour" and field_name.startswith("drivers."):
            driver = field_name.split(".", 1)[1]
            if driver in DRIVERS and raw == "not_tested":
                self.drivers()[driver] = "not_tested"
                entry.use("valueCodeableConcept", f"tumour.drivers.{driver}")
        elif field_name in allowed.get(section, set()):
            self.section(section)[field_name] = raw
            entry.use(value[0] if value else "value", name)
        else:
            entry.skip(f"oligoboard fact code not known to this version: {safe_key(section)}")

    # -- systemic therapy
    def medication(self, it: Item) -> None:
        res, entry = it.resource, self.e(it)
        concept = res.get("medicationCodeableConcept")
        if concept is None:
            med = self.resolve(reference(res.get("medicationReference")))
            concept = med.resource.get("code") if med else None
            if med:
                self.e(med).use("code", "systemic_therapy[].regimen")
        names = [concept.get("text", "")] if isinstance(concept, Mapping) and concept.get("text") else []
        names += [display for _, _, display in codings(concept)]
        text = " ".join(names)
        drugs = self.drugs(text)
        explicit = _fact_ext(res, "systemic-line") is True
        if not drugs and not explicit:
            entry.skip("medication not in the anticancer drug table: not a line of systemic therapy")
            return
        if it.type == "MedicationRequest":
            timing = (res.get("dosageInstruction") or [{}])[0].get("timing", {})
            period = timing.get("repeat", {}).get("boundsPeriod", {})
            start, end = date_of(period.get("start")), date_of(period.get("end"))
            used = "dosageInstruction[0].timing.repeat.boundsPeriod"
            events = sorted(d for e in timing.get("event", []) if (d := date_of(e)) is not None)
            if start is None and events:
                # the days it was to be given; a completed request was given on them
                start, used = events[0], "dosageInstruction[0].timing.event"
                end = events[-1] if res.get("status") == "completed" else None
        else:
            used, start = start_of(res, "effective")
            end = end_of(res, "effective") or (start if "effectiveDateTime" in res else None)
        self.seen(start)
        self.seen(end)
        regimen = (concept.get("text") if isinstance(concept, Mapping) else None) or "-".join(drugs) or None
        line: dict[str, Any] = {"_drugs": drugs, "_item": it, "_explicit": explicit}
        if regimen is not None:
            line["regimen"] = regimen
        entry.use(
            "medicationCodeableConcept" if "medicationCodeableConcept" in res else "medicationReference"
        )
        entry.use("", "systemic_therapy[].regimen")
        if start is not None:
            line["start_date"] = start.isoformat()
            entry.use(used, "systemic_therapy[].start_date")
        if end is not None:
            line["end_date"] = end.isoformat()
            entry.use(used, "systemic_therapy[].end_date")
        elif res.get("status") in ("completed", "stopped") and it.type == "MedicationRequest":
            entry.skip(
                "status stopped/completed without an end day: end_date unknown (case@2 null reads 'ongoing')"
            )
        reason = res.get("statusReason")
        if reason is not None:
            code = code_in(reason, C.SNOMED, C.END_REASON_SNOMED)
            end_reason = C.END_REASON_SNOMED[code] if code else _fact_code(reason)
            if end_reason:
                line["end_reason"] = end_reason
                entry.use("statusReason", "systemic_therapy[].end_reason")
            else:
                entry.skip("statusReason: termination reason not in the map")
        for name in ("line", "category", "cycles", "best_response"):
            fact = _fact_ext(res, name.replace("_", "-"))
            if fact is not None:
                line[name] = fact
                entry.use(f"extension[{name}]", f"systemic_therapy[].{name}")
        self.lines.append(line)

    @property
    def lines(self) -> list[dict[str, Any]]:
        if not hasattr(self, "_lines"):
            self._lines: list[dict[str, Any]] = []
        return self._lines

    @staticmethod
    def drugs(text: str) -> list[str]:
        lowered = " ".join(_words(text))
        found = [drug for drug in C.DRUG_CLASS if re.search(rf"\b{re.escape(drug)}\b", lowered)]
        if "nab-paclitaxel" in found and "paclitaxel" in found:
            found.remove("paclitaxel")
        return found

    def finish_lines(self) -> None:
        """Agents starting on one day form one line (a doublet is two MedicationRequests); explicit line
        numbers (oligoboard extension) are kept as given."""
        merged: list[dict[str, Any]] = []
        for line in self.lines:
            twin = next(
                (
                    m
                    for m in merged
                    if not line["_explicit"]
                    and not m["_explicit"]
                    and m.get("start_date") is not None
                    and m.get("start_date") == line.get("start_date")
                ),
                None,
            )
            if twin is None:
                merged.append(line)
                continue
            twin["_drugs"] += [d for d in line["_drugs"] if d not in twin["_drugs"]]
            twin["regimen"] = "-".join(twin["_drugs"])
            if line.get("end_date") and (twin.get("end_date") or "") < line["end_date"]:
                twin["end_date"] = line["end_date"]
        out = []
        for line in merged:
            drugs = line.pop("_drugs")
            line.pop("_item")
            explicit = line.pop("_explicit")
            if "category" not in line and not explicit:
                classes = {C.DRUG_CLASS[d] for d in drugs}
                category = None
                if classes == {"chemo"}:
                    category = "chemo"
                elif classes == {"io"}:
                    category = "io"
                elif classes == {"chemo", "io"}:
                    category = "chemo_io"
                elif classes == {"targeted"}:
                    category = "targeted"
                if category:
                    line["category"] = category
            out.append({k: line[k] for k in sorted(line, key=_LINE_ORDER.index)})
        if out or "systemic_therapy" in self.known_none:
            self.case["systemic_therapy"] = out

    # -- procedures
    def procedure(self, it: Item) -> None:
        res = it.resource
        prof = profiles(res)
        if C.PROFILE_RT_SUMMARY in prof or has_code(res.get("code"), C.SNOMED, C.SCT_RT_COURSE):
            self.rt_course(it)
        elif C.PROFILE_SURGERY in prof or self.identifier(it, C.TREATMENT_ID_SYSTEM):
            self.local_treatment(it)
        else:
            self.e(it).skip(
                "Procedure that is neither a cancer-related surgery nor a radiotherapy course summary"
            )

    def target_of(self, it: Item) -> str | None:
        """'primary' or a lesion id: oligoboard target extension, else the reason Condition."""
        res, entry = it.resource, self.e(it)
        fact = _fact_ext(res, "target")
        if isinstance(fact, str):
            entry.use("extension[target]")
            return fact
        for reason in res.get("reasonReference", []):
            target = self.resolve(reference(reason))
            if target is not None and target is self.primary:
                entry.use("reasonReference")
                return "primary"
            if target is not None and len(self.lesions_of_condition.get(target.index, [])) == 1:
                entry.use("reasonReference")
                return self.lesions_of_condition[target.index][0]
        return None

    def intent_of(self, it: Item) -> str | None:
        found = extension_value(it.resource, C.EXT_PROCEDURE_INTENT)
        if found is None:
            return None
        code = code_in(found[1], C.SNOMED, C.INTENT_SNOMED)
        self.e(it).use("extension[procedure-intent]")
        return C.INTENT_SNOMED[code] if code else _fact_code(found[1])

    def local_treatment(self, it: Item) -> None:
        res, entry = it.resource, self.e(it)
        treatment: dict[str, Any] = {
            "id": self.identifier(it, C.TREATMENT_ID_SYSTEM) or it.id or f"lt-{it.index}"
        }
        target = self.target_of(it)
        if target:
            treatment["target"] = target
        modality = _fact_code(res.get("code")) or ("surgery" if C.PROFILE_SURGERY in profiles(res) else None)
        if modality:
            treatment["modality"] = modality
            entry.use("code", "local_treatments[].modality")
        intent = self.intent_of(it)
        if intent:
            treatment["intent"] = intent
        key, day = start_of(res, "performed")
        if day is not None:
            treatment["date"] = self.seen(day).isoformat()  # type: ignore[union-attr]
            entry.use(key, "local_treatments[].date")
        margin = _fact_ext(res, "margin")
        if margin:
            treatment["margin"] = margin
            entry.use("extension[margin]", "local_treatments[].margin")
        for part in res.get("partOf", []):
            course = self.resolve(reference(part))
            if course is not None:
                course_id = self.identifier(course, C.COURSE_ID_SYSTEM) or course.id
                treatment["rt_course"] = course_id
                entry.use("partOf", "local_treatments[].rt_course")
        entry.use("", "local_treatments[]")
        self.case.setdefault("_treatments", []).append((it, treatment))

    def rt_course(self, it: Item) -> None:
        res, entry = it.resource, self.e(it)
        course: dict[str, Any] = {"id": self.identifier(it, C.COURSE_ID_SYSTEM) or it.id or f"rt-{it.index}"}
        entry.use("identifier", "radiotherapy_courses[].id")
        target = self.target_of(it)
        technique = _fact_ext(res, "technique")
        for mt in extensions(res, C.EXT_RT_MODALITY_TECHNIQUE):
            for sub in mt.get("extension", []):
                code = code_in(sub.get("valueCodeableConcept"), C.SNOMED, C.RT_TECHNIQUE_SNOMED)
                if code and technique is None:
                    technique = C.RT_TECHNIQUE_SNOMED[code]
        total_gy: float | None = None
        fractions: int | None = None
        doses = extensions(res, C.EXT_RT_DOSE)
        if len(doses) > 1:
            entry.skip("dose to more than one volume: one case@2 course holds one target, dose left unknown")
        for dose in doses[:1]:
            for sub in dose.get("extension", []):
                if sub.get("url") == "totalDoseDelivered":
                    q = sub.get("valueQuantity", {})
                    factor = {"cGy": 0.01, "Gy": 1.0}.get(q.get("code"))
                    if factor is not None and "value" in q:
                        value = float(q["value"]) * factor
                        total_gy = int(value) if value.is_integer() else round(value, 4)
                elif sub.get("url") == "fractionsDelivered":
                    fractions = sub.get("valueUnsignedInt")
                elif sub.get("url") == "volume" and target is None:
                    volume = self.resolve(reference(sub.get("valueReference")))
                    if volume is not None and volume.index in self.lesion_of_body:
                        target = self.lesion_of_body[volume.index]["id"]
                        self.e(volume).use("(radiotherapy volume)")
                    elif volume is not None:
                        self.e(volume).use("(radiotherapy volume)")
                        self.e(volume).skip("treatment volume that is not a lesion of the bundle")
            entry.use("extension[radiotherapy-dose-delivered-to-volume]")
        if target:
            course["target"] = target
        if technique:
            course["technique"] = technique
            entry.use("extension[modality-and-technique]", "radiotherapy_courses[].technique")
        if total_gy is not None:
            course["total_dose_gy"] = total_gy
            entry.use("", "radiotherapy_courses[].total_dose_gy")
        if fractions is not None:
            course["fractions"] = fractions
            entry.use("", "radiotherapy_courses[].fractions")
        oar = {}
        for key in (
            "spinal_cord_dmax_gy",
            "brachial_plexus_dmax_gy",
            "mean_lung_dose_gy",
            "esophagus_dmax_gy",
        ):
            v = _fact_ext(res, "oar-" + key.replace("_", "-"))
            if v is not None:
                oar[key] = v.get("value") if isinstance(v, Mapping) else v
        if oar:
            course["oar"] = oar
            entry.use("extension[oar-*]", "radiotherapy_courses[].oar")
        protocol = _fact_ext(res, "protocol")
        if protocol:
            course["protocol"] = protocol
            entry.use("extension[protocol]", "radiotherapy_courses[].protocol")
        start = date_of((res.get("performedPeriod") or {}).get("start"))
        end = end_of(res, "performed")
        if start:
            course["start_date"] = self.seen(start).isoformat()  # type: ignore[union-attr]
            entry.use("performedPeriod.start", "radiotherapy_courses[].start_date")
        if end:
            course["end_date"] = self.seen(end).isoformat()  # type: ignore[union-attr]
            entry.use("performedPeriod.end", "radiotherapy_courses[].end_date")
        self.course_of_proc[it.index] = course
        if not self.explicit_treatments and res.get("status") == "completed":
            given: dict[str, Any] = {"id": f"{course['id']}-given", "rt_course": course["id"]}
            if technique in ("sbrt", "srs"):  # IMRT/VMAT/3D say nothing of SBRT vs conventional: unknown
                given["modality"] = technique
            if target:
                given["target"] = target
            intent = self.intent_of(it)
            if intent:
                given["intent"] = intent
            if start:
                given["date"] = start.isoformat()
            entry.use("status", "local_treatments[]")
            self.case.setdefault("_treatments", []).append((it, given))

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


#: statuses that mean "this did not happen / is not true"; every other type: entered-in-error only
_VOID_STATUS: dict[str, set[str]] = {
    "Observation": {"cancelled", "entered-in-error", "registered"},
    "Procedure": {"not-done", "entered-in-error"},
    "MedicationRequest": {"cancelled", "entered-in-error", "draft"},
    "MedicationAdministration": {"not-done", "entered-in-error"},
    "ImagingStudy": {"cancelled", "entered-in-error"},
}
_LINE_ORDER = [
    "line",
    "regimen",
    "category",
    "start_date",
    "end_date",
    "cycles",
    "best_response",
    "end_reason",
]
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
