"""`synth` throughput: the columnar generator vs a naive per-patient path, measured in the same run.

(a) columnar: `cohort.synth.run` (numpy per chunk, DuckDB COPY to Parquet) on `--patients` patients;
(b) naive baseline: the same patients' case documents (drawn by (a), not timed) each parsed by the case
contract and flattened by `engine.tables.to_tables`, rows inserted into DuckDB and copied to Parquet, i.e.
the per-patient-object path issue 14 says a registry cannot take. Printed: patients per second for each,
the per-patient ratio (b)/(a), and the peak RSS of this process.

Run: .venv/bin/python benchmarks/synth.py [--patients N] [--naive M]
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from pathlib import Path

import duckdb

from oligoboard.case.validate import parse_case
from oligoboard.cohort.synth import run
from oligoboard.engine.tables import TABLES, to_tables


def columnar(out: Path, patients: int) -> float:
    start = time.perf_counter()
    run(out, patients, 1)
    return time.perf_counter() - start


def naive(docs: list[dict[str, object]], out: Path) -> float:
    start = time.perf_counter()
    con = duckdb.connect()
    flat = to_tables(parse_case(d) for d in docs)
    for table, columns in TABLES.items():
        con.execute(f"CREATE TABLE {table} ({', '.join(f'{c} {t}' for c, t in columns)})")
        rows = flat.rows(table)
        if rows:
            con.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' for _ in columns)})", rows)
        (out / table).mkdir(parents=True)
        con.execute(f"COPY {table} TO '{out / table / 'part-000000.parquet'}' (FORMAT parquet)")
    con.close()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--patients", type=int, default=200_000)
    parser.add_argument("--naive", type=int, default=2_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        run(root / "sample", args.naive, 1, sample=args.naive)
        docs = [
            json.loads(p.read_text(encoding="utf-8"))
            for p in sorted((root / "sample" / "cases").glob("*.json"))
        ]
        fast = columnar(root / "columnar", args.patients)
        slow = naive(docs, root / "naive")
    fast_rate, slow_rate = args.patients / fast, len(docs) / slow
    print(f"columnar  {args.patients:>9} patients  {fast:8.2f} s  {fast_rate:12.0f} patients/s")
    print(f"naive     {len(docs):>9} patients  {slow:8.2f} s  {slow_rate:12.0f} patients/s")
    print(f"per-patient ratio naive / columnar: {fast_rate / slow_rate:.0f}x")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
