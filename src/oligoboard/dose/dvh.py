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

from oligoboard.dose._raster import pixel_coverage, polygon_edges
from oligoboard.dose.dicom_rt import DoseGrid, Structure, StructureSet
from oligoboard.errors import DicomError

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

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


class DosePlanes:
    """Dose of one grid on arbitrary axial planes, computed once and shared by every structure.

    ``dose(z)`` interpolates linearly between the two frames around z (a view, no copy, when z is on a
    frame) and clamps z to the frame range; ``gradients(z)`` are the in-plane central differences
    (Gy per pixel, one-sided at the grid edge) used for sub-point doses and each sample's in-plane range.
    """

    def __init__(self, grid: DoseGrid) -> None:
        self.grid = grid
        self._dose: dict[float, FloatArray] = {}
        self._gradients: dict[float, tuple[FloatArray, FloatArray, FloatArray]] = {}

    def on_grid(self, z: float) -> bool:
        """Whether plane z lies on the grid (within half a frame spacing of the first or last frame)."""
        zs = self.grid.z
        if len(zs) == 1:
            return bool(abs(z - zs[0]) <= 1e-3)
        return bool(zs[0] - (zs[1] - zs[0]) / 2.0 - 1e-6 <= z <= zs[-1] + (zs[-1] - zs[-2]) / 2.0 + 1e-6)

    def dose(self, z: float) -> FloatArray:
        key = round(z, 6)
        plane = self._dose.get(key)
        if plane is None:
            zs, frames = self.grid.z, self.grid.dose_gy
            zc = min(max(z, zs[0]), zs[-1])
            k = int(np.clip(np.searchsorted(zs, zc, side="right") - 1, 0, max(len(zs) - 2, 0)))
            t = 0.0 if len(zs) == 1 else (zc - zs[k]) / (zs[k + 1] - zs[k])
            if t <= 1e-9:
                plane = frames[k]
            elif t >= 1 - 1e-9:
                plane = frames[k + 1]
            else:
                plane = frames[k] + (frames[k + 1] - frames[k]) * t
            self._dose[key] = plane
        return plane

    def gradients(self, z: float) -> tuple[FloatArray, FloatArray, FloatArray]:
        """(∂d/∂column, ∂d/∂row, half the dose range across a pixel) at plane z, in Gy (per pixel):
        central differences, one-sided at the grid edge."""
        key = round(z, 6)
        found = self._gradients.get(key)
        if found is None:
            plane = self.dose(z)
            along_x, along_y = _central_difference(plane, 1), _central_difference(plane, 0)
            found = (along_x, along_y, (np.abs(along_x) + np.abs(along_y)) / 2.0)
            self._gradients[key] = found
        return found


def _central_difference(plane: FloatArray, axis: int) -> FloatArray:
    """``np.gradient`` along one axis of a 2-D plane (unit spacing, first order at the ends), in fewer passes."""
    a = plane if axis == 1 else plane.T
    result = np.empty_like(a)
    if a.shape[1] < 2:
        result[:] = 0.0
    else:
        np.subtract(a[:, 2:], a[:, :-2], out=result[:, 1:-1])
        result[:, 1:-1] *= 0.5
        result[:, 0] = a[:, 1] - a[:, 0]
        result[:, -1] = a[:, -1] - a[:, -2]
    return result if axis == 1 else np.ascontiguousarray(result.T)


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


def _window(edges: FloatArray, grid: DoseGrid) -> tuple[int, int, int, int]:
    """(first row, first column, rows, columns) of the pixel lattice around contour edges, in grid
    indices, one pixel of margin on each side (may extend beyond the grid)."""
    dx, dy = float(grid.x[1] - grid.x[0]), float(grid.y[1] - grid.y[0])
    x0, y0 = float(grid.x[0]), float(grid.y[0])
    c0 = int(np.floor((edges[:, 0].min() - x0) / dx + 0.5)) - 1
    c1 = int(np.floor((edges[:, 0].max() - x0) / dx + 0.5)) + 1
    r0 = int(np.floor((edges[:, 1].min() - y0) / dy + 0.5)) - 1
    r1 = int(np.floor((edges[:, 1].max() - y0) / dy + 0.5)) + 1
    return r0, c0, r1 - r0 + 1, c1 - c0 + 1


