"""The compiled Python executor (`engine/pyexec.py`): the single-case backend, about a millisecond per case.

The executor is built on first use: from the cached generated module when the executor can load one
(`executor_from_source`, no sqlglot), else by compiling the statement's SQL (imports sqlglot).
"""

from __future__ import annotations

from typing import Any, Protocol

from oligoboard.engine.backends.base import CompiledArtifacts, ResultRow
from oligoboard.engine.tables import TABLES, CaseTables

TABLE_COLUMNS: dict[str, list[str]] = {table: [name for name, _ in cols] for table, cols in TABLES.items()}


class Executor(Protocol):
    """What `pyexec.QueryExecutor` offers: output `columns` and `__call__(tables) -> rows`."""

    columns: list[str]

    def __call__(self, tables: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]: ...


def compile_executor(sql: str) -> Executor:
    """The executor compiled from SQL text (sqlglot parse + code generation: the slow, cold path)."""
    from oligoboard.engine.pyexec import QueryExecutor

    executor: Executor = QueryExecutor(sql, TABLE_COLUMNS)
    return executor


def executor_source(executor: Executor) -> str | None:
    """HOOK for the disk cache: the generated Python of a compiled executor, if it exposes one (`.source`)."""
    source = getattr(executor, "source", None)
    return source if isinstance(source, str) else None


def executor_from_source(source: str) -> Executor | None:
    """HOOK for the disk cache: rebuild an executor from its generated source without sqlglot.

    Returns None when the source was generated in another format (`StaleQuery`): then the SQL is compiled.
    """
    from oligoboard.engine.pyload import LoadedQuery, StaleQuery

    try:
        return LoadedQuery.from_source(source)
    except StaleQuery:
        return None


# executors compiled in this process, by statement text: the cold path compiles once for cache and backend
_LIVE: dict[str, Executor] = {}


def remember_executor(sql: str, executor: Executor) -> None:
    _LIVE[sql] = executor


class PythonBackend:
    """Runs the statement with the Python executor; rows come back as dicts keyed by column name."""

    name = "python"

    def __init__(self, artifacts: CompiledArtifacts) -> None:
        self.artifacts = artifacts
        self._executor: Executor | None = None

    @property
    def executor(self) -> Executor:
        if self._executor is None:
            sql = self.artifacts.statement.sql
            source = self.artifacts.python_source
            live = _LIVE.get(sql)
            loaded = live or (executor_from_source(source) if source is not None else None)
            self._executor = loaded or compile_executor(sql)
            _LIVE.setdefault(sql, self._executor)
        return self._executor

    def run(self, tables: CaseTables) -> list[ResultRow]:
        named: dict[str, list[dict[str, Any]]] = {
            t: [dict(zip(TABLE_COLUMNS[t], r, strict=True)) for r in tables.rows(t)] for t in TABLES
        }
        return [dict(row) for row in self.executor(named)]
