"""The trial-operations JSON API under /api/v1/trials/{trial_id} and the work both it and the pages do.

`POST …/randomisations` with `{"enrolment_id": N, "factors": {...entered factors}}` answers the arm and the
sequence number; the arm exists nowhere before that call (blocks are rebuilt from the server-side secret,
minimisation is computed from the counts at that moment), and no route returns the secret, the block
layout or an unassigned position. Enrolment, visits, death, invalidation, lists and the overdue list follow
the same shape as the case API: 422 naming the field, 403 for a role without the permission, nothing
stored on a refusal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any, TypeVar

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from oligoboard.errors import InputError, Problem
from oligoboard.store import audit
from oligoboard.store import repositories as repo
from oligoboard.store import trial_repositories as trials
from oligoboard.store.clock import iso, utc_now
from oligoboard.store.db import transaction
from oligoboard.store.trial_models import Enrolment
from oligoboard.trial import enrolment as service
from oligoboard.trial import followup
from oligoboard.trial.endpoints_timeline import overall_survival, pfs, progressions
from oligoboard.trial.randomisation.config import TrialOperations, operations_for
from oligoboard.web import casework
from oligoboard.web.deps import Principal, factory, permit
from oligoboard.web.listing import listing
from oligoboard.web.problems import NotFound

router = APIRouter(prefix="/api/v1/trials", tags=["trials"])
# The write routes read their body asynchronously, then run the database work in the thread pool, so
# simultaneous requests really are simultaneous transactions (the per-trial lock serialises them).
R = TypeVar("R")


def today() -> dt.date:
    return utc_now().date()


def config_of(trial_id: str) -> TrialOperations:
    try:
        return operations_for(trial_id)
    except InputError:
        raise NotFound(
            "unknown trial", [Problem("trial_id", "no trial operations configured for this id")]
        ) from None


def parse_date(value: object, field: str, default: dt.date | None = None) -> dt.date:
    if (value is None or value == "") and default is not None:
        return default
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise InputError("invalid date", [Problem(field, "not a date", "YYYY-MM-DD")])


def parse_int(value: object, field: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    raise InputError("invalid number", [Problem(field, "not a whole number")])


def optional_text(value: object, field: str) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InputError("invalid text", [Problem(field, "not text")])
    return value.strip()


def with_retry(request: Request, work: Callable[[Session], R]) -> R:
    """Run `work` in one transaction, retried when it lost a race on the global audit chain."""
    for attempt in range(5):
        try:
            with transaction(factory(request)) as session:
                return work(session)
        except IntegrityError as exc:
            if attempt == 4 or not service.is_retryable(exc):
                raise
    raise AssertionError("unreachable")


@lru_cache(maxsize=512)
def _assessed(document_text: str) -> dict[str, Any]:
    import json

    return casework.assess(casework.validate(json.loads(document_text)))


def assessment_of(session: Session, case_id: str) -> tuple[Any, dict[str, Any]]:
    record = service.case_record(session, case_id)
    version = repo.current_version(session, record)
    return record, _assessed(version.document)


# --------------------------------------------------------------------------------------------- actions


def enrol(request: Request, config: TrialOperations, body: Mapping[str, Any], p: Principal) -> Enrolment:
    case_id = optional_text(body.get("case_id"), "case_id")
    if case_id is None:
        raise InputError("case needed", [Problem("case_id", "required")])
    reason = optional_text(body.get("override_reason"), "override_reason") or ""
    when = parse_date(body.get("enrolment_date"), "enrolment_date", today())

    def work(session: Session) -> Enrolment:
        record, assessment = assessment_of(session, case_id)
        return service.enrol(
            session,
            config,
            record,
            assessment,
            p.username,
            enrolment_date=when,
            override_reason=reason,
            may_override=p.can("trial:override"),
        )

    return with_retry(request, work)


def randomise(
    request: Request, config: TrialOperations, body: Mapping[str, Any], p: Principal
) -> service.Assignment:
    enrolment_id = parse_int(body.get("enrolment_id"), "enrolment_id")
    factors = body.get("factors") or {}
    if not isinstance(factors, dict):
        raise InputError("invalid factors", [Problem("factors", "an object of factor: level")])
    when = parse_date(body.get("randomisation_date"), "randomisation_date", today())
    trials.ensure_trial(factory(request), config.trial)
    return with_retry(
        request,
        lambda session: service.randomise(
            session, config, enrolment_id, factors, p.username, randomisation_date=when
        ),
    )


def enrolment_or_404(session: Session, config: TrialOperations, enrolment_id: int) -> Enrolment:
    row = trials.enrolment(session, enrolment_id)
    if row is None or row.trial_id != config.trial:
        raise NotFound("unknown enrolment", [Problem("enrolment_id", "no such enrolment in this trial")])
    return row


def record_visit(
    request: Request, config: TrialOperations, enrolment_id: int, body: Mapping[str, Any], p: Principal
) -> dict[str, Any]:
    entry = followup.VisitInput(
        visit_date=parse_date(body.get("visit_date"), "visit_date"),
        response=str(body.get("response") or ""),
        visit_no=None if body.get("visit_no") in (None, "") else parse_int(body.get("visit_no"), "visit_no"),
        progression_site=optional_text(body.get("progression_site"), "progression_site"),
        progression_lesion=optional_text(body.get("progression_lesion"), "progression_lesion"),
    )

    return with_retry(request, lambda session: visit_in(session, config, enrolment_id, entry, p.username))


def record_death(
    request: Request, config: TrialOperations, enrolment_id: int, body: Mapping[str, Any], p: Principal
) -> dict[str, Any]:
    when = parse_date(body.get("death_date"), "death_date")

    return with_retry(request, lambda session: death_in(session, config, enrolment_id, when, p.username))


def visit_in(
    session: Session, config: TrialOperations, enrolment_id: int, entry: followup.VisitInput, actor: str
) -> dict[str, Any]:
    """Record one visit in the caller's transaction: a new case version with the scan, and the visit row."""
    from oligoboard.store.trial_models import Visit

    row = enrolment_or_404(session, config, enrolment_id)
    record = trials.case_of(session, row)
    document = repo.document_of(repo.current_version(session, record))
    done = [v.visit_no for v in trials.visits(session, row.id) if v.visit_no is not None]
    death = trials.death_of(session, row.id)
    followup.check_visit(
        entry,
        enrolment_date=dt.date.fromisoformat(row.enrolment_date),
        today=today(),
        died=dt.date.fromisoformat(death.death_date) if death else None,
        lesion_ids=[str(lesion.get("id")) for lesion in document.get("lesions") or []],
        done=done,
        config=config,
    )
    scan_id = f"{config.trial.lower()}-visit-{len(trials.visits(session, row.id)) + 1}"
    new_document = followup.visit_document(document, entry, scan_id)
    case = casework.validate(new_document)
    assessment = casework.assess(case)
    _, version = repo.save_version(
        session,
        casework.stored_form(case),
        assessment["case_hash"],
        actor,
        casework.index_of(assessment),
        f"{config.trial} follow-up visit",
    )
    visit = Visit(
        enrolment_id=row.id,
        visit_no=entry.visit_no,
        visit_date=entry.visit_date.isoformat(),
        case_version=version.version,
        scan_id=scan_id,
        recorded_by=actor,
        created_at=version.created_at,
    )
    session.add(visit)
    session.flush()
    audit.append(
        session,
        actor,
        "trial.visit",
        f"trial:{config.trial}/enrolment:{row.id}",
        after={"case_version": version.version},
    )
    return {"visit_id": visit.id, "case_version": version.version, "scan_id": scan_id}


