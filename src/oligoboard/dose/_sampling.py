"""A structure on a dose grid as volume-weighted dose samples, streamed into a fine histogram.

Each contour plane stands for a slab (half-way to its neighbours, half the nominal spacing beyond a piece's
end planes). Per plane the exact covered area and centroid of every pixel come from ``_raster``; a whole
pixel is one sample at its voxel value, a cut pixel one sample at the dose interpolated at the centroid of
its covered part (the mean of a linear field over it). Doses are trilinear in the voxel values (linear
between frames, bilinear in-plane), so every point dose is a convex combination of voxels the interpolation
uses: Dmin/Dmax can never leave [min, max] of those voxels, nor go negative on a non-negative grid.

Memory: planes are processed in batches of at most ``BATCH_PIXELS`` lattice pixels and folded into
running sums and a ``HISTOGRAM_BINS`` difference array at once, so what is held besides the dose grid is
one batch, whatever the structure's size (docs/dvh.md, "Memory").
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from oligoboard.dose._raster import (
    Moments,
    contour_weights,
    crossing_detected,
    exact_moments,
    polygon_edges,
    sampled_moments,
)
from oligoboard.dose.dicom_rt import PLANE_TOLERANCE_MM, ContourWarning, DoseGrid, Structure

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: Lines per pixel row of the line-sampled fallback for planes whose contours cross each other.
DEFAULT_SUPERSAMPLE = 5
#: Gaps between contour planes larger than this multiple of the nominal spacing separate two pieces.
GAP_FACTOR = 1.5
MM3_PER_CC = 1000.0
#: Fine dose bins over the dose range of the voxels a structure's interpolation uses.
HISTOGRAM_BINS = 65536
#: Lattice pixels per coverage batch: consecutive planes are stacked in bands of rows up to this size, so
#: small planes share numpy calls while the temporaries stay cache-sized and memory stays bounded.
BATCH_PIXELS = 1 << 16
#: Pixels covered to within this fraction are whole (one sample at the voxel value).
WHOLE = 1.0 - 1e-9


@dataclass(frozen=True)
class DoseSamples:
    """A structure's DVH data: ``dose_gy`` (fine-bin centres, ascending) with the ``volume_cc`` in each.

    ``mean_gy`` and ``dose_range_gy`` are exact over the samples (not binned); ``dose_range_gy`` is None
    when no volume lies inside the dose grid. ``warnings`` list what was dropped or approximated.
    """

    name: str
    dose_gy: FloatArray
    volume_cc: FloatArray
    outside_grid_cc: float
    dose_range_gy: tuple[float, float] | None
    mean_gy: float | None = None
    warnings: tuple[ContourWarning, ...] = field(default=())

    @property
    def total_cc(self) -> float:
        return float(self.volume_cc.sum()) + self.outside_grid_cc


def slab_extents(plane_z: FloatArray, nominal: float) -> tuple[FloatArray, FloatArray]:
    """Extent of each plane's slab below and above it (mm): half-way to a neighbour closer than
    ``GAP_FACTOR`` × nominal, half the nominal spacing otherwise (end caps)."""
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
    """Trilinear dose lookups on one grid (frames flattened, no copy); shared by a grid's structures."""

    def __init__(self, grid: DoseGrid) -> None:
        self.grid = grid
        self.nz, self.ny, self.nx = grid.dose_gy.shape
        self.flat = grid.dose_gy.reshape(-1)
        self.frame_pixels = self.ny * self.nx
        self._gradient_cache: dict[int, tuple[NDArray[np.float32], NDArray[np.float32]]] = {}

    def on_grid(self, z: FloatArray) -> NDArray[np.bool_]:
        """Whether planes z lie on the grid (within half a frame spacing of the first or last frame)."""
        zs = self.grid.z
        if len(zs) == 1:
            near: NDArray[np.bool_] = np.abs(z - zs[0]) <= 1e-3
            return near
        low = zs[0] - (zs[1] - zs[0]) / 2.0 - 1e-6
        high = zs[-1] + (zs[-1] - zs[-2]) / 2.0 + 1e-6
        within: NDArray[np.bool_] = (z >= low) & (z <= high)
        return within

    def frames(self, z: FloatArray) -> tuple[IntArray, FloatArray]:
        """(lower frame, weight of the upper frame) per z, z clamped to the frame range (no extrapolation)."""
        zs = self.grid.z
        if len(zs) == 1:
            return np.zeros(len(z), dtype=np.int64), np.zeros(len(z))
        zc = np.clip(z, zs[0], zs[-1])
        k = np.clip(np.searchsorted(zs, zc, side="right") - 1, 0, len(zs) - 2).astype(np.int64)
        t = np.clip((zc - zs[k]) / (zs[k + 1] - zs[k]), 0.0, 1.0)
        # A plane within PLANE_TOLERANCE_MM of a frame is on it (planning systems round contour z to
        # 0.01 mm; the same tolerance merges contour planes): its doses are then one gather, not two.
        upper = (zs[k + 1] - zc <= PLANE_TOLERANCE_MM) & (k + 1 < len(zs) - 1)
        k = np.where(upper, k + 1, k)
        t = np.where(upper | (zc - zs[k] <= PLANE_TOLERANCE_MM), 0.0, t)
        return k, t

    def voxel(self, k: IntArray, t: FloatArray, row: IntArray, col: IntArray) -> FloatArray:
        """Dose at voxel centres (row, col), linear between frames k and k + 1 with weight t."""
        index = k * self.frame_pixels + row * self.nx + col
        low: FloatArray = self.flat[index].astype(np.float64)
        if not t.any():
            return low
        upper = np.minimum(k + 1, self.nz - 1) * self.frame_pixels + row * self.nx + col
        result: FloatArray = low + (self.flat[upper] - low) * t
        return result

    def gradients(self, frame: IntArray, pix: IntArray) -> tuple[FloatArray, FloatArray]:
        """|∂d/∂column| and |∂d/∂row| (Gy per pixel, central differences, one-sided at the edge) of the
        given frames at flat pixel indices. Frames are differenced densely once and kept in a small cache
        (at most ``GRADIENT_CACHE_FRAMES``, a bounded share of the grid): a gather per sample instead of
        four, and no copy of the grid."""
        out_x = np.empty(pix.size, dtype=np.float32)
        out_y = np.empty(pix.size, dtype=np.float32)
        bounds = np.flatnonzero(np.diff(frame)) + 1
        starts = np.concatenate([[0], bounds])
        stops = np.concatenate([bounds, [pix.size]])
        for a, b in zip(starts, stops, strict=True):
            k = int(frame[a])
            planes = self._gradient_cache.pop(k, None)
            if planes is None:
                planes = _absolute_gradients(self.grid.dose_gy[k])
                if len(self._gradient_cache) >= GRADIENT_CACHE_FRAMES:
                    self._gradient_cache.pop(next(iter(self._gradient_cache)))
            self._gradient_cache[k] = planes  # most recently used last
            out_x[a:b] = planes[0][pix[a:b]]
            out_y[a:b] = planes[1][pix[a:b]]
        return out_x.astype(np.float64), out_y.astype(np.float64)

    def voxel_at(self, index: IntArray, t: FloatArray) -> FloatArray:
        """Dose at flat voxel indices of the lower frame (frame × pixels + pixel), linear to the next."""
        low = self.flat[index].astype(np.float64)
        if self.nz == 1 or not t.any():
            return low
        result: FloatArray = low + (self.flat[index + self.frame_pixels] - low) * t
        return result

    def point(self, k: IntArray, t: FloatArray, fy: FloatArray, fx: FloatArray) -> FloatArray:
        """Trilinear dose at fractional (row, column) indices, clamped to the grid."""
        fx = np.clip(fx, 0.0, self.nx - 1.0)
        fy = np.clip(fy, 0.0, self.ny - 1.0)
        c0 = np.minimum(fx.astype(np.int64), self.nx - 2)
        r0 = np.minimum(fy.astype(np.int64), self.ny - 2)
        tx, ty = fx - c0, fy - r0
        top = self.voxel(k, t, r0, c0) * (1 - tx) + self.voxel(k, t, r0, c0 + 1) * tx
        bottom = self.voxel(k, t, r0 + 1, c0) * (1 - tx) + self.voxel(k, t, r0 + 1, c0 + 1) * tx
        result: FloatArray = top * (1 - ty) + bottom * ty
        return result


