"""Tumour-board meetings with their case lists, and the audit log page (admin only)."""

from __future__ import annotations

import re

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from oligoboard.errors import Problem
from oligoboard.store import audit
from oligoboard.store import repositories as repo
from oligoboard.store.db import transaction
from oligoboard.store.models import AuditEvent
from oligoboard.web.deps import Principal, factory, permit
from oligoboard.web.problems import NotFound
from oligoboard.web.templating import render

router = APIRouter(include_in_schema=False)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _is_date(text: str) -> bool:
    """A real calendar date written YYYY-MM-DD (2026-02-30 is refused, not stored)."""
    import datetime as dt

    if not _DATE.match(text):
        return False
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


@router.get("/meetings")
def meetings(request: Request, p: Principal = Depends(permit("case:read"))) -> Response:
    with transaction(factory(request)) as session:
        rows = repo.list_meetings(session)
    return render("meetings.html.j2", principal=p, meetings=rows, form_errors={})


@router.post("/meetings")
async def create(request: Request, p: Principal = Depends(permit("meeting:write", csrf=True))) -> Response:
    form = await request.form()
    title, when = str(form.get("title", "")).strip(), str(form.get("meeting_date", "")).strip()
    problems = []
    if not title:
        problems.append(Problem("title", "give the meeting a title"))
    if not _is_date(when):
        problems.append(Problem("meeting_date", "a date is required", expected="YYYY-MM-DD"))
    if problems:
        with transaction(factory(request)) as session:
            rows = repo.list_meetings(session)
        errors = {pr.path: pr.message + (f" ({pr.expected})" if pr.expected else "") for pr in problems}
        return render("meetings.html.j2", 422, principal=p, meetings=rows, form_errors=errors)
    with transaction(factory(request)) as session:
        meeting = repo.create_meeting(session, title[:200], when, p.username)
    return RedirectResponse(f"/meetings/{meeting.id}", status_code=303)


def _meeting_view(
    request: Request,
    meeting_id: int,
    p: Principal,
    form_errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    with transaction(factory(request)) as session:
        meeting = repo.get_meeting(session, meeting_id)
        if meeting is None:
            raise NotFound("no such meeting", [Problem("meeting_id", "no meeting has this id")])
        cases = repo.meeting_cases(session, meeting)
        all_cases = repo.list_cases(session, limit=500).items
    return render(
        "meeting.html.j2",
        status,
        principal=p,
        meeting=meeting,
        cases=cases,
        all_cases=all_cases,
        form_errors=form_errors or {},
    )


@router.get("/meetings/{meeting_id}")
def meeting_page(request: Request, meeting_id: int, p: Principal = Depends(permit("case:read"))) -> Response:
    return _meeting_view(request, meeting_id, p)


@router.post("/meetings/{meeting_id}/cases")
async def add_case(
    request: Request, meeting_id: int, p: Principal = Depends(permit("meeting:write", csrf=True))
) -> Response:
    """Put a case on the list; an unknown case id is a 422 next to the field and changes nothing."""
    form = await request.form()
    with transaction(factory(request)) as session:
        meeting = repo.get_meeting(session, meeting_id)
        if meeting is None:
            raise NotFound("no such meeting", [Problem("meeting_id", "no meeting has this id")])
        record = repo.get_case(session, str(form.get("case_id", ""))[:200])
        if record is not None:
            repo.add_to_meeting(session, meeting, record, p.username)
    if record is None:
        return _meeting_view(request, meeting_id, p, {"case_id": "choose a stored case"}, 422)
    return RedirectResponse(f"/meetings/{meeting_id}", status_code=303)


@router.get("/audit")
def audit_page(request: Request, p: Principal = Depends(permit("audit:read"))) -> Response:
    from sqlalchemy import select

    with transaction(factory(request)) as session:
        events = list(session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(200)))
        report = audit.verify(session)
    return render("audit.html.j2", principal=p, events=events, report=report)
