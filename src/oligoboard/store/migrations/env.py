"""Alembic environment: runs online against the engine handed over by `oligoboard.store.db.upgrade`.

Importing this module outside Alembic (a documentation walk over the package) does nothing.
"""

from __future__ import annotations

from alembic import context
from alembic.config import Config
from sqlalchemy import Engine

from oligoboard.store import login_attempts  # noqa: F401  (its table joins Base.metadata)
from oligoboard.store.models import Base


def run(config: Config) -> None:
    engine = config.attributes.get("engine")
    if not isinstance(engine, Engine):
        raise RuntimeError("run migrations through oligoboard.store.db.upgrade (it passes the engine)")
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


try:
    _config = context.config
except AttributeError:  # imported outside an Alembic command
    pass
else:
    run(_config)
