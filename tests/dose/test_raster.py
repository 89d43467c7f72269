"""Exact-along-x pixel coverage (``_raster.pixel_coverage``) and the vectorised DS parser.

Oracles: areas of axis-aligned rectangles computed by hand (their horizontal edges are placed between the
sampled lines, so the line sampling along y is exact too); ``float()`` for decimal strings.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pydicom
import pytest

from oligoboard.dose._raster import pixel_coverage, polygon_edges
from oligoboard.dose.dicom_rt import parse_decimal_strings, read_rtdose
from oligoboard.dose.dvh import _central_difference
from oligoboard.dose.phantoms import Phantom, write_phantom


def rectangle(x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float64)


def covered(polygons: list[np.ndarray], s: int = 4) -> np.ndarray:
    """Per-pixel covered fraction on a 6 × 6 lattice of unit pixels centred on 0..5."""
    cover = pixel_coverage(polygon_edges(polygons), 0.0, 1.0, 6, 0.0, 1.0, 6, s)
    area = cover.interior.astype(np.float64)
    area[cover.mixed] = cover.mixed_area
    return area


def test_rectangle_coverage_is_exact_along_x() -> None:
    # x from 0.8 to 3.3: pixel 1 ([0.5, 1.5]) covered 0.7, pixels 2 full, pixel 3 ([2.5, 3.5]) 0.8.
    area = covered([rectangle(0.8, 0.5, 3.3, 2.5)])
    np.testing.assert_allclose(area[1], [0, 0.7, 1, 0.8, 0, 0], atol=1e-12)
    np.testing.assert_allclose(area[2], [0, 0.7, 1, 0.8, 0, 0], atol=1e-12)
    assert area.sum() == pytest.approx(2.5 * 2.0)


def test_centroid_of_partial_segment() -> None:
    cover = pixel_coverage(polygon_edges([rectangle(0.8, 0.5, 3.3, 1.5)]), 0.0, 1.0, 6, 0.0, 1.0, 6, 4)
    rows, cols = cover.mixed
    left = np.flatnonzero((rows[cover.segment_pixel] == 1) & (cols[cover.segment_pixel] == 1))
    assert left.size == 4  # the pixel's four lines
    np.testing.assert_allclose(cover.offset_x[left], (0.8 + 1.5) / 2 - 1.0)  # centre of [0.8, 1.5] from x = 1
    np.testing.assert_allclose(cover.length[left], 0.7)


def test_even_odd_hole_and_island_in_any_order_and_orientation() -> None:
    outer = rectangle(-0.5, -0.5, 5.5, 5.5)
    hole = rectangle(0.5, 0.5, 4.5, 4.5)[::-1]  # opposite orientation
    island = rectangle(1.5, 1.5, 3.5, 3.5)  # same orientation as the outer contour
    for order in ([outer, hole, island], [island, outer, hole]):
        area = covered(order)
        assert area.sum() == pytest.approx(36 - 16 + 4)
        assert area[0, 0] == 1 and area[1, 1] == 0 and area[2, 2] == 1


def test_interior_pixels_have_no_crossing() -> None:
    cover = pixel_coverage(polygon_edges([rectangle(0.8, 0.5, 3.3, 4.5)]), 0.0, 1.0, 6, 0.0, 1.0, 6, 5)
    assert cover.interior[1:5, 2].all()
    assert not cover.interior[:, 1].any() and not cover.interior[:, 3].any()


def test_decimal_strings_match_float() -> None:
    rng = np.random.default_rng(7)
    values = rng.uniform(-500, 500, 2000)
    texts = [f"{v:.4f}" if i % 3 else f" {v:.6g}" for i, v in enumerate(values)]
    texts += ["1e3", "-1.5E-2", "+3.", ".5", " 7 ", "-0", "00012.50", "12"]
    raw = "\\".join(texts).encode()
    np.testing.assert_allclose(parse_decimal_strings(raw), [float(t) for t in texts], rtol=1e-15, atol=1e-12)
    assert parse_decimal_strings(b"").size == 0


@pytest.mark.parametrize("bad", [b"1\\\\2", b"1.2.3\\4", b"-\\3", b"abc"])
def test_decimal_strings_refuse_non_numbers(bad: bytes) -> None:
    with pytest.raises(ValueError):
        parse_decimal_strings(bad)


def test_dose_pixels_read_in_place_match_pydicom(tmp_path: Path) -> None:
    _, dose_path = write_phantom(Phantom("grad", "cube", 5.0, "gradient_x"), tmp_path)
    ds = pydicom.dcmread(dose_path)
    expected = ds.pixel_array * float(ds.DoseGridScaling)
    np.testing.assert_array_equal(read_rtdose(dose_path).dose_gy, expected)


@pytest.mark.parametrize("shape", [(7, 9), (2, 3), (1, 4)])
@pytest.mark.parametrize("axis", [0, 1])
def test_central_difference_matches_numpy_gradient(shape: tuple[int, int], axis: int) -> None:
    plane = np.random.default_rng(3).random(shape)
    expected = np.gradient(plane, axis=axis) if shape[axis] > 1 else np.zeros(shape)
    np.testing.assert_allclose(_central_difference(plane, axis), expected)
