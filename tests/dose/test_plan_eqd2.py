"""DVH metrics in EQD2 for a plan in another schedule than its protocol's (hand-computed LQ oracles:
EQD2 = D (d + α/β) / (2 + α/β), reference note §1.1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from oligoboard.dose.constraints import parse_constraint
from oligoboard.dose.dicom_rt import read_rtdose, read_rtstruct
from oligoboard.dose.dvh import Dvh, compute_dvhs
from oligoboard.dose.phantoms import Phantom, write_phantom
from oligoboard.dose.plan_eqd2 import eqd2_of, measure_eqd2, physical_dose_for_eqd2


def dvh_of(phantom: Phantom, tmp_path: Path) -> Dvh:
    rtss, rtdose = write_phantom(phantom, tmp_path)
    (dvh,) = compute_dvhs(read_rtstruct(rtss), read_rtdose(rtdose))
    return dvh


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dmax <= 54 Gy", 88.0),  # 40 Gy in 5 fx, α/β 3: 40 (8 + 3) / 5 = 88
        ("Dmean <= 20 Gy", 88.0),
        ("D95% >= 30 Gy", 88.0),
        ("V20Gy <= 35 %", 100.0),  # 20 Gy EQD2 = 16.08 Gy in 5 fx: all of a 40 Gy volume is above it
        ("V90Gy <= 35 %", 0.0),  # 90 Gy EQD2 = 40.6 Gy in 5 fx: none of it
    ],
)
def test_uniform_dose_in_eqd2(tmp_path: Path, text: str, expected: float) -> None:
    dvh = dvh_of(Phantom("Lungs", "cube", 10.0, "uniform", centre_dose_gy=40.0), tmp_path)
    assert measure_eqd2(parse_constraint(text), dvh, 5, 3.0) == pytest.approx(expected, abs=1e-3)


def test_gradient_dose_metrics_are_the_eqd2_of_the_physical_ones(tmp_path: Path) -> None:
    """EQD2 is monotonic per voxel, so Dx in EQD2 is EQD2(Dx); the mean is not: mean(EQD2) > EQD2(mean)."""
    dvh = dvh_of(Phantom("Lungs", "sphere", 10.0, "gradient_x", centre_dose_gy=30.0), tmp_path)
    for text in ("Dmax <= 1 Gy", "Dmin >= 1 Gy", "D5% <= 1 Gy", "D0.03cc <= 1 Gy"):
        constraint = parse_constraint(text)
        assert measure_eqd2(constraint, dvh, 5, 3.0) == pytest.approx(
            eqd2_of(constraint.measure(dvh), 5, 3.0)
        )
    mean = parse_constraint("Dmean <= 1 Gy")
    assert measure_eqd2(mean, dvh, 5, 3.0) > eqd2_of(dvh.mean_gy, 5, 3.0)  # convex in dose


def test_physical_dose_for_eqd2_inverts_eqd2() -> None:
    for eqd2, n, ab in ((20.0, 5, 3.0), (54.0, 20, 2.0), (50.0, 1, 2.0)):
        assert eqd2_of(physical_dose_for_eqd2(eqd2, n, ab), n, ab) == pytest.approx(eqd2)
    assert physical_dose_for_eqd2(0.0, 5, 3.0) == 0.0
