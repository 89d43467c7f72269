"""Cold start-up of the CLI, per command, against the old CLI (commit c68dbfb) measured in the same run.

Each command runs N times in a fresh interpreter with PYTHONDONTWRITEBYTECODE=1 (as on this machine), so
nothing is cached between runs except what the install precompiled and the compiled-knowledge cache (both
sides get their own private cache folder, filled by one untimed run first, so another process evicting
files from ~/.cache/oligoboard cannot turn a timed run into a compile). The old and new CLI alternate run by
run, so a load change on the shared machine hits both sides alike; the ratio is old / new of the medians.
The baseline is the same venv running the old sources (`git archive c68dbfb` into a temp dir, put first on
PYTHONPATH), so both sides pay for the same libraries.

Wall time is the budget (≤ 300 ms per command, docs/architecture.md "Start-up"); CPU time (user + system of
the child) is printed too because on a loaded 2-core machine wall time also counts waiting for a core.

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
#: case@1 copies of the demo cases: the baseline CLI (c68dbfb) reads only case@1; both CLIs read these.
CASE = ROOT / "tests" / "case" / "fixtures_v1"
BUDGET_MS = 300

COMMANDS: dict[str, list[str]] = {
    "--help": ["--help"],
    "dose bed": ["dose", "bed", "--dose", "30", "--fractions", "5"],
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


class Side:
    """One CLI (entry module + sources + its own cache folder) and the times measured for it."""

    def __init__(self, entry: str, pythonpath: str, cache: Path) -> None:
        self.entry, self.cache = entry, cache
        self.env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", PYTHONPATH=pythonpath)
        self.env["OLIGOBOARD_CACHE_DIR"] = str(cache)
        self.wall: dict[str, list[float]] = {}
        self.cpu: dict[str, list[float]] = {}

    def run(self, label: str, args: list[str], record: bool = True) -> None:
        code = f"import sys; from {self.entry} import main; sys.exit(main(sys.argv[1:]))"
        start = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-c", code, *args],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _, status, usage = os.wait4(child.pid, 0)
        wall = (time.perf_counter() - start) * 1000
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"{self.entry} {' '.join(args)} failed")
        if record:
            self.wall.setdefault(label, []).append(wall)
            self.cpu.setdefault(label, []).append((usage.ru_utime + usage.ru_stime) * 1000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    opts = parser.parse_args()
    case = str(sorted(CASE.glob("*.json"))[0])
    with tempfile.TemporaryDirectory() as tmp:
        old_src = _baseline_sources(Path(tmp))
        new = Side("oligoboard.cli.main", str(ROOT / "src"), Path(tmp) / "cache-new")
        old = Side("oligoboard.cli", str(old_src), Path(tmp) / "cache-old")
        commands = {label: [a.format(case=case) for a in args] for label, args in COMMANDS.items()}
        for side in (new, old):  # untimed: fills each side's compiled-knowledge cache
            side.run("warm-up", commands["assess --json"], record=False)
        for _ in range(opts.runs):
            for label, argv in commands.items():
                new.run(label, argv)
                old.run(label, argv)
        load = os.getloadavg()[0]
        print(
            f"cold start-up, median of {opts.runs} alternating runs, PYTHONDONTWRITEBYTECODE=1, "
            f"load {load:.1f}; case {Path(case).name}"
        )
        print(
            f"{'command':<15}{'wall now':>9}{BASELINE_COMMIT:>9}{'ratio':>7}"
            f"{'cpu now':>9}{BASELINE_COMMIT:>9}{'ratio':>7}  budget {BUDGET_MS} ms"
        )
        for label in commands:
            wall_new, wall_old = statistics.median(new.wall[label]), statistics.median(old.wall[label])
            cpu_new, cpu_old = statistics.median(new.cpu[label]), statistics.median(old.cpu[label])
            verdict = "within" if wall_new <= BUDGET_MS else "over"
            print(
                f"{label:<15}{wall_new:>9.0f}{wall_old:>9.0f}{wall_old / wall_new:>6.1f}x"
                f"{cpu_new:>9.0f}{cpu_old:>9.0f}{cpu_old / cpu_new:>6.1f}x  {verdict}"
            )
        print("(ms; ratio = c68dbfb / now, higher is faster)")


if __name__ == "__main__":
    main()
