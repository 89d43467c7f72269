"""Randomisation under load and under a crash, through a real uvicorn server process on loopback.

- 50 simultaneous `POST /api/v1/trials/{id}/randomisations` (50 threads, one HTTP connection each) for 50
  enrolled patients: sequence numbers are exactly 1..50, each patient once, the log chain verifies; on a
  SQLite file and on a real PostgreSQL server.
- The server is SIGKILLed while a randomisation holds its transaction open (the test-only hook
  `OLIGOBOARD_TEST_HOLD_RANDOMISATION` makes it wait after the allocation is written, before commit); after
  a restart nothing of that allocation is left, the chain verifies, and the next randomisation continues
  the sequence without a gap.
Run as `python -m tests.web.test_trials_concurrency URL PORT` it is the server (used by the tests).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine

from oligoboard.store import repositories as repo
from oligoboard.store import trial_repositories as trials
from oligoboard.store.db import make_engine, session_factory, transaction, upgrade
from oligoboard.trial import enrolment as service
from oligoboard.trial.enrolment import HOLD_ENV
from oligoboard.trial.randomisation.config import operations_for
from oligoboard.web import casework
from tests.store.postgres import PostgresServer, free_port

ROOT = Path(__file__).resolve().parents[2]
CASE = ROOT / "examples" / "cases" / "demo-02-sync-two-bone-on-induction.json"
SALVAGE = "NCT06114108"  # minimisation, with the entered factor `centre`
PASSWORD = "correct horse battery"
N = 50
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')

pytestmark = pytest.mark.slow


_numbers = iter(range(10_000))


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'load.db'}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.create_database(f"load{next(_numbers)}")


def prepare(url: str, n: int) -> list[int]:
    """Migrate, add a coordinator, store `n` synthetic copies of demo-02 and enrol each into salVage."""
    from oligoboard.web.security import hash_password

    engine: Engine = make_engine(url)
    upgrade(engine)
    factory = session_factory(engine)
    config = operations_for(SALVAGE)
    template = json.loads(CASE.read_text(encoding="utf-8"))
    ids = []
    with transaction(factory) as session:
        repo.add_user(session, "coord", hash_password(PASSWORD), "coordinator")
        for i in range(n):
            case = casework.validate({**template, "id": f"load-{i:03d}"})
            assessment = casework.assess(case)
            record, _ = repo.save_version(
                session,
                casework.stored_form(case),
                assessment["case_hash"],
                "test",
                casework.index_of(assessment),
            )
            row = service.enrol(
                session, config, record, assessment, "coord", enrolment_date=dt.date(2026, 10, 1)
            )
            ids.append(row.id)
    trials.ensure_trial(factory, SALVAGE)
    engine.dispose()
    return ids


class Server:
    def __init__(self, url: str, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        # a file, not a pipe: a chatty server never blocks on it; closed when the object goes
        self.log = tempfile.TemporaryFile()  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.web.test_trials_concurrency", url, str(self.port)],
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            stdout=subprocess.DEVNULL,
            stderr=self.log,
        )
        self.base = f"http://127.0.0.1:{self.port}"
        for _ in range(300):  # bounded wait for start-up (not a timed assertion: it only waits)
            try:
                httpx.get(f"{self.base}/login", timeout=1.0)
                return
            except httpx.TransportError:
                if self.process.poll() is not None:
                    self.log.seek(0)
                    errors = self.log.read()
                    raise RuntimeError("server exited: " + errors.decode()[-2000:]) from None
                time.sleep(0.1)
        raise RuntimeError("server did not start")

    def sign_in(self) -> dict[str, str]:
        """Headers carrying the session cookie and CSRF token (set by hand: the cookie is `Secure`)."""
        with httpx.Client(base_url=self.base) as client:
            page = client.get("/login")
            token = _CSRF.search(page.text)
            assert token
            response = client.post(
                "/login", data={"username": "coord", "password": PASSWORD, "csrf_token": token.group(1)}
            )
            assert response.status_code == 303, response.text
            session = response.cookies.get("oligoboard_session")
            assert session
            headers = {"Cookie": f"oligoboard_session={session}"}
            csrf = client.get("/api/v1/me", headers=headers).json()["csrf_token"]
        return {**headers, "X-CSRF-Token": csrf}

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


def randomise(base: str, headers: dict[str, str], enrolment_id: int, centre: str) -> httpx.Response:
    with httpx.Client(base_url=base, timeout=120.0) as client:
        return client.post(
            f"/api/v1/trials/{SALVAGE}/randomisations",
            json={
                "enrolment_id": enrolment_id,
                "factors": {"centre": centre},
                "randomisation_date": "2026-10-02",
            },
            headers=headers,
        )


def verify(url: str) -> trials.LogReport:
    engine = make_engine(url)
    try:
        with transaction(session_factory(engine)) as session:
            return trials.verify_log(session, SALVAGE)
    finally:
        engine.dispose()


def test_fifty_simultaneous_randomisations_give_one_to_fifty(url: str) -> None:
    enrolment_ids = prepare(url, N)
    server = Server(url)
    try:
        headers = server.sign_in()
        start = threading.Barrier(N)

        def fire(i: int) -> httpx.Response:
            start.wait()  # all 50 threads send together
            return randomise(server.base, headers, enrolment_ids[i], "AB"[i % 2])

        with ThreadPoolExecutor(max_workers=N) as pool:
            responses = list(pool.map(fire, range(N)))
    finally:
        server.stop()
    assert [r.status_code for r in responses] == [201] * N, [
        r.text for r in responses if r.status_code != 201
    ][:3]
    answers: list[dict[str, Any]] = [r.json() for r in responses]
    assert sorted(a["sequence"] for a in answers) == list(range(1, N + 1))
    assert sorted(a["enrolment_id"] for a in answers) == sorted(enrolment_ids)
    report = verify(url)
    assert report.ok and report.entries == N, report.first_broken


def test_a_server_killed_mid_assignment_leaves_sequence_and_chain_intact(url: str, tmp_path: Path) -> None:
    enrolment_ids = prepare(url, 5)
    server = Server(url)
    try:
        headers = server.sign_in()
        for i in range(3):
            assert randomise(server.base, headers, enrolment_ids[i], "A").status_code == 201
    finally:
        server.stop()
    flag = tmp_path / "holding"
    held = Server(url, {HOLD_ENV: str(flag)})
    headers = held.sign_in()
    outcome: list[object] = []
    thread = threading.Thread(
        target=lambda: outcome.append(_attempt(held.base, headers, enrolment_ids[3])), daemon=True
    )
    thread.start()
    for _ in range(600):  # wait until the allocation is written and the transaction is held open
        if flag.exists():
            break
        time.sleep(0.05)
    assert flag.exists(), "the hold hook never ran"
    held.kill()
    thread.join(timeout=60)
    assert (
        outcome
        and isinstance(outcome[0], Exception | httpx.Response)
        and not (isinstance(outcome[0], httpx.Response) and outcome[0].status_code == 201)
    )
    report = verify(url)
    assert report.ok and report.entries == 3, report.first_broken
    restarted = Server(url)
    try:
        headers = restarted.sign_in()
        again = randomise(restarted.base, headers, enrolment_ids[3], "A")
        after = randomise(restarted.base, headers, enrolment_ids[4], "B")
    finally:
        restarted.stop()
    assert again.status_code == 201 and again.json()["sequence"] == 4
    assert after.status_code == 201 and after.json()["sequence"] == 5
    report = verify(url)
    assert report.ok and report.entries == 5, report.first_broken


def _attempt(base: str, headers: dict[str, str], enrolment_id: int) -> object:
    try:
        return randomise(base, headers, enrolment_id, "A")
    except httpx.HTTPError as exc:
        return exc


def _serve(url: str, port: int) -> None:
    import uvicorn

    from oligoboard.web.main import create_app
    from oligoboard.web.settings import Settings

    app = create_app(Settings(database_url=url, cookie_secure=False))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


if __name__ == "__main__":
    _serve(sys.argv[1], int(sys.argv[2]))
