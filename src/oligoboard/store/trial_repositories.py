"""Reads and writes of the trial-operations tables, the per-trial lock and the allocation log's chain.

`lock_trial` must be the first statement of a randomisation or invalidation transaction: it updates the
trial's counter row, which PostgreSQL answers with a row lock held to commit (a second transaction waits
on it, then reads the committed counter) and SQLite with its database write lock (the write comes first,
so there is no read-then-upgrade deadlock; `busy_timeout` makes the others wait). Everything read after it
is current, so sequence numbers come out 1, 2, 3 … with no gap and no duplicate, and the log's `prev_hash`
always names the committed head.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from oligoboard.store.audit import GENESIS, canonical
from oligoboard.store.clock import iso, utc_now
from oligoboard.store.db import transaction
from oligoboard.store.models import CaseRecord
from oligoboard.store.trial_models import (
    Allocation,
    AllocationLogEntry,
    Death,
    Enrolment,
    Invalidation,
    TrialCounter,
    TrialSecret,
    Visit,
)


def ensure_trial(factory: sessionmaker[Session], trial_id: str) -> None:
    """Create the trial's counter row and block-list secret once (a concurrent creator's insert wins)."""
    with transaction(factory) as session:
        if session.get(TrialCounter, trial_id) is not None:
            return
    try:
        with transaction(factory) as session:
            session.add(TrialCounter(trial_id=trial_id, last_sequence=0, log_entries=0, last_hash=GENESIS))
            session.add(
                TrialSecret(trial_id=trial_id, secret=secrets.token_hex(32), created_at=iso(utc_now()))
            )
    except IntegrityError:
        pass  # created meanwhile by another request


def lock_trial(session: Session, trial_id: str) -> TrialCounter:
    """Take the trial's lock (see the module docstring) and return its counter, read after the lock."""
    result = session.execute(
        update(TrialCounter)
        .where(TrialCounter.trial_id == trial_id)
        .values(last_sequence=TrialCounter.last_sequence)
    )
    if getattr(result, "rowcount", 1) == 0:
        raise LookupError(f"trial {trial_id} has no counter row (call ensure_trial first)")
    counter = session.scalars(
        select(TrialCounter).where(TrialCounter.trial_id == trial_id).with_for_update()
    ).one()
    session.refresh(counter)
    return counter


def secret_of(session: Session, trial_id: str) -> bytes:
    row = session.get(TrialSecret, trial_id)
    assert row is not None, "a trial without its secret"
    return bytes.fromhex(row.secret)


def entry_hash(prev_hash: str, trial_id: str, entry_no: int, kind: str, payload: str) -> str:
    return hashlib.sha256(canonical([prev_hash, trial_id, entry_no, kind, payload]).encode()).hexdigest()


def append_log(
    session: Session, counter: TrialCounter, kind: str, payload: dict[str, Any]
) -> AllocationLogEntry:
    """Append one entry after the head named by the (locked) counter and move the head."""
    text = canonical(payload)
    number = counter.log_entries + 1
    entry = AllocationLogEntry(
        trial_id=counter.trial_id,
        entry_no=number,
        kind=kind,
        payload=text,
        prev_hash=counter.last_hash,
        hash=entry_hash(counter.last_hash, counter.trial_id, number, kind, text),
    )
    session.add(entry)
    counter.log_entries, counter.last_hash = number, entry.hash
    session.flush()
    return entry


# ------------------------------------------------------------------------------------------------ reads


def enrolment(session: Session, enrolment_id: int) -> Enrolment | None:
    return session.get(Enrolment, enrolment_id)


def enrolment_of_case(session: Session, trial_id: str, case_pk: int) -> Enrolment | None:
    return session.scalars(
        select(Enrolment).where(Enrolment.trial_id == trial_id, Enrolment.case_pk == case_pk)
    ).first()


def enrolments(session: Session, trial_id: str) -> list[Enrolment]:
    return list(
        session.scalars(select(Enrolment).where(Enrolment.trial_id == trial_id).order_by(Enrolment.id))
    )


def case_of(session: Session, row: Enrolment) -> CaseRecord:
    record = session.get(CaseRecord, row.case_pk)
    assert record is not None
    return record


def allocation_of(session: Session, enrolment_id: int) -> Allocation | None:
    return session.scalars(select(Allocation).where(Allocation.enrolment_id == enrolment_id)).first()


def allocations(session: Session, trial_id: str) -> list[Allocation]:
    return list(
        session.scalars(
            select(Allocation).where(Allocation.trial_id == trial_id).order_by(Allocation.sequence)
        )
    )