def structure_samples(
    structure: Structure,
    grid: DoseGrid,
    *,
    nominal_spacing_mm: float,
    supersample: int = DEFAULT_SUPERSAMPLE,
    planes: DosePlanes | None = None,
) -> DoseSamples:
    """Weighted dose samples of one structure (see module docstring). ``planes`` shares interpolated dose
    planes between structures of the same grid."""
    if len(grid.x) < 2 or len(grid.y) < 2:
        raise DicomError(f"{grid.path.name}: dose grid needs at least 2 rows and 2 columns")
    planes = planes if planes is not None else DosePlanes(grid)
    dx, dy = float(grid.x[1] - grid.x[0]), float(grid.y[1] - grid.y[0])
    x0, y0 = float(grid.x[0]), float(grid.y[0])
    nx, ny = len(grid.x), len(grid.y)
    s = max(1, int(supersample))
    sub = (np.arange(s) + 0.5) / s - 0.5  # sub-row offsets in pixel units
    plane_z = structure.plane_z
    below, above = _slabs(plane_z, nominal_spacing_mm)
    means: list[FloatArray] = []
    spreads: list[FloatArray] = []
    weights: list[FloatArray] = []
    outside = 0.0
    vmin, vmax = np.inf, -np.inf
    for index, z in enumerate(float(v) for v in plane_z):
        low_mm, high_mm = float(below[index]), float(above[index])
        pixel_cc = dx * dy * (low_mm + high_mm) / MM3_PER_CC
        edges = polygon_edges(structure.planes[z])
        r0, c0, wy, wx = _window(edges, grid)
        cover = pixel_coverage(edges, y0 + r0 * dy, dy, wy, x0 + c0 * dx, dx, wx, s)
        # Samples: whole interior pixels, then the covered segment of each line of each mixed pixel.
        ir, ic = np.nonzero(cover.interior)
        seg = cover.segment_pixel
        rows = np.concatenate([ir, cover.mixed[0][seg]]) + r0
        cols = np.concatenate([ic, cover.mixed[1][seg]]) + c0
        area = np.concatenate([np.ones(ir.size), cover.length / s])  # fraction of a pixel
        on = (cols >= 0) & (cols < nx) & (rows >= 0) & (rows < ny)
        if not planes.on_grid(z):
            outside += pixel_cc * float(area.sum())
            continue
        outside += pixel_cc * float(area[~on].sum())
        whole = int(np.count_nonzero(on[: ir.size]))  # interior samples come first
        flat = rows[on] * nx + cols[on]
        # Doses at the sample points on the plane and on the slab's two faces (part of the modelled
        # volume): whole pixels take the pixel's value, line segments add the in-plane gradient × the
        # offset of their centroid from the pixel centre.
        centre = planes.dose(z).ravel()
        lower = planes.dose(z - low_mm).ravel()
        upper = planes.dose(z + high_mm).ravel()
        along_x, along_y, half_in_plane = (g.ravel() for g in planes.gradients(z))
        d_mid, d_low, d_high = centre[flat], lower[flat], upper[flat]
        in_plane = half_in_plane[flat[:whole]]
        part = flat[whole:]
        if part.size:
            gx, gy = along_x[part], along_y[part]
            length = cover.length[on[ir.size :]]  # covered fraction of the pixel width
            shift = gx * cover.offset_x[on[ir.size :]] + gy * sub[cover.sub_row[on[ir.size :]]]
            d_mid[whole:] += shift
            d_low[whole:] += shift
            d_high[whole:] += shift
            in_plane = np.concatenate([in_plane, (np.abs(gx) * length + np.abs(gy) / s) / 2.0])
        # Mean over the slab of a dose linear on each half (plane to face), and the slab's dose range.
        mean = (low_mm * (d_low + d_mid) + high_mm * (d_mid + d_high)) / (2.0 * (low_mm + high_mm))
        top = np.maximum(np.maximum(d_low, d_mid), d_high)
        bottom = np.minimum(np.minimum(d_low, d_mid), d_high)
        means.append(mean)
        spreads.append(in_plane + (top - bottom) / 2.0)
        weights.append(area[on] * pixel_cc)
        if top.size:
            vmin, vmax = min(vmin, float(bottom.min())), max(vmax, float(top.max()))
        # Contour vertices: bilinear on the plane, shifted by the nearest pixel's change to each face.
        vfx, vfy = (edges[:, 0] - x0) / dx, (edges[:, 1] - y0) / dy
        vin = (vfx >= -0.5) & (vfx <= nx - 0.5) & (vfy >= -0.5) & (vfy <= ny - 0.5)
        if np.any(vin):
            vertex_dose = _bilinear(centre.reshape(ny, nx), vfx[vin], vfy[vin])
            nearest = np.clip(np.rint(vfy[vin]), 0, ny - 1).astype(np.int64) * nx
            nearest += np.clip(np.rint(vfx[vin]), 0, nx - 1).astype(np.int64)
            for face in (lower, centre, upper):
                at_face = vertex_dose + (face[nearest] - centre[nearest])
                vmin, vmax = min(vmin, float(at_face.min())), max(vmax, float(at_face.max()))
    dose = np.concatenate(means) if means else np.empty(0)
    volume = np.concatenate(weights) if weights else np.empty(0)
    if dose.size == 0:
        return DoseSamples(structure.name, dose, volume, outside, None)
    half_range = np.concatenate(spreads)
    low, high = float((dose - half_range).min()), float((dose + half_range).max())
    binned_dose, binned_volume = _aggregate(dose, volume, half_range, low, high)
    # Dmin/Dmax are point doses actually interpolated (sample points and contour vertices, on the contour
    # plane and on its slab faces), never the spread.
    return DoseSamples(structure.name, binned_dose, binned_volume, outside, (vmin, vmax))


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
    start = (dose - half_range - low) * scale  # >= 0 by the choice of low, <= HISTOGRAM_BINS
    first = np.minimum(start.astype(np.int32), HISTOGRAM_BINS - 1)
    last = np.minimum((start + (2.0 * scale) * half_range).astype(np.int32), HISTOGRAM_BINS - 1)
    density = volume / (last - first + 1)
    change = np.bincount(
        np.concatenate([first, last + 1]),
        weights=np.concatenate([density, -density]),
        minlength=HISTOGRAM_BINS + 1,
    )
    total = np.cumsum(change[:HISTOGRAM_BINS])
    centres = low + (np.arange(HISTOGRAM_BINS) + 0.5) / scale
    filled = total > volume.sum() * 1e-15
    return np.asarray(centres[filled], dtype=np.float64), np.asarray(total[filled], dtype=np.float64)


def compute_dvh(
    structure: Structure,
    grid: DoseGrid,
    *,
    nominal_spacing_mm: float,
    supersample: int = DEFAULT_SUPERSAMPLE,
    planes: DosePlanes | None = None,
) -> Dvh:
    """DVH of one structure on one dose grid (``planes`` shares dose planes across structures)."""
    samples = structure_samples(
        structure, grid, nominal_spacing_mm=nominal_spacing_mm, supersample=supersample, planes=planes
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
    planes = DosePlanes(grid)
    return [
        compute_dvh(s, grid, nominal_spacing_mm=nominal, supersample=supersample, planes=planes)
        for s in chosen
    ]
