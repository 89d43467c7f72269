"""Passwords (argon2id), the demo login, and login rate limiting (store-backed).

The demo password is public (it is printed by `make run`), so a workspace started without `--demo`
refuses to run while any active account still accepts it, and `oligoboard user add` refuses it too.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from oligoboard.store import login_attempts as attempts
from oligoboard.store.login_attempts import LoginPolicy

DEMO_USER = "demo"
DEMO_PASSWORD = "demo-oligoboard"
MIN_PASSWORD_LENGTH = 10

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str, *, demo: bool = False) -> str | None:
    """Why a new password is refused, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"password must have at least {MIN_PASSWORD_LENGTH} characters"
    if password == DEMO_PASSWORD and not demo:
        return "the demo password is public; choose another"
    return None


@dataclass
class LoginRateLimiter:
    """Failed sign-ins per key (user name, client address), counted in the database
    (`store.login_attempts`), so a restart or a second worker does not reset the limit.

    The clock is wall time (shared by every process) and injectable for tests.
    """

    policy: LoginPolicy
    clock: Callable[[], float] = time.time

    def blocked(self, session: Session, *keys: str) -> bool:
        return attempts.locked(session, self.policy, self.clock(), *keys)

    def failure(self, session: Session, *keys: str) -> None:
        attempts.record_failure(session, self.policy, self.clock(), *keys)

    def success(self, session: Session, user_key: str) -> None:
        attempts.clear(session, user_key)