def allocation_by_sequence(session: Session, trial_id: str, sequence: int) -> Allocation | None:
    return session.scalars(
        select(Allocation).where(Allocation.trial_id == trial_id, Allocation.sequence == sequence)
    ).first()


def invalidation_of(session: Session, allocation_id: int) -> Invalidation | None:
    return session.scalars(select(Invalidation).where(Invalidation.allocation_id == allocation_id)).first()


def invalidated_ids(session: Session, trial_id: str) -> set[int]:
    rows = session.scalars(
        select(Invalidation.allocation_id)
        .join(Allocation, Allocation.id == Invalidation.allocation_id)
        .where(Allocation.trial_id == trial_id)
    )
    return set(rows)


def visits(session: Session, enrolment_id: int) -> list[Visit]:
    return list(
        session.scalars(
            select(Visit).where(Visit.enrolment_id == enrolment_id).order_by(Visit.visit_date, Visit.id)
        )
    )


def death_of(session: Session, enrolment_id: int) -> Death | None:
    return session.scalars(select(Death).where(Death.enrolment_id == enrolment_id)).first()


def factors_of(row: Allocation) -> dict[str, str]:
    value = json.loads(row.factors)
    assert isinstance(value, dict)
    return {str(k): str(v) for k, v in value.items()}


def snapshot_of(row: Enrolment) -> dict[str, Any]:
    value = json.loads(row.snapshot)
    assert isinstance(value, dict)
    return value


# ------------------------------------------------------------------------------------------------ verify


@dataclass(frozen=True)
class LogReport:
    trial_id: str
    entries: int
    first_broken: str | None

    @property
    def ok(self) -> bool:
        return self.first_broken is None


def verify_log(session: Session, trial_id: str) -> LogReport:
    """Recompute the trial's chain and check the allocations against it; the first broken entry is named.

    Checked: each entry follows the previous one (no gap, no reordering) and its hash matches its content;
    assignments carry sequence numbers 1, 2, 3 … ; every allocation and invalidation row has its entry
    with the same facts; the counter's head is the last entry.
    """
    prev, count, expected_sequence = GENESIS, 0, 1
    assigned: dict[int, dict[str, Any]] = {}
    invalidated: set[int] = set()
    rows = session.scalars(
        select(AllocationLogEntry)
        .where(AllocationLogEntry.trial_id == trial_id)
        .order_by(AllocationLogEntry.entry_no)
    )
    for entry in rows:
        count += 1
        where = f"entry {entry.entry_no}"
        if entry.entry_no != count or entry.prev_hash != prev:
            return LogReport(
                trial_id, count, f"{where}: does not follow entry {count - 1} (an entry is missing)"
            )
        if entry.hash != entry_hash(entry.prev_hash, trial_id, entry.entry_no, entry.kind, entry.payload):
            return LogReport(trial_id, count, f"{where}: content changed after it was written")
        payload = json.loads(entry.payload)
        if entry.kind == "assign":
            if payload.get("sequence") != expected_sequence:
                return LogReport(trial_id, count, f"{where}: sequence number skipped or repeated")
            assigned[expected_sequence] = payload
            expected_sequence += 1
        elif entry.kind == "invalidate":
            invalidated.add(int(payload.get("sequence", 0)))
        prev = entry.hash
    counter = session.get(TrialCounter, trial_id)
    if counter is not None and (counter.last_hash != prev or counter.last_sequence != expected_sequence - 1):
        return LogReport(trial_id, count, "counter: its head is not the last log entry")
    stored = {a.sequence: a for a in allocations(session, trial_id)}
    for sequence, allocation in stored.items():
        logged = assigned.get(sequence)
        if (
            logged is None
            or logged.get("arm") != allocation.arm
            or logged.get("enrolment_id") != allocation.enrolment_id
        ):
            return LogReport(trial_id, count, f"allocation {sequence}: differs from its log entry")
        if json.loads(allocation.factors) != logged.get("factors"):
            return LogReport(
                trial_id, count, f"allocation {sequence}: stratification values differ from the log"
            )
    if set(assigned) != set(stored):
        return LogReport(trial_id, count, "allocations: a logged assignment has no allocation row")
    stored_invalid = {a.sequence for a in stored.values() if a.id in invalidated_ids(session, trial_id)}
    if stored_invalid != invalidated:
        return LogReport(trial_id, count, "invalidations: differ from the log")
    return LogReport(trial_id, count, None)


def logged_trials(session: Session) -> list[str]:
    return sorted(set(session.scalars(select(TrialCounter.trial_id))))
