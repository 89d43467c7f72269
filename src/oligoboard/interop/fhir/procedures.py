"""Procedures → case@2 `local_treatments` and `radiotherapy_courses` (docs/fhir.md).

Kept together because a radiotherapy course summary is also a local treatment unless the bundle lists the
treatments itself (an oligoboard bundle does), and both resolve their target the same way (oligoboard target
extension, else the reason Condition, else the treated volume).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from oligoboard.interop.fhir import codes as C
from oligoboard.interop.fhir.mapper_base import MapperBase, _fact_code, _fact_ext
from oligoboard.interop.fhir.resources import (
    Item,
    code_in,
    date_of,
    end_of,
    extension_value,
    extensions,
    has_code,
    profiles,
    reference,
    start_of,
)


class ProcedureMapping(MapperBase):
    """Surgery, other local treatments and radiotherapy courses."""

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