def death_in(
    session: Session, config: TrialOperations, enrolment_id: int, when: dt.date, actor: str
) -> dict[str, Any]:
    """Record the death in the caller's transaction (refused before progression, a visit or enrolment)."""
    from oligoboard.store.trial_models import Death

    row = enrolment_or_404(session, config, enrolment_id)
    record = trials.case_of(session, row)
    document = repo.document_of(repo.current_version(session, record))
    followup.check_death(
        when,
        enrolment_date=dt.date.fromisoformat(row.enrolment_date),
        today=today(),
        document=document,
        visit_dates=[dt.date.fromisoformat(v.visit_date) for v in trials.visits(session, row.id)],
        already=trials.death_of(session, row.id) is not None,
    )
    death = Death(
        enrolment_id=row.id,
        death_date=when.isoformat(),
        recorded_by=actor,
        created_at=iso(utc_now()),
    )
    session.add(death)
    session.flush()
    audit.append(session, actor, "trial.death", f"trial:{config.trial}/enrolment:{row.id}")
    return {"enrolment_id": row.id, "death_recorded": True}


def invalidate(
    request: Request, config: TrialOperations, sequence: int, body: Mapping[str, Any], p: Principal
) -> None:
    reason = optional_text(body.get("reason"), "reason") or ""
    trials.ensure_trial(factory(request), config.trial)
    with_retry(request, lambda session: service.invalidate(session, config, sequence, reason, p.username))


