"""Sign in and out. Failed logins are rate limited per user name and per client address (429), counted
in the database so the limit survives a restart and holds across worker processes."""

from __future__ import annotations

import secrets
import time

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from oligoboard.store import repositories as repo
from oligoboard.store.db import transaction
from oligoboard.web.deps import LOGIN_CSRF_COOKIE, SESSION_COOKIE, Principal, factory, permit, settings
from oligoboard.web.security import LoginRateLimiter, verify_password
from oligoboard.web.templating import render

router = APIRouter(include_in_schema=False)


def _set_cookie(request: Request, response: Response, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        secure=settings(request).cookie_secure,
        samesite="strict",
        path="/",
    )


@router.get("/login")
def login_form(request: Request) -> Response:
    token = secrets.token_urlsafe(32)
    response = render("login.html.j2", csrf_token=token, error=None, demo=settings(request).demo)
    _set_cookie(request, response, LOGIN_CSRF_COOKIE, token, 3600)
    return response


@router.post("/login")
async def login(request: Request) -> Response:
    form = await request.form()
    username = str(form.get("username", ""))[:64]
    password = str(form.get("password", ""))
    sent, expected = str(form.get("csrf_token", "")), request.cookies.get(LOGIN_CSRF_COOKIE, "")
    demo = settings(request).demo
    if not expected or not secrets.compare_digest(sent, expected):
        return render(
            "login.html.j2", 403, csrf_token=expected, error="The form expired; try again.", demo=demo
        )
    limiter: LoginRateLimiter = request.app.state.limiter
    client = request.client.host if request.client else "unknown"
    user_key = f"user:{username}"
    keys = (user_key, f"addr:{client}")
    with transaction(factory(request)) as session:
        if limiter.blocked(session, *keys):
            return render(
                "login.html.j2",
                429,
                csrf_token=expected,
                error="Too many failed sign-ins; wait a few minutes.",
                demo=demo,
            )
        user = repo.get_user(session, username)
        if user is None or not user.active or not verify_password(user.password_hash, password):
            limiter.failure(session, *keys)
            return render(
                "login.html.j2", 401, csrf_token=expected, error="Wrong user name or password.", demo=demo
            )
        limiter.success(session, user_key)
        ttl = settings(request).session_ttl_seconds
        token, _csrf = repo.open_session(session, user, ttl, int(time.time()))
    response = RedirectResponse("/cases", status_code=303)
    _set_cookie(request, response, SESSION_COOKIE, token, ttl)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/")
    return response


@router.post("/logout")
def logout(request: Request, _p: Principal = Depends(permit("case:read", csrf=True))) -> Response:
    token = request.cookies.get(SESSION_COOKIE, "")
    with transaction(factory(request)) as session:
        repo.close_session(session, token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
