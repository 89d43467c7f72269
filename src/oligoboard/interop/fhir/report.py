"""The import report: every resource with what was used from it, what was not mapped and why, and every
contradiction between resources (docs/fhir.md, "The import report").

Why a report and not only a case: an EHR bundle holds far more than a case@2 says, and a clinician must see
what the import did *not* take (never dropped silently) and where the record disagrees with itself. The
report names resources (type/id, bundle index) and elements, never a patient value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Status = Literal["mapped", "partly_mapped", "not_mapped"]


@dataclass
class ResourceEntry:
    """One input resource: the elements read (`used`), the case@2 fields they gave (`mapped_to`), and the
    elements or the whole resource left out with the reason (`not_mapped`)."""

    index: int
    resource_type: str
    id: str | None
    used: list[str] = field(default_factory=list)
    mapped_to: list[str] = field(default_factory=list)
    not_mapped: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.resource_type}/{self.id}" if self.id else f"{self.resource_type}[{self.index}]"

    @property
    def status(self) -> Status:
        if not self.mapped_to:
            return "not_mapped"
        return "partly_mapped" if self.not_mapped else "mapped"

    def use(self, element: str, *case_fields: str) -> None:
        if element not in self.used:
            self.used.append(element)
        for name in case_fields:
            if name not in self.mapped_to:
                self.mapped_to.append(name)

    def skip(self, reason: str) -> None:
        if reason not in self.not_mapped:
            self.not_mapped.append(reason)


@dataclass(frozen=True)
class Contradiction:
    """Two or more resources that cannot all be true as recorded (a cM0 next to a metastasis)."""

    kind: str
    resources: tuple[str, ...]
    message: str


@dataclass(frozen=True)
class Unknown:
    """A case@2 field left unknown although the bundle speaks of it, with why (a lesion count not given)."""

    field: str
    message: str
    resources: tuple[str, ...] = ()


@dataclass
class ImportReport:
    """What one import used, left out and found contradictory; `as_dict` is the `--report` JSON."""

    resources: list[ResourceEntry] = field(default_factory=list)
    contradictions: list[Contradiction] = field(default_factory=list)
    unknowns: list[Unknown] = field(default_factory=list)
    assessment_date_source: str = ""

    def entry(self, index: int, resource_type: str, id_: str | None) -> ResourceEntry:
        item = ResourceEntry(index, resource_type, id_)
        self.resources.append(item)
        return item

    def contradiction(self, kind: str, resources: tuple[str, ...], message: str) -> None:
        self.contradictions.append(Contradiction(kind, resources, message))

    def unknown(self, field_: str, message: str, resources: tuple[str, ...] = ()) -> None:
        self.unknowns.append(Unknown(field_, message, resources))

    @property
    def not_mapped(self) -> list[ResourceEntry]:
        return [r for r in self.resources if r.status == "not_mapped"]

    def as_dict(self) -> dict[str, object]:
        return {
            "schema": "oligoboard/fhir-import-report@1",
            "assessment_date_source": self.assessment_date_source,
            "summary": {
                "resources": len(self.resources),
                "mapped": sum(r.status == "mapped" for r in self.resources),
                "partly_mapped": sum(r.status == "partly_mapped" for r in self.resources),
                "not_mapped": len(self.not_mapped),
                "contradictions": len(self.contradictions),
            },
            "resources": [
                {
                    "index": r.index,
                    "resource": r.label,
                    "status": r.status,
                    "used": r.used,
                    "mapped_to": r.mapped_to,
                    "not_mapped": r.not_mapped,
                }
                for r in self.resources
            ],
            "contradictions": [
                {"kind": c.kind, "resources": list(c.resources), "message": c.message}
                for c in self.contradictions
            ],
            "unknowns": [
                {"field": u.field, "message": u.message, "resources": list(u.resources)}
                for u in self.unknowns
            ],
        }
