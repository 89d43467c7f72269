"""The store-backed login limiter on SQLite and PostgreSQL: window, lockout, pruning, per-key clearing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from oligoboard.store import login_attempts as attempts
from oligoboard.store.db import transaction
from oligoboard.store.login_attempts import LoginFailure, LoginPolicy

POLICY = LoginPolicy(max_failures=3, window_seconds=60, lockout_seconds=600)


def _fail(factory: sessionmaker[Session], at: float, *keys: str) -> None:
    with transaction(factory) as session:
        attempts.record_failure(session, POLICY, at, *keys)


def _locked(factory: sessionmaker[Session], at: float, *keys: str) -> bool:
    with transaction(factory) as session:
        return attempts.locked(session, POLICY, at, *keys)


def test_limit_inside_the_window_locks_for_the_lockout(factory: sessionmaker[Session]) -> None:
    for at in (0.0, 10.0):
        _fail(factory, at, "user:ann", "addr:1")
    assert not _locked(factory, 11.0, "user:ann")
    _fail(factory, 20.0, "user:ann", "addr:1")
    assert _locked(factory, 21.0, "user:ann") and _locked(factory, 21.0, "addr:1")
    assert not _locked(factory, 21.0, "user:bob", "addr:2")
    assert _locked(factory, 20.0 + 599, "user:ann")
    assert not _locked(factory, 20.0 + 600, "user:ann")


def test_failures_spread_wider_than_the_window_do_not_lock(factory: sessionmaker[Session]) -> None:
    for at in (0.0, 40.0, 80.0):  # any three span more than 60 s
        _fail(factory, at, "user:ann")
    assert not _locked(factory, 81.0, "user:ann")


def test_success_clears_the_user_name_but_not_the_address(factory: sessionmaker[Session]) -> None:
    for at in (0.0, 1.0, 2.0):
        _fail(factory, at, "user:ann", "addr:1")
    with transaction(factory) as session:
        attempts.clear(session, "user:ann")
    assert not _locked(factory, 3.0, "user:ann") and _locked(factory, 3.0, "addr:1")


def test_keys_are_stored_hashed_and_old_rows_pruned(factory: sessionmaker[Session]) -> None:
    _fail(factory, 0.0, "user:typed-a-password-here")
    _fail(factory, 10_000.0, "user:ann")
    with transaction(factory) as session:
        stored = session.scalars(select(LoginFailure.key_hash)).all()
        assert stored == [attempts.key_hash("user:ann")]
        assert all("ann" not in h for h in stored)
        assert session.scalar(select(func.count()).select_from(LoginFailure)) == 1


@pytest.mark.parametrize(
    ("times", "until"),
    [([0.0, 1.0], None), ([0.0, 1.0, 2.0], 602.0), ([0.0, 1.0, 70.0], None), ([0.0, 30.0, 60.0], 660.0)],
)
def test_locked_until(times: list[float], until: float | None) -> None:
    assert POLICY.locked_until(times) == until
