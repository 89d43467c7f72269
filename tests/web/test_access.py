"""Roles on every route: each role is allowed exactly what permissions.py grants, everyone else is refused.

Anonymous requests get a redirect to /login (pages) or 401 (API); a role without the permission gets 403;
an unsafe request without the session's CSRF token gets 403 even for a role that holds the permission.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from oligoboard.web.permissions import ROLE_PERMISSIONS, Permission
from tests.web.conftest import CASE_ID, ROLES, csrf, upload

#: (method, path, permission, form or JSON body). Paths use the demo case uploaded before each run.
ROUTES: list[tuple[str, str, Permission, dict[str, object] | None]] = [
    ("GET", "/cases", "case:read", None),
    ("GET", f"/cases/{CASE_ID}", "case:read", None),
    ("GET", f"/cases/{CASE_ID}/history", "case:read", None),
    ("GET", "/meetings", "case:read", None),
    ("GET", "/cases/new", "case:write", None),
    ("POST", "/cases", "case:write", {"document": ""}),
    ("GET", "/cases/new/form", "case:write", None),
    ("POST", "/cases/new/form", "case:write", {"id": ""}),
    ("GET", f"/cases/{CASE_ID}/edit", "case:write", None),
    ("POST", f"/cases/{CASE_ID}/edit", "case:write", {"assessment_date": ""}),
    ("POST", f"/cases/{CASE_ID}/answers", "criterion:answer", {"key": "x", "value": "maybe"}),
    ("POST", f"/cases/{CASE_ID}/decisions", "decision:write", {"recommendation": ""}),
    ("POST", "/meetings", "meeting:write", {"title": "", "meeting_date": ""}),
    ("GET", "/audit", "audit:read", None),
    ("GET", f"/cases/{CASE_ID}/diff?a=1&b=1", "case:read", None),
    ("GET", "/meetings/1", "case:read", None),
    ("POST", "/meetings/1/cases", "meeting:write", {"case_id": "no-such-case"}),
    ("GET", "/decisions/1", "case:read", None),
    ("GET", f"/cases/{CASE_ID}/report.pdf", "case:read", None),
    ("GET", "/decisions/1/report.pdf", "case:read", None),
    ("GET", f"/api/v1/cases/{CASE_ID}/assessment", "case:read", None),
    ("GET", "/api/v1/me", "case:read", None),
    ("GET", "/api/v1/cases", "case:read", None),
    ("GET", f"/api/v1/cases/{CASE_ID}", "case:read", None),
    ("GET", f"/api/v1/cases/{CASE_ID}/versions", "case:read", None),
    ("GET", f"/api/v1/cases/{CASE_ID}/decisions", "case:read", None),
    ("GET", "/api/v1/meetings", "case:read", None),
    ("POST", "/api/v1/cases", "case:write", {"id": 1}),
    ("POST", f"/api/v1/cases/{CASE_ID}/answers", "criterion:answer", {"key": ""}),
    ("POST", f"/api/v1/cases/{CASE_ID}/decisions", "decision:write", {"recommendation": ""}),
]


def _prepare(admin: TestClient) -> None:
    """The demo case, meeting 1 and decision 1, so every id in ROUTES exists."""
    assert upload(admin) == 303
    token = csrf(admin)
    made = admin.post("/meetings", data={"csrf_token": token, "title": "MDT", "meeting_date": "2026-12-03"})
    assert made.status_code == 200
    decided = admin.post(f"/cases/{CASE_ID}/decisions", data={"csrf_token": token, "recommendation": "r"})
    assert decided.status_code == 200


def _send(
    client: TestClient, method: str, path: str, body: dict[str, object] | None, token: str | None
) -> int:
    if method == "GET":
        return int(client.get(path, follow_redirects=False).status_code)
    if path.startswith("/api/"):
        headers = {"X-CSRF-Token": token} if token else {}
        return int(client.post(path, json=body, headers=headers, follow_redirects=False).status_code)
    data = {**(body or {}), **({"csrf_token": token} if token else {})}
    return int(client.post(path, data=data, follow_redirects=False).status_code)


@pytest.mark.parametrize("role", ROLES)
def test_every_route_allows_exactly_the_roles_holding_its_permission(
    client_for: Callable[[str], TestClient], role: str
) -> None:
    _prepare(client_for("admin"))
    client = client_for(role)
    token = csrf(client)
    for method, path, permission, body in ROUTES:
        status = _send(client, method, path, body, token)
        if permission in ROLE_PERMISSIONS[role]:
            # allowed: the page, or the form's own validation refusing the deliberately empty input
            assert status in (200, 404, 422), f"{role} {method} {path}: {status}"
        else:
            assert status == 403, f"{role} {method} {path}: {status} (expected 403)"


def test_anonymous_requests_are_sent_to_sign_in(anonymous: TestClient) -> None:
    for method, path, _permission, body in ROUTES:
        status = _send(anonymous, method, path, body, None)
        expected = 401 if path.startswith("/api/") else 303
        assert status == expected, f"{method} {path}: {status}"


@pytest.mark.parametrize("token", [None, "forged-token"])
def test_unsafe_requests_without_the_session_csrf_token_are_refused(
    client_for: Callable[[str], TestClient], token: str | None
) -> None:
    admin = client_for("admin")
    assert upload(admin) == 303
    for method, path, _permission, body in ROUTES:
        if method == "POST":
            assert _send(admin, method, path, body, token) == 403, path


def test_csrf_token_of_another_session_is_refused(client_for: Callable[[str], TestClient]) -> None:
    admin, clinician = client_for("admin"), client_for("clinician")
    response = admin.post(
        "/meetings", data={"title": "MDT", "meeting_date": "2026-12-03", "csrf_token": csrf(clinician)}
    )
    assert response.status_code == 403


def test_every_route_of_the_app_is_in_the_table(client_for: Callable[[str], TestClient]) -> None:
    """A new route must be added to ROUTES (so its denials are tested) or to the public/detail list."""
    from starlette.routing import Route

    app = client_for("viewer").app
    public = {"/", "/login", "/logout", "/docs", "/docs/oauth2-redirect", "/openapi.json"}
    # CDS Hooks: called by an EHR with a bearer JWT, not a session; refusals in tests/interop/test_cds_auth.py
    public |= {"/cds-services", "/cds-services/{service_id}", "/cds-services/{service_id}/feedback"}
    listed = {
        path.replace(CASE_ID, "{case_id}")
        .split("?")[0]
        .replace("/meetings/1", "/meetings/{meeting_id}")
        .replace("/decisions/1", "/decisions/{decision_id}")
        for _m, path, _p, _b in ROUTES
    }
    routes = {r.path for r in app.routes if isinstance(r, Route)}  # type: ignore[attr-defined]
    assert routes - public - listed == set()
