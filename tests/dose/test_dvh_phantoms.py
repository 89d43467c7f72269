"""DVH of analytic phantoms (generated with pydicom) against their exact DVH.

Truth: ``Phantom.truth()`` integrates the solid's exact cross-section along the dose gradient. Tolerances
(2.5 mm voxels, 2.5 mm planes, 0.5 Gy/mm gradient, i.e. 1.25 Gy per voxel): volume 1.5 % (the contour stack
of a 7.5 mm sphere is itself 1.39 % larger than the sphere: slabs with end caps), Dmean 0.02 Gy,
D95/D50/D2 0.35 Gy (the stack's volume distribution along z differs from the sphere's), Dmin/Dmax 0.1 Gy
(doses at points of the modelled volume, slab faces included; measured ≤ 0.052 Gy).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from oligoboard.dose.dicom_rt import read_rtdose, read_rtstruct
from oligoboard.dose.dvh import compute_dvh, compute_dvhs
from oligoboard.dose.phantoms import STANDARD_PHANTOMS, Phantom, write_phantom

TOLERANCE = {"mean_gy": 0.02, "d95_gy": 0.35, "d50_gy": 0.35, "d2_gy": 0.35, "min_gy": 0.1, "max_gy": 0.1}


@pytest.fixture(scope="module")
def phantom_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("phantoms")


@pytest.mark.parametrize("phantom", STANDARD_PHANTOMS, ids=lambda p: p.name)
def test_phantom_dvh_matches_analytic_truth(phantom: Phantom, phantom_dir: Path) -> None:
    rtss, rtdose = write_phantom(phantom, phantom_dir)
    summary = compute_dvhs(read_rtstruct(rtss), read_rtdose(rtdose))[0].summary()
    truth = phantom.truth()
    assert summary["volume_cc"] == pytest.approx(truth["volume_cc"], rel=0.015)
    for key, tolerance in TOLERANCE.items():
        assert summary[key] == pytest.approx(truth[key], abs=tolerance), key


def test_hole_is_excluded_by_even_odd_rule(tmp_path: Path) -> None:
    """A cube with a concentric square hole on every plane: volume = (25² − 10²) mm² × 25 mm."""
    phantom = Phantom("hollow", "cube", 12.5, "uniform")
    rtss, rtdose = write_phantom(phantom, tmp_path)
    structure_set = read_rtstruct(rtss)
    structure = next(iter(structure_set.structures.values()))
    hole = [[-5.0, -5.0], [5.0, -5.0], [5.0, 5.0], [-5.0, 5.0]]

    for polygons in structure.planes.values():
        polygons.append(np.array(hole))
    dvh = compute_dvhs(structure_set, read_rtdose(rtdose))[0]
    assert dvh.volume_cc == pytest.approx((25**2 - 10**2) * 25 / 1000, rel=0.005)


def test_shared_dose_planes_give_the_same_dvh(phantom_dir: Path) -> None:
    """compute_dvhs shares interpolated dose planes between structures; one structure alone is identical."""
    phantom = Phantom("shared", "sphere", 7.5, "gradient_z")
    rtss, rtdose = write_phantom(phantom, phantom_dir)
    structure_set, grid = read_rtstruct(rtss), read_rtdose(rtdose)
    structure = next(iter(structure_set.structures.values()))
    alone = compute_dvh(structure, grid, nominal_spacing_mm=2.5).summary()
    assert compute_dvhs(structure_set, grid)[0].summary() == alone


def test_end_cap_faces_count_for_dmax_in_a_z_gradient(phantom_dir: Path) -> None:
    """A cube of half-side 12.5 mm in 0.5 Gy/mm along z: its top face (z = 12.5 mm, the end cap of the
    last plane at 11.25 mm) gets 50 + 0.5 × 12.5 = 56.25 Gy, the bottom face 43.75 Gy."""
    phantom = Phantom("capped", "cube", 12.5, "gradient_z")
    rtss, rtdose = write_phantom(phantom, phantom_dir)
    dvh = compute_dvhs(read_rtstruct(rtss), read_rtdose(rtdose))[0]
    assert dvh.max_gy == pytest.approx(56.25, abs=1e-3)
    assert dvh.min_gy == pytest.approx(43.75, abs=1e-3)


def test_planes_stacked_into_one_coverage_call_give_the_same_dvh(
    phantom_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Coverage of consecutive planes is computed in one call (planes stacked in bands of rows); one plane
    per call must give exactly the same samples, holes included."""
    from oligoboard.dose import _sampling

    phantom = Phantom("stacked", "sphere", 20.0, "gradient_x")
    rtss, rtdose = write_phantom(phantom, phantom_dir)
    structure_set, grid = read_rtstruct(rtss), read_rtdose(rtdose)
    for polygons in next(iter(structure_set.structures.values())).planes.values():
        polygons.append(np.array([[-4.0, -3.0], [5.0, -3.0], [5.0, 6.0], [-4.0, 6.0]]))  # a hole
    batched = compute_dvhs(structure_set, grid)[0].summary()
    monkeypatch.setattr(_sampling, "BATCH_PIXELS", 1)
    assert compute_dvhs(structure_set, grid)[0].summary() == batched


def test_dose_at_volume_stays_within_dmin_dmax(phantom_dir: Path) -> None:
    phantom = Phantom("bounded", "sphere", 7.5, "gradient_x")
    rtss, rtdose = write_phantom(phantom, phantom_dir)
    dvh = compute_dvhs(read_rtstruct(rtss), read_rtdose(rtdose))[0]
    for volume_cc in (1e-6, 0.03, 0.5, dvh.volume_cc, 10 * dvh.volume_cc):
        assert dvh.min_gy <= dvh.dose_at_volume_cc(volume_cc) <= dvh.max_gy
