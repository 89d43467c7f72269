"""The backend interface and the registry the engine picks executors from.

A backend runs the compiled statement over the five normalized tables and returns one dict per case, keyed
by the statement's column names, ordered by case id. The engine never branches on a backend's name: it looks
the name up in `BACKENDS`, whose factories import their module only when first asked, so choosing the
Python backend never imports DuckDB. A cohort backend (Spark) registers itself the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from oligoboard.engine.layout import Statement
from oligoboard.engine.tables import CaseTables
from oligoboard.errors import EngineError

ResultRow = dict[str, Any]


@dataclass(frozen=True)
class CompiledArtifacts:
    """What a backend may start from: the statement, and whatever the compiler cached for it.

    `python_source` is the Python executor's generated module (`QueryExecutor.source`) when available, so
    the Python backend can start without sqlglot.
    """

    statement: Statement
    python_source: str | None = None


class Backend(Protocol):
    """Runs the statement: `run(tables)` → one row per case (column name → value), ordered by case id."""

    name: str

    def run(self, tables: CaseTables) -> list[ResultRow]: ...


BackendFactory = Callable[[CompiledArtifacts], Backend]


def _duckdb(artifacts: CompiledArtifacts) -> Backend:
    from oligoboard.engine.backends.duckdb import DuckDBBackend

    return DuckDBBackend(artifacts)


def _python(artifacts: CompiledArtifacts) -> Backend:
    from oligoboard.engine.backends.python import PythonBackend

    return PythonBackend(artifacts)


def _spark(artifacts: CompiledArtifacts) -> Backend:
    from oligoboard.engine.backends.spark import SparkBackend  # needs the extra oligoboard[spark]

    return SparkBackend(artifacts)


BACKENDS: dict[str, BackendFactory] = {"duckdb": _duckdb, "python": _python, "spark": _spark}


def register_backend(name: str, factory: BackendFactory) -> None:
    """Make a backend available to `Engine.evaluate(..., backend=name)` (the cohort issue adds `spark`)."""
    BACKENDS[name] = factory


def create_backend(name: str, artifacts: CompiledArtifacts) -> Backend:
    factory = BACKENDS.get(name)
    if factory is None:
        raise EngineError(f"unknown backend {name!r} (known: {', '.join(sorted(BACKENDS))})")
    return factory(artifacts)
