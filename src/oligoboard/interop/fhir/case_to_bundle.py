"""A synthetic case@2 → an mCODE 4.0 Bundle (FHIR R4), for the examples in `examples/fhir/` and round-trip tests.

Every case@2 fact that an mCODE profile carries is written the mCODE way (Patient, primary and secondary
cancer Conditions, Tumor BodyStructures, TNM, genomic variant, PD-L1, ECOG, tumour size, medication
requests, surgical procedures, radiotherapy course summaries); the rest (the tumour board's judgements,
history flags, scan purposes, RECIST readings, OAR doses, clinician answers) travels in the oligoboard code
system (`codes.FACT_SYSTEM` / `FACT_EXT`), so `importer.import_resources` gives back the same case. Only for
synthetic cases: the generator is what the examples are made by (`scripts/make_fhir_examples.py`).
"""

from __future__ import annotations

import uuid
from typing import Any

from oligoboard.case.models import Case, Lesion
from oligoboard.interop.fhir import codes as C

Json = dict[str, Any]

#: the case@2 driver → HGNC gene(s) written as "gene studied" (codes.GENES, inverted)
DRIVER_GENES: dict[str, tuple[tuple[str, str], ...]] = {
    "egfr": (("HGNC:3236", "EGFR"),),
    "alk": (("HGNC:427", "ALK"),),
    "ros1": (("HGNC:10261", "ROS1"),),
    "ret": (("HGNC:9967", "RET"),),
    "braf_v600e": (("HGNC:1097", "BRAF"),),
    "met_ex14": (("HGNC:7029", "MET"),),
    "ntrk": (("HGNC:8031", "NTRK1"), ("HGNC:8032", "NTRK2"), ("HGNC:8033", "NTRK3")),
    "kras_g12c": (("HGNC:6407", "KRAS"),),
    "her2": (("HGNC:3430", "ERBB2"),),
}
#: the protein change written for a variant-specific driver (HGVS, as mCODE's amino-acid-change component)
DRIVER_HGVS = {"braf_v600e": "p.Val600Glu", "kras_g12c": "p.Gly12Cys"}


def _coding(system: str, code: str, display: str | None = None) -> Json:
    out: Json = {"system": system, "code": code}
    if display:
        out["display"] = display
    return out


def _concept(system: str, code: str, display: str | None = None) -> Json:
    return {"coding": [_coding(system, code, display)]}


def _fact(code: str) -> Json:
    return _concept(C.FACT_SYSTEM, code)


def _ext(name: str, value: object) -> Json:
    """An oligoboard extension; the value[x] type follows the Python type."""
    if isinstance(value, bool):
        return {"url": C.FACT_EXT + name, "valueBoolean": value}
    if isinstance(value, int):
        return {"url": C.FACT_EXT + name, "valueInteger": value}
    if isinstance(value, float):
        return {"url": C.FACT_EXT + name, "valueDecimal": value}
    return {"url": C.FACT_EXT + name, "valueCodeableConcept": _fact(str(value))}


def _string_ext(name: str, value: str) -> Json:
    return {"url": C.FACT_EXT + name, "valueString": value}


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


