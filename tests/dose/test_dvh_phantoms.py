"""DVH of analytic phantoms (generated with pydicom) against their exact DVH.

Truth: ``Phantom.truth()`` integrates the solid's exact cross-section along the dose gradient. Tolerances
(2.5 mm voxels, 2.5 mm planes, 0.5 Gy/mm gradient, i.e. 1.25 Gy per voxel): volume 2 % (the contour stack
of a 7.5 mm sphere is itself 1.3 % larger than the sphere), Dmean 0.1 Gy, D95/D50/D2 0.35 Gy, Dmin/Dmax
0.65 Gy (half a slab of gradient along z: the engine reports doses actually interpolated at points).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from oligoboard.dose.dicom_rt import read_rtdose, read_rtstruct
from oligoboard.dose.dvh import compute_dvhs
from oligoboard.dose.phantoms import STANDARD_PHANTOMS, Phantom, write_phantom

TOLERANCE = {"mean_gy": 0.1, "d95_gy": 0.35, "d50_gy": 0.35, "d2_gy": 0.35, "min_gy": 0.65, "max_gy": 0.65}


@pytest.fixture(scope="module")
def phantom_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("phantoms")


@pytest.mark.parametrize("phantom", STANDARD_PHANTOMS, ids=lambda p: p.name)
def test_phantom_dvh_matches_analytic_truth(phantom: Phantom, phantom_dir: Path) -> None:
    rtss, rtdose = write_phantom(phantom, phantom_dir)
    summary = compute_dvhs(read_rtstruct(rtss), read_rtdose(rtdose))[0].summary()
    truth = phantom.truth()
    assert summary["volume_cc"] == pytest.approx(truth["volume_cc"], rel=0.02)
    for key, tolerance in TOLERANCE.items():
        assert summary[key] == pytest.approx(truth[key], abs=tolerance), key


def test_hole_is_excluded_by_even_odd_rule(tmp_path: Path) -> None:
    """A cube with a concentric square hole on every plane: volume = (25² − 10²) mm² × 25 mm."""
    phantom = Phantom("hollow", "cube", 12.5, "uniform")
    rtss, rtdose = write_phantom(phantom, tmp_path)
    structure_set = read_rtstruct(rtss)
    structure = next(iter(structure_set.structures.values()))
    hole = [[-5.0, -5.0], [5.0, -5.0], [5.0, 5.0], [-5.0, 5.0]]
    import numpy as np

    for polygons in structure.planes.values():
        polygons.append(np.array(hole))
    dvh = compute_dvhs(structure_set, read_rtdose(rtdose))[0]
    assert dvh.volume_cc == pytest.approx((25**2 - 10**2) * 25 / 1000, rel=0.005)
