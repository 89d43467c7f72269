"""Dose-volume histograms of DICOM RT structures: volume-weighted dose samples and the metrics on them.

Method (docs/dvh.md says why): each contour plane stands for a slab reaching half-way to its neighbour
planes, and half the nominal plane spacing beyond a structure's first and last plane (end caps, the
Pinnacle/RayStation/MIM convention). In-plane, dose-grid pixels whose centre and four corners agree and
that hold no contour vertex are wholly in or out; the remaining boundary pixels are supersampled (s × s
sub-points, even-odd rule over all contours of the plane, so holes and islands work). Dose is linearly
interpolated from the frames to the contour plane and bilinearly to each sub-point. Volume and dose come
from the same samples, so volume_cc and the histogram always agree. Dx and Vx interpolate the cumulative
curve instead of picking the nearest bin.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from oligoboard.dose._raster import inside_lattice, inside_rows, polygon_edges
from oligoboard.dose.dicom_rt import DoseGrid, Structure, StructureSet
from oligoboard.errors import DicomError

FloatArray = NDArray[np.float64]

#: Sub-points per axis in a boundary pixel (odd, so the centre is one of them).
DEFAULT_SUPERSAMPLE = 5
#: Gaps between contour planes larger than this multiple of the nominal spacing separate two pieces.
GAP_FACTOR = 1.5
MM3_PER_CC = 1000.0
#: Fine dose bins used to aggregate samples (see ``_aggregate``).
HISTOGRAM_BINS = 65536


@dataclass(frozen=True)
class DoseSamples:
    """A structure as weighted dose samples: ``dose_gy`` ascending, ``volume_cc`` the weight of each."""

    name: str
    dose_gy: FloatArray
    volume_cc: FloatArray
    outside_grid_cc: float
    #: exact (min, max) over samples and contour vertices, before binning
    dose_range_gy: tuple[float, float] | None

    @property
    def total_cc(self) -> float:
        return float(self.volume_cc.sum()) + self.outside_grid_cc


@dataclass(frozen=True)
class Dvh:
    """Cumulative DVH and its metrics for one structure. Doses in Gy, volumes in cc."""

    name: str
    samples: DoseSamples

    @property
    def volume_cc(self) -> float:
        return self.samples.total_cc

    @property
    def in_grid_cc(self) -> float:
        return float(self.samples.volume_cc.sum())

    def _require(self) -> None:
        if self.samples.dose_gy.size == 0:
            raise DicomError(f"structure '{self.name}' has no volume inside the dose grid")

    @property
    def mean_gy(self) -> float:
        self._require()
        return float(np.dot(self.samples.dose_gy, self.samples.volume_cc) / self.in_grid_cc)

    @property
    def max_gy(self) -> float:
        self._require()
        extent = self.samples.dose_range_gy
        return extent[1] if extent else float(self.samples.dose_gy[-1])

    @property
    def min_gy(self) -> float:
        self._require()
        extent = self.samples.dose_range_gy
        return extent[0] if extent else float(self.samples.dose_gy[0])

    def dose_at_volume_cc(self, volume_cc: float) -> float:
        """D_v: the minimum dose to the hottest ``volume_cc`` (interpolated on the cumulative curve)."""
        self._require()
        dose_desc = self.samples.dose_gy[::-1]
        weights = self.samples.volume_cc[::-1]
        cumulative = np.cumsum(weights) - weights / 2.0  # volume hotter than each sample's midpoint
        if volume_cc <= 0:
            return self.max_gy
        return float(
            np.interp(volume_cc, cumulative, dose_desc, left=float(dose_desc[0]), right=float(dose_desc[-1]))
        )

    def dose_at_volume_percent(self, percent: float) -> float:
        """D_x%: the minimum dose to the hottest ``percent`` of the in-grid volume."""
        return self.dose_at_volume_cc(self.in_grid_cc * percent / 100.0)

    def volume_at_dose_cc(self, dose_gy: float) -> float:
        """V_x: volume (cc) receiving at least ``dose_gy``."""
        first = int(np.searchsorted(self.samples.dose_gy, dose_gy, side="left"))
        return float(self.samples.volume_cc[first:].sum())

    def volume_at_dose_percent(self, dose_gy: float) -> float:
        return 100.0 * self.volume_at_dose_cc(dose_gy) / self.in_grid_cc if self.in_grid_cc else 0.0

    def cumulative(self, bin_width_gy: float = 0.01) -> tuple[FloatArray, FloatArray]:
        """(dose_gy, volume_cc) of the cumulative DVH: volume receiving at least each dose level."""
        top = float(self.samples.dose_gy[-1]) if self.samples.dose_gy.size else 0.0
        levels = np.arange(0.0, top + bin_width_gy, bin_width_gy)
        tail = np.concatenate([np.cumsum(self.samples.volume_cc[::-1])[::-1], [0.0]])
        return levels, tail[np.searchsorted(self.samples.dose_gy, levels, side="left")]

    def summary(self) -> dict[str, object]:
        """The ``oligoboard dvh`` record: the contract keys plus D98/D0.03cc and the out-of-grid volume."""
        record: dict[str, object] = {"name": self.name, "volume_cc": round(self.volume_cc, 4)}
        if self.samples.dose_gy.size == 0:
            record.update(
                dict.fromkeys(("mean_gy", "min_gy", "max_gy", "d98_gy", "d95_gy", "d50_gy", "d2_gy"), None)
            )
        else:
            record.update(
                mean_gy=round(self.mean_gy, 4),
                min_gy=round(self.min_gy, 4),
                max_gy=round(self.max_gy, 4),
                d98_gy=round(self.dose_at_volume_percent(98), 4),
                d95_gy=round(self.dose_at_volume_percent(95), 4),
                d50_gy=round(self.dose_at_volume_percent(50), 4),
                d2_gy=round(self.dose_at_volume_percent(2), 4),
                d0_03cc_gy=round(self.dose_at_volume_cc(0.03), 4),
            )
        record["outside_dose_grid_cc"] = round(self.samples.outside_grid_cc, 4)
        return record


def nominal_plane_spacing(structure_set: StructureSet, grid: DoseGrid) -> float:
    """The usual distance between contour planes (median over all structures); the dose frame spacing if
    no structure has two planes. Used for end caps and single-plane structures."""
    gaps = [np.diff(s.plane_z) for s in structure_set.structures.values() if len(s.planes) > 1]
    flat = np.concatenate(gaps) if gaps else np.empty(0)
    if flat.size:
        return float(np.median(flat))
    return float(np.median(np.diff(grid.z))) if len(grid.z) > 1 else 1.0


def _slabs(plane_z: FloatArray, nominal: float) -> tuple[FloatArray, FloatArray]:
    """Extent of each plane's slab below and above it (mm)."""
    half = np.full(len(plane_z), nominal / 2.0)
    if len(plane_z) < 2:
        return half, half.copy()
    gaps = np.diff(plane_z)
    joined = gaps <= GAP_FACTOR * nominal
    below, above = half.copy(), half.copy()
    below[1:] = np.where(joined, gaps / 2.0, nominal / 2.0)
    above[:-1] = np.where(joined, gaps / 2.0, nominal / 2.0)
    return below, above


