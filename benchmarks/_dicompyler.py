"""Run dicompyler-core 0.5.6 (the baseline) in its own venv: it needs pydicom<3, oligoboard uses pydicom 3.

``ensure_venv()`` creates ``benchmarks/.venv-dicompyler`` on first use (python3 -m venv + pip with exact
pins); ``run_dicompyler(jobs)`` computes DVHs there in a subprocess and returns per-structure statistics
and timings as JSON. Nothing in the tests depends on this.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

VENV = Path(__file__).resolve().parent / ".venv-dicompyler"
PINS = ["dicompyler-core==0.5.6", "pydicom==2.4.4", "six==1.17.0", "matplotlib==3.10.3", "numpy==2.2.6"]

DRIVER = r"""
import json, sys, time, warnings
warnings.simplefilter("ignore")
from dicompylercore import dicomparser, dvhcalc
jobs = json.loads(sys.argv[1])
out = []
for job in jobs:
    rtss = dicomparser.DicomParser(job["rtss"])
    structures = rtss.GetStructures()
    for number, s in structures.items():
        if job.get("names") and s["name"] not in job["names"]:
            continue
        start = time.perf_counter()
        try:
            dvh = dvhcalc.get_dvh(job["rtss"], job["rtdose"], number)
        except Exception as exc:
            out.append({"file": job["rtss"], "name": s["name"], "error": repr(exc)})
            continue
        seconds = time.perf_counter() - start
        if dvh.volume == 0:
            out.append({"file": job["rtss"], "name": s["name"], "error": "empty DVH", "seconds": seconds})
            continue
        stat = lambda k: float(dvh.statistic(k).value)
        out.append({"file": job["rtss"], "name": s["name"], "seconds": seconds,
                    "volume_cc": float(dvh.volume),
                    "mean_gy": float(dvh.mean), "min_gy": float(dvh.min), "max_gy": float(dvh.max),
                    "d99_gy": stat("D99"), "d95_gy": stat("D95"), "d50_gy": stat("D50"),
                    "d5_gy": stat("D5"), "d2_gy": stat("D2"), "d1_gy": stat("D1"),
                    "d0_03cc_gy": stat("D0.03cc")})
print(json.dumps(out))
"""


def ensure_venv() -> Path:
    python = VENV / "bin" / "python"
    if not python.exists():
        print(f"creating {VENV} (dicompyler-core 0.5.6 with pydicom<3) …", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(VENV / "bin" / "pip"), "install", "--quiet", *PINS], check=True)
    return python


def run_dicompyler(jobs: list[dict[str, object]]) -> list[dict[str, object]]:
    python = ensure_venv()
    done = subprocess.run(
        [str(python), "-c", DRIVER, json.dumps(jobs)], check=True, capture_output=True, text=True
    )
    result: list[dict[str, object]] = json.loads(done.stdout)
    return result
