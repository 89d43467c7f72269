"""Persistence for the web workspace: users, case versions, meetings, decisions and the audit chain.

`db` opens the database (SQLite file by default, PostgreSQL when DATABASE_URL is set) and applies the
Alembic migrations shipped inside the package; `models` are the tables; `repositories` are the only code
that reads or writes them, so the web layer never writes SQL.
"""
