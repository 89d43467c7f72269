"""`oligoboard user add`, `oligoboard audit verify` and the refusal of the demo password outside demo mode."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from oligoboard.cli.main import main
from oligoboard.store import repositories as repo
from oligoboard.store.db import make_engine, session_factory, transaction, upgrade
from oligoboard.web.security import DEMO_PASSWORD, hash_password


@pytest.fixture(autouse=True)
def _no_database_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)


def test_user_add_creates_an_argon2_account(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "w.db"
    assert (
        main(["user", "add", "ann", "--role", "clinician", "--password", "a long password", "--db", str(db)])
        == 0
    )
    assert main(["user", "list", "--db", str(db)]) == 0
    assert "ann" in capsys.readouterr().out
    with transaction(session_factory(make_engine(f"sqlite:///{db}"))) as session:
        user = repo.get_user(session, "ann")
        assert user is not None and user.role == "clinician" and user.password_hash.startswith("$argon2id$")


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["bad name!", "--password", "a long password"], "username"),
        (["ann", "--role", "surgeon", "--password", "a long password"], "role"),
        (["ann", "--password", "short"], "password"),
        (["ann", "--password", DEMO_PASSWORD], "password"),
    ],
)
def test_user_add_refuses_bad_input_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], field: str
) -> None:
    assert main(["user", "add", *args, "--db", str(tmp_path / "w.db")]) == 2
    assert f"{field}:" in capsys.readouterr().err


def test_audit_verify_passes_then_fails_after_tampering(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "w.db"
    assert main(["user", "add", "ann", "--password", "a long password", "--db", str(db)]) == 0
    assert main(["audit", "verify", "--db", str(db)]) == 0
    assert "intact: 1 event" in capsys.readouterr().out
    engine = make_engine(f"sqlite:///{db}")
    with engine.begin() as conn:
        conn.execute(text("DROP TRIGGER audit_events_no_update"))
        conn.execute(text('UPDATE audit_events SET after = \'{"role":"admin"}\''))
    assert main(["audit", "verify", "--db", str(db)]) == 1
    assert "event 1: content changed" in capsys.readouterr().err


def test_audit_verify_on_a_missing_database_is_exit_2(tmp_path: Path) -> None:
    assert main(["audit", "verify", "--db", str(tmp_path / "none.db")]) == 2


def test_serve_refuses_to_start_while_an_account_has_the_demo_password(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "w.db"
    engine = make_engine(f"sqlite:///{db}")
    upgrade(engine)
    with transaction(session_factory(engine)) as session:
        repo.add_user(session, "demo", hash_password(DEMO_PASSWORD), "clinician")
    assert main(["serve", "--db", str(db), "--port", "1"]) == 2
    assert "public demo password" in capsys.readouterr().err
