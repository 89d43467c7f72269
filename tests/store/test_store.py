"""The store on SQLite and PostgreSQL: migrations, versions never overwritten, append-only tables, audit chain."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, inspect, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from oligoboard.store import audit
from oligoboard.store import repositories as repo
from oligoboard.store.db import downgrade, transaction, upgrade
from oligoboard.store.models import AuditEvent

DOC = {"schema": "oligoboard/case@1", "id": "case-a", "assessment_date": "2026-10-01"}


def test_migrations_create_every_table_and_are_idempotent(db_engine: Engine) -> None:
    upgrade(db_engine)  # second time: nothing to do, no error
    tables = set(inspect(db_engine).get_table_names())
    assert {"users", "sessions", "cases", "case_versions", "meetings", "decisions", "audit_events"} <= tables


def test_downgrade_removes_the_tables(db_engine: Engine) -> None:
    downgrade(db_engine, "base")
    assert "cases" not in set(inspect(db_engine).get_table_names())
    upgrade(db_engine)
    assert "cases" in set(inspect(db_engine).get_table_names())


def test_every_save_is_a_new_version(factory: sessionmaker[Session]) -> None:
    with transaction(factory) as s:
        repo.save_version(s, DOC, "sha256:1", "ann", repo.CaseIndex(state="synchronous_oligometastatic"))
    with transaction(factory) as s:
        repo.save_version(s, {**DOC, "assessment_date": "2026-10-02"}, "sha256:2", "bob", repo.CaseIndex())
    with factory() as s:
        record = repo.get_case(s, "case-a")
        assert record is not None and record.current_version == 2
        history = repo.versions(s, record)
        assert [v.version for v in history] == [2, 1]
        assert repo.document_of(history[1])["assessment_date"] == "2026-10-01"  # the first is kept
        assert [v.created_by for v in history] == ["bob", "ann"]


def test_list_filters_and_paginates(factory: sessionmaker[Session]) -> None:
    with transaction(factory) as s:
        for i in range(5):
            state = "synchronous_oligometastatic" if i % 2 else "polymetastatic"
            repo.save_version(
                s, {**DOC, "id": f"case-{i}"}, f"sha256:{i}", "ann", repo.CaseIndex(state=state)
            )
    with factory() as s:
        assert repo.list_cases(s).total == 5
        assert {c.case_id for c in repo.list_cases(s, state="polymetastatic").items} == {
            "case-0",
            "case-2",
            "case-4",
        }
        assert [c.case_id for c in repo.list_cases(s, query="-3").items] == ["case-3"]
        assert repo.list_cases(s, query="%").total == 0  # a wildcard is text, not a pattern
        page = repo.list_cases(s, limit=2, offset=4)
        assert page.total == 5 and len(page.items) == 1


@pytest.mark.parametrize("table", ["case_versions", "audit_events"])
def test_append_only_tables_refuse_update_and_delete(factory: sessionmaker[Session], table: str) -> None:
    with transaction(factory) as s:
        repo.save_version(s, DOC, "sha256:1", "ann", repo.CaseIndex())
    for statement in (
        f"UPDATE {table} SET created_by = 'x'"
        if table == "case_versions"
        else f"UPDATE {table} SET actor = 'x'",
        f"DELETE FROM {table}",
    ):
        with pytest.raises(DBAPIError, match="append-only"), transaction(factory) as s:
            s.execute(text(statement))


def test_audit_chain_verifies_and_detects_tampering(
    factory: sessionmaker[Session], db_engine: Engine
) -> None:
    with transaction(factory) as s:
        repo.add_user(s, "ann", "hash", "clinician")
        repo.save_version(s, DOC, "sha256:1", "ann", repo.CaseIndex())
    with factory() as s:
        report = audit.verify(s)
        assert report.ok and report.events == 2
    # a database administrator drops the trigger and edits an event: verify names the event
    with db_engine.begin() as conn:
        conn.execute(
            text(
                "DROP TRIGGER audit_events_no_update"
                + (" ON audit_events" if db_engine.dialect.name == "postgresql" else "")
            )
        )
        conn.execute(update(AuditEvent).where(AuditEvent.id == 1).values(actor="mallory"))
    with factory() as s:
        report = audit.verify(s)
        assert not report.ok and report.problems == ["event 1: content changed after it was written"]


def test_audit_chain_cannot_fork(factory: sessionmaker[Session]) -> None:
    """Two events claiming the same predecessor: the second is refused by the unique prev_hash."""
    with transaction(factory) as s:
        first = audit.append(s, "ann", "x", "t")
        prev = first.prev_hash
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), transaction(factory) as s:
        s.add(
            AuditEvent(
                at="t",
                actor="b",
                action="x",
                target="t",
                before="{}",
                after="{}",
                prev_hash=prev,
                hash="f" * 64,
            )
        )


def test_duplicate_user_and_unknown_role_are_refused(factory: sessionmaker[Session]) -> None:
    with transaction(factory) as s:
        repo.add_user(s, "ann", "hash", "viewer")
    with pytest.raises(repo.StoreError, match="already exists"), transaction(factory) as s:
        repo.add_user(s, "ann", "hash", "viewer")
    with pytest.raises(repo.StoreError, match="unknown role"), transaction(factory) as s:
        repo.add_user(s, "bob", "hash", "surgeon")


def test_sessions_expire(factory: sessionmaker[Session]) -> None:
    with transaction(factory) as s:
        user = repo.add_user(s, "ann", "hash", "viewer")
        token, csrf = repo.open_session(s, user, ttl_seconds=60, now_epoch=1000)
    with factory() as s:
        found = repo.find_session(s, token, now_epoch=1059)
        assert found is not None and found[0].csrf_token == csrf
        assert repo.find_session(s, token, now_epoch=1060) is None
        assert repo.find_session(s, "forged", now_epoch=1000) is None


def test_decisions_keep_the_assessment_they_were_made_on(factory: sessionmaker[Session]) -> None:
    with transaction(factory) as s:
        record, version = repo.save_version(s, DOC, "sha256:1", "ann", repo.CaseIndex())
        entry = repo.DecisionInput(recommendation="SBRT to all sites", attendees="A, B")
        repo.record_decision(s, record, version.version, {"knowledge_version": "k1", "x": 1}, entry, "ann")
    with factory() as s:
        record2 = repo.get_case(s, "case-a")
        assert record2 is not None
        (decision,) = repo.decisions_for(s, record2)
        assert decision.knowledge_version == "k1" and decision.case_version == 1
    with pytest.raises(DBAPIError, match="append-only"), transaction(factory) as s:
        s.execute(text("DELETE FROM decisions"))
