"""DVH metrics in EQD2, for a plan checked against constraints stated for another fractionation.

A protocol's constraints are stated for its own schedule (MAASTRO: 2 Gy fractions). A plan in another
schedule is compared in EQD2 with the structure's α/β, voxel by voxel: EQD2 is monotonic in the dose of a
voxel for a fixed fraction number, so a dose metric (Dmax, Dmin, Dx%, Dxcc) in EQD2 is the EQD2 of the
physical metric, a volume metric VxGy (x read as EQD2) is the volume above the physical dose iso-effective to
x in the plan's fractions, and Dmean in EQD2 is the volume-weighted mean of the samples' EQD2 (not the EQD2
of the physical mean: LQ is not linear). Each sample is taken to receive its dose in the plan's fractions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from oligoboard.dose import lq
from oligoboard.dose.constraints import Constraint
from oligoboard.dose.dvh import Dvh


@dataclass(frozen=True)
class Fractionation:
    """The plan's schedule, when it is not the one the protocol's constraints are stated for."""

    fractions: int
    prescription_gy: float
    stated: str  # what the protocol states its constraints for, e.g. "2 Gy fractions (…)"

    @property
    def per_fraction_gy(self) -> float:
        return self.prescription_gy / self.fractions


def eqd2_of(dose_gy: float, fractions: int, alpha_beta_gy: float) -> float:
    """EQD2 of a dose (0 Gy stays 0: `lq.eqd2` refuses non-positive doses, a voxel may have none)."""
    return float(lq.eqd2(dose_gy, fractions, alpha_beta_gy)) if dose_gy > 0 else 0.0


def measure_eqd2(constraint: Constraint, dvh: Dvh, fractions: int, alpha_beta_gy: float) -> float:
    """The constraint's metric with doses in EQD2 (α/β of the structure, the plan's fraction number)."""
    if constraint.metric == "dmean":
        dose = np.clip(dvh.samples.dose_gy, 0.0, None)
        per_sample = dose * (dose / fractions + alpha_beta_gy) / (2.0 + alpha_beta_gy)
        return float(np.dot(per_sample, dvh.samples.volume_cc) / dvh.in_grid_cc)
    if constraint.metric == "vdose":
        assert constraint.parameter is not None
        threshold = physical_dose_for_eqd2(constraint.parameter, fractions, alpha_beta_gy)
        if constraint.unit == "%":
            return dvh.volume_at_dose_percent(threshold)
        return dvh.volume_at_dose_cc(threshold)
    return eqd2_of(constraint.measure(dvh), fractions, alpha_beta_gy)


def physical_dose_for_eqd2(eqd2_gy: float, fractions: int, alpha_beta_gy: float) -> float:
    """The total dose in `fractions` iso-effective to `eqd2_gy` given in 2 Gy fractions.

    Example:
        >>> round(physical_dose_for_eqd2(20.0, 5, 3.0), 3)  # V20Gy (EQD2, α/β 3) in 5 fx: V at 16.085 Gy
        16.085
    """
    if eqd2_gy <= 0:
        return 0.0
    return float(lq.convert(eqd2_gy, eqd2_gy / 2.0, fractions, alpha_beta_gy))
