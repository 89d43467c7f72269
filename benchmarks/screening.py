"""Bulk screening figures (issue 14 item 6), all in one run, each with its ratio.

1. `oligoboard screen` (DuckDB) on cohorts of `--sizes` patients (default 100k, 1M, 5M, 10M): wall time,
   peak RSS of the screening process (`wait4`), patients/s, and the scaling ratio against the smallest size
   (time ratio / size ratio: 1.0 is linear).
2. What the restructuring moved, same 1M cohort, same process: the full statement as `assess` returns it
   (every feature, definition and decision column, ordered by case id) copied to Parquet, vs the narrow
   statement `screen` runs (case id and criteria; no final sort; the statuses are made from the stored criteria),
   vs `floor_sql`, a lower bound: the least work any statement over these tables does (what the data costs).
3. Bulk vs the single-case API on a `--sample` sample: `Engine.evaluate_one` on each parsed case (the
   Python executor, what `assess` runs) vs bulk screening's per-patient time at each size from 1M
   (the largest size is the headline).

Cohorts: `oligoboard synth` generates `--base` patients once (default 1M, or the largest size if smaller);
larger cohorts are built by replicating the base files with case-id prefixes `R<k>-` (stated in the
output), so 10M take minutes to build, not an hour. 10M run with `--chunk-patients 1000000`
(id-range chunks) and `--memory-limit` (default 6GB).

Run the big sizes alone: flock /tmp/oligoboard-bigmem.lock .venv/bin/python benchmarks/screening.py
Smaller: .venv/bin/python benchmarks/screening.py --sizes 100000,300000 --sample 500
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from oligoboard.engine.tables import TABLES

BIN = Path(sys.executable).parent / "oligoboard"


def _child(args: list[str]) -> tuple[float, float, float]:
    """Wall seconds, peak RSS (MiB) and CPU seconds (user + system) of one child process.

    CPU seconds beside wall time: this 2-core machine is shared, and wall time is what the load left over.
    """
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(args)}")
    return wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def build(base: Path, out: Path, copies: int) -> None:
    """`copies` replicas of the base cohort, replica k with case ids prefixed `R<k>-` (unique, sortable)."""
    con = duckdb.connect()
    for table in TABLES:
        (out / table).mkdir(parents=True)
        files = sorted((base / table).glob("*.parquet"))
        for k in range(copies):
            for f in files:
                target = out / table / f"r{k:02d}-{f.name}"
                con.execute(
                    f"COPY (SELECT * REPLACE ('R{k:02d}-' || case_id AS case_id) FROM read_parquet('{f}')) "
                    f"TO '{target}' (FORMAT parquet)"
                )
    con.close()


#: per-patient values of `floor_sql`, each a column its boolean outputs read
FLOOR_VALUES = (
    "lc.n_brain",
    "lc.n_liver",
    "lc.n_new",
    "lc.max_size",
    "lc.n",
    "sd.n_mri",
    "ta.max_line",
    "lt.n",
    "rt.n",
    "an.n",
    "p.ecog",
    "p.age_years",
    "p.pdl1_tps",
)


def floor_sql(outputs: int) -> str:
    """A lower bound for the narrow statement: the least work any statement over these tables has to do.

    Every table the rules read is scanned once; each lesion's latest finding is found (the findings joined to
    their scans, one group-by per lesion: the contract's "current status" needs it), joined to its lesion and
    counted per patient (one group-by); every other table is aggregated once per patient; the aggregates are
    joined to the patients, and as many booleans as the statement has criteria are written, each from two of
    the per-patient values. It leaves out everything the rules add: a second pass over the therapies (the
    current line), each lesion's therapy context, the scans' responses, the latest scan's lesions, the
    bounds under uncertainty and the criteria's own logic. Its time is what the data costs on this machine.
    """
    values = FLOOR_VALUES
    columns = ", ".join(
        f"({values[i % len(values)]} > {i % 5} AND {values[(7 * i + 3) % len(values)]} < {i % 7 + 1}) AS c{i}"
        for i in range(outputs)
    )
    return f"""WITH latest AS (
      SELECT f.case_id, f.lesion_id, max(i.scan_date) AS scan_date, max(f.size_mm) AS size_mm,
             max(f.status) AS status
      FROM imaging_findings AS f JOIN imaging AS i ON i.case_id = f.case_id AND i.scan_id = f.scan_id
      GROUP BY f.case_id, f.lesion_id),
    lc AS (
      SELECT l.case_id, count_if(l.organ = 'brain') AS n_brain, count_if(l.organ = 'liver') AS n_liver,
             count_if(coalesce(latest.status, l.status) = 'new') AS n_new,
             max(coalesce(latest.size_mm, l.size_mm)) AS max_size, count(*) AS n
      FROM lesions AS l
      LEFT JOIN latest ON latest.case_id = l.case_id AND latest.lesion_id = l.lesion_id
      GROUP BY l.case_id),
    sd AS (SELECT case_id, max(scan_date) AS latest, count_if(modality = 'mri') AS n_mri FROM imaging GROUP BY case_id),
    ta AS (SELECT case_id, max(line) AS max_line, min(start_date) AS first_start FROM therapies GROUP BY case_id),
    lt AS (SELECT case_id, count(*) AS n FROM local_treatments GROUP BY case_id),
    rt AS (SELECT case_id, count(*) AS n FROM rt_courses GROUP BY case_id),
    an AS (SELECT case_id, count_if(value) AS n FROM answers GROUP BY case_id)
    SELECT p.case_id, {columns}
    FROM patients AS p
    LEFT JOIN lc ON lc.case_id = p.case_id LEFT JOIN sd ON sd.case_id = p.case_id
    LEFT JOIN ta ON ta.case_id = p.case_id LEFT JOIN lt ON lt.case_id = p.case_id
    LEFT JOIN rt ON rt.case_id = p.case_id LEFT JOIN an ON an.case_id = p.case_id"""


def statement_ratio(cohort: Path) -> tuple[float, float, float]:
    """Seconds for the full `assess` statement, the narrow `screen` statement and `floor_sql`, one connection.

    Each copied to Parquet, as `screen` writes its criteria (same settings: no insertion order kept).
    """
    from oligoboard.cohort.screen import narrow_sql
    from oligoboard.cohort.sources import create_views, discover
    from oligoboard.engine.runner import Engine

    engine = Engine()
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = false")
    create_views(con, discover(cohort))
    times = []
    floor = floor_sql(len(engine.statement.criteria))
    with tempfile.TemporaryDirectory() as tmp:
        for sql in (engine.statement.sql, narrow_sql(engine.statement), floor):
            start = time.perf_counter()
            con.execute(f"COPY ({sql}) TO '{tmp}/x.parquet' (FORMAT parquet)")
            times.append(time.perf_counter() - start)
    con.close()
    return times[0], times[1], times[2]


def single_case(cases: list[Path]) -> tuple[float, float]:
    """Seconds per patient of the single-case API, warm (executor loaded once, as a service would):
    (engine: parse + `Engine.evaluate_one` on the Python executor, missing facts resolved;
    assess: the same plus `assemble`, the whole `assess --json` contract)."""
    from oligoboard.assessment import assemble
    from oligoboard.case.io import load_case
    from oligoboard.engine.runner import Engine

    engine = Engine()
    assemble(load_case(cases[0]), engine.evaluate_one(load_case(cases[0])), engine.kb)
    start = time.perf_counter()
    for path in cases:
        engine.evaluate_one(load_case(path), backend="python")
    middle = time.perf_counter()
    for path in cases:
        case = load_case(path)
        assemble(case, engine.evaluate_one(case, backend="python"), engine.kb)
    end = time.perf_counter()
    return (middle - start) / len(cases), (end - middle) / len(cases)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100000,1000000,5000000,10000000")
    parser.add_argument("--base", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=2_000)
    parser.add_argument("--memory-limit", default="6GB")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--ratio-size", type=int, default=1_000_000, help="cohort size for figure 2")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    base_n = min(args.base, max(sizes))
    work = Path(args.workdir or tempfile.mkdtemp(prefix="oligoboard-screening-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"work folder {work}; load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    base = work / f"synth-{base_n}"
    if not base.exists():
        wall, _, _ = _child(
            [
                str(BIN),
                "synth",
                "--patients",
                str(base_n),
                "--seed",
                "14",
                "--out",
                str(base),
                "--sample",
                str(args.sample),
            ]
        )
        print(f"generated {base_n:,} patients with `oligoboard synth` in {wall:.1f} s")
    cohorts: dict[int, Path] = {}
    for n in sizes:
        if n == base_n:
            cohorts[n] = base
        elif n < base_n:
            cohorts[n] = work / f"synth-{n}"
            if not cohorts[n].exists():
                _child([str(BIN), "synth", "--patients", str(n), "--seed", "14", "--out", str(cohorts[n])])
        else:
            if n % base_n:
                raise SystemExit(f"--sizes: {n} is not a multiple of the base cohort ({base_n})")
            cohorts[n] = work / f"replicated-{n}"
            if not cohorts[n].exists():
                start = time.perf_counter()
                build(base, cohorts[n], n // base_n)
                print(
                    f"built {n:,} patients as {n // base_n} replicas of the {base_n:,} synth cohort "
                    f"(case ids prefixed R<k>-) in {time.perf_counter() - start:.1f} s"
                )
    print("\n1. oligoboard screen, DuckDB, every trial, recommendation and criterion")
    print(
        f"{'patients':>11} {'wall s':>7} {'CPU s':>6} {'RSS MiB':>8} {'patients/s':>11} {'µs/patient':>11} "
        f"{'scaling':>7}"
    )
    first: tuple[int, float] | None = None
    figures: dict[int, float] = {}
    for n in sizes:
        out = work / f"out-{n}"
        shutil.rmtree(out, ignore_errors=True)
        cmd = [str(BIN), "screen", str(cohorts[n]), "--out", str(out), "--chunk-patients", "1000000"]
        if n > 1_000_000:
            cmd += ["--memory-limit", args.memory_limit]
        wall, rss, cpu = _child(cmd)
        timings = json.loads((out / "manifest.json").read_text()).get("timings", {})
        figures[n] = wall
        first = first or (n, wall)
        scaling = (wall / first[1]) / (n / first[0])
        print(
            f"{n:>11,} {wall:>7.1f} {cpu:>6.1f} {rss:>8,.0f} {n / wall:>11,.0f} {1e6 * wall / n:>11.1f} "
            f"{scaling:>7.2f}"
        )
        print(f"{'':>11} phases (s): {timings}")
        shutil.rmtree(out, ignore_errors=True)
    largest = max(sizes)
    print("   scaling: (time ratio) / (size ratio) against the smallest size; 1.00 = linear")

    if args.ratio_size in cohorts:
        full, narrow, floor = statement_ratio(cohorts[args.ratio_size])
        print(f"\n2. the statement at {args.ratio_size:,} patients, same process")
        print(f"   full statement as `assess` returns it (all columns, ordered): {full:.1f} s")
        print(f"   narrow statement `screen` runs (criteria, no sort): {narrow:.1f} s")
        print(f"   ratio full / narrow: {full / narrow:.2f}")
        print(
            f"   floor (`floor_sql`: each table read and aggregated once, as many booleans written): {floor:.1f} s"
        )
        print(f"   ratio narrow / floor: {narrow / floor:.2f}")

    cases = sorted((base / "cases").glob("*.json"))[: args.sample]
    if cases:
        per_engine, per_assess = single_case(cases)
        print(f"\n3. single-case API vs bulk, {len(cases):,} sample patients (warm)")
        print(f"   engine (parse + Engine.evaluate_one, Python executor): {1e3 * per_engine:.2f} ms/patient")
        print(f"   assess contract (the same + assemble): {1e3 * per_assess:.2f} ms/patient")
        print("   bulk per patient (`screen` end to end, part 1) and the ratios, at each size from 1M (the")
        print("   headline is the largest size: bulk per-patient cost grows a little with the cohort)")
        for n in [n for n in sizes if n >= min(1_000_000, largest)]:
            per_bulk = figures[n] / n
            print(
                f"   {n:>11,}: {1e6 * per_bulk:5.1f} µs/patient; engine / bulk {per_engine / per_bulk:,.0f}x, "
                f"assess / bulk {per_assess / per_bulk:,.0f}x"
            )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nbenchmark process peak RSS {peak:,.0f} MiB; load at end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
