"""Case pages: the list, upload, the assessment page, answers, history and diff, decisions.

Every change is a new case version (the store never overwrites one); a bad upload stores nothing and
answers 422 with the field paths next to the form.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from oligoboard.errors import CaseValidationError, InputError, Problem
from oligoboard.store import repositories as repo
from oligoboard.store.db import transaction
from oligoboard.store.diff import diff
from oligoboard.store.models import CaseRecord, CaseVersion, Decision
from oligoboard.web import casework
from oligoboard.web.deps import Principal, factory, permit
from oligoboard.web.problems import NotFound, safe_problems, safe_summary
from oligoboard.web.templating import render

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 25


def load(session: Session, case_id: str, version: int | None = None) -> tuple[CaseRecord, CaseVersion]:
    record = repo.get_case(session, case_id)
    if record is None:
        raise NotFound("no such case", [Problem("case_id", "no case has this id")])
    found = repo.get_version(session, record, version or record.current_version)
    if found is None:
        raise NotFound("no such version", [Problem("version", "the case has no such version")])
    return record, found


def store_case(session: Session, document: dict[str, Any], actor: str, note: str) -> CaseVersion:
    """Validate, assess (for the list columns), then store as the next version.

    The same facts again (same case hash) are not an edit: the current version is returned unchanged.
    """
    case = casework.validate(document)
    assessment = casework.assess(case)
    existing = repo.get_case(session, case.id)
    if existing is not None:
        current = repo.current_version(session, existing)
        if current.case_hash == assessment["case_hash"]:
            return current
    stored = casework.stored_form(case)
    _record, version = repo.save_version(
        session, stored, assessment["case_hash"], actor, casework.index_of(assessment), note
    )
    return version


@router.get("/cases")
def case_list(
    request: Request,
    q: str = "",
    state: str = "",
    trial_status: str = "",
    next_mdt: str = "",
    page: int = 1,
    p: Principal = Depends(permit("case:read")),
) -> Response:
    page = max(page, 1)
    with transaction(factory(request)) as session:
        listing = repo.list_cases(
            session,
            q[:200],
            state[:64],
            trial_status[:32],
            PAGE_SIZE,
            (page - 1) * PAGE_SIZE,
            next_mdt=next_mdt[:10],
        )
        states = repo.distinct_states(session)
        meeting_dates = sorted({m.meeting_date for m in repo.list_meetings(session)})
    return render(
        "cases.html.j2",
        principal=p,
        listing=listing,
        states=states,
        filters={"q": q, "state": state, "trial_status": trial_status, "next_mdt": next_mdt},
        meeting_dates=meeting_dates,
        page=page,
        pages=max(1, -(-listing.total // PAGE_SIZE)),
    )


@router.get("/cases/new")
def upload_form(p: Principal = Depends(permit("case:write"))) -> Response:
    return render("upload.html.j2", principal=p, problems=[], message=None)


async def _uploaded_document(request: Request) -> tuple[dict[str, Any], str]:
    form = await request.form()
    upload, pasted = form.get("file"), str(form.get("document", "") or "")
    note = str(form.get("note", "") or "")[:500]
    if isinstance(upload, UploadFile) and upload.filename:
        return casework.parse_upload(await upload.read(), upload.filename), note
    if pasted.strip():
        name = "pasted.yaml" if not pasted.lstrip().startswith("{") else "pasted.json"
        return casework.parse_upload(pasted.encode("utf-8"), name), note
    raise CaseValidationError("nothing uploaded", [Problem("file", "choose a case file or paste one")])


@router.post("/cases")
async def upload(request: Request, p: Principal = Depends(permit("case:write", csrf=True))) -> Response:
    try:
        document, note = await _uploaded_document(request)
        with transaction(factory(request)) as session:
            version = store_case(session, document, p.username, note or "uploaded")
            case_id = str(document["id"])
    except InputError as exc:
        return render(
            "upload.html.j2", 422, principal=p, problems=safe_problems(exc), message=safe_summary(exc)
        )
    del version
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


def _decision_views(session: Session, record: CaseRecord) -> list[dict[str, Any]]:
    return [
        {
            "id": d.id,
            "created_at": d.created_at,
            "created_by": d.created_by,
            "recommendation": d.recommendation,
            "case_version": d.case_version,
            "deviation": d.deviation,
        }
        for d in repo.decisions_for(session, record)
    ]


def case_view(
    request: Request,
    case_id: str,
    version: int | None,
    p: Principal,
    form_errors: dict[str, str] | None = None,
    status: int = 200,
    answer_errors: dict[str, str] | None = None,
) -> Response:
    """The case page; `form_errors` puts each decision-form problem next to its field (422),
    `answer_errors` (criterion key → message) a refused answer next to its criterion."""
    with transaction(factory(request)) as session:
        record, found = load(session, case_id, version)
        document = repo.document_of(found)
        decisions = _decision_views(session, record)
        meetings = repo.list_meetings(session)
        current = record.current_version
    assessment = casework.assess(casework.validate(document))
    return render(
        "case.html.j2",
        status,
        principal=p,
        case_id=case_id,
        version=found.version,
        current=current,
        a=assessment,
        attested=casework.attested_open(assessment, document.get("answers") or {}),
        decisions=decisions,
        meetings=meetings,
        form_errors=form_errors or {},
        answer_errors=answer_errors or {},
    )


@router.get("/cases/{case_id}")
def case_page(
    request: Request, case_id: str, version: int | None = None, p: Principal = Depends(permit("case:read"))
) -> Response:
    return case_view(request, case_id, version, p)


@router.post("/cases/{case_id}/answers")
async def answer(
    request: Request, case_id: str, p: Principal = Depends(permit("criterion:answer", csrf=True))
) -> Response:
    form = await request.form()
    key, value = str(form.get("key", ""))[:300], str(form.get("value", ""))
    choice = {"yes": True, "no": False, "unknown": None}
    try:
        if value not in choice:
            raise CaseValidationError("invalid answer", [Problem("value", "answer yes, no or unknown")])
        with transaction(factory(request)) as session:
            _record, found = load(session, case_id)
            document = casework.with_answer(repo.document_of(found), key, choice[value])
            store_case(session, document, p.username, f"answered {key[:150]}: {value}")
    except NotFound:
        raise
    except InputError as exc:
        message = "; ".join(pr["message"] for pr in safe_problems(exc)) or safe_summary(exc)
        return case_view(request, case_id, None, p, status=422, answer_errors={key: message})
    return RedirectResponse(f"/cases/{case_id}#criteria", status_code=303)


@router.get("/cases/{case_id}/history")
def history(request: Request, case_id: str, p: Principal = Depends(permit("case:read"))) -> Response:
    with transaction(factory(request)) as session:
        record, _ = load(session, case_id)
        rows = [
            {
                "version": v.version,
                "created_at": v.created_at,
                "created_by": v.created_by,
                "note": v.note,
                "case_hash": v.case_hash,
            }
            for v in repo.versions(session, record)
        ]
    return render("history.html.j2", principal=p, case_id=case_id, rows=rows)


@router.get("/cases/{case_id}/diff")
def version_diff(
    request: Request, case_id: str, a: int, b: int, p: Principal = Depends(permit("case:read"))
) -> Response:
    with transaction(factory(request)) as session:
        _r, left = load(session, case_id, a)
        _r, right = load(session, case_id, b)
        changes = diff(repo.document_of(left), repo.document_of(right))
    return render("diff.html.j2", principal=p, case_id=case_id, a=a, b=b, changes=changes)


def decision_input(form: Any) -> repo.DecisionInput:
    """The decision form, checked field by field (paths are the form's field names)."""
    recommendation = str(form.get("recommendation", "")).strip()
    deviation = str(form.get("deviation", "")) in ("on", "yes", "true", "1")
    reason = str(form.get("deviation_reason", "")).strip()
    problems = []
    if not recommendation:
        problems.append(Problem("recommendation", "state the recommendation chosen"))
    if deviation and not reason:
        problems.append(Problem("deviation_reason", "a deviation from the guideline needs its reason"))
    meeting_raw = str(form.get("meeting_id", "") or "")
    if meeting_raw and not meeting_raw.isdigit():
        problems.append(Problem("meeting_id", "not a meeting"))
    if problems:
        raise CaseValidationError("invalid decision", problems)
    return repo.DecisionInput(
        recommendation=recommendation[:200],
        deviation=deviation,
        deviation_reason=reason[:2000],
        trial_offered=str(form.get("trial_offered", "")).strip()[:200],
        attendees=str(form.get("attendees", "")).strip()[:2000],
        text=str(form.get("text", "")).strip()[:10000],
        meeting_id=int(meeting_raw) if meeting_raw else None,
    )


def record(session: Session, case_id: str, entry: repo.DecisionInput, actor: str) -> Decision:
    rec, found = load(session, case_id)
    if entry.meeting_id is not None and repo.get_meeting(session, entry.meeting_id) is None:
        raise CaseValidationError("invalid decision", [Problem("meeting_id", "no such meeting")])
    assessment = casework.assess(casework.validate(repo.document_of(found)))
    return repo.record_decision(session, rec, found.version, assessment, entry, actor)


@router.post("/cases/{case_id}/decisions")
async def decide(
    request: Request, case_id: str, p: Principal = Depends(permit("decision:write", csrf=True))
) -> Response:
    form = await request.form()
    try:
        entry = decision_input(form)
        with transaction(factory(request)) as session:
            decision = record(session, case_id, entry, p.username)
    except NotFound:
        raise
    except CaseValidationError as exc:
        errors = {pr["path"]: pr["message"] for pr in safe_problems(exc)}
        return case_view(request, case_id, None, p, form_errors=errors, status=422)
    return RedirectResponse(f"/decisions/{decision.id}", status_code=303)


def _decision_with_case_id(request: Request, decision_id: int) -> tuple[Decision, str]:
    """A stored decision and the id of the case it was made on (404 naming `decision_id` if none)."""
    with transaction(factory(request)) as session:
        decision = repo.get_decision(session, decision_id)
        if decision is None:
            raise NotFound("no such decision", [Problem("decision_id", "no decision has this id")])
        case_row = session.get(CaseRecord, decision.case_pk)
        assert case_row is not None
        return decision, case_row.case_id


@router.get("/decisions/{decision_id}")
def decision_page(
    request: Request, decision_id: int, p: Principal = Depends(permit("case:read"))
) -> Response:
    import json

    decision, case_id = _decision_with_case_id(request, decision_id)
    assessment = json.loads(decision.assessment)
    current_knowledge = casework.engine().kb.full_version
    return render(
        "decision.html.j2",
        principal=p,
        d=decision,
        case_id=case_id,
        a=assessment,
        knowledge_changed=current_knowledge != decision.knowledge_version,
        current_knowledge=current_knowledge,
    )


def _pdf_response(pdf: bytes, name: str) -> Response:
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


def _safe_name(case_id: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in case_id)[:100] or "case"


@router.get("/cases/{case_id}/report.pdf")
def case_report(
    request: Request, case_id: str, version: int | None = None, p: Principal = Depends(permit("case:read"))
) -> Response:
    """The printable assessment of one case version (the page's own content, as PDF)."""
    from oligoboard.store.clock import iso, utc_now
    from oligoboard.web.pdf import report_pdf

    with transaction(factory(request)) as session:
        _record, found = load(session, case_id, version)
        document = repo.document_of(found)
    assessment = casework.assess(casework.validate(document))
    pdf = report_pdf(
        case_id=case_id, version=found.version, a=assessment, printed_at=iso(utc_now()), printed_by=p.username
    )
    return _pdf_response(pdf, f"{_safe_name(case_id)}-v{found.version}.pdf")


@router.get("/decisions/{decision_id}/report.pdf")
def decision_report(
    request: Request, decision_id: int, p: Principal = Depends(permit("case:read"))
) -> Response:
    """The decision with the assessment it was made on, as PDF."""
    import json

    from oligoboard.store.clock import iso, utc_now
    from oligoboard.web.pdf import report_pdf

    decision, case_id = _decision_with_case_id(request, decision_id)
    pdf = report_pdf(
        case_id=case_id,
        version=decision.case_version,
        a=json.loads(decision.assessment),
        decision=decision,
        printed_at=iso(utc_now()),
        printed_by=p.username,
    )
    return _pdf_response(pdf, f"{_safe_name(case_id)}-decision-{decision.id}.pdf")
