"""Patient, the primary and secondary cancer Conditions, and the staging and performance-status
Observations → case@2 `patient` and `tumour` (docs/fhir.md).

Kept together because they decide what the case is about: the first Patient and the one primary lung cancer
Condition are what every other resource is checked against (`about_patient`, `about_lung_cancer`), and the
secondary cancer Conditions are what the lesions hang on.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from oligoboard.interop.fhir import codes as C
from oligoboard.interop.fhir.mapper_base import MapperBase
from oligoboard.interop.fhir.resources import (
    Item,
    code_in,
    codings,
    date_of,
    extension_value,
    profiles,
    start_of,
)


class PatientMapping(MapperBase):
    """Patient, Conditions, cT/cN/cM, ECOG and histology."""

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
        return bool(C.PROFILE_PRIMARY in profiles(res) and PatientMapping.site_organ(res) == "lung")

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