#: Frames whose in-plane gradients are kept (two float32 planes each): a bounded share of the grid.
GRADIENT_CACHE_FRAMES = 8


def _absolute_gradients(frame: NDArray[np.float32]) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """Flat |central differences| of one frame along columns and rows (one-sided at the edges)."""
    result = []
    for axis in (1, 0):
        n = frame.shape[axis]
        g = np.zeros_like(frame)
        if n >= 2:
            if axis == 1:
                g[:, 1:-1] = (frame[:, 2:] - frame[:, :-2]) / 2
                g[:, 0], g[:, -1] = frame[:, 1] - frame[:, 0], frame[:, -1] - frame[:, -2]
            else:
                g[1:-1] = (frame[2:] - frame[:-2]) / 2
                g[0], g[-1] = frame[1] - frame[0], frame[-1] - frame[-2]
        result.append(np.abs(g).ravel())
    return result[0], result[1]


@dataclass
class _Accumulator:
    """Running sums of one structure: volume, dose × volume, extremes and the histogram's changes."""

    low: float
    high: float
    volume: float = 0.0
    dose_volume: float = 0.0
    vmin: float = np.inf
    vmax: float = -np.inf
    change: FloatArray = field(default_factory=lambda: np.zeros(HISTOGRAM_BINS + 1))

    def add(self, mean: FloatArray, weight: FloatArray, half_range: FloatArray) -> None:
        """Spread each sample's volume uniformly over [mean − half_range, mean + half_range] (clipped to
        the voxel range) with a difference array: linear time, no sort."""
        if mean.size == 0:
            return
        self.volume += float(weight.sum())
        self.dose_volume += float(np.dot(mean, weight))
        if self.high - self.low <= 1e-12:
            self.change[0] += float(weight.sum())
            self.change[1] -= float(weight.sum())
            return
        scale = HISTOGRAM_BINS / (self.high - self.low)
        last_bin = HISTOGRAM_BINS - 1
        first = np.clip(((mean - half_range - self.low) * scale).astype(np.int64), 0, last_bin)
        last = np.clip(((mean + half_range - self.low) * scale).astype(np.int64), 0, last_bin)
        density = weight / (last - first + 1)
        self.change += np.bincount(
            np.concatenate([first, last + 1]),
            weights=np.concatenate([density, -density]),
            minlength=HISTOGRAM_BINS + 1,
        )

    def extremes(self, *doses: FloatArray) -> None:
        for dose in doses:
            if dose.size:
                self.vmin = min(self.vmin, float(dose.min()))
                self.vmax = max(self.vmax, float(dose.max()))

    def binned(self) -> tuple[FloatArray, FloatArray]:
        total = np.cumsum(self.change[:HISTOGRAM_BINS])
        if self.high - self.low <= 1e-12:
            return np.array([self.low]), np.array([max(float(total[0]), 0.0)])
        centres = self.low + (np.arange(HISTOGRAM_BINS) + 0.5) * (self.high - self.low) / HISTOGRAM_BINS
        filled = total > self.volume * 1e-15
        return centres[filled], total[filled]


