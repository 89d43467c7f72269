"""The server log carries no patient values; the workspace runs on PostgreSQL as on SQLite."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from oligoboard.store import repositories as repo
from oligoboard.store.db import transaction
from oligoboard.web.main import create_app
from oligoboard.web.security import hash_password
from oligoboard.web.settings import Settings
from tests.store.postgres import PostgresServer
from tests.web.conftest import CASE_ID, DEMO_CASE, PASSWORD, csrf, sign_in, upload

SENTINEL = "Sentinel-Value-4711"


def test_no_patient_value_reaches_the_log(
    client_for: object, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert callable(client_for)
    client: TestClient = client_for("clinician")
    caplog.set_level(logging.DEBUG)
    document = json.loads(DEMO_CASE.read_text())
    document["tumour"]["histology"] = SENTINEL
    client.post("/cases", data={"csrf_token": csrf(client), "document": json.dumps(document)})
    # an unexpected failure whose message carries a value: logged by type only
    from oligoboard.web import casework

    def broken(_case: object) -> dict[str, object]:
        raise RuntimeError(f"failed on {SENTINEL}")

    monkeypatch.setattr(casework, "assess", broken)
    document["tumour"]["histology"] = "adenocarcinoma"
    failed = client.post("/cases", data={"csrf_token": csrf(client), "document": json.dumps(document)})
    assert failed.status_code == 500 and SENTINEL not in failed.text
    assert any("RuntimeError" in r.getMessage() for r in caplog.records)
    assert all(SENTINEL not in r.getMessage() for r in caplog.records)


def test_the_workspace_on_postgresql(postgres_server: PostgresServer) -> None:
    app = create_app(Settings(database_url=postgres_server.create_database("web_flow")))
    with transaction(app.state.factory) as session:
        repo.add_user(session, "clara", hash_password(PASSWORD), "clinician")
    with TestClient(app, base_url="https://testserver") as client:
        assert sign_in(client, "clara") == 303
        assert upload(client) == 303
        key = "NCT01282450/remaining-criteria"
        token = csrf(client)
        assert (
            client.post(
                f"/cases/{CASE_ID}/answers", data={"csrf_token": token, "key": key, "value": "no"}
            ).status_code
            == 200
        )
        decided = client.post(
            f"/cases/{CASE_ID}/decisions", data={"csrf_token": token, "recommendation": "dlcg-2025-2"}
        )
        assert decided.status_code == 200 and "On case version" in decided.text
        assert client.get(f"/api/v1/cases/{CASE_ID}").json()["version"] == 2
    with transaction(app.state.factory) as session:
        from oligoboard.store import audit

        report = audit.verify(session)
        assert report.ok and report.events == 4  # user, two versions, decision
    app.state.engine.dispose()


def test_a_real_server_prints_the_demo_login_and_logs_no_patient_value(tmp_path: Path) -> None:
    """`oligoboard serve --demo` (what `make run` starts) in its own process: its stdout names the demo
    login; after a refused upload, a failed sign-in and an edit carrying a sentinel value, neither its
    stdout nor its stderr (the server log) holds the sentinel or a case fact."""
    import os
    import re
    import subprocess
    import sys
    import time

    import httpx

    from tests.store.postgres import free_port

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "OLIGOBOARD_INSECURE_COOKIES": "1"}
    env.pop("DATABASE_URL", None)
    binary = Path(sys.executable).parent / "oligoboard"
    command = [str(binary), "serve", "--demo", "--db", str(tmp_path / "demo.db"), "--port", str(port)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(600):  # bounded wait: the demo cases are assessed before the port opens
            try:
                httpx.get(f"{base}/login", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        with httpx.Client(base_url=base, timeout=30) as client:
            token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
            assert token
            failed = client.post(
                "/login", data={"username": SENTINEL, "password": SENTINEL, "csrf_token": token[1]}
            )
            assert failed.status_code == 401
            signed = client.post(
                "/login",
                data={"username": "demo", "password": "demo-oligoboard", "csrf_token": token[1]},
            )
            assert signed.status_code == 303
            csrf_token = client.get("/api/v1/me").json()["csrf_token"]
            document = json.loads(DEMO_CASE.read_text())
            document["tumour"]["histology"] = SENTINEL
            refused = client.post("/cases", data={"csrf_token": csrf_token, "document": json.dumps(document)})
            assert refused.status_code == 422
            document["tumour"]["histology"] = "adenocarcinoma"
            document["patient"]["age_years"] = 97
            document["note"] = SENTINEL
            client.post("/cases", data={"csrf_token": csrf_token, "document": json.dumps(document)})
            assert client.get(f"/cases/{CASE_ID}").status_code == 200
    finally:
        server.terminate()
        out, err = server.communicate(timeout=30)
    assert "sign in as  demo / demo-oligoboard" in out
    for stream in (out, err):
        assert SENTINEL not in stream
        assert CASE_ID not in stream and "adenocarcinoma" not in stream
