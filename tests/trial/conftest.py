"""Store fixtures for the trial-operations tests: the same SQLite + PostgreSQL pair as tests/store."""

from __future__ import annotations

from tests.store.conftest import db_engine, db_url, factory

__all__ = ["db_engine", "db_url", "factory"]
