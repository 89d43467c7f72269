"""Alembic environment: runs online against the engine handed over by `oligoboard.store.db.upgrade`."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from oligoboard.store.models import Base

config = context.config
engine = config.attributes.get("engine")
if not isinstance(engine, Engine):  # pragma: no cover - only reachable through the alembic CLI
    raise RuntimeError("run migrations through oligoboard.store.db.upgrade (it passes the engine)")

with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
