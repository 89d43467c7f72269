"""The plain objects DICOM RT files are read into: structures, structure set, dose grid, plan, warnings.

Kept apart from the readers in `dicom_rt` so that the DVH engine and the reports depend on these shapes,
not on pydicom; `dicom_rt` re-exports them for its callers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from oligoboard.errors import DicomError, Problem

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class ContourWarning:
    """A contour dropped or approximated: which structure, which plane (z in mm, None if unknown), why."""

    structure: str
    roi_number: int | None
    z_mm: float | None
    reason: str

    def as_dict(self) -> dict[str, object]:
        return {
            "structure": self.structure,
            "roi_number": self.roi_number,
            "z_mm": None if self.z_mm is None else round(self.z_mm, 3),
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Structure:
    """One ROI: its number (the key, never the order), name, type and closed polygons grouped by plane."""

    number: int
    name: str
    interpreted_type: str | None
    #: plane z (mm, ascending) → list of (N, 2) arrays of (x, y) vertices in mm
    planes: dict[float, list[FloatArray]] = field(default_factory=dict)
    skipped_contours: int = 0
    warnings: tuple[ContourWarning, ...] = ()

    @property
    def plane_z(self) -> FloatArray:
        return np.array(sorted(self.planes), dtype=np.float64)


@dataclass(frozen=True)
class StructureSet:
    path: Path
    frame_of_reference_uid: str | None
    structures: dict[int, Structure]

    def by_name(self, name: str) -> Structure:
        """The one structure of that name (case and surrounding blanks ignored). Several ROIs sharing the
        name is an error naming their ROI numbers: the caller must pick one by number."""
        found = [s for s in self.structures.values() if s.name.strip().lower() == name.strip().lower()]
        if len(found) == 1:
            return found[0]
        if found:
            numbers = ", ".join(str(s.number) for s in found)
            raise DicomError(
                f"{self.path.name}: {len(found)} structures are named '{name}' (ROI numbers {numbers}); "
                "choose one by ROI number",
                problems=[
                    Problem("--structure", "ambiguous structure name", expected=f"--roi-number {numbers}")
                ],
            )
        known = ", ".join(s.name for s in self.structures.values())
        raise DicomError(
            f"{self.path.name}: no structure named '{name}'",
            problems=[Problem("--structure", f"no structure named '{name}'", expected=known, found=name)],
        )

    def by_number(self, number: int) -> Structure:
        if number in self.structures:
            return self.structures[number]
        known = ", ".join(str(n) for n in sorted(self.structures))
        raise DicomError(
            f"{self.path.name}: no ROI number {number}",
            problems=[Problem("--roi-number", "no such ROI number", expected=known, found=str(number))],
        )


@dataclass(frozen=True)
class EmbeddedDvh:
    """A cumulative DVH stored in the RTDOSE DVH Sequence by the planning system (dose Gy, volume cc)."""

    roi_number: int
    dose_gy: FloatArray  # upper bin edges
    volume_cc: FloatArray  # volume receiving at least the bin's lower edge


@dataclass(frozen=True)
class DoseGrid:
    """Dose in Gy on an axis-aligned grid; ``dose_gy[k, j, i]`` is at (x[i], y[j], z[k]), all ascending.

    float32: 24 bits of mantissa hold a dose to 6 × 10⁻⁸ of its value (4 µGy at 70 Gy), far below the
    stored DoseGridScaling step of real files, at half the memory of float64 (docs/dvh.md, "Memory")."""

    path: Path
    dose_gy: NDArray[np.float32]
    x: FloatArray
    y: FloatArray
    z: FloatArray
    frame_of_reference_uid: str | None
    summation_type: str | None
    dose_type: str | None
    embedded_dvhs: dict[int, EmbeddedDvh] = field(default_factory=dict)

    @property
    def max_gy(self) -> float:
        return float(self.dose_gy.max()) if self.dose_gy.size else 0.0


@dataclass(frozen=True)
class Plan:
    path: Path
    label: str | None
    fractions: int | None
    prescription_gy: float | None
    frame_of_reference_uid: str | None