def _windows(edges: list[FloatArray], grid: DoseGrid) -> NDArray[np.int64]:
    """(first row, first column, rows, columns) per plane of the pixel lattice around its edges (grid
    indices, one pixel of margin on each side, may extend beyond the grid)."""
    dx, dy = float(grid.x[1] - grid.x[0]), float(grid.y[1] - grid.y[0])
    result = np.zeros((len(edges), 4), dtype=np.int64)
    for p, e in enumerate(edges):
        c0 = int(np.floor((e[:, [0, 2]].min() - grid.x[0]) / dx + 0.5)) - 1
        c1 = int(np.floor((e[:, [0, 2]].max() - grid.x[0]) / dx + 0.5)) + 1
        r0 = int(np.floor((e[:, [1, 3]].min() - grid.y[0]) / dy + 0.5)) - 1
        r1 = int(np.floor((e[:, [1, 3]].max() - grid.y[0]) / dy + 0.5)) + 1
        result[p] = (r0, c0, r1 - r0 + 1, c1 - c0 + 1)
    return result


def _batches(windows: NDArray[np.int64]) -> list[tuple[int, int]]:
    """Consecutive planes grouped so that each group's stacked lattice stays within ``BATCH_PIXELS``."""
    result = []
    start = 0
    while start < len(windows):
        stop, c_lo, c_hi, height = start, windows[start, 1], windows[start, 1] + windows[start, 3], 0
        while stop < len(windows):
            lo, hi = min(c_lo, windows[stop, 1]), max(c_hi, windows[stop, 1] + windows[stop, 3])
            if stop > start and (height + windows[stop, 2]) * (hi - lo + 1) > BATCH_PIXELS:
                break
            c_lo, c_hi, height, stop = lo, hi, height + int(windows[stop, 2]), stop + 1
        result.append((start, stop))
        start = stop
    return result


