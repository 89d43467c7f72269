"""Failed sign-ins, kept in the database so the rate limit survives restarts and holds across workers.

Each failure is one row per key (`user:<name>`, `addr:<client address>`), stored as the SHA-256 of the key:
a user name field sometimes receives a password typed in the wrong box, and the table should not keep it.
A key is locked out once `max_failures` failures fall inside any `window_seconds`; the lockout lasts
`lockout_seconds` from the failure that reached the limit. Attempts made while locked are refused without
being counted (a locked account cannot be kept locked for ever by hammering it), and rows older than the
longest span that can still matter are pruned on every failure. Times are wall-clock epoch seconds, the
one clock that several worker processes share.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import Float, Index, String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from oligoboard.store.models import Base


class LoginFailure(Base):
    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_key_at", "key_hash", "failed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    failed_at: Mapped[float] = mapped_column(Float)


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class LoginPolicy:
    """How many failures (`max_failures`) inside `window_seconds` lock a key, and for how long."""

    max_failures: int
    window_seconds: float
    lockout_seconds: float

    def locked_until(self, times: list[float]) -> float | None:
        """The end of the latest lockout that `times` (failure times, any order) cause, or None.

        Example:
            >>> LoginPolicy(2, 60, 300).locked_until([0.0, 30.0])
            330.0
            >>> LoginPolicy(2, 60, 300).locked_until([0.0, 61.0]) is None
            True
        """
        ordered = sorted(times)
        until: float | None = None
        for index in range(self.max_failures - 1, len(ordered)):
            first, reached = ordered[index - self.max_failures + 1], ordered[index]
            if reached - first <= self.window_seconds:
                until = reached + self.lockout_seconds
        return until


def _times(session: Session, keys: tuple[str, ...], since: float) -> dict[str, list[float]]:
    hashes = {key_hash(k): k for k in keys}
    rows = session.execute(
        select(LoginFailure.key_hash, LoginFailure.failed_at).where(
            LoginFailure.key_hash.in_(hashes), LoginFailure.failed_at > since
        )
    )
    out: dict[str, list[float]] = {k: [] for k in keys}
    for hashed, at in rows:
        out[hashes[hashed]].append(float(at))
    return out


def locked(session: Session, policy: LoginPolicy, now: float, *keys: str) -> bool:
    """Whether any of `keys` is locked out at `now`."""
    horizon = now - policy.window_seconds - policy.lockout_seconds
    for times in _times(session, keys, horizon).values():
        until = policy.locked_until(times)
        if until is not None and now < until:
            return True
    return False


def record_failure(session: Session, policy: LoginPolicy, now: float, *keys: str) -> None:
    """Count one failed sign-in against every key, pruning rows too old to lock anything."""
    horizon = now - policy.window_seconds - policy.lockout_seconds
    session.execute(delete(LoginFailure).where(LoginFailure.failed_at <= horizon))
    session.add_all(LoginFailure(key_hash=key_hash(k), failed_at=now) for k in keys)


def clear(session: Session, *keys: str) -> None:
    """Forget the failures of `keys` (a successful sign-in clears its user name, not its address:
    one valid account must not reset the counter of an address that is guessing others)."""
    session.execute(delete(LoginFailure).where(LoginFailure.key_hash.in_([key_hash(k) for k in keys])))
