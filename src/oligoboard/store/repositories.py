"""The only code that reads and writes the workspace tables; every write also appends an audit event.

Callers pass an open `Session` inside a transaction (`db.transaction`), so a write and its audit event
commit together or not at all.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from oligoboard.store import audit
from oligoboard.store.clock import iso, utc_now
from oligoboard.store.models import (
    CaseRecord,
    CaseVersion,
    Decision,
    LoginSession,
    Meeting,
    MeetingCase,
    User,
)

ROLES: tuple[str, ...] = ("admin", "clinician", "coordinator", "physicist", "viewer")


class StoreError(Exception):
    """A store refusal the caller shows as a message (duplicate user, unknown case)."""


# ------------------------------------------------------------------------------------------------ users


def add_user(session: Session, username: str, password_hash: str, role: str, actor: str = "system") -> User:
    if role not in ROLES:
        raise StoreError(f"unknown role {role!r} (one of {', '.join(ROLES)})")
    if get_user(session, username) is not None:
        raise StoreError(f"user {username!r} already exists")
    user = User(
        username=username, password_hash=password_hash, role=role, active=True, created_at=iso(utc_now())
    )
    session.add(user)
    session.flush()
    audit.append(session, actor, "user.add", f"user:{username}", after={"role": role})
    return user


def get_user(session: Session, username: str) -> User | None:
    return session.scalars(select(User).where(User.username == username)).first()


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


# ------------------------------------------------------------------------------------------------ sessions


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(session: Session, user: User, ttl_seconds: int, now_epoch: int) -> tuple[str, str]:
    """A new login session: returns the cookie token (kept only as a hash here) and its CSRF token."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    session.add(
        LoginSession(
            token_hash=_token_hash(token),
            user_id=user.id,
            csrf_token=csrf,
            created_at=iso(utc_now()),
            expires_at=now_epoch + ttl_seconds,
        )
    )
    session.flush()
    return token, csrf


def find_session(session: Session, token: str, now_epoch: int) -> tuple[LoginSession, User] | None:
    """The live session and its active user, or None (unknown token, expired, user deactivated)."""
    row = session.scalars(select(LoginSession).where(LoginSession.token_hash == _token_hash(token))).first()
    if row is None or row.expires_at <= now_epoch:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    return row, user


def close_session(session: Session, token: str) -> None:
    row = session.scalars(select(LoginSession).where(LoginSession.token_hash == _token_hash(token))).first()
    if row is not None:
        session.delete(row)


# ------------------------------------------------------------------------------------------------ cases


@dataclass(frozen=True)
class CaseIndex:
    """The few columns the case list filters on, computed by the caller from the assessment."""

    state: str | None = None
    trial_status: str | None = None
    next_mdt: str | None = None


def canonical_document(document: dict[str, Any]) -> str:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def get_case(session: Session, case_id: str) -> CaseRecord | None:
    return session.scalars(select(CaseRecord).where(CaseRecord.case_id == case_id)).first()


def save_version(
    session: Session,
    document: dict[str, Any],
    case_hash: str,
    actor: str,
    index: CaseIndex,
    note: str = "",
) -> tuple[CaseRecord, CaseVersion]:
    """Store `document` (already validated) as the next version of its case; nothing is overwritten."""
    case_id = str(document["id"])
    now = iso(utc_now())
    record = get_case(session, case_id)
    before: dict[str, Any] = {}
    if record is None:
        record = CaseRecord(case_id=case_id, current_version=0, schema_id="", created_at=now, updated_at=now)
        session.add(record)
        session.flush()
    else:
        before = {"version": record.current_version, "case_hash": current_version(session, record).case_hash}
    record.current_version += 1
    record.schema_id = str(document.get("schema", "oligoboard/case@1"))
    record.assessment_date = str(document.get("assessment_date") or "") or None
    record.state, record.trial_status = index.state, index.trial_status
    if index.next_mdt is not None:
        record.next_mdt = index.next_mdt
    record.updated_at = now
    version = CaseVersion(
        case_pk=record.id,
        version=record.current_version,
        document=canonical_document(document),
        case_hash=case_hash,
        note=note[:500],
        created_by=actor,
        created_at=now,
    )
    session.add(version)
    session.flush()
    audit.append(
        session,
        actor,
        "case.version",
        f"case:{case_id}",
        before=before,
        after={"version": version.version, "case_hash": case_hash, "note": note[:200]},
    )
    return record, version


def current_version(session: Session, record: CaseRecord) -> CaseVersion:
    found = get_version(session, record, record.current_version)
    assert found is not None, "a case without its current version"
    return found


def get_version(session: Session, record: CaseRecord, version: int) -> CaseVersion | None:
    return session.scalars(
        select(CaseVersion).where(CaseVersion.case_pk == record.id, CaseVersion.version == version)
    ).first()


def versions(session: Session, record: CaseRecord) -> list[CaseVersion]:
    return list(
        session.scalars(
            select(CaseVersion).where(CaseVersion.case_pk == record.id).order_by(CaseVersion.version.desc())
        )
    )


