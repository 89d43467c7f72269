"""Exact-along-x pixel coverage (``_raster.pixel_coverage``) and the vectorised DS parser.

Oracles: areas of axis-aligned rectangles computed by hand (their horizontal edges are placed between the
sampled lines, so the line sampling along y is exact too); ``float()`` for decimal strings.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pydicom
import pytest

from oligoboard.dose._raster import (
    Moments,
    contour_weights,
    exact_moments,
    pixel_coverage,
    polygon_edges,
)
from oligoboard.dose.dicom_rt import parse_decimal_strings, read_rtdose
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
    # float32 grid: 24-bit mantissa, relative error ≤ 6e-8 (docs/dvh.md, Memory)
    np.testing.assert_allclose(read_rtdose(dose_path).dose_gy, expected, rtol=1.2e-7)


def moments(polygons: list[np.ndarray], n: int = 8) -> Moments:
    return exact_moments(polygon_edges(polygons), contour_weights(polygons), n, n)


def test_exact_coverage_is_the_same_for_a_shape_turned_by_90_degrees() -> None:
    """Isotropy: an off-lattice rectangle and its transpose give transposed coverage, exactly (the line
    sampling along y that this replaces quantised y in steps of 1/5 pixel)."""
    shape = rectangle(1.23, 2.71, 5.06, 3.94)
    turned = shape[:, ::-1][::-1]
    a, b = moments([shape]), moments([turned])
    np.testing.assert_allclose(a.area, b.area.T, atol=1e-12)
    np.testing.assert_allclose(a.mx, b.my.T, atol=1e-12)
    assert a.area.sum() == pytest.approx((5.06 - 1.23) * (3.94 - 2.71), rel=1e-12)


@pytest.mark.parametrize("shift", [0.0, 0.07, 0.13, 0.29, 0.5])
def test_covered_area_moves_continuously_with_a_sub_pixel_shift_along_y(shift: float) -> None:
    """The area of a rectangle cut by pixel rows is exact for any y offset."""
    cover = moments([rectangle(1.5, 1.1 + shift, 4.5, 3.6 + shift)])
    first_row = int(np.floor(1.1 + shift))
    assert cover.area.sum() == pytest.approx(3.0 * 2.5, rel=1e-12)
    assert cover.area[first_row, 2] == pytest.approx(first_row + 1 - (1.1 + shift), abs=1e-12)


def test_exact_moments_centroid_and_second_moment_of_a_rectangle() -> None:
    cover = moments([rectangle(1.2, 1.3, 3.7, 4.1)])
    centres = np.arange(8) + 0.5
    area = cover.area.sum()
    cx = (cover.mx + centres[None, :] * cover.area).sum() / area
    cy = (cover.my + centres[:, None] * cover.area).sum() / area
    assert (cx, cy) == pytest.approx(((1.2 + 3.7) / 2, (1.3 + 4.1) / 2), abs=1e-12)
    second = (cover.sxx + 2 * cover.mx * centres[None, :] + cover.area * centres[None, :] ** 2).sum()
    assert second / area - cx**2 == pytest.approx(2.5**2 / 12, rel=1e-10)


def test_exact_even_odd_hole_and_island_in_either_orientation() -> None:
    outer = rectangle(0.5, 0.5, 7.5, 7.5)
    hole = rectangle(1.5, 1.5, 6.5, 6.5)
    island = rectangle(2.5, 2.5, 4.5, 4.5)
    for polygons in ([outer, hole, island], [island[::-1], outer, hole[::-1]]):
        cover = moments(polygons)
        assert cover.area.sum() == pytest.approx(49 - 25 + 4, rel=1e-12)
        assert cover.area.min() >= -1e-12 and cover.area.max() <= 1 + 1e-12
