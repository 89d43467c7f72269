"""Plain stand-ins for the case's radiotherapy courses: `check_courses` takes anything with these attributes."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Oar:
    spinal_cord_dmax_gy: float | None = None
    brachial_plexus_dmax_gy: float | None = None
    mean_lung_dose_gy: float | None = None
    esophagus_dmax_gy: float | None = None


@dataclass
class Course:
    id: str = "RT1"
    target: str | None = "L1"
    technique: str | None = "sbrt"
    total_dose_gy: float | None = 45.0
    fractions: int | None = 3
    oar: Oar | None = field(default_factory=Oar)
    protocol: str | None = None