def _dose_plane(grid: DoseGrid, z: float, rows: slice, cols: slice) -> tuple[FloatArray, FloatArray] | None:
    """Dose at plane ``z`` over a sub-window (linear between frames) and its z-gradient (Gy/mm);
    None if z is off the grid (more than half a frame spacing beyond the first or last frame)."""
    zs = grid.z
    if len(zs) == 1:
        plane = grid.dose_gy[0, rows, cols]
        return (plane, np.zeros_like(plane)) if abs(z - zs[0]) <= 1e-3 else None
    first_half, last_half = (zs[1] - zs[0]) / 2.0, (zs[-1] - zs[-2]) / 2.0
    if z < zs[0] - first_half - 1e-6 or z > zs[-1] + last_half + 1e-6:
        return None
    zc = min(max(z, zs[0]), zs[-1])
    k = int(np.clip(np.searchsorted(zs, zc, side="right") - 1, 0, len(zs) - 2))
    t = (zc - zs[k]) / (zs[k + 1] - zs[k])
    lower, upper = grid.dose_gy[k, rows, cols], grid.dose_gy[k + 1, rows, cols]
    slope = (upper - lower) / (zs[k + 1] - zs[k])
    return lower + (upper - lower) * t, slope


def _bilinear(plane: FloatArray, fx: FloatArray, fy: FloatArray) -> FloatArray:
    """Bilinear interpolation at fractional (column, row) indices, clamped to the plane's edge."""
    ny, nx = plane.shape
    fx = np.clip(fx, 0.0, nx - 1.0)
    fy = np.clip(fy, 0.0, ny - 1.0)
    i0 = np.minimum(fx.astype(np.int64), max(nx - 2, 0))
    j0 = np.minimum(fy.astype(np.int64), max(ny - 2, 0))
    tx, ty = fx - i0, fy - j0
    i1, j1 = np.minimum(i0 + 1, nx - 1), np.minimum(j0 + 1, ny - 1)
    top = plane[j0, i0] * (1 - tx) + plane[j0, i1] * tx
    bottom = plane[j1, i0] * (1 - tx) + plane[j1, i1] * tx
    result: FloatArray = top * (1 - ty) + bottom * ty
    return result