def _voxel_range(
    structure_windows: NDArray[np.int64], planes: DosePlanes, z_lo: float, z_hi: float
) -> tuple[float, float]:
    """(min, max) of the voxels any interpolation for this structure can use: the bounding block."""
    r0 = max(int(structure_windows[:, 0].min()), 0)
    c0 = max(int(structure_windows[:, 1].min()), 0)
    r1 = min(int((structure_windows[:, 0] + structure_windows[:, 2]).max()), planes.ny)
    c1 = min(int((structure_windows[:, 1] + structure_windows[:, 3]).max()), planes.nx)
    k_lo, _ = planes.frames(np.array([z_lo]))
    k_hi, _ = planes.frames(np.array([z_hi]))
    if r1 <= r0 or c1 <= c0:
        return 0.0, 0.0
    block = planes.grid.dose_gy[int(k_lo[0]) : min(int(k_hi[0]) + 2, planes.nz), r0:r1, c0:c1]
    return float(block.min()), float(block.max())


def _fold_pixels(
    planes: DosePlanes,
    moments: Moments,
    lin: IntArray,
    whole: bool,
    width: int,
    offset: IntArray,
    win: NDArray[np.int64],
    start: int,
    c_lo: int,
    levels: list[tuple[IntArray, FloatArray]],
    below: FloatArray,
    above: FloatArray,
    pixel_cc: FloatArray,
    on_grid: NDArray[np.bool_],
    acc: _Accumulator,
) -> float:
    """Fold one batch's whole pixels (``whole``) or cut pixels into ``acc``; return the volume (cc) that
    lies outside the dose grid. Whole pixels are samples at their voxel value (interpolated between
    frames), cut pixels at the trilinear dose of their covered part's centroid."""
    if lin.size == 0:
        return 0.0
    nx, ny, fp = planes.nx, planes.ny, planes.frame_pixels
    lat_r = lin // width
    plane = np.searchsorted(offset, lat_r, side="right") - 1  # batch-local plane index
    row = lat_r - offset[plane] + win[plane, 0]
    col = lin % width + c_lo
    p_abs = plane + start
    area = np.ones(lin.size) if whole else moments.area.ravel()[lin]
    weight = area * pixel_cc[p_abs]
    inside = (row >= 0) & (row < ny) & (col >= 0) & (col < nx) & on_grid[p_abs]
    outside = 0.0
    if not inside.all():
        outside = float(weight[~inside].sum())
        keep = np.flatnonzero(inside)
        if keep.size == 0:
            return outside
        lin, row, col, p_abs, area, weight = (
            lin[keep],
            row[keep],
            col[keep],
            p_abs[keep],
            area[keep],
            weight[keep],
        )
    pix = row * nx + col
    doses = []
    if whole:
        for k_level, t_level in levels:
            doses.append(planes.voxel_at(k_level[p_abs] * fp + pix, t_level[p_abs]))
        cx = cy = None
    else:
        cx = moments.mx.ravel()[lin] / area
        cy = moments.my.ravel()[lin] / area
        for k_level, t_level in levels:
            doses.append(planes.point(k_level[p_abs], t_level[p_abs], row + cy, col + cx))
    d_low, d_mid, d_high = doses
    # In-plane dose range of each sample: central differences × the extent of its covered part (the width
    # of a uniform distribution with the part's variance; 1 pixel for a whole pixel). The gradient only
    # shapes the histogram's spread, so the nearest frame is enough for it.
    near = levels[1][0][p_abs] + (levels[1][1][p_abs] > 0.5)
    gx, gy = planes.gradients(near, pix)
    if whole:
        in_plane = (gx + gy) / 2.0
    else:
        assert cx is not None and cy is not None
        var_x = np.clip(moments.sxx.ravel()[lin] / area - cx * cx, 0.0, 1.0 / 12.0)
        var_y = np.clip(moments.syy.ravel()[lin] / area - cy * cy, 0.0, 1.0 / 12.0)
        in_plane = (gx * np.sqrt(12.0 * var_x) + gy * np.sqrt(12.0 * var_y)) / 2.0
    low_mm, high_mm = below[p_abs], above[p_abs]
    mean = (low_mm * (d_low + d_mid) + high_mm * (d_mid + d_high)) / (2.0 * (low_mm + high_mm))
    top = np.maximum(np.maximum(d_low, d_mid), d_high)
    bottom = np.minimum(np.minimum(d_low, d_mid), d_high)
    acc.add(mean, weight, in_plane + (top - bottom) / 2.0)
    acc.extremes(bottom, top)
    return outside


