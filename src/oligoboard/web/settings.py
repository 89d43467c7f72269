"""Settings of one running workspace, read once at start-up (environment, then `oligoboard serve` flags)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from oligoboard.interop.cds_hooks.config import CdsConfig, load_config

#: Session lifetime: a working day. The cookie and the server-side row expire together.
SESSION_TTL_SECONDS = 8 * 3600
#: Failed logins allowed per user name and per client address inside the window, then 429 for the
#: lockout (counted in the database: restarts and other workers see the same count).
LOGIN_MAX_FAILURES = 5
LOGIN_WINDOW_SECONDS = 300
LOGIN_LOCKOUT_SECONDS = 900


@dataclass(frozen=True)
class Settings:
    database_url: str
    demo: bool = False
    #: Secure cookies need HTTPS; browsers also accept them on http://127.0.0.1 and localhost.
    cookie_secure: bool = True
    session_ttl_seconds: int = SESSION_TTL_SECONDS
    login_max_failures: int = LOGIN_MAX_FAILURES
    login_window_seconds: int = LOGIN_WINDOW_SECONDS
    cds: CdsConfig = field(
        default_factory=CdsConfig
    )  # trusted EHRs of the CDS Hooks service (docs/cds-hooks.md)
    login_lockout_seconds: int = LOGIN_LOCKOUT_SECONDS

    @classmethod
    def from_env(cls, database_url: str, demo: bool = False) -> Settings:
        insecure = os.environ.get("OLIGOBOARD_INSECURE_COOKIES", "") == "1"
        cds = load_config(os.environ.get("OLIGOBOARD_CDS_CONFIG"))
        return cls(database_url=database_url, demo=demo, cookie_secure=not insecure, cds=cds)
