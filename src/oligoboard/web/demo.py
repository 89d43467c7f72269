"""Demo mode: the synthetic demo cases and one printed login, for `make run` only.

A normal start refuses to run while any active account still accepts the demo password (it is public).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from oligoboard.store import repositories as repo
from oligoboard.store.db import transaction
from oligoboard.store.models import User
from oligoboard.web import casework
from oligoboard.web.security import DEMO_PASSWORD, DEMO_USER, hash_password, verify_password

DEMO_ROLE = "clinician"


def load_demo(factory: sessionmaker[Session], cases_dir: Path) -> int:
    """Create the demo login and store every demo case not stored yet; returns the number stored."""
    stored = 0
    with transaction(factory) as session:
        if repo.get_user(session, DEMO_USER) is None:
            repo.add_user(session, DEMO_USER, hash_password(DEMO_PASSWORD), DEMO_ROLE, actor="demo")
    for path in sorted(cases_dir.glob("*.json")):
        document = casework.parse_upload(path.read_bytes(), path.name)
        with transaction(factory) as session:
            if repo.get_case(session, str(document.get("id"))) is not None:
                continue
            case = casework.validate(document)
            assessment = casework.assess(case)
            repo.save_version(
                session,
                casework.stored_form(case),
                assessment["case_hash"],
                "demo",
                casework.index_of(assessment),
                "demo case",
            )
            stored += 1
    return stored


def accounts_with_demo_password(session: Session) -> list[str]:
    """Active accounts whose password is the public demo password."""
    users = session.scalars(select(User).where(User.active.is_(True)))
    return [u.username for u in users if verify_password(u.password_hash, DEMO_PASSWORD)]
