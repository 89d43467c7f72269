"""The Spark rewrites mean what DuckDB means: each one checked against DuckDB itself on the same rows.

Table-driven: one DuckDB expression per row over a table of date pairs and values chosen at the edges
(month ends, 29 February, end before start, NULLs); DuckDB evaluates it as written, Spark evaluates
`spark_sql.to_spark` of the same text over the same rows, and every value must agree. Plus the refusals:
constructs with no faithful Spark rewrite fail before Spark runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

import duckdb
import pytest

from oligoboard.engine.backends.spark_sql import REWRITES, SparkUnsupported, to_spark

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

PAIRS: list[tuple[int, date | None, date | None]] = [
    (1, date(2020, 1, 31), date(2020, 2, 29)),  # month end to shorter month end: 1 month
    (2, date(2020, 2, 29), date(2020, 1, 31)),  # backwards over it: DuckDB says -1, add_months says 0
    (3, date(2020, 3, 31), date(2020, 2, 29)),
    (4, date(2020, 1, 16), date(2020, 3, 15)),
    (5, date(2020, 3, 15), date(2020, 1, 16)),
    (6, date(2000, 2, 29), date(2018, 2, 28)),  # an 18th birthday of a leap-day birth
    (7, date(2000, 2, 29), date(2018, 2, 27)),
    (8, date(2019, 8, 31), date(2020, 2, 29)),
    (9, date(2021, 5, 1), date(2021, 5, 1)),
    (10, date(1950, 12, 31), date(2026, 1, 1)),
    (11, None, date(2020, 1, 1)),
    (12, date(2020, 1, 1), None),
    (13, date(2024, 2, 29), date(2025, 2, 28)),
    (14, date(2025, 2, 28), date(2024, 2, 29)),
]

# (DuckDB expression over columns k, a, b; the source of the semantics we must keep)
ROW_EXPRESSIONS: list[tuple[str, str]] = [
    (
        "date_sub('month', a, b)",
        "features.sql: a duration in months is the number of complete calendar months",
    ),
    ("date_sub('year', a, b)", "features.sql: age is complete calendar years"),
    ("date_diff('day', a, b)", "docs/engine.md: dates are measured by date_diff('day', …)"),
    ("a + INTERVAL 1 MONTH", "docs/engine.md: DATE ± INTERVAL is a TIMESTAMP with month-end clamping"),
    ("a + INTERVAL 6 MONTH <= b", "knowledge cut-offs: 'within 6 months'"),
    ("b - INTERVAL 30 DAY", "DATE - INTERVAL n DAY"),
]

# aggregates grouped by g over (g, x, v): DuckDB's NULL rules for count_if and arg_min/arg_max
ROWS_AGG: list[tuple[int, bool | None, int | None, int | None]] = [
    (1, None, None, 1),
    (1, None, 7, 2),  # g=1: count_if over all-NULL input is NULL in DuckDB, 0 in Spark's own count_if
    (2, True, 3, 1),
    (2, False, None, 5),  # g=2: arg_max skips the row whose value is NULL
    (2, None, 4, None),  # and the row whose key is NULL
    (3, False, 1, 1),
]
AGG_EXPRESSIONS: list[str] = [
    "count_if(x)",
    "count_if(x) FILTER (WHERE v > 3)",
    "arg_max(v, k)",
    "arg_min(v, k)",
    "arg_min(v, k) FILTER (WHERE x)",
    # a compound value: the NULL guard must wrap it whole (`NOT v = 7 AND x IS NULL` binds otherwise)
    "arg_max(v = 7 AND x, k)",
    "arg_max(v > 2 OR x, k) FILTER (WHERE k > 0)",
]


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkSession]:
    pytest.importorskip("pyspark", reason="the Spark extra is not installed (pip install -e '.[spark]')")
    from oligoboard.engine.backends.spark import session

    yield session()


def _duck(sql: str, rows: list[tuple[Any, ...]], columns: str) -> list[tuple[Any, ...]]:
    con = duckdb.connect()
    con.execute(f"CREATE TABLE t ({columns})")
    con.executemany(f"INSERT INTO t VALUES ({', '.join('?' for _ in rows[0])})", rows)
    return con.execute(sql).fetchall()


@pytest.mark.slow
@pytest.mark.parametrize(("expression", "source"), ROW_EXPRESSIONS)
def test_row_rewrites_agree_with_duckdb(spark: SparkSession, expression: str, source: str) -> None:
    sql = f"SELECT k, {expression} AS v FROM t ORDER BY k"
    expected = _duck(sql, list(PAIRS), "k INTEGER, a DATE, b DATE")
    spark.createDataFrame(PAIRS, "k INT, a DATE, b DATE").createOrReplaceTempView("t")
    got = [tuple(r) for r in spark.sql(to_spark(sql)).collect()]
    assert got == expected, source


@pytest.mark.slow
@pytest.mark.parametrize("expression", AGG_EXPRESSIONS)
def test_aggregate_rewrites_agree_with_duckdb(spark: SparkSession, expression: str) -> None:
    sql = f"SELECT g, {expression} AS r FROM t GROUP BY g ORDER BY g"
    expected = _duck(sql, list(ROWS_AGG), "g INTEGER, x BOOLEAN, v INTEGER, k INTEGER")
    spark.createDataFrame(ROWS_AGG, "g INT, x BOOLEAN, v INT, k INT").createOrReplaceTempView("t")
    got = [tuple(r) for r in spark.sql(to_spark(sql)).collect()]
    assert got == expected


def test_the_edge_rows_do_tell_the_engines_apart(spark: SparkSession) -> None:
    """Without the rewrites Spark's own functions answer some of these rows differently: the table bites."""
    spark.createDataFrame(ROWS_AGG, "g INT, x BOOLEAN, v INT, k INT").createOrReplaceTempView("t")
    native = spark.sql("SELECT g, count_if(x) AS r FROM t GROUP BY g ORDER BY g").collect()
    assert tuple(native[0]) == (1, 0)  # DuckDB: NULL
    spark.createDataFrame(PAIRS, "k INT, a DATE, b DATE").createOrReplaceTempView("t")
    forward = spark.sql("SELECT CAST(floor(months_between(b, a)) AS INT) FROM t WHERE k = 5").collect()
    assert (
        forward[0][0]
        != _duck("SELECT date_sub('month', a, b) FROM t WHERE k = 5", PAIRS, "k INT, a DATE, b DATE")[0][0]
    )


