"""The CDS Hooks tables on SQLite and PostgreSQL: migration 0004_cds up and down, append-only rows."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from oligoboard.interop.cds_hooks.cards import IssuedCard
from oligoboard.interop.cds_hooks.feedback import feedback_of, record_cards, record_feedback
from oligoboard.store.db import downgrade, transaction, upgrade
from tests.store.conftest import db_engine, db_url, factory  # noqa: F401  (fixtures)

CARD = "4e0a3a1e-3283-4575-ab82-028d55fe2719"
SUGGESTION = "e56e1945-20b3-4393-8503-a1a20fd73152"


def _issue(factory: sessionmaker[Session]) -> None:  # noqa: F811
    card = IssuedCard(CARD.upper(), "recommendation", "dlcg-2025-3", (SUGGESTION,), {})
    with transaction(factory) as session:
        record_cards(
            session,
            [card],
            service_id="svc",
            hook_instance="H",
            knowledge_version="k",
            issuer="iss",
            tenant=None,
            at="t",
        )


def test_feedback_is_stored_and_append_only(factory: sessionmaker[Session]) -> None:  # noqa: F811
    _issue(factory)
    body = {
        "feedback": [
            {
                "card": CARD,
                "outcome": "accepted",
                "acceptedSuggestions": [{"id": SUGGESTION.upper()}],
                "outcomeTimestamp": "2026-12-02T00:00:00Z",
            }
        ]
    }
    with transaction(factory) as session:
        assert record_feedback(session, body, service_id="svc", issuer="iss", at="t") == 1
    with transaction(factory) as session:
        (row,) = feedback_of(session, CARD)
        assert row.outcome == "accepted" and SUGGESTION in row.accepted_suggestions
    for table in ("cds_cards", "cds_feedback"):
        for statement in (f"UPDATE {table} SET issuer = 'x'", f"DELETE FROM {table}"):
            with pytest.raises(DBAPIError, match="append-only"), transaction(factory) as session:
                session.execute(text(statement))


def test_migration_0004_goes_down_and_up(db_engine: Engine) -> None:  # noqa: F811
    assert {"cds_cards", "cds_feedback"} <= set(inspect(db_engine).get_table_names())
    downgrade(db_engine, "0001")
    assert not {"cds_cards", "cds_feedback"} & set(inspect(db_engine).get_table_names())
    assert "decisions" in inspect(db_engine).get_table_names()
    upgrade(db_engine)
    assert {"cds_cards", "cds_feedback"} <= set(inspect(db_engine).get_table_names())
