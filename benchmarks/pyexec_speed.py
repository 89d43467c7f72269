"""Generated-code executor vs the closure executor it replaced, on the real statement, same run.

Prints, for the demo cases: p50/p99 per case of (a) today's generated executor (`pyexec.QueryExecutor`),
(b) the same module reloaded from its source text alone (`pyload.LoadedQuery.from_source`), (c) the closure
executor of commit c68dbfb if `--old DIR` points at a package `oldexec` holding that commit's pyexec/pyexpr;
plus build times (generate + compile vs reload from source / from a marshalled code object).

Run: .venv/bin/python benchmarks/pyexec_speed.py [--rounds N] [--old /tmp/exec_old]
"""

from __future__ import annotations

import argparse
import marshal
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _timing import timings_ms

from oligoboard.case.io import load_case
from oligoboard.engine.backends.python import TABLE_COLUMNS
from oligoboard.engine.pyexec import QueryExecutor
from oligoboard.engine.pyload import LoadedQuery, compile_source
from oligoboard.engine.runner import Engine
from oligoboard.engine.tables import TABLES, to_tables

ROOT = Path(__file__).resolve().parents[1]
CASES = sorted((ROOT / "examples" / "cases").glob("*.json"))

Runner = Callable[[dict[str, list[dict[str, Any]]]], list[dict[str, Any]]]


def named_tables(case_path: Path) -> dict[str, list[dict[str, Any]]]:
    tables = to_tables([load_case(case_path)])
    return {t: [dict(zip(TABLE_COLUMNS[t], r, strict=True)) for r in tables.rows(t)] for t in TABLES}


def report(label: str, values: list[float]) -> None:
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    print(f"  {label:<34} p50 {statistics.median(values):7.3f} ms   p99 {p99:7.3f} ms   (n={len(values)})")


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--old", type=Path, default=None)
    args = parser.parse_args()
    sql = Engine().sql
    inputs = [named_tables(p) for p in CASES]
    build_ms = timed(lambda: QueryExecutor(sql, TABLE_COLUMNS))
    generated = QueryExecutor(sql, TABLE_COLUMNS)
    code = marshal.dumps(compile_source(generated.source))
    print(f"statement {len(sql) / 1000:.1f} kB → generated module {len(generated.source) / 1000:.1f} kB")
    print(f"  build (parse + generate + compile)  {build_ms:8.1f} ms")
    print(
        f"  reload from source                  {timed(lambda: LoadedQuery.from_source(generated.source)):8.1f} ms"
    )
    print(f"  reload from marshalled code         {timed(lambda: LoadedQuery(marshal.loads(code))):8.1f} ms")
    runners: list[tuple[str, Runner]] = [
        ("generated (QueryExecutor)", generated),
        ("reloaded (LoadedQuery.from_source)", LoadedQuery.from_source(generated.source)),
    ]
    if args.old is not None:
        sys.path.insert(0, str(args.old))
        from oldexec.pyexec import QueryExecutor as OldExecutor  # type: ignore[import-not-found]

        runners.append(("closures (c68dbfb)", OldExecutor(sql, TABLE_COLUMNS)))
    print(f"one case, {len(inputs)} demo cases × {args.rounds} rounds:")
    for label, run in runners:
        report(label, timings_ms(run, inputs, args.rounds))


if __name__ == "__main__":
    main()
