"""CDS Hooks 3.0 endpoints: discovery, the `patient-view` service, and its feedback (docs/cds-hooks.md).

These are called by an EHR, not by a signed-in person: no session cookie and no CSRF token, but a bearer
JWT of a configured EHR on every service and feedback call (`interop/cds_hooks/auth.py`; refused with
401 and `WWW-Authenticate: Bearer`). Discovery describes the service and carries no patient data, so it
answers without a token ("SHOULD require authentication if invoking the service poses any risk of
exposing sensitive data"). Errors are FHIR OperationOutcomes, as the specification recommends; their
text names elements and checks, never values.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from oligoboard.interop.cds_hooks.auth import AuthError, Caller, authenticate
from oligoboard.interop.cds_hooks.config import CdsConfig
from oligoboard.interop.cds_hooks.discovery import SERVICES, Service, discovery
from oligoboard.interop.cds_hooks.feedback import FeedbackRefused, record_cards, record_feedback
from oligoboard.interop.cds_hooks.service import (
    CdsState,
    Refusal,
    invalid,
    operation_outcome,
    patient_view,
    state_of,
)
from oligoboard.interop.cds_hooks.validate import validate
from oligoboard.store.clock import iso, utc_now
from oligoboard.store.db import transaction
from oligoboard.web import casework
from oligoboard.web.deps import factory

router = APIRouter(tags=["CDS Hooks"])
log = logging.getLogger("oligoboard.cds_hooks")

#: largest request body read (bytes): a patient's prefetched record fits many times over
MAX_BODY = 20 * 1024 * 1024


def _config(request: Request) -> CdsConfig:
    config = getattr(request.app.state.settings, "cds", None)
    return config if isinstance(config, CdsConfig) else CdsConfig()


def _state(request: Request) -> CdsState:
    return state_of(request.app.state, _config(request))


def _refused(refusal: Refusal) -> JSONResponse:
    return JSONResponse(refusal.outcome, status_code=refusal.status, media_type="application/fhir+json")


def _caller(request: Request, paths: list[str]) -> Caller:
    state = _state(request)
    audiences = [a for a in (state.config.audience(p) for p in paths) if a]
    try:
        return authenticate(
            request.headers.get("authorization"), audiences, state.config, state.keys, state.replay
        )
    except AuthError as exc:
        log.warning("cds-hooks: refused %s: %s", request.url.path, exc.reason)
        raise Refusal(401, operation_outcome("login", [("", exc.reason)])) from exc


async def _json_body(request: Request) -> Any:
    raw = await request.body()
    if len(raw) > MAX_BODY:
        raise Refusal(413, operation_outcome("too-costly", [("", f"body larger than {MAX_BODY} bytes")]))
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Refusal(422, operation_outcome("invalid", [("", "the body is not JSON")])) from exc


def _service(service_id: str) -> Service:
    service = SERVICES.get(service_id)
    if service is None:
        raise Refusal(404, operation_outcome("not-found", [("", "no CDS Service with this id")]))
    return service


def _assess(document: dict[str, Any]) -> dict[str, Any]:
    from oligoboard.assessment import assess

    result: dict[str, Any] = dict(assess(casework.validate(document), casework.engine()))
    return result


def _unauthorized(response: JSONResponse) -> JSONResponse:
    if response.status_code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    return response


@router.get("/cds-services")
def cds_discovery() -> JSONResponse:
    """The CDS Services this server offers (CDS Hooks discovery)."""
    body = discovery()
    assert validate("services", body).ok  # a fixed document; tests/interop check it too
    return JSONResponse(body)


@router.post("/cds-services/{service_id}")
async def cds_call(service_id: str, request: Request) -> JSONResponse:
    """Invoke a CDS Service (bearer JWT of a configured EHR)."""
    try:
        caller = _caller(request, [f"/cds-services/{service_id}"])
        service = _service(service_id)
        body = await _json_body(request)
        state = _state(request)
        servers = caller.issuer.fhir_servers
        result = await run_in_threadpool(patient_view, body, service, state, servers, _assess)
        with transaction(factory(request)) as session:
            record_cards(
                session,
                result.cards,
                service_id=service.id,
                hook_instance=str(body["hookInstance"]),
                knowledge_version=result.knowledge_version,
                issuer=caller.iss,
                tenant=caller.tenant,
                at=iso(utc_now()),
            )
    except Refusal as refusal:
        return _unauthorized(_refused(refusal))
    return JSONResponse(result.body)


@router.post("/cds-services/{service_id}/feedback")
async def cds_feedback(service_id: str, request: Request) -> JSONResponse:
    """Record what the clinician did with cards (accepted suggestions, overrides with reasons)."""
    try:
        # aud: the feedback endpoint invoked, or the service endpoint it is built from
        caller = _caller(request, [f"/cds-services/{service_id}/feedback", f"/cds-services/{service_id}"])
        service = _service(service_id)
        body = await _json_body(request)
        report = validate("feedback", body)
        if not report.ok:
            raise invalid(report.errors)
        try:
            with transaction(factory(request)) as session:
                count = record_feedback(
                    session, body, service_id=service.id, issuer=caller.iss, at=iso(utc_now())
                )
        except FeedbackRefused as exc:
            issues = [(p.path, p.message) for p in exc.problems]
            raise Refusal(422, operation_outcome("invalid", issues)) from exc
    except Refusal as refusal:
        return _unauthorized(_refused(refusal))
    return JSONResponse({"recorded": count})