def structure_samples(
    structure: Structure, grid: DoseGrid, *, nominal_spacing_mm: float, supersample: int = DEFAULT_SUPERSAMPLE
) -> DoseSamples:
    """Weighted dose samples of one structure (see module docstring)."""
    if len(grid.x) < 2 or len(grid.y) < 2:
        raise DicomError(f"{grid.path.name}: dose grid needs at least 2 rows and 2 columns")
    dx, dy = float(grid.x[1] - grid.x[0]), float(grid.y[1] - grid.y[0])
    x0, y0 = float(grid.x[0]), float(grid.y[0])
    nx, ny = len(grid.x), len(grid.y)
    s = max(1, int(supersample))
    sub = (np.arange(s) + 0.5) / s - 0.5  # sub-point offsets in pixel units
    plane_z = structure.plane_z
    below, above = _slabs(plane_z, nominal_spacing_mm)
    doses: list[FloatArray] = []
    spreads: list[FloatArray] = []
    weights: list[FloatArray] = []
    outside = 0.0
    vmin, vmax = np.inf, -np.inf
    for index, z in enumerate(plane_z):
        polygons = structure.planes[float(z)]
        pixel_cc = dx * dy * float(below[index] + above[index]) / MM3_PER_CC
        vertices = np.vstack(polygons)
        edges = polygon_edges(polygons)
        # Pixel lattice around the contours, in grid indices (may extend beyond the grid).
        c0 = int(np.floor((vertices[:, 0].min() - x0) / dx + 0.5)) - 1
        c1 = int(np.floor((vertices[:, 0].max() - x0) / dx + 0.5)) + 1
        r0 = int(np.floor((vertices[:, 1].min() - y0) / dy + 0.5)) - 1
        r1 = int(np.floor((vertices[:, 1].max() - y0) / dy + 0.5)) + 1
        cols, rows = np.arange(c0, c1 + 1), np.arange(r0, r1 + 1)
        centre = inside_lattice(edges, y0 + r0 * dy, dy, len(rows), x0 + c0 * dx, dx, len(cols))
        corner = inside_lattice(
            edges, y0 + (r0 - 0.5) * dy, dy, len(rows) + 1, x0 + (c0 - 0.5) * dx, dx, len(cols) + 1
        )
        same = (corner[:-1, :-1] == centre) & (corner[1:, :-1] == centre) & (corner[:-1, 1:] == centre)
        same &= corner[1:, 1:] == centre
        vc = np.floor((vertices[:, 0] - x0) / dx + 0.5).astype(np.int64) - c0
        vr = np.floor((vertices[:, 1] - y0) / dy + 0.5).astype(np.int64) - r0
        same[vr, vc] = False
        interior_r, interior_c = np.nonzero(same & centre)
        interior_r, interior_c = rows[interior_r], cols[interior_c]
        boundary_r, boundary_c = np.nonzero(~same)
        # Sub-points of boundary pixels: fine rows are (pixel row, sub-row) pairs.
        fine_y = np.asarray(y0 + (rows[:, None] + sub[None, :]) * dy, dtype=np.float64).ravel()
        point_row = (boundary_r[:, None, None] * s + np.arange(s)[None, :, None]).repeat(s, axis=2).ravel()
        point_fx = (cols[boundary_c][:, None, None] + sub[None, None, :]).repeat(s, axis=1).ravel()
        hit = inside_rows(edges, fine_y, point_row, x0 + point_fx * dx)
        point_fx, point_fy = point_fx[hit], (fine_y[point_row[hit]] - y0) / dy
        interior_on = (interior_c >= 0) & (interior_c < nx) & (interior_r >= 0) & (interior_r < ny)
        point_on = (point_fx >= -0.5) & (point_fx <= nx - 0.5) & (point_fy >= -0.5) & (point_fy <= ny - 0.5)
        on_pixels = np.count_nonzero(interior_on) + np.count_nonzero(point_on) / (s * s)
        outside += pixel_cc * (interior_on.size - np.count_nonzero(interior_on))
        outside += pixel_cc * (point_on.size - np.count_nonzero(point_on)) / (s * s)
        window_c = slice(max(c0, 0), min(c1 + 2, nx))
        window_r = slice(max(r0, 0), min(r1 + 2, ny))
        planes = None
        if window_c.start < window_c.stop and window_r.start < window_r.stop:
            planes = _dose_plane(grid, float(z), window_r, window_c)
        if planes is None:
            outside += pixel_cc * on_pixels
            continue
        plane, slope_z = planes
        # Half the dose range across a sample's own box (linear field): |∂d/∂col|/2 + |∂d/∂row|/2 per pixel
        # (divided by s for sub-points) plus |∂d/∂z| × half the slab. Spreading each sample over its range
        # is what makes Dx exact in a gradient instead of a staircase of pixel-centre doses.
        spread = np.zeros_like(plane)
        if plane.shape[0] > 1:
            spread += np.abs(np.gradient(plane, axis=0)) / 2.0
        if plane.shape[1] > 1:
            spread += np.abs(np.gradient(plane, axis=1)) / 2.0
        half_slab = float(below[index] + above[index]) / 2.0
        ir, ic = interior_r[interior_on] - window_r.start, interior_c[interior_on] - window_c.start
        inner = plane[ir, ic]
        pr, pc = point_fy[point_on] - window_r.start, point_fx[point_on] - window_c.start
        edge = _bilinear(plane, pc, pr)
        near_r = np.clip(np.rint(pr).astype(np.int64), 0, plane.shape[0] - 1)
        near_c = np.clip(np.rint(pc).astype(np.int64), 0, plane.shape[1] - 1)
        doses += [inner, edge]
        weights += [np.full(inner.size, pixel_cc), np.full(edge.size, pixel_cc / (s * s))]
        spreads += [
            spread[ir, ic] + np.abs(slope_z[ir, ic]) * half_slab,
            spread[near_r, near_c] / s + np.abs(slope_z[near_r, near_c]) * half_slab,
        ]
        vfx, vfy = (vertices[:, 0] - x0) / dx, (vertices[:, 1] - y0) / dy
        vin = (vfx >= -0.5) & (vfx <= nx - 0.5) & (vfy >= -0.5) & (vfy <= ny - 0.5)
        if np.any(vin):
            vertex_dose = _bilinear(plane, vfx[vin] - window_c.start, vfy[vin] - window_r.start)
            vmin, vmax = min(vmin, float(vertex_dose.min())), max(vmax, float(vertex_dose.max()))
    dose = np.concatenate(doses) if doses else np.empty(0)
    volume = np.concatenate(weights) if weights else np.empty(0)
    if dose.size == 0:
        return DoseSamples(structure.name, dose, volume, outside, None)
    half_range = np.concatenate(spreads)
    low, high = float((dose - half_range).min()), float((dose + half_range).max())
    binned_dose, binned_volume = _aggregate(dose, volume, half_range, low, high)
    # Dmin/Dmax are point doses actually interpolated (samples and contour vertices), never the spread.
    extent = (min(float(dose.min()), vmin), max(float(dose.max()), vmax))
    return DoseSamples(structure.name, binned_dose, binned_volume, outside, extent)


