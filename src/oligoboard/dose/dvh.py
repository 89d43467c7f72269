"""Dose-volume histograms of DICOM RT structures: volume-weighted dose samples and the metrics on them.

Method (docs/dvh.md says why): each contour plane stands for a slab reaching half-way to its neighbour
planes, and half the nominal plane spacing beyond a structure's first and last plane (end caps, the
Pinnacle/RayStation/MIM convention). In-plane, the covered area and centroid of every pixel are exact in x
and y alike (``_raster.exact_moments``, even-odd over all contours of the plane, so holes and islands
work); whole pixels are samples at their voxel value, cut pixels samples at the trilinear dose of their
covered part's centroid (``_sampling``). Each sample carries the dose at its plane and at its slab's two
faces, so its mean over the slab and its dose range are right in a gradient. Volume and dose come from the
same samples, so volume_cc and the histogram always agree. Dx and Vx interpolate the cumulative curve.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from oligoboard.dose._sampling import (
    DEFAULT_SUPERSAMPLE,
    GAP_FACTOR,
    HISTOGRAM_BINS,
    MM3_PER_CC,
    DosePlanes,
    DoseSamples,
    FloatArray,
    structure_samples,
)
from oligoboard.dose.dicom_rt import ContourWarning, DoseGrid, Structure, StructureSet
from oligoboard.errors import DicomError, Problem

__all__ = [
    "DEFAULT_SUPERSAMPLE",
    "GAP_FACTOR",
    "HISTOGRAM_BINS",
    "MM3_PER_CC",
    "DosePlanes",
    "DoseSamples",
    "Dvh",
    "compute_dvh",
    "compute_dvhs",
    "nominal_plane_spacing",
    "structure_samples",
]

Status = Literal["ok", "partly_outside_dose_grid", "outside_dose_grid", "no_contours"]
#: Volume fractions (%) of the Dx% metrics in the summary, and the Dcc ones.
SUMMARY_PERCENTS = (99, 98, 95, 50, 5, 2, 1)
SUMMARY_CC = (0.03,)


@dataclass(frozen=True)
class Dvh:
    """Cumulative DVH and its metrics for one structure. Doses in Gy, volumes in cc."""

    name: str
    samples: DoseSamples
    roi_number: int | None = None

    @property
    def volume_cc(self) -> float:
        return self.samples.total_cc

    @property
    def in_grid_cc(self) -> float:
        return float(self.samples.volume_cc.sum())

    @property
    def warnings(self) -> tuple[ContourWarning, ...]:
        return self.samples.warnings

    @property
    def status(self) -> Status:
        """Whether the structure's volume lies in the dose grid: ``outside_dose_grid`` (none of it: no
        statistics), ``partly_outside_dose_grid`` (statistics of the part inside), ``no_contours``."""
        if self.samples.dose_gy.size == 0:
            return "outside_dose_grid" if self.samples.outside_grid_cc > 0 else "no_contours"
        if self.samples.outside_grid_cc > 1e-6 * self.volume_cc:
            return "partly_outside_dose_grid"
        return "ok"

    def _require(self) -> None:
        if self.samples.dose_gy.size == 0:
            raise DicomError(
                f"structure '{self.name}' has no volume inside the dose grid",
                problems=[Problem(f"ROI {self.roi_number}", self.status.replace("_", " "))],
            )

    @property
    def mean_gy(self) -> float:
        self._require()
        if self.samples.mean_gy is not None:
            return self.samples.mean_gy
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
        cumulative = np.cumsum(weights) - weights / 2.0  # volume hotter than each bin's midpoint
        if volume_cc <= 0:
            return self.max_gy
        value = np.interp(
            volume_cc, cumulative, dose_desc, left=float(dose_desc[0]), right=float(dose_desc[-1])
        )
        # The spread of each sample reaches past the point doses; Dx stays within [Dmin, Dmax] (docs/dvh.md).
        return float(min(max(value, self.min_gy), self.max_gy))

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
        """The ``oligoboard dvh`` record: the contract keys, D99/D98/D5/D1/D0.03cc, the out-of-grid
        volume, the ROI number, a ``status`` and the ``warnings`` (plain data: names are never markup)."""
        record: dict[str, object] = {
            "name": self.name,
            "roi_number": self.roi_number,
            "volume_cc": round(self.volume_cc, 4),
        }
        keys = ["mean_gy", "min_gy", "max_gy"]
        keys += [f"d{p}_gy" for p in SUMMARY_PERCENTS] + [_cc_key(v) for v in SUMMARY_CC]
        if self.samples.dose_gy.size == 0:
            record.update(dict.fromkeys(keys, None))
        else:
            record.update(mean_gy=round(self.mean_gy, 4), min_gy=round(self.min_gy, 4))
            record["max_gy"] = round(self.max_gy, 4)
            for p in SUMMARY_PERCENTS:
                record[f"d{p}_gy"] = round(self.dose_at_volume_percent(p), 4)
            for v in SUMMARY_CC:
                record[_cc_key(v)] = round(self.dose_at_volume_cc(v), 4)
        record["outside_dose_grid_cc"] = round(self.samples.outside_grid_cc, 4)
        record["status"] = self.status
        record["warnings"] = [w.as_dict() for w in self.warnings]
        return record


def _cc_key(volume_cc: float) -> str:
    return "d" + f"{volume_cc:g}".replace(".", "_") + "cc_gy"


def nominal_plane_spacing(structure_set: StructureSet, grid: DoseGrid) -> float:
    """The usual distance between contour planes (median over all structures); the dose frame spacing if
    no structure has two planes. Used for end caps and single-plane structures."""
    gaps = [np.diff(s.plane_z) for s in structure_set.structures.values() if len(s.planes) > 1]
    flat = np.concatenate(gaps) if gaps else np.empty(0)
    if flat.size:
        return float(np.median(flat))
    return float(np.median(np.diff(grid.z))) if len(grid.z) > 1 else 1.0


def _check_grid(grid: DoseGrid) -> None:
    if len(grid.x) < 2 or len(grid.y) < 2:
        raise DicomError(
            f"{grid.path.name}: dose grid needs at least 2 rows and 2 columns",
            problems=[Problem(f"{grid.path.name}:Rows (0028,0010) / Columns (0028,0011)", "fewer than 2")],
        )


def compute_dvh(
    structure: Structure,
    grid: DoseGrid,
    *,
    nominal_spacing_mm: float,
    supersample: int = DEFAULT_SUPERSAMPLE,
    planes: DosePlanes | None = None,
) -> Dvh:
    """DVH of one structure on one dose grid (``planes`` shares dose lookups across structures)."""
    _check_grid(grid)
    samples = structure_samples(
        structure, grid, nominal_spacing_mm=nominal_spacing_mm, supersample=supersample, planes=planes
    )
    return Dvh(structure.name, samples, structure.number)


def compute_dvhs(
    structure_set: StructureSet,
    grid: DoseGrid,
    names: Iterable[str] | None = None,
    *,
    roi_numbers: Iterable[int] | None = None,
    supersample: int = DEFAULT_SUPERSAMPLE,
) -> list[Dvh]:
    """DVHs of the structures chosen by name and/or ROI number (all structures with contours when neither
    is given), in the order asked (ROI order for all).

    A name shared by several ROIs is an error (``DicomError``) naming their ROI numbers: pick one with
    ``roi_numbers`` (the CLI's ``--roi-number``).
    """
    _check_grid(grid)
    nominal = nominal_plane_spacing(structure_set, grid)
    chosen: list[Structure] = []
    if names is None and roi_numbers is None:
        chosen = [s for _, s in sorted(structure_set.structures.items()) if s.planes]
    else:
        for name in names or ():
            chosen.append(structure_set.by_name(name))
        for number in roi_numbers or ():
            chosen.append(structure_set.by_number(number))
    unique = list({s.number: s for s in chosen}.values())
    planes = DosePlanes(grid)
    return [
        compute_dvh(s, grid, nominal_spacing_mm=nominal, supersample=supersample, planes=planes)
        for s in unique
    ]
