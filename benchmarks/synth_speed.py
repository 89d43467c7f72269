"""`synth` throughput and memory: the columnar generator vs the per-patient (sample-case) path, in one run.

(a) columnar: `cohort.synth.run` (numpy per chunk, Arrow dictionary columns, pyarrow Parquet) on
    `--patients` patients, in a child process so that its peak RSS is its own (`RUSAGE_CHILDREN`);
(b) baseline, "the sample-case path": the same generator's case@2 documents (drawn by (a)'s code, not timed)
    each parsed by the case contract, flattened by `engine.tables.to_tables`, inserted into DuckDB and copied
    to Parquet — the per-patient-object path a registry cannot take (issue 14). This replaces the old
    generator as the baseline: it is what any per-patient generator pays at least, and it needs no copy of
    old code (the old columnar generator measured ≈ 7,000 patients/s on this machine, docs/cohort.md).
Printed: patients/s of each, the ratio (a)/(b), the peak RSS of (a), and the extrapolated time for 10M.

Run: .venv/bin/python benchmarks/synth_speed.py [--patients N] [--chunk C] [--naive M]
     (10M: flock /tmp/oligoboard-bigmem.lock .venv/bin/python benchmarks/synth_speed.py --patients 10000000)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from oligoboard.case.validate import parse_case
from oligoboard.cohort.synth import run
from oligoboard.engine.tables import TABLES, to_tables

CHILD = """
import sys, time
from pathlib import Path
from oligoboard.cohort.synth import run
start = time.perf_counter()
run(Path(sys.argv[1]), int(sys.argv[2]), 1, chunk=int(sys.argv[3]))
print(time.perf_counter() - start)
"""


def columnar(out: Path, patients: int, chunk: int) -> tuple[float, float, float]:
    """Seconds inside `run` (interpreter start excluded), peak RSS in MiB and CPU seconds of the child.

    CPU seconds are printed too because this machine is shared: wall time depends on the other jobs, CPU
    time much less (the child uses up to two cores: drawing and writing overlap)."""
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(out), str(patients), str(chunk)],
        check=True,
        capture_output=True,
        text=True,
    )
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (
        float(done.stdout.strip().splitlines()[-1]),
        usage.ru_maxrss / 1024,
        usage.ru_utime + usage.ru_stime,
    )


def sample_case_path(docs: list[dict[str, object]], out: Path) -> float:
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
    parser.add_argument("--patients", type=int, default=1_000_000)
    parser.add_argument("--chunk", type=int, default=100_000)
    parser.add_argument("--naive", type=int, default=1_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=Path.cwd()) as tmp:
        root = Path(tmp)
        run(root / "sample", args.naive, 1, sample=args.naive)
        docs = [
            json.loads(p.read_text(encoding="utf-8"))
            for p in sorted((root / "sample" / "cases").glob("*.json"))
        ]
        slow = sample_case_path(docs, root / "naive")
        fast, rss, cpu = columnar(root / "columnar", args.patients, args.chunk)
        size = sum(p.stat().st_size for p in (root / "columnar").rglob("*.parquet")) / 2**20
    fast_rate, slow_rate = args.patients / fast, len(docs) / slow
    print(f"columnar     {args.patients:>10,} patients  {fast:8.2f} s  {fast_rate:10,.0f} patients/s")
    print(f"sample-case  {len(docs):>10,} patients  {slow:8.2f} s  {slow_rate:10,.0f} patients/s")
    print(f"ratio columnar / sample-case path: {fast_rate / slow_rate:,.0f}x")
    print(f"columnar CPU time: {cpu:.1f} s ({args.patients / cpu:,.0f} patients per CPU-second)")
    print(f"load average during the run: {os.getloadavg()[0]:.1f} (2 cores)")
    print(f"columnar peak RSS: {rss:,.0f} MiB (chunk {args.chunk:,}); Parquet written: {size:,.0f} MiB")
    print(f"10,000,000 patients at this rate: {10_000_000 / fast_rate:,.0f} s")


if __name__ == "__main__":
    main()
