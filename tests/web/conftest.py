"""A workspace on a temporary SQLite file, one account per role, and a signed-in client per role."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from oligoboard.store import repositories as repo
from oligoboard.store.db import transaction
from oligoboard.web.main import create_app
from oligoboard.web.security import hash_password
from oligoboard.web.settings import Settings

ROLES = ("admin", "clinician", "coordinator", "physicist", "viewer")
PASSWORD = "correct horse battery"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "cases"
DEMO_CASE = EXAMPLES / "demo-02-sync-two-bone-on-induction.json"
CASE_ID = "demo-02-sync-two-bone-on-induction"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "no CSRF field on the page"
    return match.group(1)


@pytest.fixture(scope="module")
def _hashed() -> str:
    return hash_password(PASSWORD)  # argon2 is slow on purpose: hash once per module


@pytest.fixture
def app(tmp_path: Path, _hashed: str) -> FastAPI:
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'web.db'}"))
    with transaction(app.state.factory) as session:
        for role in ROLES:
            repo.add_user(session, role, _hashed, role)
    return app


@pytest.fixture
def anonymous(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="https://testserver") as client:
        yield client


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> int:
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    return int(response.status_code)


@pytest.fixture
def client_for(app: FastAPI) -> Iterator[Callable[[str], TestClient]]:
    clients: list[TestClient] = []

    def make(role: str) -> TestClient:
        client = TestClient(app, base_url="https://testserver")
        clients.append(client)
        assert sign_in(client, role) == 303
        return client

    yield make
    for client in clients:
        client.close()


def csrf(client: TestClient) -> str:
    token = client.get("/api/v1/me").json()["csrf_token"]
    assert isinstance(token, str)
    return token


def upload(client: TestClient, path: Path = DEMO_CASE) -> int:
    response = client.post(
        "/cases",
        data={"csrf_token": csrf(client)},
        files={"file": (path.name, path.read_bytes(), "application/json")},
        follow_redirects=False,
    )
    return int(response.status_code)
