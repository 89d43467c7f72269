"""Apache Spark: the same statement for cohorts that live on a cluster (`oligoboard screen --engine spark`).

Why Spark at all, when DuckDB is 10–20× faster on one machine: a national registry (10⁷ patients and more)
sits in object storage next to a cluster, and the statement should run where the data is. The DuckDB
statement is transpiled by sqlglot and rewritten where Spark means something else (`spark_sql.py`); the
tables are read from Parquet with the schema of `engine/tables.py` (never inferred), so a file with a
missing or differently typed column is refused naming table, column and types instead of giving NULLs.

pyspark is the optional extra `oligoboard[spark]` (a 456 MB package with its own JVM jars): it is imported
inside the functions here, so this module imports without it and `make run` never needs it. Java 17 comes
from Debian (`default-jre-headless`, debian-packages.txt).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from oligoboard.engine.backends.base import CompiledArtifacts, ResultRow
from oligoboard.engine.tables import TABLES, CaseTables
from oligoboard.errors import EngineError, InputError, Problem

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession
    from pyspark.sql.types import StructType

#: Driver heap unless `OLIGOBOARD_SPARK_DRIVER_MEMORY` (or `driver_memory=`) says otherwise. In local mode
#: the driver is the whole cluster. 4g serves the tests (5,000 patients); 1M patients ran in 8g (JVM peak
#: 8.8 GiB resident, docs/spark.md), and ran out of memory in 4g with the previous statement.
DEFAULT_DRIVER_MEMORY = "4g"
#: Shuffle partitions in local mode: Spark's default 200 means 200 tiny tasks per join on two cores.
LOCAL_SHUFFLE_PARTITIONS = 8

Source = Path | str  # a local path, or a URL Spark's Hadoop layer reads (s3a://…, abfss://…, hdfs://…)


def _spark_type(sqltype: str) -> Any:
    from pyspark.sql import types as t

    mapping: dict[str, Any] = {
        "VARCHAR": t.StringType(),
        "INTEGER": t.IntegerType(),
        "BIGINT": t.LongType(),
        "DOUBLE": t.DoubleType(),
        "BOOLEAN": t.BooleanType(),
        "DATE": t.DateType(),
    }
    if sqltype not in mapping:
        raise EngineError(f"no Spark type for the table type {sqltype}")
    return mapping[sqltype]


def table_schema(table: str) -> StructType:
    """The Spark schema of one normalized table, from `TABLES` (the one definition of the layout)."""
    from pyspark.sql.types import StructField, StructType

    return StructType([StructField(name, _spark_type(sqltype), True) for name, sqltype in TABLES[table]])


def session(master: str | None = None, driver_memory: str | None = None) -> SparkSession:
    """The running SparkSession, or a new one: quiet (log level ERROR once started), UTC, bounded memory.

    `master` passes through (`spark://host:7077`, `yarn`, `k8s://…`); without it, a session started by
    `spark-submit` keeps the master spark-submit gave it, and a plain Python process runs `local[*]`.
    Driver memory only takes effect when this call starts the JVM (a running session is reused as it is).
    """
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None and master is None:
        return active
    memory = driver_memory or os.environ.get("OLIGOBOARD_SPARK_DRIVER_MEMORY", DEFAULT_DRIVER_MEMORY)
    builder = (
        SparkSession.builder.appName("oligoboard-screen")
        .config("spark.driver.memory", memory)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.ansi.enabled", "true")  # bad casts and overflow raise, as in DuckDB
        .config("spark.hadoop.mapreduce.fileoutputcommitter.marksuccessfuljobs", "false")
    )
    local = master is None and "PYSPARK_GATEWAY_PORT" not in os.environ  # not under spark-submit
    if master is not None:
        builder = builder.master(master)
    elif local:
        builder = builder.master("local[*]")
    if local or (master or "").startswith("local"):
        builder = builder.config("spark.sql.shuffle.partitions", str(LOCAL_SHUFFLE_PARTITIONS))
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _path(source: Source) -> str:
    return source if isinstance(source, str) else str(source.resolve())


def _check_schema(table: str, found: StructType, expected: StructType, files: Sequence[Source]) -> None:
    """Every expected column present with its type: Spark would otherwise read a missing column as NULL."""
    have = {f.name: f.dataType for f in found.fields}
    problems = []
    for want in expected.fields:
        got = have.get(want.name)
        if got is None:
            problems.append(
                Problem(f"{table}.{want.name}", "column missing", want.dataType.simpleString(), "absent")
            )
        elif got != want.dataType:
            problems.append(
                Problem(
                    f"{table}.{want.name}", "wrong type", want.dataType.simpleString(), got.simpleString()
                )
            )
    if problems:
        first = _path(files[0])
        raise InputError(f"table {table} (files like {first}) does not have the expected columns", problems)


def _footer_schema(spark: SparkSession, table: str, files: Sequence[str]) -> StructType:
    """The columns the files declare, merged over every file (a conflict between files is an input error)."""
    from pyspark.errors import PySparkException

    try:
        found: StructType = spark.read.option("mergeSchema", "true").parquet(*files).schema
    except PySparkException as exc:
        first = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
        raise InputError(f"table {table}: its Parquet files cannot be read as one table ({first})") from None
    return found


def register_tables(spark: SparkSession, tables: Mapping[str, Sequence[Source]]) -> None:
    """One temp view per table of `TABLES` over its Parquet files (a table without files is empty)."""
    unknown = sorted(set(tables) - set(TABLES))
    if unknown:
        raise InputError(f"unknown table(s) {', '.join(unknown)} (known: {', '.join(TABLES)})")
    for table in TABLES:
        schema = table_schema(table)
        files = [_path(f) for f in tables.get(table, [])]
        if files:
            _check_schema(table, _footer_schema(spark, table, files), schema, files)
            frame = spark.read.schema(schema).parquet(*files)
        else:
            frame = spark.createDataFrame([], schema)
        frame.createOrReplaceTempView(table)


def statement_frame(spark: SparkSession, statement_sql: str) -> DataFrame:
    """The DuckDB statement, transpiled and rewritten (`spark_sql.to_spark`), as a lazy DataFrame."""
    from oligoboard.engine.backends.spark_sql import to_spark

    return spark.sql(to_spark(statement_sql))


def _is_url(out: Source) -> bool:
    return isinstance(out, str) and "://" in out


def screen_tables(
    statement_sql: str,
    tables: Mapping[str, Sequence[Source]],
    out: Source,
    master: str | None = None,
    *,
    driver_memory: str | None = None,
) -> None:
    """Run the statement on Spark over Parquet tables and write one row per patient as Parquet to `out`.

    The statement is translated before Spark starts, so an untranslatable construct fails at once
    (`SparkUnsupported`). A local `out` is written under a temporary sibling name and renamed at the end:
    an interrupted run (Ctrl-C cancels the Spark jobs) leaves nothing at `out`. A URL `out` (object
    storage) is written by Spark's output committer, which publishes only complete jobs.
    """
    from oligoboard.engine.backends.spark_sql import to_spark

    spark_sql = to_spark(statement_sql)
    if not _is_url(out) and Path(out).exists():
        raise InputError(f"output {out} exists already")
    spark = session(master, driver_memory)
    register_tables(spark, tables)
    frame = spark.sql(spark_sql)
    if _is_url(out):
        _write(spark, frame, str(out))
        return
    target = Path(out)
    temp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent)) / "data"
    try:
        _write(spark, frame, str(temp))
        for junk in [*temp.glob(".*.crc"), *temp.glob("_SUCCESS")]:
            junk.unlink()
        temp.rename(target)
    finally:
        shutil.rmtree(temp.parent, ignore_errors=True)


def _write(spark: SparkSession, frame: DataFrame, where: str) -> None:
    """Write, cancelling the jobs on any failure or Ctrl-C. Spark's messages quote the offending value (a
    patient value), so a failure is reported by its error condition only."""
    from pyspark.errors import PySparkException

    try:
        frame.write.mode("errorifexists").parquet(where)
    except PySparkException as exc:
        spark.sparkContext.cancelAllJobs()
        condition = exc.getCondition() or type(exc).__name__
        raise EngineError(f"Spark failed running the statement: {condition} (values not shown)") from None
    except BaseException:
        spark.sparkContext.cancelAllJobs()
        raise


def write_case_tables(tables: CaseTables, folder: Path, part: str = "part-000000") -> dict[str, list[Path]]:
    """Case tables as Parquet in the registry layout (`folder/<table>/<part>.parquet`, `TABLES` types).

    DuckDB writes them (a base dependency), so Spark reads case rows exactly as it reads a registry.
    """
    import duckdb

    con = duckdb.connect()
    files: dict[str, list[Path]] = {}
    try:
        for table, columns in TABLES.items():
            con.execute(f"CREATE TABLE {table} ({', '.join(f'{c} {t}' for c, t in columns)})")
            rows = tables.rows(table)
            if rows:
                marks = ", ".join("?" for _ in columns)
                con.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
            (folder / table).mkdir(parents=True, exist_ok=True)
            target = folder / table / f"{part}.parquet"
            quoted = str(target).replace("'", "''")
            con.execute(f"COPY {table} TO '{quoted}' (FORMAT parquet)")
            files[table] = [target]
    finally:
        con.close()
    return files


class SparkBackend:
    """`Engine.evaluate(cases, backend="spark")`: case tables written as Parquet, then `screen_tables`.

    For tests and small batches (each call pays Spark's fixed cost of running the statement, ~30 s and
    more); cohorts call `screen_tables` on Parquet where it lies.
    """

    name = "spark"

    def __init__(self, artifacts: CompiledArtifacts) -> None:
        from oligoboard.engine.backends.spark_sql import to_spark

        to_spark(artifacts.statement.sql)  # refuses an untranslatable statement at once
        self.sql = artifacts.statement.sql

    def run(self, tables: CaseTables) -> list[ResultRow]:
        import duckdb

        with tempfile.TemporaryDirectory(prefix="oligoboard-spark-") as tmp:
            files = write_case_tables(tables, Path(tmp) / "tables")
            screen_tables(self.sql, files, Path(tmp) / "out", None)
            cursor = duckdb.connect().execute(
                f"SELECT * FROM read_parquet('{tmp}/out/*.parquet') ORDER BY case_id"
            )
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
