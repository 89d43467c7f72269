"""An in-memory DuckDB holding small typed tables: the oracle side of the executor tests."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import duckdb

Table = tuple[str, Sequence[tuple[str, str]], Sequence[Sequence[Any]]]  # name, (column, SQL type)…, rows


def duckdb_with(tables: Iterable[Table]) -> duckdb.DuckDBPyConnection:
    """A new in-memory connection with each table created from its declared column types and filled."""
    connection = duckdb.connect(":memory:")
    for name, columns, rows in tables:
        connection.execute(f"CREATE TABLE {name} ({', '.join(f'{c} {t}' for c, t in columns)})")
        if rows:
            connection.executemany(f"INSERT INTO {name} VALUES ({', '.join('?' * len(columns))})", rows)
    return connection
