"""The audit log: append-only events chained by SHA-256, and the check that the chain is intact.

Each event's hash covers the previous event's hash and its own fields in canonical JSON, so editing,
removing or reordering any stored event breaks every hash after it. The database refuses UPDATE and
DELETE on the table (triggers from the first migration); `verify` catches what a database administrator
could still do by dropping the triggers. `prev_hash` is unique, so two concurrent writers cannot fork the
chain: the second insert fails and the whole transaction is retried by the caller.
Events carry summaries (version numbers, content hashes), never the case facts themselves.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from oligoboard.store.clock import iso, utc_now
from oligoboard.store.models import AuditEvent

GENESIS = "0" * 64


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def event_hash(prev_hash: str, at: str, actor: str, action: str, target: str, before: str, after: str) -> str:
    payload = canonical([prev_hash, at, actor, action, target, before, after])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def last_hash(session: Session) -> str:
    latest = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).first()
    return latest.hash if latest else GENESIS


def append(
    session: Session,
    actor: str,
    action: str,
    target: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add one event at the end of the chain (flushed, committed with the caller's transaction)."""
    prev = last_hash(session)
    at = iso(utc_now())
    before_text, after_text = canonical(before or {}), canonical(after or {})
    event = AuditEvent(
        at=at,
        actor=actor,
        action=action,
        target=target,
        before=before_text,
        after=after_text,
        prev_hash=prev,
        hash=event_hash(prev, at, actor, action, target, before_text, after_text),
    )
    session.add(event)
    session.flush()
    return event


@dataclass(frozen=True)
class ChainReport:
    events: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(session: Session) -> ChainReport:
    """Recompute every hash in id order; each broken link is reported by event id."""
    problems: list[str] = []
    prev = GENESIS
    count = 0
    for event in session.scalars(select(AuditEvent).order_by(AuditEvent.id)):
        count += 1
        if event.prev_hash != prev:
            problems.append(f"event {event.id}: does not follow the previous event (a link is missing)")
        expected = event_hash(
            event.prev_hash, event.at, event.actor, event.action, event.target, event.before, event.after
        )
        if event.hash != expected:
            problems.append(f"event {event.id}: content changed after it was written")
        prev = event.hash
    return ChainReport(count, problems)
