"""Sign-in: argon2 passwords, cookie flags, expiry, sign-out, and the rate limit on failed logins."""

from __future__ import annotations

import time
from collections.abc import Callable

from fastapi import FastAPI
from fastapi.testclient import TestClient

from oligoboard.store import repositories as repo
from oligoboard.store.db import transaction
from oligoboard.store.models import LoginSession, User
from oligoboard.web.main import create_app
from oligoboard.web.security import hash_password, password_problem, verify_password
from tests.web.conftest import PASSWORD, csrf, csrf_of, sign_in


def test_passwords_are_argon2id_and_verified() -> None:
    hashed = hash_password("a long password")
    assert hashed.startswith("$argon2id$")
    assert verify_password(hashed, "a long password") and not verify_password(hashed, "another one")
    assert not verify_password("not-a-hash", "x")


def test_weak_and_demo_passwords_are_refused() -> None:
    assert password_problem("short") is not None
    assert password_problem("demo-oligoboard") is not None
    assert password_problem("demo-oligoboard", demo=True) is None
    assert password_problem("correct horse battery") is None


def test_session_cookie_is_secure_http_only_same_site_with_expiry(anonymous: TestClient) -> None:
    token = csrf_of(anonymous.get("/login").text)
    response = anonymous.post(
        "/login",
        data={"username": "viewer", "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    cookie = next(
        v for k, v in response.headers.multi_items() if k == "set-cookie" and "oligoboard_session=" in v
    )
    lowered = cookie.lower()
    assert (
        "httponly" in lowered
        and "secure" in lowered
        and "samesite=strict" in lowered
        and "max-age=28800" in lowered
    )


def test_wrong_password_and_missing_login_csrf_are_refused(anonymous: TestClient) -> None:
    assert sign_in(anonymous, "viewer", "wrong password") == 401
    response = anonymous.post("/login", data={"username": "viewer", "password": PASSWORD, "csrf_token": "x"})
    assert response.status_code == 403
    assert anonymous.get("/api/v1/me").status_code == 401


def test_expired_session_is_refused(client_for: Callable[[str], TestClient], app: FastAPI) -> None:
    client = client_for("viewer")
    assert client.get("/api/v1/me").status_code == 200
    with transaction(app.state.factory) as session:
        for row in session.query(LoginSession).all():
            row.expires_at = int(time.time()) - 1
    assert client.get("/api/v1/me").status_code == 401


def test_sign_out_ends_the_server_side_session(client_for: Callable[[str], TestClient]) -> None:
    client = client_for("viewer")
    cookie = client.cookies.get("oligoboard_session")
    assert (
        client.post("/logout", data={"csrf_token": csrf(client)}, follow_redirects=False).status_code == 303
    )
    replay = TestClient(
        client.app, base_url="https://testserver", cookies={"oligoboard_session": cookie or ""}
    )
    assert replay.get("/api/v1/me").status_code == 401


def test_deactivated_user_loses_access(client_for: Callable[[str], TestClient], app: FastAPI) -> None:
    client = client_for("viewer")
    with transaction(app.state.factory) as session:
        user = session.query(User).filter_by(username="viewer").one()
        user.active = False
    assert client.get("/api/v1/me").status_code == 401


def test_failed_logins_are_rate_limited_even_for_the_right_password(
    anonymous: TestClient, app: FastAPI
) -> None:
    limit = app.state.settings.login_max_failures
    for _ in range(limit):
        assert sign_in(anonymous, "viewer", "wrong password") == 401
    assert sign_in(anonymous, "viewer", "wrong password") == 429
    assert sign_in(anonymous, "viewer", PASSWORD) == 429
    with transaction(app.state.factory) as session:
        assert repo.get_user(session, "viewer") is not None


def test_rate_limit_survives_a_restart_on_the_same_database(anonymous: TestClient, app: FastAPI) -> None:
    """A second app on the same database (a restart, or another worker) sees the same failures."""
    for _ in range(app.state.settings.login_max_failures):
        assert sign_in(anonymous, "viewer", "wrong password") == 401
    restarted = create_app(app.state.settings)
    with TestClient(restarted, base_url="https://testserver") as other:
        assert sign_in(other, "viewer", PASSWORD) == 429


def test_rate_limit_holds_per_client_address_across_user_names(anonymous: TestClient, app: FastAPI) -> None:
    names = [f"nobody{i}" for i in range(app.state.settings.login_max_failures)]
    for name in names:
        assert sign_in(anonymous, name, "wrong password") == 401
    assert sign_in(anonymous, "admin", PASSWORD) == 429  # same address, a name never tried before


def test_lockout_lasts_its_window_then_lifts(anonymous: TestClient, app: FastAPI) -> None:
    now = [1_000_000.0]
    app.state.limiter.clock = lambda: now[0]
    settings = app.state.settings
    for _ in range(settings.login_max_failures):
        assert sign_in(anonymous, "viewer", "wrong password") == 401
    now[0] += settings.login_lockout_seconds - 1
    assert sign_in(anonymous, "viewer", PASSWORD) == 429
    now[0] += 2
    assert sign_in(anonymous, "viewer", PASSWORD) == 303
