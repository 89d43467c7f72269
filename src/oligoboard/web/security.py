"""Passwords (argon2id), the demo login, and login rate limiting.

The demo password is public (it is printed by `make run`), so a workspace started without `--demo`
refuses to run while any active account still accepts it, and `oligoboard user add` refuses it too.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

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
    """At most `max_failures` failed logins per key (user name, client address) in a sliding window.

    In memory, per process: enough for one `oligoboard serve`; the clock is injectable for tests.
    """

    max_failures: int
    window_seconds: int
    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, deque[float]] = field(default_factory=dict)

    def _recent(self, key: str) -> deque[float]:
        now = self.clock()
        entries = self._failures.setdefault(key, deque())
        while entries and entries[0] <= now - self.window_seconds:
            entries.popleft()
        return entries

    def blocked(self, *keys: str) -> bool:
        return any(len(self._recent(key)) >= self.max_failures for key in keys)

    def failure(self, *keys: str) -> None:
        for key in keys:
            self._recent(key).append(self.clock())

    def success(self, *keys: str) -> None:
        for key in keys:
            self._failures.pop(key, None)
