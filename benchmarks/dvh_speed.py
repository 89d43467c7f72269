"""DVH speed, oligoboard vs dicompyler-core 0.5.6, both measured in the same run.

Usage: ``.venv/bin/python benchmarks/dvh_speed.py [--repeat 5]``. (1) The rt-example case, all
structures: dicompyler-core's ``get_dvh`` re-reads its files per structure, so its time includes parsing;
ours is reported with reading (the end-to-end ratio) and without. (2) The analytic phantom set
(``analytic_phantoms.phantom_set`` on 2 and 3 mm grids and spacings, one sub-voxel shift: 72 cases),
read + DVH per case, summed.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from _dicompyler import run_dicompyler

from oligoboard.dose.analytic_phantoms import phantom_set
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
    phantoms_speed(args.repeat)


def phantoms_speed(repeat: int) -> None:
    directory = Path(tempfile.mkdtemp(prefix="oligoboard-speed-phantoms-"))
    jobs = []
    for phantom in phantom_set((2.0, 3.0), (2.0, 3.0), (0.37,)):
        rtss, rtdose = phantom.write(directory)
        jobs.append({"rtss": str(rtss), "rtdose": str(rtdose)})
    ours, theirs = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        for job in jobs:
            compute_dvhs(read_rtstruct(Path(job["rtss"])), read_rtdose(Path(job["rtdose"])))
        ours.append(time.perf_counter() - start)
        rows = run_dicompyler(list(jobs))  # type: ignore[arg-type]
        theirs.append(sum(float(r.get("seconds", 0.0)) for r in rows))  # type: ignore[arg-type]
    print(
        f"\nanalytic phantoms: {len(jobs)} cases (2/3 mm grids and spacings, cylinders and cones along x/y/z)"
    )
    print(
        f"oligoboard      read+DVH {min(ours):7.3f} s   dicompyler-core get_dvh {min(theirs):7.3f} s   (best of {repeat})"
    )
    print(f"speed ratio (dicompyler-core / oligoboard read+DVH): {min(theirs) / min(ours):5.1f}x")


if __name__ == "__main__":
    main()
