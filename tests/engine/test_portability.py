"""The one statement must stay portable: sqlglot transpiles it to Spark SQL without unsupported constructs.

Spark is the cohort backend of the architecture note; until it runs in tests, this guards the SQL we write
(features.sql and every knowledge expression) against DuckDB-only constructs sqlglot cannot translate.
"""

from __future__ import annotations

import sqlglot
from sqlglot.errors import ErrorLevel

from oligoboard.engine.runner import Engine


def test_statement_transpiles_to_spark(engine: Engine) -> None:
    spark = sqlglot.transpile(engine.sql, read="duckdb", write="spark", unsupported_level=ErrorLevel.RAISE)[0]
    assert "answers_wide" in spark and "layer1" in spark
    assert "DATE_DIFF('DAY'" not in spark.upper().replace('"', "'")  # Spark's DATEDIFF takes no unit
