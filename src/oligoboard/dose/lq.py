"""Linear-quadratic (LQ) model: BED, EQD2 and conversion between fractionations.

Formulas (radiotherapy reference note §1.1; Fowler 1989, BJR 62:679): with total dose D, n fractions,
d = D/n and tissue α/β, BED = D (1 + d / (α/β)) and EQD2 = BED / (1 + 2 / (α/β)). No time factor:
the guideline thresholds this project checks (BED10 > 75 Gy, EQD2 ≥ 60 Gy) are quoted without one.

Every function accepts floats or numpy arrays and broadcasts, so a cohort is converted in one call. Plain
Python numbers take a scalar path with the same formula in the same operation order (IEEE float64 either
way, so the results are bit-identical; `tests/dose/test_lq.py` checks it): `oligoboard dose bed` and a
single-case assessment then never import numpy (≈ 120 ms of a 300 ms start-up budget, docs/architecture.md).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, TypeAlias, overload

from oligoboard.errors import DoseInputError, Problem

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    FloatArray: TypeAlias = NDArray[np.float64]

#: Dose per fraction above which LQ is outside its validated range (Brenner 2008; reference note §1.4).
LQ_VALIDATED_MAX_DOSE_PER_FRACTION_GY = 10.0


def _scalars(names: tuple[str, ...], values: tuple[FloatArray | float, ...]) -> tuple[float, ...] | None:
    """The checked values as floats when every one is a Python int or float (numpy's float64 subclasses
    float and counts too), else None: the caller then takes the vectorised numpy path."""
    if not all(isinstance(v, int | float) for v in values):
        return None
    return tuple(_positive_scalar(k, float(v)) for k, v in zip(names, values, strict=True))


def _bad_input(name: str, found: str) -> DoseInputError:
    return DoseInputError(
        f"{name} must be a positive number",
        problems=[Problem(name, "must be a positive number", expected="> 0", found=found)],
    )


def _positive_scalar(name: str, value: float) -> float:
    number = float(value)
    if not math.isfinite(number) or number <= 0:
        raise _bad_input(name, f"[{number!r}]")
    return number


def _positive(name: str, value: float | FloatArray) -> FloatArray:
    import numpy as np

    array = np.asarray(value, dtype=np.float64)
    if not np.all(np.isfinite(array)) or np.any(array <= 0):
        bad = array[~(np.isfinite(array) & (array > 0))] if array.ndim else array
        raise _bad_input(name, str(bad.ravel()[:3]))
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
    args = (total_dose_gy, fractions, alpha_beta_gy)
    scalars = _scalars(_NAMES, args)
    if scalars is not None:
        dose, n, ab = scalars
        return dose * (1.0 + dose / n / ab)
    dose_a, n_a, ab_a = (_positive(k, v) for k, v in zip(_NAMES, args, strict=True))
    return _result(dose_a * (1.0 + dose_a / n_a / ab_a))


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
    args = (total_dose_gy, fractions, alpha_beta_gy)
    scalars = _scalars(_NAMES, args)
    if scalars is not None:
        dose, n, ab = scalars
        return dose * (dose / n + ab) / (2.0 + ab)
    dose_a, n_a, ab_a = (_positive(k, v) for k, v in zip(_NAMES, args, strict=True))
    return _result(dose_a * (dose_a / n_a + ab_a) / (2.0 + ab_a))


_NAMES = ("total_dose_gy", "fractions", "alpha_beta_gy")
_INVERSE_NAMES = ("target_bed_gy", "fractions", "alpha_beta_gy")


def total_dose_for_bed(
    target_bed_gy: FloatArray | float, fractions: FloatArray | float, alpha_beta_gy: FloatArray | float = 10.0
) -> FloatArray | float:
    """Total dose (Gy) that gives ``target_bed_gy`` in ``fractions``: n·d with d the positive root of
    n d²/(α/β) + n d − BED = 0 (reference note §1.1, inverse formula)."""
    args = (target_bed_gy, fractions, alpha_beta_gy)
    scalars = _scalars(_INVERSE_NAMES, args)
    if scalars is not None:
        target, n, ab = scalars
        return n * ((-n + math.sqrt(n * n + 4.0 * n * target / ab)) / (2.0 * n / ab))
    import numpy as np

    target_a, n_a, ab_a = (_positive(k, v) for k, v in zip(_INVERSE_NAMES, args, strict=True))
    d = (-n_a + np.sqrt(n_a * n_a + 4.0 * n_a * target_a / ab_a)) / (2.0 * n_a / ab_a)
    return _result(n_a * d)


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
