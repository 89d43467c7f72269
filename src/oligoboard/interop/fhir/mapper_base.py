"""The mapper's shared state and helpers, split out of `importer.py` so each resource family's mapping can
live in a module of its own (docs/fhir.md).

Every family module is a mixin on `MapperBase`: they all read and write one case under construction and one
import report, so the state (the case, the report entries, the references, the lesions and scans found so
far) is defined once here, with the checks every family applies first: a repeat or voided resource is not
mapped, a resource about another patient or another cancer is reported and left out.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from oligoboard.interop.fhir import codes as C
from oligoboard.interop.fhir.report import ImportReport, ResourceEntry
from oligoboard.interop.fhir.resources import (
    Item,
    Json,
    codings,
    extension_value,
    has_code,
    reference,
)

DRIVERS = ("egfr", "alk", "ros1", "ret", "braf_v600e", "met_ex14", "ntrk", "kras_g12c", "her2")
LISTS = ("lesions", "systemic_therapy", "imaging", "local_treatments", "radiotherapy_courses")


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


class MapperBase:
    """State and helpers shared by every resource family's mapping (see the module docstring)."""

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


#: statuses that mean "this did not happen / is not true"; every other type: entered-in-error only
_VOID_STATUS: dict[str, set[str]] = {
    "Observation": {"cancelled", "entered-in-error", "registered"},
    "Procedure": {"not-done", "entered-in-error"},
    "MedicationRequest": {"cancelled", "entered-in-error", "draft"},
    "MedicationAdministration": {"not-done", "entered-in-error"},
    "ImagingStudy": {"cancelled", "entered-in-error"},
}
