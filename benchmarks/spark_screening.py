"""Spark local vs DuckDB on the same generated registry, in the same run (issue 14, point 6, Spark line).

Both run the compiled statement over the same Parquet files and write one row per patient as Parquet:
(a) DuckDB in this process (`COPY (statement) TO … (FORMAT parquet)`); (b) `engine.backends.spark.screen_tables`
in local mode (`local[*]`, driver memory from `--driver-memory`, default `spark.DEFAULT_DRIVER_MEMORY`).
Printed: wall time of each, the overhead ratio (b)/(a), the peak RSS of this process (DuckDB) and of
Spark's JVM (its VmHWM), and whether the two outputs agree on every status column.

Run (needs the extra `oligoboard[spark]`; > 3 GB, so under the shared lock):
    flock /tmp/oligoboard-bigmem.lock .venv/bin/python benchmarks/spark_screening.py [--patients 1000000]
        [--cohort DIR  (reuse a cohort made by `oligoboard synth`)] [--driver-memory 4g]
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import duckdb

from oligoboard.cohort import synth
from oligoboard.engine.backends import spark as spark_backend
from oligoboard.engine.runner import Engine
from oligoboard.engine.tables import TABLES


def _files(root: Path) -> dict[str, list[Path]]:
    return {table: sorted((root / table).glob("*.parquet")) for table in TABLES}


def _listed(files: list[Path]) -> str:
    return "[" + ", ".join("'" + str(f).replace("'", "''") + "'" for f in files) + "]"


def run_duckdb(sql: str, tables: dict[str, list[Path]], out: Path) -> float:
    start = time.perf_counter()
    con = duckdb.connect()
    for table, files in tables.items():
        con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet({_listed(files)})")
    con.execute(f"COPY ({sql}) TO '{out}' (FORMAT parquet)")
    con.close()
    return time.perf_counter() - start


def run_spark(sql: str, tables: dict[str, list[Path]], out: Path, memory: str) -> tuple[float, float, int]:
    """(session start, screening wall time, JVM peak RSS in KiB)."""
    start = time.perf_counter()
    spark = spark_backend.session(driver_memory=memory)
    started = time.perf_counter() - start
    start = time.perf_counter()
    spark_backend.screen_tables(sql, tables, out, None, driver_memory=memory)
    took = time.perf_counter() - start
    pid = spark.sparkContext._gateway.proc.pid  # type: ignore[union-attr]
    peak = 0
    for line in Path(f"/proc/{pid}/status").read_text(encoding="utf-8").splitlines():
        if line.startswith("VmHWM:"):
            peak = int(line.split()[1])
    return started, took, peak


def statuses_agree(engine: Engine, duck_out: Path, spark_out: Path) -> bool:
    cols = ", ".join(["case_id", *engine.statement.rule_set_status.values()])
    con = duckdb.connect()
    differing = con.execute(
        f"SELECT count(*) FROM (SELECT {cols} FROM read_parquet('{duck_out}') "
        f"EXCEPT SELECT {cols} FROM read_parquet('{spark_out}/*.parquet'))"
    ).fetchone()
    return differing is not None and differing[0] == 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--patients", type=int, default=1_000_000)
    parser.add_argument("--cohort", type=Path, default=None)
    parser.add_argument("--driver-memory", default=spark_backend.DEFAULT_DRIVER_MEMORY)
    args = parser.parse_args()
    engine = Engine()
    with tempfile.TemporaryDirectory(prefix="spark-bench-") as tmp:
        root = Path(tmp)
        cohort = args.cohort
        if cohort is None:
            cohort = root / "cohort"
            synth.generate(cohort, args.patients, 11)
        tables = _files(cohort)
        n = (
            duckdb.connect()
            .execute(f"SELECT count(*) FROM read_parquet({_listed(tables['patients'])})")
            .fetchone()
        )
        patients = n[0] if n else 0
        duck = run_duckdb(engine.sql, tables, root / "duckdb.parquet")
        duck_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(
            f"DuckDB:            {duck:8.1f} s   peak RSS {duck_rss / 1024**2:5.2f} GiB (this process)",
            flush=True,
        )
        started, spark, jvm_rss = run_spark(engine.sql, tables, root / "spark-out", args.driver_memory)
        agree = statuses_agree(engine, root / "duckdb.parquet", root / "spark-out")
    print(f"patients: {patients:,} ({len(engine.statement.columns)} columns per patient)")
    print(
        f"Spark local[*]:    {spark:8.1f} s   peak RSS {jvm_rss / 1024**2:5.2f} GiB (JVM, driver memory "
        f"{args.driver_memory}); session start {started:.1f} s"
    )
    print(f"Spark / DuckDB:    {spark / duck:8.1f}×   statuses identical: {agree}")


if __name__ == "__main__":
    main()