# --------------------------------------------------------------------------------------------- reads


def enrolment_rows(session: Session, config: TrialOperations) -> list[dict[str, Any]]:
    """One row per enrolment: allocation (once assigned), visits, next visit due, overdue, death."""
    invalid = trials.invalidated_ids(session, config.trial)
    labels = {a.id: a.label for a in config.arms.value}
    rows = []
    for row in trials.enrolments(session, config.trial):
        record = trials.case_of(session, row)
        allocation = trials.allocation_of(session, row.id)
        visits = trials.visits(session, row.id)
        death = trials.death_of(session, row.id)
        done = [v.visit_no for v in visits if v.visit_no is not None]
        item: dict[str, Any] = {
            "enrolment_id": row.id,
            "case_id": record.case_id,
            "case_version": row.case_version,
            "knowledge_version": row.knowledge_version,
            "verdict": row.verdict,
            "overridden": bool(row.override_reason),
            "enrolment_date": row.enrolment_date,
            "sequence": None,
            "arm": None,
            "arm_label": None,
            "invalidated": False,
            "visits": len(visits),
            "next_visit": None,
            "overdue": [],
            "death_date": death.death_date if death else None,
        }
        if allocation is not None:
            randomised = dt.date.fromisoformat(allocation.randomisation_date)
            died = dt.date.fromisoformat(death.death_date) if death else None
            pending = followup.pending(config, randomised, done)
            item |= {
                "sequence": allocation.sequence,
                "arm": allocation.arm,
                "arm_label": labels.get(allocation.arm, allocation.arm),
                "randomisation_date": allocation.randomisation_date,
                "factors": trials.factors_of(allocation),
                "invalidated": allocation.id in invalid,
                "next_visit": None
                if died or not pending
                else {"number": pending[0].number, "due": pending[0].due.isoformat()},
                "overdue": [
                    {"number": o.number, "due": o.due.isoformat(), "days_overdue": o.days_overdue}
                    for o in followup.overdue(config, row.id, record.case_id, randomised, done, today(), died)
                ],
            }
        rows.append(item)
    return rows


def endpoint_rows(session: Session, config: TrialOperations) -> list[dict[str, Any]]:
    """PFS and OS per validly randomised patient, derived from the current case timeline and the death."""
    invalid = trials.invalidated_ids(session, config.trial)
    out = []
    for allocation in trials.allocations(session, config.trial):
        if allocation.id in invalid:
            continue
        row = trials.enrolment(session, allocation.enrolment_id)
        assert row is not None
        record = trials.case_of(session, row)
        document = repo.document_of(repo.current_version(session, record))
        death = trials.death_of(session, row.id)
        died = dt.date.fromisoformat(death.death_date) if death else None
        randomised = dt.date.fromisoformat(allocation.randomisation_date)
        visit_dates = [dt.date.fromisoformat(v.visit_date) for v in trials.visits(session, row.id)]
        p_end = pfs(document, randomised, died, trial=config.trial)
        o_end = overall_survival(document, randomised, died, visit_dates, trial=config.trial)
        first = progressions(document, randomised)
        out.append(
            {
                "sequence": allocation.sequence,
                "case_id": record.case_id,
                "arm": allocation.arm,
                "pfs_days": p_end.days,
                "pfs_event": p_end.event,
                "os_days": o_end.days,
                "os_event": o_end.event,
                "progression_sites": list(first[0].sites) if first else [],
            }
        )
    return out


# --------------------------------------------------------------------------------------------- routes


async def _body(request: Request) -> dict[str, Any]:
    return casework.parse_upload(await request.body(), "body.json")


@router.get("")
def list_trials(_p: Principal = Depends(permit("trial:read"))) -> dict[str, Any]:
    from oligoboard.trial.randomisation.config import configured_trials

    items = [
        {
            "trial_id": c.trial,
            "method": c.method.value,
            "arms": list(c.arm_ids),
            "target": c.target_accrual.value,
        }
        for c in configured_trials().values()
    ]
    return listing(items)


