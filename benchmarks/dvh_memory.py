"""Peak memory of reading an RTDOSE and computing DVHs, relative to the size of the dose grid.

Usage: ``.venv/bin/python benchmarks/dvh_memory.py [--columns 512 --frames 173]``. Writes a large synthetic
case with the phantom writer (``oligoboard.dose.phantoms.write_rt_pair``): a body-sized cylinder
(r = 230 mm, along z through the whole grid; a BODY contour) on a 512 × 512 × 173 grid of 1 mm voxels
(uint32: 173 MiB, the size of the issue's report) in a linear gradient. A fresh interpreter imports the
engine, notes its resident set, then reads the files and computes the DVH; the figure is the growth of
the peak resident set (VmHWM, reset after the imports) over the post-import baseline, divided by the RTDOSE pixel bytes.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from oligoboard.dose.phantoms import write_rt_pair

CHILD = r"""
import json, sys, time
from pathlib import Path
from oligoboard.dose.dicom_rt import read_rtdose, read_rtstruct
from oligoboard.dose.dvh import compute_dvhs

def high_water():  # VmHWM: peak resident set since the last reset (bytes)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024

with open("/proc/self/clear_refs", "w") as handle:
    handle.write("5")  # reset the high-water mark to the current resident set (Linux >= 4.0)
baseline = high_water()
start = time.perf_counter()
grid = read_rtdose(Path(sys.argv[2]))
after_read = high_water()
summary = compute_dvhs(read_rtstruct(Path(sys.argv[1])), grid)[0].summary()
seconds = time.perf_counter() - start
peak = high_water()
print(json.dumps({"baseline": baseline, "after_read": after_read, "peak": peak, "seconds": seconds,
                  "grid_bytes": grid.dose_gy.nbytes, "volume_cc": summary["volume_cc"],
                  "mean_gy": summary["mean_gy"]}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--columns", type=int, default=512)
    parser.add_argument("--frames", type=int, default=173)
    args = parser.parse_args()
    directory = Path(tempfile.mkdtemp(prefix="oligoboard-memory-"))
    n = args.columns
    axis = (np.arange(n) - (n - 1) / 2.0) * 1.0
    frames = np.arange(args.frames) * 1.0 + 0.4
    radius = 0.45 * n
    angle = np.linspace(0.0, 2 * np.pi, 720, endpoint=False)
    contours = [
        np.column_stack([radius * np.cos(angle), radius * np.sin(angle), np.full(720, z)])
        for z in np.arange(3.0, frames[-1] - 2.0, 3.0)
    ]
    dose = np.broadcast_to((10.0 + 0.02 * axis)[None, None, :], (len(frames), n, n))
    rtss, rtdose = write_rt_pair("body", contours, axis, axis, frames, dose, directory)
    stored = n * n * len(frames) * 4
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(rtss), str(rtdose)], check=True, capture_output=True, text=True
    )
    result = json.loads(done.stdout)
    growth = result["peak"] - result["baseline"]
    mib = 1024 * 1024
    print(
        f"grid {n} × {n} × {len(frames)} uint32: RTDOSE pixel data {stored / mib:.0f} MiB "
        f"(file {rtdose.stat().st_size / mib:.0f} MiB), float32 grid in memory {result['grid_bytes'] / mib:.0f} MiB"
    )
    print(
        f"BODY-like cylinder: {len(contours)} planes, {result['volume_cc']:.0f} cc, Dmean {result['mean_gy']:.3f} Gy"
    )
    print(
        f"peak RSS growth over the post-import baseline: after reading {(result['after_read'] - result['baseline']) / mib:.0f} MiB, "
        f"peak {growth / mib:.0f} MiB = {growth / stored:.2f} × the RTDOSE pixel data "
        f"(baseline {result['baseline'] / mib:.0f} MiB), read + DVH {result['seconds']:.2f} s"
    )
    for path in (rtss, rtdose):
        path.unlink()
    directory.rmdir()


if __name__ == "__main__":
    main()
