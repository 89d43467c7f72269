"""Single-case assessment latency: the compiled Python executor vs DuckDB on the same SQL, same run.

Prints warm p50/p99 over the demo cases for (a) the engine alone on each executor, (b) the full `assess`
(engine + recommendations + trials + radiotherapy sections), (c) CLI start-up to JSON, with the whole
knowledge base loaded. The ratio is DuckDB / Python on the identical statement built by `build_statement`.
Also (d) `Engine()` in a fresh process on a warm compiled-knowledge cache vs a cold compilation.

Run: .venv/bin/python benchmarks/single_case.py [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _timing import timings_ms

from oligoboard.assessment import assemble
from oligoboard.case.io import load_case
from oligoboard.engine.runner import Engine

ROOT = Path(__file__).resolve().parents[1]
CASES = sorted((ROOT / "examples" / "cases").glob("*.json"))


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def report(label: str, values: list[float]) -> None:
    print(
        f"  {label:<38} p50 {statistics.median(values):8.2f} ms   p99 {pct(values, 0.99):8.2f} ms   (n={len(values)})"
    )


def cli_startup_ms(runs: int) -> list[float]:
    exe = shutil.which("oligoboard", path=str(Path(sys.executable).parent)) or "oligoboard"
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([exe, "assess", str(CASES[0]), "--json"], check=True, capture_output=True)
        out.append((time.perf_counter() - start) * 1000)
    return out


ENGINE_START = (
    "import sys, time; t = time.perf_counter(); from oligoboard.engine.runner import Engine; "
    "t1 = time.perf_counter(); Engine(); t2 = time.perf_counter(); "
    "print((t1 - t) * 1000, (t2 - t1) * 1000, 'sqlglot' in sys.modules, 'duckdb' in sys.modules)"
)


def engine_start_ms(runs: int) -> None:
    """`Engine()` in a fresh process: first on an empty cache (compiles), then warm (loads the pickle)."""
    with tempfile.TemporaryDirectory() as cache_dir:
        env = {**os.environ, "OLIGOBOARD_CACHE_DIR": cache_dir, "PYTHONDONTWRITEBYTECODE": "1"}
        samples = []
        for _ in range(runs + 1):
            out = subprocess.run(
                [sys.executable, "-c", ENGINE_START], check=True, capture_output=True, text=True, env=env
            ).stdout.split()
            samples.append((float(out[0]), float(out[1]), out[2], out[3]))
    cold, warm = samples[0], samples[1:]
    print(f"  Engine() cold cache (compile + write):   {cold[1]:8.1f} ms")
    print(
        f"  Engine() warm cache, fresh process:      p50 {statistics.median(w[1] for w in warm):8.1f} ms "
        f"(imports before it p50 {statistics.median(w[0] for w in warm):.0f} ms; "
        f"sqlglot imported: {warm[-1][2]}, duckdb imported: {warm[-1][3]})"
    )
    print(f"  ratio cold / warm: {cold[1] / statistics.median(w[1] for w in warm):.0f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--cli-runs", type=int, default=5)
    args = parser.parse_args()

    start = time.perf_counter()
    engine = Engine()
    load_ms = (time.perf_counter() - start) * 1000
    cases = [load_case(p) for p in CASES]
    kb = engine.kb
    n_criteria = sum(len(rs.criteria) for rs in kb.rule_sets)
    print(
        f"knowledge {kb.full_version}: {len(kb.rule_sets)} rule sets, {n_criteria} criteria, "
        f"{len(kb.definitions)} definitions, {len(kb.decision_lists)} decision lists; "
        f"statement {len(engine.sql) / 1000:.1f} kB"
    )
    print(f"engine start (load + compile knowledge, compile executor): {load_ms:.0f} ms")
    print(f"{len(cases)} demo cases x {args.rounds} rounds, warm:")

    python = timings_ms(lambda c: engine.evaluate_one(c, backend="python"), cases, args.rounds)
    duck = timings_ms(lambda c: engine.evaluate_one(c, backend="duckdb"), cases, max(2, args.rounds // 5))
    full = timings_ms(lambda c: assemble(c, engine.evaluate_one(c), kb), cases, args.rounds)
    report("engine, compiled Python executor", python)
    report("engine, DuckDB (baseline, same SQL)", duck)
    report("full assess (engine + all sections)", full)
    ratio = statistics.median(duck) / statistics.median(python)
    print(f"  speed-up of the compiled executor over DuckDB (p50): {ratio:.0f}x")
    target = "met" if statistics.median(full) < 10 else "NOT met"
    print(f"  target p50 < 10 ms warm for a full assessment: {target}")
    budget = {
        label: "met" if statistics.median(values) <= 2 else "NOT met"
        for label, values in (("engine", python), ("full assess", full))
    }
    print(
        f"  house budget p50 <= 2 ms (single-case assessment): engine {budget['engine']}, "
        f"full assess {budget['full assess']}"
    )
    engine_start_ms(args.cli_runs)
    cli = cli_startup_ms(args.cli_runs)
    report("CLI start-up to JSON (cold process)", cli)


if __name__ == "__main__":
    main()
