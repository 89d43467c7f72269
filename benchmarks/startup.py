"""Cold start-up of the CLI, per command, against an older CLI (default commit c68dbfb) measured in the same run.

Each command runs N times in a fresh interpreter with PYTHONDONTWRITEBYTECODE=1 (as on this machine), so
nothing is cached between runs except what the install precompiled and the compiled-knowledge cache (both
sides get their own private cache folder, filled by one untimed run first, so another process evicting
files from ~/.cache/oligoboard cannot turn a timed run into a compile). The old and new CLI alternate run by
run, so a load change on the shared machine hits both sides alike; the ratio is old / new of the medians.
The baseline is the same venv running the old sources (`git archive REV` into a temp dir, put first on
PYTHONPATH, precompiled like an install), so both sides pay for the same libraries. `--baseline main` compares a branch with main (a
case@2 `--case` then works too; c68dbfb reads only case@1).

Each child runs `sys.exit(main())` with the command in `sys.argv`, exactly as the installed console script
does. Until 2026-12-02 it ran `main(sys.argv[1:])`, the in-process form tests use: that form leaves the heap
unfrozen (`cli/main.main` freezes it only for the console script), so every child also paid the interpreter
shutdown's collection of the whole heap (≈ 25-30 ms of `assess --json` on an idle machine) that no user pays.
`--in-process-form` measures it that way again, for comparison with the older figures.

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


def _baseline_sources(into: Path, rev: str) -> Path:
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev, "src"], check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    # precompiled as `make install` precompiles the new side: bytecode is never written here, so without
    # this every baseline run would recompile all its sources (the figures before 2026-12-02 paid that)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(into / "src")], check=True)
    return into / "src"


class Side:
    """One CLI (entry module + sources + its own cache folder) and the times measured for it."""

    def __init__(self, entry: str, pythonpath: str, cache: Path, *, in_process_form: bool = False) -> None:
        self.entry, self.cache = entry, cache
        self.call = "main(sys.argv[1:])" if in_process_form else "main()"
        self.env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", PYTHONPATH=pythonpath)
        self.env["OLIGOBOARD_CACHE_DIR"] = str(cache)
        self.wall: dict[str, list[float]] = {}
        self.cpu: dict[str, list[float]] = {}

    def run(self, label: str, args: list[str], record: bool = True) -> None:
        code = f"import sys; from {self.entry} import main; sys.exit({self.call})"
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
    parser.add_argument("--baseline", default=BASELINE_COMMIT, help="git revision to compare with")
    parser.add_argument("--case", type=Path, default=sorted(CASE.glob("*.json"))[0], help="case document")
    parser.add_argument(
        "--in-process-form", action="store_true", help="run main(sys.argv[1:]) as before 2026-12-02"
    )
    opts = parser.parse_args()
    case, rev = str(opts.case.resolve()), opts.baseline
    with tempfile.TemporaryDirectory() as tmp:
        old_src = _baseline_sources(Path(tmp), rev)
        old_entry = (
            "oligoboard.cli.main"
            if (old_src / "oligoboard" / "cli" / "main.py").exists()
            else "oligoboard.cli"
        )
        form = opts.in_process_form
        new = Side("oligoboard.cli.main", str(ROOT / "src"), Path(tmp) / "cache-new", in_process_form=form)
        old = Side(old_entry, str(old_src), Path(tmp) / "cache-old", in_process_form=form)
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
            f"load {load:.1f}; case {Path(case).name}; {new.call}"
        )
        print(
            f"{'command':<15}{'wall now':>9}{rev[:8]:>9}{'ratio':>7}"
            f"{'cpu now':>9}{rev[:8]:>9}{'ratio':>7}  budget {BUDGET_MS} ms"
        )
        for label in commands:
            wall_new, wall_old = statistics.median(new.wall[label]), statistics.median(old.wall[label])
            cpu_new, cpu_old = statistics.median(new.cpu[label]), statistics.median(old.cpu[label])
            verdict = "within" if wall_new <= BUDGET_MS else "over"
            print(
                f"{label:<15}{wall_new:>9.0f}{wall_old:>9.0f}{wall_old / wall_new:>6.1f}x"
                f"{cpu_new:>9.0f}{cpu_old:>9.0f}{cpu_old / cpu_new:>6.1f}x  {verdict}"
            )
        print(f"(ms; ratio = {rev} / now, higher is faster)")


if __name__ == "__main__":
    main()