@router.post("/{trial_id}/enrolments", status_code=201)
async def api_enrol(
    request: Request, trial_id: str, p: Principal = Depends(permit("trial:enrol", csrf=True))
) -> JSONResponse:
    """Enrol `{"case_id", "override_reason"?, "enrolment_date"?}` with its eligibility snapshot."""
    config = config_of(trial_id)
    row = await run_in_threadpool(enrol, request, config, await _body(request), p)
    return JSONResponse(
        {
            "enrolment_id": row.id,
            "case_version": row.case_version,
            "knowledge_version": row.knowledge_version,
            "verdict": row.verdict,
        },
        status_code=201,
    )


@router.get("/{trial_id}/enrolments")
def api_enrolments(
    request: Request, trial_id: str, _p: Principal = Depends(permit("trial:read"))
) -> dict[str, Any]:
    config = config_of(trial_id)
    with transaction(factory(request)) as session:
        items = enrolment_rows(session, config)
    return listing(items)


@router.post("/{trial_id}/randomisations", status_code=201)
async def api_randomise(
    request: Request, trial_id: str, p: Principal = Depends(permit("trial:randomise", csrf=True))
) -> JSONResponse:
    """Randomise `{"enrolment_id", "factors"?: {entered factor: level}}`: answers the arm and sequence number."""
    config = config_of(trial_id)
    done = await run_in_threadpool(randomise, request, config, await _body(request), p)
    return JSONResponse(
        {"sequence": done.sequence, "arm": done.arm, "enrolment_id": done.enrolment_id}, status_code=201
    )


@router.post("/{trial_id}/randomisations/{sequence}/invalidations", status_code=201)
async def api_invalidate(
    request: Request,
    trial_id: str,
    sequence: int,
    p: Principal = Depends(permit("trial:invalidate", csrf=True)),
) -> JSONResponse:
    config = config_of(trial_id)
    await run_in_threadpool(invalidate, request, config, sequence, await _body(request), p)
    return JSONResponse({"sequence": sequence, "invalidated": True}, status_code=201)


@router.post("/{trial_id}/enrolments/{enrolment_id}/visits", status_code=201)
async def api_visit(
    request: Request,
    trial_id: str,
    enrolment_id: int,
    p: Principal = Depends(permit("trial:followup", csrf=True)),
) -> JSONResponse:
    """Record `{"visit_date", "response", "visit_no"?, "progression_site"? | "progression_lesion"?}`."""
    config = config_of(trial_id)
    body = await _body(request)
    return JSONResponse(
        await run_in_threadpool(record_visit, request, config, enrolment_id, body, p), status_code=201
    )


@router.get("/{trial_id}/enrolments/{enrolment_id}/visits")
def api_visits(
    request: Request, trial_id: str, enrolment_id: int, _p: Principal = Depends(permit("trial:read"))
) -> dict[str, Any]:
    config = config_of(trial_id)
    with transaction(factory(request)) as session:
        row = enrolment_or_404(session, config, enrolment_id)
        items = [
            {
                "visit_id": v.id,
                "visit_no": v.visit_no,
                "visit_date": v.visit_date,
                "case_version": v.case_version,
                "scan_id": v.scan_id,
            }
            for v in trials.visits(session, row.id)
        ]
    return listing(items)


@router.post("/{trial_id}/enrolments/{enrolment_id}/death", status_code=201)
async def api_death(
    request: Request,
    trial_id: str,
    enrolment_id: int,
    p: Principal = Depends(permit("trial:followup", csrf=True)),
) -> JSONResponse:
    config = config_of(trial_id)
    body = await _body(request)
    return JSONResponse(
        await run_in_threadpool(record_death, request, config, enrolment_id, body, p), status_code=201
    )


@router.get("/{trial_id}/overdue")
def api_overdue(
    request: Request, trial_id: str, _p: Principal = Depends(permit("trial:read"))
) -> dict[str, Any]:
    config = config_of(trial_id)
    with transaction(factory(request)) as session:
        items = [
            {"enrolment_id": r["enrolment_id"], "case_id": r["case_id"], **o}
            for r in enrolment_rows(session, config)
            for o in r["overdue"]
        ]
    return listing(items)


@router.get("/{trial_id}/endpoints")
def api_endpoints(
    request: Request, trial_id: str, _p: Principal = Depends(permit("trial:read"))
) -> dict[str, Any]:
    config = config_of(trial_id)
    with transaction(factory(request)) as session:
        items = endpoint_rows(session, config)
    return listing(items)
