"""The tables of the workspace (SQLAlchemy 2 typed declarative models).

Case documents are stored whole as validated JSON (`case_versions.document`) with a few indexed columns on
`cases` for the list and its filters, so the contract can grow (case@2: imaging timeline, local
treatments) without a migration per field. Versions, decisions and audit events are append-only: the
migration adds triggers that refuse UPDATE and DELETE on them in SQLite and PostgreSQL alike.
Timestamps are ISO 8601 UTC text (`2026-12-02T01:02:03Z`): they sort as text and hash the same everywhere.
"""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[str] = mapped_column(String(32))


class LoginSession(Base):
    """A server-side session: the cookie carries a random token, the table only its SHA-256."""

    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[str] = mapped_column(String(32))
    expires_at: Mapped[int] = mapped_column(Integer)  # epoch seconds


class CaseRecord(Base):
    """One patient case; its facts live in the versions, the indexed columns serve the list."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[str] = mapped_column(String(200), unique=True)
    current_version: Mapped[int] = mapped_column(Integer)
    schema_id: Mapped[str] = mapped_column(String(40))
    assessment_date: Mapped[str | None] = mapped_column(String(10), index=True)
    state: Mapped[str | None] = mapped_column(String(64), index=True)
    trial_status: Mapped[str | None] = mapped_column(String(32), index=True)
    next_mdt: Mapped[str | None] = mapped_column(String(10), index=True)
    created_at: Mapped[str] = mapped_column(String(32))
    updated_at: Mapped[str] = mapped_column(String(32))


class CaseVersion(Base):
    __tablename__ = "case_versions"
    __table_args__ = (UniqueConstraint("case_pk", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_pk: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    document: Mapped[str] = mapped_column(Text)
    case_hash: Mapped[str] = mapped_column(String(80))
    note: Mapped[str] = mapped_column(String(500), default="")
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[str] = mapped_column(String(32))


class Meeting(Base):
    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    meeting_date: Mapped[str] = mapped_column(String(10), index=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[str] = mapped_column(String(32))


class MeetingCase(Base):
    __tablename__ = "meeting_cases"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), primary_key=True)
    case_pk: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    added_at: Mapped[str] = mapped_column(String(32))


class Decision(Base):
    """A tumour-board decision, bound to the case version and knowledge version it was made on.

    `assessment` keeps the assessment JSON shown when it was made, so reopening shows the same verdicts
    even after the knowledge changed.
    """

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_pk: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    case_version: Mapped[int] = mapped_column(Integer)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"), nullable=True)
    knowledge_version: Mapped[str] = mapped_column(String(80))
    recommendation: Mapped[str] = mapped_column(String(200))
    deviation: Mapped[bool] = mapped_column(Boolean, default=False)
    deviation_reason: Mapped[str] = mapped_column(Text, default="")
    trial_offered: Mapped[str] = mapped_column(String(200), default="")
    attendees: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")
    assessment: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[str] = mapped_column(String(32))


class AuditEvent(Base):
    """Who did what, when, with before/after summaries; `hash` chains each event to the previous one."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(250))
    before: Mapped[str] = mapped_column(Text)
    after: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)  # unique: no fork of the chain
    hash: Mapped[str] = mapped_column(String(64), unique=True)


#: Tables whose rows are never changed or removed once written.
APPEND_ONLY: tuple[str, ...] = ("case_versions", "decisions", "audit_events")
