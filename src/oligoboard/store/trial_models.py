"""Trial-operations tables: enrolments, allocations, invalidations, the allocation log, visits, deaths.

Everything a trial office records is append-only (triggers from migration 0003_trials refuse UPDATE and
DELETE, as for case versions). The one row that changes is `trial_counters`, the per-trial lock and head
of the allocation log: a randomisation updates it first, which takes a row lock on PostgreSQL and the
database write lock on SQLite, so allocations of one trial are strictly serialised.
`trial_secrets` holds the seed of the lazily generated block lists; no route or command reads it out.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from oligoboard.store.models import Base


class TrialSecret(Base):
    __tablename__ = "trial_secrets"

    trial_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    secret: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[str] = mapped_column(String(32))


class TrialCounter(Base):
    __tablename__ = "trial_counters"

    trial_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_sequence: Mapped[int] = mapped_column(Integer, default=0)
    log_entries: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))


class Enrolment(Base):
    """A case enrolled into a trial with the eligibility it was enrolled on (snapshot, JSON)."""

    __tablename__ = "trial_enrolments"
    __table_args__ = (UniqueConstraint("trial_id", "case_pk"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    trial_id: Mapped[str] = mapped_column(String(40), index=True)
    case_pk: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    case_version: Mapped[int] = mapped_column(Integer)
    knowledge_version: Mapped[str] = mapped_column(String(80))
    verdict: Mapped[str] = mapped_column(String(20))
    snapshot: Mapped[str] = mapped_column(Text)
    override_reason: Mapped[str] = mapped_column(Text, default="")
    enrolment_date: Mapped[str] = mapped_column(String(10))
    enrolled_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[str] = mapped_column(String(32))


class Allocation(Base):
    __tablename__ = "trial_allocations"
    __table_args__ = (UniqueConstraint("trial_id", "sequence"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    trial_id: Mapped[str] = mapped_column(String(40), index=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("trial_enrolments.id"), unique=True)
    sequence: Mapped[int] = mapped_column(Integer)
    arm: Mapped[str] = mapped_column(String(40))
    stratum: Mapped[str] = mapped_column(String(250))
    factors: Mapped[str] = mapped_column(Text)
    randomisation_date: Mapped[str] = mapped_column(String(10))
    allocated_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[str] = mapped_column(String(32))


class Invalidation(Base):
    __tablename__ = "trial_invalidations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    allocation_id: Mapped[int] = mapped_column(ForeignKey("trial_allocations.id"), unique=True)
    reason: Mapped[str] = mapped_column(Text)
    invalidated_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[str] = mapped_column(String(32))


class AllocationLogEntry(Base):
    """One assignment or invalidation; `hash` covers the previous entry's hash and this entry's payload."""

    __tablename__ = "trial_allocation_log"
    __table_args__ = (UniqueConstraint("trial_id", "entry_no"), UniqueConstraint("trial_id", "prev_hash"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    trial_id: Mapped[str] = mapped_column(String(40), index=True)
    entry_no: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    payload: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class Visit(Base):
    """A follow-up visit; its findings are the scan it added to the case (`case_version`, `scan_id`)."""

    __tablename__ = "trial_visits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("trial_enrolments.id"), index=True)
    visit_no: Mapped[int | None] = mapped_column(Integer, nullable=True)
    visit_date: Mapped[str] = mapped_column(String(10))
    case_version: Mapped[int] = mapped_column(Integer)
    scan_id: Mapped[str] = mapped_column(String(200))
    recorded_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[str] = mapped_column(String(32))


class Death(Base):
    __tablename__ = "trial_deaths"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("trial_enrolments.id"), unique=True)
    death_date: Mapped[str] = mapped_column(String(10))
    recorded_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[str] = mapped_column(String(32))


TRIAL_APPEND_ONLY: tuple[str, ...] = (
    "trial_enrolments",
    "trial_allocations",
    "trial_invalidations",
    "trial_allocation_log",
    "trial_visits",
    "trial_deaths",
)