class _Builder:
    def __init__(self, case: Case) -> None:
        self.case = case
        self.entries: list[Json] = []
        self.namespace = uuid.uuid5(uuid.NAMESPACE_URL, "urn:oligoboard:case:" + case.id)
        self.patient_ref = ""
        self.primary_ref: str | None = None
        self.lesion_ref: dict[str, str] = {}
        self.scan_ref: dict[str, str] = {}
        self.course_ref: dict[str, str] = {}
        self.count = 0

    def add(self, resource: Json) -> str:
        self.count += 1
        rid = f"{resource['resourceType'].lower()}-{self.count}"
        resource = {"resourceType": resource["resourceType"], "id": rid, **resource}
        url = "urn:uuid:" + str(uuid.uuid5(self.namespace, rid))
        self.entries.append({"fullUrl": url, "resource": resource})
        return url

    def obs(self, code: Json, **fields: Any) -> str:
        return self.add(
            {"resourceType": "Observation", "status": "final", "code": code, **self.subject(), **fields}
        )

    def subject(self) -> Json:
        return {"subject": {"reference": self.patient_ref}}

    def fact(self, code: str, **value: Any) -> None:
        self.obs(_fact(code), **value)

    def fact_value(self, code: str, value: object) -> None:
        if value is None:
            self.fact(
                code,
                dataAbsentReason=_concept(
                    "http://terminology.hl7.org/CodeSystem/data-absent-reason", "unknown"
                ),
            )
        elif isinstance(value, bool):
            self.fact(code, valueBoolean=value)
        else:
            self.fact(code, valueCodeableConcept=_fact(str(value)))

    # -- the sections
    def build(self) -> Json:
        case = self.case
        self.patient()
        self.fact("assessment_date", valueDateTime=case.assessment_date.isoformat())
        self.tumour()
        for section, names in (
            ("primary", ("status", "radically_treatable")),
            ("history", ("polymetastatic_before", "omd_before", "prior_thoracic_rt")),
            ("staging", ("mediastinal_staging",)),
        ):
            part = getattr(case, section)
            for name in names:
                value = getattr(part, name) if part is not None else None
                if value is not None:
                    self.fact_value(f"{section}.{name}", value)
        if case.metastatic_diagnosis_date is not None:
            self.fact("metastatic_diagnosis_date", valueDateTime=case.metastatic_diagnosis_date.isoformat())
        else:
            self.fact_value("metastatic_diagnosis_date", None)
        for name in ("lesions", "systemic_therapy", "imaging", "local_treatments", "radiotherapy_courses"):
            if getattr(case, name) == []:
                self.fact("known-none", valueString=name)
        if case.answers == {}:
            self.fact("known-none", valueString="answers")
        self.lesions()
        self.systemic()
        self.courses()
        self.treatments()
        self.imaging()
        for key, answer in (case.answers or {}).items():
            component = [{"code": _fact("answer-key"), "valueString": key}]
            if answer is None:
                self.fact_value("answer", None)
                self.entries[-1]["resource"]["component"] = component
            else:
                self.fact("answer", valueBoolean=answer, component=component)
        return {
            "resourceType": "Bundle",
            "id": "case-bundle",
            "identifier": {"system": C.CASE_ID_SYSTEM, "value": case.id},
            "type": "collection",
            "timestamp": f"{case.assessment_date.isoformat()}T00:00:00Z",
            "entry": self.entries,
        }

    def patient(self) -> None:
        p = self.case.patient
        resource: Json = {"resourceType": "Patient", "meta": {"profile": [C.PROFILE_PATIENT]}}
        if p is not None and p.sex is not None:
            resource["gender"] = p.sex
        if p is not None and p.birth_date is not None:
            resource["birthDate"] = p.birth_date.isoformat()
        self.patient_ref = self.add(resource)
        if p is not None and p.age_years is not None:
            self.obs(
                _concept(C.LOINC, C.LOINC_AGE, "Age"),
                valueQuantity={"value": p.age_years, "unit": "a", "system": C.UCUM, "code": "a"},
            )
        if p is not None and p.ecog is not None:
            self.obs(
                _concept(C.LOINC, C.LOINC_ECOG, "ECOG Performance Status score"),
                meta={"profile": [C.PROFILE_ECOG]},
                effectiveDateTime=self.case.assessment_date.isoformat(),
                valueInteger=p.ecog,
            )

    def tumour(self) -> None:
        t = self.case.tumour
        if t is None:
            return
        condition: Json = {
            "resourceType": "Condition",
            "meta": {"profile": [C.PROFILE_PRIMARY]},
            "clinicalStatus": _concept(C.CONDITION_CLINICAL, "active"),
            "code": _concept(
                C.ICD10CM, "C34.90", "Malignant neoplasm of unspecified part of unspecified bronchus or lung"
            ),
            "bodySite": [_concept(C.SNOMED, "39607008", "Lung structure (body structure)")],
            **self.subject(),
        }
        if t.diagnosis_date is not None:
            condition["onsetDateTime"] = t.diagnosis_date.isoformat()
        self.primary_ref = self.add(condition)
        focus = [{"reference": self.primary_ref}]
        if t.histology is not None:
            self.obs(
                _concept(C.LOINC, C.LOINC_HISTOLOGY),
                meta={"profile": [C.PROFILE_HISTOLOGY_OBS]},
                focus=focus,
                valueCodeableConcept=_concept(C.ICDO3, C.ICDO3_OF_HISTOLOGY.get(t.histology, "8046/3")),
            )
            if t.histology == "other_nsclc":  # no single ICD-O-3 code: the fact names it
                self.fact_value("tumour.histology", t.histology)
        if t.histology_confirmed is not None:
            self.fact_value("tumour.histology_confirmed", t.histology_confirmed)
        for key, code, table in (("t", C.SCT_CT, C.T_SNOMED), ("n", C.SCT_CN, C.N_SNOMED)):
            value = getattr(t, key)
            if value is None:
                continue
            snomed = next(k for k, v in table.items() if v == value)
            self.obs(
                _concept(C.SNOMED, code),
                meta={"profile": [C.PROFILE_T if key == "t" else C.PROFILE_N]},
                focus=focus,
                valueCodeableConcept=_concept(C.SNOMED, snomed),
            )
        for name, status in (t.drivers.model_dump() if t.drivers else {}).items():
            if status is None:
                continue
            if status == "not_tested":
                self.fact_value(f"tumour.drivers.{name}", "not_tested")
                continue
            components = [
                {
                    "code": _concept(C.LOINC, C.LOINC_GENE_STUDIED),
                    "valueCodeableConcept": _concept(C.HGNC, g, s),
                }
                for g, s in DRIVER_GENES[name]
            ]
            if name in DRIVER_HGVS:
                components.append(
                    {
                        "code": _concept(C.LOINC, C.LOINC_AMINO_ACID_CHANGE),
                        "valueCodeableConcept": _concept("http://varnomen.hgvs.org", DRIVER_HGVS[name]),
                    }
                )
            components.append({"code": _fact("driver"), "valueCodeableConcept": _fact(name)})
            present = status == "positive"
            self.obs(
                _concept(C.LOINC, C.LOINC_GENETIC_VARIANT),
                meta={"profile": [C.PROFILE_GENOMIC_VARIANT]},
                valueCodeableConcept=_concept(
                    C.LOINC,
                    C.LOINC_PRESENT if present else C.LOINC_ABSENT,
                    "Present" if present else "Absent",
                ),
                component=components,
            )
        if t.pdl1_tps is not None:
            self.obs(
                _concept(C.LOINC, C.LOINC_PDL1_TPS),
                valueQuantity={"value": _number(t.pdl1_tps), "unit": "%", "system": C.UCUM, "code": "%"},
            )

    def lesions(self) -> None:
        for lesion in self.case.lesions or []:
            self.lesion(lesion)

    def lesion(self, lesion: Lesion) -> None:
        code, display = C.ORGAN_SECONDARY_ICD10[lesion.organ or "other"]
        condition: Json = {
            "resourceType": "Condition",
            "meta": {"profile": [C.PROFILE_SECONDARY]},
            "clinicalStatus": _concept(C.CONDITION_CLINICAL, "active"),
            "code": _concept(C.ICD10CM, code, display),
            **self.subject(),
        }
        if self.primary_ref:
            condition["extension"] = [
                {"url": C.EXT_CONDITION_RELATED, "valueReference": {"reference": self.primary_ref}}
            ]
        if lesion.detected_date is not None:
            condition["onsetDateTime"] = lesion.detected_date.isoformat()
        condition_ref = self.add(condition)
        body: Json = {
            "resourceType": "BodyStructure",
            "meta": {"profile": [C.PROFILE_TUMOR]},
            "extension": [{"url": C.EXT_RELATED_CONDITION, "valueReference": {"reference": condition_ref}}],
            "identifier": [{"system": C.LESION_ID_SYSTEM, "value": lesion.id}],
            "patient": {"reference": self.patient_ref},
        }
        if lesion.organ is not None:
            body["extension"].append(_ext("organ", lesion.organ))
            if lesion.organ in C.ORGAN_BODY_SITE:
                body["location"] = _concept(C.SNOMED, *C.ORGAN_BODY_SITE[lesion.organ])
        if lesion.laterality is not None:
            body["locationQualifier"] = [_concept(C.SNOMED, *C.SNOMED_OF_LATERALITY[lesion.laterality])]
        ref = self.add(body)
        self.lesion_ref[lesion.id] = ref
        for name in ("lung_relation", "pattern", "status", "amenable_to_lat", "treated"):
            value = getattr(lesion, name)
            if value is not None:
                self.fact_value(f"lesion.{name}", value)
                self.entries[-1]["resource"]["focus"] = [{"reference": ref}]
        if lesion.size_mm is not None:
            self.size(ref, lesion.size_mm, None, None, None)

    def size(
        self, lesion_ref: str, size: float | None, status: str | None, scan: str | None, day: str | None
    ) -> None:
        components = []
        if size is not None:
            components.append(
                {
                    "code": _concept(C.LOINC, "33728-7", "Size.maximum dimension in Tumor"),
                    "valueQuantity": {"value": _number(size), "unit": "mm", "system": C.UCUM, "code": "mm"},
                }
            )
        if status is not None:
            components.append({"code": _fact("lesion-status"), "valueCodeableConcept": _fact(status)})
        fields: Json = {"meta": {"profile": [C.PROFILE_TUMOR_SIZE]}, "focus": [{"reference": lesion_ref}]}
        if components:
            fields["component"] = components
        if scan is not None:
            fields["derivedFrom"] = [{"reference": scan}]
        if day is not None:
            fields["effectiveDateTime"] = day
        self.obs(_concept(C.LOINC, C.LOINC_TUMOR_SIZE, "Size Tumor"), **fields)

    def systemic(self) -> None:
        for line in self.case.systemic_therapy or []:
            medication = (
                {"text": line.regimen}
                if line.regimen
                else {"coding": [_coding(C.FACT_SYSTEM, "regimen-not-recorded")]}
            )
            resource: Json = {
                "resourceType": "MedicationRequest",
                "meta": {"profile": [C.PROFILE_MED_REQUEST]},
                "extension": [_ext("systemic-line", True)],
                "status": "active" if line.end_date is None else "completed",
                "intent": "order",
                "medicationCodeableConcept": medication,
                **self.subject(),
            }
            for name in ("line", "category", "cycles", "best_response"):
                value = getattr(line, name)
                if value is not None:
                    resource["extension"].append(_ext(name.replace("_", "-"), value))
            period = {}
            if line.start_date is not None:
                period["start"] = line.start_date.isoformat()
            if line.end_date is not None:
                period["end"] = line.end_date.isoformat()
            if period:
                resource["dosageInstruction"] = [{"timing": {"repeat": {"boundsPeriod": period}}}]
            if line.end_reason is not None:
                snomed = next((k for k, v in C.END_REASON_SNOMED.items() if v == line.end_reason), None)
                resource["statusReason"] = _concept(C.SNOMED, snomed) if snomed else _fact(line.end_reason)
            self.add(resource)

    def target_extensions(self, target: str | None) -> list[Json]:
        return [_string_ext("target", target)] if target is not None else []

    def courses(self) -> None:
        for course in self.case.radiotherapy_courses or []:
            extensions: list[Json] = self.target_extensions(course.target)
            if course.technique is not None:
                extensions.append(_ext("technique", course.technique))
                if course.technique in C.SNOMED_OF_TECHNIQUE:
                    extensions.append(
                        {
                            "url": C.EXT_RT_MODALITY_TECHNIQUE,
                            "extension": [
                                {
                                    "url": C.MCODE + "mcode-radiotherapy-technique",
                                    "valueCodeableConcept": _concept(
                                        C.SNOMED, *C.SNOMED_OF_TECHNIQUE[course.technique]
                                    ),
                                }
                            ],
                        }
                    )
            dose: list[Json] = []
            if course.target in self.lesion_ref:
                dose.append(
                    {"url": "volume", "valueReference": {"reference": self.lesion_ref[course.target]}}
                )
            if course.total_dose_gy is not None:
                cgy = round(course.total_dose_gy * 100, 6)
                dose.append(
                    {
                        "url": "totalDoseDelivered",
                        "valueQuantity": {"value": _number(cgy), "system": C.UCUM, "code": "cGy"},
                    }
                )
            if course.fractions is not None:
                dose.append({"url": "fractionsDelivered", "valueUnsignedInt": course.fractions})
            if dose:
                extensions.append({"url": C.EXT_RT_DOSE, "extension": dose})
            for key, value in (course.oar.model_dump() if course.oar else {}).items():
                if value is not None:
                    extensions.append(
                        {"url": C.FACT_EXT + "oar-" + key.replace("_", "-"), "valueDecimal": value}
                    )
            if course.protocol is not None:
                extensions.append(_string_ext("protocol", course.protocol))
            resource: Json = {
                "resourceType": "Procedure",
                "meta": {"profile": [C.PROFILE_RT_SUMMARY]},
                "extension": extensions,
                "identifier": [{"system": C.COURSE_ID_SYSTEM, "value": course.id}],
                "status": "completed"
                if course.end_date
                else ("in-progress" if course.start_date else "preparation"),
                "code": _concept(
                    C.SNOMED, C.SCT_RT_COURSE, "Radiotherapy course of treatment (regime/therapy)"
                ),
                **self.subject(),
            }
            period = {}
            if course.start_date is not None:
                period["start"] = course.start_date.isoformat()
            if course.end_date is not None:
                period["end"] = course.end_date.isoformat()
            if period:
                resource["performedPeriod"] = period
            self.course_ref[course.id] = self.add(resource)

    def treatments(self) -> None:
        for t in self.case.local_treatments or []:
            extensions = self.target_extensions(t.target)
            if t.intent is not None:
                value = (
                    _concept(C.SNOMED, *C.SNOMED_OF_INTENT[t.intent])
                    if t.intent in C.SNOMED_OF_INTENT
                    else _fact(t.intent)
                )
                extensions.append({"url": C.EXT_PROCEDURE_INTENT, "valueCodeableConcept": value})
            if t.margin is not None:
                extensions.append(_string_ext("margin", t.margin))
            resource: Json = {
                "resourceType": "Procedure",
                "identifier": [{"system": C.TREATMENT_ID_SYSTEM, "value": t.id}],
                "status": "completed",
                **self.subject(),
            }
            if t.modality == "surgery":
                resource["meta"] = {"profile": [C.PROFILE_SURGERY]}
            if extensions:
                resource["extension"] = extensions
            if t.modality is not None:
                resource["code"] = _fact(t.modality)
            if t.date is not None:
                resource["performedDateTime"] = t.date.isoformat()
            if t.rt_course is not None and t.rt_course in self.course_ref:
                resource["partOf"] = [{"reference": self.course_ref[t.rt_course]}]
            if t.target == "primary" and self.primary_ref:
                resource["reasonReference"] = [{"reference": self.primary_ref}]
            self.add(resource)

    def imaging(self) -> None:
        for scan in self.case.imaging or []:
            extensions: list[Json] = []
            if scan.brain is not None:
                extensions.append(_ext("brain", scan.brain))
            if scan.response is not None:
                extensions.append(_ext("response", scan.response))
            if scan.findings is not None:
                extensions.append(_ext("findings-recorded", True))
            resource: Json = {
                "resourceType": "ImagingStudy",
                "identifier": [{"system": C.SCAN_ID_SYSTEM, "value": scan.id}],
                "status": "available",
                **self.subject(),
            }
            if extensions:
                resource["extension"] = extensions
            if scan.date is not None:
                resource["started"] = scan.date.isoformat()
            if scan.modality is not None:
                resource["modality"] = [_coding(C.DICOM, m) for m in C.MODALITY_DICOM[scan.modality]]
                resource["procedureCode"] = [_fact(scan.modality)]
            if scan.purpose is not None:
                resource["reasonCode"] = [_fact(scan.purpose)]
            ref = self.add(resource)
            day = scan.date.isoformat() if scan.date else None
            for finding in scan.findings or []:
                self.size(self.lesion_ref[finding.lesion], finding.size_mm, finding.status, ref, day)


def case_to_bundle(case: Case) -> dict[str, Any]:
    """The mCODE collection Bundle of a (synthetic) case; `import_resources` on it gives the case back."""
    return _Builder(case).build()
