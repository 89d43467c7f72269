"""Authentication, authorisation and CSRF for every route.

A route declares `Depends(permit("case:write", csrf=True))`: the session cookie must name a live
server-side session (401, or a redirect to /login for pages), the role must hold the permission (403),
and an unsafe request must carry the session's CSRF token (form field `csrf_token`, or header
`X-CSRF-Token` for the JSON API) (403).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fastapi import Request
from sqlalchemy.orm import Session, sessionmaker

from oligoboard.store import repositories as repo
from oligoboard.store.db import transaction
from oligoboard.web.permissions import Permission, allowed
from oligoboard.web.settings import Settings

SESSION_COOKIE = "oligoboard_session"
LOGIN_CSRF_COOKIE = "oligoboard_login_csrf"


class NotAuthenticated(Exception):
    """No live session: pages redirect to /login, the API answers 401."""


class Forbidden(Exception):
    """Signed in, but the role lacks the permission or the CSRF token is wrong: 403."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Principal:
    username: str
    role: str
    csrf_token: str

    def can(self, permission: Permission) -> bool:
        return allowed(self.role, permission)


def factory(request: Request) -> sessionmaker[Session]:
    value: sessionmaker[Session] = request.app.state.factory
    return value


def settings(request: Request) -> Settings:
    value: Settings = request.app.state.settings
    return value


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def authenticate(request: Request) -> Principal:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise NotAuthenticated()
    with transaction(factory(request)) as session:
        found = repo.find_session(session, token, int(time.time()))
        if found is None:
            raise NotAuthenticated()
        row, user = found
        return Principal(user.username, user.role, row.csrf_token)


async def check_csrf(request: Request, principal: Principal) -> None:
    if is_api(request):
        sent = request.headers.get("x-csrf-token", "")
    else:
        form = await request.form()
        value = form.get("csrf_token", "")
        sent = value if isinstance(value, str) else ""
    if not sent or not secrets.compare_digest(sent, principal.csrf_token):
        raise Forbidden("the form is out of date or was not sent by this workspace (CSRF check failed)")


def permit(permission: Permission, *, csrf: bool = False) -> Callable[[Request], Awaitable[Principal]]:
    """The dependency of one route: authenticated, authorised for `permission`, CSRF-checked if `csrf`."""

    async def dependency(request: Request) -> Principal:
        principal = authenticate(request)
        if not principal.can(permission):
            raise Forbidden(f"your role ({principal.role}) may not do this ({permission})")
        if csrf:
            await check_csrf(request, principal)
        return principal

    return dependency