@pytest.mark.slow
def test_the_statement_wrapped_as_a_derived_table_runs(spark: SparkSession) -> None:
    """What `oligoboard screen` sends: the statement as a derived table, its ORDER BY dropped."""
    spark.createDataFrame(PAIRS, "k INT, a DATE, b DATE").createOrReplaceTempView("t")
    inner = "WITH d AS (SELECT k, date_sub('month', a, b) AS m FROM t) SELECT k, m FROM d"
    sql = f"SELECT k, m FROM ({inner}) AS screened ORDER BY k"
    got = [tuple(r) for r in spark.sql(to_spark(sql)).collect()]
    assert got == _duck(sql, list(PAIRS), "k INTEGER, a DATE, b DATE")


@pytest.mark.parametrize(
    ("sql", "refusal"),
    [
        ("SELECT date_sub('day', a, b) FROM t", "unit 'day'"),
        ("SELECT date_diff('month', a, b) FROM t", "unit 'month'"),
        ("SELECT a + INTERVAL 2 HOUR FROM t", "unit 'hour'"),
        ("SELECT CAST(x AS DECIMAL(5, 1)) FROM t", "DECIMAL"),
        ("SELECT list_value(1, 2) FROM t", "no Spark translation|does not translate"),
        ("SELECT row_number() OVER (ORDER BY a) FROM t", "does not translate"),
        ("SELECT x FROM t UNION SELECT x FROM u", "does not translate"),
        ("SELECT x FROM t WHERE x IN (SELECT x FROM u)", "sub-query outside FROM"),
    ],
)
def test_untranslatable_constructs_fail_before_spark(sql: str, refusal: str) -> None:
    with pytest.raises(SparkUnsupported, match=refusal):
        to_spark(sql)


def test_every_rewrite_states_its_reason_in_the_docs() -> None:
    from pathlib import Path

    doc = (Path(__file__).parents[2] / "docs" / "spark.md").read_text(encoding="utf-8").replace("\\|", "|")
    for rewrite in REWRITES:
        assert rewrite.name in doc and rewrite.reason.split(":")[0] in doc, rewrite.name
