"""mCODE Tumor BodyStructures of the secondary cancer Conditions → case@2 `lesions`, and the tumour-size
Observations that measure them (docs/fhir.md).

A module of its own because the lesion count is the fact the import must never invent: `lesions` is set only
when every secondary cancer Condition has its Tumors, and the other families (sizes, findings, radiotherapy
targets, oligoboard lesion facts) refer to the lesions found here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from oligoboard.interop.fhir import codes as C
from oligoboard.interop.fhir.mapper_base import _fact_code, _fact_ext
from oligoboard.interop.fhir.patient import PatientMapping
from oligoboard.interop.fhir.resources import (
    Item,
    code_in,
    extension_value,
    profiles,
    reference,
    start_of,
)


class LesionMapping(PatientMapping):
    """Tumor BodyStructures, the lesions list and lesion sizes."""

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