def document_of(version: CaseVersion) -> dict[str, Any]:
    value = json.loads(version.document)
    assert isinstance(value, dict)
    return value


@dataclass(frozen=True)
class Page:
    items: list[CaseRecord]
    total: int
    limit: int
    offset: int


def list_cases(
    session: Session,
    query: str = "",
    state: str = "",
    trial_status: str = "",
    limit: int = 50,
    offset: int = 0,
    next_mdt: str = "",
) -> Page:
    """Cases newest-edited first, filtered by id text, disease state, trial status and next MDT
    (`none`: on no meeting list; `any`: on one; a YYYY-MM-DD date: that meeting day)."""
    where = []
    if query:
        like = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        where.append(or_(CaseRecord.case_id.ilike(like, escape="\\")))
    if state:
        where.append(CaseRecord.state == state)
    if trial_status:
        where.append(CaseRecord.trial_status == trial_status)
    if next_mdt == "none":
        where.append(CaseRecord.next_mdt.is_(None))
    elif next_mdt == "any":
        where.append(CaseRecord.next_mdt.is_not(None))
    elif next_mdt:
        where.append(CaseRecord.next_mdt == next_mdt)
    total = session.scalar(select(func.count()).select_from(CaseRecord).where(*where)) or 0
    items = session.scalars(
        select(CaseRecord)
        .where(*where)
        .order_by(CaseRecord.updated_at.desc(), CaseRecord.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return Page(list(items), total, limit, offset)


def distinct_states(session: Session) -> list[str]:
    rows = session.scalars(select(CaseRecord.state).where(CaseRecord.state.is_not(None)).distinct())
    return sorted(str(r) for r in rows)


# ------------------------------------------------------------------------------------------------ meetings


def create_meeting(session: Session, title: str, meeting_date: str, actor: str) -> Meeting:
    meeting = Meeting(title=title, meeting_date=meeting_date, created_by=actor, created_at=iso(utc_now()))
    session.add(meeting)
    session.flush()
    audit.append(session, actor, "meeting.create", f"meeting:{meeting.id}", after={"date": meeting_date})
    return meeting


def list_meetings(session: Session) -> list[Meeting]:
    return list(session.scalars(select(Meeting).order_by(Meeting.meeting_date.desc(), Meeting.id.desc())))


def add_to_meeting(session: Session, meeting: Meeting, record: CaseRecord, actor: str) -> None:
    """Put a case on a meeting's list (once); the case's next MDT becomes the meeting date if sooner."""
    if session.get(MeetingCase, (meeting.id, record.id)) is not None:
        return
    session.add(MeetingCase(meeting_id=meeting.id, case_pk=record.id, added_at=iso(utc_now())))
    if record.next_mdt is None or meeting.meeting_date < record.next_mdt:
        record.next_mdt = meeting.meeting_date
    session.flush()
    audit.append(session, actor, "meeting.add_case", f"meeting:{meeting.id}", after={"case": record.case_id})


def meeting_cases(session: Session, meeting: Meeting) -> list[CaseRecord]:
    return list(
        session.scalars(
            select(CaseRecord)
            .join(MeetingCase, MeetingCase.case_pk == CaseRecord.id)
            .where(MeetingCase.meeting_id == meeting.id)
            .order_by(CaseRecord.case_id)
        )
    )


# ------------------------------------------------------------------------------------------------ decisions


@dataclass(frozen=True)
class DecisionInput:
    recommendation: str
    deviation: bool = False
    deviation_reason: str = ""
    trial_offered: str = ""
    attendees: str = ""
    text: str = ""
    meeting_id: int | None = None


def record_decision(
    session: Session,
    record: CaseRecord,
    case_version: int,
    assessment: dict[str, Any],
    entry: DecisionInput,
    actor: str,
) -> Decision:
    """Append a decision bound to the case version and the knowledge version of `assessment`."""
    decision = Decision(
        case_pk=record.id,
        case_version=case_version,
        meeting_id=entry.meeting_id,
        knowledge_version=str(assessment.get("knowledge_version", "")),
        recommendation=entry.recommendation,
        deviation=entry.deviation,
        deviation_reason=entry.deviation_reason,
        trial_offered=entry.trial_offered,
        attendees=entry.attendees,
        text=entry.text,
        assessment=json.dumps(assessment, ensure_ascii=False, sort_keys=True, default=str),
        created_by=actor,
        created_at=iso(utc_now()),
    )
    session.add(decision)
    session.flush()
    audit.append(
        session,
        actor,
        "decision.record",
        f"case:{record.case_id}",
        after={
            "decision": decision.id,
            "case_version": case_version,
            "knowledge_version": decision.knowledge_version,
            "deviation": entry.deviation,
        },
    )
    return decision


def decisions_for(session: Session, record: CaseRecord) -> list[Decision]:
    return list(
        session.scalars(select(Decision).where(Decision.case_pk == record.id).order_by(Decision.id.desc()))
    )


def get_decision(session: Session, decision_id: int) -> Decision | None:
    return session.get(Decision, decision_id)


def get_meeting(session: Session, meeting_id: int) -> Meeting | None:
    return session.get(Meeting, meeting_id)
