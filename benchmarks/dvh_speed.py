"""DVH speed on the rt-example case: all structures, oligoboard vs dicompyler-core 0.5.6, same run.

Usage: ``.venv/bin/python benchmarks/dvh_speed.py [--repeat 5]``. Times are DVH computation per case
(files are read once outside the timing by both tools' usual entry points: dicompyler-core re-reads its
files inside ``get_dvh``, so its time includes parsing; we report ours with and without reading).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from _dicompyler import run_dicompyler

from oligoboard.dose.dicom_rt import read_rtdose, read_rtstruct
from oligoboard.dose.dvh import compute_dvhs

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "rt-example"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rtss, rtdose = DATA / "rtss.dcm", DATA / "rtdose.dcm"
    ours_total, ours_dvh = [], []
    for _ in range(args.repeat):
        start = time.perf_counter()
        structure_set, grid = read_rtstruct(rtss), read_rtdose(rtdose)
        middle = time.perf_counter()
        dvhs = compute_dvhs(structure_set, grid)
        end = time.perf_counter()
        ours_total.append(end - start)
        ours_dvh.append(end - middle)
    theirs = []
    for _ in range(args.repeat):
        rows = run_dicompyler([{"rtss": str(rtss), "rtdose": str(rtdose)}])
        theirs.append(sum(float(r.get("seconds", 0.0)) for r in rows))  # type: ignore[arg-type]
    best_ours_total, best_ours_dvh, best_theirs = min(ours_total), min(ours_dvh), min(theirs)
    print(f"rt-example: {len(dvhs)} structures, dose grid {grid.dose_gy.shape[::-1]}")
    print(
        f"oligoboard      read+DVH {best_ours_total:7.3f} s   DVH only {best_ours_dvh:7.3f} s   "
        f"(best of {args.repeat})"
    )
    print(f"dicompyler-core get_dvh  {best_theirs:7.3f} s   (sum over structures, best of {args.repeat})")
    print(f"speed ratio (dicompyler-core / oligoboard read+DVH): {best_theirs / best_ours_total:5.1f}x")
    print(f"speed ratio (dicompyler-core / oligoboard DVH only): {best_theirs / best_ours_dvh:5.1f}x")
    print(f"median ratio over runs: {statistics.median(theirs) / statistics.median(ours_total):5.1f}x")


if __name__ == "__main__":
    main()
