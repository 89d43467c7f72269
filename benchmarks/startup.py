"""Cold start-up of the CLI, per command, against the old CLI (commit c68dbfb) measured in the same run.

Each command runs N times in a fresh interpreter with PYTHONDONTWRITEBYTECODE=1 (as on this machine), so
nothing is cached between runs except what the install precompiled; the figure is the median wall time.
The baseline is the same venv running the old sources (`git archive c68dbfb` into a temp dir, put first on
PYTHONPATH), so both sides pay for the same libraries.

Usage: python benchmarks/startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE_COMMIT = "c68dbfb"
CASE = ROOT / "examples" / "cases"

COMMANDS: dict[str, list[str]] = {
    "--help": ["--help"],
    "dose bed": ["dose", "bed", "--dose", "50", "--fractions", "10"],
    "validate": ["validate", "{case}"],
    "assess --json": ["assess", "{case}", "--json"],
}


def _baseline_sources(into: Path) -> Path:
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", BASELINE_COMMIT, "src"], check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into / "src"


def _time(entry: str, args: list[str], pythonpath: str | None, runs: int) -> float:
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    if pythonpath is not None:
        env["PYTHONPATH"] = pythonpath
    cmd = [sys.executable, "-c", f"import sys; from {entry} import main; sys.exit(main(sys.argv[1:]))", *args]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    opts = parser.parse_args()
    case = str(sorted(CASE.glob("*.json"))[0])
    with tempfile.TemporaryDirectory() as tmp:
        old_src = _baseline_sources(Path(tmp))
        print(f"cold start-up, median of {opts.runs} runs, PYTHONDONTWRITEBYTECODE=1; case {Path(case).name}")
        print(f"{'command':<16}{'now (ms)':>10}{f'{BASELINE_COMMIT} (ms)':>16}{'ratio':>9}")
        for label, args in COMMANDS.items():
            argv = [a.format(case=case) for a in args]
            new = _time("oligoboard.cli.main", argv, str(ROOT / "src"), opts.runs)
            old = _time("oligoboard.cli", argv, str(old_src), opts.runs)
            print(f"{label:<16}{new * 1000:>10.0f}{old * 1000:>16.0f}{old / new:>8.1f}x")


if __name__ == "__main__":
    main()
