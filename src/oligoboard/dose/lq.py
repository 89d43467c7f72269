"""Linear-quadratic (LQ) model: BED, EQD2 and conversion between fractionations.

Formulas (radiotherapy reference note §1.1; Fowler 1989, BJR 62:679): with total dose D, n fractions,
d = D/n and tissue α/β, BED = D (1 + d / (α/β)) and EQD2 = BED / (1 + 2 / (α/β)). No time factor:
the guideline thresholds this project checks (BED10 > 75 Gy, EQD2 ≥ 60 Gy) are quoted without one.
Every function accepts floats or numpy arrays and broadcasts, so a cohort is converted in one call.
"""

from __future__ import annotations

from typing import overload

import numpy as np
from numpy.typing import NDArray

from oligoboard.errors import DoseInputError, Problem

FloatArray = NDArray[np.float64]

#: Dose per fraction above which LQ is outside its validated range (Brenner 2008; reference note §1.4).
LQ_VALIDATED_MAX_DOSE_PER_FRACTION_GY = 10.0


def _positive(name: str, value: float | FloatArray) -> FloatArray:
    array = np.asarray(value, dtype=np.float64)
    if not np.all(np.isfinite(array)) or np.any(array <= 0):
        bad = array[~(np.isfinite(array) & (array > 0))] if array.ndim else array
        raise DoseInputError(
            f"{name} must be a positive number",
            problems=[Problem(name, "must be a positive number", expected="> 0", found=str(bad.ravel()[:3]))],
        )
    return array


def _result(value: FloatArray) -> float | FloatArray:
    return float(value) if value.ndim == 0 else value


@overload
def bed(total_dose_gy: float, fractions: float, alpha_beta_gy: float = 10.0) -> float: ...
@overload
def bed(
    total_dose_gy: FloatArray | float, fractions: FloatArray | float, alpha_beta_gy: FloatArray | float = 10.0
) -> FloatArray | float: ...
def bed(
    total_dose_gy: FloatArray | float, fractions: FloatArray | float, alpha_beta_gy: FloatArray | float = 10.0
) -> FloatArray | float:
    """Biologically effective dose (Gy): D (1 + d/(α/β)), d = D/n.

    Example:
        >>> bed(50, 10, 10)
        75.0
    """
    dose = _positive("total_dose_gy", total_dose_gy)
    n = _positive("fractions", fractions)
    ab = _positive("alpha_beta_gy", alpha_beta_gy)
    return _result(dose * (1.0 + dose / n / ab))


@overload
def eqd2(total_dose_gy: float, fractions: float, alpha_beta_gy: float = 10.0) -> float: ...
@overload
def eqd2(
    total_dose_gy: FloatArray | float, fractions: FloatArray | float, alpha_beta_gy: FloatArray | float = 10.0
) -> FloatArray | float: ...
def eqd2(
    total_dose_gy: FloatArray | float, fractions: FloatArray | float, alpha_beta_gy: FloatArray | float = 10.0
) -> FloatArray | float:
    """Equivalent dose in 2-Gy fractions (Gy): D (d + α/β) / (2 + α/β).

    Example:
        >>> eqd2(50, 10, 10)
        62.5
    """
    dose = _positive("total_dose_gy", total_dose_gy)
    n = _positive("fractions", fractions)
    ab = _positive("alpha_beta_gy", alpha_beta_gy)
    return _result(dose * (dose / n + ab) / (2.0 + ab))


def total_dose_for_bed(
    target_bed_gy: FloatArray | float, fractions: FloatArray | float, alpha_beta_gy: FloatArray | float = 10.0
) -> FloatArray | float:
    """Total dose (Gy) that gives ``target_bed_gy`` in ``fractions``: n·d with d the positive root of
    n d²/(α/β) + n d − BED = 0 (reference note §1.1, inverse formula)."""
    target = _positive("target_bed_gy", target_bed_gy)
    n = _positive("fractions", fractions)
    ab = _positive("alpha_beta_gy", alpha_beta_gy)
    d = (-n + np.sqrt(n * n + 4.0 * n * target / ab)) / (2.0 * n / ab)
    return _result(n * d)


def convert(
    total_dose_gy: FloatArray | float,
    fractions: FloatArray | float,
    new_fractions: FloatArray | float,
    alpha_beta_gy: FloatArray | float = 10.0,
) -> FloatArray | float:
    """Iso-effective total dose (Gy) in ``new_fractions`` for a regimen D/n (same BED)."""
    return total_dose_for_bed(bed(total_dose_gy, fractions, alpha_beta_gy), new_fractions, alpha_beta_gy)


def outside_validated_range(total_dose_gy: float, fractions: float) -> bool:
    """True when the dose per fraction exceeds the range where LQ is considered validated (> 10 Gy)."""
    return total_dose_gy / fractions > LQ_VALIDATED_MAX_DOSE_PER_FRACTION_GY
