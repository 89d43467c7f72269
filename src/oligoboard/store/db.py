"""Open the database and bring its schema up to date with the migrations shipped in the package.

SQLite (a file) is the default so `make run` needs no server; `DATABASE_URL` (e.g.
`postgresql://user@127.0.0.1:5432/oligoboard`) selects PostgreSQL. Migrations live in
`oligoboard/store/migrations/` and are found through the package, so an installed wheel can migrate too.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
DEFAULT_SQLITE = "oligoboard.db"


def database_url(default_path: str | Path = DEFAULT_SQLITE) -> str:
    """`DATABASE_URL` when set (a `postgresql://` URL uses psycopg 3), else a SQLite file."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{Path(default_path)}"
    return normalise_url(url)


def existing_database(default_path: str | Path = DEFAULT_SQLITE) -> Engine:
    """The engine of a database that must already exist (the `verify` commands read, never create one).

    Why: SQLite would silently create an empty file and report an intact, empty log.
    """
    from oligoboard.errors import InputError, Problem

    url = database_url(default_path)
    if url.startswith("sqlite:///") and not Path(url[len("sqlite:///") :]).exists():
        raise InputError(f"{default_path}: no such database", [Problem("db", "no such file")])
    return make_engine(url)


def normalise_url(url: str) -> str:
    """`postgres://` and `postgresql://` both mean PostgreSQL through psycopg 3 (the one driver we ship)."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def redacted(url: str) -> str:
    """The URL without its password, for messages and logs."""
    return make_url(url).render_as_string(hide_password=True)


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine with foreign keys enforced on SQLite too (SQLite leaves them off by default)."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def alembic_config(engine: Engine) -> object:
    """The Alembic configuration pointing at the packaged migrations and at `engine`."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply every migration up to `revision` (idempotent: an up-to-date database is left as it is)."""
    from alembic import command
    from alembic.config import Config

    config = alembic_config(engine)
    assert isinstance(config, Config)
    command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    config = alembic_config(engine)
    assert isinstance(config, Config)
    command.downgrade(config, revision)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: committed when the block ends, rolled back on any error."""
    with factory() as session, session.begin():
        yield session