def _aggregate(
    dose: FloatArray, volume: FloatArray, half_range: FloatArray, low: float, high: float
) -> tuple[FloatArray, FloatArray]:
    """Spread each sample's volume uniformly over [dose − half_range, dose + half_range] on
    ``HISTOGRAM_BINS`` fine bins between ``low`` and ``high``; return (bin dose, bin volume), ascending.

    Linear in the number of samples (a difference array and one cumulative sum; a sort of a million
    samples would cost more than the rest of the DVH). The mean is preserved up to half a bin (range/65 536).
    """
    if high - low <= 1e-12:
        return np.array([low]), np.array([float(volume.sum())])
    scale = HISTOGRAM_BINS / (high - low)
    first = np.clip(((dose - half_range - low) * scale).astype(np.int64), 0, HISTOGRAM_BINS - 1)
    last = np.clip(((dose + half_range - low) * scale).astype(np.int64), 0, HISTOGRAM_BINS - 1)
    density = volume / (last - first + 1)
    change = np.bincount(first, weights=density, minlength=HISTOGRAM_BINS + 1)
    change -= np.bincount(last + 1, weights=density, minlength=HISTOGRAM_BINS + 1)
    total = np.cumsum(change[:HISTOGRAM_BINS])
    centres = low + (np.arange(HISTOGRAM_BINS) + 0.5) / scale
    filled = total > volume.sum() * 1e-15
    return np.asarray(centres[filled], dtype=np.float64), np.asarray(total[filled], dtype=np.float64)


def compute_dvh(
    structure: Structure, grid: DoseGrid, *, nominal_spacing_mm: float, supersample: int = DEFAULT_SUPERSAMPLE
) -> Dvh:
    """DVH of one structure on one dose grid."""
    samples = structure_samples(
        structure, grid, nominal_spacing_mm=nominal_spacing_mm, supersample=supersample
    )
    return Dvh(structure.name, samples)


def compute_dvhs(
    structure_set: StructureSet,
    grid: DoseGrid,
    names: Iterable[str] | None = None,
    *,
    supersample: int = DEFAULT_SUPERSAMPLE,
) -> list[Dvh]:
    """DVHs of the named structures (all structures with contours when ``names`` is None), in ROI order."""
    nominal = nominal_plane_spacing(structure_set, grid)
    if names is None:
        chosen = [s for _, s in sorted(structure_set.structures.items()) if s.planes]
    else:
        chosen = [structure_set.by_name(n) for n in names]
    return [compute_dvh(s, grid, nominal_spacing_mm=nominal, supersample=supersample) for s in chosen]
