"""`POST /api/v1/fhir/import`: an mCODE FHIR R4 Bundle in, the case@2 document and the import report out.

The same mapping as `oligoboard import-fhir` (`interop.fhir.importer.import_resources`). Role-checked as
case entry (`case:write`) and, being an unsafe request, CSRF-checked like the rest of the API
(`X-CSRF-Token`). Nothing is stored: the caller reviews the case and the report, then `POST /api/v1/cases`.
Invalid FHIR, or a case that would not be a valid case@2, is 422 naming the resource and element (or the
case field), never a value.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request

from oligoboard.documents import InputLimits, decode, parse_json
from oligoboard.errors import CaseValidationError, InputError, Problem
from oligoboard.web.deps import Principal, permit

router = APIRouter(prefix="/api/v1/fhir", tags=["fhir"])


@router.post("/import")
async def import_bundle(
    request: Request, _p: Principal = Depends(permit("case:write", csrf=True))
) -> dict[str, Any]:
    """Map a FHIR R4 Bundle (JSON body) to a case@2 document; answers `{case, report}`."""
    from oligoboard.interop.fhir.importer import import_resources

    limits = InputLimits.from_env()
    raw = await request.body()
    if len(raw) > limits.max_bytes:
        raise InputError("upload too large", [Problem("<document>", f"larger than {limits.max_bytes} bytes")])
    document = parse_json(decode(raw, "body.json"), "body.json", limits).value
    result = import_resources(document)
    if result.problems:
        raise CaseValidationError("the imported case is not a valid case@2", result.problems)
    return {"case": result.case, "report": result.report.as_dict()}
