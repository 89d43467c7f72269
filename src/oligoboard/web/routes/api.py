"""The JSON API under /api/v1: the pages' data, the same roles and validation (422 naming the field).

Unsafe requests need the session's CSRF token in the `X-CSRF-Token` header (`GET /api/v1/me` returns it).
Lists are paginated with `limit` (≤ 100) and `offset` and answer `{items, total, limit, offset}`.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from oligoboard.errors import CaseValidationError, Problem
from oligoboard.store import repositories as repo
from oligoboard.store.db import transaction
from oligoboard.store.models import CaseRecord
from oligoboard.web import casework
from oligoboard.web.deps import Principal, factory, permit
from oligoboard.web.listing import listing
from oligoboard.web.routes.cases import decision_input, load, record, store_case

router = APIRouter(prefix="/api/v1", tags=["api"])


def _case(row: CaseRecord) -> dict[str, Any]:
    return {
        "case_id": row.case_id,
        "version": row.current_version,
        "schema": row.schema_id,
        "assessment_date": row.assessment_date,
        "state": row.state,
        "trial_status": row.trial_status,
        "next_mdt": row.next_mdt,
        "updated_at": row.updated_at,
    }


async def _json_body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    document = casework.parse_upload(raw, "body.json")
    return document


@router.get("/me")
def me(p: Principal = Depends(permit("case:read"))) -> dict[str, str]:
    """The signed-in user, role and the CSRF token to send with unsafe requests."""
    return {"username": p.username, "role": p.role, "csrf_token": p.csrf_token}


@router.get("/cases")
def list_cases(
    request: Request,
    q: str = "",
    state: str = "",
    trial_status: str = "",
    next_mdt: str = Query("", description="none | any | a meeting date YYYY-MM-DD"),
    limit: int = Query(25, ge=1, le=100),
    offset: int = Query(0, ge=0),
    _p: Principal = Depends(permit("case:read")),
) -> dict[str, Any]:
    with transaction(factory(request)) as session:
        page = repo.list_cases(
            session, q[:200], state[:64], trial_status[:32], limit, offset, next_mdt=next_mdt[:10]
        )
        return {
            "items": [_case(r) for r in page.items],
            "total": page.total,
            "limit": limit,
            "offset": offset,
        }


@router.post("/cases", status_code=201)
async def create_case(
    request: Request, p: Principal = Depends(permit("case:write", csrf=True))
) -> JSONResponse:
    """Store a case document (JSON body) as a new case or the next version of an existing one."""
    document = await _json_body(request)
    with transaction(factory(request)) as session:
        version = store_case(session, document, p.username, "uploaded through the API")
        return JSONResponse({"case_id": document["id"], "version": version.version}, status_code=201)


@router.get("/cases/{case_id}")
def get_case(
    request: Request, case_id: str, version: int | None = None, _p: Principal = Depends(permit("case:read"))
) -> dict[str, Any]:
    with transaction(factory(request)) as session:
        row, found = load(session, case_id, version)
        return {**_case(row), "version": found.version, "document": repo.document_of(found)}


@router.get("/cases/{case_id}/versions")
def case_versions(
    request: Request,
    case_id: str,
    limit: int = Query(25, ge=1, le=100),
    offset: int = Query(0, ge=0),
    _p: Principal = Depends(permit("case:read")),
) -> dict[str, Any]:
    with transaction(factory(request)) as session:
        row, _ = load(session, case_id)
        rows = repo.versions(session, row)
        items = [
            {
                "version": v.version,
                "created_at": v.created_at,
                "created_by": v.created_by,
                "note": v.note,
                "case_hash": v.case_hash,
            }
            for v in rows[offset : offset + limit]
        ]
        return listing(items, total=len(rows), limit=limit, offset=offset)


@router.get("/cases/{case_id}/assessment")
def assessment(
    request: Request, case_id: str, version: int | None = None, _p: Principal = Depends(permit("case:read"))
) -> dict[str, Any]:
    """The `assess --json` contract of the case version (default: the current one)."""
    with transaction(factory(request)) as session:
        _row, found = load(session, case_id, version)
        document = repo.document_of(found)
    return casework.assess(casework.validate(document))


@router.post("/cases/{case_id}/answers", status_code=201)
async def answer(
    request: Request, case_id: str, p: Principal = Depends(permit("criterion:answer", csrf=True))
) -> JSONResponse:
    """Answer one attested criterion: `{"key": "<rule set>/<criterion>", "value": true|false|null}`."""
    body = await _json_body(request)
    key, value = body.get("key"), body.get("value")
    problems = []
    if not isinstance(key, str) or not key:
        problems.append(Problem("key", "the answer key of an attested criterion is required"))
    if value is not None and not isinstance(value, bool):
        problems.append(Problem("value", "true, false or null"))
    if problems:
        raise CaseValidationError("invalid answer", problems)
    assert isinstance(key, str)
    with transaction(factory(request)) as session:
        _row, found = load(session, case_id)
        document = casework.with_answer(repo.document_of(found), key, value)
        version = store_case(session, document, p.username, f"answered {key[:150]}: {json.dumps(value)}")
        return JSONResponse({"case_id": case_id, "version": version.version}, status_code=201)


@router.post("/cases/{case_id}/decisions", status_code=201)
async def decide(
    request: Request, case_id: str, p: Principal = Depends(permit("decision:write", csrf=True))
) -> JSONResponse:
    """Record a decision: recommendation (required), deviation + deviation_reason, trial_offered, attendees, text."""
    body = await _json_body(request)
    entry = decision_input({k: ("on" if v is True else "" if v is False else v) for k, v in body.items()})
    with transaction(factory(request)) as session:
        decision = record(session, case_id, entry, p.username)
        return JSONResponse(
            {
                "decision_id": decision.id,
                "case_version": decision.case_version,
                "knowledge_version": decision.knowledge_version,
            },
            status_code=201,
        )


@router.get("/cases/{case_id}/decisions")
def decisions(request: Request, case_id: str, _p: Principal = Depends(permit("case:read"))) -> dict[str, Any]:
    with transaction(factory(request)) as session:
        row, _ = load(session, case_id)
        items = [
            {
                "id": d.id,
                "case_version": d.case_version,
                "knowledge_version": d.knowledge_version,
                "recommendation": d.recommendation,
                "deviation": d.deviation,
                "deviation_reason": d.deviation_reason,
                "trial_offered": d.trial_offered,
                "attendees": d.attendees,
                "text": d.text,
                "created_by": d.created_by,
                "created_at": d.created_at,
                "meeting_id": d.meeting_id,
            }
            for d in repo.decisions_for(session, row)
        ]
        return listing(items)


@router.get("/meetings")
def meetings(
    request: Request,
    limit: int = Query(25, ge=1, le=100),
    offset: int = Query(0, ge=0),
    _p: Principal = Depends(permit("case:read")),
) -> dict[str, Any]:
    with transaction(factory(request)) as session:
        rows = repo.list_meetings(session)
        items = [
            {"id": m.id, "title": m.title, "meeting_date": m.meeting_date}
            for m in rows[offset : offset + limit]
        ]
        return listing(items, total=len(rows), limit=limit, offset=offset)
