"""ImagingStudy and imaging-evidenced disease-status Observations → case@2 `imaging` (docs/fhir.md).

Separate because the scans are the timeline the other families attach to (tumour-size findings name their
scan by `derivedFrom`), and because a disease status is only a dated scan, never a RECIST response.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from oligoboard.interop.fhir import codes as C
from oligoboard.interop.fhir.mapper_base import MapperBase, _fact_code, _fact_ext
from oligoboard.interop.fhir.resources import (
    Item,
    codings,
    date_of,
    extensions,
    has_code,
)


class ImagingMapping(MapperBase):
    """ImagingStudy and disease status."""

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
