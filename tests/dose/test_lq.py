"""LQ formulas against hand-computed values (issue 7 and radiotherapy reference note §1.5, computed [X])."""

from __future__ import annotations

import numpy as np
import pytest

from oligoboard.dose import lq
from oligoboard.errors import DoseInputError

# (total Gy, fractions, alpha/beta, BED, EQD2) — reference note §1.5 table; first two rows from issue 7.
CASES = [
    (50, 10, 10, 75.0, 62.5),
    (60, 30, 10, 72.0, 60.0),
    (54, 3, 10, 151.2, 126.0),
    (60, 8, 10, 105.0, 87.5),
    (50, 5, 3, 216.7, 130.0),
    (70, 35, 3, 116.7, 70.0),
    (30, 3, 2, 180.0, 90.0),
]


@pytest.mark.parametrize(("dose", "n", "ab", "bed", "eqd2"), CASES)
def test_bed_and_eqd2_match_reference_table(dose: float, n: int, ab: float, bed: float, eqd2: float) -> None:
    assert lq.bed(dose, n, ab) == pytest.approx(bed, abs=0.05)
    assert lq.eqd2(dose, n, ab) == pytest.approx(eqd2, abs=0.05)


def test_issue_values_are_exact() -> None:
    assert lq.bed(50, 10, 10) == 75.0
    assert lq.eqd2(50, 10, 10) == 62.5
    assert lq.bed(60, 30, 10) == pytest.approx(72.0, abs=1e-12)


def test_vectorised_over_arrays() -> None:
    doses = np.array([50.0, 60.0, 54.0])
    fractions = np.array([10.0, 30.0, 3.0])
    np.testing.assert_allclose(lq.bed(doses, fractions, 10.0), [75.0, 72.0, 151.2])


def test_conversion_round_trips_bed() -> None:
    """60 Gy/30 fx (BED10 72) in 5 fractions must keep BED10 72: 40 Gy/5 fx (reference note §1.5)."""
    assert lq.convert(60, 30, 5, 10) == pytest.approx(40.0, abs=1e-9)
    assert lq.total_dose_for_bed(75.0, 10, 10) == pytest.approx(50.0, abs=1e-9)


@pytest.mark.parametrize(
    ("dose", "n", "ab"), [(0, 5, 10), (-1, 5, 10), (50, 0, 10), (50, -3, 10), (50, 5, 0)]
)
def test_rejects_non_positive_input(dose: float, n: float, ab: float) -> None:
    with pytest.raises(DoseInputError, match="must be a positive number"):
        lq.bed(dose, n, ab)


# The scalar path (plain floats, no numpy import) and the vectorised path must be the same formula: equal to
# the last bit, on every reference row and on awkward values (tiny, huge, non-integer fractions).
SCALAR_VS_ARRAY = [*((d, n, ab) for d, n, ab, _, _ in CASES), (0.1, 1, 10), (1e4, 7, 0.5), (33.3, 2.5, 3.7)]


@pytest.mark.parametrize(("dose", "n", "ab"), SCALAR_VS_ARRAY)
def test_scalar_path_equals_vectorised_path_exactly(dose: float, n: float, ab: float) -> None:
    d, f, a = (np.array([x], dtype=np.float64) for x in (dose, n, ab))

    def first(value: object) -> float:
        assert isinstance(value, np.ndarray), "an array input must give an array"
        return float(value[0])

    assert lq.bed(dose, n, ab) == first(lq.bed(d, f, a))
    assert lq.eqd2(dose, n, ab) == first(lq.eqd2(d, f, a))
    assert lq.total_dose_for_bed(dose, n, ab) == first(lq.total_dose_for_bed(d, f, a))
    assert lq.convert(dose, n, 5, ab) == first(lq.convert(d, f, np.array([5.0]), a))


def test_scalar_path_returns_plain_floats() -> None:
    assert type(lq.bed(50, 10, 10)) is float
    assert type(lq.eqd2(np.float64(50.0), 10, 10)) is float


@pytest.mark.parametrize("bad", [0, -1.0, float("nan"), float("inf")])
def test_scalar_and_array_paths_refuse_the_same_input(bad: float) -> None:
    with pytest.raises(DoseInputError, match="fractions must be a positive number"):
        lq.bed(50, bad, 10)
    with pytest.raises(DoseInputError, match="fractions must be a positive number"):
        lq.bed(np.array([50.0]), np.array([bad]), 10)
