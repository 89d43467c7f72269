"""DVH accuracy: oligoboard vs dicompyler-core 0.5.6 against analytic truth and the embedded TPS DVHs.

Usage: ``.venv/bin/python benchmarks/dvh_accuracy.py``. Part 1 generates the analytic phantoms of
``oligoboard.dose.phantoms.STANDARD_PHANTOMS`` and prints, per phantom, the absolute errors of volume (%),
D95, Dmean and Dmax (Gy) versus the exact values, for both tools, and which one is closer (sum of the
four normalised errors). Part 2 compares volume and Dmean with the DVHs embedded in the rt-example RTDOSE.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
from _dicompyler import run_dicompyler

from oligoboard.dose.dicom_rt import read_rtdose, read_rtstruct
from oligoboard.dose.dvh import compute_dvhs
from oligoboard.dose.phantoms import STANDARD_PHANTOMS, write_phantom

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "rt-example"
KEYS = ("volume_cc", "d95_gy", "mean_gy", "max_gy")


def errors(record: dict[str, object], truth: dict[str, float]) -> dict[str, float]:
    result = {}
    for key in KEYS:
        value = float(record[key])  # type: ignore[arg-type]
        if key == "volume_cc":
            result[key] = abs(value / truth[key] - 1) * 100
        else:
            result[key] = abs(value - truth[key])
    return result


def phantoms() -> int:
    directory = Path(tempfile.mkdtemp(prefix="oligoboard-phantoms-"))
    jobs, ours, truths = [], {}, {}
    for phantom in STANDARD_PHANTOMS:
        rtss, rtdose = write_phantom(phantom, directory)
        jobs.append({"rtss": str(rtss), "rtdose": str(rtdose)})
        ours[phantom.name] = compute_dvhs(read_rtstruct(rtss), read_rtdose(rtdose))[0].summary()
        truths[phantom.name] = phantom.truth()
    theirs = {str(r["name"]): r for r in run_dicompyler(jobs)}
    print("Analytic phantoms (2.5 mm voxels and planes; |error|: volume %, D95/Dmean/Dmax Gy)")
    print(f"{'phantom':28s} {'tool':10s} {'vol%':>7s} {'D95':>7s} {'Dmean':>7s} {'Dmax':>7s}")
    wins = every_metric = 0
    for name, truth in truths.items():
        ours_err = errors(ours[name], truth)
        their = theirs.get(name, {})
        their_err = errors(their, truth) if "error" not in their and their else None
        for tool, err in (("oligoboard", ours_err), ("dicompyler", their_err)):
            if err is None:
                print(f"{name:28s} {tool:10s} failed: {their.get('error', 'missing')}")
            else:
                print(f"{name:28s} {tool:10s} " + " ".join(f"{err[k]:7.3f}" for k in KEYS))
        score_ours = sum(ours_err.values())
        score_theirs = np.inf if their_err is None else sum(their_err.values())
        wins += score_ours < score_theirs
        every_metric += their_err is None or all(ours_err[k] <= their_err[k] + 1e-3 for k in KEYS)
    print(f"oligoboard more accurate (sum of errors) on {wins}/{len(truths)} phantoms")
    print(f"oligoboard at least as accurate on every one of the four metrics on {every_metric}/{len(truths)}")
    return wins


def rt_example() -> None:
    rtss, rtdose = DATA / "rtss.dcm", DATA / "rtdose.dcm"
    structure_set, grid = read_rtstruct(rtss), read_rtdose(rtdose)
    ours = {d.name: d.summary() for d in compute_dvhs(structure_set, grid)}
    theirs = {str(r["name"]): r for r in run_dicompyler([{"rtss": str(rtss), "rtdose": str(rtdose)}])}
    print("\nrt-example vs embedded TPS DVHs (volume % error, Dmean Gy error)")
    print(
        f"{'structure':16s} {'TPS cc':>9s} {'ours vol%':>9s} {'dcm vol%':>9s} "
        f"{'ours dmean':>10s} {'dcm dmean':>10s}"
    )
    for number, embedded in sorted(grid.embedded_dvhs.items()):
        name = structure_set.structures[number].name
        lower = np.concatenate([[0.0], embedded.dose_gy[:-1]])
        in_bin = -np.diff(np.concatenate([embedded.volume_cc, [0.0]]))
        mean = float(np.dot(in_bin, (lower + embedded.dose_gy) / 2) / in_bin.sum())
        volume = float(embedded.volume_cc[0])
        o, t = ours[name], theirs.get(name, {})
        o_vol = (float(o["volume_cc"]) / volume - 1) * 100  # type: ignore[arg-type]
        t_vol = (float(t["volume_cc"]) / volume - 1) * 100 if "volume_cc" in t else float("nan")  # type: ignore[arg-type]
        t_mean = float(t["mean_gy"]) - mean if "mean_gy" in t else float("nan")  # type: ignore[arg-type]
        o_mean = float(o["mean_gy"]) - mean  # type: ignore[arg-type]
        print(f"{name:16s} {volume:9.3f} {o_vol:+9.2f} {t_vol:+9.2f} {o_mean:+10.3f} {t_mean:+10.3f}")


if __name__ == "__main__":
    phantoms()
    if (DATA / "rtdose.dcm").exists():
        rt_example()
