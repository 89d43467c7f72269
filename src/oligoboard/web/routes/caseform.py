"""New case / Edit case: the case@2 form, validated by the contract, stored as a new case version.

A refused form answers 422 with each problem next to its field (no value echoed back in a message) and
stores nothing; "add row" re-renders the form with one more blank row of that list (no JavaScript).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from oligoboard.errors import InputError
from oligoboard.store import repositories as repo
from oligoboard.store.db import transaction
from oligoboard.web import caseform
from oligoboard.web.deps import Principal, factory, permit
from oligoboard.web.problems import safe_problems, safe_summary
from oligoboard.web.routes.cases import load, store_case
from oligoboard.web.templating import render

router = APIRouter(include_in_schema=False)


def _page(
    p: Principal,
    action: str,
    values: dict[str, str],
    case_id: str | None = None,
    problems: list[dict[str, Any]] | None = None,
    message: str | None = None,
    status: int = 200,
) -> Response:
    errors: dict[str, str] = {}
    for pr in problems or []:
        errors.setdefault(pr["path"], pr["message"])
    readonly = frozenset({"id"}) if case_id is not None else frozenset()
    root = caseform.sections(values, errors, readonly)
    return render(
        "caseform.html.j2",
        status,
        principal=p,
        action=action,
        case_id=case_id,
        root=root,
        problems=problems or [],
        message=message,
        note=values.get("note", ""),
    )


async def _submit(
    request: Request, p: Principal, action: str, case_id: str | None, answers: dict[str, Any] | None
) -> Response:
    values = caseform.form_values(await request.form())
    if case_id is not None:
        values["id"] = case_id  # the case being edited keeps its id
    add = values.pop("add", "")
    if add:
        return _page(p, action, caseform.with_row_added(values, add[:300]), case_id)
    document = caseform.document_from(values, answers)
    note = values.get("note", "")[:500] or ("edited in the form" if case_id else "created in the form")
    try:
        with transaction(factory(request)) as session:
            store_case(session, document, p.username, note)
    except InputError as exc:
        return _page(p, action, values, case_id, safe_problems(exc), safe_summary(exc), 422)
    return RedirectResponse(f"/cases/{quote(str(document.get('id', '')), safe='')}", status_code=303)


@router.get("/cases/new/form")
def new_form(p: Principal = Depends(permit("case:write"))) -> Response:
    return _page(p, "/cases/new/form", {})


@router.post("/cases/new/form")
async def new_submit(request: Request, p: Principal = Depends(permit("case:write", csrf=True))) -> Response:
    return await _submit(request, p, "/cases/new/form", None, None)


def _current(request: Request, case_id: str) -> dict[str, Any]:
    with transaction(factory(request)) as session:
        _record, found = load(session, case_id)
        return repo.document_of(found)


@router.get("/cases/{case_id}/edit")
def edit_form(request: Request, case_id: str, p: Principal = Depends(permit("case:write"))) -> Response:
    return _page(
        p, f"/cases/{quote(case_id, safe='')}/edit", caseform.flatten(_current(request, case_id)), case_id
    )


@router.post("/cases/{case_id}/edit")
async def edit_submit(
    request: Request, case_id: str, p: Principal = Depends(permit("case:write", csrf=True))
) -> Response:
    answers = _current(request, case_id).get("answers")
    return await _submit(request, p, f"/cases/{quote(case_id, safe='')}/edit", case_id, answers)