def structure_samples(
    structure: Structure,
    grid: DoseGrid,
    *,
    nominal_spacing_mm: float,
    supersample: int = DEFAULT_SUPERSAMPLE,
    planes: DosePlanes | None = None,
) -> DoseSamples:
    """Weighted dose samples of one structure (see module docstring). ``planes`` may be shared between the
    structures of one grid."""
    planes = planes if planes is not None else DosePlanes(grid)
    warnings = list(structure.warnings)
    plane_z = structure.plane_z
    if plane_z.size == 0:
        return DoseSamples(structure.name, np.empty(0), np.empty(0), 0.0, None, None, tuple(warnings))
    dx, dy = float(grid.x[1] - grid.x[0]), float(grid.y[1] - grid.y[0])
    x0, y0 = float(grid.x[0]), float(grid.y[0])
    nx, ny = planes.nx, planes.ny
    below, above = slab_extents(plane_z, nominal_spacing_mm)
    polygons = [structure.planes[float(z)] for z in plane_z]
    edges = [polygon_edges(p) for p in polygons]
    windows = _windows(edges, grid)
    on_grid = planes.on_grid(plane_z)
    z_low, z_high = plane_z - below, plane_z + above
    levels = [planes.frames(z) for z in (z_low, plane_z, z_high)]  # (k, t) per plane at each level
    pixel_cc = dx * dy * (below + above) / MM3_PER_CC
    acc = _Accumulator(*_voxel_range(windows, planes, float(z_low.min()), float(z_high.max())))
    outside = 0.0
    for start, stop in _batches(windows):
        win = windows[start:stop]
        c_lo = int(win[:, 1].min())
        width = int((win[:, 1] + win[:, 3]).max()) - c_lo
        offset = np.concatenate([[0], np.cumsum(win[:, 2])])
        stacked, weights = [], []
        for k, p in enumerate(range(start, stop)):
            lattice = edges[p].copy()
            lattice[:, [0, 2]] = (lattice[:, [0, 2]] - x0) / dx + 0.5 - c_lo
            lattice[:, [1, 3]] = (lattice[:, [1, 3]] - y0) / dy + 0.5 - win[k, 0] + offset[k]
            stacked.append(lattice)
            weights.append(contour_weights(polygons[p]))
        height = int(offset[-1])
        moments = exact_moments(np.vstack(stacked), np.concatenate(weights), height, width)
        for k, p in enumerate(range(start, stop)):
            band = slice(int(offset[k]), int(offset[k + 1]))
            if crossing_detected(moments.area[band]):
                local = stacked[k].copy()
                local[:, [1, 3]] -= offset[k]
                fallback = sampled_moments(local, int(win[k, 2]), width, supersample)
                for name in ("area", "mx", "my", "sxx", "syy"):
                    getattr(moments, name)[band] = getattr(fallback, name)
                warnings.append(
                    ContourWarning(
                        structure.name,
                        structure.number,
                        float(plane_z[p]),
                        "contours cross each other (or themselves): even-odd coverage sampled on "
                        f"{supersample} lines per pixel row on this plane",
                    )
                )
        flat_area = moments.area.ravel()
        for lin, whole in (
            (np.flatnonzero(flat_area >= WHOLE), True),
            (np.flatnonzero((flat_area > 1e-12) & (flat_area < WHOLE)), False),
        ):
            outside += _fold_pixels(
                planes,
                moments,
                lin,
                whole,
                width,
                offset,
                win,
                start,
                c_lo,
                levels,
                below,
                above,
                pixel_cc,
                on_grid,
                acc,
            )
        # Contour vertices on the plane and on its slab faces: trilinear point doses too.
        batch = [p for p in range(start, stop) if on_grid[p]]
        if batch:
            vertices = np.concatenate([v for p in batch for v in polygons[p]])
            owner = np.repeat(batch, [sum(len(v) for v in polygons[p]) for p in batch])
            fx, fy = (vertices[:, 0] - x0) / dx, (vertices[:, 1] - y0) / dy
            vin = (fx >= -0.5) & (fx <= nx - 0.5) & (fy >= -0.5) & (fy <= ny - 0.5)
            if vin.any():
                owner = owner[vin]
                for k_level, t_level in levels:
                    acc.extremes(planes.point(k_level[owner], t_level[owner], fy[vin], fx[vin]))
    if acc.volume <= 0.0:
        return DoseSamples(structure.name, np.empty(0), np.empty(0), outside, None, None, tuple(warnings))
    dose, volume = acc.binned()
    mean_gy = acc.dose_volume / acc.volume
    return DoseSamples(structure.name, dose, volume, outside, (acc.vmin, acc.vmax), mean_gy, tuple(warnings))
